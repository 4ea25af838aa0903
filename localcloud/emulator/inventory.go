package emulator

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Inventory is what the emulator holds of the kinds a drill compares with its stack's state: kind
// ("ec2:vpc", "rds:db", "kms:key", "route53:zone", "route53:healthcheck", "s3:bucket", "iam:role")
// -> the set of "<region>/<id>" (region "global" for S3 buckets, IAM roles and Route 53 zones and
// health checks). The ids are those of the stack's state: VPC, key, zone and health check IDs, DB
// instance identifiers, bucket and role names.
type Inventory map[string]map[string]bool

// Add records id of kind in region.
func (inv Inventory) Add(kind, region, id string) {
	if inv[kind] == nil {
		inv[kind] = map[string]bool{}
	}
	inv[kind][region+"/"+id] = true
}

// Diff returns, per kind, what inv holds that state does not (orphans) and what state holds that inv
// does not (missing), each sorted; both empty when they agree.
func (inv Inventory) Diff(state Inventory) (orphans, missing []string) {
	kinds := map[string]bool{}
	for k := range inv {
		kinds[k] = true
	}
	for k := range state {
		kinds[k] = true
	}
	for k := range kinds {
		for id := range inv[k] {
			if !state[k][id] {
				orphans = append(orphans, k+" "+id)
			}
		}
		for id := range state[k] {
			if !inv[k][id] {
				missing = append(missing, k+" "+id)
			}
		}
	}
	sort.Strings(orphans)
	sort.Strings(missing)
	return orphans, missing
}

// Count returns the number of entries of every kind.
func (inv Inventory) Count() int {
	n := 0
	for _, ids := range inv {
		n += len(ids)
	}
	return n
}

// ListInventory asks the emulator at endpoint what it holds of the Inventory kinds in regions: VPCs that
// are not a region's default, DB instances, customer-managed KMS keys not pending deletion, hosted
// zones, Route 53 health checks, buckets and IAM roles (not service-linked).
func ListInventory(ctx context.Context, endpoint string, regions []string) (Inventory, error) {
	inv := Inventory{}
	query := func(service, region string, form url.Values, into any) error {
		body, err := send(ctx, endpoint, http.MethodPost, "/", service, region, "application/x-www-form-urlencoded", form.Encode())
		if err != nil {
			return err
		}
		return xml.Unmarshal(body, into)
	}
	for _, region := range regions {
		var vpcs struct {
			VPCs []struct {
				ID      string `xml:"vpcId"`
				Default bool   `xml:"isDefault"`
			} `xml:"vpcSet>item"`
		}
		if err := query("ec2", region, url.Values{"Action": {"DescribeVpcs"}, "Version": {"2016-11-15"}}, &vpcs); err != nil {
			return nil, fmt.Errorf("listing VPCs in %s: %w", region, err)
		}
		for _, v := range vpcs.VPCs {
			if !v.Default {
				inv.Add("ec2:vpc", region, v.ID)
			}
		}
		var dbs struct {
			IDs []string `xml:"DescribeDBInstancesResult>DBInstances>DBInstance>DBInstanceIdentifier"`
		}
		if err := query("rds", region, url.Values{"Action": {"DescribeDBInstances"}, "Version": {"2014-10-31"}}, &dbs); err != nil {
			return nil, fmt.Errorf("listing DB instances in %s: %w", region, err)
		}
		for _, id := range dbs.IDs {
			inv.Add("rds:db", region, id)
		}
		if err := listKeys(ctx, endpoint, region, inv); err != nil {
			return nil, err
		}
	}
	var roles struct {
		Roles []struct {
			Name string `xml:"RoleName"`
			Path string `xml:"Path"`
		} `xml:"ListRolesResult>Roles>member"`
	}
	if err := query("iam", "us-east-1", url.Values{"Action": {"ListRoles"}, "Version": {"2010-05-08"}, "MaxItems": {"1000"}}, &roles); err != nil {
		return nil, fmt.Errorf("listing IAM roles: %w", err)
	}
	for _, r := range roles.Roles {
		if !strings.HasPrefix(r.Path, "/aws-service-role/") {
			inv.Add("iam:role", "global", r.Name)
		}
	}
	var zones struct {
		IDs []string `xml:"HostedZones>HostedZone>Id"`
	}
	if err := getXML(ctx, endpoint, "route53", "/2013-04-01/hostedzone", &zones); err != nil {
		return nil, fmt.Errorf("listing hosted zones: %w", err)
	}
	for _, id := range zones.IDs {
		inv.Add("route53:zone", "global", strings.TrimPrefix(id, "/hostedzone/"))
	}
	var checks struct {
		IDs []string `xml:"HealthChecks>HealthCheck>Id"`
	}
	if err := getXML(ctx, endpoint, "route53", "/2013-04-01/healthcheck", &checks); err != nil {
		return nil, fmt.Errorf("listing health checks: %w", err)
	}
	for _, id := range checks.IDs {
		inv.Add("route53:healthcheck", "global", id)
	}
	var buckets struct {
		Names []string `xml:"Buckets>Bucket>Name"`
	}
	if err := getXML(ctx, endpoint, "s3", "/", &buckets); err != nil {
		return nil, fmt.Errorf("listing buckets: %w", err)
	}
	for _, name := range buckets.Names {
		inv.Add("s3:bucket", "global", name)
	}
	return inv, nil
}

// listKeys adds region's customer-managed KMS keys that are not pending deletion.
func listKeys(ctx context.Context, endpoint, region string, inv Inventory) error {
	var keys struct {
		Keys []struct {
			KeyID string `json:"KeyId"`
		} `json:"Keys"`
	}
	if err := kmsCall(ctx, endpoint, region, "ListKeys", map[string]any{"Limit": 1000}, &keys); err != nil {
		return err
	}
	for _, k := range keys.Keys {
		var d struct {
			Meta struct {
				Manager string `json:"KeyManager"`
				State   string `json:"KeyState"`
			} `json:"KeyMetadata"`
		}
		if err := kmsCall(ctx, endpoint, region, "DescribeKey", map[string]string{"KeyId": k.KeyID}, &d); err != nil {
			return err
		}
		if d.Meta.Manager == "CUSTOMER" && d.Meta.State != "PendingDeletion" {
			inv.Add("kms:key", region, k.KeyID)
		}
	}
	return nil
}

// sendJSON makes one call of an AWS JSON-protocol API (target names the operation).
func sendJSON(ctx context.Context, endpoint, service, region, target, body string) ([]byte, error) {
	return sendWith(ctx, endpoint, http.MethodPost, "/", service, region, "application/x-amz-json-1.1", body,
		map[string]string{"X-Amz-Target": target})
}

// getXML GETs path of a global REST-XML API (Route 53, S3's ListBuckets) of the emulator at endpoint
// and decodes the answer into out.
func getXML(ctx context.Context, endpoint, service, path string, out any) error {
	body, err := send(ctx, endpoint, http.MethodGet, path, service, "us-east-1", "application/xml", "")
	if err != nil {
		return err
	}
	return xml.Unmarshal(body, out)
}
