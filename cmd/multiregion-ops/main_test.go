package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/opstest"
)

func TestParseErrorsNameTheFlagTheValueAndWhatIsAllowed(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{nil, []string{"no command", "switchover"}},
		{[]string{"flip"}, []string{`unknown command "flip"`, "allowed: status, switchover"}},
		{[]string{"switchover", "--stack", "s", "--to", "useast1"}, []string{"-to", `"useast1"`, "such as us-east-1"}},
		{[]string{"switchover", "--stack", "s", "--to", "us-east-1", "--parallel", "0"}, []string{"-parallel", `"0"`, "at least 1"}},
		{[]string{"switchover", "--stack", "s", "--to", "us-east-1", "--max-lag", "ten"}, []string{"-max-lag", `"ten"`, "such as 10s"}},
		{[]string{"failover", "--stack", "s", "--to", "us-east-1", "--lost", "west"}, []string{"-lost", `"west"`, "us-west-2"}},
		{[]string{"switchover", "--stack", "s", "--to", "us-east-1", "--lost", "us-west-2"}, []string{"-lost", "not defined"}},
		{[]string{"switchover", "--to", "us-east-1"}, []string{"--stack NAME", "--fleet FILE"}},
		{[]string{"switchover", "--stack", "a", "--fleet", "f.yaml", "--to", "us-east-1"}, []string{`--stack "a"`, `--fleet "f.yaml"`, "one of them"}},
		{[]string{"switchover", "--stack", "a"}, []string{"--to is required", "us-east-1"}},
		{[]string{"status", "--stack", "a", "--yes"}, []string{"-yes", "not defined"}},
		{[]string{"gameday", "--stack", "a", "us-east-1"}, []string{`unexpected argument "us-east-1"`, "--to us-east-1"}},
	} {
		_, err := parse(tc.args)
		if err == nil {
			t.Errorf("%q: parsed", tc.args)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %q lacks %q", tc.args, err, w)
			}
		}
	}
}

