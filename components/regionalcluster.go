package components

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecs"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/lb"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/wafv2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RegionalClusterType is the URN type token of RegionalCluster. It never changes.
const RegionalClusterType = "multiregion:index:RegionalCluster"

// DefaultTLSPolicy is the ALB HTTPS listener's security policy: TLS 1.3 with TLS 1.2 fallback.
const DefaultTLSPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06"

// DefaultXRayDaemonImage is the X-Ray daemon sidecar image (AWS's public ECR gallery).
const DefaultXRayDaemonImage = "public.ecr.aws/xray/aws-xray-daemon:3.3.14"

// Capacity is the task count of a region's service.
type Capacity struct {
	// Desired is the task count at creation; autoscaling owns it afterwards. Must lie in [Min, Max].
	Desired int
	// Min is the autoscaling floor; 0 is allowed (a pilot-light standby).
	Min int
	// Max is the autoscaling ceiling; at least 1 and at least Min.
	Max int
}

// RegionalClusterArgs configures one region's container platform.
type RegionalClusterArgs struct {
	// Region is the AWS region of the provider passed in opts, e.g. "us-west-2". Required.
	Region string
	// Role is RolePrimary or RoleStandby. Required.
	Role Role
	// CIDR is the VPC range: private IPv4, /16 to the size that leaves /23 subnets (a /20 for 3 AZs).
	// Required.
	CIDR netip.Prefix
	// AvailabilityZones names the AZs to use. Default: the first AZCount available AZs, from an invoke.
	AvailabilityZones []string
	// AZCount is how many AZs to span when AvailabilityZones is empty. Default 3; allowed 2-6.
	AZCount int
	// NATPerAZ puts a NAT gateway in every AZ. Default: true for the primary, false (one NAT) for a
	// standby.
	NATPerAZ *bool
	// InterfaceEndpoints adds interface VPC endpoints with private DNS for InterfaceEndpointServices in
	// every private subnet, so that image pulls, logs, STS and Secrets Manager calls leave the NAT
	// gateways (each endpoint is billed per AZ-hour: worth it above the NAT break-even, docs/cost.md).
	// Default false. The S3 gateway endpoint is always there (it is free).
	InterfaceEndpoints *bool
	// KMSKeyARN is the region's KMS key (see RegionKey), used for log groups and ECR. Required.
	KMSKeyARN pulumi.StringInput
	// LogRetentionDays is the retention of every log group. Default 365; a CloudWatch-allowed value.
	LogRetentionDays int
	// Service is the container service. Required.
	Service ServiceSpec
	// Capacity is the task count for this region's role and DR strategy. Required.
	Capacity Capacity
	// Autoscaling turns on target tracking (CPU and ALB requests per target). Default true.
	Autoscaling *bool
	// CPUTarget is the average CPU percentage autoscaling aims for. Default 60; allowed 10-90.
	CPUTarget float64
	// RequestsPerTarget is the ALB request count per task per minute autoscaling aims for. Default 1000.
	RequestsPerTarget int
	// SpotWeight is the FARGATE_SPOT weight next to FARGATE (weight 1, base 1 when Min > 0).
	// Default 0 (on-demand only); allowed 0-10.
	SpotWeight int
	// CertificateARN is the ACM certificate of the HTTPS listener; port 80 only redirects to HTTPS.
	// Required unless AllowPlainHTTP.
	CertificateARN pulumi.StringInput
	// AllowPlainHTTP, with no CertificateARN, makes the ALB forward plain HTTP on port 80 (a stack
	// without a domain). Default false: a cluster without a certificate is refused.
	AllowPlainHTTP *bool
	// WAF attaches a REGIONAL web ACL to the ALB (AWS managed IP reputation, common and known-bad-
	// inputs rules, a per-IP rate limit; the same rules as GlobalEdge's CloudFront web ACL), logging to
	// a KMS-encrypted aws-waf-logs- log group that LogGroups returns for central logging. Default true.
	WAF *bool
	// WAFRateLimit is the per-IP request limit per 5 minutes of the web ACL's rate rule; requests that
	// came through CloudFront are left to the distribution's own web ACL. Default DefaultWAFRateLimit;
	// allowed 100-20000000.
	WAFRateLimit int
	// TLSPolicy is the HTTPS listener's security policy. Default DefaultTLSPolicy.
	TLSPolicy string
	// DeletionProtection protects the ALB from deletion. Default true.
	DeletionProtection *bool
	// AccessLogDays is how long ALB access logs are kept. Default 365.
	AccessLogDays int
	// AccessLogBucket is the region's S3 access-log bucket (AccessLogSink.BucketName), which receives
	// the ALB log bucket's own server access logs. Required.
	AccessLogBucket pulumi.StringInput
	// ReplicateTo lists the regions the ECR registry of this region replicates to (the primary's
	// secondaries). Empty: no replication rule.
	ReplicateTo []string
	// PeerCIDRs are the VPC ranges of other regions, by region, that this region's tasks reach over
	// RegionLinks (their writer and caches): the task security group allows TCP out to each. The rule
	// of a region is named by that region, never by role. Default none.
	PeerCIDRs map[string]netip.Prefix
	// DataPorts are the TCP ports the tasks reach inside the VPC and in every PeerCIDRs range: the
	// database and cache ports (DatabaseSpec.Port, CacheSpec.Port). Nothing else is open to them there;
	// HTTPS (443) to AWS APIs goes out through NAT. Default [DefaultPostgresPort, DefaultCachePort];
	// each 1-65535, at most 5, no repeats.
	DataPorts []int
	// ImagesKept is how many images the ECR lifecycle policy keeps. Default 30.
	ImagesKept int
	// XRayDaemonImage is the X-Ray daemon sidecar image. Default DefaultXRayDaemonImage.
	XRayDaemonImage string
	// Protect sets Pulumi's protect option on the ECR repository. Default true.
	Protect *bool
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity); a stack sets it to read the account once, and so
	// that nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
}

