package components

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DataTierType is the URN type token of DataTier. It never changes.
const DataTierType = "multiregion:index:DataTier"

// DBEngine is the database engine of a DataTier.
type DBEngine string

const (
	// EnginePostgres is RDS for PostgreSQL: a Multi-AZ writer instance in the primary region and a
	// cross-region read replica in every other region.
	EnginePostgres DBEngine = "postgres"
	// EngineAuroraPostgres is an Aurora PostgreSQL Global Database: one global cluster, a primary
	// cluster (writer + readers) and a secondary cluster in every other region.
	EngineAuroraPostgres DBEngine = "aurora-postgresql"
)

// DBEngines lists the supported database engines.
var DBEngines = []DBEngine{EnginePostgres, EngineAuroraPostgres}

// CacheEngine is the ElastiCache engine of a DataTier.
type CacheEngine string

const (
	// CacheRedis is ElastiCache for Redis OSS.
	CacheRedis CacheEngine = "redis"
	// CacheValkey is ElastiCache for Valkey.
	CacheValkey CacheEngine = "valkey"
)

// CacheEngines lists the supported cache engines.
var CacheEngines = []CacheEngine{CacheRedis, CacheValkey}

// CacheAuthMode is how clients authenticate to the cache.
type CacheAuthMode string

const (
	// CacheAuthIAM uses ElastiCache RBAC: a user group with an IAM-authenticated application user and a
	// disabled "default" user. No secret exists anywhere.
	CacheAuthIAM CacheAuthMode = "iam"
	// CacheAuthToken uses a Redis AUTH token, which must come from a Pulumi secret.
	CacheAuthToken CacheAuthMode = "token"
)

// CacheAuthModes lists the supported cache authentication modes.
var CacheAuthModes = []CacheAuthMode{CacheAuthIAM, CacheAuthToken}

// RejoinPhase is a step of the two-step procedure that turns a stale, standalone RDS instance (a
// former primary after a failover, or a replica whose source is no longer the writer) back into a
// read replica of the current primary. See docs/datatier.md.
type RejoinPhase string

const (
	// RejoinNone is normal operation.
	RejoinNone RejoinPhase = ""
	// RejoinRelease lifts Pulumi protect and deletion protection from the instance and makes its
	// deletion take a final snapshot; nothing is replaced.
	RejoinRelease RejoinPhase = "release"
	// RejoinRebuild replaces the instance (same URN, delete before create, final snapshot kept) with a
	// read replica of the current primary. Only valid after RejoinRelease has been applied.
	RejoinRebuild RejoinPhase = "rebuild"
)

// DefaultPostgresVersion is the default PostgreSQL (and Aurora PostgreSQL) engine version.
const DefaultPostgresVersion = "16.4"

// DefaultCachePort is the default port of ElastiCache for Redis OSS and Valkey.
const DefaultCachePort = 6379

// DefaultPostgresPort is the default port of RDS for PostgreSQL and Aurora PostgreSQL.
const DefaultPostgresPort = 5432

// MinDBPort and MaxDBPort bound the port RDS for PostgreSQL and Aurora PostgreSQL accept.
const (
	MinDBPort = 1150
	MaxDBPort = 65535
)

// DefaultCacheNodeType is the default ElastiCache node type (Global Datastore needs M5/R5 or newer).
const DefaultCacheNodeType = "cache.r7g.large"

// DatabaseSpec configures the database of a DataTier.
type DatabaseSpec struct {
	// Engine is EnginePostgres or EngineAuroraPostgres. Default EnginePostgres.
	Engine DBEngine `json:"engine,omitempty"`
	// EngineVersion is the engine version. Default DefaultPostgresVersion.
	EngineVersion string `json:"engineVersion,omitempty"`
	// InstanceClass is the DB instance class (e.g. db.r6g.large). Default db.r6g.large. Aurora Global
	// Database needs a memory-optimized class (db.r5 or newer, db.x2g).
	InstanceClass string `json:"instanceClass,omitempty"`
	// AllocatedStorage is the RDS storage in GiB. Default 100; allowed 20-65536. Ignored for Aurora.
	AllocatedStorage int `json:"allocatedStorage,omitempty"`
	// MaxAllocatedStorage is the storage autoscaling ceiling in GiB. Default 1000; at least
	// AllocatedStorage. Ignored for Aurora.
	MaxAllocatedStorage int `json:"maxAllocatedStorage,omitempty"`
	// BackupRetentionDays is the automated backup retention. Default 14; allowed 7-35.
	BackupRetentionDays int `json:"backupRetentionDays,omitempty"`
	// AdminUsername is the master user name. Default "dbadmin"; never postgres, admin, root or rdsadmin.
	AdminUsername string `json:"adminUsername,omitempty"`
	// DatabaseName is the initial database. Default "app".
	DatabaseName string `json:"databaseName,omitempty"`
	// IAMUsername is the database user the service connects as with IAM database authentication: the
	// data-access grant (DataTierArgs.TaskRoleName) allows rds-db:connect as this user only. The user
	// itself is created in the database by its owner (CREATE USER <name>; GRANT rds_iam TO <name>).
	// Default IAMDBUsernameFor(DefaultServiceName); see CheckIAMDBUsername.
	IAMUsername string `json:"iamUsername,omitempty"`
	// Port is the port the database listens on: the RDS instance or Aurora cluster port, the port its
	// security group opens to the region's tasks and to the other regions' tasks, and the tasks'
	// DB_PORT. Default DefaultPostgresPort; allowed 1150-65535 (what RDS and Aurora PostgreSQL accept).
	// A non-default port only stops untargeted scans: the security groups are the control (FSBP
	// RDS.23). Changing it on a running database is an in-place modification that restarts its
	// connections.
	Port int `json:"port,omitempty"`
	// Instances is, for Aurora, the number of DB instances of this region's cluster. Default 2 (writer
	// + reader) for the primary, which needs at least 2 (Multi-AZ); 0 for a standby is a headless
	// secondary cluster (pilot light). Allowed 0-16. Ignored for RDS.
	Instances int `json:"instances,omitempty"`
	// ReplicaMultiAZ makes a standby's RDS read replica Multi-AZ, so that a promoted writer is Multi-AZ
	// at once instead of after a conversion (the writer always is). Default true; a pilot-light stack
	// turns it off (stacks/strategy.go). Aurora has no such flag: a secondary cluster spans AZs through
	// its instance count (Instances), which the stack derives from this setting.
	ReplicaMultiAZ *bool `json:"replicaMultiAz,omitempty"`
	// MonitoringInterval is the enhanced monitoring interval in seconds. Default 60; allowed 1, 5, 10,
	// 15, 30, 60.
	MonitoringInterval int `json:"monitoringInterval,omitempty"`
	// PerformanceInsightsRetentionDays is the Performance Insights retention. Default 7; allowed 7 or a
	// multiple of 31 up to 731.
	PerformanceInsightsRetentionDays int `json:"performanceInsightsRetentionDays,omitempty"`
	// ReplicaLagSeconds is the replica-lag alarm threshold of a standby. Default 60; allowed 1-86400.
	ReplicaLagSeconds int `json:"replicaLagSeconds,omitempty"`
	// Rejoin is the RDS rejoin phase of this (standby) region. Default RejoinNone.
	Rejoin RejoinPhase `json:"-"`
	// Recovery restores this region's database to a point in time into a new instance beside it (the
	// logical-corruption runbook, docs/datatier.md). Default none.
	Recovery *DBRecovery `json:"-"`
	// RestoreFrom creates the writer (Role primary, postgres) from a backup instead of empty: the
	// backup-restore strategy's failover to a region that held no database. Its inputs are sent at
	// creation only: an instance that exists is never replaced or changed by it. Default none.
	RestoreFrom *DBRestore `json:"-"`
}

