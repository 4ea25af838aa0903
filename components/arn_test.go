package components_test

import (
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestARNsFollowThePartition: every ARN takes the partition of the caller's own ARN, so the same
// code builds aws, aws-cn and aws-us-gov ARNs.
func TestARNsFollowThePartition(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:iam::123456789012:user/ci":             "aws",
		"arn:aws-cn:sts::123456789012:assumed-role/r/s": "aws-cn",
		"arn:aws-us-gov:iam::123456789012:root":         "aws-us-gov",
		"":                                              "aws",
		"not-an-arn":                                    "aws",
		"arn::iam::123456789012:root":                   "aws",
	} {
		assert.Equal(t, want, components.PartitionOf(arn), arn)
	}
	gov := components.CallerARNs(&aws.GetCallerIdentityResult{AccountId: "123456789012", Arn: "arn:aws-us-gov:iam::123456789012:user/ci"})
	assert.Equal(t, "arn:aws-us-gov:iam::123456789012:root", gov.Root())
	assert.Equal(t, "arn:aws-us-gov:logs:us-gov-west-1:123456789012:*", gov.ARN("logs", "us-gov-west-1", "*"))
	assert.Equal(t, "arn:aws-us-gov:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
		gov.AWSManagedPolicy("service-role/AmazonRDSEnhancedMonitoringRole"))
	commercial := components.AccountARNs{Partition: "aws", AccountID: "123456789012"}
	assert.Equal(t, "arn:aws:rds:us-east-1:123456789012:db:web-us-east-1", commercial.ARN("rds", "us-east-1", "db:web-us-east-1"))
}

// TestGivenAccountIsUsed: a component given its Account builds its policies in that account and
// partition without asking the provider (no caller-identity invoke); a malformed one registers nothing.
func TestGivenAccountIsUsed(t *testing.T) {
	run := func(account *components.AccountARNs) (*mockcloud.Engine, error) {
		e := mockcloud.New()
		err := e.Run(func(ctx *pulumi.Context) error {
			opt, err := onProvider(ctx, "us-east-1")
			if err != nil {
				return err
			}
			_, err = components.NewRegionKey(ctx, "web-us-east-1", &components.RegionKeyArgs{Region: "us-east-1", Account: account}, opt)
			return err
		}, nil)
		return e, err
	}
	e, err := run(&components.AccountARNs{Partition: "aws-us-gov", AccountID: "210987654321"})
	require.NoError(t, err)
	for _, c := range e.Invokes() {
		assert.NotEqual(t, "aws:index/getCallerIdentity:getCallerIdentity", c.Token, "the account was given")
	}
	keys := e.ByType("aws:kms/key:Key")
	require.Len(t, keys, 1)
	assert.Contains(t, keys[0].Str("policy"), "arn:aws-us-gov:iam::210987654321:root")

	e, err = run(nil)
	require.NoError(t, err)
	assert.Contains(t, e.ByType("aws:kms/key:Key")[0].Str("policy"), ":iam::"+mockcloud.DefaultAccount+":root", "read from the provider")

	for _, bad := range []components.AccountARNs{{Partition: "aws", AccountID: "12345"}, {Partition: "azure", AccountID: "123456789012"}} {
		e, err := run(&bad)
		assert.ErrorContains(t, err, "Account.", "%+v", bad)
		assert.Empty(t, e.ByType("aws:kms/key:Key"))
	}
}
