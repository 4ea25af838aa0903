package ops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/opstest"
)

// Snapshot ARNs of the tests, by region.
const (
	snapshotUSWest2 = "arn:aws:rds:us-west-2:123456789012:snapshot:awsbackup:job-0a1b2c"
	snapshotEUWest1 = "arn:aws:rds:eu-west-1:123456789012:snapshot:web-manual-1"
)

// newBackupRestoreEnv is a backup-restore stack (us-west-2 the writer, us-east-1 its copy region
// with the replicated backups, eu-west-1 bare) linked to its data plane; its database object holds
// another field, which every write must keep.
func newBackupRestoreEnv() env {
	e := env{stack: opstest.NewBackupRestoreStack("acme/multiregion/dr"), cloud: opstest.NewBackupRestoreCloud(), out: &bytes.Buffer{}}
	e.stack.State.Database["instanceClass"] = "db.r6g.large"
	opstest.Link(e.stack, e.cloud)
	return e
}

// sets are the stack's config writes.
func sets(s *opstest.Stack) []string {
	var out []string
	for _, c := range s.Calls.List() {
		if strings.HasPrefix(c, "set ") {
			out = append(out, c)
		}
	}
	return out
}

func regionDB(s *opstest.Stack, region string) string {
	out, _ := s.Outputs(context.Background())
	r, _ := out["regions"].(map[string]any)
	m, _ := r[region].(map[string]any)
	id, _ := m["dbIdentifier"].(string)
	return id
}

func phase(r *ops.Report, name string) (ops.PhaseReport, bool) {
	for _, p := range r.Phases {
		if p.Name == name {
			return p, true
		}
	}
	return ops.PhaseReport{}, false
}

// TestBackupRestoreSwitchoverRestoresInOneWrite: the switchover writes primaryRegion and
// database.restoreFrom (the database object merged, its other fields kept) in one write, runs no lag,
// replica or global failover phase, restores the writer in the target through the guarded up, keeps
// the former writer, and a re-run changes nothing.
func TestBackupRestoreSwitchoverRestoresInOneWrite(t *testing.T) {
	e := newBackupRestoreEnv()
	merged := &opstest.Calls{}
	e.stack.Calls, e.cloud.Calls = merged, merged
	req := ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: ops.RestoreLatest}
	r, err := e.run(t, req, e.opts())
	if err != nil {
		t.Fatalf("switchover: %v\n%s", err, e.out)
	}
	writes := sets(e.stack)
	want := `set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","restoreFrom":"latest"} multiregion:primaryRegion=us-east-1`
	if len(writes) != 1 || writes[0] != want {
		t.Fatalf("config writes %q, want exactly one: %q", writes, want)
	}
	order(t, merged, "set multiregion:database=", "preview", "up")
	for _, forbidden := range []string{"wait-lag", "cache-failover", "aurora", "promote"} {
		if merged.Index(forbidden) >= 0 {
			t.Errorf("a backup-restore switchover called %s: %q", forbidden, merged.List())
		}
	}
	for _, p := range r.Phases {
		if strings.Contains(p.Name, "lag") || strings.Contains(p.Name, "cache") || strings.Contains(p.Name, "aurora") {
			t.Errorf("phase %q in a backup-restore plan", p.Name)
		}
	}
	plan := e.out.String()
	for _, w := range []string{
		"Plan: switchover --to us-east-1 --restore-from latest on acme/multiregion/dr (primary us-west-2, postgres, backup-restore)",
		"the up RESTORES the writer web-us-east-1 there (a new instance, create-only) from the latest restorable time of us-west-2's automated backups replicated into us-east-1 (arn:aws:rds:us-east-1:123456789012:auto-backup:ab-web-us-west-2)",
		"expectedRto 5020s (apply 120, awsSideFailover 0, capacity 180, detection 90, restore 4800, writerName 10)",
		"writes after its restore point are LOST",
		"the former writer web-us-west-2 in us-west-2 is KEPT",
	} {
		if !strings.Contains(plan, w) {
			t.Errorf("the plan lacks %q:\n%s", w, plan)
		}
	}
	if strings.Contains(plan, "wait until the replica") {
		t.Errorf("the plan waits for a replica:\n%s", plan)
	}
	if p, _ := phase(r, "guarded preview"); !strings.Contains(p.Details, "restores web-us-east-1-db (create) from latest") {
		t.Errorf("guarded preview details %q: want the restore named", p.Details)
	}
	if p, _ := phase(r, "verify"); p.Result != ops.ResultDone || !strings.Contains(p.Details, "writer web-us-east-1 in us-east-1") {
		t.Errorf("verify %+v", p)
	}
	if regionDB(e.stack, "us-east-1") != "web-us-east-1" || regionDB(e.stack, "us-west-2") != "web-us-west-2" {
		t.Errorf("after the up: us-east-1 %q (want restored), us-west-2 %q (want kept)", regionDB(e.stack, "us-east-1"), regionDB(e.stack, "us-west-2"))
	}
	var summary strings.Builder
	if err := ops.WriteSummary(&summary, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(summary.String(), "--restore-from latest") || !strings.Contains(summary.String(), "up (apply, restore, capacity) 1s vs 4920s") {
		t.Errorf("the summary must compare the up with apply + restore:\n%s", summary.String())
	}

	before := len(e.mutations())
	if _, err := e.run(t, req, e.opts()); err != nil {
		t.Fatalf("re-run: %v\n%s", err, e.out)
	}
	if m := e.mutations(); len(m) != before {
		t.Errorf("the re-run changed something: %q", m[before:])
	}
}

