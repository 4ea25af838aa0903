// Package drill takes a Pulumi program through a whole lifecycle on the real engine against
// moto: preview -> up -> refresh -> preview (which must show no change) -> optional changes
// (config changes, such as a failover, whose preview and up may replace or delete no stateful
// resource, each optionally followed by refresh and a no-change preview) -> destroy, timing
// every phase, then stops moto and checks that no plugin or Terraform provider process is left
// behind. The program's providers reach moto through a RegionProxy, which counts the requests
// per region and service, can darken a region and can fault requests. The faults of
// docs/faults.md are drilled on the same deployment: a bounded retry of every command
// (session.go), the CLI SIGKILLed mid-command and recovered (kill.go), a second operator refused
// by the lock, a state export/import round trip, and a lost state rebuilt from the cloud
// (lost.go). localcloud/runner (the smoke drill) and localcloud/stackrunner (the real stack) are
// its two commands.
package drill

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

const (
	// pulumiVersion is the CLI build.sh builds; the drill refuses any other.
	pulumiVersion = "3.274.1"
	// pluginVersion is the pulumi-aws version the SDK asks for.
	pluginVersion = "6.83.4"
	// passphrase encrypts the drill stacks' secrets; they hold nothing real.
	passphrase = "localcloud"
)

// Spec is one program to take through the whole lifecycle.
type Spec struct {
	// Name is the drill's and the stack's name.
	Name string
	// Project is the Pulumi project name.
	Project string
	// Program builds the Pulumi program for the emulator at endpoint (the region proxy in front
	// of moto), and the stack configuration that goes with it.
	Program func(endpoint string) (pulumi.RunFunc, map[string]string)
	// Settings, if any, is the stack settings file (Pulumi.<stack>.yaml) to start from.
	Settings []byte
	// ProjectFile, if set, is the project's Pulumi.yaml: the workspace takes its settings and its
	// config schema, so the CLI validates the stack's configuration as `pulumi preview` does for
	// a user (the program stays inline: its main is dropped). Project must be its name.
	ProjectFile string
	// PreviewOnly stops the drill after the first preview (nothing is deployed).
	PreviewOnly bool
	// Policy, if set, is run by the first preview (policy.go): a violation no exemption covers
	// fails the drill, listed; the preview is not run again for it.
	Policy *PolicyPack
	// Setup, if set, runs once the emulator is up and before the first preview, to create what
	// the program expects to find in the account (a hosted zone it looks up, say). endpoint is
	// moto's own (not counted by the proxy).
	Setup func(ctx context.Context, endpoint string) error
	// SecretsProvider, if set, returns the stack's secrets provider URL (e.g. an awskms:// key in
	// moto, reached through the region proxy); default "passphrase".
	SecretsProvider func(cloud Cloud) string
	// Secrets are stack configuration values set as Pulumi secrets (key -> value): every preview
	// and up must decrypt them through the stack's secrets provider.
	Secrets map[string]string
	// Changes are changes of configuration drilled in order after the no-change preview, on the
	// one deployment.
	Changes []Change
	// Faults, if set, are injected by the region proxy into every request of the program's
	// providers, from the first preview to the end of destroy (issue 11): every phase must still
	// converge, on the providers' own retries.
	Faults *emulator.Faults
	// Retries is how many times a failed command (preview, up, refresh, destroy) runs again
	// before the drill fails: the runbook's bounded retry of the whole command, for a provider
	// that gave up under injected faults. Every retry is printed; a command a guard stopped
	// never runs again.
	Retries int
	// KillUp, if set, kills the first up at its point and recovers as docs/faults.md says (cancel;
	// the pending creates adopted with their ID or dropped, by a state edit; refresh; up again);
	// KillDestroy kills the destroy the same way (then destroy again). A change's own Kill kills
	// its up.
	KillUp, KillDestroy *Kill
	// StateRoundTrip, if set, exports the stack's state after the first settle, imports it back
	// (`pulumi stack export` / `pulumi stack import`, docs/faults.md's restore of a damaged state)
	// and requires a preview with no change.
	StateRoundTrip bool
	// LostState, if set, loses the stack's whole state after the changes (its checkpoint, backup and
	// history deleted from the backend) and rebuilds it as docs/faults.md says: a new stack, the
	// import file `pulumi preview --import-file` writes, every ID filled from the cloud, the file
	// applied (lost.go says why by a state edit rather than `pulumi import`); every resource must
	// come back with its old ID, and the next up create nothing.
	LostState bool
	// Stateful names the type tokens whose resources the lost-state rebuild's up may neither
	// replace nor delete (the product's one list, components.StatefulTypes).
	Stateful []string
	// MotoEnv is added to moto's environment (e.g. MOTO_ECS_SERVICE_RUNNING).
	MotoEnv []string
	// Inventory, if set, lists the regions where the drill compares what moto holds with what the
	// state says (emulator.ListInventory: VPCs, DB instances, KMS keys, zones, health checks, buckets,
	// roles) after
	// up, after each change and after destroy: nothing orphaned, nothing duplicated, nothing missing.
	Inventory []string
	// InventoryIgnore, if set, returns the entries moto holds that no stack owns (what Setup
	// created), as "<kind> <region>/<id>".
	InventoryIgnore func() []string
}

