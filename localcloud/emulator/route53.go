package emulator

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
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

// RecordValues returns the values of the record name (any type) in the hosted zone named zone,
// public or private, of the emulator at endpoint: what a resolver in the zone's VPCs would answer.
func RecordValues(ctx context.Context, endpoint, zone, name string) ([]string, error) {
	q := url.Values{"dnsname": {zone}}
	out, err := send(ctx, endpoint, http.MethodGet, "/2013-04-01/hostedzonesbyname?"+q.Encode(), "route53", "us-east-1", "text/xml", "")
	if err != nil {
		return nil, fmt.Errorf("finding hosted zone %s: %w", zone, err)
	}
	var zones struct {
		Zones []struct {
			ID   string `xml:"Id"`
			Name string `xml:"Name"`
		} `xml:"HostedZones>HostedZone"`
	}
	if err := xml.Unmarshal(out, &zones); err != nil {
		return nil, fmt.Errorf("finding hosted zone %s: %w", zone, err)
	}
	id := ""
	for _, z := range zones.Zones {
		if strings.TrimSuffix(z.Name, ".") == strings.TrimSuffix(zone, ".") {
			id = strings.TrimPrefix(z.ID, "/hostedzone/")
			break
		}
	}
	if id == "" {
		return nil, fmt.Errorf("no hosted zone %s", zone)
	}
	q = url.Values{"name": {name}}
	out, err = send(ctx, endpoint, http.MethodGet, "/2013-04-01/hostedzone/"+id+"/rrset?"+q.Encode(), "route53", "us-east-1", "text/xml", "")
	if err != nil {
		return nil, fmt.Errorf("reading record %s of %s: %w", name, zone, err)
	}
	var sets struct {
		Sets []struct {
			Name   string   `xml:"Name"`
			Values []string `xml:"ResourceRecords>ResourceRecord>Value"`
		} `xml:"ResourceRecordSets>ResourceRecordSet"`
	}
	if err := xml.Unmarshal(out, &sets); err != nil {
		return nil, fmt.Errorf("reading record %s of %s: %w", name, zone, err)
	}
	for _, s := range sets.Sets {
		if strings.TrimSuffix(s.Name, ".") == strings.TrimSuffix(name, ".") {
			return s.Values, nil
		}
	}
	return nil, fmt.Errorf("no record %s in %s", name, zone)
}
