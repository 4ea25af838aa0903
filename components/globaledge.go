package components

import (
	"errors"
	"fmt"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/globalaccelerator"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GlobalEdgeType is the URN type token of GlobalEdge. It never changes.
const GlobalEdgeType = "multiregion:index:GlobalEdge"

// EdgeRouting is how the Route 53 records spread the hostname over the regions.
type EdgeRouting string

const (
	// RoutingFailover answers with the primary region while it is healthy, then with the standbys
	// in order (pilot-light and warm-standby).
	RoutingFailover EdgeRouting = "failover"
	// RoutingLatency answers with the healthy region closest to the resolver (active-active).
	RoutingLatency EdgeRouting = "latency"
)

// Client affinities of the Global Accelerator listener.
const (
	// AffinityNone spreads a client's connections over endpoints (five-tuple hash).
	AffinityNone = "NONE"
	// AffinitySourceIP sends a client IP's connections to the same endpoint.
	AffinitySourceIP = "SOURCE_IP"
)

// DefaultEndpointWeight is the weight of every Global Accelerator endpoint. It is always sent: an
// omitted weight becomes 128 on AWS and drifts, and a weight of 0 would keep a standby out of
// failover, which ignores traffic dials but honours weights.
const DefaultEndpointWeight = 128

// EdgeEndpoint is one region's load balancer as the edge sees it.
type EdgeEndpoint struct {
	// Region is the ALB's region. Required; each region once.
	Region string
	// Role is RolePrimary for exactly one endpoint, RoleStandby for the others.
	Role Role
	// TrafficDial is the Global Accelerator traffic dial in percent (0-100): 100 where the region
	// serves, 0 for a standby that takes traffic only on failover.
	TrafficDial int
	// ALBARN is the load balancer's ARN (the Global Accelerator endpoint). Required.
	ALBARN pulumi.StringInput
	// DNSName is the load balancer's DNS name (alias target, health check and origin). Required.
	DNSName pulumi.StringInput
	// ZoneID is the load balancer's Route 53 zone ID, for alias records. Required.
	ZoneID pulumi.StringInput
}

// GlobalEdgeArgs configures the global entry points of the service. Each part can be turned off; a
// stack without a domain runs Global Accelerator alone (on port 80, as its ALBs serve plain HTTP).
type GlobalEdgeArgs struct {
	// Hostname is the service's global hostname, e.g. app.example.com; "" for a stack without a
	// domain. The Route 53 records answer for it.
	Hostname string
	// ZoneID is the hosted zone of Hostname (see Domain). Required with Hostname.
	ZoneID pulumi.StringInput
	// Endpoints are the regional load balancers, standbys in failover order (the order given).
	// Required; exactly one primary.
	Endpoints []EdgeEndpoint
	// Routing is the Route 53 routing policy. Default RoutingFailover.
	Routing EdgeRouting
	// HealthPath is the path Route 53 and Global Accelerator check over HTTPS. Default DefaultHealthPath.
	HealthPath string
	// EdgeSettings are the settings a stack's configuration sets: the services that run, their health
	// checks and CloudFront's origin behaviour.
	EdgeSettings
	// CloudFrontHostname is the distribution's alternate domain name. Default "cdn." + Hostname; the
	// regional certificates must cover it (CloudFront forwards it as Host to the ALBs).
	CloudFrontHostname string
	// CloudFrontCertificateARN is the us-east-1 certificate of CloudFrontHostname (see Domain).
	CloudFrontCertificateARN pulumi.StringInput
	// PriceClass is the distribution's price class. Default "PriceClass_All".
	PriceClass string
	// WAFRateLimit is the per-IP request limit per 5 minutes of the WAF rate rule. Default
	// DefaultWAFRateLimit; allowed 100-20000000.
	WAFRateLimit int
	// WAFLogKMSKeyARN is a us-east-1 KMS key (a RegionKey there) that encrypts the web ACL's log group.
	// Required with WAF and CloudFront.
	WAFLogKMSKeyARN pulumi.StringInput
	// AcceleratorHostname is the alias record pointing at the accelerator. Default "ga." + Hostname
	// (none without Hostname); the regional certificates must cover it (TLS passes through to the ALBs).
	AcceleratorHostname string
	// EndpointWeight is every accelerator endpoint's weight. Default DefaultEndpointWeight; allowed 1-255.
	EndpointWeight int
	// LogDays is how long CloudFront access logs and accelerator flow logs are kept. Default 365.
	LogDays int
	// AccessLogBucket is us-east-1's S3 access-log bucket (AccessLogSink.BucketName), which receives the
	// edge log bucket's server access logs (FSBP S3.9). Required with CloudFront or GlobalAccelerator.
	AccessLogBucket pulumi.StringInput
	// Protect sets Pulumi's protect option on every child of a stateful type (StatefulTypes: the log
	// buckets, log groups). Default true.
	Protect *bool
	// GlobalProvider is a us-east-1 provider: health checks, records, CloudFront, its WAF and the log
	// bucket use it, whatever the primary region. Required.
	GlobalProvider pulumi.ProviderResource
	// AcceleratorProvider is a us-west-2 provider: the Global Accelerator API lives only there.
	// Required with GlobalAccelerator.
	AcceleratorProvider pulumi.ProviderResource
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity); a stack sets it to read the account once, and so
	// that nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
}

