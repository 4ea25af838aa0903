package ops

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"
)

// The backup-restore strategy (docs/datatier.md, "Backup and restore"): only the primary holds a
// database; a change of primary restores the new writer from a backup named by
// database.restoreFrom, in the same config write as primaryRegion (and lostRegions); a former writer
// is kept, protected, until a rejoin retires it (release, then rebuild: the up deletes it with its
// final snapshot). There are no replicas and no global resources, so the lag waits, the replica
// checks and the Aurora and Global Datastore failovers do not apply.

// RestoreLatest is the --restore-from value that restores the latest restorable time of the former
// writer's automated backups replicated into the target region.
const RestoreLatest = "latest"

// restoreFromField is the field of the database object (KeyDatabase) that names the backup.
const restoreFromField = "restoreFrom"

// RestoreForm is the form of a --restore-from value.
type RestoreForm int

// Forms of a --restore-from value.
const (
	// RestoreFromLatest is "latest".
	RestoreFromLatest RestoreForm = iota + 1
	// RestoreFromTime is an RFC 3339 point in time of the replicated automated backups.
	RestoreFromTime
	// RestoreFromSnapshot is a DB snapshot ARN.
	RestoreFromSnapshot
)

// snapshotARNPattern matches an RDS DB snapshot ARN: partition, region, account and name (AWS
// Backup's copies are named "awsbackup:job-...").
var snapshotARNPattern = regexp.MustCompile(`^arn:(aws|aws-us-gov|aws-cn):rds:([a-z0-9-]+):([0-9]{12}):snapshot:([a-zA-Z][a-zA-Z0-9:-]{0,254})$`)

// restoreForms names the allowed values, for messages.
const restoreForms = `"latest", an RFC 3339 time (e.g. 2026-12-01T10:04:00Z) or a DB snapshot ARN (arn:aws:rds:<region>:<account>:snapshot:<name>)`

// ParseRestoreFrom reads a --restore-from value: "latest", an RFC 3339 time, or an RDS DB snapshot
// ARN. It returns the form and, for a snapshot, the region its ARN names.
func ParseRestoreFrom(value string) (form RestoreForm, snapshotRegion string, err error) {
	switch {
	case value == RestoreLatest:
		return RestoreFromLatest, "", nil
	case value == "":
		return 0, "", fmt.Errorf("empty (allowed: %s)", restoreForms)
	case strings.HasPrefix(value, "arn:"):
		m := snapshotARNPattern.FindStringSubmatch(value)
		if m == nil {
			return 0, "", fmt.Errorf("%q is not an RDS DB snapshot ARN (allowed: %s)", value, restoreForms)
		}
		return RestoreFromSnapshot, m[2], nil
	}
	if _, err := time.Parse(time.RFC3339, value); err != nil {
		return 0, "", fmt.Errorf("%q is not an RFC 3339 time (allowed: %s)", value, restoreForms)
	}
	return RestoreFromTime, "", nil
}

// ValidateRestoreFrom checks a --restore-from value on its own: its form (ParseRestoreFrom) and, when
// to is given, that a snapshot is in to (RDS restores a snapshot only in its own region).
func ValidateRestoreFrom(value, to string) error {
	form, region, err := ParseRestoreFrom(value)
	if err != nil {
		return err
	}
	if form == RestoreFromSnapshot && to != "" && region != to {
		return fmt.Errorf("%q is a snapshot in %s, but the new primary is %s: RDS restores a snapshot in its own region "+
			"(copy it first: aws rds copy-db-snapshot --region %s), or give a DB snapshot ARN in %s", value, region, to, to, to)
	}
	return nil
}

// restoreNeeded reports whether a move of the primary to to creates its writer from a backup: a
// backup-restore stack whose last deployment holds no database there.
func restoreNeeded(t topology, to string) bool { return t.backupRestore() && !t.hasDatabase(to) }

// restoreFromValue is the configured database.restoreFrom ("" when unset).
func restoreFromValue(s Settings) string { return str(s.Database[restoreFromField]) }

// restoreSource is the backup's source (the former writer's region): the last deployment's primary.
func restoreSource(t topology) string { return t.deployedPrimary() }

