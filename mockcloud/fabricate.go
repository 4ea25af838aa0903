package mockcloud

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// shape is the AWS-shaped answer to one registration under construction: the generic name, ID and
// ARN that the per-type fabricators refine.
type shape struct {
	r                     *Resource
	region, account, hash string
	name, service, kind   string
	id, arn               string
	state                 resource.PropertyMap
}

func newShape(e *Engine, r *Resource) *shape {
	s := &shape{r: r, region: r.Region, account: e.Account, hash: digest(r.URN, 8), state: r.Inputs.Copy()}
	if s.region == "" {
		s.region = "us-east-1"
	}
	s.name = s.str("name")
	if s.name == "" {
		s.name = r.Name + "-" + s.hash[:7]
		s.set("name", s.name)
	}
	parts := strings.SplitN(r.Type, ":", 3) // aws:rds/instance:Instance
	s.service = "aws"
	if len(parts) == 3 {
		s.service = strings.SplitN(parts[1], "/", 2)[0]
	}
	s.kind = strings.ToLower(parts[len(parts)-1])
	s.arn = fmt.Sprintf("arn:aws:%s:%s:%s:%s/%s", s.service, s.region, s.account, s.kind, s.name)
	s.id = r.Name + "-" + s.hash
	return s
}

// str returns the string input at path, or "".
func (s *shape) str(path string) string { return s.r.Str(path) }

