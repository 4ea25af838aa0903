// Package awsmap describes how the Terraform AWS provider's resources, data sources and
// provider settings are named in pulumi-aws v6, so that the unmodified pulumi-aws Go SDK
// can drive a plain terraform-provider-aws binary through pulumi-terraform-bridge.
//
// Only the types the multiregion components and drills use are mapped. Every name here
// must exist in the Terraform provider: the bridge panics at start-up on an unknown one.
package awsmap

import (
	"strings"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
)

// Version is the pulumi-aws version the plugin impersonates. The SDK asks the engine for
// this exact plugin version.
const Version = "6.83.4"

// resourceTokens maps each Terraform resource type to its pulumi-aws v6 type token.
func resourceTokens() map[string]string {
	return map[string]string{
		// EC2 / VPC networking.
		"aws_vpc":                             "aws:ec2/vpc:Vpc",
		"aws_subnet":                          "aws:ec2/subnet:Subnet",
		"aws_internet_gateway":                "aws:ec2/internetGateway:InternetGateway",
		"aws_nat_gateway":                     "aws:ec2/natGateway:NatGateway",
		"aws_eip":                             "aws:ec2/eip:Eip",
		"aws_route_table":                     "aws:ec2/routeTable:RouteTable",
		"aws_route":                           "aws:ec2/route:Route",
		"aws_route_table_association":         "aws:ec2/routeTableAssociation:RouteTableAssociation",
		"aws_flow_log":                        "aws:ec2/flowLog:FlowLog",
		"aws_default_security_group":          "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
		"aws_security_group":                  "aws:ec2/securityGroup:SecurityGroup",
		"aws_security_group_rule":             "aws:ec2/securityGroupRule:SecurityGroupRule",
		"aws_vpc_endpoint":                    "aws:ec2/vpcEndpoint:VpcEndpoint",
		"aws_vpc_peering_connection":          "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
		"aws_vpc_peering_connection_accepter": "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
		"aws_vpc_security_group_ingress_rule": "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
		"aws_vpc_security_group_egress_rule":  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",

		// ECS.
		"aws_ecs_cluster":                    "aws:ecs/cluster:Cluster",
		"aws_ecs_cluster_capacity_providers": "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
		"aws_ecs_task_definition":            "aws:ecs/taskDefinition:TaskDefinition",
		"aws_ecs_service":                    "aws:ecs/service:Service",

		// Elastic Load Balancing v2.
		"aws_lb":               "aws:lb/loadBalancer:LoadBalancer",
		"aws_lb_target_group":  "aws:lb/targetGroup:TargetGroup",
		"aws_lb_listener":      "aws:lb/listener:Listener",
		"aws_lb_listener_rule": "aws:lb/listenerRule:ListenerRule",

		// ECR.
		"aws_ecr_repository":                "aws:ecr/repository:Repository",
		"aws_ecr_repository_policy":         "aws:ecr/repositoryPolicy:RepositoryPolicy",
		"aws_ecr_lifecycle_policy":          "aws:ecr/lifecyclePolicy:LifecyclePolicy",
		"aws_ecr_replication_configuration": "aws:ecr/replicationConfiguration:ReplicationConfiguration",

		// IAM.
		"aws_iam_role":                   "aws:iam/role:Role",
		"aws_iam_role_policy":            "aws:iam/rolePolicy:RolePolicy",
		"aws_iam_role_policy_attachment": "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
		"aws_iam_policy":                 "aws:iam/policy:Policy",

		// CloudWatch and CloudWatch Logs.
		"aws_cloudwatch_log_group":               "aws:cloudwatch/logGroup:LogGroup",
		"aws_cloudwatch_log_stream":              "aws:cloudwatch/logStream:LogStream",
		"aws_cloudwatch_log_destination":         "aws:cloudwatch/logDestination:LogDestination",
		"aws_cloudwatch_log_destination_policy":  "aws:cloudwatch/logDestinationPolicy:LogDestinationPolicy",
		"aws_cloudwatch_log_resource_policy":     "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
		"aws_cloudwatch_log_subscription_filter": "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
		"aws_cloudwatch_metric_alarm":            "aws:cloudwatch/metricAlarm:MetricAlarm",
		"aws_cloudwatch_dashboard":               "aws:cloudwatch/dashboard:Dashboard",

		// KMS.
		"aws_kms_key":         "aws:kms/key:Key",
		"aws_kms_alias":       "aws:kms/alias:Alias",
		"aws_kms_replica_key": "aws:kms/replicaKey:ReplicaKey",

		// S3 (pulumi-aws v6 names the current Terraform resources ...V2).
		"aws_s3_bucket": "aws:s3/bucketV2:BucketV2",
		"aws_s3_bucket_server_side_encryption_configuration": "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
		"aws_s3_bucket_versioning":                           "aws:s3/bucketVersioningV2:BucketVersioningV2",
		"aws_s3_bucket_logging":                              "aws:s3/bucketLoggingV2:BucketLoggingV2",
		"aws_s3_bucket_lifecycle_configuration":              "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
		"aws_s3_bucket_public_access_block":                  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
		"aws_s3_bucket_policy":                               "aws:s3/bucketPolicy:BucketPolicy",
		"aws_s3_bucket_ownership_controls":                   "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
		"aws_s3_bucket_replication_configuration":            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",

		// Application Auto Scaling.
		"aws_appautoscaling_target": "aws:appautoscaling/target:Target",
		"aws_appautoscaling_policy": "aws:appautoscaling/policy:Policy",

		// RDS.
		"aws_db_instance":                               "aws:rds/instance:Instance",
		"aws_db_subnet_group":                           "aws:rds/subnetGroup:SubnetGroup",
		"aws_db_parameter_group":                        "aws:rds/parameterGroup:ParameterGroup",
		"aws_rds_cluster":                               "aws:rds/cluster:Cluster",
		"aws_rds_cluster_instance":                      "aws:rds/clusterInstance:ClusterInstance",
		"aws_rds_cluster_parameter_group":               "aws:rds/clusterParameterGroup:ClusterParameterGroup",
		"aws_rds_global_cluster":                        "aws:rds/globalCluster:GlobalCluster",
		"aws_db_instance_automated_backups_replication": "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",

		// AWS Backup.
		"aws_backup_vault":                     "aws:backup/vault:Vault",
		"aws_backup_vault_policy":              "aws:backup/vaultPolicy:VaultPolicy",
		"aws_backup_vault_lock_configuration":  "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
		"aws_backup_plan":                      "aws:backup/plan:Plan",
		"aws_backup_selection":                 "aws:backup/selection:Selection",
		"aws_backup_restore_testing_plan":      "aws:backup/restoreTestingPlan:RestoreTestingPlan",
		"aws_backup_restore_testing_selection": "aws:backup/restoreTestingSelection:RestoreTestingSelection",

		// ElastiCache.
		"aws_elasticache_replication_group":        "aws:elasticache/replicationGroup:ReplicationGroup",
		"aws_elasticache_global_replication_group": "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
		"aws_elasticache_subnet_group":             "aws:elasticache/subnetGroup:SubnetGroup",
		"aws_elasticache_parameter_group":          "aws:elasticache/parameterGroup:ParameterGroup",
		"aws_elasticache_user":                     "aws:elasticache/user:User",
		"aws_elasticache_user_group":               "aws:elasticache/userGroup:UserGroup",

		// Route 53.
		"aws_route53_zone":             "aws:route53/zone:Zone",
		"aws_route53_record":           "aws:route53/record:Record",
		"aws_route53_health_check":     "aws:route53/healthCheck:HealthCheck",
		"aws_route53_query_log":        "aws:route53/queryLog:QueryLog",
		"aws_route53_zone_association": "aws:route53/zoneAssociation:ZoneAssociation",

		// ACM.
		"aws_acm_certificate":            "aws:acm/certificate:Certificate",
		"aws_acm_certificate_validation": "aws:acm/certificateValidation:CertificateValidation",

		// CloudFront.
		"aws_cloudfront_distribution":            "aws:cloudfront/distribution:Distribution",
		"aws_cloudfront_cache_policy":            "aws:cloudfront/cachePolicy:CachePolicy",
		"aws_cloudfront_origin_request_policy":   "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
		"aws_cloudfront_response_headers_policy": "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
		"aws_cloudfront_origin_access_control":   "aws:cloudfront/originAccessControl:OriginAccessControl",

		// Global Accelerator.
		"aws_globalaccelerator_accelerator":    "aws:globalaccelerator/accelerator:Accelerator",
		"aws_globalaccelerator_listener":       "aws:globalaccelerator/listener:Listener",
		"aws_globalaccelerator_endpoint_group": "aws:globalaccelerator/endpointGroup:EndpointGroup",

		// SNS.
		"aws_sns_topic":              "aws:sns/topic:Topic",
		"aws_sns_topic_policy":       "aws:sns/topicPolicy:TopicPolicy",
		"aws_sns_topic_subscription": "aws:sns/topicSubscription:TopicSubscription",

		// Kinesis Data Firehose.
		"aws_kinesis_firehose_delivery_stream": "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",

		// WAFv2 (a CLOUDFRONT-scope web ACL on the edge; REGIONAL ones on the ALBs, and logging).
		"aws_wafv2_web_acl":                       "aws:wafv2/webAcl:WebAcl",
		"aws_wafv2_web_acl_association":           "aws:wafv2/webAclAssociation:WebAclAssociation",
		"aws_wafv2_web_acl_logging_configuration": "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",

		// X-Ray.
		"aws_xray_sampling_rule": "aws:xray/samplingRule:SamplingRule",
		"aws_xray_group":         "aws:xray/group:Group",

		// Secrets Manager and SSM.
		"aws_secretsmanager_secret":         "aws:secretsmanager/secret:Secret",
		"aws_secretsmanager_secret_version": "aws:secretsmanager/secretVersion:SecretVersion",
		"aws_ssm_parameter":                 "aws:ssm/parameter:Parameter",
	}
}

