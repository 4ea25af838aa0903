package emulator

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// ec2Call sends an EC2 query request to moto in region and returns the status and body.
func ec2Call(t *testing.T, m *Moto, region string, form url.Values) (int, string) {
	t.Helper()
	form.Set("Version", "2016-11-15")
	req, err := http.NewRequest(http.MethodPost, m.URL()+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// ec2ID returns the first <tag>ID</tag> of body.
func ec2ID(t *testing.T, body, tag string) string {
	t.Helper()
	m := regexp.MustCompile("<" + tag + ">([^<]+)</" + tag + ">").FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no <%s> in %s", tag, body)
	}
	return m[1]
}

// TestRouteRetriesAndPeering: a CreateRoute repeated with the same target (a retried request whose
// response was lost) succeeds, one with another target still fails; and a cross-region peering
// connection is accepted in the accepter's region and routed from both sides, as RegionLink does.
func TestRouteRetriesAndPeering(t *testing.T) {
	m := startMoto(t)
	ok := func(region string, form url.Values) string {
		t.Helper()
		status, body := ec2Call(t, m, region, form)
		if status != http.StatusOK {
			t.Fatalf("%s in %s: status %d: %s", form.Get("Action"), region, status, body)
		}
		return body
	}
	vpc := func(region, cidr string) string {
		return ec2ID(t, ok(region, url.Values{"Action": {"CreateVpc"}, "CidrBlock": {cidr}}), "vpcId")
	}
	west, east := vpc("us-west-2", "10.10.0.0/16"), vpc("us-east-1", "10.20.0.0/16")
	rt := ec2ID(t, ok("us-west-2", url.Values{"Action": {"CreateRouteTable"}, "VpcId": {west}}), "routeTableId")
	igw := ec2ID(t, ok("us-west-2", url.Values{"Action": {"CreateInternetGateway"}}), "internetGatewayId")
	ok("us-west-2", url.Values{"Action": {"AttachInternetGateway"}, "InternetGatewayId": {igw}, "VpcId": {west}})
	route := url.Values{"Action": {"CreateRoute"}, "RouteTableId": {rt}, "DestinationCidrBlock": {"0.0.0.0/0"}, "GatewayId": {igw}}
	ok("us-west-2", route)
	ok("us-west-2", route) // the retry
	igw2 := ec2ID(t, ok("us-west-2", url.Values{"Action": {"CreateInternetGateway"}}), "internetGatewayId")
	other := url.Values{"Action": {"CreateRoute"}, "RouteTableId": {rt}, "DestinationCidrBlock": {"0.0.0.0/0"}, "GatewayId": {igw2}}
	if status, body := ec2Call(t, m, "us-west-2", other); status == http.StatusOK || !strings.Contains(body, "RouteAlreadyExists") {
		t.Errorf("a route to another target must still fail with RouteAlreadyExists: %d %s", status, body)
	}

	pcx := ec2ID(t, ok("us-west-2", url.Values{"Action": {"CreateVpcPeeringConnection"}, "VpcId": {west}, "PeerVpcId": {east},
		"PeerRegion": {"us-east-1"}}), "vpcPeeringConnectionId")
	ok("us-east-1", url.Values{"Action": {"AcceptVpcPeeringConnection"}, "VpcPeeringConnectionId": {pcx}})
	described := ok("us-east-1", url.Values{"Action": {"DescribeVpcPeeringConnections"}, "VpcPeeringConnectionId.1": {pcx}})
	if !strings.Contains(described, "<code>active</code>") {
		t.Errorf("the accepted connection is not active in the accepter's region: %s", described)
	}
	ok("us-west-2", url.Values{"Action": {"CreateRoute"}, "RouteTableId": {rt}, "DestinationCidrBlock": {"10.20.0.0/16"}, "VpcPeeringConnectionId": {pcx}})
	rtEast := ec2ID(t, ok("us-east-1", url.Values{"Action": {"CreateRouteTable"}, "VpcId": {east}}), "routeTableId")
	ok("us-east-1", url.Values{"Action": {"CreateRoute"}, "RouteTableId": {rtEast}, "DestinationCidrBlock": {"10.10.0.0/16"}, "VpcPeeringConnectionId": {pcx}})
}
