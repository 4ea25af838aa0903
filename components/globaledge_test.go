package components_test

import (
	"fmt"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// edgeRegions are the endpoints of the component tests, primary first.
var edgeRegions = []string{"us-west-2", "us-east-1", "eu-west-1"}

// edgeArgs builds GlobalEdgeArgs over fabricated ALBs; providers are filled in by runEdge.
func edgeArgs() *components.GlobalEdgeArgs {
	a := &components.GlobalEdgeArgs{
		Hostname:                 "app.example.com",
		ZoneID:                   pulumi.String("Z0123456789ABCDEFGHIJ"),
		CloudFrontCertificateARN: pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/cf"),
		WAFLogKMSKeyARN:          pulumi.String("arn:aws:kms:us-east-1:123456789012:key/edge"),
		AccessLogBucket:          pulumi.String("web-us-east-1-access-logs"),
	}
	for i, r := range edgeRegions {
		role, dial := components.RoleStandby, 0
		if i == 0 {
			role, dial = components.RolePrimary, 100
		}
		a.Endpoints = append(a.Endpoints, components.EdgeEndpoint{
			Region: r, Role: role, TrafficDial: dial,
			ALBARN:  pulumi.String("arn:aws:elasticloadbalancing:" + r + ":123456789012:loadbalancer/app/web/1"),
			DNSName: pulumi.String("web-1." + r + ".elb.amazonaws.com"),
			ZoneID:  pulumi.String("ZALB" + r),
		})
	}
	return a
}

// runEdge creates a GlobalEdge with us-east-1 and us-west-2 providers under a fresh mock engine.
func runEdge(t *testing.T, args *components.GlobalEdgeArgs) (*mockcloud.Engine, error) {
	t.Helper()
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		global, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		ga, err := aws.NewProvider(ctx, "aws-us-west-2", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
		if err != nil {
			return err
		}
		if args.GlobalProvider == nil {
			args.GlobalProvider = global
		}
		if args.AcceleratorProvider == nil {
			args.AcceleratorProvider = ga
		}
		_, err = components.NewGlobalEdge(ctx, "web-edge", args)
		return err
	}, nil)
	return e, err
}

func TestGlobalEdgeRejectsBadArgs(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *components.GlobalEdgeArgs)
		want   string
	}{
		{"interval", func(a *components.GlobalEdgeArgs) { a.HealthCheckIntervalSeconds = 20 }, "HealthCheckIntervalSeconds: 20 is not allowed"},
		{"two primaries", func(a *components.GlobalEdgeArgs) { a.Endpoints[1].Role = components.RolePrimary }, "2 primaries"},
		{"duplicate region", func(a *components.GlobalEdgeArgs) { a.Endpoints[2].Region = "us-east-1" }, `"us-east-1" is listed twice`},
		{"dial", func(a *components.GlobalEdgeArgs) { a.Endpoints[1].TrafficDial = 101 }, "TrafficDial: 101"},
		{"missing ALB", func(a *components.GlobalEdgeArgs) { a.Endpoints[0].ALBARN = nil }, "ALBARN, DNSName and ZoneID are required"},
		{"cloudfront without certificate", func(a *components.GlobalEdgeArgs) { a.CloudFrontCertificateARN = nil }, "CloudFrontCertificateARN: required"},
		{"weight", func(a *components.GlobalEdgeArgs) { a.EndpointWeight = 300 }, "EndpointWeight: 300"},
		{"routing", func(a *components.GlobalEdgeArgs) { a.Routing = "geo" }, `Routing: "geo"`},
		{"one endpoint for failover", func(a *components.GlobalEdgeArgs) { a.Endpoints = a.Endpoints[:1] }, "failover routing needs a primary and at least one standby"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := edgeArgs()
			tc.mutate(a)
			e, err := runEdge(t, a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, e.ByType(components.GlobalEdgeType), "bad args registered the component")
		})
	}
}

