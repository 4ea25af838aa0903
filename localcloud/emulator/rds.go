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
