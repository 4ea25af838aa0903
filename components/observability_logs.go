package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kinesis"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/xray"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// tracing creates, in every region, the X-Ray group of the service and two sampling rules: health
// checks never sampled, everything else at the reservoir plus SamplingRate. Names carry the region
// and fit X-Ray's 32 characters.
func (b *obsBuilder) tracing() error {
	a := b.a
	for _, r := range b.regions {
		if _, err := xray.NewGroup(b.ctx, b.child(r+"-xray"), &xray.GroupArgs{
			GroupName:        pulumi.String(xrayName(b.name, r, "")),
			FilterExpression: pulumi.String(fmt.Sprintf("service(%q)", a.ServiceName)),
			InsightsConfiguration: &xray.GroupInsightsConfigurationArgs{
				InsightsEnabled:      pulumi.Bool(true),
				NotificationsEnabled: pulumi.Bool(false),
			},
		}, b.in(r)...); err != nil {
			return fmt.Errorf("creating %s X-Ray group: %w", r, err)
		}
		rules := []struct {
			suffix    string
			priority  int
			path      string
			reservoir int
			rate      float64
		}{
			{"-hc", 100, a.HealthPath, 0, 0},
			{"", 1000, "*", *a.ReservoirPerSecond, *a.SamplingRate},
		}
		for _, rule := range rules {
			if _, err := xray.NewSamplingRule(b.ctx, b.child(r+"-sampling"+rule.suffix), &xray.SamplingRuleArgs{
				RuleName:      pulumi.String(xrayName(b.name, r, rule.suffix)),
				Priority:      pulumi.Int(rule.priority),
				Version:       pulumi.Int(1),
				ReservoirSize: pulumi.Int(rule.reservoir),
				FixedRate:     pulumi.Float64(rule.rate),
				UrlPath:       pulumi.String(rule.path),
				Host:          pulumi.String("*"),
				HttpMethod:    pulumi.String("*"),
				ServiceType:   pulumi.String("*"),
				ServiceName:   pulumi.String(a.ServiceName),
				ResourceArn:   pulumi.String("*"),
				Tags:          pulumi.StringMap{"region": pulumi.String(r)},
			}, b.in(r)...); err != nil {
				return fmt.Errorf("creating %s X-Ray sampling rule: %w", r, err)
			}
		}
	}
	return nil
}

