package components_test

import (
	"encoding/json"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runSink creates one AccessLogSink on a provider of region under a fresh mock engine.
func runSink(t *testing.T, name, region string, args *components.AccessLogSinkArgs) (*mockcloud.Engine, *components.AccessLogSink, error) {
	t.Helper()
	e := mockcloud.New()
	var s *components.AccessLogSink
	err := e.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		s, err = components.NewAccessLogSink(ctx, name, args, pulumi.Provider(p))
		return err
	}, nil)
	return e, s, err
}

// TestAccessLogSink holds docs/controls.md row 61 for the sink itself: private, versioned, TLS-only,
// SSE-S3 (S3 log delivery cannot write SSE-KMS), expiring, protected, writable only by S3 log delivery
// on behalf of this account, and not logging its own access.
func TestAccessLogSink(t *testing.T) {
	e, s, err := runSink(t, "web-us-east-1", "us-east-1", &components.AccessLogSinkArgs{Region: "us-east-1", ExpireDays: 90})
	require.NoError(t, err)
	buckets := e.ByType("aws:s3/bucketV2:BucketV2")
	require.Len(t, buckets, 1)
	b := buckets[0]
	assert.Equal(t, "web-us-east-1-access-logs", b.Name)
	assert.Equal(t, "us-east-1", b.Region)
	assert.True(t, b.Protect, "the sink is protected")
	assert.Empty(t, e.ByType("aws:s3/bucketLoggingV2:BucketLoggingV2"), "the sink does not log to itself")
	sse := e.Find("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", b.Name)
	require.NotNil(t, sse)
	assert.Equal(t, "AES256", sse.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
	lc := e.Find("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", b.Name)
	require.NotNil(t, lc)
	days, _ := lc.Num("rules[0].expiration.days")
	assert.Equal(t, float64(90), days)
	policy := e.Find("aws:s3/bucketPolicy:BucketPolicy", b.Name)
	require.NotNil(t, policy)
	var doc struct {
		Statement []struct {
			Sid       string
			Effect    string
			Principal map[string]any
			Resource  any
			Condition map[string]map[string]any
		}
	}
	require.NoError(t, json.Unmarshal([]byte(policy.Str("policy")), &doc))
	var grant bool
	for _, st := range doc.Statement {
		if st.Principal["Service"] == "logging.s3.amazonaws.com" {
			grant = true
			assert.Equal(t, "Allow", st.Effect)
			assert.Equal(t, "123456789012", st.Condition["StringEquals"]["aws:SourceAccount"], "only this account's buckets")
			assert.IsType(t, "", st.Resource, "one resource, as a string")
		}
	}
	assert.True(t, grant, "S3 log delivery may write")
	assert.Equal(t, b.OutStr("bucket"), mockcloud.Await[string](t, s.BucketName))
}

func TestAccessLogSinkRejectsBadArgs(t *testing.T) {
	cases := []struct {
		name, component string
		args            components.AccessLogSinkArgs
		want            string
	}{
		{"no region", "web-us-east-1", components.AccessLogSinkArgs{}, "Region"},
		{"name without region", "web", components.AccessLogSinkArgs{Region: "us-east-1"}, "us-east-1"},
		{"negative expiry", "web-us-east-1", components.AccessLogSinkArgs{Region: "us-east-1", ExpireDays: -1}, "ExpireDays: -1 must be positive"},
		{"name too long", "a-very-long-service-name-for-a-bucket-us-east-1", components.AccessLogSinkArgs{Region: "us-east-1"}, "access-log bucket name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, _, err := runSink(t, tc.component, "us-east-1", &tc.args)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Len(t, e.Resources(), 1, "only the test's provider is registered")
		})
	}
}
