package tests

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/require"
)

// TestEveryConfigFieldReaches proves that every configuration field reaches the deployment: for each
// leaf field of every object key (found by reflection on the stacks types the keys decode into) and
// every top-level scalar key of stacks.Keys, it changes that one field of prod's configuration to
// another valid value (the first candidate stacks.ParseMap accepts that parses differently from the
// baseline), runs the whole program under mockcloud and requires the fingerprint of everything
// registered (and exported) to differ from the baseline's. A few fields only matter in a "context"
// (reachContexts); a field that changes nothing fails the test unless reachAllowList excuses it.
func TestEveryConfigFieldReaches(t *testing.T) {
	base := prodConfig(t)
	contexts := reachContexts()
	baselines := map[string]reachRun{}
	for name, c := range contexts {
		conf := reachTree(t, base)
		c.apply(conf)
		flat := conf.flatten(t)
		parsed, err := stacks.ParseMap(flat)
		require.NoError(t, err, "context %s is not a valid configuration", name)
		fp, err := fingerprint(flat)
		require.NoError(t, err, "context %s does not deploy", name)
		again, err := fingerprint(flat)
		require.NoError(t, err)
		require.Equal(t, fp, again, "context %s: the fingerprint is not deterministic", name)
		baselines[name] = reachRun{tree: conf, parsed: parsed, fingerprint: fp}
	}
	allow := reachAllowList()
	fields := reachFields(t)
	for _, f := range fields {
		t.Run(f.path, func(t *testing.T) {
			t.Parallel()
			ctxName := reachContextOf(f.path)
			b := baselines[ctxName]
			from, to, flat, ok := f.alternative(t, b)
			if !ok {
				if reason, excused := allow[f.path]; excused {
					t.Skipf("allow-listed: %s", reason)
				}
				t.Fatalf("%s: no valid alternative to %s found (context %s); add candidates to reachCandidates", stacks.Namespace+":"+f.path, from, ctxName)
			}
			fp, err := fingerprint(flat)
			require.NoError(t, err, "%s:%s = %s (context %s) is accepted by ParseMap but does not deploy", stacks.Namespace, f.path, to, ctxName)
			if fp != b.fingerprint {
				if _, excused := allow[f.path]; excused {
					t.Errorf("%s:%s is allow-listed but changing it from %s to %s changed what is registered; drop it from reachAllowList", stacks.Namespace, f.path, from, to)
				}
				t.Logf("%s:%s: %s -> %s (context %s) changes the deployment", stacks.Namespace, f.path, from, to, ctxName)
				return
			}
			if reason, excused := allow[f.path]; excused {
				t.Skipf("allow-listed: %s", reason)
			}
			t.Errorf("%s:%s: changing it from %s to %s changed nothing registered (context %s)", stacks.Namespace, f.path, from, to, ctxName)
		})
	}
	t.Run("allow-list names fields", func(t *testing.T) {
		for _, p := range slices.Sorted(maps.Keys(allow)) {
			if !slices.ContainsFunc(fields, func(f reachField) bool { return f.path == p }) {
				t.Errorf("reachAllowList: %s is not a configuration field", p)
			}
		}
	})
}

// reachAllowList lists the fields allowed to change nothing registered or exported, each with the
// reason. Keep it as small as possible: a field here is a field nobody proves is wired.
func reachAllowList() map[string]string {
	return map[string]string{
		"edge.rtoSeconds": "a validation gate only: Parse rejects a configuration whose computed failover time " +
			"exceeds it (stacks/edge.go checkRTO); nothing is built or exported from it",
		"edge.allowPlainHttp": "valid only one way in any configuration (true only without edge.domain, false " +
			"only with one), so no single change of it is valid; tests/edge_test.go " +
			"TestGlobalAcceleratorOnlyWithoutDomain deploys it and TestBadEdgeConfigNamesTheKey refuses it unset",
		"budget.monthlyUSD": "a validation gate only: Parse rejects a configuration whose estimate exceeds it " +
			"(stacks/cost.go budgetProblems, tests/cost_test.go TestBudget); nothing is built or exported from it",
		"lostRegions": "it needs a last deployment to freeze (a StackReference to the stack itself), which " +
			"these single runs do not have; tests/lostregion_test.go deploys, then loses a region",
	}
}

// reachContext is a documented change to prod's configuration under which a field matters.
type reachContext struct {
	// apply changes the configuration tree in place.
	apply func(reachConfig)
}