// logArchive creates the archive in LogArchive.Region (bucket, delivery stream) and, in every
// region, the CloudWatch Logs destination and the subscription filters that ship to it.
//
// A subscription filter can only target a destination in its own region, but a CloudWatch Logs
// destination may point at a Firehose stream in another region. So each region gets its own
// destination (on its provider) whose role may put records into the one archive stream and nothing
// else, and its log groups subscribe to that local destination.
func (b *obsBuilder) logArchive() error {
	ctx, l := b.ctx, b.a.LogArchive
	home := b.in(l.Region)
	bucket, err := b.archiveBucket()
	if err != nil {
		return err
	}
	errorLogs, err := cloudwatch.NewLogGroup(ctx, b.child("log-archive-errors"), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/multiregion/" + b.name + "/log-archive-delivery-errors"),
		RetentionInDays: pulumi.Int(l.ErrorLogRetentionDays),
		KmsKeyId:        l.KMSKeyARN,
	}, home...)
	if err != nil {
		return fmt.Errorf("creating delivery error log group: %w", err)
	}
	errorStream, err := cloudwatch.NewLogStream(ctx, b.child("log-archive-errors"), &cloudwatch.LogStreamArgs{
		LogGroupName: errorLogs.Name,
		Name:         pulumi.String("S3Delivery"),
	}, home...)
	if err != nil {
		return fmt.Errorf("creating delivery error log stream: %w", err)
	}
	trust, err := assumeRolePolicy("firehose.amazonaws.com", b.account)
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, b.child("log-archive-delivery"), &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("Firehose delivery of %s logs into the %s archive bucket", b.name, l.Region)),
		AssumeRolePolicy: pulumi.String(trust),
	}, home...)
	if err != nil {
		return fmt.Errorf("creating delivery role: %w", err)
	}
	region := l.Region
	rolePolicy, err := iam.NewRolePolicy(ctx, b.child("log-archive-delivery"), &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: policyOutput(func(v []string) []statement {
			bucketARN, keyARN, logARN := v[0], v[1], v[2]
			return []statement{
				{Sid: "WriteArchive", Effect: "Allow", Action: []string{
					"s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
					"s3:ListBucketMultipartUploads", "s3:PutObject",
				}, Resource: []string{bucketARN, bucketARN + "/*"}},
				{Sid: "EncryptArchive", Effect: "Allow", Action: []string{"kms:Decrypt", "kms:GenerateDataKey"},
					Resource:  []string{keyARN},
					Condition: map[string]any{"StringEquals": map[string]any{"kms:ViaService": "s3." + region + ".amazonaws.com"}}},
				{Sid: "DeliveryErrors", Effect: "Allow", Action: []string{"logs:PutLogEvents"}, Resource: []string{logARN + ":*"}},
			}
		}, bucket.Arn, l.KMSKeyARN, errorLogs.Arn),
	}, home...)
	if err != nil {
		return fmt.Errorf("creating delivery policy: %w", err)
	}
	stream, err := kinesis.NewFirehoseDeliveryStream(ctx, b.child("log-archive"), &kinesis.FirehoseDeliveryStreamArgs{
		Name:        pulumi.String(b.name + "-log-archive-" + l.Region),
		Destination: pulumi.String("extended_s3"),
		ServerSideEncryption: &kinesis.FirehoseDeliveryStreamServerSideEncryptionArgs{
			Enabled: pulumi.Bool(true),
			KeyType: pulumi.String("CUSTOMER_MANAGED_CMK"),
			KeyArn:  l.KMSKeyARN,
		},
		ExtendedS3Configuration: &kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationArgs{
			BucketArn: bucket.Arn,
			RoleArn:   role.Arn,
			KmsKeyArn: l.KMSKeyARN,
			// CloudWatch Logs delivers gzip-compressed batches already.
			CompressionFormat: pulumi.String("UNCOMPRESSED"),
			BufferingInterval: pulumi.Int(300),
			BufferingSize:     pulumi.Int(5),
			Prefix:            pulumi.String("cloudwatch-logs/!{timestamp:yyyy/MM/dd}/"),
			ErrorOutputPrefix: pulumi.String("delivery-errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"),
			CloudwatchLoggingOptions: &kinesis.FirehoseDeliveryStreamExtendedS3ConfigurationCloudwatchLoggingOptionsArgs{
				Enabled:       pulumi.Bool(true),
				LogGroupName:  errorLogs.Name,
				LogStreamName: errorStream.Name,
			},
		},
	}, b.in(l.Region, pulumi.DependsOn([]pulumi.Resource{rolePolicy}))...)
	if err != nil {
		return fmt.Errorf("creating delivery stream: %w", err)
	}
	b.o.ArchiveBucket, b.o.DeliveryStream = bucket, stream
	b.o.ArchiveBucketName, b.o.DeliveryStreamARN = bucket.Bucket, stream.Arn
	destinations := pulumi.StringMap{}
	for _, r := range b.regions {
		arn, err := b.shipRegion(r, stream)
		if err != nil {
			return fmt.Errorf("shipping %s logs: %w", r, err)
		}
		destinations[r] = arn
	}
	b.o.LogDestinationARNs = destinations.ToStringMapOutput()
	return nil
}

