package drill

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/pulumistack"
)

// OpsStage is the drill's checks of one stage of an operator command (package ops): one config
// write and the guarded preview and up that follow it. The drill checks every preview's and up's
// steps against Change.Stateful (a step Replaces allows excepted), then runs the stage's hooks.
type OpsStage struct {
	// Replaces, if set, allows the steps it returns true for to replace or delete a stateful
	// resource (the rejoin's rebuild).
	Replaces func(Step) bool
	// Expect, if set, checks the preview's steps.
	Expect func(ctx context.Context, cloud Cloud, steps []Step) error
	// Applied, if set, checks the steps the up applied.
	Applied func(ctx context.Context, cloud Cloud, steps []Step) error
	// Check, if set, runs after the up with the stack's outputs.
	Check func(ctx context.Context, cloud Cloud, outputs auto.OutputMap) error
}

// OpsRun is what a Change's Ops hook gets: the drill's cloud, and the drill's own stack as an
// ops.Stack (pulumistack.New) whose every preview and up is a session command (timed, printed,
// run again after a failure under injected faults, stopped by Change.Guard) and is checked by the
// drill (no stateful replacement, the stage's hooks).
type OpsRun struct {
	// Cloud is moto and the region proxy.
	Cloud Cloud
	// Stack is the drill's stack for the operator command.
	Stack ops.Stack
	// StateDir is the drill's state directory (for the command's reports).
	StateDir string
}

// opsStack is an ops.Stack over the drill's session: SetConfig names the stage (Change.Stage),
// Preview and Up run through session.do under the change's guard, and their steps are checked.
type opsStack struct {
	inner ops.Stack
	s     *session
	c     Change

	mu    sync.Mutex
	stage string
}

var _ ops.Stack = (*opsStack)(nil)

func newOpsStack(s *session, c Change) *opsStack {
	inner := pulumistack.New(s.stack,
		pulumistack.WithPreviewOptions(optpreview.Diff(), optpreview.ProgressStreams(s.log), optpreview.ErrorProgressStreams(s.log)),
		pulumistack.WithUpOptions(optup.ProgressStreams(s.log), optup.ErrorProgressStreams(s.log)))
	return &opsStack{inner: inner, s: s, c: c, stage: c.Name}
}

// Name implements ops.Stack.
func (o *opsStack) Name() string { return o.inner.Name() }

// Settings implements ops.Stack.
func (o *opsStack) Settings(ctx context.Context) (ops.Settings, error) { return o.inner.Settings(ctx) }

// Outputs implements ops.Stack.
func (o *opsStack) Outputs(ctx context.Context) (map[string]any, error) { return o.inner.Outputs(ctx) }

// SetConfig implements ops.Stack; the values written name the stage that follows.
func (o *opsStack) SetConfig(ctx context.Context, values map[string]string) error {
	if o.c.Stage != nil {
		if name := o.c.Stage(values); name != "" {
			o.mu.Lock()
			o.stage = name
			o.mu.Unlock()
		}
	}
	return o.inner.SetConfig(ctx, values)
}

func (o *opsStack) current() (string, OpsStage) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stage, o.c.Stages[o.stage]
}

// Preview implements ops.Stack: one session command, guarded, its steps checked.
func (o *opsStack) Preview(ctx context.Context, progress ops.Events) (ops.Preview, error) {
	name, st := o.current()
	var res ops.Preview
	var steps []Step
	err := o.s.do(ctx, name+" preview", func(ctx context.Context) (string, error) {
		steps = nil
		var err error
		err = guardedOps(ctx, o.c.Guard, o.s.cloud, func(ctx context.Context) error {
			res, err = o.inner.Preview(ctx, collect(&steps, progress))
			return err
		})
		return fmt.Sprint(res.Summary), err
	})
	if err != nil {
		return ops.Preview{}, err
	}
	if err := keeps(steps, o.c.Stateful, st.Replaces); err != nil {
		return ops.Preview{}, fmt.Errorf("%s preview: %w", name, err)
	}
	if st.Expect != nil {
		if err := st.Expect(ctx, o.s.cloud, steps); err != nil {
			return ops.Preview{}, fmt.Errorf("%s preview: %w", name, err)
		}
	}
	return res, nil
}

// Up implements ops.Stack: one session command (run again after a failure), guarded; the steps of
// every run are checked, then the stage's Applied and Check.
func (o *opsStack) Up(ctx context.Context, progress ops.Events) (ops.Update, error) {
	name, st := o.current()
	var res ops.Update
	var applied []Step // a retried up applies part: every run's steps count
	err := o.s.do(ctx, name+" up", func(ctx context.Context) (string, error) {
		var err error
		err = guardedOps(ctx, o.c.Guard, o.s.cloud, func(ctx context.Context) error {
			res, err = o.inner.Up(ctx, collect(&applied, progress))
			return err
		})
		return fmt.Sprint(res.Summary), err
	})
	if err != nil {
		return ops.Update{}, err
	}
	if err := keeps(applied, o.c.Stateful, st.Replaces); err != nil {
		return ops.Update{}, fmt.Errorf("%s up: %w", name, err)
	}
	if st.Applied != nil {
		if err := st.Applied(ctx, o.s.cloud, applied); err != nil {
			return ops.Update{}, fmt.Errorf("%s up: %w", name, err)
		}
	}
	if st.Check != nil {
		t0 := time.Now()
		out := auto.OutputMap{}
		for k, v := range res.Outputs {
			out[k] = auto.OutputValue{Value: v}
		}
		if err := st.Check(ctx, o.s.cloud, out); err != nil {
			return ops.Update{}, fmt.Errorf("%s check: %w", name, err)
		}
		phase(o.s.name, name+" check", time.Since(t0), "ok")
	}
	return res, nil
}

// collect returns an ops.Events that appends every step to steps and passes it on to next.
func collect(steps *[]Step, next ops.Events) ops.Events {
	return func(s ops.Step) {
		*steps = append(*steps, Step{Op: apitype.OpType(s.Op), URN: s.URN, Type: s.Type, Provider: s.Provider, Diffs: s.Diffs})
		if next != nil {
			next(s)
		}
	}
}

// guardedOps runs op while asking guard every second; the first error guard returns cancels op and
// is the result (a stopError: never run again). A nil guard just runs op.
func guardedOps(ctx context.Context, guard func(Cloud) error, cloud Cloud, op func(context.Context) error) error {
	if guard == nil {
		return op(ctx)
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
	err := op(ctx)
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return &stopError{cause}
	}
	if err == nil {
		if gerr := guard(cloud); gerr != nil {
			err = &stopError{gerr}
		}
	}
	return err
}

// opsChange drills c through the operator command: Before, then c.Ops with the drill's stack as an
// ops.Stack, then the guard once more (what the command's own AWS calls did), and Settle.
func opsChange(ctx context.Context, s *session, c Change) error {
	if c.Before != nil {
		if err := c.Before(ctx, s.cloud); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	run := &OpsRun{Cloud: s.cloud, Stack: newOpsStack(s, c), StateDir: s.dir}
	t0 := time.Now()
	if err := c.Ops(ctx, run); err != nil {
		return fmt.Errorf("%s: %w", c.Name, err)
	}
	if c.Guard != nil {
		if err := c.Guard(s.cloud); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	phase(s.name, c.Name+" (operator command)", time.Since(t0), "ok")
	if !c.Settle {
		return nil
	}
	return settle(ctx, s, c.Name+" ")
}
