package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/tests/mockcloud"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func describe(p mockcloud.Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "critical path %v:", p.Total)
	for _, r := range p.Chain {
		fmt.Fprintf(&b, "\n  %-8v %s %s (%s)", mockcloud.TypicalCreationTime(r), r.Type, r.Name, r.Region)
	}
	return b.String()
}

// TestCriticalPathDoesNotGrowWithRegions proves the program does not serialize regions: the longest
// dependency chain of a 10-region stack is no longer than that of the 3-region prod stack, and that of
// 2 regions (the smallest legal stack: one region plus the cross-region links).
func TestCriticalPathDoesNotGrowWithRegions(t *testing.T) {
	paths := map[int]mockcloud.Path{}
	for _, n := range []int{2, 3, 10} {
		e, _ := deploy(t, regionsConfig(t, n))
		paths[n] = e.CriticalPath(mockcloud.TypicalCreationTime)
		require.NotEmpty(t, paths[n].Chain)
	}
	t.Log(describe(paths[3]))
	assert.Equal(t, paths[2].Total, paths[3].Total, "a third region lengthened the critical path:\n%s", describe(paths[3]))
	assert.Equal(t, paths[3].Total, paths[10].Total, "ten regions lengthened the critical path:\n%s", describe(paths[10]))
	// The chain really is a chain: each resource depends on the one before it.
	chain := paths[3].Chain
	for i := 1; i < len(chain); i++ {
		assert.True(t, chain[i].Needs(chain[i-1].URN), "%s does not wait for %s", chain[i].Name, chain[i-1].Name)
	}
}