// reachSecret is the key every run passes as a Pulumi secret, set or not: the cache AUTH token must
// be one (as in datatier_test.go).
const reachSecret = stacks.Namespace + ":cacheAuthToken"

// reachContexts returns the contexts by name; "prod" is prod's configuration unchanged.
func reachContexts() map[string]reachContext {
	return map[string]reachContext{
		"prod": {apply: func(reachConfig) {}},
		// Aurora: database.instances and standbyInstances size the Aurora clusters only.
		"aurora": {apply: func(c reachConfig) { c.object("database")["engine"] = "aurora-postgresql" }},
		// Token auth: cacheAuthToken is required with cache.authMode token and rejected otherwise; it
		// must be a secret (as in datatier_test.go).
		"token": {apply: func(c reachConfig) {
			c.object("cache")["authMode"] = "token"
			c["cacheAuthToken"] = "correct-horse-battery-staple-42"
		}},
		// backup-restore: database.restoreFrom creates the primary's writer from a backup.
		"backupRestore": {apply: func(c reachConfig) { c["drStrategy"] = "backup-restore" }},
		// After a failover to us-east-1: database.rejoin applies to a region that is no longer primary.
		"failover": {apply: func(c reachConfig) { c["primaryRegion"] = "us-east-1" }},
		// Valkey needs a valkey version: prod pins redis 7.1, so cache.engine is changed with the
		// engine version left to its per-engine default.
		"cacheDefaultVersion": {apply: func(c reachConfig) { delete(c.object("cache"), "engineVersion") }},
		// No RTO target: prod's 120 s rejects the only other health-check interval (30 s).
		"noRTO": {apply: func(c reachConfig) { delete(c.object("edge"), "rtoSeconds") }},
		// No write paths: they need CloudFront, so turning CloudFront off needs them off.
		"noWritePaths": {apply: func(c reachConfig) {
			delete(c.object("edge"), "cloudFrontWritePaths")
		}},
	}
}

// reachContextOf names the context in which the field at path is changed.
func reachContextOf(path string) string {
	switch path {
	case "database.instances", "database.standbyInstances":
		return "aurora"
	case "cacheAuthToken":
		return "token"
	case "database.rejoin":
		return "failover"
	case "database.restoreFrom":
		return "backupRestore"
	case "cache.engine":
		return "cacheDefaultVersion"
	case "edge.healthCheckIntervalSeconds":
		return "noRTO"
	case "edge.cloudFront":
		return "noWritePaths"
	}
	return "prod"
}

// reachCandidates are the explicit alternatives, tried in order, for the fields whose kind has no
// generic candidates (strings, maps, slices) and for the few numbers whose generic candidates are all
// invalid or equal to the effective default.
func reachCandidates() map[string][]any {
	return map[string][]any{
		"primaryRegion":  {"us-east-1"},
		"drStrategy":     {"pilot-light", "active-active"},
		"dataHomeRegion": {"us-east-1", "eu-west-1"},
		"cacheAuthToken": {"another-correct-horse-battery-99"},

		"regions[].name":              {"eu-central-1", "eu-west-2"},
		"regions[].cidr":              {"10.40.0.0/16", "10.31.0.0/16"},
		"regions[].availabilityZones": {[]string{"eu-west-1b", "eu-west-1c", "eu-west-1d"}},

		"service.name":              {"api"},
		"service.image":             {"web:1.4.3"},
		"service.healthPath":        {"/healthz"},
		"service.environment":       {map[string]string{"LOG_LEVEL": "debug"}},
		"service.secrets":           {map[string]string{"DB_URL": "arn:aws:secretsmanager:us-west-2:123456789012:secret:db-abc"}},
		"service.user":              {"1001:1001"},
		"service.architecture":      {"arm64"},
		"service.standbySpotWeight": {4},

		"database.engine":           {"aurora-postgresql"},
		"database.engineVersion":    {"16.6", "16.3", "15.8"},
		"database.instanceClass":    {"db.r6g.xlarge"},
		"database.adminUsername":    {"appadmin"},
		"database.databaseName":     {"orders"},
		"database.iamUsername":      {"web_app"},
		"database.rejoin":           {map[string]string{"us-west-2": "release"}},
		"database.recovery":         {map[string]any{"us-west-2": map[string]any{"name": "r1"}}},
		"database.restoreFrom":      {"arn:aws:rds:us-west-2:123456789012:snapshot:awsbackup:job-0123"},
		"database.standbyInstances": {2, 3},
		"database.replicaMultiAz":   {false}, // unset, default true in prod's warm-standby

		"network.interfaceEndpoints": {true},
		"backup.copyToRegion":        {"eu-west-1"},
		"backup.copyToAccount":       {"arn:aws:backup:us-east-2:210987654321:backup-vault:escrow"},
		"backup.vaultLock":           {map[string]any{"changeableForDays": 7}},
		"backup.enabled":             {false},
		"backup.continuous":          {false},
		"backup.restoreTesting":      {map[string]any{"validationWindowHours": 6}},
		"cache.secondaries":          {false},
		"cache.engine":               {"valkey"},
		"cache.engineVersion":        {"7.0", "6.2"},
		"cache.nodeType":             {"cache.r6g.large", "cache.m7g.large"},
		"cache.authMode":             {reachWith{"token", map[string]any{"cacheAuthToken": "correct-horse-battery-staple-42"}}},

		"edge.domain":               {"www.example.com"},
		"edge.hostedZone":           {"Z0123456789ABCDEFGHIJ", "create:example.com"},
		"edge.clientAffinity":       {"SOURCE_IP"},
		"edge.cloudFrontWritePaths": {[]string{"/api/*", "/upload/*"}},

		"observability.alarmEmail":         {"oncall@example.com"},
		"observability.alarmHttpsEndpoint": {"https://hooks.example.com/alarms"},
		"observability.logArchiveRegion":   {"us-east-1", "eu-west-1"},
	}
}

