package ops

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Defaults of Options.
const (
	// DefaultMaxLag is the largest replica lag a switchover accepts.
	DefaultMaxLag = 10 * time.Second
	// DefaultLagTimeout bounds the wait for an RDS replica's lag to reach 0.
	DefaultLagTimeout = 15 * time.Minute
)

// Options are the operator's choices for a command.
type Options struct {
	// In is where the confirmation ("yes") is read from.
	In io.Reader
	// Out receives the plan, the progress lines and the summary.
	Out io.Writer
	// Clock gives the time. Default SystemClock.
	Clock Clock
	// Yes skips the confirmation.
	Yes bool
	// DryRun runs the pre-checks, writes the configuration, runs the guarded preview, restores the
	// configuration and stops: no data-plane call that changes anything, no up.
	DryRun bool
	// MaxLag is the largest database or cache replica lag a switchover accepts. Default DefaultMaxLag.
	MaxLag time.Duration
	// AllowUnknownLag lets a switchover go on when the target's replica lag is not reported.
	AllowUnknownLag bool
	// AllowAlarms names alarms that may be in ALARM without refusing a switchover.
	AllowAlarms []string
	// LagTimeout bounds the wait for an RDS replica's lag to reach 0. Default DefaultLagTimeout.
	LagTimeout time.Duration
	// Production lets a game day run on a production stack (--i-know-this-is-production).
	Production bool
}

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.In == nil {
		o.In = strings.NewReader("")
	}
	if o.MaxLag == 0 {
		o.MaxLag = DefaultMaxLag
	}
	if o.LagTimeout == 0 {
		o.LagTimeout = DefaultLagTimeout
	}
	return o
}

// ErrNotConfirmed is returned when the operator does not answer "yes".
var ErrNotConfirmed = errors.New(`not confirmed: nothing was changed (answer "yes", or pass --yes)`)

// Confirm asks on out and reads one line from in; only "yes" confirms.
func Confirm(in io.Reader, out io.Writer, question string) error {
	if _, err := fmt.Fprintf(out, "%s Type yes to go on: ", question); err != nil {
		return err
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the confirmation: %w", err)
	}
	if strings.TrimSpace(line) != "yes" {
		return ErrNotConfirmed
	}
	return nil
}

// Results of a phase and of a command.
const (
	ResultDone        = "done"
	ResultAlreadyDone = "already done"
	ResultSkipped     = "skipped (dry run)"
	ResultRefused     = "refused"
	ResultFailed      = "failed"
	ResultNotRun      = "not run"
	ResultSucceeded   = "succeeded"
	ResultDryRun      = "dry run: stopped after the guarded preview"
	ResultCancelled   = "cancelled"
)

// execution is one plan's run: the stack, the cloud, the options and what the phases pass on.
type execution struct {
	stack Stack
	cloud Cloud
	opts  Options
	out   io.Writer
	plan  *Plan

	lastPreview *Preview
	guard       Guard
	restore     map[string]string // config to restore after a dry run, key -> old value
	rejoin      []string          // regions the rejoin phases work on, found at run time
	elapsed     time.Duration     // since the command started, for the progress lines
}

// topology reads the stack's current settings and outputs.
func (x *execution) topology(ctx context.Context) (topology, error) {
	s, err := x.stack.Settings(ctx)
	if err != nil {
		return topology{}, fmt.Errorf("reading the settings of %s: %w", x.stack.Name(), err)
	}
	o, err := x.stack.Outputs(ctx)
	if err != nil {
		return topology{}, fmt.Errorf("reading the outputs of %s: %w", x.stack.Name(), err)
	}
	return topology{s: s, outputs: o}, nil
}

// setConfig writes values, remembering the old ones for a dry run's restore.
func (x *execution) setConfig(ctx context.Context, values map[string]string, old map[string]string) error {
	if x.opts.DryRun {
		if x.restore == nil {
			x.restore = map[string]string{}
		}
		for k, v := range old {
			if _, ok := x.restore[k]; !ok {
				x.restore[k] = v
			}
		}
	}
	if err := x.stack.SetConfig(ctx, values); err != nil {
		return fmt.Errorf("setting %s on %s: %w", strings.Join(slices.Sorted(maps.Keys(values)), ", "), x.stack.Name(), err)
	}
	return nil
}

// PhaseReport is one phase's outcome.
type PhaseReport struct {
	// Name is the phase's name.
	Name string `json:"name"`
	// Kind is what the phase does.
	Kind Kind `json:"kind"`
	// Part is the expected RTO part the phase measures, if any.
	Part string `json:"part,omitempty"`
	// Start is when it started (zero when not run).
	Start time.Time `json:"start,omitzero"`
	// DurationSeconds is how long it took.
	DurationSeconds float64 `json:"durationSeconds"`
	// Result is done, already done, skipped (dry run), refused, failed or not run.
	Result string `json:"result"`
	// Details say what happened (engine events by operation, what was already done, the refusal).
	Details string `json:"details,omitempty"`
}

