package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/globalaccelerator"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Hosted zone IDs AWS uses for alias records to its global services.
const (
	// CloudFrontZoneID is the hosted zone of every CloudFront distribution.
	CloudFrontZoneID = "Z2FDTNDATAQYW2"
	// AcceleratorZoneID is the hosted zone of every Global Accelerator DNS name.
	AcceleratorZoneID = "Z2BJ6XQ5FK7U4H"
	// OriginGroupID is the origin ID of the CloudFront origin group.
	OriginGroupID = "regions"
)

// edgeBuilder carries what the steps of NewGlobalEdge share.
type edgeBuilder struct {
	ctx    *pulumi.Context
	name   string
	a      GlobalEdgeArgs
	g      *GlobalEdge
	parent pulumi.ResourceOrInvokeOption
	global pulumi.ResourceOrInvokeOption

	logs      *s3.BucketV2
	logsReady []pulumi.Resource
}

func (b *edgeBuilder) child(suffix string) string { return b.name + "-" + suffix }

// FailoverTierName is the DNS name of failover tier k under hostname: tier 0 is the hostname itself,
// tier k > 0 is "failover-<k>.<hostname>". Route 53 allows one PRIMARY and one SECONDARY record per
// name, so N regions form a chain of N-1 tiers: tier k answers with the k-th region in failover order
// while it is healthy, and otherwise with tier k+1 (the last tier's SECONDARY is the last region).
func FailoverTierName(hostname string, k int) string {
	if k == 0 {
		return hostname
	}
	return fmt.Sprintf("failover-%d.%s", k, hostname)
}

// route53 creates one health check per region and the routing records of the hostname. Health checks
// are named by region; failover records by their fixed tier, so a change of primary only retargets
// them (alias, health check) in place; latency records by region.
func (b *edgeBuilder) route53() error {
	ctx, a := b.ctx, b.a
	ids := pulumi.StringMap{}
	for _, e := range a.Endpoints {
		hc, err := route53.NewHealthCheck(ctx, b.child(e.Region), &route53.HealthCheckArgs{
			Type:             pulumi.String("HTTPS"),
			Fqdn:             e.DNSName,
			Port:             pulumi.Int(443),
			ResourcePath:     pulumi.String(a.HealthPath),
			EnableSni:        pulumi.Bool(true),
			RequestInterval:  pulumi.Int(a.HealthCheckIntervalSeconds),
			FailureThreshold: pulumi.Int(a.HealthCheckFailureThreshold),
			MeasureLatency:   pulumi.Bool(a.MeasureLatency),
			Tags:             pulumi.StringMap{"Name": pulumi.String(b.child(e.Region)), "region": pulumi.String(e.Region)},
		}, b.parent, b.global)
		if err != nil {
			return fmt.Errorf("creating the %s health check: %w", e.Region, err)
		}
		b.g.HealthChecks[e.Region] = hc
		ids[e.Region] = hc.ID().ToStringOutput()
	}
	b.g.HealthCheckIDs = ids.ToStringMapOutput()
	b.g.Hostname = pulumi.String(a.Hostname).ToStringOutput()
	if a.Routing == RoutingLatency {
		for _, e := range a.Endpoints {
			if _, err := route53.NewRecord(ctx, b.child("latency-"+e.Region), &route53.RecordArgs{
				ZoneId:                 a.ZoneID,
				Name:                   pulumi.String(a.Hostname),
				Type:                   pulumi.String("A"),
				SetIdentifier:          pulumi.String(e.Region),
				LatencyRoutingPolicies: route53.RecordLatencyRoutingPolicyArray{route53.RecordLatencyRoutingPolicyArgs{Region: pulumi.String(e.Region)}},
				HealthCheckId:          b.g.HealthChecks[e.Region].ID(),
				Aliases:                b.albAlias(e),
			}, b.parent, b.global); err != nil {
				return fmt.Errorf("creating the %s latency record: %w", e.Region, err)
			}
		}
		return nil
	}
	eps := a.ordered()
	var next pulumi.Resource // the tier below, which an alias must not precede
	for k := len(eps) - 2; k >= 0; k-- {
		tier := FailoverTierName(a.Hostname, k)
		deps := []pulumi.Resource{}
		secondary := &route53.RecordArgs{Aliases: b.albAlias(eps[k+1]), HealthCheckId: b.g.HealthChecks[eps[k+1].Region].ID()}
		if next != nil {
			secondary = &route53.RecordArgs{Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{
				Name: pulumi.String(FailoverTierName(a.Hostname, k+1)), ZoneId: a.ZoneID, EvaluateTargetHealth: pulumi.Bool(true),
			}}}
			deps = append(deps, next)
		}
		primary := &route53.RecordArgs{Aliases: b.albAlias(eps[k]), HealthCheckId: b.g.HealthChecks[eps[k].Region].ID()}
		var err error
		for _, rec := range []struct {
			kind string
			args *route53.RecordArgs
		}{{"SECONDARY", secondary}, {"PRIMARY", primary}} {
			r := rec.args
			r.ZoneId, r.Name, r.Type = a.ZoneID, pulumi.String(tier), pulumi.String("A")
			r.SetIdentifier = pulumi.String(fmt.Sprintf("tier%d-%s", k, rec.kind))
			r.FailoverRoutingPolicies = route53.RecordFailoverRoutingPolicyArray{route53.RecordFailoverRoutingPolicyArgs{Type: pulumi.String(rec.kind)}}
			suffix := fmt.Sprintf("failover-%d-%s", k, map[string]string{"PRIMARY": "primary", "SECONDARY": "secondary"}[rec.kind])
			if next, err = route53.NewRecord(ctx, b.child(suffix), r, b.parent, b.global, pulumi.DependsOn(deps)); err != nil {
				return fmt.Errorf("creating the tier %d %s record: %w", k, rec.kind, err)
			}
			deps = append(deps, next)
		}
	}
	return nil
}

