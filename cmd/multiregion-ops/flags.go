package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/multiregion/multiregion/ops"
)

// errHelp asks for the usage.
var errHelp = errors.New("help")

const usage = `multiregion-ops <command> [flags]

Commands:
  status      per region: role, health, replica and cache lag, where the writer name points, expected RTO/RPO
  switchover  planned switchover to --to (RPO 0)
  failover    unplanned failover to --to, marking --lost regions lost
  rejoin      return lost regions and rejoin stale RDS standbys as replicas of the primary
              (backup-restore: retire the kept former writers; the up deletes them, final snapshot kept)
  failback    return --to, rejoin stale RDS standbys, switch over back to --to
  gameday     switchover to --to and back, timed (non-production stacks; not backup-restore)

Flags (every command):
  --stack NAME        the stack, e.g. acme/multiregion/staging (or --fleet)
  --fleet FILE        a fleet file (YAML or JSON): {"groups":[{"name":..., "stacks":[...]}, ...]}
  --parallel N        stacks of a fleet group at once (default 4)
  --cwd DIR           the Pulumi project directory (default .)
  --json              print JSON instead of tables
Flags (changing commands):
  --yes               do not ask for confirmation
  --dry-run           pre-checks and the guarded preview only; the configuration is restored
  --report FILE       write the JSON report to FILE and its summary to FILE with .txt
  --to REGION         the target region (switchover, failover, failback, gameday)
  --lost REGION       a region whose APIs are dark (failover; repeatable)
  --rejoin REGION     the regions to return and rejoin (rejoin, failback; repeatable; default every standby)
  --max-lag DURATION  the largest replica lag a switchover accepts (default 10s)
  --allow-unknown-lag go on when the target's replica lag is not reported
  --allow-alarm NAME  an alarm that may be in ALARM (repeatable)
  --lag-timeout DURATION  how long to wait for an RDS replica lag of 0 (default 15m)
  --i-know-this-is-production  let a game day run on a production stack
  --restore-from FROM the backup a backup-restore stack's new writer is restored from (switchover,
                      failover, failback; required there): latest, an RFC 3339 time such as
                      2026-12-01T10:04:00Z, or a DB snapshot ARN in --to
                      (arn:aws:rds:<region>:<account>:snapshot:<name>)
`

// config is a parsed command line.
type config struct {
	command                       string
	stack, fleet, cwd, report, to string
	parallel                      int
	yes, dryRun, json             bool
	lost, rejoin, allowAlarms     []string
	maxLag, lagTimeout            time.Duration
	allowUnknownLag, production   bool
	restoreFrom                   string
}

// regionPattern is an AWS region name.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

// region is a flag holding one region name.
type region struct{ v *string }

func (r region) String() string {
	if r.v == nil {
		return ""
	}
	return *r.v
}

func (r region) Set(s string) error {
	if !regionPattern.MatchString(s) {
		return fmt.Errorf("not an AWS region name (allowed: a region such as us-east-1)")
	}
	*r.v = s
	return nil
}

// regions is a repeatable region flag.
type regions struct{ v *[]string }

func (r regions) String() string {
	if r.v == nil {
		return ""
	}
	return strings.Join(*r.v, ",")
}

func (r regions) Set(s string) error {
	if !regionPattern.MatchString(s) {
		return fmt.Errorf("not an AWS region name (allowed: a region such as us-west-2; repeat the flag for several)")
	}
	*r.v = append(*r.v, s)
	return nil
}

// names is a repeatable non-empty string flag.
type names struct{ v *[]string }

func (n names) String() string {
	if n.v == nil {
		return ""
	}
	return strings.Join(*n.v, ",")
}

func (n names) Set(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New("empty (allowed: an alarm name; repeat the flag for several)")
	}
	*n.v = append(*n.v, s)
	return nil
}

// positive is an integer flag of at least 1.
type positive struct{ v *int }

func (p positive) String() string {
	if p.v == nil {
		return ""
	}
	return strconv.Itoa(*p.v)
}

func (p positive) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return errors.New("not allowed (allowed: a whole number of at least 1)")
	}
	*p.v = n
	return nil
}

// duration is a duration flag of at least min.
type duration struct {
	v   *time.Duration
	min time.Duration
}

func (d duration) String() string {
	if d.v == nil {
		return ""
	}
	return d.v.String()
}

func (d duration) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil || v < d.min {
		return fmt.Errorf("not allowed (allowed: a duration of at least %s, such as 10s or 2m)", d.min)
	}
	*d.v = v
	return nil
}

// restoreFrom is the --restore-from flag: latest, an RFC 3339 time or a DB snapshot ARN
// (ops.ParseRestoreFrom); the snapshot's region is checked against --to once both are parsed.
type restoreFrom struct{ v *string }

