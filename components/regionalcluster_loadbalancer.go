package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// loadBalancer creates the access-log bucket, the ALB, the target group and the listeners.
func (b *clusterBuilder) loadBalancer() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	bucket, policy, err := b.accessLogBucket()
	if err != nil {
		return err
	}
	alb, err := lb.NewLoadBalancer(ctx, b.child("alb"), &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		SecurityGroups:           pulumi.StringArray{b.albSG.ID()},
		Subnets:                  b.publicSubnets,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableDeletionProtection: pulumi.Bool(boolOr(a.DeletionProtection, true)),
		EnableHttp2:              pulumi.Bool(true),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket:  bucket.Bucket,
			Prefix:  pulumi.String("alb"),
			Enabled: pulumi.Bool(true),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	if err != nil {
		return fmt.Errorf("creating ALB: %w", err)
	}
	tg, err := lb.NewTargetGroup(ctx, b.child("tg"), &lb.TargetGroupArgs{
		TargetType:          pulumi.String("ip"),
		Protocol:            pulumi.String("HTTP"),
		Port:                pulumi.Int(a.Service.Port),
		VpcId:               b.vpc.ID(),
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Protocol:           pulumi.String("HTTP"),
			Path:               pulumi.String(a.Service.HealthPath),
			Matcher:            pulumi.String("200-399"),
			Interval:           pulumi.Int(15),
			Timeout:            pulumi.Int(5),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating target group: %w", err)
	}
	forward := lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}}
	httpAction := forward
	if a.CertificateARN != nil {
		https, err := lb.NewListener(ctx, b.child("https"), &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn,
			Port:            pulumi.Int(443),
			Protocol:        pulumi.String("HTTPS"),
			SslPolicy:       pulumi.String(a.TLSPolicy),
			CertificateArn:  a.CertificateARN,
			DefaultActions:  forward,
		}, parent)
		if err != nil {
			return fmt.Errorf("creating HTTPS listener: %w", err)
		}
		b.listeners = append(b.listeners, https)
		httpAction = lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Port: pulumi.String("443"), Protocol: pulumi.String("HTTPS"), StatusCode: pulumi.String("HTTP_301"),
			},
		}}
	}
	http, err := lb.NewListener(ctx, b.child("http"), &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  httpAction,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating HTTP listener: %w", err)
	}
	b.listeners = append(b.listeners, http)
	b.c.LoadBalancer, b.c.TargetGroup = alb, tg
	b.c.ALBARN, b.c.ALBARNSuffix, b.c.ALBDNSName, b.c.ALBZoneID = alb.Arn, alb.ArnSuffix, alb.DnsName, alb.ZoneId
	b.c.TargetGroupARNSuffix = tg.ArnSuffix
	return b.firewall(alb)
}

// firewall attaches the REGIONAL web ACL to the ALB, so that a client entering through the Route 53
// records or the accelerator meets the rules a CloudFront client meets (WAF).
func (b *clusterBuilder) firewall(alb *lb.LoadBalancer) error {
	empty := pulumi.String("").ToStringOutput()
	b.c.WebACLARN, b.c.WAFLogGroupName = empty, empty
	if !On(b.a.WAF) {
		return nil
	}
	w, err := newWebACL(b.ctx, webACLSpec{
		name:             b.child("waf"),
		description:      fmt.Sprintf("%s ALB protection", b.name),
		scope:            "REGIONAL",
		rateLimit:        b.a.WAFRateLimit,
		exceptCloudFront: true,
		logGroupName:     wafLogGroupName(b.ctx, b.name),
		kmsKeyARN:        b.a.KMSKeyARN,
		logDays:          b.a.LogRetentionDays,
		opts:             []pulumi.ResourceOption{b.parent},
	})
	if err != nil {
		return err
	}
	// An ALB takes one web ACL: a replaced association must let go of the ALB first.
	if _, err := wafv2.NewWebAclAssociation(b.ctx, b.child("waf"), &wafv2.WebAclAssociationArgs{
		ResourceArn: alb.Arn,
		WebAclArn:   w.acl.Arn,
	}, b.parent, pulumi.DeleteBeforeReplace(true)); err != nil {
		return fmt.Errorf("attaching the web ACL to the ALB: %w", err)
	}
	b.c.WebACL, b.c.WebACLARN, b.c.WAFLogGroupName = w.acl, w.acl.Arn, w.logs.Name
	return nil
}

// accessLogBucket creates the ALB access-log bucket: SSE-S3 (the only encryption ALB log delivery
// supports), versioned, private, TLS-only, expiring logs after AccessLogDays.
func (b *clusterBuilder) accessLogBucket() (*s3.BucketV2, *s3.BucketPolicy, error) {
	ctx, a, parent := b.ctx, b.a, b.parent
	elbAccount, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the ELB log delivery account: %w", err)
	}
	account := b.account
	logs, err := newHardenedBucket(ctx, bucketSpec{
		name:       b.child("alb-logs"),
		what:       "the access log bucket",
		ownership:  "BucketOwnerEnforced",
		lifecycle:  bucketLifecycle{ruleID: "expire-access-logs", expireDays: a.AccessLogDays},
		accessLogs: a.AccessLogBucket,
		statements: func(arn string) []statement {
			return []statement{
				{
					Sid:       "ELBLogDelivery",
					Effect:    "Allow",
					Principal: map[string]any{"AWS": elbAccount.Arn},
					Action:    []string{"s3:PutObject"},
					Resource:  []string{arn + "/alb/AWSLogs/" + account + "/*"},
				},
				{
					Sid:       "ELBLogDeliveryService",
					Effect:    "Allow",
					Principal: map[string]any{"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
					Action:    []string{"s3:PutObject"},
					Resource:  []string{arn + "/alb/AWSLogs/" + account + "/*"},
				},
			}
		},
		opts: []pulumi.ResourceOption{parent},
	})
	if err != nil {
		return nil, nil, err
	}
	return logs.bucket, logs.policy, nil
}