// DBRestore is where a new writer's data comes from: a DB snapshot in the tier's region (an AWS
// Backup copy, a copied manual snapshot), or a point in time of automated backups replicated into the
// region (RDS automated backups replication). Exactly one of Snapshot and AutomatedBackupsARN is set.
type DBRestore struct {
	// Snapshot is the ARN (or, in the same account, the identifier) of a DB snapshot in the tier's
	// region.
	Snapshot string
	// AutomatedBackupsARN is the ARN of a former writer's automated backups replicated into the tier's
	// region (arn:...:rds:<region>:<account>:auto-backup:ab-...).
	AutomatedBackupsARN pulumi.StringInput
	// RestoreTime is, with AutomatedBackupsARN, the point to restore (RFC 3339); empty for the latest
	// restorable time.
	RestoreTime string
}

// recoveryName is what a DBRecovery's Name may be: it ends the new instance's identifier.
var recoveryName = regexp.MustCompile(`^[a-z][a-z0-9]{0,9}$`)

// DBRecovery is a point-in-time restore of the region's RDS database into a new, protected instance
// <name>-<Name> beside it, for a logical corruption (a dropped table, a bad migration): the operator
// verifies it, copies the lost data back or moves the writer name to it, and removes it when done.
// It is created once from the source and never replaced: its restore inputs are create-only. The
// source must hold automated backups: the region's writer (an RDS read replica has none).
type DBRecovery struct {
	// Name ends the instance's identifier: a-z then a-z or 0-9, at most 10 characters.
	Name string `json:"name"`
	// RestoreTime is the point to restore, RFC 3339 (e.g. 2026-12-01T10:04:00Z): a moment before the
	// corruption, within the backup retention. Empty: the latest restorable time.
	RestoreTime string `json:"restoreTime,omitempty"`
}

// CacheSpec configures the ElastiCache replication group of a DataTier.
type CacheSpec struct {
	// Engine is CacheRedis or CacheValkey. Default CacheRedis.
	Engine CacheEngine `json:"engine,omitempty"`
	// EngineVersion is the engine version. Default "7.1" (Redis OSS) or "8.0" (Valkey).
	EngineVersion string `json:"engineVersion,omitempty"`
	// NodeType is the node type. Default DefaultCacheNodeType; Global Datastore accepts the M5, M6g,
	// M7g, R5, R6g, R6gd and R7g families.
	NodeType string `json:"nodeType,omitempty"`
	// Nodes is the number of nodes (primary + replicas) of the replication group. Default 2; allowed 2-6
	// (automatic failover and Multi-AZ need 2).
	Nodes int `json:"nodes,omitempty"`
	// Port is the cache port. Default 6379.
	Port int `json:"-"`
	// SnapshotRetentionDays is the automatic snapshot retention. Default 7; allowed 1-35.
	SnapshotRetentionDays int `json:"snapshotRetentionDays,omitempty"`
	// AuthMode is CacheAuthIAM or CacheAuthToken. Default CacheAuthIAM.
	AuthMode CacheAuthMode `json:"authMode,omitempty"`
	// AuthToken is the AUTH token for CacheAuthToken; required then, and sent as a secret. It must be a
	// Pulumi secret (config set --secret); 16-128 printable characters without @, " or /.
	AuthToken pulumi.StringInput `json:"-"`
	// LagSeconds is the Global Datastore replication-lag alarm threshold of a standby. Default 30;
	// allowed 1-86400.
	LagSeconds int `json:"lagSeconds,omitempty"`
}

