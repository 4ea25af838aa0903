package stacks

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The backup-restore strategy (AWS's "backup and restore"): the primary holds the only data tier;
// every standby holds its network, an idle service (no task), the ECR replica, its backup vault with
// the copies it receives and, in the primary's backup copy region, the writer's replicated automated
// backups. A failover is a change of primaryRegion with database.restoreFrom: the up creates the new
// primary's writer from a backup (a snapshot, or a point in time) and its cache empty. A region that
// held a writer keeps it, protected, until the operator retires it (database.rejoin.<region>: release,
// then rebuild), so no change of role ever deletes data.

// RestoreLatest is the database.restoreFrom value that restores the latest restorable time of the
// former writer's automated backups replicated into the new primary's region.
const RestoreLatest = "latest"

// lastDeployment is what the last `pulumi up` of this stack exported, read through a StackReference
// to the stack itself (readLast): nil on the first deployment.
type lastDeployment struct {
	primary  string
	strategy Strategy
	regions  map[string]map[string]any
}

// hadDatabase reports whether the last deployment held a database in region.
func (l *lastDeployment) hadDatabase(region string) bool {
	if l == nil {
		return false
	}
	id, _ := l.regions[region]["dbIdentifier"].(string)
	return id != ""
}

// replicatedBackups is the ARN of source's automated backups replicated into region at the last
// deployment, "" if there were none.
func (l *lastDeployment) replicatedBackups(region, source string) string {
	if l == nil {
		return ""
	}
	switch m := l.regions[region]["replicatedDbBackups"].(type) {
	case map[string]any: // as the engine decodes a stack output
		arn, _ := m[source].(string)
		return arn
	case map[string]string:
		return m[source]
	}
	return ""
}

// holdsData reports whether region holds a data tier: every region, except under backup-restore,
// where only the primary and the regions whose former writer is kept do (dataTierRole).
func (c *Config) holdsData(region string) bool {
	if c.Strategy != BackupRestore {
		return true
	}
	return region == c.PrimaryRegion || c.keptWriters[region]
}

// validateBackupRestore checks what the backup-restore strategy and database.restoreFrom need of the
// rest of the configuration.
func (c *Config) validateBackupRestore() []error {
	var errs []error
	add := func(k, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key(k), fmt.Sprintf(format, v...)))
	}
	from := c.Database.RestoreFrom
	if c.Strategy != BackupRestore {
		if from != "" {
			add("database.restoreFrom", "%q is set, but drStrategy is %s: restoreFrom creates the writer of a backup-restore stack's new primary (the other strategies promote a live replica); for a copy of the writer at a point in time beside it use database.recovery", abbreviate(from), c.Strategy)
		}
		return errs
	}
	if !c.Backup.enabled() {
		add("backup.enabled", "false, but drStrategy is %s: the backups and their copies in the other regions are its standbys' data; enable them or choose another strategy", BackupRestore)
	}
	if c.Database.Engine != components.EnginePostgres {
		add("drStrategy", "%s is built for database.engine %s; %s's cross-region recovery is its Global Database (use pilot-light, its cheapest tier, with database.standbyInstances 0)", BackupRestore, components.EnginePostgres, c.Database.Engine)
	}
	if !isSnapshot(from) {
		return errs
	}
	if from[0] >= '0' && from[0] <= '9' {
		add("database.restoreFrom", "%q is not an RFC 3339 time (e.g. 2026-12-01T10:04:00Z); allowed: %q, a point in time, or a DB snapshot ARN or identifier in primaryRegion", abbreviate(from), RestoreLatest)
	}
	// A snapshot: the component's rule (components.DBRestore) checks its form and region.
	return errs
}

