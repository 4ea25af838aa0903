package tests

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/cost"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
)

// TestCostInventory: the cost model prices what the program registers. For every strategy, both
// engines and a stack with a replicated cache, a cache in the home region only (with interface
// endpoints) and no cache, every count of stacks.CostInventory equals what the program registers
// under mocks, per region and globally.
func TestCostInventory(t *testing.T) {
	caches := map[string]map[string]any{
		"replicated": {"enabled": true},
		"home-only":  {"enabled": true, "secondaries": false},
		"none":       {"enabled": false},
	}
	for _, strategy := range stacks.Strategies {
		for _, engine := range []string{"postgres", "aurora-postgresql"} {
			for _, cache := range []string{"replicated", "home-only", "none"} {
				if strategy == stacks.BackupRestore && engine != "postgres" {
					continue // refused: TestBackupRestoreRefusesMisuse
				}
				t.Run(fmt.Sprintf("%s/%s/cache=%v", strategy, engine, cache), func(t *testing.T) {
					conf := with(t, prodConfig(t), map[string]any{
						"drStrategy": string(strategy),
						"database":   map[string]any{"engine": engine, "instanceClass": "db.r6g.large"},
						"cache":      caches[cache],
						"network":    map[string]any{"interfaceEndpoints": cache == "home-only"},
					})
					e, d := deploy(t, conf)
					inv := d.Config.CostInventory()
					require.Len(t, inv.Regions, len(prodRegions))
					for _, r := range inv.Regions {
						checkRegionInventory(t, e, r)
					}
					g := inv.Global
					assert.Len(t, e.ByType("aws:route53/zone:Zone"), g.HostedZones, "hosted zones")
					assert.Len(t, e.ByType("aws:route53/healthCheck:HealthCheck"), g.HealthChecks, "health checks")
					assert.Len(t, e.ByType("aws:globalaccelerator/accelerator:Accelerator"), g.Accelerators, "accelerators")
					assert.Equal(t, g.CloudFront, len(e.ByType("aws:cloudfront/distribution:Distribution")) == 1, "CloudFront")
					assert.Len(t, e.ByType("aws:cloudwatch/dashboard:Dashboard"), g.Dashboards, "dashboards")
					edgeACLs := e.Filter(func(r *mockcloud.Resource) bool {
						return r.Type == "aws:wafv2/webAcl:WebAcl" && r.Str("scope") == "CLOUDFRONT"
					})
					assert.Len(t, edgeACLs, g.WebACLs, "CloudFront web ACLs")
					for _, acl := range edgeACLs {
						assert.Equal(t, g.WAFRules, acl.Len("rules"), "CloudFront web ACL rules")
					}
					// The archive's ageing: the one lifecycle with Glacier, in the inventory's region.
					tiers := e.Filter(func(r *mockcloud.Resource) bool {
						return r.Type == "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2" &&
							r.Str("rules[0].transitions[1].storageClass") == "GLACIER"
					})
					if assert.Len(t, tiers, 1, "the log archive's lifecycle") {
						lc, l := tiers[0], inv.Archive
						ia, _ := lc.Num("rules[0].transitions[0].days")
						glacier, _ := lc.Num("rules[0].transitions[1].days")
						expire, _ := lc.Num("rules[0].expiration.days")
						assert.Equal(t, lc.Region, l.Region, "archive region")
						assert.Equal(t, []float64{ia, glacier - ia, expire - glacier}, []float64{float64(l.StandardDays), float64(l.IADays), float64(l.GlacierDays)}, "archive days per class")
					}
				})
			}
		}
	}
}