// DataTierArgs configures one region's data tier.
type DataTierArgs struct {
	// Region is the AWS region of the provider passed in opts, e.g. "us-west-2". Required.
	Region string
	// Role is RolePrimary (the database writer) or RoleStandby (replicas). Required.
	Role Role
	// Home marks the region that created, and forever manages, the role-independent global resources:
	// the Aurora GlobalCluster and the ElastiCache GlobalReplicationGroup (children of this DataTier,
	// on this region's provider), plus the create-time-only settings (master user, initial database,
	// encryption owned by the global datastore). Exactly one region of a deployment is Home, and it
	// must never change: a change would replace the global resources. On first deployment the Home
	// region must be the primary.
	Home bool
	// GlobalName names the global resources. Default: name with "-<region>" replaced by "-global".
	GlobalName string
	// KMSKeyARN is this region's KMS key (see RegionKey): storage, Performance Insights, the master
	// secret and the cache are encrypted with it. Required.
	KMSKeyARN pulumi.StringInput
	// VPCID is the region's VPC (RegionalCluster.VPCID). Required.
	VPCID pulumi.StringInput
	// SubnetIDs are the region's private subnets (RegionalCluster.PrivateSubnetIDs). Required.
	SubnetIDs pulumi.StringArrayInput
	// ClientSecurityGroupID is the only security group admitted to the database and cache ports
	// (RegionalCluster.TaskSecurityGroupID). Required.
	ClientSecurityGroupID pulumi.StringInput
	// Database configures the database.
	Database DatabaseSpec
	// Cache configures the cache; nil deploys none.
	Cache *CacheSpec
	// CacheServesPeers makes this region's cache the only one, serving every region: the other
	// regions hold no Global Datastore member (no cache replication), and each task role of
	// PeerTaskRoleNames may connect to this cache (with CacheAuthIAM) over the region link. Allowed
	// only on the Home region's tier, with a Cache. Default false.
	CacheServesPeers bool
	// Standalone makes the tier stand alone: no Aurora global cluster and no Global Datastore, its cache
	// a plain replication group with its own engine, version, node type and encryption (the
	// backup-restore strategy, whose standbys hold no data tier). Allowed with Role primary and the
	// postgres engine, and not with Home or CacheServesPeers. Default false.
	Standalone bool
	// SourceDBARN is, for an RDS standby, the ARN of the primary region's instance: its DataTier's
	// DBARN output, which also orders the two. An RDS standby needs it or SourceTier.
	SourceDBARN pulumi.StringInput
	// SourceTier names, for an RDS standby, the primary region's DataTier when its outputs are not at
	// hand (after a change of primary, a program that builds the home region first): the tier builds
	// the source instance's ARN from it, in its own account and partition (the instance identifier is
	// the DataTier's name). Ignored when SourceDBARN is set.
	SourceTier *TierRef
	// GlobalClusterID is, for Aurora in a region that is not Home, the Home region's GlobalClusterID.
	GlobalClusterID pulumi.StringInput
	// GlobalReplicationGroupID is, with a cache in a region that is not Home, the Home region's
	// GlobalReplicationGroupID.
	GlobalReplicationGroupID pulumi.StringInput
	// TaskRoleName is the name of the service's task role in this region (RegionalCluster.TaskRoleName).
	// When set, the tier attaches to it an inline policy that allows rds-db:connect as
	// Database.IAMUsername on this region's database and, with a cache in CacheAuthIAM mode,
	// elasticache:Connect on this region's replication group and IAM user; nothing else. Default nil:
	// no grant.
	TaskRoleName pulumi.StringInput
	// PeerTaskRoleNames are the other regions' task roles, by region. Each gets an inline policy that
	// allows rds-db:connect as Database.IAMUsername on this region's database: standbys send their
	// writes to the writer, wherever it is. The grant does not depend on roles, so a change of primary
	// changes no policy. Default none.
	PeerTaskRoleNames map[string]pulumi.StringInput
	// PeerClientCIDRs are, by region, the private subnet ranges of other regions' service tasks
	// (RegionalCluster.PrivateSubnetCIDRs), admitted over RegionLinks to the database and cache ports:
	// a standby's tasks write to the primary's writer wherever it is. The rules are named by region
	// and do not depend on roles, so a failover changes none of them. Default none.
	PeerClientCIDRs map[string][]string
	// AlarmActions are the ARNs (SNS topics) the replica-lag alarms notify. Default none.
	AlarmActions pulumi.StringArrayInput
	// BackupSelection, when set, tags the writer's database (the RDS instance or the Aurora cluster,
	// only while Role is primary) with BackupTagKey = BackupSelection, so that the region's
	// RegionBackup plan backs it up. A replica is not selected: it is a copy of the writer. Default
	// none.
	BackupSelection string
	// DeletionProtection sets AWS deletion protection on the database and the global cluster. Default
	// true.
	DeletionProtection *bool
	// Protect sets Pulumi's protect option on the database, global cluster and replication groups.
	// Default true.
	Protect *bool
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity); a stack sets it to read the account once, and so
	// that nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
}

// TierRef names a DataTier of the same account: its region and its component name.
type TierRef struct {
	// Region is the tier's region.
	Region string
	// Name is the tier's component name, which is also its DB instance identifier.
	Name string
}

