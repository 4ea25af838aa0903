package ops_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/opstest"
)

// env is one stack and its data plane.
type env struct {
	stack *opstest.Stack
	cloud *opstest.Cloud
	out   *bytes.Buffer
}

func newEnv(engine string) env {
	e := env{stack: opstest.NewStack("acme/multiregion/staging", engine), cloud: opstest.NewCloud(), out: &bytes.Buffer{}}
	opstest.Link(e.stack, e.cloud)
	return e
}

func (e env) opts() ops.Options {
	return ops.Options{Out: e.out, Clock: &opstest.Clock{}, Yes: true}
}

func (e env) run(t *testing.T, req ops.Request, opts ops.Options) (*ops.Report, error) {
	t.Helper()
	return ops.Run(context.Background(), e.stack, e.cloud, req, opts)
}

// mutations are the calls that change the stack or the cloud.
func (e env) mutations() []string {
	var out []string
	for _, c := range append(e.stack.Calls.List(), e.cloud.Calls.List()...) {
		if !strings.HasPrefix(c, "preview") && !strings.HasPrefix(c, "health") && !strings.HasPrefix(c, "wait-lag") {
			out = append(out, c)
		}
	}
	return out
}

func order(t *testing.T, calls *opstest.Calls, prefixes ...string) {
	t.Helper()
	list := calls.List()
	next := 0
	for _, p := range prefixes {
		i := slices.IndexFunc(list[next:], func(c string) bool { return strings.HasPrefix(c, p) })
		if i < 0 {
			t.Fatalf("calls %q: want %q in this order %q", list, p, prefixes)
		}
		next += i + 1
	}
}

func TestSwitchoverAurora(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	merged := &opstest.Calls{}
	e.stack.Calls, e.cloud.Calls = merged, merged
	r, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, e.opts())
	if err != nil {
		t.Fatalf("switchover: %v\n%s", err, e.out)
	}
	order(t, merged, "aurora-switchover us-west-2 web-global arn:aws:rds:us-east-1:123456789012:cluster:web-us-east-1",
		"cache-failover us-west-2 web-global us-east-1 web-us-east-1", "set multiregion:primaryRegion=us-east-1", "preview", "up")
	if merged.Index("wait-lag") >= 0 {
		t.Error("an Aurora switchover waited for an RDS replica lag")
	}
	if r.Result != ops.ResultSucceeded || e.stack.Out["primaryRegion"] != "us-east-1" {
		t.Errorf("result %q, output primary %v", r.Result, e.stack.Out["primaryRegion"])
	}
	if r.Measured["awsSideFailover"] <= 0 || r.Measured["apply"] <= 0 {
		t.Errorf("measured %v: want the AWS-side failover and the up timed", r.Measured)
	}
}

func TestSwitchoverRDSWaitsForLagThenPromotesInTheUp(t *testing.T) {
	e := newEnv(ops.EnginePostgres)
	merged := &opstest.Calls{}
	e.stack.Calls, e.cloud.Calls = merged, merged
	if _, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, e.opts()); err != nil {
		t.Fatalf("switchover: %v\n%s", err, e.out)
	}
	order(t, merged, "wait-lag us-east-1 web-us-east-1 0", "cache-failover", "set multiregion:primaryRegion=us-east-1", "preview", "up")
	if merged.Index("aurora") >= 0 {
		t.Error("an RDS switchover called the Aurora API")
	}
	if !strings.Contains(e.out.String(), "stop or drain writes") {
		t.Errorf("the plan does not tell the operator to stop writes:\n%s", e.out)
	}
}

