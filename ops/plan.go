package ops

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Kind is what a phase does, which decides what a dry run does with it.
type Kind string

// Phase kinds.
const (
	// KindCheck reads only (pre-checks, stale-replica detection); it runs in a dry run.
	KindCheck Kind = "check"
	// KindCloud calls the AWS data plane to change something; a dry run skips it.
	KindCloud Kind = "cloud"
	// KindConfig writes stack configuration; a dry run writes it, and restores the old values after
	// its preview.
	KindConfig Kind = "config"
	// KindPreview is a guarded preview; a dry run stops after the first one.
	KindPreview Kind = "preview"
	// KindUp is `pulumi up`.
	KindUp Kind = "up"
	// KindVerify reads the result of an up.
	KindVerify Kind = "verify"
)

// Phase is one step of a plan: data that is printed before anything runs, and the code that runs it.
// Every phase is idempotent: done, when set, detects that its work is already done (after an
// interruption) and the phase is then skipped.
type Phase struct {
	// Name is short and unique within the plan, e.g. "aurora switchover".
	Name string
	// Does says what the phase will do, for the plan.
	Does string
	// Kind is what the phase does.
	Kind Kind
	// Mutates reports whether the phase changes the stack or the cloud.
	Mutates bool
	// Region is the region the phase calls, if it needs one.
	Region string
	// Part is the expected RTO part (expectedRto.parts) whose time the phase measures, if any.
	Part string

	done func(ctx context.Context, x *execution) (bool, string, error)
	run  func(ctx context.Context, x *execution) (string, error)
}

// Plan is the ordered phases of a command over one stack.
type Plan struct {
	// Command is the subcommand, e.g. "switchover".
	Command string
	// Stack is the stack's name.
	Stack string
	// Target is the region the command moves the primary to ("" for rejoin).
	Target string
	// Lost are the regions the command marks lost (failover).
	Lost []string
	// RestoreFrom is the backup a backup-restore move restores the writer from (--restore-from).
	RestoreFrom string
	// Notes are what the operator must know before confirming (e.g. quiesce writes).
	Notes []string
	// Phases run in order.
	Phases []Phase

	topo topology
}

// Write prints the plan: one line per phase with what it does, whether it mutates and the region it
// calls.
func (p *Plan) Write(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Plan: %s", p.Command)
	if p.Target != "" {
		fmt.Fprintf(&b, " --to %s", p.Target)
	}
	for _, l := range p.Lost {
		fmt.Fprintf(&b, " --lost %s", l)
	}
	if p.RestoreFrom != "" {
		fmt.Fprintf(&b, " --restore-from %s", p.RestoreFrom)
	}
	fmt.Fprintf(&b, " on %s (primary %s, %s, %s)\n", p.Stack, p.topo.s.PrimaryRegion, p.topo.s.Engine, p.topo.s.Strategy)
	for i, ph := range p.Phases {
		tag := "read"
		if ph.Mutates {
			tag = "CHANGE"
		}
		region := ""
		if ph.Region != "" {
			region = " [" + ph.Region + "]"
		}
		fmt.Fprintf(&b, "  %2d. %-6s %s%s: %s\n", i+1, tag, ph.Name, region, ph.Does)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Clock gives the time; tests inject a fake one.
type Clock interface {
	// Now is the current time.
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now implements Clock.
func (SystemClock) Now() time.Time { return time.Now() }
