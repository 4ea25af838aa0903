package drill

// A lost state (issue 11): the stack's checkpoint, its backup and its history are gone, and the
// resources are not. docs/faults.md's path back: a new stack with the same configuration, the list
// of what the program declares (`pulumi preview --import-file`), every ID filled from the cloud, and
// `pulumi import --file` of it (here: the same file applied by a state edit, see lostState); the
// next up must create nothing.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

// placeholder is the ID `pulumi preview --import-file` writes for the operator to fill in.
const placeholder = "<PLACEHOLDER>"

// lostState deletes the stack's state from the backend and rebuilds it from the cloud; see the
// file comment. Every custom resource of the old state must come back under its URN with its
// old ID, and the up after the import must create nothing and keep every stateful resource.
func (s *session) lostState(ctx context.Context, stateful []string) error {
	t0 := time.Now()
	old, err := deployment(ctx, s.stack)
	if err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	if err := s.forget(); err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	if err := s.stack.Workspace().CreateStack(ctx, s.stack.Name()); err != nil {
		return fmt.Errorf("lost state: a new stack: %w", err)
	}
	phase(s.name, "state lost", time.Since(t0), fmt.Sprintf("%d resources' checkpoint, backups and history deleted; a new, empty stack", len(old.Resources)))

	t0 = time.Now()
	file := filepath.Join(filepath.Dir(s.cloud.Backend), "import.json")
	w, err := watch(func(ch chan<- events.EngineEvent) error {
		_, err := s.stack.Preview(ctx, optpreview.EventStreams(ch), optpreview.ImportFile(file),
			optpreview.ProgressStreams(s.log), optpreview.ErrorProgressStreams(s.log))
		return err
	})
	if err != nil {
		return fmt.Errorf("lost state: preview --import-file: %w", err)
	}
	var ignore []string
	if s.ignore != nil {
		ignore = s.ignore()
	}
	r, err := newResolver(ctx, s.cloud.Emulator, s.inventory, ignore)
	if err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	filled, err := r.fill(file, w.Steps)
	if err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	phase(s.name, "state import file", time.Since(t0), fmt.Sprintf("%d IDs found in the cloud", filled))

	// `pulumi import --file` of it is what an operator runs; the CLI wants the project's language
	// host for that (pulumi-language-go), which the module proxy here does not serve. The drill
	// applies the same file the way the kill drill adopts a pending create: a state that lists
	// each resource with its ID (`pulumi stack import`), then a refresh that reads each one back.
	t0 = time.Now()
	if err := s.adoptAll(ctx, w.Steps, r); err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	phase(s.name, "state adopted", time.Since(t0), "every resource of the import file, with its ID (stack import)")
	err = s.do(ctx, "state adopted refresh", func(ctx context.Context) (string, error) {
		ref, err := s.stack.Refresh(ctx, optrefresh.ProgressStreams(s.log), optrefresh.ErrorProgressStreams(s.log))
		return summary(opMap(ref.Summary.ResourceChanges)), err
	})
	if err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	now, err := deployment(ctx, s.stack)
	if err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	n, err := sameIDs(old, now)
	if err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	phase(s.name, "state adopted IDs", 0, fmt.Sprintf("all %d resources (providers aside) back under their URNs with their old IDs", n))

	var steps []Step
	err = s.do(ctx, "state rebuilt up", func(ctx context.Context) (string, error) {
		var up auto.UpResult
		w, err := watch(func(ch chan<- events.EngineEvent) (err error) {
			up, err = s.stack.Up(ctx, optup.EventStreams(ch), optup.ProgressStreams(s.log), optup.ErrorProgressStreams(s.log))
			return err
		})
		steps = append(steps, w.Steps...)
		return summary(opMap(up.Summary.ResourceChanges)), err
	})
	if err != nil {
		return fmt.Errorf("lost state: %w", err)
	}
	var made []string
	for _, st := range steps {
		if st.Op == apitype.OpCreate || st.Op == apitype.OpCreateReplacement {
			made = append(made, st.URN)
		}
	}
	if len(made) > 0 {
		return fmt.Errorf("lost state: the up after the import created %d resources the import should have adopted: %s", len(made), strings.Join(made, ", "))
	}
	if err := keeps(steps, stateful, nil); err != nil {
		return fmt.Errorf("lost state: the up after the import: %w", err)
	}
	return settle(ctx, s, "state rebuilt ")
}

