package main

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/localcloud/emulator"
	"github.com/multiregion/multiregion/stacks"
)

// The lost-region drill (docs/lostregion.md), on the drill's one deployment:
//  1. dark: the region proxy stops answering for lost (the primary, and in prod the Global
//     Accelerator API's region); the operator sets primaryRegion to target and lostRegions to
//     [lost]; the preview and the up must send 0 requests to lost (a guard stops them at the
//     first one), leave every resource there as it is, and promote target's database. The RTO
//     is measured from "dark" to "target's database accepts writes and the writer name points
//     at it", polled from moto directly. Before the preview the stack's secrets provider moves to
//     its key's replica in target (docs/statebackend.md), as an operator's must;
//  2. return: lost answers again and leaves lostRegions; the up reconciles it as a standby,
//     whose tasks follow the writer name (the fence), then refresh and a no-change preview;
//  3. rejoin: the operator promotes the replicas that still followed lost (the runbook's
//     `aws rds promote-read-replica`), then database.rejoin.<region> release, then rebuild
//     (the only replacement allowed: those databases, after a final snapshot), then the rejoin
//     setting is removed, with refresh and a no-change preview.

// lostRun is what the phases of one lost-region drill share.
type lostRun struct {
	lost, target, service string
	// followers are the regions whose databases replicated from lost's (every other region).
	followers []string
	// dark is when lost went dark.
	dark time.Time
	// rto receives the measured RTO, or an error, once.
	rto chan error
	// measured is the RTO once known.
	measured time.Duration
	// stop ends the RTO poller.
	stop context.CancelFunc
}

// lostRegion returns the changes of the lost-region drill: lost goes dark, target becomes the
// primary, lost returns and rejoins; regions are every region of the stack.
func lostRegion(lost, target, service string, regions []string) []drill.Change {
	r := &lostRun{lost: lost, target: target, service: service, rto: make(chan error, 1)}
	for _, name := range regions {
		if name != lost && name != target {
			r.followers = append(r.followers, name)
		}
	}
	rejoining := append([]string{lost}, r.followers...)
	stateful := components.StatefulTypes()
	rejoin := func(step string) map[string]string {
		m := map[string]string{}
		for _, name := range rejoining {
			m[stacks.Namespace+":database.rejoin."+name] = step
		}
		return m
	}
	return []drill.Change{
		{
			Name:     "dark failover",
			Before:   r.goDark,
			Config:   map[string]string{stacks.Namespace + ":primaryRegion": target, stacks.Namespace + ":lostRegions[0]": lost},
			Stateful: stateful,
			Guard:    r.guard,
			Expect:   r.expectDark,
			Applied:  r.appliedDark,
			Check:    r.checkDark,
		},
		{
			Name:     "return",
			Before:   r.comeBack,
			Remove:   []string{stacks.Namespace + ":lostRegions"},
			Stateful: stateful,
			Check:    r.checkFenced,
			Settle:   true,
		},
		{
			Name:     "rejoin release",
			Before:   r.promoteFollowers,
			Config:   rejoin("release"),
			Stateful: stateful,
		},
		{
			Name:     "rejoin rebuild",
			Config:   rejoin("rebuild"),
			Stateful: stateful,
			Replaces: func(s drill.Step) bool { return s.Type == dbInstance && slices.Contains(rejoining, r.dbRegion(s.URN)) },
			Expect: func(_ context.Context, _ drill.Cloud, steps []drill.Step) error {
				return r.expectRebuilt(steps, rejoining)
			},
			Check: func(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap) error {
				return r.checkRejoined(ctx, cloud, outputs, rejoining)
			},
		},
		{
			Name:     "rejoin done",
			Remove:   []string{stacks.Namespace + ":database.rejoin"},
			Stateful: stateful,
			Settle:   true,
		},
	}
}

// dbRegion is the region of an RDS instance's URN (<service>-<region>-db), or "".
func (r *lostRun) dbRegion(urn string) string {
	_, name, ok := strings.Cut(urn, "::"+r.service+"-")
	if !ok || !strings.HasSuffix(name, "-db") || strings.Contains(name, "::") {
		return ""
	}
	return strings.TrimSuffix(name, "-db")
}