// albAlias is an alias to a region's ALB that follows the ALB's own health.
func (b *edgeBuilder) albAlias(e EdgeEndpoint) route53.RecordAliasArray {
	return route53.RecordAliasArray{route53.RecordAliasArgs{Name: e.DNSName, ZoneId: e.ZoneID, EvaluateTargetHealth: pulumi.Bool(true)}}
}

// aliasRecord points name at a global service (CloudFront, Global Accelerator).
func (b *edgeBuilder) aliasRecord(suffix, name, typ string, target pulumi.StringInput, zoneID string) error {
	if _, err := route53.NewRecord(b.ctx, b.child(suffix), &route53.RecordArgs{
		ZoneId:  b.a.ZoneID,
		Name:    pulumi.String(name),
		Type:    pulumi.String(typ),
		Aliases: route53.RecordAliasArray{route53.RecordAliasArgs{Name: target, ZoneId: pulumi.String(zoneID), EvaluateTargetHealth: pulumi.Bool(false)}},
	}, b.parent, b.global); err != nil {
		return fmt.Errorf("creating the %s %s record: %w", name, typ, err)
	}
	return nil
}

// logBucket creates the us-east-1 bucket for CloudFront access logs (prefix cloudfront/) and
// accelerator flow logs (prefix globalaccelerator/): ACLs enabled (BucketOwnerPreferred), as
// CloudFront standard logging writes with an ACL grant; private, SSE-S3, versioned, TLS-only.
func (b *edgeBuilder) logBucket() error {
	ctx, parent, global := b.ctx, b.parent, b.global
	arns, err := accountOf(ctx, b.a.Account, parent, global)
	if err != nil {
		return err
	}
	account := arns.AccountID
	logs, err := newHardenedBucket(ctx, bucketSpec{
		name:       b.child("logs"),
		what:       "the log bucket",
		ownership:  "BucketOwnerPreferred",
		lifecycle:  bucketLifecycle{ruleID: "expire-edge-logs", expireDays: b.a.LogDays},
		accessLogs: b.a.AccessLogBucket,
		statements: func(arn string) []statement {
			source := map[string]any{"aws:SourceAccount": account}
			return []statement{
				{
					Sid:       "AcceleratorFlowLogsWrite",
					Effect:    "Allow",
					Principal: map[string]any{"Service": "delivery.logs.amazonaws.com"},
					Action:    []string{"s3:PutObject"},
					Resource:  []string{arn + "/globalaccelerator/AWSLogs/" + account + "/*"},
					Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account, "s3:x-amz-acl": "bucket-owner-full-control"}},
				},
				{
					Sid:       "AcceleratorFlowLogsAclCheck",
					Effect:    "Allow",
					Principal: map[string]any{"Service": "delivery.logs.amazonaws.com"},
					Action:    []string{"s3:GetBucketAcl"},
					Resource:  []string{arn},
					Condition: map[string]any{"StringEquals": source},
				},
			}
		},
		opts: []pulumi.ResourceOption{parent, global},
	})
	if err != nil {
		return err
	}
	b.logs, b.logsReady = logs.bucket, []pulumi.Resource{logs.ownership, logs.policy}
	return nil
}

