package stacks

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The environment variables every task gets: where its data lives. They are the contract for
// application developers (README, "The service's data endpoints"); the names resolve in the data
// names' private zone, and the writer names follow the primary region, so a failover changes no task
// definition.
const (
	// EnvDBWriterHost is the database writer's name, wherever the primary is.
	EnvDBWriterHost = "DB_WRITER_HOST"
	// EnvDBReaderHost is the region's own database reader's name.
	EnvDBReaderHost = "DB_READER_HOST"
	// EnvDBPort is the database port.
	EnvDBPort = "DB_PORT"
	// EnvDBName is the database name.
	EnvDBName = "DB_NAME"
	// EnvDBUser is the user the tasks connect as, with IAM authentication.
	EnvDBUser = "DB_USER"
	// EnvCacheHost is the cache primary's name, wherever the primary is (with a cache).
	EnvCacheHost = "CACHE_HOST"
	// EnvCacheReaderHost is the region's own cache reader's name (with a cache).
	EnvCacheReaderHost = "CACHE_READER_HOST"
	// EnvCachePort is the cache port (with a cache).
	EnvCachePort = "CACHE_PORT"
)

// DataEnvironment lists the variables the stack sets in every task; service.environment may not set them.
func DataEnvironment() []string {
	return []string{EnvDBWriterHost, EnvDBReaderHost, EnvDBPort, EnvDBName, EnvDBUser, EnvCacheHost, EnvCacheReaderHost, EnvCachePort}
}

// DataZone is the private hosted zone of the data names: "<service name>.internal".
func (c *Config) DataZone() string { return c.Service.Name + ".internal" }

// dataEnvironment is what the stack adds to the environment of region's tasks.
func (c *Config) dataEnvironment(region string) map[string]string {
	db := c.databaseSpec(region, c.RoleOf(region)).WithDefaults(c.RoleOf(region))
	h := components.HostnamesFor(c.DataZone(), region)
	env := map[string]string{
		EnvDBWriterHost: h.Writer,
		EnvDBReaderHost: h.Reader,
		EnvDBPort:       strconv.Itoa(db.Port),
		EnvDBName:       db.DatabaseName,
		EnvDBUser:       db.IAMUsername,
	}
	if spec := c.cacheSpec(); spec != nil {
		env[EnvCacheHost], env[EnvCacheReaderHost] = h.Cache, h.CacheReader
		env[EnvCachePort] = strconv.Itoa(spec.WithDefaults().Port)
	}
	return env
}

// serviceEnvironment is the environment of region's tasks: service.environment plus the data endpoints.
func (c *Config) serviceEnvironment(region string) map[string]string {
	env := maps.Clone(c.Service.Environment)
	if env == nil {
		env = map[string]string{}
	}
	maps.Copy(env, c.dataEnvironment(region))
	return env
}

// validateDataPath rejects variables of service.environment and service.secrets that the stack sets.
func (c *Config) validateDataPath() []error {
	var errs []error
	for _, m := range []struct {
		key  string
		vars map[string]string
	}{{"service.environment", c.Service.Environment}, {"service.secrets", c.Service.Secrets}} {
		for _, name := range slices.Sorted(maps.Keys(m.vars)) {
			if slices.Contains(DataEnvironment(), name) {
				errs = append(errs, fmt.Errorf("%s: %s is set by the stack (the data endpoints every task gets, %v); remove it or rename it",
					key(m.key+"."+name), name, DataEnvironment()))
			}
		}
	}
	return errs
}

// peerCIDRs are the VPC ranges of every region other than region, by region.
func (c *Config) peerCIDRs(region string) map[string]netip.Prefix {
	out := map[string]netip.Prefix{}
	for _, r := range c.Regions {
		if p, err := netip.ParsePrefix(r.CIDR); err == nil && r.Name != region {
			out[r.Name] = p
		}
	}
	return out
}