// Cloud is what a change's hooks may use: moto, and the region proxy the program reaches it through.
type Cloud struct {
	// Emulator is moto's own endpoint: a check's requests there are not counted by the proxy and
	// reach a region the proxy has darkened.
	Emulator string
	// Proxy is the region proxy between the program's providers and moto.
	Proxy *emulator.RegionProxy
	// Stack is the drill's stack (its outputs are the last deployment's).
	Stack auto.Stack
	// Backend is the directory of the stack's file backend, and Project its project's name.
	Backend, Project string
}

// Change is a change of configuration (a failover, say) that must keep every stateful resource:
// the drill runs Before, sets Config and removes Remove (both with path syntax, e.g.
// "ns:lostRegions[0]"), previews with the real provider's diff and fails if a step would replace
// or delete a resource whose type Stateful names (unless Replaces allows that step), applies it
// with up, runs Check against the emulator, and, if Settle is set, refreshes and previews again
// (no change allowed).
type Change struct {
	// Name labels the change's phases, e.g. "failover".
	Name string
	// Before, if set, runs first (e.g. it darkens a region).
	Before func(ctx context.Context, cloud Cloud) error
	// Config is the stack configuration to set, key -> value (path syntax).
	Config map[string]string
	// Remove are configuration keys to remove (path syntax).
	Remove []string
	// Stateful names the type tokens whose resources must be neither replaced nor deleted.
	Stateful []string
	// Replaces, if set, allows the steps it returns true for to replace or delete a stateful
	// resource (a rejoin's rebuild, say).
	Replaces func(Step) bool
	// Expect, if set, checks the preview's steps, e.g. that a promotion is an in-place update.
	Expect func(ctx context.Context, cloud Cloud, steps []Step) error
	// Applied, if set, checks the steps the up applied.
	Applied func(ctx context.Context, cloud Cloud, steps []Step) error
	// Guard, if set, is asked every second while the preview and the up run; an error stops
	// them at once and fails the change (e.g. a request reached a region that must get none).
	Guard func(cloud Cloud) error
	// Check, if set, runs after the up with the stack's outputs.
	Check func(ctx context.Context, cloud Cloud, outputs auto.OutputMap) error
	// Settle refreshes the stack after the change and requires a preview with no change.
	Settle bool
	// Kill, if set, SIGKILLs the change's up at its point; the drill recovers as docs/faults.md
	// says (see Spec.KillUp) and runs the up again. The steps of both runs must keep every
	// stateful resource.
	Kill *Kill
	// Ops, if set, drills the change through the product's operator command (package ops) instead
	// of Config, Remove, Expect, Applied and Check: Before runs first, then Ops with the drill's
	// stack as an ops.Stack whose previews and ups are the drill's guarded, retried commands,
	// checked against Stateful and the stage's hooks (Stages), then Guard once more, then Settle.
	Ops func(ctx context.Context, run *OpsRun) error
	// Stage, with Ops, names the stage a config write of the command starts (its values: key ->
	// value as ops.Stack.SetConfig takes them), "" to stay in the current one; the first stage is
	// Name.
	Stage func(values map[string]string) string
	// Stages, with Ops, are the drill's checks per stage name.
	Stages map[string]OpsStage
	// SecondOperator, if set, starts a second `pulumi up` of the stack while the change's up runs
	// (once its lock is in the backend): the state lock must refuse it with a clear message, and
	// the first must complete untouched.
	SecondOperator bool
}

