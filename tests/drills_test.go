package tests

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// drillStateful is every type whose replacement would lose data or history: the data tier's
// stateful types, archives and log groups. The real-engine failover drill uses the same list.
var drillStateful = components.StatefulTypes()

// TestStatefulTypes checks components.StatefulTypes against what the stacks register: every
// listed token is a type the prod stack (RDS or Aurora) creates, and it covers the data tier's.
// The state backend's replica key is the one type only StateBackend registers
// (components/statebackend_test.go holds its protection).
func TestStatefulTypes(t *testing.T) {
	assert.Subset(t, drillStateful, statefulTypes)
	registered := map[string]bool{"aws:kms/replicaKey:ReplicaKey": true}
	for _, engine := range []string{"postgres", auroraEngineKey} {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"database": map[string]any{"engine": engine}}))
		for _, r := range e.Resources() {
			registered[r.Type] = true
		}
	}
	for _, typ := range drillStateful {
		assert.True(t, registered[typ], "%s is not a type the stack registers", typ)
	}
}

// TestEveryStatefulResourceIsProtected holds docs/controls.md row 63: under every strategy and
// engine, every resource of a type in components.StatefulTypes is protected (and none with protect
// off), and no other type is.
func TestEveryStatefulResourceIsProtected(t *testing.T) {
	for _, strategy := range []string{"pilot-light", "warm-standby", "active-active"} {
		for _, engine := range []string{"postgres", auroraEngineKey} {
			for _, protect := range []bool{true, false} {
				name := strategy + "/" + engine + "/protect=" + strconv.FormatBool(protect)
				t.Run(name, func(t *testing.T) {
					conf := with(t, prodConfig(t), map[string]any{"drStrategy": strategy,
						"database": map[string]any{"engine": engine}, "protect": strconv.FormatBool(protect)})
					e, _ := deploy(t, conf)
					counts := map[string]int{}
					for _, r := range e.Resources() {
						stateful := slices.Contains(drillStateful, r.Type)
						if stateful {
							counts[r.Type]++
						}
						assert.Equal(t, stateful && protect, r.Protect, "%s %s: protect", r.Type, r.Name)
					}
					for _, typ := range []string{"aws:s3/bucketV2:BucketV2", "aws:cloudwatch/logGroup:LogGroup", "aws:sns/topic:Topic", "aws:kms/key:Key"} {
						assert.Positive(t, counts[typ], "no %s registered", typ)
					}
				})
			}
		}
	}
}

func byURN(e *mockcloud.Engine) map[string]*mockcloud.Resource {
	m := map[string]*mockcloud.Resource{}
	for _, r := range e.Resources() {
		m[r.URN] = r
	}
	return m
}

// minCapacity returns the scalable target floor of region's service.
func minCapacity(t *testing.T, e *mockcloud.Engine, region string) float64 {
	t.Helper()
	for _, r := range e.InRegion(region) {
		if r.Type == "aws:appautoscaling/target:Target" {
			v, _ := r.Num("minCapacity")
			return v
		}
	}
	t.Fatalf("no scalable target in %s", region)
	return 0
}

func dial(t *testing.T, e *mockcloud.Engine, region string) float64 {
	t.Helper()
	for _, g := range e.ByType("aws:globalaccelerator/endpointGroup:EndpointGroup") {
		if g.Str("endpointGroupRegion") == region {
			v, _ := g.Num("trafficDialPercentage")
			return v
		}
	}
	t.Fatalf("no endpoint group for %s", region)
	return 0
}

// writer returns the region whose RDS instance has no replication source.
func writer(t *testing.T, e *mockcloud.Engine) string {
	t.Helper()
	var out []string
	for _, db := range e.ByType(rdsInstance) {
		if !db.Has("replicateSourceDb") {
			out = append(out, db.Region)
		}
	}
	require.Len(t, out, 1, "exactly one writer")
	return out[0]
}