// DataTier is one region's database (writer or replica) and cache (primary or Global Datastore
// member), with their network, subnet groups, replica-lag alarms and the task role's data-access
// grant.
type DataTier struct {
	pulumi.ResourceState

	// Instance is the RDS instance (EnginePostgres), else nil.
	Instance *rds.Instance
	// Cluster is the Aurora cluster (EngineAuroraPostgres), else nil.
	Cluster *rds.Cluster
	// ClusterInstances are the Aurora cluster's instances, writer first; nil for RDS.
	ClusterInstances []*rds.ClusterInstance
	// GlobalCluster is the Aurora global cluster, in the Home region only, else nil.
	GlobalCluster *rds.GlobalCluster
	// ReplicationGroup is the cache replication group, nil without a cache.
	ReplicationGroup *elasticache.ReplicationGroup
	// GlobalReplicationGroup is the Global Datastore, in the Home region only, else nil.
	GlobalReplicationGroup *elasticache.GlobalReplicationGroup
	// DataAccessPolicy is the task role's data-access grant, nil without TaskRoleName.
	DataAccessPolicy *iam.RolePolicy

	// DBARN is the ARN of the region's RDS instance or Aurora cluster.
	DBARN pulumi.StringOutput `pulumi:"dbArn"`
	// DBIdentifier is the RDS instance identifier or the Aurora cluster identifier: the CloudWatch
	// dimension DBInstanceIdentifier (RDS) or DBClusterIdentifier (Aurora).
	DBIdentifier pulumi.StringOutput `pulumi:"dbIdentifier"`
	// RecoveryEndpoint is the address of the Database.Recovery instance ("" without one).
	RecoveryEndpoint pulumi.StringOutput `pulumi:"recoveryEndpoint"`
	// DBResourceID is the RDS instance's DbiResourceId or the Aurora cluster's resource ID: the
	// resource part of rds-db:connect ARNs (arn:aws:rds-db:<region>:<account>:dbuser:<id>/<user>).
	DBResourceID pulumi.StringOutput `pulumi:"dbResourceId"`
	// DBIAMUsername is the database user the service connects as with IAM authentication
	// (Database.IAMUsername).
	DBIAMUsername pulumi.StringOutput `pulumi:"dbIamUsername"`
	// WriterEndpoint is the instance address (RDS) or cluster endpoint (Aurora); it accepts writes only
	// in the primary region.
	WriterEndpoint pulumi.StringOutput `pulumi:"writerEndpoint"`
	// ReaderEndpoint is the address reads in this region go to (the replica, or Aurora's reader
	// endpoint).
	ReaderEndpoint pulumi.StringOutput `pulumi:"readerEndpoint"`
	// MasterSecretARN is the Secrets Manager secret of the AWS-managed master password, "" where this
	// region's database has none (replicas and Aurora secondaries).
	MasterSecretARN pulumi.StringOutput `pulumi:"masterSecretArn"`
	// GlobalClusterID is the Aurora global cluster's identifier ("" outside the Home region).
	GlobalClusterID pulumi.StringOutput `pulumi:"globalClusterId"`
	// CacheReplicationGroupID is the replication group's ID ("" without a cache); ElastiCache
	// publishes its metrics per node, CacheClusterId "<id>-001", ...
	CacheReplicationGroupID pulumi.StringOutput `pulumi:"cacheReplicationGroupId"`
	// CacheIAMUsername is the IAM-authenticated cache user the service connects as ("" without a
	// cache or in CacheAuthToken mode).
	CacheIAMUsername pulumi.StringOutput `pulumi:"cacheIamUsername"`
	// CachePrimaryEndpoint is the replication group's primary endpoint ("" without a cache).
	CachePrimaryEndpoint pulumi.StringOutput `pulumi:"cachePrimaryEndpoint"`
	// CacheReaderEndpoint is the replication group's reader endpoint ("" without a cache).
	CacheReaderEndpoint pulumi.StringOutput `pulumi:"cacheReaderEndpoint"`
	// GlobalReplicationGroupID is the Global Datastore's ID ("" outside the Home region).
	GlobalReplicationGroupID pulumi.StringOutput `pulumi:"globalReplicationGroupId"`
	// KMSKeyARN is the region's KMS key that encrypts the tier.
	KMSKeyARN pulumi.StringOutput `pulumi:"kmsKeyArn"`
	// DBSecurityGroupID admits the clients to the database port.
	DBSecurityGroupID pulumi.IDOutput `pulumi:"dbSecurityGroupId"`
	// CacheSecurityGroupID admits the clients to the cache port ("" without a cache).
	CacheSecurityGroupID pulumi.StringOutput `pulumi:"cacheSecurityGroupId"`
}

// JoinAfter returns what another region's tier must wait for before it joins this (Home) tier's
// global resources: in the Home region of an Aurora global database, the cluster and its instances
// (a secondary cluster can only join a global cluster whose primary is up). It is nil otherwise: an
// RDS replica follows its source through the source ARN, and the Global Datastore's ID carries its
// own dependency. Depending on the whole Home tier instead would hold a promotion in another region
// behind every update of the Home region, or behind a Home region that is down.
func (t *DataTier) JoinAfter() []pulumi.Resource {
	if t.Cluster == nil || t.GlobalCluster == nil {
		return nil
	}
	deps := []pulumi.Resource{t.Cluster}
	for _, i := range t.ClusterInstances {
		deps = append(deps, i)
	}
	return deps
}

var (
	dbIdentifierPattern  = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	instanceClassPattern = regexp.MustCompile(`^db\.(t3|t4g|m5|m5d|m6g|m6gd|m6i|m6id|m7g|m7i|r5|r5b|r5d|r6g|r6gd|r6i|r6id|r7g|r7i|r8g|x2g|x2iedn)\.(micro|small|medium|large|xlarge|[1-9][0-9]?xlarge)$`)
	auroraGlobalPattern  = regexp.MustCompile(`^db\.(r5|r5b|r5d|r6g|r6gd|r6i|r6id|r7g|r7i|r8g|x2g)\.`)
	cacheNodePattern     = regexp.MustCompile(`^cache\.(m5|m6g|m7g|r5|r6g|r6gd|r7g)\.(large|xlarge|[1-9][0-9]?xlarge)$`)
	sqlNamePattern       = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_]{0,62}$`)
	iamDBUserPattern     = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	versionPattern       = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,2}$`)
	monitoringIntervals  = []int{1, 5, 10, 15, 30, 60}
	reservedAdminNames   = []string{"postgres", "admin", "root", "rdsadmin", "administrator", "sa", "master"}
)

