// Package ops is the operator's side of multiregion: the phases of a planned switchover, an unplanned
// failover (with lost regions), a failback and a game day, run over one stack or a fleet of stacks,
// with guardrails (pre-checks, a guarded preview that refuses any replacement or deletion of a
// stateful resource) and measured timings. The stack itself is the plan: every role change is the
// reviewed config change (primaryRegion, lostRegions, database.rejoin) applied by `pulumi up`; AWS is
// called directly only for the data-plane steps Pulumi cannot express (an Aurora global cluster
// switchover or failover, a Global Datastore failover, waiting for replica lag).
//
// The package works through two interfaces, Stack (a Pulumi stack: config, preview, up, outputs)
// and Cloud (the AWS data plane), so every phase and every refusal is unit-tested with fakes;
// ops/pulumistack and ops/awscloud are the real implementations, and cmd/multiregion-ops the command.
package ops

import (
	"context"
	"time"
)

// Config keys the phases read and write (namespace "multiregion").
const (
	// KeyPrimaryRegion is the region with the writer.
	KeyPrimaryRegion = "multiregion:primaryRegion"
	// KeyLostRegions lists regions whose APIs are dark (docs/lostregion.md).
	KeyLostRegions = "multiregion:lostRegions"
	// KeyDatabase is the database settings object (its "rejoin" field drives failback).
	KeyDatabase = "multiregion:database"
)

// Settings is what a phase reads from a stack's configuration and outputs.
type Settings struct {
	// Regions are the workload regions, in configured order.
	Regions []string
	// PrimaryRegion is the current primary.
	PrimaryRegion string
	// LostRegions are the regions currently marked lost.
	LostRegions []string
	// Strategy is the DR strategy (pilot-light, warm-standby, active-active).
	Strategy string
	// Engine is the database engine ("postgres" or "aurora-postgresql").
	Engine string
	// DataHomeRegion manages the Aurora global cluster and the Global Datastore.
	DataHomeRegion string
	// Cache reports whether every region holds a Global Datastore member (cache.enabled and
	// cache.secondaries), so that a switchover fails the cache over too.
	Cache bool
	// Service is the service name (multiregion:service.name); the data tier's names derive from it:
	// "<service>-<region>" (RDS instance, Aurora cluster, cache group), "<service>-global".
	Service string
	// Protect is multiregion:protect (stateful resources protected); a game day refuses a protected stack.
	Protect bool
	// Database is the multiregion:database object as configured (nil when unset). Failback rewrites its
	// "rejoin" field and writes the whole object back under KeyDatabase.
	Database map[string]any
}

// Op is an engine step's operation, as the Pulumi engine names it ("create", "update", "replace",
// "create-replacement", "delete-replaced", "delete", "same", "read", "refresh", "import" ...).
type Op string

// Step is one resource step of a preview or an update.
type Step struct {
	// URN is the resource's URN.
	URN string
	// Type is its type token, e.g. "aws:rds/instance:Instance".
	Type string
	// Op is what the engine will do (or did) to it.
	Op Op
	// Diffs are the properties that differ, when the engine reports them.
	Diffs []string
	// Provider is the reference (URN::ID) of the provider that performs the step, when the engine
	// reports it: it tells which region's API the step calls.
	Provider string
}

// ChangeSummary counts steps by operation.
type ChangeSummary map[Op]int

// Preview is a preview's outcome.
type Preview struct {
	// Steps are the resource steps, in engine order, without "same".
	Steps []Step
	// Summary counts every operation, "same" included.
	Summary ChangeSummary
}

// Update is an update's outcome.
type Update struct {
	// Summary counts every operation.
	Summary ChangeSummary
	// Outputs are the stack outputs after the update.
	Outputs map[string]any
}

// Events receives the engine's resource events while a preview or update runs, for progress.
type Events func(Step)

// Stack is one Pulumi stack as the phases drive it.
type Stack interface {
	// Name is the stack's fully qualified name, e.g. "acme/multiregion/prod".
	Name() string
	// Settings reads the stack's configuration and last outputs.
	Settings(ctx context.Context) (Settings, error)
	// Outputs reads the stack's last outputs.
	Outputs(ctx context.Context) (map[string]any, error)
	// SetConfig sets configuration values (key -> value as `pulumi config set` takes it; objects and
	// lists as JSON with path false) in one write. It changes nothing in the cloud.
	SetConfig(ctx context.Context, values map[string]string) error
	// Preview runs `pulumi preview` with the current configuration.
	Preview(ctx context.Context, progress Events) (Preview, error)
	// Up runs `pulumi up` with the current configuration.
	Up(ctx context.Context, progress Events) (Update, error)
}

// RegionHealth is one region's health as the data plane reports it.
type RegionHealth struct {
	// HealthCheckOK is the Route 53 health check's status (nil: no health check).
	HealthCheckOK *bool
	// AlarmsInAlarm names the region's CloudWatch alarms in state ALARM.
	AlarmsInAlarm []string
	// RunningTasks and DesiredTasks are the ECS service's counts.
	RunningTasks, DesiredTasks int
	// ReplicaLagSeconds is the database replica lag in the region (nil: a writer, or not reported).
	ReplicaLagSeconds *float64
	// CacheLagSeconds is the Global Datastore member's replication lag (nil: not reported).
	CacheLagSeconds *float64
	// DatabaseWriter reports whether the region's database accepts writes: RDS, a standalone
	// instance (not a read replica); Aurora, the global cluster's writer member (nil: not reported).
	DatabaseWriter *bool
	// ReplicaSource is what the region's RDS read replica replicates from, its identifier or ARN as
	// RDS reports it (empty: a standalone instance, Aurora, or not reported).
	ReplicaSource string
	// CachePrimary reports whether the region's member is the Global Datastore's primary (nil: no
	// cache, or not reported).
	CachePrimary *bool
}

// Cloud is the AWS data plane the phases need. Every method takes the region it calls; a lost
// region is never called.
type Cloud interface {
	// Health reads a region's health from the stack's outputs (health check IDs, service and cluster
	// names, database identifiers).
	Health(ctx context.Context, region string, outputs map[string]any) (RegionHealth, error)
	// SwitchoverAuroraGlobal runs a planned switchover (RPO 0) of the global cluster to the target
	// region's secondary cluster, from the home region, and waits until it is the writer.
	SwitchoverAuroraGlobal(ctx context.Context, homeRegion, globalClusterID, targetClusterARN string) error
	// FailoverAuroraGlobal runs an unplanned failover with data loss allowed to the target region's
	// secondary cluster, called in a surviving region, and waits until it is the writer.
	FailoverAuroraGlobal(ctx context.Context, callRegion, globalClusterID, targetClusterARN string) error
	// FailoverCacheGlobal makes the target region's member the Global Datastore's primary, and waits.
	// globalGroupID is the stack's name for the Global Datastore ("<service>-global", the ID suffix):
	// AWS prefixes it with an account-specific string, which the implementation resolves (the one
	// global replication group whose ID ends with "-" + globalGroupID).
	FailoverCacheGlobal(ctx context.Context, callRegion, globalGroupID, targetRegion, targetGroupID string) error
	// WaitReplicaLag waits until the RDS replica in region reports a lag at most maxSeconds.
	WaitReplicaLag(ctx context.Context, region, dbIdentifier string, maxSeconds float64, timeout time.Duration) error
	// PromoteReplica promotes the RDS read replica in region to a standalone instance and waits until
	// it is available (a stale replica of a former primary, before its rejoin; docs/datatier.md).
	PromoteReplica(ctx context.Context, region, dbIdentifier string) error
}
