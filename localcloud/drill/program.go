package drill

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

// ProgramSpec is a Pulumi project on disk (a directory with its Pulumi.yaml, run by its own
// language host, e.g. a Pulumi YAML program), taken through preview, up, a preview that must show
// no change, and destroy against moto: what a user of that language runs, with the engine, the
// language host and every plugin as separate processes. The inline-program drills (Spec,
// FleetSpec) need no language host; this one proves the host and the plugins it loads.
type ProgramSpec struct {
	// Name is the drill's and the stack's name.
	Name string
	// Dir is the project directory. It is copied into the drill's workspace, and the copy is what
	// runs: the source is never written to.
	Dir string
	// Prepare, if set, edits the copy in dir before the first preview, given the endpoint of the
	// region proxy in front of moto (e.g. it points the program's providers at the emulator).
	Prepare func(dir, endpoint string) error
	// Config is the stack's configuration (key -> value).
	Config map[string]string
	// Check, if set, runs after the up with the stack's outputs and the cloud.
	Check func(ctx context.Context, cloud Cloud, outputs auto.OutputMap) error
	// Inventory lists the regions where moto's holdings must match the state after the up and
	// hold none of the stack's resources after destroy (emulator.ListInventory's kinds).
	Inventory []string
	// Plugins are the file names of the executables, other than pulumi-resource-aws, that the
	// program's run starts (its language host, a component provider): none may be left running.
	Plugins []string
	// MotoEnv is added to moto's environment.
	MotoEnv []string
	// NoDefaultProvider names packages (e.g. "aws") whose default provider must not appear in the
	// state after up: every resource of theirs must be on a provider the program created, or it
	// would reach the cloud that the ambient settings name, not the emulator.
	NoDefaultProvider []string
}

// MainProgram runs spec with o, stopping cleanly on SIGINT or SIGTERM, prints the outcome and
// returns the process exit code.
func MainProgram(o *Options, spec ProgramSpec) int {
	return mainOf(o, spec.Name, func(ctx context.Context, cfg Options) error { return runProgram(ctx, cfg, spec) })
}

