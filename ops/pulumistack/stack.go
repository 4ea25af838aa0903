// Package pulumistack implements ops.Stack over the Pulumi Automation API
// (github.com/pulumi/pulumi/sdk/v3/go/auto): the stack's configuration, its outputs, and previews and
// updates whose engine events are translated into ops.Step values for the operator's progress and
// for the guarded preview.
//
// Open selects a stack of a project directory (the repository root, with Pulumi.yaml) and runs the
// Pulumi CLI there; New wraps an auto.Stack built elsewhere (an inline program, the local tier's
// own workspace). The configuration is parsed by the stack program's own parser (stacks.ParseMap), so
// the defaults the operator sees are the ones the program deploys.
package pulumistack

import (
	"context"
	"fmt"

	"github.com/multiregion/multiregion/ops"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
)

// Option configures Open and New.
type Option func(*options)

type options struct {
	workspace []auto.LocalWorkspaceOption
	preview   []optpreview.Option
	up        []optup.Option
}

// WithPulumiCommand runs cmd instead of the pulumi CLI found on PATH (auto.Pulumi). Open only.
func WithPulumiCommand(cmd auto.PulumiCommand) Option {
	return func(o *options) { o.workspace = append(o.workspace, auto.Pulumi(cmd)) }
}

// WithEnv adds environment variables to every CLI command (auto.EnvVars): PULUMI_BACKEND_URL,
// PULUMI_CONFIG_PASSPHRASE, AWS endpoint variables and the like. Open only.
func WithEnv(env map[string]string) Option {
	return func(o *options) { o.workspace = append(o.workspace, auto.EnvVars(env)) }
}

// WithPulumiHome sets PULUMI_HOME, where the CLI finds its plugins and credentials (auto.PulumiHome).
// Open only.
func WithPulumiHome(dir string) Option {
	return func(o *options) { o.workspace = append(o.workspace, auto.PulumiHome(dir)) }
}

// WithWorkspaceOptions passes any other workspace options to auto.SelectStackLocalSource. Open only.
func WithWorkspaceOptions(opts ...auto.LocalWorkspaceOption) Option {
	return func(o *options) { o.workspace = append(o.workspace, opts...) }
}

// WithPreviewOptions adds options to every preview (for example optpreview.ProgressStreams for the
// CLI's own output, or optpreview.Parallel). The event stream is always added.
func WithPreviewOptions(opts ...optpreview.Option) Option {
	return func(o *options) { o.preview = append(o.preview, opts...) }
}

// WithUpOptions adds options to every update (for example optup.ProgressStreams). The event stream
// is always added.
func WithUpOptions(opts ...optup.Option) Option {
	return func(o *options) { o.up = append(o.up, opts...) }
}

// Stack is an ops.Stack over an Automation API stack.
type Stack struct {
	stack auto.Stack
	opts  options
}

var _ ops.Stack = (*Stack)(nil)

// Open selects the existing stack stackName of the project in workDir (its Pulumi.yaml), with
// auto.SelectStackLocalSource. It creates no stack: the operator works on deployed stacks only.
func Open(ctx context.Context, stackName, workDir string, opts ...Option) (ops.Stack, error) {
	o := collect(opts)
	s, err := auto.SelectStackLocalSource(ctx, stackName, workDir, o.workspace...)
	if err != nil {
		return nil, fmt.Errorf("selecting stack %s in %s: %w", stackName, workDir, err)
	}
	return &Stack{stack: s, opts: o}, nil
}

// New wraps an Automation API stack built elsewhere (an inline program, a workspace of the local
// tier's). Workspace options are ignored: the stack already has its workspace.
func New(s auto.Stack, opts ...Option) ops.Stack {
	return &Stack{stack: s, opts: collect(opts)}
}