// goDark reads what the RTO poller needs, darkens lost and starts the poller.
func (r *lostRun) goDark(ctx context.Context, cloud drill.Cloud) error {
	out, err := cloud.Stack.Outputs(ctx)
	if err != nil {
		return fmt.Errorf("reading the stack's outputs: %w", err)
	}
	zone, _ := out["dataZone"].Value.(string)
	writer, _ := out["dbWriterName"].Value.(string)
	regions, _ := out["regions"].Value.(map[string]any)
	db, err := instance(ctx, cloud.Emulator, regions, r.target)
	if err != nil {
		return err
	}
	if zone == "" || writer == "" {
		return fmt.Errorf("outputs dataZone %q and dbWriterName %q must name the writer record", zone, writer)
	}
	cloud.Proxy.Darken(r.lost)
	r.dark = time.Now()
	cloud.Proxy.Reset()
	fmt.Printf("localcloud: lost region: %s is dark (its requests go unanswered); %s becomes the primary\n", r.lost, r.target)
	settings, err := cloud.Stack.Workspace().StackSettings(ctx, cloud.Stack.Name())
	if err != nil {
		return fmt.Errorf("reading the stack settings: %w", err)
	}
	if strings.HasPrefix(settings.SecretsProvider, "awskms://") {
		// The stack's secrets key is homed in the dark region: decrypt with its replica instead.
		moved := secretsURL(r.target, cloud.Proxy.URL())
		if err := drill.MoveSecretsProvider(ctx, cloud.Stack, cloud.Backend, cloud.Project, moved); err != nil {
			return err
		}
		fmt.Printf("localcloud: lost region: the stack's secrets provider now uses the key's replica in %s\n", r.target)
	}
	poll, stop := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Minute)
	r.stop = stop
	go func() { r.rto <- r.pollRTO(poll, cloud.Emulator, zone, writer, db) }()
	return nil
}

// pollRTO asks moto directly, every second, whether db accepts writes (standalone and available) and
// the writer name points at it; it records the time since dark when both hold.
func (r *lostRun) pollRTO(ctx context.Context, endpoint, zone, writer string, db emulator.DBInstance) error {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s never accepted writes through %s: %w", db.Identifier, writer, ctx.Err())
		case <-tick.C:
		}
		now, err := emulator.DescribeDBInstance(ctx, endpoint, r.target, db.Identifier)
		if err != nil || now.ReplicaSource != "" || now.Status != "available" {
			continue
		}
		values, err := emulator.RecordValues(ctx, endpoint, zone, writer)
		if err != nil || !slices.Contains(values, db.Address) {
			continue
		}
		r.measured = time.Since(r.dark)
		return nil
	}
}

// guard fails as soon as any request went to the dark region, answered or not.
func (r *lostRun) guard(cloud drill.Cloud) error {
	served, refused := cloud.Proxy.Counts()
	n := refused[r.lost]
	for _, c := range served[r.lost] {
		n += c
	}
	if n > 0 {
		return fmt.Errorf("%d requests went to the dark region %s (served %v, refused %d); a lost region must get none",
			n, r.lost, served[r.lost], refused[r.lost])
	}
	return nil
}

// providerRegion is the region of the AWS provider that performs a step ("" for a step with no AWS
// provider: components, providers themselves).
var providerRegion = regexp.MustCompile(`pulumi:providers:aws::aws-([a-z0-9-]+)::`)

// regionOf is the region whose provider performs step s, or "(none)".
func regionOf(s drill.Step) string {
	if m := providerRegion.FindStringSubmatch(s.Provider); m != nil {
		return m[1]
	}
	return "(none)"
}

// frozen fails if a step on the lost region's provider would change anything.
func (r *lostRun) frozen(steps []drill.Step) error {
	var moved []string
	for _, s := range steps {
		if regionOf(s) == r.lost && s.Op != apitype.OpSame {
			moved = append(moved, fmt.Sprintf("%s %s %v", s.Op, s.URN, s.Diffs))
		}
	}
	if len(moved) > 0 {
		return fmt.Errorf("%d resources of the lost region %s would change: %s", len(moved), r.lost, strings.Join(moved, "; "))
	}
	return nil
}