// TestFailoverDrills is the operational promise of the stack: for each DR strategy, moving
// primaryRegion from us-west-2 to us-east-1 is one config change that replaces no stateful resource,
// moves nothing to another provider, moves the writer, the routing and the standby capacity, and
// leaves every resource on its own region's provider.
func TestFailoverDrills(t *testing.T) {
	for _, strategy := range []string{"pilot-light", "warm-standby", "active-active"} {
		t.Run(strategy, func(t *testing.T) {
			conf := with(t, prodConfig(t), map[string]any{"drStrategy": strategy})
			before, after := flip(t, conf)
			b, a := byURN(before), byURN(after)

			// No stateful URN appears or disappears; none changes provider.
			for urn, r := range b {
				if !slices.Contains(drillStateful, r.Type) {
					continue
				}
				n, ok := a[urn]
				if assert.True(t, ok, "stateful %s %s vanished on the flip", r.Type, r.Name) {
					assert.Equal(t, r.ProviderURN, n.ProviderURN, "%s %s changed provider (a replacement)", r.Type, r.Name)
					assert.Equal(t, r.Protect, n.Protect, "%s %s protection changed", r.Type, r.Name)
				}
			}
			for urn, r := range a {
				if slices.Contains(drillStateful, r.Type) {
					assert.Contains(t, b, urn, "stateful %s %s appeared on the flip", r.Type, r.Name)
				}
			}
			// No resource kept across the flip changes provider: that would replace it.
			for urn, r := range b {
				if n, ok := a[urn]; ok {
					assert.Equal(t, r.ProviderURN, n.ProviderURN, "%s %s changed provider", r.Type, r.Name)
				}
			}

			// The writer moves.
			assert.Equal(t, "us-west-2", writer(t, before))
			assert.Equal(t, "us-east-1", writer(t, after))

			// Routing moves: the origin group's primary and, in failover strategies, the PRIMARY record.
			cdn := func(e *mockcloud.Engine) string {
				return e.ByType("aws:cloudfront/distribution:Distribution")[0].Str("originGroups[0].members[0].originId")
			}
			assert.Equal(t, "us-west-2", cdn(before))
			assert.Equal(t, "us-east-1", cdn(after))
			if strategy != "active-active" {
				primaryTarget := func(e *mockcloud.Engine) string {
					for _, r := range e.ByType("aws:route53/record:Record") {
						if r.Str("failoverRoutingPolicies[0].type") == "PRIMARY" && r.Str("name") == "app.example.com" {
							return r.Str("aliases[0].name")
						}
					}
					return ""
				}
				assert.Contains(t, primaryTarget(before), ".us-west-2.elb.amazonaws.com")
				assert.Contains(t, primaryTarget(after), ".us-east-1.elb.amazonaws.com")
			}

			// Standby capacity and dials move with the role.
			west, east := minCapacity(t, before, "us-west-2"), minCapacity(t, before, "us-east-1")
			assert.Equal(t, west, minCapacity(t, after, "us-east-1"), "the new primary gets the primary's floor")
			assert.Equal(t, east, minCapacity(t, after, "us-west-2"), "the old primary gets the standby's floor")
			assert.Equal(t, dial(t, before, "us-east-1"), dial(t, after, "us-west-2"))
			assert.Equal(t, 100.0, dial(t, after, "us-east-1"))
			if strategy == "active-active" {
				assert.Equal(t, west, east, "active-active runs every region alike")
			} else {
				assert.Less(t, east, west, "a standby runs less than the primary")
			}

			// Nothing is registered on the wrong provider after the flip.
			for _, typ := range []string{components.RegionalClusterType, components.RegionKeyType, components.DataTierType} {
				for _, region := range prodRegions {
					comp := after.Component(typ, "web-"+region)
					require.NotNil(t, comp, "%s %s", typ, region)
					for _, c := range after.ChildrenOf(comp) {
						if c.Custom && !strings.HasPrefix(c.Name, "web-global") {
							assert.Equal(t, region, c.Region, "%s %s", c.Type, c.Name)
						}
					}
				}
			}
		})
	}
}

// TestEvacuation removes a failed standby (eu-west-1) from the regions: the other regions keep every
// URN and provider, and nothing left refers to the removed region.
func TestEvacuation(t *testing.T) {
	full, _ := deploy(t, prodConfig(t))
	two, _ := deploy(t, with(t, prodConfig(t), map[string]any{"regions": []map[string]string{
		{"name": "us-west-2", "cidr": "10.10.0.0/16"}, {"name": "us-east-1", "cidr": "10.20.0.0/16"},
	}}))
	f := byURN(full)
	for urn, r := range byURN(two) {
		old, ok := f[urn]
		if !ok {
			assert.Fail(t, "evacuation created a new resource", "%s %s", r.Type, r.Name)
			continue
		}
		assert.Equal(t, old.ProviderURN, r.ProviderURN, "%s %s changed provider", r.Type, r.Name)
		for _, k := range slices.Sorted(maps.Keys(r.Inputs)) {
			v := r.Inputs[k]
			if v.IsString() {
				assert.NotContains(t, v.StringValue(), "eu-west-1", "%s %s.%s still refers to the evacuated region", r.Type, r.Name, k)
			}
		}
	}
	assert.Empty(t, two.InRegion("eu-west-1"), "nothing is left in the evacuated region")
	rule := two.ByType("aws:ecr/replicationConfiguration:ReplicationConfiguration")
	require.Len(t, rule, 1)
	assert.Equal(t, 1, rule[0].Len("replicationConfiguration.rules[0].destinations"))
	assert.Len(t, two.ByType("aws:route53/healthCheck:HealthCheck"), 2)
	assert.Len(t, two.ByType("aws:globalaccelerator/endpointGroup:EndpointGroup"), 2)
}

