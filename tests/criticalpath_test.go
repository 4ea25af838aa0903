package tests

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/mockcloud/criticalpath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func describe(p criticalpath.Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "critical path %v:", p.Total)
	for _, r := range p.Chain {
		fmt.Fprintf(&b, "\n  %-8v %s %s (%s)", criticalpath.TypicalCreationTime(r), r.Type, r.Name, r.Region)
	}
	return b.String()
}

// TestCriticalPathDoesNotGrowWithRegions proves the program does not serialize regions. Everything
// but the global edge is per region or a cross-region link, and its longest dependency chain is the
// same for 2, 3 and 10 regions. The edge's Route 53 failover chain is the one part that grows: Route
// 53 allows one PRIMARY and one SECONDARY per name, so ordered standbys form a chain of alias records
// (each alias needs its target first): two record changes per extra standby, and nothing else.
func TestCriticalPathDoesNotGrowWithRegions(t *testing.T) {
	type result struct {
		all, regional criticalpath.Path
	}
	results := map[int]result{}
	for _, n := range []int{2, 3, 10} {
		// A Global Datastore takes at most 2 secondaries, so every size runs without the cache here;
		// TestCriticalPathWithCache covers it for the sizes it allows.
		e, _ := deploy(t, with(t, regionsConfig(t, n), map[string]any{"cache": map[string]any{"enabled": false}}))
		edge := e.Component(components.GlobalEdgeType, "web-edge")
		require.NotNil(t, edge)
		inEdge := map[string]bool{}
		for _, r := range e.ChildrenOf(edge) {
			inEdge[r.URN] = true
		}
		regional := func(r *mockcloud.Resource) time.Duration {
			if inEdge[r.URN] {
				return 0
			}
			return criticalpath.TypicalCreationTime(r)
		}
		results[n] = result{all: criticalpath.Longest(e, criticalpath.TypicalCreationTime), regional: criticalpath.Longest(e, regional)}
		require.NotEmpty(t, results[n].regional.Chain)
	}
	t.Log("3 regions, whole stack: " + describe(results[3].all))
	t.Log("3 regions, without the global edge: " + describe(results[3].regional))
	assert.Equal(t, results[2].regional.Total, results[3].regional.Total, "a third region lengthened the regional path:\n%s", describe(results[3].regional))
	assert.Equal(t, results[3].regional.Total, results[10].regional.Total, "ten regions lengthened the regional path:\n%s", describe(results[10].regional))
	record := criticalpath.TypicalCreationTime(&mockcloud.Resource{Custom: true, Type: "aws:route53/record:Record"})
	assert.LessOrEqual(t, results[10].all.Total-results[3].all.Total, 7*2*record,
		"beyond the failover record chain, seven more regions lengthened the path:\n%s", describe(results[10].all))
	// The chain really is a chain: each resource waits for the one before it.
	for _, p := range []criticalpath.Path{results[3].all, results[3].regional} {
		for i := 1; i < len(p.Chain); i++ {
			assert.True(t, criticalpath.Needs(p.Chain[i], p.Chain[i-1].URN), "%s does not wait for %s", p.Chain[i].Name, p.Chain[i-1].Name)
		}
	}
}

// TestCriticalPathWithCache checks the prod stack (cache on) against two regions: the third region
// adds no time, so the cache's global datastore links regions in parallel.
func TestCriticalPathWithCache(t *testing.T) {
	two, _ := deploy(t, regionsConfig(t, 2))
	three, _ := deploy(t, prodConfig(t))
	p2, p3 := criticalpath.Longest(two, criticalpath.TypicalCreationTime), criticalpath.Longest(three, criticalpath.TypicalCreationTime)
	t.Log("prod stack: " + describe(p3))
	assert.Equal(t, p2.Total, p3.Total, "the third region lengthened the path:\n%s", describe(p3))
}