// perRegion counts, per region, the steps that change something, and prints them with the
// requests the proxy served per region and service.
func perRegion(label string, steps []drill.Step, cloud drill.Cloud) {
	type counts struct{ changed, kept int }
	byRegion := map[string]counts{}
	for _, s := range steps {
		c := byRegion[regionOf(s)]
		if s.Op == apitype.OpSame {
			c.kept++
		} else {
			c.changed++
		}
		byRegion[regionOf(s)] = c
	}
	for _, name := range slices.Sorted(maps.Keys(byRegion)) {
		c := byRegion[name]
		fmt.Printf("localcloud: %s: region %-10s resources changed %3d, unchanged %3d\n", label, name, c.changed, c.kept)
	}
	served, refused := cloud.Proxy.Counts()
	for _, name := range slices.Sorted(maps.Keys(served)) {
		total := 0
		for _, c := range served[name] {
			total += c
		}
		fmt.Printf("localcloud: %s: requests to %-10s %5d since the phase began  %v\n", label, name, total, served[name])
	}
	for _, name := range slices.Sorted(maps.Keys(refused)) {
		fmt.Printf("localcloud: %s: requests refused in %s: %d\n", label, name, refused[name])
	}
}

// darkCount prints the requests the dark region got (the guard already stopped the phase at the
// first one, so this is 0).
func (r *lostRun) darkCount(label string, cloud drill.Cloud) {
	served, refused := cloud.Proxy.Counts()
	n := 0
	for _, c := range served[r.lost] {
		n += c
	}
	fmt.Printf("localcloud: %s: requests to %s (dark): %d answered, %d unanswered\n", label, r.lost, n, refused[r.lost])
}

// expectDark checks the dark preview: the target's database is promoted in place and nothing of the
// lost region changes.
func (r *lostRun) expectDark(_ context.Context, cloud drill.Cloud, steps []drill.Step) error {
	perRegion("dark failover preview", steps, cloud)
	r.darkCount("dark failover preview", cloud)
	if err := promotes(steps, r.service, r.target); err != nil {
		return err
	}
	return r.frozen(steps)
}

// appliedDark checks the dark up's steps as the preview's.
func (r *lostRun) appliedDark(_ context.Context, cloud drill.Cloud, steps []drill.Step) error {
	perRegion("dark failover up", steps, cloud)
	r.darkCount("dark failover up", cloud)
	return r.frozen(steps)
}

// checkDark checks the outputs and the emulator after the dark up, and reports the RTO.
func (r *lostRun) checkDark(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap) error {
	if err := checkPromoted(ctx, cloud.Emulator, outputs, r.target, r.lost); err != nil {
		return err
	}
	regions, _ := outputs["regions"].Value.(map[string]any)
	if lost, _ := regions[r.lost].(map[string]any)["lost"].(bool); !lost {
		return fmt.Errorf("output regions.%s.lost must be true while it is in lostRegions", r.lost)
	}
	select {
	case err := <-r.rto:
		r.stop()
		if err != nil {
			return err
		}
	case <-time.After(2 * time.Minute):
		r.stop()
		return fmt.Errorf("2 min after the up, %s's database still does not accept writes through the writer name", r.target)
	}
	fmt.Printf("localcloud: lost region: RTO %s: from %s going dark to %s's database accepting writes with the writer name pointing at it\n",
		r.measured.Round(time.Second), r.lost, r.target)
	return nil
}

// comeBack makes the lost region answer again.
func (r *lostRun) comeBack(_ context.Context, cloud drill.Cloud) error {
	cloud.Proxy.Restore(r.lost)
	cloud.Proxy.Reset()
	fmt.Printf("localcloud: lost region: %s answers again; it leaves lostRegions\n", r.lost)
	return nil
}

