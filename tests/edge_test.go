package tests

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	hostname    = "app.example.com"
	recordType  = "aws:route53/record:Record"
	healthType  = "aws:route53/healthCheck:HealthCheck"
	distType    = "aws:cloudfront/distribution:Distribution"
	groupType   = "aws:globalaccelerator/endpointGroup:EndpointGroup"
	certType    = "aws:acm/certificate:Certificate"
	albType     = "aws:lb/loadBalancer:LoadBalancer"
	edgeName    = "web-edge"
	domainName  = "web-domain"
	listenerTyp = "aws:lb/listener:Listener"
)

// edgeALB returns the ALB of region as the mock engine answered it.
func edgeALB(t *testing.T, e *mockcloud.Engine, region string) *mockcloud.Resource {
	t.Helper()
	alb := e.Find(albType, "web-"+region+"-alb")
	require.NotNil(t, alb, region)
	require.Equal(t, region, alb.Region)
	return alb
}

// edgeChildren returns the custom resources under the GlobalEdge and Domain components.
func edgeChildren(e *mockcloud.Engine) []*mockcloud.Resource {
	var out []*mockcloud.Resource
	for _, c := range []*mockcloud.Resource{
		e.Component(components.GlobalEdgeType, edgeName), e.Component(components.DomainType, domainName),
	} {
		for _, r := range e.ChildrenOf(c) {
			if r.Custom {
				out = append(out, r)
			}
		}
	}
	return out
}

// routingRecords returns the records at the hostname or its failover tiers that carry a routing policy.
func routingRecords(e *mockcloud.Engine) []*mockcloud.Resource {
	return e.Filter(func(r *mockcloud.Resource) bool {
		return r.Type == recordType && r.Has("setIdentifier")
	})
}

// failoverChain follows the failover tiers from the hostname and returns the regions the PRIMARY
// records target, then the last SECONDARY's: the failover order.
func failoverChain(t *testing.T, e *mockcloud.Engine) []string {
	t.Helper()
	byALB := map[string]string{}
	for _, r := range e.ByType(albType) {
		byALB[r.OutStr("dnsName")] = r.Region
	}
	byName := map[string]map[string]*mockcloud.Resource{}
	for _, r := range routingRecords(e) {
		if !r.Has("failoverRoutingPolicies[0].type") {
			continue
		}
		if byName[r.Str("name")] == nil {
			byName[r.Str("name")] = map[string]*mockcloud.Resource{}
		}
		kind := r.Str("failoverRoutingPolicies[0].type")
		assert.Nil(t, byName[r.Str("name")][kind], "two %s records at %s", kind, r.Str("name"))
		byName[r.Str("name")][kind] = r
	}
	var chain []string
	name := hostname
	for range 10 {
		set := byName[name]
		require.NotNil(t, set, "no failover records at %s", name)
		require.Len(t, set, 2, "%s must have exactly one PRIMARY and one SECONDARY", name)
		chain = append(chain, byALB[set["PRIMARY"].Str("aliases[0].name")])
		sec := set["SECONDARY"].Str("aliases[0].name")
		if region, ok := byALB[sec]; ok {
			return append(chain, region)
		}
		name = sec
	}
	t.Fatalf("failover chain from %s does not end at an ALB", hostname)
	return nil
}

// TestEveryRegionHasAHealthCheckAndARecordCarryingIt is docs/controls.md row 54 and the first link between a
// region and the edge, for every strategy.
func TestEveryRegionHasAHealthCheckAndARecordCarryingIt(t *testing.T) {
	for _, strategy := range stacks.Strategies {
		t.Run(string(strategy), func(t *testing.T) {
			e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": string(strategy)}))
			records := routingRecords(e)
			for _, region := range prodRegions {
				alb := edgeALB(t, e, region)
				hc := e.Find(healthType, edgeName+"-"+region)
				require.NotNil(t, hc, "no health check for %s", region)
				assert.Equal(t, "us-east-1", hc.Region)
				assert.Equal(t, "HTTPS", hc.Str("type"))
				assert.Equal(t, alb.OutStr("dnsName"), hc.Str("fqdn"), "%s health check must probe its own ALB", region)
				assert.Equal(t, "/health", hc.Str("resourcePath"))
				port, _ := hc.Num("port")
				interval, _ := hc.Num("requestInterval")
				threshold, _ := hc.Num("failureThreshold")
				assert.Equal(t, []float64{443, 10, 3}, []float64{port, interval, threshold}, region)
				var carrying []*mockcloud.Resource
				for _, r := range records {
					if r.Str("aliases[0].name") == alb.OutStr("dnsName") {
						carrying = append(carrying, r)
					}
				}
				require.Len(t, carrying, 1, "%s: one routing record must alias its ALB", region)
				r := carrying[0]
				assert.Equal(t, hc.ID, r.Str("healthCheckId"), "%s record must carry the region's health check", region)
				assert.Equal(t, alb.OutStr("zoneId"), r.Str("aliases[0].zoneId"))
				eth, _ := r.Bool("aliases[0].evaluateTargetHealth")
				assert.True(t, eth, region)
				assert.Equal(t, "us-east-1", r.Region)
			}
		})
	}
}