// TestBackupRestoreFailoverWritesThreeKeysOnce: a failover with a lost primary writes primaryRegion,
// lostRegions and database.restoreFrom in one write and never calls the lost region.
func TestBackupRestoreFailoverWritesThreeKeysOnce(t *testing.T) {
	e := newBackupRestoreEnv()
	delete(e.cloud.Regions, "us-west-2") // dark: any call would fail
	r, err := e.run(t, ops.Request{Command: ops.CommandFailover, To: "us-east-1", Lost: []string{"us-west-2"}, RestoreFrom: "2026-01-01T23:50:00Z"}, e.opts())
	if err != nil {
		t.Fatalf("failover: %v\n%s", err, e.out)
	}
	writes := sets(e.stack)
	want := `set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","restoreFrom":"2026-01-01T23:50:00Z"} multiregion:lostRegions=["us-west-2"] multiregion:primaryRegion=us-east-1`
	if len(writes) != 1 || writes[0] != want {
		t.Fatalf("config writes %q, want exactly one: %q", writes, want)
	}
	for _, c := range e.cloud.Calls.List() {
		if strings.Contains(c, "us-west-2") || strings.HasPrefix(c, "cache-failover") || strings.HasPrefix(c, "aurora") {
			t.Errorf("call %q: want none to the lost region and no global failover", c)
		}
	}
	if _, ok := phase(r, "set primaryRegion, lostRegions and database.restoreFrom"); !ok {
		t.Errorf("phases %+v: want the one config write named", r.Phases)
	}
	if !strings.Contains(e.out.String(), "expectedRtoLostRegion 5020s") {
		t.Errorf("the plan must give the lost-region RTO:\n%s", e.out)
	}
}

