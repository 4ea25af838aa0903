package components

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RegionLinkType is the URN type token of RegionLink. It never changes.
const RegionLinkType = "multiregion:index:RegionLink"

// LinkSide is one VPC of a RegionLink.
type LinkSide struct {
	// Region is the VPC's region. Required; the two sides differ.
	Region string
	// VPCID is the VPC (RegionalCluster.VPCID). Required.
	VPCID pulumi.StringInput
	// CIDR is the VPC's range (RegionalClusterArgs.CIDR); the other side routes it over the link.
	// Required; the two ranges must not overlap.
	CIDR netip.Prefix
	// RouteTableIDs are the route tables that get a route to the other side's CIDR
	// (RegionalCluster.PrivateRouteTableIDs). At least one.
	RouteTableIDs []pulumi.StringInput
	// Provider is an AWS provider for Region. Required.
	Provider pulumi.ProviderResource
}

// RegionLinkArgs configures a private link between two regions' VPCs.
type RegionLinkArgs struct {
	// Requester asks for the peering; Accepter accepts it. Which side is which never changes with
	// the roles: a stack orders them by region name, so that a failover touches no link.
	Requester, Accepter LinkSide
	// Tags are added to the peering connection. Default none.
	Tags map[string]string
}

// RegionLink is an inter-region VPC peering connection, accepted on the other side, with a route
// to each side's CIDR in the other side's route tables. Nothing in it depends on a region's role.
// Peering is not transitive: a mesh of n regions needs n(n-1)/2 links (see docs/network.md).
type RegionLink struct {
	pulumi.ResourceState

	// Connection is the peering connection, in the requester's region.
	Connection *ec2.VpcPeeringConnection
	// Accepter accepts the connection in the accepter's region.
	Accepter *ec2.VpcPeeringConnectionAccepter

	// ConnectionID is the peering connection's ID.
	ConnectionID pulumi.IDOutput `pulumi:"connectionId"`
}

// Validate checks a for a link called name and returns every problem, on paths relative to a
// ("Accepter.CIDR"). NewRegionLink runs it before it registers anything.
func (a *RegionLinkArgs) Validate(name string) FieldErrors {
	var f FieldErrors
	for _, side := range []struct {
		path string
		s    *LinkSide
	}{{"Requester", &a.Requester}, {"Accepter", &a.Accepter}} {
		p, s := side.path, side.s
		f = append(f, AsFieldErrors(checkRegion(p+".Region", s.Region))...)
		if s.VPCID == nil {
			f.Add(p+".VPCID", "required")
		}
		if !s.CIDR.IsValid() || !s.CIDR.Addr().Is4() {
			f.Add(p+".CIDR", "%v is not an IPv4 CIDR", s.CIDR)
		}
		if len(s.RouteTableIDs) == 0 {
			f.Add(p+".RouteTableIDs", "at least one route table is required (the link is useless without routes)")
		}
		for i, id := range s.RouteTableIDs {
			if id == nil {
				f.Add(fmt.Sprintf("%s.RouteTableIDs[%d]", p, i), "nil route table ID")
			}
		}
		if s.Provider == nil {
			f.Add(p+".Provider", "required (an AWS provider for %s)", s.Region)
		}
	}
	if a.Requester.Region == a.Accepter.Region && a.Requester.Region != "" {
		f.Add("Accepter.Region", "%q is also the requester's region; a RegionLink joins two regions", a.Accepter.Region)
	}
	if a.Requester.CIDR.IsValid() && a.Accepter.CIDR.IsValid() && a.Requester.CIDR.Overlaps(a.Accepter.CIDR) {
		f.Add("Accepter.CIDR", "%v overlaps the requester's %v; peered VPCs must not overlap", a.Accepter.CIDR, a.Requester.CIDR)
	}
	if name == "" {
		f.Add("name", "required")
	}
	return f
}

// NewRegionLink peers the two VPCs of args: the connection on the requester's provider, its
// acceptance on the accepter's, and the routes on each side's own provider.
func NewRegionLink(ctx *pulumi.Context, name string, args *RegionLinkArgs, opts ...pulumi.ResourceOption) (*RegionLink, error) {
	if args == nil {
		return nil, fmt.Errorf("region link %q: args are required", name)
	}
	if err := args.Validate(name).Err(); err != nil {
		return nil, fmt.Errorf("region link %q: %w", name, err)
	}
	for _, s := range []struct {
		path string
		side LinkSide
	}{{"Requester.Provider", args.Requester}, {"Accepter.Provider", args.Accepter}} {
		if err := CheckProviderRegion(ctx, s.path, s.side.Provider, s.side.Region); err != nil {
			return nil, fmt.Errorf("region link %q: %w", name, err)
		}
	}
	l := &RegionLink{}
	if err := ctx.RegisterComponentResource(RegionLinkType, name, l, opts...); err != nil {
		return nil, err
	}
	req, acc := args.Requester, args.Accepter
	parent := pulumi.Parent(l)
	tags := pulumi.StringMap{"Name": pulumi.String(name)}
	for k, v := range args.Tags {
		tags[k] = pulumi.String(v)
	}
	var err error
	l.Connection, err = ec2.NewVpcPeeringConnection(ctx, name, &ec2.VpcPeeringConnectionArgs{
		VpcId:      req.VPCID,
		PeerVpcId:  acc.VPCID,
		PeerRegion: pulumi.String(acc.Region),
		AutoAccept: pulumi.Bool(false), // cross-region: the accepter resource accepts
		Tags:       tags,
	}, parent, pulumi.Provider(req.Provider))
	if err != nil {
		return nil, fmt.Errorf("region link %q: creating the peering connection: %w", name, err)
	}
	l.Accepter, err = ec2.NewVpcPeeringConnectionAccepter(ctx, name, &ec2.VpcPeeringConnectionAccepterArgs{
		VpcPeeringConnectionId: l.Connection.ID(),
		AutoAccept:             pulumi.Bool(true),
		Tags:                   tags,
	}, parent, pulumi.Provider(acc.Provider))
	if err != nil {
		return nil, fmt.Errorf("region link %q: accepting the peering connection: %w", name, err)
	}
	l.ConnectionID = l.Connection.ID()
	// Routes wait for the acceptance: a route to a pending connection fails.
	for _, side := range []struct {
		from LinkSide
		to   netip.Prefix
	}{{req, acc.CIDR}, {acc, req.CIDR}} {
		for i, rt := range side.from.RouteTableIDs {
			if _, err := ec2.NewRoute(ctx, fmt.Sprintf("%s-%s-%d", name, side.from.Region, i), &ec2.RouteArgs{
				RouteTableId:           rt,
				DestinationCidrBlock:   pulumi.String(side.to.String()),
				VpcPeeringConnectionId: l.Accepter.ID(),
			}, parent, pulumi.Provider(side.from.Provider)); err != nil {
				return nil, fmt.Errorf("region link %q: routing %s to %s: %w", name, side.from.Region, side.to, err)
			}
		}
	}
	return l, ctx.RegisterResourceOutputs(l, pulumi.Map{"connectionId": l.ConnectionID})
}