// dataSourceTokens maps each Terraform data source to its pulumi-aws v6 function token.
func dataSourceTokens() map[string]string {
	return map[string]string{
		"aws_caller_identity":     "aws:index/getCallerIdentity:getCallerIdentity",
		"aws_partition":           "aws:index/getPartition:getPartition",
		"aws_region":              "aws:index/getRegion:getRegion",
		"aws_availability_zones":  "aws:index/getAvailabilityZones:getAvailabilityZones",
		"aws_iam_policy_document": "aws:iam/getPolicyDocument:getPolicyDocument",
		"aws_route53_zone":        "aws:route53/getZone:getZone",
		"aws_elb_service_account": "aws:elb/getServiceAccount:getServiceAccount",
	}
}

// dataSourceFields records where pulumi-aws v6 deviates from the bridge's defaults for
// a data source's arguments and results.
func dataSourceFields() map[string]map[string]*tfbridge.SchemaInfo {
	outputOnly := func() *tfbridge.SchemaInfo { return &tfbridge.SchemaInfo{MarkAsComputedOnly: tfbridge.True()} }
	return map[string]map[string]*tfbridge.SchemaInfo{
		"aws_availability_zones": {
			"id":       outputOnly(),
			"timeouts": {Omit: true},
		},
		"aws_caller_identity":     {"id": outputOnly()},
		"aws_partition":           {"id": outputOnly()},
		"aws_iam_policy_document": {"id": outputOnly()},
		"aws_route53_zone":        {"id": outputOnly()},
		"aws_elb_service_account": {"id": outputOnly()},
	}
}