// reachObjects maps each object key to the Go type it decodes into and the value it holds in a parsed
// configuration (regions: the last region, a standby no other key names).
func reachObjects() map[string]func(*stacks.Config) any {
	return map[string]func(*stacks.Config) any{
		"service":         func(c *stacks.Config) any { return c.Service },
		"database":        func(c *stacks.Config) any { return c.Database },
		"cache":           func(c *stacks.Config) any { return c.Cache },
		"edge":            func(c *stacks.Config) any { return c.Edge },
		"observability":   func(c *stacks.Config) any { return c.Observability },
		"costAssumptions": func(c *stacks.Config) any { return c.CostAssumptions },
		"budget":          func(c *stacks.Config) any { return c.Budget },
		"network":         func(c *stacks.Config) any { return c.Network },
		"backup":          func(c *stacks.Config) any { return c.Backup },
		"regions": func(c *stacks.Config) any {
			if len(c.Regions) == 0 {
				return stacks.RegionConfig{}
			}
			return c.Regions[len(c.Regions)-1]
		},
	}
}

// reachField is one leaf field (or top-level scalar key) under test.
type reachField struct {
	// path is the field's key as users write it: "service.port", "regions[].cidr", "drStrategy".
	path string
	// key is the top-level key, field the JSON name inside it ("" for a scalar key).
	key, field string
	// kind is the field's Go kind (pointers dereferenced), or the scalar key's type.
	kind reflect.Kind
}

// reachFields enumerates every scalar key of stacks.Keys and every JSON field of the object keys,
// embedded structs inlined as encoding/json does.
func reachFields(t *testing.T) []reachField {
	t.Helper()
	objects := reachObjects()
	var out []reachField
	for _, k := range stacks.Keys() {
		switch k.Type {
		case stacks.TypeArray:
			if k.Items == stacks.TypeString { // a list of names, e.g. lostRegions: the key itself
				out = append(out, reachField{path: k.Name, key: k.Name, kind: reflect.Slice})
				continue
			}
			fallthrough
		case stacks.TypeObject:
			get, ok := objects[k.Name]
			require.True(t, ok, "object key %s has no entry in reachObjects", k.Name)
			prefix := k.Name + "."
			if k.Type == stacks.TypeArray {
				prefix = k.Name + "[]."
			}
			for name, kind := range jsonLeaves(reflect.TypeOf(get(&stacks.Config{}))) {
				out = append(out, reachField{path: prefix + name, key: k.Name, field: name, kind: kind})
			}
		case stacks.TypeInteger:
			out = append(out, reachField{path: k.Name, key: k.Name, kind: reflect.Int})
		case stacks.TypeBoolean:
			out = append(out, reachField{path: k.Name, key: k.Name, kind: reflect.Bool})
		default:
			out = append(out, reachField{path: k.Name, key: k.Name, kind: reflect.String})
		}
	}
	slices.SortFunc(out, func(a, b reachField) int { return strings.Compare(a.path, b.path) })
	return out
}

