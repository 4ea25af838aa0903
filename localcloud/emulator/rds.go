package emulator

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DBInstance is what a drill checks of an RDS instance, as the RDS API reports it.
type DBInstance struct {
	// Identifier is the DB instance identifier.
	Identifier string `xml:"DBInstanceIdentifier"`
	// ARN is the instance's ARN.
	ARN string `xml:"DBInstanceArn"`
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
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return DBInstance{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/"+region+
		"/rds/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return DBInstance{}, fmt.Errorf("describing RDS instance %s in %s: %w", id, region, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return DBInstance{}, fmt.Errorf("describing RDS instance %s in %s: %w", id, region, err)
	}
	if resp.StatusCode != http.StatusOK {
		return DBInstance{}, fmt.Errorf("describing RDS instance %s in %s: status %d: %s", id, region, resp.StatusCode, body)
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
