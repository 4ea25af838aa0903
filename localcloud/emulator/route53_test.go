package emulator

import (
	"net/http"
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
