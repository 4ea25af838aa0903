package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/mockcloud/criticalpath"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	rdsInstance     = "aws:rds/instance:Instance"
	rdsCluster      = "aws:rds/cluster:Cluster"
	rdsClusterInst  = "aws:rds/clusterInstance:ClusterInstance"
	rdsGlobal       = "aws:rds/globalCluster:GlobalCluster"
	cacheGroup      = "aws:elasticache/replicationGroup:ReplicationGroup"
	cacheGlobal     = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
	metricAlarm     = "aws:cloudwatch/metricAlarm:MetricAlarm"
	securityGroup   = "aws:ec2/securityGroup:SecurityGroup"
	ingressRule     = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
	kmsKey          = "aws:kms/key:Key"
	auroraEngineKey = "aurora-postgresql"
)

// statefulTypes are the resources whose loss loses data: docs/controls.md rows 57 and 59.
var statefulTypes = []string{rdsInstance, rdsCluster, rdsGlobal, cacheGroup, cacheGlobal, kmsKey, "aws:ecr/repository:Repository"}

// engines runs a subtest per database engine over the prod stack.
func engines(t *testing.T, run func(t *testing.T, engine string, conf map[string]string)) {
	for _, engine := range []string{"postgres", auroraEngineKey} {
		t.Run(engine, func(t *testing.T) {
			conf := prodConfig(t)
			if engine != "postgres" {
				conf = with(t, conf, map[string]any{"database": map[string]any{"engine": engine}})
			}
			run(t, engine, conf)
		})
	}
}

// one returns the single resource of typ in region.
func one(t *testing.T, e *mockcloud.Engine, typ, region string) *mockcloud.Resource {
	t.Helper()
	var found []*mockcloud.Resource
	for _, r := range e.InRegion(region) {
		if r.Type == typ {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "%s in %s", typ, region)
	return found[0]
}

// regionKeyARN is the ARN the mock gave the region's KMS key.
func regionKeyARN(t *testing.T, e *mockcloud.Engine, region string) string {
	t.Helper()
	k := e.ChildrenOfType(e.Component(components.RegionKeyType, "web-"+region), kmsKey)
	require.Len(t, k, 1, region)
	return k[0].OutStr("arn")
}

func TestDataTierOnePerRegionOnItsProvider(t *testing.T) {
	engines(t, func(t *testing.T, _ string, conf map[string]string) {
		e, d := deploy(t, conf)
		require.Len(t, e.ByType(components.DataTierType), 3)
		for _, region := range prodRegions {
			tier := e.Component(components.DataTierType, "web-"+region)
			require.NotNil(t, tier, region)
			children := e.ChildrenOf(tier)
			require.NotEmpty(t, children)
			for _, c := range children {
				if c.Custom {
					assert.Equal(t, region, c.Region, "%s child %s %s", region, c.Type, c.Name)
				}
			}
			assert.NotNil(t, d.Regions[region].Data, region)
		}
	})
}

// TestReplicasLinkedToPrimary: each secondary's replica points at the primary's ARN and uses its
// own region's KMS key and provider; the writer is in us-west-2.
func TestReplicasLinkedToPrimary(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		e, _ := deploy(t, prodConfig(t))
		writer := one(t, e, rdsInstance, "us-west-2")
		assert.False(t, writer.Has("replicateSourceDb"), "the primary is a writer")
		assert.Equal(t, "postgres", writer.Str("engine"))
		for _, region := range prodRegions[1:] {
			replica := one(t, e, rdsInstance, region)
			assert.Equal(t, writer.OutStr("arn"), replica.Str("replicateSourceDb"), region)
			assert.Contains(t, replica.Str("replicateSourceDb"), ":us-west-2:", region)
			assert.Equal(t, regionKeyARN(t, e, region), replica.Str("kmsKeyId"), region)
			assert.Contains(t, replica.Str("kmsKeyId"), ":"+region+":", region)
			assert.Equal(t, "web-"+region, replica.Str("identifier"))
			assert.False(t, replica.Has("username"), "a replica inherits its user")
			assert.Contains(t, replica.PropertyDependencies["replicateSourceDb"], writer.URN, "replica waits for its source")
		}
	})
	t.Run(auroraEngineKey, func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"database": map[string]any{"engine": auroraEngineKey}}))
		globals := e.ByType(rdsGlobal)
		require.Len(t, globals, 1)
		g := globals[0]
		assert.Equal(t, "web-global", g.Name)
		assert.Equal(t, "us-west-2", g.Region)
		assert.Equal(t, auroraEngineKey, g.Str("engine"))
		assert.Equal(t, true, must(g.Bool("storageEncrypted")))
		for _, region := range prodRegions {
			c := one(t, e, rdsCluster, region)
			assert.Equal(t, g.ID, c.Str("globalClusterIdentifier"), region)
			assert.Equal(t, regionKeyARN(t, e, region), c.Str("kmsKeyId"), region)
			assert.Subset(t, c.IgnoreChanges, []string{"globalClusterIdentifier", "replicationSourceIdentifier"}, region)
			instances := e.Filter(func(r *mockcloud.Resource) bool { return r.Type == rdsClusterInst && r.Region == region })
			if region == "us-west-2" {
				assert.Equal(t, "dbadmin", c.Str("masterUsername"))
				assert.Len(t, instances, 2, "writer + reader")
			} else {
				assert.False(t, c.Has("masterUsername"), "a secondary inherits its user")
				assert.False(t, c.Has("manageMasterUserPassword"), region)
				assert.Len(t, instances, 2, "warm-standby secondary: Multi-AZ (replicaMultiAz)")
				assert.Contains(t, c.Dependencies, g.URN, "a secondary joins after the global cluster exists")
			}
			for _, i := range instances {
				assert.Equal(t, c.ID, i.Str("clusterIdentifier"))
			}
		}
	})
	t.Run("aurora-pilot-light-headless", func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": "pilot-light", "database": map[string]any{"engine": auroraEngineKey}}))
		for _, region := range prodRegions[1:] {
			one(t, e, rdsCluster, region)
			assert.Empty(t, e.Filter(func(r *mockcloud.Resource) bool { return r.Type == rdsClusterInst && r.Region == region }), region)
		}
	})
}

func must(v, _ bool) bool { return v }

