package components_test

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testRegion = "us-east-1"

func clusterArgs() *components.RegionalClusterArgs {
	return &components.RegionalClusterArgs{
		Region:    testRegion,
		Role:      components.RolePrimary,
		CIDR:      netip.MustParsePrefix("10.20.0.0/16"),
		KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/abc"),
		Service: components.ServiceSpec{
			Name: "web", RepositoryName: "web", ImageTag: "1.0.0", Port: 8080, CPU: 512, Memory: 1024,
		},
		Capacity:        components.Capacity{Desired: 2, Min: 2, Max: 6},
		CertificateARN:  pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/abc"),
		AccessLogBucket: pulumi.String("web-us-east-1-access-logs"),
	}
}

// runCluster creates one RegionalCluster on a us-east-1 provider under a fresh mock engine.
func runCluster(t *testing.T, args *components.RegionalClusterArgs) (*mockcloud.Engine, *components.RegionalCluster, error) {
	t.Helper()
	e := mockcloud.New()
	var c *components.RegionalCluster
	err := e.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+testRegion, &aws.ProviderArgs{Region: pulumi.String(testRegion)})
		if err != nil {
			return err
		}
		c, err = components.NewRegionalCluster(ctx, "web-"+testRegion, args, pulumi.Provider(p))
		return err
	}, nil)
	return e, c, err
}

func TestRegionalClusterRejectsBadArgs(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(a *components.RegionalClusterArgs)
		want   string
	}{
		{"bad region", func(a *components.RegionalClusterArgs) { a.Region = "us-east" }, `Region: "us-east"`},
		{"bad role", func(a *components.RegionalClusterArgs) { a.Role = "leader" }, `Role: "leader"`},
		{"CIDR too small", func(a *components.RegionalClusterArgs) { a.CIDR = netip.MustParsePrefix("10.20.0.0/22") }, "CIDR: 10.20.0.0/22 is too small"},
		{"public CIDR", func(a *components.RegionalClusterArgs) { a.CIDR = netip.MustParsePrefix("8.8.0.0/16") }, "RFC 1918"},
		{"one AZ", func(a *components.RegionalClusterArgs) { a.AvailabilityZones = []string{"us-east-1a"} }, "AZCount: 1 is outside 2-6"},
		{"foreign AZ", func(a *components.RegionalClusterArgs) {
			a.AvailabilityZones = []string{"us-east-1a", "eu-west-1b"}
		}, `AvailabilityZones[1]: "eu-west-1b"`},
		{"no key", func(a *components.RegionalClusterArgs) { a.KMSKeyARN = nil }, "KMSKeyARN: required"},
		{"bad retention", func(a *components.RegionalClusterArgs) { a.LogRetentionDays = 42 }, "LogRetentionDays: 42"},
		{"bad Fargate size", func(a *components.RegionalClusterArgs) { a.Service.Memory = 3000 }, "Service.CPU/Memory: 512/3000"},
		{"bad port", func(a *components.RegionalClusterArgs) { a.Service.Port = 0 }, "Service.Port: 0 is outside 1-65535"},
		{"port too high", func(a *components.RegionalClusterArgs) { a.Service.Port = 70000 }, "Service.Port: 70000 is outside 1-65535"},
		{"unknown cpu", func(a *components.RegionalClusterArgs) { a.Service.CPU = 300 }, "Service.CPU/Memory: 300/1024 is not a Fargate task size"},
		{"CIDR with host bits", func(a *components.RegionalClusterArgs) { a.CIDR = netip.MustParsePrefix("10.20.1.0/16") }, "host bits"},
		{"root user", func(a *components.RegionalClusterArgs) { a.Service.User = "0:0" }, "runs as root"},
		{"secret value", func(a *components.RegionalClusterArgs) { a.Service.Secrets = map[string]string{"TOKEN": "abc"} }, "not a Secrets Manager secret"},
		{"plain HTTP with a certificate", func(a *components.RegionalClusterArgs) { a.AllowPlainHTTP = components.Bool(true) }, "AllowPlainHTTP: true has no effect"},
		{"WAF rate limit", func(a *components.RegionalClusterArgs) { a.WAFRateLimit = 50 }, "WAFRateLimit: 50 is outside 100-20000000"},
		{"inverted capacity", func(a *components.RegionalClusterArgs) { a.Capacity = components.Capacity{Desired: 1, Min: 3, Max: 2} }, "Capacity: desired 1, min 3, max 2"},
		{"replicate to self", func(a *components.RegionalClusterArgs) { a.ReplicateTo = []string{testRegion} }, "this cluster's own region"},
		{"bad health path", func(a *components.RegionalClusterArgs) { a.Service.HealthPath = "health" }, `Service.HealthPath: "health"`},
		{"health path with space", func(a *components.RegionalClusterArgs) { a.Service.HealthPath = "/he alth" }, `Service.HealthPath: "/he alth"`},
		{"bad tag", func(a *components.RegionalClusterArgs) { a.Service.ImageTag = ".x" }, "Service.ImageTag"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := clusterArgs()
			tc.mutate(a)
			e, _, err := runCluster(t, a)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			for _, r := range e.Resources() {
				assert.Equal(t, mockcloud.AWSProviderType, r.Type, "bad args registered %s %s", r.Type, r.Name)
			}
		})
	}
}

