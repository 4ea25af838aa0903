package emulator

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// CreateHostedZone creates a public Route 53 hosted zone named name in the emulator at endpoint
// and returns its ID: an account's existing zone that a program looks up by name (prod's
// edge.hostedZone is one).
func CreateHostedZone(ctx context.Context, endpoint, name string) (string, error) {
	var req struct {
		XMLName         xml.Name `xml:"https://route53.amazonaws.com/doc/2013-04-01/ CreateHostedZoneRequest"`
		Name            string   `xml:"Name"`
		CallerReference string   `xml:"CallerReference"`
	}
	req.Name, req.CallerReference = name, "localcloud-"+name
	body, err := xml.Marshal(req)
	if err != nil {
		return "", err
	}
	out, err := send(ctx, endpoint, http.MethodPost, "/2013-04-01/hostedzone", "route53", "us-east-1", "text/xml", string(body))
	if err != nil {
		return "", fmt.Errorf("creating hosted zone %s: %w", name, err)
	}
	var resp struct {
		ID string `xml:"HostedZone>Id"`
	}
	if err := xml.Unmarshal(out, &resp); err != nil || resp.ID == "" {
		return "", fmt.Errorf("creating hosted zone %s: unexpected answer %q (%v)", name, out, err)
	}
	return strings.TrimPrefix(resp.ID, "/hostedzone/"), nil
}