// GlobalEdge is the service's global layer: Route 53 health checks and failover (or latency) records,
// a CloudFront distribution with origin-group failover, and a Global Accelerator with one endpoint
// group per region. Every child is named by region or by a fixed position, never by role, and keeps
// its provider whatever the primary region: a change of primary updates records, the origin group and
// the dials in place and replaces nothing (clients hold the hostname and the accelerator's IPs).
type GlobalEdge struct {
	pulumi.ResourceState

	// HealthChecks are the Route 53 health checks, by region.
	HealthChecks map[string]*route53.HealthCheck
	// Distribution is the CloudFront distribution, nil when off.
	Distribution *cloudfront.Distribution
	// WebACL is the CloudFront web ACL, nil when off.
	WebACL *wafv2.WebAcl
	// WAFLogGroupName is the CloudFront web ACL's log group in us-east-1 ("" when off).
	WAFLogGroupName pulumi.StringOutput
	// Accelerator is the Global Accelerator, nil when off.
	Accelerator *globalaccelerator.Accelerator
	// EndpointGroups are the accelerator's endpoint groups, by region.
	EndpointGroups map[string]*globalaccelerator.EndpointGroup

	// Hostname is the global hostname ("" without a domain or Route 53).
	Hostname pulumi.StringOutput `pulumi:"hostname"`
	// CloudFrontDomain is the distribution's *.cloudfront.net name ("" when off).
	CloudFrontDomain pulumi.StringOutput `pulumi:"cloudFrontDomain"`
	// CloudFrontHostname is the distribution's alternate domain name ("" when off).
	CloudFrontHostname pulumi.StringOutput `pulumi:"cloudFrontHostname"`
	// AcceleratorDNSName is the accelerator's DNS name ("" when off).
	AcceleratorDNSName pulumi.StringOutput `pulumi:"acceleratorDnsName"`
	// AcceleratorIPs are the accelerator's static IPv4 addresses (empty when off).
	AcceleratorIPs pulumi.StringArrayOutput `pulumi:"acceleratorIps"`
	// HealthCheckIDs are the Route 53 health check IDs by region (empty when off).
	HealthCheckIDs pulumi.StringMapOutput `pulumi:"healthCheckIds"`
}

func (a *GlobalEdgeArgs) withDefaults() GlobalEdgeArgs {
	c := *a
	orDefault(&c.Routing, RoutingFailover)
	orDefault(&c.HealthPath, DefaultHealthPath)
	domain := c.Hostname != ""
	c.EdgeSettings = c.EdgeSettings.WithDefaults(domain)
	if c.CloudFrontHostname == "" && domain {
		c.CloudFrontHostname = "cdn." + c.Hostname
	}
	if c.AcceleratorHostname == "" && domain {
		c.AcceleratorHostname = "ga." + c.Hostname
	}
	orDefault(&c.PriceClass, "PriceClass_All")
	orDefault(&c.WAFRateLimit, DefaultWAFRateLimit)
	orDefault(&c.EndpointWeight, DefaultEndpointWeight)
	orDefault(&c.LogDays, 365)
	c.Endpoints = slices.Clone(c.Endpoints)
	return c
}