// runProgram starts moto and the region proxy, copies and prepares the project, and takes its
// stack through preview, up, a no-change preview and destroy, timing each; then it requires an
// empty state, an emulator without the stack's resources, and no process of the drill left.
func runProgram(ctx context.Context, cfg Options, d ProgramSpec) (err error) {
	dir := filepath.Join(cfg.State, d.Name)
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("clearing %s: %w", dir, err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "backend"), 0o755); err != nil {
		return err
	}
	logPath := filepath.Join(dir, "pulumi.log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	motoLog, err := os.Create(filepath.Join(dir, "moto.log"))
	if err != nil {
		return err
	}
	defer motoLog.Close()

	t0 := time.Now()
	moto, err := emulator.StartMoto(ctx, emulator.MotoOptions{
		Log: motoLog,
		Env: append([]string{"MOTO_IAM_LOAD_MANAGED_POLICIES=true"}, d.MotoEnv...),
	})
	if err != nil {
		return err
	}
	phase(d.Name, "moto", time.Since(t0), "listening on "+moto.URL())
	defer func() {
		if stopErr := moto.Stop(); stopErr != nil && err == nil {
			err = stopErr
		}
		if leftErr := checkProgramLeftovers(cfg, moto.PID(), backendEnv(dir), d.Plugins); leftErr != nil && err == nil {
			err = leftErr
		}
	}()
	proxy, err := emulator.StartRegionProxy(moto.URL())
	if err != nil {
		return err
	}
	defer func() { _ = proxy.Stop(context.WithoutCancel(ctx)) }()
	cloud := Cloud{Emulator: moto.URL(), Proxy: proxy, Backend: filepath.Join(dir, "backend")}

	t0 = time.Now()
	work := filepath.Join(dir, "workspace")
	if err := copyProject(d.Dir, work); err != nil {
		return fmt.Errorf("copying the project %s: %w", d.Dir, err)
	}
	if d.Prepare != nil {
		if err := d.Prepare(work, proxy.URL()); err != nil {
			return fmt.Errorf("preparing the project: %w", err)
		}
	}
	cmd, err := newCLI(cfg.Root)
	if err != nil {
		return err
	}
	stack, err := auto.UpsertStackLocalSource(ctx, d.Name, work,
		auto.Pulumi(cmd),
		auto.PulumiHome(cfg.PulumiHome),
		auto.EnvVars(programEnv(dir)),
		auto.SecretsProvider("passphrase"),
	)
	if err != nil {
		return fmt.Errorf("creating stack %s in %s: %w", d.Name, work, err)
	}
	for _, key := range sortedKeys(d.Config) {
		if err := stack.SetConfig(ctx, key, auto.ConfigValue{Value: d.Config[key]}); err != nil {
			return fmt.Errorf("setting %s: %w", key, err)
		}
	}
	cloud.Stack = stack
	phase(d.Name, "workspace", time.Since(t0), work)
	defer func() {
		if err != nil {
			fmt.Fprintf(os.Stderr, "localcloud: last lines of %s:\n%s", logPath, tail(logPath, 80))
		}
	}()
	s := &session{name: d.Name, stack: stack, cloud: cloud, log: log, cli: cmd, dir: dir}
	inventory := func(label string) error {
		if len(d.Inventory) == 0 {
			return nil
		}
		t0 := time.Now()
		n, err := checkInventory(ctx, stack, cloud, d.Inventory, nil)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		phase(d.Name, label+" inventory", time.Since(t0), fmt.Sprintf("moto holds exactly the state's %d resources of the listed kinds", n))
		return nil
	}

	// The first preview: no error, no warning, something to create.
	var pre auto.PreviewResult
	var w watched
	err = s.do(ctx, "preview", func(ctx context.Context) (string, error) {
		var err error
		w, err = watch(func(ch chan<- events.EngineEvent) error {
			var err error
			pre, err = stack.Preview(ctx, optpreview.ProgressStreams(log), optpreview.ErrorProgressStreams(log), optpreview.EventStreams(ch))
			return err
		})
		return fmt.Sprintf("%s warnings=%d", summary(pre.ChangeSummary), len(w.Warnings)), err
	})
	if err != nil {
		return err
	}
	if pre.ChangeSummary[apitype.OpCreate] == 0 {
		return fmt.Errorf("preview: nothing to create (%s)", summary(pre.ChangeSummary))
	}
	if len(w.Warnings) > 0 {
		return fmt.Errorf("preview: %d warnings, none allowed: %s", len(w.Warnings), strings.Join(w.Warnings, "; "))
	}

	destroyed := false
	defer func() {
		if destroyed {
			return
		}
		t0 := time.Now()
		_, derr := stack.Destroy(context.WithoutCancel(ctx), optdestroy.ProgressStreams(log), optdestroy.ErrorProgressStreams(log))
		phase(d.Name, "destroy (cleanup)", time.Since(t0), errText(derr))
	}()

	var up auto.UpResult
	err = s.do(ctx, "up", func(ctx context.Context) (string, error) {
		var err error
		up, err = stack.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
		return summary(opMap(up.Summary.ResourceChanges)), err
	})
	if err != nil {
		return err
	}
	printOutputs(os.Stdout, d.Name, up.Outputs)
	if d.Check != nil {
		t0 := time.Now()
		if err := d.Check(ctx, cloud, up.Outputs); err != nil {
			return fmt.Errorf("after up: %w", err)
		}
		phase(d.Name, "outputs checked", time.Since(t0), "ok")
	}
	if err := inventory("up"); err != nil {
		return err
	}
	dep, err := deployment(ctx, stack)
	if err != nil {
		return err
	}
	phase(d.Name, "state", 0, describeProgramState(dep))
	if found := programDefaultProviders(dep, d.NoDefaultProvider); len(found) > 0 {
		return fmt.Errorf("after up: the state holds default providers %s: a resource escaped the program's providers", strings.Join(found, ", "))
	}

	var again auto.PreviewResult
	err = s.do(ctx, "preview (no changes)", func(ctx context.Context) (string, error) {
		var err error
		again, err = stack.Preview(ctx, optpreview.ExpectNoChanges(), optpreview.Diff(),
			optpreview.ProgressStreams(log), optpreview.ErrorProgressStreams(log))
		return summary(again.ChangeSummary), err
	})
	if err != nil {
		return fmt.Errorf("the preview after up must show no change: %w", err)
	}
	if n := changes(again.ChangeSummary); n > 0 {
		return fmt.Errorf("the preview after up shows %d changes (%s)", n, summary(again.ChangeSummary))
	}

	err = s.do(ctx, "destroy", func(ctx context.Context) (string, error) {
		des, err := stack.Destroy(ctx, optdestroy.ProgressStreams(log), optdestroy.ErrorProgressStreams(log))
		return summary(opMap(des.Summary.ResourceChanges)), err
	})
	destroyed = true
	if err != nil {
		return err
	}
	if dep, err = deployment(ctx, stack); err != nil {
		return err
	}
	if len(dep.Resources) > 0 {
		var left []string
		for _, r := range dep.Resources {
			left = append(left, string(r.URN))
		}
		return fmt.Errorf("destroy left %d resources in the state: %s", len(left), strings.Join(left, ", "))
	}
	if len(d.Inventory) > 0 {
		held, err := emulator.ListInventory(ctx, cloud.Emulator, d.Inventory)
		if err != nil {
			return err
		}
		if n := held.Count(); n > 0 {
			orphans, _ := held.Diff(emulator.Inventory{})
			return fmt.Errorf("destroy left %d resources in the emulator: %s", n, strings.Join(orphans, ", "))
		}
		phase(d.Name, "destroy inventory", 0, "the state and moto hold none of the stack's resources")
	}
	if err := stack.Workspace().RemoveStack(ctx, stack.Name()); err != nil {
		return fmt.Errorf("removing the stack: %w", err)
	}
	return nil
}

