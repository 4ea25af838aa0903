package ops_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/opstest"
)

func TestParseFleet(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"yaml", "groups:\n  - name: platform\n    stacks: [acme/multiregion/prod]\n  - name: services\n    stacks: [a/b/c, a/d/e]\n", ""},
		{"json", `{"groups":[{"name":"platform","stacks":["acme/multiregion/prod"]}]}`, ""},
		{"empty", "groups: []\n", "no groups"},
		{"unnamed", `{"groups":[{"stacks":["a/b/c"]}]}`, "group 1 has no name"},
		{"no stacks", `{"groups":[{"name":"x"}]}`, `group "x" has no stacks`},
		{"twice", `{"groups":[{"name":"x","stacks":["a/b/c"]},{"name":"y","stacks":["a/b/c"]}]}`, `a/b/c is in group "x" and again in "y"`},
		{"unknown field", `{"groups":[{"name":"x","stack":["a/b/c"]}]}`, "stack"},
	} {
		f, err := ops.ParseFleet([]byte(tc.in))
		if tc.want == "" {
			if err != nil || len(f.Groups) == 0 {
				t.Errorf("%s: %v", tc.name, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err %v, want %q", tc.name, err, tc.want)
		}
	}
}

// fleetEnv is a fleet of fake stacks sharing one healthy cloud; events records "start <stack>" and
// "end <stack>" around every up, and the largest number of ups at once.
type fleetEnv struct {
	stacks  map[string]*opstest.Stack
	cloud   *opstest.Cloud
	mu      sync.Mutex
	events  []string
	running int
	peak    int
}

func newFleetEnv(names ...string) *fleetEnv {
	f := &fleetEnv{stacks: map[string]*opstest.Stack{}, cloud: opstest.NewCloud()}
	f.cloud.Regions["us-east-1"] = ops.RegionHealth{HealthCheckOK: opstest.Bool(true), RunningTasks: 1, DesiredTasks: 1, ReplicaLagSeconds: opstest.Float(0)}
	for _, n := range names {
		s := opstest.NewStack(n, ops.EngineAurora)
		s.State.Cache = false
		s.OnUp = func(context.Context) {
			f.mu.Lock()
			f.events = append(f.events, "start "+n)
			f.running++
			f.peak = max(f.peak, f.running)
			f.mu.Unlock()
			deadline := time.Now().Add(200 * time.Millisecond)
			for time.Now().Before(deadline) { // wait for a second up to overlap, if the bound lets one start
				f.mu.Lock()
				r := f.running
				f.mu.Unlock()
				if r >= 2 {
					break
				}
				time.Sleep(time.Millisecond)
			}
			f.mu.Lock()
			f.running--
			f.events = append(f.events, "end "+n)
			f.mu.Unlock()
		}
		f.stacks[n] = s
	}
	return f
}

func (f *fleetEnv) open(_ context.Context, name string) (ops.Stack, error) {
	s, ok := f.stacks[name]
	if !ok {
		return nil, fmt.Errorf("no stack %s", name)
	}
	return s, nil
}

func TestFleetGroupsInOrderWithBoundedConcurrency(t *testing.T) {
	f := newFleetEnv("p/1", "s/1", "s/2", "s/3", "s/4")
	fleet := ops.Fleet{Groups: []ops.FleetGroup{{Name: "platform", Stacks: []string{"p/1"}}, {Name: "services", Stacks: []string{"s/1", "s/2", "s/3", "s/4"}}}}
	var out bytes.Buffer
	r, err := ops.RunFleet(context.Background(), fleet, f.open, f.cloud, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, 2,
		ops.Options{Out: &out, Clock: &opstest.Clock{}, Yes: true, AllowUnknownLag: true})
	if err != nil {
		t.Fatalf("fleet: %v\n%s", err, out.String())
	}
	if f.events[0] != "start p/1" || f.events[1] != "end p/1" {
		t.Errorf("the platform group did not finish first: %q", f.events)
	}
	if f.peak != 2 {
		t.Errorf("peak concurrency %d, want 2 (--parallel 2)", f.peak)
	}
	var table bytes.Buffer
	if err := r.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"STACK", "s/4", "services", "verify", "succeeded"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	path := filepath.Join(t.TempDir(), "fleet.json")
	if err := ops.SaveReport(path, r, r.Reports()...); err != nil {
		t.Fatal(err)
	}
	txt, err := os.ReadFile(filepath.Join(filepath.Dir(path), "fleet.txt"))
	if err != nil || !strings.HasPrefix(string(txt), table.String()) || !strings.Contains(string(txt), "switchover s/4 --to us-east-1") {
		t.Errorf("the fleet summary must start with the table, then each stack's phases:\n%s (%v)", txt, err)
	}
}

func TestFleetStopsAfterAGroupWithARefusal(t *testing.T) {
	f := newFleetEnv("p/1", "p/2", "s/1")
	f.stacks["p/2"].NextPreview = replaceOf(rdsURN, "aws:rds/instance:Instance")
	fleet := ops.Fleet{Groups: []ops.FleetGroup{{Name: "platform", Stacks: []string{"p/1", "p/2"}}, {Name: "services", Stacks: []string{"s/1"}}}}
	r, err := ops.RunFleet(context.Background(), fleet, f.open, f.cloud, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, 2,
		ops.Options{Clock: &opstest.Clock{}, Yes: true, AllowUnknownLag: true})
	var refusal *ops.RefusalError
	if !errors.As(err, &refusal) {
		t.Fatalf("err = %v, want the refusal", err)
	}
	got := map[string]string{}
	for _, e := range r.Stacks {
		got[e.Stack] = e.Result
	}
	if got["p/1"] != ops.ResultSucceeded || got["p/2"] != ops.ResultRefused || got["s/1"] != ops.ResultNotRun {
		t.Errorf("results %v", got)
	}
	if f.stacks["s/1"].Calls.Index("set") >= 0 || !strings.Contains(r.Result, `stopped after group "platform"`) {
		t.Errorf("the services group ran after the refusal: %q, %s", f.stacks["s/1"].Calls.List(), r.Result)
	}
}

func TestFleetRefusesBeforeAnythingRuns(t *testing.T) {
	f := newFleetEnv("p/1")
	fleet := ops.Fleet{Groups: []ops.FleetGroup{{Name: "platform", Stacks: []string{"p/1", "missing/stack"}}}}
	_, err := ops.RunFleet(context.Background(), fleet, f.open, f.cloud, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, 1,
		ops.Options{Clock: &opstest.Clock{}, Yes: true, AllowUnknownLag: true})
	if err == nil || !strings.Contains(err.Error(), "missing/stack") || f.stacks["p/1"].Calls.Index("set") >= 0 {
		t.Fatalf("err = %v; calls %q", err, f.stacks["p/1"].Calls.List())
	}
}

func TestFleetAsksOnce(t *testing.T) {
	f := newFleetEnv("p/1", "p/2")
	fleet := ops.Fleet{Groups: []ops.FleetGroup{{Name: "g", Stacks: []string{"p/1", "p/2"}}}}
	var out bytes.Buffer
	_, err := ops.RunFleet(context.Background(), fleet, f.open, f.cloud, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, 1,
		ops.Options{Clock: &opstest.Clock{}, Out: &out, In: strings.NewReader("no\n")})
	if !errors.Is(err, ops.ErrNotConfirmed) || strings.Count(out.String(), "Type yes") != 1 || f.stacks["p/1"].Calls.Index("set") >= 0 {
		t.Fatalf("err %v\n%s", err, out.String())
	}
}

// TestFleetWithABackupRestoreStack: one --restore-from for a fleet that mixes strategies: the
// backup-restore stack restores its writer (the three keys in one write, no lag or global failover),
// the others ignore the flag (their plans say so) and switch over as always.
func TestFleetWithABackupRestoreStack(t *testing.T) {
	cloud := opstest.NewCloud()
	cloud.Regions["us-east-1"] = ops.RegionHealth{HealthCheckOK: opstest.Bool(true), RunningTasks: 1, DesiredTasks: 1, ReplicaLagSeconds: opstest.Float(0)}
	aurora := func(name string) *opstest.Stack {
		s := opstest.NewStack(name, ops.EngineAurora)
		s.State.Cache = false
		return s
	}
	br := opstest.NewBackupRestoreStack("acme/dr/staging")
	opstest.Link(br, cloud)
	stacks := map[string]*opstest.Stack{"acme/multiregion/staging": aurora("acme/multiregion/staging"), "acme/orders/staging": aurora("acme/orders/staging"), "acme/dr/staging": br}
	open := func(_ context.Context, name string) (ops.Stack, error) {
		s, ok := stacks[name]
		if !ok {
			return nil, fmt.Errorf("no stack %s", name)
		}
		return s, nil
	}
	fleet := ops.Fleet{Groups: []ops.FleetGroup{{Name: "platform", Stacks: []string{"acme/multiregion/staging"}},
		{Name: "services", Stacks: []string{"acme/orders/staging", "acme/dr/staging"}}}}
	opts := func(out *bytes.Buffer) ops.Options {
		return ops.Options{Out: out, Clock: &opstest.Clock{}, Yes: true, AllowUnknownLag: true}
	}

	t.Run("refused before anything runs without --restore-from", func(t *testing.T) {
		var out bytes.Buffer
		_, err := ops.RunFleet(context.Background(), fleet, open, cloud, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, 2, opts(&out))
		var refusal *ops.RefusalError
		if !errors.As(err, &refusal) || !strings.Contains(err.Error(), "acme/dr/staging") || !strings.Contains(err.Error(), "--restore-from is required") {
			t.Fatalf("err = %v, want the backup-restore stack's refusal", err)
		}
		for name, s := range stacks {
			if s.Calls.Index("set") >= 0 || s.Calls.Index("up") >= 0 {
				t.Errorf("%s changed before the fleet was refused: %q", name, s.Calls.List())
			}
		}
	})

	var out bytes.Buffer
	r, err := ops.RunFleet(context.Background(), fleet, open, cloud, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1", RestoreFrom: ops.RestoreLatest}, 2, opts(&out))
	if err != nil {
		t.Fatalf("fleet: %v\n%s", err, out.String())
	}
	for _, e := range r.Stacks {
		if e.Result != ops.ResultSucceeded {
			t.Errorf("%s: %s at %s", e.Stack, e.Result, e.Reached)
		}
	}
	brSets := sets(br)
	if len(brSets) != 1 || brSets[0] != `set multiregion:database={"engine":"postgres","restoreFrom":"latest"} multiregion:primaryRegion=us-east-1` {
		t.Errorf("the backup-restore stack's writes %q: want the one write with restoreFrom", brSets)
	}
	if br.Calls.Index("wait-lag") >= 0 || regionDB(br, "us-east-1") != "web-us-east-1" {
		t.Errorf("backup-restore stack: calls %q, us-east-1 database %q", br.Calls.List(), regionDB(br, "us-east-1"))
	}
	for _, name := range []string{"acme/multiregion/staging", "acme/orders/staging"} {
		s := stacks[name]
		if got := sets(s); len(got) != 1 || got[0] != "set multiregion:primaryRegion=us-east-1" {
			t.Errorf("%s writes %q: want primaryRegion only (no restoreFrom)", name, got)
		}
	}
	if n := strings.Count(out.String(), "--restore-from latest does not apply to this warm-standby stack"); n != 2 {
		t.Errorf("%d plans say the flag does not apply, want 2:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "Plan: switchover --to us-east-1 --restore-from latest on acme/dr/staging") ||
		strings.Contains(out.String(), "--restore-from latest on acme/orders/staging") {
		t.Errorf("the plans' headers:\n%s", out.String())
	}
	if d := cloud.Calls.List(); slices.ContainsFunc(d, func(c string) bool { return strings.HasPrefix(c, "cache-failover") }) {
		t.Errorf("a cache failover ran: %q", d)
	}
}