func (a *GlobalEdgeArgs) validate() error {
	errs := []error{checkAccount("Account", a.Account)}
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	for _, e := range a.EdgeSettings.Validate(a.Hostname != "") {
		errs = append(errs, e)
	}
	r53, cf, ga := *a.Route53, *a.CloudFront, *a.GlobalAccelerator
	if a.Hostname != "" {
		if err := CheckHostname(a.Hostname); err != nil {
			add("Hostname: %w", err)
		}
		if a.ZoneID == nil {
			add("ZoneID: required with Hostname (see Domain)")
		}
	}
	if cf {
		if a.CloudFrontCertificateARN == nil {
			add("CloudFrontCertificateARN: required with CloudFront (a us-east-1 certificate, see Domain)")
		}
		if len(a.Endpoints) < 2 {
			add("CloudFront: the origin group needs two endpoints, %d given", len(a.Endpoints))
		}
		if a.CloudFrontHostname != "" {
			if err := CheckHostname(a.CloudFrontHostname); err != nil {
				add("CloudFrontHostname: %w", err)
			}
		}
	}
	if ga {
		if a.AcceleratorProvider == nil {
			add("AcceleratorProvider: required with GlobalAccelerator (a us-west-2 provider: the API lives only there)")
		}
		if a.AcceleratorHostname != "" {
			if err := CheckHostname(a.AcceleratorHostname); err != nil {
				add("AcceleratorHostname: %w", err)
			}
		}
	}
	if a.GlobalProvider == nil {
		add("GlobalProvider: required (a us-east-1 provider)")
	}
	if a.Routing != RoutingFailover && a.Routing != RoutingLatency {
		add("Routing: %q is not %q or %q", a.Routing, RoutingFailover, RoutingLatency)
	}
	if a.Routing == RoutingFailover && r53 && len(a.Endpoints) < 2 {
		add("Endpoints: failover routing needs a primary and at least one standby, %d given", len(a.Endpoints))
	}
	if len(a.Endpoints) == 0 {
		add("Endpoints: at least one is required")
	}
	primaries := 0
	seen := map[string]bool{}
	for i, e := range a.Endpoints {
		f := fmt.Sprintf("Endpoints[%d]", i)
		if err := checkRegion(f+".Region", e.Region); err != nil {
			errs = append(errs, err)
		} else if seen[e.Region] {
			add("%s.Region: %q is listed twice", f, e.Region)
		}
		seen[e.Region] = true
		if err := checkRole(f+".Role", e.Role); err != nil {
			errs = append(errs, err)
		}
		if e.Role == RolePrimary {
			primaries++
		}
		if e.TrafficDial < 0 || e.TrafficDial > 100 {
			add("%s.TrafficDial: %d is outside 0-100", f, e.TrafficDial)
		}
		if e.ALBARN == nil || e.DNSName == nil || e.ZoneID == nil {
			add("%s: ALBARN, DNSName and ZoneID are required", f)
		}
	}
	if len(a.Endpoints) > 0 && primaries != 1 {
		add("Endpoints: %d primaries; exactly one endpoint must be the primary", primaries)
	}
	if err := CheckHealthPath(a.HealthPath); err != nil {
		add("HealthPath: %w", err)
	}
	if !slices.Contains([]string{"PriceClass_All", "PriceClass_200", "PriceClass_100"}, a.PriceClass) {
		add("PriceClass: %q is not PriceClass_All, PriceClass_200 or PriceClass_100", a.PriceClass)
	}
	if err := CheckWAFRateLimit(a.WAFRateLimit); err != nil {
		add("WAFRateLimit: %w", err)
	}
	if (On(a.CloudFront) || On(a.GlobalAccelerator)) && a.AccessLogBucket == nil {
		add("AccessLogBucket: required with CloudFront or GlobalAccelerator (us-east-1's AccessLogSink bucket, for the edge log bucket's access logs)")
	}
	if On(a.WAF) && On(a.CloudFront) && a.WAFLogKMSKeyARN == nil {
		add("WAFLogKMSKeyARN: required with WAF and CloudFront (a us-east-1 key for the web ACL's log group)")
	}
	if a.EndpointWeight < 1 || a.EndpointWeight > 255 {
		add("EndpointWeight: %d is outside 1-255 (0 would keep the endpoint out of failover)", a.EndpointWeight)
	}
	if a.LogDays < 1 {
		add("LogDays: %d must be positive", a.LogDays)
	}
	return errors.Join(errs...)
}

