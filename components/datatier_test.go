package components_test

import (
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// standbyArgs are valid DataTierArgs of a non-home RDS standby with a cache.
func standbyArgs() *components.DataTierArgs {
	return &components.DataTierArgs{
		Region:                   "us-east-1",
		Role:                     components.RoleStandby,
		KMSKeyARN:                pulumi.String("arn:aws:kms:us-east-1:123456789012:key/k"),
		VPCID:                    pulumi.String("vpc-1"),
		SubnetIDs:                pulumi.ToStringArray([]string{"subnet-a", "subnet-b"}),
		ClientSecurityGroupID:    pulumi.String("sg-tasks"),
		SourceDBARN:              pulumi.String("arn:aws:rds:us-west-2:123456789012:db:web-us-west-2"),
		Cache:                    &components.CacheSpec{},
		GlobalReplicationGroupID: pulumi.String("ldgnf-web-global"),
	}
}

func run(t *testing.T, name string, args *components.DataTierArgs) (*mockcloud.Engine, error) {
	t.Helper()
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		region := "us-east-1"
		if args != nil && args.Region != "" {
			region = args.Region
		}
		opt, err := onProvider(ctx, region)
		if err != nil {
			return err
		}
		_, err = components.NewDataTier(ctx, name, args, opt)
		return err
	}, nil)
	return e, err
}

func TestDataTierValidArgs(t *testing.T) {
	e, err := run(t, "web-us-east-1", standbyArgs())
	require.NoError(t, err)
	db := e.Find("aws:rds/instance:Instance", "web-us-east-1-db")
	require.NotNil(t, db)
	assert.Equal(t, "arn:aws:rds:us-west-2:123456789012:db:web-us-west-2", db.Str("replicateSourceDb"))
	rg := e.Find("aws:elasticache/replicationGroup:ReplicationGroup", "web-us-east-1-cache")
	require.NotNil(t, rg)
	assert.Equal(t, "ldgnf-web-global", rg.Str("globalReplicationGroupId"))
	// A Global Datastore member: its own region's key, sent at creation only; what the datastore owns
	// is omitted.
	assert.Equal(t, "arn:aws:kms:us-east-1:123456789012:key/k", rg.Str("kmsKeyId"))
	assert.Contains(t, rg.IgnoreChanges, "kmsKeyId")
	for _, k := range []string{"atRestEncryptionEnabled", "transitEncryptionEnabled", "engine", "engineVersion", "nodeType"} {
		assert.False(t, rg.Has(k), "a member omits %s", k)
	}
	assert.Equal(t, true, db.Inputs["multiAz"].BoolValue(), "a replica is Multi-AZ by default")
	port, _ := db.Num("port")
	assert.Equal(t, 5432.0, port)
	assert.Empty(t, e.ByType("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"), "only the home region creates the global datastore")
	for _, r := range e.Resources() {
		if r.Type != components.DataTierType {
			assert.NotEmpty(t, r.Parent, "%s %s has no parent", r.Type, r.Name)
		}
	}
}

func TestDataTierHomeCreatesGlobalResources(t *testing.T) {
	a := standbyArgs()
	a.Region, a.Role, a.Home = "us-west-2", components.RolePrimary, true
	a.SourceDBARN, a.GlobalReplicationGroupID = nil, nil
	a.Database.Engine = components.EngineAuroraPostgres
	e, err := run(t, "web-us-west-2", a)
	require.NoError(t, err)
	g := e.ByType("aws:rds/globalCluster:GlobalCluster")
	require.Len(t, g, 1)
	assert.Equal(t, "web-global", g[0].Name, "named without region or role")
	grg := e.ByType("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")
	require.Len(t, grg, 1)
	assert.Equal(t, "web-global", grg[0].Str("globalReplicationGroupIdSuffix"))
	assert.Len(t, e.ByType("aws:rds/clusterInstance:ClusterInstance"), 2)
}

// TestDataTierSourceTier: a standby given the primary's tier by name (not its output) replicates the
// instance of that name in its own account and partition.
func TestDataTierSourceTier(t *testing.T) {
	a := standbyArgs()
	a.SourceDBARN, a.SourceTier = nil, &components.TierRef{Region: "us-west-2", Name: "web-us-west-2"}
	e, err := run(t, "web-us-east-1", a)
	require.NoError(t, err)
	db := e.Find("aws:rds/instance:Instance", "web-us-east-1-db")
	require.NotNil(t, db)
	assert.Regexp(t, `^arn:aws:rds:us-west-2:\d{12}:db:web-us-west-2$`, db.Str("replicateSourceDb"))
}

