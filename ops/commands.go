package ops

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Commands.
const (
	// CommandStatus shows the regions (read only).
	CommandStatus = "status"
	// CommandSwitchover is a planned switchover (RPO 0).
	CommandSwitchover = "switchover"
	// CommandFailover is an unplanned failover, optionally marking regions lost.
	CommandFailover = "failover"
	// CommandFailback returns regions, rejoins stale RDS standbys and switches over back.
	CommandFailback = "failback"
	// CommandRejoin returns regions and rejoins stale RDS standbys as replicas of the primary.
	CommandRejoin = "rejoin"
	// CommandGameDay is a switchover there and back on a non-production stack.
	CommandGameDay = "gameday"
)

// Request is what the operator asked for.
type Request struct {
	// Command is one of the Command constants (not status).
	Command string
	// To is the target region (switchover, failover, failback, gameday).
	To string
	// Lost are the regions to mark lost (failover).
	Lost []string
	// Rejoin narrows the regions to return and rejoin (failback, rejoin); empty: every standby.
	Rejoin []string
	// RestoreFrom is the backup a backup-restore stack's new writer is restored from (switchover,
	// failover, failback): RestoreLatest, an RFC 3339 time, or a DB snapshot ARN in To. Required on a
	// backup-restore stack whose target holds no database; refused on another strategy (in a fleet
	// it applies to the backup-restore stacks only).
	RestoreFrom string
}

// neverLost is the region lostRegions may not hold (docs/lostregion.md): the edge is managed there.
const neverLost = "us-east-1"

func refuse(format string, args ...any) error {
	return &RefusalError{Phase: "request", Reasons: []string{fmt.Sprintf(format, args...)}}
}

// NewPlan reads the stack and builds the plan of req. It refuses a request that cannot be right
// whatever the cloud says (an unknown region, a lost target, us-east-1 lost, a game day on
// production); the pre-checks that read the cloud run as the plan's first phase.
func NewPlan(ctx context.Context, stack Stack, req Request, opts Options) (*Plan, error) {
	return newPlan(ctx, stack, req, opts, false)
}

// newPlan is NewPlan; in a fleet (fleet true) a --restore-from meant for the fleet's backup-restore
// stacks is ignored, with a note, by its other stacks.
func newPlan(ctx context.Context, stack Stack, req Request, opts Options, fleet bool) (*Plan, error) {
	opts = opts.withDefaults()
	s, err := stack.Settings(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the settings of %s: %w", stack.Name(), err)
	}
	o, err := stack.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the outputs of %s: %w", stack.Name(), err)
	}
	t := topology{s: s, outputs: o}
	p := &Plan{Command: req.Command, Stack: stack.Name(), Target: req.To, topo: t}
	needTarget := req.Command != CommandRejoin
	if needTarget && !slices.Contains(s.Regions, req.To) {
		return nil, refuse("--to %q is not a region of %s (regions: %s)", req.To, stack.Name(), strings.Join(s.Regions, ", "))
	}
	for _, r := range req.Rejoin {
		if !slices.Contains(s.Regions, r) {
			return nil, refuse("--rejoin %q is not a region of %s (regions: %s)", r, stack.Name(), strings.Join(s.Regions, ", "))
		}
	}
	if err := checkStrategyChange(t, stack.Name()); err != nil {
		return nil, err
	}
	restore := ""
	switch req.Command {
	case CommandSwitchover, CommandFailover, CommandFailback:
		note, err := checkRestoreRequest(t, stack.Name(), req, opts.Clock.Now(), fleet, req.Command == CommandFailback)
		if err != nil {
			return nil, err
		}
		if note != "" {
			p.Notes = append(p.Notes, note)
		}
		if t.backupRestore() {
			restore = req.RestoreFrom
			p.RestoreFrom = restore
		}
	case CommandRejoin, CommandGameDay:
		if req.RestoreFrom != "" {
			return nil, refuse("--restore-from applies to switchover, failover and failback, not to %s", req.Command)
		}
	}
	switch req.Command {
	case CommandSwitchover:
		p.Phases = switchoverPhases(t, req.To, restore)
		p.Notes = append(p.Notes, switchoverNotes(t)...)
		if req.To != t.deployedPrimary() {
			p.Notes = append(p.Notes, restoreNotes(t, req.To, restore, false)...)
		}
	case CommandFailover:
		if err := checkLost(t, req); err != nil {
			return nil, err
		}
		p.Lost = slices.Clone(req.Lost)
		p.Phases = failoverPhases(t, req.To, req.Lost, restore)
		if t.backupRestore() {
			if req.To != t.deployedPrimary() {
				p.Notes = append(p.Notes, restoreNotes(t, req.To, restore, len(req.Lost) > 0)...)
			}
		} else {
			p.Notes = append(p.Notes, "an unplanned failover loses the writes not yet replicated: the target's replica lag at the moment of the loss (expectedRpo)")
		}
	case CommandRejoin:
		p.Phases = returnPhases(t, req.Rejoin)
		p.Phases = append(p.Phases, rejoinPhases(t, "rejoin: ", req.Rejoin)...)
		if t.backupRestore() {
			p.Notes = append(p.Notes, retireNotes(t, req.Rejoin)...)
		}
	case CommandFailback:
		p.Phases = failbackPhases(t, req, restore)
		p.Notes = append(p.Notes, switchoverNotes(t)...)
		if t.backupRestore() {
			p.Notes = append(p.Notes, retireNotes(t, failbackRetire(req))...)
			p.Notes = append(p.Notes, restoreNotes(t, req.To, restore, false)...)
		}
	case CommandGameDay:
		if t.backupRestore() {
			return nil, gameDayBackupRestore(stack.Name(), s.PrimaryRegion, req.To)
		}
		if err := checkNotProduction(stack.Name(), s, opts); err != nil {
			return nil, err
		}
		if req.To == s.PrimaryRegion {
			return nil, refuse("--to %s is already the primary of %s: a game day switches over to a standby and back", req.To, stack.Name())
		}
		p.Phases = gameDayPhases(t, req.To)
		p.Notes = switchoverNotes(t)
	default:
		return nil, fmt.Errorf("unknown command %q (allowed: %s, %s, %s, %s, %s)", req.Command,
			CommandSwitchover, CommandFailover, CommandFailback, CommandRejoin, CommandGameDay)
	}
	return p, nil
}

