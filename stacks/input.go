package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/multiregion/multiregion/components"
)

// ConfigEnv is the environment variable in which the Go language host hands a program its whole
// configuration, a JSON object "project:key" -> value. Load reads it when present, so that it can
// reject keys the program does not know (pulumi.Context cannot list configuration keys).
const ConfigEnv = "PULUMI_CONFIG"

// ParseMap decodes and validates a whole configuration, "multiregion:key" -> value as Pulumi hands it
// to a program (structured values as JSON; mockcloud.StackConfig reads a stack file into this form).
// Keys of other namespaces (aws:region, ...) are ignored; a multiregion key that Keys does not declare
// is a problem, reported with the closest known key. Every problem is reported in one error.
func ParseMap(conf map[string]string) (*Config, error) {
	var unknown []error
	known := keyNames()
	for _, full := range slices.Sorted(maps.Keys(conf)) {
		ns, k, ok := strings.Cut(full, ":")
		if !ok || ns != Namespace || slices.Contains(known, k) {
			continue
		}
		msg := fmt.Sprintf("%s: not a configuration key of this project", full)
		if s := components.Suggest(k, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", key(s))
		}
		unknown = append(unknown, errors.New(msg))
	}
	return parseLookup(func(k string) (string, bool) {
		v, ok := conf[key(k)]
		return v, ok
	}, unknown)
}

// configFromEnv returns the configuration the language host passed in ConfigEnv, or nil when the
// variable is not set.
func configFromEnv() (map[string]string, error) {
	raw, ok := os.LookupEnv(ConfigEnv)
	if !ok || raw == "" {
		return nil, nil
	}
	var conf map[string]string
	if err := json.Unmarshal([]byte(raw), &conf); err != nil {
		return nil, fmt.Errorf("reading %s: %w", ConfigEnv, err)
	}
	return conf, nil
}

func keyNames() []string {
	var out []string
	for _, k := range Keys() {
		out = append(out, k.Name)
	}
	return out
}

var unknownFieldPattern = regexp.MustCompile(`unknown field "([^"]*)"`)

// decodeKey reads raw, the text the engine hands over for k, into dst, a pointer of k's Go type. An
// object or array key that is null or empty is a problem (omit the key for its default), and an
// unknown field inside an object is reported with the closest known field.
func decodeKey(k Key, raw string, dst any) error {
	switch into := dst.(type) {
	case *string:
		*into = raw
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%s: %q is not an integer", key(k.Name), abbreviate(raw))
		}
		*into = n
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", key(k.Name), abbreviate(raw))
		}
		*into = b
	case nil:
		return fmt.Errorf("%s: the key has no field in Config (a defect of stacks.Keys)", key(k.Name))
	default:
		want := "an object"
		if k.Type == TypeArray {
			want = "a list"
		}
		if t := strings.TrimSpace(raw); t == "" || t == "null" {
			if k.Required() {
				return fmt.Errorf("%s: is null; it is required and must be %s", key(k.Name), want)
			}
			return fmt.Errorf("%s: is null; give %s, or omit the key for its default", key(k.Name), want)
		}
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(into); err != nil {
			msg := err.Error()
			if m := unknownFieldPattern.FindStringSubmatch(msg); m != nil {
				if s := components.Suggest(m[1], jsonFields(reflect.TypeOf(into))); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
			}
			return fmt.Errorf("%s: cannot read %q: %s", key(k.Name), abbreviate(raw), msg)
		}
	}
	return nil
}

// jsonFields lists the JSON field names of t and of the structs inside it, for suggestions.
func jsonFields(t reflect.Type) []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name != "" {
				out = append(out, name)
			}
			walk(f.Type)
		}
	}
	walk(t)
	return out
}

// explicitZeros returns the fields of an object key written as 0 (or 0.0).
func explicitZeros(raw string) []string {
	var m map[string]any
	if json.Unmarshal([]byte(raw), &m) != nil {
		return nil
	}
	var out []string
	for _, f := range slices.Sorted(maps.Keys(m)) {
		if n, ok := m[f].(float64); ok && n == 0 {
			out = append(out, f)
		}
	}
	return out
}

// fieldByJSON returns the field of the struct v (or of a struct embedded in it) whose JSON name is
// name.
func fieldByJSON(v reflect.Value, name string) (reflect.Value, bool) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return reflect.Value{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}, false
	}
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == name {
			return v.Field(i), true
		}
		if f.Anonymous && tag == "" {
			if fv, ok := fieldByJSON(v.Field(i), name); ok {
				return fv, true
			}
		}
	}
	return reflect.Value{}, false
}
