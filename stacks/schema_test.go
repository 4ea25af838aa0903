package stacks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestPulumiYAMLIsGenerated fails when Pulumi.yaml is not what stacks.Keys generates.
func TestPulumiYAMLIsGenerated(t *testing.T) {
	got, err := os.ReadFile("../Pulumi.yaml")
	require.NoError(t, err)
	if string(got) != ProjectYAML() {
		t.Fatal("Pulumi.yaml differs from stacks.Keys; run `go generate ./stacks` and commit the result")
	}
}

// loadProject loads Pulumi.yaml as the CLI does (workspace.LoadProject validates it too: a default must
// have the declared type).
func loadProject(t *testing.T) *workspace.Project {
	t.Helper()
	proj, err := workspace.LoadProject("../Pulumi.yaml")
	require.NoError(t, err)
	return proj
}

// TestProjectSchemaMatchesProgram: Pulumi.yaml declares exactly the keys Parse reads, with their types,
// and no key is required that the program can do without.
func TestProjectSchemaMatchesProgram(t *testing.T) {
	proj := loadProject(t)
	var declared []string
	for name := range proj.Config {
		declared = append(declared, name)
	}
	var read []string
	_, _ = Parse(func(k string) (string, bool) { read = append(read, key(k)); return "", false })
	slices.Sort(declared)
	slices.Sort(read)
	assert.Equal(t, read, declared, "Pulumi.yaml must declare exactly the keys the program reads")

	for _, k := range Keys() {
		pt, ok := proj.Config[key(k.Name)]
		if !assert.True(t, ok, "%s is not declared", key(k.Name)) {
			continue
		}
		assert.Equal(t, string(k.Type), pt.TypeName(), "%s: type", key(k.Name))
		// The CLI requires a key with neither default nor value; the program must then require it too.
		assert.Equal(t, k.Required(), pt.Default == nil && pt.Value == nil, "%s: required in one, optional in the other", key(k.Name))
		// An optional secret cannot be declared secret: the CLI would refuse the default in clear.
		assert.False(t, pt.Secret && pt.Default != nil, "%s: a secret with a default fails every stack that omits it", key(k.Name))
	}
}