func collect(opts []Option) options {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Name is the stack's name as it was selected (fully qualified when it was given so).
func (s *Stack) Name() string { return s.stack.Name() }

// Settings reads the stack's configuration (with its secrets in clear, in memory only) and parses it
// with the stack program's own parser, so every default is the program's.
func (s *Stack) Settings(ctx context.Context) (ops.Settings, error) {
	conf, err := s.stack.GetAllConfig(ctx)
	if err != nil {
		return ops.Settings{}, fmt.Errorf("reading the configuration of stack %s: %w", s.Name(), err)
	}
	st, err := settings(configValues(conf))
	if err != nil {
		return ops.Settings{}, fmt.Errorf("stack %s: %w", s.Name(), err)
	}
	return st, nil
}

// Outputs reads the stack's last outputs; secret values are replaced by "[secret]".
func (s *Stack) Outputs(ctx context.Context) (map[string]any, error) {
	out, err := s.stack.Outputs(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the outputs of stack %s: %w", s.Name(), err)
	}
	return outputs(out), nil
}

// SetConfig writes values: plain strings in one `pulumi config set-all` (path false), and objects
// and lists (JSON) as structured values in the stack's settings file, so that a project whose config
// schema types them (`lostRegions: {type: array}` in this project's Pulumi.yaml) accepts them: a
// JSON list written as a string is refused by the CLI's validation ("must be of type
// 'array<string>'").
func (s *Stack) SetConfig(ctx context.Context, values map[string]string) error {
	if len(values) == 0 {
		return nil
	}
	plain, structured := splitStructured(values)
	if len(structured) > 0 {
		ws := s.stack.Workspace()
		ps, err := ws.StackSettings(ctx, s.stack.Name())
		if err != nil {
			return fmt.Errorf("setting %s on stack %s: reading its settings: %w", keyList(structured), s.Name(), err)
		}
		if ps.Config == nil {
			ps.Config = config.Map{}
		}
		for k, v := range structured {
			key, err := config.ParseKey(k)
			if err != nil {
				return fmt.Errorf("setting %s on stack %s: %w", k, s.Name(), err)
			}
			ps.Config[key] = config.NewObjectValue(v)
		}
		if err := ws.SaveStackSettings(ctx, s.stack.Name(), ps); err != nil {
			return fmt.Errorf("setting %s on stack %s: %w", keyList(structured), s.Name(), err)
		}
	}
	if len(plain) == 0 {
		return nil
	}
	if err := s.stack.SetAllConfigWithOptions(ctx, configMap(plain), &auto.ConfigOptions{Path: false}); err != nil {
		return fmt.Errorf("setting %s on stack %s: %w", keyList(plain), s.Name(), err)
	}
	return nil
}

// Preview runs `pulumi preview` and returns its steps (without "same") and its change summary.
// progress, when not nil, is called for every step as the engine plans it (ResourcePreEvent),
// "same" included, from one goroutine, in engine order.
func (s *Stack) Preview(ctx context.Context, progress ops.Events) (ops.Preview, error) {
	ch := make(chan events.EngineEvent)
	c := newCollector(progress)
	done := c.consume(ch)
	opts := append([]optpreview.Option{optpreview.EventStreams(ch)}, s.opts.preview...)
	res, err := s.stack.Preview(ctx, opts...)
	c.wait(done, err == nil)
	if err != nil {
		return ops.Preview{}, fmt.Errorf("preview of stack %s: %w", s.Name(), err)
	}
	sum := c.summary()
	if sum == nil {
		sum = summaryOf(res.ChangeSummary)
	}
	return ops.Preview{Steps: c.changes(), Summary: sum}, nil
}

// Up runs `pulumi up` and returns its change summary and the stack outputs after it (secrets
// masked). progress, when not nil, is called for every step as the engine starts it
// (ResourcePreEvent), "same" included, from one goroutine, in engine order.
func (s *Stack) Up(ctx context.Context, progress ops.Events) (ops.Update, error) {
	ch := make(chan events.EngineEvent)
	c := newCollector(progress)
	done := c.consume(ch)
	opts := append([]optup.Option{optup.EventStreams(ch)}, s.opts.up...)
	res, err := s.stack.Up(ctx, opts...)
	c.wait(done, err == nil)
	if err != nil {
		return ops.Update{}, fmt.Errorf("update of stack %s: %w", s.Name(), err)
	}
	sum := c.summary()
	if sum == nil && res.Summary.ResourceChanges != nil {
		sum = ops.ChangeSummary{}
		for op, n := range *res.Summary.ResourceChanges {
			sum[ops.Op(op)] = n
		}
	}
	return ops.Update{Summary: sum, Outputs: outputs(res.Outputs)}, nil
}