// checkStrategyChange refuses a command on a stack whose configuration changes drStrategy to or
// from backup-restore against its last deployment (output drStrategy): the program refuses that
// change on a deployed stack (it would delete or re-create every standby's database), so every up
// of the command would fail.
func checkStrategyChange(t topology, stack string) error {
	deployed := str(t.outputs["drStrategy"])
	if deployed == "" || t.s.Strategy == "" || deployed == t.s.Strategy {
		return nil
	}
	if deployed != StrategyBackupRestore && t.s.Strategy != StrategyBackupRestore {
		return nil
	}
	return refuse("the configuration of %s changes drStrategy from %s (deployed) to %s: the program refuses a change to or from %s on a deployed stack; "+
		"restore the configured strategy, or deploy the new one as a new stack and move the traffic (docs/datatier.md, \"Backup and restore\")",
		stack, deployed, t.s.Strategy, StrategyBackupRestore)
}

// checkLost refuses a --lost list holding the target, us-east-1, a region outside the stack or a
// region twice.
func checkLost(t topology, req Request) error {
	var reasons []string
	seen := map[string]bool{}
	for _, l := range req.Lost {
		switch {
		case l == req.To:
			reasons = append(reasons, fmt.Sprintf("--lost %s is the target: the new primary must answer", l))
		case l == neverLost:
			reasons = append(reasons, fmt.Sprintf("--lost %s: Route 53, CloudFront, the edge certificates and the data names are managed there; a program that cannot reach it cannot move the service (docs/lostregion.md)", l))
		case !slices.Contains(t.s.Regions, l):
			reasons = append(reasons, fmt.Sprintf("--lost %q is not a region of the stack (regions: %s)", l, strings.Join(t.s.Regions, ", ")))
		case seen[l]:
			reasons = append(reasons, fmt.Sprintf("--lost %s is given twice", l))
		}
		seen[l] = true
	}
	if len(reasons) > 0 {
		return &RefusalError{Phase: "request", Reasons: reasons}
	}
	return nil
}

// checkNotProduction refuses a game day on a stack named "...prod" or with protect on, unless the
// operator said --i-know-this-is-production.
func checkNotProduction(name string, s Settings, opts Options) error {
	if opts.Production {
		return nil
	}
	var reasons []string
	if strings.HasSuffix(name, "prod") {
		reasons = append(reasons, fmt.Sprintf("the stack %s is named as production", name))
	}
	if s.Protect {
		reasons = append(reasons, fmt.Sprintf("the stack %s has multiregion:protect true", name))
	}
	if len(reasons) == 0 {
		return nil
	}
	reasons = append(reasons, "a game day switches a non-production stack over and back; pass --i-know-this-is-production to run it anyway")
	return &RefusalError{Phase: "request", Reasons: reasons}
}

