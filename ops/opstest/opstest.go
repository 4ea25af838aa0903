// Package opstest holds fakes of ops.Stack and ops.Cloud that record every call, and a fake clock,
// for the operator command's tests (ops, cmd/multiregion-ops) and for drills that need a stand-in
// for a data-plane step the emulator cannot serve.
package opstest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/multiregion/multiregion/ops"
)

// Calls records calls in order, safely across goroutines.
type Calls struct {
	mu    sync.Mutex
	calls []string
}

// Add records one call.
func (c *Calls) Add(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, fmt.Sprintf(format, args...))
}

// List returns the calls so far.
func (c *Calls) List() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// Index is the position of the first call starting with prefix, or -1.
func (c *Calls) Index(prefix string) int {
	for i, s := range c.List() {
		if strings.HasPrefix(s, prefix) {
			return i
		}
	}
	return -1
}

// Stack is a fake ops.Stack. SetConfig applies the known keys to Settings (and the primary to the
// outputs' primaryRegion on Up), so a re-run sees what a run did.
type Stack struct {
	// StackName is Name().
	StackName string
	// Calls records Settings, SetConfig, Preview and Up ("up", "preview", "set k=v,...").
	Calls *Calls

	mu sync.Mutex
	// State is the current settings.
	State ops.Settings
	// Out are the outputs.
	Out map[string]any
	// NextPreview, when set, gives the preview of the current settings (default: no change when
	// nothing changed since the last up, one update otherwise).
	NextPreview func(s ops.Settings) (ops.Preview, error)
	// UpErr fails Up.
	UpErr error
	// OnUp runs inside Up (e.g. to block, for the concurrency test).
	OnUp func(ctx context.Context)
	// AfterUp receives the applied settings (Link uses it to move the fake cloud).
	AfterUp func(s ops.Settings)
	dirty   bool
}

// NewStack is a fake stack of prod's shape: regions us-west-2 (primary, data home), us-east-1 and
// eu-west-1, warm-standby, the given engine, a cache, service "web".
func NewStack(name, engine string) *Stack {
	regions := map[string]any{}
	for _, r := range []string{"us-west-2", "us-east-1", "eu-west-1"} {
		regions[r] = map[string]any{"dbIdentifier": "web-" + r, "clusterArn": "arn:aws:ecs:" + r + ":123456789012:cluster/web-" + r}
	}
	return &Stack{
		StackName: name,
		Calls:     &Calls{},
		State: ops.Settings{Regions: []string{"us-west-2", "us-east-1", "eu-west-1"}, PrimaryRegion: "us-west-2",
			Strategy: "warm-standby", Engine: engine, DataHomeRegion: "us-west-2", Cache: true, Service: "web",
			Database: map[string]any{"engine": engine}},
		Out: map[string]any{
			"primaryRegion": "us-west-2", "dbWriterName": "writer.web.internal", "regions": regions,
			"healthCheckIds": map[string]any{"us-west-2": "hc-1", "us-east-1": "hc-2", "eu-west-1": "hc-3"},
			"expectedRto": map[string]any{"seconds": 280.0, "parts": map[string]any{"detection": 90.0, "awsSideFailover": 0.0,
				"apply": 120.0, "promotion": 60.0, "capacity": 60.0, "writerName": 10.0}},
			"expectedRpo":           map[string]any{"seconds": 60.0},
			"expectedRtoLostRegion": map[string]any{"seconds": 340.0, "parts": map[string]any{"awsSideFailover": 60.0, "apply": 120.0}},
		},
	}
}

// Name implements ops.Stack.
func (s *Stack) Name() string { return s.StackName }

// Settings implements ops.Stack.
func (s *Stack) Settings(context.Context) (ops.Settings, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.State
	st.Regions, st.LostRegions = slices.Clone(st.Regions), slices.Clone(st.LostRegions)
	st.Database = clone(st.Database)
	return st, nil
}

// Outputs implements ops.Stack.
func (s *Stack) Outputs(context.Context) (map[string]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.Out), nil
}

