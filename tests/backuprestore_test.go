package tests

import (
	"testing"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	cacheGroupType       = "aws:elasticache/replicationGroup:ReplicationGroup"
	cacheGlobalGroupType = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup"
	ecsServiceType       = "aws:ecs/service:Service"
	ecrRepositoryType    = "aws:ecr/repository:Repository"
	backupVaultType      = "aws:backup/vault:Vault"
	backupReplType       = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"
)

// backupRestore is prod under the backup-restore strategy.
func backupRestore(t *testing.T, kv map[string]any) map[string]string {
	t.Helper()
	conf := with(t, prodConfig(t), map[string]any{"drStrategy": string(stacks.BackupRestore)})
	return with(t, conf, kv)
}

// lastOutputs is what the deployment d exported, as a StackReference to it reads it.
func lastOutputs(t *testing.T, d *stacks.Deployment) map[string]any {
	t.Helper()
	last := map[string]any{}
	for k, v := range d.Outputs {
		last[k] = mockcloud.Await[any](t, pulumi.ToOutput(v))
	}
	return last
}

// redeploy deploys conf under a fresh engine whose stack's last deployment exported last.
func redeploy(t *testing.T, conf map[string]string, last map[string]any) (*mockcloud.Engine, *stacks.Deployment, error) {
	t.Helper()
	e := mockcloud.New()
	e.StackOutputs = map[string]map[string]any{"organization/multiregion/test": last}
	return runStackOn(e, conf)
}

// TestBackupRestoreStandbysHoldNoData: under backup-restore only the primary holds a database, a cache
// and running tasks; every standby holds its network, an idle service, the ECR replica and its backup
// vault, and the primary's backup copy region receives the writer's automated backups. The writer and
// its cache stand alone (no Global Datastore), and the cache of each region's tasks is the primary's.
func TestBackupRestoreStandbysHoldNoData(t *testing.T) {
	e, d := deploy(t, backupRestore(t, nil))
	assert.Len(t, inRegion(e.ByType(rdsInstance), "us-west-2"), 1, "the primary's writer")
	assert.Len(t, inRegion(e.ByType(cacheGroupType), "us-west-2"), 1, "the primary's cache")
	assert.Empty(t, e.ByType(cacheGlobalGroupType), "no Global Datastore: nothing joins it")
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		assert.Empty(t, inRegion(e.ByType(rdsInstance), region), "%s database", region)
		assert.Empty(t, inRegion(e.ByType(cacheGroupType), region), "%s cache", region)
		assert.Empty(t, inRegion(e.ByType("aws:rds/subnetGroup:SubnetGroup"), region), "%s DB subnet group", region)
		assert.Nil(t, d.Regions[region].Data, "%s data tier", region)
		svc := inRegion(e.ByType(ecsServiceType), region)
		if assert.Len(t, svc, 1, "%s idle service", region) {
			n, _ := svc[0].Num("desiredCount")
			assert.Zero(t, n, "%s runs no task", region)
		}
		assert.Len(t, inRegion(e.ByType(ecrRepositoryType), region), 1, "%s: the ECR replica the primary's rule fills", region)
		assert.Len(t, inRegion(e.ByType(backupVaultType), region), 1, "%s backup vault", region)
	}
	rule := e.ByType("aws:ecr/replicationConfiguration:ReplicationConfiguration")
	if assert.Len(t, rule, 1) {
		assert.Equal(t, "us-west-2", rule[0].Region)
	}
	repl := e.ByType(backupReplType)
	if assert.Len(t, repl, 1, "the writer's automated backups replicated") {
		assert.Equal(t, d.Config.BackupCopyRegion("us-west-2"), repl[0].Region)
	}
	writer := inRegion(e.ByType(rdsInstance), "us-west-2")[0]
	assert.True(t, writer.Protect)
	assert.False(t, writer.Has("snapshotIdentifier"), "a first deployment creates an empty writer")
	assert.False(t, writer.Has("restoreToPointInTime"))
	o := d.Config.Objectives()
	assert.Equal(t, 90+120+(1200+3600)+10, o.RTOSeconds, "detection + up + restore of 100 GB + writer TTL: %s", o.Basis)
	assert.Equal(t, 600, o.RPOSeconds)
	assert.Contains(t, o.RTOParts, "restore")
}