func switchoverNotes(t topology) []string {
	var n []string
	if !t.aurora() && !t.backupRestore() {
		n = append(n, "RDS: stop or drain writes to the primary (scale its service to 0 or set it read-only) before confirming: the switchover waits for the target's replica lag to reach 0, then the up promotes it")
		n = append(n, "RDS: after the promotion every other region's instance is stale; rejoin them (the rejoin command) before switching over to them")
	}
	return n
}

// prefixed names a sequence of phases, for a plan that holds several (failback, game day).
func prefixed(prefix string, phases []Phase) []Phase {
	out := make([]Phase, len(phases))
	for i, ph := range phases {
		ph.Name = prefix + ph.Name
		out[i] = ph
	}
	return out
}

// auroraPhase is the Aurora global cluster's step (switchover or failover, by call) to the cluster in
// to, called in region; verb names it in errors ("switching", "failing").
func auroraPhase(name, region, to, does, verb string, call func(c Cloud, ctx context.Context, region, global, targetARN string) error) Phase {
	return Phase{
		Name: name, Kind: KindCloud, Mutates: true, Region: region, Part: "awsSideFailover",
		Does: does,
		done: writerIn(to),
		run: func(ctx context.Context, x *execution) (string, error) {
			t, err := x.topology(ctx)
			if err != nil {
				return "", err
			}
			arn, err := t.auroraClusterARN(to)
			if err != nil {
				return "", err
			}
			if err := call(x.cloud, ctx, region, t.globalName(), arn); err != nil {
				return "", fmt.Errorf("%s %s over to %s: %w", verb, t.globalName(), arn, err)
			}
			return arn + " is the writer", nil
		},
	}
}

// --- switchover ---

func switchoverPhases(t topology, to, restoreFrom string) []Phase {
	phases := []Phase{switchoverChecks(t, to)}
	if t.backupRestore() {
		// No replica to wait for, no global resource to fail over: the up restores the writer.
		return append(phases, restoreMovePhases(t, to, nil, restoreFrom)...)
	}
	if t.aurora() {
		does := fmt.Sprintf("switch the global cluster %s over to %s (RPO 0), from %s, and wait until it is the writer", t.globalName(), to, homeRegion(t))
		phases = append(phases, auroraPhase("aurora switchover", homeRegion(t), to, does, "switching", Cloud.SwitchoverAuroraGlobal))
	} else {
		phases = append(phases, Phase{
			Name: "wait replica lag 0", Kind: KindCloud, Region: to,
			Does: fmt.Sprintf("wait until the replica %s reports a lag of 0 (writes stopped by the operator)", t.dbIdentifier(to)),
			done: primaryIs(to),
			run: func(ctx context.Context, x *execution) (string, error) {
				id := x.plan.topo.dbIdentifier(to)
				if err := x.cloud.WaitReplicaLag(ctx, to, id, 0, x.opts.LagTimeout); err != nil {
					return "", fmt.Errorf("waiting for the replica lag of %s in %s to reach 0: %w", id, to, err)
				}
				return id + " lag 0", nil
			},
		})
	}
	if t.s.Cache {
		phases = append(phases, cachePhase(t, to, t.s.PrimaryRegion))
	}
	return append(phases,
		configPhase("set primaryRegion", "set "+KeyPrimaryRegion+" to "+to, setPrimary(to, nil)),
		previewPhase("guarded preview", nil),
		upPhase("up", "apply"),
		verifyPhase("verify", to),
	)
}

// homeRegion is where the global resources are managed (dataHomeRegion, else the primary).
func homeRegion(t topology) string {
	if t.s.DataHomeRegion != "" {
		return t.s.DataHomeRegion
	}
	return t.s.PrimaryRegion
}

func cachePhase(t topology, to, callRegion string) Phase {
	return Phase{
		Name: "cache failover", Kind: KindCloud, Mutates: true, Region: callRegion,
		Does: fmt.Sprintf("make %s the primary of the Global Datastore %s, from %s, and wait", t.cacheGroupID(to), t.globalName(), callRegion),
		done: func(ctx context.Context, x *execution) (bool, string, error) {
			h, err := health(ctx, x, to)
			if err != nil {
				return false, "", err
			}
			return h.CachePrimary != nil && *h.CachePrimary, to + " is the cache primary", nil
		},
		run: func(ctx context.Context, x *execution) (string, error) {
			if err := x.cloud.FailoverCacheGlobal(ctx, callRegion, t.globalName(), to, t.cacheGroupID(to)); err != nil {
				return "", fmt.Errorf("failing the Global Datastore %s over to %s: %w", t.globalName(), to, err)
			}
			return t.cacheGroupID(to) + " is the cache primary", nil
		},
	}
}