// describeRestore says what a restore from value into to restores, for the plan.
func describeRestore(t topology, value, to string) string {
	form, _, _ := ParseRestoreFrom(value)
	source := restoreSource(t)
	arn := t.replicatedBackups(to)[source]
	switch form {
	case RestoreFromLatest:
		return fmt.Sprintf("the latest restorable time of %s's automated backups replicated into %s (%s)", source, to, orDash(arn))
	case RestoreFromTime:
		return fmt.Sprintf("the point in time %s of %s's automated backups replicated into %s (%s)", value, source, to, orDash(arn))
	case RestoreFromSnapshot:
		return "the DB snapshot " + value
	}
	return value
}

// checkRestoreRequest checks --restore-from against a backup-restore stack before anything runs; on
// another strategy a value is refused (a single stack) or ignored (fleet: it is meant for the
// fleet's backup-restore stacks). It returns a note for the plan when the value is ignored.
// retiredFirst tells that the plan retires the target's kept former writer before the move
// (failback), so the target will hold no database when the move runs.
func checkRestoreRequest(t topology, stack string, req Request, now time.Time, fleet, retiredFirst bool) (string, error) {
	if !t.backupRestore() {
		if req.RestoreFrom == "" {
			return "", nil
		}
		if fleet {
			return fmt.Sprintf("--restore-from %s does not apply to this %s stack (its up promotes a live replica); it is for the fleet's %s stacks",
				req.RestoreFrom, orDash(t.s.Strategy), StrategyBackupRestore), nil
		}
		return "", refuse("--restore-from applies to %s stacks only: %s runs %s, whose up promotes a live replica (drop the flag)",
			StrategyBackupRestore, stack, orDash(t.s.Strategy))
	}
	to, source := req.To, restoreSource(t)
	if to == source && t.hasDatabase(to) {
		// Already the deployed primary with its writer: every phase finds its work done.
		if req.RestoreFrom != "" {
			if err := ValidateRestoreFrom(req.RestoreFrom, to); err != nil {
				return "", refuse("--restore-from %v", err)
			}
		}
		return "", nil
	}
	if t.hasDatabase(to) && !retiredFirst {
		return "", refuse("%s holds the former writer %s, kept since the writer moved away: the up would make it the writer again with its old data "+
			"and ignore --restore-from; retire it first (rejoin --rejoin %s: the up deletes it, its final snapshot %s-%s-final stays), "+
			"or run failback --to %s, which retires it before the move", to, t.dbIdentifier(to), to, t.s.Service, to, to)
	}
	arn := t.replicatedBackups(to)[source]
	if req.RestoreFrom == "" {
		avail := fmt.Sprintf("%s holds %s's replicated automated backups (%s), so latest or a time will do", to, source, arn)
		if arn == "" {
			avail = fmt.Sprintf("%s holds no replicated automated backups of %s (they go to %s's backup copy region), so only a snapshot ARN in %s will do", to, source, source, to)
		}
		return "", refuse("--restore-from is required: %s is a %s stack and %s holds no database, so the up creates the writer there from a backup "+
			"(the program refuses the move without database.restoreFrom); give --restore-from latest (the latest restorable time of %s's automated backups replicated into %s), "+
			"--restore-from <RFC 3339 time> (a point in time of those, e.g. 2026-12-01T10:04:00Z) or --restore-from <DB snapshot ARN in %s> "+
			"(arn:aws:rds:%s:<account>:snapshot:<name>, e.g. an AWS Backup copy: aws rds describe-db-snapshots --snapshot-type awsbackup --region %s); %s",
			stack, StrategyBackupRestore, to, source, to, to, to, to, avail)
	}
	if err := ValidateRestoreFrom(req.RestoreFrom, to); err != nil {
		return "", refuse("--restore-from %v", err)
	}
	form, _, _ := ParseRestoreFrom(req.RestoreFrom)
	if form == RestoreFromSnapshot {
		return "", nil
	}
	if form == RestoreFromTime {
		at, _ := time.Parse(time.RFC3339, req.RestoreFrom)
		if at.After(now) {
			return "", refuse("--restore-from %s is in the future (now %s): a point in time must be restorable", req.RestoreFrom, now.UTC().Format(time.RFC3339))
		}
	}
	if arn == "" {
		return "", refuse("--restore-from %s restores %s's automated backups replicated into %s, but the outputs hold none there "+
			"(regions.%s.replicatedDbBackups.%s: they go to %s's backup copy region); pass a DB snapshot ARN in %s instead "+
			"(arn:aws:rds:%s:<account>:snapshot:<name>; an AWS Backup copy: aws rds describe-db-snapshots --snapshot-type awsbackup --region %s)",
			req.RestoreFrom, source, to, to, source, source, to, to, to)
	}
	return "", nil
}