// TestFailoverStrategiesChainThePrimaryThenStandbys checks that each failover record set holds
// exactly one PRIMARY and one SECONDARY, and that the chain starts at the primary and visits the
// standbys in configuration order.
func TestFailoverStrategiesChainThePrimaryThenStandbys(t *testing.T) {
	for _, strategy := range []stacks.Strategy{stacks.PilotLight, stacks.WarmStandby} {
		t.Run(string(strategy), func(t *testing.T) {
			e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": string(strategy)}))
			assert.Equal(t, prodRegions, failoverChain(t, e))
			for _, r := range routingRecords(e) {
				assert.False(t, r.Has("latencyRoutingPolicies[0].region"), "%s: latency record in a failover strategy", r.Name)
			}
		})
	}
}

// TestActiveActiveUsesLatencyRecords checks one latency record per region at the hostname.
func TestActiveActiveUsesLatencyRecords(t *testing.T) {
	e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": "active-active"}))
	var regions []string
	for _, r := range routingRecords(e) {
		assert.False(t, r.Has("failoverRoutingPolicies[0].type"), "%s: failover record in active-active", r.Name)
		assert.Equal(t, hostname, r.Str("name"))
		region := r.Str("latencyRoutingPolicies[0].region")
		assert.Equal(t, region, r.Str("setIdentifier"))
		assert.Equal(t, edgeALB(t, e, region).OutStr("dnsName"), r.Str("aliases[0].name"))
		regions = append(regions, region)
	}
	assert.ElementsMatch(t, prodRegions, regions)
}

// TestStrategyDrivesDialsRoutingAndCapacity checks that the one drStrategy knob sets the accelerator
// dials, the routing policy and the standby capacity together.
func TestStrategyDrivesDialsRoutingAndCapacity(t *testing.T) {
	cases := []struct {
		strategy stacks.Strategy
		dial     float64 // of a standby
		tasks    float64 // desired count of a standby
		latency  bool
	}{
		{stacks.PilotLight, 0, 0, false},
		{stacks.WarmStandby, 0, 1, false},
		{stacks.ActiveActive, 100, 3, true},
	}
	for _, tc := range cases {
		t.Run(string(tc.strategy), func(t *testing.T) {
			e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": string(tc.strategy)}))
			for _, region := range prodRegions {
				wantDial, wantTasks := tc.dial, tc.tasks
				if region == "us-west-2" {
					wantDial, wantTasks = 100, 3
				}
				g := e.Find(groupType, edgeName+"-"+region)
				require.NotNil(t, g, region)
				dial, sent := g.Num("trafficDialPercentage")
				assert.True(t, sent, "%s: the dial must be sent even when 0", region)
				assert.Equal(t, wantDial, dial, region)
				svc := e.Find("aws:ecs/service:Service", "web-"+region+"-service")
				require.NotNil(t, svc, region)
				tasks, _ := svc.Num("desiredCount")
				assert.Equal(t, wantTasks, tasks, region)
			}
			latency := 0
			for _, r := range routingRecords(e) {
				if r.Has("latencyRoutingPolicies[0].region") {
					latency++
				}
			}
			assert.Equal(t, tc.latency, latency == 3)
		})
	}
}