// naming says how a resource that Terraform would otherwise name "terraform-2024..." gets
// a Pulumi auto-name (the logical name plus a random suffix).
type naming struct {
	field  string // the Terraform attribute that holds the name
	pulumi string // its pulumi-aws property name
	maxLen int    // the service's limit
	lower  bool   // the service only accepts (or stores) lowercase
	prefix string // a fixed prefix the service requires, e.g. "alias/"
}

// autoNames lists the resources whose name attribute differs from the generic rule
// (SetAutonaming: an attribute called "name", up to 255 characters). Every entry here
// is applied before the generic rule, which then skips the resource's "name".
func autoNames() map[string]naming {
	return map[string]naming{
		"aws_db_instance":                   {field: "identifier", pulumi: "identifier", maxLen: 63, lower: true},
		"aws_rds_cluster":                   {field: "cluster_identifier", pulumi: "clusterIdentifier", maxLen: 63, lower: true},
		"aws_rds_cluster_instance":          {field: "identifier", pulumi: "identifier", maxLen: 63, lower: true},
		"aws_db_subnet_group":               {field: "name", pulumi: "name", maxLen: 255, lower: true},
		"aws_db_parameter_group":            {field: "name", pulumi: "name", maxLen: 255, lower: true},
		"aws_rds_cluster_parameter_group":   {field: "name", pulumi: "name", maxLen: 255, lower: true},
		"aws_elasticache_replication_group": {field: "replication_group_id", pulumi: "replicationGroupId", maxLen: 40, lower: true},
		"aws_elasticache_subnet_group":      {field: "name", pulumi: "name", maxLen: 255, lower: true},
		"aws_elasticache_parameter_group":   {field: "name", pulumi: "name", maxLen: 255, lower: true},
		"aws_lb":                            {field: "name", pulumi: "name", maxLen: 32},
		"aws_lb_target_group":               {field: "name", pulumi: "name", maxLen: 32},
		"aws_ecr_repository":                {field: "name", pulumi: "name", maxLen: 256, lower: true},
		"aws_s3_bucket":                     {field: "bucket", pulumi: "bucket", maxLen: 63, lower: true},
		"aws_iam_role":                      {field: "name", pulumi: "name", maxLen: 64},
		"aws_iam_policy":                    {field: "name", pulumi: "name", maxLen: 128},
		"aws_iam_role_policy":               {field: "name", pulumi: "name", maxLen: 128},
		"aws_kms_alias":                     {field: "name", pulumi: "name", maxLen: 256, prefix: "alias/"},
		// pulumi-aws calls the alarm's alarm_name "name".
		"aws_cloudwatch_metric_alarm":       {field: "alarm_name", pulumi: "name", maxLen: 255},
		"aws_cloudwatch_log_group":          {field: "name", pulumi: "name", maxLen: 512},
		"aws_sns_topic":                     {field: "name", pulumi: "name", maxLen: 256},
		"aws_globalaccelerator_accelerator": {field: "name", pulumi: "name", maxLen: 64},
		"aws_wafv2_web_acl":                 {field: "name", pulumi: "name", maxLen: 128},
		// AWS Backup names: at most 50 characters.
		"aws_backup_vault":     {field: "name", pulumi: "name", maxLen: 50},
		"aws_backup_plan":      {field: "name", pulumi: "name", maxLen: 50},
		"aws_backup_selection": {field: "name", pulumi: "name", maxLen: 50},
	}
}

