package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
)

const (
	backupVault       = "aws:backup/vault:Vault"
	backupPlan        = "aws:backup/plan:Plan"
	backupSelection   = "aws:backup/selection:Selection"
	backupVaultLock   = "aws:backup/vaultLockConfiguration:VaultLockConfiguration"
	backupVaultPolicy = "aws:backup/vaultPolicy:VaultPolicy"
	dbBackupsCopy     = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"
	restoreTestPlan   = "aws:backup/restoreTestingPlan:RestoreTestingPlan"
	restoreTestSel    = "aws:backup/restoreTestingSelection:RestoreTestingSelection"
	bucket            = "aws:s3/bucketV2:BucketV2"
)

// vaultARNOf is the ARN the stack builds for a region's vault.
func vaultARNOf(region string) string {
	return fmt.Sprintf("arn:aws:backup:%s:123456789012:backup-vault:web-%s-backup", region, region)
}

// TestBackupPlans: every region has a vault under its own key (protected, deletion of recovery points
// denied, no lock unless asked), a plan with a continuous daily and a weekly rule whose recovery points
// are copied to the next region, and a tag selection; the writer's database and the log archive are
// the resources tagged, the replicas are not; the writer's automated backups are replicated to the next
// region, under that region's key. After a failover the tag and the replication follow the writer and
// no vault is replaced.
func TestBackupPlans(t *testing.T) {
	next := map[string]string{"us-west-2": "us-east-1", "us-east-1": "eu-west-1", "eu-west-1": "us-west-2"}
	for _, primary := range []string{"us-west-2", "us-east-1"} {
		t.Run("primary "+primary, func(t *testing.T) {
			e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"primaryRegion": primary}))
			assert.Empty(t, e.ByType(backupVaultLock), "no vault lock unless asked")
			for _, region := range prodRegions {
				vault := one(t, e, backupVault, region)
				assert.Equal(t, "web-"+region+"-backup", vault.Name, "named by region, never by role")
				assert.True(t, vault.Protect, "%s vault protected", region)
				assert.Equal(t, regionKeyARN(t, e, region), vault.Str("kmsKeyArn"), "%s vault under its region's key", region)
				forceDestroy, _ := vault.Bool("forceDestroy")
				assert.False(t, forceDestroy)
				policy := one(t, e, backupVaultPolicy, region)
				assert.Contains(t, policy.Str("policy"), "backup:DeleteRecoveryPoint")
				assert.Contains(t, policy.Str("policy"), `"Effect":"Deny"`)

				plan := one(t, e, backupPlan, region)
				require.Equal(t, 2, plan.Len("rules"), region)
				want := []struct {
					name       string
					days       float64
					continuous bool
				}{{"daily", 35, true}, {"weekly", 90, false}}
				for i, w := range want {
					r := fmt.Sprintf("rules[%d].", i)
					assert.Equal(t, w.name, plan.Str(r+"ruleName"))
					days, _ := plan.Num(r + "lifecycle.deleteAfter")
					assert.Equal(t, w.days, days, "%s %s retention", region, w.name)
					c, _ := plan.Bool(r + "enableContinuousBackup")
					assert.Equal(t, w.continuous, c, "%s %s continuous", region, w.name)
					assert.Equal(t, 1, plan.Len(r+"copyActions"), "%s %s: one copy", region, w.name)
					assert.Equal(t, vaultARNOf(next[region]), plan.Str(r+"copyActions[0].destinationVaultArn"), "%s copies to %s", region, next[region])
					copyDays, _ := plan.Num(r + "copyActions[0].lifecycle.deleteAfter")
					assert.Equal(t, w.days, copyDays, "a copy is kept as long as its source")
				}
				sel := one(t, e, backupSelection, region)
				assert.Equal(t, "STRINGEQUALS", sel.Str("selectionTags[0].type"))
				assert.Equal(t, components.BackupTagKey, sel.Str("selectionTags[0].key"))
				assert.Equal(t, "web", sel.Str("selectionTags[0].value"))
			}

			// Every stateful resource AWS Backup supports here is selected: the writer's database and
			// the log archive bucket; replicas are copies of the writer and are not.
			for _, db := range e.ByType(rdsInstance) {
				tagged := db.Str("tags."+components.BackupTagKey) == "web"
				assert.Equal(t, db.Region == primary, tagged, "%s: only the writer is tagged", db.Name)
			}
			archive := e.Filter(func(r *mockcloud.Resource) bool {
				return r.Type == bucket && r.Str("tags."+components.BackupTagKey) == "web"
			})
			if assert.Len(t, archive, 1, "the log archive is selected") {
				assert.Equal(t, "us-west-2", archive[0].Region)
				assert.Contains(t, archive[0].Name, "log-archive")
			}

			// The writer's automated backups go to the next region, under that region's key.
			reps := e.ByType(dbBackupsCopy)
			if assert.Len(t, reps, 1) {
				rep := reps[0]
				assert.Equal(t, next[primary], rep.Region)
				assert.Equal(t, "web-"+next[primary]+"-db-backups-from-"+primary, rep.Name)
				assert.Equal(t, one(t, e, rdsInstance, primary).OutStr("arn"), rep.Str("sourceDbInstanceArn"))
				assert.Equal(t, regionKeyARN(t, e, next[primary]), rep.Str("kmsKeyId"))
				days, _ := rep.Num("retentionPeriod")
				assert.Equal(t, 14.0, days, "prod's database.backupRetentionDays")
			}
		})
	}
}