// TestEdgeProviders checks where the edge lives: Route 53, CloudFront, its certificate and WAF on the
// us-east-1 provider; Global Accelerator on us-west-2; each ALB certificate in its region and on its
// region's HTTPS listener.
func TestEdgeProviders(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	edge := edgeChildren(e)
	require.NotEmpty(t, edge)
	for _, r := range edge {
		regional := strings.TrimPrefix(r.Name, domainName+"-")
		switch {
		case (r.Type == certType || r.Type == "aws:acm/certificateValidation:CertificateValidation") && regional != "cloudfront":
			assert.Equal(t, regional, r.Region, "%s %s: an ALB certificate lives in the ALB's region", r.Type, r.Name)
		case strings.HasPrefix(r.Type, "aws:globalaccelerator/"):
			assert.Equal(t, stacks.AcceleratorRegion, r.Region, "%s %s: the Global Accelerator API is in us-west-2", r.Type, r.Name)
		default:
			assert.Equal(t, stacks.GlobalRegion, r.Region, "%s %s", r.Type, r.Name)
		}
	}
	cfCert := e.Find(certType, domainName+"-cloudfront")
	require.NotNil(t, cfCert)
	assert.Equal(t, "us-east-1", cfCert.Region)
	dist := e.Find(distType, edgeName+"-cdn")
	require.NotNil(t, dist)
	assert.Equal(t, cfCert.OutStr("arn"), dist.Str("viewerCertificate.acmCertificateArn"))
	waf := e.Find("aws:wafv2/webAcl:WebAcl", edgeName+"-waf")
	require.NotNil(t, waf, "prod turns the WAF on")
	assert.Equal(t, "us-east-1", waf.Region)
	assert.Equal(t, "CLOUDFRONT", waf.Str("scope"))
	assert.Equal(t, waf.OutStr("arn"), dist.Str("webAclId"))
	for _, region := range prodRegions {
		cert := e.Find(certType, domainName+"-"+region)
		require.NotNil(t, cert, region)
		assert.Equal(t, region, cert.Region)
		assert.Equal(t, hostname, cert.Str("domainName"))
		assert.Equal(t, []string{"cdn." + hostname, "ga." + hostname}, []string{cert.Str("subjectAlternativeNames[0]"), cert.Str("subjectAlternativeNames[1]")})
		https := e.Find(listenerTyp, "web-"+region+"-https")
		require.NotNil(t, https, "%s has no HTTPS listener", region)
		assert.Equal(t, cert.OutStr("arn"), https.Str("certificateArn"), "%s listener must use its region's certificate", region)
	}
}

// TestValidationRecordsOncePerName checks the ACM validation CNAMEs: one per certificate name, not
// one per region, each waited on by every certificate's validation.
func TestValidationRecordsOncePerName(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	names := map[string]bool{}
	var fqdns []string
	for _, r := range publicDNS(e, recordType) {
		if r.Str("type") != "CNAME" {
			continue
		}
		assert.False(t, names[r.Str("name")], "validation record %s created twice", r.Str("name"))
		names[r.Str("name")] = true
		fqdns = append(fqdns, r.OutStr("fqdn"))
	}
	assert.Len(t, names, 3, "one validation record per name: the domain, cdn. and ga.")
	validations := e.ByType("aws:acm/certificateValidation:CertificateValidation")
	assert.Len(t, validations, 4, "three regions and CloudFront")
	for _, v := range validations {
		assert.Equal(t, 3, v.Len("validationRecordFqdns"), v.Name)
	}
}