// RegionalCluster is one region's VPC, ECS cluster, load balancer, service and registry.
type RegionalCluster struct {
	pulumi.ResourceState

	// Cluster is the ECS cluster.
	Cluster *ecs.Cluster
	// Service is the ECS service.
	Service *ecs.Service
	// LoadBalancer is the region's internet-facing ALB.
	LoadBalancer *lb.LoadBalancer
	// TargetGroup is the service's target group.
	TargetGroup *lb.TargetGroup
	// WebACL is the ALB's REGIONAL web ACL, nil without WAF.
	WebACL *wafv2.WebAcl

	// VPCID is the VPC's ID.
	VPCID pulumi.IDOutput `pulumi:"vpcId"`
	// PublicSubnetIDs are the public subnets (ALB, NAT), one per AZ.
	PublicSubnetIDs pulumi.StringArrayOutput `pulumi:"publicSubnetIds"`
	// PrivateSubnetIDs are the private subnets (tasks, data tier), one per AZ.
	PrivateSubnetIDs pulumi.StringArrayOutput `pulumi:"privateSubnetIds"`
	// AvailabilityZones are the AZs the cluster spans, in subnet order (pinned, or the first AZCount
	// available ones).
	AvailabilityZones []string
	// PrivateSubnetCIDRs are the private subnets' ranges, one per AZ, in AZ order: where this
	// region's tasks run, for other regions' data tiers to admit (DataTierArgs.PeerClientCIDRs).
	PrivateSubnetCIDRs []string
	// PrivateRouteTableIDs are the private subnets' route tables, one per AZ: RegionLink routes the
	// other regions' ranges through them.
	PrivateRouteTableIDs []pulumi.StringInput
	// ClusterARN is the ECS cluster's ARN.
	ClusterARN pulumi.StringOutput `pulumi:"clusterArn"`
	// ClusterName is the ECS cluster's name.
	ClusterName pulumi.StringOutput `pulumi:"clusterName"`
	// ServiceName is the ECS service's name.
	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	// ServiceARN is the ECS service's ARN (its ID).
	ServiceARN pulumi.IDOutput `pulumi:"serviceArn"`
	// ALBARN is the load balancer's ARN.
	ALBARN pulumi.StringOutput `pulumi:"albArn"`
	// ALBARNSuffix is the load balancer's ARN suffix, the CloudWatch dimension.
	ALBARNSuffix pulumi.StringOutput `pulumi:"albArnSuffix"`
	// ALBDNSName is the load balancer's DNS name.
	ALBDNSName pulumi.StringOutput `pulumi:"albDnsName"`
	// ALBZoneID is the load balancer's Route 53 hosted zone ID, for alias records.
	ALBZoneID pulumi.StringOutput `pulumi:"albZoneId"`
	// TargetGroupARNSuffix is the target group's ARN suffix, the CloudWatch dimension.
	TargetGroupARNSuffix pulumi.StringOutput `pulumi:"targetGroupArnSuffix"`
	// ALBSecurityGroupID admits the internet on 80/443.
	ALBSecurityGroupID pulumi.IDOutput `pulumi:"albSecurityGroupId"`
	// TaskSecurityGroupID admits the service's tasks; DataTier opens its ports to it.
	TaskSecurityGroupID pulumi.IDOutput `pulumi:"taskSecurityGroupId"`
	// RepositoryURL is this region's ECR repository URL (the task definition pulls from it).
	RepositoryURL pulumi.StringOutput `pulumi:"repositoryUrl"`
	// TaskRoleARN is the tasks' IAM role (application permissions, X-Ray).
	TaskRoleARN pulumi.StringOutput `pulumi:"taskRoleArn"`
	// TaskRoleName is the tasks' IAM role name, to attach policies to (e.g. DataTierArgs.TaskRoleName).
	TaskRoleName pulumi.StringOutput `pulumi:"taskRoleName"`
	// AppLogGroupName is the log group of the application and its X-Ray sidecar.
	AppLogGroupName pulumi.StringOutput `pulumi:"appLogGroupName"`
	// FlowLogGroupName is the log group of the VPC's flow logs.
	FlowLogGroupName pulumi.StringOutput `pulumi:"flowLogGroupName"`
	// WebACLARN is the ALB's web ACL ("" without WAF).
	WebACLARN pulumi.StringOutput `pulumi:"webAclArn"`
	// WAFLogGroupName is the web ACL's log group ("" without WAF).
	WAFLogGroupName pulumi.StringOutput `pulumi:"wafLogGroupName"`
}