// TestCacheGlobalDatastore is docs/controls.md row 46: the secondaries of the global datastore omit what the
// global group owns, join it, and encrypt their data at rest with their own region's key, sent at creation
// only (kmsKeyId is create-only: a member created without it is kept, not replaced).
func TestCacheGlobalDatastore(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	grgs := e.ByType(cacheGlobal)
	require.Len(t, grgs, 1)
	grg := grgs[0]
	home := one(t, e, cacheGroup, "us-west-2")
	assert.Equal(t, "us-west-2", grg.Region)
	assert.Equal(t, "web-global", grg.Name)
	assert.Equal(t, home.ID, grg.Str("primaryReplicationGroupId"))
	assert.Contains(t, grg.IgnoreChanges, "primaryReplicationGroupId")
	for _, k := range []string{"engine", "engineVersion", "nodeType", "atRestEncryptionEnabled", "kmsKeyId", "transitEncryptionEnabled"} {
		assert.True(t, home.Has(k), "primary sets %s", k)
	}
	assert.False(t, home.Has("globalReplicationGroupId"))
	for _, region := range prodRegions[1:] {
		member := one(t, e, cacheGroup, region)
		assert.Equal(t, grg.OutStr("globalReplicationGroupId"), member.Str("globalReplicationGroupId"), region)
		for _, k := range []string{"engine", "engineVersion", "nodeType", "parameterGroupName", "atRestEncryptionEnabled", "transitEncryptionEnabled", "snapshotArns", "numNodeGroups"} {
			assert.False(t, member.Has(k), "%s member must omit %s (owned by the global datastore)", region, k)
		}
		// Its own region's key, never the home group's (AWS refuses a key of another region).
		assert.Equal(t, regionKeyArn(t, e, region), member.Str("kmsKeyId"), region)
		assert.NotEqual(t, home.Str("kmsKeyId"), member.Str("kmsKeyId"), region)
		assert.Contains(t, member.IgnoreChanges, "kmsKeyId", "%s: kmsKeyId is create-only; a change must not replace the member", region)
		assert.Contains(t, member.Dependencies, grg.URN, region)
	}
}

// TestDataControls checks docs/controls.md rows 26, 28-46 and 57 on every region of the prod stack, for both
// engines.
func TestDataControls(t *testing.T) {
	engines(t, func(t *testing.T, engine string, conf map[string]string) {
		e, _ := deploy(t, conf)
		// Row 26: one key per region, rotation, 30 days, protected.
		for _, region := range prodRegions {
			k := one(t, e, kmsKey, region)
			assert.Equal(t, true, must(k.Bool("enableKeyRotation")))
			n, _ := k.Num("deletionWindowInDays")
			assert.Equal(t, 30.0, n)
			assert.True(t, k.Protect)
		}
		dbs := e.ByType(rdsInstance)
		if engine == auroraEngineKey {
			dbs = e.ByType(rdsCluster)
		}
		require.Len(t, dbs, 3)
		for _, db := range dbs {
			region, primary := db.Region, db.Region == "us-west-2"
			msg := db.Type + " " + region
			// Row 28: encrypted with the region's own key.
			assert.Equal(t, true, must(db.Bool("storageEncrypted")), msg)
			assert.Equal(t, regionKeyArn(t, e, region), db.Str("kmsKeyId"), msg)
			// Row 31, 32, 35, 37, 38, 57.
			assert.Equal(t, true, must(db.Bool("deletionProtection")), msg)
			days, _ := db.Num("backupRetentionPeriod")
			assert.GreaterOrEqual(t, days, 7.0, msg)
			assert.Equal(t, true, must(db.Bool("copyTagsToSnapshot")), msg)
			assert.Contains(t, strings.Join(strArray(db, "enabledCloudwatchLogsExports"), ","), "postgresql", msg)
			assert.Equal(t, true, must(db.Bool("iamDatabaseAuthenticationEnabled")), msg)
			assert.True(t, db.Protect, msg)
			// Row 33: final snapshot on the writer only; automated backups kept.
			assert.Equal(t, !primary, must(db.Bool("skipFinalSnapshot")), msg)
			assert.Equal(t, primary, db.Has("finalSnapshotIdentifier"), msg)
			assert.Equal(t, false, must(db.Bool("deleteAutomatedBackups")), msg)
			// Rows 39, 40 where the master user is created.
			if db.Has("masterUsername") || db.Has("username") {
				user := db.Str("username") + db.Str("masterUsername")
				assert.NotContains(t, []string{"postgres", "admin", "root"}, user, msg)
				assert.Equal(t, true, must(db.Bool("manageMasterUserPassword")), msg)
				assert.Equal(t, regionKeyArn(t, e, region), db.Str("masterUserSecretKmsKeyId"), msg)
				assert.False(t, db.Has("password") || db.Has("masterPassword"), msg)
			}
			if engine == "postgres" {
				// Rows 29, 30, 34, 36.
				assert.Equal(t, false, must(db.Bool("publiclyAccessible")), msg)
				// Prod is warm-standby: its replicas are Multi-AZ too (TestReplicaMultiAZByStrategy).
				assert.Equal(t, true, must(db.Bool("multiAz")), msg)
				assert.Equal(t, true, must(db.Bool("autoMinorVersionUpgrade")), msg)
				assert.Equal(t, true, must(db.Bool("performanceInsightsEnabled")), msg)
				assert.Equal(t, regionKeyArn(t, e, region), db.Str("performanceInsightsKmsKeyId"), msg)
				iv, _ := db.Num("monitoringInterval")
				assert.Positive(t, iv, msg)
				assert.True(t, db.Has("monitoringRoleArn"), msg)
				if primary {
					assert.Equal(t, "dbadmin", db.Str("username"))
				}
			}
		}
		if engine == auroraEngineKey {
			g := e.ByType(rdsGlobal)[0]
			assert.Equal(t, true, must(g.Bool("deletionProtection")))
			assert.True(t, g.Protect)
			for _, i := range e.ByType(rdsClusterInst) {
				msg := i.Name
				assert.Equal(t, false, must(i.Bool("publiclyAccessible")), msg)
				assert.Equal(t, true, must(i.Bool("autoMinorVersionUpgrade")), msg)
				assert.Equal(t, true, must(i.Bool("performanceInsightsEnabled")), msg)
				assert.Equal(t, regionKeyArn(t, e, i.Region), i.Str("performanceInsightsKmsKeyId"), msg)
				assert.True(t, i.Has("monitoringRoleArn"), msg)
			}
			// Row 30: the writer cluster spans AZs with a writer and a reader.
			azs := e.Filter(func(r *mockcloud.Resource) bool { return r.Type == rdsClusterInst && r.Region == "us-west-2" })
			assert.Len(t, azs, 2)
		}
		// Rows 41-45 on every replication group.
		for _, rg := range e.ByType(cacheGroup) {
			msg := rg.Region
			home := rg.Region == "us-west-2"
			if home {
				assert.Equal(t, true, must(rg.Bool("atRestEncryptionEnabled")), msg)
				assert.Equal(t, regionKeyArn(t, e, rg.Region), rg.Str("kmsKeyId"), msg)
				assert.Equal(t, true, must(rg.Bool("transitEncryptionEnabled")), msg)
			}
			assert.Equal(t, 1, rg.Len("userGroupIds"), "RBAC: %s", msg)
			assert.False(t, rg.Has("authToken"), msg)
			assert.Equal(t, true, must(rg.Bool("automaticFailoverEnabled")), msg)
			assert.Equal(t, true, must(rg.Bool("multiAzEnabled")), msg)
			nodes, _ := rg.Num("numCacheClusters")
			assert.GreaterOrEqual(t, nodes, 2.0, msg)
			snap, _ := rg.Num("snapshotRetentionLimit")
			assert.GreaterOrEqual(t, snap, 1.0, msg)
			assert.True(t, rg.Has("finalSnapshotIdentifier"), msg)
			assert.Equal(t, true, must(rg.Bool("autoMinorVersionUpgrade")), msg)
			assert.Equal(t, "web-"+rg.Region+"-cache", rg.Str("subnetGroupName"), msg)
			assert.True(t, rg.Protect, msg)
		}
		assert.True(t, e.ByType(cacheGlobal)[0].Protect)
		// Row 24, 25: the DB and cache security groups admit the region's task security group and,
		// over the region links, the other regions' private (task) subnets; nothing else.
		for _, region := range prodRegions {
			tier := e.Component(components.DataTierType, "web-"+region)
			tasks := e.Find(securityGroup, "web-"+region+"-tasks")
			require.NotNil(t, tasks)
			peers := map[string]bool{}
			for _, other := range prodRegions {
				if other != region {
					for _, s := range e.Filter(func(r *mockcloud.Resource) bool {
						return r.Type == "aws:ec2/subnet:Subnet" && r.Region == other && r.Str("tags.tier") == "private"
					}) {
						peers[s.Str("cidrBlock")] = true
					}
				}
			}
			require.Len(t, peers, 6, region)
			rules := e.ChildrenOfType(tier, ingressRule)
			require.Len(t, rules, 2+2*len(peers), region)
			ports := map[float64]bool{}
			local := 0
			for _, r := range rules {
				assert.NotEmpty(t, r.Str("description"), r.Name)
				p, _ := r.Num("fromPort")
				ports[p] = true
				if r.Has("referencedSecurityGroupId") {
					local++
					assert.Equal(t, tasks.ID, r.Str("referencedSecurityGroupId"), r.Name)
					assert.False(t, r.Has("cidrIpv4"), r.Name)
					continue
				}
				assert.True(t, peers[r.Str("cidrIpv4")], "%s admits %s, not another region's private subnet", r.Name, r.Str("cidrIpv4"))
				assert.NotContains(t, r.Name, "primary", r.Name)
				assert.NotContains(t, r.Name, "standby", r.Name)
			}
			assert.Equal(t, 2, local, region)
			assert.Equal(t, map[float64]bool{5432: true, 6379: true}, ports, region)
			for _, sg := range e.ChildrenOfType(tier, securityGroup) {
				assert.NotEmpty(t, sg.Str("description"), sg.Name)
				assert.False(t, sg.Has("egress") && sg.Len("egress") > 0, sg.Name)
			}
		}
	})
}

