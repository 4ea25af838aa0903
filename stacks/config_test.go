package stacks

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validRaw is a minimal valid configuration, as the raw strings Pulumi hands the program.
func validRaw() map[string]string {
	return map[string]string{
		"regions":       `[{"name":"us-west-2","cidr":"10.10.0.0/16"},{"name":"us-east-1","cidr":"10.20.0.0/16"},{"name":"eu-west-1","cidr":"10.30.0.0/16"}]`,
		"primaryRegion": "us-west-2",
		"drStrategy":    "warm-standby",
		"service":       `{"name":"web","image":"web:1.4.2","port":8080,"cpu":512,"memory":1024,"desiredCount":3,"minCount":2,"maxCount":12,"healthPath":"/health"}`,
		"edge":          `{"allowPlainHttp":true}`,
	}
}

func lookup(raw map[string]string) Lookup {
	return func(k string) (string, bool) { v, ok := raw[k]; return v, ok }
}

// edit returns validRaw with one key's JSON object or array changed by f.
func edit(t *testing.T, k string, f func(v any) any) map[string]string {
	t.Helper()
	raw := validRaw()
	var v any
	require.NoError(t, json.Unmarshal([]byte(raw[k]), &v))
	b, err := json.Marshal(f(v))
	require.NoError(t, err)
	raw[k] = string(b)
	return raw
}

func setService(t *testing.T, kv map[string]any) map[string]string {
	return edit(t, "service", func(v any) any {
		m := v.(map[string]any)
		maps.Copy(m, kv)
		return m
	})
}

func setRegion(t *testing.T, i int, kv map[string]any) map[string]string {
	return edit(t, "regions", func(v any) any {
		m := v.([]any)[i].(map[string]any)
		maps.Copy(m, kv)
		return v
	})
}

func TestParseValid(t *testing.T) {
	cfg, err := Parse(lookup(validRaw()))
	require.NoError(t, err)
	assert.Equal(t, WarmStandby, cfg.Strategy)
	assert.Equal(t, []string{"us-east-1", "eu-west-1"}, cfg.Secondaries())
	assert.True(t, cfg.Protect, "protect defaults to true")
	assert.Equal(t, 365, cfg.LogRetentionDays)
	assert.Equal(t, 3, cfg.AZCount)
}

