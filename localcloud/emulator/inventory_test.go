package emulator

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// TestListInventory: what a drill compares with its state is listed from moto, by kind, region and the
// state's own ids, without what moto holds by itself (default VPCs, AWS-managed keys) or what was
// deleted.
func TestListInventory(t *testing.T) {
	m := startMoto(t)
	ctx := t.Context()
	_, body := ec2Call(t, m, "us-west-2", url.Values{"Action": {"CreateVpc"}, "CidrBlock": {"10.10.0.0/16"}})
	vpc := ec2ID(t, body, "vpcId")
	if _, err := send(ctx, m.URL(), http.MethodPost, "/", "rds", "us-east-1", "application/x-www-form-urlencoded", url.Values{
		"Action": {"CreateDBInstance"}, "Version": {"2014-10-31"}, "DBInstanceIdentifier": {"db-east"}, "Engine": {"postgres"},
		"DBInstanceClass": {"db.t3.micro"}, "AllocatedStorage": {"20"}, "MasterUsername": {"app"}, "MasterUserPassword": {"localcloud1"},
	}.Encode()); err != nil {
		t.Fatal(err)
	}
	status, out := call(t, m.URL(), "kms", "us-west-2", "/", "TrentService.CreateKey", `{}`)
	meta, _ := out["KeyMetadata"].(map[string]any)
	key, _ := meta["KeyId"].(string)
	if status != http.StatusOK || key == "" {
		t.Fatalf("CreateKey: %d %v", status, out)
	}
	_, out = call(t, m.URL(), "kms", "us-west-2", "/", "TrentService.CreateKey", `{}`)
	meta, _ = out["KeyMetadata"].(map[string]any)
	gone, _ := meta["KeyId"].(string)
	if status, out := call(t, m.URL(), "kms", "us-west-2", "/", "TrentService.ScheduleKeyDeletion", `{"KeyId":"`+gone+`","PendingWindowInDays":7}`); status != http.StatusOK {
		t.Fatalf("ScheduleKeyDeletion: %d %v", status, out)
	}
	zone, err := CreateHostedZone(ctx, m.URL(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := send(ctx, m.URL(), http.MethodPut, "/state-bucket", "s3", "us-east-1", "application/xml", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := send(ctx, m.URL(), http.MethodPost, "/", "iam", "us-east-1", "application/x-www-form-urlencoded", url.Values{
		"Action": {"CreateRole"}, "Version": {"2010-05-08"}, "RoleName": {"replication"},
		"AssumeRolePolicyDocument": {`{"Version":"2012-10-17","Statement":[]}`},
	}.Encode()); err != nil {
		t.Fatal(err)
	}

	hc, err := send(ctx, m.URL(), http.MethodPost, "/2013-04-01/healthcheck", "route53", "us-east-1", "text/xml",
		`<CreateHealthCheckRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><CallerReference>inv-1</CallerReference>`+
			`<HealthCheckConfig><Type>HTTP</Type><FullyQualifiedDomainName>app.example.com</FullyQualifiedDomainName><Port>80</Port></HealthCheckConfig></CreateHealthCheckRequest>`)
	if err != nil {
		t.Fatal(err)
	}
	var created struct {
		ID string `xml:"HealthCheck>Id"`
	}
	if err := xml.Unmarshal(hc, &created); err != nil || created.ID == "" {
		t.Fatalf("CreateHealthCheck: %v %s", err, hc)
	}

	inv, err := ListInventory(ctx, m.URL(), []string{"us-west-2", "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := Inventory{}
	want.Add("ec2:vpc", "us-west-2", vpc)
	want.Add("rds:db", "us-east-1", "db-east")
	want.Add("kms:key", "us-west-2", key)
	want.Add("route53:zone", "global", zone)
	want.Add("s3:bucket", "global", "state-bucket")
	want.Add("iam:role", "global", "replication")
	want.Add("route53:healthcheck", "global", created.ID)
	if orphans, missing := inv.Diff(want); len(orphans) > 0 || len(missing) > 0 {
		t.Errorf("inventory differs: listed but not created %v; created but not listed %v", orphans, missing)
	}
	if inv.Count() != 7 {
		t.Errorf("Count = %d, want 7", inv.Count())
	}
}

func TestInventoryDiff(t *testing.T) {
	state, emu := Inventory{}, Inventory{}
	state.Add("ec2:vpc", "us-west-2", "vpc-1")
	state.Add("rds:db", "us-east-1", "db-gone")
	emu.Add("ec2:vpc", "us-west-2", "vpc-1")
	emu.Add("ec2:vpc", "us-west-2", "vpc-2") // a duplicate the state does not know
	orphans, missing := emu.Diff(state)
	if !slices.Equal(orphans, []string{"ec2:vpc us-west-2/vpc-2"}) || !slices.Equal(missing, []string{"rds:db us-east-1/db-gone"}) {
		t.Errorf("Diff = %v, %v", orphans, missing)
	}
	if o, m := state.Diff(state); len(o)+len(m) != 0 {
		t.Errorf("an inventory differs from itself: %v %v", o, m)
	}
}
