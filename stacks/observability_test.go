package stacks

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// baseConfig is a valid two-region configuration, as raw config values.
func baseConfig(obs map[string]any) map[string]string {
	conf := map[string]string{
		"regions":       `[{"name":"eu-west-1","cidr":"10.30.0.0/16"},{"name":"us-west-2","cidr":"10.10.0.0/16"}]`,
		"primaryRegion": "us-west-2",
		"service":       `{"image":"web:1.0.0","port":8080,"cpu":512,"memory":1024}`,
		"edge":          `{"allowPlainHttp":true}`,
	}
	if obs != nil {
		b, _ := json.Marshal(obs)
		conf["observability"] = string(b)
	}
	return conf
}

func parse(conf map[string]string) (*Config, error) {
	return Parse(func(k string) (string, bool) { v, ok := conf[k]; return v, ok })
}

// TestObservabilityDefaults: the archive defaults to the first configured region, not the primary,
// so that a failover never moves it; thresholds and lifecycle get their documented defaults.
func TestObservabilityDefaults(t *testing.T) {
	cfg, err := parse(baseConfig(nil))
	require.NoError(t, err)
	o := cfg.Observability
	assert.Equal(t, "eu-west-1", o.LogArchiveRegion, "first configured region, although us-west-2 is primary")
	assert.Equal(t, components.ArchiveLifecycle{}.WithDefaults(), o.ArchiveLifecycle)
	assert.Equal(t, components.SignalSettings{}.WithDefaults(), o.SignalSettings)
	assert.Empty(t, o.AlarmEmail)

	zero, err := parse(baseConfig(map[string]any{"samplingRate": 0}))
	require.NoError(t, err)
	assert.Zero(t, *zero.Observability.SamplingRate, "an explicit 0 turns sampling off, it is not a default")
}

// TestObservabilityValidation: each bad value is reported with its key, the value and what is allowed.
func TestObservabilityValidation(t *testing.T) {
	cases := []struct {
		name string
		obs  map[string]any
		want []string
	}{
		{"archive region not configured", map[string]any{"logArchiveRegion": "ap-south-1"},
			[]string{"multiregion:observability.logArchiveRegion", `"ap-south-1"`, "[eu-west-1 us-west-2]"}},
		{"bad email", map[string]any{"alarmEmail": "oncall at example"},
			[]string{"multiregion:observability.alarmEmail", `"oncall at example"`}},
		{"plain http endpoint", map[string]any{"alarmHttpsEndpoint": "http://hooks.example.com/x"},
			[]string{"multiregion:observability.alarmHttpsEndpoint", "https://"}},
		// The components' rules (components.ArchiveLifecycle and SignalSettings, tested there) are
		// reported under their keys.
		{"glacier before IA", map[string]any{"archiveTransitionDays": 60, "archiveGlacierDays": 45},
			[]string{"multiregion:observability.archiveGlacierDays", "45", "above the transition to Standard-IA, 60 days"}},
		{"replica lag belongs to the data tier", map[string]any{"replicaLagSeconds": 60},
			[]string{"multiregion:observability", `unknown field "replicaLagSeconds"`}},
		{"5xx above 100", map[string]any{"alb5xxPercent": 150},
			[]string{"multiregion:observability.alb5xxPercent", "150", "(0, 100]"}},
		{"unknown field", map[string]any{"alarmSms": "+100"},
			[]string{"multiregion:observability", "alarmSms"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parse(baseConfig(c.obs))
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	// Every problem at once, not the first one only.
	_, err := parse(baseConfig(map[string]any{"alarmEmail": "x", "samplingRate": 2}))
	require.Error(t, err)
	assert.Equal(t, 2, strings.Count(err.Error(), "multiregion:observability."))
}