// regionKeyArn is regionKeyARN under a shorter name for table-like assertions.
func regionKeyArn(t *testing.T, e *mockcloud.Engine, region string) string {
	return regionKeyARN(t, e, region)
}

// strs returns the string array input at path.
func strArray(r *mockcloud.Resource, path string) []string {
	var s []string
	for i := range r.Len(path) {
		s = append(s, r.Str(fmt.Sprintf("%s[%d]", path, i)))
	}
	return s
}

// TestReplicaLagAlarms: one database and one cache lag alarm per secondary, thresholds from config,
// in the secondary's region; none in the primary.
func TestReplicaLagAlarms(t *testing.T) {
	engines(t, func(t *testing.T, engine string, conf map[string]string) {
		conf = with(t, conf, map[string]any{
			"database": map[string]any{"engine": engine, "replicaLagSeconds": 45},
			"cache":    map[string]any{"lagSeconds": 12},
		})
		e, _ := deploy(t, conf)
		for _, region := range prodRegions {
			tier := e.Component(components.DataTierType, "web-"+region)
			alarms := map[string]*mockcloud.Resource{}
			for _, a := range e.ChildrenOfType(tier, metricAlarm) {
				alarms[a.Str("metricName")] = a
			}
			if region == "us-west-2" {
				assert.Empty(t, alarms, "no replica lag on the writer")
				continue
			}
			db, want := alarms["ReplicaLag"], 45.0
			dim := "dimensions.DBInstanceIdentifier"
			if engine == auroraEngineKey {
				db, want, dim = alarms["AuroraGlobalDBReplicationLag"], 45000, "dimensions.DBClusterIdentifier"
			}
			require.NotNil(t, db, region)
			th, _ := db.Num("threshold")
			assert.Equal(t, want, th, region)
			assert.Equal(t, "web-"+region, db.Str(dim))
			assert.Equal(t, "AWS/RDS", db.Str("namespace"))
			cache := alarms["GlobalDatastoreReplicationLag"]
			require.NotNil(t, cache, region)
			th, _ = cache.Num("threshold")
			assert.Equal(t, 12.0, th)
			assert.Equal(t, "AWS/ElastiCache", cache.Str("namespace"))
			assert.Len(t, alarms, 2, region)
		}
	})
}