// TestCloudFrontControls is docs/controls.md rows 47-52 on the distribution.
func TestCloudFrontControls(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	dist := e.Find(distType, edgeName+"-cdn")
	require.NotNil(t, dist)
	// 47: every behavior redirects to HTTPS.
	assert.Equal(t, "redirect-to-https", dist.Str("defaultCacheBehavior.viewerProtocolPolicy"))
	for i := range dist.Len("orderedCacheBehaviors") {
		assert.Equal(t, "redirect-to-https", dist.Str(fmt.Sprintf("orderedCacheBehaviors[%d].viewerProtocolPolicy", i)))
	}
	// 48: us-east-1 certificate (TestEdgeProviders), SNI, TLSv1.2_2021.
	assert.Equal(t, "sni-only", dist.Str("viewerCertificate.sslSupportMethod"))
	assert.Equal(t, "TLSv1.2_2021", dist.Str("viewerCertificate.minimumProtocolVersion"))
	assert.Equal(t, "cdn."+hostname, dist.Str("aliases[0]"))
	// 49: https-only, TLSv1.2 to every origin; one origin per region, at its ALB.
	require.Equal(t, 3, dist.Len("origins"))
	var origins []string
	for i := range dist.Len("origins") {
		p := fmt.Sprintf("origins[%d]", i)
		region := dist.Str(p + ".originId")
		origins = append(origins, region)
		assert.Equal(t, edgeALB(t, e, region).OutStr("dnsName"), dist.Str(p+".domainName"))
		assert.Equal(t, "https-only", dist.Str(p+".customOriginConfig.originProtocolPolicy"))
		assert.Equal(t, 1, dist.Len(p+".customOriginConfig.originSslProtocols"))
		assert.Equal(t, "TLSv1.2", dist.Str(p+".customOriginConfig.originSslProtocols[0]"))
	}
	assert.ElementsMatch(t, prodRegions, origins)
	// 50: origin group of the primary then a standby, failing over on 500/502/503/504.
	require.Equal(t, 1, dist.Len("originGroups"))
	group := dist.Str("originGroups[0].originId")
	assert.Equal(t, group, dist.Str("defaultCacheBehavior.targetOriginId"))
	assert.Equal(t, []string{"us-west-2", "us-east-1"}, []string{dist.Str("originGroups[0].members[0].originId"), dist.Str("originGroups[0].members[1].originId")})
	var codes []float64
	for i := range dist.Len("originGroups[0].failoverCriteria.statusCodes") {
		n, _ := dist.Num(fmt.Sprintf("originGroups[0].failoverCriteria.statusCodes[%d]", i))
		codes = append(codes, n)
	}
	assert.Equal(t, []float64{500, 502, 503, 504}, codes)
	// 51: access logs to a bucket with ACLs enabled; WAF (TestEdgeProviders).
	bucket := e.Find("aws:s3/bucketV2:BucketV2", edgeName+"-logs")
	require.NotNil(t, bucket)
	assert.Equal(t, bucket.OutStr("bucketDomainName"), dist.Str("loggingConfig.bucket"))
	own := e.Find("aws:s3/bucketOwnershipControls:BucketOwnershipControls", edgeName+"-logs")
	require.NotNil(t, own)
	assert.Equal(t, "BucketOwnerPreferred", own.Str("rule.objectOwnership"))
	// 52: HSTS of at least a year with subdomains, on the default behavior.
	rhp := e.Find("aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", edgeName+"-security")
	require.NotNil(t, rhp)
	assert.Equal(t, rhp.ID, dist.Str("defaultCacheBehavior.responseHeadersPolicyId"))
	age, _ := rhp.Num("securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec")
	assert.GreaterOrEqual(t, age, float64(31536000))
	sub, _ := rhp.Bool("securityHeadersConfig.strictTransportSecurity.includeSubdomains")
	assert.True(t, sub)
	// API policies: nothing cached by default, the caller's credentials in the key.
	cp := e.Find("aws:cloudfront/cachePolicy:CachePolicy", edgeName+"-api")
	require.NotNil(t, cp)
	assert.Equal(t, cp.ID, dist.Str("defaultCacheBehavior.cachePolicyId"))
	ttl, _ := cp.Num("defaultTtl")
	assert.Zero(t, ttl)
	assert.Equal(t, "Authorization", cp.Str("parametersInCacheKeyAndForwardedToOrigin.headersConfig.headers.items[0]"))
	assert.Equal(t, "all", cp.Str("parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookieBehavior"))
}

// publicDNS returns the resources of typ outside the data names' private zone (DataNames), which
// every stack has whatever its edge.
func publicDNS(e *mockcloud.Engine, typ string) []*mockcloud.Resource {
	private := map[string]bool{}
	for _, c := range e.ByType(components.DataNamesType) {
		for _, r := range e.ChildrenOf(c) {
			private[r.URN] = true
		}
	}
	return e.Filter(func(r *mockcloud.Resource) bool { return r.Type == typ && !private[r.URN] })
}