// TestBackupOptions: the vault lock, the cross-account copy, copyToRegion, Aurora (no automated-backup
// replication: its cluster is selected instead) and the layer turned off.
func TestBackupOptions(t *testing.T) {
	t.Run("vault lock", func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"backup": map[string]any{"vaultLock": map[string]any{"changeableForDays": 7}}}))
		locks := e.ByType(backupVaultLock)
		require.Len(t, locks, 3)
		for _, l := range locks {
			lo, _ := l.Num("minRetentionDays")
			hi, _ := l.Num("maxRetentionDays")
			grace, _ := l.Num("changeableForDays")
			assert.Equal(t, []float64{35, 90, 7}, []float64{lo, hi, grace}, l.Region)
		}
	})
	t.Run("restore testing", func(t *testing.T) {
		for _, engine := range []string{"postgres", "aurora-postgresql"} {
			e, _ := deploy(t, with(t, prodConfig(t), map[string]any{
				"database": map[string]any{"engine": engine},
				"backup":   map[string]any{"restoreTesting": map[string]any{"validationWindowHours": 6}},
			}))
			plans, sels := e.ByType(restoreTestPlan), e.ByType(restoreTestSel)
			require.Len(t, plans, 3, engine)
			require.Len(t, sels, 3, engine)
			for _, sel := range sels {
				hours, _ := sel.Num("validationWindowHours")
				assert.Equal(t, 6.0, hours)
				want := map[string]string{"postgres": "RDS", "aurora-postgresql": "Aurora"}[engine]
				assert.Equal(t, want, sel.Str("protectedResourceType"), sel.Region)
				assert.Equal(t, "aws:ResourceTag/"+components.BackupTagKey, sel.Str("protectedResourceConditions.stringEquals[0].key"))
				assert.NotEmpty(t, sel.Str("restoreMetadataOverrides.dbsubnetgroupname"), "%s restores into the data subnets, never the default VPC", sel.Region)
				assert.Contains(t, sel.Str("restoreMetadataOverrides.vpcsecuritygroupids"), "[", "a JSON list of the database's security groups")
			}
			for _, p := range plans {
				assert.Regexp(t, `^[A-Za-z0-9_]+$`, p.Str("name"), "restore testing names allow letters, digits and underscores")
				assert.Equal(t, one(t, e, backupVault, p.Region).OutStr("arn"), p.Str("recoveryPointSelection.includeVaults[0]"), "tests the region's own vault, copies included")
			}
		}
	})
	t.Run("cross-account copy", func(t *testing.T) {
		other := "arn:aws:backup:us-east-2:210987654321:backup-vault:web-escrow"
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"backup": map[string]any{"copyToAccount": other}}))
		for _, plan := range e.ByType(backupPlan) {
			for i := range 2 {
				r := fmt.Sprintf("rules[%d].", i)
				if assert.Equal(t, 2, plan.Len(r+"copyActions"), plan.Region) {
					assert.Equal(t, other, plan.Str(r+"copyActions[1].destinationVaultArn"))
				}
			}
		}
	})
	t.Run("copyToRegion", func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"backup": map[string]any{"copyToRegion": "eu-west-1"}}))
		dest := map[string]string{}
		for _, plan := range e.ByType(backupPlan) {
			dest[plan.Region] = plan.Str("rules[0].copyActions[0].destinationVaultArn")
		}
		assert.Equal(t, map[string]string{
			"us-west-2": vaultARNOf("eu-west-1"), "us-east-1": vaultARNOf("eu-west-1"), "eu-west-1": vaultARNOf("us-west-2"),
		}, dest, "every region copies to eu-west-1, which copies to the next region")
		reps := e.ByType(dbBackupsCopy)
		if assert.Len(t, reps, 1) {
			assert.Equal(t, "eu-west-1", reps[0].Region)
		}
	})
	t.Run("aurora", func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"database": map[string]any{"engine": "aurora-postgresql"}}))
		assert.Empty(t, e.ByType(dbBackupsCopy), "Aurora has no automated-backup replication; the plan's copies cover it")
		for _, cl := range e.ByType(rdsCluster) {
			tagged := cl.Str("tags."+components.BackupTagKey) == "web"
			assert.Equal(t, cl.Region == "us-west-2", tagged, "%s: only the writer cluster is tagged", cl.Name)
		}
	})
	t.Run("off", func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"backup": map[string]any{"enabled": false}}))
		for _, typ := range []string{backupVault, backupPlan, backupSelection, dbBackupsCopy, restoreTestPlan} {
			assert.Empty(t, e.ByType(typ), typ)
		}
		for _, r := range e.Resources() {
			assert.False(t, r.Has("tags."+components.BackupTagKey), "%s tagged without backups", r.Name)
		}
	})
	t.Run("throwaway stack", func(t *testing.T) {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"protect": false}))
		assert.Empty(t, e.ByType(backupVaultPolicy), "no deny: an operator may delete the recovery points")
		for _, v := range e.ByType(backupVault) {
			assert.False(t, v.Protect)
			fd, _ := v.Bool("forceDestroy")
			assert.False(t, fd, "never force-destroyed: recovery points are deleted on purpose or expire")
		}
	})
}