// health reads region's health with the stack's current outputs.
func health(ctx context.Context, x *execution, region string) (RegionHealth, error) {
	o, err := x.stack.Outputs(ctx)
	if err != nil {
		return RegionHealth{}, fmt.Errorf("reading the outputs of %s: %w", x.stack.Name(), err)
	}
	h, err := x.cloud.Health(ctx, region, o)
	if err != nil {
		return RegionHealth{}, fmt.Errorf("reading the health of %s: %w", region, err)
	}
	return h, nil
}

// writerIn is done when region's database is the writer (Aurora: the global cluster's writer).
func writerIn(region string) func(context.Context, *execution) (bool, string, error) {
	return func(ctx context.Context, x *execution) (bool, string, error) {
		h, err := health(ctx, x, region)
		if err != nil {
			return false, "", err
		}
		return h.DatabaseWriter != nil && *h.DatabaseWriter, region + " is already the writer", nil
	}
}

// primaryIs is done when the configuration already names region the primary.
func primaryIs(region string) func(context.Context, *execution) (bool, string, error) {
	return func(ctx context.Context, x *execution) (bool, string, error) {
		s, err := x.stack.Settings(ctx)
		if err != nil {
			return false, "", fmt.Errorf("reading the settings of %s: %w", x.stack.Name(), err)
		}
		return s.PrimaryRegion == region, region + " is already primaryRegion", nil
	}
}

// setPrimary sets primaryRegion to, and adds lost to lostRegions, in one write.
func setPrimary(to string, lost []string) configChange {
	return func(t topology, _ *execution) (map[string]string, map[string]string, error) {
		values, old := map[string]string{}, map[string]string{}
		if t.s.PrimaryRegion != to {
			values[KeyPrimaryRegion], old[KeyPrimaryRegion] = to, t.s.PrimaryRegion
		}
		merged := slices.Clone(t.s.LostRegions)
		for _, l := range lost {
			if !slices.Contains(merged, l) {
				merged = append(merged, l)
			}
		}
		if len(merged) != len(t.s.LostRegions) {
			values[KeyLostRegions], old[KeyLostRegions] = jsonList(merged), jsonList(t.s.LostRegions)
		}
		return values, old, nil
	}
}

// switchoverChecks are a planned switchover's pre-checks; done (nothing to check) when the target
// is already the primary, so that a re-run after a completed switchover changes nothing.
func switchoverChecks(t topology, to string) Phase {
	does := "refuse unless no region is lost, no alarm is in ALARM, the target's replica lag is under the threshold, the target is healthy and (RDS) replicates from the primary"
	if t.backupRestore() {
		does = "refuse unless no region is lost, no alarm is in ALARM, the target is healthy (its idle service steady) and holds no kept former writer (backup-restore: no replica, no lag to check)"
	}
	return Phase{
		Name: "pre-checks", Kind: KindCheck,
		Does: does,
		done: primaryIs(to),
		run: func(ctx context.Context, x *execution) (string, error) {
			t, err := x.topology(ctx)
			if err != nil {
				return "", err
			}
			var reasons []string
			if len(t.s.LostRegions) > 0 {
				reasons = append(reasons, fmt.Sprintf("regions are lost (%s): a planned switchover needs every region; use failover", strings.Join(t.s.LostRegions, ", ")))
				return "", &RefusalError{Reasons: reasons}
			}
			healths := map[string]RegionHealth{}
			for _, r := range t.s.Regions {
				h, err := x.cloud.Health(ctx, r, t.outputs)
				if err != nil {
					return "", fmt.Errorf("reading the health of %s: %w", r, err)
				}
				healths[r] = h
				for _, a := range h.AlarmsInAlarm {
					if !slices.Contains(x.opts.AllowAlarms, a) {
						reasons = append(reasons, fmt.Sprintf("alarm %s in %s is in ALARM (--allow-alarm %s to accept it)", a, r, a))
					}
				}
			}
			h := healths[to]
			reasons = append(reasons, targetHealth(t, to, h)...)
			if t.backupRestore() {
				// No replica: no lag and no replication source to check; the target must hold no
				// kept former writer (the up would make it the writer with its old data).
				reasons = append(reasons, keptWriterInTarget(t, to)...)
				if len(reasons) > 0 {
					return "", &RefusalError{Reasons: reasons}
				}
				return fmt.Sprintf("%s healthy (tasks %d/%d); no database there (backup-restore: the up restores it)", to, h.RunningTasks, h.DesiredTasks), nil
			}
			reasons = append(reasons, lagChecks(t, to, h, x.opts)...)
			if !t.aurora() {
				if h.DatabaseWriter != nil && *h.DatabaseWriter {
					reasons = append(reasons, fmt.Sprintf("the database of %s is a standalone instance, not a replica of the primary: rejoin it first (rejoin --rejoin %s)", to, to))
				} else if h.ReplicaSource != "" && !t.replicatesFromPrimary(h.ReplicaSource) {
					reasons = append(reasons, fmt.Sprintf("the database of %s replicates from %s, not from the primary %s: rejoin it first", to, h.ReplicaSource, t.dbIdentifier(t.s.PrimaryRegion)))
				}
			}
			if len(reasons) > 0 {
				return "", &RefusalError{Reasons: reasons}
			}
			return fmt.Sprintf("%s healthy (tasks %d/%d), lag %s", to, h.RunningTasks, h.DesiredTasks, fmtLag(h.ReplicaLagSeconds)), nil
		},
	}
}