// adoptAll writes the state the import file describes: every resource the preview would create, in
// its order (parents and providers first), each custom one with the ID r found, its inputs as the
// program declares them (a name this preview autonamed anew replaced by the real one; values not
// known before the create left out), and no outputs (the refresh reads them); each provider with
// a new ID and its inputs.
func (s *session) adoptAll(ctx context.Context, steps []Step, r *resolver) error {
	dep, err := deployment(ctx, s.stack)
	if err != nil {
		return fmt.Errorf("the new stack: %w", err)
	}
	providers := map[string]string{} // provider URN -> its new reference (URN::ID)
	dep.Resources = nil
	for i, st := range steps {
		if st.Op != apitype.OpCreate {
			return fmt.Errorf("%s: the preview of the empty stack says %s, not create", st.URN, st.Op)
		}
		res := apitype.ResourceV3{URN: resource.URN(st.URN), Type: tokens.Type(st.Type), Custom: st.Custom,
			Parent: resource.URN(st.Parent), Inputs: r.known(st.Inputs)}
		name := st.URN[strings.LastIndex(st.URN, "::")+2:]
		switch {
		case strings.HasPrefix(st.Type, "pulumi:providers:"):
			res.ID = resource.ID(fmt.Sprintf("adopted-%04d", i))
			res.Outputs = res.Inputs
			providers[st.URN] = st.URN + "::" + string(res.ID)
		case st.Custom:
			id, ok := r.byName[st.Type+"::"+name]
			if !ok {
				return fmt.Errorf("%s: no ID in the import file", st.URN)
			}
			res.ID = resource.ID(id)
			ref, ok := providers[providerURN(st.Provider)]
			if !ok {
				return fmt.Errorf("%s: its provider %s comes later", st.URN, st.Provider)
			}
			res.Provider = ref
		}
		dep.Resources = append(dep.Resources, res)
	}
	return importDeployment(ctx, s.stack, dep)
}

// known returns in without the values not known before a create and without secrets (the engine's
// events obscure them), with every name this preview autonamed anew replaced by the real one.
func (r *resolver) known(in map[string]any) map[string]any {
	var walk func(v any) (any, bool)
	walk = func(v any) (any, bool) {
		switch v := v.(type) {
		case string:
			if v == sig.UnknownStringValue {
				return nil, false
			}
			if real, ok := r.renamed[v]; ok {
				return real, true
			}
			return v, true
		case map[string]any:
			if v[sig.Key] != nil {
				// A secret, an asset or an archive: events show it obscured, so the state cannot
				// hold it; the up sets it again (a secret is an in-place update).
				return nil, false
			}
			out := map[string]any{}
			for k, e := range v {
				if w, ok := walk(e); ok {
					out[k] = w
				}
			}
			return out, true
		case []any:
			var out []any
			for _, e := range v {
				if w, ok := walk(e); ok {
					out = append(out, w)
				}
			}
			return out, true
		}
		return v, true
	}
	out, _ := walk(in)
	m, _ := out.(map[string]any)
	return m
}

// deployment exports the state of stack.
func deployment(ctx context.Context, stack auto.Stack) (apitype.DeploymentV3, error) {
	var dep apitype.DeploymentV3
	exported, err := stack.Export(ctx)
	if err != nil {
		return dep, fmt.Errorf("exporting the state: %w", err)
	}
	if err := json.Unmarshal(exported.Deployment, &dep); err != nil {
		return dep, fmt.Errorf("reading the state: %w", err)
	}
	return dep, nil
}

// importDeployment replaces the state of stack with dep (`pulumi stack import`).
func importDeployment(ctx context.Context, stack auto.Stack, dep apitype.DeploymentV3) error {
	b, err := json.Marshal(dep)
	if err != nil {
		return err
	}
	if err := stack.Import(ctx, apitype.UntypedDeployment{Version: 3, Deployment: b}); err != nil {
		// The CLI's reason is in the error's later lines; the drill's verdict shows only the first.
		return fmt.Errorf("importing the edited state: %s", strings.Join(strings.Fields(err.Error()), " "))
	}
	return nil
}

// forget deletes the stack's state from the file backend: its checkpoint and the checkpoint's backup,
// its history and its backups.
func (s *session) forget() error {
	root := filepath.Join(s.cloud.Backend, ".pulumi")
	stack := s.stack.Name()
	paths, err := filepath.Glob(filepath.Join(root, "stacks", s.cloud.Project, stack+".json*"))
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("no checkpoint of %s/%s in %s", s.cloud.Project, stack, root)
	}
	paths = append(paths, filepath.Join(root, "history", s.cloud.Project, stack), filepath.Join(root, "backups", s.cloud.Project, stack))
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	return nil
}