// restoreNotes tell the operator what a backup-restore move does: the writer RESTORED, the expected
// RTO, the data the restore does not hold, and the former writer kept.
func restoreNotes(t topology, to, value string, lost bool) []string {
	if !t.backupRestore() {
		return nil
	}
	source := restoreSource(t)
	rtoKey := "expectedRto"
	if lost {
		if _, ok := t.outputs["expectedRtoLostRegion"]; ok {
			rtoKey = "expectedRtoLostRegion"
		}
	}
	rto, rpo := t.objective(rtoKey), t.objective("expectedRpo")
	var n []string
	if value != "" {
		holds := to + " holds no database"
		if t.hasDatabase(to) {
			holds = "once its former writer is retired, " + to + " holds no database"
		}
		n = append(n, fmt.Sprintf("backup-restore: %s: the up RESTORES the writer %s-%s there (a new instance, create-only) from %s, creates its cache empty and starts the tasks from 0; %s %gs%s, most of it the restore",
			holds, t.s.Service, to, describeRestore(t, value, to), rtoKey, rto.Seconds, partsString(rto.Parts)))
		n = append(n, fmt.Sprintf("backup-restore: the new writer holds what the backup holds: the writes after its restore point are LOST, even in a planned switchover (latest: up to expectedRpo %gs); stop writes to %s before confirming",
			rpo.Seconds, source))
	}
	n = append(n, fmt.Sprintf("backup-restore: the former writer %s in %s is KEPT (protected; nothing in this plan deletes it); retire it with the rejoin command once its data is no longer wanted (the up deletes it, final snapshot %s-%s-final)",
		t.dbIdentifier(source), source, t.s.Service, source))
	return n
}

// setPrimaryRestore sets primaryRegion to, adds lost to lostRegions and, when the move restores
// the writer, merges database.restoreFrom = value into the database object (its other fields kept),
// all in one write.
func setPrimaryRestore(to string, lost []string, value string) configChange {
	return func(t topology, x *execution) (map[string]string, map[string]string, error) {
		values, old, err := setPrimary(to, lost)(t, x)
		if err != nil || !restoreNeeded(t, to) {
			return values, old, err
		}
		if value == "" {
			return nil, nil, &RefusalError{Reasons: []string{fmt.Sprintf("--restore-from is required: %s holds no database, so the up creates the writer there from a backup", to)}}
		}
		if restoreFromValue(t.s) == value {
			return values, old, nil
		}
		db := maps.Clone(t.s.Database)
		if db == nil {
			db = map[string]any{}
		}
		db[restoreFromField] = value
		v, err := jsonObject(db)
		if err != nil {
			return nil, nil, err
		}
		o, err := jsonObject(t.s.Database)
		if err != nil {
			return nil, nil, err
		}
		values[KeyDatabase], old[KeyDatabase] = v, o
		return values, old, nil
	}
}

// restorePreview is the guarded preview of a backup-restore move: the guard as always (no stateful
// replacement or deletion: the former writer is not deleted), and, when the move restores the
// writer, the preview must create the target's RDS instance, or the restore would not happen.
func restorePreview(name, to string) Phase {
	check := func(t topology, p Preview) (string, error) {
		if !restoreNeeded(t, to) {
			return "", nil
		}
		want := t.s.Service + "-" + to + "-db"
		if !slices.ContainsFunc(p.Steps, func(s Step) bool {
			return s.Type == "aws:rds/instance:Instance" && s.Op == "create" && urnName(s.URN) == want
		}) {
			return "", &RefusalError{Reasons: []string{fmt.Sprintf("the preview creates no writer %s in %s: the up would not restore the database (is database.restoreFrom set?)", want, to)}}
		}
		return fmt.Sprintf("restores %s (create) from %s", want, orDash(restoreFromValue(t.s))), nil
	}
	ph := checkedPreviewPhase(name, nil, check)
	ph.Does += "; refused unless it creates the restored writer in " + to
	return ph
}