// LogGroups returns every log group of the cluster by a stable label ("app", "vpc-flow-logs", "waf"):
// the form ObservedRegion.LogGroups takes, so that central logging ships each of them.
func (c *RegionalCluster) LogGroups() map[string]pulumi.StringInput {
	groups := map[string]pulumi.StringInput{"app": c.AppLogGroupName, "vpc-flow-logs": c.FlowLogGroupName}
	if c.WebACL != nil {
		groups["waf"] = c.WAFLogGroupName
	}
	return groups
}

var (
	serviceNamePattern = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	imageTagPattern    = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	repoNamePattern    = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	envNamePattern     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	healthPathPattern  = regexp.MustCompile(`^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$`)
)

// fargateMemory lists, per CPU unit count, the memory sizes (MiB) Fargate accepts.
func fargateMemory(cpu int) []int {
	span := func(from, to, step int) []int {
		var out []int
		for m := from; m <= to; m += step {
			out = append(out, m)
		}
		return out
	}
	switch cpu {
	case 256:
		return []int{512, 1024, 2048}
	case 512:
		return span(1024, 4096, 1024)
	case 1024:
		return span(2048, 8192, 1024)
	case 2048:
		return span(4096, 16384, 1024)
	case 4096:
		return span(8192, 30720, 1024)
	case 8192:
		return span(16384, 61440, 4096)
	case 16384:
		return span(32768, 122880, 8192)
	}
	return nil
}

