package provider

import (
	"net/netip"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeIn decodes the inputs build returns into the Args of typ under a mock engine, where build may
// register resources (providers) to refer to.
func decodeIn(t *testing.T, typ string, build func(ctx *pulumi.Context) (Inputs, error)) (any, error) {
	t.Helper()
	p := newTestProvider(t)
	var args any
	var decodeErr error
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		in, err := build(ctx)
		if err != nil {
			return err
		}
		args, decodeErr = p.Decode(ctx, typ, "web-us-east-1", in)
		return nil
	}, nil)
	require.NoError(t, err)
	return args, decodeErr
}

// decodeMap decodes plain values.
func decodeMap(t *testing.T, typ string, m map[string]any) (any, error) {
	t.Helper()
	return decodeIn(t, typ, plainInputs(m))
}

func TestDecodeRegionalClusterArgs(t *testing.T) {
	got, err := decodeMap(t, components.RegionalClusterType, with(clusterInputs(), map[string]any{
		"natPerAz":          false,
		"availabilityZones": []any{"us-east-1a", "us-east-1b"},
		"cpuTarget":         55.5,
		"dataPorts":         []any{5432, 6380},
		"replicateTo":       []any{"us-west-2"},
	}))
	require.NoError(t, err)
	a, ok := got.(*components.RegionalClusterArgs)
	require.True(t, ok, "a %T", got)
	assert.Equal(t, "us-east-1", a.Region)
	assert.Equal(t, components.RolePrimary, a.Role)
	assert.Equal(t, netip.MustParsePrefix("10.30.0.0/16"), a.CIDR)
	require.NotNil(t, a.NATPerAZ)
	assert.False(t, *a.NATPerAZ, "an explicit false is kept (nil would mean the default)")
	assert.Nil(t, a.Autoscaling, "an absent setting stays nil: the component's default")
	assert.Equal(t, []string{"us-east-1a", "us-east-1b"}, a.AvailabilityZones)
	assert.Equal(t, 55.5, a.CPUTarget)
	assert.Equal(t, []int{5432, 6380}, a.DataPorts)
	assert.Equal(t, map[string]netip.Prefix{"us-west-2": netip.MustParsePrefix("10.40.0.0/16")}, a.PeerCIDRs)
	assert.Equal(t, components.ServiceSpec{Name: "web", RepositoryName: "web", ImageTag: "1.0.0", Port: 8080, CPU: 512, Memory: 1024}, a.Service)
	assert.Equal(t, components.Capacity{Desired: 2, Min: 2, Max: 6}, a.Capacity)
	assert.Equal(t, &components.AccountARNs{Partition: "aws", AccountID: testAccount}, a.Account)
	assert.Equal(t, keyARN, mockcloud.Await[string](t, a.KMSKeyARN.ToStringOutput()))
}

// TestDecodeNestedInputsAndProviders: Input settings inside nested objects and arrays, and references
// to aws providers (GlobalEdge's endpoints and providers, a RegionLink's sides).
func TestDecodeNestedInputsAndProviders(t *testing.T) {
	var global, accel *aws.Provider
	got, err := decodeIn(t, components.GlobalEdgeType, func(ctx *pulumi.Context) (Inputs, error) {
		var err error
		if global, err = aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")}); err != nil {
			return Inputs{}, err
		}
		if accel, err = aws.NewProvider(ctx, "aws-us-west-2", &aws.ProviderArgs{Region: pulumi.String("us-west-2")}); err != nil {
			return Inputs{}, err
		}
		refs, err := providerRefs(ctx, global, accel)
		if err != nil {
			return Inputs{}, err
		}
		props := resource.NewPropertyMapFromMap(map[string]any{
			"hostname": "app.example.com",
			"endpoints": []any{
				map[string]any{"region": "us-west-2", "role": "primary", "trafficDial": 100, "albArn": "arn:alb", "dnsName": "alb.example.com", "zoneId": "Z1"},
			},
			"route53":              false,
			"cloudFrontWritePaths": []any{"/api/*"},
		})
		props["endpoints"].ArrayValue()[0].ObjectValue()["albArn"] = resource.MakeSecret(resource.NewProperty("arn:alb"))
		props["globalProvider"] = refs[0]
		props["acceleratorProvider"] = refs[1]
		return Inputs{Properties: props, Resources: map[resource.URN]pulumi.Resource{
			refs[0].ResourceReferenceValue().URN: global, refs[1].ResourceReferenceValue().URN: accel,
		}}, nil
	})
	require.NoError(t, err)
	a := got.(*components.GlobalEdgeArgs)
	require.Len(t, a.Endpoints, 1)
	assert.Equal(t, components.RolePrimary, a.Endpoints[0].Role)
	assert.Equal(t, 100, a.Endpoints[0].TrafficDial)
	out := a.Endpoints[0].ALBARN.ToStringOutput()
	assert.Equal(t, "arn:alb", mockcloud.Await[string](t, out))
	assert.True(t, pulumi.IsSecret(out), "a secret inside a nested object stays a secret")
	assert.Same(t, global, a.GlobalProvider, "the reference resolves to the provider resource")
	assert.Same(t, accel, a.AcceleratorProvider)
	require.NotNil(t, a.Route53, "a setting of the embedded EdgeSettings")
	assert.False(t, *a.Route53)
	assert.Equal(t, []string{"/api/*"}, a.WritePaths, "the json name of an embedded field")
}