// TestZoneQueryLoggingWhenOwned is docs/controls.md row 53: a created zone logs queries to us-east-1; an
// existing zone is only looked up.
func TestZoneQueryLoggingWhenOwned(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	assert.Empty(t, publicDNS(e, "aws:route53/zone:Zone"), "prod uses the existing example.com zone")
	assert.Empty(t, e.ByType("aws:route53/queryLog:QueryLog"))
	edge := edgeConfig(t, map[string]any{"hostedZone": "create:example.com"})
	e, _ = deploy(t, with(t, prodConfig(t), map[string]any{"edge": edge}))
	zones := publicDNS(e, "aws:route53/zone:Zone")
	require.Len(t, zones, 1)
	assert.Equal(t, "example.com", zones[0].Str("name"))
	assert.True(t, zones[0].Protect)
	logs := e.ByType("aws:route53/queryLog:QueryLog")
	require.Len(t, logs, 1)
	group := e.Find("aws:cloudwatch/logGroup:LogGroup", domainName+"-query-logs")
	require.NotNil(t, group)
	assert.Equal(t, "us-east-1", group.Region)
	assert.Equal(t, group.OutStr("arn"), logs[0].Str("cloudwatchLogGroupArn"))
	assert.Equal(t, zones[0].ID, logs[0].Str("zoneId"))
	for _, r := range routingRecords(e) {
		assert.Equal(t, zones[0].ID, r.Str("zoneId"), r.Name)
	}
}

// TestAcceleratorControls is docs/controls.md rows 55-56: flow logs, one endpoint group per region at its ALB
// with an explicit dial and weight, client IP preservation, and the health check settings.
func TestAcceleratorControls(t *testing.T) {
	e, d := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": "pilot-light"}))
	acc := e.Find("aws:globalaccelerator/accelerator:Accelerator", edgeName+"-accelerator")
	require.NotNil(t, acc)
	flow, _ := acc.Bool("attributes.flowLogsEnabled")
	assert.True(t, flow)
	bucket := e.Find("aws:s3/bucketV2:BucketV2", edgeName+"-logs")
	assert.Equal(t, bucket.OutStr("bucket"), acc.Str("attributes.flowLogsS3Bucket"))
	listeners := e.ByType("aws:globalaccelerator/listener:Listener")
	require.Len(t, listeners, 1)
	assert.Equal(t, "TCP", listeners[0].Str("protocol"))
	from, _ := listeners[0].Num("portRanges[0].fromPort")
	assert.Equal(t, float64(443), from)
	assert.Equal(t, "NONE", listeners[0].Str("clientAffinity"))
	groups := e.ByType(groupType)
	require.Len(t, groups, len(prodRegions))
	for _, region := range prodRegions {
		g := e.Find(groupType, edgeName+"-"+region)
		require.NotNil(t, g, region)
		assert.Equal(t, region, g.Str("endpointGroupRegion"))
		assert.Equal(t, listeners[0].ID, g.Str("listenerArn"))
		require.Equal(t, 1, g.Len("endpointConfigurations"), region)
		assert.Equal(t, edgeALB(t, e, region).OutStr("arn"), g.Str("endpointConfigurations[0].endpointId"))
		weight, sent := g.Num("endpointConfigurations[0].weight")
		assert.True(t, sent, "%s: weight must be explicit", region)
		assert.Equal(t, float64(components.DefaultEndpointWeight), weight)
		keep, _ := g.Bool("endpointConfigurations[0].clientIpPreservationEnabled")
		assert.True(t, keep)
		dial, sent := g.Num("trafficDialPercentage")
		assert.True(t, sent, "%s: dial must be explicit (0 included)", region)
		assert.Equal(t, float64(d.Regions[region].Plan.TrafficDial), dial)
		assert.Equal(t, "HTTPS", g.Str("healthCheckProtocol"))
		assert.Equal(t, "/health", g.Str("healthCheckPath"))
		interval, _ := g.Num("healthCheckIntervalSeconds")
		count, _ := g.Num("thresholdCount")
		assert.Equal(t, []float64{10, 3}, []float64{interval, count})
	}
	alias := e.Find(recordType, edgeName+"-accelerator")
	require.NotNil(t, alias)
	assert.Equal(t, "ga."+hostname, alias.Str("name"))
	assert.Equal(t, acc.OutStr("dnsName"), alias.Str("aliases[0].name"))
}

