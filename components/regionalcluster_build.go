package components

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
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
		rt, err := ec2.NewRouteTable(ctx, b.child("private-"+az), &ec2.RouteTableArgs{
			VpcId:  b.vpc.ID(),
			Routes: ec2.RouteTableRouteArray{ec2.RouteTableRouteArgs{CidrBlock: pulumi.String("0.0.0.0/0"), NatGatewayId: natIDs[min(i, nats-1)]}},
			Tags:   pulumi.StringMap{"Name": pulumi.String(b.child("private-" + az))},
		}, parent)
		if err != nil {
			return fmt.Errorf("creating private route table in %s: %w", az, err)
		}
		if _, err := ec2.NewRouteTableAssociation(ctx, b.child("private-"+az), &ec2.RouteTableAssociationArgs{
			SubnetId: b.privateSubnets[i], RouteTableId: rt.ID(),
		}, parent); err != nil {
			return fmt.Errorf("associating private subnet in %s: %w", az, err)
		}
	}
	b.c.PublicSubnetIDs = b.publicSubnets.ToStringArrayOutput()
	b.c.PrivateSubnetIDs = b.privateSubnets.ToStringArrayOutput()
	if err := b.flowLogs(); err != nil {
		return err
	}
	return b.securityGroups()
}

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
		Description:      pulumi.Sprintf("VPC flow logs of %s", b.name),
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
	b.c.LogGroupNames = pulumi.StringArray{group.Name}.ToStringArrayOutput()
	return nil
}