// cliText is a stack or project config value as the CLI hands it to the program: a scalar as its text,
// anything else as JSON.
func cliText(t *testing.T, v any) string {
	t.Helper()
	switch v := v.(type) {
	case string:
		return v
	case int, bool, float64:
		return fmt.Sprint(v)
	}
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// minimal is the smallest valid stack: the keys Pulumi.yaml requires, and, without a domain, the
// explicit opt-in to plain HTTP.
func minimal() map[string]string {
	return map[string]string{
		"regions":       `[{"name":"us-west-2","cidr":"10.10.0.0/16"},{"name":"us-east-1","cidr":"10.20.0.0/16"}]`,
		"primaryRegion": "us-west-2",
		"service":       `{"image":"web:1.4.2","port":8080,"cpu":512,"memory":1024}`,
		"edge":          `{"allowPlainHttp":true}`,
	}
}

// TestDeclaredDefaultsAreTheProgramsDefaults: for every optional key, a stack that omits it and a stack
// that sets Pulumi.yaml's default (what the CLI does) give the same configuration.
func TestDeclaredDefaultsAreTheProgramsDefaults(t *testing.T) {
	proj := loadProject(t)
	omitted, err := Parse(lookup(minimal()))
	require.NoError(t, err, "the minimal stack must parse")
	for _, k := range Keys() {
		if _, set := minimal()[k.Name]; k.Required() || set {
			continue
		}
		t.Run(k.Name, func(t *testing.T) {
			raw := minimal()
			raw[k.Name] = cliText(t, proj.Config[key(k.Name)].Default)
			set, err := Parse(lookup(raw))
			require.NoError(t, err)
			assert.Equal(t, omitted, set)
		})
	}
}

// TestRequiredKeys: every key Pulumi.yaml requires is one the program cannot do without, and its error
// names the key.
func TestRequiredKeys(t *testing.T) {
	for _, k := range Keys() {
		if !k.Required() {
			continue
		}
		t.Run(k.Name, func(t *testing.T) {
			raw := minimal()
			delete(raw, k.Name)
			_, err := Parse(lookup(raw))
			require.Error(t, err)
			assert.Contains(t, err.Error(), key(k.Name))
		})
	}
}

// stackFiles returns the stack settings the project ships or documents: Pulumi.prod.yaml, the local
// tier's overrides applied to it, and every YAML block with a config: section in README.md and docs/.
func stackFiles(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	prod, err := os.ReadFile("../Pulumi.prod.yaml")
	require.NoError(t, err)
	out["Pulumi.prod.yaml"] = prod
	docs, err := filepath.Glob("../docs/*.md")
	require.NoError(t, err)
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```")
	for _, doc := range append([]string{"../README.md"}, docs...) {
		text, err := os.ReadFile(doc)
		require.NoError(t, err)
		for i, m := range block.FindAllSubmatch(text, -1) {
			if strings.Contains(string(m[1]), "\nconfig:") || strings.HasPrefix(string(m[1]), "config:") {
				out[fmt.Sprintf("%s block %d", filepath.Base(doc), i+1)] = m[1]
			}
		}
	}
	return out
}

// stackConfig reads a stack settings file into the raw values the program sees for the multiregion
// namespace (keys without the namespace).
func stackConfig(t *testing.T, settings []byte) map[string]string {
	t.Helper()
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	require.NoError(t, yaml.Unmarshal(settings, &file))
	raw := map[string]string{}
	for k, v := range file.Config {
		name, ok := strings.CutPrefix(k, Namespace+":")
		require.True(t, ok, "%s is outside the %s namespace", k, Namespace)
		raw[name] = cliText(t, v)
	}
	return raw
}

// TestShippedAndDocumentedStacksParse: prod and every documented example are valid configurations.
func TestShippedAndDocumentedStacksParse(t *testing.T) {
	files := stackFiles(t)
	require.Contains(t, files, "README.md block 1", "README documents a stack settings example")
	for name, settings := range files {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(lookup(stackConfig(t, settings)))
			assert.NoError(t, err)
		})
	}
}

// TestKeysAreWellFormed: names unique, defaults of the declared type, descriptions present.
func TestKeysAreWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys() {
		assert.False(t, seen[k.Name], "%s listed twice", k.Name)
		seen[k.Name] = true
		assert.NotEmpty(t, k.Description, k.Name)
		if k.Default == nil {
			continue
		}
		want := map[KeyType]reflect.Kind{TypeString: reflect.String, TypeInteger: reflect.Int, TypeBoolean: reflect.Bool,
			TypeObject: reflect.Map, TypeArray: reflect.Slice}[k.Type]
		assert.Equal(t, want, reflect.TypeOf(k.Default).Kind(), "%s: default %v is not a %s", k.Name, k.Default, k.Type)
	}
}

// TestREADMEConfigTableCoversEveryKey: README's configuration table names every key and every field of
// every object key the program reads, and states each scalar key's default as Keys has it, so the
// documentation cannot silently miss or contradict a setting.
func TestREADMEConfigTableCoversEveryKey(t *testing.T) {
	rows := map[string]string{} // first cell -> whole row
	for _, line := range readmeConfigRows(t) {
		rows[strings.Split(line, "|")[1]] = line
	}
	require.NotEmpty(t, rows, "README.md has no configuration table")
	// row returns the rows whose first cell names key (`key`, `key.*` or `key.field`).
	rowsOf := func(key string) []string {
		var out []string
		for first, row := range rows {
			if strings.Contains(first, "`"+key+"`") || strings.Contains(first, "`"+key+".") {
				out = append(out, row)
			}
		}
		return out
	}
	fields := (&Config{}).fields()
	for _, k := range Keys() {
		found := rowsOf(k.Name)
		if !assert.NotEmpty(t, found, "README's configuration table has no row for %s", k.Name) {
			continue
		}
		all := strings.Join(found, "\n")
		if k.Type == TypeObject || k.Type == TypeArray {
			for _, f := range jsonFields(reflect.TypeOf(fields[k.Name])) {
				assert.Contains(t, all, f, "README's rows for %s do not mention its field %s", k.Name, f)
			}
			continue
		}
		if text := k.defaultText(); !k.Required() && text != "" {
			cells := strings.Split(found[0], "|")
			assert.Contains(t, cells[2], text, "README's default for %s", k.Name)
		}
	}
}