// checkFenced checks, once the region is back and reconciled as a standby, that its old writer is
// still there (not yet rejoined) and fenced: the writer name points at the new primary, which every
// region's tasks write through.
func (r *lostRun) checkFenced(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap) error {
	regions, _ := outputs["regions"].Value.(map[string]any)
	for name, v := range regions {
		role, _ := v.(map[string]any)["role"].(string)
		if want := name == r.target; want != (role == string(components.RolePrimary)) {
			return fmt.Errorf("output regions.%s.role = %q after the return", name, role)
		}
		if lost, _ := v.(map[string]any)["lost"].(bool); lost {
			return fmt.Errorf("output regions.%s.lost is still true", name)
		}
	}
	old, err := instance(ctx, cloud.Emulator, regions, r.lost)
	if err != nil {
		return fmt.Errorf("the old writer: %w", err)
	}
	primary, err := instance(ctx, cloud.Emulator, regions, r.target)
	if err != nil {
		return err
	}
	zone, _ := outputs["dataZone"].Value.(string)
	writer, _ := outputs["dbWriterName"].Value.(string)
	values, err := emulator.RecordValues(ctx, cloud.Emulator, zone, writer)
	if err != nil {
		return err
	}
	if !slices.Equal(values, []string{primary.Address}) {
		return fmt.Errorf("the writer name %s = %v, want only %s (the new primary)", writer, values, primary.Address)
	}
	fmt.Printf("localcloud: lost region: %s's old writer %s is back (source %q) and fenced: %s -> %s\n",
		r.lost, old.Identifier, old.ReplicaSource, writer, primary.Address)
	return nil
}

// promoteFollowers promotes the databases that still replicated from the lost region's, as the
// runbook's operator does before the rejoin (their source is stale anyway).
func (r *lostRun) promoteFollowers(ctx context.Context, cloud drill.Cloud) error {
	out, err := cloud.Stack.Outputs(ctx)
	if err != nil {
		return fmt.Errorf("reading the stack's outputs: %w", err)
	}
	regions, _ := out["regions"].Value.(map[string]any)
	for _, name := range r.followers {
		db, err := instance(ctx, cloud.Emulator, regions, name)
		if err != nil {
			return err
		}
		if db.ReplicaSource == "" {
			continue
		}
		if err := emulator.PromoteReadReplica(ctx, cloud.Emulator, name, db.Identifier); err != nil {
			return err
		}
		fmt.Printf("localcloud: rejoin: promoted %s in %s (it replicated from %s), as the runbook says\n", db.Identifier, name, db.ReplicaSource)
	}
	return nil
}

// expectRebuilt checks the rebuild's preview: exactly the rejoining regions' databases are replaced.
func (r *lostRun) expectRebuilt(steps []drill.Step, rejoining []string) error {
	replaced := map[string]bool{}
	for _, s := range steps {
		if s.Type != dbInstance {
			continue
		}
		if s.Op == apitype.OpReplace || s.Op == apitype.OpCreateReplacement {
			replaced[r.dbRegion(s.URN)] = true
		}
	}
	for _, name := range rejoining {
		if !replaced[name] {
			return fmt.Errorf("the rebuild does not replace the database of %s", name)
		}
	}
	if len(replaced) != len(rejoining) {
		return fmt.Errorf("the rebuild replaces the databases of %v, want only %v", slices.Sorted(maps.Keys(replaced)), rejoining)
	}
	return nil
}

// checkRejoined checks that every rebuilt database replicates from the new primary, and that the
// one that was the writer left its final snapshot (the writes that never replicated).
func (r *lostRun) checkRejoined(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap, rejoining []string) error {
	regions, _ := outputs["regions"].Value.(map[string]any)
	primary, err := instance(ctx, cloud.Emulator, regions, r.target)
	if err != nil {
		return err
	}
	for _, name := range rejoining {
		db, err := instance(ctx, cloud.Emulator, regions, name)
		if err != nil {
			return err
		}
		if db.ReplicaSource != primary.ARN && db.ReplicaSource != primary.Identifier {
			return fmt.Errorf("%s in %s replicates from %q, want the new primary %s", db.Identifier, name, db.ReplicaSource, primary.ARN)
		}
	}
	old, _ := regions[r.lost].(map[string]any)
	id, _ := old["dbIdentifier"].(string)
	snap, err := emulator.DescribeDBSnapshot(ctx, cloud.Emulator, r.lost, id+"-before-rejoin")
	if err != nil {
		return fmt.Errorf("the old writer's final snapshot: %w", err)
	}
	fmt.Printf("localcloud: rejoin: %v replicate from %s; the old writer's final snapshot %s is kept\n", rejoining, primary.Identifier, snap.Identifier)
	return nil
}
