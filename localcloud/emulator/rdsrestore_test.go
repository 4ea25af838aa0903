package emulator

import (
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestRDSRestoreAcrossRegions holds each behaviour fake_rdsrestore.py adds to moto's RDS, which the
// backup-restore strategy's failover needs (database.restoreFrom); each subtest fails against plain
// moto 5.2.
func TestRDSRestoreAcrossRegions(t *testing.T) {
	m := startMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rds, mustRDS := rdsQuery(ctx, m.URL())
	mustRDS(t, "us-west-2", url.Values{"Action": {"CreateDBInstance"}, "DBInstanceIdentifier": {"web-us-west-2"},
		"Engine": {"postgres"}, "DBInstanceClass": {"db.t3.micro"}, "AllocatedStorage": {"20"}, "MasterUsername": {"app"},
		"MasterUserPassword": {"localcloud1"}, "BackupRetentionPeriod": {"7"}})
	src, err := DescribeDBInstance(ctx, m.URL(), "us-west-2", "web-us-west-2")
	if err != nil {
		t.Fatal(err)
	}
	snapshot, err := SnapshotDB(ctx, m.URL(), "us-west-2", "web-us-west-2", "drill-1")
	if err != nil || snapshot != "arn:aws:rds:us-west-2:123456789012:snapshot:drill-1" {
		t.Fatalf("SnapshotDB: %q, %v", snapshot, err)
	}

	t.Run("CopyDBSnapshotFromAnotherRegion", func(t *testing.T) {
		copied, err := CopySnapshot(ctx, m.URL(), "us-east-1", snapshot, "drill-1-copy", "")
		if err != nil || copied != "arn:aws:rds:us-east-1:123456789012:snapshot:drill-1-copy" {
			t.Fatalf("CopySnapshot: %q, %v", copied, err)
		}
		mustRDS(t, "us-east-1", url.Values{"Action": {"RestoreDBInstanceFromDBSnapshot"},
			"DBSnapshotIdentifier": {copied}, "DBInstanceIdentifier": {"web-us-east-1"}})
		if got, err := DescribeDBInstance(ctx, m.URL(), "us-east-1", "web-us-east-1"); err != nil || got.Status != "available" {
			t.Fatalf("the restored instance: %+v, %v", got, err)
		}
	})

	t.Run("RestoreFromReplicatedAutomatedBackups", func(t *testing.T) {
		var started struct {
			ARN string `xml:"StartDBInstanceAutomatedBackupsReplicationResult>DBInstanceAutomatedBackup>DBInstanceAutomatedBackupsArn"`
		}
		body := mustRDS(t, "eu-west-1", url.Values{"Action": {"StartDBInstanceAutomatedBackupsReplication"},
			"SourceDBInstanceArn": {src.ARN}, "BackupRetentionPeriod": {"7"}})
		if err := xml.Unmarshal(body, &started); err != nil || started.ARN == "" {
			t.Fatalf("StartDBInstanceAutomatedBackupsReplication: %s, %v", body, err)
		}
		mustRDS(t, "eu-west-1", url.Values{"Action": {"RestoreDBInstanceToPointInTime"},
			"SourceDBInstanceAutomatedBackupsArn": {started.ARN}, "TargetDBInstanceIdentifier": {"web-eu-west-1"},
			"UseLatestRestorableTime": {"true"}})
		got, err := DescribeDBInstance(ctx, m.URL(), "eu-west-1", "web-eu-west-1")
		if err != nil || !strings.HasPrefix(got.ARN, "arn:aws:rds:eu-west-1:") {
			t.Fatalf("the restored instance: %+v, %v", got, err)
		}
		if _, err := rds("eu-west-1", url.Values{"Action": {"RestoreDBInstanceToPointInTime"},
			"SourceDBInstanceAutomatedBackupsArn": {"arn:aws:rds:eu-west-1:123456789012:auto-backup:ab-nope"},
			"TargetDBInstanceIdentifier":          {"web-x"}, "UseLatestRestorableTime": {"true"}}); err == nil ||
			!strings.Contains(err.Error(), "DBInstanceAutomatedBackupNotFound") {
			t.Errorf("a restore from unknown backups: %v, want DBInstanceAutomatedBackupNotFound", err)
		}
	})
}
