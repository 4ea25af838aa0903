package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/awscloud"
)

// The lost-region drill through the operator command (cmd/multiregion-ops, package ops): the dark
// failover is `multiregion-ops failover --to target --lost lost`, the return and the rejoin are
// `multiregion-ops rejoin`, run on the drill's own stack (pulumistack.New over its auto.Stack) and
// against moto through the drill's region proxy (awscloud.WithEndpoint), so the proxy counts the
// command's own AWS calls too and the dark region must get none of them. The drill keeps its own
// checks, per stage of the command: the dark preview promotes target in place and freezes lost,
// the RTO, the fence after the return, the rebuild replacing exactly the stale databases, and a
// refresh with a no-change preview at the end.

// notServed is an ops.Cloud over the real awscloud.Cloud that replaces the engine steps the
// emulator cannot serve with a recorded no-op: an Aurora global cluster's switchover and failover
// (moto has no global cluster switchover or failover), and, unless cache is set, the Global
// Datastore's failover (moto has none; the local tier's fake_elasticache.py serves one, which a full
// drill has not yet exercised through the command). Every substitution is printed and recorded;
// the unit tests of ops (ops/opstest) and awscloud (an httptest AWS) cover those steps instead.
type notServed struct {
	ops.Cloud
	cache bool

	mu       sync.Mutex
	recorded []string
}

// record notes a step the emulator did not serve.
func (n *notServed) record(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	n.mu.Lock()
	n.recorded = append(n.recorded, msg)
	n.mu.Unlock()
	fmt.Printf("localcloud: ops: NOT SERVED BY THE EMULATOR (recorded no-op): %s\n", msg)
}

// Recorded returns the steps replaced by a no-op so far.
func (n *notServed) Recorded() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.recorded)
}

// SwitchoverAuroraGlobal implements ops.Cloud: not served by the emulator.
func (n *notServed) SwitchoverAuroraGlobal(_ context.Context, homeRegion, globalClusterID, targetClusterARN string) error {
	n.record("aurora switchover of %s to %s from %s", globalClusterID, targetClusterARN, homeRegion)
	return nil
}

// FailoverAuroraGlobal implements ops.Cloud: not served by the emulator.
func (n *notServed) FailoverAuroraGlobal(_ context.Context, callRegion, globalClusterID, targetClusterARN string) error {
	n.record("aurora failover of %s to %s in %s", globalClusterID, targetClusterARN, callRegion)
	return nil
}

// FailoverCacheGlobal implements ops.Cloud: a no-op unless cache is set (then the local fake).
func (n *notServed) FailoverCacheGlobal(ctx context.Context, callRegion, globalGroupID, targetRegion, targetGroupID string) error {
	if n.cache {
		if err := n.Cloud.FailoverCacheGlobal(ctx, callRegion, globalGroupID, targetRegion, targetGroupID); err != nil {
			return fmt.Errorf("the emulator's Global Datastore (fake_elasticache.py): %w", err)
		}
		return nil
	}
	n.record("cache failover of the Global Datastore %s to %s (%s), called in %s", globalGroupID, targetGroupID, targetRegion, callRegion)
	return nil
}

// opsCloud is the real awscloud.Cloud against moto at endpoint (the drill's region proxy), wrapped
// in notServed.
func opsCloud(ctx context.Context, endpoint string, cache bool) (*notServed, error) {
	c, err := awscloud.New(ctx,
		awscloud.WithEndpoint(endpoint),
		awscloud.WithCloudWatchQueryProtocol(), // moto 5.2 serves CloudWatch's query protocol only
		awscloud.WithPollInterval(2*time.Second),
		awscloud.WithTimeout(10*time.Minute),
		awscloud.WithLoadOptions(
			config.WithRegion("us-east-1"),
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("localcloud", "localcloud", "")),
			// The region proxy injects faults: retry as the providers do.
			config.WithRetryMaxAttempts(10),
		))
	if err != nil {
		return nil, fmt.Errorf("the operator command's AWS client: %w", err)
	}
	return &notServed{Cloud: c, cache: cache}, nil
}

