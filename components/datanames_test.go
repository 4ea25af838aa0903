package components_test

import (
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// namesArgs are valid DataNamesArgs over two regions with a cache; the provider is filled in by runNames.
func namesArgs() *components.DataNamesArgs {
	return &components.DataNamesArgs{
		Zone:         "web.internal",
		HomeRegion:   "us-west-2",
		VPCs:         map[string]pulumi.StringInput{"us-west-2": pulumi.String("vpc-west"), "us-east-1": pulumi.String("vpc-east")},
		Writer:       pulumi.String("web-us-west-2.abc.us-west-2.rds.amazonaws.com"),
		Readers:      map[string]pulumi.StringInput{"us-west-2": pulumi.String("west-reader"), "us-east-1": pulumi.String("east-reader")},
		CachePrimary: pulumi.String("west-cache"),
		CacheReaders: map[string]pulumi.StringInput{"us-west-2": pulumi.String("west-cache-ro"), "us-east-1": pulumi.String("east-cache-ro")},
	}
}

func runNames(t *testing.T, args *components.DataNamesArgs) (*mockcloud.Engine, error) {
	t.Helper()
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		if args.Provider == nil {
			p, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
			if err != nil {
				return err
			}
			args.Provider = p
		}
		_, err := components.NewDataNames(ctx, "web-data", args)
		return err
	}, nil)
	return e, err
}

// TestDataNamesRecords: the private zone is created with the home VPC and associated with the
// others; every name of HostnamesFor is a CNAME to its endpoint with a short TTL.
func TestDataNamesRecords(t *testing.T) {
	e, err := runNames(t, namesArgs())
	require.NoError(t, err)
	zones := e.ByType("aws:route53/zone:Zone")
	require.Len(t, zones, 1)
	assert.Equal(t, "web.internal", zones[0].Str("name"))
	assert.Equal(t, []string{"vpc-west", "us-west-2"}, []string{zones[0].Str("vpcs[0].vpcId"), zones[0].Str("vpcs[0].vpcRegion")})
	assert.Equal(t, []string{"vpcs"}, zones[0].IgnoreChanges, "the associations manage the other VPCs")
	assoc := e.ByType("aws:route53/zoneAssociation:ZoneAssociation")
	require.Len(t, assoc, 1)
	assert.Equal(t, []string{"vpc-east", "us-east-1"}, []string{assoc[0].Str("vpcId"), assoc[0].Str("vpcRegion")})
	got := map[string]string{}
	for _, r := range e.ByType("aws:route53/record:Record") {
		assert.Equal(t, "CNAME", r.Str("type"))
		ttl, _ := r.Num("ttl")
		assert.Equal(t, float64(components.DefaultDataNamesTTL), ttl)
		got[r.Str("name")] = r.Str("records[0]")
	}
	west, east := components.HostnamesFor("web.internal", "us-west-2"), components.HostnamesFor("web.internal", "us-east-1")
	assert.Equal(t, west.Writer, east.Writer, "the writer name does not depend on the region")
	assert.Equal(t, map[string]string{
		west.Writer: "web-us-west-2.abc.us-west-2.rds.amazonaws.com", west.Cache: "west-cache",
		west.Reader: "west-reader", east.Reader: "east-reader",
		west.CacheReader: "west-cache-ro", east.CacheReader: "east-cache-ro",
	}, got)
}

func TestDataNamesRejectsBadArgs(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *components.DataNamesArgs)
		want   string
	}{
		{"zone", func(a *components.DataNamesArgs) { a.Zone = "Web_Internal" }, "Zone:"},
		{"home", func(a *components.DataNamesArgs) { a.HomeRegion = "eu-west-1" }, `HomeRegion: "eu-west-1" is not a key of VPCs`},
		{"writer", func(a *components.DataNamesArgs) { a.Writer = nil }, "Writer: required"},
		{"reader without VPC", func(a *components.DataNamesArgs) { a.Readers["eu-west-1"] = pulumi.String("x") }, `Readers[eu-west-1]: "eu-west-1" has no VPC`},
		{"cache readers without primary", func(a *components.DataNamesArgs) { a.CachePrimary = nil }, "CachePrimary: required with CacheReaders"},
		{"TTL", func(a *components.DataNamesArgs) { a.TTL = 60 }, "TTL: 60 is outside 1-30"},
		{"no VPCs", func(a *components.DataNamesArgs) { a.VPCs = nil }, "VPCs: at least one VPC is required"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := namesArgs()
			tc.mutate(a)
			e, err := runNames(t, a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, e.ByType(components.DataNamesType))
		})
	}
}
