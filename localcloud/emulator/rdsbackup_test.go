package emulator

import (
	"context"
	"encoding/xml"
	"net/url"
	"strings"
	"testing"
	"time"
)

// automatedBackup is what the tests read of a DBInstanceAutomatedBackup.
type automatedBackup struct {
	ARN       string `xml:"DBInstanceAutomatedBackupsArn"`
	Source    string `xml:"DBInstanceArn"`
	Region    string `xml:"Region"`
	Status    string `xml:"Status"`
	KMSKeyID  string `xml:"KmsKeyId"`
	Retention int    `xml:"BackupRetentionPeriod"`
}

// rdsQuery returns two callers of the RDS query API of the emulator at endpoint: rds returns the
// body or the error, mustRDS fails the test on an error.
func rdsQuery(ctx context.Context, endpoint string) (rds func(string, url.Values) ([]byte, error), mustRDS func(*testing.T, string, url.Values) []byte) {
	rds = func(region string, form url.Values) ([]byte, error) {
		form.Set("Version", "2014-10-31")
		return send(ctx, endpoint, "POST", "/", "rds", region, "application/x-www-form-urlencoded", form.Encode())
	}
	mustRDS = func(t *testing.T, region string, form url.Values) []byte {
		t.Helper()
		out, err := rds(region, form)
		if err != nil {
			t.Fatalf("%s in %s: %v", form.Get("Action"), region, err)
		}
		return out
	}
	return rds, mustRDS
}

// TestRDSAutomatedBackupsReplication holds each behaviour fake_rdsbackup.py adds to moto's RDS
// (aws_db_instance_automated_backups_replication); each subtest fails against plain moto 5.2.
func TestRDSAutomatedBackupsReplication(t *testing.T) {
	m := startMoto(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rds, mustRDS := rdsQuery(ctx, m.URL())
	rdsError := func(t *testing.T, region string, form url.Values, code string) {
		t.Helper()
		if _, err := rds(region, form); err == nil || !strings.Contains(err.Error(), code) {
			t.Errorf("%s in %s: %v, want %s", form.Get("Action"), region, err, code)
		}
	}
	mustRDS(t, "us-west-2", url.Values{"Action": {"CreateDBInstance"}, "DBInstanceIdentifier": {"src"},
		"Engine": {"postgres"}, "DBInstanceClass": {"db.t3.micro"}, "AllocatedStorage": {"20"}, "MasterUsername": {"app"},
		"MasterUserPassword": {"localcloud1"}, "BackupRetentionPeriod": {"7"}})
	src, err := DescribeDBInstance(ctx, m.URL(), "us-west-2", "src")
	if err != nil {
		t.Fatal(err)
	}
	const key = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
	start := url.Values{"Action": {"StartDBInstanceAutomatedBackupsReplication"}, "SourceDBInstanceArn": {src.ARN},
		"KmsKeyId": {key}, "BackupRetentionPeriod": {"14"}}
	var backup automatedBackup

	t.Run("Start", func(t *testing.T) {
		var out struct {
			Backup automatedBackup `xml:"StartDBInstanceAutomatedBackupsReplicationResult>DBInstanceAutomatedBackup"`
		}
		if err := xml.Unmarshal(mustRDS(t, "us-east-1", start), &out); err != nil {
			t.Fatal(err)
		}
		backup = out.Backup
		if !strings.HasPrefix(backup.ARN, "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-") ||
			backup.Source != src.ARN || backup.Region != "us-west-2" || backup.Status != "replicating" ||
			backup.KMSKeyID != key || backup.Retention != 14 {
			t.Fatalf("StartDBInstanceAutomatedBackupsReplication returned %+v", backup)
		}
		// One replication per source and destination region; none to the source's own region.
		rdsError(t, "us-east-1", start, "DBInstanceAutomatedBackupQuotaExceeded")
		rdsError(t, "us-west-2", start, "InvalidParameterValue")
		missing := url.Values{"Action": {"StartDBInstanceAutomatedBackupsReplication"},
			"SourceDBInstanceArn": {"arn:aws:rds:us-west-2:123456789012:db:nope"}}
		rdsError(t, "us-east-1", missing, "DBInstanceNotFound")
	})

	// The provider reads the replicated backup back by its ARN, in the destination region.
	t.Run("DescribeByARN", func(t *testing.T) {
		if backup.ARN == "" {
			t.Skip("no replication started")
		}
		var out struct {
			Backups []automatedBackup `xml:"DescribeDBInstanceAutomatedBackupsResult>DBInstanceAutomatedBackups>DBInstanceAutomatedBackup"`
		}
		body := mustRDS(t, "us-east-1", url.Values{"Action": {"DescribeDBInstanceAutomatedBackups"},
			"DBInstanceAutomatedBackupsArn": {backup.ARN}})
		if err := xml.Unmarshal(body, &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Backups) != 1 || out.Backups[0] != backup {
			t.Errorf("DescribeDBInstanceAutomatedBackups by ARN: %+v, want [%+v]", out.Backups, backup)
		}
		rdsError(t, "us-west-2", url.Values{"Action": {"DescribeDBInstanceAutomatedBackups"},
			"DBInstanceAutomatedBackupsArn": {backup.ARN}}, "DBInstanceAutomatedBackupNotFound")
	})

	t.Run("Stop", func(t *testing.T) {
		if backup.ARN == "" {
			t.Skip("no replication started")
		}
		stop := url.Values{"Action": {"StopDBInstanceAutomatedBackupsReplication"}, "SourceDBInstanceArn": {src.ARN}}
		mustRDS(t, "us-east-1", stop)
		rdsError(t, "us-east-1", url.Values{"Action": {"DescribeDBInstanceAutomatedBackups"},
			"DBInstanceAutomatedBackupsArn": {backup.ARN}}, "DBInstanceAutomatedBackupNotFound")
		rdsError(t, "us-east-1", stop, "InvalidDBInstanceState")
		// Replication can start again once stopped.
		mustRDS(t, "us-east-1", start)
	})
}
