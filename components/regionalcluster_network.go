package components

import (
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// network builds the VPC: public and private subnets in every AZ, internet and NAT gateways, route
// tables, flow logs, the emptied default security group, and the ALB and task security groups.
func (b *clusterBuilder) network() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	b.azs = a.AvailabilityZones
	if len(b.azs) == 0 {
		res, err := aws.GetAvailabilityZones(ctx, &aws.GetAvailabilityZonesArgs{State: pulumi.StringRef("available")}, parent)
		if err != nil {
			return fmt.Errorf("listing availability zones: %w", err)
		}
		names := append([]string(nil), res.Names...)
		sort.Strings(names)
		if len(names) < a.AZCount {
			return fmt.Errorf("%s has %d available AZs, %d wanted", a.Region, len(names), a.AZCount)
		}
		b.azs = names[:a.AZCount]
	}
	b.c.AvailabilityZones = slices.Clone(b.azs)
	plan, err := subnetPlan(a.CIDR, 2*len(b.azs))
	if err != nil {
		return fmt.Errorf("planning subnets: %w", err)
	}
	b.vpc, err = ec2.NewVpc(ctx, b.child("vpc"), &ec2.VpcArgs{
		CidrBlock:          pulumi.String(a.CIDR.String()),
		EnableDnsHostnames: pulumi.Bool(true),
		EnableDnsSupport:   pulumi.Bool(true),
		Tags:               pulumi.StringMap{"Name": pulumi.String(b.name)},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating VPC: %w", err)
	}
	b.c.VPCID = b.vpc.ID()
	// The default security group is adopted and emptied (EC2.2): nothing may rely on it.
	if _, err := ec2.NewDefaultSecurityGroup(ctx, b.child("default-sg"), &ec2.DefaultSecurityGroupArgs{
		VpcId: b.vpc.ID(),
	}, parent); err != nil {
		return fmt.Errorf("adopting the default security group: %w", err)
	}
	igw, err := ec2.NewInternetGateway(ctx, b.child("igw"), &ec2.InternetGatewayArgs{VpcId: b.vpc.ID()}, parent)
	if err != nil {
		return fmt.Errorf("creating internet gateway: %w", err)
	}
	publicRT, err := ec2.NewRouteTable(ctx, b.child("public"), &ec2.RouteTableArgs{
		VpcId:  b.vpc.ID(),
		Routes: ec2.RouteTableRouteArray{ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), GatewayId: igw.ID()}},
		Tags:   pulumi.StringMap{"Name": pulumi.String(b.child("public"))},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating public route table: %w", err)
	}
	n := len(b.azs)
	var publics []*ec2.Subnet
	for i, az := range b.azs {
		for _, tier := range []struct {
			name string
			cidr string
		}{{"public", plan[i].String()}, {"private", plan[n+i].String()}} {
			s, err := ec2.NewSubnet(ctx, b.child(tier.name+"-"+az), &ec2.SubnetArgs{
				VpcId:               b.vpc.ID(),
				CidrBlock:           pulumi.String(tier.cidr),
				AvailabilityZone:    pulumi.String(az),
				MapPublicIpOnLaunch: pulumi.Bool(false),
				Tags:                pulumi.StringMap{"Name": pulumi.String(b.child(tier.name + "-" + az)), "tier": pulumi.String(tier.name)},
			}, parent)
			if err != nil {
				return fmt.Errorf("creating %s subnet in %s: %w", tier.name, az, err)
			}
			if tier.name == "public" {
				publics = append(publics, s)
				b.publicSubnets = append(b.publicSubnets, s.ID().ToStringOutput())
				if _, err := ec2.NewRouteTableAssociation(ctx, b.child("public-"+az), &ec2.RouteTableAssociationArgs{
					SubnetId: s.ID(), RouteTableId: publicRT.ID(),
				}, parent); err != nil {
					return fmt.Errorf("associating public subnet in %s: %w", az, err)
				}
			} else {
				b.privateSubnets = append(b.privateSubnets, s.ID().ToStringOutput())
				b.c.PrivateSubnetCIDRs = append(b.c.PrivateSubnetCIDRs, tier.cidr)
			}
		}
	}
	nats := 1
	if *a.NATPerAZ {
		nats = n
	}
	natIDs := make([]pulumi.IDOutput, nats)
	for i := range nats {
		az := b.azs[i]
		eip, err := ec2.NewEip(ctx, b.child("nat-"+az), &ec2.EipArgs{Domain: pulumi.String("vpc")}, parent)
		if err != nil {
			return fmt.Errorf("allocating NAT address in %s: %w", az, err)
		}
		nat, err := ec2.NewNatGateway(ctx, b.child("nat-"+az), &ec2.NatGatewayArgs{
			AllocationId: eip.ID(),
			SubnetId:     publics[i].ID(),
			Tags:         pulumi.StringMap{"Name": pulumi.String(b.child("nat-" + az))},
		}, parent, pulumi.DependsOn([]pulumi.Resource{igw}))
		if err != nil {
			return fmt.Errorf("creating NAT gateway in %s: %w", az, err)
		}
		natIDs[i] = nat.ID()
	}
	for i, az := range b.azs {
		// No inline routes: other regions' routes (RegionLink) are separate Route resources on this
		// table, and Terraform's route table would otherwise remove them on every refresh and update.
		rt, err := ec2.NewRouteTable(ctx, b.child("private-"+az), &ec2.RouteTableArgs{
			VpcId: b.vpc.ID(),
			Tags:  pulumi.StringMap{"Name": pulumi.String(b.child("private-" + az))},
		}, parent)
		if err != nil {
			return fmt.Errorf("creating private route table in %s: %w", az, err)
		}
		if _, err := ec2.NewRoute(ctx, b.child("private-"+az+"-default"), &ec2.RouteArgs{
			RouteTableId:         rt.ID(),
			DestinationCidrBlock: pulumi.String("0.0.0.0/0"),
			NatGatewayId:         natIDs[min(i, nats-1)],
		}, parent); err != nil {
			return fmt.Errorf("routing the private subnet in %s to its NAT gateway: %w", az, err)
		}
		b.c.PrivateRouteTableIDs = append(b.c.PrivateRouteTableIDs, rt.ID().ToStringOutput())
		if _, err := ec2.NewRouteTableAssociation(ctx, b.child("private-"+az), &ec2.RouteTableAssociationArgs{
			SubnetId: b.privateSubnets[i], RouteTableId: rt.ID(),
		}, parent); err != nil {
			return fmt.Errorf("associating private subnet in %s: %w", az, err)
		}
	}
	b.c.PublicSubnetIDs = b.publicSubnets.ToStringArrayOutput()
	b.c.PrivateSubnetIDs = b.privateSubnets.ToStringArrayOutput()
	return nil
}

