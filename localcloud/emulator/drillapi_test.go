package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestDrillReads: the reads the lost-region drill makes of moto answer what the APIs hold: a private
// zone's record, a promotion by the operator, and a final snapshot.
func TestDrillReads(t *testing.T) {
	m := startMoto(t)
	ctx := t.Context()

	if _, err := CreateHostedZone(ctx, m.URL(), "web.internal"); err != nil {
		t.Fatal(err)
	}
	if _, err := CreateHostedZone(ctx, m.URL(), "other.internal"); err != nil {
		t.Fatal(err)
	}
	zones, err := send(ctx, m.URL(), http.MethodGet, "/2013-04-01/hostedzonesbyname?dnsname=web.internal", "route53", "us-east-1", "text/xml", "")
	if err != nil {
		t.Fatal(err)
	}
	id := between(string(zones), "<Id>/hostedzone/", "</Id>")
	change := `<ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch><Changes><Change>` +
		`<Action>UPSERT</Action><ResourceRecordSet><Name>writer.web.internal</Name><Type>CNAME</Type><TTL>10</TTL>` +
		`<ResourceRecords><ResourceRecord><Value>db.us-east-1.example</Value></ResourceRecord></ResourceRecords>` +
		`</ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`
	if _, err := send(ctx, m.URL(), http.MethodPost, "/2013-04-01/hostedzone/"+id+"/rrset", "route53", "us-east-1", "text/xml", change); err != nil {
		t.Fatal(err)
	}
	got, err := RecordValues(ctx, m.URL(), "web.internal", "writer.web.internal")
	if err != nil || !slices.Equal(got, []string{"db.us-east-1.example"}) {
		t.Errorf("RecordValues = %q, %v; want the CNAME's value", got, err)
	}
	if _, err := RecordValues(ctx, m.URL(), "web.internal", "reader.web.internal"); err == nil {
		t.Error("a missing record must be an error")
	}
	if _, err := RecordValues(ctx, m.URL(), "nothing.internal", "writer.nothing.internal"); err == nil {
		t.Error("a missing zone must be an error")
	}

	rds := func(region string, form url.Values) {
		t.Helper()
		if _, err := send(ctx, m.URL(), http.MethodPost, "/", "rds", region, "application/x-www-form-urlencoded", form.Encode()); err != nil {
			t.Fatal(err)
		}
	}
	rds("us-west-2", url.Values{"Action": {"CreateDBInstance"}, "Version": {"2014-10-31"}, "DBInstanceIdentifier": {"db-west"},
		"Engine": {"postgres"}, "DBInstanceClass": {"db.t3.micro"}, "AllocatedStorage": {"20"}, "MasterUsername": {"app"},
		"MasterUserPassword": {"localcloud1"}})
	west, err := DescribeDBInstance(ctx, m.URL(), "us-west-2", "db-west")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(west.Address, "db-west.") {
		t.Errorf("Address = %q, want the instance's endpoint address", west.Address)
	}
	rds("eu-west-1", url.Values{"Action": {"CreateDBInstanceReadReplica"}, "Version": {"2014-10-31"},
		"DBInstanceIdentifier": {"db-eu"}, "SourceDBInstanceIdentifier": {west.ARN}})
	if err := PromoteReadReplica(ctx, m.URL(), "eu-west-1", "db-eu"); err != nil {
		t.Fatal(err)
	}
	if eu, err := DescribeDBInstance(ctx, m.URL(), "eu-west-1", "db-eu"); err != nil || eu.ReplicaSource != "" {
		t.Errorf("after PromoteReadReplica: %+v, %v; want a standalone instance", eu, err)
	}
	if err := PromoteReadReplica(ctx, m.URL(), "eu-west-1", "db-nothing"); err == nil {
		t.Error("promoting a missing instance must fail")
	}

	rds("us-west-2", url.Values{"Action": {"DeleteDBInstance"}, "Version": {"2014-10-31"}, "DBInstanceIdentifier": {"db-west"},
		"FinalDBSnapshotIdentifier": {"db-west-before-rejoin"}})
	snap, err := DescribeDBSnapshot(ctx, m.URL(), "us-west-2", "db-west-before-rejoin")
	if err != nil || snap.Instance != "db-west" || snap.Type != "manual" {
		t.Errorf("DescribeDBSnapshot = %+v, %v; want the manual final snapshot of db-west", snap, err)
	}
	if _, err := DescribeDBSnapshot(ctx, m.URL(), "us-east-1", "db-west-before-rejoin"); err == nil {
		t.Error("a snapshot of another region must not be found")
	}
}

// between returns the text of s between the first open and the close after it.
func between(s, open, close string) string {
	_, rest, _ := strings.Cut(s, open)
	v, _, _ := strings.Cut(rest, close)
	return v
}
