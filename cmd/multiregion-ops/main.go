// Command multiregion-ops is the operator's command for a multiregion stack, or a fleet of them:
// status, a planned switchover, an unplanned failover (with lost regions), the rejoin of stale RDS
// standbys (on a backup-restore stack: the retire of kept former writers; a move there restores the
// new writer from --restore-from), a failback and a game day, each printed as a plan first,
// confirmed, guarded and timed (docs/operations.md). It drives the stacks through the Pulumi Automation API (ops/pulumistack) and
// calls AWS only for the data-plane steps Pulumi cannot express (ops/awscloud).
//
// Usage:
//
//	multiregion-ops <command> [flags]
//
// Exit status: 0 success (or a dry run that passed), 1 a failure or no confirmation, 2 a bad
// command line, 3 a refused step (a pre-check or the guarded preview).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/multiregion/multiregion/ops"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	exitRefused = 3
)

// backend builds the real Stack and Cloud; tests replace it with fakes.
type backend interface {
	// Stack opens a stack by name in the Pulumi project directory dir.
	Stack(ctx context.Context, name, dir string) (ops.Stack, error)
	// Cloud builds the AWS data plane.
	Cloud(ctx context.Context) (ops.Cloud, error)
}

// cli is the command with its inputs and outputs.
type cli struct {
	in          io.Reader
	out, errOut io.Writer
	backend     backend
	clock       ops.Clock
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c := cli{in: os.Stdin, out: os.Stdout, errOut: os.Stderr, backend: awsPulumi{}, clock: ops.SystemClock{}}
	os.Exit(c.run(ctx, os.Args[1:]))
}

// run parses args and runs the command; it returns the exit status.
func (c cli) run(ctx context.Context, args []string) int {
	cfg, err := parse(args)
	if errors.Is(err, errHelp) {
		fmt.Fprint(c.out, usage)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(c.errOut, "multiregion-ops: %v\n", err)
		fmt.Fprintln(c.errOut, "run 'multiregion-ops help' for the commands and flags")
		return exitUsage
	}
	if err := c.execute(ctx, cfg); err != nil {
		fmt.Fprintf(c.errOut, "multiregion-ops %s: %v\n", cfg.command, err)
		var refusal *ops.RefusalError
		if errors.As(err, &refusal) {
			return exitRefused
		}
		return exitFailed
	}
	return exitOK
}

// execute runs a parsed command line.
func (c cli) execute(ctx context.Context, cfg config) error {
	cloud, err := c.backend.Cloud(ctx)
	if err != nil {
		return fmt.Errorf("connecting to AWS: %w", err)
	}
	open := func(ctx context.Context, name string) (ops.Stack, error) {
		st, err := c.backend.Stack(ctx, name, cfg.cwd)
		if err != nil {
			return nil, fmt.Errorf("opening the stack %s in %s: %w", name, cfg.cwd, err)
		}
		return st, nil
	}
	if cfg.command == ops.CommandStatus {
		return c.status(ctx, cfg, open, cloud)
	}
	opts := ops.Options{In: c.in, Out: c.out, Clock: c.clock, Yes: cfg.yes, DryRun: cfg.dryRun, MaxLag: cfg.maxLag,
		AllowUnknownLag: cfg.allowUnknownLag, AllowAlarms: cfg.allowAlarms, LagTimeout: cfg.lagTimeout, Production: cfg.production}
	req := ops.Request{Command: cfg.command, To: cfg.to, Lost: cfg.lost, Rejoin: cfg.rejoin, RestoreFrom: cfg.restoreFrom}
	if cfg.fleet != "" {
		fleet, err := readFleet(cfg.fleet)
		if err != nil {
			return err
		}
		fr, runErr := ops.RunFleet(ctx, fleet, open, cloud, req, cfg.parallel, opts)
		if fr != nil {
			if err := c.finish(cfg, fr, fr.Reports()); err != nil {
				return errors.Join(runErr, err)
			}
			if !cfg.json {
				if err := fr.WriteTable(c.out); err != nil {
					return errors.Join(runErr, err)
				}
			}
		}
		return runErr
	}
	st, err := open(ctx, cfg.stack)
	if err != nil {
		return err
	}
	r, runErr := ops.Run(ctx, st, cloud, req, opts)
	if r != nil {
		if err := c.finish(cfg, r, []*ops.Report{r}); err != nil {
			return errors.Join(runErr, err)
		}
	}
	return runErr
}

// finish prints the summary (or the JSON) and writes --report.
func (c cli) finish(cfg config, v any, reports []*ops.Report) error {
	if cfg.report != "" {
		if err := ops.SaveReport(cfg.report, v, reports...); err != nil {
			return err
		}
	}
	if cfg.json {
		return writeJSON(c.out, v)
	}
	return ops.WriteSummary(c.out, reports...)
}

// status prints the status of the stack, or of every stack of the fleet.
func (c cli) status(ctx context.Context, cfg config, open ops.Opener, cloud ops.Cloud) error {
	names := []string{cfg.stack}
	if cfg.fleet != "" {
		fleet, err := readFleet(cfg.fleet)
		if err != nil {
			return err
		}
		names = nil
		for _, g := range fleet.Groups {
			names = append(names, g.Stacks...)
		}
	}
	var all []ops.Status
	for _, n := range names {
		st, err := open(ctx, n)
		if err != nil {
			return err
		}
		s, err := ops.ReadStatus(ctx, st, cloud)
		if err != nil {
			return err
		}
		if cfg.json {
			all = append(all, s)
			continue
		}
		if err := s.WriteTable(c.out); err != nil {
			return err
		}
	}
	if !cfg.json {
		return nil
	}
	if cfg.fleet == "" {
		return writeJSON(c.out, all[0])
	}
	return writeJSON(c.out, all)
}

func readFleet(path string) (ops.Fleet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return ops.Fleet{}, fmt.Errorf("--fleet: %w", err)
	}
	f, err := ops.ParseFleet(b)
	if err != nil {
		return ops.Fleet{}, fmt.Errorf("--fleet %s: %w", path, err)
	}
	return f, nil
}