// TestAlarmActionsReachAlarms: the component passes AlarmActions to both actions of every alarm.
func TestAlarmActionsReachAlarms(t *testing.T) {
	e := mockcloud.New()
	topic := "arn:aws:sns:us-east-1:123456789012:alerts"
	err := e.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
		if err != nil {
			return err
		}
		_, err = components.NewDataTier(ctx, "web-us-east-1", &components.DataTierArgs{
			Region: "us-east-1", Role: components.RoleStandby,
			KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/k"), VPCID: pulumi.String("vpc-1"),
			SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}), ClientSecurityGroupID: pulumi.String("sg-tasks"),
			SourceDBARN:              pulumi.String("arn:aws:rds:us-west-2:123456789012:db:web-us-west-2"),
			Cache:                    &components.CacheSpec{},
			GlobalReplicationGroupID: pulumi.String("ldgnf-web-global"),
			AlarmActions:             pulumi.ToStringArray([]string{topic}),
		}, pulumi.Provider(p))
		return err
	}, nil)
	require.NoError(t, err)
	alarms := e.ByType(metricAlarm)
	require.Len(t, alarms, 2)
	for _, a := range alarms {
		assert.Equal(t, []string{topic}, strArray(a, "alarmActions"), a.Name)
		assert.Equal(t, []string{topic}, strArray(a, "okActions"), a.Name)
	}
}

// stateful returns the stateful resources by URN.
func stateful(e *mockcloud.Engine) map[string]*mockcloud.Resource {
	m := map[string]*mockcloud.Resource{}
	for _, r := range e.Resources() {
		if slices.Contains(statefulTypes, r.Type) {
			m[r.URN] = r
		}
	}
	return m
}

// changedInputs lists the top-level inputs that differ between two registrations.
func changedInputs(a, b *mockcloud.Resource) []string {
	keys := map[resource.PropertyKey]bool{}
	for k := range a.Inputs {
		keys[k] = true
	}
	for k := range b.Inputs {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		x, okx := a.Inputs[k]
		y, oky := b.Inputs[k]
		if okx != oky || !x.DeepEquals(y) {
			out = append(out, string(k))
		}
	}
	return out
}

// inPlace lists, per type, the inputs a change of role may change: updates the AWS provider applies
// in place. An input missing here that changes would force a replacement.
var inPlace = map[string][]string{
	// replicateSourceDb removal is PromoteReadReplica; engine/engineVersion/username/dbName and the
	// managed password exist only on a writer and are inherited (computed) on a replica, so adding or
	// dropping them is no diff; the ForceNew ones are also in ignoreChanges.
	rdsInstance: {"replicateSourceDb", "multiAz", "skipFinalSnapshot", "finalSnapshotIdentifier", "engine", "engineVersion",
		"username", "dbName", "manageMasterUserPassword", "masterUserSecretKmsKeyId",
		"tags"}, // the backup selection tag follows the writer (AddTagsToResource, in place)
	rdsCluster: {"skipFinalSnapshot", "finalSnapshotIdentifier", "tags"},
}

// flip runs the prod stack with primary us-west-2 and with us-east-1 and returns both engines.
func flip(t *testing.T, conf map[string]string) (before, after *mockcloud.Engine) {
	before, _ = deploy(t, conf)
	after, _ = deploy(t, with(t, conf, map[string]any{"primaryRegion": "us-east-1"}))
	return before, after
}

// TestPrimaryFlipReplacesNoStatefulResource runs the program twice (primaryRegion us-west-2, then
// us-east-1) and compares: every stateful URN stays, on the same provider, protected, with only
// in-place inputs changed; exactly the writer role moves.
func TestPrimaryFlipReplacesNoStatefulResource(t *testing.T) {
	engines(t, func(t *testing.T, engine string, conf map[string]string) {
		before, after := flip(t, conf)
		b, a := stateful(before), stateful(after)
		require.NotEmpty(t, b)
		assert.ElementsMatch(t, slices.Collect(maps.Keys(b)), slices.Collect(maps.Keys(a)), "stateful URNs")
		for urn, x := range b {
			y := a[urn]
			if y == nil {
				continue
			}
			assert.Equal(t, x.Region, y.Region, "%s moved provider", urn)
			assert.True(t, y.Protect, urn)
			for _, k := range changedInputs(x, y) {
				assert.Contains(t, inPlace[x.Type], k, "%s: input %s changes on a flip and would replace it", x.Name, k)
			}
		}
		writers := func(e *mockcloud.Engine) []string {
			var w []string
			if engine == "postgres" {
				for _, r := range e.ByType(rdsInstance) {
					if !r.Has("replicateSourceDb") {
						w = append(w, r.Region)
					}
				}
				return w
			}
			// The Aurora writer is the cluster with a final snapshot (standbys are Multi-AZ with 2
			// instances too in warm-standby, so the count does not tell them apart).
			for _, r := range e.ByType(rdsCluster) {
				if !must(r.Bool("skipFinalSnapshot")) {
					n := len(e.Filter(func(i *mockcloud.Resource) bool { return i.Type == rdsClusterInst && i.Region == r.Region }))
					assert.Equal(t, 2, n, "%s: the writer cluster has a writer and a reader", r.Region)
					w = append(w, r.Region)
				}
			}
			return w
		}
		assert.Equal(t, []string{"us-west-2"}, writers(before))
		assert.Equal(t, []string{"us-east-1"}, writers(after))
		if engine == "postgres" {
			promoted := one(t, after, rdsInstance, "us-east-1")
			assert.NotContains(t, promoted.IgnoreChanges, "replicateSourceDb", "the promotion must be applied")
			assert.Equal(t, "postgres", promoted.Str("engine"))
			demoted := one(t, after, rdsInstance, "us-west-2")
			assert.Contains(t, demoted.IgnoreChanges, "replicateSourceDb", "a writer cannot become a replica in place")
			assert.Subset(t, demoted.IgnoreChanges, []string{"skipFinalSnapshot", "finalSnapshotIdentifier"},
				"the former writer holds the last writes: it keeps its final snapshot")
			assert.Contains(t, demoted.Str("replicateSourceDb"), ":us-east-1:")
			for _, r := range after.ByType(rdsInstance) {
				assert.Subset(t, r.IgnoreChanges, []string{"dbName", "username"}, r.Region)
			}
		}
		// The global datastore and global cluster never change on a flip; the cache primary moves by
		// the documented CLI failover.
		for _, typ := range []string{cacheGroup, cacheGlobal, rdsGlobal} {
			for _, x := range before.ByType(typ) {
				y := after.Get(x.URN)
				require.NotNil(t, y, x.URN)
				assert.Empty(t, changedInputs(x, y), x.URN)
			}
		}
		// Alarms follow the role.
		lagRegions := func(e *mockcloud.Engine) []string {
			var rs []string
			for _, a := range e.ByType(metricAlarm) {
				if strings.HasSuffix(a.Name, "-db-replica-lag") {
					rs = append(rs, a.Region)
				}
			}
			slices.Sort(rs)
			return rs
		}
		assert.Equal(t, []string{"eu-west-1", "us-east-1"}, lagRegions(before))
		assert.Equal(t, []string{"eu-west-1", "us-west-2"}, lagRegions(after))
	})
}

