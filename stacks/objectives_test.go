package stacks

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObjectives(t *testing.T) {
	for _, tc := range []struct {
		strategy, engine string
		edge             string
		rto, rpo         int
	}{
		// validRaw has no domain: Global Accelerator is the detection path (10 s x 3).
		{"warm-standby", "postgres", "", 30 + 120 + 600, 60},
		{"pilot-light", "postgres", "", 30 + 120 + 600, 60},
		{"active-active", "postgres", "", 30 + 120 + 600, 60},
		{"warm-standby", "aurora-postgresql", "", 30 + 120 + 60, 60},
		{"pilot-light", "aurora-postgresql", "", 30 + 120 + 600 + 60, 60}, // headless: add the instance first
		// With a domain, Route 53 is the path most clients use: 10 s x 3 + 60 s TTL.
		{"warm-standby", "postgres", `{"domain":"app.example.com","hostedZone":"example.com"}`, 90 + 120 + 600, 60},
	} {
		t.Run(tc.strategy+"/"+tc.engine, func(t *testing.T) {
			raw := validRaw()
			raw["drStrategy"] = tc.strategy
			raw["database"] = `{"engine":"` + tc.engine + `"}`
			if tc.edge != "" {
				raw["edge"] = tc.edge
			}
			cfg, err := Parse(lookup(raw))
			require.NoError(t, err)
			o := cfg.Objectives()
			assert.Equal(t, tc.rto, o.RTOSeconds, o.Basis)
			assert.Equal(t, tc.rpo, o.RPOSeconds)
			sum := o.RTOParts["detection"] + o.RTOParts["apply"] + max(o.RTOParts["promotion"], o.RTOParts["capacity"])
			assert.Equal(t, o.RTOSeconds, sum, "the parts add up")
			assert.Contains(t, o.Basis, tc.strategy)
		})
	}
}