func (r restoreFrom) String() string {
	if r.v == nil {
		return ""
	}
	return *r.v
}

func (r restoreFrom) Set(s string) error {
	if _, _, err := ops.ParseRestoreFrom(s); err != nil {
		return errors.New("not allowed (allowed: latest, an RFC 3339 time such as 2026-12-01T10:04:00Z, or a DB snapshot ARN arn:aws:rds:<region>:<account>:snapshot:<name>)")
	}
	*r.v = s
	return nil
}

// commands lists the subcommands.
func commands() []string {
	return []string{ops.CommandStatus, ops.CommandSwitchover, ops.CommandFailover, ops.CommandRejoin, ops.CommandFailback, ops.CommandGameDay}
}

// parse reads a command line: the command, then its flags.
func parse(args []string) (config, error) {
	if len(args) == 0 {
		return config{}, fmt.Errorf("no command (allowed: %s)", strings.Join(commands(), ", "))
	}
	cmd := args[0]
	switch cmd {
	case "help", "-h", "--help", "-help":
		return config{}, errHelp
	}
	if !slices.Contains(commands(), cmd) {
		return config{}, fmt.Errorf("unknown command %q (allowed: %s)", cmd, strings.Join(commands(), ", "))
	}
	cfg := config{command: cmd, cwd: ".", parallel: 4, maxLag: ops.DefaultMaxLag, lagTimeout: ops.DefaultLagTimeout}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cfg.stack, "stack", "", "the stack")
	fs.StringVar(&cfg.fleet, "fleet", "", "a fleet file")
	fs.Var(positive{&cfg.parallel}, "parallel", "stacks of a group at once")
	fs.StringVar(&cfg.cwd, "cwd", ".", "the Pulumi project directory")
	fs.BoolVar(&cfg.json, "json", false, "print JSON")
	if cmd != ops.CommandStatus {
		fs.BoolVar(&cfg.yes, "yes", false, "do not ask")
		fs.BoolVar(&cfg.dryRun, "dry-run", false, "stop after the guarded preview")
		fs.StringVar(&cfg.report, "report", "", "the report file")
		fs.Var(duration{&cfg.lagTimeout, time.Second}, "lag-timeout", "the wait for a replica lag of 0")
	}
	switch cmd {
	case ops.CommandSwitchover, ops.CommandFailover, ops.CommandFailback, ops.CommandGameDay:
		fs.Var(region{&cfg.to}, "to", "the target region")
	}
	switch cmd {
	case ops.CommandSwitchover, ops.CommandFailback, ops.CommandGameDay:
		fs.Var(duration{&cfg.maxLag, 0}, "max-lag", "the largest replica lag accepted")
		fs.BoolVar(&cfg.allowUnknownLag, "allow-unknown-lag", false, "accept an unreported lag")
		fs.Var(names{&cfg.allowAlarms}, "allow-alarm", "an alarm that may be in ALARM")
	}
	switch cmd {
	case ops.CommandSwitchover, ops.CommandFailover, ops.CommandFailback:
		fs.Var(restoreFrom{&cfg.restoreFrom}, "restore-from", "the backup a backup-restore stack's writer is restored from")
	}
	switch cmd {
	case ops.CommandFailover:
		fs.Var(regions{&cfg.lost}, "lost", "a lost region")
	case ops.CommandRejoin, ops.CommandFailback:
		fs.Var(regions{&cfg.rejoin}, "rejoin", "a region to rejoin")
	case ops.CommandGameDay:
		fs.BoolVar(&cfg.production, "i-know-this-is-production", false, "allow a production stack")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, errHelp
		}
		return config{}, fmt.Errorf("%s: %w", cmd, err)
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("%s: unexpected argument %q (flags only; e.g. --to %s)", cmd, fs.Arg(0), fs.Arg(0))
	}
	switch {
	case cfg.stack == "" && cfg.fleet == "":
		return config{}, fmt.Errorf("%s: give --stack NAME (e.g. acme/multiregion/staging) or --fleet FILE", cmd)
	case cfg.stack != "" && cfg.fleet != "":
		return config{}, fmt.Errorf("%s: --stack %q and --fleet %q: give one of them", cmd, cfg.stack, cfg.fleet)
	}
	if cfg.to == "" && cmd != ops.CommandStatus && cmd != ops.CommandRejoin {
		return config{}, fmt.Errorf("%s: --to is required (allowed: a region of the stack, such as us-east-1)", cmd)
	}
	if cfg.restoreFrom != "" {
		if err := ops.ValidateRestoreFrom(cfg.restoreFrom, cfg.to); err != nil {
			return config{}, fmt.Errorf("%s: invalid value for flag -restore-from: %w", cmd, err)
		}
	}
	return cfg, nil
}

func writeJSON(w io.Writer, v any) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(v)
}
