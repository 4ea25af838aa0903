package stacks

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AcceleratorRegion is where the Global Accelerator API lives: its resources use this region's
// provider, whatever the workload regions. It is components.AcceleratorRegion.
const AcceleratorRegion = components.AcceleratorRegion

// createZonePrefix marks a hostedZone reference the library creates and owns.
const createZonePrefix = "create:"

// EdgeConfig is multiregion:edge, the global entry points. The global services and their settings
// are components.EdgeSettings (its JSON names, defaults and rules live there); the stack adds the
// domain, its zone, the DNS caching the failover figures assume and the RTO target. Without a domain
// only Global Accelerator runs (on port 80, the ALBs then serving plain HTTP).
type EdgeConfig struct {
	components.EdgeSettings
	// Domain is the service's global hostname, e.g. app.example.com. Default none.
	Domain string `json:"domain,omitempty"`
	// HostedZone is the Route 53 zone of Domain: a zone ID ("Z..."), an existing zone's name
	// ("example.com"), or "create:<name>" to create and own it. Required with Domain.
	HostedZone string `json:"hostedZone,omitempty"`
	// RecordTTL is the DNS caching, in seconds, the failover figures assume for the hostname. Its
	// alias records answer with the ALBs' 60 s TTL, so it is at least 60. Default 60; allowed 60-86400.
	RecordTTL int `json:"recordTTL,omitempty"`
	// RTOSeconds is the recovery time objective of the edge: every enabled path's computed failover
	// time must fit in it. Default 0 (no target).
	RTOSeconds int `json:"rtoSeconds,omitempty"`
}

func (e *EdgeConfig) applyDefaults() {
	if e.RecordTTL == 0 {
		e.RecordTTL = components.ALBAliasTTL
	}
	e.EdgeSettings = e.EdgeSettings.WithDefaults(e.Domain != "")
}

// ParseZoneReference reads multiregion:edge.hostedZone: "Z..." (a zone ID), "example.com" (an
// existing zone, looked up by name) or "create:example.com" (a zone the library creates).
func ParseZoneReference(ref string) (components.HostedZone, error) {
	const forms = "want a zone ID like Z0123456789ABCDEFGHIJ, an existing zone's name like example.com, or create:<name> to create one"
	switch {
	case components.ValidZoneID(ref):
		return components.HostedZone{ID: ref}, nil
	case strings.HasPrefix(ref, createZonePrefix):
		name := strings.TrimPrefix(ref, createZonePrefix)
		if components.CheckHostname(name) != nil {
			return components.HostedZone{}, fmt.Errorf("%q does not name a zone to create (%s)", ref, forms)
		}
		return components.HostedZone{Name: name, Create: true}, nil
	case components.CheckHostname(strings.TrimSuffix(ref, ".")) == nil:
		return components.HostedZone{Name: strings.TrimSuffix(ref, ".")}, nil
	}
	return components.HostedZone{}, fmt.Errorf("%q is not a hosted zone reference (%s)", ref, forms)
}

// validateEdge checks multiregion:edge against the rest of the configuration; every message names
// the key, the bad value and what is allowed or missing.
func (c *Config) validateEdge() []error {
	e := &c.Edge
	var errs []error
	add := func(k, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key("edge."+k), fmt.Sprintf(format, v...)))
	}
	if e.Domain != "" {
		if err := components.CheckHostname(e.Domain); err != nil {
			add("domain", "%v", err)
		}
		if e.HostedZone == "" {
			add("hostedZone", "not set; edge.domain %q needs its Route 53 zone for certificates and records (a zone ID like Z0123456789ABCDEFGHIJ, an existing zone's name like example.com, or create:<name>)", e.Domain)
		} else if z, err := ParseZoneReference(e.HostedZone); err != nil {
			add("hostedZone", "%v", err)
		} else if z.Name != "" && !components.InZone(e.Domain, z.Name) {
			add("hostedZone", "%q does not contain edge.domain %q", z.Name, e.Domain)
		}
	} else if e.HostedZone != "" {
		add("hostedZone", "%q is set but edge.domain is not; set the domain the zone serves", e.HostedZone)
	}
	if ttl := e.RecordTTL; ttl < components.ALBAliasTTL || ttl > 86400 {
		add("recordTTL", "%d is outside %d-86400 (the alias records answer with the ALBs' %d s TTL)", ttl, components.ALBAliasTTL, components.ALBAliasTTL)
	}
	if e.RTOSeconds < 0 {
		add("rtoSeconds", "%d is negative (0 means no target)", e.RTOSeconds)
	}
	for _, fe := range e.EdgeSettings.Validate(e.Domain != "") {
		head, rest := splitPath(fe.Path)
		add(jsonPath(reflect.TypeFor[components.EdgeSettings](), head)+rest, "%s", fe.Msg)
	}
	if len(errs) == 0 && e.RTOSeconds > 0 {
		errs = append(errs, c.checkRTO()...)
	}
	return errs
}