// programDefaultProviders returns the URNs of the default providers (named "default" or "default_<version>")
// that dep holds of packages pkgs.
func programDefaultProviders(dep apitype.DeploymentV3, pkgs []string) []string {
	var found []string
	for _, r := range dep.Resources {
		pkg, ok := strings.CutPrefix(string(r.Type), "pulumi:providers:")
		if !ok || !slices.Contains(pkgs, pkg) {
			continue
		}
		urn := string(r.URN)
		name := urn[strings.LastIndex(urn, "::")+2:]
		if name == "default" || strings.HasPrefix(name, "default_") {
			found = append(found, urn)
		}
	}
	return found
}

// programEnv is the environment of every CLI run of a program drill whose state is in dir: no
// update check, no plugin download, the drill's file backend, the passphrase, and fake keys (the
// emulator takes any; the Terraform provider needs some in its environment).
func programEnv(dir string) map[string]string {
	env := map[string]string{
		"PULUMI_CONFIG_PASSPHRASE":                    passphrase,
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_BACKEND_URL":                          strings.TrimPrefix(backendEnv(dir), "PULUMI_BACKEND_URL="),
		"PULUMI_SELF_MANAGED_STATE_NO_LEGACY_WARNING": "true",
		"PULUMI_SKIP_CONFIRMATIONS":                   "true",
		"AWS_ACCESS_KEY_ID":                           "localcloud",
		"AWS_SECRET_ACCESS_KEY":                       "localcloud",
	}
	if tf := os.Getenv("LOCALCLOUD_TF_AWS_PROVIDER"); tf != "" {
		env["LOCALCLOUD_TF_AWS_PROVIDER"] = tf
	}
	return env
}

// describeProgramState counts a deployment's resources: components, custom resources and providers (by
// package).
func describeProgramState(dep apitype.DeploymentV3) string {
	var components, custom int
	providers := map[string]int{}
	for _, r := range dep.Resources {
		switch {
		case strings.HasPrefix(string(r.Type), "pulumi:providers:"):
			providers[strings.TrimPrefix(string(r.Type), "pulumi:providers:")]++
		case r.Custom:
			custom++
		default:
			components++
		}
	}
	var byPackage []string
	for _, pkg := range sortedKeys(providers) {
		byPackage = append(byPackage, fmt.Sprintf("%s=%d", pkg, providers[pkg]))
	}
	return fmt.Sprintf("%d resources: %d components (the stack included), %d custom resources, providers %s",
		len(dep.Resources), components, custom, strings.Join(byPackage, " "))
}

// copyProject copies the regular files of src into dst, without what a local run leaves behind
// (node_modules, .pulumi).
func copyProject(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			if d.Name() == "node_modules" || d.Name() == ".pulumi" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

// checkProgramLeftovers is checkLeftovers for a program drill: also none of plugins (executable
// file names, e.g. the language host) may still run with the drill's marker in its environment.
func checkProgramLeftovers(cfg Options, motoPID int, marker string, plugins []string) error {
	if err := checkLeftovers(cfg, motoPID, marker); err != nil {
		return err
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		left := pluginLeftovers(marker, plugins)
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("processes left behind: " + strings.Join(left, "; "))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func pluginLeftovers(marker string, plugins []string) []string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if st, ok := readStat(pid); !ok || st.state == "Z" {
			continue
		}
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if !slices.Contains(plugins, filepath.Base(exe)) {
			continue
		}
		environ, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if slices.Contains(strings.Split(string(environ), "\x00"), marker) {
			out = append(out, fmt.Sprintf("%s (pid %d)", filepath.Base(exe), pid))
		}
	}
	return out
}