func TestDataTierInvalidArgsRegisterNothing(t *testing.T) {
	cases := []struct {
		name   string
		tier   string
		mutate func(a *components.DataTierArgs)
		want   string
	}{
		{"name without region", "web-standby", func(a *components.DataTierArgs) {}, "must contain the region"},
		{"role", "web-us-east-1", func(a *components.DataTierArgs) { a.Role = "replica" }, "Role"},
		{"engine", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.Engine = "mysql" }, `Database.Engine: "mysql" is not supported (allowed: postgres, aurora-postgresql)`},
		{"engine version", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.EngineVersion = "latest" }, `Database.EngineVersion: "latest" is not a version`},
		{"class", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.InstanceClass = "r6g.large" }, `Database.InstanceClass: "r6g.large" is not an RDS instance class`},
		{"aurora burstable", "web-us-east-1", func(a *components.DataTierArgs) {
			a.Database.Engine, a.Database.InstanceClass, a.GlobalClusterID = components.EngineAuroraPostgres, "db.t3.medium", pulumi.String("g")
		}, "cannot run an Aurora global database"},
		{"backups 6", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.BackupRetentionDays = 6 }, "Database.BackupRetentionDays: 6 is outside 7-35"},
		{"backups 36", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.BackupRetentionDays = 36 }, "Database.BackupRetentionDays: 36 is outside 7-35"},
		{"storage", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.AllocatedStorage = 10 }, "Database.AllocatedStorage: 10 GiB is outside 20-65536"},
		{"storage ceiling", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.MaxAllocatedStorage = 50 }, "Database.MaxAllocatedStorage: 50 GiB must lie in [AllocatedStorage 100, 65536]"},
		{"monitoring", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.MonitoringInterval = 7 }, "Database.MonitoringInterval: 7 is not one of"},
		{"insights retention", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.PerformanceInsightsRetentionDays = 30 }, "Database.PerformanceInsightsRetentionDays: 30 is not 7 or a multiple of 31"},
		{"lag threshold", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.ReplicaLagSeconds = 86401 }, "Database.ReplicaLagSeconds: 86401 is outside 1-86400"},
		{"admin", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.AdminUsername = "admin" }, `Database.AdminUsername: "admin" is a default admin name`},
		{"IAM user is the admin", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.IAMUsername = "dbadmin" }, `Database.IAMUsername: "dbadmin" is the master user`},
		{"IAM user is a built-in role", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.IAMUsername = "rds_iam" }, `Database.IAMUsername: "rds_iam" is a built-in`},
		{"instances", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.Instances = 17 }, "Database.Instances: 17 is outside 0-16"},
		{"port 1149", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.Port = 1149 }, "Database.Port: 1149 is outside 1150-65535"},
		{"port 65536", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.Port = 65536 }, "Database.Port: 65536 is outside 1150-65535"},
		{"port negative", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.Port = -5432 }, "Database.Port: -5432 is outside 1150-65535"},
		{"source", "web-us-east-1", func(a *components.DataTierArgs) { a.SourceDBARN = nil }, "SourceDBARN: required for an RDS standby"},
		{"cache serves peers outside home", "web-us-east-1", func(a *components.DataTierArgs) { a.CacheServesPeers = true }, "CacheServesPeers: allowed only on the Home region's tier, with a Cache (home false, cache true)"},
		{"source tier in this region", "web-us-east-1", func(a *components.DataTierArgs) {
			a.SourceDBARN, a.SourceTier = nil, &components.TierRef{Region: "us-east-1", Name: "web-us-east-1"}
		}, `SourceTier.Region: "us-east-1" is not another region`},
		{"source tier name", "web-us-east-1", func(a *components.DataTierArgs) {
			a.SourceDBARN, a.SourceTier = nil, &components.TierRef{Region: "us-west-2", Name: "Web_West"}
		}, `SourceTier.Name: "Web_West" is not a DataTier name`},
		{"kms", "web-us-east-1", func(a *components.DataTierArgs) { a.KMSKeyARN = nil }, "KMSKeyARN"},
		{"global cluster", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.Engine = components.EngineAuroraPostgres }, "GlobalClusterID"},
		{"aurora primary of 1", "web-us-east-1", func(a *components.DataTierArgs) {
			a.Role, a.Database.Engine, a.Database.Instances, a.GlobalClusterID = components.RolePrimary, components.EngineAuroraPostgres, 1, pulumi.String("g")
		}, "Database.Instances: 1; the primary Aurora cluster needs a writer and a reader"},
		{"rejoin phase", "web-us-east-1", func(a *components.DataTierArgs) { a.Database.Rejoin = "now" }, `Database.Rejoin: "now" is not a phase (allowed: "release", "rebuild")`},
		{"rejoin aurora", "web-us-east-1", func(a *components.DataTierArgs) {
			a.Database.Engine, a.Database.Rejoin, a.GlobalClusterID = components.EngineAuroraPostgres, components.RejoinRelease, pulumi.String("g")
		}, "Aurora rejoins through switchover"},
		{"rejoin primary", "web-us-east-1", func(a *components.DataTierArgs) {
			a.Role, a.Database.Rejoin = components.RolePrimary, components.RejoinRelease
		}, `Database.Rejoin: "release": this region is the primary`},
		{"token missing", "web-us-east-1", func(a *components.DataTierArgs) { a.Cache.AuthMode = components.CacheAuthToken }, `Cache.AuthToken: required with AuthMode "token", as a Pulumi secret`},
		{"token without token mode", "web-us-east-1", func(a *components.DataTierArgs) {
			a.Cache.AuthToken = pulumi.ToSecret(pulumi.String("x")).(pulumi.StringOutput)
		}, `Cache.AuthToken: set, but AuthMode is "iam"`},
		{"auth mode", "web-us-east-1", func(a *components.DataTierArgs) { a.Cache.AuthMode = "password" }, `Cache.AuthMode: "password" is not supported`},
		{"cache engine", "web-us-east-1", func(a *components.DataTierArgs) { a.Cache.Engine = "memcached" }, `Cache.Engine: "memcached" is not supported (allowed: redis, valkey)`},
		{"cache snapshots", "web-us-east-1", func(a *components.DataTierArgs) { a.Cache.SnapshotRetentionDays = 36 }, "Cache.SnapshotRetentionDays: 36 is outside 1-35"},
		{"cache lag threshold", "web-us-east-1", func(a *components.DataTierArgs) { a.Cache.LagSeconds = -1 }, "Cache.LagSeconds: -1 is outside 1-86400"},
		{"global datastore", "web-us-east-1", func(a *components.DataTierArgs) { a.GlobalReplicationGroupID = nil }, "GlobalReplicationGroupID"},
		{"cache nodes", "web-us-east-1", func(a *components.DataTierArgs) { a.Cache.Nodes = 1 }, "Cache.Nodes: 1 is outside 2-6"},
		{"cache node type", "web-us-east-1", func(a *components.DataTierArgs) { a.Cache.NodeType = "cache.t3.micro" }, `Cache.NodeType: "cache.t3.micro" is not a node type Global Datastore accepts`},
		{"identifier too long", "web-with-a-very-long-service-name-us-east-1", func(a *components.DataTierArgs) {}, "AWS allows at most 40"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := standbyArgs()
			c.mutate(a)
			e, err := run(t, c.tier, a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.Contains(t, err.Error(), `data tier "`+c.tier+`": `)
			for _, r := range e.Resources() {
				assert.Equal(t, mockcloud.AWSProviderType, r.Type, "bad args registered %s %s", r.Type, r.Name)
			}
		})
	}
	_, err := run(t, "web-us-east-1", nil)
	assert.ErrorContains(t, err, "args are required")
}

