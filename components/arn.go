package components

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AccountARNs builds the ARNs of one AWS account in one partition. It is the one place that writes the
// "arn:<partition>:" prefix, so that every ARN the components and the stack build follows the
// partition the credentials belong to ("aws", "aws-cn", "aws-us-gov").
type AccountARNs struct {
	// Partition is the AWS partition, e.g. "aws".
	Partition string
	// AccountID is the 12-digit account ID.
	AccountID string
}

// CallerARNs returns the ARN builder of the account and partition of the caller identity a provider
// answers (aws.GetCallerIdentity): the partition is read from the caller's own ARN, so no extra call is
// needed.
func CallerARNs(caller *aws.GetCallerIdentityResult) AccountARNs {
	return AccountARNs{Partition: PartitionOf(caller.Arn), AccountID: caller.AccountId}
}

// PartitionOf returns the partition of arn ("aws", "aws-cn", "aws-us-gov"), or "aws" when arn names
// none.
func PartitionOf(arn string) string {
	rest, ok := strings.CutPrefix(arn, "arn:")
	if !ok {
		return "aws"
	}
	if p, _, found := strings.Cut(rest, ":"); found && p != "" {
		return p
	}
	return "aws"
}

// ARN returns arn:<partition>:<service>:<region>:<account>:<resource>, the ARN of a resource of this
// account; region is "" for global services such as IAM.
func (a AccountARNs) ARN(service, region, resource string) string {
	return buildARN(a.Partition, service, region, a.AccountID, resource)
}

// Root returns the ARN of the account's root principal, which key and topic policies name so that
// the account's IAM policies decide who may use the resource.
func (a AccountARNs) Root() string { return a.ARN("iam", "", "root") }

// AWSManagedPolicy returns the ARN of the AWS-managed IAM policy at path, e.g.
// "service-role/AmazonRDSEnhancedMonitoringRole", in this partition.
func (a AccountARNs) AWSManagedPolicy(path string) string {
	return buildARN(a.Partition, "iam", "", "aws", "policy/"+path)
}

// buildARN joins the six fields of an ARN.
func buildARN(partition, service, region, account, resource string) string {
	return "arn:" + partition + ":" + service + ":" + region + ":" + account + ":" + resource
}

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	partitionPattern = regexp.MustCompile(`^aws(-[a-z]+)*$`)
)

// checkAccount reports, on path field, why a (an Args' Account; nil is allowed) cannot build ARNs,
// or nil.
func checkAccount(field string, a *AccountARNs) error {
	var f FieldErrors
	if a == nil {
		return nil
	}
	if !accountIDPattern.MatchString(a.AccountID) {
		f.Add(field+".AccountID", "%q is not a 12-digit AWS account ID", a.AccountID)
	}
	if !partitionPattern.MatchString(a.Partition) {
		f.Add(field+".Partition", "%q is not an AWS partition (aws, aws-cn, aws-us-gov)", a.Partition)
	}
	return f.Err()
}

// accountOf returns account when it is given, else the account and partition of the caller identity
// the provider in opts answers (one invoke). Components take an Account so that a stack reads it
// once, and so that nothing is asked of a region whose API is unreachable.
func accountOf(ctx *pulumi.Context, account *AccountARNs, opts ...pulumi.InvokeOption) (AccountARNs, error) {
	if account != nil {
		return *account, nil
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, opts...)
	if err != nil {
		return AccountARNs{}, fmt.Errorf("reading the account ID: %w", err)
	}
	return CallerARNs(caller), nil
}