// jsonLeaves returns the JSON field names of struct type t with their kinds (pointers dereferenced),
// inlining untagged embedded structs and skipping fields encoding/json skips.
func jsonLeaves(t reflect.Type) map[string]reflect.Kind {
	out := map[string]reflect.Kind{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() && !f.Anonymous {
			continue
		}
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			maps.Copy(out, jsonLeaves(ft))
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = ft.Kind()
	}
	return out
}

// reachRun is a context's baseline: its configuration, as parsed, and its fingerprint.
type reachRun struct {
	tree        reachConfig
	parsed      *stacks.Config
	fingerprint string
}

// alternative returns the field's current value, the first candidate value that ParseMap accepts and
// that parses differently from the baseline, and the whole configuration with it; ok is false when no
// candidate qualifies.
func (f reachField) alternative(t *testing.T, b reachRun) (from, to string, conf map[string]string, ok bool) {
	t.Helper()
	cur := f.current(t, b)
	from = show(cur)
	for _, cand := range f.candidates(cur) {
		tree := reachTree(t, b.tree.flatten(t))
		f.set(tree, cand)
		flat := tree.flatten(t)
		parsed, err := stacks.ParseMap(flat)
		if err != nil || reflect.DeepEqual(parsed, b.parsed) {
			continue
		}
		to = show(cand)
		if w, ok := cand.(reachWith); ok {
			to = fmt.Sprintf("%s (with %s)", show(w.value), show(w.also))
		}
		return from, to, flat, true
	}
	return from, "", nil, false
}

// current returns the field's effective value in the baseline (defaults applied), dereferenced.
func (f reachField) current(t *testing.T, b reachRun) any {
	t.Helper()
	if f.field == "" {
		if raw, ok := b.tree[f.key]; ok {
			return scalarValue(f.kind, raw.(string))
		}
		for _, k := range stacks.Keys() {
			if k.Name == f.key {
				return k.Default
			}
		}
		return nil
	}
	v := reflect.ValueOf(reachObjects()[f.key](b.parsed))
	fv, ok := fieldByJSONName(v, f.field)
	require.True(t, ok, "no field %s", f.path)
	for fv.Kind() == reflect.Pointer {
		if fv.IsNil() {
			return nil
		}
		fv = fv.Elem()
	}
	return fv.Interface()
}

// candidates returns the values to try: the explicit table first, then generic ones by kind.
func (f reachField) candidates(cur any) []any {
	if c, ok := reachCandidates()[f.path]; ok {
		return c
	}
	switch f.kind {
	case reflect.Bool:
		b, ok := cur.(bool)
		if !ok { // an unset *bool: its default is applied later; most default to true
			return []any{false, true}
		}
		return []any{!b}
	case reflect.Int:
		n, _ := cur.(int)
		out := []any{n + 1, n * 2, n - 1, n / 2}
		for _, c := range []int{1, 2, 3, 5, 7, 10, 14, 30, 60, 90, 120, 731} {
			out = append(out, c)
		}
		return out
	case reflect.Float64:
		x, _ := cur.(float64)
		return []any{x / 2, 0.5, 1}
	}
	return nil
}

// reachWith is a candidate that needs a companion change of top-level keys to be valid (cache.authMode
// token requires cacheAuthToken).
type reachWith struct {
	value any
	also  map[string]any
}

// set writes v into the field in tree.
func (f reachField) set(tree reachConfig, v any) {
	if w, ok := v.(reachWith); ok {
		maps.Copy(tree, w.also)
		v = w.value
	}
	switch {
	case f.field == "":
		tree[f.key] = fmt.Sprint(v)
	case f.key == "regions":
		list := tree["regions"].([]any)
		list[len(list)-1].(map[string]any)[f.field] = v
	default:
		tree.object(f.key)[f.field] = v
	}
}

// reachConfig is a configuration as a tree: key (without namespace) -> raw text for scalar keys, the
// decoded JSON for object and array keys. Keys of other namespaces are kept under their full name.
type reachConfig map[string]any

// reachTree decodes a flat configuration into a tree (a deep copy).
func reachTree(t *testing.T, conf map[string]string) reachConfig {
	t.Helper()
	types := map[string]stacks.KeyType{}
	for _, k := range stacks.Keys() {
		types[k.Name] = k.Type
	}
	out := reachConfig{}
	for full, raw := range conf {
		name, ok := strings.CutPrefix(full, stacks.Namespace+":")
		if !ok {
			out[full] = raw
			continue
		}
		if typ := types[name]; typ == stacks.TypeObject || typ == stacks.TypeArray {
			var v any
			require.NoError(t, json.Unmarshal([]byte(raw), &v), name)
			out[name] = v
			continue
		}
		out[name] = raw
	}
	return out
}