func TestCheckers(t *testing.T) {
	assert.NoError(t, components.CheckInstanceClass(components.EnginePostgres, "db.t4g.medium"))
	assert.Error(t, components.CheckInstanceClass(components.EngineAuroraPostgres, "db.t4g.medium"))
	assert.NoError(t, components.CheckInstanceClass(components.EngineAuroraPostgres, "db.r7g.2xlarge"))
	assert.Error(t, components.CheckInstanceClass(components.EnginePostgres, "db.r7g"))
	assert.Error(t, components.CheckAdminUsername("Postgres"))
	assert.Error(t, components.CheckAdminUsername("1user"))
	assert.NoError(t, components.CheckAdminUsername("dbadmin"))
	assert.NoError(t, components.CheckIAMDBUsername("web", "dbadmin"))
	for _, u := range []string{"Web", "web-app", "postgres", "rds_iam", "pg_monitor", "DBAdmin", ""} {
		assert.Error(t, components.CheckIAMDBUsername(u, "dbadmin"), u)
	}
	assert.NoError(t, components.CheckCacheNodeType("cache.r7g.large"))
	assert.Error(t, components.CheckCacheNodeType("cache.t4g.small"))
	for _, d := range []int{7, 31, 62, 713, 731} {
		assert.True(t, components.ValidPerformanceInsightsRetention(d), d)
	}
	for _, d := range []int{0, 8, 30, 744} {
		assert.False(t, components.ValidPerformanceInsightsRetention(d), d)
	}
}

