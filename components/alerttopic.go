package components

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AlertTopicType is the URN type token of AlertTopic. It never changes.
const AlertTopicType = "multiregion:index:AlertTopic"

// AlertTopicArgs configures the alarm notification topic of one region.
type AlertTopicArgs struct {
	// Region is the AWS region of the provider passed in opts, e.g. "us-west-2". Required; the
	// component's name must contain it. CloudWatch alarms publish only to a topic in their own region,
	// so every region that holds alarms needs one.
	Region string
	// KMSKeyARN is the region's KMS key (see RegionKey), whose policy lets CloudWatch alarms use it.
	// Required: the topic is always encrypted.
	KMSKeyARN pulumi.StringInput
	// Email, when set, subscribes this address (AWS sends a confirmation mail). Default: none.
	Email string
	// HTTPSEndpoint, when set, subscribes this https:// URL (it must confirm the subscription).
	// Default: none.
	HTTPSEndpoint string
	// Protect sets Pulumi's protect option on the topic (its confirmed subscriptions are lost with it).
	// Default true.
	Protect *bool
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity); a stack sets it to read the account once, and so
	// that nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
}

// AlertTopic is one region's KMS-encrypted SNS topic that the region's CloudWatch alarms publish to,
// with the operator's optional e-mail and HTTPS subscriptions.
type AlertTopic struct {
	pulumi.ResourceState

	// Topic is the SNS topic.
	Topic *sns.Topic
	// ARN is the topic's ARN, the alarm action of every alarm in the region.
	ARN pulumi.StringOutput `pulumi:"arn"`
}

func (a *AlertTopicArgs) withDefaults() AlertTopicArgs { return *a }

func (a *AlertTopicArgs) validate(name string) error {
	errs := []error{checkRegion("Region", a.Region), checkName(name, a.Region), checkAccount("Account", a.Account)}
	if a.KMSKeyARN == nil {
		errs = append(errs, errors.New("KMSKeyARN: required (the region's RegionKey); alert topics are always encrypted"))
	}
	if err := CheckAlarmEmail(a.Email); err != nil {
		errs = append(errs, fmt.Errorf("Email: %w", err))
	}
	if err := CheckAlarmEndpoint(a.HTTPSEndpoint); err != nil {
		errs = append(errs, fmt.Errorf("HTTPSEndpoint: %w", err))
	}
	return errors.Join(errs...)
}

// CheckAlarmEmail reports why s cannot be an alarm e-mail subscription, or nil ("" is allowed: none).
func CheckAlarmEmail(s string) error {
	if s == "" {
		return nil
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s {
		return fmt.Errorf("%q is not a bare e-mail address (want e.g. oncall@example.com)", s)
	}
	return nil
}

// CheckAlarmEndpoint reports why s cannot be an alarm HTTPS subscription, or nil ("" is allowed:
// none).
func CheckAlarmEndpoint(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https:// URL (SNS delivers alarms over TLS only here)", s)
	}
	return nil
}

// NewAlertTopic creates the alarm topic of one region on the provider passed in opts: encrypted with
// the region's key, publishable by CloudWatch alarms of this account only, with the optional
// subscriptions.
func NewAlertTopic(ctx *pulumi.Context, name string, args *AlertTopicArgs, opts ...pulumi.ResourceOption) (*AlertTopic, error) {
	if args == nil {
		return nil, fmt.Errorf("alert topic %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(name); err != nil {
		return nil, fmt.Errorf("alert topic %q: %w", name, err)
	}
	if err := checkProvider(ctx, a.Region, opts); err != nil {
		return nil, fmt.Errorf("alert topic %q: %w", name, err)
	}
	t := &AlertTopic{}
	if err := ctx.RegisterComponentResource(AlertTopicType, name, t, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(t)
	arns, err := accountOf(ctx, a.Account, parent)
	if err != nil {
		return nil, fmt.Errorf("alert topic %q: %w", name, err)
	}
	account := arns.AccountID
	t.Topic, err = sns.NewTopic(ctx, name+"-alerts", &sns.TopicArgs{
		Name:           pulumi.String(name + "-alerts"),
		DisplayName:    pulumi.String(fmt.Sprintf("multiregion alarms %s", a.Region)),
		KmsMasterKeyId: a.KMSKeyARN,
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating %s alert topic: %w", name, err)
	}
	if _, err := sns.NewTopicPolicy(ctx, name+"-alerts", &sns.TopicPolicyArgs{
		Arn: t.Topic.Arn,
		Policy: policyOutput(func(v []string) []statement {
			return []statement{
				{
					Sid:       "AccountOwner",
					Effect:    "Allow",
					Principal: map[string]any{"AWS": arns.Root()},
					Action: []string{"sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission",
						"sns:RemovePermission", "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"},
					Resource: []string{v[0]},
				},
				{
					Sid:       "CloudWatchAlarms",
					Effect:    "Allow",
					Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
					Action:    []string{"sns:Publish"},
					Resource:  []string{v[0]},
					Condition: map[string]any{
						"StringEquals": map[string]any{"aws:SourceAccount": account},
						"ArnLike":      map[string]any{"aws:SourceArn": arns.ARN("cloudwatch", a.Region, "alarm:*")},
					},
				},
			}
		}, t.Topic.Arn),
	}, parent); err != nil {
		return nil, fmt.Errorf("creating %s alert topic policy: %w", name, err)
	}
	subs := []struct{ suffix, protocol, endpoint string }{{"email", "email", a.Email}, {"https", "https", a.HTTPSEndpoint}}
	for _, s := range subs {
		if s.endpoint == "" {
			continue
		}
		if _, err := sns.NewTopicSubscription(ctx, name+"-alerts-"+s.suffix, &sns.TopicSubscriptionArgs{
			Topic:    t.Topic.Arn,
			Protocol: pulumi.String(s.protocol),
			Endpoint: pulumi.String(s.endpoint),
		}, parent); err != nil {
			return nil, fmt.Errorf("subscribing %s to %s alerts: %w", s.protocol, name, err)
		}
	}
	t.ARN = t.Topic.Arn
	return t, ctx.RegisterResourceOutputs(t, pulumi.Map{"arn": t.ARN})
}
