package pulumistack

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// secretMask replaces a secret output's value.
const secretMask = "[secret]"

// configValues turns the CLI's configuration (objects and lists as JSON text) into the map the stack
// program parses.
func configValues(conf auto.ConfigMap) map[string]string {
	out := make(map[string]string, len(conf))
	for k, v := range conf {
		out[k] = v.Value
	}
	return out
}

// configMap turns values into plain-text configuration values.
func configMap(values map[string]string) auto.ConfigMap {
	out := make(auto.ConfigMap, len(values))
	for k, v := range values {
		out[k] = auto.ConfigValue{Value: v}
	}
	return out
}

// splitStructured separates the values that are JSON objects or lists (written as structured
// configuration, so that a project's config schema, e.g. `type: array`, accepts them) from the plain
// strings.
func splitStructured(values map[string]string) (plain, structured map[string]string) {
	plain, structured = map[string]string{}, map[string]string{}
	for k, v := range values {
		t := strings.TrimSpace(v)
		if (strings.HasPrefix(t, "[") || strings.HasPrefix(t, "{")) && json.Valid([]byte(t)) {
			structured[k] = t
			continue
		}
		plain[k] = v
	}
	return plain, structured
}

// keyList names the keys of values in order, for messages.
func keyList(values map[string]string) string {
	return strings.Join(slices.Sorted(maps.Keys(values)), ", ")
}

// settings parses a stack's configuration with the stack program's parser (stacks.ParseMap, which
// gives every omitted key the program's default) and keeps what the phases read.
func settings(conf map[string]string) (ops.Settings, error) {
	cfg, err := stacks.ParseMap(conf)
	if err != nil {
		return ops.Settings{}, fmt.Errorf("parsing the configuration: %w", err)
	}
	st := ops.Settings{
		PrimaryRegion:  cfg.PrimaryRegion,
		Strategy:       string(cfg.Strategy),
		Engine:         string(cfg.Database.Engine),
		DataHomeRegion: cfg.DataHomeRegion,
		// A cache failover needs a member in the target region (cache.secondaries).
		Cache: cfg.Cache.Replicated(),
	}
	if len(cfg.LostRegions) > 0 {
		st.LostRegions = slices.Clone(cfg.LostRegions)
	}
	st.Service = cfg.Service.Name
	st.Protect = cfg.Protect
	for _, r := range cfg.Regions {
		st.Regions = append(st.Regions, r.Name)
	}
	// The database object as written (not as the defaults filled it): failback writes it back whole.
	if raw, ok := conf[ops.KeyDatabase]; ok && raw != "" {
		if err := json.Unmarshal([]byte(raw), &st.Database); err != nil {
			return ops.Settings{}, fmt.Errorf("reading %s: %w", ops.KeyDatabase, err)
		}
	}
	return st, nil
}

// outputs unwraps the stack outputs; a secret's value is replaced by "[secret]".
func outputs(out auto.OutputMap) map[string]any {
	m := make(map[string]any, len(out))
	for k, v := range out {
		if v.Secret {
			m[k] = secretMask
			continue
		}
		m[k] = v.Value
	}
	return m
}
