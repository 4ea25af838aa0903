package components_test

import (
	"net/netip"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// linkArgs are valid RegionLinkArgs between us-east-1 (two route tables) and us-west-2 (one); the
// providers are filled in by runLink.
func linkArgs() *components.RegionLinkArgs {
	return &components.RegionLinkArgs{
		Requester: components.LinkSide{
			Region: "us-east-1", VPCID: pulumi.String("vpc-east"), CIDR: netip.MustParsePrefix("10.20.0.0/16"),
			RouteTableIDs: []pulumi.StringInput{pulumi.String("rtb-east-a"), pulumi.String("rtb-east-b")},
		},
		Accepter: components.LinkSide{
			Region: "us-west-2", VPCID: pulumi.String("vpc-west"), CIDR: netip.MustParsePrefix("10.10.0.0/16"),
			RouteTableIDs: []pulumi.StringInput{pulumi.String("rtb-west-a")},
		},
	}
}

func runLink(t *testing.T, args *components.RegionLinkArgs) (*mockcloud.Engine, error) {
	t.Helper()
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		providers := map[string]pulumi.ProviderResource{}
		for _, side := range []*components.LinkSide{&args.Requester, &args.Accepter} {
			if side.Provider != nil || side.Region == "" {
				continue
			}
			if providers[side.Region] == nil {
				p, err := aws.NewProvider(ctx, "aws-"+side.Region, &aws.ProviderArgs{Region: pulumi.String(side.Region)})
				if err != nil {
					return err
				}
				providers[side.Region] = p
			}
			side.Provider = providers[side.Region]
		}
		_, err := components.NewRegionLink(ctx, "web-link-us-east-1-us-west-2", args)
		return err
	}, nil)
	return e, err
}

// TestRegionLinkPeersAndRoutesBothWays: the connection is requested from one side and accepted on the
// other, each on its own region's provider, and every route table of each side routes the other
// side's range through the accepted connection.
func TestRegionLinkPeersAndRoutesBothWays(t *testing.T) {
	e, err := runLink(t, linkArgs())
	require.NoError(t, err)
	pcx := e.ByType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
	require.Len(t, pcx, 1)
	assert.Equal(t, "us-east-1", pcx[0].Region)
	assert.Equal(t, []string{"vpc-east", "vpc-west", "us-west-2"}, []string{pcx[0].Str("vpcId"), pcx[0].Str("peerVpcId"), pcx[0].Str("peerRegion")})
	acc := e.ByType("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")
	require.Len(t, acc, 1)
	assert.Equal(t, "us-west-2", acc[0].Region)
	assert.Equal(t, pcx[0].ID, acc[0].Str("vpcPeeringConnectionId"))
	routes := map[string]string{} // route table -> destination
	for _, r := range e.ByType("aws:ec2/route:Route") {
		routes[r.Str("routeTableId")] = r.Str("destinationCidrBlock")
		assert.Equal(t, acc[0].ID, r.Str("vpcPeeringConnectionId"), "%s routes through the accepted connection", r.Name)
		assert.Contains(t, r.Dependencies, acc[0].URN, "%s must wait for the acceptance", r.Name)
		want := map[string]string{"rtb-east-a": "us-east-1", "rtb-east-b": "us-east-1", "rtb-west-a": "us-west-2"}[r.Str("routeTableId")]
		assert.Equal(t, want, r.Region, "%s is on its route table's provider", r.Name)
	}
	assert.Equal(t, map[string]string{"rtb-east-a": "10.10.0.0/16", "rtb-east-b": "10.10.0.0/16", "rtb-west-a": "10.20.0.0/16"}, routes)
}

func TestRegionLinkRejectsBadArgs(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *components.RegionLinkArgs)
		want   string
	}{
		{"same region", func(a *components.RegionLinkArgs) { a.Accepter.Region = "us-east-1" }, `Accepter.Region: "us-east-1" is also the requester's region`},
		{"overlap", func(a *components.RegionLinkArgs) { a.Accepter.CIDR = netip.MustParsePrefix("10.20.128.0/17") }, "Accepter.CIDR: 10.20.128.0/17 overlaps the requester's 10.20.0.0/16"},
		{"no routes", func(a *components.RegionLinkArgs) { a.Requester.RouteTableIDs = nil }, "Requester.RouteTableIDs: at least one route table is required"},
		{"no VPC", func(a *components.RegionLinkArgs) { a.Accepter.VPCID = nil }, "Accepter.VPCID: required"},
		{"bad region", func(a *components.RegionLinkArgs) { a.Requester.Region = "us-east" }, `Requester.Region: "us-east"`},
		{"no CIDR", func(a *components.RegionLinkArgs) { a.Requester.CIDR = netip.Prefix{} }, "Requester.CIDR: invalid Prefix is not an IPv4 CIDR"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := linkArgs()
			tc.mutate(a)
			e, err := runLink(t, a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, e.ByType(components.RegionLinkType), "bad args registered the component")
		})
	}
	// A provider of another region than its side's is refused before anything is registered.
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		west, err := aws.NewProvider(ctx, "aws-us-west-2", &aws.ProviderArgs{Region: pulumi.String("us-west-2")})
		if err != nil {
			return err
		}
		a := linkArgs()
		a.Requester.Provider, a.Accepter.Provider = west, west
		_, err = components.NewRegionLink(ctx, "web-link", a)
		return err
	}, nil)
	assert.ErrorContains(t, err, "Requester.Provider: the provider is for us-west-2, but the component's region is us-east-1")
	assert.Empty(t, e.ByType(components.RegionLinkType))
}
