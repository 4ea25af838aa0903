package drill

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// losesData reports whether a resource's data is gone after op: it is deleted, or replaced by a
// new, empty one.
func losesData(op apitype.OpType) bool {
	switch op {
	case apitype.OpDelete, apitype.OpReplace, apitype.OpCreateReplacement, apitype.OpDeleteReplaced,
		apitype.OpReadDiscard, apitype.OpDiscardReplaced, apitype.OpReadReplacement, apitype.OpImportReplacement:
		return true
	}
	return false
}

// change drills c on stack: it runs c.Before, sets and removes c's configuration, previews with
// the real provider's diff and refuses any step that would replace or delete a stateful resource
// (unless c.Replaces allows it), applies the change (watching the applied steps the same way),
// runs c.Check, and, when c.Settle is set, refreshes and previews again: the changed state must
// read back as the program declares it.
func change(ctx context.Context, s *session, c Change) error {
	label := c.Name
	stack, cloud := s.stack, s.cloud
	if c.Before != nil {
		if err := c.Before(ctx, cloud); err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
	}
	path := &auto.ConfigOptions{Path: true}
	for _, key := range sortedKeys(c.Config) {
		if err := stack.SetConfigWithOptions(ctx, key, auto.ConfigValue{Value: c.Config[key]}, path); err != nil {
			return fmt.Errorf("%s: setting %s: %w", label, key, err)
		}
	}
	for _, key := range c.Remove {
		if err := stack.RemoveConfigWithOptions(ctx, key, path); err != nil {
			return fmt.Errorf("%s: removing %s: %w", label, key, err)
		}
	}

	var w watched
	err := s.do(ctx, label+" preview", func(ctx context.Context) (string, error) {
		var pre auto.PreviewResult
		var err error
		w, err = guarded(ctx, c.Guard, cloud, func(ctx context.Context, ch chan<- events.EngineEvent) (err error) {
			pre, err = stack.Preview(ctx, optpreview.EventStreams(ch), optpreview.Diff(),
				optpreview.ProgressStreams(s.log), optpreview.ErrorProgressStreams(s.log))
			return err
		})
		return summary(pre.ChangeSummary), err
	})
	if err != nil {
		return err
	}
	if err := keeps(w.Steps, c.Stateful, c.Replaces); err != nil {
		return fmt.Errorf("%s preview: %w", label, err)
	}
	if c.Expect != nil {
		if err := c.Expect(ctx, cloud, w.Steps); err != nil {
			return fmt.Errorf("%s preview: %w", label, err)
		}
	}

	var up auto.UpResult
	var applied []Step // a killed or retried up applies part: every run's steps count
	var killedAt time.Time
	if c.Kill != nil {
		killedAt, err = s.killAndRecover(ctx, label+" up", *c.Kill, func(ctx context.Context) error {
			w, err := guarded(ctx, c.Guard, cloud, func(ctx context.Context, ch chan<- events.EngineEvent) error {
				_, err := stack.Up(ctx, optup.EventStreams(ch), optup.ProgressStreams(s.log), optup.ErrorProgressStreams(s.log))
				return err
			})
			applied = append(applied, w.Steps...)
			return err
		})
		if err != nil {
			return err
		}
	}
	var second <-chan string
	err = s.do(ctx, label+" up", func(ctx context.Context) (string, error) {
		if c.SecondOperator && second == nil {
			second = s.secondOperator(ctx)
		}
		w, err := guarded(ctx, c.Guard, cloud, func(ctx context.Context, ch chan<- events.EngineEvent) (err error) {
			up, err = stack.Up(ctx, optup.EventStreams(ch), optup.ProgressStreams(s.log), optup.ErrorProgressStreams(s.log))
			return err
		})
		applied = append(applied, w.Steps...)
		return summary(opMap(up.Summary.ResourceChanges)), err
	})
	if err != nil {
		return err
	}
	if c.Kill != nil {
		s.recovered(label+" up", killedAt)
	}
	if second != nil {
		verdict := <-second
		if !strings.HasPrefix(verdict, "refused") {
			return fmt.Errorf("%s: second operator: %s", label, verdict)
		}
		phase(s.name, label+" second operator", 0, verdict)
	}
	if err := keeps(applied, c.Stateful, c.Replaces); err != nil {
		return fmt.Errorf("%s up: %w", label, err)
	}
	if c.Applied != nil {
		if err := c.Applied(ctx, cloud, applied); err != nil {
			return fmt.Errorf("%s up: %w", label, err)
		}
	}

	if c.Check != nil {
		t0 := time.Now()
		if err := c.Check(ctx, cloud, up.Outputs); err != nil {
			return fmt.Errorf("%s check: %w", label, err)
		}
		phase(s.name, label+" check", time.Since(t0), "ok")
	}
	if !c.Settle {
		return nil
	}
	return settle(ctx, s, label+" ")
}