// checkRegionInventory compares one region of the inventory with the resources registered there.
func checkRegionInventory(t *testing.T, e *mockcloud.Engine, r cost.Region) {
	t.Helper()
	in := func(typ string) []*mockcloud.Resource {
		return e.Filter(func(x *mockcloud.Resource) bool { return x.Type == typ && x.Region == r.Name })
	}
	msg := func(what string) string { return r.Name + ": " + what }
	assert.Len(t, in("aws:ec2/natGateway:NatGateway"), r.NATGateways, msg("NAT gateways"))
	assert.Len(t, in("aws:lb/loadBalancer:LoadBalancer"), r.LoadBalancers, msg("load balancers"))
	for _, lb := range in("aws:lb/loadBalancer:LoadBalancer") {
		assert.Equal(t, r.LoadBalancerAZs, lb.Len("subnets"), msg("ALB AZs"))
	}
	assert.Len(t, in("aws:kms/key:Key"), r.KMSKeys, msg("KMS keys"))
	assert.Len(t, in("aws:cloudwatch/metricAlarm:MetricAlarm"), r.Alarms, msg("alarms"))
	var gateways, interfaces []*mockcloud.Resource
	for _, ep := range in("aws:ec2/vpcEndpoint:VpcEndpoint") {
		if ep.Str("vpcEndpointType") == "Gateway" {
			gateways = append(gateways, ep)
		} else {
			interfaces = append(interfaces, ep)
		}
	}
	assert.Len(t, gateways, r.S3GatewayEndpoints, msg("S3 gateway endpoints"))
	assert.Len(t, interfaces, r.Endpoints, msg("interface endpoints"))
	for _, ep := range interfaces {
		assert.Equal(t, r.EndpointAZs, ep.Len("subnetIds"), msg("interface endpoint AZs"))
	}

	services := in("aws:ecs/service:Service")
	require.Len(t, services, 1, msg("ECS services"))
	desired, _ := services[0].Num("desiredCount")
	assert.Equal(t, float64(r.Tasks.Count), desired, msg("running tasks"))
	defs := in("aws:ecs/taskDefinition:TaskDefinition")
	require.Len(t, defs, 1, msg("task definitions"))
	assert.Equal(t, fmt.Sprint(r.Tasks.VCPU*1024), defs[0].Str("cpu"), msg("task vCPU"))
	assert.Equal(t, fmt.Sprint(r.Tasks.MemoryGB*1024), defs[0].Str("memory"), msg("task memory"))

	// Backups: the writer selected by this region's plan, the copies its vault receives, the
	// automated backups replicated into it.
	writers := 0
	for _, typ := range []string{"aws:rds/instance:Instance", "aws:rds/cluster:Cluster"} {
		for _, db := range in(typ) {
			if db.Has("tags." + components.BackupTagKey) {
				writers++
			}
		}
	}
	assert.Equal(t, r.Backups.Writers, writers, msg("backed-up writers"))
	copies := 0
	for _, plan := range e.ByType("aws:backup/plan:Plan") {
		if plan.Region == r.Name || !strings.Contains(plan.Str("rules[0].copyActions[0].destinationVaultArn"), ":"+r.Name+":") {
			continue
		}
		for _, db := range append(e.ByType("aws:rds/instance:Instance"), e.ByType("aws:rds/cluster:Cluster")...) {
			if db.Region == plan.Region && db.Has("tags."+components.BackupTagKey) {
				copies++ // a backed-up writer's points are copied here
			}
		}
	}
	assert.Equal(t, r.Backups.Copies, copies, msg("backup copies received"))
	assert.Len(t, in("aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"), r.Backups.Replicated, msg("replicated automated backups"))

	instances := in("aws:rds/instance:Instance")
	clusterInstances := in("aws:rds/clusterInstance:ClusterInstance")
	assert.Len(t, append(instances, clusterInstances...), len(r.DBInstances), msg("database instances"))
	for i, db := range instances {
		if i < len(r.DBInstances) {
			multi, _ := db.Bool("multiAz")
			assert.Equal(t, r.DBInstances[i].MultiAZ, multi, msg("RDS Multi-AZ"))
			assert.Equal(t, r.DBInstances[i].Class, db.Str("instanceClass"), msg("RDS class"))
		}
	}
	assert.Equal(t, len(clusterInstances) > 0 || len(in("aws:rds/cluster:Cluster")) > 0, r.AuroraStorage, msg("Aurora storage"))
	secrets := len(in("aws:secretsmanager/secret:Secret"))
	for _, db := range append(instances, in("aws:rds/cluster:Cluster")...) {
		if managed, _ := db.Bool("manageMasterUserPassword"); managed {
			secrets++
		}
	}
	assert.Equal(t, r.Secrets, secrets, msg("secrets (AWS-managed master passwords included)"))

	groups := in("aws:elasticache/replicationGroup:ReplicationGroup")
	nodes := 0
	for _, g := range groups {
		n, _ := g.Num("numCacheClusters")
		nodes += int(n)
	}
	assert.Equal(t, r.CacheNodes, nodes, msg("cache nodes"))
	for _, g := range groups {
		if typ := g.Str("nodeType"); typ != "" {
			assert.Equal(t, r.CacheNodeType, typ, msg("cache node type"))
		}
	}

	acls := e.Filter(func(x *mockcloud.Resource) bool {
		return x.Type == "aws:wafv2/webAcl:WebAcl" && x.Region == r.Name && x.Str("scope") == "REGIONAL"
	})
	assert.Len(t, acls, r.WebACLs, msg("regional web ACLs"))
	for _, acl := range acls {
		assert.Equal(t, r.WAFRules, acl.Len("rules"), msg("web ACL rules"))
	}
}