// FailoverTimes returns, for every enabled global path ("route53", "globalAccelerator",
// "cloudFront"), its expected detection and failover time from the configured settings.
func (c *Config) FailoverTimes() map[string]components.FailoverTiming {
	e := &c.Edge
	out := map[string]components.FailoverTiming{}
	interval, threshold := e.HealthCheckIntervalSeconds, e.HealthCheckFailureThreshold
	if components.On(e.Route53) {
		out["route53"] = components.Route53FailoverTiming(interval, threshold, e.RecordTTL)
	}
	if components.On(e.GlobalAccelerator) {
		out["globalAccelerator"] = components.AcceleratorFailoverTiming(interval, threshold)
	}
	if components.On(e.CloudFront) {
		out["cloudFront"] = components.CloudFrontFailoverTiming(e.OriginConnectTimeoutSeconds, e.OriginConnectionAttempts)
	}
	return out
}

// checkRTO rejects every enabled path whose failover time exceeds rtoSeconds, saying which settings
// bring it down.
func (c *Config) checkRTO() []error {
	e := &c.Edge
	var errs []error
	fix := map[string]string{
		"route53":           "lower edge.healthCheckFailureThreshold, edge.healthCheckIntervalSeconds (to 10) or edge.recordTTL (to 60)",
		"globalAccelerator": "lower edge.healthCheckFailureThreshold or edge.healthCheckIntervalSeconds (to 10)",
		"cloudFront":        "lower edge.originConnectTimeoutSeconds or edge.originConnectionAttempts",
	}
	times := c.FailoverTimes()
	for _, path := range slices.Sorted(maps.Keys(times)) {
		t := times[path]
		if t.FailoverSeconds > e.RTOSeconds {
			errs = append(errs, fmt.Errorf("%s: %d s is below the %s failover time of %d s (%s); %s, or raise rtoSeconds",
				key("edge.rtoSeconds"), e.RTOSeconds, path, t.FailoverSeconds, t.Formula, fix[path]))
		}
	}
	return errs
}

// failoverTimesOutput renders FailoverTimes as a stack output.
func (c *Config) failoverTimesOutput() pulumi.Map {
	out := pulumi.Map{}
	for path, t := range c.FailoverTimes() {
		out[path] = pulumi.Map{
			"detectionSeconds": pulumi.Int(t.DetectionSeconds),
			"cachingSeconds":   pulumi.Int(t.CachingSeconds),
			"failoverSeconds":  pulumi.Int(t.FailoverSeconds),
			"formula":          pulumi.String(t.Formula),
		}
	}
	return out
}

// edgeHostnames are the names the certificates cover: the domain, CloudFront's and the accelerator's.
// All three are always covered, so turning a service on or off never reissues a certificate.
func (e *EdgeConfig) edgeHostnames() (cdn, ga string) {
	return "cdn." + e.Domain, "ga." + e.Domain
}

// deployDomain creates the zone and certificates before the clusters, whose HTTPS listeners take
// the region's certificate. Without a domain it does nothing and the ALBs serve plain HTTP.
func (d *Deployment) deployDomain(ctx *pulumi.Context) error {
	e := &d.Config.Edge
	if e.Domain == "" {
		return nil
	}
	zone, err := ParseZoneReference(e.HostedZone)
	if err != nil {
		return fmt.Errorf("%s: %w", key("edge.hostedZone"), err)
	}
	global, err := d.Providers.For(GlobalRegion)
	if err != nil {
		return err
	}
	regions := map[string]pulumi.ProviderResource{}
	for _, r := range d.Config.Regions {
		p, err := d.Providers.For(r.Name)
		if err != nil {
			return err
		}
		regions[r.Name] = p
	}
	cdn, ga := e.edgeHostnames()
	d.Domain, err = components.NewDomain(ctx, d.Config.Service.Name+"-domain", &components.DomainArgs{
		Account:               &d.Account,
		Hostname:              e.Domain,
		AlternateNames:        []string{cdn, ga},
		Zone:                  zone,
		Regions:               regions,
		GlobalProvider:        global,
		CloudFrontCertificate: components.Bool(components.On(e.CloudFront)),
		QueryLogRetentionDays: d.Config.LogRetentionDays,
		Protect:               components.Bool(d.Config.Protect),
	})
	return err
}