// ValidFargateSize reports whether cpu units and memory MiB are a task size Fargate accepts.
func ValidFargateSize(cpu, memory int) bool { return slices.Contains(fargateMemory(cpu), memory) }

// FargateSizes describes the accepted task sizes, for error messages.
const FargateSizes = "cpu 256: memory 512|1024|2048; cpu 512: 1024-4096; cpu 1024: 2048-8192; " +
	"cpu 2048: 4096-16384 (steps of 1024); cpu 4096: 8192-30720 (1024); cpu 8192: 16384-61440 (4096); " +
	"cpu 16384: 32768-122880 (8192)"

// logRetentionValues are the retention periods CloudWatch Logs accepts.
var logRetentionValues = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// ValidLogRetention reports whether days is a retention CloudWatch Logs accepts.
func ValidLogRetention(days int) bool { return slices.Contains(logRetentionValues, days) }

// CheckRepositoryName reports why s cannot be an ECR repository name, or nil.
func CheckRepositoryName(s string) error {
	if len(s) < 2 || len(s) > 256 || !repoNamePattern.MatchString(s) {
		return fmt.Errorf("%q is not an ECR repository name (2-256 lowercase letters, digits, and . _ - / between them)", s)
	}
	return nil
}

// ParseImage splits an image reference "<ECR repository name>:<tag>" into ServiceSpec.RepositoryName
// and ServiceSpec.ImageTag. A full image URI (123456789012.dkr.ecr.us-west-2.amazonaws.com/web:1.4.2,
// any registry host) and a digest reference are rejected on purpose: every region pulls the image
// from its own region's ECR replica, so only the repository name and an immutable tag are given.
func ParseImage(s string) (repo, tag string, err error) {
	const want = "\"<ECR repository name>:<tag>\" (e.g. web:1.4.2); each region pulls it from its own ECR replica"
	if first, _, ok := strings.Cut(s, "/"); ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return "", "", fmt.Errorf("%q is a full image URI; give only %s", s, want)
	}
	if strings.Contains(s, "@") {
		return "", "", fmt.Errorf("%q is a digest reference; give %s", s, want)
	}
	repo, tag, ok := strings.Cut(s, ":")
	if !ok {
		return "", "", fmt.Errorf("%q is not %s", s, want)
	}
	if err := CheckRepositoryName(repo); err != nil {
		return "", "", err
	}
	if err := CheckImageTag(tag); err != nil {
		return "", "", err
	}
	return repo, tag, nil
}

// CheckImageTag reports why s cannot be an image tag, or nil.
func CheckImageTag(s string) error {
	if !imageTagPattern.MatchString(s) {
		return fmt.Errorf("%q is not an image tag (1-128 letters, digits, _ . -, not starting with . or -)", s)
	}
	return nil
}

// CheckVariables reports what is wrong with a service's plain environment and secrets: names must be
// environment variable names, a name comes from one place, and secrets are Secrets Manager or SSM
// parameter ARNs (never values).
func CheckVariables(env, secrets map[string]string) error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(env)) {
		if !envNamePattern.MatchString(k) {
			errs = append(errs, fmt.Errorf("environment: %q is not an environment variable name", k))
		}
		if _, dup := secrets[k]; dup {
			errs = append(errs, fmt.Errorf("environment: %q is also a secret; a variable comes from one place", k))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(secrets)) {
		if !envNamePattern.MatchString(k) {
			errs = append(errs, fmt.Errorf("secrets: %q is not an environment variable name", k))
		}
		if v := secrets[k]; !secretRefPattern.MatchString(v) {
			// Never echo the value: a mistaken entry is often the secret itself.
			errs = append(errs, fmt.Errorf("secrets[%s]: the value (%d characters, not shown) is not a Secrets Manager secret or SSM parameter ARN (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME or arn:aws:ssm:REGION:ACCOUNT:parameter/NAME)", k, len(v)))
		}
	}
	return errors.Join(errs...)
}