// SetConfig implements ops.Stack: it applies primaryRegion, lostRegions and database.
func (s *Stack) SetConfig(_ context.Context, values map[string]string) error {
	var kv []string
	for _, k := range slices.Sorted(maps.Keys(values)) {
		kv = append(kv, k+"="+values[k])
	}
	s.Calls.Add("set %s", strings.Join(kv, " "))
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range values {
		switch k {
		case ops.KeyPrimaryRegion:
			s.State.PrimaryRegion = v
		case ops.KeyLostRegions:
			s.State.LostRegions = nil
			if err := json.Unmarshal([]byte(v), &s.State.LostRegions); err != nil {
				return err
			}
		case ops.KeyDatabase:
			s.State.Database = nil
			if err := json.Unmarshal([]byte(v), &s.State.Database); err != nil {
				return err
			}
		default:
			return fmt.Errorf("fake stack: unknown key %s", k)
		}
	}
	s.dirty = true
	return nil
}

// Preview implements ops.Stack.
func (s *Stack) Preview(_ context.Context, progress ops.Events) (ops.Preview, error) {
	s.Calls.Add("preview")
	s.mu.Lock()
	st, dirty, next := s.State, s.dirty, s.NextPreview
	s.mu.Unlock()
	var p ops.Preview
	if next != nil {
		var err error
		if p, err = next(st); err != nil {
			return p, err
		}
	} else if st.Strategy == ops.StrategyBackupRestore {
		out, _ := s.Outputs(context.Background())
		p = backupRestorePreview(st, out, dirty)
	} else if dirty {
		p = ops.Preview{Steps: []ops.Step{{URN: "urn:pulumi:test::multiregion::aws:route53/record:Record::web-writer", Type: "aws:route53/record:Record", Op: "update"}}}
	}
	if p.Summary == nil {
		p.Summary = ops.ChangeSummary{"same": 10}
		for _, step := range p.Steps {
			p.Summary[step.Op]++
		}
	}
	for _, step := range p.Steps {
		if progress != nil {
			progress(step)
		}
	}
	return p, nil
}