// targetHealth refuses an unhealthy target: a failing Route 53 health check, or too few tasks. A
// pilot-light or backup-restore standby runs no tasks by design (its capacity starts within the up,
// the RTO's capacity part), so there the check is that the service is steady (running >= desired);
// elsewhere at least one task must run.
func targetHealth(t topology, to string, h RegionHealth) []string {
	var reasons []string
	if h.HealthCheckOK != nil && !*h.HealthCheckOK {
		reasons = append(reasons, fmt.Sprintf("the Route 53 health check of %s fails", to))
	}
	if t.idleStandbys() {
		if h.RunningTasks < h.DesiredTasks {
			reasons = append(reasons, fmt.Sprintf("%s runs %d of %d desired tasks", to, h.RunningTasks, h.DesiredTasks))
		}
	} else if h.RunningTasks < 1 {
		reasons = append(reasons, fmt.Sprintf("%s runs no task (desired %d): a %s standby must serve before it takes the writer", to, h.DesiredTasks, t.s.Strategy))
	}
	return reasons
}

// lagChecks refuses a replica lag (database, cache) above opts.MaxLag, or an unreported database lag
// unless opts.AllowUnknownLag.
func lagChecks(t topology, to string, h RegionHealth, opts Options) []string {
	var reasons []string
	maxLag := opts.MaxLag.Seconds()
	switch {
	case h.ReplicaLagSeconds == nil && !opts.AllowUnknownLag:
		reasons = append(reasons, fmt.Sprintf("the database replica lag of %s is not reported (--allow-unknown-lag to go on)", to))
	case h.ReplicaLagSeconds != nil && *h.ReplicaLagSeconds > maxLag:
		reasons = append(reasons, fmt.Sprintf("the database replica lag of %s is %s, above --max-lag %s", to, fmtLag(h.ReplicaLagSeconds), opts.MaxLag))
	}
	if t.s.Cache && h.CacheLagSeconds != nil && *h.CacheLagSeconds > maxLag {
		reasons = append(reasons, fmt.Sprintf("the cache replication lag of %s is %s, above --max-lag %s", to, fmtLag(h.CacheLagSeconds), opts.MaxLag))
	}
	return reasons
}

func fmtLag(l *float64) string {
	if l == nil {
		return "-"
	}
	return fmt.Sprintf("%gs", *l)
}

// --- failover ---

// failoverChecksDoes says what a failover's pre-checks do.
func failoverChecksDoes(t topology) string {
	if t.backupRestore() {
		return "refuse unless the target is healthy (its idle service steady) and holds no kept former writer; call no lost region"
	}
	return "refuse unless the target is healthy; read its replica lag (the data this failover loses); call no lost region"
}

