package provider

import (
	"fmt"
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

// benchRegion is one region of the prod-sized composition: its role and VPC range.
type benchRegion struct {
	name    string
	primary bool
	cidr    string
}

// benchRegions are prod's three regions, the primary first.
func benchRegions() []benchRegion {
	return []benchRegion{{"us-west-2", true, "10.10.0.0/16"}, {"us-east-1", false, "10.11.0.0/16"}, {"eu-west-1", false, "10.12.0.0/16"}}
}

// regionInputs are one region's RegionKey, RegionalCluster and DataTier inputs, as the engine sends a
// component provider resolved values (the ARNs and IDs another component's outputs would give).
func regionInputs(r benchRegion) (key, cluster, tier map[string]any) {
	account := map[string]any{"partition": "aws", "accountId": testAccount}
	role := "standby"
	if r.primary {
		role = "primary"
	}
	kms := "arn:aws:kms:" + r.name + ":" + testAccount + ":key/k"
	key = map[string]any{"region": r.name, "account": account}
	cluster = map[string]any{
		"region": r.name, "role": role, "cidr": r.cidr, "kmsKeyArn": kms,
		"service": map[string]any{
			"name": "web", "repositoryName": "web", "imageTag": "1.0.0", "port": 8080, "cpu": 512, "memory": 1024,
		},
		"capacity":        map[string]any{"desired": 2, "min": 2, "max": 6},
		"certificateArn":  "arn:aws:acm:" + r.name + ":" + testAccount + ":certificate/c",
		"accessLogBucket": "web-" + r.name + "-access-logs",
		"account":         account,
	}
	tier = map[string]any{
		"region": r.name, "role": role, "home": r.primary, "kmsKeyArn": kms,
		"vpcId": "vpc-" + r.name, "subnetIds": []any{"subnet-a", "subnet-b", "subnet-c"},
		"clientSecurityGroupId": "sg-tasks", "cache": map[string]any{}, "account": account,
	}
	if !r.primary {
		tier["sourceDbArn"] = "arn:aws:rds:us-west-2:" + testAccount + ":db:web-us-west-2"
		tier["globalReplicationGroupId"] = "ldgnf-web-global"
	}
	return key, cluster, tier
}

// regionArgs are the same region's Args, as a Go program writes them.
func regionArgs(r benchRegion) (*components.RegionKeyArgs, *components.RegionalClusterArgs, *components.DataTierArgs) {
	account := &components.AccountARNs{Partition: "aws", AccountID: testAccount}
	role := components.RoleStandby
	if r.primary {
		role = components.RolePrimary
	}
	kms := pulumi.String("arn:aws:kms:" + r.name + ":" + testAccount + ":key/k")
	key := &components.RegionKeyArgs{Region: r.name, Account: account}
	cluster := &components.RegionalClusterArgs{
		Region: r.name, Role: role, CIDR: netip.MustParsePrefix(r.cidr), KMSKeyARN: kms,
		Service:         components.ServiceSpec{Name: "web", RepositoryName: "web", ImageTag: "1.0.0", Port: 8080, CPU: 512, Memory: 1024},
		Capacity:        components.Capacity{Desired: 2, Min: 2, Max: 6},
		CertificateARN:  pulumi.String("arn:aws:acm:" + r.name + ":" + testAccount + ":certificate/c"),
		AccessLogBucket: pulumi.String("web-" + r.name + "-access-logs"),
		Account:         account,
	}
	tier := &components.DataTierArgs{
		Region: r.name, Role: role, Home: r.primary, KMSKeyARN: kms,
		VPCID: pulumi.String("vpc-" + r.name), SubnetIDs: pulumi.ToStringArray([]string{"subnet-a", "subnet-b", "subnet-c"}),
		ClientSecurityGroupID: pulumi.String("sg-tasks"), Cache: &components.CacheSpec{}, Account: account,
	}
	if !r.primary {
		tier.SourceDBARN = pulumi.String("arn:aws:rds:us-west-2:" + testAccount + ":db:web-us-west-2")
		tier.GlobalReplicationGroupID = pulumi.String("ldgnf-web-global")
	}
	return key, cluster, tier
}

// onRegion returns the options Construct receives for a region: its aws provider in the provider map.
func onRegion(ctx *pulumi.Context, region string) (pulumi.ResourceOption, error) {
	p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
	if err != nil {
		return nil, err
	}
	return pulumi.ProviderMap(map[string]pulumi.ProviderResource{"aws": p}), nil
}

// directProgram constructs the composition with the Go constructors.
func directProgram() pulumi.RunFunc {
	type region struct {
		name               string
		key, cluster, tier string
		keyArgs            *components.RegionKeyArgs
		clusterArgs        *components.RegionalClusterArgs
		tierArgs           *components.DataTierArgs
	}
	var regions []region
	for _, r := range benchRegions() {
		k, c, d := regionArgs(r)
		regions = append(regions, region{name: r.name, keyArgs: k, clusterArgs: c, tierArgs: d})
	}
	return func(ctx *pulumi.Context) error {
		for _, r := range regions {
			opt, err := onRegion(ctx, r.name)
			if err != nil {
				return err
			}
			name := "web-" + r.name
			if _, err := components.NewRegionKey(ctx, name, r.keyArgs, opt); err != nil {
				return err
			}
			if _, err := components.NewRegionalCluster(ctx, name, r.clusterArgs, opt); err != nil {
				return err
			}
			if _, err := components.NewDataTier(ctx, name, r.tierArgs, opt); err != nil {
				return err
			}
		}
		return nil
	}
}

// providerProgram constructs the same composition through Provider.Construct, from the inputs a
// program in another language sends.
func providerProgram(p *Provider) pulumi.RunFunc {
	type region struct {
		name string
		in   [3]Inputs
	}
	var regions []region
	for _, r := range benchRegions() {
		k, c, d := regionInputs(r)
		regions = append(regions, region{name: r.name, in: [3]Inputs{
			{Properties: resource.NewPropertyMapFromMap(k)},
			{Properties: resource.NewPropertyMapFromMap(c)},
			{Properties: resource.NewPropertyMapFromMap(d)},
		}})
	}
	types := [3]string{components.RegionKeyType, components.RegionalClusterType, components.DataTierType}
	return func(ctx *pulumi.Context) error {
		for _, r := range regions {
			opt, err := onRegion(ctx, r.name)
			if err != nil {
				return err
			}
			for i, typ := range types {
				if _, err := p.Construct(ctx, typ, "web-"+r.name, r.in[i], opt); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// benchmarkRun runs program under a fresh mock engine per iteration and reports the resources it
// registers.
func benchmarkRun(b *testing.B, program pulumi.RunFunc) {
	b.ReportAllocs()
	registered := 0
	for b.Loop() {
		e := mockcloud.New()
		if err := e.Run(program, nil); err != nil {
			b.Fatal(err)
		}
		registered = len(e.Resources())
	}
	b.ReportMetric(float64(registered), "resources")
}

// BenchmarkCompositionDirect constructs three regions' RegionKey, RegionalCluster and DataTier with
// the Go constructors under the mock engine: the in-process Go evaluation.
func BenchmarkCompositionDirect(b *testing.B) {
	benchmarkRun(b, directProgram())
}

// BenchmarkCompositionProvider constructs the same components through the provider (decode of the
// engine's inputs into the Args, then the same constructors, then the outputs of the result). The
// ratio of this to BenchmarkCompositionDirect is the provider's overhead; the issue allows 1.5x.
func BenchmarkCompositionProvider(b *testing.B) {
	p, err := New()
	if err != nil {
		b.Fatal(err)
	}
	benchmarkRun(b, providerProgram(p))
}

// TestBenchmarkCompositionsAgree: the two benchmarked programs register the same resources with the
// same inputs, so that the benchmark compares the paths, not two compositions.
func TestBenchmarkCompositionsAgree(t *testing.T) {
	registered := func(program pulumi.RunFunc) map[string]resource.PropertyMap {
		e := mockcloud.New()
		require.NoError(t, e.Run(program, nil))
		out := map[string]resource.PropertyMap{}
		for _, r := range e.Resources() {
			out[r.URN] = r.Inputs
		}
		return out
	}
	direct := registered(directProgram())
	viaProvider := registered(providerProgram(newTestProvider(t)))
	assert.Greater(t, len(direct), 150, "prod-sized")
	require.Equal(t, len(direct), len(viaProvider))
	for urn, in := range direct {
		assert.Equal(t, fmt.Sprint(in), fmt.Sprint(viaProvider[urn]), urn)
	}
}