// TestBackupRestoreFailover: a change of primaryRegion to a region without a database restores the new
// writer there from the former writer's replicated automated backups ("latest" or a point in time),
// or from a snapshot; the former writer is kept, protected, under the same name; without restoreFrom
// the change is refused before anything is registered. A later up never sends the restore inputs again.
func TestBackupRestoreFailover(t *testing.T) {
	before, first := deploy(t, backupRestore(t, nil))
	last := lastOutputs(t, first)
	regions := last["regions"].(map[string]any)
	arn := regions["us-east-1"].(map[string]any)["replicatedDbBackups"].(map[string]string)["us-west-2"]
	require.NotEmpty(t, arn, "the replicated backups' ARN is exported where they are")

	failover := map[string]any{"primaryRegion": "us-east-1", "lostRegions": []string{"us-west-2"}}
	t.Run("refused without restoreFrom", func(t *testing.T) {
		e, _, err := redeploy(t, backupRestore(t, failover), last)
		require.Error(t, err)
		assert.Empty(t, e.Filter(func(r *mockcloud.Resource) bool { return r.Custom && r.Type != mockcloud.StackReferenceType }), "nothing registered")
		assert.Contains(t, err.Error(), "multiregion:database.restoreFrom: not set, but primaryRegion moves from us-west-2 to us-east-1")
	})
	for _, tc := range []struct {
		from string
		want func(t *testing.T, w *mockcloud.Resource)
	}{
		{"latest", func(t *testing.T, w *mockcloud.Resource) {
			assert.Equal(t, arn, w.Str("restoreToPointInTime.sourceDbInstanceAutomatedBackupsArn"))
			b, _ := w.Bool("restoreToPointInTime.useLatestRestorableTime")
			assert.True(t, b)
		}},
		{"2026-12-01T10:04:00Z", func(t *testing.T, w *mockcloud.Resource) {
			assert.Equal(t, arn, w.Str("restoreToPointInTime.sourceDbInstanceAutomatedBackupsArn"))
			assert.Equal(t, "2026-12-01T10:04:00Z", w.Str("restoreToPointInTime.restoreTime"))
		}},
		{"arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:copyjob-1", func(t *testing.T, w *mockcloud.Resource) {
			assert.Equal(t, "arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:copyjob-1", w.Str("snapshotIdentifier"))
			assert.False(t, w.Has("restoreToPointInTime"))
		}},
	} {
		t.Run(tc.from, func(t *testing.T) {
			kv := map[string]any{"primaryRegion": "us-east-1", "lostRegions": []string{"us-west-2"}, "database": map[string]any{"restoreFrom": tc.from}}
			e, d, err := redeploy(t, backupRestore(t, kv), last)
			require.NoError(t, err)
			w := inRegion(e.ByType(rdsInstance), "us-east-1")
			require.Len(t, w, 1, "the new writer")
			tc.want(t, w[0])
			assert.True(t, w[0].Protect)
			assert.Subset(t, w[0].IgnoreChanges, []string{"snapshotIdentifier", "restoreToPointInTime"}, "restore inputs are create-only")
			assert.False(t, w[0].Has("username"), "the master user comes from the backup")
			kept := inRegion(e.ByType(rdsInstance), "us-west-2")
			if assert.Len(t, kept, 1, "the former writer is kept") {
				assert.Equal(t, inRegion(before.ByType(rdsInstance), "us-west-2")[0].URN, kept[0].URN, "same URN: kept, not replaced")
				assert.True(t, kept[0].Protect)
			}
			assert.Len(t, inRegion(e.ByType(cacheGroupType), "us-east-1"), 1, "a new, empty cache")
			assert.Len(t, inRegion(e.ByType(backupReplType), "us-east-1"), 1, "the lost writer's replicated backups stay while a restore reads them")

			// The next up: the writer exists, so restoreFrom (even another value) sends nothing.
			again := lastOutputs(t, d)
			kv["database"] = map[string]any{"restoreFrom": "arn:aws:rds:us-east-1:123456789012:snapshot:other"}
			e2, _, err := redeploy(t, backupRestore(t, kv), again)
			require.NoError(t, err)
			w2 := inRegion(e2.ByType(rdsInstance), "us-east-1")
			if assert.Len(t, w2, 1) {
				assert.Equal(t, w[0].URN, w2[0].URN)
				assert.False(t, w2[0].Has("snapshotIdentifier"))
				assert.False(t, w2[0].Has("restoreToPointInTime"))
			}
		})
	}
}

