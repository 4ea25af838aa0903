package stacks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// MaxCacheSecondaries is how many secondary regions an ElastiCache Global Datastore accepts.
const MaxCacheSecondaries = 2

// DatabaseConfig is multiregion:database, the database every region holds (writer or replica). Its
// settings are components.DatabaseSpec (JSON names, defaults and rules live there; Instances is the
// primary's count); the stack adds the standbys' instance count and the rejoin phases by region.
type DatabaseConfig struct {
	components.DatabaseSpec
	// StandbyInstances is each Aurora secondary cluster's instance count. Default 2 (Multi-AZ) where
	// replicaMultiAz holds (warm-standby and active-active by default), else 0 (headless) in pilot-light
	// and 1 otherwise; allowed 0-16.
	StandbyInstances *int `json:"standbyInstances,omitempty"`
	// Rejoin maps a standby region to its RDS rejoin phase ("release", then "rebuild"); see
	// docs/datatier.md.
	Rejoin map[string]string `json:"rejoin,omitempty"`
	// Recovery maps a region to a point-in-time restore of its database into a new instance beside it
	// (components.DBRecovery: the logical-corruption runbook in docs/datatier.md). Create it in the
	// writer's region; it stays, protected, through later changes of primary until it is removed.
	Recovery map[string]components.DBRecovery `json:"recovery,omitempty"`
	// RestoreFrom is, under drStrategy backup-restore, where the next up creates a new primary's
	// writer from: "latest" (the latest restorable time of the former writer's automated backups
	// replicated into primaryRegion), a point in time of them (RFC 3339), or the ARN (or identifier)
	// of a DB snapshot in primaryRegion (an AWS Backup copy). It is read only when the primary's
	// writer is created: it never changes or replaces one that exists. Required by a change of
	// primaryRegion to a region without a database. Default none.
	RestoreFrom string `json:"restoreFrom,omitempty"`
}

// CacheConfig is multiregion:cache, the ElastiCache Global Datastore. Its settings are
// components.CacheSpec; the stack adds the switch and takes the token from multiregion:cacheAuthToken.
type CacheConfig struct {
	components.CacheSpec
	// Enabled deploys the cache. Default true.
	Enabled *bool `json:"enabled,omitempty"`
	// Secondaries gives every other region a Global Datastore member, a warm copy of the cache. Set
	// false (the cost knob of pilot-light), only the data home region holds a cache: no cache nodes
	// and no cache replication in the standbys, whose tasks use the home region's cache over the
	// region links. A failover then finds the cache where it was (farther away), and losing the home
	// region loses the cache until it returns: the service must run on a cold or absent cache
	// (docs/cost.md). Default true.
	Secondaries *bool `json:"secondaries,omitempty"`
}

// Replicated reports whether the cache is deployed with a Global Datastore member in every region
// (cache.enabled and cache.secondaries): a switchover then fails the cache over too.
func (c *CacheConfig) Replicated() bool {
	return c.enabled() && (c.Secondaries == nil || *c.Secondaries)
}

// cacheIn reports whether region holds a cache: every region when the cache is replicated, else the
// data home region only.
func (c *Config) cacheIn(region string) bool {
	if c.Strategy == BackupRestore {
		return c.Cache.enabled() && c.holdsData(region)
	}
	return c.Cache.Replicated() || c.Cache.enabled() && region == c.DataHomeRegion
}

// standbyInstances is the Aurora secondary cluster's instance count: the configured value, else 2 (a
// writer and a reader in two AZs once promoted) where the standbys are Multi-AZ (replicaMultiAZ), else
// 0 (headless) in pilot-light and 1 otherwise.
func (c *Config) standbyInstances() int {
	switch n := c.Database.StandbyInstances; {
	case n != nil:
		return *n
	case c.replicaMultiAZ():
		return 2
	case c.Strategy == PilotLight:
		return 0
	}
	return 1
}

// enabled reports whether the cache is deployed.
func (c *CacheConfig) enabled() bool { return c.Enabled == nil || *c.Enabled }