func failoverPhases(t topology, to string, lost []string, restoreFrom string) []Phase {
	phases := []Phase{{
		Name: "pre-checks", Kind: KindCheck, Region: to,
		Does: failoverChecksDoes(t),
		done: func(ctx context.Context, x *execution) (bool, string, error) {
			s, err := x.stack.Settings(ctx)
			if err != nil {
				return false, "", fmt.Errorf("reading the settings of %s: %w", x.stack.Name(), err)
			}
			done := s.PrimaryRegion == to && !slices.ContainsFunc(lost, func(l string) bool { return !slices.Contains(s.LostRegions, l) })
			return done, to + " is already the primary with the lost regions set", nil
		},
		run: func(ctx context.Context, x *execution) (string, error) {
			t, err := x.topology(ctx)
			if err != nil {
				return "", err
			}
			if slices.Contains(t.s.LostRegions, to) {
				return "", &RefusalError{Reasons: []string{fmt.Sprintf("%s is in lostRegions: the new primary must answer", to)}}
			}
			h, err := x.cloud.Health(ctx, to, t.outputs)
			if err != nil {
				return "", fmt.Errorf("reading the health of %s: %w", to, err)
			}
			reasons := targetHealth(t, to, h)
			reasons = append(reasons, keptWriterInTarget(t, to)...)
			if len(reasons) > 0 {
				return "", &RefusalError{Reasons: reasons}
			}
			if t.backupRestore() {
				return fmt.Sprintf("%s healthy (tasks %d/%d); no database there (backup-restore: the up restores it; the writes after the restore point are lost); alarms in ALARM: %s", to,
					h.RunningTasks, h.DesiredTasks, orDash(strings.Join(h.AlarmsInAlarm, ", "))), nil
			}
			return fmt.Sprintf("%s healthy (tasks %d/%d); replica lag %s (data lost at most); alarms in ALARM: %s", to,
				h.RunningTasks, h.DesiredTasks, fmtLag(h.ReplicaLagSeconds), orDash(strings.Join(h.AlarmsInAlarm, ", "))), nil
		},
	}}
	if t.backupRestore() {
		// No global resource to fail over: the up restores the writer.
		return append(phases, restoreMovePhases(t, to, lost, restoreFrom)...)
	}
	if t.aurora() {
		does := fmt.Sprintf("fail the global cluster %s over to %s with data loss allowed, called in %s, and wait until it is the writer", t.globalName(), to, to)
		phases = append(phases, auroraPhase("aurora failover", to, to, does, "failing", Cloud.FailoverAuroraGlobal))
	}
	if t.s.Cache {
		phases = append(phases, cachePhase(t, to, to))
	}
	does := "set " + KeyPrimaryRegion + " to " + to
	if len(lost) > 0 {
		does += " and add " + strings.Join(lost, ", ") + " to " + KeyLostRegions + ", in one write"
	}
	return append(phases,
		configPhase("set primaryRegion and lostRegions", does, setPrimary(to, lost)),
		previewPhase("guarded preview", nil),
		upPhase("up", "apply"),
		verifyPhase("verify", to),
	)
}

// --- return, rejoin, failback, game day ---

// returnPhases remove the given regions (every lost region when none is given) from lostRegions
// and apply: each is reconciled as a standby.
func returnPhases(t topology, regions []string) []Phase {
	change := func(t topology, _ *execution) (map[string]string, map[string]string, error) {
		keep := slices.DeleteFunc(slices.Clone(t.s.LostRegions), func(l string) bool {
			return len(regions) == 0 || slices.Contains(regions, l)
		})
		if len(keep) == len(t.s.LostRegions) {
			return nil, nil, nil
		}
		return map[string]string{KeyLostRegions: jsonList(keep)}, map[string]string{KeyLostRegions: jsonList(t.s.LostRegions)}, nil
	}
	which := "every lost region"
	if len(regions) > 0 {
		which = strings.Join(regions, ", ")
	}
	return []Phase{
		configPhase("return: remove from lostRegions", "remove "+which+" from "+KeyLostRegions+" (the regions answer again)", change),
		previewPhase("return: guarded preview", nil),
		upPhase("return: up", ""),
	}
}

// rejoinCandidates are the standbys a rejoin looks at: the named ones, or every region but the primary.
func rejoinCandidates(t topology, named []string) []string {
	if len(named) > 0 {
		return slices.DeleteFunc(slices.Clone(named), func(r string) bool { return r == t.s.PrimaryRegion })
	}
	return slices.DeleteFunc(slices.Clone(t.s.Regions), func(r string) bool { return r == t.s.PrimaryRegion })
}

// rejoinValue is database.rejoin.<region> ("" when unset).
func rejoinValue(s Settings, region string) string {
	m, _ := s.Database["rejoin"].(map[string]any)
	v, _ := m[region].(string)
	return v
}