// object returns the object key k, creating it when the configuration omits it.
func (c reachConfig) object(k string) map[string]any {
	m, ok := c[k].(map[string]any)
	if !ok {
		m = map[string]any{}
		c[k] = m
	}
	return m
}

// flatten encodes the tree back into the form Pulumi hands the program.
func (c reachConfig) flatten(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for k, v := range c {
		full := k
		if !strings.Contains(k, ":") {
			full = stacks.Namespace + ":" + k
		}
		if s, ok := v.(string); ok {
			out[full] = s
			continue
		}
		b, err := json.Marshal(v)
		require.NoError(t, err)
		out[full] = string(b)
	}
	return out
}

// fingerprint runs the stack program on conf under a fresh mock engine and digests everything it
// registered (per resource, sorted by URN: type, name, custom, provider, parent, options, sorted
// dependencies and the inputs as canonical JSON) and the stack outputs it exports.
func fingerprint(conf map[string]string) (string, error) {
	e, d, err := runStack(conf, reachSecret)
	if err != nil {
		return "", err
	}
	type entry struct {
		URN, Type, Name, Provider, Parent    string
		Custom, Protect, Retain, DeleteFirst bool
		IgnoreChanges, Dependencies          []string
		Inputs                               any
	}
	rs := e.Resources()
	entries := make([]entry, 0, len(rs))
	for _, r := range rs {
		entries = append(entries, entry{URN: r.URN, Type: r.Type, Name: r.Name, Provider: r.ProviderURN, Parent: r.Parent,
			Custom: r.Custom, Protect: r.Protect, Retain: r.RetainOnDelete, DeleteFirst: r.DeleteBeforeReplace,
			IgnoreChanges: slices.Sorted(slices.Values(r.IgnoreChanges)), Dependencies: slices.Sorted(slices.Values(r.AllDependencies())),
			Inputs: canonical(resource.NewObjectProperty(r.Inputs))})
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.URN, b.URN) })
	outputs, err := mockcloud.AwaitValue[map[string]any](context.Background(), d.Outputs.ToMapOutput())
	if err != nil {
		return "", fmt.Errorf("stack outputs: %w", err)
	}
	b, err := json.Marshal(struct {
		Resources []entry
		Outputs   map[string]any
	}{entries, outputs})
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// canonical converts a property value into plain JSON-encodable values; secrets, computed values and
// outputs are wrapped so that they differ from plain values.
func canonical(v resource.PropertyValue) any {
	switch {
	case v.IsSecret():
		return map[string]any{"secret": canonical(v.SecretValue().Element)}
	case v.IsComputed():
		return map[string]any{"computed": true}
	case v.IsOutput():
		o := v.OutputValue()
		return map[string]any{"output": canonical(o.Element), "known": o.Known, "secret": o.Secret}
	case v.IsObject():
		m := map[string]any{}
		for k, e := range v.ObjectValue() {
			m[string(k)] = canonical(e)
		}
		return m
	case v.IsArray():
		out := []any{}
		for _, e := range v.ArrayValue() {
			out = append(out, canonical(e))
		}
		return out
	case v.IsResourceReference():
		ref := v.ResourceReferenceValue()
		return map[string]any{"ref": string(ref.URN)}
	case v.IsAsset(), v.IsArchive():
		return fmt.Sprintf("%v", v.V)
	}
	return v.V
}

// fieldByJSONName returns the field of struct v (or of an untagged struct embedded in it) whose JSON
// name is name.
func fieldByJSONName(v reflect.Value, name string) (reflect.Value, bool) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return v.Field(i), true
		}
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			if fv, ok := fieldByJSONName(v.Field(i), name); ok {
				return fv, true
			}
		}
	}
	return reflect.Value{}, false
}

// scalarValue reads a top-level scalar key's raw text as its kind.
func scalarValue(kind reflect.Kind, raw string) any {
	switch kind {
	case reflect.Int:
		if n, err := strconv.Atoi(raw); err == nil {
			return n
		}
	case reflect.Bool:
		if b, err := strconv.ParseBool(raw); err == nil {
			return b
		}
	}
	return raw
}

// show renders a value for a failure message.
func show(v any) string {
	if v == nil {
		return "(unset)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