// securityGroups creates the ALB group (internet on 80/443, out only to the tasks) and the task group
// (in only from the ALB on the service port).
func (b *clusterBuilder) securityGroups() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	var err error
	b.albSG, err = ec2.NewSecurityGroup(ctx, b.child("alb"), &ec2.SecurityGroupArgs{
		VpcId:       b.vpc.ID(),
		Description: pulumi.Sprintf("%s load balancer: HTTP and HTTPS from the internet", b.name),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating ALB security group: %w", err)
	}
	b.taskSG, err = ec2.NewSecurityGroup(ctx, b.child("tasks"), &ec2.SecurityGroupArgs{
		VpcId:       b.vpc.ID(),
		Description: pulumi.Sprintf("%s service tasks: from the load balancer only", b.name),
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
			Description:     pulumi.Sprintf("clients on port %d", p),
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
	if _, err := vpc.NewSecurityGroupEgressRule(ctx, b.child("tasks-out-vpc"), &vpc.SecurityGroupEgressRuleArgs{
		SecurityGroupId: b.taskSG.ID(),
		IpProtocol:      pulumi.String("tcp"),
		FromPort:        pulumi.Int(0),
		ToPort:          pulumi.Int(65535),
		CidrIpv4:        pulumi.String(a.CIDR.String()),
		Description:     pulumi.String("to the data tier inside the VPC"),
	}, parent); err != nil {
		return fmt.Errorf("creating task VPC egress: %w", err)
	}
	b.c.ALBSecurityGroupID = b.albSG.ID()
	b.c.TaskSecurityGroupID = b.taskSG.ID()
	return nil
}

// registry creates this region's ECR repository (the replication source in the primary, the
// pre-created destination in a standby, with the same settings) and, when ReplicateTo is set, the
// registry's replication rule.
func (b *clusterBuilder) registry() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	var err error
	b.repo, err = ecr.NewRepository(ctx, b.child("repo"), &ecr.RepositoryArgs{
		Name:                       pulumi.String(a.Service.RepositoryName),
		ImageTagMutability:         pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{ecr.RepositoryEncryptionConfigurationArgs{
			EncryptionType: pulumi.String("KMS"),
			KmsKey:         a.KMSKeyARN,
		}},
		ForceDelete: pulumi.Bool(false),
	}, parent, pulumi.Protect(boolOr(a.Protect, true)))
	if err != nil {
		return fmt.Errorf("creating repository: %w", err)
	}
	lifecycle, err := json.Marshal(map[string]any{"rules": []map[string]any{
		{
			"rulePriority": 1,
			"description":  "expire untagged images after 14 days",
			"selection":    map[string]any{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
			"action":       map[string]any{"type": "expire"},
		},
		{
			"rulePriority": 2,
			"description":  fmt.Sprintf("keep the last %d images", a.ImagesKept),
			"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": a.ImagesKept},
			"action":       map[string]any{"type": "expire"},
		},
	}})
	if err != nil {
		return fmt.Errorf("encoding lifecycle policy: %w", err)
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, b.child("repo"), &ecr.LifecyclePolicyArgs{
		Repository: b.repo.Name,
		Policy:     pulumi.String(lifecycle),
	}, parent); err != nil {
		return fmt.Errorf("creating lifecycle policy: %w", err)
	}
	b.c.RepositoryURL = b.repo.RepositoryUrl
	if len(a.ReplicateTo) == 0 {
		return nil
	}
	var dests ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArray
	for _, r := range a.ReplicateTo {
		dests = append(dests, ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs{
			Region:     pulumi.String(r),
			RegistryId: pulumi.String(b.account),
		})
	}
	// Replication copies only images pushed after the rule exists, into repositories that must
	// already exist with the right settings: the standbys' RegionalClusters create them.
	if _, err := ecr.NewReplicationConfiguration(ctx, b.child("replication"), &ecr.ReplicationConfigurationArgs{
		ReplicationConfiguration: &ecr.ReplicationConfigurationReplicationConfigurationArgs{
			Rules: ecr.ReplicationConfigurationReplicationConfigurationRuleArray{ecr.ReplicationConfigurationReplicationConfigurationRuleArgs{
				Destinations: dests,
				RepositoryFilters: ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArray{
					ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs{
						Filter:     pulumi.String(a.Service.RepositoryName),
						FilterType: pulumi.String("PREFIX_MATCH"),
					},
				},
			}},
		},
	}, parent); err != nil {
		return fmt.Errorf("creating replication configuration: %w", err)
	}
	return nil
}

// logging creates the service's log group (the application and the X-Ray sidecar log to it).
func (b *clusterBuilder) logging() error {
	var err error
	b.appLogs, err = b.logGroup("app-logs", "/multiregion/"+b.name+"/"+b.a.Service.Name)
	if err != nil {
		return err
	}
	b.c.LogGroupNames = pulumi.All(b.appLogs.Name, b.c.LogGroupNames).ApplyT(func(v []any) []string {
		return append([]string{v[0].(string)}, v[1].([]string)...)
	}).(pulumi.StringArrayOutput)
	return nil
}

// loadBalancer creates the access-log bucket, the ALB, the target group and the listeners.
func (b *clusterBuilder) loadBalancer() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	bucket, policy, err := b.accessLogBucket()
	if err != nil {
		return err
	}
	alb, err := lb.NewLoadBalancer(ctx, b.child("alb"), &lb.LoadBalancerArgs{
		LoadBalancerType:         pulumi.String("application"),
		Internal:                 pulumi.Bool(false),
		SecurityGroups:           pulumi.StringArray{b.albSG.ID()},
		Subnets:                  b.publicSubnets,
		DropInvalidHeaderFields:  pulumi.Bool(true),
		DesyncMitigationMode:     pulumi.String("defensive"),
		EnableDeletionProtection: pulumi.Bool(boolOr(a.DeletionProtection, true)),
		EnableHttp2:              pulumi.Bool(true),
		AccessLogs: &lb.LoadBalancerAccessLogsArgs{
			Bucket:  bucket.Bucket,
			Prefix:  pulumi.String("alb"),
			Enabled: pulumi.Bool(true),
		},
	}, parent, pulumi.DependsOn([]pulumi.Resource{policy}))
	if err != nil {
		return fmt.Errorf("creating ALB: %w", err)
	}
	tg, err := lb.NewTargetGroup(ctx, b.child("tg"), &lb.TargetGroupArgs{
		TargetType:          pulumi.String("ip"),
		Protocol:            pulumi.String("HTTP"),
		Port:                pulumi.Int(a.Service.Port),
		VpcId:               b.vpc.ID(),
		DeregistrationDelay: pulumi.Int(30),
		HealthCheck: &lb.TargetGroupHealthCheckArgs{
			Enabled:            pulumi.Bool(true),
			Protocol:           pulumi.String("HTTP"),
			Path:               pulumi.String(a.Service.HealthPath),
			Matcher:            pulumi.String("200-399"),
			Interval:           pulumi.Int(15),
			Timeout:            pulumi.Int(5),
			HealthyThreshold:   pulumi.Int(2),
			UnhealthyThreshold: pulumi.Int(3),
		},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating target group: %w", err)
	}
	forward := lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{Type: pulumi.String("forward"), TargetGroupArn: tg.Arn}}
	httpAction := forward
	if a.CertificateARN != nil {
		https, err := lb.NewListener(ctx, b.child("https"), &lb.ListenerArgs{
			LoadBalancerArn: alb.Arn,
			Port:            pulumi.Int(443),
			Protocol:        pulumi.String("HTTPS"),
			SslPolicy:       pulumi.String(a.TLSPolicy),
			CertificateArn:  a.CertificateARN,
			DefaultActions:  forward,
		}, parent)
		if err != nil {
			return fmt.Errorf("creating HTTPS listener: %w", err)
		}
		b.listeners = append(b.listeners, https)
		httpAction = lb.ListenerDefaultActionArray{lb.ListenerDefaultActionArgs{
			Type: pulumi.String("redirect"),
			Redirect: &lb.ListenerDefaultActionRedirectArgs{
				Port: pulumi.String("443"), Protocol: pulumi.String("HTTPS"), StatusCode: pulumi.String("HTTP_301"),
			},
		}}
	}
	http, err := lb.NewListener(ctx, b.child("http"), &lb.ListenerArgs{
		LoadBalancerArn: alb.Arn,
		Port:            pulumi.Int(80),
		Protocol:        pulumi.String("HTTP"),
		DefaultActions:  httpAction,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating HTTP listener: %w", err)
	}
	b.listeners = append(b.listeners, http)
	b.c.LoadBalancer, b.c.TargetGroup = alb, tg
	b.c.ALBARN, b.c.ALBARNSuffix, b.c.ALBDNSName, b.c.ALBZoneID = alb.Arn, alb.ArnSuffix, alb.DnsName, alb.ZoneId
	b.c.TargetGroupARNSuffix = tg.ArnSuffix
	return nil
}

// accessLogBucket creates the ALB access-log bucket: SSE-S3 (the only encryption ALB log delivery
// supports), versioned, private, TLS-only, expiring logs after AccessLogDays.
func (b *clusterBuilder) accessLogBucket() (*s3.BucketV2, *s3.BucketPolicy, error) {
	ctx, a, parent := b.ctx, b.a, b.parent
	elbAccount, err := elb.GetServiceAccount(ctx, &elb.GetServiceAccountArgs{}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the ELB log delivery account: %w", err)
	}
	bucket, err := s3.NewBucketV2(ctx, b.child("alb-logs"), &s3.BucketV2Args{ForceDestroy: pulumi.Bool(false)}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("creating access log bucket: %w", err)
	}
	if _, err := s3.NewBucketOwnershipControls(ctx, b.child("alb-logs"), &s3.BucketOwnershipControlsArgs{
		Bucket: bucket.ID(),
		Rule:   &s3.BucketOwnershipControlsRuleArgs{ObjectOwnership: pulumi.String("BucketOwnerEnforced")},
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("setting access log bucket ownership: %w", err)
	}
	if _, err := s3.NewBucketPublicAccessBlock(ctx, b.child("alb-logs"), &s3.BucketPublicAccessBlockArgs{
		Bucket:                bucket.ID(),
		BlockPublicAcls:       pulumi.Bool(true),
		BlockPublicPolicy:     pulumi.Bool(true),
		IgnorePublicAcls:      pulumi.Bool(true),
		RestrictPublicBuckets: pulumi.Bool(true),
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("blocking public access to access logs: %w", err)
	}
	if _, err := s3.NewBucketServerSideEncryptionConfigurationV2(ctx, b.child("alb-logs"), &s3.BucketServerSideEncryptionConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketServerSideEncryptionConfigurationV2RuleArray{s3.BucketServerSideEncryptionConfigurationV2RuleArgs{
			ApplyServerSideEncryptionByDefault: &s3.BucketServerSideEncryptionConfigurationV2RuleApplyServerSideEncryptionByDefaultArgs{
				SseAlgorithm: pulumi.String("AES256"),
			},
		}},
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("encrypting access logs: %w", err)
	}
	if _, err := s3.NewBucketVersioningV2(ctx, b.child("alb-logs"), &s3.BucketVersioningV2Args{
		Bucket:                  bucket.ID(),
		VersioningConfiguration: &s3.BucketVersioningV2VersioningConfigurationArgs{Status: pulumi.String("Enabled")},
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("versioning access logs: %w", err)
	}
	if _, err := s3.NewBucketLifecycleConfigurationV2(ctx, b.child("alb-logs"), &s3.BucketLifecycleConfigurationV2Args{
		Bucket: bucket.ID(),
		Rules: s3.BucketLifecycleConfigurationV2RuleArray{s3.BucketLifecycleConfigurationV2RuleArgs{
			Id:                             pulumi.String("expire-access-logs"),
			Status:                         pulumi.String("Enabled"),
			Filter:                         &s3.BucketLifecycleConfigurationV2RuleFilterArgs{Prefix: pulumi.String("")},
			Expiration:                     &s3.BucketLifecycleConfigurationV2RuleExpirationArgs{Days: pulumi.Int(a.AccessLogDays)},
			NoncurrentVersionExpiration:    &s3.BucketLifecycleConfigurationV2RuleNoncurrentVersionExpirationArgs{NoncurrentDays: pulumi.Int(30)},
			AbortIncompleteMultipartUpload: &s3.BucketLifecycleConfigurationV2RuleAbortIncompleteMultipartUploadArgs{DaysAfterInitiation: pulumi.Int(7)},
		}},
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("setting access log lifecycle: %w", err)
	}
	account := b.account
	policy, err := s3.NewBucketPolicy(ctx, b.child("alb-logs"), &s3.BucketPolicyArgs{
		Bucket: bucket.ID(),
		Policy: policyOutput(func(v []string) []statement {
			arn := v[0]
			return []statement{
				{
					Sid:       "ELBLogDelivery",
					Effect:    "Allow",
					Principal: map[string]any{"AWS": elbAccount.Arn},
					Action:    []string{"s3:PutObject"},
					Resource:  []string{arn + "/alb/AWSLogs/" + account + "/*"},
				},
				{
					Sid:       "ELBLogDeliveryService",
					Effect:    "Allow",
					Principal: map[string]any{"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
					Action:    []string{"s3:PutObject"},
					Resource:  []string{arn + "/alb/AWSLogs/" + account + "/*"},
				},
				{
					Sid:       "TLSOnly",
					Effect:    "Deny",
					Principal: map[string]any{"AWS": "*"},
					Action:    []string{"s3:*"},
					Resource:  []string{arn, arn + "/*"},
					Condition: map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
				},
			}
		}, bucket.Arn),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("creating access log bucket policy: %w", err)
	}
	return bucket, policy, nil
}

// containerDefinition is the subset of the ECS container definition the service uses.
type containerDefinition struct {
	Name                   string              `json:"name"`
	Image                  string              `json:"image"`
	Essential              bool                `json:"essential"`
	User                   string              `json:"user"`
	Privileged             bool                `json:"privileged"`
	ReadonlyRootFilesystem bool                `json:"readonlyRootFilesystem"`
	PortMappings           []map[string]any    `json:"portMappings"`
	Environment            []map[string]string `json:"environment"`
	Secrets                []map[string]string `json:"secrets"`
	MountPoints            []map[string]any    `json:"mountPoints"`
	LogConfiguration       map[string]any      `json:"logConfiguration"`
	Cpu                    int                 `json:"cpu,omitempty"`
	MemoryReservation      int                 `json:"memoryReservation,omitempty"`
}

// service creates the execution and task roles, the task definition (application + X-Ray daemon) and
// the ECS cluster and service.
func (b *clusterBuilder) service() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	cluster, err := ecs.NewCluster(ctx, b.child("cluster"), &ecs.ClusterArgs{
		Settings: ecs.ClusterSettingArray{ecs.ClusterSettingArgs{Name: pulumi.String("containerInsights"), Value: pulumi.String("enabled")}},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating ECS cluster: %w", err)
	}
	if _, err := ecs.NewClusterCapacityProviders(ctx, b.child("cluster"), &ecs.ClusterCapacityProvidersArgs{
		ClusterName:       cluster.Name,
		CapacityProviders: pulumi.StringArray{pulumi.String("FARGATE"), pulumi.String("FARGATE_SPOT")},
		DefaultCapacityProviderStrategies: ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArray{
			ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs{CapacityProvider: pulumi.String("FARGATE"), Weight: pulumi.Int(1)},
		},
	}, parent); err != nil {
		return fmt.Errorf("setting capacity providers: %w", err)
	}
	execRole, taskRole, err := b.roles()
	if err != nil {
		return err
	}
	image := pulumi.Sprintf("%s:%s", b.repo.RepositoryUrl, a.Service.ImageTag)
	containers := pulumi.All(image, b.appLogs.Name).ApplyT(func(v []any) (string, error) {
		return b.containers(v[0].(string), v[1].(string))
	}).(pulumi.StringOutput)
	td, err := ecs.NewTaskDefinition(ctx, b.child("task"), &ecs.TaskDefinitionArgs{
		Family:                  pulumi.String(b.name),
		Cpu:                     pulumi.String(fmt.Sprint(a.Service.CPU)),
		Memory:                  pulumi.String(fmt.Sprint(a.Service.Memory)),
		NetworkMode:             pulumi.String("awsvpc"),
		RequiresCompatibilities: pulumi.StringArray{pulumi.String("FARGATE")},
		ExecutionRoleArn:        execRole.Arn,
		TaskRoleArn:             taskRole.Arn,
		ContainerDefinitions:    containers,
		Volumes:                 ecs.TaskDefinitionVolumeArray{ecs.TaskDefinitionVolumeArgs{Name: pulumi.String("tmp")}},
		RuntimePlatform: &ecs.TaskDefinitionRuntimePlatformArgs{
			OperatingSystemFamily: pulumi.String("LINUX"),
			CpuArchitecture:       pulumi.String("X86_64"),
		},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating task definition: %w", err)
	}
	strategies := ecs.ServiceCapacityProviderStrategyArray{ecs.ServiceCapacityProviderStrategyArgs{
		CapacityProvider: pulumi.String("FARGATE"), Weight: pulumi.Int(1),
	}}
	if a.SpotWeight > 0 {
		strategies = append(strategies, ecs.ServiceCapacityProviderStrategyArgs{
			CapacityProvider: pulumi.String("FARGATE_SPOT"), Weight: pulumi.Int(a.SpotWeight),
		})
	}
	svcOpts := []pulumi.ResourceOption{parent, pulumi.DependsOn(b.listeners)}
	if boolOr(a.Autoscaling, true) {
		// Autoscaling owns the running count after creation; the role's floor moves through the
		// scalable target's MinCapacity instead.
		svcOpts = append(svcOpts, pulumi.IgnoreChanges([]string{"desiredCount"}))
	}
	svc, err := ecs.NewService(ctx, b.child("service"), &ecs.ServiceArgs{
		Name:                       pulumi.String(a.Service.Name),
		Cluster:                    cluster.Arn,
		TaskDefinition:             td.Arn,
		DesiredCount:               pulumi.Int(a.Capacity.Desired),
		CapacityProviderStrategies: strategies,
		NetworkConfiguration: &ecs.ServiceNetworkConfigurationArgs{
			Subnets:        b.privateSubnets,
			SecurityGroups: pulumi.StringArray{b.taskSG.ID()},
			AssignPublicIp: pulumi.Bool(false),
		},
		LoadBalancers: ecs.ServiceLoadBalancerArray{ecs.ServiceLoadBalancerArgs{
			TargetGroupArn: b.c.TargetGroup.Arn,
			ContainerName:  pulumi.String(a.Service.Name),
			ContainerPort:  pulumi.Int(a.Service.Port),
		}},
		DeploymentCircuitBreaker:        &ecs.ServiceDeploymentCircuitBreakerArgs{Enable: pulumi.Bool(true), Rollback: pulumi.Bool(true)},
		DeploymentMinimumHealthyPercent: pulumi.Int(100),
		DeploymentMaximumPercent:        pulumi.Int(200),
		HealthCheckGracePeriodSeconds:   pulumi.Int(60),
		PropagateTags:                   pulumi.String("SERVICE"),
		EnableEcsManagedTags:            pulumi.Bool(true),
		WaitForSteadyState:              pulumi.Bool(false),
	}, svcOpts...)
	if err != nil {
		return fmt.Errorf("creating ECS service: %w", err)
	}
	b.c.Cluster, b.c.Service = cluster, svc
	b.c.ClusterARN, b.c.ClusterName = cluster.Arn, cluster.Name
	b.c.ServiceName, b.c.ServiceARN = svc.Name, svc.ID()
	b.c.TaskRoleARN = taskRole.Arn
	b.c.TaskRoleName = taskRole.Name
	return nil
}

// containers renders the task's container definitions: the application and the X-Ray daemon, both
// non-root, unprivileged, with read-only root filesystems, logging to the region's log group.
func (b *clusterBuilder) containers(image, logGroup string) (string, error) {
	a := b.a
	logs := func(prefix string) map[string]any {
		return map[string]any{"logDriver": "awslogs", "options": map[string]string{
			"awslogs-group": logGroup, "awslogs-region": a.Region, "awslogs-stream-prefix": prefix,
		}}
	}
	env := []map[string]string{{"name": "AWS_XRAY_DAEMON_ADDRESS", "value": "127.0.0.1:2000"}, {"name": "AWS_REGION", "value": a.Region}}
	for _, k := range slices.Sorted(maps.Keys(a.Service.Environment)) {
		env = append(env, map[string]string{"name": k, "value": a.Service.Environment[k]})
	}
	secrets := []map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(a.Service.Secrets)) {
		secrets = append(secrets, map[string]string{"name": k, "valueFrom": a.Service.Secrets[k]})
	}
	defs := []containerDefinition{
		{
			Name:                   a.Service.Name,
			Image:                  image,
			Essential:              true,
			User:                   a.Service.User,
			ReadonlyRootFilesystem: true,
			PortMappings:           []map[string]any{{"containerPort": a.Service.Port, "protocol": "tcp"}},
			Environment:            env,
			Secrets:                secrets,
			MountPoints:            []map[string]any{{"sourceVolume": "tmp", "containerPath": "/tmp", "readOnly": false}},
			LogConfiguration:       logs("app"),
		},
		{
			Name:                   "xray-daemon",
			Image:                  a.XRayDaemonImage,
			Essential:              false,
			User:                   "1337",
			ReadonlyRootFilesystem: true,
			PortMappings:           []map[string]any{{"containerPort": 2000, "protocol": "udp"}},
			Environment:            []map[string]string{{"name": "AWS_REGION", "value": a.Region}},
			Secrets:                []map[string]string{},
			MountPoints:            []map[string]any{},
			LogConfiguration:       logs("xray"),
			Cpu:                    32,
			MemoryReservation:      64,
		},
	}
	out, err := json.Marshal(defs)
	if err != nil {
		return "", fmt.Errorf("encoding container definitions: %w", err)
	}
	return string(out), nil
}

// roles creates the execution role (pull from this region's repository, write the log group, read
// the listed secrets) and the task role (X-Ray), separately and least-privilege.
func (b *clusterBuilder) roles() (*iam.Role, *iam.Role, error) {
	ctx, a, parent := b.ctx, b.a, b.parent
	trust, err := assumeRolePolicy("ecs-tasks.amazonaws.com", b.account)
	if err != nil {
		return nil, nil, err
	}
	execRole, err := iam.NewRole(ctx, b.child("execution"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("ECS execution role of %s: image pull, logs, secrets", b.name),
		AssumeRolePolicy: pulumi.String(trust),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("creating execution role: %w", err)
	}
	var secretARNs []string
	for _, k := range slices.Sorted(maps.Keys(a.Service.Secrets)) {
		secretARNs = append(secretARNs, a.Service.Secrets[k])
	}
	if _, err := iam.NewRolePolicy(ctx, b.child("execution"), &iam.RolePolicyArgs{
		Role: execRole.Name,
		Policy: policyOutput(func(v []string) []statement {
			repoARN, logARN, keyARN := v[0], v[1], v[2]
			st := []statement{
				// GetAuthorizationToken has no resource-level permissions: "*" is the narrowest.
				{Sid: "RegistryAuth", Effect: "Allow", Action: []string{"ecr:GetAuthorizationToken"}, Resource: []string{"*"}},
				{Sid: "PullImage", Effect: "Allow", Action: []string{"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}, Resource: []string{repoARN}},
				{Sid: "WriteLogs", Effect: "Allow", Action: []string{"logs:CreateLogStream", "logs:PutLogEvents"}, Resource: []string{logARN + ":*"}},
				{Sid: "DecryptImagesAndSecrets", Effect: "Allow", Action: []string{"kms:Decrypt"}, Resource: []string{keyARN}},
			}
			if len(secretARNs) > 0 {
				st = append(st, statement{Sid: "ReadSecrets", Effect: "Allow", Action: []string{"secretsmanager:GetSecretValue", "ssm:GetParameters"}, Resource: secretARNs})
			}
			return st
		}, b.repo.Arn, b.appLogs.Arn, a.KMSKeyARN),
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("creating execution policy: %w", err)
	}
	taskRole, err := iam.NewRole(ctx, b.child("task"), &iam.RoleArgs{
		Description:      pulumi.Sprintf("ECS task role of %s: the application's own permissions", b.name),
		AssumeRolePolicy: pulumi.String(trust),
	}, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("creating task role: %w", err)
	}
	xray, err := policyJSON(statement{
		// X-Ray's trace and sampling APIs have no resource-level permissions: "*" is the narrowest.
		Sid:    "XRayDaemon",
		Effect: "Allow",
		Action: []string{
			"xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules",
			"xray:GetSamplingTargets", "xray:GetSamplingStatisticSummaries",
		},
		Resource: []string{"*"},
	})
	if err != nil {
		return nil, nil, err
	}
	if _, err := iam.NewRolePolicy(ctx, b.child("task-xray"), &iam.RolePolicyArgs{
		Role: taskRole.Name, Policy: pulumi.String(xray),
	}, parent); err != nil {
		return nil, nil, fmt.Errorf("creating task X-Ray policy: %w", err)
	}
	return execRole, taskRole, nil
}

// autoscaling registers the service with Application Auto Scaling and tracks CPU and ALB requests
// per target, between the role's Min and Max.
func (b *clusterBuilder) autoscaling() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	if !boolOr(a.Autoscaling, true) {
		return nil
	}
	target, err := appautoscaling.NewTarget(ctx, b.child("scaling"), &appautoscaling.TargetArgs{
		ServiceNamespace:  pulumi.String("ecs"),
		ScalableDimension: pulumi.String("ecs:service:DesiredCount"),
		ResourceId:        pulumi.Sprintf("service/%s/%s", b.c.ClusterName, b.c.ServiceName),
		MinCapacity:       pulumi.Int(a.Capacity.Min),
		MaxCapacity:       pulumi.Int(a.Capacity.Max),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating scalable target: %w", err)
	}
	policies := []struct {
		suffix string
		spec   *appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs
		value  float64
	}{
		{"cpu", &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String("ECSServiceAverageCPUUtilization"),
		}, a.CPUTarget},
		{"requests", &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs{
			PredefinedMetricType: pulumi.String("ALBRequestCountPerTarget"),
			ResourceLabel:        pulumi.Sprintf("%s/%s", b.c.ALBARNSuffix, b.c.TargetGroupARNSuffix),
		}, float64(a.RequestsPerTarget)},
	}
	for _, p := range policies {
		if _, err := appautoscaling.NewPolicy(ctx, b.child("scaling-"+p.suffix), &appautoscaling.PolicyArgs{
			PolicyType:        pulumi.String("TargetTrackingScaling"),
			ServiceNamespace:  target.ServiceNamespace,
			ScalableDimension: target.ScalableDimension,
			ResourceId:        target.ResourceId,
			TargetTrackingScalingPolicyConfiguration: &appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs{
				PredefinedMetricSpecification: p.spec,
				TargetValue:                   pulumi.Float64(p.value),
				ScaleInCooldown:               pulumi.Int(300),
				ScaleOutCooldown:              pulumi.Int(60),
			},
		}, parent); err != nil {
			return fmt.Errorf("creating %s scaling policy: %w", p.suffix, err)
		}
	}
	return nil
}