// withRejoin returns the database object with database.rejoin.<region> set to phase for each region
// ("" removes it), and whether it changed.
func withRejoin(s Settings, regions []string, phase string) (map[string]any, bool) {
	db := maps.Clone(s.Database)
	if db == nil {
		db = map[string]any{}
	}
	rejoin := map[string]any{}
	if m, ok := db["rejoin"].(map[string]any); ok {
		rejoin = maps.Clone(m)
	}
	changed := false
	for _, r := range regions {
		cur, _ := rejoin[r].(string)
		if cur == phase {
			continue
		}
		changed = true
		if phase == "" {
			delete(rejoin, r)
		} else {
			rejoin[r] = phase
		}
	}
	if len(rejoin) == 0 {
		delete(db, "rejoin")
	} else {
		db["rejoin"] = rejoin
	}
	return db, changed
}

// rejoinConfig sets database.rejoin.<region> to phase for the regions pick selects.
func rejoinConfig(phase string, pick func(t topology, x *execution) []string) configChange {
	return func(t topology, x *execution) (map[string]string, map[string]string, error) {
		db, changed := withRejoin(t.s, pick(t, x), phase)
		if !changed {
			return nil, nil, nil
		}
		v, err := jsonObject(db)
		if err != nil {
			return nil, nil, err
		}
		o, err := jsonObject(t.s.Database)
		if err != nil {
			return nil, nil, err
		}
		return map[string]string{KeyDatabase: v}, map[string]string{KeyDatabase: o}, nil
	}
}

// rejoinPhases are the documented two-step RDS rejoin (docs/datatier.md), over every stale standby
// at once: find them, promote the ones that are still replicas of a former primary, release
// (unprotect, final snapshot), rebuild (the one allowed replacement per region), and back to normal
// (protection on). Aurora needs none of it: its secondaries rejoin the global cluster by themselves.
func rejoinPhases(t topology, prefix string, named []string) []Phase {
	if t.backupRestore() {
		return retirePhases(t, prefix, named)
	}
	if t.aurora() {
		return nil
	}
	stale := func(_ topology, x *execution) []string { return x.rejoin }
	staleWith := func(value string) func(topology, *execution) []string {
		return func(t topology, x *execution) []string {
			return slices.DeleteFunc(slices.Clone(x.rejoin), func(r string) bool { return rejoinValue(t.s, r) != value })
		}
	}
	phases := []Phase{
		{
			Name: "find stale standbys", Kind: KindCheck,
			Does: "read which standbys' RDS instances do not replicate from the primary (a former primary, a replica of one)",
			run:  findStale(named),
		},
		{
			Name: "promote stale replicas", Kind: KindCloud, Mutates: true,
			Does: "promote the stale standbys that are still read replicas of a former primary (RDS refuses a final snapshot of a replica)",
			run:  promoteStale,
		},
		configPhase("set rejoin release", "set database.rejoin.<region> to release for each stale standby", rejoinConfig("release", staleWith(""))),
		noneStale(previewPhase("release: guarded preview", nil)),
		upPhase("release: up", ""),
		configPhase("set rejoin rebuild", "set database.rejoin.<region> to rebuild for each stale standby", rejoinConfig("rebuild", staleWith("release"))),
		noneStale(previewPhase("rebuild: guarded preview", func(ctx context.Context, x *execution) ([]Allowance, error) {
			t, err := x.topology(ctx)
			if err != nil {
				return nil, err
			}
			var a []Allowance
			for _, r := range x.rejoin {
				a = append(a, RejoinAllowance(t.s.Service, r))
			}
			return a, nil
		})),
		upPhase("rebuild: up", ""),
		configPhase("remove rejoin", "remove database.rejoin.<region> (protection back on)", rejoinConfig("", stale)),
		noneStale(previewPhase("normal: guarded preview", nil)),
		upPhase("normal: up", ""),
	}
	return prefixed(prefix, phases)
}

// noneStale makes a rejoin preview done when no standby is stale (the up after it is then done too).
func noneStale(ph Phase) Phase {
	ph.done = func(_ context.Context, x *execution) (bool, string, error) {
		if len(x.rejoin) > 0 {
			return false, "", nil
		}
		x.lastPreview = &Preview{}
		return true, "no stale standby", nil
	}
	return ph
}

