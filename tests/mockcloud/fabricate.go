package mockcloud

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// albZones are the real Route 53 zone IDs of ALBs per region; others get a fabricated one.
var albZones = map[string]string{
	"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2", "us-west-1": "Z368ELLRRE2KJ0",
	"us-west-2": "Z1H1FL5HABSF5", "eu-west-1": "Z32O12XQLNTSW2", "eu-central-1": "Z215JYRZR1TBD5",
	"ap-southeast-2": "Z1GM3OXH4ZPM65", "ap-northeast-1": "Z14GRHDCWA56QT",
}

// fabricate answers a custom resource's registration: its ID and state (the inputs plus the
// attributes AWS would compute: names, ARNs, endpoints, DNS names).
func (e *Engine) fabricate(r *Resource) (string, resource.PropertyMap) {
	state := r.Inputs.Copy()
	if r.Type == AWSProviderType {
		return r.Name + "-id", state
	}
	if r.Type == "pulumi:pulumi:StackReference" {
		name := ""
		if v, ok := r.Inputs["name"]; ok && v.IsString() {
			name = v.StringValue()
		}
		outs := e.StackOutputs[name]
		state["outputs"] = resource.NewProperty(resource.NewPropertyMapFromMap(outs))
		state["secretOutputNames"] = resource.NewProperty([]resource.PropertyValue{})
		return name, state
	}
	region, acct := r.Region, e.Account
	if region == "" {
		region = "us-east-1"
	}
	h := digest(r.URN, 8)
	str := func(k string) string {
		v, ok := lookup(r.Inputs, k)
		if ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	set := func(k string, v any) {
		if _, ok := state[resource.PropertyKey(k)]; !ok {
			state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
		}
	}
	name := str("name")
	if name == "" {
		name = r.Name + "-" + h[:7]
		set("name", name)
	}
	parts := strings.SplitN(r.Type, ":", 3) // aws:rds/instance:Instance
	service := "aws"
	if len(parts) == 3 {
		service = strings.SplitN(parts[1], "/", 2)[0]
	}
	arn := fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", service, region, acct, strings.ToLower(parts[len(parts)-1]), name)
	id := r.Name + "-" + h
	switch r.Type {
	case "aws:kms/key:Key":
		id = fmt.Sprintf("%s-%s-%s", h, h[:4], digest(r.URN+"k", 12))
		arn = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", region, acct, id)
		set("keyId", id)
	case "aws:iam/role:Role":
		arn = fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, name)
		id = name
	case "aws:cloudwatch/logGroup:LogGroup":
		arn = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", region, acct, name)
		id = name
	case "aws:s3/bucketV2:BucketV2":
		id = name
		arn = "arn:aws:s3:::" + name
		set("bucket", name)
		set("bucketDomainName", name+".s3.amazonaws.com")
		set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", name, region))
	case "aws:ecr/repository:Repository":
		id = name
		set("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", acct, region, name))
		set("registryId", acct)
		arn = fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", region, acct, name)
	case "aws:ecs/cluster:Cluster":
		arn = fmt.Sprintf("arn:aws:ecs:%s:%s:cluster/%s", region, acct, name)
		id = arn
	case "aws:ecs/service:Service":
		arn = fmt.Sprintf("arn:aws:ecs:%s:%s:service/%s", region, acct, name)
		id = arn
	case "aws:ecs/taskDefinition:TaskDefinition":
		arn = fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:1", region, acct, str("family"))
		id = str("family")
		set("revision", 1)
	case "aws:lb/loadBalancer:LoadBalancer":
		suffix := fmt.Sprintf("app/%s/%s", name, h)
		arn = fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", region, acct, suffix)
		id = arn
		zone := albZones[region]
		if zone == "" {
			zone = "Z" + strings.ToUpper(digest(region, 12))
		}
		set("arnSuffix", suffix)
		set("dnsName", fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", name, h[:6], region))
		set("zoneId", zone)
	case "aws:lb/targetGroup:TargetGroup":
		suffix := fmt.Sprintf("targetgroup/%s/%s", name, h)
		arn = fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:%s", region, acct, suffix)
		id = arn
		set("arnSuffix", suffix)
	case "aws:rds/instance:Instance":
		ident := str("identifier")
		if ident == "" {
			ident = name
		}
		arn = fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", region, acct, ident)
		id = ident
		set("identifier", ident)
		set("address", fmt.Sprintf("%s.%s.%s.rds.amazonaws.com", ident, h, region))
		set("endpoint", fmt.Sprintf("%s.%s.%s.rds.amazonaws.com:5432", ident, h, region))
		set("port", 5432)
		set("resourceId", "db-"+strings.ToUpper(h))
		if _, managed := r.Inputs["manageMasterUserPassword"]; managed {
			set("masterUserSecrets", []any{map[string]any{
				"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!db-%s", region, acct, h),
				"secretStatus": "active",
				"kmsKeyId":     str("masterUserSecretKmsKeyId"),
			}})
		}
	case "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance", "aws:rds/globalCluster:GlobalCluster":
		ident := str("clusterIdentifier")
		if r.Type == "aws:rds/clusterInstance:ClusterInstance" {
			ident = str("identifier")
		} else if r.Type == "aws:rds/globalCluster:GlobalCluster" {
			ident = str("globalClusterIdentifier")
		}
		if ident == "" {
			ident = name
		}
		kind := map[string]string{"aws:rds/cluster:Cluster": "cluster", "aws:rds/clusterInstance:ClusterInstance": "db", "aws:rds/globalCluster:GlobalCluster": "global-cluster"}[r.Type]
		arn = fmt.Sprintf("arn:aws:rds:%s:%s:%s:%s", region, acct, kind, ident)
		if r.Type == "aws:rds/globalCluster:GlobalCluster" {
			arn = fmt.Sprintf("arn:aws:rds::%s:global-cluster:%s", acct, ident)
		}
		id = ident
		if r.Type == "aws:rds/cluster:Cluster" {
			set("clusterResourceId", "cluster-"+strings.ToUpper(h)+strings.ToUpper(h[:6]))
		}
		set("endpoint", fmt.Sprintf("%s.cluster-%s.%s.rds.amazonaws.com", ident, h, region))
		set("readerEndpoint", fmt.Sprintf("%s.cluster-ro-%s.%s.rds.amazonaws.com", ident, h, region))
		set("port", 5432)
		if _, managed := r.Inputs["manageMasterUserPassword"]; managed {
			set("masterUserSecrets", []any{map[string]any{
				"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!cluster-%s", region, acct, h),
				"secretStatus": "active",
			}})
		}
	case "aws:elasticache/replicationGroup:ReplicationGroup":
		ident := str("replicationGroupId")
		if ident == "" {
			ident = name
		}
		arn = fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", region, acct, ident)
		id = ident
		set("primaryEndpointAddress", fmt.Sprintf("master.%s.%s.%s.cache.amazonaws.com", ident, h[:6], abbreviate(region)))
		set("readerEndpointAddress", fmt.Sprintf("replica.%s.%s.%s.cache.amazonaws.com", ident, h[:6], abbreviate(region)))
	case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
		id = "ldgnf-" + str("globalReplicationGroupIdSuffix")
		set("globalReplicationGroupId", id)
		arn = fmt.Sprintf("arn:aws:elasticache::%s:globalreplicationgroup:%s", acct, id)
	case "aws:route53/zone:Zone":
		id = "Z" + strings.ToUpper(h) + "MOCK"
		set("zoneId", id)
		set("nameServers", []any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.net"})
		arn = "arn:aws:route53:::hostedzone/" + id
	case "aws:route53/healthCheck:HealthCheck":
		id = h + "-" + digest(r.URN+"hc", 4) + "-hc"
		arn = "arn:aws:route53:::healthcheck/" + id
	case "aws:acm/certificate:Certificate":
		arn = fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", region, acct, h)
		id = arn
		// One validation record per name (domain and SANs); like ACM, the record depends on the name
		// and the account only, so every region's certificate for a name asks for the same record.
		names := []string{str("domainName")}
		if v, ok := lookup(r.Inputs, "subjectAlternativeNames"); ok && v.IsArray() {
			for _, n := range v.ArrayValue() {
				if n.IsString() {
					names = append(names, n.StringValue())
				}
			}
		}
		var options []any
		for _, domain := range names {
			t := digest(acct+domain, 8)
			options = append(options, map[string]any{
				"domainName":          domain,
				"resourceRecordName":  "_" + t + "." + domain + ".",
				"resourceRecordType":  "CNAME",
				"resourceRecordValue": "_" + t + ".acm-validations.aws.",
			})
		}
		set("domainValidationOptions", options)
	case "aws:cloudfront/distribution:Distribution":
		id = "E" + strings.ToUpper(h) + "MOCK"
		arn = fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", acct, id)
		set("domainName", "d"+h+".cloudfront.net")
		set("hostedZoneId", "Z2FDTNDATAQYW2")
	case "aws:globalaccelerator/accelerator:Accelerator":
		arn = fmt.Sprintf("arn:aws:globalaccelerator::%s:accelerator/%s", acct, h)
		id = arn
		set("dnsName", "a"+h+".awsglobalaccelerator.com")
		set("hostedZoneId", "Z2BJ6XQ5FK7U4H")
		set("ipSets", []any{map[string]any{"ipFamily": "IPv4", "ipAddresses": []any{"75.2.0.10", "99.83.0.10"}}})
	case "aws:globalaccelerator/listener:Listener", "aws:globalaccelerator/endpointGroup:EndpointGroup":
		arn = fmt.Sprintf("arn:aws:globalaccelerator::%s:accelerator/%s/%s", acct, h, strings.ToLower(parts[len(parts)-1]))
		id = arn
	case "aws:sns/topic:Topic":
		arn = fmt.Sprintf("arn:aws:sns:%s:%s:%s", region, acct, name)
		id = arn
	case "aws:secretsmanager/secret:Secret":
		arn = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", region, acct, name, h[:6])
		id = arn
	case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
		arn = fmt.Sprintf("arn:aws:firehose:%s:%s:deliverystream/%s", region, acct, name)
		id = arn
	case "aws:cloudwatch/logDestination:LogDestination":
		arn = fmt.Sprintf("arn:aws:logs:%s:%s:destination:%s", region, acct, name)
		id = name
	case "aws:wafv2/webAcl:WebAcl":
		arn = fmt.Sprintf("arn:aws:wafv2:%s:%s:global/webacl/%s/%s", region, acct, name, h)
		id = h
	}
	set("arn", arn)
	return id, state
}