// applyDataDefaults resolves multiregion:database and multiregion:cache to the values the
// components will use (their WithDefaults, the one place the defaults live), so that validation and
// the outputs see them. The stack's own defaults are dataHomeRegion (the first region), the IAM user
// (from the service name, after the service's defaults) and the standby instance count (from the DR
// strategy), and whether the standbys' databases are Multi-AZ (from the DR strategy, replicaMultiAZ).
func (c *Config) applyDataDefaults() {
	if c.DataHomeRegion == "" && len(c.Regions) > 0 {
		c.DataHomeRegion = c.Regions[0].Name
	}
	d := &c.Database
	if d.IAMUsername == "" {
		d.IAMUsername = components.IAMDBUsernameFor(c.Service.Name)
	}
	c.standbyInstancesSet = d.StandbyInstances != nil
	if d.StandbyInstances == nil {
		n := c.standbyInstances()
		d.StandbyInstances = &n
	}
	c.replicaMultiAZSet = d.ReplicaMultiAZ != nil
	if d.ReplicaMultiAZ == nil {
		d.ReplicaMultiAZ = components.Bool(c.replicaMultiAZ())
	}
	d.DatabaseSpec = d.DatabaseSpec.WithDefaults(components.RolePrimary)
	c.Cache.CacheSpec = c.Cache.CacheSpec.WithDefaults()
}

// validateData checks multiregion:database, multiregion:cache, multiregion:cacheAuthToken and
// multiregion:dataHomeRegion; every message names the key, the bad value and what is allowed.
func (c *Config) validateData() []error {
	var errs []error
	add := func(k, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key(k), fmt.Sprintf(format, v...)))
	}
	regions := c.regionNames()
	if !slices.Contains(regions, c.DataHomeRegion) {
		add("dataHomeRegion", "%q is not among the regions %v (it is where the global cluster and Global Datastore are managed; default: the first region)", c.DataHomeRegion, regions)
	}
	d := c.Database
	for _, r := range slices.Sorted(maps.Keys(d.Rejoin)) {
		if !slices.Contains(regions, r) {
			add("database.rejoin."+r, "%q is not among the regions %v", r, regions)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(d.Recovery)) {
		if !slices.Contains(regions, r) {
			add("database.recovery."+r, "%q is not among the regions %v", r, regions)
		}
	}
	k := c.Cache
	if !k.enabled() {
		return errs
	}
	if n := len(c.Regions) - 1; n > MaxCacheSecondaries && k.Replicated() && c.Strategy != BackupRestore {
		add("cache", "%d secondary regions configured, but an ElastiCache Global Datastore holds one primary and at most %d secondary regions; use at most %d regions, set cache.secondaries to false (one cache, in the data home region) or cache.enabled to false",
			n, MaxCacheSecondaries, MaxCacheSecondaries+1)
	}
	// Presence against cache.authMode is the component's rule (CacheSpec.AuthToken); the token's form
	// can be checked only here, where it is still a value and not a secret output.
	if c.CacheAuthToken != "" && k.AuthMode == components.CacheAuthToken {
		if err := checkAuthToken(c.CacheAuthToken); err != nil {
			add("cacheAuthToken", "%v", err)
		}
	}
	return errs
}

// checkAuthToken enforces ElastiCache's AUTH token rules without echoing the token.
func checkAuthToken(tok string) error {
	if len(tok) < 16 || len(tok) > 128 {
		return fmt.Errorf("the token has %d characters; ElastiCache wants 16-128", len(tok))
	}
	for _, r := range tok {
		if r < 0x21 || r > 0x7e || strings.ContainsRune(`@"/`, r) {
			return fmt.Errorf("the token holds a character ElastiCache rejects (printable ASCII only, no space, @, \" or /)")
		}
	}
	return nil
}

// dataOrder returns the regions in the order their data tiers are built: the home region first (it
// owns the global cluster and the Global Datastore the others join), then the rest in config order.
func (c *Config) dataOrder() []string {
	out := []string{c.DataHomeRegion}
	for _, r := range c.Regions {
		if r.Name != c.DataHomeRegion {
			out = append(out, r.Name)
		}
	}
	return out
}

// databaseSpec is what multiregion:database sets for one region ("" for none in particular).
func (c *Config) databaseSpec(region string, role components.Role) components.DatabaseSpec {
	spec := c.Database.DatabaseSpec
	if role == components.RoleStandby {
		spec.Instances = c.standbyInstances()
	}
	spec.Rejoin = components.RejoinPhase(c.Database.Rejoin[region])
	if r, ok := c.Database.Recovery[region]; ok {
		spec.Recovery = &r
	}
	return spec
}

