package stacks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// MaxCacheSecondaries is how many secondary regions an ElastiCache Global Datastore accepts.
const MaxCacheSecondaries = 2

// DatabaseConfig is multiregion:database, the database every region holds (writer or replica).
type DatabaseConfig struct {
	// Engine is "postgres" (RDS with cross-region read replicas) or "aurora-postgresql" (Aurora Global
	// Database). Default postgres.
	Engine string `json:"engine,omitempty"`
	// EngineVersion is the PostgreSQL version. Default components.DefaultPostgresVersion.
	EngineVersion string `json:"engineVersion,omitempty"`
	// InstanceClass is the DB instance class in every region. Default db.r6g.large.
	InstanceClass string `json:"instanceClass,omitempty"`
	// AllocatedStorage and MaxAllocatedStorage are the RDS storage and its autoscaling ceiling in
	// GiB. Defaults 100 and 1000.
	AllocatedStorage    int `json:"allocatedStorage,omitempty"`
	MaxAllocatedStorage int `json:"maxAllocatedStorage,omitempty"`
	// BackupRetentionDays is the automated backup retention. Default 14; allowed 7-35.
	BackupRetentionDays int `json:"backupRetentionDays,omitempty"`
	// AdminUsername is the master user. Default dbadmin; postgres, admin, root are rejected.
	AdminUsername string `json:"adminUsername,omitempty"`
	// DatabaseName is the initial database. Default app.
	DatabaseName string `json:"databaseName,omitempty"`
	// IAMUsername is the database user the service's tasks connect as with IAM authentication: each
	// region's task role may rds-db:connect as this user on that region's database, and nothing else.
	// Create it once in the writer (CREATE USER <name>; GRANT rds_iam TO <name>). Default: the service
	// name with - replaced by _.
	IAMUsername string `json:"iamUsername,omitempty"`
	// Instances is the Aurora primary cluster's instance count (writer + readers). Default 2.
	Instances int `json:"instances,omitempty"`
	// StandbyInstances is each Aurora secondary cluster's instance count. Default 0 (headless) in
	// pilot-light, 1 otherwise.
	StandbyInstances *int `json:"standbyInstances,omitempty"`
	// ReplicaMultiAZ makes RDS read replicas Multi-AZ. Default false.
	ReplicaMultiAZ *bool `json:"replicaMultiAz,omitempty"`
	// MonitoringInterval is the enhanced monitoring interval in seconds. Default 60.
	MonitoringInterval int `json:"monitoringInterval,omitempty"`
	// PerformanceInsightsRetentionDays is the Performance Insights retention. Default 7.
	PerformanceInsightsRetentionDays int `json:"performanceInsightsRetentionDays,omitempty"`
	// ReplicaLagSeconds is the replica-lag alarm threshold of every standby. Default 60.
	ReplicaLagSeconds int `json:"replicaLagSeconds,omitempty"`
	// Rejoin maps a standby region to its RDS rejoin phase ("release", then "rebuild"); see
	// docs/datatier.md.
	Rejoin map[string]string `json:"rejoin,omitempty"`
}

// CacheConfig is multiregion:cache, the ElastiCache Global Datastore.
type CacheConfig struct {
	// Enabled deploys the cache. Default true.
	Enabled *bool `json:"enabled,omitempty"`
	// Engine is "redis" or "valkey". Default redis.
	Engine string `json:"engine,omitempty"`
	// EngineVersion is the engine version. Default 7.1 (redis) or 8.0 (valkey).
	EngineVersion string `json:"engineVersion,omitempty"`
	// NodeType is the node type. Default components.DefaultCacheNodeType.
	NodeType string `json:"nodeType,omitempty"`
	// Nodes is the node count of every region's replication group. Default 2; allowed 2-6.
	Nodes int `json:"nodes,omitempty"`
	// SnapshotRetentionDays is the snapshot retention. Default 7; allowed 1-35.
	SnapshotRetentionDays int `json:"snapshotRetentionDays,omitempty"`
	// AuthMode is "iam" (RBAC, no secret) or "token" (AUTH token from multiregion:cacheAuthToken).
	// Default iam.
	AuthMode string `json:"authMode,omitempty"`
	// LagSeconds is the Global Datastore replication-lag alarm threshold. Default 30.
	LagSeconds int `json:"lagSeconds,omitempty"`
}

// standbyInstances is the Aurora secondary cluster's instance count: the configured value, else 0
// (headless) in pilot-light and 1 otherwise.
func (c *Config) standbyInstances() int {
	if n := c.Database.StandbyInstances; n != nil {
		return *n
	}
	if c.Strategy == PilotLight {
		return 0
	}
	return 1
}

