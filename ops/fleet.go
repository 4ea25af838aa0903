package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"text/tabwriter"

	"gopkg.in/yaml.v3"
)

// Fleet is the --fleet file: ordered groups of stacks (YAML; JSON is YAML too). Groups run in order,
// the stacks of a group in parallel:
//
//	groups:
//	  - name: platform
//	    stacks: [acme/multiregion/prod]
//	  - name: services
//	    stacks: [acme/orders/prod, acme/billing/prod]
type Fleet struct {
	// Groups run in order.
	Groups []FleetGroup `yaml:"groups" json:"groups"`
}

// FleetGroup is stacks that may move together.
type FleetGroup struct {
	// Name names the group in the summary.
	Name string `yaml:"name" json:"name"`
	// Stacks are fully qualified stack names.
	Stacks []string `yaml:"stacks" json:"stacks"`
}

// ParseFleet reads a fleet file and checks it: at least one group, every group named and holding a
// stack, no stack twice, no unknown field.
func ParseFleet(data []byte) (Fleet, error) {
	var f Fleet
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return Fleet{}, fmt.Errorf("reading the fleet file: %w", err)
	}
	var problems []error
	if len(f.Groups) == 0 {
		problems = append(problems, errors.New("no groups: the file needs groups: [{name: ..., stacks: [...]}, ...]"))
	}
	seen := map[string]string{}
	for i, g := range f.Groups {
		if g.Name == "" {
			problems = append(problems, fmt.Errorf("group %d has no name", i+1))
		}
		if len(g.Stacks) == 0 {
			problems = append(problems, fmt.Errorf("group %q has no stacks", g.Name))
		}
		for _, s := range g.Stacks {
			if prev, ok := seen[s]; ok {
				problems = append(problems, fmt.Errorf("stack %s is in group %q and again in %q", s, prev, g.Name))
			}
			seen[s] = g.Name
		}
	}
	if err := errors.Join(problems...); err != nil {
		return Fleet{}, fmt.Errorf("fleet file: %w", err)
	}
	return f, nil
}

// Opener opens a stack by name.
type Opener func(ctx context.Context, name string) (Stack, error)

// FleetEntry is one stack's outcome in a fleet run.
type FleetEntry struct {
	// Group is the stack's group.
	Group string `json:"group"`
	// Stack is the stack's name.
	Stack string `json:"stack"`
	// Result is the stack's result (not run when the fleet stopped before it).
	Result string `json:"result"`
	// Reached is the last phase that ran.
	Reached string `json:"reached,omitempty"`
	// DurationSeconds is the stack's time.
	DurationSeconds float64 `json:"durationSeconds"`
	// Report is the stack's full report (nil when not run).
	Report *Report `json:"report,omitempty"`
}

// FleetReport is a fleet run's outcome.
type FleetReport struct {
	// Command is the subcommand.
	Command string `json:"command"`
	// Result is succeeded, or stopped after a group.
	Result string `json:"result"`
	// Stacks are every stack of the fleet, in file order.
	Stacks []FleetEntry `json:"stacks"`
}

// Reports are the reports of the stacks that ran.
func (r *FleetReport) Reports() []*Report {
	var out []*Report
	for _, e := range r.Stacks {
		if e.Report != nil {
			out = append(out, e.Report)
		}
	}
	return out
}

// WriteTable writes the summary table: stack, group, phase reached, result, duration.
func (r *FleetReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STACK\tGROUP\tPHASE\tRESULT\tDURATION")
	for _, e := range r.Stacks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Stack, e.Group, orDash(e.Reached), e.Result, fmtSeconds(e.DurationSeconds))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "fleet: %s\n", r.Result)
	return err
}

// lockedWriter serialises the parallel stacks' progress lines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// RunFleet runs req over every stack of f. It opens every stack and builds every plan first (any
// refusal there stops the fleet before anything runs), prints the plans, asks for one confirmation
// unless opts.Yes or opts.DryRun, then runs the groups in order, at most parallel stacks of a group
// at once. When a stack of a group is refused or fails, the stacks of that group already running
// finish (an up is never cancelled half-way), the ones not yet started are not started, and no later
// group runs. The error is non-nil unless every stack succeeded.
func RunFleet(ctx context.Context, f Fleet, open Opener, cloud Cloud, req Request, parallel int, opts Options) (*FleetReport, error) {
	opts = opts.withDefaults()
	if parallel < 1 {
		return nil, fmt.Errorf("--parallel %d: must be at least 1", parallel)
	}
	out := &lockedWriter{w: opts.Out}
	opts.Out = out
	fr := &FleetReport{Command: req.Command, Result: ResultSucceeded}
	type job struct {
		entry int
		stack Stack
		plan  *Plan
	}
	var groups [][]job
	var problems []error
	for _, g := range f.Groups {
		var jobs []job
		for _, name := range g.Stacks {
			fr.Stacks = append(fr.Stacks, FleetEntry{Group: g.Name, Stack: name, Result: ResultNotRun})
			st, err := open(ctx, name)
			if err != nil {
				problems = append(problems, fmt.Errorf("opening %s: %w", name, err))
				continue
			}
			p, err := newPlan(ctx, st, req, opts, true)
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", name, err))
				continue
			}
			jobs = append(jobs, job{entry: len(fr.Stacks) - 1, stack: st, plan: p})
		}
		groups = append(groups, jobs)
	}
	if err := errors.Join(problems...); err != nil {
		fr.Result = "refused before any change"
		return fr, err
	}
	for _, jobs := range groups {
		for _, j := range jobs {
			if err := j.plan.Write(out); err != nil {
				return fr, fmt.Errorf("printing the plan of %s: %w", j.plan.Stack, err)
			}
		}
	}
	if !opts.Yes && !opts.DryRun {
		if err := Confirm(opts.In, out, fmt.Sprintf("Run these plans on %d stacks?", len(fr.Stacks))); err != nil {
			fr.Result = "not confirmed"
			return fr, err
		}
	}
	for gi, jobs := range groups {
		var (
			mu      sync.Mutex
			stopped bool
			errs    []error
			wg      sync.WaitGroup
		)
		sem := make(chan struct{}, parallel)
		for _, j := range jobs {
			sem <- struct{}{}
			mu.Lock()
			skip := stopped
			mu.Unlock()
			if skip || ctx.Err() != nil {
				<-sem
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				r, err := j.plan.run(ctx, j.stack, cloud, opts)
				e := &fr.Stacks[j.entry]
				mu.Lock()
				defer mu.Unlock()
				e.Report, e.Result, e.Reached, e.DurationSeconds = r, r.Result, r.Reached, r.DurationSeconds
				if err != nil {
					stopped = true
					errs = append(errs, err)
				}
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			fr.Result = fmt.Sprintf("stopped after group %q", f.Groups[gi].Name)
			return fr, err
		}
		if err := ctx.Err(); err != nil {
			fr.Result = ResultCancelled
			return fr, fmt.Errorf("fleet: %w", err)
		}
	}
	if opts.DryRun {
		fr.Result = ResultDryRun
	}
	return fr, nil
}
