package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// bucketSpec describes one hardened S3 bucket. The bucket and its six settings resources share one
// logical name, so the URNs of the buckets written before this helper existed are unchanged.
type bucketSpec struct {
	// name is the logical name of the bucket and of each of its settings resources.
	name string
	// forceDestroy lets a destroy delete the bucket with its objects (a throwaway stack only).
	forceDestroy bool
	// bucketName, when set, is the bucket's physical name; "" lets Pulumi auto-name it from name (the
	// logical name and a random suffix), as every bucket made before the state backend is.
	bucketName string
	// what names the bucket in errors, e.g. "the archive bucket".
	what string
	// ownership is the object ownership: "BucketOwnerEnforced" (ACLs off), or "BucketOwnerPreferred"
	// for writers that still send ACL grants (CloudFront standard logging).
	ownership string
	// kmsKeyARN encrypts with this KMS key (aws:kms, bucket key on); nil means SSE-S3 (AES256), the
	// only encryption ALB and CloudFront log delivery support.
	kmsKeyARN pulumi.StringInput
	// lifecycle is the bucket's single lifecycle rule.
	lifecycle bucketLifecycle
	// accessLogs is the region's S3 access-log bucket (AccessLogSink) that receives this bucket's server
	// access logs (FSBP S3.9), under the prefix <name>/. nil only for the sink itself, which does not
	// log (its own access logs would be written to itself, without end).
	accessLogs pulumi.StringInput
	// statements returns the policy statements that grant writers access, given the bucket's ARN; the
	// helper appends the TLS-only deny. nil grants nothing.
	statements func(bucketARN string) []statement
	// tags are the bucket's tags (none when empty).
	tags map[string]string
	// opts are the options of the bucket and every settings resource (parent, provider).
	opts []pulumi.ResourceOption
}

// bucketLifecycle is a lifecycle rule: optional transitions to colder storage, then expiry. Noncurrent
// versions expire (after 30 days unless noncurrentDays says otherwise) and incomplete multipart uploads
// are aborted after 7, for every bucket.
type bucketLifecycle struct {
	// ruleID names the rule.
	ruleID string
	// transitions move objects to colder storage classes, in order. Default none.
	transitions []bucketTransition
	// expireDays deletes current objects this many days after creation; 0 never expires them (a
	// bucket of records, such as Pulumi state, rather than of logs).
	expireDays int
	// noncurrentDays deletes noncurrent versions this many days after they became noncurrent; 0 means
	// 30.
	noncurrentDays int
}

// bucketTransition moves objects to storageClass after days.
type bucketTransition struct {
	days         int
	storageClass string
}

// hardenedBucket is a bucket made by newHardenedBucket and the children others depend on.
type hardenedBucket struct {
	// bucket is the S3 bucket.
	bucket *s3.BucketV2
	// ownership is its ownership controls (log writers that use ACLs wait for it).
	ownership *s3.BucketOwnershipControls
	// policy is its bucket policy (log delivery waits for its grants).
	policy *s3.BucketPolicy
	// versioning is its versioning configuration (replication waits for it on both buckets).
	versioning *s3.BucketVersioningV2
}

// newHardenedBucket creates a private bucket the way every bucket of the components is made: force
// destroy off, the given object ownership, every public access blocked, encrypted at rest (the KMS key
// when given, else SSE-S3), versioned, the lifecycle rule, and a policy that adds a deny of any request
// not over TLS to the writers' grants.
func newHardenedBucket(ctx *pulumi.Context, spec bucketSpec) (*hardenedBucket, error) {
	n, opts := spec.name, spec.opts
	bucketArgs := &s3.BucketV2Args{ForceDestroy: pulumi.Bool(spec.forceDestroy)}
	if spec.bucketName != "" {
		bucketArgs.Bucket = pulumi.String(spec.bucketName)
	}
	if len(spec.tags) > 0 {
		bucketArgs.Tags = pulumi.ToStringMap(spec.tags)
	}
	bucket, err := s3.NewBucketV2(ctx, n, bucketArgs, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", spec.what, err)
	}
	ownership, err := s3.NewBucketOwnershipControls(ctx, n, &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String(spec.ownership)},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("setting the ownership of %s: %w", spec.what, err)
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, n, &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, opts...); err != nil {
		return nil, fmt.Errorf("blocking public access to %s: %w", spec.what, err)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, n, &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  s3.BucketServerSideEncryptionConfigurationV2RuleArray{spec.encryption()},
	}, opts...); err != nil {
		return nil, fmt.Errorf("encrypting %s: %w", spec.what, err)
	}
	versioning, err := s3.NewBucketVersioningV2(ctx, n, &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("versioning %s: %w", spec.what, err)
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, n, &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules:  s3.BucketLifecycleConfigurationV2RuleArray{spec.lifecycle.rule()},
	}, opts...); err != nil {
		return nil, fmt.Errorf("setting the lifecycle of %s: %w", spec.what, err)
	}
	if spec.accessLogs != nil {
		if _, err := s3.NewBucketLoggingV2(ctx, n, &s3.BucketLoggingV2Args{
			Bucket:       bucket.ID(),
			TargetBucket: spec.accessLogs,
			TargetPrefix: pulumi.String(n + "/"),
		}, opts...); err != nil {
			return nil, fmt.Errorf("logging access to %s: %w", spec.what, err)
		}
	}
	grants := spec.statements
	policy, err := s3.NewBucketPolicy(ctx, n, &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: policyOutput(func(v []string) []statement {
			arn := v[0]
			var st []statement
			if grants != nil {
				st = grants(arn)
			}
			return append(st, statement{
				Sid:       "TLSOnly",
				Effect:    "Deny",
				Principal: map[string]any{"AWS": "*"},
				Action:    []string{"s3:*"},
				Resource:  []string{arn, arn + "/*"},
				Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
			})
		}, bucket.Arn),
	}, opts...)
	if err != nil {
		return nil, fmt.Errorf("creating the policy of %s: %w", spec.what, err)
	}
	return &hardenedBucket{bucket: bucket, ownership: ownership, policy: policy, versioning: versioning}, nil
}

// encryption is the default-encryption rule: the KMS key with a bucket key, or SSE-S3.
func (spec bucketSpec) encryption() s3.BucketServerSideEncryptionConfigurationV2RuleArgs {
	if spec.kmsKeyARN == nil {
		return s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}
	}
	return s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
		ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
			SseAlgorithm:   pulumi.String("aws:kms"),
			KmsMasterKeyId: spec.kmsKeyARN,
		},
		BucketKeyEnabled: pulumi.Bool(true),
	}
}

// rule renders the lifecycle rule for the whole bucket (empty prefix filter).
func (l bucketLifecycle) rule() s3.BucketLifecycleConfigurationV2RuleArgs {
	noncurrent := l.noncurrentDays
	orDefault(&noncurrent, 30)
	r := s3.BucketLifecycleConfigurationV2RuleArgs{
		Id:                             pulumi.String(l.ruleID),
		Status:                         pulumi.String("Enabled"),
		Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
		NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(noncurrent)},
		AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
	}
	if l.expireDays > 0 {
		r.Expiration = &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(l.expireDays)}
	}
	if len(l.transitions) > 0 {
		ts := make(s3.BucketLifecycleConfigurationV2RuleTransitionArray, len(l.transitions))
		for i, t := range l.transitions {
			ts[i] = s3.BucketLifecycleConfigurationV2RuleTransitionArgs{Days: pulumi.Int(t.days), StorageClass: pulumi.String(t.storageClass)}
		}
		r.Transitions = ts
	}
	return r
}
