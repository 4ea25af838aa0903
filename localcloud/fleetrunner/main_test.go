package main

import (
	"encoding/json"
	"fmt"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/multiregion/multiregion/stacks"
)

// TestSettingsAreValid parses every fleet stack's reduced configuration with the program's own
// parser: a setting the program refuses would fail the drill only after moto and the CLI start.
func TestSettingsAreValid(t *testing.T) {
	for i := range 3 {
		name := fmt.Sprintf("fleet%c", 'a'+i)
		var file struct {
			Config map[string]any `yaml:"config"`
		}
		if err := yaml.Unmarshal(settings(name, i), &file); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		conf := map[string]string{}
		for k, v := range file.Config {
			if s, ok := v.(string); ok {
				conf[k] = s
				continue
			}
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatalf("%s: %s: %v", name, k, err)
			}
			conf[k] = string(b)
		}
		cfg, err := stacks.ParseMap(conf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.PrimaryRegion != primary {
			t.Errorf("%s: primaryRegion %q, want %q", name, cfg.PrimaryRegion, primary)
		}
	}
}