// Up implements ops.Stack: the outputs' primaryRegion follows the settings.
func (s *Stack) Up(ctx context.Context, progress ops.Events) (ops.Update, error) {
	s.Calls.Add("up")
	if s.OnUp != nil {
		s.OnUp(ctx)
	}
	if s.UpErr != nil {
		return ops.Update{}, s.UpErr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Out["primaryRegion"] = s.State.PrimaryRegion
	s.dirty = false
	if progress != nil {
		progress(ops.Step{Op: "update"})
	}
	if s.AfterUp != nil {
		s.AfterUp(s.State)
	}
	return ops.Update{Summary: ops.ChangeSummary{"update": 1, "same": 10}, Outputs: maps.Clone(s.Out)}, nil
}

func clone(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// Link makes an up of stack act on cloud as the real program does for RDS: the primary's instance
// becomes a standalone writer (the promotion), and a region whose database.rejoin is "rebuild"
// becomes a replica of the primary. On a backup-restore stack (drStrategy backup-restore) it acts as
// stacks/backuprestore.go does instead: a primary without a database gets its writer restored
// (exported in regions.<primary>.dbIdentifier, the writer in cloud, its tasks started, the other
// regions' at 0), its automated backups are replicated into its copy region (the next region), and a
// region whose database.rejoin is "rebuild" loses its database (retired).
func Link(stack *Stack, cloud *Cloud) {
	stack.AfterUp = func(s ops.Settings) {
		if s.Strategy == ops.StrategyBackupRestore {
			linkBackupRestore(stack, cloud, s)
			return
		}
		if s.Engine != ops.EnginePostgres {
			return
		}
		cloud.Set(s.PrimaryRegion, func(h *ops.RegionHealth) {
			h.DatabaseWriter, h.ReplicaSource, h.ReplicaLagSeconds = Bool(true), "", nil
		})
		rejoin, _ := s.Database["rejoin"].(map[string]any)
		for r, v := range rejoin {
			if v == "rebuild" {
				cloud.Set(r, func(h *ops.RegionHealth) {
					h.DatabaseWriter, h.ReplicaLagSeconds = Bool(false), Float(0)
					h.ReplicaSource = "arn:aws:rds:" + s.PrimaryRegion + ":123456789012:db:web-" + s.PrimaryRegion
				})
			}
		}
	}
}

// Cloud is a fake ops.Cloud: per-region health, with the writer following the engine steps.
type Cloud struct {
	// Calls records every call ("health us-east-1", "aurora-switchover us-west-2 web-global arn...").
	Calls *Calls

	mu sync.Mutex
	// Regions is the health by region; a region missing from it answers an error.
	Regions map[string]ops.RegionHealth
	// Err fails the named methods ("aurora-switchover", ...).
	Err map[string]error
}

// Bool returns a pointer to b.
func Bool(b bool) *bool { return &b }

// Float returns a pointer to f.
func Float(f float64) *float64 { return &f }

// NewCloud is a healthy three-region data plane: us-west-2 the writer, the others replicas of it
// with a lag of 1 s, two tasks each, health checks OK, us-west-2 the cache primary.
func NewCloud() *Cloud {
	c := &Cloud{Calls: &Calls{}, Regions: map[string]ops.RegionHealth{}, Err: map[string]error{}}
	for _, r := range []string{"us-west-2", "us-east-1", "eu-west-1"} {
		h := ops.RegionHealth{HealthCheckOK: Bool(true), RunningTasks: 2, DesiredTasks: 2, DatabaseWriter: Bool(r == "us-west-2"),
			CachePrimary: Bool(r == "us-west-2")}
		if r != "us-west-2" {
			h.ReplicaLagSeconds, h.CacheLagSeconds = Float(1), Float(0.5)
			h.ReplicaSource = "arn:aws:rds:us-west-2:123456789012:db:web-us-west-2"
		}
		c.Regions[r] = h
	}
	return c
}

// Set changes a region's health.
func (c *Cloud) Set(region string, f func(h *ops.RegionHealth)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := c.Regions[region]
	f(&h)
	c.Regions[region] = h
}

func (c *Cloud) fail(method string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.Err[method]
}

// Health implements ops.Cloud.
func (c *Cloud) Health(_ context.Context, region string, _ map[string]any) (ops.RegionHealth, error) {
	c.Calls.Add("health %s", region)
	if err := c.fail("health"); err != nil {
		return ops.RegionHealth{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.Regions[region]
	if !ok {
		return ops.RegionHealth{}, fmt.Errorf("%s does not answer", region)
	}
	return h, nil
}

// makeWriter makes the region named in an Aurora cluster ARN the writer.
func (c *Cloud) makeWriter(arn string) {
	parts := strings.Split(arn, ":")
	if len(parts) < 4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for r, h := range c.Regions {
		h.DatabaseWriter, h.ReplicaLagSeconds = Bool(r == parts[3]), Float(0)
		if r == parts[3] {
			h.ReplicaLagSeconds = nil
		}
		c.Regions[r] = h
	}
}

// SwitchoverAuroraGlobal implements ops.Cloud.
func (c *Cloud) SwitchoverAuroraGlobal(_ context.Context, homeRegion, globalClusterID, targetClusterARN string) error {
	c.Calls.Add("aurora-switchover %s %s %s", homeRegion, globalClusterID, targetClusterARN)
	if err := c.fail("aurora-switchover"); err != nil {
		return err
	}
	c.makeWriter(targetClusterARN)
	return nil
}

// FailoverAuroraGlobal implements ops.Cloud.
func (c *Cloud) FailoverAuroraGlobal(_ context.Context, callRegion, globalClusterID, targetClusterARN string) error {
	c.Calls.Add("aurora-failover %s %s %s", callRegion, globalClusterID, targetClusterARN)
	if err := c.fail("aurora-failover"); err != nil {
		return err
	}
	c.makeWriter(targetClusterARN)
	return nil
}

// FailoverCacheGlobal implements ops.Cloud.
func (c *Cloud) FailoverCacheGlobal(_ context.Context, callRegion, globalGroupID, targetRegion, targetGroupID string) error {
	c.Calls.Add("cache-failover %s %s %s %s", callRegion, globalGroupID, targetRegion, targetGroupID)
	if err := c.fail("cache-failover"); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for r, h := range c.Regions {
		h.CachePrimary = Bool(r == targetRegion)
		c.Regions[r] = h
	}
	return nil
}

// WaitReplicaLag implements ops.Cloud.
func (c *Cloud) WaitReplicaLag(_ context.Context, region, dbIdentifier string, maxSeconds float64, timeout time.Duration) error {
	c.Calls.Add("wait-lag %s %s %g", region, dbIdentifier, maxSeconds)
	return c.fail("wait-lag")
}

// PromoteReplica implements ops.Cloud.
func (c *Cloud) PromoteReplica(_ context.Context, region, dbIdentifier string) error {
	c.Calls.Add("promote %s %s", region, dbIdentifier)
	if err := c.fail("promote"); err != nil {
		return err
	}
	c.Set(region, func(h *ops.RegionHealth) { h.DatabaseWriter, h.ReplicaSource = Bool(true), "" })
	return nil
}

// Clock is a fake clock that moves Step forward on every reading.
type Clock struct {
	mu sync.Mutex
	t  time.Time
	// Step is how far each Now moves the clock. Default 1 s.
	Step time.Duration
}

// Now implements ops.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t.IsZero() {
		c.t = time.Date(2026, 1, 2, 3, 0, 0, 0, time.UTC)
	}
	step := c.Step
	if step == 0 {
		step = time.Second
	}
	c.t = c.t.Add(step)
	return c.t
}

// backupRestoreURN is the URN of a data tier child of the fake stack.
func backupRestoreURN(typ, name string) string {
	return "urn:pulumi:test::multiregion::multiregion:index:DataTier$" + typ + "::" + name
}

// dataTierDeletes are the steps of the retire of region's former writer: its data tier deleted.
func dataTierDeletes(region string) []ops.Step {
	var steps []ops.Step
	for _, c := range []struct{ typ, suffix string }{
		{"aws:rds/instance:Instance", "db"},
		{"aws:elasticache/replicationGroup:ReplicationGroup", "cache"},
		{"aws:rds/subnetGroup:SubnetGroup", "db"},
		{"aws:ec2/securityGroup:SecurityGroup", "db"},
		{"aws:ec2/securityGroup:SecurityGroup", "cache"},
	} {
		steps = append(steps, ops.Step{URN: backupRestoreURN(c.typ, "web-"+region+"-"+c.suffix), Type: c.typ, Op: "delete"})
	}
	return steps
}

// regionOutputs reads outputs.regions.<region>.
func regionOutputs(out map[string]any, region string) map[string]any {
	r, _ := out["regions"].(map[string]any)
	m, _ := r[region].(map[string]any)
	return m
}

// backupRestorePreview is the preview the stack program gives a backup-restore stack's settings
// against its last outputs: the restore of a primary without a database (its instance and cache
// created), the retire of a region whose database.rejoin is "rebuild" (its data tier deleted), the
// release's update, and otherwise one update when something changed since the last up.
func backupRestorePreview(st ops.Settings, out map[string]any, dirty bool) ops.Preview {
	var p ops.Preview
	if str(regionOutputs(out, st.PrimaryRegion)["dbIdentifier"]) == "" {
		p.Steps = append(p.Steps,
			ops.Step{URN: backupRestoreURN("aws:rds/instance:Instance", "web-"+st.PrimaryRegion+"-db"), Type: "aws:rds/instance:Instance", Op: "create"},
			ops.Step{URN: backupRestoreURN("aws:elasticache/replicationGroup:ReplicationGroup", "web-"+st.PrimaryRegion+"-cache"), Type: "aws:elasticache/replicationGroup:ReplicationGroup", Op: "create"})
	}
	rejoin, _ := st.Database["rejoin"].(map[string]any)
	for _, r := range slices.Sorted(maps.Keys(rejoin)) {
		held := str(regionOutputs(out, r)["dbIdentifier"]) != ""
		switch {
		case rejoin[r] == "rebuild" && held:
			p.Steps = append(p.Steps, dataTierDeletes(r)...)
		case rejoin[r] == "release" && held && dirty:
			p.Steps = append(p.Steps, ops.Step{URN: backupRestoreURN("aws:rds/instance:Instance", "web-"+r+"-db"), Type: "aws:rds/instance:Instance", Op: "update"})
		}
	}
	if len(p.Steps) == 0 && dirty {
		p.Steps = []ops.Step{{URN: "urn:pulumi:test::multiregion::aws:route53/record:Record::web-writer", Type: "aws:route53/record:Record", Op: "update"}}
	}
	return p
}

// linkBackupRestore is Link's up of a backup-restore stack. It runs inside Up, which holds the
// stack's lock: it replaces the outputs' region maps (never changes one a caller may hold).
func linkBackupRestore(stack *Stack, cloud *Cloud, s ops.Settings) {
	regions := map[string]any{}
	if r, ok := stack.Out["regions"].(map[string]any); ok {
		for k, v := range r {
			m, _ := v.(map[string]any)
			regions[k] = clone(m)
		}
	}
	region := func(r string) map[string]any {
		m, _ := regions[r].(map[string]any)
		if m == nil {
			m = map[string]any{}
			regions[r] = m
		}
		return m
	}
	p := s.PrimaryRegion
	if str(region(p)["dbIdentifier"]) == "" {
		region(p)["dbIdentifier"] = "web-" + p
		region(p)["dbArn"] = "arn:aws:rds:" + p + ":123456789012:db:web-" + p
	}
	rejoin, _ := s.Database["rejoin"].(map[string]any)
	for r, v := range rejoin {
		if v == "rebuild" && r != p {
			delete(region(r), "dbIdentifier")
			delete(region(r), "dbArn")
			cloud.Set(r, func(h *ops.RegionHealth) { h.DatabaseWriter, h.ReplicaSource, h.CachePrimary = nil, "", nil })
		}
	}
	if i := slices.Index(s.Regions, p); i >= 0 && len(s.Regions) > 1 {
		copyRegion := s.Regions[(i+1)%len(s.Regions)]
		b, _ := region(copyRegion)["replicatedDbBackups"].(map[string]any)
		b = clone(b)
		if b == nil {
			b = map[string]any{}
		}
		b[p] = "arn:aws:rds:" + copyRegion + ":123456789012:auto-backup:ab-web-" + p
		region(copyRegion)["replicatedDbBackups"] = b
	}
	stack.Out["regions"] = regions
	for _, r := range s.Regions {
		if slices.Contains(s.LostRegions, r) {
			continue
		}
		cloud.Set(r, func(h *ops.RegionHealth) {
			if r == p {
				h.DatabaseWriter, h.RunningTasks, h.DesiredTasks = Bool(true), 2, 2
			} else {
				h.RunningTasks, h.DesiredTasks = 0, 0
			}
		})
	}
}

// NewBackupRestoreStack is a fake backup-restore stack of prod's shape (drStrategy backup-restore,
// postgres, a cache): us-west-2 the primary and the only region with a database, us-east-1 its
// backup copy region holding its replicated automated backups, eu-west-1 a bare standby; an
// expected RTO of 5,020 s whose largest part is the restore. Its preview is the program's for the
// settings (backupRestorePreview); Link moves the fake cloud with its ups.
func NewBackupRestoreStack(name string) *Stack {
	s := NewStack(name, ops.EnginePostgres)
	s.State.Strategy = ops.StrategyBackupRestore
	regions := map[string]any{}
	for _, r := range s.State.Regions {
		m := map[string]any{"clusterArn": "arn:aws:ecs:" + r + ":123456789012:cluster/web-" + r, "role": "standby"}
		regions[r] = m
	}
	regions["us-west-2"].(map[string]any)["dbIdentifier"] = "web-us-west-2"
	regions["us-west-2"].(map[string]any)["dbArn"] = "arn:aws:rds:us-west-2:123456789012:db:web-us-west-2"
	regions["us-west-2"].(map[string]any)["role"] = "primary"
	regions["us-east-1"].(map[string]any)["replicatedDbBackups"] = map[string]any{
		"us-west-2": "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-web-us-west-2"}
	s.Out["regions"] = regions
	s.Out["drStrategy"] = ops.StrategyBackupRestore
	s.Out["expectedRto"] = map[string]any{"seconds": 5020.0, "parts": map[string]any{"detection": 90.0, "awsSideFailover": 0.0,
		"apply": 120.0, "restore": 4800.0, "capacity": 180.0, "writerName": 10.0}}
	s.Out["expectedRpo"] = map[string]any{"seconds": 600.0}
	s.Out["expectedRtoLostRegion"] = map[string]any{"seconds": 5020.0, "parts": map[string]any{"awsSideFailover": 0.0, "apply": 120.0, "restore": 4800.0}}
	return s
}

// NewBackupRestoreCloud is a healthy backup-restore data plane: us-west-2 the writer with two tasks
// and a standalone cache (no Global Datastore member); the standbys hold no database and no cache
// and run 0 of 0 tasks (an idle service).
func NewBackupRestoreCloud() *Cloud {
	c := &Cloud{Calls: &Calls{}, Regions: map[string]ops.RegionHealth{}, Err: map[string]error{}}
	for _, r := range []string{"us-west-2", "us-east-1", "eu-west-1"} {
		h := ops.RegionHealth{HealthCheckOK: Bool(true)}
		if r == "us-west-2" {
			h.RunningTasks, h.DesiredTasks, h.DatabaseWriter = 2, 2, Bool(true)
		}
		c.Regions[r] = h
	}
	return c
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