// TestBackupRestoreRefusals: a move without --restore-from, or with one that cannot restore there,
// is refused before anything changes, saying why and what to pass.
func TestBackupRestoreRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   ops.Request
		setup func(e env)
		want  []string // empty: it runs
	}{
		{name: "switchover without the flag", req: ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"},
			want: []string{"--restore-from is required", "holds no database", "--restore-from latest", "RFC 3339", "DB snapshot ARN in us-east-1",
				"us-east-1 holds us-west-2's replicated automated backups"}},
		{name: "failover without the flag", req: ops.Request{Command: ops.CommandFailover, To: "eu-west-1", Lost: []string{"us-west-2"}},
			want: []string{"--restore-from is required", "eu-west-1 holds no replicated automated backups of us-west-2", "only a snapshot ARN in eu-west-1"}},
		{name: "snapshot in another region", req: ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: snapshotEUWest1},
			want: []string{"is a snapshot in eu-west-1", "the new primary is us-east-1", "copy-db-snapshot"}},
		{name: "latest where the copy region differs", req: ops.Request{Command: ops.CommandSwitchover, To: "eu-west-1", RestoreFrom: ops.RestoreLatest},
			want: []string{"regions.eu-west-1.replicatedDbBackups.us-west-2", "pass a DB snapshot ARN in eu-west-1"}},
		{name: "a time where the copy region differs", req: ops.Request{Command: ops.CommandFailover, To: "eu-west-1", RestoreFrom: "2026-01-01T00:00:00Z"},
			want: []string{"pass a DB snapshot ARN in eu-west-1"}},
		{name: "a time in the future", req: ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: "2030-01-01T00:00:00Z"},
			want: []string{"is in the future"}},
		{name: "not a time", req: ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: "yesterday"},
			want: []string{`"yesterday" is not an RFC 3339 time`, "latest"}},
		{name: "a snapshot in the target", req: ops.Request{Command: ops.CommandSwitchover, To: "eu-west-1", RestoreFrom: "arn:aws:rds:eu-west-1:123456789012:snapshot:web-manual-1"}},
		{name: "the target keeps a former writer", req: ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: ops.RestoreLatest},
			setup: func(e env) {
				regions := e.stack.Out["regions"].(map[string]any)
				regions["us-east-1"].(map[string]any)["dbIdentifier"] = "web-us-east-1"
			},
			want: []string{"us-east-1 holds the former writer web-us-east-1", "rejoin --rejoin us-east-1", "failback --to us-east-1"}},
		{name: "a game day", req: ops.Request{Command: ops.CommandGameDay, To: "us-east-1"},
			want: []string{"a game day is not run on the backup-restore stack", "DELETE the original writer in us-west-2", "switchover --to us-east-1 --restore-from"}},
		{name: "a pending change of strategy", req: ops.Request{Command: ops.CommandRejoin},
			setup: func(e env) { e.stack.State.Strategy = "warm-standby" },
			want:  []string{"changes drStrategy from backup-restore (deployed) to warm-standby", "new stack"}},
		{name: "the flag on rejoin", req: ops.Request{Command: ops.CommandRejoin, RestoreFrom: ops.RestoreLatest},
			want: []string{"--restore-from applies to switchover, failover and failback"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newBackupRestoreEnv()
			if tc.setup != nil {
				tc.setup(e)
			}
			_, err := e.run(t, tc.req, e.opts())
			if len(tc.want) == 0 {
				if err != nil {
					t.Fatalf("refused: %v\n%s", err, e.out)
				}
				return
			}
			var refusal *ops.RefusalError
			if !errors.As(err, &refusal) {
				t.Fatalf("err = %v, want a refusal", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("the refusal %q lacks %q", err, w)
				}
			}
			if m := e.mutations(); len(m) > 0 {
				t.Errorf("a refused request changed something: %q", m)
			}
		})
	}
	t.Run("the flag on another strategy", func(t *testing.T) {
		e := newEnv(ops.EnginePostgres)
		_, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: ops.RestoreLatest}, e.opts())
		if err == nil || !strings.Contains(err.Error(), "--restore-from applies to backup-restore stacks only") || len(e.mutations()) > 0 {
			t.Fatalf("err %v, mutations %q", err, e.mutations())
		}
	})
}