// Report is a command's outcome over one stack: the JSON of --report, and the human summary.
type Report struct {
	// Command is the subcommand.
	Command string `json:"command"`
	// Stack is the stack's name.
	Stack string `json:"stack"`
	// Target is the region the command moved the primary to.
	Target string `json:"target,omitempty"`
	// Lost are the regions marked lost.
	Lost []string `json:"lost,omitempty"`
	// RestoreFrom is the backup a backup-restore move restored the writer from.
	RestoreFrom string `json:"restoreFrom,omitempty"`
	// DryRun reports a dry run.
	DryRun bool `json:"dryRun,omitempty"`
	// Start is when the command started.
	Start time.Time `json:"start"`
	// DurationSeconds is the command's total time.
	DurationSeconds float64 `json:"durationSeconds"`
	// Result is succeeded, refused, failed, cancelled, not confirmed or the dry run's result.
	Result string `json:"result"`
	// Reached is the last phase that ran.
	Reached string `json:"reached,omitempty"`
	// Error is the refusal or failure, if any.
	Error string `json:"error,omitempty"`
	// Phases are every phase of the plan, in order.
	Phases []PhaseReport `json:"phases"`
	// Expected are the stack's expected objectives (expectedRto, expectedRpo, expectedRtoLostRegion).
	Expected map[string]Objective `json:"expected,omitempty"`
	// Measured are the measured seconds by expected RTO part ("awsSideFailover", "apply", which
	// holds the promotion and the capacity too), and "total".
	Measured map[string]float64 `json:"measured,omitempty"`
}

// Run builds the plan of req over stack (NewPlan) and executes it (Execute).
func Run(ctx context.Context, stack Stack, cloud Cloud, req Request, opts Options) (*Report, error) {
	p, err := NewPlan(ctx, stack, req, opts)
	if err != nil {
		return nil, fmt.Errorf("%s on %s: %w", req.Command, stack.Name(), err)
	}
	return Execute(ctx, p, stack, cloud, opts)
}

// Execute runs plan p over stack and cloud: it prints the plan, asks for confirmation unless
// opts.Yes or opts.DryRun, then runs each phase in order, printing progress. It returns the report,
// and a non-nil error (a *RefusalError for a refused step) when the command did not succeed.
func Execute(ctx context.Context, p *Plan, stack Stack, cloud Cloud, opts Options) (*Report, error) {
	opts = opts.withDefaults()
	if err := p.Write(opts.Out); err != nil {
		return nil, fmt.Errorf("printing the plan: %w", err)
	}
	if !opts.Yes && !opts.DryRun && p.mutates() {
		if err := Confirm(opts.In, opts.Out, fmt.Sprintf("Run this plan on %s?", p.Stack)); err != nil {
			r := p.newReport(opts)
			r.Result, r.Error = "not confirmed", err.Error()
			return r, err
		}
	}
	return p.run(ctx, stack, cloud, opts)
}

func (p *Plan) mutates() bool {
	return slices.ContainsFunc(p.Phases, func(ph Phase) bool { return ph.Mutates })
}

func (p *Plan) newReport(opts Options) *Report {
	r := &Report{Command: p.Command, Stack: p.Stack, Target: p.Target, Lost: p.Lost, RestoreFrom: p.RestoreFrom, DryRun: opts.DryRun,
		Start: opts.Clock.Now(), Expected: map[string]Objective{}}
	for _, k := range []string{"expectedRto", "expectedRpo", "expectedRtoLostRegion"} {
		if _, ok := p.topo.outputs[k]; ok {
			r.Expected[k] = p.topo.objective(k)
		}
	}
	for _, ph := range p.Phases {
		r.Phases = append(r.Phases, PhaseReport{Name: ph.Name, Kind: ph.Kind, Part: ph.Part, Result: ResultNotRun})
	}
	return r
}