// TestParseRejects covers the bad inputs of the core keys: one case per stack rule (regions, the
// primary, task counts, the image, types, strategy) and one per kind of component rule, which the
// component's own tests hold (CIDR, AZs, Fargate size, port, health path, secrets, log retention):
// those cases prove the rule is reported under the key that sets it. Each case names the config key
// and a fragment of the value or the allowed values the message must carry.
func TestParseRejects(t *testing.T) {
	cases := []struct {
		name string
		raw  map[string]string
		want []string
	}{
		{"malformed region", setRegion(t, 1, map[string]any{"name": "us-east"}), []string{"multiregion:regions[1].name", `"us-east"`, "e.g. us-west-2"}},
		{"unknown region", setRegion(t, 2, map[string]any{"name": "mars-west-1"}), []string{"multiregion:regions[2].name", "mars-west-1"}},
		{"duplicate region", setRegion(t, 2, map[string]any{"name": "us-east-1", "cidr": "10.40.0.0/16"}), []string{"multiregion:regions[2].name", "already regions[1]"}},
		{"primary not in regions", map[string]string{"primaryRegion": "ap-south-1"}, []string{"multiregion:primaryRegion", "ap-south-1", "not among the regions"}},
		{"primary missing", map[string]string{"primaryRegion": ""}, []string{"multiregion:primaryRegion", "not set"}},
		{"one region", map[string]string{"regions": `[{"name":"us-west-2","cidr":"10.10.0.0/16"}]`}, []string{"multiregion:regions", "at least 2"}},
		{"overlapping CIDR", setRegion(t, 2, map[string]any{"cidr": "10.10.0.0/16"}), []string{"multiregion:regions[2].cidr", "overlaps regions[0].cidr"}},
		{"malformed CIDR", setRegion(t, 1, map[string]any{"cidr": "10.20.0.0/33"}), []string{"multiregion:regions[1].cidr", "10.20.0.0/33", "not a CIDR"}},
		{"CIDR with host bits", setRegion(t, 1, map[string]any{"cidr": "10.20.1.0/16"}), []string{"multiregion:regions[1].cidr", "host bits"}},
		{"CIDR too small", setRegion(t, 1, map[string]any{"cidr": "10.20.0.0/22"}), []string{"multiregion:regions[1].cidr", "too small", "/20"}},
		{"AZ of another region", setRegion(t, 0, map[string]any{"availabilityZones": []string{"us-east-1a", "us-west-2b", "us-west-2c"}}), []string{"multiregion:regions[0].availabilityZones[0]", "us-east-1a"}},
		{"bad Fargate pair", setService(t, map[string]any{"cpu": 256, "memory": 4096}), []string{"multiregion:service.cpu/memory", "256/4096", "cpu 256: memory 512|1024|2048"}},
		{"negative count", setService(t, map[string]any{"minCount": -1}), []string{"multiregion:service.minCount/desiredCount/maxCount", "negative"}},
		{"min above max", setService(t, map[string]any{"minCount": 5, "maxCount": 4, "desiredCount": 4}), []string{"multiregion:service.minCount", "5 is above maxCount 4"}},
		{"desired outside", setService(t, map[string]any{"desiredCount": 20}), []string{"multiregion:service.desiredCount", "20 is outside"}},
		{"port zero", setService(t, map[string]any{"port": 0}), []string{"multiregion:service.port", "0 is outside 1-65535"}},
		{"health path relative", setService(t, map[string]any{"healthPath": "health"}), []string{"multiregion:service.healthPath", `"health"`}},
		{"unknown strategy", map[string]string{"drStrategy": "hot-standby"}, []string{"multiregion:drStrategy", "hot-standby", "pilot-light, warm-standby, active-active"}},
		{"image without tag", setService(t, map[string]any{"image": "web"}), []string{"multiregion:service.image", `"web"`}},
		{"image by digest", setService(t, map[string]any{"image": "web@sha256:0abc"}), []string{"multiregion:service.image", "web@sha256"}},
		{"image tag invalid", setService(t, map[string]any{"image": "web:-bad"}), []string{"multiregion:service.image", "-bad"}},
		{"secret in clear", setService(t, map[string]any{"secrets": map[string]string{"DB_PASSWORD": "hunter2"}}), []string{"multiregion:service.environment/secrets", "DB_PASSWORD"}},
		{"unknown service field", setService(t, map[string]any{"replicas": 3}), []string{"multiregion:service", "unknown field", "replicas"}},
		{"service not JSON", map[string]string{"service": "web:1"}, []string{"multiregion:service", "cannot read"}},
		{"bad retention", map[string]string{"logRetentionDays": "42"}, []string{"multiregion:logRetentionDays", "42"}},
		{"retention not a number", map[string]string{"logRetentionDays": "forever"}, []string{"multiregion:logRetentionDays", "forever", "not an integer"}},
		{"protect not a bool", map[string]string{"protect": "yes please"}, []string{"multiregion:protect", "yes please"}},
		{"warm standby percent", map[string]string{"warmStandbyPercent": "150"}, []string{"multiregion:warmStandbyPercent", "150", "1-100"}},
		{"az count", map[string]string{"azCount": "1"}, []string{"multiregion:azCount", "1 is outside 2-6"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			raw := validRaw()
			maps.Copy(raw, tc.raw)
			cfg, err := Parse(lookup(raw))
			assert.Nil(t, cfg)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestParseListsEveryProblem checks that one error reports every problem, not just the first.
func TestParseListsEveryProblem(t *testing.T) {
	raw := setService(t, map[string]any{"port": 0, "cpu": 100})
	raw["drStrategy"] = "sometimes"
	raw["primaryRegion"] = "us-east-2"
	_, err := Parse(lookup(raw))
	require.Error(t, err)
	msg := err.Error()
	for _, k := range []string{"multiregion:service.port", "multiregion:service.cpu/memory", "multiregion:drStrategy", "multiregion:primaryRegion"} {
		assert.Contains(t, msg, k)
	}
	assert.Contains(t, msg, "(4 problems)")
}

func TestPlanByStrategy(t *testing.T) {
	for _, tc := range []struct {
		strategy          Strategy
		standbyMin        int
		standbyDial       int
		routing           Routing
		standbyNATPerAZ   bool
		standbyServes     bool
		standbyDesiredMax [2]int
	}{
		{PilotLight, 0, 0, FailoverRouting, false, false, [2]int{0, 12}},
		{WarmStandby, 1, 0, FailoverRouting, false, false, [2]int{1, 12}},
		{ActiveActive, 2, 100, LatencyRouting, true, true, [2]int{3, 12}},
	} {
		t.Run(string(tc.strategy), func(t *testing.T) {
			raw := validRaw()
			raw["drStrategy"] = string(tc.strategy)
			cfg, err := Parse(lookup(raw))
			require.NoError(t, err)
			assert.Equal(t, tc.routing, cfg.Routing())
			p := cfg.Plan("us-west-2")
			assert.Equal(t, 100, p.TrafficDial)
			assert.Equal(t, 2, p.Capacity.Min)
			assert.True(t, p.NATPerAZ)
			s := cfg.Plan("eu-west-1")
			assert.Equal(t, tc.standbyMin, s.Capacity.Min)
			assert.Equal(t, tc.standbyDial, s.TrafficDial)
			assert.Equal(t, tc.standbyNATPerAZ, s.NATPerAZ)
			assert.Equal(t, tc.standbyServes, s.Serves)
			assert.Equal(t, tc.standbyDesiredMax, [2]int{s.Capacity.Desired, s.Capacity.Max})
		})
	}
}

func TestWarmStandbyPercentRoundsUp(t *testing.T) {
	raw := setService(t, map[string]any{"minCount": 5, "desiredCount": 5})
	raw["warmStandbyPercent"] = "30"
	cfg, err := Parse(lookup(raw))
	require.NoError(t, err)
	assert.Equal(t, 2, cfg.Plan("us-east-1").Capacity.Min, "30% of 5 rounds up to 2")
}

// FuzzParse feeds arbitrary values to every key: Parse must never panic, and whatever it accepts must
// pass Validate again and keep the primary among the regions.
func FuzzParse(f *testing.F) {
	v := validRaw()
	f.Add(v["regions"], v["primaryRegion"], v["drStrategy"], v["service"], "365")
	f.Add(`[{"name":"us-west-2","cidr":"10.0.0.0/8"}]`, "x", "", `{}`, "-1")
	f.Add(`[null, {"cidr": 5}]`, "", "active-active", `{"cpu": 1e99}`, "9999999999999999999999")
	f.Add(`[{"name":"us-west-2","cidr":"10.10.0.0/16","availabilityZones":["us-west-2a"]}]`, "us-west-2", "pilot-light", `{"image":":"}`, "")
	f.Fuzz(func(t *testing.T, regions, primary, strategy, service, retention string) {
		raw := map[string]string{"regions": regions, "primaryRegion": primary, "drStrategy": strategy, "service": service, "logRetentionDays": retention}
		cfg, err := Parse(lookup(raw))
		if err != nil {
			if cfg != nil {
				t.Fatalf("Parse returned both a config and an error")
			}
			if !strings.Contains(err.Error(), "multiregion:") {
				t.Fatalf("error names no config key: %v", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted config fails Validate: %v", err)
		}
		if cfg.RoleOf(cfg.PrimaryRegion) != "primary" || len(cfg.Secondaries()) != len(cfg.Regions)-1 {
			t.Fatalf("primary %q not exactly one of %v", cfg.PrimaryRegion, cfg.regionNames())
		}
	})
}