// restoreFrom turns database.restoreFrom into the writer's DBRestore in region, for a tier being
// created there; nil when the setting is empty or the region's writer already exists (its restore
// inputs are create-only, so an existing writer is never touched by them).
func (d *Deployment) restoreFrom(region string) (*components.DBRestore, error) {
	cfg, last := d.Config, d.last
	from := cfg.Database.RestoreFrom
	if cfg.Strategy != BackupRestore || region != cfg.PrimaryRegion {
		return nil, nil
	}
	moved := last != nil && last.primary != "" && last.primary != region
	k := key("database.restoreFrom")
	if last.hadDatabase(region) {
		if moved {
			// A kept former writer: its data stopped when the writer moved to last.primary. Making it
			// the writer again would drop every write since, silently.
			return nil, fmt.Errorf("%s: %s holds a former writer, stale since the writer moved to %s: "+
				"retire it first (database.rejoin.%s: release, then rebuild; its final snapshot stays), then move with restoreFrom "+
				"naming a backup of the current writer (docs/datatier.md, \"Backup and restore\")", key("primaryRegion"), region, last.primary, region)
		}
		return nil, nil // the writer exists: the restore inputs would change nothing
	}
	switch {
	case from == "" && moved:
		return nil, fmt.Errorf("%s: not set, but primaryRegion moves from %s to %s, which holds no database under %s: "+
			"set restoreFrom to %q (the latest restorable time of %s's automated backups replicated into %s), "+
			"a point in time (RFC 3339) or a DB snapshot ARN in %s (docs/datatier.md, \"Backup and restore\")",
			k, last.primary, region, BackupRestore, RestoreLatest, last.primary, region, region)
	case from == "":
		return nil, nil // the first deployment: an empty writer
	case isSnapshot(from):
		return &components.DBRestore{Snapshot: from}, nil
	}
	if !moved {
		return nil, fmt.Errorf("%s: %q restores the former writer's automated backups, but the last deployment's primary was %q, not another region; give a DB snapshot ARN instead", k, from, lastPrimary(last))
	}
	arn := last.replicatedBackups(region, last.primary)
	if arn == "" {
		return nil, fmt.Errorf("%s: %q needs %s's automated backups replicated into %s, and the last deployment had none there "+
			"(they go to the backup copy region of the writer, %s, with backup.enabled); give a DB snapshot ARN in %s instead "+
			"(an AWS Backup copy: aws rds describe-db-snapshots --snapshot-type awsbackup --region %s)",
			k, from, last.primary, region, cfg.copyRegionBefore(last.primary), region, region)
	}
	r := &components.DBRestore{AutomatedBackupsARN: pulumi.String(arn)}
	if from != RestoreLatest {
		r.RestoreTime = from
	}
	return r, nil
}

// isSnapshot reports whether a database.restoreFrom value names a snapshot (not empty, "latest" or a
// time); the component checks its form and region.
func isSnapshot(from string) bool { return from != "" && from != RestoreLatest && !isTime(from) }

// isTime reports whether s is an RFC 3339 time.
func isTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

func lastPrimary(l *lastDeployment) string {
	if l == nil {
		return ""
	}
	return l.primary
}

// checkStrategyChange refuses a change between backup-restore and another strategy on a deployed stack:
// the standbys' live replicas would be deleted (to backup-restore) or created empty beside a writer
// that has no replica source chain (from it). Build the new strategy in a new stack and move the
// traffic (docs/datatier.md).
func (d *Deployment) checkStrategyChange() error {
	last, cfg := d.last, d.Config
	if last == nil || last.strategy == "" || last.strategy == cfg.Strategy {
		return nil
	}
	if last.strategy != BackupRestore && cfg.Strategy != BackupRestore {
		return nil
	}
	return fmt.Errorf("%s: %s -> %s on a deployed stack is refused: it would delete or re-create every standby's database; "+
		"deploy the new strategy as a new stack and move the traffic (docs/datatier.md, \"Backup and restore\")", key("drStrategy"), last.strategy, cfg.Strategy)
}

// keepWriters records, under backup-restore, the regions other than the primary that held a writer at
// the last deployment (a former primary, or a lost one): they keep it until database.rejoin.<region>
// is rebuild.
func (d *Deployment) keepWriters() {
	cfg := d.Config
	cfg.keptWriters = map[string]bool{}
	if cfg.Strategy != BackupRestore || d.last == nil {
		return
	}
	for _, r := range cfg.regionNames() {
		if r != cfg.PrimaryRegion && d.last.hadDatabase(r) && components.RejoinPhase(cfg.Database.Rejoin[r]) != components.RejoinRebuild {
			cfg.keptWriters[r] = true
		}
	}
}

// keptWriterArgs adjusts the Args of a kept former writer (keepWriters): it stays a standalone writer
// as it was created, without the backup tag (the primary's writer is the one backed up); with
// database.rejoin.<region> release it loses Pulumi protect and AWS deletion protection, so that the
// next phase, rebuild, deletes it with its final snapshot.
func (c *Config) keptWriterArgs(region string, args *components.DataTierArgs) {
	args.BackupSelection = ""
	args.Database.Rejoin = components.RejoinNone
	if components.RejoinPhase(c.Database.Rejoin[region]) == components.RejoinRelease {
		args.Protect, args.DeletionProtection = components.Bool(false), components.Bool(false)
	}
}

// validateRejoinUnderBackupRestore: under backup-restore, rejoin phases apply to a kept former writer,
// so they may not name the primary.
func (c *Config) validateRejoinUnderBackupRestore() []error {
	if c.Strategy != BackupRestore {
		return nil
	}
	var errs []error
	for _, r := range slices.Sorted(maps.Keys(c.Database.Rejoin)) {
		if r == c.PrimaryRegion {
			errs = append(errs, fmt.Errorf("%s: %q: %s is primaryRegion; under %s a rejoin retires a former writer of another region",
				key("database.rejoin."+r), c.Database.Rejoin[r], r, BackupRestore))
		}
	}
	return errs
}
