package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// session is one drill's run on its stack: every command of it (preview, up, refresh, destroy) goes
// through do, which times it, runs it again after a failure (up to retries times), and prints its
// phase line with the faults the region proxy injected while it ran.
type session struct {
	name    string
	stack   auto.Stack
	cloud   Cloud
	log     io.Writer
	faults  bool   // the proxy injects faults: print them per phase
	retries int    // whole-command retries allowed after a failure (Spec.Retries)
	cli     *cli   // the CLI every command runs, which a Kill SIGKILLs
	dir     string // the drill's state directory

	inventory []string        // regions whose inventory the recovery after a kill reads (Spec.Inventory)
	ignore    func() []string // what moto holds that no stack owns (Spec.InventoryIgnore)

	attempts map[string]int // phase label -> attempts it took, for the final report
}

// stopError is a command stopped by the drill itself (a guard tripped): never run again.
type stopError struct{ cause error }

func (e *stopError) Error() string { return "stopped: " + e.cause.Error() }
func (e *stopError) Unwrap() error { return e.cause }

// do runs cmd, the command of the phase label, and prints the phase with the detail cmd returns.
// A failed command runs again, up to s.retries times, unless the drill stopped it (a guard, or
// ctx ended): under injected faults a provider may give up on a request after its own retries
// (the Terraform AWS provider's: 25 for most services), and the documented answer of the runbook
// is to run the same command again; the engine checkpoints after every step, so a second run
// resumes from what the first one did. Each retry is printed with the error it follows.
func (s *session) do(ctx context.Context, label string, cmd func(ctx context.Context) (string, error)) error {
	t0 := time.Now()
	before := s.cloud.Proxy.Totals()
	var (
		detail string
		err    error
	)
	attempt := 1
	for ; ; attempt++ {
		detail, err = cmd(ctx)
		var stop *stopError
		if err == nil || attempt > s.retries || ctx.Err() != nil || errors.As(err, &stop) {
			break
		}
		msg, _, _ := strings.Cut(err.Error(), "\n")
		fmt.Printf("localcloud: %s: %s failed (attempt %d of %d), running it again: %s\n", s.name, label, attempt, s.retries+1, msg)
		fmt.Fprintf(s.log, "\n=== localcloud: %s attempt %d failed; attempt %d follows ===\n\n", label, attempt, attempt+1)
	}
	if s.attempts == nil {
		s.attempts = map[string]int{}
	}
	s.attempts[label] = attempt
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	if s.faults {
		after := s.cloud.Proxy.Totals()
		detail += fmt.Sprintf("  [faults=%d requests=%d attempts=%d]",
			after.FaultTotal()-before.FaultTotal(), after.Served-before.Served, attempt)
	}
	phase(s.name, label, time.Since(t0), detail)
	return nil
}

// retried is the number of whole-command retries the drill needed, and the phases that needed them.
func (s *session) retried() (int, []string) {
	n := 0
	var labels []string
	for _, label := range sortedKeys(s.attempts) {
		if a := s.attempts[label]; a > 1 {
			n += a - 1
			labels = append(labels, fmt.Sprintf("%s (%d attempts)", label, a))
		}
	}
	return n, labels
}

// killAndRecover runs cmd, the command of phase label, kills it at k, and recovers as the runbook
// says (recoverKilled). It returns when the kill happened: the caller runs the command again and
// reports the recovery time from then.
func (s *session) killAndRecover(ctx context.Context, label string, k Kill, cmd func(ctx context.Context) error) (time.Time, error) {
	if _, err := s.killed(ctx, label, k, cmd); err != nil {
		return time.Time{}, err
	}
	at := time.Now()
	var ignore []string
	if s.ignore != nil {
		ignore = s.ignore()
	}
	detail, err := s.recoverKilled(ctx, s.inventory, ignore)
	if err != nil {
		return time.Time{}, fmt.Errorf("%s: recovering after the kill: %w", label, err)
	}
	phase(s.name, label+" recovery", time.Since(at), "cancel, "+detail)
	return at, nil
}

// recovered prints how long the stack took to converge after the kill at.
func (s *session) recovered(label string, at time.Time) {
	phase(s.name, label+" recovered", time.Since(at), "from the kill to the command run again to its end")
}

// lockMessage is how the file (and S3) backend refuses a command on a stack another holds.
const lockMessage = "the stack is currently locked by 1 lock(s)"

// secondOperator waits for the lock of the command that is starting on the stack to appear in the
// backend, then runs a second `pulumi up` of the same stack, as a second operator would. It
// sends "refused ..." with the CLI's message when the lock refused it, anything else otherwise.
func (s *session) secondOperator(ctx context.Context) <-chan string {
	out := make(chan string, 1)
	locks := filepath.Join(s.cloud.Backend, ".pulumi", "locks")
	go func() {
		deadline := time.After(5 * time.Minute)
		for {
			if held(locks) {
				break
			}
			select {
			case <-ctx.Done():
				out <- "not run: " + ctx.Err().Error()
				return
			case <-deadline:
				out <- "not run: no lock appeared in " + locks
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
		t0 := time.Now()
		_, err := s.stack.Up(ctx, optup.ProgressStreams(s.log), optup.ErrorProgressStreams(s.log))
		switch {
		case err == nil:
			out <- "NOT refused: a second up ran while the first held the lock"
		case strings.Contains(err.Error(), lockMessage):
			line := err.Error()[strings.Index(err.Error(), lockMessage):]
			line, _, _ = strings.Cut(line, "\n")
			out <- fmt.Sprintf("refused in %s: %q", time.Since(t0).Round(100*time.Millisecond), line)
		default:
			msg, _, _ := strings.Cut(err.Error(), "\n")
			out <- "failed, not by the lock: " + msg
		}
	}()
	return out
}

// held reports whether a lock file is in the backend's locks directory.
func held(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

// roundTrip exports the stack's state, imports it back, and requires a no-change preview: what an
// operator restores from an export (or from the state bucket's previous version) is a whole state.
func roundTrip(ctx context.Context, s *session) error {
	t0 := time.Now()
	exported, err := s.stack.Export(ctx)
	if err != nil {
		return fmt.Errorf("state round trip: export: %w", err)
	}
	if err := s.stack.Import(ctx, exported); err != nil {
		return fmt.Errorf("state round trip: import: %w", err)
	}
	phase(s.name, "state export + import", time.Since(t0), fmt.Sprintf("%d bytes", len(exported.Deployment)))
	return s.do(ctx, "state preview (no changes)", func(ctx context.Context) (string, error) {
		pre, err := s.stack.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.Diff(),
			optpreview.ProgressStreams(s.log), optpreview.ErrorProgressStreams(s.log))
		if err == nil && changes(pre.ChangeSummary) > 0 {
			err = fmt.Errorf("the imported state shows %d changes (%s)", changes(pre.ChangeSummary), summary(pre.ChangeSummary))
		}
		return summary(pre.ChangeSummary), err
	})
}