// CheckInstanceClass reports why class cannot be the instance class of engine, or nil.
func CheckInstanceClass(engine DBEngine, class string) error {
	if !instanceClassPattern.MatchString(class) {
		return fmt.Errorf("%q is not an RDS instance class (e.g. db.r6g.large, db.m7g.xlarge)", class)
	}
	if engine == EngineAuroraPostgres && !auroraGlobalPattern.MatchString(class) {
		return fmt.Errorf("%q cannot run an Aurora global database (use a memory-optimized class: db.r5 or newer, db.x2g)", class)
	}
	return nil
}

// CheckAdminUsername reports why u cannot be the master user name, or nil.
func CheckAdminUsername(u string) error {
	if !sqlNamePattern.MatchString(u) {
		return fmt.Errorf("%q is not a user name (a letter, then up to 62 letters, digits or _)", u)
	}
	if slices.Contains(reservedAdminNames, strings.ToLower(u)) {
		return fmt.Errorf("%q is a default admin name attackers try first (RDS.24/25); choose another", u)
	}
	return nil
}

// CheckIAMDBUsername reports why u cannot be the IAM-authenticated database user of a tier whose
// master user is admin, or nil. The name is lowercase (PostgreSQL folds unquoted names to lowercase,
// and the IAM token must name the role exactly), is not a built-in role, and is not the master user:
// the service never connects as the master user.
func CheckIAMDBUsername(u, admin string) error {
	switch {
	case !iamDBUserPattern.MatchString(u):
		return fmt.Errorf("%q is not a user name for IAM authentication (a lowercase letter, then up to 62 lowercase letters, digits or _)", u)
	case u == "postgres" || u == "rdsadmin" || strings.HasPrefix(u, "pg_") || strings.HasPrefix(u, "rds_"):
		return fmt.Errorf("%q is a built-in PostgreSQL or RDS role; choose the service's own user", u)
	case strings.EqualFold(u, admin):
		return fmt.Errorf("%q is the master user; the service connects as its own, less privileged user", u)
	}
	return nil
}

// IAMDBUsernameFor is the default IAM-authenticated database user of a service: its name with - as
// _ (PostgreSQL names take no hyphen unquoted).
func IAMDBUsernameFor(service string) string { return strings.ReplaceAll(service, "-", "_") }

// CheckCacheNodeType reports why t cannot be a Global Datastore node type, or nil.
func CheckCacheNodeType(t string) error {
	if !cacheNodePattern.MatchString(t) {
		return fmt.Errorf("%q is not a node type Global Datastore accepts (M5, M6g, M7g, R5, R6g, R6gd or R7g, large or bigger, e.g. %s)", t, DefaultCacheNodeType)
	}
	return nil
}

// ValidPerformanceInsightsRetention reports whether days is a retention Performance Insights accepts.
func ValidPerformanceInsightsRetention(days int) bool {
	return days == 7 || days > 0 && days%31 == 0 && days <= 731 || days == 731
}

// ValidMonitoringInterval reports whether s is an enhanced monitoring interval RDS accepts (not 0:
// enhanced monitoring is a control, RDS.6).
func ValidMonitoringInterval(s int) bool { return slices.Contains(monitoringIntervals, s) }

// globalName derives the name of the global resources from the component name.
func globalName(name, region string) string {
	if base, ok := strings.CutSuffix(name, "-"+region); ok && base != "" {
		return base + "-global"
	}
	return strings.Replace(name, region, "global", 1)
}

// WithDefaults returns a copy of a, for a component called name, with every unset field at its
// default (the one place the defaults of DataTierArgs, DatabaseSpec and CacheSpec live).
func (a *DataTierArgs) WithDefaults(name string) DataTierArgs {
	c := *a
	orDefault(&c.GlobalName, globalName(name, c.Region))
	c.Database = c.Database.WithDefaults(c.Role)
	if c.Cache != nil {
		cache := c.Cache.WithDefaults()
		c.Cache = &cache
	}
	return c
}

// WithDefaults returns d with every unset field at its default. role decides Instances: 2 for a
// primary; a standby keeps what it is given (0: a headless Aurora secondary).
func (d DatabaseSpec) WithDefaults(role Role) DatabaseSpec {
	orDefault(&d.Engine, EnginePostgres)
	orDefault(&d.EngineVersion, DefaultPostgresVersion)
	orDefault(&d.InstanceClass, "db.r6g.large")
	orDefault(&d.AllocatedStorage, 100)
	orDefault(&d.MaxAllocatedStorage, max(1000, d.AllocatedStorage))
	orDefault(&d.BackupRetentionDays, 14)
	orDefault(&d.AdminUsername, "dbadmin")
	orDefault(&d.DatabaseName, "app")
	orDefault(&d.IAMUsername, IAMDBUsernameFor(DefaultServiceName))
	orDefault(&d.Port, DefaultPostgresPort)
	if d.ReplicaMultiAZ == nil {
		d.ReplicaMultiAZ = Bool(true)
	}
	if d.Instances == 0 && role == RolePrimary {
		d.Instances = 2
	}
	orDefault(&d.MonitoringInterval, 60)
	orDefault(&d.PerformanceInsightsRetentionDays, 7)
	orDefault(&d.ReplicaLagSeconds, 60)
	return d
}

// WithDefaults returns c with every unset field at its default.
func (c CacheSpec) WithDefaults() CacheSpec {
	orDefault(&c.Engine, CacheRedis)
	orDefault(&c.EngineVersion, map[CacheEngine]string{CacheRedis: "7.1", CacheValkey: "8.0"}[c.Engine])
	orDefault(&c.NodeType, DefaultCacheNodeType)
	orDefault(&c.Nodes, 2)
	orDefault(&c.Port, DefaultCachePort)
	orDefault(&c.SnapshotRetentionDays, 7)
	orDefault(&c.AuthMode, CacheAuthIAM)
	orDefault(&c.LagSeconds, 30)
	return c
}