// guarded runs op under watch while asking guard every second; the first error guard returns
// cancels op's context and is the result. A nil guard just watches op.
func guarded(ctx context.Context, guard func(Cloud) error, cloud Cloud, op func(context.Context, chan<- events.EngineEvent) error) (watched, error) {
	if guard == nil {
		return watch(func(ch chan<- events.EngineEvent) error { return op(ctx, ch) })
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	defer close(stop)
	go every(time.Second, stop, func() bool {
		if err := guard(cloud); err != nil {
			cancel(err)
			return true
		}
		return false
	})
	w, err := watch(func(ch chan<- events.EngineEvent) error { return op(ctx, ch) })
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return w, &stopError{cause}
	}
	if err == nil {
		if gerr := guard(cloud); gerr != nil { // what happened in the last second
			err = &stopError{gerr}
		}
	}
	return w, err
}

// every calls f every interval until f returns true or stop is closed.
func every(interval time.Duration, stop <-chan struct{}, f func() bool) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if f() {
				return
			}
		}
	}
}

// settle refreshes the stack from the emulator and previews it: the preview must show no
// change, or what the provider reads back differs from what the program declares.
func settle(ctx context.Context, s *session, label string) error {
	err := s.do(ctx, label+"refresh", func(ctx context.Context) (string, error) {
		ref, err := s.stack.Refresh(ctx, optrefresh.ProgressStreams(s.log), optrefresh.ErrorProgressStreams(s.log))
		return summary(opMap(ref.Summary.ResourceChanges)), err
	})
	if err != nil {
		return err
	}
	var again auto.PreviewResult
	err = s.do(ctx, label+"preview (no changes)", func(ctx context.Context) (string, error) {
		var err error
		again, err = s.stack.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.Diff(),
			optpreview.ProgressStreams(s.log), optpreview.ErrorProgressStreams(s.log))
		return summary(again.ChangeSummary), err
	})
	if err != nil {
		return fmt.Errorf("%spreview after refresh must show no change: %w", label, err)
	}
	if changed := changes(again.ChangeSummary); changed > 0 {
		return fmt.Errorf("%spreview after refresh shows %d changes (%s)", label, changed, summary(again.ChangeSummary))
	}
	return nil
}

// watched is what an operation's engine events reported.
type watched struct {
	// Steps are the resource steps.
	Steps []Step
	// Warnings are the diagnostics of severity warning or error, one line each.
	Warnings []string
}

// watch runs op with an engine event channel and returns the resource steps and warnings it
// reported. The Automation API closes the channel when the operation's event stream ends; a CLI
// that failed before it streamed anything never opens the stream, so the wait for the end is
// bounded.
func watch(op func(ch chan<- events.EngineEvent) error) (watched, error) {
	ch := make(chan events.EngineEvent)
	done := make(chan watched)
	go func() {
		var w watched
		for e := range ch {
			if d := e.DiagnosticEvent; d != nil && (d.Severity == "warning" || d.Severity == "error") {
				w.Warnings = append(w.Warnings, strings.TrimSpace(d.Severity+": "+d.URN+" "+d.Message))
			}
			if e.ResourcePreEvent == nil {
				continue
			}
			m := e.ResourcePreEvent.Metadata
			step := Step{Op: m.Op, URN: m.URN, Type: m.Type, Provider: m.Provider, Diffs: m.Diffs, Keys: m.Keys}
			if m.New != nil {
				step.Inputs, step.Parent, step.Custom = m.New.Inputs, m.New.Parent, m.New.Custom
			}
			w.Steps = append(w.Steps, step)
		}
		done <- w
	}()
	err := op(ch)
	select {
	case w := <-done:
		return w, err
	case <-time.After(30 * time.Second):
		if err != nil {
			return watched{}, err
		}
		return watched{}, errors.New("the engine's event stream did not end")
	}
}

// keeps fails if a step would replace or delete a resource of a stateful type, unless allowed
// (which may be nil) allows that step.
func keeps(steps []Step, stateful []string, allowed func(Step) bool) error {
	var lost []string
	for _, s := range steps {
		if slices.Contains(stateful, s.Type) && losesData(s.Op) && (allowed == nil || !allowed(s)) {
			detail := ""
			if len(s.Keys) > 0 {
				detail = " (replaced for " + strings.Join(s.Keys, ", ") + ")"
			}
			lost = append(lost, fmt.Sprintf("%s %s%s", s.Op, s.URN, detail))
		}
	}
	if len(lost) > 0 {
		return fmt.Errorf("%d stateful resources would lose their data: %s", len(lost), strings.Join(lost, "; "))
	}
	return nil
}