func TestSwitchoverPreChecksRefuse(t *testing.T) {
	for _, tc := range []struct {
		name   string
		engine string
		setup  func(e env)
		opts   func(o *ops.Options)
		to     string
		want   string // "" means it passes
	}{
		{name: "target not in the stack", to: "ap-south-1", want: "not a region"},
		{name: "a region is lost", setup: func(e env) { e.stack.State.LostRegions = []string{"eu-west-1"} }, want: "regions are lost"},
		{name: "alarm in ALARM", setup: func(e env) {
			e.cloud.Set("eu-west-1", func(h *ops.RegionHealth) { h.AlarmsInAlarm = []string{"web-eu-west-1-5xx"} })
		}, want: "web-eu-west-1-5xx in eu-west-1 is in ALARM"},
		{name: "allowed alarm", setup: func(e env) {
			e.cloud.Set("eu-west-1", func(h *ops.RegionHealth) { h.AlarmsInAlarm = []string{"web-eu-west-1-5xx"} })
		}, opts: func(o *ops.Options) { o.AllowAlarms = []string{"web-eu-west-1-5xx"} }},
		{name: "lag over the threshold", setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.ReplicaLagSeconds = opstest.Float(30) })
		}, want: "replica lag of us-east-1 is 30s, above --max-lag 10s"},
		{name: "lag under a raised threshold", setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.ReplicaLagSeconds = opstest.Float(30) })
		}, opts: func(o *ops.Options) { o.MaxLag = 60e9 }},
		{name: "lag not reported", setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.ReplicaLagSeconds = nil })
		}, want: "not reported"},
		{name: "lag not reported, allowed", setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.ReplicaLagSeconds = nil })
		}, opts: func(o *ops.Options) { o.AllowUnknownLag = true }},
		{name: "cache lag over", setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.CacheLagSeconds = opstest.Float(20) })
		}, want: "cache replication lag"},
		{name: "health check failing", setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.HealthCheckOK = opstest.Bool(false) })
		}, want: "health check of us-east-1 fails"},
		{name: "no task in warm standby", setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.RunningTasks = 0 })
		}, want: "runs no task"},
		{name: "pilot-light standby at 0 of 0 tasks", setup: func(e env) {
			e.stack.State.Strategy = ops.StrategyPilotLight
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.RunningTasks, h.DesiredTasks = 0, 0 })
		}},
		{name: "pilot-light standby below its desired count", setup: func(e env) {
			e.stack.State.Strategy = ops.StrategyPilotLight
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.RunningTasks, h.DesiredTasks = 0, 1 })
		}, want: "runs 0 of 1 desired tasks"},
		{name: "RDS target is a stale standalone instance", engine: ops.EnginePostgres, setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.DatabaseWriter, h.ReplicaSource = opstest.Bool(true), "" })
		}, want: "rejoin it first"},
		{name: "RDS target replicates from a former primary", engine: ops.EnginePostgres, setup: func(e env) {
			e.cloud.Set("us-east-1", func(h *ops.RegionHealth) { h.ReplicaSource = "arn:aws:rds:eu-west-1:123456789012:db:web-eu-west-1" })
		}, want: "not from the primary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			engine := tc.engine
			if engine == "" {
				engine = ops.EngineAurora
			}
			e := newEnv(engine)
			if tc.setup != nil {
				tc.setup(e)
			}
			o := e.opts()
			if tc.opts != nil {
				tc.opts(&o)
			}
			to := tc.to
			if to == "" {
				to = "us-east-1"
			}
			_, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: to}, o)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var refusal *ops.RefusalError
			if !errors.As(err, &refusal) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want a refusal containing %q", err, tc.want)
			}
			if m := e.mutations(); len(m) > 0 {
				t.Errorf("a refused switchover changed something: %q", m)
			}
		})
	}
}

func TestDryRunStopsAfterThePreviewAndRestoresConfig(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	o := e.opts()
	o.DryRun, o.Yes = true, false
	r, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, o)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, e.out)
	}
	if e.stack.Calls.Index("up") >= 0 || e.cloud.Calls.Index("aurora") >= 0 || e.cloud.Calls.Index("cache-failover") >= 0 {
		t.Fatalf("a dry run changed the cloud: %q %q", e.stack.Calls.List(), e.cloud.Calls.List())
	}
	if e.stack.State.PrimaryRegion != "us-west-2" {
		t.Errorf("the dry run left primaryRegion %s", e.stack.State.PrimaryRegion)
	}
	order(t, e.stack.Calls, "set multiregion:primaryRegion=us-east-1", "preview", "set multiregion:primaryRegion=us-west-2")
	if r.Result != ops.ResultDryRun {
		t.Errorf("result %q", r.Result)
	}
}

