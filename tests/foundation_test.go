package tests

import (
	"fmt"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProgramRunsProdStack runs the exact entry point `pulumi up` runs.
func TestProgramRunsProdStack(t *testing.T) {
	e := mockcloud.New()
	require.NoError(t, e.Run(stacks.Program, prodConfig(t)))
	assert.Len(t, e.ByType(components.RegionalClusterType), 3)
}

// TestInventoryPerRegion checks that every region holds a complete container platform.
func TestInventoryPerRegion(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	nat := map[string]int{"us-west-2": 3, "us-east-1": 1, "eu-west-1": 1} // warm-standby: one NAT per standby
	for _, region := range prodRegions {
		want := map[string]int{
			"aws:ec2/vpc:Vpc":                                                 1,
			"aws:ec2/subnet:Subnet":                                           6,
			"aws:ec2/internetGateway:InternetGateway":                         1,
			"aws:ec2/natGateway:NatGateway":                                   nat[region],
			"aws:ec2/eip:Eip":                                                 nat[region],
			"aws:ec2/routeTable:RouteTable":                                   4,
			"aws:ec2/routeTableAssociation:RouteTableAssociation":             6,
			"aws:ec2/flowLog:FlowLog":                                         1,
			"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":               1,
			"aws:ec2/securityGroup:SecurityGroup":                             2,
			"aws:ecs/cluster:Cluster":                                         1,
			"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":       1,
			"aws:ecs/taskDefinition:TaskDefinition":                           1,
			"aws:ecs/service:Service":                                         1,
			"aws:lb/loadBalancer:LoadBalancer":                                1,
			"aws:lb/targetGroup:TargetGroup":                                  1,
			"aws:lb/listener:Listener":                                        2, // :80 redirect + :443 (prod has a domain)
			"aws:ecr/repository:Repository":                                   1,
			"aws:ecr/lifecyclePolicy:LifecyclePolicy":                         1,
			"aws:kms/key:Key":                                                 1,
			"aws:cloudwatch/logGroup:LogGroup":                                3, // app, flow logs, WAF
			"aws:wafv2/webAcl:WebAcl":                                         1,
			"aws:wafv2/webAclAssociation:WebAclAssociation":                   1,
			"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": 1,
			"aws:appautoscaling/target:Target":                                1,
			"aws:appautoscaling/policy:Policy":                                2,
			"aws:s3/bucketV2:BucketV2":                                        1,
		}
		got := map[string]int{}
		cluster := e.Component(components.RegionalClusterType, "web-"+region)
		require.NotNil(t, cluster, region)
		// The platform is what RegionKey and RegionalCluster own; stack-wide layers (observability,
		// edge) add their own resources to some regions and are counted by their own suites.
		key := e.Component(components.RegionKeyType, "web-"+region)
		require.NotNil(t, key, region)
		for _, r := range append(e.ChildrenOf(cluster), e.ChildrenOf(key)...) {
			if r.Custom && r.Region == region {
				got[r.Type]++
			}
		}
		for typ, n := range want {
			assert.Equal(t, n, got[typ], "%s: %s", region, typ)
		}
	}
}

// TestEveryResourceOnItsRegionsProvider is docs/controls.md row 58: no resource on the default provider, and
// every child of a regional component on that region's provider.
func TestEveryResourceOnItsRegionsProvider(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	for _, r := range e.Resources() {
		if !r.Custom || r.Type == mockcloud.AWSProviderType {
			continue
		}
		assert.NotEmpty(t, r.ProviderURN, "%s %s uses the default provider", r.Type, r.Name)
	}
	for _, typ := range []string{components.RegionalClusterType, components.RegionKeyType} {
		for _, region := range prodRegions {
			comp := e.Component(typ, "web-"+region)
			require.NotNil(t, comp, "%s %s", typ, region)
			children := e.ChildrenOf(comp)
			assert.NotEmpty(t, children)
			for _, c := range children {
				if c.Custom {
					assert.Equal(t, region, c.Region, "%s child %s %s", region, c.Type, c.Name)
				}
			}
		}
	}
	for _, inv := range e.Invokes() {
		assert.NotEmpty(t, inv.Region, "invoke %s went to the default provider", inv.Token)
	}
	providers := e.ByType(mockcloud.AWSProviderType)
	names := map[string]string{}
	for _, p := range providers {
		names[p.Name] = p.Str("region")
	}
	for _, region := range prodRegions {
		assert.Equal(t, region, names["aws-"+region])
	}
}

// TestReplicationTargetsEverySecondary checks the one registry rule in the primary.
func TestReplicationTargetsEverySecondary(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	rules := e.ByType("aws:ecr/replicationConfiguration:ReplicationConfiguration")
	require.Len(t, rules, 1)
	rule := rules[0]
	assert.Equal(t, "us-west-2", rule.Region)
	var dests []string
	for i := range rule.Len("replicationConfiguration.rules[0].destinations") {
		p := fmt.Sprintf("replicationConfiguration.rules[0].destinations[%d]", i)
		dests = append(dests, rule.Str(p+".region"))
		assert.Equal(t, mockcloud.DefaultAccount, rule.Str(p+".registryId"))
	}
	assert.ElementsMatch(t, []string{"us-east-1", "eu-west-1"}, dests)
	assert.Equal(t, "web", rule.Str("replicationConfiguration.rules[0].repositoryFilters[0].filter"))
	// Destinations are pre-created with the same settings in every secondary.
	for _, region := range prodRegions {
		var repos []*mockcloud.Resource
		for _, r := range e.InRegion(region) {
			if r.Type == "aws:ecr/repository:Repository" {
				repos = append(repos, r)
			}
		}
		require.Len(t, repos, 1, region)
		assert.Equal(t, "web", repos[0].Str("name"))
		assert.Equal(t, "IMMUTABLE", repos[0].Str("imageTagMutability"))
		assert.Equal(t, "KMS", repos[0].Str("encryptionConfigurations[0].encryptionType"))
	}
}

// TestBadConfigRegistersNothing runs the real entry point on bad configurations: each fails with a
// message naming the key, and not one resource (not even a provider) is registered.
func TestBadConfigRegistersNothing(t *testing.T) {
	cases := map[string]struct {
		kv   map[string]any
		want string
	}{
		"unknown strategy":   {map[string]any{"drStrategy": "hot"}, "multiregion:drStrategy"},
		"primary not listed": {map[string]any{"primaryRegion": "ap-south-1"}, "multiregion:primaryRegion"},
		"overlapping CIDRs": {map[string]any{"regions": []map[string]string{
			{"name": "us-west-2", "cidr": "10.10.0.0/16"}, {"name": "us-east-1", "cidr": "10.10.128.0/17"},
		}}, "multiregion:regions[1].cidr"},
		"bad Fargate size": {map[string]any{"service": map[string]any{"image": "web:1", "port": 80, "cpu": 1024, "memory": 1024}}, "multiregion:service.cpu/memory"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := mockcloud.New()
			err := e.Run(stacks.Program, with(t, prodConfig(t), tc.kv))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, e.Resources(), "a bad config registered resources")
		})
	}
}