// TestValidateRestoreFrom: the three forms, and a snapshot only in the target region.
func TestValidateRestoreFrom(t *testing.T) {
	for _, tc := range []struct {
		value, to string
		form      ops.RestoreForm
		want      string // "" valid
	}{
		{"latest", "us-east-1", ops.RestoreFromLatest, ""},
		{"2026-12-01T10:04:00Z", "us-east-1", ops.RestoreFromTime, ""},
		{"2026-12-01T10:04:00+02:00", "", ops.RestoreFromTime, ""},
		{"arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-0a1b", "us-east-1", ops.RestoreFromSnapshot, ""},
		{"arn:aws:rds:us-east-1:123456789012:snapshot:web-manual-1", "", ops.RestoreFromSnapshot, ""},
		{"arn:aws:rds:eu-west-1:123456789012:snapshot:web-manual-1", "us-east-1", ops.RestoreFromSnapshot, "is a snapshot in eu-west-1"},
		{"", "us-east-1", 0, "empty"},
		{"Latest", "us-east-1", 0, "not an RFC 3339 time"},
		{"2026-12-01", "us-east-1", 0, "not an RFC 3339 time"},
		{"2026-12-01 10:04:00", "us-east-1", 0, "not an RFC 3339 time"},
		{"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:web", "us-east-1", 0, "not an RDS DB snapshot ARN"},
		{"arn:aws:rds:us-east-1:123456789012:db:web-us-east-1", "us-east-1", 0, "not an RDS DB snapshot ARN"},
		{"arn:aws:s3:::bucket/snapshot", "us-east-1", 0, "not an RDS DB snapshot ARN"},
		{"arn:aws:rds:us-east-1:1234:snapshot:web", "us-east-1", 0, "not an RDS DB snapshot ARN"},
		{"web-manual-1", "us-east-1", 0, "not an RFC 3339 time"},
	} {
		form, _, perr := ops.ParseRestoreFrom(tc.value)
		err := ops.ValidateRestoreFrom(tc.value, tc.to)
		if tc.want == "" {
			if err != nil || perr != nil || form != tc.form {
				t.Errorf("%q to %q: form %v, %v, %v; want form %v, valid", tc.value, tc.to, form, perr, err, tc.form)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q to %q: %v, want %q", tc.value, tc.to, err, tc.want)
		}
		if tc.form != 0 && form != tc.form {
			t.Errorf("%q: form %v, want %v", tc.value, form, tc.form)
		}
	}
}

// TestBackupRestoreMoveGuard: the restore (a create of the target's RDS instance) passes the guard;
// a preview that would delete the former writer is refused; a preview without the restore too.
func TestBackupRestoreMoveGuard(t *testing.T) {
	req := ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: ops.RestoreLatest}
	create := ops.Step{URN: "urn:x::aws:rds/instance:Instance::web-us-east-1-db", Type: "aws:rds/instance:Instance", Op: "create"}
	for _, tc := range []struct {
		name  string
		steps []ops.Step
		want  string // "" passes
	}{
		{"the restore", []ops.Step{create}, ""},
		{"the restore and the former writer deleted", []ops.Step{create,
			{URN: "urn:x::aws:rds/instance:Instance::web-us-west-2-db", Type: "aws:rds/instance:Instance", Op: "delete"}},
			"delete of stateful aws:rds/instance:Instance urn:x::aws:rds/instance:Instance::web-us-west-2-db"},
		{"the restore as a replacement", []ops.Step{{URN: create.URN, Type: create.Type, Op: "replace"}}, "replace of stateful"},
		{"no restore", []ops.Step{{URN: "urn:x::aws:route53/record:Record::w", Type: "aws:route53/record:Record", Op: "update"}},
			"the preview creates no writer web-us-east-1-db in us-east-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newBackupRestoreEnv()
			e.stack.NextPreview = func(ops.Settings) (ops.Preview, error) { return ops.Preview{Steps: tc.steps}, nil }
			_, err := e.run(t, req, e.opts())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var refusal *ops.RefusalError
			if !errors.As(err, &refusal) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a refusal with %q", err, tc.want)
			}
			if e.stack.Calls.Index("up") >= 0 {
				t.Error("up ran after a refused preview")
			}
		})
	}
}