func replaceOf(urn, typ string) func(ops.Settings) (ops.Preview, error) {
	return func(ops.Settings) (ops.Preview, error) {
		return ops.Preview{Steps: []ops.Step{{URN: urn, Type: typ, Op: "replace"}}}, nil
	}
}

func TestRefusedGuardNeverCallsUp(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	e.stack.NextPreview = replaceOf(rdsURN, "aws:rds/instance:Instance")
	r, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, e.opts())
	var refusal *ops.RefusalError
	if !errors.As(err, &refusal) || !strings.Contains(err.Error(), rdsURN) {
		t.Fatalf("err = %v, want the guard's refusal naming %s", err, rdsURN)
	}
	if e.stack.Calls.Index("up") >= 0 {
		t.Fatal("up ran after a refused guard")
	}
	if r.Result != ops.ResultRefused || r.Reached != "guarded preview" {
		t.Errorf("report: result %q reached %q", r.Result, r.Reached)
	}
}

func TestFailedPreviewRefuses(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	e.stack.NextPreview = func(ops.Settings) (ops.Preview, error) { return ops.Preview{}, errors.New("provider crashed") }
	_, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, e.opts())
	var refusal *ops.RefusalError
	if !errors.As(err, &refusal) || !strings.Contains(err.Error(), "provider crashed") || e.stack.Calls.Index("up") >= 0 {
		t.Fatalf("err = %v, up called: %v", err, e.stack.Calls.Index("up") >= 0)
	}
}

func TestRerunOfACompletedSwitchoverChangesNothing(t *testing.T) {
	for _, engine := range []string{ops.EngineAurora, ops.EnginePostgres} {
		e := newEnv(engine)
		req := ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}
		if _, err := e.run(t, req, e.opts()); err != nil {
			t.Fatalf("%s: first run: %v", engine, err)
		}
		before := len(e.mutations())
		r, err := e.run(t, req, e.opts())
		if err != nil {
			t.Fatalf("%s: re-run: %v\n%s", engine, err, e.out)
		}
		if m := e.mutations(); len(m) != before {
			t.Errorf("%s: the re-run changed something: %q", engine, m[before:])
		}
		for _, p := range r.Phases {
			if p.Name == "up" && p.Result != ops.ResultAlreadyDone {
				t.Errorf("%s: up %q on a re-run", engine, p.Result)
			}
		}
	}
}

func TestResumeAfterAnInterruptedUp(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	e.stack.UpErr = errors.New("interrupted")
	req := ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}
	if _, err := e.run(t, req, e.opts()); err == nil {
		t.Fatal("an interrupted up succeeded")
	}
	e.stack.UpErr = nil
	e.cloud.Calls = &opstest.Calls{}
	sets := len(e.stack.Calls.List())
	if _, err := e.run(t, req, e.opts()); err != nil {
		t.Fatalf("resume: %v", err)
	}
	if e.cloud.Calls.Index("aurora-switchover") >= 0 || e.cloud.Calls.Index("cache-failover") >= 0 {
		t.Errorf("the resume switched over again: %q", e.cloud.Calls.List())
	}
	rest := e.stack.Calls.List()[sets:]
	if slices.ContainsFunc(rest, func(c string) bool { return strings.HasPrefix(c, "set") }) || !slices.Contains(rest, "up") {
		t.Errorf("the resume: %q, want no config write and one up", rest)
	}
}

func TestFailoverNeverCallsTheLostRegion(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	delete(e.cloud.Regions, "us-west-2") // dark: any call would fail
	merged := &opstest.Calls{}
	e.stack.Calls, e.cloud.Calls = merged, merged
	r, err := e.run(t, ops.Request{Command: ops.CommandFailover, To: "us-east-1", Lost: []string{"us-west-2"}}, e.opts())
	if err != nil {
		t.Fatalf("failover: %v\n%s", err, e.out)
	}
	order(t, merged, "aurora-failover us-east-1 web-global arn:aws:rds:us-east-1:", "cache-failover us-east-1",
		`set multiregion:lostRegions=["us-west-2"] multiregion:primaryRegion=us-east-1`, "preview", "up")
	for _, c := range e.cloud.Calls.List() {
		if !strings.HasPrefix(c, "set ") && strings.Contains(c, "us-west-2") {
			t.Errorf("a call reached the lost region: %q", c)
		}
	}
	if r.Expected["expectedRtoLostRegion"].Seconds != 340 {
		t.Errorf("expected %v", r.Expected)
	}
}

