package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RegionKeyType is the URN type token of RegionKey. It never changes.
const RegionKeyType = "multiregion:index:RegionKey"

// RegionKeyArgs configures the customer-managed KMS key of one region.
type RegionKeyArgs struct {
	// Region is the AWS region of the provider passed in opts, e.g. "us-west-2". Required. It names the
	// key (keys are named by region, never by role) and scopes the CloudWatch Logs grant.
	Region string
	// DeletionWindowDays is how long a scheduled deletion waits. Default 30; allowed 7-30.
	DeletionWindowDays int
	// Protect sets Pulumi's protect option on the key. Default true.
	Protect *bool
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity); a stack sets it to read the account once, and so
	// that nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
}

// RegionKey is one region's customer-managed KMS key. Every encrypted resource of the region (log
// groups, ECR, RDS, ElastiCache, SNS, Performance Insights) uses it, and a cross-region replica uses the
// key of its own region, never the source's.
type RegionKey struct {
	pulumi.ResourceState

	// Key is the KMS key.
	Key *kms.Key
	// ARN is the key's ARN.
	ARN pulumi.StringOutput `pulumi:"arn"`
	// KeyID is the key's ID.
	KeyID pulumi.IDOutput `pulumi:"keyId"`
}

// WithDefaults returns a copy of a with every unset field at its default.
func (a *RegionKeyArgs) WithDefaults() RegionKeyArgs {
	c := *a
	orDefault(&c.DeletionWindowDays, 30)
	return c
}

// Validate checks a (after WithDefaults) for a component called name and returns every problem.
func (a *RegionKeyArgs) Validate(name string) FieldErrors {
	var f FieldErrors
	f = append(f, AsFieldErrors(checkAccount("Account", a.Account))...)
	for _, err := range []error{checkRegion("Region", a.Region), checkName(name, a.Region)} {
		f = append(f, AsFieldErrors(err)...)
	}
	if a.DeletionWindowDays < 7 || a.DeletionWindowDays > 30 {
		f.Add("DeletionWindowDays", "%d is outside 7-30", a.DeletionWindowDays)
	}
	return f
}

// NewRegionKey creates the KMS key of one region (rotation on, 30-day deletion window, protected) with
// a key policy that lets the account's IAM policies, CloudWatch Logs in that region and CloudWatch
// alarms (publishing to encrypted SNS topics) use it.
func NewRegionKey(ctx *pulumi.Context, name string, args *RegionKeyArgs, opts ...pulumi.ResourceOption) (*RegionKey, error) {
	if args == nil {
		return nil, fmt.Errorf("region key %q: args are required", name)
	}
	a := args.WithDefaults()
	if err := a.Validate(name).Err(); err != nil {
		return nil, fmt.Errorf("region key %q: %w", name, err)
	}
	if err := checkProvider(ctx, a.Region, opts); err != nil {
		return nil, fmt.Errorf("region key %q: %w", name, err)
	}
	k := &RegionKey{}
	if err := ctx.RegisterComponentResource(RegionKeyType, name, k, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(k)
	arns, err := accountOf(ctx, a.Account, parent)
	if err != nil {
		return nil, fmt.Errorf("region key %q: %w", name, err)
	}
	policy, err := keyPolicy(arns, a.Region)
	if err != nil {
		return nil, fmt.Errorf("region key %q: %w", name, err)
	}
	k.Key, err = kms.NewKey(ctx, name+"-key", &kms.KeyArgs{
		Description:          pulumi.String(fmt.Sprintf("multiregion data key for %s", a.Region)),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(a.DeletionWindowDays),
		Policy:               pulumi.String(policy),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating %s KMS key: %w", name, err)
	}
	if _, err := kms.NewAlias(ctx, name+"-key", &kms.AliasArgs{
		Name:        pulumi.String("alias/" + name),
		TargetKeyId: k.Key.KeyId,
	}, parent); err != nil {
		return nil, fmt.Errorf("creating %s KMS alias: %w", name, err)
	}
	k.ARN = k.Key.Arn
	k.KeyID = k.Key.ID()
	return k, ctx.RegisterResourceOutputs(k, pulumi.Map{"arn": k.ARN, "keyId": k.KeyID})
}

// keyPolicy is the key policy: the account root (so IAM policies grant use), CloudWatch Logs of the
// region for log groups of this account (by encryption context), and this account's CloudWatch alarms
// of the region for encrypted SNS topics (by source account and ARN).
func keyPolicy(arns AccountARNs, region string) (string, error) {
	return policyJSON(
		statement{
			Sid:       "AccountRoot",
			Effect:    "Allow",
			Principal: map[string]any{"AWS": arns.Root()},
			Action:    []string{"kms:*"},
			Resource:  []string{"*"},
		},
		statement{
			Sid:       "CloudWatchLogs",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "logs." + region + ".amazonaws.com"},
			Action:    []string{"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"},
			Resource:  []string{"*"},
			Condition: map[string]any{"ArnLike": map[string]any{
				"kms:EncryptionContext:aws:logs:arn": arns.ARN("logs", region, "*"),
			}},
		},
		statement{
			Sid:       "CloudWatchAlarmsToSNS",
			Effect:    "Allow",
			Principal: map[string]any{"Service": "cloudwatch.amazonaws.com"},
			Action:    []string{"kms:Decrypt", "kms:GenerateDataKey*"},
			Resource:  []string{"*"},
			// Only this account's alarms in this region (confused-deputy protection).
			Condition: map[string]any{
				"StringEquals": map[string]any{"aws:SourceAccount": arns.AccountID},
				"ArnLike":      map[string]any{"aws:SourceArn": arns.ARN("cloudwatch", region, "alarm:*")},
			},
		},
	)
}