// restoreMovePhases are the phases of a backup-restore move after its pre-checks: one config write
// (primaryRegion, lostRegions, database.restoreFrom), the guarded preview, the up that restores the
// writer, and the verification.
func restoreMovePhases(t topology, to string, lost []string, value string) []Phase {
	keys := "primaryRegion"
	if len(lost) > 0 {
		keys += ", lostRegions"
	}
	does := "set " + KeyPrimaryRegion + " to " + to
	if len(lost) > 0 {
		does += ", add " + strings.Join(lost, ", ") + " to " + KeyLostRegions
	}
	if value != "" {
		keys += " and database.restoreFrom"
		does += " and " + KeyDatabase + "." + restoreFromField + " to " + value + " (the other database fields kept)"
	}
	does += ", in one write"
	up := upPhase("up", "apply")
	up.Does = fmt.Sprintf("pulumi up: RESTORES the writer %s-%s in %s from the backup (create-only), its cache empty, the tasks from 0; the former writer is kept",
		t.s.Service, to, to)
	verify := verifyPhase("verify", to)
	verify.Does = "check that the settings and outputs name " + to + " the primary, that they export its restored writer and that it is the writer and healthy"
	return []Phase{
		configPhase("set "+keys, does, setPrimaryRestore(to, lost, value)),
		restorePreview("guarded preview", to),
		up,
		verify,
	}
}

// keptWriterInTarget refuses a move to a region that holds a kept former writer (not the deployed
// primary): the up would make that old copy the writer and ignore the restore.
func keptWriterInTarget(t topology, to string) []string {
	if !t.backupRestore() || !t.hasDatabase(to) || to == t.deployedPrimary() {
		return nil
	}
	return []string{fmt.Sprintf("%s holds the former writer %s: retire it first (rejoin --rejoin %s), then move the primary with --restore-from", to, t.dbIdentifier(to), to)}
}

// --- rejoin: retire kept former writers ---

// retirePhases retire the kept former writers of a backup-restore stack (docs/datatier.md): find
// them (the standbys that still hold a database), release (Pulumi protect and deletion protection
// off), rebuild (the up DELETES each one, with its final snapshot, under RetireAllowances only),
// remove the rejoin keys, and check that each region holds no database any more.
func retirePhases(t topology, prefix string, named []string) []Phase {
	stale := func(_ topology, x *execution) []string { return x.rejoin }
	staleWith := func(value string) func(topology, *execution) []string {
		return func(t topology, x *execution) []string {
			return slices.DeleteFunc(slices.Clone(x.rejoin), func(r string) bool { return rejoinValue(t.s, r) != value })
		}
	}
	deletes := fmt.Sprintf("DELETES each former writer: its RDS instance %s-<region>-db (final snapshot %s-<region>-final) and its data tier (cache %s-<region>-cache with its final snapshot, subnet groups, security groups)",
		t.s.Service, t.s.Service, t.s.Service)
	up := upPhase("rebuild: up", "")
	up.Does = "pulumi up: " + deletes
	rebuild := noneStale(previewPhase("rebuild: guarded preview", func(ctx context.Context, x *execution) ([]Allowance, error) {
		t, err := x.topology(ctx)
		if err != nil {
			return nil, err
		}
		var a []Allowance
		for _, r := range x.rejoin {
			// Exactly the released-then-rebuilt former writers: never the primary.
			if r != t.s.PrimaryRegion && rejoinValue(t.s, r) == "rebuild" {
				a = append(a, RetireAllowances(t.s.Service, r)...)
			}
		}
		return a, nil
	}))
	rebuild.Does = "pulumi preview, refused if it fails or replaces or deletes any stateful resource other than a plain delete of the former writers' RDS instances and caches"
	phases := []Phase{
		{
			Name: "find former writers", Kind: KindCheck,
			Does: "read which standbys still hold a database (a former writer kept since the writer moved away)",
			run:  findFormerWriters(named),
		},
		configPhase("set rejoin release", "set database.rejoin.<region> to release for each former writer (protection off)", rejoinConfig("release", staleWith(""))),
		noneStale(previewPhase("release: guarded preview", nil)),
		upPhase("release: up", ""),
		configPhase("set rejoin rebuild", "set database.rejoin.<region> to rebuild for each former writer", rejoinConfig("rebuild", staleWith("release"))),
		rebuild,
		up,
		configPhase("remove rejoin", "remove database.rejoin.<region>", rejoinConfig("", stale)),
		noneStale(previewPhase("normal: guarded preview", nil)),
		upPhase("normal: up", ""),
		{
			Name: "verify retired", Kind: KindVerify,
			Does: "check that each retired region holds no database (no regions.<region>.dbIdentifier, no database reported)",
			run:  verifyRetired,
		},
	}
	return prefixed(prefix, phases)
}