// TestREADMEStatesEverySubFieldDefault: for every field of every object key whose default is a number
// or a word (what the program gives it when the key is omitted, from the owning component's
// WithDefaults), README's configuration table states that default next to the field: in the field's
// own row's default cell, or in the words that follow the field's name in its key's row. A default
// changed in code and not in the one doc source fails here.
func TestREADMEStatesEverySubFieldDefault(t *testing.T) {
	rows := readmeConfigRows(t)
	cfg, err := Parse(lookup(validRaw()))
	require.NoError(t, err)
	fields := cfg.fields()
	checked := 0
	for _, k := range Keys() {
		if k.Type != TypeObject {
			continue
		}
		v := reflect.ValueOf(fields[k.Name])
		for _, f := range jsonFields(v.Type()) {
			fv, ok := fieldByJSON(v, f)
			for ok && fv.Kind() == reflect.Pointer && !fv.IsNil() {
				fv = fv.Elem()
			}
			if !ok || fv.IsZero() || (fv.Kind() != reflect.Int && fv.Kind() != reflect.Float64 && fv.Kind() != reflect.String) {
				continue
			}
			if raw, set := validRaw()[k.Name]; set && strings.Contains(raw, `"`+f+`"`) {
				continue // set by the fixture, not a default
			}
			want := fmt.Sprint(fv.Interface())
			if k.Name == "regions" || strings.HasSuffix(f, "Region") || f == "iamUsername" || f == "engineVersion" && k.Name == "cache" {
				continue // derived from other keys; the row says from which
			}
			checked++
			assert.True(t, statesDefault(rows, k.Name, f, want), "README's configuration table does not state %s.%s's default %s next to it", k.Name, f, want)
		}
	}
	assert.Greater(t, checked, 30, "too few defaults checked; the table's layout changed?")
}

// statesDefault reports whether a row names key.field with want in its default cell, or a row of key
// names `field` and states want before the next field's name.
func statesDefault(rows []string, key, field, want string) bool {
	for _, row := range rows {
		cells := strings.Split(row, "|")
		if len(cells) < 4 {
			continue
		}
		if strings.Contains(cells[1], "`"+key+"."+field+"`") || strings.Contains(cells[1], "`"+field+"`") && strings.Contains(cells[1], "`"+key+".") {
			if strings.Contains(cells[2], want) {
				return true
			}
		}
		if !strings.Contains(cells[1], "`"+key+".*`") {
			continue
		}
		_, after, ok := strings.Cut(cells[3], "`"+field+"`")
		if !ok {
			continue
		}
		if i := strings.Index(after, "; `"); i >= 0 {
			after = after[:i]
		}
		if i := strings.Index(after, ", `"); i >= 0 {
			after = after[:i]
		}
		if strings.Contains(after, want) {
			return true
		}
	}
	return false
}

// readmeConfigRows returns the rows of README's configuration table, without its header.
func readmeConfigRows(t *testing.T) []string {
	t.Helper()
	text, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	var rows []string
	inTable := false
	for _, line := range strings.Split(string(text), "\n") {
		switch {
		case strings.HasPrefix(line, "| key | default |"):
			inTable = true
		case inTable && !strings.HasPrefix(line, "|"):
			return rows
		case inTable && !strings.HasPrefix(line, "|---"):
			rows = append(rows, line)
		}
	}
	return rows
}