// TestBackupRestoreRetiresAFormerWriter: a returning former writer stays until the operator retires it:
// release lifts Pulumi protect and AWS deletion protection (its final snapshot stays set); rebuild
// stops registering it, so the up deletes it with its final snapshot; nothing else changes.
func TestBackupRestoreRetiresAFormerWriter(t *testing.T) {
	_, first := deploy(t, backupRestore(t, nil))
	kv := map[string]any{"primaryRegion": "us-east-1", "database": map[string]any{"restoreFrom": "latest"}}
	_, failed, err := redeploy(t, backupRestore(t, kv), lastOutputs(t, first))
	require.NoError(t, err)
	last := lastOutputs(t, failed)

	e, _, err := redeploy(t, backupRestore(t, map[string]any{"primaryRegion": "us-east-1"}), last)
	require.NoError(t, err)
	kept := inRegion(e.ByType(rdsInstance), "us-west-2")
	require.Len(t, kept, 1)
	assert.True(t, kept[0].Protect)
	assert.False(t, kept[0].Has("tags.multiregion-backup"), "the primary's writer is the one backed up")

	e, _, err = redeploy(t, backupRestore(t, map[string]any{"primaryRegion": "us-east-1",
		"database": map[string]any{"rejoin": map[string]string{"us-west-2": "release"}}}), last)
	require.NoError(t, err)
	kept = inRegion(e.ByType(rdsInstance), "us-west-2")
	if assert.Len(t, kept, 1) {
		assert.False(t, kept[0].Protect)
		dp, _ := kept[0].Bool("deletionProtection")
		assert.False(t, dp)
		skip, _ := kept[0].Bool("skipFinalSnapshot")
		assert.False(t, skip, "deleted with a final snapshot")
		assert.Equal(t, "web-us-west-2-final", kept[0].Str("finalSnapshotIdentifier"))
	}
	e, retired, err := redeploy(t, backupRestore(t, map[string]any{"primaryRegion": "us-east-1",
		"database": map[string]any{"rejoin": map[string]string{"us-west-2": "rebuild"}}}), last)
	require.NoError(t, err)
	assert.Empty(t, inRegion(e.ByType(rdsInstance), "us-west-2"), "retired")
	assert.Len(t, inRegion(e.ByType(rdsInstance), "us-east-1"), 1)

	// A failback to a region that still holds its stale former writer is refused; once it is retired,
	// the writer is restored there from the current writer's backups.
	const snap = "arn:aws:rds:us-west-2:123456789012:snapshot:awsbackup:copyjob-2"
	back := map[string]any{"primaryRegion": "us-west-2", "database": map[string]any{"restoreFrom": snap}}
	e, _, err = redeploy(t, backupRestore(t, back), last)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multiregion:primaryRegion: us-west-2 holds a former writer, stale since the writer moved to us-east-1: retire it first")
	assert.Empty(t, e.Filter(func(r *mockcloud.Resource) bool { return r.Custom && r.Type != mockcloud.StackReferenceType }))
	e, _, err = redeploy(t, backupRestore(t, back), lastOutputs(t, retired))
	require.NoError(t, err)
	w := inRegion(e.ByType(rdsInstance), "us-west-2")
	if assert.Len(t, w, 1, "restored in us-west-2") {
		assert.Equal(t, snap, w[0].Str("snapshotIdentifier"))
	}
}

// TestBackupRestoreRefusesMisuse: every misuse is refused before anything is registered, naming the key.
func TestBackupRestoreRefusesMisuse(t *testing.T) {
	for _, tc := range []struct {
		name string
		kv   map[string]any
		want string
	}{
		{"restoreFrom in another strategy", map[string]any{"drStrategy": "warm-standby", "database": map[string]any{"restoreFrom": "latest"}},
			`multiregion:database.restoreFrom: "latest" is set, but drStrategy is warm-standby`},
		{"aurora", map[string]any{"database": map[string]any{"engine": "aurora-postgresql"}},
			"multiregion:drStrategy: backup-restore is built for database.engine postgres"},
		{"no backups", map[string]any{"backup": map[string]any{"enabled": false}},
			"multiregion:backup.enabled: false, but drStrategy is backup-restore"},
		{"bad time", map[string]any{"database": map[string]any{"restoreFrom": "2026-13-01"}},
			`multiregion:database.restoreFrom: "2026-13-01" is not an RFC 3339 time`},
		{"snapshot elsewhere", map[string]any{"database": map[string]any{"restoreFrom": "arn:aws:rds:eu-west-1:123456789012:snapshot:s1"}},
			"multiregion:database.restoreFrom: \"arn:aws:rds:eu-west-1:123456789012:snapshot:s1\" is a snapshot in eu-west-1; RDS restores a snapshot in its own region, us-west-2"},
		{"rejoin of the primary", map[string]any{"database": map[string]any{"rejoin": map[string]string{"us-west-2": "release"}}},
			`multiregion:database.rejoin.us-west-2: "release": us-west-2 is primaryRegion`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := deployErr(t, backupRestore(t, tc.kv))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("strategy change on a deployed stack", func(t *testing.T) {
		_, first := deploy(t, prodConfig(t))
		e, _, err := redeploy(t, backupRestore(t, nil), lastOutputs(t, first))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "multiregion:drStrategy: warm-standby -> backup-restore on a deployed stack is refused")
		assert.Empty(t, e.ByType(rdsInstance))
	})
}