func TestRegionalClusterNameMustCarryRegion(t *testing.T) {
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		_, err := components.NewRegionalCluster(ctx, "primary-cluster", clusterArgs())
		return err
	}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"primary-cluster" must contain the region "us-east-1"`)
	assert.Empty(t, e.Resources())
}

func TestRegionalClusterOutputs(t *testing.T) {
	_, c, err := runCluster(t, clusterArgs())
	require.NoError(t, err)
	assert.Contains(t, mockcloud.Await[string](t, c.ALBDNSName), ".us-east-1.elb.amazonaws.com")
	assert.Equal(t, "Z35SXDOTRQ7X7K", mockcloud.Await[string](t, c.ALBZoneID))
	assert.Equal(t, "123456789012.dkr.ecr.us-east-1.amazonaws.com/web", mockcloud.Await[string](t, c.RepositoryURL))
	assert.Len(t, mockcloud.Await[[]string](t, c.PrivateSubnetIDs), 3)
	assert.Equal(t, "/multiregion/web-us-east-1/web", mockcloud.Await[string](t, c.AppLogGroupName))
	assert.Equal(t, "/multiregion/web-us-east-1/vpc-flow-logs", mockcloud.Await[string](t, c.FlowLogGroupName))
	assert.Equal(t, []string{"app", "vpc-flow-logs", "waf"}, slices.Sorted(maps.Keys(c.LogGroups())))
	assert.Contains(t, string(mockcloud.Await[pulumi.ID](t, c.TaskSecurityGroupID)), "web-us-east-1-tasks")
}

func TestRegionalClusterChildrenParentedAndOnProvider(t *testing.T) {
	e, _, err := runCluster(t, clusterArgs())
	require.NoError(t, err)
	comp := e.Component(components.RegionalClusterType, "web-"+testRegion)
	require.NotNil(t, comp)
	children := e.ChildrenOf(comp)
	custom := 0
	for _, r := range e.Resources() {
		if r.Type == mockcloud.AWSProviderType || r == comp {
			continue
		}
		assert.Equal(t, comp.URN, r.Parent, "%s %s is not a direct child of the cluster", r.Type, r.Name)
		assert.Equal(t, testRegion, r.Region, "%s %s", r.Type, r.Name)
		assert.True(t, strings.HasPrefix(r.Name, "web-"+testRegion+"-"), "child name %s", r.Name)
		custom++
	}
	assert.Len(t, children, custom)
	assert.Greater(t, custom, 50)
}

func TestRegionalClusterSubnetPlan(t *testing.T) {
	e, _, err := runCluster(t, clusterArgs())
	require.NoError(t, err)
	var cidrs []string
	for _, s := range e.ByType("aws:ec2/subnet:Subnet") {
		cidrs = append(cidrs, s.Str("availabilityZone")+" "+s.Str("cidrBlock")+" "+s.Str("tags.tier"))
	}
	assert.ElementsMatch(t, []string{
		"us-east-1a 10.20.0.0/19 public", "us-east-1b 10.20.32.0/19 public", "us-east-1c 10.20.64.0/19 public",
		"us-east-1a 10.20.96.0/19 private", "us-east-1b 10.20.128.0/19 private", "us-east-1c 10.20.160.0/19 private",
	}, cidrs)
	// Every private route table leaves through a NAT gateway; the primary has one per AZ.
	assert.Len(t, e.ByType("aws:ec2/natGateway:NatGateway"), 3)
	for _, rt := range e.ByType("aws:ec2/routeTable:RouteTable") {
		if strings.Contains(rt.Name, "-private-") {
			// Private tables carry no inline route: RegionLink adds Route resources to them.
			assert.False(t, rt.Has("routes"), rt.Name)
			def := e.Find("aws:ec2/route:Route", rt.Name+"-default")
			if assert.NotNil(t, def, rt.Name) {
				assert.Equal(t, rt.ID, def.Str("routeTableId"))
				assert.Equal(t, "0.0.0.0/0", def.Str("destinationCidrBlock"))
				assert.NotEmpty(t, def.Str("natGatewayId"), rt.Name)
			}
		} else {
			assert.NotEmpty(t, rt.Str("routes[0].gatewayId"), rt.Name)
		}
	}
}

func TestRegionalClusterStandbyUsesOneNAT(t *testing.T) {
	a := clusterArgs()
	a.Role = components.RoleStandby
	e, _, err := runCluster(t, a)
	require.NoError(t, err)
	nats := e.ByType("aws:ec2/natGateway:NatGateway")
	require.Len(t, nats, 1)
	for _, r := range e.ByType("aws:ec2/route:Route") {
		assert.Equal(t, nats[0].ID, r.Str("natGatewayId"), r.Name)
	}
}

func TestRegionalClusterHTTPSWithCertificate(t *testing.T) {
	a := clusterArgs()
	a.CertificateARN = pulumi.String("arn:aws:acm:us-east-1:123456789012:certificate/abc")
	e, _, err := runCluster(t, a)
	require.NoError(t, err)
	listeners := map[string]*mockcloud.Resource{}
	for _, l := range e.ByType("aws:lb/listener:Listener") {
		listeners[l.Str("protocol")] = l
	}
	require.Len(t, listeners, 2)
	https := listeners["HTTPS"]
	assert.Equal(t, components.DefaultTLSPolicy, https.Str("sslPolicy"))
	assert.Equal(t, "arn:aws:acm:us-east-1:123456789012:certificate/abc", https.Str("certificateArn"))
	assert.Equal(t, "forward", https.Str("defaultActions[0].type"))
	http := listeners["HTTP"]
	assert.Equal(t, 1, http.Len("defaultActions"))
	assert.Equal(t, "redirect", http.Str("defaultActions[0].type"))
	assert.Equal(t, "HTTPS", http.Str("defaultActions[0].redirect.protocol"))
	assert.Equal(t, "443", http.Str("defaultActions[0].redirect.port"))
	assert.Equal(t, "HTTP_301", http.Str("defaultActions[0].redirect.statusCode"))
}

// TestRegionalClusterHTTPOnlyWithoutCertificate holds docs/controls.md row 64: plain HTTP only when
// the caller opts in.
func TestRegionalClusterHTTPOnlyWithoutCertificate(t *testing.T) {
	a := clusterArgs()
	a.CertificateARN = nil
	_, _, err := runCluster(t, a)
	require.ErrorContains(t, err, "CertificateARN: required unless AllowPlainHTTP")
	a.AllowPlainHTTP = components.Bool(true)
	e, _, err := runCluster(t, a)
	require.NoError(t, err)
	ls := e.ByType("aws:lb/listener:Listener")
	require.Len(t, ls, 1)
	assert.Equal(t, "HTTP", ls[0].Str("protocol"))
	assert.Equal(t, "forward", ls[0].Str("defaultActions[0].type"))
}

func TestRegionalClusterAutoscaling(t *testing.T) {
	a := clusterArgs()
	a.Capacity = components.Capacity{Desired: 0, Min: 0, Max: 8}
	e, _, err := runCluster(t, a)
	require.NoError(t, err)
	targets := e.ByType("aws:appautoscaling/target:Target")
	require.Len(t, targets, 1)
	minCap, _ := targets[0].Num("minCapacity")
	maxCap, _ := targets[0].Num("maxCapacity")
	assert.Equal(t, [2]float64{0, 8}, [2]float64{minCap, maxCap})
	metrics := map[string]string{}
	for _, p := range e.ByType("aws:appautoscaling/policy:Policy") {
		metrics[p.Str("targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.predefinedMetricType")] =
			p.Str("targetTrackingScalingPolicyConfiguration.predefinedMetricSpecification.resourceLabel")
	}
	assert.Contains(t, metrics, "ECSServiceAverageCPUUtilization")
	assert.Regexp(t, `^app/.+/targetgroup/.+`, metrics["ALBRequestCountPerTarget"])
	svc := e.ByType("aws:ecs/service:Service")[0]
	assert.Contains(t, svc.IgnoreChanges, "desiredCount", "autoscaling owns the running count")
	desired, _ := svc.Num("desiredCount")
	assert.Zero(t, desired)
}

func TestRegionalClusterOptOuts(t *testing.T) {
	a := clusterArgs()
	a.Autoscaling = components.Bool(false)
	a.DeletionProtection = components.Bool(false)
	a.Protect = components.Bool(false)
	e, _, err := runCluster(t, a)
	require.NoError(t, err)
	assert.Empty(t, e.ByType("aws:appautoscaling/target:Target"))
	assert.Empty(t, e.ByType("aws:ecs/service:Service")[0].IgnoreChanges)
	del, _ := e.ByType("aws:lb/loadBalancer:LoadBalancer")[0].Bool("enableDeletionProtection")
	assert.False(t, del)
	assert.False(t, e.ByType("aws:ecr/repository:Repository")[0].Protect)
}

func TestRegionalClusterReplication(t *testing.T) {
	a := clusterArgs()
	a.ReplicateTo = []string{"eu-west-1", "us-west-2"}
	e, _, err := runCluster(t, a)
	require.NoError(t, err)
	rc := e.ByType("aws:ecr/replicationConfiguration:ReplicationConfiguration")
	require.Len(t, rc, 1)
	assert.Equal(t, "eu-west-1", rc[0].Str("replicationConfiguration.rules[0].destinations[0].region"))
	assert.Equal(t, "us-west-2", rc[0].Str("replicationConfiguration.rules[0].destinations[1].region"))
	assert.Equal(t, "PREFIX_MATCH", rc[0].Str("replicationConfiguration.rules[0].repositoryFilters[0].filterType"))

	// A standby (no ReplicateTo) only holds the pre-created destination repository.
	standby, _, err := runCluster(t, clusterArgs())
	require.NoError(t, err)
	assert.Empty(t, standby.ByType("aws:ecr/replicationConfiguration:ReplicationConfiguration"))
	assert.Len(t, standby.ByType("aws:ecr/repository:Repository"), 1)
}

func TestRegionalClusterTaskSecretsAndImage(t *testing.T) {
	a := clusterArgs()
	secret := "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-abc"
	a.Service.Secrets = map[string]string{"DB_URL": secret}
	a.Service.Environment = map[string]string{"LOG_LEVEL": "info"}
	e, _, err := runCluster(t, a)
	require.NoError(t, err)
	td := e.ByType("aws:ecs/taskDefinition:TaskDefinition")[0]
	defs := td.Str("containerDefinitions")
	assert.Contains(t, defs, `"secrets":[{"name":"DB_URL","valueFrom":"`+secret+`"}]`)
	assert.Contains(t, defs, `"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.0.0"`, "pulls from its own region's registry")
	assert.NotContains(t, defs, `"name":"DB_URL","value"`)
	var execPolicy string
	for _, p := range e.ByType("aws:iam/rolePolicy:RolePolicy") {
		if strings.HasSuffix(p.Name, "-execution") {
			execPolicy = p.Str("policy")
		}
	}
	assert.Contains(t, execPolicy, secret, "the execution role may read exactly the listed secrets")
	assert.Contains(t, execPolicy, "arn:aws:ecr:us-east-1:123456789012:repository/web")
}

func TestCheckVPCCIDR(t *testing.T) {
	for _, tc := range []struct {
		cidr string
		azs  int
		ok   bool
	}{
		{"10.0.0.0/16", 3, true},
		{"10.0.0.0/20", 3, true},
		{"10.0.0.0/21", 3, false},
		{"10.0.0.0/21", 2, true},
		{"10.0.0.0/15", 3, false},
		{"172.16.0.0/16", 6, true},
		{"100.64.0.0/16", 3, false},
		{"10.0.0.1/16", 3, false},
	} {
		err := components.CheckVPCCIDR(netip.MustParsePrefix(tc.cidr), tc.azs)
		assert.Equal(t, tc.ok, err == nil, "%s with %d AZs: %v", tc.cidr, tc.azs, err)
	}
}

// TestMockSecretsStaySecret guards the mock engine itself: secret inputs are seen as secrets.
func TestMockSecretsStaySecret(t *testing.T) {
	r := &mockcloud.Resource{Inputs: resource.PropertyMap{
		"authToken": resource.MakeSecret(resource.NewProperty("s3cr3t")),
		"nested":    resource.NewProperty(resource.PropertyMap{"p": resource.MakeSecret(resource.NewProperty("x"))}),
	}}
	assert.True(t, r.IsSecret("authToken"))
	assert.True(t, r.IsSecret("nested.p"))
	assert.Equal(t, "s3cr3t", r.Str("authToken"))
	assert.False(t, r.IsSecret("missing"))
}

// TestRegionalClusterStopTimeout: ServiceSpec.StopTimeoutSeconds reaches the application container's
// stopTimeout (default 30), and values outside 2-120 register nothing.
func TestRegionalClusterStopTimeout(t *testing.T) {
	for _, tc := range []struct{ set, want int }{{0, 30}, {2, 2}, {120, 120}} {
		a := clusterArgs()
		a.Service.StopTimeoutSeconds = tc.set
		e, _, err := runCluster(t, a)
		require.NoError(t, err)
		defs := e.ByType("aws:ecs/taskDefinition:TaskDefinition")[0].Str("containerDefinitions")
		assert.Contains(t, defs, `"logConfiguration"`)
		assert.Contains(t, defs, fmt.Sprintf(`"stopTimeout":%d`, tc.want))
	}
	for _, bad := range []int{1, 121, -5} {
		a := clusterArgs()
		a.Service.StopTimeoutSeconds = bad
		e, _, err := runCluster(t, a)
		require.ErrorContains(t, err, fmt.Sprintf("Service.StopTimeoutSeconds: %d is outside 2-120", bad))
		assert.Empty(t, e.ByType("aws:ecs/taskDefinition:TaskDefinition"))
	}
}

// TestRegionalClusterHealthCheckGracePeriod: ServiceSpec.HealthCheckGracePeriodSeconds reaches the
// ECS service (default 60), and values outside 1-7200 register nothing.
func TestRegionalClusterHealthCheckGracePeriod(t *testing.T) {
	for _, tc := range []struct{ set, want int }{{0, 60}, {1, 1}, {7200, 7200}} {
		a := clusterArgs()
		a.Service.HealthCheckGracePeriodSeconds = tc.set
		e, _, err := runCluster(t, a)
		require.NoError(t, err)
		assert.Equal(t, float64(tc.want), e.ByType("aws:ecs/service:Service")[0].Inputs["healthCheckGracePeriodSeconds"].NumberValue())
	}
	for _, bad := range []int{7201, -5} {
		a := clusterArgs()
		a.Service.HealthCheckGracePeriodSeconds = bad
		e, _, err := runCluster(t, a)
		require.ErrorContains(t, err, fmt.Sprintf("Service.HealthCheckGracePeriodSeconds: %d is outside 1-7200", bad))
		assert.Empty(t, e.ByType("aws:ecs/service:Service"))
	}
}

// TestRegionalClusterContract covers the rules added to the input contract: duplicate pinned AZs,
// more AZs than the region has, names that would break a derived AWS name, and full image URIs.
func TestRegionalClusterContract(t *testing.T) {
	cases := []struct {
		name   string
		cname  string
		mutate func(a *components.RegionalClusterArgs)
		want   string
	}{
		{"duplicate AZ", "web-us-east-1", func(a *components.RegionalClusterArgs) {
			a.AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1a"}
		}, `AvailabilityZones[2]: "us-east-1a" is already AvailabilityZones[0]`},
		{"more AZs than the region", "web-eu-west-1", func(a *components.RegionalClusterArgs) {
			a.Region, a.AZCount = "eu-west-1", 6
		}, "AZCount: 6 AZs, but eu-west-1 has 3"},
		{"ALB name", "orders-api-v2-us-east-1", func(*components.RegionalClusterArgs) {}, "load balancer name derived from it"},
		{"GovCloud", "web-us-gov-west-1", func(a *components.RegionalClusterArgs) { a.Region = "us-gov-west-1" }, "aws-us-gov partition"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := clusterArgs()
			c.mutate(a)
			e := mockcloud.New()
			err := e.Run(func(ctx *pulumi.Context) error {
				_, err := components.NewRegionalCluster(ctx, c.cname, a)
				return err
			}, nil)
			require.ErrorContains(t, err, c.want)
			assert.Empty(t, e.Resources())
		})
	}
	for _, img := range []string{"123456789012.dkr.ecr.us-west-2.amazonaws.com/web:1.4.2", "localhost/web:1", "web@sha256:abc"} {
		_, _, err := components.ParseImage(img)
		assert.Error(t, err, img)
	}
	repo, tag, err := components.ParseImage("team/web:1.4.2")
	require.NoError(t, err)
	assert.Equal(t, [2]string{"team/web", "1.4.2"}, [2]string{repo, tag})
}

// TestRegionalClusterSecretErrorHidesValue: a service.secrets entry that is not an ARN is often the
// secret itself; the error names the entry, never its value.
func TestRegionalClusterSecretErrorHidesValue(t *testing.T) {
	a := clusterArgs()
	a.Service.Secrets = map[string]string{"DB_PASSWORD": "hunter2-Sup3rSecret"}
	_, _, err := runCluster(t, a)
	require.ErrorContains(t, err, "secrets[DB_PASSWORD]")
	assert.NotContains(t, err.Error(), "hunter2")
	assert.NotContains(t, err.Error(), "Sup3rSecret")
}

// TestRegionalClusterWebACL holds docs/controls.md row 60 for one cluster: a REGIONAL web ACL with the
// managed groups and the rate rule (which leaves CloudFront's requests to the distribution's ACL) is
// attached to the ALB, logs to a KMS-encrypted aws-waf-logs- group in LogGroups, and WAF false removes it.
func TestRegionalClusterWebACL(t *testing.T) {
	e, c, err := runCluster(t, clusterArgs())
	require.NoError(t, err)
	acls := e.ByType("aws:wafv2/webAcl:WebAcl")
	require.Len(t, acls, 1)
	acl := acls[0]
	assert.Equal(t, "REGIONAL", acl.Str("scope"))
	assert.Equal(t, testRegion, acl.Region)
	var managed []string
	for i := range 4 {
		if g := acl.Str(fmt.Sprintf("rules[%d].statement.managedRuleGroupStatement.name", i)); g != "" {
			managed = append(managed, g)
		}
	}
	assert.ElementsMatch(t, []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet"}, managed)
	assert.Equal(t, "IP", acl.Str("rules[3].statement.rateBasedStatement.aggregateKeyType"))
	assert.Equal(t, "x-amz-cf-id", acl.Str("rules[3].statement.rateBasedStatement.scopeDownStatement.notStatement.statements[0].sizeConstraintStatement.fieldToMatch.singleHeader.name"))
	assoc := e.ByType("aws:wafv2/webAclAssociation:WebAclAssociation")
	require.Len(t, assoc, 1)
	assert.True(t, assoc[0].DeleteBeforeReplace, "an ALB takes one web ACL")
	alb := e.ByType("aws:lb/loadBalancer:LoadBalancer")[0]
	assert.Contains(t, assoc[0].Dependencies, alb.URN, "the association is the ALB's")
	logging := e.ByType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
	require.Len(t, logging, 1)
	var wafLogs *mockcloud.Resource
	for _, g := range e.ByType("aws:cloudwatch/logGroup:LogGroup") {
		if strings.HasPrefix(g.Str("name"), "aws-waf-logs-") {
			wafLogs = g
		}
	}
	require.NotNil(t, wafLogs, "a WAF log group")
	assert.NotEmpty(t, wafLogs.Str("kmsKeyId"))
	assert.Contains(t, c.LogGroups(), "waf", "central logging ships the WAF logs")

	a := clusterArgs()
	a.WAF = components.Bool(false)
	e, c, err = runCluster(t, a)
	require.NoError(t, err)
	assert.Empty(t, e.ByType("aws:wafv2/webAcl:WebAcl"))
	assert.NotContains(t, c.LogGroups(), "waf")
}

func TestRegionalClusterVPCEndpoints(t *testing.T) {
	private := func(e *mockcloud.Engine) []string {
		var ids []string
		for _, rt := range e.ByType("aws:ec2/routeTable:RouteTable") {
			if strings.Contains(rt.Name, "-private-") {
				ids = append(ids, rt.ID)
			}
		}
		slices.Sort(ids)
		return ids
	}
	t.Run("S3 gateway always, no interface endpoints by default", func(t *testing.T) {
		e, _, err := runCluster(t, clusterArgs())
		require.NoError(t, err)
		eps := e.ByType("aws:ec2/vpcEndpoint:VpcEndpoint")
		require.Len(t, eps, 1)
		s3 := eps[0]
		assert.Equal(t, "com.amazonaws.us-east-1.s3", s3.Str("serviceName"))
		assert.Equal(t, "Gateway", s3.Str("vpcEndpointType"))
		var tables []string
		for i := range s3.Len("routeTableIds") {
			tables = append(tables, s3.Str(fmt.Sprintf("routeTableIds[%d]", i)))
		}
		slices.Sort(tables)
		assert.Equal(t, private(e), tables, "every private route table, and only those")
		assert.Len(t, tables, 3)
	})
	t.Run("interface endpoints on request", func(t *testing.T) {
		a := clusterArgs()
		a.InterfaceEndpoints = components.Bool(true)
		e, c, err := runCluster(t, a)
		require.NoError(t, err)
		var sg string
		for _, g := range e.ByType("aws:ec2/securityGroup:SecurityGroup") {
			if strings.HasSuffix(g.Name, "-endpoints") {
				sg = g.ID
			}
		}
		require.NotEmpty(t, sg, "the endpoints' security group")
		var services []string
		for _, ep := range e.ByType("aws:ec2/vpcEndpoint:VpcEndpoint") {
			if ep.Str("vpcEndpointType") != "Interface" {
				continue
			}
			services = append(services, strings.TrimPrefix(ep.Str("serviceName"), "com.amazonaws.us-east-1."))
			dns, _ := ep.Bool("privateDnsEnabled")
			assert.True(t, dns, ep.Name)
			assert.Equal(t, 3, ep.Len("subnetIds"), "%s: one network interface per AZ", ep.Name)
			assert.Equal(t, []string{sg}, []string{ep.Str("securityGroupIds[0]")}, ep.Name)
		}
		assert.ElementsMatch(t, components.InterfaceEndpointServices(), services)
		taskSG := mockcloud.Await[string](t, c.TaskSecurityGroupID.ToStringOutput())
		var in []string
		for _, r := range e.ByType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
			if r.Str("securityGroupId") == sg {
				in = append(in, fmt.Sprintf("%v-%s", r.Inputs["fromPort"].V, r.Str("referencedSecurityGroupId")))
			}
		}
		assert.Equal(t, []string{"443-" + taskSG}, in, "HTTPS from the tasks only")
	})
}