func (n naming) schema() *tfbridge.SchemaInfo {
	lower, prefix := n.lower, n.prefix
	return tfbridge.AutoNameWithCustomOptions(n.pulumi, tfbridge.AutoNameOptions{
		Separator: "-",
		Maxlen:    n.maxLen,
		Randlen:   7,
		Transform: func(name string) string {
			if lower {
				name = strings.ToLower(name)
			}
			return prefix + name
		},
	})
}

// fieldOverrides records where pulumi-aws v6 deviates from the bridge's default naming
// and shape for a Terraform attribute (nested blocks through Elem.Fields). The mapping
// test finds every such deviation by comparing the plugin's schema with the SDK.
func fieldOverrides() map[string]map[string]*tfbridge.SchemaInfo {
	list := func() *tfbridge.SchemaInfo { return &tfbridge.SchemaInfo{MaxItemsOne: tfbridge.False()} }
	single := func() *tfbridge.SchemaInfo { return &tfbridge.SchemaInfo{MaxItemsOne: tfbridge.True()} }
	named := func(name string) *tfbridge.SchemaInfo { return &tfbridge.SchemaInfo{Name: name} }
	nested := func(fields map[string]*tfbridge.SchemaInfo) *tfbridge.SchemaInfo {
		return &tfbridge.SchemaInfo{Elem: &tfbridge.SchemaInfo{Fields: fields}}
	}
	securityGroupRules := map[string]*tfbridge.SchemaInfo{"ingress": named("ingress"), "egress": named("egress")}
	return map[string]map[string]*tfbridge.SchemaInfo{
		// Route 53 routing-policy blocks and aliases hold at most one element in
		// Terraform, but pulumi-aws keeps them as lists (aliases, failoverRoutingPolicies...).
		// A record's name is the DNS name: required, never auto-named.
		"aws_route53_record": {
			"name":                       {},
			"alias":                      list(),
			"failover_routing_policy":    list(),
			"geolocation_routing_policy": list(),
			"latency_routing_policy":     list(),
			"weighted_routing_policy":    list(),
		},
		"aws_security_group":         securityGroupRules,
		"aws_default_security_group": securityGroupRules,
		"aws_sns_topic_subscription": {"topic_arn": named("topic")},
		"aws_cloudwatch_log_subscription_filter": {
			"log_group_name": named("logGroup"),
		},
		"aws_ecs_service": {
			"service_connect_configuration": nested(map[string]*tfbridge.SchemaInfo{
				"service": nested(map[string]*tfbridge.SchemaInfo{
					"client_alias": {Name: "clientAlias", MaxItemsOne: tfbridge.False()},
				}),
			}),
		},
		// pulumi-aws v6 keeps the bucket's deprecated inline blocks as lists.
		"aws_s3_bucket": {
			"lifecycle_rule": nested(map[string]*tfbridge.SchemaInfo{
				"expiration":                    list(),
				"noncurrent_version_expiration": list(),
			}),
			"logging": list(),
			"replication_configuration": {
				MaxItemsOne: tfbridge.False(),
				Elem: &tfbridge.SchemaInfo{Fields: map[string]*tfbridge.SchemaInfo{
					"rules": nested(map[string]*tfbridge.SchemaInfo{
						"destination": {
							MaxItemsOne: tfbridge.False(),
							Elem: &tfbridge.SchemaInfo{Fields: map[string]*tfbridge.SchemaInfo{
								"access_control_translation": list(),
								"metrics":                    list(),
								"replication_time":           list(),
							}},
						},
						"filter": list(),
						"source_selection_criteria": {
							MaxItemsOne: tfbridge.False(),
							Elem: &tfbridge.SchemaInfo{Fields: map[string]*tfbridge.SchemaInfo{
								"sse_kms_encrypted_objects": list(),
							}},
						},
					}),
				}},
			},
			"server_side_encryption_configuration": {
				MaxItemsOne: tfbridge.False(),
				Elem: &tfbridge.SchemaInfo{Fields: map[string]*tfbridge.SchemaInfo{
					"rule": {
						MaxItemsOne: tfbridge.False(),
						Elem: &tfbridge.SchemaInfo{Fields: map[string]*tfbridge.SchemaInfo{
							"apply_server_side_encryption_by_default": list(),
						}},
					},
				}},
			},
			"versioning": list(),
			"website":    list(),
			"object_lock_configuration": nested(map[string]*tfbridge.SchemaInfo{
				"rule": {
					MaxItemsOne: tfbridge.False(),
					Elem: &tfbridge.SchemaInfo{Fields: map[string]*tfbridge.SchemaInfo{
						"default_retention": list(),
					}},
				},
			}),
		},
		// The web ACL's request body inspection limits hold at most one element per
		// resource type in Terraform; pulumi-aws keeps them as lists (apiGateways...).
		// Its statements are made recursive in the schema (recursiveStatements).
		"aws_wafv2_web_acl": {
			"association_config": nested(map[string]*tfbridge.SchemaInfo{
				"request_body": nested(map[string]*tfbridge.SchemaInfo{
					"api_gateway":              list(),
					"app_runner_service":       list(),
					"cloudfront":               list(),
					"cognito_user_pool":        list(),
					"verified_access_instance": list(),
				}),
			}),
		},
		// Plugin Framework resources: their one-element blocks carry no MaxItems in the
		// protocol schema, so the bridge would see lists.
		"aws_backup_restore_testing_plan":      {"recovery_point_selection": single()},
		"aws_backup_restore_testing_selection": {"protected_resource_conditions": single()},
		// A Plugin Framework resource: its one-element blocks carry no MaxItems in the
		// protocol schema, so the bridge would see lists.
		// pulumi-aws keeps its timeouts.
		"aws_s3_bucket_lifecycle_configuration": {
			"timeouts": {},
			"rule": nested(map[string]*tfbridge.SchemaInfo{
				"abort_incomplete_multipart_upload": single(),
				"expiration":                        single(),
				"filter": {
					MaxItemsOne: tfbridge.True(),
					Elem: &tfbridge.SchemaInfo{Fields: map[string]*tfbridge.SchemaInfo{
						"and": single(),
						"tag": single(),
					}},
				},
				"noncurrent_version_expiration": single(),
			}),
		},
	}
}

// configOverrides records where pulumi-aws v6's provider settings deviate from the
// bridge's default naming and shape.
func configOverrides() map[string]*tfbridge.SchemaInfo {
	single := func() *tfbridge.SchemaInfo { return &tfbridge.SchemaInfo{MaxItemsOne: tfbridge.True()} }
	return map[string]*tfbridge.SchemaInfo{
		// Terraform allows a chain of assume_role blocks; pulumi-aws v6 exposes one.
		"assume_role":                   single(),
		"assume_role_with_web_identity": single(),
		"default_tags":                  single(),
		"ignore_tags":                   single(),
	}
}
