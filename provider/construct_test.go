package provider

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	sdkprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testAccount = mockcloud.DefaultAccount
	keyARN      = "arn:aws:kms:us-east-1:" + testAccount + ":key/k"
)

// newTestProvider returns the provider, failing the test when it cannot be built.
func newTestProvider(t testing.TB) *Provider {
	t.Helper()
	p, err := New()
	require.NoError(t, err)
	return p
}

// clusterInputs are the inputs of a RegionalCluster in us-east-1, as a program in another language
// would send them.
func clusterInputs() map[string]any {
	return map[string]any{
		"region":    "us-east-1",
		"role":      "primary",
		"cidr":      "10.30.0.0/16",
		"kmsKeyArn": keyARN,
		"service": map[string]any{
			"name": "web", "repositoryName": "web", "imageTag": "1.0.0", "port": 8080, "cpu": 512, "memory": 1024,
		},
		"capacity":        map[string]any{"desired": 2, "min": 2, "max": 6},
		"certificateArn":  "arn:aws:acm:us-east-1:" + testAccount + ":certificate/c",
		"accessLogBucket": "web-us-east-1-access-logs",
		"peerCidrs":       map[string]any{"us-west-2": "10.40.0.0/16"},
		"account":         map[string]any{"partition": "aws", "accountId": testAccount},
	}
}