func TestFailoverRefusals(t *testing.T) {
	for _, tc := range []struct {
		lost []string
		want string
	}{
		{[]string{"us-east-1"}, "is the target"},
		{[]string{"eu-west-1"}, ""},
		{[]string{"ap-south-1"}, "not a region of the stack"},
		{[]string{"eu-west-1", "eu-west-1"}, "given twice"},
	} {
		e := newEnv(ops.EngineAurora)
		_, err := e.run(t, ops.Request{Command: ops.CommandFailover, To: "us-east-1", Lost: tc.lost}, e.opts())
		if tc.want == "" {
			if err != nil {
				t.Errorf("--lost %v: %v", tc.lost, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || len(e.mutations()) > 0 {
			t.Errorf("--lost %v: err %v, mutations %q; want a refusal %q", tc.lost, err, e.mutations(), tc.want)
		}
	}
	e := newEnv(ops.EngineAurora)
	_, err := e.run(t, ops.Request{Command: ops.CommandFailover, To: "eu-west-1", Lost: []string{"us-east-1"}}, e.opts())
	if err == nil || !strings.Contains(err.Error(), "Route 53") {
		t.Errorf("--lost us-east-1: %v, want the refusal explaining us-east-1", err)
	}
}

// afterFailover is the state after `failover --to us-east-1 --lost us-west-2` on RDS: us-east-1
// writes, us-west-2 is a stale writer, eu-west-1 still replicates from it.
func afterFailover(t *testing.T) env {
	e := newEnv(ops.EnginePostgres)
	if _, err := e.run(t, ops.Request{Command: ops.CommandFailover, To: "us-east-1", Lost: []string{"us-west-2"}}, e.opts()); err != nil {
		t.Fatalf("failover: %v", err)
	}
	e.stack.Calls, e.cloud.Calls = &opstest.Calls{}, &opstest.Calls{}
	// the rebuild replaces each stale region's instance, under the allowance
	e.stack.NextPreview = func(s ops.Settings) (ops.Preview, error) {
		rejoin, _ := s.Database["rejoin"].(map[string]any)
		var p ops.Preview
		for r, v := range rejoin {
			if v == "rebuild" && e.cloud.Regions[r].ReplicaSource != "arn:aws:rds:"+s.PrimaryRegion+":123456789012:db:web-"+s.PrimaryRegion {
				p.Steps = append(p.Steps, ops.Step{URN: strings.ReplaceAll(rdsURN, "us-west-2", r), Type: "aws:rds/instance:Instance", Op: "replace"})
			}
		}
		p.Steps = append(p.Steps, ops.Step{URN: "urn:x::aws:route53/record:Record::w", Type: "aws:route53/record:Record", Op: "update"})
		return p, nil
	}
	return e
}

func TestFailbackRDS(t *testing.T) {
	e := afterFailover(t)
	merged := &opstest.Calls{}
	e.stack.Calls, e.cloud.Calls = merged, merged
	r, err := e.run(t, ops.Request{Command: ops.CommandFailback, To: "us-west-2"}, e.opts())
	if err != nil {
		t.Fatalf("failback: %v\n%s", err, e.out)
	}
	order(t, merged,
		"set multiregion:lostRegions=[]", "up",
		"promote eu-west-1 web-eu-west-1",
		`set multiregion:database={"engine":"postgres","rejoin":{"eu-west-1":"release","us-west-2":"release"}}`, "up",
		`set multiregion:database={"engine":"postgres","rejoin":{"eu-west-1":"rebuild","us-west-2":"rebuild"}}`, "up",
		`set multiregion:database={"engine":"postgres"}`, "up",
		"wait-lag us-west-2", "cache-failover us-east-1 web-global us-west-2", "set multiregion:primaryRegion=us-west-2")
	if e.stack.State.PrimaryRegion != "us-west-2" || len(e.stack.State.LostRegions) != 0 || e.stack.State.Database["rejoin"] != nil {
		t.Errorf("end state %+v", e.stack.State)
	}
	var allowed bool
	for _, p := range r.Phases {
		if p.Name == "rejoin: rebuild: guarded preview" && strings.Contains(p.Details, "web-us-west-2-db (allowed: rejoin rebuild of us-west-2") {
			allowed = true
		}
	}
	if !allowed {
		t.Errorf("the rebuild preview does not report the allowance: %+v", r.Phases)
	}
}

func TestRebuildGuardRefusesAnythingElse(t *testing.T) {
	e := afterFailover(t)
	rebuild := e.stack.NextPreview
	e.stack.NextPreview = func(s ops.Settings) (ops.Preview, error) {
		p, err := rebuild(s)
		if rejoin, _ := s.Database["rejoin"].(map[string]any); rejoin["us-west-2"] == "rebuild" {
			p.Steps = append(p.Steps, ops.Step{URN: "urn:x::aws:kms/key:Key::web-us-west-2-key", Type: "aws:kms/key:Key", Op: "replace"})
		}
		return p, err
	}
	_, err := e.run(t, ops.Request{Command: ops.CommandFailback, To: "us-west-2"}, e.opts())
	if err == nil || !strings.Contains(err.Error(), "web-us-west-2-key") || strings.Contains(err.Error(), "web-us-west-2-db") {
		t.Fatalf("err = %v, want a refusal of the key only", err)
	}
	if n := strings.Count(strings.Join(e.stack.Calls.List(), "|"), "up"); n != 2 {
		t.Errorf("ups %d (%q), want 2: the return and the release", n, e.stack.Calls.List())
	}
}

func TestGameDay(t *testing.T) {
	t.Run("refuses production", func(t *testing.T) {
		for _, tc := range []struct {
			name    string
			protect bool
		}{{"acme/multiregion/prod", false}, {"acme/multiregion/staging", true}} {
			e := newEnv(ops.EngineAurora)
			e.stack.StackName, e.stack.State.Protect = tc.name, tc.protect
			_, err := e.run(t, ops.Request{Command: ops.CommandGameDay, To: "us-east-1"}, e.opts())
			if err == nil || !strings.Contains(err.Error(), "--i-know-this-is-production") || len(e.mutations()) > 0 {
				t.Errorf("%s protect %v: %v", tc.name, tc.protect, err)
			}
			o := e.opts()
			o.Production = true
			if _, err := e.run(t, ops.Request{Command: ops.CommandGameDay, To: "us-east-1"}, o); err != nil {
				t.Errorf("%s with --i-know-this-is-production: %v", tc.name, err)
			}
		}
	})
	t.Run("there and back, timed", func(t *testing.T) {
		e := newEnv(ops.EngineAurora)
		merged := &opstest.Calls{}
		e.stack.Calls, e.cloud.Calls = merged, merged
		r, err := e.run(t, ops.Request{Command: ops.CommandGameDay, To: "us-east-1"}, e.opts())
		if err != nil {
			t.Fatalf("game day: %v\n%s", err, e.out)
		}
		order(t, merged, "aurora-switchover us-west-2 web-global arn:aws:rds:us-east-1:", "set multiregion:primaryRegion=us-east-1", "up",
			"aurora-switchover us-west-2 web-global arn:aws:rds:us-west-2:", "set multiregion:primaryRegion=us-west-2", "up")
		for _, p := range r.Phases {
			if p.DurationSeconds <= 0 || p.Start.IsZero() {
				t.Errorf("phase %s not timed: %+v", p.Name, p)
			}
		}
		if e.stack.State.PrimaryRegion != "us-west-2" {
			t.Errorf("primary %s after the game day", e.stack.State.PrimaryRegion)
		}
	})
	t.Run("RDS rejoins between and after", func(t *testing.T) {
		e := newEnv(ops.EnginePostgres)
		e.stack.NextPreview = nil
		if _, err := e.run(t, ops.Request{Command: ops.CommandGameDay, To: "us-east-1"}, e.opts()); err != nil {
			t.Fatalf("game day: %v\n%s", err, e.out)
		}
		for r, h := range e.cloud.Regions {
			if r != "us-west-2" && !strings.HasSuffix(h.ReplicaSource, ":db:web-us-west-2") {
				t.Errorf("%s replicates from %q after the game day", r, h.ReplicaSource)
			}
		}
	})
}

func TestConfirmation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		yes  bool
		runs bool
	}{{"yes\n", false, true}, {"no\n", false, false}, {"", false, false}, {"y\n", false, false}, {"", true, true}} {
		e := newEnv(ops.EngineAurora)
		o := e.opts()
		o.Yes, o.In = tc.yes, strings.NewReader(tc.in)
		_, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, o)
		ran := len(e.mutations()) > 0
		if ran != tc.runs || (tc.runs != (err == nil)) {
			t.Errorf("answer %q yes=%v: ran %v err %v", tc.in, tc.yes, ran, err)
		}
		if !tc.runs && !errors.Is(err, ops.ErrNotConfirmed) {
			t.Errorf("answer %q: err %v, want ErrNotConfirmed", tc.in, err)
		}
		if !strings.Contains(e.out.String(), "Plan: switchover --to us-east-1") {
			t.Errorf("the plan was not printed first:\n%s", e.out)
		}
	}
}

