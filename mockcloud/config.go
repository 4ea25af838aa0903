package mockcloud

import (
	"encoding/json"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"
)

// StackConfig reads a Pulumi stack file (Pulumi.<stack>.yaml) into the form Pulumi hands a program:
// "project:key" -> value, with structured values as JSON. Secure values (`secure:`) are kept as their
// ciphertext and listed in the second result, as Pulumi marks them secret.
func StackConfig(path string) (map[string]string, []string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading stack file: %w", err)
	}
	var file struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		return nil, nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	out := map[string]string{}
	var secret []string
	for k, v := range file.Config {
		switch x := v.(type) {
		case string:
			out[k] = x
		case map[string]any:
			if s, ok := x["secure"].(string); ok && len(x) == 1 {
				out[k] = s
				secret = append(secret, k)
				continue
			}
			b, err := json.Marshal(x)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = string(b)
		default:
			b, err := json.Marshal(x)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", k, err)
			}
			out[k] = string(b)
		}
	}
	return out, secret, nil
}
