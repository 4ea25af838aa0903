package criticalpath_test

import (
	"testing"
	"time"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/mockcloud/criticalpath"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// graph is a hand-built Graph: the analysis needs no engine and no program.
type graph []*mockcloud.Resource

func (g graph) Resources() []*mockcloud.Resource { return g }

func (g graph) Get(urn string) *mockcloud.Resource {
	for _, r := range g {
		if r.URN == urn {
			return r
		}
	}
	return nil
}

func custom(urn, typ string, deps ...string) *mockcloud.Resource {
	return &mockcloud.Resource{URN: urn, Type: typ, Name: urn, Custom: true, Dependencies: deps}
}

// A component "app" holds a subnet group and a database (15 min) that needs it; a replica (15 min)
// needs the database through an input; a bucket is independent.
func sample() graph {
	app := &mockcloud.Resource{URN: "app", Type: "acme:index:App", Name: "app"}
	subnets := custom("subnets", "aws:rds/subnetGroup:SubnetGroup")
	subnets.Parent = "app"
	db := custom("db", "aws:rds/instance:Instance", "subnets")
	db.Parent = "app"
	replica := custom("replica", "aws:rds/instance:Instance")
	replica.PropertyDependencies = map[string][]string{"replicateSourceDb": {"db"}}
	bucket := custom("bucket", "aws:s3/bucketV2:BucketV2")
	return graph{app, subnets, db, replica, bucket}
}

func TestLongest(t *testing.T) {
	p := criticalpath.Longest(sample(), criticalpath.TypicalCreationTime)
	assert.Equal(t, 5*time.Second+30*time.Minute, p.Total)
	var names []string
	for _, r := range p.Chain {
		names = append(names, r.Name)
	}
	assert.Equal(t, []string{"subnets", "db", "replica"}, names, "the component takes no time and is left out")
	for i := 1; i < len(p.Chain); i++ {
		assert.True(t, criticalpath.Needs(p.Chain[i], p.Chain[i-1].URN))
	}
}

func TestWaitsFor(t *testing.T) {
	g := sample()
	var names []string
	for _, r := range criticalpath.WaitsFor(g, g.Get("replica")) {
		names = append(names, r.Name)
	}
	assert.ElementsMatch(t, []string{"db", "subnets", "app"}, names, "through inputs, explicit dependencies and parents")
	require.Empty(t, criticalpath.WaitsFor(g, g.Get("bucket")))
}

func TestTypicalCreationTime(t *testing.T) {
	assert.Equal(t, 15*time.Minute, criticalpath.TypicalCreationTime(&mockcloud.Resource{Custom: true, Type: "aws:rds/instance:Instance"}))
	assert.Equal(t, criticalpath.DefaultCreation, criticalpath.TypicalCreationTime(&mockcloud.Resource{Custom: true, Type: "aws:s3/bucketV2:BucketV2"}))
	assert.Zero(t, criticalpath.TypicalCreationTime(&mockcloud.Resource{Type: "acme:index:App"}), "components take no time")
	assert.Zero(t, criticalpath.TypicalCreationTime(&mockcloud.Resource{Custom: true, Type: mockcloud.AWSProviderType}))
}