// shipRegion creates, in region r on its provider, the role CloudWatch Logs assumes to put records
// into the archive stream (that stream only, for this region's log events only), the destination, its
// access policy, and one subscription filter per log group. It returns the destination's ARN.
func (b *obsBuilder) shipRegion(r string, stream *kinesis.FirehoseDeliveryStream) (pulumi.StringOutput, error) {
	ctx, account := b.ctx, b.account
	opts := b.in(r)
	trust, err := policyJSON(statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": "logs.amazonaws.com"},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]any{"StringLike": map[string]any{"aws:SourceArn": b.arns.ARN("logs", r, "*")}},
	})
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	role, err := iam.NewRole(ctx, b.child(r+"-log-shipping"), &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("CloudWatch Logs of %s shipping to the %s log archive stream", r, b.a.LogArchive.Region)),
		AssumeRolePolicy: pulumi.String(trust),
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating role: %w", err)
	}
	policy, err := iam.NewRolePolicy(ctx, b.child(r+"-log-shipping"), &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: policyOutput(func(v []string) []statement {
			return []statement{{Sid: "PutIntoArchive", Effect: "Allow",
				Action: []string{"firehose:PutRecord", "firehose:PutRecordBatch"}, Resource: []string{v[0]}}}
		}, stream.Arn),
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating role policy: %w", err)
	}
	// CloudWatch Logs sends a test record when the destination is created: the policy comes first.
	dest, err := cloudwatch.NewLogDestination(ctx, b.child(r+"-log-archive"), &cloudwatch.LogDestinationArgs{
		Name:      pulumi.String(b.name + "-log-archive-" + r),
		TargetArn: stream.Arn,
		RoleArn:   role.Arn,
	}, append(opts, pulumi.DependsOn([]pulumi.Resource{policy}))...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating log destination: %w", err)
	}
	access, err := cloudwatch.NewLogDestinationPolicy(ctx, b.child(r+"-log-archive"), &cloudwatch.LogDestinationPolicyArgs{
		DestinationName: dest.Name,
		AccessPolicy: policyOutput(func(v []string) []statement {
			return []statement{{Sid: "ThisAccountSubscribes", Effect: "Allow",
				Principal: map[string]any{"AWS": account},
				Action:    []string{"logs:PutSubscriptionFilter"}, Resource: []string{v[0]}}}
		}, dest.Arn),
	}, opts...)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("creating log destination policy: %w", err)
	}
	groups := b.a.Regions[r].LogGroups
	for _, label := range sortedKeys(groups) {
		if _, err := cloudwatch.NewLogSubscriptionFilter(ctx, b.child(r+"-"+label+"-to-archive"), &cloudwatch.LogSubscriptionFilterArgs{
			Name:           pulumi.String(b.name + "-log-archive"),
			LogGroup:       groups[label],
			DestinationArn: dest.Arn,
			FilterPattern:  pulumi.String(""),
		}, append(opts, pulumi.DependsOn([]pulumi.Resource{access}))...); err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("subscribing log group %s: %w", label, err)
		}
	}
	return dest.Arn, nil
}

// archiveBucket creates the archive bucket in LogArchive.Region: named by its region, KMS-encrypted
// with the region's key, versioned, private, TLS-only, moving to colder storage and expiring after
// the retention, protected.
func (b *obsBuilder) archiveBucket() (*s3.BucketV2, error) {
	l := b.a.LogArchive
	archive, err := newHardenedBucket(b.ctx, bucketSpec{
		name:       b.child("log-archive-" + l.Region),
		what:       "the archive bucket",
		ownership:  "BucketOwnerEnforced",
		kmsKeyARN:  l.KMSKeyARN,
		accessLogs: l.AccessLogBucket,
		tags:       backupTags(l.BackupSelection),
		lifecycle: bucketLifecycle{
			ruleID: "archive-tiers-and-retention",
			transitions: []bucketTransition{
				{days: l.TransitionDays, storageClass: "STANDARD_IA"},
				{days: l.GlacierDays, storageClass: "GLACIER"},
			},
			expireDays: l.RetentionDays,
		},
		opts: b.in(l.Region),
	})
	if err != nil {
		return nil, err
	}
	return archive.bucket, nil
}