// TestEdgeSettingsRules holds every rule of EdgeSettings, the settings a stack's multiregion:edge sets.
func TestEdgeSettingsRules(t *testing.T) {
	off, on := components.Bool(false), components.Bool(true)
	cases := []struct {
		name     string
		s        components.EdgeSettings
		hostname bool
		want     string // "" accepts
	}{
		{"defaults with a hostname", components.EdgeSettings{}, true, ""},
		{"defaults without a hostname", components.EdgeSettings{}, false, "AllowPlainHTTP: false, and there is no domain"},
		{"plain HTTP opted in", components.EdgeSettings{AllowPlainHTTP: on}, false, ""},
		{"plain HTTP with a domain", components.EdgeSettings{AllowPlainHTTP: on}, true, "AllowPlainHTTP: true has no effect with a domain"},
		{"interval 30", components.EdgeSettings{HealthCheckIntervalSeconds: 30}, true, ""},
		{"interval 15", components.EdgeSettings{HealthCheckIntervalSeconds: 15}, true, "HealthCheckIntervalSeconds: 15 is not allowed (only 10 or 30"},
		{"threshold 11", components.EdgeSettings{HealthCheckFailureThreshold: 11}, true, "HealthCheckFailureThreshold: 11 is outside 1-10"},
		{"threshold negative", components.EdgeSettings{HealthCheckFailureThreshold: -1}, true, "HealthCheckFailureThreshold: -1 is outside 1-10"},
		{"connect timeout", components.EdgeSettings{OriginConnectTimeoutSeconds: 11}, true, "OriginConnectTimeoutSeconds: 11 is outside 1-10"},
		{"connection attempts", components.EdgeSettings{OriginConnectionAttempts: 4}, true, "OriginConnectionAttempts: 4 is outside 1-3"},
		{"affinity", components.EdgeSettings{ClientAffinity: "COOKIE"}, true, `ClientAffinity: "COOKIE" is not NONE or SOURCE_IP`},
		{"source ip", components.EdgeSettings{ClientAffinity: components.AffinitySourceIP}, true, ""},
		{"all off", components.EdgeSettings{Route53: off, CloudFront: off, GlobalAccelerator: off}, true, "Route53/CloudFront/GlobalAccelerator: all three are off"},
		{"route 53 without hostname", components.EdgeSettings{Route53: on}, false, "Route53: true needs a domain"},
		{"cloudfront without hostname", components.EdgeSettings{CloudFront: on}, false, "CloudFront: true needs a domain"},
		{"waf without cloudfront (the ALBs' web ACLs)", components.EdgeSettings{CloudFront: off, WAF: on}, true, ""},
		{"waf off", components.EdgeSettings{WAF: off}, true, ""},
		{"write path", components.EdgeSettings{WritePaths: []string{"/api/*", "*"}}, true, `WritePaths[1]: "*" is not a path pattern`},
		{"write path twice", components.EdgeSettings{WritePaths: []string{"/api/*", "/api/*"}}, true, `WritePaths[1]: "/api/*" is listed twice`},
		{"too many write paths", components.EdgeSettings{WritePaths: manyPaths(26)}, true, "WritePaths: 26 patterns; CloudFront allows 25"},
		{"25 write paths", components.EdgeSettings{WritePaths: manyPaths(25)}, true, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s.WithDefaults(tc.hostname)
			err := s.Validate(tc.hostname).Err()
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	// Route 53 and CloudFront default on only with a hostname; the accelerator and WAF always; plain
	// HTTP never.
	d := components.EdgeSettings{}.WithDefaults(false)
	assert.Equal(t, []bool{false, false, true, true, false}, []bool{*d.Route53, *d.CloudFront, *d.GlobalAccelerator, *d.WAF, *d.AllowPlainHTTP})
	d = components.EdgeSettings{}.WithDefaults(true)
	assert.Equal(t, []bool{true, true, true, true, false}, []bool{*d.Route53, *d.CloudFront, *d.GlobalAccelerator, *d.WAF, *d.AllowPlainHTTP})
	assert.Equal(t, []int{10, 3, 10, 3}, []int{d.HealthCheckIntervalSeconds, d.HealthCheckFailureThreshold, d.OriginConnectTimeoutSeconds, d.OriginConnectionAttempts})
}

func manyPaths(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("/p%d/*", i)
	}
	return out
}

// TestGlobalEdgeFailoverTiers checks the record chain Route 53 needs for three regions (one PRIMARY
// and one SECONDARY per name) and that the records are named by tier, never by role.
func TestGlobalEdgeFailoverTiers(t *testing.T) {
	e, err := runEdge(t, edgeArgs())
	require.NoError(t, err)
	want := map[string][3]string{ // record name -> DNS name, failover type, alias target
		"web-edge-failover-0-primary":   {"app.example.com", "PRIMARY", "web-1.us-west-2.elb.amazonaws.com"},
		"web-edge-failover-0-secondary": {"app.example.com", "SECONDARY", "failover-1.app.example.com"},
		"web-edge-failover-1-primary":   {"failover-1.app.example.com", "PRIMARY", "web-1.us-east-1.elb.amazonaws.com"},
		"web-edge-failover-1-secondary": {"failover-1.app.example.com", "SECONDARY", "web-1.eu-west-1.elb.amazonaws.com"},
	}
	for name, w := range want {
		r := e.Find("aws:route53/record:Record", name)
		require.NotNil(t, r, name)
		assert.Equal(t, w, [3]string{r.Str("name"), r.Str("failoverRoutingPolicies[0].type"), r.Str("aliases[0].name")}, name)
		assert.Equal(t, "us-east-1", r.Region)
	}
	// The tier-0 SECONDARY aliases tier 1 in the same zone, which must exist first.
	sec := e.Find("aws:route53/record:Record", "web-edge-failover-0-secondary")
	assert.Equal(t, "Z0123456789ABCDEFGHIJ", sec.Str("aliases[0].zoneId"))
	assert.Contains(t, sec.Dependencies, e.Find("aws:route53/record:Record", "web-edge-failover-1-primary").URN)
	for _, r := range e.ChildrenOf(e.Component(components.GlobalEdgeType, "web-edge")) {
		assert.NotContains(t, r.Name, "standby", "%s is named by role", r.Name)
		if r.Custom {
			assert.NotEmpty(t, r.ProviderURN, "%s %s on the default provider", r.Type, r.Name)
		}
	}
}

func TestGlobalEdgeWithoutHostnameRunsAcceleratorOnly(t *testing.T) {
	a := edgeArgs()
	a.Hostname, a.ZoneID, a.CloudFrontCertificateARN = "", nil, nil
	_, err := runEdge(t, a)
	require.ErrorContains(t, err, "AllowPlainHTTP: false, and there is no domain", "plain HTTP is an explicit opt-in")
	a.AllowPlainHTTP = components.Bool(true)
	e, err := runEdge(t, a)
	require.NoError(t, err)
	assert.Empty(t, e.ByType("aws:route53/record:Record"))
	assert.Empty(t, e.ByType("aws:cloudfront/distribution:Distribution"))
	assert.Len(t, e.ByType("aws:globalaccelerator/endpointGroup:EndpointGroup"), 3)
}

func TestFailoverTimingFormulas(t *testing.T) {
	r := components.Route53FailoverTiming(10, 3, 60)
	assert.Equal(t, []int{30, 60, 90}, []int{r.DetectionSeconds, r.CachingSeconds, r.FailoverSeconds})
	g := components.AcceleratorFailoverTiming(30, 2)
	assert.Equal(t, []int{60, 0, 60}, []int{g.DetectionSeconds, g.CachingSeconds, g.FailoverSeconds})
	c := components.CloudFrontFailoverTiming(10, 3)
	assert.Equal(t, 30, c.FailoverSeconds)
	assert.Contains(t, c.Formula, "[500 502 503 504]")
	assert.Equal(t, "app.example.com", components.FailoverTierName("app.example.com", 0))
	assert.Equal(t, "failover-2.app.example.com", components.FailoverTierName("app.example.com", 2))
}