// sameIDs fails unless every custom resource of old (providers aside) is in now under its URN with
// its old ID: adopted, not recreated.
func sameIDs(old, now apitype.DeploymentV3) (int, error) {
	ids := map[string]string{}
	for _, r := range now.Resources {
		ids[string(r.URN)] = string(r.ID)
	}
	var lost []string
	n := 0
	for _, r := range old.Resources {
		if !r.Custom || strings.HasPrefix(string(r.Type), "pulumi:providers:") {
			continue
		}
		n++
		if got, ok := ids[string(r.URN)]; !ok || got != string(r.ID) {
			lost = append(lost, fmt.Sprintf("%s (was %s, now %q)", r.URN, r.ID, got))
		}
	}
	if len(lost) > 0 {
		return 0, fmt.Errorf("%d of %d resources not adopted with their old ID: %s", len(lost), n, strings.Join(lost, "; "))
	}
	return n, nil
}

// resolver finds, in the emulator, the ID of each resource an import file lists, as an operator
// would in the console: by the name its inputs give (an autonamed one is "<logical name>-" and 7
// characters), or, for an ID AWS assigns, the one resource of its kind in its region that nothing
// else claimed, narrowed by its description where that is not enough.
type resolver struct {
	ctx      context.Context
	endpoint string
	held     emulator.Inventory
	ignore   []string
	used     map[string]bool   // "<kind> <region>/<id>" taken by a resource
	byName   map[string]string // "<type>::<logical name>" -> ID found
	renamed  map[string]string // a name autonamed in this preview -> the resource's real name
	zones    []string          // hosted zone IDs found
}

func newResolver(ctx context.Context, endpoint string, regions, ignore []string) (*resolver, error) {
	held, err := emulator.ListInventory(ctx, endpoint, regions)
	if err != nil {
		return nil, err
	}
	return &resolver{ctx: ctx, endpoint: endpoint, held: held, ignore: ignore, used: map[string]bool{}, byName: map[string]string{}, renamed: map[string]string{}}, nil
}

// fill sets the ID of every placeholder of the import file at path from the cloud, with steps (the
// preview's, which carry each resource's inputs and provider), and writes it back. It returns how
// many IDs it filled.
func (r *resolver) fill(path string, steps []Step) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	var file map[string]json.RawMessage
	if err := json.Unmarshal(raw, &file); err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	var resources []map[string]any
	if err := json.Unmarshal(file["resources"], &resources); err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	byKey := map[string]Step{}
	regions := map[string]string{} // provider URN -> region
	for _, st := range steps {
		name := st.URN[strings.LastIndex(st.URN, "::")+2:]
		byKey[st.Type+"::"+name] = st
		if strings.HasPrefix(st.Type, "pulumi:providers:") {
			region, _ := st.Inputs["region"].(string)
			regions[st.URN] = region
		}
	}
	// Those whose ID is read from another's go last: records (their zone), role policies (their
	// role), a bucket's configuration (its bucket).
	later := func(typ string) bool {
		return typ == "aws:route53/record:Record" || typ == "aws:iam/rolePolicy:RolePolicy" ||
			strings.HasPrefix(typ, "aws:s3/bucket") && typ != "aws:s3/bucketV2:BucketV2"
	}
	filled := 0
	for _, pass := range []bool{false, true} {
		for _, res := range resources {
			typ, _ := res["type"].(string)
			if id, _ := res["id"].(string); id != placeholder || later(typ) != pass {
				continue
			}
			name, _ := res["logicalName"].(string)
			if name == "" {
				name, _ = res["name"].(string)
			}
			st, ok := byKey[typ+"::"+name]
			if !ok {
				return 0, fmt.Errorf("%s %s is in the import file but not in the preview", typ, name)
			}
			id, err := r.resolve(typ, name, regions[providerURN(st.Provider)], st.Inputs)
			if err != nil {
				return 0, fmt.Errorf("%s %s: %w", typ, name, err)
			}
			r.byName[typ+"::"+name] = id
			res["id"] = id
			filled++
		}
	}
	file["resources"], err = json.Marshal(resources)
	if err != nil {
		return 0, err
	}
	out, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		return 0, err
	}
	return filled, os.WriteFile(path, out, 0o644)
}