// TestExpectedMonthlyCost: the stack exports its estimate and the same configuration priced under
// every strategy, next to their RTO and RPO; the strategies order by cost and by RTO.
func TestExpectedMonthlyCost(t *testing.T) {
	_, d := deploy(t, prodConfig(t))
	output := func(k string) map[string]any {
		m, ok := d.Outputs[k].(pulumi.Map)
		require.True(t, ok, "%s: %#v", k, d.Outputs[k])
		return mockcloud.Await[map[string]any](t, m.ToMapOutput())
	}
	monthly := output("expectedMonthlyCost")
	assert.Equal(t, "USD", monthly["currency"])
	assert.NotEmpty(t, monthly["priceDate"])
	total, _ := monthly["total"].(float64)
	assert.Greater(t, total, 1000.0, "prod runs Multi-AZ databases, a cache and tasks in three regions")
	byRegion, _ := monthly["byRegion"].(map[string]float64)
	for _, r := range prodRegions {
		assert.Greater(t, byRegion[r], 0.0, r)
	}
	assert.Contains(t, byRegion, cost.GlobalRegion)
	assert.Empty(t, monthly["unpriced"], "prod's regions and sizes are all priced")

	by := output("costByStrategy")
	get := func(s stacks.Strategy, k string) float64 {
		m, _ := by[string(s)].(map[string]any)
		switch v := m[k].(type) {
		case float64:
			return v
		case int:
			return float64(v)
		}
		t.Fatalf("costByStrategy.%s.%s: %#v", s, k, m[k])
		return 0
	}
	assert.Equal(t, total, get(stacks.WarmStandby, "total"), "prod is warm-standby: its row is the estimate")
	assert.Less(t, get(stacks.PilotLight, "total"), get(stacks.WarmStandby, "total"))
	assert.Less(t, get(stacks.WarmStandby, "total"), get(stacks.ActiveActive, "total"))
	assert.GreaterOrEqual(t, get(stacks.PilotLight, "rtoSeconds"), get(stacks.WarmStandby, "rtoSeconds"), "the cheapest strategy is never the fastest")
	assert.Positive(t, get(stacks.ActiveActive, "rpoSeconds"))
	assert.Equal(t, get(stacks.PilotLight, "fixed")+get(stacks.PilotLight, "usage"), get(stacks.PilotLight, "total"))
}