// CheckHealthPath reports why p cannot be an HTTP health check path, or nil.
func CheckHealthPath(p string) error {
	if len(p) > 1024 || !healthPathPattern.MatchString(p) {
		return fmt.Errorf("%q is not an absolute URL path (start with /, at most 1024 URL-safe characters)", p)
	}
	return nil
}

// WithDefaults returns a copy of a with every unset field at its default (the one place the
// defaults of RegionalClusterArgs and ServiceSpec live).
func (a *RegionalClusterArgs) WithDefaults() RegionalClusterArgs {
	c := *a
	orDefault(&c.AZCount, 3)
	if len(c.AvailabilityZones) > 0 {
		c.AZCount = len(c.AvailabilityZones)
	}
	if c.NATPerAZ == nil {
		c.NATPerAZ = Bool(c.Role == RolePrimary)
	}
	orDefault(&c.LogRetentionDays, 365)
	orDefault(&c.CPUTarget, 60)
	orDefault(&c.RequestsPerTarget, 1000)
	orDefault(&c.TLSPolicy, DefaultTLSPolicy)
	orDefault(&c.AccessLogDays, 365)
	orDefault(&c.ImagesKept, 30)
	orDefault(&c.XRayDaemonImage, DefaultXRayDaemonImage)
	orDefault(&c.WAFRateLimit, DefaultWAFRateLimit)
	if c.WAF == nil {
		c.WAF = Bool(true)
	}
	if c.AllowPlainHTTP == nil {
		c.AllowPlainHTTP = Bool(false)
	}
	if c.InterfaceEndpoints == nil {
		c.InterfaceEndpoints = Bool(false)
	}
	c.Service = c.Service.WithDefaults()
	c.AvailabilityZones = slices.Clone(c.AvailabilityZones)
	c.ReplicateTo = slices.Clone(c.ReplicateTo)
	c.PeerCIDRs = maps.Clone(c.PeerCIDRs)
	if len(c.DataPorts) == 0 {
		c.DataPorts = []int{DefaultPostgresPort, DefaultCachePort}
	}
	c.DataPorts = slices.Clone(c.DataPorts)
	sort.Strings(c.ReplicateTo)
	return c
}

// derivedNames are the names of the cluster's children that AWS limits, derived from the component
// name (the logical names of auto-named children, which get a random suffix).
func clusterDerivedNames(name string) []derivedName {
	return []derivedName{
		{"load balancer name", name + "-alb", ALBNameLimit - autoNameSuffix},
		{"target group name", name + "-tg", ALBNameLimit - autoNameSuffix},
		{"access log bucket name", name + "-alb-logs", BucketNameLimit - autoNameSuffix},
		{"flow log role name", name + "-flow-logs", IAMRoleNameLimit - autoNameSuffix},
		{"execution role name", name + "-execution", IAMRoleNameLimit - autoNameSuffix},
	}
}