// webACL creates the CloudFront web ACL (CLOUDFRONT scope, so on the us-east-1 provider) and its
// logging, with the rules every entry of the service meets (newWebACL).
func (b *edgeBuilder) webACL() error {
	w, err := newWebACL(b.ctx, webACLSpec{
		name:         b.child("waf"),
		description:  fmt.Sprintf("%s CloudFront protection", b.name),
		scope:        "CLOUDFRONT",
		rateLimit:    b.a.WAFRateLimit,
		logGroupName: wafLogGroupName(b.ctx, b.name),
		kmsKeyARN:    b.a.WAFLogKMSKeyARN,
		logDays:      b.a.LogDays,
		opts:         []pulumi.ResourceOption{b.parent, b.global},
	})
	if err != nil {
		return err
	}
	b.g.WebACL = w.acl
	b.g.WAFLogGroupName = w.logs.Name
	return nil
}

// policies creates the API cache, origin request and response headers policies of the distribution.
// Nothing is cached unless the origin says so (default TTL 0), and the Authorization header and
// cookies are part of the cache key, so an authenticated response is never served to another caller.
func (b *edgeBuilder) policies() (cache, origin, headers pulumi.IDOutput, err error) {
	ctx, parent, global := b.ctx, b.parent, b.global
	prefix := b.name + "-" + ctx.Stack()
	cp, err := cloudfront.NewCachePolicy(ctx, b.child("api"), &cloudfront.CachePolicyArgs{
		Name:       pulumi.String(prefix + "-api"),
		Comment:    pulumi.String("API: cache only what the origin marks cacheable, keyed by caller"),
		MinTtl:     pulumi.Int(0),
		DefaultTtl: pulumi.Int(0),
		MaxTtl:     pulumi.Int(31536000),
		ParametersInCacheKeyAndForwardedToOrigin: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginArgs{
			EnableAcceptEncodingGzip:   pulumi.Bool(true),
			EnableAcceptEncodingBrotli: pulumi.Bool(true),
			HeadersConfig: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigArgs{
				HeaderBehavior: pulumi.String("whitelist"),
				Headers: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginHeadersConfigHeadersArgs{
					Items: pulumi.StringArray{pulumi.String("Authorization")},
				},
			},
			CookiesConfig:      &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginCookiesConfigArgs{CookieBehavior: pulumi.String("all")},
			QueryStringsConfig: &cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOriginQueryStringsConfigArgs{QueryStringBehavior: pulumi.String("all")},
		},
	}, parent, global)
	if err != nil {
		return cache, origin, headers, fmt.Errorf("creating the cache policy: %w", err)
	}
	// Every viewer header reaches the ALB, Host included: the regional certificates cover the
	// CloudFront hostname, so CloudFront's TLS check of the origin passes.
	orp, err := cloudfront.NewOriginRequestPolicy(ctx, b.child("api"), &cloudfront.OriginRequestPolicyArgs{
		Name:               pulumi.String(prefix + "-api"),
		Comment:            pulumi.String("API: forward every viewer header, cookie and query string"),
		HeadersConfig:      &cloudfront.OriginRequestPolicyHeadersConfigArgs{HeaderBehavior: pulumi.String("allViewer")},
		CookiesConfig:      &cloudfront.OriginRequestPolicyCookiesConfigArgs{CookieBehavior: pulumi.String("all")},
		QueryStringsConfig: &cloudfront.OriginRequestPolicyQueryStringsConfigArgs{QueryStringBehavior: pulumi.String("all")},
	}, parent, global)
	if err != nil {
		return cache, origin, headers, fmt.Errorf("creating the origin request policy: %w", err)
	}
	rhp, err := cloudfront.NewResponseHeadersPolicy(ctx, b.child("security"), &cloudfront.ResponseHeadersPolicyArgs{
		Name:    pulumi.String(prefix + "-security"),
		Comment: pulumi.String("HSTS and browser security headers"),
		SecurityHeadersConfig: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigArgs{
			StrictTransportSecurity: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigStrictTransportSecurityArgs{
				AccessControlMaxAgeSec: pulumi.Int(31536000),
				IncludeSubdomains:      pulumi.Bool(true),
				Preload:                pulumi.Bool(false),
				Override:               pulumi.Bool(true),
			},
			ContentTypeOptions: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigContentTypeOptionsArgs{Override: pulumi.Bool(true)},
			FrameOptions: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigFrameOptionsArgs{
				FrameOption: pulumi.String("DENY"), Override: pulumi.Bool(true),
			},
			ReferrerPolicy: &cloudfront.ResponseHeadersPolicySecurityHeadersConfigReferrerPolicyArgs{
				ReferrerPolicy: pulumi.String("strict-origin-when-cross-origin"), Override: pulumi.Bool(true),
			},
		},
	}, parent, global)
	if err != nil {
		return cache, origin, headers, fmt.Errorf("creating the response headers policy: %w", err)
	}
	return cp.ID(), orp.ID(), rhp.ID(), nil
}

