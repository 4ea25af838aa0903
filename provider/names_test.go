package provider

import (
	"reflect"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/stretchr/testify/assert"
)

func TestPropertyName(t *testing.T) {
	cases := []struct{ field, want string }{
		{"KMSKeyARN", "kmsKeyArn"},
		{"VPCID", "vpcId"},
		{"CIDR", "cidr"},
		{"NATPerAZ", "natPerAz"},
		{"Region", "region"},
		{"AZCount", "azCount"},
		{"PeerCIDRs", "peerCidrs"},
		{"HealthCheckIDs", "healthCheckIds"},
		{"AcceleratorIPs", "acceleratorIps"},
		{"VPCs", "vpcs"},
		{"ALBARNSuffix", "albArnSuffix"},
		{"WebACLARN", "webAclArn"},
		{"DBIAMUsername", "dbIamUsername"},
		{"DBIdentifier", "dbIdentifier"},
		{"HTTPSEndpoint", "httpsEndpoint"},
		{"TLSPolicy", "tlsPolicy"},
		{"CPUTarget", "cpuTarget"},
		{"XRayDaemonImage", "xrayDaemonImage"},
		{"ALB5xxPercent", "alb5xxPercent"},
		{"Route53", "route53"},
		{"CloudFrontCertificateARN", "cloudFrontCertificateArn"},
		{"TTL", "ttl"},
		{"AccountID", "accountId"},
		{"FOOBar", "fooBar"},     // a run of capitals that is no initialism is still one word
		{"ServiceA", "serviceA"}, // a lone trailing capital
		{"X", "x"},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			assert.Equal(t, tc.want, PropertyName(tc.field))
		})
	}
}

// TestPropertyNameMatchesOutputTags: the components name their outputs by hand (`pulumi:"..."` tags);
// the rule that names the inputs gives the same name for every one of them, so that an input and an
// output of one meaning are spelled alike (a DataTier's kmsKeyArn input and output).
func TestPropertyNameMatchesOutputTags(t *testing.T) {
	n := 0
	for _, c := range Components() {
		for i := range c.Resource.NumField() {
			f := c.Resource.Field(i)
			if tag, ok := f.Tag.Lookup("pulumi"); ok {
				name, _, _ := strings.Cut(tag, ",")
				assert.Equal(t, name, PropertyName(f.Name), "%s.%s", c.Resource.Name(), f.Name)
				n++
			}
		}
	}
	assert.Greater(t, n, 50, "the outputs were found")
}

func TestFieldNameTakesTheJSONName(t *testing.T) {
	typ := reflect.TypeFor[components.CacheSpec]()
	cases := []struct{ field, want string }{
		{"NodeType", "nodeType"},   // json:"nodeType,omitempty"
		{"AuthToken", "authToken"}, // json:"-": out of the stack's JSON, still an input
		{"Port", "port"},           // json:"-"
	}
	for _, tc := range cases {
		f, ok := typ.FieldByName(tc.field)
		if assert.True(t, ok, tc.field) {
			assert.Equal(t, tc.want, fieldName(f))
		}
	}
	w, _ := reflect.TypeFor[components.EdgeSettings]().FieldByName("WritePaths")
	assert.Equal(t, "cloudFrontWritePaths", fieldName(w), "a json name that differs from the field name wins")
}
