package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// clusterBuilder carries what the steps of NewRegionalCluster share.
type clusterBuilder struct {
	ctx     *pulumi.Context
	name    string
	a       RegionalClusterArgs
	c       *RegionalCluster
	parent  pulumi.ResourceOrInvokeOption
	account string

	azs            []string
	vpc            *ec2.Vpc
	publicSubnets  pulumi.StringArray
	privateSubnets pulumi.StringArray
	albSG, taskSG  *ec2.SecurityGroup
	repo           *ecr.Repository
	appLogs        *cloudwatch.LogGroup
	listeners      []pulumi.Resource
}

func (b *clusterBuilder) child(suffix string) string { return b.name + "-" + suffix }

// logGroup creates a KMS-encrypted log group with the configured retention.
func (b *clusterBuilder) logGroup(suffix, path string) (*cloudwatch.LogGroup, error) {
	g, err := cloudwatch.NewLogGroup(b.ctx, b.child(suffix), &cloudwatch.LogGroupArgs{
		Name:            pulumi.String(path),
		RetentionInDays: pulumi.Int(b.a.LogRetentionDays),
		KmsKeyId:        b.a.KMSKeyARN,
	}, b.parent)
	if err != nil {
		return nil, fmt.Errorf("creating %s log group: %w", suffix, err)
	}
	return g, nil
}

// logging creates the service's log group (the application and the X-Ray sidecar log to it).
func (b *clusterBuilder) logging() error {
	var err error
	b.appLogs, err = b.logGroup("app-logs", "/multiregion/"+b.name+"/"+b.a.Service.Name)
	if err != nil {
		return err
	}
	b.c.AppLogGroupName = b.appLogs.Name
	return nil
}
