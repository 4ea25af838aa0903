package components

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DataNamesType is the URN type token of DataNames. It never changes.
const DataNamesType = "multiregion:index:DataNames"

// DefaultDataNamesTTL is the TTL of the data names: a failover repoints the writer name, and
// resolvers hold the old answer at most this long.
const DefaultDataNamesTTL = 10

// DataHostnames are the stable names a region's tasks reach the data tier by. The writer and the
// cache primary follow the primary region; the readers are the region's own.
type DataHostnames struct {
	// Writer is the database writer, wherever the primary is.
	Writer string
	// Reader is the region's own database reader (its replica, or the Aurora reader endpoint).
	Reader string
	// Cache is the cache primary (the Global Datastore's writable member), wherever the primary is.
	Cache string
	// CacheReader is the region's own cache reader endpoint.
	CacheReader string
}

// HostnamesFor returns the data names of region's tasks in zone. They depend on the region only, so
// a failover changes no task definition: it repoints records.
func HostnamesFor(zone, region string) DataHostnames {
	return DataHostnames{
		Writer:      "writer." + zone,
		Reader:      "reader." + region + "." + zone,
		Cache:       "cache." + zone,
		CacheReader: "cache-reader." + region + "." + zone,
	}
}

// DataNamesArgs configures the private names of the data tier.
type DataNamesArgs struct {
	// Zone is the private hosted zone's name, e.g. "web.internal". Required; a hostname.
	Zone string
	// VPCs are, by region, every VPC whose tasks resolve the names (RegionalCluster.VPCID). At least one.
	VPCs map[string]pulumi.StringInput
	// HomeRegion is the region whose VPC the zone is created with (a private zone needs one; the
	// others are associated to it). One of VPCs; keep it fixed: the stack passes its data home region.
	HomeRegion string
	// Writer is the primary region's database writer endpoint (DataTier.WriterEndpoint). Required.
	Writer pulumi.StringInput
	// Readers are, by region, the regions' database reader endpoints (DataTier.ReaderEndpoint).
	Readers map[string]pulumi.StringInput
	// CachePrimary is the primary region's cache primary endpoint (DataTier.CachePrimaryEndpoint);
	// nil without a cache.
	CachePrimary pulumi.StringInput
	// CacheReaders are, by region, the cache reader endpoints (DataTier.CacheReaderEndpoint).
	CacheReaders map[string]pulumi.StringInput
	// TTL is every record's TTL in seconds. Default DefaultDataNamesTTL; allowed 1-30.
	TTL int
	// Protect sets Pulumi's protect option on the private zone (every region resolves the data names
	// in it). Default true.
	Protect *bool
	// Provider is the AWS provider of the zone and its records (Route 53 is global; the stack passes
	// its us-east-1 provider). Required.
	Provider pulumi.ProviderResource
}

// DataNames is a Route 53 private hosted zone, associated with every region's VPC, holding the data
// tier's stable names (HostnamesFor): CNAME records to the current endpoints. A failover updates the
// writer and cache records in place and replaces nothing.
type DataNames struct {
	pulumi.ResourceState

	// Zone is the private hosted zone.
	Zone *route53.Zone

	// ZoneID is the private hosted zone's ID.
	ZoneID pulumi.StringOutput `pulumi:"zoneId"`
	// WriterName is the writer's name, HostnamesFor(Zone, ...).Writer.
	WriterName pulumi.StringOutput `pulumi:"writerName"`
}

// WithDefaults returns a copy of a with every unset field at its default.
func (a *DataNamesArgs) WithDefaults() DataNamesArgs {
	c := *a
	orDefault(&c.TTL, DefaultDataNamesTTL)
	c.VPCs, c.Readers, c.CacheReaders = maps.Clone(c.VPCs), maps.Clone(c.Readers), maps.Clone(c.CacheReaders)
	return c
}

