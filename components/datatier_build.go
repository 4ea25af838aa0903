package components

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// enhancedMonitoringPolicy is the path of the AWS-managed policy RDS enhanced monitoring needs.
const enhancedMonitoringPolicy = "service-role/AmazonRDSEnhancedMonitoringRole"

// tierBuilder carries what the steps of NewDataTier share.
type tierBuilder struct {
	ctx     *pulumi.Context
	name    string
	a       DataTierArgs
	t       *DataTier
	parent  pulumi.ResourceOrInvokeOption
	account string
	arns    AccountARNs

	dbSG          *ec2.SecurityGroup
	dbSubnetGroup *rds.SubnetGroup
	monitoring    *iam.Role
	// cacheUser is the IAM-authenticated cache user, nil without a cache or in token mode.
	cacheUser *elasticache.User
	cacheSG   *ec2.SecurityGroup
}

func (b *tierBuilder) child(suffix string) string { return b.name + "-" + suffix }

func (b *tierBuilder) primary() bool { return b.a.Role == RolePrimary }

func (b *tierBuilder) deletionProtection() bool { return boolOr(b.a.DeletionProtection, true) }

// backupTag is the writer database's backup selection tag (DataTierArgs.BackupSelection): none on a
// replica, or without a selection.
func (b *tierBuilder) backupTag() map[string]string {
	if !b.primary() {
		return nil
	}
	return backupTags(b.a.BackupSelection)
}

func (b *tierBuilder) tags(extra map[string]string) pulumi.StringMap {
	m := pulumi.StringMap{"Name": pulumi.String(b.name), "region": pulumi.String(b.a.Region)}
	for k, v := range extra {
		m[k] = pulumi.String(v)
	}
	return m
}

// securityGroup creates a security group with no egress that admits the client group on one port.
func (b *tierBuilder) securityGroup(suffix, what string, port int) (*ec2.SecurityGroup, error) {
	sg, err := ec2.NewSecurityGroup(b.ctx, b.child(suffix), &ec2.SecurityGroupArgs{
		VpcId:       b.a.VPCID,
		Description: pulumi.String(fmt.Sprintf("%s %s: port %d from the service tasks only", b.name, what, port)),
		Tags:        b.tags(map[string]string{"Name": b.child(suffix)}),
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("creating %s security group: %w", what, err)
	}
	if _, err := vpc.NewSecurityGroupIngressRule(b.ctx, b.child(suffix+"-in-tasks"), &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           sg.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(port),
		ToPort:                    pulumi.Int(port),
		ReferencedSecurityGroupId: b.a.ClientSecurityGroupID,
		Description:               pulumi.String(fmt.Sprintf("%s clients: the service tasks", what)),
	}, b.parent); err != nil {
		return nil, fmt.Errorf("creating %s ingress: %w", what, err)
	}
	return sg, nil
}

// peerNetwork admits the other regions' private subnets (their tasks, over the region links) to the
// database port and, with a cache, the cache port. Rules are named by region, never by role.
func (b *tierBuilder) peerNetwork() error {
	type group struct {
		suffix, what string
		sg           *ec2.SecurityGroup
		port         int
	}
	groups := []group{{"db", "database", b.dbSG, b.a.Database.Port}}
	if b.cacheSG != nil {
		groups = append(groups, group{"cache", "cache", b.cacheSG, b.a.Cache.Port})
	}
	for _, g := range groups {
		for _, region := range slices.Sorted(maps.Keys(b.a.PeerClientCIDRs)) {
			for i, cidr := range b.a.PeerClientCIDRs[region] {
				if _, err := vpc.NewSecurityGroupIngressRule(b.ctx, fmt.Sprintf("%s-in-%s-%d", b.child(g.suffix), region, i), &vpc.SecurityGroupIngressRuleArgs{
					SecurityGroupId: g.sg.ID(),
					IpProtocol:      pulumi.String("tcp"),
					FromPort:        pulumi.Int(g.port),
					ToPort:          pulumi.Int(g.port),
					CidrIpv4:        pulumi.String(cidr),
					Description:     pulumi.String(fmt.Sprintf("%s clients: the service tasks of %s, over the region link", g.what, region)),
				}, b.parent); err != nil {
					return fmt.Errorf("creating %s ingress from %s: %w", g.what, region, err)
				}
			}
		}
	}
	return nil
}

