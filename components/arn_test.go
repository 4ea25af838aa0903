package components_test

import (
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/stretchr/testify/assert"
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