// set sets a computed attribute unless the inputs already carry it.
func (s *shape) set(k string, v any) {
	if _, ok := s.state[resource.PropertyKey(k)]; !ok {
		s.state[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
	}
}

func (s *shape) done() (string, resource.PropertyMap, error) {
	s.set("arn", s.arn)
	return s.id, s.state, nil
}

// DefaultFabricator answers any custom resource type in AWS's shape: the inputs, plus a "name" when
// none was given (the logical name and a hash, as Pulumi's auto-naming does) and an "arn" of the form
// arn:aws:<service>:<region>:<account>:<kind>/<name>; the ID is the logical name and a hash of the
// URN. The region is the provider's, "us-east-1" for the default provider. Custom fabricators can
// start from its answer and add the attributes their type computes.
func DefaultFabricator(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	return newShape(e, r).done()
}

// fabricateARNAsID answers types whose ID is their ARN, built by format from region, account and name.
func fabricateARNAsID(format string) Fabricator {
	return func(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
		s := newShape(e, r)
		s.arn = fmt.Sprintf(format, s.region, s.account, s.name)
		s.id = s.arn
		return s.done()
	}
}

func fabricateProvider(_ *Engine, r *Resource) (string, resource.PropertyMap, error) {
	return r.Name + "-id", r.Inputs.Copy(), nil
}

func fabricateStackReference(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	state := r.Inputs.Copy()
	name := r.Str("name")
	state["outputs"] = resource.NewProperty(resource.NewPropertyMapFromMap(e.StackOutputs[name]))
	state["secretOutputNames"] = resource.NewProperty([]resource.PropertyValue{})
	return name, state, nil
}

func fabricateKMSKey(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.id = fmt.Sprintf("%s-%s-%s", s.hash, s.hash[:4], digest(r.URN+"k", 12))
	s.arn = fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", s.region, s.account, s.id)
	s.set("keyId", s.id)
	return s.done()
}

func fabricateIAMRole(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:iam::%s:role/%s", s.account, s.name)
	s.id = s.name
	return s.done()
}

func fabricateLogGroup(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", s.region, s.account, s.name)
	s.id = s.name
	return s.done()
}

func fabricateLogDestination(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:logs:%s:%s:destination:%s", s.region, s.account, s.name)
	s.id = s.name
	return s.done()
}

func fabricateBucket(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.id = s.name
	s.arn = "arn:aws:s3:::" + s.name
	s.set("bucket", s.name)
	s.set("bucketDomainName", s.name+".s3.amazonaws.com")
	s.set("bucketRegionalDomainName", fmt.Sprintf("%s.s3.%s.amazonaws.com", s.name, s.region))
	return s.done()
}

func fabricateECRRepository(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.id = s.name
	s.set("repositoryUrl", fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", s.account, s.region, s.name))
	s.set("registryId", s.account)
	s.arn = fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", s.region, s.account, s.name)
	return s.done()
}

func fabricateTaskDefinition(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:ecs:%s:%s:task-definition/%s:1", s.region, s.account, s.str("family"))
	s.id = s.str("family")
	s.set("revision", 1)
	return s.done()
}

// albZoneID returns the real Route 53 zone ID of ALBs in region, or a fabricated one.
func albZoneID(region string) string {
	switch region {
	case "us-east-1":
		return "Z35SXDOTRQ7X7K"
	case "us-east-2":
		return "Z3AADJGX6KTTL2"
	case "us-west-1":
		return "Z368ELLRRE2KJ0"
	case "us-west-2":
		return "Z1H1FL5HABSF5"
	case "eu-west-1":
		return "Z32O12XQLNTSW2"
	case "eu-central-1":
		return "Z215JYRZR1TBD5"
	case "ap-southeast-2":
		return "Z1GM3OXH4ZPM65"
	case "ap-northeast-1":
		return "Z14GRHDCWA56QT"
	}
	return "Z" + strings.ToUpper(digest(region, 12))
}

func fabricateLoadBalancer(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	suffix := fmt.Sprintf("app/%s/%s", s.name, s.hash)
	s.arn = fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/%s", s.region, s.account, suffix)
	s.id = s.arn
	s.set("arnSuffix", suffix)
	s.set("dnsName", fmt.Sprintf("%s-%s.%s.elb.amazonaws.com", s.name, s.hash[:6], s.region))
	s.set("zoneId", albZoneID(s.region))
	return s.done()
}

func fabricateTargetGroup(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	suffix := fmt.Sprintf("targetgroup/%s/%s", s.name, s.hash)
	s.arn = fmt.Sprintf("arn:aws:elasticloadbalancing:%s:%s:%s", s.region, s.account, suffix)
	s.id = s.arn
	s.set("arnSuffix", suffix)
	return s.done()
}

func fabricateDBInstance(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	ident := s.str("identifier")
	if ident == "" {
		ident = s.name
	}
	s.arn = fmt.Sprintf("arn:aws:rds:%s:%s:db:%s", s.region, s.account, ident)
	s.id = ident
	s.set("identifier", ident)
	s.set("address", fmt.Sprintf("%s.%s.%s.rds.amazonaws.com", ident, s.hash, s.region))
	s.set("endpoint", fmt.Sprintf("%s.%s.%s.rds.amazonaws.com:5432", ident, s.hash, s.region))
	s.set("port", 5432)
	s.set("resourceId", "db-"+strings.ToUpper(s.hash))
	if _, managed := r.Inputs["manageMasterUserPassword"]; managed {
		s.set("masterUserSecrets", []any{map[string]any{
			"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!db-%s", s.region, s.account, s.hash),
			"secretStatus": "active",
			"kmsKeyId":     s.str("masterUserSecretKmsKeyId"),
		}})
	}
	return s.done()
}

// fabricateRDSCluster answers Aurora clusters, their instances and global clusters.
func fabricateRDSCluster(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	var ident, kind string
	switch r.Type {
	case "aws:rds/clusterInstance:ClusterInstance":
		ident, kind = s.str("identifier"), "db"
	case "aws:rds/globalCluster:GlobalCluster":
		ident, kind = s.str("globalClusterIdentifier"), "global-cluster"
	default:
		ident, kind = s.str("clusterIdentifier"), "cluster"
	}
	if ident == "" {
		ident = s.name
	}
	s.arn = fmt.Sprintf("arn:aws:rds:%s:%s:%s:%s", s.region, s.account, kind, ident)
	if r.Type == "aws:rds/globalCluster:GlobalCluster" {
		s.arn = fmt.Sprintf("arn:aws:rds::%s:global-cluster:%s", s.account, ident)
	}
	s.id = ident
	if r.Type == "aws:rds/cluster:Cluster" {
		s.set("clusterResourceId", "cluster-"+strings.ToUpper(s.hash)+strings.ToUpper(s.hash[:6]))
	}
	s.set("endpoint", fmt.Sprintf("%s.cluster-%s.%s.rds.amazonaws.com", ident, s.hash, s.region))
	s.set("readerEndpoint", fmt.Sprintf("%s.cluster-ro-%s.%s.rds.amazonaws.com", ident, s.hash, s.region))
	s.set("port", 5432)
	if _, managed := r.Inputs["manageMasterUserPassword"]; managed {
		s.set("masterUserSecrets", []any{map[string]any{
			"secretArn":    fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:rds!cluster-%s", s.region, s.account, s.hash),
			"secretStatus": "active",
		}})
	}
	return s.done()
}

func fabricateReplicationGroup(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	ident := s.str("replicationGroupId")
	if ident == "" {
		ident = s.name
	}
	s.arn = fmt.Sprintf("arn:aws:elasticache:%s:%s:replicationgroup:%s", s.region, s.account, ident)
	s.id = ident
	s.set("primaryEndpointAddress", fmt.Sprintf("master.%s.%s.%s.cache.amazonaws.com", ident, s.hash[:6], abbreviate(s.region)))
	s.set("readerEndpointAddress", fmt.Sprintf("replica.%s.%s.%s.cache.amazonaws.com", ident, s.hash[:6], abbreviate(s.region)))
	return s.done()
}

func fabricateGlobalReplicationGroup(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.id = "ldgnf-" + s.str("globalReplicationGroupIdSuffix")
	s.set("globalReplicationGroupId", s.id)
	s.arn = fmt.Sprintf("arn:aws:elasticache::%s:globalreplicationgroup:%s", s.account, s.id)
	return s.done()
}

func fabricateZone(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.id = "Z" + strings.ToUpper(s.hash) + "MOCK"
	s.set("zoneId", s.id)
	s.set("nameServers", []any{"ns-1.awsdns-01.org", "ns-2.awsdns-02.net"})
	s.arn = "arn:aws:route53:::hostedzone/" + s.id
	return s.done()
}

func fabricateHealthCheck(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.id = s.hash + "-" + digest(r.URN+"hc", 4) + "-hc"
	s.arn = "arn:aws:route53:::healthcheck/" + s.id
	return s.done()
}

// fabricateCertificate answers ACM certificates with one DNS validation record per name (domain and
// SANs); like ACM, the record depends on the name and the account only, so every region's
// certificate for a name asks for the same record.
func fabricateCertificate(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:acm:%s:%s:certificate/%s", s.region, s.account, s.hash)
	s.id = s.arn
	names := []string{s.str("domainName")}
	if v, ok := r.Input("subjectAlternativeNames"); ok && v.IsArray() {
		for _, n := range v.ArrayValue() {
			if n.IsString() {
				names = append(names, n.StringValue())
			}
		}
	}
	var options []any
	for _, domain := range names {
		t := digest(s.account+domain, 8)
		options = append(options, map[string]any{
			"domainName":          domain,
			"resourceRecordName":  "_" + t + "." + domain + ".",
			"resourceRecordType":  "CNAME",
			"resourceRecordValue": "_" + t + ".acm-validations.aws.",
		})
	}
	s.set("domainValidationOptions", options)
	return s.done()
}

func fabricateDistribution(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.id = "E" + strings.ToUpper(s.hash) + "MOCK"
	s.arn = fmt.Sprintf("arn:aws:cloudfront::%s:distribution/%s", s.account, s.id)
	s.set("domainName", "d"+s.hash+".cloudfront.net")
	s.set("hostedZoneId", "Z2FDTNDATAQYW2")
	return s.done()
}

func fabricateAccelerator(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:globalaccelerator::%s:accelerator/%s", s.account, s.hash)
	s.id = s.arn
	s.set("dnsName", "a"+s.hash+".awsglobalaccelerator.com")
	s.set("hostedZoneId", "Z2BJ6XQ5FK7U4H")
	s.set("ipSets", []any{map[string]any{"ipFamily": "IPv4", "ipAddresses": []any{"75.2.0.10", "99.83.0.10"}}})
	return s.done()
}

// fabricateAcceleratorChild answers Global Accelerator listeners and endpoint groups.
func fabricateAcceleratorChild(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:globalaccelerator::%s:accelerator/%s/%s", s.account, s.hash, s.kind)
	s.id = s.arn
	return s.done()
}

func fabricateSecret(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-%s", s.region, s.account, s.name, s.hash[:6])
	s.id = s.arn
	return s.done()
}

func fabricateWebACL(e *Engine, r *Resource) (string, resource.PropertyMap, error) {
	s := newShape(e, r)
	s.arn = fmt.Sprintf("arn:aws:wafv2:%s:%s:global/webacl/%s/%s", s.region, s.account, s.name, s.hash)
	s.id = s.hash
	return s.done()
}

// digest is a short, deterministic hex string of s.
func digest(s string, n int) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:n]
}

// abbreviate turns us-west-2 into usw2, as AWS zone IDs do.
func abbreviate(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	return parts[0] + parts[1][:1] + parts[2]
}