// with returns a copy of m with the entries of set (nil removes a key).
func with(m map[string]any, set map[string]any) map[string]any {
	out := maps.Clone(m)
	for k, v := range set {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// constructRun is the outcome of constructing one component under the mock engine.
type constructRun struct {
	e   *mockcloud.Engine
	res *sdkprovider.ConstructResult
	err error
	// outputs are the awaited outputs of the result's state.
	outputs map[string]internals.UnsafeAwaitOutputResult
}

// construct runs Construct of typ called name under a fresh mock engine, as the SDK's Construct would
// call it: on the aws provider of region in the options' provider map. props builds the inputs (it may
// register resources to depend on); dryRun makes the run a preview.
func construct(t *testing.T, typ, name, region string, dryRun bool, props func(ctx *pulumi.Context) (Inputs, error)) constructRun {
	t.Helper()
	p := newTestProvider(t)
	run := constructRun{e: mockcloud.New(), outputs: map[string]internals.UnsafeAwaitOutputResult{}}
	program := func(ctx *pulumi.Context) error {
		awsp, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		in, err := props(ctx)
		if err != nil {
			return err
		}
		run.res, run.err = p.Construct(ctx, typ, name, in, pulumi.ProviderMap(map[string]pulumi.ProviderResource{"aws": awsp}))
		if run.err != nil {
			return nil
		}
		state, ok := run.res.State.(pulumi.Map)
		if !ok {
			return fmt.Errorf("the state is a %T, not a pulumi.Map", run.res.State)
		}
		for k, v := range state {
			r, err := internals.UnsafeAwaitOutput(ctx.Context(), pulumi.ToOutput(v))
			if err != nil {
				return fmt.Errorf("output %s: %w", k, err)
			}
			run.outputs[k] = r
		}
		return nil
	}
	err := pulumi.RunErr(program, pulumi.WithMocks(run.e.Project, run.e.Stack, run.e), func(info *pulumi.RunInfo) { info.DryRun = dryRun })
	require.NoError(t, err)
	return run
}

// plainInputs returns the Inputs of plain (known, non-secret) values.
func plainInputs(m map[string]any) func(*pulumi.Context) (Inputs, error) {
	return func(*pulumi.Context) (Inputs, error) {
		return Inputs{Properties: resource.NewPropertyMapFromMap(m)}, nil
	}
}

// onlyProviders asserts that e registered nothing but aws providers.
func onlyProviders(t *testing.T, e *mockcloud.Engine) {
	t.Helper()
	for _, r := range e.Resources() {
		assert.Equal(t, mockcloud.AWSProviderType, r.Type, "registered %s %s", r.Type, r.Name)
	}
}

func TestConstructRegionalCluster(t *testing.T) {
	run := construct(t, components.RegionalClusterType, "web-us-east-1", "us-east-1", false, plainInputs(with(clusterInputs(), map[string]any{"protect": false})))
	require.NoError(t, run.err)
	e := run.e

	c := e.Component(components.RegionalClusterType, "web-us-east-1")
	require.NotNil(t, c, "the component is registered")
	vpcs := e.ChildrenOfType(c, "aws:ec2/vpc:Vpc")
	require.Len(t, vpcs, 1)
	assert.Equal(t, "10.30.0.0/16", vpcs[0].Str("cidrBlock"), "the cidr input is the VPC's range")
	tgs := e.ChildrenOfType(c, "aws:lb/targetGroup:TargetGroup")
	require.NotEmpty(t, tgs)
	port, _ := tgs[0].Num("port")
	assert.Equal(t, 8080.0, port, "the nested service.port input reaches the target group")

	children := e.ChildrenOf(c)
	assert.Greater(t, len(children), 30)
	for _, r := range children {
		if r.Custom {
			assert.Equal(t, "us-east-1", r.Region, "%s %s is on the provider passed in", r.Type, r.Name)
		}
	}
	repos := e.ChildrenOfType(c, "aws:ecr/repository:Repository")
	require.Len(t, repos, 1)
	assert.False(t, repos[0].Protect, "protect: false reaches the repository's option")
	assert.False(t, c.Protect)

	peer := false
	for _, r := range e.ChildrenOfType(c, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
		peer = peer || r.Str("cidrIpv4") == "10.40.0.0/16"
	}
	assert.True(t, peer, "the peerCidrs map input reaches the task security group's egress")

	for _, k := range []string{"vpcId", "albDnsName", "privateSubnetIds", "taskSecurityGroupId", "repositoryUrl"} {
		if assert.Contains(t, run.outputs, k) {
			assert.True(t, run.outputs[k].Known, k)
			assert.NotEmpty(t, run.outputs[k].Value, k)
		}
	}
	assert.NotContains(t, run.outputs, "loadBalancer", "child resources are not outputs")
	assert.Len(t, run.outputs["privateSubnetIds"].Value, 3)
}

func TestConstructProtectsByDefault(t *testing.T) {
	run := construct(t, components.RegionalClusterType, "web-us-east-1", "us-east-1", false, plainInputs(clusterInputs()))
	require.NoError(t, run.err)
	repos := run.e.ByType("aws:ecr/repository:Repository")
	require.Len(t, repos, 1)
	assert.True(t, repos[0].Protect, "no protect input: the component's default (protected)")
}

func TestConstructRegionKey(t *testing.T) {
	run := construct(t, components.RegionKeyType, "web-us-west-2", "us-west-2", false, plainInputs(map[string]any{
		"region": "us-west-2", "deletionWindowDays": 7, "protect": false,
		"account": map[string]any{"partition": "aws", "accountId": testAccount},
	}))
	require.NoError(t, run.err)
	keys := run.e.ByType("aws:kms/key:Key")
	require.Len(t, keys, 1)
	n, _ := keys[0].Num("deletionWindowInDays")
	assert.Equal(t, 7.0, n, "deletionWindowDays reaches the key")
	assert.Equal(t, "us-west-2", keys[0].Region, "the key is on the provider passed in")
	assert.False(t, keys[0].Protect, "protect: false reaches the key")
	assert.Contains(t, keys[0].Str("policy"), "logs.us-west-2.amazonaws.com")
	assert.Empty(t, run.e.Invokes(), "the account input spares the caller-identity invoke")

	assert.Equal(t, []string{"arn", "keyId"}, slices.Sorted(maps.Keys(run.outputs)))
	assert.Contains(t, run.outputs["arn"].Value, ":kms:us-west-2:")
}

// TestConstructKeepsSecretsUnknownsAndDependencies: an Input setting keeps what the engine sent with
// it: a secret stays a secret in the child that receives it, an unknown (preview) stays unknown, and
// the child depends on the resources the input depends on.
func TestConstructKeepsSecretsUnknownsAndDependencies(t *testing.T) {
	depends := func(value resource.PropertyValue) func(ctx *pulumi.Context) (Inputs, error) {
		return func(ctx *pulumi.Context) (Inputs, error) {
			dep := &pulumi.CustomResourceState{}
			if err := ctx.RegisterResource("test:index:Key", "key", nil, dep); err != nil {
				return Inputs{}, err
			}
			props := resource.NewPropertyMapFromMap(clusterInputs())
			props["kmsKeyArn"] = value
			return Inputs{Properties: props, Dependencies: map[resource.PropertyKey][]pulumi.Resource{"kmsKeyArn": {dep}}}, nil
		}
	}
	logGroup := func(t *testing.T, run constructRun) *mockcloud.Resource {
		t.Helper()
		require.NoError(t, run.err)
		lg := run.e.Find("aws:cloudwatch/logGroup:LogGroup", "web-us-east-1-app-logs")
		require.NotNil(t, lg)
		return lg
	}
	depURN := func(run constructRun) string { return run.e.Find("test:index:Key", "key").URN }

	t.Run("secret", func(t *testing.T) {
		run := construct(t, components.RegionalClusterType, "web-us-east-1", "us-east-1", false,
			depends(resource.MakeSecret(resource.NewProperty(keyARN))))
		lg := logGroup(t, run)
		assert.True(t, lg.IsSecret("kmsKeyId"), "the secret key ARN is a secret in the log group")
		assert.Equal(t, keyARN, lg.Str("kmsKeyId"))
		assert.Contains(t, lg.PropertyDependencies["kmsKeyId"], depURN(run))
	})
	t.Run("unknown in a preview", func(t *testing.T) {
		run := construct(t, components.RegionalClusterType, "web-us-east-1", "us-east-1", true,
			depends(resource.MakeComputed(resource.NewProperty(""))))
		lg := logGroup(t, run)
		assert.False(t, lg.Has("kmsKeyId"), "the log group's key is unknown, as the input (the mock engine drops unknowns)")
		assert.True(t, lg.Has("retentionInDays"))
		assert.Contains(t, lg.PropertyDependencies["kmsKeyId"], depURN(run))
	})
	t.Run("output value", func(t *testing.T) {
		run := construct(t, components.RegionalClusterType, "web-us-east-1", "us-east-1", false,
			depends(resource.NewProperty(resource.Output{Element: resource.NewProperty(keyARN), Known: true})))
		lg := logGroup(t, run)
		assert.False(t, lg.IsSecret("kmsKeyId"))
		assert.Equal(t, keyARN, lg.Str("kmsKeyId"))
		assert.Contains(t, lg.PropertyDependencies["kmsKeyId"], depURN(run))
	})
}

// TestConstructRejectsBadInputs: bad inputs fail the construction with an error that names the
// component and the property, and register nothing.
func TestConstructRejectsBadInputs(t *testing.T) {
	cases := []struct {
		name   string
		inputs map[string]any
		want   []string
	}{
		{"unknown property", with(clusterInputs(), map[string]any{"cdir": "10.0.0.0/16"}),
			[]string{`multiregion:index:RegionalCluster "web-us-east-1"`, `property "cdir": unknown (did you mean "cidr"?); allowed: accessLogBucket, accessLogDays,`}},
		{"bad CIDR", with(clusterInputs(), map[string]any{"cidr": "10.30.0.0/33"}),
			[]string{`property "cidr": "10.30.0.0/33" is not a CIDR`}},
		{"CIDR the component refuses", with(clusterInputs(), map[string]any{"cidr": "8.8.0.0/16"}),
			[]string{`CIDR: 8.8.0.0/16 is not a private (RFC 1918) range`}},
		{"wrong type", with(clusterInputs(), map[string]any{"azCount": "three"}),
			[]string{`property "azCount": expected an integer, got the string "three"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := construct(t, components.RegionalClusterType, "web-us-east-1", "us-east-1", false, plainInputs(tc.inputs))
			require.Error(t, run.err)
			for _, w := range tc.want {
				assert.Contains(t, run.err.Error(), w)
			}
			onlyProviders(t, run.e)
		})
	}
}