// TestFailbackTwoStep walks docs/datatier.md's RDS failback: after a failover to us-east-1 the old
// primary is released, rebuilt as a replica of us-east-1 under the same URN, returned to normal, and
// finally promoted back; no step changes a stateful URN and no step but "rebuild" replaces.
func TestFailbackTwoStep(t *testing.T) {
	conf := prodConfig(t)
	original, _ := deploy(t, conf)
	failover := with(t, conf, map[string]any{"primaryRegion": "us-east-1"})
	after, _ := deploy(t, failover)
	urn := one(t, original, rdsInstance, "us-west-2").URN

	release, _ := deploy(t, with(t, failover, map[string]any{"database": map[string]any{"rejoin": map[string]string{"us-west-2": "release"}}}))
	old := release.Get(urn)
	require.NotNil(t, old)
	assert.False(t, old.Protect, "step 1 lifts protect so step 2 may replace")
	assert.Equal(t, false, must(old.Bool("deletionProtection")))
	assert.Equal(t, false, must(old.Bool("skipFinalSnapshot")), "the stale copy is snapshotted before it goes")
	assert.Equal(t, "web-us-west-2-before-rejoin", old.Str("finalSnapshotIdentifier"))
	assert.Contains(t, old.IgnoreChanges, "replicateSourceDb", "step 1 replaces nothing")
	assert.False(t, old.DeleteBeforeReplace)
	other := release.Get(one(t, original, rdsInstance, "eu-west-1").URN)
	assert.True(t, other.Protect, "only the listed region is released")

	rebuild, _ := deploy(t, with(t, failover, map[string]any{"database": map[string]any{"rejoin": map[string]string{"us-west-2": "rebuild"}}}))
	old = rebuild.Get(urn)
	require.NotNil(t, old, "same URN")
	assert.Empty(t, old.IgnoreChanges, "step 2 applies the new source, and carries none of the old writer's "+
		"create-time inputs (dbName, username, a managed password) into the replica: the provider rejects them with replicateSourceDb")
	assert.True(t, old.DeleteBeforeReplace, "same identifier: delete the stale copy, then create the replica")
	assert.Equal(t, one(t, rebuild, rdsInstance, "us-east-1").OutStr("arn"), old.Str("replicateSourceDb"))
	assert.Equal(t, regionKeyARN(t, rebuild, "us-west-2"), old.Str("kmsKeyId"))
	assert.False(t, old.Protect)
	assert.Equal(t, true, must(old.Bool("skipFinalSnapshot")), "the new replica: RDS refuses a final snapshot of a replica")

	// Back to normal: protected again, the new source kept.
	normal := after.Get(urn)
	assert.True(t, normal.Protect)
	assert.Equal(t, true, must(normal.Bool("deletionProtection")))

	// Failback: promote us-west-2 again; every stateful URN is the original one.
	back, _ := deploy(t, conf)
	assert.ElementsMatch(t, slices.Collect(maps.Keys(stateful(original))), slices.Collect(maps.Keys(stateful(back))))
	assert.False(t, back.Get(urn).Has("replicateSourceDb"))
	assert.Contains(t, one(t, back, rdsInstance, "us-east-1").IgnoreChanges, "replicateSourceDb")
}

// TestCacheAuthTokenIsSecret: in token mode the AUTH token reaches every replication group as a
// secret, and there is no RBAC user group.
func TestCacheAuthTokenIsSecret(t *testing.T) {
	conf := with(t, prodConfig(t), map[string]any{
		"cache":          map[string]any{"authMode": "token"},
		"cacheAuthToken": "correct-horse-battery-staple-42",
	})
	e := mockcloud.New()
	require.NoError(t, e.Run(stacks.Program, conf, stacks.Namespace+":cacheAuthToken"))
	rgs := e.ByType(cacheGroup)
	require.Len(t, rgs, 3)
	for _, rg := range rgs {
		assert.True(t, rg.IsSecret("authToken"), rg.Region)
		assert.Equal(t, "correct-horse-battery-staple-42", rg.Str("authToken"))
		assert.False(t, rg.Has("userGroupIds"), rg.Region)
	}
	assert.Empty(t, e.ByType("aws:elasticache/userGroup:UserGroup"))
}