// cloudFront creates the distribution: one origin per region (origin ID = region), an origin group of
// the primary and the first standby that fails over on 500/502/503/504, HTTPS only to the origins,
// the viewer redirected to HTTPS with the us-east-1 certificate over SNI and TLSv1.2_2021, access
// logs, and the web ACL when on. The default behavior (the origin group) allows GET, HEAD and
// OPTIONS, the only methods origin failover covers and the only ones CloudFront accepts on an origin
// group; WritePaths get behaviors of every method to the primary region's origin.
func (b *edgeBuilder) cloudFront() error {
	a := b.a
	cache, origin, headers, err := b.policies()
	if err != nil {
		return err
	}
	eps := a.ordered()
	var origins cloudfront.DistributionOriginArray
	for _, e := range eps {
		origins = append(origins, cloudfront.DistributionOriginArgs{
			OriginId:           pulumi.String(e.Region),
			DomainName:         e.DNSName,
			ConnectionTimeout:  pulumi.Int(a.OriginConnectTimeoutSeconds),
			ConnectionAttempts: pulumi.Int(a.OriginConnectionAttempts),
			CustomOriginConfig: &cloudfront.DistributionOriginCustomOriginConfigArgs{
				HttpPort:               pulumi.Int(80),
				HttpsPort:              pulumi.Int(443),
				OriginProtocolPolicy:   pulumi.String("https-only"),
				OriginSslProtocols:     pulumi.StringArray{pulumi.String("TLSv1.2")},
				OriginKeepaliveTimeout: pulumi.Int(5),
				OriginReadTimeout:      pulumi.Int(30),
			},
		})
	}
	var writes cloudfront.DistributionOrderedCacheBehaviorArray
	for _, p := range a.WritePaths {
		writes = append(writes, cloudfront.DistributionOrderedCacheBehaviorArgs{
			PathPattern:             pulumi.String(p),
			TargetOriginId:          pulumi.String(eps[0].Region),
			ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
			AllowedMethods:          pulumi.ToStringArray([]string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}),
			CachedMethods:           pulumi.ToStringArray([]string{"GET", "HEAD"}),
			Compress:                pulumi.Bool(true),
			CachePolicyId:           cache,
			OriginRequestPolicyId:   origin,
			ResponseHeadersPolicyId: headers,
		})
	}
	var webACL pulumi.StringPtrInput
	if b.g.WebACL != nil {
		webACL = b.g.WebACL.Arn
	}
	dist, err := cloudfront.NewDistribution(b.ctx, b.child("cdn"), &cloudfront.DistributionArgs{
		Enabled:       pulumi.Bool(true),
		IsIpv6Enabled: pulumi.Bool(true),
		HttpVersion:   pulumi.String("http2and3"),
		Comment:       pulumi.String(fmt.Sprintf("%s: %s", b.name, a.CloudFrontHostname)),
		Aliases:       pulumi.StringArray{pulumi.String(a.CloudFrontHostname)},
		PriceClass:    pulumi.String(a.PriceClass),
		Origins:       origins,
		OriginGroups: cloudfront.DistributionOriginGroupArray{cloudfront.DistributionOriginGroupArgs{
			OriginId: pulumi.String(OriginGroupID),
			FailoverCriteria: &cloudfront.DistributionOriginGroupFailoverCriteriaArgs{
				StatusCodes: pulumi.ToIntArray(CloudFrontFailoverStatusCodes),
			},
			Members: cloudfront.DistributionOriginGroupMemberArray{
				cloudfront.DistributionOriginGroupMemberArgs{OriginId: pulumi.String(eps[0].Region)},
				cloudfront.DistributionOriginGroupMemberArgs{OriginId: pulumi.String(eps[1].Region)},
			},
		}},
		DefaultCacheBehavior: &cloudfront.DistributionDefaultCacheBehaviorArgs{
			TargetOriginId:          pulumi.String(OriginGroupID),
			ViewerProtocolPolicy:    pulumi.String("redirect-to-https"),
			AllowedMethods:          pulumi.ToStringArray([]string{"GET", "HEAD", "OPTIONS"}),
			CachedMethods:           pulumi.ToStringArray([]string{"GET", "HEAD"}),
			Compress:                pulumi.Bool(true),
			CachePolicyId:           cache,
			OriginRequestPolicyId:   origin,
			ResponseHeadersPolicyId: headers,
		},
		OrderedCacheBehaviors: writes,
		ViewerCertificate: &cloudfront.DistributionViewerCertificateArgs{
			AcmCertificateArn:      a.CloudFrontCertificateARN,
			SslSupportMethod:       pulumi.String("sni-only"),
			MinimumProtocolVersion: pulumi.String("TLSv1.2_2021"),
		},
		LoggingConfig: &cloudfront.DistributionLoggingConfigArgs{
			Bucket:         b.logs.BucketDomainName,
			Prefix:         pulumi.String("cloudfront/"),
			IncludeCookies: pulumi.Bool(false),
		},
		Restrictions: &cloudfront.DistributionRestrictionsArgs{
			GeoRestriction: &cloudfront.DistributionRestrictionsGeoRestrictionArgs{RestrictionType: pulumi.String("none")},
		},
		WebAclId: webACL,
		Tags:     pulumi.StringMap{"Name": pulumi.String(b.child("cdn"))},
	}, b.parent, b.global, pulumi.DependsOn(b.logsReady))
	if err != nil {
		return fmt.Errorf("creating the distribution: %w", err)
	}
	b.g.Distribution = dist
	b.g.CloudFrontDomain = dist.DomainName
	b.g.CloudFrontHostname = pulumi.String(a.CloudFrontHostname).ToStringOutput()
	for _, typ := range []string{"A", "AAAA"} {
		if err := b.aliasRecord("cdn-"+typ, a.CloudFrontHostname, typ, dist.DomainName, CloudFrontZoneID); err != nil {
			return err
		}
	}
	return nil
}

