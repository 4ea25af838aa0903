package emulator

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestCreateHostedZone(t *testing.T) {
	if err := exec.Command("python3", "-c", "import moto.server").Run(); err != nil {
		t.Skip("python3 with moto is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	m, err := StartMoto(ctx, MotoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
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
