package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccessLogSinkType is the URN type token of AccessLogSink. It never changes.
const AccessLogSinkType = "multiregion:index:AccessLogSink"

// s3LogDeliveryPrincipal is the service that writes S3 server access logs.
const s3LogDeliveryPrincipal = "logging.s3.amazonaws.com"

// AccessLogSinkArgs configures the S3 access-log bucket of one region.
type AccessLogSinkArgs struct {
	// Region is the AWS region of the provider passed in opts, e.g. "us-west-2". Required; the
	// component's name must contain it. S3 delivers a bucket's access logs only to a bucket in the same
	// region, so every region that holds buckets needs one sink.
	Region string
	// ExpireDays is how long access logs are kept. Default 365; at least 1.
	ExpireDays int
	// Protect sets Pulumi's protect option on the bucket. Default true.
	Protect *bool
	// ForceDestroy lets a destroy delete the bucket with the logs in it. Default false. Only for a
	// throwaway stack (the stack sets it with protect: false): S3 writes access logs here as soon as
	// anything touches a bucket of the region, so the sink is never empty when a stack is destroyed.
	ForceDestroy *bool
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity).
	Account *AccountARNs
}

// AccessLogSink is one region's terminal S3 access-log bucket (FSBP S3.9): every other bucket of the
// components in the region sends its server access logs here, under its own prefix. It is hardened like
// them (private, versioned, TLS-only, expiring) with two deliberate differences: it is encrypted with
// SSE-S3, since S3 log delivery cannot write to a bucket whose default encryption is SSE-KMS, and it does
// not log its own access, which would be written to itself without end (docs/controls.md row 61).
type AccessLogSink struct {
	pulumi.ResourceState

	// Bucket is the access-log bucket.
	Bucket *s3.BucketV2
	// BucketName is the bucket's name, known once its policy admits S3 log delivery: pass it as the
	// AccessLogBucket of the region's components.
	BucketName pulumi.StringOutput `pulumi:"bucketName"`
}

// WithDefaults returns a copy of a with every unset field at its default.
func (a *AccessLogSinkArgs) WithDefaults() AccessLogSinkArgs {
	c := *a
	orDefault(&c.ExpireDays, 365)
	return c
}

// Validate checks a (after WithDefaults) for a component called name and returns every problem.
func (a *AccessLogSinkArgs) Validate(name string) FieldErrors {
	var f FieldErrors
	f = append(f, AsFieldErrors(checkAccount("Account", a.Account))...)
	for _, err := range []error{checkRegion("Region", a.Region), checkName(name, a.Region)} {
		f = append(f, AsFieldErrors(err)...)
	}
	checkDerivedNames(&f, name, []derivedName{{"access-log bucket name", name + "-access-logs", BucketNameLimit - autoNameSuffix}})
	if a.ExpireDays < 1 {
		f.Add("ExpireDays", "%d must be positive", a.ExpireDays)
	}
	return f
}

// NewAccessLogSink creates the access-log bucket of one region on the provider passed in opts.
func NewAccessLogSink(ctx *pulumi.Context, name string, args *AccessLogSinkArgs, opts ...pulumi.ResourceOption) (*AccessLogSink, error) {
	if args == nil {
		return nil, fmt.Errorf("access log sink %q: args are required", name)
	}
	a := args.WithDefaults()
	if err := a.Validate(name).Err(); err != nil {
		return nil, fmt.Errorf("access log sink %q: %w", name, err)
	}
	if err := checkProvider(ctx, a.Region, opts); err != nil {
		return nil, fmt.Errorf("access log sink %q: %w", name, err)
	}
	s := &AccessLogSink{}
	if err := ctx.RegisterComponentResource(AccessLogSinkType, name, s, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	arns, err := accountOf(ctx, a.Account, parent)
	if err != nil {
		return nil, fmt.Errorf("access log sink %q: %w", name, err)
	}
	b, err := newHardenedBucket(ctx, bucketSpec{
		name:         name + "-access-logs",
		what:         "the access-log bucket",
		forceDestroy: boolOr(a.ForceDestroy, false),
		ownership:    "BucketOwnerEnforced",
		lifecycle:    bucketLifecycle{ruleID: "expire-access-logs", expireDays: a.ExpireDays},
		statements: func(arn string) []statement {
			return []statement{{
				Sid:            "S3ServerAccessLogs",
				Effect:         "Allow",
				Principal:      map[string]any{"Service": s3LogDeliveryPrincipal},
				Action:         []string{"s3:PutObject"},
				Resource:       []string{arn + "/*"},
				Condition:      map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": arns.AccountID}},
				scalarResource: true,
			}}
		},
		opts: []pulumi.ResourceOption{parent},
	})
	if err != nil {
		return nil, fmt.Errorf("access log sink %q: %w", name, err)
	}
	s.Bucket = b.bucket
	s.BucketName = pulumi.All(b.bucket.Bucket, b.policy.ID()).ApplyT(func(v []any) string { name, _ := v[0].(string); return name }).(pulumi.StringOutput)
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{"bucketName": s.BucketName})
}