// peerClients are the private subnet ranges of every other region's tasks, by region.
func (d *Deployment) peerClients(region string) map[string][]string {
	out := map[string][]string{}
	for name, r := range d.Regions {
		if name != region {
			out[name] = r.Cluster.PrivateSubnetCIDRs
		}
	}
	return out
}

// linkName names the link between two regions, in name order: never by role.
func (d *Deployment) linkName(a, b string) string {
	return fmt.Sprintf("%s-link-%s-%s", d.Config.Service.Name, a, b)
}

// deployLinks peers every pair of workload regions (a full mesh: n(n-1)/2 links), the region first
// in name order requesting, and routes each region's private subnets to every other region's VPC.
func (d *Deployment) deployLinks(ctx *pulumi.Context) error {
	names := slices.Sorted(maps.Keys(d.Regions))
	side := func(region string) (components.LinkSide, error) {
		p, err := d.Providers.For(region)
		if err != nil {
			return components.LinkSide{}, err
		}
		c := d.Regions[region].Cluster
		cidr, err := netip.ParsePrefix(d.Config.regionConfig(region).CIDR)
		if err != nil {
			return components.LinkSide{}, err
		}
		return components.LinkSide{Region: region, VPCID: c.VPCID.ToStringOutput(), CIDR: cidr, RouteTableIDs: c.PrivateRouteTableIDs, Provider: p}, nil
	}
	for i, a := range names {
		for _, b := range names[i+1:] {
			req, err := side(a)
			if err != nil {
				return err
			}
			acc, err := side(b)
			if err != nil {
				return err
			}
			if _, err := components.NewRegionLink(ctx, d.linkName(a, b), &components.RegionLinkArgs{Requester: req, Accepter: acc}); err != nil {
				return err
			}
		}
	}
	return nil
}

// deployDataNames creates the private zone of the data names over every region's VPC, with the writer
// and cache primary names pointing at the primary region's endpoints.
func (d *Deployment) deployDataNames(ctx *pulumi.Context) error {
	cfg := d.Config
	global, err := d.Providers.For(GlobalRegion)
	if err != nil {
		return err
	}
	primary := d.Regions[cfg.PrimaryRegion].Data
	args := &components.DataNamesArgs{
		Zone:       cfg.DataZone(),
		HomeRegion: cfg.DataHomeRegion,
		VPCs:       map[string]pulumi.StringInput{},
		Writer:     primary.WriterEndpoint,
		Readers:    map[string]pulumi.StringInput{},
		Provider:   global,
		Protect:    components.Bool(cfg.Protect),
	}
	// Without secondaries the home region's cache is every region's (primary and readers).
	cacheOf := func(region string) *components.DataTier {
		if cfg.Strategy == BackupRestore {
			return primary // the only cache in service is the primary's
		}
		if cfg.cacheIn(region) {
			return d.Regions[region].Data
		}
		return d.Regions[cfg.DataHomeRegion].Data
	}
	if cfg.Cache.enabled() {
		args.CachePrimary = cacheOf(cfg.PrimaryRegion).CachePrimaryEndpoint
		args.CacheReaders = map[string]pulumi.StringInput{}
	}
	for name, r := range d.Regions {
		args.VPCs[name] = r.Cluster.VPCID.ToStringOutput()
		reader := r.Data
		if cfg.Strategy == BackupRestore {
			reader = primary // standbys hold no database, and a kept former writer is stale
		}
		args.Readers[name] = reader.ReaderEndpoint
		if args.CacheReaders != nil {
			args.CacheReaders[name] = cacheOf(name).CacheReaderEndpoint
		}
	}
	names, err := components.NewDataNames(ctx, cfg.Service.Name+"-data", args)
	if err != nil {
		return err
	}
	d.Outputs["dataZone"] = pulumi.String(cfg.DataZone())
	d.Outputs["dbWriterName"] = names.WriterName
	return nil
}

// regionConfig returns the configuration of region.
func (c *Config) regionConfig(region string) RegionConfig {
	for _, r := range c.Regions {
		if r.Name == region {
			return r
		}
	}
	return RegionConfig{}
}