// afterBackupRestoreSwitchover is the state after `switchover --to us-east-1 --restore-from latest`:
// us-east-1 writes, us-west-2 keeps its former writer.
func afterBackupRestoreSwitchover(t *testing.T) env {
	e := newBackupRestoreEnv()
	if _, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: ops.RestoreLatest}, e.opts()); err != nil {
		t.Fatalf("switchover: %v\n%s", err, e.out)
	}
	e.stack.Calls, e.cloud.Calls, e.out = &opstest.Calls{}, &opstest.Calls{}, &bytes.Buffer{}
	return e
}

// TestBackupRestoreRejoinRetiresTheFormerWriter: rejoin releases, then rebuilds (the up deletes the
// former writer under the retire allowance, reported), removes the key and checks that the region
// holds no database; the plan says the delete plainly; no replica is promoted or waited for.
func TestBackupRestoreRejoinRetiresTheFormerWriter(t *testing.T) {
	e := afterBackupRestoreSwitchover(t)
	merged := &opstest.Calls{}
	e.stack.Calls, e.cloud.Calls = merged, merged
	r, err := e.run(t, ops.Request{Command: ops.CommandRejoin}, e.opts())
	if err != nil {
		t.Fatalf("rejoin: %v\n%s", err, e.out)
	}
	order(t, merged,
		`set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","rejoin":{"us-west-2":"release"},"restoreFrom":"latest"}`, "preview", "up",
		`set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","rejoin":{"us-west-2":"rebuild"},"restoreFrom":"latest"}`, "preview", "up",
		`set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","restoreFrom":"latest"}`, "health us-west-2")
	if merged.Index("promote") >= 0 || merged.Index("wait-lag") >= 0 {
		t.Errorf("a retire promoted or waited for a replica: %q", merged.List())
	}
	if regionDB(e.stack, "us-west-2") != "" || regionDB(e.stack, "us-east-1") != "web-us-east-1" {
		t.Errorf("after the retire: us-west-2 %q (want none), us-east-1 %q", regionDB(e.stack, "us-west-2"), regionDB(e.stack, "us-east-1"))
	}
	if _, ok := e.stack.State.Database["rejoin"]; ok {
		t.Errorf("the rejoin key is left: %v", e.stack.State.Database)
	}
	p, _ := phase(r, "rejoin: rebuild: guarded preview")
	for _, w := range []string{"delete web-us-west-2-db (allowed: rejoin rebuild of us-west-2 under backup-restore", "delete web-us-west-2-cache (allowed:", "final snapshot web-us-west-2-final"} {
		if !strings.Contains(p.Details, w) {
			t.Errorf("rebuild preview details %q lack %q", p.Details, w)
		}
	}
	if p, _ := phase(r, "rejoin: find former writers"); p.Details != "former writers to retire: us-west-2 (web-us-west-2)" {
		t.Errorf("find: %q", p.Details)
	}
	if p, _ := phase(r, "rejoin: verify retired"); p.Result != ops.ResultDone || !strings.Contains(p.Details, "no database in us-west-2") {
		t.Errorf("verify retired %+v", p)
	}
	for _, w := range []string{"RETIRES the kept former writers", "DELETES each one's RDS instance", "former writers: us-west-2 (web-us-west-2)",
		"rebuild: up: pulumi up: DELETES each former writer"} {
		if !strings.Contains(e.out.String(), w) {
			t.Errorf("the plan lacks %q:\n%s", w, e.out)
		}
	}
	// Re-run: nothing left to retire, nothing changes.
	before := len(e.mutations())
	if _, err := e.run(t, ops.Request{Command: ops.CommandRejoin}, e.opts()); err != nil {
		t.Fatalf("re-run: %v", err)
	}
	if m := e.mutations(); len(m) != before {
		t.Errorf("the re-run changed something: %q", m[before:])
	}
}

