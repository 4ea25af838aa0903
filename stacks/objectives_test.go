package stacks

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestObjectives(t *testing.T) {
	for _, tc := range []struct {
		strategy, engine string
		edge             string
		rto, lost, rpo   int
		// singleAZ is how long the promoted writer runs in one AZ; db adds database settings.
		singleAZ int
		db       string
	}{
		// validRaw has no domain: Global Accelerator is the detection path (10 s x 3). Every path ends
		// with the writer name's TTL (10 s). A lost region changes nothing for RDS (the up promotes);
		// Aurora's AWS-side failover (60 s) comes before the up instead of within it.
		// Pilot light's replicas are single-AZ by default: the promoted RDS writer converts to Multi-AZ
		// (1800 s) after the up; the other strategies' replicas are Multi-AZ already.
		{"warm-standby", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60, 0, ""},
		{"pilot-light", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60, 1800, ""},
		{"active-active", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60, 0, ""},
		{"warm-standby", "aurora-postgresql", "", 30 + 120 + 60 + 10, 30 + 60 + 120 + 10, 60, 0, ""},
		// Headless: add the instance first; its writer and reader come up together.
		{"pilot-light", "aurora-postgresql", "", 30 + 120 + 600 + 60 + 10, 30 + 60 + 120 + 600 + 10, 60, 0, ""},
		// An explicit setting wins: single-AZ replicas in warm-standby, Multi-AZ ones in pilot-light.
		{"warm-standby", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60, 1800, `,"replicaMultiAz":false`},
		{"pilot-light", "postgres", "", 30 + 120 + 600 + 10, 30 + 120 + 600 + 10, 60, 0, `,"replicaMultiAz":true`},
		// An Aurora secondary with one instance gets its second one after the promotion.
		{"warm-standby", "aurora-postgresql", "", 30 + 120 + 60 + 10, 30 + 60 + 120 + 10, 60, 600, `,"replicaMultiAz":false`},
		{"active-active", "aurora-postgresql", "", 30 + 120 + 60 + 10, 30 + 60 + 120 + 10, 60, 600, `,"standbyInstances":1`},
		// With a domain, Route 53 is the path most clients use: 10 s x 3 + 60 s TTL.
		{"warm-standby", "postgres", `{"domain":"app.example.com","hostedZone":"example.com"}`, 90 + 120 + 600 + 10, 90 + 120 + 600 + 10, 60, 0, ""},
	} {
		t.Run(tc.strategy+"/"+tc.engine+tc.db, func(t *testing.T) {
			raw := validRaw()
			raw["drStrategy"] = tc.strategy
			raw["database"] = `{"engine":"` + tc.engine + `"` + tc.db + `}`
			raw["edge"] = `{"allowPlainHttp":true}`
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
				assert.Equal(t, tc.singleAZ, o.SingleAZSeconds, o.Basis)
				if tc.singleAZ > 0 {
					assert.Contains(t, o.Basis, "the promoted writer runs in one AZ")
				} else {
					assert.Contains(t, o.Basis, "the promoted writer is Multi-AZ at once")
				}
				rto, _ := o.outputs()
				assert.Equal(t, pulumi.Int(tc.singleAZ), rto["singleAzSeconds"], "expectedRto carries the single-AZ window")
			}
		})
	}
}