// resolve finds the ID of the resource typ/name of region with inputs in.
func (r *resolver) resolve(typ, name, region string, in map[string]any) (string, error) {
	str := func(k string) string {
		v, _ := in[k].(string)
		if v == sig.UnknownStringValue {
			return ""
		}
		if real, ok := r.renamed[v]; ok {
			return real // another resource's name, autonamed anew by this preview
		}
		return v
	}
	switch {
	case typ == "aws:rds/instance:Instance":
		return r.named("rds:db", region, name, str("identifier"))
	case typ == "aws:s3/bucketV2:BucketV2":
		return r.named("s3:bucket", "global", name, str("bucket"))
	case strings.HasPrefix(typ, "aws:s3/bucket"):
		if b := str("bucket"); b != "" {
			return b, nil
		}
		return r.found("aws:s3/bucketV2:BucketV2", name)
	case typ == "aws:iam/role:Role":
		return r.named("iam:role", "global", name, str("name"))
	case typ == "aws:iam/rolePolicy:RolePolicy":
		role := str("role")
		if role == "" {
			var err error
			if role, err = r.found("aws:iam/role:Role", name); err != nil {
				return "", err
			}
		}
		policies, err := emulator.RolePolicies(r.ctx, r.endpoint, role)
		if err != nil {
			return "", err
		}
		want := str("name")
		var match []string
		for _, p := range policies {
			if p == want || want == "" || autonamed(want, name) && autonamed(p, name) {
				match = append(match, p)
			}
		}
		if len(match) != 1 {
			return "", fmt.Errorf("role %s has policies %v: %d match %q", role, policies, len(match), want)
		}
		return role + ":" + match[0], nil
	case typ == "aws:kms/key:Key", typ == "aws:kms/replicaKey:ReplicaKey":
		replica := typ == "aws:kms/replicaKey:ReplicaKey" || in["multiRegion"] == true
		return r.assigned("kms:key", region, func(id string) (bool, error) {
			if strings.HasPrefix(id, "mrk-") != replica {
				return false, nil
			}
			d, err := emulator.KeyDescription(r.ctx, r.endpoint, region, id)
			return d == str("description"), err
		})
	case typ == "aws:kms/alias:Alias":
		if n := str("name"); n != "" {
			return n, nil
		}
		return "", errors.New("its alias name is not known before it is created")
	case typ == "aws:ec2/vpc:Vpc":
		return r.assigned("ec2:vpc", region, nil)
	case typ == "aws:route53/zone:Zone":
		id, err := r.assigned("route53:zone", "global", nil)
		if err == nil {
			r.zones = append(r.zones, id)
		}
		return id, err
	case typ == "aws:route53/healthCheck:HealthCheck":
		return r.assigned("route53:healthcheck", "global", nil)
	case typ == "aws:route53/record:Record":
		zone := str("zoneId")
		if zone == "" {
			if len(r.zones) != 1 {
				return "", fmt.Errorf("its zone is not known before it is created, and %d zones were found", len(r.zones))
			}
			zone = r.zones[0]
		}
		return recordID(zone, str("name"), str("type"), str("setIdentifier")), nil
	}
	return "", errors.New("no rule to find it in the cloud: fill its id by hand (docs/faults.md)")
}

// autonamed reports whether v is the name Pulumi's autonaming makes of the logical name: the name, a
// dash and 7 characters.
func autonamed(v, name string) bool {
	return len(v) == len(name)+8 && strings.HasPrefix(v, name+"-")
}

// named resolves a physical name from the inputs: a name the program chose is the ID; an
// autonamed one (a new random suffix in this preview) is the one resource of kind in region whose
// name is the same logical name with another suffix.
func (r *resolver) named(kind, region, name, v string) (string, error) {
	if v == "" {
		return "", fmt.Errorf("its %s name is not known before it is created", kind)
	}
	if !autonamed(v, name) {
		return v, nil
	}
	id, err := r.assigned(kind, region, func(id string) (bool, error) { return autonamed(id, name), nil })
	if err == nil {
		r.renamed[v] = id
	}
	return id, err
}

// assigned returns the one candidate of kind in region (see candidates) and claims it.
func (r *resolver) assigned(kind, region string, match func(id string) (bool, error)) (string, error) {
	found, err := r.candidates(kind, region, match)
	if err != nil {
		return "", err
	}
	if len(found) != 1 {
		return "", fmt.Errorf("%d candidates of %s in %s (%s): a human must choose", len(found), kind, region, strings.Join(found, ", "))
	}
	r.used[kind+" "+region+"/"+found[0]] = true
	return found[0], nil
}

// candidates returns, sorted, the IDs of the resources of kind in region that moto holds, no one
// claimed, the setup did not make, and match (nil: any) accepts.
func (r *resolver) candidates(kind, region string, match func(id string) (bool, error)) ([]string, error) {
	var found []string
	for key := range r.held[kind] {
		id, ok := strings.CutPrefix(key, region+"/")
		entry := kind + " " + key
		if !ok || r.used[entry] || slices.Contains(r.ignore, entry) {
			continue
		}
		if match != nil {
			ok, err := match(id)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		found = append(found, id)
	}
	slices.Sort(found)
	return found, nil
}

// found is the ID resolved for the resource typ/name.
func (r *resolver) found(typ, name string) (string, error) {
	if id, ok := r.byName[typ+"::"+name]; ok {
		return id, nil
	}
	return "", fmt.Errorf("it follows %s %s, whose ID was not found", typ, name)
}