// TestRetireAllowancesAreNarrow: a plain delete of the named former writer's RDS instance and cache,
// nothing else: no replacement, no other region, no other stateful type of the region.
func TestRetireAllowancesAreNarrow(t *testing.T) {
	g := ops.Guard{Allow: ops.RetireAllowances("web", "us-west-2")}
	dbURN := "urn:pulumi:prod::multiregion::multiregion:index:DataTier$aws:rds/instance:Instance::web-us-west-2-db"
	for _, tc := range []struct {
		name string
		step ops.Step
		ok   bool
	}{
		{"the instance's delete", ops.Step{URN: dbURN, Type: "aws:rds/instance:Instance", Op: "delete"}, true},
		{"the cache's delete", ops.Step{URN: "urn:x::aws:elasticache/replicationGroup:ReplicationGroup::web-us-west-2-cache", Type: "aws:elasticache/replicationGroup:ReplicationGroup", Op: "delete"}, true},
		{"the subnet group (not stateful)", ops.Step{URN: "urn:x::aws:rds/subnetGroup:SubnetGroup::web-us-west-2-db", Type: "aws:rds/subnetGroup:SubnetGroup", Op: "delete"}, true},
		{"the instance replaced", ops.Step{URN: dbURN, Type: "aws:rds/instance:Instance", Op: "replace"}, false},
		{"the instance's delete-replaced", ops.Step{URN: dbURN, Type: "aws:rds/instance:Instance", Op: "delete-replaced"}, false},
		{"the instance discarded", ops.Step{URN: dbURN, Type: "aws:rds/instance:Instance", Op: "discard"}, false},
		{"another region's instance", ops.Step{URN: strings.ReplaceAll(dbURN, "us-west-2", "us-east-1"), Type: "aws:rds/instance:Instance", Op: "delete"}, false},
		{"another type, same name", ops.Step{URN: "urn:x::aws:rds/cluster:Cluster::web-us-west-2-db", Type: "aws:rds/cluster:Cluster", Op: "delete"}, false},
		{"the region's key", ops.Step{URN: "urn:x::aws:kms/key:Key::web-us-west-2-key", Type: "aws:kms/key:Key", Op: "delete"}, false},
		{"the region's backup vault", ops.Step{URN: "urn:x::aws:backup/vault:Vault::web-us-west-2-vault", Type: "aws:backup/vault:Vault", Op: "delete"}, false},
		{"the region's log group", ops.Step{URN: "urn:x::aws:cloudwatch/logGroup:LogGroup::web-us-west-2-db", Type: "aws:cloudwatch/logGroup:LogGroup", Op: "delete"}, false},
	} {
		if err := g.Check(ops.Preview{Steps: []ops.Step{tc.step}}); (err == nil) != tc.ok {
			t.Errorf("%s: Check = %v, want allowed %v", tc.name, err, tc.ok)
		}
	}
	// The RDS rejoin's allowance does not let the retire's plain delete through.
	rejoin := ops.Guard{Allow: []ops.Allowance{ops.RejoinAllowance("web", "us-west-2")}}
	if err := rejoin.Check(ops.Preview{Steps: []ops.Step{{URN: dbURN, Type: "aws:rds/instance:Instance", Op: "delete"}}}); err == nil {
		t.Error("the RDS rejoin allowance passed a plain delete")
	}
}

