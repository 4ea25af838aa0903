package tests

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// benchRegions are 20 distinct regions with at least 3 AZs (the prod azCount), the primary first.
var benchRegions = []string{
	"us-west-2", "us-east-1", "eu-west-1", "us-east-2", "ca-west-1", "eu-central-1", "eu-west-2",
	"ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1", "ap-south-1", "eu-north-1",
	"eu-west-3", "ap-southeast-1", "ap-northeast-2", "ap-northeast-3", "eu-south-1", "me-south-1", "af-south-1",
}

// regionsConfig returns the prod configuration spread over the first n bench regions.
func regionsConfig(t testing.TB, n int) map[string]string {
	var regions []map[string]string
	for i, r := range benchRegions[:n] {
		regions = append(regions, map[string]string{"name": r, "cidr": fmt.Sprintf("10.%d.0.0/16", 10+i)})
	}
	kv := map[string]any{"regions": regions}
	if n > 3 { // a Global Datastore takes at most 2 secondary regions
		kv["cache"] = map[string]any{"enabled": false}
	}
	return with(t, prodConfig(t), kv)
}

// benchmarkProgram evaluates program on conf under mocks and reports the resources it registers per
// run. Every benchmark runs its program through here, so the baseline and the stack are called from
// the same depth: the SDK records the whole Go call stack of every registration, so a harness frame
// that only one of them had would be charged to every resource of that one.
func benchmarkProgram(b *testing.B, program pulumi.RunFunc, conf map[string]string) {
	b.ReportAllocs()
	var registered int
	for b.Loop() {
		e := mockcloud.New()
		if err := e.Run(program, conf); err != nil {
			b.Fatal(err)
		}
		registered = len(e.Resources())
	}
	b.ReportMetric(float64(registered), "resources")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(registered), "ns/resource")
}

// BenchmarkBaselineDirect registers the prod stack's resource set (same types as SDK structs, names,
// inputs and regional providers) directly, without the components, as a hand-written flat program
// would: each resource waits for the resources it depended on in the stack (DependsOn on its recorded
// dependencies; a hand-written program gets them from the outputs it passes), and is registered through
// one constructor frame (registerTyped).
// The ratio BenchmarkProdStack / this is the cost of the abstractions (validation, output plumbing,
// component registrations, call depth).
func BenchmarkBaselineDirect(b *testing.B) {
	rec, _ := deploy(b, prodConfig(b))
	var resources []*mockcloud.Resource
	regions := map[string]bool{}
	for _, r := range rec.Resources() {
		if r.Custom && r.Type != mockcloud.AWSProviderType {
			resources = append(resources, r)
			regions[r.Region] = true
		}
	}
	program := func(ctx *pulumi.Context) error {
		providers := map[string]*aws.Provider{}
		for _, region := range slices.Sorted(maps.Keys(regions)) {
			p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
			if err != nil {
				return err
			}
			providers[region] = p
		}
		registered := map[string]pulumi.CustomResource{} // recorded URN -> resource
		for _, r := range resources {
			res := typedResource(r.Type)
			if res == nil {
				return fmt.Errorf("no SDK type for %s: add it to typedResource", r.Type)
			}
			var deps []pulumi.Resource
			for _, urn := range r.Dependencies {
				if dep, ok := registered[urn]; ok {
					deps = append(deps, dep)
				}
			}
			if err := registerTyped(ctx, r.Type, r.Name, pulumi.ToMap(r.Inputs.Mappable()), res, pulumi.Provider(providers[r.Region]), pulumi.DependsOn(deps)); err != nil {
				return err
			}
			registered[r.URN] = res
		}
		return nil
	}
	benchmarkProgram(b, program, nil)
}

// registerTyped registers r as res on provider. It stands for the typed constructor (ec2.NewVpc, ...)
// that any hand-written program calls and that calls ctx.RegisterResource: the SDK records every Go
// frame of every registration, so a baseline without that frame would be cheaper than any real
// program. It must not be inlined, or the frame would vanish.
//
//go:noinline
func registerTyped(ctx *pulumi.Context, typ, name string, inputs pulumi.Map, res pulumi.CustomResource, opts ...pulumi.ResourceOption) error {
	return ctx.RegisterResource(typ, name, inputs, res, opts...)
}

// BenchmarkProdStack evaluates the stack program on the prod configuration (3 regions).
func BenchmarkProdStack(b *testing.B) { benchmarkProgram(b, stacks.Program, prodConfig(b)) }

// BenchmarkStack10Regions evaluates the stack program on prod spread over 10 regions.
func BenchmarkStack10Regions(b *testing.B) { benchmarkProgram(b, stacks.Program, regionsConfig(b, 10)) }

// BenchmarkStack20Regions evaluates the stack program on prod spread over 20 regions.
func BenchmarkStack20Regions(b *testing.B) { benchmarkProgram(b, stacks.Program, regionsConfig(b, 20)) }