// run executes the phases (the plan is already printed and confirmed).
func (p *Plan) run(ctx context.Context, stack Stack, cloud Cloud, opts Options) (r *Report, err error) {
	opts = opts.withDefaults()
	x := &execution{stack: stack, cloud: cloud, opts: opts, out: opts.Out, plan: p}
	r = p.newReport(opts)
	clock := opts.Clock
	defer func() {
		if len(x.restore) > 0 {
			if rerr := stack.SetConfig(context.WithoutCancel(ctx), x.restore); rerr != nil {
				err = errors.Join(err, fmt.Errorf("dry run: restoring the configuration of %s (%v): %w", p.Stack, x.restore, rerr))
			} else {
				x.printf("dry run: configuration restored (%s)", strings.Join(slices.Sorted(maps.Keys(x.restore)), ", "))
			}
		}
		r.DurationSeconds = seconds(clock.Now().Sub(r.Start))
		r.Measured = measure(r.Phases)
		if err != nil {
			r.Error = err.Error()
			var refusal *RefusalError
			switch {
			case errors.As(err, &refusal):
				r.Result = ResultRefused
			case ctx.Err() != nil:
				r.Result = ResultCancelled
			default:
				r.Result = ResultFailed
			}
		}
	}()
	for i, ph := range p.Phases {
		if err := ctx.Err(); err != nil {
			return r, fmt.Errorf("%s on %s: before %s: %w", p.Command, p.Stack, ph.Name, err)
		}
		pr := &r.Phases[i]
		pr.Start = clock.Now()
		r.Reached = ph.Name
		x.elapsed = pr.Start.Sub(r.Start)
		x.printf("%s ...", ph.Name)
		result, details, perr := x.phase(ctx, ph)
		end := clock.Now()
		pr.DurationSeconds = seconds(end.Sub(pr.Start))
		x.elapsed = end.Sub(r.Start)
		pr.Result, pr.Details = result, details
		if perr != nil {
			var refusal *RefusalError
			if errors.As(perr, &refusal) {
				pr.Result = ResultRefused
				if refusal.Phase == "" {
					refusal.Phase = ph.Name
				}
			} else {
				pr.Result = ResultFailed
			}
			pr.Details = perr.Error()
			x.printf("%s: %s after %s: %v", ph.Name, pr.Result, fmtSeconds(pr.DurationSeconds), perr)
			return r, fmt.Errorf("%s on %s: %s: %w", p.Command, p.Stack, ph.Name, perr)
		}
		x.printf("%s: %s in %s%s", ph.Name, result, fmtSeconds(pr.DurationSeconds), suffix(details))
		if opts.DryRun && ph.Kind == KindPreview {
			r.Result = ResultDryRun
			return r, nil
		}
	}
	r.Result = ResultSucceeded
	return r, nil
}

// phase runs one phase: its done check, then its work (or the dry run's skip).
func (x *execution) phase(ctx context.Context, ph Phase) (result, details string, err error) {
	if ph.done != nil {
		done, why, err := ph.done(ctx, x)
		if err != nil {
			return "", "", err
		}
		if done {
			return ResultAlreadyDone, why, nil
		}
	}
	if x.opts.DryRun && (ph.Kind == KindCloud || ph.Kind == KindUp || ph.Kind == KindVerify) {
		return ResultSkipped, "", nil
	}
	details, err = ph.run(ctx, x)
	return ResultDone, details, err
}

// printf writes one progress line, with the stack's name and the time since the command started.
func (x *execution) printf(format string, args ...any) {
	fmt.Fprintf(x.out, "[%s +%s] %s\n", x.plan.Stack, x.elapsed.Round(time.Second), fmt.Sprintf(format, args...))
}

// Progress counts engine events by operation while a preview or an update runs.
type Progress struct {
	mu     sync.Mutex
	counts ChangeSummary
}

// Event records one step; it is an Events function.
func (p *Progress) Event(s Step) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.counts == nil {
		p.counts = ChangeSummary{}
	}
	p.counts[s.Op]++
}

// Summary returns the counts so far.
func (p *Progress) Summary() ChangeSummary {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.counts)
}

// String renders a summary as "create 2, update 13, same 428", operations in sorted order.
func (c ChangeSummary) String() string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(c)) {
		if c[op] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", op, c[op]))
		}
	}
	if len(parts) == 0 {
		return "no steps"
	}
	return strings.Join(parts, ", ")
}

// changes counts the steps of a preview that change something (neither same nor read).
func changes(p Preview) int {
	n := 0
	for _, s := range p.Steps {
		if s.Op != "same" && s.Op != "read" {
			n++
		}
	}
	return n
}

// measure sums the measured seconds of the phases by RTO part, and the total of the phases that ran.
func measure(phases []PhaseReport) map[string]float64 {
	m := map[string]float64{}
	for _, p := range phases {
		if p.Result == ResultNotRun {
			continue
		}
		m["total"] += p.DurationSeconds
		if p.Part != "" && p.Result != ResultSkipped {
			m[p.Part] += p.DurationSeconds
		}
	}
	return m
}

func seconds(d time.Duration) float64 { return d.Round(time.Millisecond).Seconds() }

func fmtSeconds(s float64) string {
	return (time.Duration(s * float64(time.Second))).Round(100 * time.Millisecond).String()
}

func suffix(details string) string {
	if details == "" {
		return ""
	}
	return ": " + details
}