// TestPrimaryFlipKeepsEveryEdgeURN flips primaryRegion: every edge and domain resource keeps its URN,
// its provider and every input that forces replacement, while the PRIMARY record, the origin
// group's primary and the dials move to the new primary.
func TestPrimaryFlipKeepsEveryEdgeURN(t *testing.T) {
	for _, strategy := range stacks.Strategies {
		t.Run(string(strategy), func(t *testing.T) {
			conf := with(t, prodConfig(t), map[string]any{"drStrategy": string(strategy)})
			before, _ := deploy(t, conf)
			after, _ := deploy(t, with(t, conf, map[string]any{"primaryRegion": "us-east-1"}))
			index := func(e *mockcloud.Engine) map[string]*mockcloud.Resource {
				m := map[string]*mockcloud.Resource{}
				for _, r := range edgeChildren(e) {
					m[r.URN] = r
				}
				return m
			}
			b, a := index(before), index(after)
			require.NotEmpty(t, b)
			assert.ElementsMatch(t, sortedKeys(b), sortedKeys(a), "the edge's URNs changed on a flip")
			// Inputs that force replacement (per the AWS provider's schema) must not move.
			forceNew := map[string][]string{
				recordType:                {"name", "zoneId", "type"},
				healthType:                {"fqdn", "type", "requestInterval", "measureLatency"},
				groupType:                 {"endpointGroupRegion", "listenerArn"},
				certType:                  {"domainName", "subjectAlternativeNames[0]", "subjectAlternativeNames[1]"},
				"aws:wafv2/webAcl:WebAcl": {"scope"},
			}
			for urn, rb := range b {
				ra := a[urn]
				if ra == nil {
					continue
				}
				assert.Equal(t, rb.ProviderURN, ra.ProviderURN, "%s changed provider on a flip (forces replacement)", rb.Name)
				for _, p := range forceNew[rb.Type] {
					assert.Equal(t, rb.Str(p)+fmt.Sprint(rb.Num(p)), ra.Str(p)+fmt.Sprint(ra.Num(p)), "%s.%s changed on a flip", rb.Name, p)
				}
			}
			if strategy != stacks.ActiveActive {
				assert.Equal(t, []string{"us-east-1", "us-west-2", "eu-west-1"}, failoverChain(t, after))
			}
			dist := after.Find(distType, edgeName+"-cdn")
			assert.Equal(t, "us-east-1", dist.Str("originGroups[0].members[0].originId"))
			assert.Equal(t, "us-west-2", dist.Str("originGroups[0].members[1].originId"))
			dial, _ := after.Find(groupType, edgeName+"-us-east-1").Num("trafficDialPercentage")
			assert.Equal(t, float64(100), dial)
		})
	}
}