// Validate checks a (after WithDefaults) and returns every problem, on paths relative to a.
func (a *DataNamesArgs) Validate() FieldErrors {
	var f FieldErrors
	if err := CheckHostname(a.Zone); err != nil {
		f.Add("Zone", "%v", err)
	}
	if len(a.VPCs) == 0 {
		f.Add("VPCs", "at least one VPC is required (a private zone resolves only inside its VPCs)")
	}
	for _, r := range slices.Sorted(maps.Keys(a.VPCs)) {
		f = append(f, AsFieldErrors(checkRegion("VPCs["+r+"]", r))...)
		if a.VPCs[r] == nil {
			f.Add("VPCs["+r+"]", "nil VPC ID")
		}
	}
	if _, ok := a.VPCs[a.HomeRegion]; !ok {
		f.Add("HomeRegion", "%q is not a key of VPCs", a.HomeRegion)
	}
	if a.Writer == nil {
		f.Add("Writer", "required (the primary region's writer endpoint)")
	}
	for _, m := range []struct {
		path string
		v    map[string]pulumi.StringInput
	}{{"Readers", a.Readers}, {"CacheReaders", a.CacheReaders}} {
		for _, r := range slices.Sorted(maps.Keys(m.v)) {
			if _, ok := a.VPCs[r]; !ok {
				f.Add(m.path+"["+r+"]", "%q has no VPC in VPCs: its tasks could not resolve the name", r)
			}
			if m.v[r] == nil {
				f.Add(m.path+"["+r+"]", "nil endpoint")
			}
		}
	}
	if len(a.CacheReaders) > 0 && a.CachePrimary == nil {
		f.Add("CachePrimary", "required with CacheReaders")
	}
	if a.TTL < 1 || a.TTL > 30 {
		f.Add("TTL", "%d is outside 1-30 (a failover repoints the writer name; resolvers hold it this long)", a.TTL)
	}
	if a.Provider == nil {
		f.Add("Provider", "required (Route 53 is global: any AWS provider, e.g. us-east-1's)")
	}
	return f
}

// NewDataNames creates the private zone, its VPC associations and the data names' records.
func NewDataNames(ctx *pulumi.Context, name string, args *DataNamesArgs, opts ...pulumi.ResourceOption) (*DataNames, error) {
	if args == nil {
		return nil, fmt.Errorf("data names %q: args are required", name)
	}
	a := args.WithDefaults()
	if err := a.Validate().Err(); err != nil {
		return nil, fmt.Errorf("data names %q: %w", name, err)
	}
	n := &DataNames{}
	if err := ctx.RegisterComponentResource(DataNamesType, name, n, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	on := []pulumi.ResourceOption{pulumi.Parent(n), pulumi.Provider(a.Provider)}
	var err error
	// The zone is created with the home VPC; the others are associated (ZoneAssociation), so the
	// zone ignores its own VPC list, as the provider documents for this combination.
	n.Zone, err = route53.NewZone(ctx, name+"-zone", &route53.ZoneArgs{
		Name:    pulumi.String(a.Zone),
		Comment: pulumi.String("multiregion data names: the writer follows the primary region"),
		Vpcs: route53.ZoneVpcArray{route53.ZoneVpcArgs{
			VpcId: a.VPCs[a.HomeRegion], VpcRegion: pulumi.String(a.HomeRegion),
		}},
	}, append(on, pulumi.IgnoreChanges([]string{"vpcs"}))...)
	if err != nil {
		return nil, fmt.Errorf("data names %q: creating the private zone: %w", name, err)
	}
	n.ZoneID = n.Zone.ZoneId
	for _, r := range slices.Sorted(maps.Keys(a.VPCs)) {
		if r == a.HomeRegion {
			continue
		}
		if _, err := route53.NewZoneAssociation(ctx, name+"-"+r, &route53.ZoneAssociationArgs{
			ZoneId: n.Zone.ZoneId, VpcId: a.VPCs[r], VpcRegion: pulumi.String(r),
		}, on...); err != nil {
			return nil, fmt.Errorf("data names %q: associating the VPC of %s: %w", name, r, err)
		}
	}
	type record struct {
		key, host string
		value     pulumi.StringInput
	}
	global := HostnamesFor(a.Zone, a.HomeRegion)
	records := []record{{"writer", global.Writer, a.Writer}}
	if a.CachePrimary != nil {
		records = append(records, record{"cache", global.Cache, a.CachePrimary})
	}
	for _, r := range slices.Sorted(maps.Keys(a.Readers)) {
		records = append(records, record{"reader-" + r, HostnamesFor(a.Zone, r).Reader, a.Readers[r]})
	}
	for _, r := range slices.Sorted(maps.Keys(a.CacheReaders)) {
		records = append(records, record{"cache-reader-" + r, HostnamesFor(a.Zone, r).CacheReader, a.CacheReaders[r]})
	}
	for _, rec := range records {
		if _, err := route53.NewRecord(ctx, name+"-"+rec.key, &route53.RecordArgs{
			ZoneId:  n.Zone.ZoneId,
			Name:    pulumi.String(rec.host),
			Type:    pulumi.String("CNAME"),
			Ttl:     pulumi.Int(a.TTL),
			Records: pulumi.StringArray{rec.value},
		}, on...); err != nil {
			return nil, fmt.Errorf("data names %q: record %s: %w", name, rec.host, err)
		}
	}
	n.WriterName = pulumi.String(global.Writer).ToStringOutput()
	return n, ctx.RegisterResourceOutputs(n, pulumi.Map{"zoneId": n.ZoneID, "writerName": n.WriterName})
}