// TestFourthRegionByConfig adds ap-southeast-2 by configuration alone: it gets a complete platform
// and data tier on its own provider, replication from the primary, a health check and an endpoint
// group. (A Global Datastore spans at most 2 secondaries, so the cache is off in this shape.)
func TestFourthRegionByConfig(t *testing.T) {
	regions := []map[string]string{
		{"name": "us-west-2", "cidr": "10.10.0.0/16"}, {"name": "us-east-1", "cidr": "10.20.0.0/16"},
		{"name": "eu-west-1", "cidr": "10.30.0.0/16"}, {"name": "ap-southeast-2", "cidr": "10.40.0.0/16"},
	}
	e, d := deploy(t, with(t, prodConfig(t), map[string]any{"regions": regions, "cache": map[string]any{"enabled": false}}))
	require.Contains(t, d.Regions, "ap-southeast-2")
	for _, typ := range []string{components.RegionalClusterType, components.RegionKeyType, components.DataTierType} {
		comp := e.Component(typ, "web-ap-southeast-2")
		require.NotNil(t, comp, typ)
		for _, c := range e.ChildrenOf(comp) {
			if c.Custom {
				assert.Equal(t, "ap-southeast-2", c.Region, "%s %s", c.Type, c.Name)
			}
		}
	}
	replica := e.Filter(func(r *mockcloud.Resource) bool { return r.Type == rdsInstance && r.Region == "ap-southeast-2" })
	require.Len(t, replica, 1)
	assert.Contains(t, replica[0].Str("replicateSourceDb"), "arn:aws:rds:us-west-2:")
	rule := e.ByType("aws:ecr/replicationConfiguration:ReplicationConfiguration")[0]
	var dests []string
	for i := range rule.Len("replicationConfiguration.rules[0].destinations") {
		dests = append(dests, rule.Str("replicationConfiguration.rules[0].destinations["+itoa(i)+"].region"))
	}
	assert.ElementsMatch(t, []string{"us-east-1", "eu-west-1", "ap-southeast-2"}, dests)
	assert.Len(t, e.ByType("aws:route53/healthCheck:HealthCheck"), 4)
	assert.Len(t, e.ByType("aws:globalaccelerator/endpointGroup:EndpointGroup"), 4)
}

// TestStackOutputsForOtherStacks checks every output the README promises to StackReference users.
func TestStackOutputsForOtherStacks(t *testing.T) {
	_, d := deploy(t, prodConfig(t))
	for _, k := range []string{
		"globalHostname", "regions", "repositoryUrl", "dbWriterEndpoint", "dbMasterSecretArn", "cachePrimaryEndpoint",
		"alertTopicArns", "primaryRegion", "drStrategy", "expectedRto", "expectedRtoLostRegion", "expectedRpo", "failoverTimes",
		"cloudFrontDomain", "acceleratorDnsName", "acceleratorIps", "healthCheckIds", "dashboardUrl", "expectedMonthlyCost", "costByStrategy",
	} {
		assert.Contains(t, d.Outputs, k)
	}
}

// TestStandbysMayWriteToAnyWriter: every region's task role may connect (IAM database auth) to
// every other region's database, so standbys reach the writer wherever it is; the grants are the same
// before and after a flip.
func TestStandbysMayWriteToAnyWriter(t *testing.T) {
	before, after := flip(t, prodConfig(t))
	grants := func(e *mockcloud.Engine) map[string]string {
		m := map[string]string{}
		for _, p := range e.ByType("aws:iam/rolePolicy:RolePolicy") {
			if strings.Contains(p.Name, "-db-access-from-") {
				m[p.URN] = p.Str("policy")
			}
		}
		return m
	}
	g := grants(before)
	assert.Equal(t, g, grants(after), "a flip changes no grant")
	for _, db := range prodRegions {
		tier := before.Component(components.DataTierType, "web-"+db)
		require.NotNil(t, tier)
		for _, peer := range prodRegions {
			if peer == db {
				continue
			}
			name := "web-" + db + "-db-access-from-" + peer
			p := before.Find("aws:iam/rolePolicy:RolePolicy", name)
			require.NotNil(t, p, name)
			assert.Equal(t, tier.URN, p.Parent)
			assert.Contains(t, p.Str("role"), "web-"+peer+"-task", "attached to the peer's task role")
			doc := parsePolicy(t, p.Str("policy"))
			require.Len(t, doc.Statement, 1)
			assert.Equal(t, []string{"rds-db:connect"}, strs(doc.Statement[0].Action))
			res := strs(doc.Statement[0].Resource)
			require.Len(t, res, 1)
			assert.Regexp(t, `^arn:aws:rds-db:`+db+`:\d{12}:dbuser:db-[A-Z0-9]+/web$`, res[0])
		}
	}
	assert.Len(t, g, 6, "3 databases x 2 peers")
}
