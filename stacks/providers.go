package stacks

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GlobalRegion is where CloudFront certificates, its WAF and Route 53 health-check metrics live.
const GlobalRegion = "us-east-1"

// Providers holds one explicit AWS provider per region; nothing in the stack uses the default one.
type Providers struct {
	ctx    *pulumi.Context
	cfg    *Config
	byName map[string]*aws.Provider
}

// NewProviders returns an empty provider set; For creates each region's provider on first use.
func NewProviders(ctx *pulumi.Context, cfg *Config) *Providers {
	return &Providers{ctx: ctx, cfg: cfg, byName: map[string]*aws.Provider{}}
}

// For returns the provider of region, creating it once. Providers are named by region ("aws-us-east-1"),
// so a region's resources keep their provider when roles change.
func (p *Providers) For(region string) (*aws.Provider, error) {
	if pr, ok := p.byName[region]; ok {
		return pr, nil
	}
	args := &aws.ProviderArgs{
		Region: pulumi.String(region),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
			"project":    pulumi.String(p.ctx.Project()),
			"stack":      pulumi.String(p.ctx.Stack()),
			"managed-by": pulumi.String("pulumi"),
		}},
	}
	if ep := p.cfg.EmulatorEndpoint; ep != "" {
		endpoint := aws.ProviderEndpointArgs{}
		// Every service the components call, pointed at the emulator.
		set := map[string]*pulumi.StringPtrInput{
			"acm": &endpoint.Acm, "applicationautoscaling": &endpoint.Applicationautoscaling,
			"cloudfront": &endpoint.Cloudfront, "cloudwatch": &endpoint.Cloudwatch, "cloudwatchlogs": &endpoint.Cloudwatchlogs,
			"ec2": &endpoint.Ec2, "ecr": &endpoint.Ecr, "ecs": &endpoint.Ecs, "elasticache": &endpoint.Elasticache,
			"elb": &endpoint.Elb, "elbv2": &endpoint.Elbv2, "firehose": &endpoint.Firehose,
			"globalaccelerator": &endpoint.Globalaccelerator, "iam": &endpoint.Iam, "kinesis": &endpoint.Kinesis,
			"kms": &endpoint.Kms, "rds": &endpoint.Rds, "route53": &endpoint.Route53, "s3": &endpoint.S3,
			"secretsmanager": &endpoint.Secretsmanager, "sns": &endpoint.Sns, "ssm": &endpoint.Ssm,
			"sts": &endpoint.Sts, "wafv2": &endpoint.Wafv2, "xray": &endpoint.Xray,
		}
		for _, field := range set { // every field gets the same value: order cannot matter
			*field = pulumi.String(ep)
		}
		args.Endpoints = aws.ProviderEndpointArray{endpoint}
		args.SkipCredentialsValidation = pulumi.Bool(true)
		args.SkipMetadataApiCheck = pulumi.Bool(true)
		args.SkipRegionValidation = pulumi.Bool(true)
		args.SkipRequestingAccountId = pulumi.Bool(false)
		args.S3UsePathStyle = pulumi.Bool(true)
		// MaxRetries stays the provider's default, as in production: a transient error (a dropped
		// connection, a 5xx) is retried, not fatal.
	}
	pr, err := aws.NewProvider(p.ctx, "aws-"+region, args)
	if err != nil {
		return nil, fmt.Errorf("creating the %s provider: %w", region, err)
	}
	p.byName[region] = pr
	return pr, nil
}