// iamDBUsername is database.iamUsername, or its default derived from the service name. It is derived
// when used, because the service name gets its own default after the data defaults.
func (c *Config) iamDBUsername() string {
	if u := c.Database.IAMUsername; u != "" {
		return u
	}
	if c.Service.Name == "" {
		return "app"
	}
	return strings.ReplaceAll(c.Service.Name, "-", "_")
}

// enabled reports whether the cache is deployed.
func (c *CacheConfig) enabled() bool { return c.Enabled == nil || *c.Enabled }

// applyDataDefaults resolves multiregion:database and multiregion:cache to the values the
// components will use (their WithDefaults, the one place the defaults live), so that validation
// and the outputs see them. The stack's own defaults are dataHomeRegion (the first region) and the
// standby instance count (from the DR strategy).
func (c *Config) applyDataDefaults() {
	if c.DataHomeRegion == "" && len(c.Regions) > 0 {
		c.DataHomeRegion = c.Regions[0].Name
	}
	d := &c.Database
	db := c.databaseSpec("", components.RolePrimary).WithDefaults(components.RolePrimary)
	d.Engine, d.EngineVersion, d.InstanceClass = string(db.Engine), db.EngineVersion, db.InstanceClass
	d.AllocatedStorage, d.MaxAllocatedStorage = db.AllocatedStorage, db.MaxAllocatedStorage
	d.BackupRetentionDays, d.AdminUsername, d.DatabaseName = db.BackupRetentionDays, db.AdminUsername, db.DatabaseName
	d.Instances, d.MonitoringInterval = db.Instances, db.MonitoringInterval
	d.PerformanceInsightsRetentionDays, d.ReplicaLagSeconds = db.PerformanceInsightsRetentionDays, db.ReplicaLagSeconds
	if d.StandbyInstances == nil {
		n := c.standbyInstances()
		d.StandbyInstances = &n
	}
	k := &c.Cache
	cache := k.spec().WithDefaults()
	k.Engine, k.EngineVersion, k.NodeType, k.Nodes = string(cache.Engine), cache.EngineVersion, cache.NodeType, cache.Nodes
	k.SnapshotRetentionDays, k.AuthMode, k.LagSeconds = cache.SnapshotRetentionDays, string(cache.AuthMode), cache.LagSeconds
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
	engine := components.DBEngine(d.Engine)
	if !slices.Contains(components.DBEngines, engine) {
		add("database.engine", "%q is not a database engine (allowed: %s, %s)", d.Engine, components.EnginePostgres, components.EngineAuroraPostgres)
	} else if err := components.CheckInstanceClass(engine, d.InstanceClass); err != nil {
		add("database.instanceClass", "%v", err)
	}
	if err := components.CheckIAMDBUsername(c.iamDBUsername(), d.AdminUsername); err != nil {
		hint := ""
		if d.IAMUsername == "" {
			hint = " (derived from service.name; set database.iamUsername)"
		}
		add("database.iamUsername", "%v%s", err, hint)
	}
	if d.Instances < 2 || d.Instances > 16 {
		add("database.instances", "%d is outside 2-16 (the Aurora primary needs a writer and a reader)", d.Instances)
	}
	if n := c.standbyInstances(); n < 0 || n > 16 {
		add("database.standbyInstances", "%d is outside 0-16", n)
	}
	for _, r := range slices.Sorted(maps.Keys(d.Rejoin)) {
		k := "database.rejoin." + r
		phase := components.RejoinPhase(d.Rejoin[r])
		switch {
		case !slices.Contains(regions, r):
			add(k, "%q is not among the regions %v", r, regions)
		case r == c.PrimaryRegion:
			add(k, "%s is the primary region; only a standby rejoins as a replica", r)
		case engine != components.EnginePostgres:
			add(k, "rejoin applies to the postgres engine; Aurora rejoins through switchover (see docs/datatier.md)")
		case phase != components.RejoinRelease && phase != components.RejoinRebuild:
			add(k, "%q is not a rejoin phase (allowed: %s, then %s)", phase, components.RejoinRelease, components.RejoinRebuild)
		}
	}
	k := c.Cache
	if !k.enabled() {
		return errs
	}
	if !slices.Contains(components.CacheEngines, components.CacheEngine(k.Engine)) {
		add("cache.engine", "%q is not a cache engine (allowed: %s, %s)", k.Engine, components.CacheRedis, components.CacheValkey)
	}
	if n := len(c.Regions) - 1; n > MaxCacheSecondaries {
		add("cache", "%d secondary regions configured, but an ElastiCache Global Datastore holds one primary and at most %d secondary regions; use at most %d regions or set cache.enabled to false",
			n, MaxCacheSecondaries, MaxCacheSecondaries+1)
	}
	switch components.CacheAuthMode(k.AuthMode) {
	case components.CacheAuthIAM:
		if c.CacheAuthToken != "" {
			add("cacheAuthToken", "set, but cache.authMode is %q; remove it or set cache.authMode to %q", components.CacheAuthIAM, components.CacheAuthToken)
		}
	case components.CacheAuthToken:
		if c.CacheAuthToken == "" {
			add("cacheAuthToken", "required when cache.authMode is %q; set it with `pulumi config set --secret %s <token>`", components.CacheAuthToken, key("cacheAuthToken"))
		} else if err := checkAuthToken(c.CacheAuthToken); err != nil {
			add("cacheAuthToken", "%v", err)
		}
	default:
		add("cache.authMode", "%q is not an authentication mode (allowed: %s for RBAC with IAM users, %s for an AUTH token)", k.AuthMode, components.CacheAuthIAM, components.CacheAuthToken)
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
	d := c.Database
	n := d.Instances
	if role == components.RoleStandby {
		n = c.standbyInstances()
	}
	return components.DatabaseSpec{
		Engine:                           components.DBEngine(d.Engine),
		EngineVersion:                    d.EngineVersion,
		InstanceClass:                    d.InstanceClass,
		AllocatedStorage:                 d.AllocatedStorage,
		MaxAllocatedStorage:              d.MaxAllocatedStorage,
		BackupRetentionDays:              d.BackupRetentionDays,
		AdminUsername:                    d.AdminUsername,
		DatabaseName:                     d.DatabaseName,
		IAMUsername:                      c.iamDBUsername(),
		Instances:                        n,
		ReplicaMultiAZ:                   d.ReplicaMultiAZ,
		MonitoringInterval:               d.MonitoringInterval,
		PerformanceInsightsRetentionDays: d.PerformanceInsightsRetentionDays,
		ReplicaLagSeconds:                d.ReplicaLagSeconds,
		Rejoin:                           components.RejoinPhase(d.Rejoin[region]),
	}
}

// cacheSpec is what multiregion:cache sets, nil when the cache is disabled.
func (c *Config) cacheSpec() *components.CacheSpec {
	if !c.Cache.enabled() {
		return nil
	}
	spec := c.Cache.spec()
	if spec.AuthMode == components.CacheAuthToken {
		spec.AuthToken = pulumi.ToSecret(pulumi.String(c.CacheAuthToken)).(pulumi.StringOutput)
	}
	return &spec
}

// spec is the cache settings as the component takes them, without the auth token.
func (k *CacheConfig) spec() components.CacheSpec {
	return components.CacheSpec{
		Engine:                components.CacheEngine(k.Engine),
		EngineVersion:         k.EngineVersion,
		NodeType:              k.NodeType,
		Nodes:                 k.Nodes,
		SnapshotRetentionDays: k.SnapshotRetentionDays,
		AuthMode:              components.CacheAuthMode(k.AuthMode),
		LagSeconds:            k.LagSeconds,
	}
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
		r := d.Regions[region]
		provider, err := d.Providers.For(region)
		if err != nil {
			return err
		}
		args := cfg.dataArgs(region, r.Plan.Role)
		args.KMSKeyARN = r.Key.ARN
		args.VPCID = r.Cluster.VPCID.ToStringOutput()
		args.SubnetIDs = r.Cluster.PrivateSubnetIDs
		args.ClientSecurityGroupID = r.Cluster.TaskSecurityGroupID.ToStringOutput()
		args.TaskRoleName = r.Cluster.TaskRoleName
		args.PeerTaskRoleNames = d.peerTaskRoles(region)
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
		if args.Database.Engine == components.EnginePostgres && r.Plan.Role == components.RoleStandby {
			if args.SourceDBARN, err = d.primaryDBARN(ctx); err != nil {
				return err
			}
		}
		tier, err := components.NewDataTier(ctx, d.name(region), args, opts...)
		if err != nil {
			return err
		}
		r.Data = tier
		if home == nil {
			home = tier
		}
	}
	return nil
}

// primaryDBARN is the primary region's RDS instance ARN: its output when the primary's tier is
// already built (the normal case, a real dependency), else the ARN RDS gives the instance's fixed
// identifier (after a change of primary, when the home region, built first, is a standby).
func (d *Deployment) primaryDBARN(ctx *pulumi.Context) (pulumi.StringInput, error) {
	primary := d.Config.PrimaryRegion
	if t := d.Regions[primary].Data; t != nil {
		return t.DBARN, nil
	}
	provider, err := d.Providers.For(primary)
	if err != nil {
		return nil, err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(provider))
	if err != nil {
		return nil, fmt.Errorf("reading the account ID for the %s database ARN: %w", primary, err)
	}
	return pulumi.String(components.CallerARNs(caller).ARN("rds", primary, "db:"+d.name(primary))), nil
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