// TestRetireGuardOnlyInTheRebuild: the retire's delete is allowed only in the rebuild preview of a
// released former writer: the release preview refuses it, and the rebuild preview refuses any other
// stateful deletion (the primary's writer, the region's key).
func TestRetireGuardOnlyInTheRebuild(t *testing.T) {
	del := func(typ, name string) ops.Step {
		return ops.Step{URN: "urn:x::" + typ + "::" + name, Type: typ, Op: "delete"}
	}
	for _, tc := range []struct {
		name  string
		extra func(rejoin string) []ops.Step
		want  string
		ups   int // the return's, and the release's when it passed
	}{
		{"the former writer deleted in the release", func(rejoin string) []ops.Step {
			if rejoin == "release" {
				return []ops.Step{del("aws:rds/instance:Instance", "web-us-west-2-db")}
			}
			return nil
		}, "rejoin: release: guarded preview: refused at guarded preview: delete of stateful aws:rds/instance:Instance", 1},
		{"the primary's writer deleted in the rebuild", func(rejoin string) []ops.Step {
			if rejoin == "rebuild" {
				return []ops.Step{del("aws:rds/instance:Instance", "web-us-east-1-db")}
			}
			return nil
		}, "web-us-east-1-db", 2},
		{"the region's key deleted in the rebuild", func(rejoin string) []ops.Step {
			if rejoin == "rebuild" {
				return []ops.Step{del("aws:kms/key:Key", "web-us-west-2-key")}
			}
			return nil
		}, "web-us-west-2-key", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := afterBackupRestoreSwitchover(t)
			e.stack.NextPreview = func(s ops.Settings) (ops.Preview, error) {
				rejoin, _ := s.Database["rejoin"].(map[string]any)
				v, _ := rejoin["us-west-2"].(string)
				var p ops.Preview
				if v == "rebuild" {
					p.Steps = append(p.Steps, del("aws:rds/instance:Instance", "web-us-west-2-db"), del("aws:elasticache/replicationGroup:ReplicationGroup", "web-us-west-2-cache"))
				}
				p.Steps = append(p.Steps, tc.extra(v)...)
				p.Steps = append(p.Steps, ops.Step{URN: "urn:x::aws:rds/instance:Instance::web-us-west-2-db", Type: "aws:rds/instance:Instance", Op: "update"})
				return p, nil
			}
			_, err := e.run(t, ops.Request{Command: ops.CommandRejoin}, e.opts())
			var refusal *ops.RefusalError
			if !errors.As(err, &refusal) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a refusal with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "web-us-west-2-db") && tc.ups > 1 {
				t.Errorf("the rebuild's allowed delete was refused too: %v", err)
			}
			if n := strings.Count(strings.Join(e.stack.Calls.List(), "|"), "up"); n != tc.ups {
				t.Errorf("ups %d, want %d: %q", n, tc.ups, e.stack.Calls.List())
			}
			if regionDB(e.stack, "us-west-2") != "web-us-west-2" {
				t.Error("the former writer is gone after a refusal")
			}
		})
	}
}

// TestBackupRestoreFailback: after a failover from a lost us-west-2, failback returns it, retires its
// kept former writer (it must hold no database for the restore), restores the writer there from a
// snapshot in us-west-2, and keeps the writer it leaves in us-east-1 (no rejoin after).
func TestBackupRestoreFailback(t *testing.T) {
	e := newBackupRestoreEnv()
	if _, err := e.run(t, ops.Request{Command: ops.CommandFailover, To: "us-east-1", Lost: []string{"us-west-2"}, RestoreFrom: ops.RestoreLatest}, e.opts()); err != nil {
		t.Fatalf("failover: %v\n%s", err, e.out)
	}
	merged := &opstest.Calls{}
	e.stack.Calls, e.cloud.Calls, e.out = merged, merged, &bytes.Buffer{}

	// latest cannot go back: us-east-1's backups are replicated into eu-west-1, its copy region.
	_, err := e.run(t, ops.Request{Command: ops.CommandFailback, To: "us-west-2", RestoreFrom: ops.RestoreLatest}, e.opts())
	if err == nil || !strings.Contains(err.Error(), "pass a DB snapshot ARN in us-west-2") || len(e.mutations()) > 0 {
		t.Fatalf("failback with latest: %v, %q", err, e.mutations())
	}
	r, err := e.run(t, ops.Request{Command: ops.CommandFailback, To: "us-west-2", RestoreFrom: snapshotUSWest2}, e.opts())
	if err != nil {
		t.Fatalf("failback: %v\n%s", err, e.out)
	}
	order(t, merged,
		"set multiregion:lostRegions=[]", "up",
		`set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","rejoin":{"us-west-2":"release"},"restoreFrom":"latest"}`, "up",
		`set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","rejoin":{"us-west-2":"rebuild"},"restoreFrom":"latest"}`, "up",
		`set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","restoreFrom":"latest"}`,
		`set multiregion:database={"engine":"postgres","instanceClass":"db.r6g.large","restoreFrom":"`+snapshotUSWest2+`"} multiregion:primaryRegion=us-west-2`, "preview", "up")
	if e.stack.State.PrimaryRegion != "us-west-2" || regionDB(e.stack, "us-west-2") != "web-us-west-2" || regionDB(e.stack, "us-east-1") != "web-us-east-1" {
		t.Errorf("end: primary %s, us-west-2 %q (restored), us-east-1 %q (kept)", e.stack.State.PrimaryRegion, regionDB(e.stack, "us-west-2"), regionDB(e.stack, "us-east-1"))
	}
	for _, p := range r.Phases {
		if strings.HasPrefix(p.Name, "rejoin after") || strings.Contains(p.Name, "lag") {
			t.Errorf("phase %q in a backup-restore failback", p.Name)
		}
	}
	for _, w := range []string{"former writers: us-west-2 (web-us-west-2)", "the up RESTORES the writer web-us-west-2 there (a new instance, create-only) from the DB snapshot " + snapshotUSWest2,
		"the former writer web-us-east-1 in us-east-1 is KEPT"} {
		if !strings.Contains(e.out.String(), w) {
			t.Errorf("the plan lacks %q:\n%s", w, e.out)
		}
	}
}