// flowLogs sends every VPC flow (accepted and rejected) to an encrypted log group (EC2.6).
func (b *clusterBuilder) flowLogs() error {
	ctx, parent := b.ctx, b.parent
	group, err := b.logGroup("flow-logs", "/multiregion/"+b.name+"/vpc-flow-logs")
	if err != nil {
		return err
	}
	trust, err := assumeRolePolicy("vpc-flow-logs.amazonaws.com", b.account)
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, b.child("flow-logs"), &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("VPC flow logs of %s", b.name)),
		AssumeRolePolicy: pulumi.String(trust),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating flow log role: %w", err)
	}
	if _, err := iam.NewRolePolicy(ctx, b.child("flow-logs"), &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: policyOutput(func(v []string) []statement {
			return []statement{{
				Effect:   "Allow",
				Action:   []string{"logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"},
				Resource: []string{v[0], v[0] + ":*"},
			}}
		}, group.Arn),
	}, parent); err != nil {
		return fmt.Errorf("creating flow log policy: %w", err)
	}
	if _, err := ec2.NewFlowLog(ctx, b.child("flow-logs"), &ec2.FlowLogArgs{
		VpcId:              b.vpc.ID(),
		TrafficType:        pulumi.String("ALL"),
		LogDestinationType: pulumi.String("cloud-watch-logs"),
		LogDestination:     group.Arn,
		IamRoleArn:         role.Arn,
	}, parent); err != nil {
		return fmt.Errorf("creating flow log: %w", err)
	}
	b.c.FlowLogGroupName = group.Name
	return nil
}