// TestDataTierDataAccessGrant: without TaskRoleName there is no grant; with it, one inline policy on
// that role allows rds-db:connect as the IAM user on this database's resource ID and, with an IAM
// cache, elasticache:Connect on the group and its IAM user; the outputs name what the grant uses.
func TestDataTierDataAccessGrant(t *testing.T) {
	e, err := run(t, "web-us-east-1", standbyArgs())
	require.NoError(t, err)
	assert.Empty(t, e.ByType("aws:iam/rolePolicy:RolePolicy"), "no task role, no grant")

	for _, mode := range []components.CacheAuthMode{components.CacheAuthIAM, components.CacheAuthToken} {
		t.Run(string(mode), func(t *testing.T) {
			a := standbyArgs()
			a.TaskRoleName = pulumi.String("web-us-east-1-task-1234567")
			a.Cache.AuthMode = mode
			if mode == components.CacheAuthToken {
				a.Cache.AuthToken = pulumi.ToSecret(pulumi.String("correct-horse-battery-staple-42")).(pulumi.StringOutput)
			}
			e := mockcloud.New()
			var tier *components.DataTier
			require.NoError(t, e.Run(func(ctx *pulumi.Context) error {
				opt, err := onProvider(ctx, a.Region)
				if err != nil {
					return err
				}
				tier, err = components.NewDataTier(ctx, "web-us-east-1", a, opt)
				return err
			}, nil))
			ps := e.ByType("aws:iam/rolePolicy:RolePolicy")
			require.Len(t, ps, 1)
			p := ps[0]
			assert.Equal(t, "web-us-east-1-task-1234567", p.Str("role"))
			assert.Equal(t, "web-us-east-1-data-access", p.Str("name"))
			db := e.Find("aws:rds/instance:Instance", "web-us-east-1-db")
			require.NotNil(t, db)
			resourceID := db.Outputs["resourceId"].StringValue()
			policy := p.Str("policy")
			assert.Contains(t, policy, `"Action":["rds-db:connect"],"Resource":["arn:aws:rds-db:us-east-1:123456789012:dbuser:`+resourceID+`/app"]`)
			rg := e.Find("aws:elasticache/replicationGroup:ReplicationGroup", "web-us-east-1-cache")
			require.NotNil(t, rg)
			if mode == components.CacheAuthIAM {
				assert.Contains(t, policy, `"Action":["elasticache:Connect"]`)
				assert.Contains(t, policy, rg.Outputs["arn"].StringValue())
			} else {
				assert.NotContains(t, policy, "elasticache", "a token-authenticated cache needs no IAM permission")
			}
			await := func(o pulumi.StringOutput) string { return mockcloud.Await[string](t, o) }
			assert.Equal(t, resourceID, await(tier.DBResourceID))
			assert.Equal(t, "web-us-east-1", await(tier.DBIdentifier))
			assert.Equal(t, "app", await(tier.DBIAMUsername), "the default IAM database user")
			assert.Equal(t, "web-us-east-1", await(tier.CacheReplicationGroupID))
			if mode == components.CacheAuthIAM {
				assert.Equal(t, "web-us-east-1-app", await(tier.CacheIAMUsername))
			} else {
				assert.Empty(t, await(tier.CacheIAMUsername))
			}
		})
	}
}