// TestBackupRestoreDryRunRestoresTheDatabaseObject: a dry run writes the three keys, previews, and
// writes the old values back, the database object whole.
func TestBackupRestoreDryRunRestoresTheDatabaseObject(t *testing.T) {
	e := newBackupRestoreEnv()
	o := e.opts()
	o.DryRun = true
	if _, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: ops.RestoreLatest}, o); err != nil {
		t.Fatalf("dry run: %v\n%s", err, e.out)
	}
	if e.stack.Calls.Index("up") >= 0 || e.stack.State.PrimaryRegion != "us-west-2" || e.stack.State.Database["restoreFrom"] != nil ||
		e.stack.State.Database["instanceClass"] != "db.r6g.large" {
		t.Errorf("after the dry run: calls %q, state %+v", e.stack.Calls.List(), e.stack.State)
	}
}

// TestBackupRestoreStatus: the strategy, per region whether it holds a database and which replicated
// backups it holds, in the table and the JSON; no lag columns.
func TestBackupRestoreStatus(t *testing.T) {
	e := afterBackupRestoreSwitchover(t)
	st, err := ops.ReadStatus(context.Background(), e.stack, e.cloud)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := st.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{
		"acme/multiregion/dr: primary us-east-1, backup-restore, postgres",
		"DATABASE", "REPLICATED BACKUPS",
		"us-west-2  standby  OK            0/0    former writer web-us-west-2 (kept; rejoin retires it)  -",
		"us-east-1  primary  OK            2/2    writer web-us-east-1                                   of us-west-2",
		"eu-west-1  standby  OK            0/0    none                                                   of us-east-1",
		"restore: --restore-from latest or a time can move the writer to: eu-west-1;",
		"expectedRto: 5020s",
	} {
		if !strings.Contains(table.String(), w) {
			t.Errorf("table lacks %q:\n%s", w, table.String())
		}
	}
	if strings.Contains(table.String(), "DB LAG") {
		t.Errorf("a backup-restore table has no lag column:\n%s", table.String())
	}
	var js bytes.Buffer
	if err := st.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back ops.Status
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	got := map[string]ops.RegionStatus{}
	for _, r := range back.Regions {
		got[r.Region] = r
	}
	if back.Strategy != ops.StrategyBackupRestore || got["us-east-1"].Database != "web-us-east-1" || got["eu-west-1"].Database != "" ||
		got["eu-west-1"].ReplicatedBackups["us-east-1"] == "" || got["us-east-1"].ReplicatedBackups["us-west-2"] == "" {
		t.Errorf("JSON %s", js.String())
	}
}