// findFormerWriters sets x.rejoin to the candidates that still hold a database, plus those with a
// rejoin phase still set (an interrupted retire). A lost region is left alone.
func findFormerWriters(named []string) func(context.Context, *execution) (string, error) {
	return func(ctx context.Context, x *execution) (string, error) {
		t, err := x.topology(ctx)
		if err != nil {
			return "", err
		}
		x.rejoin = nil
		var found []string
		for _, r := range rejoinCandidates(t, named) {
			if slices.Contains(t.s.LostRegions, r) {
				continue
			}
			if rejoinValue(t.s, r) != "" || t.hasDatabase(r) {
				x.rejoin = append(x.rejoin, r)
				found = append(found, r+" ("+orDash(t.regionOutput(r, "dbIdentifier"))+")")
			}
		}
		if len(x.rejoin) == 0 {
			return "no former writer: every standby holds no database", nil
		}
		return "former writers to retire: " + strings.Join(found, ", "), nil
	}
}

// verifyRetired checks that every retired region holds no database: the outputs export none there
// and the data plane reports none.
func verifyRetired(ctx context.Context, x *execution) (string, error) {
	if len(x.rejoin) == 0 {
		return "no former writer", nil
	}
	t, err := x.topology(ctx)
	if err != nil {
		return "", err
	}
	var problems []string
	for _, r := range x.rejoin {
		if id := t.regionOutput(r, "dbIdentifier"); id != "" {
			problems = append(problems, fmt.Sprintf("the outputs still export the database %s in %s", id, r))
			continue
		}
		h, err := x.cloud.Health(ctx, r, t.outputs)
		if err != nil {
			return "", fmt.Errorf("reading the health of %s: %w", r, err)
		}
		if h.DatabaseWriter != nil || h.ReplicaSource != "" {
			problems = append(problems, fmt.Sprintf("%s still reports a database", r))
		}
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("verification: %s", strings.Join(problems, "; "))
	}
	return "no database in " + strings.Join(x.rejoin, ", ") + " (final snapshots kept)", nil
}

// retireNotes tell the operator, at plan time, which former writers a retire would delete now.
func retireNotes(t topology, named []string) []string {
	var now []string
	for _, r := range rejoinCandidates(t, named) {
		// A lost candidate is returned by the plan's first phases, then retired too.
		if t.hasDatabase(r) {
			now = append(now, fmt.Sprintf("%s (%s)", r, t.regionOutput(r, "dbIdentifier")))
		}
	}
	which := "none now"
	if len(now) > 0 {
		which = strings.Join(now, ", ")
	}
	return []string{fmt.Sprintf("backup-restore: this rejoin RETIRES the kept former writers: the rebuild up DELETES each one's RDS instance (final snapshot <service>-<region>-final; its data is no longer served) and its cache; former writers: %s", which)}
}

// gameDayBackupRestore is why a game day refuses a backup-restore stack.
func gameDayBackupRestore(stack, home, to string) error {
	return refuse("a game day is not run on the %s stack %s: the way there restores a new writer in %s from a backup (switchover --restore-from), "+
		"and the way back would have to DELETE the original writer in %s (it is kept, and a restore needs a region without a database) and restore "+
		"again from backups of a writer that does not exist yet when the plan is made; run it as separate commands: switchover --to %s --restore-from ..., "+
		"then, once the new writer's backups exist in %s, rejoin --rejoin %s (retires the original writer, final snapshot kept) and switchover --to %s --restore-from ... "+
		"(docs/operations.md, backup-restore stacks)", StrategyBackupRestore, stack, to, home, to, home, home, home)
}