// TestThrowawayStackIsDestroyable: protect: false turns off Pulumi protect and AWS deletion
// protection together, so `pulumi destroy` of a throwaway stack succeeds; prod keeps both.
func TestThrowawayStackIsDestroyable(t *testing.T) {
	for _, protect := range []bool{true, false} {
		conf := prodConfig(t)
		if !protect {
			conf = with(t, conf, map[string]any{"protect": "false"})
		}
		e, _ := deploy(t, conf)
		// The access-log sinks fill as soon as anything touches a bucket: a throwaway stack destroys
		// them with their logs. Every other bucket is never force-destroyed.
		for _, b := range e.ByType("aws:s3/bucketV2:BucketV2") {
			force, _ := b.Bool("forceDestroy")
			sink := strings.HasSuffix(b.Name, "-access-logs")
			assert.Equal(t, sink && !protect, force, "%s forceDestroy with protect=%v", b.Name, protect)
		}
		for _, typ := range []string{"aws:lb/loadBalancer:LoadBalancer", "aws:rds/instance:Instance"} {
			rs := e.ByType(typ)
			require.NotEmpty(t, rs, typ)
			for _, r := range rs {
				v, _ := r.Bool(map[string]string{"aws:lb/loadBalancer:LoadBalancer": "enableDeletionProtection", "aws:rds/instance:Instance": "deletionProtection"}[typ])
				assert.Equal(t, protect, v, "%s %s deletion protection with protect=%v", typ, r.Name, protect)
				if typ == "aws:rds/instance:Instance" {
					assert.Equal(t, protect, r.Protect, r.Name)
				}
			}
		}
	}
}