// Validate checks a (after WithDefaults) for a component called name and returns every problem, on
// paths relative to a ("Service.Port", "AvailabilityZones[1]", "name"). NewRegionalCluster runs it
// before it registers anything; a stack that fills the Args from its configuration can run it first
// to report every problem in its own terms.
func (a *RegionalClusterArgs) Validate(name string) FieldErrors {
	var f FieldErrors
	f = append(f, AsFieldErrors(checkAccount("Account", a.Account))...)
	for _, err := range []error{checkRegion("Region", a.Region), checkRole("Role", a.Role), checkName(name, a.Region)} {
		f = append(f, AsFieldErrors(err)...)
	}
	checkDerivedNames(&f, name, clusterDerivedNames(name))
	azs, known := RegionAZCount(a.Region)
	switch {
	case a.AZCount < 2 || a.AZCount > 6:
		f.Add("AZCount", "%d is outside 2-6 (an ALB needs two AZs)", a.AZCount)
	case known && a.AZCount > azs:
		f.Add("AZCount", "%d AZs, but %s has %d", a.AZCount, a.Region, azs)
	}
	if err := CheckVPCCIDR(a.CIDR, a.AZCount); err != nil {
		f.Add("CIDR", "%v", err)
	}
	seen := map[string]int{}
	for i, az := range a.AvailabilityZones {
		p := fmt.Sprintf("AvailabilityZones[%d]", i)
		if len(az) != len(a.Region)+1 || !strings.HasPrefix(az, a.Region) || az[len(az)-1] < 'a' || az[len(az)-1] > 'z' {
			f.Add(p, "%q is not an AZ of %s (e.g. %sa)", az, a.Region, a.Region)
		} else if j, dup := seen[az]; dup {
			f.Add(p, "%q is already AvailabilityZones[%d]; each AZ appears once", az, j)
		}
		seen[az] = i
	}
	if a.KMSKeyARN == nil {
		f.Add("KMSKeyARN", "required (the region's RegionKey)")
	}
	if !ValidLogRetention(a.LogRetentionDays) {
		f.Add("LogRetentionDays", "%d is not a CloudWatch Logs retention (allowed %v)", a.LogRetentionDays, logRetentionValues)
	}
	for _, e := range a.Service.Validate() {
		f.Add("Service."+e.Path, "%s", e.Msg)
	}
	c := a.Capacity
	if c.Min < 0 || c.Max < 1 || c.Min > c.Max || c.Desired < c.Min || c.Desired > c.Max {
		f.Add("Capacity", "desired %d, min %d, max %d must satisfy 0 <= min <= desired <= max and max >= 1", c.Desired, c.Min, c.Max)
	}
	if a.CPUTarget < 10 || a.CPUTarget > 90 {
		f.Add("CPUTarget", "%v is outside 10-90", a.CPUTarget)
	}
	if a.RequestsPerTarget < 1 {
		f.Add("RequestsPerTarget", "%d must be positive", a.RequestsPerTarget)
	}
	if a.SpotWeight < 0 || a.SpotWeight > 10 {
		f.Add("SpotWeight", "%d is outside 0-10", a.SpotWeight)
	}
	switch {
	case a.CertificateARN == nil && !On(a.AllowPlainHTTP):
		f.Add("CertificateARN", "required unless AllowPlainHTTP is true (without a certificate the ALB serves plain HTTP)")
	case a.CertificateARN != nil && On(a.AllowPlainHTTP):
		f.Add("AllowPlainHTTP", "true has no effect with a CertificateARN (port 80 only redirects to HTTPS); remove it")
	}
	if err := CheckWAFRateLimit(a.WAFRateLimit); err != nil {
		f.Add("WAFRateLimit", "%v", err)
	}
	if a.AccessLogBucket == nil {
		f.Add("AccessLogBucket", "required (the region's AccessLogSink bucket: every bucket logs its access there)")
	}
	if a.AccessLogDays < 1 {
		f.Add("AccessLogDays", "%d must be positive", a.AccessLogDays)
	}
	if a.ImagesKept < 1 || a.ImagesKept > 1000 {
		f.Add("ImagesKept", "%d is outside 1-1000", a.ImagesKept)
	}
	for _, r := range slices.Sorted(maps.Keys(a.PeerCIDRs)) {
		p, cidr := "PeerCIDRs["+r+"]", a.PeerCIDRs[r]
		switch {
		case checkRegion(p, r) != nil:
			f = append(f, AsFieldErrors(checkRegion(p, r))...)
		case r == a.Region:
			f.Add(p, "%q is this cluster's own region", r)
		case !cidr.IsValid() || !cidr.Addr().Is4():
			f.Add(p, "%v is not an IPv4 CIDR", cidr)
		case a.CIDR.IsValid() && cidr.Overlaps(a.CIDR):
			f.Add(p, "%v overlaps this cluster's CIDR %v; peered VPCs must not overlap", cidr, a.CIDR)
		}
	}
	if len(a.DataPorts) > 5 {
		f.Add("DataPorts", "%d ports; at most 5 (the database and the cache)", len(a.DataPorts))
	}
	for i, p := range a.DataPorts {
		if p < 1 || p > 65535 {
			f.Add(fmt.Sprintf("DataPorts[%d]", i), "%d is outside 1-65535", p)
		} else if j := slices.Index(a.DataPorts, p); j < i {
			f.Add(fmt.Sprintf("DataPorts[%d]", i), "%d is already DataPorts[%d]", p, j)
		}
	}
	for i, r := range a.ReplicateTo {
		p := fmt.Sprintf("ReplicateTo[%d]", i)
		f = append(f, AsFieldErrors(checkRegion(p, r))...)
		if r == a.Region {
			f.Add(p, "%q is this cluster's own region", r)
		}
		if i > 0 && a.ReplicateTo[i-1] == r {
			f.Add("ReplicateTo", "%q is listed twice", r)
		}
	}
	return f
}

