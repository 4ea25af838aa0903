package drill

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

// Options says where the toolchain built by localcloud/build.sh is and where a drill keeps
// its state.
type Options struct {
	// Root holds bin/pulumi (an auto.PulumiCommand root).
	Root string
	// PulumiHome has the pulumi-resource-aws plugin installed.
	PulumiHome string
	// State holds the file backend, workspaces and logs of every drill.
	State string
}

// RegisterFlags registers -root, -pulumi-home and -state on fs.
func RegisterFlags(fs *flag.FlagSet) *Options {
	o := &Options{}
	fs.StringVar(&o.Root, "root", "", "directory holding bin/pulumi (required)")
	fs.StringVar(&o.PulumiHome, "pulumi-home", "", "PULUMI_HOME with the pulumi-resource-aws plugin installed (required)")
	fs.StringVar(&o.State, "state", "", "directory for the file backend, workspaces and logs (default: a new temporary directory)")
	return o
}

func (o Options) pluginPath() string {
	return filepath.Join(o.PulumiHome, "plugins", "resource-aws-v"+pluginVersion, "pulumi-resource-aws")
}

// resolve makes the paths absolute, creates a temporary state directory when none is
// given, and checks that build.sh has run.
func (o *Options) resolve() error {
	if o.Root == "" || o.PulumiHome == "" {
		return errors.New("-root and -pulumi-home are required")
	}
	if o.State == "" {
		dir, err := os.MkdirTemp("", "localcloud-")
		if err != nil {
			return err
		}
		o.State = dir
	}
	for _, p := range []*string{&o.Root, &o.PulumiHome, &o.State} {
		if a, err := filepath.Abs(*p); err == nil {
			*p = a
		}
	}
	var errs []error
	if _, err := os.Stat(filepath.Join(o.Root, "bin", "pulumi")); err != nil {
		errs = append(errs, fmt.Errorf("pulumi CLI: %w (run localcloud/build.sh)", err))
	}
	if _, err := os.Stat(o.pluginPath()); err != nil {
		errs = append(errs, fmt.Errorf("aws plugin: %w (run localcloud/build.sh)", err))
	}
	return errors.Join(errs...)
}

// Main runs spec with o, stopping cleanly on SIGINT or SIGTERM, prints the outcome and
// returns the process exit code.
func Main(o *Options, spec Spec) int {
	return mainOf(o, spec.Name, func(ctx context.Context, cfg Options) error { return run(ctx, cfg, spec) })
}

// mainOf resolves o, runs the drill name with it until SIGINT or SIGTERM, prints how long it took
// and its verdict, and returns the process exit code.
func mainOf(o *Options, name string, drill func(context.Context, Options) error) int {
	if err := o.resolve(); err != nil {
		fmt.Fprintln(os.Stderr, "localcloud:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	start := time.Now()
	err := drill(ctx, *o)
	fmt.Printf("localcloud: %s drill took %s\n", name, time.Since(start).Round(time.Second))
	if err != nil {
		// The Automation API's errors carry the whole CLI output; the log tail above has
		// what matters, so the verdict stays one line.
		msg, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Fprintf(os.Stderr, "localcloud: %s drill FAILED: %s\n", name, msg)
		return 1
	}
	fmt.Printf("localcloud: %s drill passed\n", name)
	return 0
}

// ProjectRoot is the nearest directory, from the working directory up, that holds a Pulumi.yaml, so
// that a drill runs from the repository root or from localcloud/ alike; the working directory when
// there is none.
func ProjectRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "Pulumi.yaml")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}

// writeSettings puts a stack's settings file where the workspace reads it.
func writeSettings(workDir, stack string, settings []byte) error {
	if settings == nil {
		return nil
	}
	return os.WriteFile(filepath.Join(workDir, "Pulumi."+stack+".yaml"), settings, 0o644)
}

// FaultOptions are a drill's fault injection and its bounded retry (RegisterFaultFlags).
type FaultOptions struct {
	rate    float64
	seed    uint64
	retries int
}

// RegisterFaultFlags registers -fault-rate (default rate), -fault-seed and -retries on fs.
func RegisterFaultFlags(fs *flag.FlagSet, rate float64) *FaultOptions {
	o := &FaultOptions{}
	fs.Float64Var(&o.rate, "fault-rate", rate, "the share of AWS requests the region proxy faults (throttles, 500s, 503s, connection resets, latency up to 2 s); 0: none")
	fs.Uint64Var(&o.seed, "fault-seed", 1, "the seed of the injected faults")
	fs.IntVar(&o.retries, "retries", 2, "with faults, how many times a failed command runs again before the drill fails (the runbook's bounded retry)")
	return o
}

// Apply sets spec's Faults and Retries from the flags: none at a rate of 0.
func (o *FaultOptions) Apply(spec *Spec) {
	if o.rate <= 0 {
		return
	}
	spec.Faults = &emulator.Faults{
		Rate: o.rate,
		Seed: o.seed,
		Weights: map[emulator.FaultKind]float64{
			emulator.FaultThrottle: 2, emulator.FaultInternalError: 1, emulator.FaultUnavailable: 1,
			emulator.FaultReset: 1, emulator.FaultLatency: 1,
		},
		MaxLatency: 2 * time.Second,
	}
	spec.Retries = o.retries
}
