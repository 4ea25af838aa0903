// Command runner runs the local cloud drills: the real Pulumi engine (the CLI built by
// localcloud/build.sh) drives a Go program through the Automation API against moto, with
// the bridged pulumi-resource-aws plugin, offline and without an AWS account.
//
// Each drill runs preview -> up -> refresh -> preview (which must show no change) ->
// destroy, prints the time of every phase, stops moto and checks that no plugin or
// Terraform provider process is left behind.
//
//	go run ./localcloud/runner -root localcloud/.bin -pulumi-home localcloud/.bin/home
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	os.Exit(run())
}

func run() int {
	root := flag.String("root", "", "directory holding bin/pulumi (required)")
	home := flag.String("pulumi-home", "", "PULUMI_HOME with the pulumi-resource-aws plugin installed (required)")
	state := flag.String("state", "", "directory for the file backend, workspaces and logs (default: a new temporary directory)")
	drill := flag.String("drill", "smoke", "the drill to run: smoke")
	primary := flag.String("primary-region", "us-west-2", "the smoke drill's primary region")
	standby := flag.String("standby-region", "us-east-1", "the smoke drill's standby region")
	flag.Parse()

	if *root == "" || *home == "" {
		fmt.Fprintln(os.Stderr, "runner: -root and -pulumi-home are required")
		flag.Usage()
		return 2
	}
	cfg := config{root: abs(*root), home: abs(*home), state: *state}
	if cfg.state == "" {
		dir, err := os.MkdirTemp("", "localcloud-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "runner:", err)
			return 1
		}
		cfg.state = dir
	}
	cfg.state = abs(cfg.state)
	if err := cfg.check(); err != nil {
		fmt.Fprintln(os.Stderr, "runner:", err)
		return 1
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var d drillSpec
	switch *drill {
	case "smoke":
		d = drillSpec{
			name:    "smoke",
			project: "localcloud-smoke",
			program: func(endpoint string) programFunc {
				return smokeProgram(endpoint, *primary, *standby)
			},
		}
	default:
		fmt.Fprintf(os.Stderr, "runner: unknown drill %q\n", *drill)
		return 2
	}

	start := time.Now()
	err := runDrill(ctx, cfg, d)
	fmt.Printf("localcloud: %s drill took %s\n", d.name, time.Since(start).Round(time.Second))
	if err != nil {
		fmt.Fprintf(os.Stderr, "localcloud: %s drill FAILED: %v\n", d.name, err)
		return 1
	}
	fmt.Printf("localcloud: %s drill passed\n", d.name)
	return 0
}

type config struct {
	root, home, state string
}

func (c config) pluginPath() string {
	return filepath.Join(c.home, "plugins", "resource-aws-v"+pluginVersion, "pulumi-resource-aws")
}

func (c config) check() error {
	var errs []error
	if _, err := os.Stat(filepath.Join(c.root, "bin", "pulumi")); err != nil {
		errs = append(errs, fmt.Errorf("pulumi CLI: %w (run localcloud/build.sh)", err))
	}
	if _, err := os.Stat(c.pluginPath()); err != nil {
		errs = append(errs, fmt.Errorf("aws plugin: %w (run localcloud/build.sh)", err))
	}
	return errors.Join(errs...)
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}
