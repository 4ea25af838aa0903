package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Fabricator answers the registration of a custom resource: the physical ID and the output state
// the cloud would return, usually r.Inputs plus the attributes it computes (names, ARNs, endpoints).
// It reads r (type, name, URN, inputs, Region) and e (Account, StackOutputs); it must not change r.
// An error fails the registration, as a cloud rejecting the request would.
type Fabricator func(e *Engine, r *Resource) (id string, outputs resource.PropertyMap, err error)

// InvokeHandler answers one function call (a data source such as getAvailabilityZones) with the
// function's result; call.Region is the region of the provider the call went to.
type InvokeHandler func(e *Engine, call Invoke) (resource.PropertyMap, error)

// Option changes how a new [Engine] answers; pass options to [New].
type Option func(*Engine)

// WithFabricator answers the registrations of custom resources of type typ (a type token such as
// "aws:s3/bucketV2:BucketV2") with f, adding a type or replacing the built-in fabricator.
func WithFabricator(typ string, f Fabricator) Option {
	return func(e *Engine) { e.fabricators[typ] = f }
}

// WithInvoke answers the invokes of token (such as "aws:index/getRegion:getRegion") with h, adding a
// function or replacing the built-in handler.
func WithInvoke(token string, h InvokeHandler) Option {
	return func(e *Engine) { e.invokes[token] = h }
}

// DefaultFabricators returns a new copy of the built-in fabricators by type token: the AWS resource
// types whose IDs, ARNs and computed attributes have their own shape, AWS providers and stack
// references. Every other type gets [DefaultFabricator].
func DefaultFabricators() map[string]Fabricator {
	return map[string]Fabricator{
		AWSProviderType:    fabricateProvider,
		StackReferenceType: fabricateStackReference,

		"aws:kms/key:Key":                                               fabricateKMSKey,
		"aws:iam/role:Role":                                             fabricateIAMRole,
		"aws:cloudwatch/logGroup:LogGroup":                              fabricateLogGroup,
		"aws:cloudwatch/logDestination:LogDestination":                  fabricateLogDestination,
		"aws:s3/bucketV2:BucketV2":                                      fabricateBucket,
		"aws:ecr/repository:Repository":                                 fabricateECRRepository,
		"aws:ecs/cluster:Cluster":                                       fabricateARNAsID("arn:aws:ecs:%s:%s:cluster/%s"),
		"aws:ecs/service:Service":                                       fabricateARNAsID("arn:aws:ecs:%s:%s:service/%s"),
		"aws:ecs/taskDefinition:TaskDefinition":                         fabricateTaskDefinition,
		"aws:lb/loadBalancer:LoadBalancer":                              fabricateLoadBalancer,
		"aws:lb/targetGroup:TargetGroup":                                fabricateTargetGroup,
		"aws:rds/instance:Instance":                                     fabricateDBInstance,
		"aws:rds/cluster:Cluster":                                       fabricateRDSCluster,
		"aws:rds/clusterInstance:ClusterInstance":                       fabricateRDSCluster,
		"aws:rds/globalCluster:GlobalCluster":                           fabricateRDSCluster,
		"aws:elasticache/replicationGroup:ReplicationGroup":             fabricateReplicationGroup,
		"aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": fabricateGlobalReplicationGroup,
		"aws:route53/zone:Zone":                                         fabricateZone,
		"aws:route53/healthCheck:HealthCheck":                           fabricateHealthCheck,
		"aws:acm/certificate:Certificate":                               fabricateCertificate,
		"aws:cloudfront/distribution:Distribution":                      fabricateDistribution,
		"aws:globalaccelerator/accelerator:Accelerator":                 fabricateAccelerator,
		"aws:globalaccelerator/listener:Listener":                       fabricateAcceleratorChild,
		"aws:globalaccelerator/endpointGroup:EndpointGroup":             fabricateAcceleratorChild,
		"aws:sns/topic:Topic":                                           fabricateARNAsID("arn:aws:sns:%s:%s:%s"),
		"aws:secretsmanager/secret:Secret":                              fabricateSecret,
		"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":     fabricateARNAsID("arn:aws:firehose:%s:%s:deliverystream/%s"),
		"aws:wafv2/webAcl:WebAcl":                                       fabricateWebACL,
	}
}

// DefaultInvokes returns a new copy of the built-in invoke handlers by function token: caller
// identity, region, availability zones (a, b, c, d of the provider's region), the ELB service account
// and Route 53 zone lookups.
func DefaultInvokes() map[string]InvokeHandler {
	return map[string]InvokeHandler{
		"aws:index/getAvailabilityZones:getAvailabilityZones": invokeAvailabilityZones,
		"aws:index/getCallerIdentity:getCallerIdentity":       invokeCallerIdentity,
		"aws:index/getRegion:getRegion":                       invokeRegion,
		"aws:elb/getServiceAccount:getServiceAccount":         invokeELBServiceAccount,
		"aws:route53/getZone:getZone":                         invokeRoute53Zone,
	}
}

func invokeAvailabilityZones(_ *Engine, call Invoke) (resource.PropertyMap, error) {
	var names, ids []any
	for i, l := range []string{"a", "b", "c", "d"} {
		names = append(names, call.Region+l)
		ids = append(ids, fmt.Sprintf("%s-az%d", abbreviate(call.Region), i+1))
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": call.Region, "names": names, "zoneIds": ids}), nil
}

func invokeCallerIdentity(e *Engine, _ Invoke) (resource.PropertyMap, error) {
	return resource.NewPropertyMapFromMap(map[string]any{
		"id": e.Account, "accountId": e.Account, "userId": "AIDAMOCK", "arn": "arn:aws:iam::" + e.Account + ":user/mock",
	}), nil
}

func invokeRegion(_ *Engine, call Invoke) (resource.PropertyMap, error) {
	return resource.NewPropertyMapFromMap(map[string]any{"id": call.Region, "name": call.Region, "region": call.Region}), nil
}

func invokeELBServiceAccount(*Engine, Invoke) (resource.PropertyMap, error) {
	return resource.NewPropertyMapFromMap(map[string]any{"id": "797873946194", "arn": "arn:aws:iam::797873946194:root"}), nil
}

func invokeRoute53Zone(_ *Engine, call Invoke) (resource.PropertyMap, error) {
	str := func(k string) string {
		if v, ok := call.Args[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	name := strings.TrimSuffix(str("name"), ".")
	id := str("zoneId")
	if id == "" {
		id = "Z" + strings.ToUpper(digest(name, 12))
	}
	if name == "" {
		name = "example.com"
	}
	return resource.NewPropertyMapFromMap(map[string]any{"id": id, "zoneId": id, "name": name + "."}), nil
}
