package main

import (
	"encoding/json"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(t *testing.T, platformPrimary string) *mockcloud.Engine {
	t.Helper()
	e := mockcloud.New()
	e.Project, e.Stack = "multiregion-consumer", "dev"
	e.StackOutputs = map[string]map[string]any{
		"acme/multiregion/prod": {"primaryRegion": platformPrimary, "drStrategy": "warm-standby"},
	}
	regions, err := json.Marshal([]string{"us-west-2", "us-east-1"})
	require.NoError(t, err)
	require.NoError(t, e.Run(program, map[string]string{
		"consumer:platformStack": "acme/multiregion/prod",
		"consumer:regions":       string(regions),
	}))
	return e
}

// TestConsumerFollowsPlatformPrimary checks that the StackReference drives the roles: the platform's
// primary region runs the primary worker, and a platform failover moves it.
func TestConsumerFollowsPlatformPrimary(t *testing.T) {
	for _, primary := range []string{"us-west-2", "us-east-1"} {
		e := run(t, primary)
		refs := e.ByType("pulumi:pulumi:StackReference")
		require.Len(t, refs, 1)
		assert.Equal(t, "acme/multiregion/prod", refs[0].Str("name"))
		clusters := e.ByType(components.RegionalClusterType)
		require.Len(t, clusters, 2)
		nats := map[string]int{}
		for _, n := range e.ByType("aws:ec2/natGateway:NatGateway") {
			nats[n.Region]++
		}
		for _, region := range []string{"us-west-2", "us-east-1"} {
			want := 1 // a standby shares one NAT
			if region == primary {
				want = 2 // the primary has one per AZ (2 AZs here)
			}
			assert.Equal(t, want, nats[region], "primary %s: NATs in %s", primary, region)
		}
		for _, td := range e.ByType("aws:ecs/taskDefinition:TaskDefinition") {
			assert.Contains(t, td.Str("containerDefinitions"), `"name":"PLATFORM_PRIMARY_REGION","value":"`+primary+`"`)
		}
	}
}

// TestConsumerResourcesOnTheirRegion checks the library's provider contract in a consumer's hands.
func TestConsumerResourcesOnTheirRegion(t *testing.T) {
	e := run(t, "us-west-2")
	for _, region := range []string{"us-west-2", "us-east-1"} {
		c := e.Component(components.RegionalClusterType, "worker-"+region)
		require.NotNil(t, c)
		for _, r := range e.ChildrenOf(c) {
			if r.Custom {
				assert.Equal(t, region, r.Region, "%s %s", r.Type, r.Name)
			}
		}
	}
}