// dbNetwork creates the database security group, its subnet group and the enhanced monitoring role.
func (b *tierBuilder) dbNetwork() error {
	ctx, a := b.ctx, b.a
	var err error
	if b.dbSG, err = b.securityGroup("db", "database", a.Database.Port); err != nil {
		return err
	}
	b.t.DBSecurityGroupID = b.dbSG.ID()
	b.dbSubnetGroup, err = rds.NewSubnetGroup(ctx, b.child("db"), &rds.SubnetGroupArgs{
		Name:        pulumi.String(b.name),
		Description: pulumi.String(fmt.Sprintf("%s database: private subnets", b.name)),
		SubnetIds:   a.SubnetIDs,
		Tags:        b.tags(nil),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating DB subnet group: %w", err)
	}
	trust, err := assumeRolePolicy("monitoring.rds.amazonaws.com", b.account)
	if err != nil {
		return err
	}
	b.monitoring, err = iam.NewRole(ctx, b.child("rds-monitoring"), &iam.RoleArgs{
		Description:       pulumi.String(fmt.Sprintf("RDS enhanced monitoring of %s", b.name)),
		AssumeRolePolicy:  pulumi.String(trust),
		ManagedPolicyArns: pulumi.StringArray{pulumi.String(b.arns.AWSManagedPolicy(enhancedMonitoringPolicy))},
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating enhanced monitoring role: %w", err)
	}
	return nil
}

// recovery creates the DBRecovery instance: a point-in-time restore of source into a new, protected,
// single-AZ instance with the tier's network, key and settings. Its restore inputs are create-only
// (ignoreChanges), so it is never replaced, whatever happens to its source later.
func (b *tierBuilder) recovery(source *rds.Instance) error {
	d, a, r := b.a.Database, b.a, b.a.Database.Recovery
	pit := &rds.InstanceRestoreToPointInTimeArgs{SourceDbInstanceIdentifier: source.Identifier}
	if r.RestoreTime == "" {
		pit.UseLatestRestorableTime = pulumi.Bool(true)
	} else {
		pit.RestoreTime = pulumi.String(r.RestoreTime)
	}
	id := b.name + "-" + r.Name
	inst, err := rds.NewInstance(b.ctx, b.child("db-"+r.Name), &rds.InstanceArgs{
		Identifier:                       pulumi.String(id),
		RestoreToPointInTime:             pit,
		InstanceClass:                    pulumi.String(d.InstanceClass),
		StorageType:                      pulumi.String("gp3"),
		StorageEncrypted:                 pulumi.Bool(true),
		KmsKeyId:                         a.KMSKeyARN,
		DbSubnetGroupName:                b.dbSubnetGroup.Name,
		VpcSecurityGroupIds:              pulumi.StringArray{b.dbSG.ID()},
		PubliclyAccessible:               pulumi.Bool(false),
		Port:                             pulumi.Int(d.Port),
		MultiAz:                          pulumi.Bool(false),
		BackupRetentionPeriod:            pulumi.Int(d.BackupRetentionDays),
		DeletionProtection:               pulumi.Bool(b.deletionProtection()),
		DeleteAutomatedBackups:           pulumi.Bool(false),
		CopyTagsToSnapshot:               pulumi.Bool(true),
		SkipFinalSnapshot:                pulumi.Bool(false),
		FinalSnapshotIdentifier:          pulumi.String(id + "-final"),
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		MonitoringInterval:               pulumi.Int(d.MonitoringInterval),
		MonitoringRoleArn:                b.monitoring.Arn,
		Tags:                             b.tags(map[string]string{"Name": id, "recovery-of": b.name, "restore-time": r.RestoreTime}),
	}, b.parent, pulumi.DependsOn([]pulumi.Resource{source}),
		pulumi.IgnoreChanges([]string{"restoreToPointInTime", "engine", "engineVersion", "username", "dbName"}))
	if err != nil {
		return fmt.Errorf("creating the recovery instance %s: %w", id, err)
	}
	b.t.RecoveryEndpoint = inst.Address
	return nil
}

func (b *tierBuilder) database() error {
	if b.a.Database.Engine == EngineAuroraPostgres {
		return b.aurora()
	}
	return b.postgres()
}

// postgres creates the region's RDS instance. Every input that the AWS provider cannot change in
// place (identifier, KMS key, encryption, engine, user name, database name) is the same whatever the
// role, or is sent only at creation and ignored afterwards, so a change of primary region updates the
// instance: the new primary drops ReplicateSourceDb (promotion), and a former primary keeps its state
// until the two-step rejoin (see DatabaseSpec.Rejoin).
func (b *tierBuilder) postgres() error {
	ctx, a, d := b.ctx, b.a, b.a.Database
	args := &rds.InstanceArgs{
		Identifier:                         pulumi.String(b.name),
		InstanceClass:                      pulumi.String(d.InstanceClass),
		AllocatedStorage:                   pulumi.Int(d.AllocatedStorage),
		MaxAllocatedStorage:                pulumi.Int(d.MaxAllocatedStorage),
		StorageType:                        pulumi.String("gp3"),
		StorageEncrypted:                   pulumi.Bool(true),
		KmsKeyId:                           a.KMSKeyARN,
		DbSubnetGroupName:                  b.dbSubnetGroup.Name,
		VpcSecurityGroupIds:                pulumi.StringArray{b.dbSG.ID()},
		PubliclyAccessible:                 pulumi.Bool(false),
		Port:                               pulumi.Int(d.Port),
		MultiAz:                            pulumi.Bool(b.primary() || boolOr(d.ReplicaMultiAZ, true)),
		BackupRetentionPeriod:              pulumi.Int(d.BackupRetentionDays),
		DeletionProtection:                 pulumi.Bool(b.deletionProtection()),
		DeleteAutomatedBackups:             pulumi.Bool(false),
		CopyTagsToSnapshot:                 pulumi.Bool(true),
		AutoMinorVersionUpgrade:            pulumi.Bool(true),
		PerformanceInsightsEnabled:         pulumi.Bool(true),
		PerformanceInsightsKmsKeyId:        a.KMSKeyARN,
		PerformanceInsightsRetentionPeriod: pulumi.Int(d.PerformanceInsightsRetentionDays),
		MonitoringInterval:                 pulumi.Int(d.MonitoringInterval),
		MonitoringRoleArn:                  b.monitoring.Arn,
		EnabledCloudwatchLogsExports:       pulumi.StringArray{pulumi.String("postgresql"), pulumi.String("upgrade")},
		IamDatabaseAuthenticationEnabled:   pulumi.Bool(true),
		Tags:                               b.tags(b.backupTag()),
	}
	// Create-time-only inputs: the provider would replace the instance if they differed later.
	ignore := []string{"dbName", "username"}
	opts := []pulumi.ResourceOption{b.parent}
	// unprotect is set when the instance is released or rebuilt on purpose: its own Protect(false)
	// overrides the tier's protectStateful.
	unprotect := false
	if b.primary() {
		args.Engine = pulumi.String(string(EnginePostgres))
		args.EngineVersion = pulumi.String(d.EngineVersion)
		args.Username = pulumi.String(d.AdminUsername)
		args.DbName = pulumi.String(d.DatabaseName)
		if r := d.RestoreFrom; r != nil {
			// The master user and the database come from the backup; RDS refuses them with a restore.
			// The restore inputs are create-only: an instance that exists is never replaced by them.
			args.Username, args.DbName = nil, nil
			if r.Snapshot != "" {
				args.SnapshotIdentifier = pulumi.String(r.Snapshot)
			} else {
				pit := &rds.InstanceRestoreToPointInTimeArgs{SourceDbInstanceAutomatedBackupsArn: r.AutomatedBackupsARN}
				if r.RestoreTime == "" {
					pit.UseLatestRestorableTime = pulumi.Bool(true)
				} else {
					pit.RestoreTime = pulumi.String(r.RestoreTime)
				}
				args.RestoreToPointInTime = pit
			}
			ignore = append(ignore, "snapshotIdentifier", "restoreToPointInTime")
		}
		args.ManageMasterUserPassword = pulumi.Bool(true)
		args.MasterUserSecretKmsKeyId = a.KMSKeyARN
		args.SkipFinalSnapshot = pulumi.Bool(false)
		args.FinalSnapshotIdentifier = pulumi.String(b.name + "-final")
	} else {
		// A read replica inherits engine, version, user and password from its source; the managed
		// password of a former primary is left as it is. RDS refuses a final snapshot of a replica,
		// so a replica is created with none.
		args.ReplicateSourceDb = b.sourceDBARN()
		args.SkipFinalSnapshot = pulumi.Bool(true)
		ignore = append(ignore, "manageMasterUserPassword", "masterUserSecretKmsKeyId")
		switch d.Rejoin {
		case RejoinNone:
			// RDS cannot re-point a replica nor demote a writer: a standby keeps its current source
			// until it is rebuilt. Its final-snapshot settings stay as created, so a former primary,
			// which holds the last writes, keeps its final snapshot after a change of role.
			ignore = append(ignore, "replicateSourceDb", "skipFinalSnapshot", "finalSnapshotIdentifier")
		case RejoinRelease:
			// Replace nothing yet; snapshot the stale copy if it is ever deleted.
			unprotect = true
			args.DeletionProtection = pulumi.Bool(false)
			args.SkipFinalSnapshot = pulumi.Bool(false)
			args.FinalSnapshotIdentifier = pulumi.String(b.name + "-before-rejoin")
			ignore = append(ignore, "replicateSourceDb")
		case RejoinRebuild:
			// A standalone or re-sourced instance cannot become a replica of the current primary in
			// place: replace it (same URN; same identifier, so delete first). The delete uses the
			// released state (final snapshot <name>-before-rejoin); the new replica has none.
			//
			// Nothing is ignored: the engine applies ignoreChanges before it knows the step is a
			// replacement, and would copy the old writer's create-time inputs (its database name, user
			// and managed password) into the new replica's, which the provider rejects as conflicting
			// with replicate_source_db (found by the lost-region drill).
			unprotect = true
			args.DeletionProtection = pulumi.Bool(false)
			ignore = nil
			opts = append(opts, pulumi.ReplaceOnChanges([]string{"replicateSourceDb"}), pulumi.DeleteBeforeReplace(true))
		}
	}
	if unprotect {
		opts = append(opts, pulumi.Protect(false))
	}
	opts = append(opts, pulumi.IgnoreChanges(ignore))
	inst, err := rds.NewInstance(ctx, b.child("db"), args, opts...)
	if err != nil {
		return fmt.Errorf("creating RDS instance: %w", err)
	}
	b.t.Instance = inst
	if d.Recovery != nil {
		if err := b.recovery(inst); err != nil {
			return err
		}
	}
	b.t.DBARN = inst.Arn
	b.t.DBIdentifier = inst.Identifier
	b.t.DBResourceID = inst.ResourceId
	b.t.WriterEndpoint = inst.Address
	b.t.ReaderEndpoint = inst.Address
	if b.primary() {
		b.t.MasterSecretARN = inst.MasterUserSecrets.ApplyT(func(s []rds.InstanceMasterUserSecret) string {
			if len(s) > 0 && s[0].SecretArn != nil {
				return *s[0].SecretArn
			}
			return ""
		}).(pulumi.StringOutput)
	}
	return nil
}

// aurora creates the Aurora global cluster (Home region only), the region's cluster and its
// instances. The Home cluster carries the create-time-only settings (master user, managed password,
// initial database); membership and replication source, which AWS changes on switchover and
// failover, are ignored after creation.
func (b *tierBuilder) aurora() error {
	ctx, a, d := b.ctx, b.a, b.a.Database
	globalID := a.GlobalClusterID
	if a.Home {
		gc, err := rds.NewGlobalCluster(ctx, a.GlobalName, &rds.GlobalClusterArgs{
			GlobalClusterIdentifier: pulumi.String(a.GlobalName),
			Engine:                  pulumi.String(string(EngineAuroraPostgres)),
			EngineVersion:           pulumi.String(d.EngineVersion),
			StorageEncrypted:        pulumi.Bool(true),
			DeletionProtection:      pulumi.Bool(b.deletionProtection()),
			DatabaseName:            pulumi.String(d.DatabaseName),
		}, b.parent, pulumi.IgnoreChanges([]string{"databaseName"}))
		if err != nil {
			return fmt.Errorf("creating Aurora global cluster: %w", err)
		}
		b.t.GlobalCluster = gc
		b.t.GlobalClusterID = gc.ID().ToStringOutput()
		globalID = gc.ID()
	}
	args := &rds.ClusterArgs{
		ClusterIdentifier:                pulumi.String(b.name),
		Engine:                           pulumi.String(string(EngineAuroraPostgres)),
		EngineVersion:                    pulumi.String(d.EngineVersion),
		GlobalClusterIdentifier:          globalID,
		DbSubnetGroupName:                b.dbSubnetGroup.Name,
		VpcSecurityGroupIds:              pulumi.StringArray{b.dbSG.ID()},
		Port:                             pulumi.Int(d.Port),
		StorageEncrypted:                 pulumi.Bool(true),
		KmsKeyId:                         a.KMSKeyARN,
		BackupRetentionPeriod:            pulumi.Int(d.BackupRetentionDays),
		DeletionProtection:               pulumi.Bool(b.deletionProtection()),
		DeleteAutomatedBackups:           pulumi.Bool(false),
		CopyTagsToSnapshot:               pulumi.Bool(true),
		EnabledCloudwatchLogsExports:     pulumi.StringArray{pulumi.String("postgresql")},
		IamDatabaseAuthenticationEnabled: pulumi.Bool(true),
		SkipFinalSnapshot:                pulumi.Bool(!b.primary()),
		Tags:                             b.tags(b.backupTag()),
	}
	if b.primary() {
		args.FinalSnapshotIdentifier = pulumi.String(b.name + "-final")
	}
	if a.Home {
		args.MasterUsername = pulumi.String(d.AdminUsername)
		args.DatabaseName = pulumi.String(d.DatabaseName)
		args.ManageMasterUserPassword = pulumi.Bool(true)
		args.MasterUserSecretKmsKeyId = a.KMSKeyARN
	}
	opts := []pulumi.ResourceOption{b.parent, pulumi.IgnoreChanges([]string{
		"globalClusterIdentifier", "replicationSourceIdentifier",
		"masterUsername", "databaseName", "manageMasterUserPassword", "masterUserSecretKmsKeyId",
	})}
	cl, err := rds.NewCluster(ctx, b.child("db"), args, opts...)
	if err != nil {
		return fmt.Errorf("creating Aurora cluster: %w", err)
	}
	b.t.Cluster = cl
	b.t.DBARN = cl.Arn
	b.t.DBIdentifier = cl.ClusterIdentifier
	b.t.DBResourceID = cl.ClusterResourceId
	b.t.WriterEndpoint = cl.Endpoint
	b.t.ReaderEndpoint = cl.ReaderEndpoint
	if a.Home {
		b.t.MasterSecretARN = cl.MasterUserSecrets.ApplyT(func(s []rds.ClusterMasterUserSecret) string {
			if len(s) > 0 && s[0].SecretArn != nil {
				return *s[0].SecretArn
			}
			return ""
		}).(pulumi.StringOutput)
	}
	// Instances hold no data (the cluster volume does), so they are not protected: the count follows
	// the role and the DR strategy.
	for i := 1; i <= d.Instances; i++ {
		inst, err := rds.NewClusterInstance(ctx, b.child(fmt.Sprintf("db-%d", i)), &rds.ClusterInstanceArgs{
			Identifier:                         pulumi.String(fmt.Sprintf("%s-%d", b.name, i)),
			ClusterIdentifier:                  cl.ID(),
			Engine:                             pulumi.String(string(EngineAuroraPostgres)),
			InstanceClass:                      pulumi.String(d.InstanceClass),
			DbSubnetGroupName:                  b.dbSubnetGroup.Name,
			PubliclyAccessible:                 pulumi.Bool(false),
			AutoMinorVersionUpgrade:            pulumi.Bool(true),
			CopyTagsToSnapshot:                 pulumi.Bool(true),
			PerformanceInsightsEnabled:         pulumi.Bool(true),
			PerformanceInsightsKmsKeyId:        a.KMSKeyARN,
			PerformanceInsightsRetentionPeriod: pulumi.Int(d.PerformanceInsightsRetentionDays),
			MonitoringInterval:                 pulumi.Int(d.MonitoringInterval),
			MonitoringRoleArn:                  b.monitoring.Arn,
			PromotionTier:                      pulumi.Int(i - 1),
			Tags:                               b.tags(nil),
		}, b.parent)
		if err != nil {
			return fmt.Errorf("creating Aurora instance %d: %w", i, err)
		}
		b.t.ClusterInstances = append(b.t.ClusterInstances, inst)
	}
	return nil
}

// cache creates the cache network, RBAC users (AuthMode iam) and the replication group: in the Home
// region the group that owns engine, version, node type and encryption, and the Global Datastore; in
// every other region a member that omits what the Global Datastore owns and encrypts its data at rest
// with its own region's key.
func (b *tierBuilder) cache() error {
	ctx, a, c := b.ctx, b.a, b.a.Cache
	if c == nil {
		return nil
	}
	sg, err := b.securityGroup("cache", "cache", c.Port)
	if err != nil {
		return err
	}
	b.cacheSG = sg
	b.t.CacheSecurityGroupID = sg.ID().ToStringOutput()
	subnets, err := elasticache.NewSubnetGroup(ctx, b.child("cache"), &elasticache.SubnetGroupArgs{
		Name:        pulumi.String(b.child("cache")),
		Description: pulumi.String(fmt.Sprintf("%s cache: private subnets", b.name)),
		SubnetIds:   a.SubnetIDs,
		Tags:        b.tags(nil),
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating cache subnet group: %w", err)
	}
	args := &elasticache.ReplicationGroupArgs{
		ReplicationGroupId:       pulumi.String(b.name),
		Description:              pulumi.String(fmt.Sprintf("%s cache", b.name)),
		NumCacheClusters:         pulumi.Int(c.Nodes),
		AutomaticFailoverEnabled: pulumi.Bool(true),
		MultiAzEnabled:           pulumi.Bool(true),
		SubnetGroupName:          subnets.Name,
		SecurityGroupIds:         pulumi.StringArray{sg.ID()},
		Port:                     pulumi.Int(c.Port),
		SnapshotRetentionLimit:   pulumi.Int(c.SnapshotRetentionDays),
		FinalSnapshotIdentifier:  pulumi.String(b.name + "-final"),
		AutoMinorVersionUpgrade:  pulumi.Bool(true),
		Tags:                     b.tags(nil),
	}
	switch c.AuthMode {
	case CacheAuthToken:
		args.AuthToken = pulumi.ToSecret(c.AuthToken.ToStringOutput()).(pulumi.StringOutput)
		args.AuthTokenUpdateStrategy = pulumi.String("ROTATE")
	default:
		group, err := b.cacheUsers()
		if err != nil {
			return err
		}
		args.UserGroupIds = pulumi.StringArray{group.UserGroupId}
	}
	ignore := []string{"globalReplicationGroupId"}
	if a.Home || a.Standalone {
		args.Engine = pulumi.String(string(c.Engine))
		args.EngineVersion = pulumi.String(c.EngineVersion)
		args.NodeType = pulumi.String(c.NodeType)
		args.AtRestEncryptionEnabled = pulumi.Bool(true)
		args.KmsKeyId = a.KMSKeyARN
		args.TransitEncryptionEnabled = pulumi.Bool(true)
		if a.Home {
			// Once the group is in the Global Datastore, version and node type change through it.
			ignore = append(ignore, "engineVersion", "nodeType", "parameterGroupName")
		}
	} else {
		args.GlobalReplicationGroupId = a.GlobalReplicationGroupID
		// A member takes at-rest and in-transit encryption, engine, version and node type from the
		// Global Datastore (AWS rejects them here), but its data at rest is encrypted with the key it
		// is created with: this region's own key (a key of another region is refused). The key is
		// create-only, so it is ignored afterwards: a member created before it was set keeps the
		// AWS-managed key instead of being replaced (docs/datatier.md).
		args.KmsKeyId = a.KMSKeyARN
		ignore = append(ignore, "kmsKeyId")
	}
	rg, err := elasticache.NewReplicationGroup(ctx, b.child("cache"), args,
		b.parent, pulumi.IgnoreChanges(ignore))
	if err != nil {
		return fmt.Errorf("creating replication group: %w", err)
	}
	b.t.ReplicationGroup = rg
	b.t.CacheReplicationGroupID = rg.ReplicationGroupId
	b.t.CachePrimaryEndpoint = rg.PrimaryEndpointAddress
	b.t.CacheReaderEndpoint = rg.ReaderEndpointAddress
	if !a.Home {
		return nil
	}
	grg, err := elasticache.NewGlobalReplicationGroup(ctx, a.GlobalName, &elasticache.GlobalReplicationGroupArgs{
		GlobalReplicationGroupIdSuffix:    pulumi.String(a.GlobalName),
		GlobalReplicationGroupDescription: pulumi.String(fmt.Sprintf("%s Global Datastore", a.GlobalName)),
		PrimaryReplicationGroupId:         rg.ID(),
		AutomaticFailoverEnabled:          pulumi.Bool(true),
		CacheNodeType:                     pulumi.String(c.NodeType),
		EngineVersion:                     pulumi.String(c.EngineVersion),
	}, b.parent, pulumi.IgnoreChanges([]string{"primaryReplicationGroupId"}))
	if err != nil {
		return fmt.Errorf("creating Global Datastore: %w", err)
	}
	b.t.GlobalReplicationGroup = grg
	b.t.GlobalReplicationGroupID = grg.GlobalReplicationGroupId
	return nil
}

// cacheUsers creates the RBAC user group: the mandatory "default" user, disabled, and an
// IAM-authenticated application user (user name = user ID, as IAM authentication requires).
func (b *tierBuilder) cacheUsers() (*elasticache.UserGroup, error) {
	ctx, c := b.ctx, b.a.Cache
	engine := pulumi.String(string(c.Engine))
	def, err := elasticache.NewUser(ctx, b.child("cache-default"), &elasticache.UserArgs{
		UserId:             pulumi.String(b.child("default")),
		UserName:           pulumi.String("default"),
		Engine:             engine,
		AccessString:       pulumi.String("off -@all"),
		AuthenticationMode: &elasticache.UserAuthenticationModeArgs{Type: pulumi.String("no-password-required")},
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("creating disabled default cache user: %w", err)
	}
	app, err := elasticache.NewUser(ctx, b.child("cache-app"), &elasticache.UserArgs{
		UserId:             pulumi.String(b.child("app")),
		UserName:           pulumi.String(b.child("app")),
		Engine:             engine,
		AccessString:       pulumi.String("on ~* +@all -@dangerous"),
		AuthenticationMode: &elasticache.UserAuthenticationModeArgs{Type: pulumi.String("iam")},
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("creating IAM cache user: %w", err)
	}
	b.cacheUser = app
	b.t.CacheIAMUsername = app.UserName
	group, err := elasticache.NewUserGroup(ctx, b.child("cache"), &elasticache.UserGroupArgs{
		UserGroupId: pulumi.String(b.child("cache")),
		Engine:      engine,
		UserIds:     pulumi.StringArray{def.UserId, app.UserId},
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("creating cache user group: %w", err)
	}
	return group, nil
}

// dataAccess grants the service's task role (TaskRoleName) what it needs to reach this region's data
// with IAM authentication, and nothing more: rds-db:connect as Database.IAMUsername on this region's
// database (its resource ID, which survives promotion) and, with an IAM-authenticated cache,
// elasticache:Connect on this region's replication group and IAM user. The policy is named by region
// and names only role-independent resources, so a change of primary neither renames nor changes it.
func (b *tierBuilder) dataAccess() error {
	a := b.a
	if a.TaskRoleName == nil {
		return nil
	}
	iamCache := b.cacheUser != nil
	inputs := []pulumi.StringInput{b.t.DBResourceID}
	if iamCache {
		inputs = append(inputs, b.t.ReplicationGroup.Arn, b.cacheUser.Arn)
	}
	policy := policyOutput(func(v []string) []statement {
		st := []statement{{
			Sid:      "ConnectToDatabase",
			Effect:   "Allow",
			Action:   []string{"rds-db:connect"},
			Resource: []string{b.arns.ARN("rds-db", a.Region, "dbuser:"+v[0]+"/"+a.Database.IAMUsername)},
		}}
		if iamCache {
			st = append(st, statement{
				Sid:      "ConnectToCache",
				Effect:   "Allow",
				Action:   []string{"elasticache:Connect"},
				Resource: []string{v[1], v[2]},
			})
		}
		return st
	}, inputs...)
	p, err := iam.NewRolePolicy(b.ctx, b.child("data-access"), &iam.RolePolicyArgs{
		Name:   pulumi.String(b.child("data-access")),
		Role:   a.TaskRoleName,
		Policy: policy,
	}, b.parent)
	if err != nil {
		return fmt.Errorf("creating the task role's data-access policy: %w", err)
	}
	b.t.DataAccessPolicy = p
	return b.peerAccess()
}

// peerAccess lets every other region's task role connect, as the IAM user, to this region's
// database: the writer takes the standbys' writes, and after a flip the writer is elsewhere. With
// CacheServesPeers and an IAM-authenticated cache, they may also connect to this region's cache,
// the only one (the other regions hold no member).
func (b *tierBuilder) peerAccess() error {
	a := b.a
	peerCache := a.CacheServesPeers && b.cacheUser != nil
	inputs := []pulumi.StringInput{b.t.DBResourceID}
	if peerCache {
		inputs = append(inputs, b.t.ReplicationGroup.Arn, b.cacheUser.Arn)
	}
	for _, peer := range slices.Sorted(maps.Keys(a.PeerTaskRoleNames)) {
		policy := policyOutput(func(v []string) []statement {
			st := []statement{{
				Sid:      "ConnectToPeerDatabase",
				Effect:   "Allow",
				Action:   []string{"rds-db:connect"},
				Resource: []string{b.arns.ARN("rds-db", a.Region, "dbuser:"+v[0]+"/"+a.Database.IAMUsername)},
			}}
			if peerCache {
				st = append(st, statement{
					Sid:      "ConnectToPeerCache",
					Effect:   "Allow",
					Action:   []string{"elasticache:Connect"},
					Resource: []string{v[1], v[2]},
				})
			}
			return st
		}, inputs...)
		name := b.child("db-access-from-" + peer)
		if _, err := iam.NewRolePolicy(b.ctx, name, &iam.RolePolicyArgs{
			Name:   pulumi.String(name),
			Role:   a.PeerTaskRoleNames[peer],
			Policy: policy,
		}, b.parent); err != nil {
			return fmt.Errorf("granting %s's tasks access to the database: %w", peer, err)
		}
	}
	return nil
}

// alarms creates, in a standby region, the replica-lag alarms of the database and the cache: data
// consistency is asynchronous, and a growing lag is the RPO a failover would lose.
func (b *tierBuilder) alarms() error {
	if b.primary() {
		return nil
	}
	a, d := b.a, b.a.Database
	db := lagAlarm{
		suffix: "db-replica-lag", namespace: "AWS/RDS", metric: "ReplicaLag",
		dimensions: pulumi.StringMap{"DBInstanceIdentifier": pulumi.String(b.name)},
		threshold:  float64(d.ReplicaLagSeconds), unit: "seconds", missing: "breaching",
	}
	if d.Engine == EngineAuroraPostgres {
		db.metric = "AuroraGlobalDBReplicationLag"
		db.dimensions = pulumi.StringMap{"DBClusterIdentifier": pulumi.String(b.name)}
		db.threshold = float64(d.ReplicaLagSeconds) * 1000
		db.unit = "milliseconds"
		// A headless secondary publishes no instance metrics.
		db.missing = "missing"
	}
	if err := b.lagAlarm(db); err != nil {
		return err
	}
	if a.Cache == nil || a.CacheServesPeers {
		return nil // no cache here, or the only one (never a secondary)
	}
	return b.lagAlarm(lagAlarm{
		suffix: "cache-replication-lag", namespace: "AWS/ElastiCache", metric: "GlobalDatastoreReplicationLag",
		dimensions: pulumi.StringMap{"CacheClusterId": pulumi.String(b.name + "-001")},
		threshold:  float64(a.Cache.LagSeconds), unit: "seconds", missing: "breaching",
	})
}

// lagAlarm describes one replica-lag alarm.
type lagAlarm struct {
	suffix, namespace, metric, unit, missing string
	dimensions                               pulumi.StringMap
	threshold                                float64
}

func (b *tierBuilder) lagAlarm(l lagAlarm) error {
	args := &cloudwatch.MetricAlarmArgs{
		Name: pulumi.String(b.child(l.suffix)),
		AlarmDescription: pulumi.String(fmt.Sprintf("%s: %s above %v %s; a failover now would lose that much data (replication is asynchronous)",
			b.name, l.metric, l.threshold, l.unit)),
		Namespace:          pulumi.String(l.namespace),
		MetricName:         pulumi.String(l.metric),
		Dimensions:         l.dimensions,
		Statistic:          pulumi.String("Maximum"),
		Period:             pulumi.Int(60),
		EvaluationPeriods:  pulumi.Int(5),
		DatapointsToAlarm:  pulumi.Int(3),
		Threshold:          pulumi.Float64(l.threshold),
		ComparisonOperator: pulumi.String("GreaterThanThreshold"),
		TreatMissingData:   pulumi.String(l.missing),
		Tags:               b.tags(nil),
	}
	if b.a.AlarmActions != nil {
		actions := b.a.AlarmActions.ToStringArrayOutput().ApplyT(func(v []string) []any {
			out := make([]any, len(v))
			for i, x := range v {
				out[i] = x
			}
			return out
		}).(pulumi.ArrayOutput)
		args.AlarmActions = actions
		args.OkActions = actions
	}
	if _, err := cloudwatch.NewMetricAlarm(b.ctx, b.child(l.suffix), args, b.parent); err != nil {
		return fmt.Errorf("creating %s alarm: %w", l.metric, err)
	}
	return nil
}

// sourceDBARN is the primary instance's ARN an RDS standby replicates: SourceDBARN, else the ARN of
// SourceTier's instance in this account and partition.
func (b *tierBuilder) sourceDBARN() pulumi.StringInput {
	if b.a.SourceDBARN != nil {
		return b.a.SourceDBARN
	}
	return pulumi.String(b.arns.ARN("rds", b.a.SourceTier.Region, "db:"+b.a.SourceTier.Name))
}