// ordered returns the endpoints primary first, then the standbys in the order given: the failover order.
func (a *GlobalEdgeArgs) ordered() []EdgeEndpoint {
	out := make([]EdgeEndpoint, 0, len(a.Endpoints))
	for _, e := range a.Endpoints {
		if e.Role == RolePrimary {
			out = append(out, e)
		}
	}
	for _, e := range a.Endpoints {
		if e.Role != RolePrimary {
			out = append(out, e)
		}
	}
	return out
}

// checkProviders verifies, before anything is registered, that GlobalProvider is a us-east-1 AWS
// provider and AcceleratorProvider (when set) a us-west-2 one.
func (a *GlobalEdgeArgs) checkProviders(ctx *pulumi.Context) error {
	if err := CheckProviderRegion(ctx, "GlobalProvider", a.GlobalProvider, HealthCheckMetricsRegion); err != nil {
		return err
	}
	if a.AcceleratorProvider != nil {
		return CheckProviderRegion(ctx, "AcceleratorProvider", a.AcceleratorProvider, AcceleratorMetricsRegion)
	}
	return nil
}

// NewGlobalEdge creates the global layer over the regional load balancers. Its children use the
// providers in Args (us-east-1 for Route 53, CloudFront and WAF; us-west-2 for Global Accelerator),
// never one chosen by role.
func NewGlobalEdge(ctx *pulumi.Context, name string, args *GlobalEdgeArgs, opts ...pulumi.ResourceOption) (*GlobalEdge, error) {
	if args == nil {
		return nil, fmt.Errorf("global edge %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("global edge %q: %w", name, err)
	}
	if err := a.checkProviders(ctx); err != nil {
		return nil, fmt.Errorf("global edge %q: %w", name, err)
	}
	g := &GlobalEdge{HealthChecks: map[string]*route53.HealthCheck{}, EndpointGroups: map[string]*globalaccelerator.EndpointGroup{}}
	if err := ctx.RegisterComponentResource(GlobalEdgeType, name, g, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	b := &edgeBuilder{ctx: ctx, name: name, a: a, g: g, parent: pulumi.Parent(g), global: pulumi.Provider(a.GlobalProvider)}
	empty := pulumi.String("").ToStringOutput()
	g.Hostname, g.CloudFrontDomain, g.CloudFrontHostname, g.AcceleratorDNSName, g.WAFLogGroupName = empty, empty, empty, empty, empty
	g.AcceleratorIPs = pulumi.StringArray{}.ToStringArrayOutput()
	g.HealthCheckIDs = pulumi.StringMap{}.ToStringMapOutput()
	steps := []struct {
		what string
		on   bool
		run  func() error
	}{
		{"route 53", *a.Route53, b.route53},
		{"log bucket", *a.CloudFront || *a.GlobalAccelerator, b.logBucket},
		{"web ACL", *a.WAF && *a.CloudFront, b.webACL},
		{"cloudfront", *a.CloudFront, b.cloudFront},
		{"global accelerator", *a.GlobalAccelerator, b.accelerator},
	}
	for _, s := range steps {
		if !s.on {
			continue
		}
		if err := s.run(); err != nil {
			return nil, fmt.Errorf("global edge %q: %s: %w", name, s.what, err)
		}
	}
	return g, ctx.RegisterResourceOutputs(g, pulumi.Map{
		"hostname":           g.Hostname,
		"cloudFrontDomain":   g.CloudFrontDomain,
		"cloudFrontHostname": g.CloudFrontHostname,
		"acceleratorDnsName": g.AcceleratorDNSName,
		"acceleratorIps":     g.AcceleratorIPs,
		"healthCheckIds":     g.HealthCheckIDs,
	})
}
