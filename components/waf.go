package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DefaultWAFRateLimit is the default per-IP request limit per 5 minutes of every web ACL's rate rule.
const DefaultWAFRateLimit = 2000

// wafManagedGroups returns the AWS managed rule groups every web ACL of the components runs, in order.
func wafManagedGroups() []string {
	return []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}
}

// WAFRuleCount is the number of rules of every web ACL the components create (each managed rule
// group counts as one rule, as AWS bills it): the managed groups and the rate rule.
func WAFRuleCount() int { return len(wafManagedGroups()) + 1 }

// cloudFrontRequestHeader is the header CloudFront adds to every request it forwards to an origin.
const cloudFrontRequestHeader = "x-amz-cf-id"

// CheckWAFRateLimit reports why n cannot be a web ACL's per-IP rate limit (requests per 5 minutes).
func CheckWAFRateLimit(n int) error {
	if n < 100 || n > 20000000 {
		return fmt.Errorf("%d is outside 100-20000000 (requests per IP per 5 minutes)", n)
	}
	return nil
}

// webACLSpec describes one web ACL: the same rules wherever a client enters (CloudFront or an ALB).
type webACLSpec struct {
	// name is the logical name of the web ACL; its log group is name + "-logs".
	name string
	// description is the web ACL's description.
	description string
	// scope is "CLOUDFRONT" (on a us-east-1 provider) or "REGIONAL" (an ALB's region).
	scope string
	// rateLimit is the per-IP limit per 5 minutes of the rate rule.
	rateLimit int
	// exceptCloudFront leaves requests that came through CloudFront (they carry cloudFrontRequestHeader)
	// out of the rate rule. An ALB sees such a request from a CloudFront edge address that many viewers
	// share, and the distribution's own web ACL has already limited each viewer. A client that forges
	// the header escapes only this rate rule, not the managed rule groups (docs/edge.md).
	exceptCloudFront bool
	// logGroupName is the WAF log group's name; WAF requires the prefix "aws-waf-logs-".
	logGroupName string
	// kmsKeyARN encrypts the log group (a key in the web ACL's region).
	kmsKeyARN pulumi.StringInput
	// logDays is the log group's retention.
	logDays int
	// opts are the options of every resource (parent, provider).
	opts []pulumi.ResourceOption
}

// webACL is a web ACL made by newWebACL and its log group.
type webACL struct {
	acl  *wafv2.WebAcl
	logs *cloudwatch.LogGroup
}

// wafVisibility is the metrics and sampling configuration of a rule or web ACL.
func wafVisibility(metric string) wafv2.WebAclRuleVisibilityConfigArgs {
	return wafv2.WebAclRuleVisibilityConfigArgs{
		CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String(metric), SampledRequestsEnabled: pulumi.Bool(true),
	}
}

// rules are the web ACL's rules: the managed groups, then a per-IP rate limit that blocks.
func (s webACLSpec) rules() wafv2.WebAclRuleArray {
	var rules wafv2.WebAclRuleArray
	for i, group := range wafManagedGroups() {
		rules = append(rules, wafv2.WebAclRuleArgs{
			Name:           pulumi.String(group),
			Priority:       pulumi.Int(i + 1),
			OverrideAction: &wafv2.WebAclRuleOverrideActionArgs{None: &wafv2.WebAclRuleOverrideActionNoneArgs{}},
			Statement: &wafv2.WebAclRuleStatementArgs{ManagedRuleGroupStatement: &wafv2.WebAclRuleStatementManagedRuleGroupStatementArgs{
				Name: pulumi.String(group), VendorName: pulumi.String("AWS"),
			}},
			VisibilityConfig: wafVisibility(group),
		})
	}
	rate := &wafv2.WebAclRuleStatementRateBasedStatementArgs{
		Limit: pulumi.Int(s.rateLimit), AggregateKeyType: pulumi.String("IP"),
	}
	if s.exceptCloudFront {
		fromCloudFront := wafv2.WebAclRuleStatementArgs{SizeConstraintStatement: &wafv2.WebAclRuleStatementSizeConstraintStatementArgs{
			FieldToMatch: &wafv2.WebAclRuleStatementSizeConstraintStatementFieldToMatchArgs{
				SingleHeader: &wafv2.WebAclRuleStatementSizeConstraintStatementFieldToMatchSingleHeaderArgs{Name: pulumi.String(cloudFrontRequestHeader)},
			},
			ComparisonOperator: pulumi.String("GT"),
			Size:               pulumi.Int(0),
			TextTransformations: wafv2.WebAclRuleStatementSizeConstraintStatementTextTransformationArray{
				wafv2.WebAclRuleStatementSizeConstraintStatementTextTransformationArgs{Priority: pulumi.Int(0), Type: pulumi.String("NONE")},
			},
		}}
		rate.ScopeDownStatement = &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementArgs{
			NotStatement: &wafv2.WebAclRuleStatementRateBasedStatementScopeDownStatementNotStatementArgs{
				Statements: wafv2.WebAclRuleStatementArray{fromCloudFront},
			},
		}
	}
	return append(rules, wafv2.WebAclRuleArgs{
		Name:             pulumi.String("rate-limit-per-ip"),
		Priority:         pulumi.Int(len(rules) + 1),
		Action:           &wafv2.WebAclRuleActionArgs{Block: &wafv2.WebAclRuleActionBlockArgs{}},
		Statement:        &wafv2.WebAclRuleStatementArgs{RateBasedStatement: rate},
		VisibilityConfig: wafVisibility("rate-limit-per-ip"),
	})
}

// newWebACL creates the web ACL of spec, its KMS-encrypted log group and the logging configuration
// (FSBP WAF.11): every web ACL of the components is made here, so every entry meets the same rules.
func newWebACL(ctx *pulumi.Context, spec webACLSpec) (*webACL, error) {
	acl, err := wafv2.NewWebAcl(ctx, spec.name, &wafv2.WebAclArgs{
		Description:   pulumi.String(spec.description),
		Scope:         pulumi.String(spec.scope),
		DefaultAction: &wafv2.WebAclDefaultActionArgs{Allow: &wafv2.WebAclDefaultActionAllowArgs{}},
		Rules:         spec.rules(),
		VisibilityConfig: &wafv2.WebAclVisibilityConfigArgs{
			CloudwatchMetricsEnabled: pulumi.Bool(true), MetricName: pulumi.String(spec.name), SampledRequestsEnabled: pulumi.Bool(true),
		},
	}, spec.opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the web ACL: %w", err)
	}
	logs, err := cloudwatch.NewLogGroup(ctx, spec.name+"-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(spec.logGroupName),
		RetentionInDays: pulumi.Int(spec.logDays),
		KmsKeyId:        spec.kmsKeyARN,
	}, spec.opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the web ACL's log group: %w", err)
	}
	if _, err := wafv2.NewWebAclLoggingConfiguration(ctx, spec.name, &wafv2.WebAclLoggingConfigurationArgs{
		ResourceArn:           acl.Arn,
		LogDestinationConfigs: pulumi.StringArray{logs.Arn},
	}, spec.opts...); err != nil {
		return nil, fmt.Errorf("creating the web ACL's logging configuration: %w", err)
	}
	return &webACL{acl: acl, logs: logs}, nil
}

// wafLogGroupName is the name of a web ACL's log group: WAF's required prefix, the component and the
// stack (two stacks of one account and region never share it).
func wafLogGroupName(ctx *pulumi.Context, name string) string {
	return "aws-waf-logs-" + name + "-" + ctx.Stack()
}
