package drill

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

// FleetStack is one stack of a fleet drill.
type FleetStack struct {
	// Name is the stack's name.
	Name string
	// Settings is its Pulumi.<name>.yaml.
	Settings []byte
}

// FleetSpec is a fleet drill: several small stacks of one program deployed in parallel into one
// moto (behind the region proxy, no faults), then Run (the operator command in fleet mode), then
// every stack destroyed.
type FleetSpec struct {
	// Name labels the drill's lines and names its state directory.
	Name string
	// Project is the Pulumi project's name; ProjectFile, if set, its Pulumi.yaml (the config schema
	// is enforced).
	Project, ProjectFile string
	// Stacks are the stacks, deployed in parallel.
	Stacks []FleetStack
	// Program returns the inline program, given the endpoint its providers must use.
	Program func(endpoint string) (pulumi.RunFunc, map[string]string)
	// MotoEnv is added to moto's environment.
	MotoEnv []string
	// Run runs once every stack is up, with the cloud and the stacks by name.
	Run func(ctx context.Context, cloud Cloud, stacks map[string]auto.Stack) error
}

// MainFleet runs spec with o, stopping cleanly on SIGINT or SIGTERM, prints the outcome and returns
// the process exit code.
func MainFleet(o *Options, spec FleetSpec) int {
	return mainOf(o, spec.Name, func(ctx context.Context, cfg Options) error { return runFleet(ctx, cfg, spec) })
}

// runFleet starts moto and the region proxy, deploys every stack in parallel, runs spec.Run,
// destroys every stack in parallel (also after a failure) and stops moto.
func runFleet(ctx context.Context, cfg Options, d FleetSpec) (err error) {
	dir := filepath.Join(cfg.State, d.Name)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clearing %s: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	motoLog, err := os.Create(filepath.Join(dir, "moto.log"))
	if err != nil {
		return fmt.Errorf("creating the moto log: %w", err)
	}
	defer motoLog.Close()
	t0 := time.Now()
	moto, err := emulator.StartMoto(ctx, emulator.MotoOptions{
		Log: motoLog,
		Env: append([]string{"MOTO_IAM_LOAD_MANAGED_POLICIES=true"}, d.MotoEnv...),
	})
	if err != nil {
		return fmt.Errorf("starting moto: %w", err)
	}
	phase(d.Name, "moto", time.Since(t0), "listening on "+moto.URL())
	defer func() {
		if stopErr := moto.Stop(); stopErr != nil && err == nil {
			err = stopErr
		}
	}()
	proxy, err := emulator.StartRegionProxy(moto.URL())
	if err != nil {
		return fmt.Errorf("starting the region proxy: %w", err)
	}
	defer func() { _ = proxy.Stop(context.WithoutCancel(ctx)) }()
	cloud := Cloud{Emulator: moto.URL(), Proxy: proxy, Project: d.Project}
	cmd, err := newCLI(cfg.Root)
	if err != nil {
		return err
	}

	stacks := map[string]auto.Stack{}
	logs := map[string]*os.File{}
	defer func() {
		for _, f := range logs {
			f.Close()
		}
	}()
	for _, fs := range d.Stacks {
		sdir := filepath.Join(dir, fs.Name)
		if err := os.MkdirAll(filepath.Join(sdir, "backend"), 0o755); err != nil {
			return fmt.Errorf("creating %s: %w", sdir, err)
		}
		log, err := os.Create(filepath.Join(sdir, "pulumi.log"))
		if err != nil {
			return fmt.Errorf("creating the log of %s: %w", fs.Name, err)
		}
		logs[fs.Name] = log
		spec := Spec{Name: fs.Name, Project: d.Project, ProjectFile: d.ProjectFile, Settings: fs.Settings, Program: d.Program}
		st, err := newStack(ctx, cfg, spec, sdir, proxy.URL(), "passphrase", cmd)
		if err != nil {
			return err
		}
		stacks[fs.Name] = st
	}

	// Destroy everything that was created, whatever happened after.
	defer func() {
		derr := eachStack(d, func(name string) error {
			st := stacks[name]
			t0 := time.Now()
			res, err := st.Destroy(context.WithoutCancel(ctx), optdestroy.ProgressStreams(logs[name]), optdestroy.ErrorProgressStreams(logs[name]))
			if err != nil {
				return fmt.Errorf("destroying %s: %w", name, err)
			}
			phase(d.Name, name+" destroy", time.Since(t0), summary(opMap(res.Summary.ResourceChanges)))
			return nil
		})
		if derr != nil && err == nil {
			err = derr
		}
	}()

	t0 = time.Now()
	err = eachStack(d, func(name string) error {
		st := stacks[name]
		t1 := time.Now()
		res, err := st.Up(ctx, optup.ProgressStreams(logs[name]), optup.ErrorProgressStreams(logs[name]))
		if err != nil {
			return fmt.Errorf("up of %s: %w (log %s)", name, err, filepath.Join(dir, name, "pulumi.log"))
		}
		phase(d.Name, name+" up", time.Since(t1), summary(opMap(res.Summary.ResourceChanges)))
		return nil
	})
	if err != nil {
		return err
	}
	phase(d.Name, "every stack up", time.Since(t0), fmt.Sprintf("%d stacks in parallel", len(d.Stacks)))
	if d.Run == nil {
		return nil
	}
	t0 = time.Now()
	if err := d.Run(ctx, cloud, stacks); err != nil {
		return err
	}
	phase(d.Name, "fleet command", time.Since(t0), "ok")
	return nil
}

// eachStack runs f for every stack of d in parallel and joins the errors.
func eachStack(d FleetSpec, f func(name string) error) error {
	var wg sync.WaitGroup
	errs := make([]error, len(d.Stacks))
	for i, fs := range d.Stacks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f(fs.Name)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