// findStale sets x.rejoin to the candidates that do not replicate from the primary, plus those
// with a rejoin phase still set (an interrupted rejoin).
func findStale(named []string) func(context.Context, *execution) (string, error) {
	return func(ctx context.Context, x *execution) (string, error) {
		t, err := x.topology(ctx)
		if err != nil {
			return "", err
		}
		x.rejoin = nil
		var unknown []string
		for _, r := range rejoinCandidates(t, named) {
			if slices.Contains(t.s.LostRegions, r) {
				continue
			}
			h, err := x.cloud.Health(ctx, r, t.outputs)
			if err != nil {
				return "", fmt.Errorf("reading the health of %s: %w", r, err)
			}
			switch {
			case rejoinValue(t.s, r) != "":
				x.rejoin = append(x.rejoin, r)
			case h.DatabaseWriter != nil && *h.DatabaseWriter:
				x.rejoin = append(x.rejoin, r)
			case h.ReplicaSource != "" && !t.replicatesFromPrimary(h.ReplicaSource):
				x.rejoin = append(x.rejoin, r)
			case h.ReplicaSource == "":
				unknown = append(unknown, r)
			}
		}
		if len(unknown) > 0 {
			return "", &RefusalError{Reasons: []string{fmt.Sprintf("cannot tell whether %s replicate from the primary (no replica source reported)", strings.Join(unknown, ", "))}}
		}
		if len(x.rejoin) == 0 {
			return "every standby replicates from the primary", nil
		}
		return "stale: " + strings.Join(x.rejoin, ", "), nil
	}
}

// promoteStale promotes the stale standbys that are read replicas of something other than the primary.
func promoteStale(ctx context.Context, x *execution) (string, error) {
	t, err := x.topology(ctx)
	if err != nil {
		return "", err
	}
	var promoted []string
	for _, r := range x.rejoin {
		h, err := x.cloud.Health(ctx, r, t.outputs)
		if err != nil {
			return "", fmt.Errorf("reading the health of %s: %w", r, err)
		}
		if h.ReplicaSource == "" || t.replicatesFromPrimary(h.ReplicaSource) {
			continue
		}
		id := t.dbIdentifier(r)
		if err := x.cloud.PromoteReplica(ctx, r, id); err != nil {
			return "", fmt.Errorf("promoting %s in %s: %w", id, r, err)
		}
		promoted = append(promoted, id)
	}
	if len(promoted) == 0 {
		return "none to promote", nil
	}
	return "promoted " + strings.Join(promoted, ", "), nil
}

// failbackRetire are the regions a backup-restore failback retires before its move: the --rejoin
// regions and the target (it must hold no database for the restore), or every former writer.
func failbackRetire(req Request) []string {
	if len(req.Rejoin) == 0 {
		return nil
	}
	return returnedRegions(req)
}

// returnedRegions are the regions a failback returns: the --rejoin regions and the target.
func returnedRegions(req Request) []string {
	returned := slices.Clone(req.Rejoin)
	if !slices.Contains(returned, req.To) {
		returned = append(returned, req.To)
	}
	return returned
}

func failbackPhases(t topology, req Request, restoreFrom string) []Phase {
	returned := returnedRegions(req)
	phases := []Phase{{
		Name: "pre-checks", Kind: KindCheck, Region: req.To,
		Does: "refuse unless " + req.To + " answers again (its health is read)",
		run: func(ctx context.Context, x *execution) (string, error) {
			h, err := health(ctx, x, req.To)
			if err != nil {
				return "", &RefusalError{Reasons: []string{fmt.Sprintf("%s does not answer: %v", req.To, err)}}
			}
			return fmt.Sprintf("%s answers (tasks %d/%d)", req.To, h.RunningTasks, h.DesiredTasks), nil
		},
	}}
	phases = append(phases, returnPhases(t, returned)...)
	if t.backupRestore() {
		// Retire the target's kept former writer (and the other --rejoin regions', or every one),
		// then restore the writer there. The writer the move leaves behind is kept: its data holds
		// the writes after the restore point, so no "rejoin after" retires it.
		phases = append(phases, retirePhases(t, "rejoin: ", failbackRetire(req))...)
		return append(phases, prefixed("switchover: ", switchoverPhases(t, req.To, restoreFrom))...)
	}
	phases = append(phases, rejoinPhases(t, "rejoin: ", req.Rejoin)...)
	phases = append(phases, prefixed("switchover: ", switchoverPhases(t, req.To, restoreFrom))...)
	return append(phases, rejoinPhases(t, "rejoin after: ", nil)...)
}

func gameDayPhases(t topology, to string) []Phase {
	home := t.s.PrimaryRegion
	phases := prefixed("there: ", switchoverPhases(t, to, ""))
	phases = append(phases, rejoinPhases(t, "there: rejoin: ", nil)...)
	back := t
	back.s.PrimaryRegion = to
	phases = append(phases, prefixed("back: ", switchoverPhases(back, home, ""))...)
	return append(phases, rejoinPhases(t, "back: rejoin: ", nil)...)
}