// cacheSpec is what multiregion:cache sets, nil when the cache is disabled.
func (c *Config) cacheSpec() *components.CacheSpec {
	if !c.Cache.enabled() {
		return nil
	}
	spec := c.Cache.CacheSpec
	if c.CacheAuthToken != "" {
		spec.AuthToken = pulumi.ToSecret(pulumi.String(c.CacheAuthToken)).(pulumi.StringOutput)
	}
	return &spec
}

// regionCacheSpec is the cache of region: cacheSpec where the region holds one (cacheIn), else nil.
func (c *Config) regionCacheSpec(region string) *components.CacheSpec {
	if !c.cacheIn(region) {
		return nil
	}
	return c.cacheSpec()
}

// deployData creates the DataTier of every region on its provider and links them: the home region
// first (it creates the Aurora global cluster and the Global Datastore, pinned to its provider so
// that a change of primary never moves or replaces them), then the others, joined to those global
// resources and depending on nothing else of the home tier; RDS standbys replicate from the
// primary's instance ARN. Each tier grants its region's task role IAM access to that region's
// database and cache.
func (d *Deployment) deployData(ctx *pulumi.Context) error {
	cfg := d.Config
	var home *components.DataTier
	for _, region := range cfg.dataOrder() {
		if !cfg.holdsData(region) {
			continue // a backup-restore standby: its data is in the backups
		}
		r := d.Regions[region]
		provider, err := d.Providers.For(region)
		if err != nil {
			return err
		}
		role := r.Plan.Role
		if cfg.Strategy == BackupRestore {
			role = components.RolePrimary // every tier is a standalone writer: the primary's, or a kept one
		}
		args := cfg.dataArgs(region, role)
		if cfg.keptWriters[region] {
			cfg.keptWriterArgs(region, args)
		}
		if region == cfg.PrimaryRegion {
			args.Database.RestoreFrom = d.restore
		}
		args.KMSKeyARN = r.Key.ARN
		args.VPCID = r.Cluster.VPCID.ToStringOutput()
		args.SubnetIDs = r.Cluster.PrivateSubnetIDs
		args.ClientSecurityGroupID = r.Cluster.TaskSecurityGroupID.ToStringOutput()
		args.TaskRoleName = r.Cluster.TaskRoleName
		args.PeerTaskRoleNames = d.peerTaskRoles(region)
		args.PeerClientCIDRs = d.peerClients(region)
		args.Account = &d.Account
		if r.Alerts != nil {
			args.AlarmActions = pulumi.StringArray{r.Alerts.ARN}
		}
		opts := []pulumi.ResourceOption{pulumi.Provider(provider)}
		if home != nil {
			args.GlobalClusterID = home.GlobalClusterID
			args.GlobalReplicationGroupID = home.GlobalReplicationGroupID
			// Only what joining needs: never the whole home tier, or a promotion here would wait
			// for every update of the home region (DataTier.JoinAfter).
			if deps := home.JoinAfter(); len(deps) > 0 {
				opts = append(opts, pulumi.DependsOn(deps))
			}
		}
		if args.Database.Engine == components.EnginePostgres && role == components.RoleStandby {
			// The primary's output when its tier is built (the normal case, a real dependency); after
			// a change of primary the home region, built first, is a standby and names the primary's tier.
			primary := cfg.PrimaryRegion
			if t := d.Regions[primary].Data; t != nil {
				args.SourceDBARN = t.DBARN
			} else {
				args.SourceTier = &components.TierRef{Region: primary, Name: d.name(primary)}
			}
		}
		tier, err := components.NewDataTier(ctx, d.name(region), args, opts...)
		if err != nil {
			return err
		}
		r.Data = tier
		if home == nil && args.Home {
			home = tier
		}
	}
	return nil
}

// peerTaskRoles returns every other region's task role name, by region.
func (d *Deployment) peerTaskRoles(region string) map[string]pulumi.StringInput {
	peers := map[string]pulumi.StringInput{}
	for name, r := range d.Regions {
		if name != region {
			peers[name] = r.Cluster.TaskRoleName
		}
	}
	return peers
}
