package emulator

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestCreateHostedZone(t *testing.T) {
	m := startMoto(t)
	ctx := t.Context()
	id, err := CreateHostedZone(ctx, m.URL(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	out, err := send(ctx, m.URL(), http.MethodGet, "/2013-04-01/hostedzonesbyname?dnsname=example.com", "route53", "us-east-1", "text/xml", "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), id) || !strings.Contains(string(out), "<Name>example.com.</Name>") {
		t.Errorf("ListHostedZonesByName does not show zone %s: %s", id, out)
	}
}

// TestPrivateZoneWithVPC: a zone created with a VPC (and no HostedZoneConfig.PrivateZone, as
// Terraform sends it) is private, and a VPC of another region can be associated with it.
func TestPrivateZoneWithVPC(t *testing.T) {
	m := startMoto(t)
	ctx := t.Context()
	_, body := ec2Call(t, m, "us-west-2", url.Values{"Action": {"CreateVpc"}, "CidrBlock": {"10.10.0.0/16"}})
	west := ec2ID(t, body, "vpcId")
	_, body = ec2Call(t, m, "us-east-1", url.Values{"Action": {"CreateVpc"}, "CidrBlock": {"10.20.0.0/16"}})
	east := ec2ID(t, body, "vpcId")
	create := `<CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>web.internal</Name>` +
		`<CallerReference>r1</CallerReference><VPC><VPCRegion>us-west-2</VPCRegion><VPCId>` + west + `</VPCId></VPC></CreateHostedZoneRequest>`
	out, err := send(ctx, m.URL(), http.MethodPost, "/2013-04-01/hostedzone", "route53", "us-east-1", "text/xml", create)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "<PrivateZone>true</PrivateZone>") {
		t.Fatalf("a zone created with a VPC must be private: %s", out)
	}
	id := regexp.MustCompile(`<Id>/hostedzone/([^<]+)</Id>`).FindStringSubmatch(string(out))
	if id == nil {
		t.Fatalf("no zone ID in %s", out)
	}
	associate := `<AssociateVPCWithHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><VPC>` +
		`<VPCRegion>us-east-1</VPCRegion><VPCId>` + east + `</VPCId></VPC></AssociateVPCWithHostedZoneRequest>`
	if out, err := send(ctx, m.URL(), http.MethodPost, "/2013-04-01/hostedzone/"+id[1]+"/associatevpc", "route53", "us-east-1", "text/xml", associate); err != nil {
		t.Fatalf("associating the us-east-1 VPC: %v %s", err, out)
	}
}