func sortedKeys(m map[string]*mockcloud.Resource) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// edgeConfig returns prod's multiregion:edge with the given keys changed.
func edgeConfig(t *testing.T, kv map[string]any) map[string]any {
	t.Helper()
	m := map[string]any{
		"domain": hostname, "hostedZone": "example.com", "healthCheckIntervalSeconds": 10,
		"healthCheckFailureThreshold": 3, "recordTTL": 60, "route53": true, "cloudFront": true,
		"globalAccelerator": true, "waf": true, "clientAffinity": "NONE", "rtoSeconds": 120,
	}
	for k, v := range kv {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	return m
}

// TestEdgeOutputs checks the hostname, CloudFront domain, accelerator IPs and DNS name, health check
// IDs per region, and the failover-time figures of prod (10 s x 3, TTL 60, CloudFront 10 s x 3).
func TestEdgeOutputs(t *testing.T) {
	e, d := deploy(t, prodConfig(t))
	assert.Equal(t, hostname, mockcloud.Await[string](t, d.Outputs["globalHostname"].(pulumi.StringOutput)))
	dist := e.Find(distType, edgeName+"-cdn")
	assert.Equal(t, dist.OutStr("domainName"), mockcloud.Await[string](t, d.Outputs["cloudFrontDomain"].(pulumi.StringOutput)))
	acc := e.Find("aws:globalaccelerator/accelerator:Accelerator", edgeName+"-accelerator")
	assert.Equal(t, acc.OutStr("dnsName"), mockcloud.Await[string](t, d.Outputs["acceleratorDnsName"].(pulumi.StringOutput)))
	assert.Equal(t, []string{"75.2.0.10", "99.83.0.10"}, mockcloud.Await[[]string](t, d.Outputs["acceleratorIps"].(pulumi.StringArrayOutput)))
	ids := mockcloud.Await[map[string]string](t, d.Outputs["healthCheckIds"].(pulumi.StringMapOutput))
	for _, region := range prodRegions {
		assert.Equal(t, e.Find(healthType, edgeName+"-"+region).ID, ids[region], region)
	}
	times, ok := d.Outputs["failoverTimes"].(pulumi.Map)
	require.True(t, ok)
	want := map[string][3]int{"route53": {30, 60, 90}, "globalAccelerator": {30, 0, 30}, "cloudFront": {30, 0, 30}}
	require.Len(t, times, len(want))
	for path, w := range want {
		m := times[path].(pulumi.Map)
		got := [3]int{int(m["detectionSeconds"].(pulumi.Int)), int(m["cachingSeconds"].(pulumi.Int)), int(m["failoverSeconds"].(pulumi.Int))}
		assert.Equal(t, w, got, path)
	}
}

// TestGlobalAcceleratorOnlyWithoutDomain runs a stack without a domain: no zone, certificate, record
// or distribution; plain-HTTP ALBs behind an accelerator on port 80.
func TestGlobalAcceleratorOnlyWithoutDomain(t *testing.T) {
	e, d := deploy(t, with(t, prodConfig(t), map[string]any{"edge": map[string]any{"allowPlainHttp": true}}))
	for _, typ := range []string{certType, recordType, healthType, distType} {
		assert.Empty(t, publicDNS(e, typ), typ)
	}
	acls := e.ByType("aws:wafv2/webAcl:WebAcl")
	require.Len(t, acls, len(prodRegions), "one web ACL per ALB, none for CloudFront")
	for _, acl := range acls {
		assert.Equal(t, "REGIONAL", acl.Str("scope"))
	}
	assert.Nil(t, d.Domain)
	for _, region := range prodRegions {
		assert.Nil(t, e.Find(listenerTyp, "web-"+region+"-https"), region)
	}
	listeners := e.ByType("aws:globalaccelerator/listener:Listener")
	require.Len(t, listeners, 1)
	from, _ := listeners[0].Num("portRanges[0].fromPort")
	assert.Equal(t, float64(80), from)
	assert.Len(t, e.ByType(groupType), len(prodRegions))
	assert.Equal(t, "HTTP", e.Find(groupType, edgeName+"-us-west-2").Str("healthCheckProtocol"))
}

// TestBadEdgeConfigNamesTheKey runs the real entry point on bad edge settings: each fails naming the
// key and registers nothing.
func TestBadEdgeConfigNamesTheKey(t *testing.T) {
	cases := map[string]struct {
		kv   map[string]any
		want string
	}{
		"zone reference":   {map[string]any{"hostedZone": "zone/123"}, "multiregion:edge.hostedZone"},
		"ttl":              {map[string]any{"recordTTL": 5}, "multiregion:edge.recordTTL"},
		"interval":         {map[string]any{"healthCheckIntervalSeconds": 15}, "multiregion:edge.healthCheckIntervalSeconds"},
		"threshold":        {map[string]any{"healthCheckFailureThreshold": 11}, "multiregion:edge.healthCheckFailureThreshold"},
		"rto":              {map[string]any{"rtoSeconds": 60}, "multiregion:edge.rtoSeconds"},
		"cloudfront alone": {map[string]any{"domain": nil, "hostedZone": nil}, "multiregion:edge.cloudFront"},
		// docs/controls.md row 64: without a domain, plain HTTP is refused unless opted in.
		"plain HTTP not opted in":  {map[string]any{"domain": nil, "hostedZone": nil, "route53": false, "cloudFront": false, "cloudFrontWritePaths": nil}, "multiregion:edge.allowPlainHttp: false, and there is no domain"},
		"plain HTTP with a domain": {map[string]any{"allowPlainHttp": true}, "multiregion:edge.allowPlainHttp: true has no effect with a domain"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := mockcloud.New()
			err := e.Run(stacks.Program, with(t, prodConfig(t), map[string]any{"edge": edgeConfig(t, tc.kv)}))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, e.Resources())
		})
	}
}
