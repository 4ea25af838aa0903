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
		rto, lost, rpo   int
	}{
		// validRaw has no domain: Global Accelerator is the detection path (10 s x 3). Every path ends
		// with the writer name's TTL (10 s). A lost region changes nothing for RDS (the up promotes);
		// Aurora's AWS-side failover (60 s) comes before the up instead of within it.
		{"warm-standby", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60},
		{"pilot-light", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60},
		{"active-active", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60},
		{"warm-standby", "aurora-postgresql", "", 30 + 120 + 60 + 10, 30 + 60 + 120 + 10, 60},
		{"pilot-light", "aurora-postgresql", "", 30 + 120 + 600 + 60 + 10, 30 + 60 + 120 + 600 + 10, 60}, // headless: add the instance first
		// With a domain, Route 53 is the path most clients use: 10 s x 3 + 60 s TTL.
		{"warm-standby", "postgres", `{"domain":"app.example.com","hostedZone":"example.com"}`, 90 + 120 + 600 + 10, 90 + 120 + 600 + 10, 60},
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
			lost := cfg.LostObjectives()
			assert.Equal(t, tc.lost, lost.RTOSeconds, lost.Basis)
			assert.Equal(t, o.RPOSeconds, lost.RPOSeconds, "the RPO is the replica lag on both paths")
			for _, o := range []Objectives{o, lost} {
				p := o.RTOParts
				sum := p["detection"] + p["awsSideFailover"] + p["apply"] + max(p["promotion"], p["capacity"]) + p["writerName"]
				assert.Equal(t, o.RTOSeconds, sum, "the parts add up")
				assert.Contains(t, o.Basis, tc.strategy)
			}
		})
	}
}
