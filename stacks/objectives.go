package stacks

import (
	"fmt"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Typical durations of the failover steps the RTO estimate adds up, in seconds. Sources: the RDS user
// guide (promoting a read replica "takes a few minutes", the instance reboots), the Aurora user guide
// (a managed global database failover typically completes in about a minute; adding an instance to a
// headless secondary takes as long as creating one), the ECS/Fargate task launch with an image pulled
// from the region's own registry (1-2 min) plus two healthy target checks, and a `pulumi up` of the
// change (preview and update of the moved settings). Converting a single-AZ RDS instance to Multi-AZ
// (the RDS user guide: a snapshot restored to a standby in another AZ, then synchronised) takes from
// minutes to hours with the storage size; 30 min is the estimate for the default 100 GiB.
const (
	rdsMultiAZConversionSeconds = 1800
	rdsPromotionSeconds         = 600
	auroraFailoverSeconds       = 60
	auroraAddInstanceSeconds    = 600
	coldStartSeconds            = 180
	applySeconds                = 120
)

// The backup-restore strategy's restore (objectives): creating the writer from a backup takes
// restoreBaseSeconds (the RDS user guide: restoring creates a new instance, Multi-AZ here, which takes
// as long as creating one) plus the data size at restoreGBPerHour, the rate this estimate assumes for
// loading the data from the backup (AWS documents no rate: "minutes to hours" with the size; the
// restore testing plan, backup.restoreTesting, measures it on the real data). The RPO of a restore from
// the replicated automated backups is backupLogSeconds: RDS uploads the transaction logs every 5
// minutes (the RDS user guide, "Backup window"), and the replication to the copy region adds minutes.
const (
	restoreBaseSeconds = 1200
	restoreGBPerHour   = 100
	backupLogSeconds   = 600
)

// The writer name's TTL (components.DefaultDataNamesTTL): after the up repoints it, resolvers may hold
// the old writer this long.
const writerNameSeconds = components.DefaultDataNamesTTL

// Objectives are the expected recovery time and recovery point of the configured deployment when the
// primary region fails: computed from the settings, never measured.
type Objectives struct {
	// RTOSeconds is detection + any AWS-side failover the operator runs first + the failover
	// `pulumi up` + the slower of database promotion and standby capacity + the writer name's TTL;
	// operator decision time is not included.
	RTOSeconds int
	// RTOParts names each addend of RTOSeconds.
	RTOParts map[string]int
	// RPOSeconds is the replication lag the alarms bound: writes younger than this may be lost.
	RPOSeconds int
	// SingleAZSeconds is how long the promoted writer runs in one AZ after the failover: the
	// conversion to Multi-AZ that the failover's `pulumi up` starts (an RDS replica's Multi-AZ
	// modification, or an Aurora secondary's second instance). 0 when the standbys are already Multi-AZ
	// (database.replicaMultiAz; pilot-light turns it off by default). Not part of RTOSeconds: the
	// service is back, with an AZ failure in that window costing a second recovery.
	SingleAZSeconds int
	// Basis explains the figures.
	Basis string
}

// Objectives computes the expected RTO and RPO of the configuration when the primary region fails and
// its APIs still answer (a planned failover, or a region that serves badly): `pulumi up` with the new
// primaryRegion.
func (c *Config) Objectives() Objectives { return c.objectives(false) }

// LostObjectives computes them for the lost-region path (docs/lostregion.md): the primary region's APIs
// are dark, so the change also lists it in lostRegions. An RDS replica is promoted by the same up. An
// Aurora global cluster cannot switch over without its primary region: the operator first runs the
// AWS-side failover with data loss allowed, then the up. The RPO is the same: the replica lag at the loss.
func (c *Config) LostObjectives() Objectives { return c.objectives(true) }

// objectives computes the Objectives of the configuration; lost is the lost-region path.
func (c *Config) objectives(lost bool) Objectives {
	detection := 0
	paths := c.FailoverTimes()
	for _, name := range []string{"route53", "globalAccelerator", "cloudFront"} {
		if t, ok := paths[name]; ok {
			detection = t.FailoverSeconds // the first enabled path in this order is what most clients use
			break
		}
	}
	promotion, awsSide := rdsPromotionSeconds, 0
	aurora := c.Database.Engine == components.EngineAuroraPostgres
	if aurora {
		promotion = auroraFailoverSeconds
		if lost {
			// failover-global-cluster --allow-data-loss, run before the up; the up then finds the writer.
			awsSide, promotion = auroraFailoverSeconds, 0
		}
		if c.standbyInstances() == 0 {
			promotion += auroraAddInstanceSeconds // a headless secondary needs its writer instance first
		}
	}
	capacity := 0
	if c.Strategy == PilotLight || c.Strategy == BackupRestore {
		capacity = coldStartSeconds
	}
	rpo := c.Database.ReplicaLagSeconds
	if c.Strategy == BackupRestore {
		// No replica: the writer is created from the backups the new primary's region holds.
		promotion, awsSide, rpo = c.restoreSeconds(), 0, backupLogSeconds
	}
	parts := map[string]int{"detection": detection, "awsSideFailover": awsSide, "apply": applySeconds,
		"promotion": promotion, "capacity": capacity, "writerName": writerNameSeconds}
	o := Objectives{
		RTOSeconds:      detection + awsSide + applySeconds + max(promotion, capacity) + writerNameSeconds,
		RTOParts:        parts,
		RPOSeconds:      rpo,
		SingleAZSeconds: c.singleAZSeconds(),
	}
	engine := "RDS cross-region read replicas (asynchronous; typically seconds behind)"
	if aurora {
		engine = "Aurora Global Database storage replication (asynchronous; typically under a second behind)"
	}
	path := "the primary region's APIs answer"
	if lost {
		path = "the primary region's APIs are dark (lostRegions)"
	}
	if c.Strategy == BackupRestore {
		delete(parts, "promotion")
		parts["restore"] = promotion
		o.Basis = fmt.Sprintf("%s strategy, %s: RTO = detection %d s + pulumi up %d s + max(restore %d s, standby capacity %d s) + "+
			"writer name TTL %d s; the restore is %d s to create the writer + %.0f GB (costAssumptions.dataGb) at an assumed %d GB/h "+
			"(measure yours: backup.restoreTesting); the cache starts empty, created alongside. RPO = %d s with database.restoreFrom %q "+
			"(transaction logs every 5 min, replicated to the copy region within minutes); up to a day from the daily copies (a snapshot ARN)",
			c.Strategy, path, detection, applySeconds, promotion, capacity, writerNameSeconds, restoreBaseSeconds,
			c.CostAssumptions.DataGB, restoreGBPerHour, rpo, RestoreLatest)
		o.SingleAZSeconds = 0
		return o
	}
	o.Basis = fmt.Sprintf("%s strategy, %s, %s: RTO = detection %d s + AWS-side failover %d s + pulumi up %d s + "+
		"max(promotion %d s, standby capacity %d s) + writer name TTL %d s; "+
		"RPO = the replica-lag alarm threshold %d s (database.replicaLagSeconds), beyond which the alarms fire",
		c.Strategy, engine, path, detection, awsSide, applySeconds, promotion, capacity, writerNameSeconds, c.Database.ReplicaLagSeconds)
	if o.SingleAZSeconds > 0 {
		o.Basis += fmt.Sprintf("; the standbys' databases are single-AZ (database.replicaMultiAz false, or fewer than 2 "+
			"database.standbyInstances for Aurora): the promoted writer runs in one AZ for about %d s after the up, "+
			"until its conversion to Multi-AZ finishes", o.SingleAZSeconds)
	} else {
		o.Basis += "; the standbys' databases are Multi-AZ: the promoted writer is Multi-AZ at once"
	}
	return o
}

// restoreSeconds is the expected time to create the writer from a backup: restoreBaseSeconds plus
// the data size (costAssumptions.dataGb) at restoreGBPerHour.
func (c *Config) restoreSeconds() int {
	return restoreBaseSeconds + int(c.CostAssumptions.DataGB/restoreGBPerHour*3600)
}

// singleAZSeconds is how long a promoted writer runs in one AZ (Objectives.SingleAZSeconds): RDS, the
// Multi-AZ conversion of a single-AZ replica; Aurora, adding the second instance to a secondary that
// has one (a headless secondary gets its writer and reader together, within the promotion).
func (c *Config) singleAZSeconds() int {
	if c.Database.Engine == components.EngineAuroraPostgres {
		if c.standbyInstances() == 1 {
			return auroraAddInstanceSeconds
		}
		return 0
	}
	if c.replicaMultiAZ() {
		return 0
	}
	return rdsMultiAZConversionSeconds
}

// outputs renders Objectives as the expectedRto / expectedRpo stack outputs.
func (o Objectives) outputs() (rto, rpo pulumi.Map) {
	parts := pulumi.IntMap{}
	for k, v := range o.RTOParts {
		parts[k] = pulumi.Int(v)
	}
	return pulumi.Map{"seconds": pulumi.Int(o.RTOSeconds), "parts": parts, "singleAzSeconds": pulumi.Int(o.SingleAZSeconds), "basis": pulumi.String(o.Basis)},
		pulumi.Map{"seconds": pulumi.Int(o.RPOSeconds), "basis": pulumi.String(o.Basis)}
}