// TestBadBackupConfigNamesTheKey: every backup rule refuses a bad value before anything is registered,
// naming the key, the value and what is allowed.
func TestBadBackupConfigNamesTheKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    map[string]any
		want []string
	}{
		{"continuous longer than 35 days", map[string]any{"dailyRetentionDays": 40},
			[]string{"multiregion:backup.dailyRetentionDays", "40", "at most 35"}},
		{"zero daily retention", map[string]any{"dailyRetentionDays": -1},
			[]string{"multiregion:backup.dailyRetentionDays", "-1", "at least 1"}},
		{"weekly shorter than daily", map[string]any{"weeklyRetentionDays": 10},
			[]string{"multiregion:backup.weeklyRetentionDays", "10", "between the daily retention (35)"}},
		{"unknown copy region", map[string]any{"copyToRegion": "ap-south-1"},
			[]string{"multiregion:backup.copyToRegion", `"ap-south-1"`, "not among the regions"}},
		{"bad account vault", map[string]any{"copyToAccount": "arn:aws:s3:::bucket"},
			[]string{"multiregion:backup.copyToAccount", "arn:aws:s3:::bucket", "backup vault ARN"}},
		{"short lock grace", map[string]any{"vaultLock": map[string]any{"changeableForDays": 1}},
			[]string{"multiregion:backup.vaultLock.changeableForDays", "1 must be between 3"}},
		{"lock refuses the daily points", map[string]any{"vaultLock": map[string]any{"minRetentionDays": 60}},
			[]string{"multiregion:backup.vaultLock.minRetentionDays", "60"}},
		{"restore test window", map[string]any{"restoreTesting": map[string]any{"validationWindowHours": 200}},
			[]string{"multiregion:backup.restoreTesting.validationWindowHours", "200 must be 1-168"}},
		{"unknown field", map[string]any{"retention": 3},
			[]string{"multiregion:backup", "retention"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := deployErr(t, with(t, prodConfig(t), map[string]any{"backup": tc.b}))
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
	t.Run("continuous off allows a longer daily retention", func(t *testing.T) {
		deploy(t, with(t, prodConfig(t), map[string]any{"backup": map[string]any{"continuous": false, "dailyRetentionDays": 60}}))
	})
}

// TestDatabaseRecovery: database.recovery restores the writer to a point in time into a new, protected
// instance beside it, in the writer's network and under its key, and changes nothing of the writer or
// the writer name; it is never replaced (its restore inputs are create-only), through a change of
// primary too; a bad entry is refused naming its key.
func TestDatabaseRecovery(t *testing.T) {
	recovery := func(r map[string]any) map[string]any {
		return map[string]any{"database": map[string]any{"engine": "postgres", "recovery": map[string]any{"us-west-2": r}}}
	}
	base, _ := deploy(t, prodConfig(t))
	e, _ := deploy(t, with(t, prodConfig(t), recovery(map[string]any{"name": "r1", "restoreTime": "2026-12-01T10:04:00Z"})))
	rec := e.Find(rdsInstance, "web-us-west-2-db-r1")
	require.NotNil(t, rec, "the recovery instance")
	writer := e.Find(rdsInstance, "web-us-west-2-db")
	assert.Equal(t, "us-west-2", rec.Region)
	assert.True(t, rec.Protect, "protected: data is never deleted by the recovery")
	assert.Equal(t, "web-us-west-2-r1", rec.Str("identifier"))
	assert.Equal(t, writer.OutStr("identifier"), rec.Str("restoreToPointInTime.sourceDbInstanceIdentifier"))
	assert.Equal(t, "2026-12-01T10:04:00Z", rec.Str("restoreToPointInTime.restoreTime"))
	assert.Contains(t, rec.IgnoreChanges, "restoreToPointInTime", "created once, never replaced")
	assert.Equal(t, writer.Str("kmsKeyId"), rec.Str("kmsKeyId"))
	assert.Equal(t, writer.Str("dbSubnetGroupName"), rec.Str("dbSubnetGroupName"))
	assert.Equal(t, writer.Str("vpcSecurityGroupIds[0]"), rec.Str("vpcSecurityGroupIds[0]"))
	skip, _ := rec.Bool("skipFinalSnapshot")
	assert.False(t, skip, "a final snapshot if it is ever deleted")
	assert.False(t, rec.Has("tags."+components.BackupTagKey), "the recovery instance is not the writer")
	// The writer and everything else are as without the recovery.
	assert.Equal(t, len(base.Resources())+1, len(e.Resources()), "one resource more: the recovery instance")
	assert.Equal(t, base.Find(rdsInstance, "web-us-west-2-db").Inputs, writer.Inputs, "the writer is unchanged")

	// Latest restorable time when no time is given.
	latest, _ := deploy(t, with(t, prodConfig(t), recovery(map[string]any{"name": "r2"})))
	use, _ := latest.Find(rdsInstance, "web-us-west-2-db-r2").Bool("restoreToPointInTime.useLatestRestorableTime")
	assert.True(t, use)

	// A later failover keeps it: same URN, protected, only create-only or in-place inputs differ.
	flipped, _ := deploy(t, with(t, with(t, prodConfig(t), recovery(map[string]any{"name": "r1", "restoreTime": "2026-12-01T10:04:00Z"})), map[string]any{"primaryRegion": "us-east-1"}))
	after := flipped.Get(rec.URN)
	if assert.NotNil(t, after, "the recovery instance survives a change of primary") {
		assert.True(t, after.Protect)
		for _, k := range changedInputs(rec, after) {
			assert.Contains(t, after.IgnoreChanges, k, "%s changes on a flip and is not create-only", k)
		}
	}

	for _, tc := range []struct {
		name string
		kv   map[string]any
		want []string
	}{
		{"bad name", recovery(map[string]any{"name": "R-1"}), []string{"multiregion:database.recovery.us-west-2.name", `"R-1"`}},
		{"bad time", recovery(map[string]any{"name": "r1", "restoreTime": "yesterday"}), []string{"multiregion:database.recovery.us-west-2.restoreTime", `"yesterday"`, "RFC 3339"}},
		{"unknown region", map[string]any{"database": map[string]any{"recovery": map[string]any{"ap-south-1": map[string]any{"name": "r1"}}}},
			[]string{"multiregion:database.recovery.ap-south-1", "not among the regions"}},
		{"aurora", map[string]any{"database": map[string]any{"engine": "aurora-postgresql", "recovery": map[string]any{"us-west-2": map[string]any{"name": "r1"}}}},
			[]string{"multiregion:database.recovery.us-west-2", "postgres engine"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := deployErr(t, with(t, prodConfig(t), tc.kv))
			for _, w := range tc.want {
				assert.ErrorContains(t, err, w)
			}
		})
	}
}

// TestBackupReplicationOfALostWriter: when the writer's region is lost, its automated-backup
// replication stays registered, unchanged (stopping it would wait on the dark region's API, as the
// Terraform provider's delete polls the source region; found by the lost-region drill), while the new
// writer's starts into its own next region; once the region is back, the old one goes.
func TestBackupReplicationOfALostWriter(t *testing.T) {
	before, after, _ := loseRegion(t, prodConfig(t), map[string]any{"primaryRegion": "us-east-1", "lostRegions": []string{"us-west-2"}})
	old := before.Find(dbBackupsCopy, "web-us-east-1-db-backups-from-us-west-2")
	require.NotNil(t, old)
	kept := after.Get(old.URN)
	if assert.NotNil(t, kept, "the lost writer's replication stays while its region is dark") {
		assert.Equal(t, old.Inputs, kept.Inputs, "unchanged: nothing is asked of it")
	}
	assert.NotNil(t, after.Find(dbBackupsCopy, "web-eu-west-1-db-backups-from-us-east-1"), "the new writer's backups go to its next region")
	assert.Len(t, after.ByType(dbBackupsCopy), 2)
	for _, plan := range after.ByType(backupPlan) {
		if plan.Region != "us-west-2" {
			assert.NotEqual(t, vaultARNOf("us-west-2"), plan.Str("rules[0].copyActions[0].destinationVaultArn"), "%s copies nothing into the dark region", plan.Region)
		}
	}

	back, _ := deploy(t, with(t, prodConfig(t), map[string]any{"primaryRegion": "us-east-1"}))
	assert.Nil(t, back.Find(dbBackupsCopy, "web-us-east-1-db-backups-from-us-west-2"), "removed once the region is back")
	assert.Len(t, back.ByType(dbBackupsCopy), 1)
}