var secretRefPattern = regexp.MustCompile(`^arn:aws[a-z-]*:(secretsmanager|ssm):[a-z0-9-]+:\d{12}:(secret:|parameter/).+`)

// NewRegionalCluster creates the container platform of one region on the provider passed in opts:
// the network, the registry, the ECS cluster and service, the ALB and autoscaling.
func NewRegionalCluster(ctx *pulumi.Context, name string, args *RegionalClusterArgs, opts ...pulumi.ResourceOption) (*RegionalCluster, error) {
	if args == nil {
		return nil, fmt.Errorf("regional cluster %q: args are required", name)
	}
	a := args.WithDefaults()
	if err := a.Validate(name).Err(); err != nil {
		return nil, fmt.Errorf("regional cluster %q: %w", name, err)
	}
	if err := checkProvider(ctx, a.Region, opts); err != nil {
		return nil, fmt.Errorf("regional cluster %q: %w", name, err)
	}
	c := &RegionalCluster{}
	if err := ctx.RegisterComponentResource(RegionalClusterType, name, c, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	b := &clusterBuilder{ctx: ctx, name: name, a: a, c: c, parent: pulumi.Parent(c)}
	arns, err := accountOf(ctx, a.Account, b.parent)
	if err != nil {
		return nil, fmt.Errorf("regional cluster %q: %w", name, err)
	}
	b.account = arns.AccountID
	steps := []struct {
		what string
		run  func() error
	}{
		{"network", b.network},
		{"flow logs", b.flowLogs},
		{"security groups", b.securityGroups},
		{"VPC endpoints", b.endpoints},
		{"registry", b.registry},
		{"logging", b.logging},
		{"load balancer", b.loadBalancer},
		{"service", b.service},
		{"autoscaling", b.autoscaling},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return nil, fmt.Errorf("regional cluster %q: %s: %w", name, s.what, err)
		}
	}
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"vpcId":                c.VPCID,
		"publicSubnetIds":      c.PublicSubnetIDs,
		"privateSubnetIds":     c.PrivateSubnetIDs,
		"clusterArn":           c.ClusterARN,
		"clusterName":          c.ClusterName,
		"serviceName":          c.ServiceName,
		"serviceArn":           c.ServiceARN,
		"albArn":               c.ALBARN,
		"albArnSuffix":         c.ALBARNSuffix,
		"albDnsName":           c.ALBDNSName,
		"albZoneId":            c.ALBZoneID,
		"targetGroupArnSuffix": c.TargetGroupARNSuffix,
		"albSecurityGroupId":   c.ALBSecurityGroupID,
		"taskSecurityGroupId":  c.TaskSecurityGroupID,
		"repositoryUrl":        c.RepositoryURL,
		"taskRoleArn":          c.TaskRoleARN,
		"taskRoleName":         c.TaskRoleName,
		"appLogGroupName":      c.AppLogGroupName,
		"flowLogGroupName":     c.FlowLogGroupName,
		"webAclArn":            c.WebACLARN,
		"wafLogGroupName":      c.WAFLogGroupName,
	})
}