// Step is one resource step of a preview, as the engine reports it.
type Step struct {
	// Op is the operation: same, create, update, replace, delete, ...
	Op apitype.OpType
	// URN is the resource's URN.
	URN string
	// Type is the resource's type token.
	Type string
	// Provider is the reference (URN::ID) of the provider that performs the step.
	Provider string
	// Diffs are the top-level properties that change.
	Diffs []string
	// Keys are the properties that force a replacement.
	Keys []string
	// Inputs are the resource's inputs after the step (nil for a delete), with values not known
	// yet (in a preview) as sig.UnknownStringValue.
	Inputs map[string]any
	// Parent is the URN of the resource's parent; Custom says whether a provider manages it.
	Parent string
	Custom bool
}

// run starts moto and the region proxy in front of it, takes the drill's stack through
// preview, up, refresh, a preview that must show no change, the spec's changes, and destroy,
// then stops moto and looks for leftovers.
func run(ctx context.Context, cfg Options, d Spec) (err error) {
	if d.Policy != nil {
		if err := d.Policy.Check(); err != nil {
			return err
		}
	}
	// moto starts empty every time, so any earlier state of this drill is stale.
	dir := filepath.Join(cfg.State, d.Name)
	if err := os.RemoveAll(dir); err != nil {
		return err
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
		// The stack attaches AWS-managed policies (e.g. AmazonRDSEnhancedMonitoringRole).
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
		if leftErr := checkLeftovers(cfg, moto.PID(), backendEnv(dir)); leftErr != nil && err == nil {
			err = leftErr
		}
	}()

	proxy, err := emulator.StartRegionProxy(moto.URL())
	if err != nil {
		return err
	}
	defer func() { _ = proxy.Stop(context.WithoutCancel(ctx)) }()
	cloud := Cloud{Emulator: moto.URL(), Proxy: proxy, Backend: filepath.Join(dir, "backend"), Project: d.Project}

	if d.Setup != nil {
		t0 = time.Now()
		if err := d.Setup(ctx, moto.URL()); err != nil {
			return fmt.Errorf("setup: %w", err)
		}
		phase(d.Name, "setup", time.Since(t0), "ok")
	}

	secrets := "passphrase"
	if d.SecretsProvider != nil {
		secrets = d.SecretsProvider(cloud)
	}
	cmd, err := newCLI(cfg.Root)
	if err != nil {
		return err
	}
	stack, err := newStack(ctx, cfg, d, dir, proxy.URL(), secrets, cmd)
	if err != nil {
		return err
	}
	cloud.Stack = stack
	defer func() {
		if err != nil {
			fmt.Fprintf(os.Stderr, "localcloud: last lines of %s:\n%s", logPath, tail(logPath, 80))
		}
	}()

	if d.Faults != nil {
		if err := proxy.SetFaults(*d.Faults); err != nil {
			return fmt.Errorf("faults: %w", err)
		}
		defer printFaults(d.Name, proxy)
	}
	inventory := func(label string) error {
		if len(d.Inventory) == 0 {
			return nil
		}
		t0 := time.Now()
		var ignore []string
		if d.InventoryIgnore != nil {
			ignore = d.InventoryIgnore()
		}
		n, err := checkInventory(ctx, stack, cloud, d.Inventory, ignore)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		phase(d.Name, label+" inventory", time.Since(t0), fmt.Sprintf("moto holds exactly the state's %d resources of the listed kinds", n))
		return nil
	}

	s := &session{name: d.Name, stack: stack, cloud: cloud, log: log, faults: d.Faults != nil, retries: d.Retries,
		cli: cmd, dir: dir, inventory: d.Inventory, ignore: d.InventoryIgnore}
	if d.Retries > 0 {
		defer func() {
			n, phases := s.retried()
			fmt.Printf("localcloud: %s: %d whole-command retries (at most %d per command)%s\n", d.Name, n, d.Retries, strings.TrimRight(": "+strings.Join(phases, ", "), ": "))
		}()
	}

	// The first preview is what a user's first `pulumi preview` shows: it must pass with no
	// error and no warning.
	var pre auto.PreviewResult
	var w watched
	err = s.do(ctx, "preview", func(ctx context.Context) (string, error) {
		var err error
		var report *PolicyReport
		w, err = watch(func(ch chan<- events.EngineEvent) (err error) {
			opts := []optpreview.Option{optpreview.ProgressStreams(log), optpreview.ErrorProgressStreams(log)}
			if d.Policy == nil {
				pre, err = stack.Preview(ctx, append(opts, optpreview.EventStreams(ch))...)
				return err
			}
			in, wait := policyTee(ch)
			t0 := time.Now()
			pre, err = stack.Preview(ctx, append(append(opts, optpreview.EventStreams(in)), d.Policy.options()...)...)
			report = wait()
			fmt.Printf("localcloud: %s: the preview with the policy pack took %s\n", d.Name, time.Since(t0).Round(100*time.Millisecond))
			return err
		})
		detail := fmt.Sprintf("%s warnings=%d", summary(pre.ChangeSummary), len(w.Warnings))
		if report != nil {
			fmt.Print(report.Summary(d.Name))
			if perr := report.Err(); perr != nil {
				// Deterministic: running the preview again would find the same.
				return detail, &stopError{perr}
			}
			detail += fmt.Sprintf(" policy=%d findings, 0 violations", len(report.Findings))
		}
		return detail, err
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
	if d.PreviewOnly {
		return stack.Workspace().RemoveStack(ctx, stack.Name())
	}

	destroyed := false
	defer func() {
		if destroyed {
			return
		}
		// Clean up after a failed phase, so moto is not the only thing that forgets; a region
		// a change darkened answers again first.
		proxy.RestoreAll()
		t0 := time.Now()
		_, derr := stack.Destroy(context.WithoutCancel(ctx), optdestroy.ProgressStreams(log), optdestroy.ErrorProgressStreams(log))
		phase(d.Name, "destroy (cleanup)", time.Since(t0), errText(derr))
	}()

	var killedAt time.Time
	if d.KillUp != nil {
		killedAt, err = s.killAndRecover(ctx, "up", *d.KillUp, func(ctx context.Context) error {
			_, err := stack.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
			return err
		})
		if err != nil {
			return err
		}
	}
	var up auto.UpResult
	err = s.do(ctx, "up", func(ctx context.Context) (string, error) {
		var err error
		up, err = stack.Up(ctx, optup.ProgressStreams(log), optup.ErrorProgressStreams(log))
		return summary(opMap(up.Summary.ResourceChanges)), err
	})
	if err != nil {
		return err
	}
	if d.KillUp != nil {
		s.recovered("up", killedAt)
	}
	printOutputs(os.Stdout, d.Name, up.Outputs)
	if err := inventory("up"); err != nil {
		return err
	}

	if err := settle(ctx, s, ""); err != nil {
		return err
	}

	if d.StateRoundTrip {
		if err := roundTrip(ctx, s); err != nil {
			return err
		}
	}

	for _, c := range d.Changes {
		drillChange := change
		if c.Ops != nil {
			drillChange = opsChange
		}
		if err := drillChange(ctx, s, c); err != nil {
			return err
		}
		if err := inventory(c.Name); err != nil {
			return err
		}
	}

	if d.LostState {
		if err := s.lostState(ctx, d.Stateful); err != nil {
			return err
		}
		if err := inventory("lost state"); err != nil {
			return err
		}
	}

	if d.KillDestroy != nil {
		killedAt, err = s.killAndRecover(ctx, "destroy", *d.KillDestroy, func(ctx context.Context) error {
			_, err := stack.Destroy(ctx, optdestroy.ProgressStreams(log), optdestroy.ErrorProgressStreams(log))
			return err
		})
		if err != nil {
			return err
		}
	}
	err = s.do(ctx, "destroy", func(ctx context.Context) (string, error) {
		des, err := stack.Destroy(ctx, optdestroy.ProgressStreams(log), optdestroy.ErrorProgressStreams(log))
		return summary(opMap(des.Summary.ResourceChanges)), err
	})
	destroyed = true
	if err != nil {
		return err
	}
	if d.KillDestroy != nil {
		s.recovered("destroy", killedAt)
	}
	if err := inventory("destroy"); err != nil {
		return err
	}

	if err := stack.Workspace().RemoveStack(ctx, stack.Name()); err != nil {
		return fmt.Errorf("removing the stack: %w", err)
	}
	return nil
}

// newStack creates the drill's workspace: the built CLI, a private PULUMI_HOME with the
// plugin, a file backend, the secrets provider secrets, no update check and no plugin download.
func newStack(ctx context.Context, cfg Options, d Spec, dir, endpoint, secrets string, cli *cli) (auto.Stack, error) {
	backend := strings.TrimPrefix(backendEnv(dir), "PULUMI_BACKEND_URL=")
	env := map[string]string{
		"PULUMI_CONFIG_PASSPHRASE":                    passphrase,
		"PULUMI_SKIP_UPDATE_CHECK":                    "true",
		"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
		"PULUMI_BACKEND_URL":                          backend,
		"PULUMI_SELF_MANAGED_STATE_NO_LEGACY_WARNING": "true",
		// The program is inline: no language host, no Go build by the CLI.
		"PULUMI_SKIP_CONFIRMATIONS": "true",
	}
	if tf := os.Getenv("LOCALCLOUD_TF_AWS_PROVIDER"); tf != "" {
		env["LOCALCLOUD_TF_AWS_PROVIDER"] = tf
	}
	// The emulator takes any key; the Terraform provider needs one in its environment.
	env["AWS_ACCESS_KEY_ID"] = "localcloud"
	env["AWS_SECRET_ACCESS_KEY"] = "localcloud"
	work := filepath.Join(dir, "workspace")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return auto.Stack{}, err
	}
	if err := writeSettings(work, d.Name, d.Settings); err != nil {
		return auto.Stack{}, err
	}
	proj := workspace.Project{
		Name:    tokens.PackageName(d.Project),
		Runtime: workspace.NewProjectRuntimeInfo("go", nil),
	}
	if d.ProjectFile != "" {
		loaded, err := workspace.LoadProject(d.ProjectFile)
		if err != nil {
			return auto.Stack{}, fmt.Errorf("loading the project: %w", err)
		}
		if loaded.Name.String() != d.Project {
			return auto.Stack{}, fmt.Errorf("%s is project %q, not %q", d.ProjectFile, loaded.Name, d.Project)
		}
		proj = *loaded
		proj.Main = "" // the program is inline
	}
	proj.Backend = &workspace.ProjectBackend{URL: backend}
	program, config := d.Program(endpoint)
	stack, err := auto.UpsertStackInlineSource(ctx, d.Name, d.Project, program,
		auto.Pulumi(cli),
		auto.PulumiHome(cfg.PulumiHome),
		auto.WorkDir(work),
		auto.EnvVars(env),
		auto.SecretsProvider(secrets),
		auto.Project(proj),
	)
	if err != nil {
		return auto.Stack{}, fmt.Errorf("creating stack %s: %w", d.Name, err)
	}
	for _, key := range sortedKeys(config) {
		if err := stack.SetConfig(ctx, key, auto.ConfigValue{Value: config[key]}); err != nil {
			return auto.Stack{}, fmt.Errorf("setting %s: %w", key, err)
		}
	}
	for _, key := range sortedKeys(d.Secrets) {
		if err := stack.SetConfig(ctx, key, auto.ConfigValue{Value: d.Secrets[key], Secret: true}); err != nil {
			return auto.Stack{}, fmt.Errorf("setting the secret %s: %w", key, err)
		}
	}
	return stack, nil
}

// printFaults prints the faults the proxy injected over the whole drill, per service and kind,
// and the requests it served. Every fault but latency answered a request that never reached moto,
// so each is a request that the provider's SDK (or the CLI's, for the secrets provider) had to
// retry: the phases converged, so every one of them was retried.
func printFaults(drill string, proxy *emulator.RegionProxy) {
	t := proxy.Totals()
	retried := 0
	for _, service := range sortedKeys(t.Faults) {
		var parts []string
		for _, kind := range sortedKeys(t.Faults[service]) {
			parts = append(parts, fmt.Sprintf("%s=%d", kind, t.Faults[service][kind]))
			if kind != emulator.FaultLatency {
				retried += t.Faults[service][kind]
			}
		}
		fmt.Printf("localcloud: %s: faults injected into %-22s %s\n", drill, service, strings.Join(parts, " "))
	}
	fmt.Printf("localcloud: %s: %d faults injected, %d of them requests the SDKs retried (the rest: latency), %d requests served\n",
		drill, t.FaultTotal(), retried, t.Served)
}

func phase(drill, name string, took time.Duration, detail string) {
	fmt.Printf("localcloud: %s: %-31s %8s  %s\n", drill, name, took.Round(100*time.Millisecond), detail)
}

// printOutputs prints the stack outputs, one per line, as JSON; a secret prints as [secret].
func printOutputs(w io.Writer, drill string, outputs auto.OutputMap) {
	for _, k := range sortedKeys(outputs) {
		v := outputs[k]
		text := "[secret]"
		if !v.Secret {
			b, err := json.Marshal(v.Value)
			if err != nil {
				b = []byte(fmt.Sprint(v.Value))
			}
			text = string(b)
		}
		fmt.Fprintf(w, "localcloud: %s: output %s = %s\n", drill, k, text)
	}
}

func opMap(m *map[string]int) map[apitype.OpType]int {
	out := map[apitype.OpType]int{}
	if m == nil {
		return out
	}
	for k, v := range *m {
		out[apitype.OpType(k)] = v
	}
	return out
}

func summary(m map[apitype.OpType]int) string {
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, " ")
}