// pathAdder returns an add function for messages written "Path: text", recording them in f with
// prefix before the path.
func pathAdder(f *FieldErrors, prefix string) func(format string, v ...any) {
	return func(format string, v ...any) {
		path, msg, _ := strings.Cut(fmt.Sprintf(format, v...), ": ")
		f.Add(prefix+path, "%s", msg)
	}
}

// Validate checks a (after WithDefaults) for a component called name and returns every problem, on
// paths relative to a ("Database.BackupRetentionDays", "name"). NewDataTier runs it before it
// registers anything.
func (a *DataTierArgs) Validate(name string) FieldErrors {
	var f FieldErrors
	f = append(f, AsFieldErrors(checkAccount("Account", a.Account))...)
	add := pathAdder(&f, "")
	for _, err := range []error{checkRegion("Region", a.Region), checkRole("Role", a.Role), checkName(name, a.Region)} {
		f = append(f, AsFieldErrors(err)...)
	}
	if !dbIdentifierPattern.MatchString(name) {
		add("name: %q must be lowercase letters, digits and single hyphens, starting with a letter: it is the DB and replication group identifier", name)
	}
	checkDerivedNames(&f, name, []derivedName{
		{"DB and replication group identifier", name, ReplicationGroupIDLimit},
		{"RDS monitoring role name", name + "-rds-monitoring", IAMRoleNameLimit - autoNameSuffix},
	})
	if a.Standalone {
		switch {
		case a.Home:
			add("Standalone: a standalone tier has no global resources, so it is never Home")
		case a.CacheServesPeers:
			add("Standalone: a standalone tier's cache serves its own region; CacheServesPeers needs a Home tier")
		case a.Role != RolePrimary:
			add("Standalone: %q: only a writer (Role primary) stands alone; a standby replicates its primary", a.Role)
		}
	}
	if a.CacheServesPeers && (!a.Home || a.Cache == nil) {
		add("CacheServesPeers: allowed only on the Home region's tier, with a Cache (home %v, cache %v)", a.Home, a.Cache != nil)
	}
	if len(a.GlobalName) > 40 || !dbIdentifierPattern.MatchString(a.GlobalName) {
		add("GlobalName: %q must be at most 40 lowercase letters, digits and single hyphens, starting with a letter", a.GlobalName)
	}
	for _, req := range []struct {
		field   string
		missing bool
	}{
		{"KMSKeyARN", a.KMSKeyARN == nil}, {"VPCID", a.VPCID == nil}, {"SubnetIDs", a.SubnetIDs == nil},
		{"ClientSecurityGroupID", a.ClientSecurityGroupID == nil},
	} {
		if req.missing {
			add("%s: required", req.field)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(a.PeerClientCIDRs)) {
		p := "PeerClientCIDRs[" + r + "]"
		if err := checkRegion(p, r); err != nil {
			f = append(f, AsFieldErrors(err)...)
		} else if r == a.Region {
			f.Add(p, "%q is this tier's own region (its tasks are admitted by ClientSecurityGroupID)", r)
		}
		for i, c := range a.PeerClientCIDRs[r] {
			if pfx, err := netip.ParsePrefix(c); err != nil || !pfx.Addr().Is4() || pfx.Masked() != pfx {
				f.Add(fmt.Sprintf("%s[%d]", p, i), "%q is not an IPv4 CIDR", c)
			}
		}
	}
	a.Database.validate(a, pathAdder(&f, "Database."))
	if a.Cache != nil {
		a.Cache.validate(a, pathAdder(&f, "Cache."))
	}
	return f
}

func (d *DatabaseSpec) validate(a *DataTierArgs, add func(format string, v ...any)) {
	if !slices.Contains(DBEngines, d.Engine) {
		add("Engine: %q is not supported (allowed: %s, %s)", d.Engine, EnginePostgres, EngineAuroraPostgres)
	}
	if !versionPattern.MatchString(d.EngineVersion) {
		add("EngineVersion: %q is not a version (e.g. %s)", d.EngineVersion, DefaultPostgresVersion)
	}
	if err := CheckInstanceClass(d.Engine, d.InstanceClass); err != nil {
		add("InstanceClass: %v", err)
	}
	if d.AllocatedStorage < 20 || d.AllocatedStorage > 65536 {
		add("AllocatedStorage: %d GiB is outside 20-65536", d.AllocatedStorage)
	}
	if d.MaxAllocatedStorage < d.AllocatedStorage || d.MaxAllocatedStorage > 65536 {
		add("MaxAllocatedStorage: %d GiB must lie in [AllocatedStorage %d, 65536]", d.MaxAllocatedStorage, d.AllocatedStorage)
	}
	if d.BackupRetentionDays < 7 || d.BackupRetentionDays > 35 {
		add("BackupRetentionDays: %d is outside 7-35 (RDS.11; replicas need backups on their source)", d.BackupRetentionDays)
	}
	if err := CheckAdminUsername(d.AdminUsername); err != nil {
		add("AdminUsername: %v", err)
	}
	if !sqlNamePattern.MatchString(d.DatabaseName) {
		add("DatabaseName: %q is not a database name (a letter, then up to 62 letters, digits or _)", d.DatabaseName)
	}
	if err := CheckIAMDBUsername(d.IAMUsername, d.AdminUsername); err != nil {
		add("IAMUsername: %v", err)
	}
	if d.Port < MinDBPort || d.Port > MaxDBPort {
		add("Port: %d is outside %d-%d (the ports RDS and Aurora PostgreSQL accept; default %d)", d.Port, MinDBPort, MaxDBPort, DefaultPostgresPort)
	}
	if d.Instances < 0 || d.Instances > 16 {
		add("Instances: %d is outside 0-16", d.Instances)
	}
	if d.Engine == EngineAuroraPostgres {
		if a.Role == RolePrimary && d.Instances < 2 {
			add("Instances: %d; the primary Aurora cluster needs a writer and a reader (at least 2) to be Multi-AZ", d.Instances)
		}
		if a.Standalone {
			add("Engine: %q: a standalone tier (the backup-restore strategy) is built for %s; Aurora's cross-region recovery is its Global Database", d.Engine, EnginePostgres)
		}
		if !a.Home && !a.Standalone && a.GlobalClusterID == nil {
			add("GlobalClusterID: required outside the Home region (the Home DataTier's GlobalClusterID)")
		}
	}
	if d.Engine == EnginePostgres && a.Role == RoleStandby && a.SourceDBARN == nil {
		switch ref := a.SourceTier; {
		case ref == nil:
			add("SourceDBARN: required for an RDS standby (the primary instance's ARN), or SourceTier")
		case checkRegion("", ref.Region) != nil || ref.Region == a.Region:
			add("SourceTier.Region: %q is not another region", ref.Region)
		case !dbIdentifierPattern.MatchString(ref.Name) || len(ref.Name) > ReplicationGroupIDLimit:
			add("SourceTier.Name: %q is not a DataTier name (it is the DB instance identifier)", ref.Name)
		}
	}
	if !ValidMonitoringInterval(d.MonitoringInterval) {
		add("MonitoringInterval: %d is not one of %v", d.MonitoringInterval, monitoringIntervals)
	}
	if !ValidPerformanceInsightsRetention(d.PerformanceInsightsRetentionDays) {
		add("PerformanceInsightsRetentionDays: %d is not 7 or a multiple of 31 up to 731", d.PerformanceInsightsRetentionDays)
	}
	if d.ReplicaLagSeconds < 1 || d.ReplicaLagSeconds > 86400 {
		add("ReplicaLagSeconds: %d is outside 1-86400", d.ReplicaLagSeconds)
	}
	if r := d.Recovery; r != nil {
		if !recoveryName.MatchString(r.Name) {
			add("Recovery.Name: %q must be a-z then a-z or 0-9, at most 10 characters", r.Name)
		}
		if r.RestoreTime != "" {
			if _, err := time.Parse(time.RFC3339, r.RestoreTime); err != nil {
				add("Recovery.RestoreTime: %q is not an RFC 3339 time (e.g. 2026-12-01T10:04:00Z)", r.RestoreTime)
			}
		}
		if d.Engine != EnginePostgres {
			add("Recovery: the point-in-time restore beside the writer is built for the postgres engine; for Aurora, restore a clone with the AWS CLI (docs/datatier.md)")
		}
	}
	if r := d.RestoreFrom; r != nil {
		checkRestore(r, a, add)
	}
	switch d.Rejoin {
	case RejoinNone:
	case RejoinRelease, RejoinRebuild:
		if a.Role != RoleStandby {
			add("Rejoin: %q: this region is the primary; only a standby rejoins as a replica", d.Rejoin)
		} else if d.Engine != EnginePostgres {
			add("Rejoin: %q applies to the postgres engine only; Aurora rejoins through switchover", d.Rejoin)
		}
	default:
		add("Rejoin: %q is not a phase (allowed: %q, %q)", d.Rejoin, RejoinRelease, RejoinRebuild)
	}
}

func (c *CacheSpec) validate(a *DataTierArgs, add func(format string, v ...any)) {
	if !slices.Contains(CacheEngines, c.Engine) {
		add("Engine: %q is not supported (allowed: %s, %s)", c.Engine, CacheRedis, CacheValkey)
	}
	if !versionPattern.MatchString(c.EngineVersion) {
		add("EngineVersion: %q is not a version (e.g. 7.1)", c.EngineVersion)
	}
	if err := CheckCacheNodeType(c.NodeType); err != nil {
		add("NodeType: %v", err)
	}
	if c.Nodes < 2 || c.Nodes > 6 {
		add("Nodes: %d is outside 2-6 (automatic failover and Multi-AZ need a replica)", c.Nodes)
	}
	if c.Port < 1024 || c.Port > 65535 {
		add("Port: %d is outside 1024-65535", c.Port)
	}
	if c.SnapshotRetentionDays < 1 || c.SnapshotRetentionDays > 35 {
		add("SnapshotRetentionDays: %d is outside 1-35", c.SnapshotRetentionDays)
	}
	if c.LagSeconds < 1 || c.LagSeconds > 86400 {
		add("LagSeconds: %d is outside 1-86400", c.LagSeconds)
	}
	switch c.AuthMode {
	case CacheAuthIAM:
		if c.AuthToken != nil {
			add("AuthToken: set, but AuthMode is %q; set AuthMode %q or drop the token", CacheAuthIAM, CacheAuthToken)
		}
	case CacheAuthToken:
		if c.AuthToken == nil {
			add("AuthToken: required with AuthMode %q, as a Pulumi secret (pulumi config set --secret)", CacheAuthToken)
		}
	default:
		add("AuthMode: %q is not supported (allowed: %s, %s)", c.AuthMode, CacheAuthIAM, CacheAuthToken)
	}
	if !a.Home && !a.Standalone && a.GlobalReplicationGroupID == nil {
		add("GlobalReplicationGroupID: required outside the Home region (the Home DataTier's GlobalReplicationGroupID)")
	}
}

// snapshotARN matches a DB snapshot's ARN: partition, region, account and the snapshot identifier.
var snapshotARN = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn):rds:([a-z0-9-]+):([0-9]{12}):snapshot:([a-zA-Z0-9:-]{1,255})$`)

// checkRestore checks a DatabaseSpec.RestoreFrom of the tier a.
func checkRestore(r *DBRestore, a *DataTierArgs, add func(format string, v ...any)) {
	if a.Role != RolePrimary || a.Database.Engine != EnginePostgres {
		add("RestoreFrom: a restore creates a writer (Role primary) of the %s engine; this tier is %s, %s", EnginePostgres, a.Role, a.Database.Engine)
	}
	switch {
	case (r.Snapshot == "") == (r.AutomatedBackupsARN == nil):
		add("RestoreFrom: set exactly one of Snapshot and AutomatedBackupsARN")
	case r.Snapshot != "":
		if m := snapshotARN.FindStringSubmatch(r.Snapshot); m != nil {
			if m[2] != a.Region {
				add("RestoreFrom.Snapshot: %q is a snapshot in %s; RDS restores a snapshot in its own region, %s (copy it there first: aws rds copy-db-snapshot)", r.Snapshot, m[2], a.Region)
			}
		} else if strings.HasPrefix(r.Snapshot, "arn:") || !snapshotIDPattern.MatchString(r.Snapshot) {
			add("RestoreFrom.Snapshot: %q is not a DB snapshot ARN (arn:aws:rds:%s:<account>:snapshot:<name>) or identifier", r.Snapshot, a.Region)
		}
		if r.RestoreTime != "" {
			add("RestoreFrom.RestoreTime: a snapshot has one point in time; a RestoreTime needs AutomatedBackupsARN")
		}
	case r.RestoreTime != "":
		if _, err := time.Parse(time.RFC3339, r.RestoreTime); err != nil {
			add("RestoreFrom.RestoreTime: %q is not an RFC 3339 time (e.g. 2026-12-01T10:04:00Z)", r.RestoreTime)
		}
	}
}

// snapshotIDPattern matches a DB snapshot identifier (AWS Backup's carry an "awsbackup:" prefix).
var snapshotIDPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9:-]{0,254}$`)

