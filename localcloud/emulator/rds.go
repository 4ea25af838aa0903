package emulator

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
)

// DBInstance is what a drill checks of an RDS instance, as the RDS API reports it.
type DBInstance struct {
	// Identifier is the DB instance identifier.
	Identifier string `xml:"DBInstanceIdentifier"`
	// ARN is the instance's ARN.
	ARN string `xml:"DBInstanceArn"`
	// ResourceID is the instance's DbiResourceId, which the Terraform provider reads it by.
	ResourceID string `xml:"DbiResourceId"`
	// Address is the instance's endpoint address (its DNS name).
	Address string `xml:"Endpoint>Address"`
	// Status is the instance status, e.g. "available".
	Status string `xml:"DBInstanceStatus"`
	// ReplicaSource is the source of a read replica (ReadReplicaSourceDBInstanceIdentifier);
	// empty for a standalone instance, such as a promoted replica.
	ReplicaSource string `xml:"ReadReplicaSourceDBInstanceIdentifier"`
	// Replicas are the instance's read replicas (ReadReplicaDBInstanceIdentifiers).
	Replicas []string `xml:"ReadReplicaDBInstanceIdentifiers>ReadReplicaDBInstanceIdentifier"`
	// Encrypted and KMSKeyID are the storage encryption and its key.
	Encrypted bool   `xml:"StorageEncrypted"`
	KMSKeyID  string `xml:"KmsKeyId"`
	// SubnetGroup is the DB subnet group's name.
	SubnetGroup string `xml:"DBSubnetGroup>DBSubnetGroupName"`
	// SecurityGroups are the VPC security groups' IDs.
	SecurityGroups []string `xml:"VpcSecurityGroups>VpcSecurityGroupMembership>VpcSecurityGroupId"`
}

// SnapshotDB snapshots the instance id of region as snapshot (CreateDBSnapshot) and returns the
// snapshot's ARN.
func SnapshotDB(ctx context.Context, endpoint, region, id, snapshot string) (string, error) {
	return snapshotCall(ctx, endpoint, region, "CreateDBSnapshot", url.Values{"DBInstanceIdentifier": {id}, "DBSnapshotIdentifier": {snapshot}})
}

// CopySnapshot copies the snapshot sourceARN (of another region) into region as target, encrypted
// with kmsKeyID ("" for none), a key of region (CopyDBSnapshot, as `aws rds copy-db-snapshot --source-region` or an
// AWS Backup copy job does), and returns the copy's ARN.
func CopySnapshot(ctx context.Context, endpoint, region, sourceARN, target, kmsKeyID string) (string, error) {
	form := url.Values{"SourceDBSnapshotIdentifier": {sourceARN}, "TargetDBSnapshotIdentifier": {target}, "CopyTags": {"true"}}
	if kmsKeyID != "" {
		form.Set("KmsKeyId", kmsKeyID)
	}
	return snapshotCall(ctx, endpoint, region, "CopyDBSnapshot", form)
}

// snapshotCall runs a snapshot action in region and returns the snapshot's ARN.
func snapshotCall(ctx context.Context, endpoint, region, action string, form url.Values) (string, error) {
	form.Set("Action", action)
	form.Set("Version", "2014-10-31")
	body, err := send(ctx, endpoint, http.MethodPost, "/", "rds", region, "application/x-www-form-urlencoded", form.Encode())
	if err != nil {
		return "", fmt.Errorf("%s in %s: %w", action, region, err)
	}
	var out struct {
		Create string `xml:"CreateDBSnapshotResult>DBSnapshot>DBSnapshotArn"`
		Copy   string `xml:"CopyDBSnapshotResult>DBSnapshot>DBSnapshotArn"`
	}
	if err := xml.Unmarshal(body, &out); err != nil || out.Create+out.Copy == "" {
		return "", fmt.Errorf("%s in %s: no snapshot ARN in %q (%v)", action, region, body, err)
	}
	return out.Create + out.Copy, nil
}

// DescribeDBInstance asks the emulator at endpoint for one RDS instance of region, through the
// RDS query API as an AWS SDK would (moto reads the region from the credential scope and does
// not check signatures).
func DescribeDBInstance(ctx context.Context, endpoint, region, id string) (DBInstance, error) {
	form := url.Values{
		"Action":               {"DescribeDBInstances"},
		"Version":              {"2014-10-31"},
		"DBInstanceIdentifier": {id},
	}
	body, err := send(ctx, endpoint, http.MethodPost, "/", "rds", region, "application/x-www-form-urlencoded", form.Encode())
	if err != nil {
		return DBInstance{}, fmt.Errorf("describing RDS instance %s in %s: %w", id, region, err)
	}
	var out struct {
		Instances []DBInstance `xml:"DescribeDBInstancesResult>DBInstances>DBInstance"`
	}
	if err := xml.Unmarshal(body, &out); err != nil {
		return DBInstance{}, fmt.Errorf("describing RDS instance %s in %s: %w", id, region, err)
	}
	if len(out.Instances) != 1 {
		return DBInstance{}, fmt.Errorf("describing RDS instance %s in %s: %d instances in the answer", id, region, len(out.Instances))
	}
	return out.Instances[0], nil
}

// PromoteReadReplica promotes the read replica id of region to a standalone instance, as an
// operator's `aws rds promote-read-replica` does.
func PromoteReadReplica(ctx context.Context, endpoint, region, id string) error {
	form := url.Values{
		"Action":               {"PromoteReadReplica"},
		"Version":              {"2014-10-31"},
		"DBInstanceIdentifier": {id},
	}
	if _, err := send(ctx, endpoint, http.MethodPost, "/", "rds", region, "application/x-www-form-urlencoded", form.Encode()); err != nil {
		return fmt.Errorf("promoting RDS instance %s in %s: %w", id, region, err)
	}
	return nil
}

// DBSnapshot is what a drill checks of an RDS snapshot.
type DBSnapshot struct {
	// Identifier is the snapshot's identifier.
	Identifier string `xml:"DBSnapshotIdentifier"`
	// Instance is the identifier of the instance it was taken of.
	Instance string `xml:"DBInstanceIdentifier"`
	// Type is "manual" or "automated".
	Type string `xml:"SnapshotType"`
}

// DescribeDBSnapshot asks the emulator for the RDS snapshot id of region.
func DescribeDBSnapshot(ctx context.Context, endpoint, region, id string) (DBSnapshot, error) {
	form := url.Values{
		"Action":               {"DescribeDBSnapshots"},
		"Version":              {"2014-10-31"},
		"DBSnapshotIdentifier": {id},
	}
	body, err := send(ctx, endpoint, http.MethodPost, "/", "rds", region, "application/x-www-form-urlencoded", form.Encode())
	if err != nil {
		return DBSnapshot{}, fmt.Errorf("describing RDS snapshot %s in %s: %w", id, region, err)
	}
	var out struct {
		Snapshots []DBSnapshot `xml:"DescribeDBSnapshotsResult>DBSnapshots>DBSnapshot"`
	}
	if err := xml.Unmarshal(body, &out); err != nil {
		return DBSnapshot{}, fmt.Errorf("describing RDS snapshot %s in %s: %w", id, region, err)
	}
	if len(out.Snapshots) != 1 {
		return DBSnapshot{}, fmt.Errorf("describing RDS snapshot %s in %s: %d snapshots in the answer", id, region, len(out.Snapshots))
	}
	return out.Snapshots[0], nil
}