// TestBadDataConfigRegistersNothing: bad data-tier config is rejected with a message naming the key,
// before anything is registered.
func TestBadDataConfigRegistersNothing(t *testing.T) {
	four := []map[string]any{
		{"name": "us-west-2", "cidr": "10.10.0.0/16"}, {"name": "us-east-1", "cidr": "10.20.0.0/16"},
		{"name": "eu-west-1", "cidr": "10.30.0.0/16"}, {"name": "ap-southeast-2", "cidr": "10.40.0.0/16"},
	}
	cases := []struct {
		name   string
		kv     map[string]any
		secret []string
		want   []string
	}{
		{"unknown engine", map[string]any{"database": map[string]any{"engine": "mysql"}}, nil, []string{"multiregion:database.engine", `"mysql"`, "aurora-postgresql"}},
		{"bad instance class", map[string]any{"database": map[string]any{"instanceClass": "m5.large"}}, nil, []string{"multiregion:database.instanceClass", `"m5.large"`}},
		{"aurora on a burstable class", map[string]any{"database": map[string]any{"engine": "aurora-postgresql", "instanceClass": "db.t4g.medium"}}, nil, []string{"multiregion:database.instanceClass", "memory-optimized"}},
		{"backup retention < 7", map[string]any{"database": map[string]any{"backupRetentionDays": 3}}, nil, []string{"multiregion:database.backupRetentionDays", "3", "7-35"}},
		{"too many cache secondaries", map[string]any{"regions": four}, nil, []string{"multiregion:cache", "3 secondary regions", "at most 2"}},
		{"missing auth token", map[string]any{"cache": map[string]any{"authMode": "token"}}, nil, []string{"multiregion:cacheAuthToken", "required", "--secret"}},
		{"token in clear", map[string]any{"cache": map[string]any{"authMode": "token"}, "cacheAuthToken": "correct-horse-battery-staple-42"}, nil, []string{"multiregion:cacheAuthToken", "in clear", "--secret"}},
		{"default admin name", map[string]any{"database": map[string]any{"adminUsername": "postgres"}}, nil, []string{"multiregion:database.adminUsername", `"postgres"`}},
		{"rejoin of the primary", map[string]any{"database": map[string]any{"rejoin": map[string]string{"us-west-2": "release"}}}, nil, []string{"multiregion:database.rejoin.us-west-2", "primary"}},
		{"unknown cache auth mode", map[string]any{"cache": map[string]any{"authMode": "none"}}, nil, []string{"multiregion:cache.authMode", `"none"`}},
		{"home region not a region", map[string]any{"dataHomeRegion": "ap-south-1"}, nil, []string{"multiregion:dataHomeRegion", `"ap-south-1"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := mockcloud.New()
			err := e.Run(stacks.Program, with(t, prodConfig(t), c.kv), c.secret...)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			assert.NotContains(t, err.Error(), "correct-horse", "the token is never echoed")
			assert.Empty(t, e.Resources(), "nothing may be registered")
		})
	}
	t.Run("four regions without a cache are fine", func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"regions": four, "cache": map[string]any{"enabled": false}}))
		assert.Empty(t, e.ByType(cacheGroup))
		assert.Len(t, e.ByType(rdsInstance), 4)
	})
}

// TestDataOutputs: the database identifier, writer and reader endpoints per region, the master secret ARN, cache endpoints
// and the KMS key ARN are exported.
func TestDataOutputs(t *testing.T) {
	_, d := deploy(t, prodConfig(t))
	regions := d.Outputs["regions"].(pulumi.Map)
	for _, region := range prodRegions {
		m := regions[region].(pulumi.Map)
		for _, k := range []string{"dbIdentifier", "dbWriterEndpoint", "dbReaderEndpoint", "dbMasterSecretArn", "cachePrimaryEndpoint", "cacheReaderEndpoint", "kmsKeyArn"} {
			assert.Contains(t, m, k, region)
		}
		tier := d.Regions[region].Data
		v := func(o pulumi.Output) string { return mockcloud.Await[string](t, o) }
		assert.Contains(t, v(tier.WriterEndpoint), "."+region+".rds.amazonaws.com", region)
		assert.Equal(t, "web-"+region, v(m["dbIdentifier"].(pulumi.StringOutput)), "the RDS identifier the runbook's aws CLI commands take")
		if region == "us-west-2" {
			assert.Contains(t, v(tier.MasterSecretARN), "arn:aws:secretsmanager:us-west-2:", region)
		} else {
			assert.Equal(t, "", v(tier.MasterSecretARN), "a replica has no master secret of its own")
		}
		assert.Contains(t, v(tier.CachePrimaryEndpoint), "master.web-"+region, region)
		assert.Contains(t, v(tier.CacheReaderEndpoint), "replica.web-"+region, region)
		assert.Contains(t, v(tier.KMSKeyARN), "arn:aws:kms:"+region+":", region)
	}
	assert.Contains(t, d.Outputs, "dbWriterEndpoint")
}

// TestOperatorOutputs: what the operator command (ops/awscloud) reads per region is exported: the
// database ARN (an instance's, or an Aurora cluster's, which tells the engines apart and is the
// switchover target), the cache replication group, the global cluster and Global Datastore IDs (in
// dataHomeRegion only), and the prefix of every alarm about the region.
func TestOperatorOutputs(t *testing.T) {
	v := func(o any) string { return mockcloud.Await[string](t, o.(pulumi.StringOutput)) }
	for _, engine := range []string{"postgres", auroraEngineKey} {
		t.Run(engine, func(t *testing.T) {
			e, d := deploy(t, with(t, prodConfig(t), map[string]any{"database": map[string]any{"engine": engine}}))
			regions := d.Outputs["regions"].(pulumi.Map)
			for _, region := range prodRegions {
				m := regions[region].(pulumi.Map)
				tier := d.Regions[region].Data
				kind := ":db:"
				if engine == auroraEngineKey {
					kind = ":cluster:"
				}
				assert.Equal(t, mockcloud.Await[string](t, tier.DBARN), v(m["dbArn"]), region)
				assert.Contains(t, v(m["dbArn"]), "arn:aws:rds:"+region+":", region)
				assert.Contains(t, v(m["dbArn"]), kind+"web-"+region, region)
				assert.Equal(t, "web-"+region, v(m["cacheReplicationGroupId"]), region)
				home := region == "us-west-2"
				assert.Equal(t, home, v(m["globalReplicationGroupId"]) != "", "%s: the Global Datastore's ID, in the home region only", region)
				if home {
					assert.Equal(t, mockcloud.Await[string](t, tier.GlobalReplicationGroupID), v(m["globalReplicationGroupId"]))
				}
				assert.Equal(t, home && engine == auroraEngineKey, v(m["globalClusterId"]) != "", "%s: the global cluster's ID, Aurora's home region only", region)
				if home && engine == auroraEngineKey {
					assert.Equal(t, "web-global", v(m["globalClusterId"]))
				}
				prefix := m["alarmPrefix"].(pulumi.String)
				assert.Equal(t, pulumi.String("web-"+region+"-"), prefix)
				// Every alarm about the region, where it lives, starts with the prefix: the ALB, task and
				// lag alarms in the region itself (the health-check alarms, in us-east-1, too).
				n := 0
				for _, a := range e.ByType("aws:cloudwatch/metricAlarm:MetricAlarm") {
					if a.Region == region && !strings.HasSuffix(a.Str("name"), "-health-check") {
						assert.True(t, strings.HasPrefix(a.Str("name"), string(prefix)), "%s: alarm %s", region, a.Str("name"))
						n++
					}
				}
				assert.NotZero(t, n, region)
			}
		})
	}
}

// grant is a region's data-access policy, parsed.
type grant struct {
	policy     *mockcloud.Resource
	statements map[string][]string // action -> resources
}

// dataAccess returns region's data-access grant: a child of the region's DataTier, on the region's
// provider, attached to the region's task role; it fails the test on a wildcard or a statement that
// is not an Allow of exactly one action.
func dataAccess(t *testing.T, e *mockcloud.Engine, region string) grant {
	t.Helper()
	tier := e.Component(components.DataTierType, "web-"+region)
	require.NotNil(t, tier, region)
	var ps []*mockcloud.Resource
	for _, p := range e.ChildrenOfType(tier, "aws:iam/rolePolicy:RolePolicy") {
		if !strings.Contains(p.Name, "-db-access-from-") { // the peers' grants: TestStandbysMayWriteToAnyWriter
			ps = append(ps, p)
		}
	}
	require.Len(t, ps, 1, "%s: one data-access grant", region)
	p := ps[0]
	assert.Equal(t, "web-"+region+"-data-access", p.Name)
	assert.Equal(t, tier.URN, p.Parent, "the grant is a child of the DataTier")
	assert.Equal(t, region, p.Region, "the grant uses %s's provider", region)
	role := e.Find("aws:iam/role:Role", "web-"+region+"-task")
	require.NotNil(t, role, region)
	assert.Equal(t, role.OutStr("name"), p.Str("role"), "%s: attached to %s's task role", region, region)
	assert.Contains(t, p.PropertyDependencies["role"], role.URN, region)
	var doc struct {
		Statement []struct {
			Effect           string
			Action, Resource []string
		}
	}
	require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc), p.Str("policy"))
	g := grant{policy: p, statements: map[string][]string{}}
	for _, st := range doc.Statement {
		assert.Equal(t, "Allow", st.Effect)
		require.Len(t, st.Action, 1, "%s: one action per statement", region)
		for _, res := range st.Resource {
			assert.NotContains(t, res, "*", "%s: %s on a wildcard", region, st.Action[0])
		}
		g.statements[st.Action[0]] = st.Resource
	}
	return g
}

// TestTaskRoleDataAccess: each region's task role may connect, with IAM authentication, to exactly
// that region's database (its resource ID, as the configured IAM database user) and, with an
// IAM-authenticated cache, to that region's replication group and IAM user; nothing else, no
// wildcard, for both engines. Token auth and no cache grant the database only.
func TestTaskRoleDataAccess(t *testing.T) {
	cases := map[string]map[string]any{
		"postgres":      {},
		auroraEngineKey: {"database": map[string]any{"engine": auroraEngineKey, "iamUsername": "web_rw"}},
		"cache token":   {"cache": map[string]any{"authMode": "token"}, "cacheAuthToken": "correct-horse-battery-staple-42"},
		"no cache":      {"cache": map[string]any{"enabled": false}},
	}
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		t.Run(name, func(t *testing.T) {
			conf := with(t, prodConfig(t), cases[name])
			var e *mockcloud.Engine
			if name == "cache token" {
				e = mockcloud.New()
				require.NoError(t, e.Run(stacks.Program, conf, stacks.Namespace+":cacheAuthToken"))
			} else {
				e, _ = deploy(t, conf)
			}
			user := "web"
			if name == auroraEngineKey {
				user = "web_rw"
			}
			iamCache := name == "postgres" || name == auroraEngineKey
			for _, region := range prodRegions {
				g := dataAccess(t, e, region)
				var resourceID string
				if name == auroraEngineKey {
					resourceID = one(t, e, rdsCluster, region).OutStr("clusterResourceId")
				} else {
					resourceID = one(t, e, rdsInstance, region).OutStr("resourceId")
				}
				require.NotEmpty(t, resourceID, region)
				want := map[string][]string{
					"rds-db:connect": {fmt.Sprintf("arn:aws:rds-db:%s:%s:dbuser:%s/%s", region, mockcloud.DefaultAccount, resourceID, user)},
				}
				if iamCache {
					app := e.Find("aws:elasticache/user:User", "web-"+region+"-cache-app")
					require.NotNil(t, app, region)
					want["elasticache:Connect"] = []string{one(t, e, cacheGroup, region).OutStr("arn"), app.OutStr("arn")}
				}
				assert.Equal(t, want, g.statements, "%s grant", region)
				for _, other := range prodRegions {
					if other != region {
						assert.NotContains(t, g.policy.Str("policy"), other, "%s's grant names %s", region, other)
					}
				}
			}
		})
	}
}

// TestDataAccessSurvivesAPrimaryFlip runs the program with each primary: every region's grant keeps
// its URN, provider, role and document (it names resources by region, never by role).
func TestDataAccessSurvivesAPrimaryFlip(t *testing.T) {
	engines(t, func(t *testing.T, _ string, conf map[string]string) {
		before, _ := deploy(t, conf)
		after, _ := deploy(t, with(t, conf, map[string]any{"primaryRegion": "us-east-1"}))
		for _, region := range prodRegions {
			x, y := dataAccess(t, before, region), dataAccess(t, after, region)
			assert.Equal(t, x.policy.URN, y.policy.URN, region)
			assert.Equal(t, x.policy.Region, y.policy.Region, region)
			assert.Empty(t, changedInputs(x.policy, y.policy), "%s grant changes on a flip", region)
			assert.Equal(t, x.statements, y.statements, region)
		}
	})
}

// TestPromotionWaitsForNothingInTheOldPrimaryRegion: after a change of primary the new writer
// depends on nothing in the region it leaves (which may be down, and whose own updates, such as a
// Multi-AZ change of the old writer, take minutes), so the promotion starts at once. An Aurora
// secondary waits, by design, only for the home cluster and its instances (it joins their global
// cluster), which a change of primary does not touch.
func TestPromotionWaitsForNothingInTheOldPrimaryRegion(t *testing.T) {
	engines(t, func(t *testing.T, engine string, conf map[string]string) {
		_, after := flip(t, conf)
		typ := rdsInstance
		if engine != "postgres" {
			typ = rdsCluster
		}
		writer := one(t, after, typ, "us-east-1")
		deps := criticalpath.WaitsFor(after, writer)
		require.NotEmpty(t, deps)
		// What the home cluster and its instances are built on, created once and left alone.
		var joined []string
		for _, r := range after.Resources() {
			if (r.Type == rdsCluster || r.Type == rdsClusterInst) && r.Region == "us-west-2" {
				joined = append(joined, r.URN)
				for _, d := range criticalpath.WaitsFor(after, r) {
					joined = append(joined, d.URN)
				}
			}
		}
		for _, d := range deps {
			if !strings.Contains(d.Name, "us-west-2") {
				continue
			}
			if engine == "postgres" {
				t.Errorf("the new writer %s waits for %s (%s) in the old primary's region", writer.Name, d.Name, d.Type)
				continue
			}
			if !slices.Contains(joined, d.URN) {
				t.Errorf("the Aurora secondary %s waits for %s (%s), which is not the home cluster's", writer.Name, d.Name, d.Type)
			}
		}
	})
}

// prodDatabase is prod's multiregion:database with the given fields changed.
func prodDatabase(t *testing.T, set map[string]any) map[string]any {
	t.Helper()
	db := map[string]any{}
	require.NoError(t, json.Unmarshal([]byte(prodConfig(t)[stacks.Namespace+":database"]), &db))
	maps.Copy(db, set)
	return db
}

// TestReplicaMultiAZByStrategy is docs/controls.md row 30 for the standbys: database.replicaMultiAz
// defaults to true in warm-standby and active-active and to false in pilot-light, and an explicit
// setting wins. RDS: every replica's multiAz input follows it (the writer is always Multi-AZ). Aurora,
// which has no such flag: each secondary cluster's instance count follows it (2, in two AZs; else
// headless in pilot-light, 1 otherwise), the writer's stays 2.
func TestReplicaMultiAZByStrategy(t *testing.T) {
	for _, tc := range []struct {
		strategy string
		setting  any // nil: unset
		want     bool
		aurora   int // instances of each Aurora secondary cluster
	}{
		{"pilot-light", nil, false, 0},
		{"warm-standby", nil, true, 2},
		{"active-active", nil, true, 2},
		{"pilot-light", true, true, 2},
		{"warm-standby", false, false, 1},
		{"active-active", false, false, 1},
	} {
		t.Run(fmt.Sprintf("%s/%v", tc.strategy, tc.setting), func(t *testing.T) {
			for _, engine := range []string{"postgres", auroraEngineKey} {
				set := map[string]any{"engine": engine}
				if tc.setting != nil {
					set["replicaMultiAz"] = tc.setting
				}
				e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": tc.strategy, "database": prodDatabase(t, set)}))
				for _, region := range prodRegions {
					primary := region == "us-west-2"
					if engine == "postgres" {
						db := one(t, e, rdsInstance, region)
						assert.Equal(t, primary || tc.want, must(db.Bool("multiAz")), "%s %s", engine, region)
						continue
					}
					want := tc.aurora
					if primary {
						want = 2
					}
					n := len(e.Filter(func(r *mockcloud.Resource) bool { return r.Type == rdsClusterInst && r.Region == region }))
					assert.Equal(t, want, n, "%s %s: cluster instances", engine, region)
				}
			}
		})
	}
}

// TestCacheWithoutSecondaries: cache.secondaries false (the pilot-light cost knob) keeps one cache, in the
// data home region, before and after a change of primary: no member, lag alarm or cache replication
// elsewhere; every region's cache names point at it, and the other regions' task roles may connect to it.
func TestCacheWithoutSecondaries(t *testing.T) {
	base := with(t, prodConfig(t), map[string]any{"drStrategy": "pilot-light", "cache": map[string]any{
		"engine": "redis", "engineVersion": "7.1", "nodeType": "cache.r7g.large", "nodes": 2, "authMode": "iam", "secondaries": false,
	}})
	for _, primary := range []string{"us-west-2", "us-east-1"} {
		t.Run("primary "+primary, func(t *testing.T) {
			e, _ := deploy(t, with(t, base, map[string]any{"primaryRegion": primary}))
			groups := e.ByType(cacheGroup)
			require.Len(t, groups, 1, "one cache, in the home region")
			home := groups[0]
			assert.Equal(t, "us-west-2", home.Region)
			assert.True(t, home.Protect)
			assert.Len(t, e.ByType(cacheGlobal), 1, "the Global Datastore stays, so secondaries can be turned on later without replacing the home group")
			for _, a := range e.ByType(metricAlarm) {
				assert.NotContains(t, a.Name, "cache-replication-lag", "no member, no lag alarm")
			}
			endpoint := home.OutStr("readerEndpointAddress")
			require.NotEmpty(t, endpoint)
			for _, region := range prodRegions {
				rec := e.Filter(func(r *mockcloud.Resource) bool {
					return r.Type == "aws:route53/record:Record" && strings.HasSuffix(r.Name, "-cache-reader-"+region)
				})
				if assert.Len(t, rec, 1, region) {
					assert.Equal(t, endpoint, rec[0].Str("records[0]"), "%s reads the home region's cache", region)
				}
			}
			for _, region := range prodRegions[1:] {
				pol := e.Filter(func(r *mockcloud.Resource) bool {
					return r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Name == "web-us-west-2-db-access-from-"+region
				})
				if assert.Len(t, pol, 1, region) {
					doc := pol[0].Str("policy")
					assert.Contains(t, doc, "elasticache:Connect", "%s's tasks connect to the home cache", region)
					assert.Contains(t, doc, home.OutStr("arn"), region)
				}
			}
		})
	}
	t.Run("the Global Datastore's 2-secondary limit no longer applies", func(t *testing.T) {
		four := []map[string]string{{"name": "us-west-2", "cidr": "10.10.0.0/16"}, {"name": "us-east-1", "cidr": "10.20.0.0/16"},
			{"name": "eu-west-1", "cidr": "10.30.0.0/16"}, {"name": "us-east-2", "cidr": "10.40.0.0/16"}}
		e, _ := deploy(t, with(t, base, map[string]any{"regions": four}))
		assert.Len(t, e.ByType(cacheGroup), 1)
	})
}