func TestReportFiles(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	r, err := e.run(t, ops.Request{Command: ops.CommandSwitchover, To: "us-east-1"}, e.opts())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "report.json")
	if err := ops.SaveReport(path, r, r); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Result string `json:"result"`
		Phases []struct {
			Name            string  `json:"name"`
			Start           string  `json:"start"`
			DurationSeconds float64 `json:"durationSeconds"`
			Result          string  `json:"result"`
			Details         string  `json:"details"`
		} `json:"phases"`
		Expected map[string]ops.Objective `json:"expected"`
		Measured map[string]float64       `json:"measured"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Result != ops.ResultSucceeded || len(got.Phases) != 7 || got.Phases[0].Name != "pre-checks" || got.Phases[0].Start == "" ||
		got.Phases[0].DurationSeconds != 1 || got.Expected["expectedRto"].Parts["apply"] != 120 || got.Measured["apply"] != 1 {
		t.Errorf("report %s", b)
	}
	txt, err := os.ReadFile(filepath.Join(filepath.Dir(path), "report.txt"))
	if err != nil || !strings.Contains(string(txt), "measured vs expected") || !strings.Contains(string(txt), "aurora switchover") {
		t.Errorf("summary %s (%v)", txt, err)
	}
}

func TestStatus(t *testing.T) {
	e := newEnv(ops.EngineAurora)
	e.stack.State.LostRegions = []string{"eu-west-1"}
	delete(e.cloud.Regions, "eu-west-1")
	st, err := ops.ReadStatus(context.Background(), e.stack, e.cloud)
	if err != nil {
		t.Fatal(err)
	}
	if e.cloud.Calls.Index("health eu-west-1") >= 0 {
		t.Error("status called the lost region")
	}
	var table, js bytes.Buffer
	if err := st.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"us-west-2  primary", "us-east-1  standby", "eu-west-1  lost", "writer name: writer.web.internal -> us-west-2", "expectedRto: 280s"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, table.String())
		}
	}
	if err := st.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back ops.Status
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Regions[1].Health.ReplicaLagSeconds == nil || *back.Regions[1].Health.ReplicaLagSeconds != 1 {
		t.Errorf("JSON %s (%v)", js.String(), err)
	}
}

func TestRejoinSummaryHasNoRTOLine(t *testing.T) {
	e := afterFailover(t)
	r, err := e.run(t, ops.Request{Command: ops.CommandRejoin}, e.opts())
	if err != nil {
		t.Fatalf("rejoin: %v\n%s", err, e.out)
	}
	var s strings.Builder
	if err := ops.WriteSummary(&s, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s.String(), "measured vs expected") || !strings.Contains(s.String(), "rebuild: up") {
		t.Errorf("a rejoin changes no role: its summary must not compare RTO parts:\n%s", s.String())
	}
}