// runOps builds and runs the plan of req on run's stack, prints each phase's measured time and
// writes the report (JSON and text) into the drill's state directory as ops-<name>.json.
func runOps(ctx context.Context, run *drill.OpsRun, req ops.Request, name string, cache bool) error {
	cloud, err := opsCloud(ctx, run.Cloud.Proxy.URL(), cache)
	if err != nil {
		return err
	}
	opts := ops.Options{Out: os.Stdout, Yes: true, LagTimeout: 5 * time.Minute}
	plan, err := ops.NewPlan(ctx, run.Stack, req, opts)
	if err != nil {
		return fmt.Errorf("multiregion-ops %s: %w", req.Command, err)
	}
	report, runErr := ops.Execute(ctx, plan, run.Stack, cloud, opts)
	if report != nil {
		if rec := cloud.Recorded(); len(rec) > 0 {
			for i := range report.Phases {
				p := &report.Phases[i]
				if p.Kind == ops.KindCloud && p.Result == ops.ResultDone && (strings.HasPrefix(p.Name, "aurora") || strings.HasPrefix(p.Name, "cache")) {
					p.Details = "not served by the emulator: recorded no-op (" + strings.Join(rec, "; ") + ")"
				}
			}
		}
		path := filepath.Join(run.StateDir, "ops-"+name+".json")
		if err := ops.SaveReport(path, report, report); err != nil {
			return fmt.Errorf("multiregion-ops %s: %w", req.Command, err)
		}
		for _, p := range report.Phases {
			fmt.Printf("localcloud: ops %s: %-40s %-12s %7.1fs  %s\n", req.Command, p.Name, p.Result, p.DurationSeconds, firstLine(p.Details))
		}
		fmt.Printf("localcloud: ops %s: %s in %.1fs; report %s (and .txt)\n", req.Command, report.Result, report.DurationSeconds, path)
	}
	if runErr != nil {
		return fmt.Errorf("multiregion-ops %s: %w", req.Command, runErr)
	}
	return nil
}

// firstLine is s up to its first newline, at most 160 characters.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// lostRegionOps returns the changes of the lost-region drill run through the operator command:
// `failover --to target --lost lost`, then `rejoin` (return, promote the stale replicas, release,
// rebuild, normal). cache makes the command's cache failover call the emulator's fake Global
// Datastore instead of recording a no-op.
func lostRegionOps(lost, target, service string, regions []string, cache bool) []drill.Change {
	r := &lostRun{lost: lost, target: target, service: service, rto: make(chan error, 1)}
	for _, name := range regions {
		if name != lost && name != target {
			r.followers = append(r.followers, name)
		}
	}
	rejoining := append([]string{lost}, r.followers...)
	stateful := components.StatefulTypes()
	return []drill.Change{
		{
			Name:     "dark failover",
			Before:   r.goDark,
			Stateful: stateful,
			Guard:    r.guard,
			Stages: map[string]drill.OpsStage{
				"dark failover": {Expect: r.expectDark, Applied: r.appliedDark, Check: r.checkDark},
			},
			Ops: func(ctx context.Context, run *drill.OpsRun) error {
				req := ops.Request{Command: ops.CommandFailover, To: target, Lost: []string{lost}}
				if err := runOps(ctx, run, req, "failover", cache); err != nil {
					return err
				}
				r.darkCount("dark failover (the whole command)", run.Cloud)
				return nil
			},
		},
		{
			Name:     "rejoin",
			Before:   r.comeBack,
			Stateful: stateful,
			Stage:    rejoinStage,
			Stages: map[string]drill.OpsStage{
				"return": {Check: r.checkFenced},
				"rejoin rebuild": {
					Replaces: func(s drill.Step) bool { return s.Type == dbInstance && slices.Contains(rejoining, r.dbRegion(s.URN)) },
					Expect: func(_ context.Context, _ drill.Cloud, steps []drill.Step) error {
						return r.expectRebuilt(steps, rejoining)
					},
					Check: func(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap) error {
						return r.checkRejoined(ctx, cloud, outputs, rejoining)
					},
				},
			},
			Ops: func(ctx context.Context, run *drill.OpsRun) error {
				return runOps(ctx, run, ops.Request{Command: ops.CommandRejoin}, "rejoin", cache)
			},
			Settle: true,
		},
	}
}

// rejoinStage names the stage of the rejoin command a config write starts: the return (lostRegions
// written), then the rejoin's release, rebuild and done (database.rejoin written).
func rejoinStage(values map[string]string) string {
	if _, ok := values[ops.KeyLostRegions]; ok {
		return "return"
	}
	v, ok := values[ops.KeyDatabase]
	if !ok {
		return ""
	}
	var db map[string]any
	if err := json.Unmarshal([]byte(v), &db); err != nil {
		return ""
	}
	rejoin, _ := db["rejoin"].(map[string]any)
	for _, step := range []string{"rebuild", "release"} {
		for _, s := range rejoin {
			if s == step {
				return "rejoin " + step
			}
		}
	}
	return "rejoin done"
}
