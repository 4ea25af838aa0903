package drill

// Killed mid-update (issue 11): the drill SIGKILLs the CLI and every process it started (the AWS
// plugin, its Terraform provider), as an engineer's laptop that dies in the middle of `pulumi up`
// would, then recovers the way docs/faults.md says and requires that the stack converges with
// nothing orphaned, nothing duplicated and no stateful resource replaced.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Kill is a point in the middle of a command where the drill SIGKILLs the CLI: When is asked
// every 200 ms while the command runs, and the first true kills it.
type Kill struct {
	// Name labels the kill, e.g. "while the replica is created".
	Name string
	// When reports whether the command has reached the point (e.g. moto holds a database the
	// state does not know yet).
	When func(ctx context.Context, cloud Cloud) (bool, error)
}

// cli runs the Pulumi CLI for the Automation API (auto.PulumiCommand) as auto's own does, but
// each run in a process group of its own, so that kill can SIGKILL the CLI with every plugin and
// provider process it started, and nothing of it gets to clean up (no lock removed, no pending
// operation resolved, no checkpoint written).
type cli struct {
	path    string // bin/pulumi
	version semver.Version

	mu      sync.Mutex
	running map[*exec.Cmd]bool
}

var _ auto.PulumiCommand = (*cli)(nil)

func newCLI(root string) (*cli, error) {
	// auto.NewPulumiCommand checks the version the drill requires.
	if _, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: root, Version: semver.MustParse(pulumiVersion)}); err != nil {
		return nil, fmt.Errorf("pulumi CLI in %s: %w", root, err)
	}
	return &cli{path: filepath.Join(root, "bin", "pulumi"), version: semver.MustParse(pulumiVersion), running: map[*exec.Cmd]bool{}}, nil
}

// Version is the CLI's version.
func (c *cli) Version() semver.Version { return c.version }

// Run runs the CLI with args in workdir (see auto.PulumiCommand): non-interactive, with the
// Automation API's environment, interrupted (SIGINT) when ctx ends.
func (c *cli) Run(ctx context.Context, workdir string, stdin io.Reader, out, errOut []io.Writer, env []string, args ...string) (string, string, int, error) {
	if !slices.Contains(args, "--non-interactive") {
		args = append([]string{"--non-interactive"}, args...)
	}
	cmd := exec.CommandContext(ctx, c.path, args...)
	cmd.Dir = workdir
	cmd.Env = append(append(os.Environ(), env...), "PULUMI_AUTOMATION_API=true",
		"PATH="+filepath.Dir(c.path)+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout = io.MultiWriter(append(out, &stdout)...)
	cmd.Stderr = io.MultiWriter(append(errOut, &stderr)...)
	cmd.Stdin = stdin
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return "", "", -2, err
	}
	c.mu.Lock()
	c.running[cmd] = true
	c.mu.Unlock()
	err := cmd.Wait()
	c.mu.Lock()
	delete(c.running, cmd)
	c.mu.Unlock()
	code := -2
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err == nil {
		code = 0
	}
	return stdout.String(), stderr.String(), code, err
}

// kill SIGKILLs every running CLI with every process it started, as the loss of the machine would,
// and returns how many CLIs it killed. The process group is not enough: the CLI starts each plugin
// in a process group of its own, and a plugin whose engine died lingers until its calls in flight
// end and its 5-minute health check of the engine fails (the Terraform provider under our plugin
// dies with the plugin: Pdeathsig). So the tree is read from /proc first, then killed.
func (c *cli) kill() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for cmd := range c.running {
		if cmd.Process == nil {
			continue
		}
		tree := descendants(cmd.Process.Pid)
		if syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) == nil {
			n++
		}
		for _, pid := range tree {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	return n
}

// descendants returns the PIDs of every live process below pid, from /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readStat(p); ok {
			children[st.ppid] = append(children[st.ppid], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// killed runs cmd (the command of phase label) and SIGKILLs the CLI when k.When says so; it
// returns how long the command ran before the kill. A command that ends before the point is
// reached fails the drill: the kill point was never hit.
func (s *session) killed(ctx context.Context, label string, k Kill, cmd func(ctx context.Context) error) (time.Duration, error) {
	t0 := time.Now()
	fired := make(chan error, 1)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		every(200*time.Millisecond, stop, func() bool {
			ok, err := k.When(ctx, s.cloud)
			if err == nil && !ok {
				return false
			}
			if err == nil && s.cli.kill() == 0 {
				err = errors.New("no CLI was running")
			}
			fired <- err
			return true
		})
	}()
	err := cmd(ctx)
	close(stop)
	<-done // the CLI's death can end cmd before the watcher has reported the kill
	select {
	case ferr := <-fired:
		if ferr != nil {
			return 0, fmt.Errorf("%s, killed %s: %w", label, k.Name, ferr)
		}
		if err == nil {
			return 0, fmt.Errorf("%s: the CLI was killed %s, yet the command succeeded", label, k.Name)
		}
		took := time.Since(t0)
		phase(s.name, label+" KILLED", took, "SIGKILL "+k.Name)
		return took, nil
	default:
		if err != nil {
			return 0, fmt.Errorf("%s (to be killed %s): %w", label, k.Name, err)
		}
		return 0, fmt.Errorf("%s: ended before the kill point (%s) was reached", label, k.Name)
	}
}