// securityGroups creates the ALB group (internet on 80/443, out only to the tasks) and the task group
// (in only from the ALB on the service port).
func (b *clusterBuilder) securityGroups() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	var err error
	b.albSG, err = ec2.NewSecurityGroup(ctx, b.child("alb"), &ec2.SecurityGroupArgs{
		VpcId:       b.vpc.ID(),
		Description: pulumi.String(fmt.Sprintf("%s load balancer: HTTP and HTTPS from the internet", b.name)),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating ALB security group: %w", err)
	}
	b.taskSG, err = ec2.NewSecurityGroup(ctx, b.child("tasks"), &ec2.SecurityGroupArgs{
		VpcId:       b.vpc.ID(),
		Description: pulumi.String(fmt.Sprintf("%s service tasks: from the load balancer only", b.name)),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating task security group: %w", err)
	}
	port := pulumi.Int(a.Service.Port)
	for _, p := range []int{80, 443} {
		if _, err := vpc.NewSecurityGroupIngressRule(ctx, b.child(fmt.Sprintf("alb-in-%d", p)), &vpc.SecurityGroupIngressRuleArgs{
			SecurityGroupId: b.albSG.ID(),
			IpProtocol:      pulumi.String("tcp"),
			FromPort:        pulumi.Int(p),
			ToPort:          pulumi.Int(p),
			CidrIpv4:        pulumi.String("0.0.0.0/0"),
			Description:     pulumi.String(fmt.Sprintf("clients on port %d", p)),
		}, parent); err != nil {
			return fmt.Errorf("creating ALB ingress %d: %w", p, err)
		}
	}
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, b.child("alb-out-tasks"), &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId:           b.albSG.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: b.taskSG.ID(),
		Description:               pulumi.String("to the service tasks"),
	}, parent); err != nil {
		return fmt.Errorf("creating ALB egress: %w", err)
	}
	if _, err := vpc.NewSecurityGroupIngressRule(ctx, b.child("tasks-in-alb"), &vpc.SecurityGroupIngressRuleArgs{
		SecurityGroupId:           b.taskSG.ID(),
		IpProtocol:                pulumi.String("tcp"),
		FromPort:                  port,
		ToPort:                    port,
		ReferencedSecurityGroupId: b.albSG.ID(),
		Description:               pulumi.String("from the load balancer"),
	}, parent); err != nil {
		return fmt.Errorf("creating task ingress: %w", err)
	}
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, b.child("tasks-out-https"), &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: b.taskSG.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(443),
		ToPort:          pulumi.Int(443),
		CidrIpv4:        pulumi.String("0.0.0.0/0"),
		Description:     pulumi.String("HTTPS to AWS APIs (ECR, Secrets Manager, X-Ray, logs) through NAT"),
	}, parent); err != nil {
		return fmt.Errorf("creating task HTTPS egress: %w", err)
	}
	// The data tier, here and in every peer region: only its ports (DataPorts), never the whole range.
	dests := []struct{ suffix, cidr, what string }{{"vpc", a.CIDR.String(), "the data tier inside the VPC"}}
	for _, region := range slices.Sorted(maps.Keys(a.PeerCIDRs)) {
		dests = append(dests, struct{ suffix, cidr, what string }{region, a.PeerCIDRs[region].String(), "the data tier of " + region + " over the region link"})
	}
	for _, d := range dests {
		for _, p := range a.DataPorts {
			if _, err := vpc.NewSecurityGroupEgressRule(ctx, b.child(fmt.Sprintf("tasks-out-%s-%d", d.suffix, p)), &vpc.SecurityGroupEgressRuleArgs{
				SecurityGroupId: b.taskSG.ID(),
				IpProtocol:      pulumi.String("tcp"),
				FromPort:        pulumi.Int(p),
				ToPort:          pulumi.Int(p),
				CidrIpv4:        pulumi.String(d.cidr),
				Description:     pulumi.String(fmt.Sprintf("port %d of %s", p, d.what)),
			}, parent); err != nil {
				return fmt.Errorf("creating task egress to %s on %d: %w", d.suffix, p, err)
			}
		}
	}
	b.c.ALBSecurityGroupID = b.albSG.ID()
	b.c.TaskSecurityGroupID = b.taskSG.ID()
	return nil
}