func changes(m map[apitype.OpType]int) int {
	n := 0
	for op, count := range m {
		if op != apitype.OpSame {
			n += count
		}
	}
	return n
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	return "failed: " + err.Error()
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func tail(path string, n int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error() + "\n"
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// backendEnv is the PULUMI_BACKEND_URL setting of the drill whose state is in dir. Every
// process of the drill (the CLI, its plugins and their Terraform providers) inherits it, so it
// tells the drill's processes from those of another drill running at the same time.
func backendEnv(dir string) string {
	return "PULUMI_BACKEND_URL=file://" + filepath.Join(dir, "backend")
}

// checkLeftovers waits up to 15 seconds for the drill's processes to go: the moto process
// group, and plugin and Terraform provider processes whose environment holds marker (see
// backendEnv). It reports, and does not kill, what remains.
func checkLeftovers(cfg Options, motoPID int, marker string) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		left := leftovers(cfg, motoPID, marker)
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("processes left behind: %s", strings.Join(left, "; "))
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func leftovers(cfg Options, motoPID int, marker string) []string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	plugin := cfg.pluginPath()
	var out []string
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		st, ok := readStat(pid)
		if !ok || st.state == "Z" {
			continue
		}
		ppid := st.ppid
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if st.pgrp == motoPID {
			out = append(out, fmt.Sprintf("moto (pid %d)", pid))
			continue
		}
		environ, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if !slices.Contains(strings.Split(string(environ), "\x00"), marker) {
			continue // another drill's, or nobody's
		}
		switch {
		case exe == plugin:
			out = append(out, fmt.Sprintf("pulumi-resource-aws (pid %d)", pid))
		case strings.Contains(filepath.Base(exe), "terraform-provider-aws") && ppid == 1:
			out = append(out, fmt.Sprintf("orphaned %s (pid %d)", filepath.Base(exe), pid))
		}
	}
	return out
}

// procStat is what the drill reads of a process's /proc/<pid>/stat.
type procStat struct {
	state      string // R, S, Z, ...
	ppid, pgrp int
}

// readStat reads the stat of process pid; false when it is gone or unreadable.
func readStat(pid int) (procStat, bool) {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, false
	}
	// stat: pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 3 {
		return procStat{}, false
	}
	ppid, err1 := strconv.Atoi(fields[1])
	pgrp, err2 := strconv.Atoi(fields[2])
	if err1 != nil || err2 != nil {
		return procStat{}, false
	}
	return procStat{state: fields[0], ppid: ppid, pgrp: pgrp}, true
}