// recoverKilled is docs/faults.md's runbook after a killed `pulumi up` or `pulumi destroy`:
//  1. `pulumi cancel`: the dead CLI's lock is still in the backend, and every command but cancel
//     is refused while it is;
//  2. resolve the pending creates the checkpoint recorded (`pulumi stack export`): a create that
//     was in flight may have made its resource or not. One whose ID is known (its inputs name
//     it, see namedID, or the cloud holds exactly one resource of its kind in its region that
//     the state does not know) is adopted: the edited state lists it as a resource with that ID
//     (`pulumi stack import`); every other is dropped. (`pulumi refresh --import-pending-creates
//     URN ID` is meant to do the adoption, but in CLI 3.274.1 it only relabels the operation
//     "importing", and the next checkpoint drops it: the resource is forgotten, and the up creates
//     it again. The first run of this drill showed it: the replica's create failed on its name.)
//  3. `pulumi refresh`: it reads back every resource, so an adopted one gets its outputs (or, if
//     its create never reached AWS, leaves the state), and interrupted updates and deletes show
//     what they did; the pending operations go.
//
// It returns what it found, for the phase line. The command itself is then run again by the
// caller.
func (s *session) recoverKilled(ctx context.Context, regions, ignore []string) (string, error) {
	if err := s.stack.Cancel(ctx); err != nil {
		return "", fmt.Errorf("pulumi cancel: %w", err)
	}
	dep, err := deployment(ctx, s.stack)
	if err != nil {
		return "", err
	}
	var ops []string
	for _, op := range dep.PendingOperations {
		ops = append(ops, string(op.Type))
	}
	pending := len(dep.PendingOperations)
	adopted, dropped, err := s.adopt(ctx, &dep, regions, ignore)
	if err != nil {
		return "", err
	}
	if adopted+dropped > 0 {
		if err := importDeployment(ctx, s.stack, dep); err != nil {
			return "", err
		}
	}
	ref, err := s.stack.Refresh(ctx, optrefresh.ProgressStreams(s.log), optrefresh.ErrorProgressStreams(s.log))
	if err != nil {
		return "", fmt.Errorf("refresh after the kill: %w", err)
	}
	return fmt.Sprintf("pending=%d [%s] adopted=%d dropped=%d; refresh: %s", pending,
		strings.Join(ops, " "), adopted, dropped, summary(opMap(ref.Summary.ResourceChanges))), nil
}

// adopt resolves the pending creates of dep in place: each whose ID is known (namedID, or the one
// resource of its inventory kind that moto holds in its region and the state does not) becomes a
// resource of the state with that ID; every other is dropped. Other pending operations stay, for
// the refresh.
func (s *session) adopt(ctx context.Context, dep *apitype.DeploymentV3, regions, ignore []string) (adopted, dropped int, err error) {
	var creates, rest []apitype.OperationV2
	for _, op := range dep.PendingOperations {
		if op.Type == apitype.OperationTypeCreating {
			creates = append(creates, op)
		} else {
			rest = append(rest, op)
		}
	}
	if len(creates) == 0 {
		return 0, 0, nil
	}
	state, err := stateInventory(*dep)
	if err != nil {
		return 0, 0, err
	}
	r, err := newResolver(ctx, s.cloud.Emulator, regions, ignore)
	if err != nil {
		return 0, 0, err
	}
	for kind, ids := range state {
		for id := range ids {
			r.used[kind+" "+id] = true // the state's own: not a candidate
		}
	}
	regionOf := providerRegions(*dep)
	for _, op := range creates {
		id, ok := namedID(op.Resource)
		if kind, global, _, isKind := inventoryKind(string(op.Resource.Type)); !ok && isKind {
			region := "global"
			if !global {
				region = regionOf[providerURN(op.Resource.Provider)]
			}
			found, err := r.candidates(kind, region, nil)
			if err != nil {
				return 0, 0, err
			}
			if len(found) > 1 {
				return 0, 0, fmt.Errorf("pending create of %s: %d candidates in %s (%s): a human must choose", op.Resource.URN, len(found), region, strings.Join(found, ", "))
			}
			if len(found) == 1 {
				id, ok = found[0], true
				r.used[kind+" "+region+"/"+id] = true
			}
		}
		if !ok {
			dropped++ // its ID is unknown: nothing was made, or the up fails on a name it holds (docs/faults.md)
			continue
		}
		res := op.Resource
		res.ID = resource.ID(id)
		res.Custom = true
		dep.Resources = append(dep.Resources, res)
		adopted++
	}
	dep.PendingOperations = rest
	return adopted, dropped, nil
}

// recordID is the import ID of a Route 53 record: ZONEID_NAME_TYPE[_SETIDENTIFIER].
func recordID(zone, name, kind, set string) string {
	id := zone + "_" + strings.TrimSuffix(name, ".") + "_" + kind
	if set != "" {
		id += "_" + set
	}
	return id
}

// namedID is the import ID of a resource whose ID its own inputs determine (a name the program or
// Pulumi's autonaming chose before the create was sent), as docs/faults.md lists them; false for
// a resource whose ID AWS assigns (a VPC, a KMS key, a hosted zone, a health check).
func namedID(r apitype.ResourceV3) (string, bool) {
	in := func(k string) string { v, _ := r.Inputs[k].(string); return v }
	typ := string(r.Type)
	switch {
	case typ == "aws:route53/record:Record":
		zone, name, kind := in("zoneId"), in("name"), in("type")
		if zone == "" || name == "" || kind == "" {
			return "", false
		}
		return recordID(zone, name, kind, in("setIdentifier")), true
	case typ == "aws:rds/instance:Instance":
		return in("identifier"), in("identifier") != ""
	case typ == "aws:s3/bucketV2:BucketV2":
		return in("bucket"), in("bucket") != ""
	case strings.HasPrefix(typ, "aws:s3/bucket"):
		// A bucket's configuration (versioning, encryption, policy, ...) is imported by its bucket.
		return in("bucket"), in("bucket") != ""
	case typ == "aws:iam/role:Role", typ == "aws:kms/alias:Alias", typ == "aws:cloudwatch/logGroup:LogGroup":
		return in("name"), in("name") != ""
	}
	return "", false
}
