package tests

import (
	"testing"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/appautoscaling"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudfront"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/elasticache"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/globalaccelerator"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kinesis"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/sns"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/vpc"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/xray"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
)

// typedResource returns an empty SDK struct of the resource type, so that the direct baseline pays
// what a hand-written program pays (the SDK resolves every typed output), or nil for other types.
func typedResource(typ string) pulumi.CustomResource {
	constructors := map[string]func() pulumi.CustomResource{
		"aws:acm/certificate:Certificate":                          func() pulumi.CustomResource { return &acm.Certificate{} },
		"aws:acm/certificateValidation:CertificateValidation":      func() pulumi.CustomResource { return &acm.CertificateValidation{} },
		"aws:appautoscaling/policy:Policy":                         func() pulumi.CustomResource { return &appautoscaling.Policy{} },
		"aws:appautoscaling/target:Target":                         func() pulumi.CustomResource { return &appautoscaling.Target{} },
		"aws:backup/plan:Plan":                                     func() pulumi.CustomResource { return &backup.Plan{} },
		"aws:backup/selection:Selection":                           func() pulumi.CustomResource { return &backup.Selection{} },
		"aws:backup/vault:Vault":                                   func() pulumi.CustomResource { return &backup.Vault{} },
		"aws:backup/vaultPolicy:VaultPolicy":                       func() pulumi.CustomResource { return &backup.VaultPolicy{} },
		"aws:backup/vaultLockConfiguration:VaultLockConfiguration": func() pulumi.CustomResource { return &backup.VaultLockConfiguration{} },
		"aws:iam/rolePolicyAttachment:RolePolicyAttachment":        func() pulumi.CustomResource { return &iam.RolePolicyAttachment{} },
		"aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": func() pulumi.CustomResource {
			return &rds.InstanceAutomatedBackupsReplication{}
		},
		"aws:cloudfront/cachePolicy:CachePolicy":                     func() pulumi.CustomResource { return &cloudfront.CachePolicy{} },
		"aws:cloudfront/distribution:Distribution":                   func() pulumi.CustomResource { return &cloudfront.Distribution{} },
		"aws:cloudfront/originRequestPolicy:OriginRequestPolicy":     func() pulumi.CustomResource { return &cloudfront.OriginRequestPolicy{} },
		"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": func() pulumi.CustomResource { return &cloudfront.ResponseHeadersPolicy{} },
		"aws:cloudwatch/dashboard:Dashboard":                         func() pulumi.CustomResource { return &cloudwatch.Dashboard{} },
		"aws:cloudwatch/logDestination:LogDestination":               func() pulumi.CustomResource { return &cloudwatch.LogDestination{} },
		"aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy":   func() pulumi.CustomResource { return &cloudwatch.LogDestinationPolicy{} },
		"aws:cloudwatch/logGroup:LogGroup":                           func() pulumi.CustomResource { return &cloudwatch.LogGroup{} },
		"aws:cloudwatch/logStream:LogStream":                         func() pulumi.CustomResource { return &cloudwatch.LogStream{} },
		"aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter": func() pulumi.CustomResource { return &cloudwatch.LogSubscriptionFilter{} },
		"aws:cloudwatch/metricAlarm:MetricAlarm":                     func() pulumi.CustomResource { return &cloudwatch.MetricAlarm{} },
		"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup":          func() pulumi.CustomResource { return &ec2.DefaultSecurityGroup{} },
		"aws:ec2/eip:Eip":                                                      func() pulumi.CustomResource { return &ec2.Eip{} },
		"aws:ec2/flowLog:FlowLog":                                              func() pulumi.CustomResource { return &ec2.FlowLog{} },
		"aws:ec2/internetGateway:InternetGateway":                              func() pulumi.CustomResource { return &ec2.InternetGateway{} },
		"aws:ec2/natGateway:NatGateway":                                        func() pulumi.CustomResource { return &ec2.NatGateway{} },
		"aws:ec2/routeTable:RouteTable":                                        func() pulumi.CustomResource { return &ec2.RouteTable{} },
		"aws:ec2/route:Route":                                                  func() pulumi.CustomResource { return &ec2.Route{} },
		"aws:ec2/vpcEndpoint:VpcEndpoint":                                      func() pulumi.CustomResource { return &ec2.VpcEndpoint{} },
		"aws:ec2/vpcPeeringConnection:VpcPeeringConnection":                    func() pulumi.CustomResource { return &ec2.VpcPeeringConnection{} },
		"aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter":    func() pulumi.CustomResource { return &ec2.VpcPeeringConnectionAccepter{} },
		"aws:ec2/routeTableAssociation:RouteTableAssociation":                  func() pulumi.CustomResource { return &ec2.RouteTableAssociation{} },
		"aws:ec2/securityGroup:SecurityGroup":                                  func() pulumi.CustomResource { return &ec2.SecurityGroup{} },
		"aws:ec2/subnet:Subnet":                                                func() pulumi.CustomResource { return &ec2.Subnet{} },
		"aws:ec2/vpc:Vpc":                                                      func() pulumi.CustomResource { return &ec2.Vpc{} },
		"aws:ecr/lifecyclePolicy:LifecyclePolicy":                              func() pulumi.CustomResource { return &ecr.LifecyclePolicy{} },
		"aws:ecr/replicationConfiguration:ReplicationConfiguration":            func() pulumi.CustomResource { return &ecr.ReplicationConfiguration{} },
		"aws:ecr/repository:Repository":                                        func() pulumi.CustomResource { return &ecr.Repository{} },
		"aws:ecs/cluster:Cluster":                                              func() pulumi.CustomResource { return &ecs.Cluster{} },
		"aws:ecs/clusterCapacityProviders:ClusterCapacityProviders":            func() pulumi.CustomResource { return &ecs.ClusterCapacityProviders{} },
		"aws:ecs/service:Service":                                              func() pulumi.CustomResource { return &ecs.Service{} },
		"aws:ecs/taskDefinition:TaskDefinition":                                func() pulumi.CustomResource { return &ecs.TaskDefinition{} },
		"aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":        func() pulumi.CustomResource { return &elasticache.GlobalReplicationGroup{} },
		"aws:elasticache/replicationGroup:ReplicationGroup":                    func() pulumi.CustomResource { return &elasticache.ReplicationGroup{} },
		"aws:elasticache/subnetGroup:SubnetGroup":                              func() pulumi.CustomResource { return &elasticache.SubnetGroup{} },
		"aws:elasticache/user:User":                                            func() pulumi.CustomResource { return &elasticache.User{} },
		"aws:elasticache/userGroup:UserGroup":                                  func() pulumi.CustomResource { return &elasticache.UserGroup{} },
		"aws:globalaccelerator/accelerator:Accelerator":                        func() pulumi.CustomResource { return &globalaccelerator.Accelerator{} },
		"aws:globalaccelerator/endpointGroup:EndpointGroup":                    func() pulumi.CustomResource { return &globalaccelerator.EndpointGroup{} },
		"aws:globalaccelerator/listener:Listener":                              func() pulumi.CustomResource { return &globalaccelerator.Listener{} },
		"aws:iam/role:Role":                                                    func() pulumi.CustomResource { return &iam.Role{} },
		"aws:iam/rolePolicy:RolePolicy":                                        func() pulumi.CustomResource { return &iam.RolePolicy{} },
		"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":            func() pulumi.CustomResource { return &kinesis.FirehoseDeliveryStream{} },
		"aws:kms/alias:Alias":                                                  func() pulumi.CustomResource { return &kms.Alias{} },
		"aws:kms/key:Key":                                                      func() pulumi.CustomResource { return &kms.Key{} },
		"aws:lb/listener:Listener":                                             func() pulumi.CustomResource { return &lb.Listener{} },
		"aws:lb/loadBalancer:LoadBalancer":                                     func() pulumi.CustomResource { return &lb.LoadBalancer{} },
		"aws:lb/targetGroup:TargetGroup":                                       func() pulumi.CustomResource { return &lb.TargetGroup{} },
		"aws:rds/instance:Instance":                                            func() pulumi.CustomResource { return &rds.Instance{} },
		"aws:rds/subnetGroup:SubnetGroup":                                      func() pulumi.CustomResource { return &rds.SubnetGroup{} },
		"aws:route53/healthCheck:HealthCheck":                                  func() pulumi.CustomResource { return &route53.HealthCheck{} },
		"aws:route53/record:Record":                                            func() pulumi.CustomResource { return &route53.Record{} },
		"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": func() pulumi.CustomResource { return &s3.BucketLifecycleConfigurationV2{} },
		"aws:s3/bucketOwnershipControls:BucketOwnershipControls":               func() pulumi.CustomResource { return &s3.BucketOwnershipControls{} },
		"aws:s3/bucketPolicy:BucketPolicy":                                     func() pulumi.CustomResource { return &s3.BucketPolicy{} },
		"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":               func() pulumi.CustomResource { return &s3.BucketPublicAccessBlock{} },
		"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": func() pulumi.CustomResource { return &s3.BucketServerSideEncryptionConfigurationV2{} },
		"aws:s3/bucketV2:BucketV2":                                        func() pulumi.CustomResource { return &s3.BucketV2{} },
		"aws:s3/bucketVersioningV2:BucketVersioningV2":                    func() pulumi.CustomResource { return &s3.BucketVersioningV2{} },
		"aws:s3/bucketLoggingV2:BucketLoggingV2":                          func() pulumi.CustomResource { return &s3.BucketLoggingV2{} },
		"aws:sns/topic:Topic":                                             func() pulumi.CustomResource { return &sns.Topic{} },
		"aws:sns/topicPolicy:TopicPolicy":                                 func() pulumi.CustomResource { return &sns.TopicPolicy{} },
		"aws:sns/topicSubscription:TopicSubscription":                     func() pulumi.CustomResource { return &sns.TopicSubscription{} },
		"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":         func() pulumi.CustomResource { return &vpc.SecurityGroupEgressRule{} },
		"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":       func() pulumi.CustomResource { return &vpc.SecurityGroupIngressRule{} },
		"aws:wafv2/webAcl:WebAcl":                                         func() pulumi.CustomResource { return &wafv2.WebAcl{} },
		"aws:wafv2/webAclAssociation:WebAclAssociation":                   func() pulumi.CustomResource { return &wafv2.WebAclAssociation{} },
		"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": func() pulumi.CustomResource { return &wafv2.WebAclLoggingConfiguration{} },
		"aws:xray/group:Group":                                            func() pulumi.CustomResource { return &xray.Group{} },
		"aws:xray/samplingRule:SamplingRule":                              func() pulumi.CustomResource { return &xray.SamplingRule{} },
		"aws:rds/cluster:Cluster":                                         func() pulumi.CustomResource { return &rds.Cluster{} },
		"aws:rds/clusterInstance:ClusterInstance":                         func() pulumi.CustomResource { return &rds.ClusterInstance{} },
		"aws:rds/globalCluster:GlobalCluster":                             func() pulumi.CustomResource { return &rds.GlobalCluster{} },
		"aws:route53/zone:Zone":                                           func() pulumi.CustomResource { return &route53.Zone{} },
		"aws:route53/zoneAssociation:ZoneAssociation":                     func() pulumi.CustomResource { return &route53.ZoneAssociation{} },
		"aws:route53/queryLog:QueryLog":                                   func() pulumi.CustomResource { return &route53.QueryLog{} },
	}
	if f, ok := constructors[typ]; ok {
		return f()
	}
	return nil
}

// TestEveryProdTypeIsTyped keeps BenchmarkBaselineDirect runnable: every type prod registers has an
// SDK struct in typedResource (benchmarks do not run under `go test`, so they cannot fail there).
func TestEveryProdTypeIsTyped(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	for _, r := range e.Resources() {
		if r.Custom && r.Type != mockcloud.AWSProviderType && r.Type != mockcloud.StackReferenceType {
			assert.NotNil(t, typedResource(r.Type), "add %s to typedResource", r.Type)
		}
	}
}