// accelerator creates the accelerator (flow logs on), a TCP listener (443 with a domain, else 80: the
// ALBs serve HTTPS only with a certificate) and one endpoint group per region, on the us-west-2
// provider. Each group carries the region's traffic dial and an explicit endpoint weight.
func (b *edgeBuilder) accelerator() error {
	ctx, a := b.ctx, b.a
	ga := pulumi.Provider(a.AcceleratorProvider)
	acc, err := globalaccelerator.NewAccelerator(ctx, b.child("accelerator"), &globalaccelerator.AcceleratorArgs{
		Name:          pulumi.String(b.name),
		IpAddressType: pulumi.String("IPV4"),
		Enabled:       pulumi.Bool(true),
		Attributes: &globalaccelerator.AcceleratorAttributesArgs{
			FlowLogsEnabled:  pulumi.Bool(true),
			FlowLogsS3Bucket: b.logs.Bucket,
			FlowLogsS3Prefix: pulumi.String("globalaccelerator/"),
		},
		Tags: pulumi.StringMap{"Name": pulumi.String(b.name)},
	}, b.parent, ga, pulumi.DependsOn(b.logsReady))
	if err != nil {
		return fmt.Errorf("creating the accelerator: %w", err)
	}
	port, protocol := 443, "HTTPS"
	if a.Hostname == "" {
		port, protocol = 80, "HTTP"
	}
	listener, err := globalaccelerator.NewListener(ctx, b.child("listener"), &globalaccelerator.ListenerArgs{
		AcceleratorArn: acc.Arn,
		Protocol:       pulumi.String("TCP"),
		ClientAffinity: pulumi.String(a.ClientAffinity),
		PortRanges:     globalaccelerator.ListenerPortRangeArray{globalaccelerator.ListenerPortRangeArgs{FromPort: pulumi.Int(port), ToPort: pulumi.Int(port)}},
	}, b.parent, ga)
	if err != nil {
		return fmt.Errorf("creating the listener: %w", err)
	}
	for _, e := range a.Endpoints {
		group, err := globalaccelerator.NewEndpointGroup(ctx, b.child(e.Region), &globalaccelerator.EndpointGroupArgs{
			ListenerArn:                listener.ID(),
			EndpointGroupRegion:        pulumi.String(e.Region),
			TrafficDialPercentage:      pulumi.Float64(float64(e.TrafficDial)),
			HealthCheckProtocol:        pulumi.String(protocol),
			HealthCheckPort:            pulumi.Int(port),
			HealthCheckPath:            pulumi.String(a.HealthPath),
			HealthCheckIntervalSeconds: pulumi.Int(a.HealthCheckIntervalSeconds),
			ThresholdCount:             pulumi.Int(a.HealthCheckFailureThreshold),
			EndpointConfigurations: globalaccelerator.EndpointGroupEndpointConfigurationArray{globalaccelerator.EndpointGroupEndpointConfigurationArgs{
				EndpointId:                  e.ALBARN,
				Weight:                      pulumi.Int(a.EndpointWeight),
				ClientIpPreservationEnabled: pulumi.Bool(true),
			}},
		}, b.parent, ga)
		if err != nil {
			return fmt.Errorf("creating the %s endpoint group: %w", e.Region, err)
		}
		b.g.EndpointGroups[e.Region] = group
	}
	b.g.Accelerator = acc
	b.g.AcceleratorDNSName = acc.DnsName
	b.g.AcceleratorIPs = acc.IpSets.ApplyT(func(sets []globalaccelerator.AcceleratorIpSet) []string {
		var ips []string
		for _, s := range sets {
			ips = append(ips, s.IpAddresses...)
		}
		return ips
	}).(pulumi.StringArrayOutput)
	if a.Hostname != "" && a.AcceleratorHostname != "" {
		return b.aliasRecord("accelerator", a.AcceleratorHostname, "A", acc.DnsName, AcceleratorZoneID)
	}
	return nil
}