// certificateARN is the region's validated certificate, or nil (plain HTTP) without a domain.
func (d *Deployment) certificateARN(region string) pulumi.StringInput {
	if d.Domain == nil {
		return nil
	}
	if arn, ok := d.Domain.CertificateARNs[region]; ok {
		return arn
	}
	return nil
}

// deployEdge creates the global layer over the regions' load balancers and exports its outputs.
// Providers are fixed per service (us-east-1 for Route 53, CloudFront and WAF; us-west-2 for Global
// Accelerator), never chosen by role, so a change of primary replaces nothing at the edge.
func (d *Deployment) deployEdge(ctx *pulumi.Context) error {
	cfg, e := d.Config, &d.Config.Edge
	if e.Domain == "" && components.On(e.AllowPlainHTTP) {
		// Loud at every preview and up: nothing between clients and the ALBs is encrypted.
		if err := ctx.Log.Warn(key("edge.allowPlainHttp")+" is true: with no edge.domain, the ALBs and Global "+
			"Accelerator serve plain HTTP on port 80, unencrypted; set edge.domain (and edge.hostedZone) for HTTPS", nil); err != nil {
			return err
		}
	}
	global, err := d.Providers.For(GlobalRegion)
	if err != nil {
		return err
	}
	args := &components.GlobalEdgeArgs{
		Hostname:       e.Domain,
		HealthPath:     cfg.Service.HealthPath,
		EdgeSettings:   e.EdgeSettings,
		Account:        &d.Account,
		LogDays:        cfg.LogRetentionDays,
		Protect:        components.Bool(cfg.Protect),
		GlobalProvider: global,
		Routing:        components.RoutingFailover,
	}
	if cfg.Routing() == LatencyRouting {
		args.Routing = components.RoutingLatency
	}
	if components.On(e.CloudFront) || components.On(e.GlobalAccelerator) {
		sink, err := d.accessLogsIn(ctx, GlobalRegion)
		if err != nil {
			return err
		}
		args.AccessLogBucket = sink.BucketName
	}
	if components.On(e.WAF) && components.On(e.CloudFront) {
		key, err := d.keyIn(ctx, GlobalRegion)
		if err != nil {
			return err
		}
		args.WAFLogKMSKeyARN = key.ARN
	}
	if d.Domain != nil {
		args.ZoneID = d.Domain.ZoneID
		args.CloudFrontCertificateARN = d.Domain.CloudFrontCertificateARN
		args.CloudFrontHostname, args.AcceleratorHostname = e.edgeHostnames()
	}
	if components.On(e.GlobalAccelerator) {
		if args.AcceleratorProvider, err = d.Providers.For(AcceleratorRegion); err != nil {
			return err
		}
	}
	// Standbys fail over in the order of multiregion:regions.
	for _, rc := range cfg.Regions {
		r := d.Regions[rc.Name]
		// The edge follows primaryRegion, also while the old primary is lost (and frozen as it was).
		plan := cfg.planAs(rc.Name, cfg.RoleOf(rc.Name))
		args.Endpoints = append(args.Endpoints, components.EdgeEndpoint{
			Region:      rc.Name,
			Role:        plan.Role,
			TrafficDial: plan.TrafficDial,
			ALBARN:      r.Cluster.ALBARN,
			DNSName:     r.Cluster.ALBDNSName,
			ZoneID:      r.Cluster.ALBZoneID,
		})
	}
	d.Edge, err = components.NewGlobalEdge(ctx, cfg.Service.Name+"-edge", args)
	if err != nil {
		return err
	}
	d.Outputs["globalHostname"] = d.Edge.Hostname
	d.Outputs["cloudFrontDomain"] = d.Edge.CloudFrontDomain
	d.Outputs["cloudFrontHostname"] = d.Edge.CloudFrontHostname
	d.Outputs["acceleratorDnsName"] = d.Edge.AcceleratorDNSName
	d.Outputs["acceleratorIps"] = d.Edge.AcceleratorIPs
	d.Outputs["healthCheckIds"] = d.Edge.HealthCheckIDs
	d.Outputs["failoverTimes"] = cfg.failoverTimesOutput()
	if d.Domain != nil {
		d.Outputs["nameServers"] = d.Domain.NameServers
	}
	return nil
}