func TestSpecDefaults(t *testing.T) {
	d := components.DatabaseSpec{}.WithDefaults(components.RolePrimary)
	assert.Equal(t, components.EnginePostgres, d.Engine)
	assert.Equal(t, components.DefaultPostgresVersion, d.EngineVersion)
	assert.Equal(t, 2, d.Instances, "an Aurora primary has a writer and a reader")
	assert.Equal(t, 14, d.BackupRetentionDays)
	assert.Equal(t, 1000, d.MaxAllocatedStorage)
	assert.Equal(t, 5432, d.Port)
	require.NotNil(t, d.ReplicaMultiAZ)
	assert.True(t, *d.ReplicaMultiAZ, "replicas are Multi-AZ unless turned off")
	off := components.DatabaseSpec{ReplicaMultiAZ: components.Bool(false), Port: 6543}.WithDefaults(components.RoleStandby)
	assert.False(t, *off.ReplicaMultiAZ, "an explicit false is kept")
	assert.Equal(t, 6543, off.Port, "a set port is kept")
	assert.Equal(t, 0, components.DatabaseSpec{}.WithDefaults(components.RoleStandby).Instances, "a standby's count is its own")
	set := components.DatabaseSpec{InstanceClass: "db.m7g.large", AllocatedStorage: 2000, BackupRetentionDays: 7}.WithDefaults(components.RolePrimary)
	assert.Equal(t, "db.m7g.large", set.InstanceClass, "a set value is kept")
	assert.Equal(t, 2000, set.MaxAllocatedStorage, "autoscaling storage never starts below the allocation")
	assert.Equal(t, 7, set.BackupRetentionDays)

	c := components.CacheSpec{Engine: components.CacheValkey}.WithDefaults()
	assert.Equal(t, "8.0", c.EngineVersion, "the version follows the engine")
	assert.Equal(t, components.CacheAuthIAM, c.AuthMode)
	assert.Equal(t, 6379, c.Port)
	assert.Equal(t, "7.1", components.CacheSpec{}.WithDefaults().EngineVersion)
}

// TestDataTierReplicaMultiAZAndPort: a replica's Multi-AZ follows ReplicaMultiAZ (default true), the
// writer is Multi-AZ whatever it says, and the database port reaches the instance and every ingress
// rule of the database security group (the region's tasks and the peers' subnets), and nothing
// stays on the default port.
func TestDataTierReplicaMultiAZAndPort(t *testing.T) {
	for _, tc := range []struct {
		name    string
		role    components.Role
		setting *bool
		want    bool
	}{
		{"replica default", components.RoleStandby, nil, true},
		{"replica off", components.RoleStandby, components.Bool(false), false},
		{"replica on", components.RoleStandby, components.Bool(true), true},
		{"writer with replicas off", components.RolePrimary, components.Bool(false), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := standbyArgs()
			a.Role, a.Database.ReplicaMultiAZ, a.Database.Port = tc.role, tc.setting, 6543
			a.PeerClientCIDRs = map[string][]string{"us-west-2": {"10.10.32.0/20"}}
			if tc.role == components.RolePrimary {
				a.Home, a.SourceDBARN, a.GlobalReplicationGroupID = true, nil, nil
			}
			e, err := run(t, "web-us-east-1", a)
			require.NoError(t, err)
			db := e.Find("aws:rds/instance:Instance", "web-us-east-1-db")
			require.NotNil(t, db)
			assert.Equal(t, tc.want, db.Inputs["multiAz"].BoolValue())
			port, _ := db.Num("port")
			assert.Equal(t, 6543.0, port)
			sg := e.Find("aws:ec2/securityGroup:SecurityGroup", "web-us-east-1-db")
			require.NotNil(t, sg)
			rules := e.Filter(func(r *mockcloud.Resource) bool {
				return r.Type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.Str("securityGroupId") == sg.ID
			})
			require.Len(t, rules, 2, "the tasks and one peer subnet")
			for _, r := range rules {
				from, _ := r.Num("fromPort")
				to, _ := r.Num("toPort")
				assert.Equal(t, []float64{6543, 6543}, []float64{from, to}, r.Name)
			}
		})
	}
}
