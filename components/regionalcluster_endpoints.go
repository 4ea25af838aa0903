package components

import (
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// InterfaceEndpointServices are the AWS services RegionalClusterArgs.InterfaceEndpoints reaches through
// interface VPC endpoints instead of NAT, by their endpoint service suffix: the ECR API and registry
// (an image's layers come from S3, through the gateway endpoint), CloudWatch Logs, STS and Secrets
// Manager. X-Ray and the other APIs the tasks call still go out through NAT.
func InterfaceEndpointServices() []string {
	return []string{"ecr.api", "ecr.dkr", "logs", "sts", "secretsmanager"}
}

// endpointService is the VPC endpoint service name of service in the cluster's region.
func (b *clusterBuilder) endpointService(service string) string {
	return "com.amazonaws." + b.a.Region + "." + service
}

// endpoints creates the S3 gateway endpoint on every private route table (free: ECR image layers,
// access logs and other S3 traffic of the tasks leave the NAT gateways), and, with InterfaceEndpoints,
// an interface endpoint with private DNS in every private subnet for each of
// InterfaceEndpointServices, behind a security group that admits only the tasks on 443.
func (b *clusterBuilder) endpoints() error {
	ctx, parent := b.ctx, b.parent
	routeTables := pulumi.StringArray{}
	for _, id := range b.c.PrivateRouteTableIDs {
		routeTables = append(routeTables, id)
	}
	if _, err := ec2.NewVpcEndpoint(ctx, b.child("s3"), &ec2.VpcEndpointArgs{
		VpcId:           b.vpc.ID(),
		ServiceName:     pulumi.String(b.endpointService("s3")),
		VpcEndpointType: pulumi.String("Gateway"),
		RouteTableIds:   routeTables,
		Tags:            pulumi.StringMap{"Name": pulumi.String(b.child("s3"))},
	}, parent); err != nil {
		return fmt.Errorf("creating the S3 gateway endpoint: %w", err)
	}
	if !*b.a.InterfaceEndpoints {
		return nil
	}
	sg, err := ec2.NewSecurityGroup(ctx, b.child("endpoints"), &ec2.SecurityGroupArgs{
		VpcId:       b.vpc.ID(),
		Description: pulumi.String(fmt.Sprintf("%s interface VPC endpoints: HTTPS from the service tasks only", b.name)),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating the endpoint security group: %w", err)
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, b.child("endpoints-in-tasks"), &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           sg.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  pulumi.Int(443),
		ToPort:                    pulumi.Int(443),
		ReferencedSecurityGroupId: b.taskSG.ID(),
		Description:               pulumi.String("HTTPS from the service tasks"),
	}, parent); err != nil {
		return fmt.Errorf("creating the endpoint ingress: %w", err)
	}
	for _, service := range InterfaceEndpointServices() {
		if _, err := ec2.NewVpcEndpoint(ctx, b.child(service), &ec2.VpcEndpointArgs{
			VpcId:             b.vpc.ID(),
			ServiceName:       pulumi.String(b.endpointService(service)),
			VpcEndpointType:   pulumi.String("Interface"),
			SubnetIds:         b.privateSubnets,
			SecurityGroupIds:  pulumi.StringArray{sg.ID()},
			PrivateDnsEnabled: pulumi.Bool(true),
			Tags:              pulumi.StringMap{"Name": pulumi.String(b.child(service))},
		}, parent); err != nil {
			return fmt.Errorf("creating the %s interface endpoint: %w", service, err)
		}
	}
	return nil
}