// TestBudget: a budget below the estimate refuses the configuration before anything is registered,
// naming the key, the estimate and its top drivers; one above it passes; a bad one is refused.
func TestBudget(t *testing.T) {
	e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"budget": map[string]any{"monthlyUSD": 1e6}}))
	assert.NotEmpty(t, e.Resources())

	for _, tc := range []struct {
		name string
		kv   map[string]any
		want []string
	}{
		{"below the estimate", map[string]any{"budget": map[string]any{"monthlyUSD": 100}},
			[]string{"multiregion:budget.monthlyUSD", "above the budget of $100.00", "top drivers:", "RDS PostgreSQL db.r6g.large Multi-AZ"}},
		{"negative", map[string]any{"budget": map[string]any{"monthlyUSD": -5}},
			[]string{"multiregion:budget.monthlyUSD: -5 is not allowed"}},
		{"unpriced region", map[string]any{"budget": map[string]any{"monthlyUSD": 1e6}, "regions": []map[string]string{
			{"name": "us-west-2", "cidr": "10.10.0.0/16"}, {"name": "us-east-1", "cidr": "10.20.0.0/16"}, {"name": "eu-central-2", "cidr": "10.30.0.0/16"}}},
			[]string{"multiregion:budget.monthlyUSD", "cannot be checked", "eu-central-2"}},
		{"negative assumption", map[string]any{"costAssumptions": map[string]any{"gbOutPerMonth": -1}},
			[]string{"multiregion:costAssumptions.gbOutPerMonth: -1 is not allowed"}},
		{"explicit zero assumption", map[string]any{"costAssumptions": map[string]any{"natGbPerMonth": 0}},
			[]string{"multiregion:costAssumptions.natGbPerMonth: 0 is not allowed"}},
		{"unknown assumption", map[string]any{"costAssumptions": map[string]any{"gbOut": 1}},
			[]string{"multiregion:costAssumptions", "gbOut"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := deployErr(t, with(t, prodConfig(t), tc.kv))
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
}

// TestGravitonKnob: service.architecture arm64 runs ARM64 tasks and the estimate's compute tier
// drops by the table's Graviton discount; a bad architecture names the key.
func TestGravitonKnob(t *testing.T) {
	service := func(arch string) map[string]any {
		var s map[string]any
		require.NoError(t, json.Unmarshal([]byte(prodConfig(t)[stacks.Namespace+":service"]), &s))
		s["architecture"] = arch
		return map[string]any{"service": s}
	}
	e, d := deploy(t, with(t, prodConfig(t), service("arm64")))
	for _, def := range e.ByType("aws:ecs/taskDefinition:TaskDefinition") {
		assert.Equal(t, "ARM64", def.Str("runtimePlatform.cpuArchitecture"), def.Name)
	}
	_, x86 := deploy(t, prodConfig(t))
	arm, err := d.Config.Estimate()
	require.NoError(t, err)
	base, err := x86.Config.Estimate()
	require.NoError(t, err)
	assert.InDelta(t, 0.8, arm.ByTier[cost.Compute]/base.ByTier[cost.Compute], 0.01)
	assert.Equal(t, base.ByTier[cost.Database], arm.ByTier[cost.Database], "only compute changes")

	err = deployErr(t, with(t, prodConfig(t), service("arm")))
	assert.ErrorContains(t, err, "multiregion:service.architecture")
	assert.ErrorContains(t, err, `"arm"`)
	assert.ErrorContains(t, err, "arm64")
}

// TestStandbySpotKnob: service.standbySpotWeight puts the standbys' tasks on Fargate Spot (beyond
// FARGATE's base of one) and leaves the primary on-demand; the estimate's compute tier drops; a
// bad weight names the key.
func TestStandbySpotKnob(t *testing.T) {
	conf := with(t, prodConfig(t), map[string]any{"warmStandbyPercent": 100})
	withSpot := func(w int) map[string]string {
		var s map[string]any
		require.NoError(t, json.Unmarshal([]byte(conf[stacks.Namespace+":service"]), &s))
		s["standbySpotWeight"] = w
		return with(t, conf, map[string]any{"service": s})
	}
	e, d := deploy(t, withSpot(3))
	for _, svc := range e.ByType("aws:ecs/service:Service") {
		spot := false
		for i := range svc.Len("capacityProviderStrategies") {
			if svc.Str(fmt.Sprintf("capacityProviderStrategies[%d].capacityProvider", i)) == "FARGATE_SPOT" {
				spot = true
			}
		}
		assert.Equal(t, svc.Region != "us-west-2", spot, "%s: Spot on the standbys only", svc.Region)
	}
	_, base := deploy(t, conf)
	withKnob, err := d.Config.Estimate()
	require.NoError(t, err)
	without, err := base.Config.Estimate()
	require.NoError(t, err)
	assert.Less(t, withKnob.ByTier[cost.Compute], without.ByTier[cost.Compute])
	assert.Equal(t, withKnob.ByRegion["us-west-2"], without.ByRegion["us-west-2"], "the primary is unchanged")

	assert.ErrorContains(t, deployErr(t, withSpot(11)), "multiregion:service.standbySpotWeight: 11 is outside 0-10")
}

// TestInterfaceEndpointsKnob: network.interfaceEndpoints moves the NAT data of the serving regions to
// the endpoints ($0.045 to $0.01 a GB in us-west-2) for 5 endpoints in each AZ of every region: the
// estimate changes by exactly that, so it rises at the default NAT figure and falls above the
// break-even of docs/cost.md; a bad value names the key.
func TestInterfaceEndpointsKnob(t *testing.T) {
	table, err := cost.Table()
	require.NoError(t, err)
	for _, natGB := range []float64{200, 20000} {
		t.Run(fmt.Sprint(natGB), func(t *testing.T) {
			conf := with(t, prodConfig(t), map[string]any{"costAssumptions": map[string]any{"natGbPerMonth": natGB}})
			_, on := deploy(t, with(t, conf, map[string]any{"network": map[string]any{"interfaceEndpoints": true}}))
			_, off := deploy(t, conf)
			withKnob, err := on.Config.Estimate()
			require.NoError(t, err)
			without, err := off.Config.Estimate()
			require.NoError(t, err)
			want := 0.0
			for _, r := range prodRegions {
				p := table.Regions[r]
				want += 5 * 3 * 730 * p.EndpointAZHour // 5 endpoints, 3 AZs, 730 hours
				if r == "us-west-2" {                  // warm-standby: the primary serves, and carries the NAT data
					want -= natGB * (p.NATGatewayGB - p.EndpointGB)
				}
			}
			assert.InDelta(t, want, withKnob.Total-without.Total, 0.005)
			if natGB > 10000 {
				assert.Less(t, withKnob.Total, without.Total, "above the break-even the endpoints pay")
			} else {
				assert.Greater(t, withKnob.Total, without.Total, "below it they cost")
			}
		})
	}
	err = deployErr(t, with(t, prodConfig(t), map[string]any{"network": map[string]any{"interfaceEndpoints": "yes"}}))
	assert.ErrorContains(t, err, "multiregion:network")
	assert.ErrorContains(t, deployErr(t, with(t, prodConfig(t), map[string]any{"network": map[string]any{"gatewayEndpoints": true}})), "gatewayEndpoints")
}

// TestCacheSecondariesKnob: cache.secondaries false drops the standbys' cache nodes, their lag alarms
// and the cache replication, and nothing else.
func TestCacheSecondariesKnob(t *testing.T) {
	table, err := cost.Table()
	require.NoError(t, err)
	conf := with(t, prodConfig(t), map[string]any{"drStrategy": "pilot-light"})
	var c map[string]any
	require.NoError(t, json.Unmarshal([]byte(conf[stacks.Namespace+":cache"]), &c))
	c["secondaries"] = false
	_, on := deploy(t, conf)
	_, off := deploy(t, with(t, conf, map[string]any{"cache": c}))
	replicated, err := on.Config.Estimate()
	require.NoError(t, err)
	homeOnly, err := off.Config.Estimate()
	require.NoError(t, err)
	want := 0.0
	for _, r := range prodRegions[1:] {
		p := table.Regions[r]
		want += 2*730*p.CacheNodeHour["cache.r7g.large"] + p.AlarmMonth // 2 nodes, one lag alarm
	}
	want += 100 * 2 * table.Regions["us-west-2"].InterRegionGB // 100 GB replicated to 2 regions
	assert.InDelta(t, want, replicated.Total-homeOnly.Total, 0.005)
	assert.Equal(t, replicated.ByTier[cost.Database], homeOnly.ByTier[cost.Database], "the database is unchanged")
	assert.Equal(t, replicated.ByTier[cost.Compute], homeOnly.ByTier[cost.Compute], "compute is unchanged")
}