// NewDataTier creates one region's data tier on the provider passed in opts: security groups and
// subnet groups on the private subnets, the database (writer, replica, or Aurora primary/secondary
// cluster), the cache (Global Datastore primary or member), the task role's data-access grant (with
// TaskRoleName) and, in a standby, replica-lag alarms.
func NewDataTier(ctx *pulumi.Context, name string, args *DataTierArgs, opts ...pulumi.ResourceOption) (*DataTier, error) {
	if args == nil {
		return nil, fmt.Errorf("data tier %q: args are required", name)
	}
	a := args.WithDefaults(name)
	if err := a.Validate(name).Err(); err != nil {
		return nil, fmt.Errorf("data tier %q: %w", name, err)
	}
	if err := checkProvider(ctx, a.Region, opts); err != nil {
		return nil, fmt.Errorf("data tier %q: %w", name, err)
	}
	t := &DataTier{}
	if err := ctx.RegisterComponentResource(DataTierType, name, t, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	b := &tierBuilder{ctx: ctx, name: name, a: a, t: t, parent: pulumi.Parent(t)}
	arns, err := accountOf(ctx, a.Account, b.parent)
	if err != nil {
		return nil, fmt.Errorf("data tier %q: %w", name, err)
	}
	b.account, b.arns = arns.AccountID, arns
	t.KMSKeyARN = a.KMSKeyARN.ToStringOutput()
	t.DBIAMUsername = pulumi.String(a.Database.IAMUsername).ToStringOutput()
	t.CacheReplicationGroupID = pulumi.String("").ToStringOutput()
	t.CacheIAMUsername = pulumi.String("").ToStringOutput()
	t.CachePrimaryEndpoint = pulumi.String("").ToStringOutput()
	t.CacheReaderEndpoint = pulumi.String("").ToStringOutput()
	t.CacheSecurityGroupID = pulumi.String("").ToStringOutput()
	t.GlobalReplicationGroupID = pulumi.String("").ToStringOutput()
	t.GlobalClusterID = pulumi.String("").ToStringOutput()
	t.MasterSecretARN = pulumi.String("").ToStringOutput()
	t.RecoveryEndpoint = pulumi.String("").ToStringOutput()
	steps := []struct {
		what string
		run  func() error
	}{
		{"database network", b.dbNetwork},
		{"database", b.database},
		{"cache", b.cache},
		{"cross-region network", b.peerNetwork},
		{"data access", b.dataAccess},
		{"alarms", b.alarms},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return nil, fmt.Errorf("data tier %q: %s: %w", name, s.what, err)
		}
	}
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{
		"dbArn":                    t.DBARN,
		"dbIdentifier":             t.DBIdentifier,
		"dbResourceId":             t.DBResourceID,
		"dbIamUsername":            t.DBIAMUsername,
		"cacheReplicationGroupId":  t.CacheReplicationGroupID,
		"cacheIamUsername":         t.CacheIAMUsername,
		"writerEndpoint":           t.WriterEndpoint,
		"readerEndpoint":           t.ReaderEndpoint,
		"masterSecretArn":          t.MasterSecretARN,
		"globalClusterId":          t.GlobalClusterID,
		"cachePrimaryEndpoint":     t.CachePrimaryEndpoint,
		"cacheReaderEndpoint":      t.CacheReaderEndpoint,
		"globalReplicationGroupId": t.GlobalReplicationGroupID,
		"recoveryEndpoint":         t.RecoveryEndpoint,
		"kmsKeyArn":                t.KMSKeyARN,
		"dbSecurityGroupId":        t.DBSecurityGroupID,
		"cacheSecurityGroupId":     t.CacheSecurityGroupID,
	})
}