func TestParse(t *testing.T) {
	cfg, err := parse([]string{"failover", "--stack", "acme/multiregion/prod", "--to", "us-east-1", "--lost", "us-west-2", "--lost", "eu-west-1",
		"--yes", "--dry-run", "--report", "r.json", "--cwd", "/p", "--json"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.command != "failover" || cfg.to != "us-east-1" || strings.Join(cfg.lost, ",") != "us-west-2,eu-west-1" || !cfg.yes || !cfg.dryRun ||
		cfg.report != "r.json" || cfg.cwd != "/p" || !cfg.json || cfg.parallel != 4 || cfg.maxLag != ops.DefaultMaxLag {
		t.Errorf("%+v", cfg)
	}
	cfg, err = parse([]string{"switchover", "--fleet", "f.yaml", "--parallel", "3", "--to", "eu-west-1", "--max-lag", "30s", "--allow-alarm", "a", "--allow-alarm", "b"})
	if err != nil || cfg.parallel != 3 || cfg.maxLag.Seconds() != 30 || len(cfg.allowAlarms) != 2 {
		t.Errorf("%+v %v", cfg, err)
	}
}

type fakeBackend struct {
	stacks map[string]*opstest.Stack
	cloud  *opstest.Cloud
}

func (f fakeBackend) Stack(_ context.Context, name, _ string) (ops.Stack, error) {
	return f.stacks[name], nil
}

func (f fakeBackend) Cloud(context.Context) (ops.Cloud, error) { return f.cloud, nil }

func newCLI(in string) (cli, *bytes.Buffer, *bytes.Buffer, fakeBackend) {
	b := fakeBackend{stacks: map[string]*opstest.Stack{"acme/multiregion/staging": opstest.NewStack("acme/multiregion/staging", ops.EngineAurora)}, cloud: opstest.NewCloud()}
	var out, errOut bytes.Buffer
	return cli{in: strings.NewReader(in), out: &out, errOut: &errOut, backend: b, clock: &opstest.Clock{}}, &out, &errOut, b
}

func TestRunExitCodes(t *testing.T) {
	c, out, _, b := newCLI("yes\n")
	report := filepath.Join(t.TempDir(), "switchover.json")
	if code := c.run(context.Background(), []string{"switchover", "--stack", "acme/multiregion/staging", "--to", "us-east-1", "--report", report}); code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if b.stacks["acme/multiregion/staging"].State.PrimaryRegion != "us-east-1" || !strings.Contains(out.String(), "measured vs expected") {
		t.Errorf("not switched over, or no summary:\n%s", out)
	}
	var r ops.Report
	if data, err := os.ReadFile(report); err != nil || json.Unmarshal(data, &r) != nil || r.Result != ops.ResultSucceeded {
		t.Errorf("report %v %+v", err, r)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(report), "switchover.txt")); err != nil {
		t.Error(err)
	}

	c, _, errOut, _ := newCLI("no\n")
	if code := c.run(context.Background(), []string{"switchover", "--stack", "acme/multiregion/staging", "--to", "us-east-1"}); code != exitFailed || !strings.Contains(errOut.String(), "not confirmed") {
		t.Errorf("unconfirmed: exit %d %s", code, errOut)
	}

	c, _, errOut, b = newCLI("")
	b.stacks["acme/multiregion/staging"].NextPreview = func(ops.Settings) (ops.Preview, error) {
		return ops.Preview{Steps: []ops.Step{{URN: "urn:x::aws:rds/instance:Instance::web-us-west-2-db", Type: "aws:rds/instance:Instance", Op: "replace"}}}, nil
	}
	if code := c.run(context.Background(), []string{"switchover", "--stack", "acme/multiregion/staging", "--to", "us-east-1", "--yes"}); code != exitRefused ||
		!strings.Contains(errOut.String(), "replace of stateful aws:rds/instance:Instance urn:x::aws:rds/instance:Instance::web-us-west-2-db") {
		t.Errorf("refused: exit %d %s", code, errOut)
	}

	c, _, errOut, _ = newCLI("")
	if code := c.run(context.Background(), []string{"switchover", "--to", "nowhere"}); code != exitUsage || !strings.Contains(errOut.String(), "-to") {
		t.Errorf("usage: exit %d %s", code, errOut)
	}
}

func TestStatusJSON(t *testing.T) {
	c, out, _, _ := newCLI("")
	if code := c.run(context.Background(), []string{"status", "--stack", "acme/multiregion/staging", "--json"}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var st ops.Status
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || len(st.Regions) != 3 || st.Regions[0].Role != ops.RolePrimary {
		t.Errorf("%v %s", err, out)
	}
}

func TestFleetCommand(t *testing.T) {
	c, out, _, b := newCLI("")
	b.stacks["acme/svc/staging"] = opstest.NewStack("acme/svc/staging", ops.EngineAurora)
	fleet := filepath.Join(t.TempDir(), "fleet.yaml")
	if err := os.WriteFile(fleet, []byte("groups:\n  - name: platform\n    stacks: [acme/multiregion/staging]\n  - name: services\n    stacks: [acme/svc/staging]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code := c.run(context.Background(), []string{"switchover", "--fleet", fleet, "--to", "us-east-1", "--yes", "--dry-run"})
	if code != exitOK || !regexp.MustCompile(`acme/svc/staging +services +guarded preview +dry run`).MatchString(out.String()) {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// TestParseRestoreFrom: --restore-from takes latest, an RFC 3339 time or a DB snapshot ARN in --to,
// on switchover, failover and failback only; a bad value is refused before anything is read.
func TestParseRestoreFrom(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string // empty: parsed
	}{
		{[]string{"switchover", "--stack", "s", "--to", "us-east-1", "--restore-from", "latest"}, nil},
		{[]string{"failover", "--stack", "s", "--to", "us-east-1", "--lost", "us-west-2", "--restore-from", "2026-12-01T10:04:00Z"}, nil},
		{[]string{"failback", "--stack", "s", "--to", "us-west-2", "--restore-from", "arn:aws:rds:us-west-2:123456789012:snapshot:awsbackup:job-1"}, nil},
		{[]string{"switchover", "--stack", "s", "--to", "us-east-1", "--restore-from", "yesterday"},
			[]string{"-restore-from", `"yesterday"`, "latest", "RFC 3339", "snapshot ARN"}},
		{[]string{"switchover", "--stack", "s", "--to", "us-east-1", "--restore-from", "2026-12-01"}, []string{"-restore-from", `"2026-12-01"`}},
		{[]string{"switchover", "--stack", "s", "--to", "us-east-1", "--restore-from", "arn:aws:rds:eu-west-1:123456789012:snapshot:web"},
			[]string{"-restore-from", "is a snapshot in eu-west-1", "the new primary is us-east-1"}},
		{[]string{"rejoin", "--stack", "s", "--restore-from", "latest"}, []string{"-restore-from", "not defined"}},
		{[]string{"gameday", "--stack", "s", "--to", "us-east-1", "--restore-from", "latest"}, []string{"-restore-from", "not defined"}},
	} {
		cfg, err := parse(tc.args)
		if len(tc.want) == 0 {
			if err != nil || cfg.restoreFrom != tc.args[len(tc.args)-1] {
				t.Errorf("%q: %v, restoreFrom %q", tc.args, err, cfg.restoreFrom)
			}
			continue
		}
		if err == nil {
			t.Errorf("%q: parsed", tc.args)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %q lacks %q", tc.args, err, w)
			}
		}
	}
}

// TestRunBackupRestore: the flag reaches the plan: without it the switchover of a backup-restore
// stack is refused (exit 3) naming the flag; with it the writer is restored in the target.
func TestRunBackupRestore(t *testing.T) {
	newBR := func() (cli, *bytes.Buffer, *bytes.Buffer, *opstest.Stack) {
		c, out, errOut, b := newCLI("")
		s := opstest.NewBackupRestoreStack("acme/multiregion/dr")
		cloud := opstest.NewBackupRestoreCloud()
		opstest.Link(s, cloud)
		b.stacks["acme/multiregion/dr"] = s
		c.backend = fakeBackend{stacks: b.stacks, cloud: cloud}
		return c, out, errOut, s
	}
	c, _, errOut, s := newBR()
	if code := c.run(context.Background(), []string{"switchover", "--stack", "acme/multiregion/dr", "--to", "us-east-1", "--yes"}); code != exitRefused ||
		!strings.Contains(errOut.String(), "--restore-from is required") || s.Calls.Index("set") >= 0 {
		t.Errorf("without --restore-from: exit %d %s %q", code, errOut, s.Calls.List())
	}
	c, out, _, s := newBR()
	if code := c.run(context.Background(), []string{"switchover", "--stack", "acme/multiregion/dr", "--to", "us-east-1", "--restore-from", "latest", "--yes"}); code != exitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if s.State.PrimaryRegion != "us-east-1" || s.State.Database["restoreFrom"] != "latest" || !strings.Contains(out.String(), "RESTORES the writer web-us-east-1") {
		t.Errorf("state %+v\n%s", s.State, out)
	}
	c, out, _, _ = newBR()
	if code := c.run(context.Background(), []string{"status", "--stack", "acme/multiregion/dr"}); code != exitOK || !strings.Contains(out.String(), "REPLICATED BACKUPS") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
}