// providerRefs returns resource references to providers, as the engine sends them.
func providerRefs(ctx *pulumi.Context, providers ...*aws.Provider) ([]resource.PropertyValue, error) {
	var refs []resource.PropertyValue
	for _, p := range providers {
		urn, err := mockcloud.AwaitValue[pulumi.URN](ctx.Context(), p.URN())
		if err != nil {
			return nil, err
		}
		id, err := mockcloud.AwaitValue[pulumi.ID](ctx.Context(), p.ID())
		if err != nil {
			return nil, err
		}
		refs = append(refs, resource.MakeCustomResourceReference(resource.URN(urn), resource.ID(id), ""))
	}
	return refs, nil
}

// TestDecodeErrors: each bad input is an error naming the property and what is allowed; every
// problem of one component is reported at once.
func TestDecodeErrors(t *testing.T) {
	secret := func(v any) resource.PropertyValue { return resource.MakeSecret(resource.NewPropertyValue(v)) }
	unknown := resource.MakeComputed(resource.NewProperty(""))
	cases := []struct {
		name string
		set  map[string]any
		want []string
	}{
		{"unknown property", map[string]any{"vpcCidr": "10.0.0.0/16"},
			[]string{`property "vpcCidr": unknown`, "allowed: accessLogBucket, accessLogDays, account, allowPlainHttp,"}},
		{"suggestion", map[string]any{"natPerAZ": true}, []string{`property "natPerAZ": unknown (did you mean "natPerAz"?)`}},
		{"nested unknown property", map[string]any{"service": map[string]any{"image": "web:1"}},
			[]string{`property "service.image": unknown (did you mean "imageTag"?); allowed: architecture, cpu, environment,`}},
		{"bad CIDR", map[string]any{"cidr": "10.0.0.0"}, []string{`property "cidr": "10.0.0.0" is not a CIDR`}},
		{"CIDR not a string", map[string]any{"cidr": 16}, []string{`property "cidr": expected a CIDR string (e.g. 10.0.0.0/16), got the number 16`}},
		{"bad CIDR in a map", map[string]any{"peerCidrs": map[string]any{"us-west-2": "nope"}}, []string{`property "peerCidrs[\"us-west-2\"]": "nope" is not a CIDR`}},
		{"string for an integer", map[string]any{"azCount": "3"}, []string{`property "azCount": expected an integer, got the string "3"`}},
		{"fraction for an integer", map[string]any{"azCount": 2.5}, []string{`property "azCount": the number 2.5 is not an integer in range`}},
		{"huge integer", map[string]any{"azCount": 1e30}, []string{`property "azCount": the number 1e+30 is not an integer in range`}},
		{"number for a boolean", map[string]any{"natPerAz": 1}, []string{`property "natPerAz": expected a boolean, got the number 1`}},
		{"object for a string", map[string]any{"region": map[string]any{}}, []string{`property "region": expected a string, got an object`}},
		{"array element", map[string]any{"availabilityZones": []any{"us-east-1a", 7}}, []string{`property "availabilityZones[1]": expected a string, got the number 7`}},
		{"string for an array", map[string]any{"replicateTo": "us-west-2"}, []string{`property "replicateTo": expected an array, got the string "us-west-2"`}},
		{"nested type", map[string]any{"service": map[string]any{"port": "80"}}, []string{`property "service.port": expected an integer, got the string "80"`}},
		{"Input of the wrong type", map[string]any{"kmsKeyArn": 42}, []string{`property "kmsKeyArn": expected a string, got the number 42`}},
		{"secret Input of the wrong type", map[string]any{"kmsKeyArn": secret(42.0)}, []string{`property "kmsKeyArn": expected a string, got a secret number`}},
		{"secret plain setting", map[string]any{"region": secret("us-east-1")}, []string{`property "region": is a secret, but it is a plain setting`}},
		{"unknown plain setting", map[string]any{"cidr": unknown}, []string{`property "cidr": is unknown (an output not yet known in a preview), but it is a plain setting`}},
		{"every problem at once", map[string]any{"azCount": "3", "cidr": "x", "bogus": 1},
			[]string{`property "azCount"`, `property "cidr"`, `property "bogus"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeIn(t, components.RegionalClusterType, func(*pulumi.Context) (Inputs, error) {
				props := resource.NewPropertyMapFromMap(clusterInputs())
				for k, v := range tc.set {
					props[resource.PropertyKey(k)] = resource.NewPropertyValue(v)
				}
				return Inputs{Properties: props}, nil
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), `multiregion:index:RegionalCluster "web-us-east-1": invalid inputs`)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestDecodeProviderErrors(t *testing.T) {
	cases := []struct {
		name string
		ref  func(urn resource.URN) resource.PropertyValue
		want string
	}{
		{"not a reference", func(resource.URN) resource.PropertyValue { return resource.NewProperty("aws-us-east-1") },
			`property "globalProvider": expected a reference to an aws provider resource, got the string "aws-us-east-1"`},
		{"another provider", func(resource.URN) resource.PropertyValue {
			return resource.MakeCustomResourceReference("urn:pulumi:test::multiregion::pulumi:providers:random::r", "id", "")
		}, `property "globalProvider": expected a reference to an aws provider resource (pulumi:providers:aws), got one to a pulumi:providers:random`},
		{"unresolved", func(resource.URN) resource.PropertyValue {
			return resource.MakeCustomResourceReference("urn:pulumi:test::multiregion::pulumi:providers:aws::other", "id", "")
		}, `property "globalProvider": the provider urn:pulumi:test::multiregion::pulumi:providers:aws::other was not resolved`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeIn(t, components.GlobalEdgeType, func(*pulumi.Context) (Inputs, error) {
				return Inputs{Properties: resource.PropertyMap{"globalProvider": tc.ref("")}}, nil
			})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestDecodeUnknownComponent(t *testing.T) {
	_, err := decodeMap(t, "multiregion:index:Nope", nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown component type "multiregion:index:Nope"; this provider serves multiregion:index:AccessLogSink,`)
}
