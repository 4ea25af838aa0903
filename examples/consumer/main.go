// Command consumer is an example of a second stack that uses multiregion as a library: it runs a
// worker service with RegionalCluster in two of the platform's regions, and reads the platform
// stack's outputs through a StackReference, so that its primary follows the platform's.
package main

import (
	"fmt"
	"net/netip"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// cidrs are this stack's VPC ranges, disjoint from the platform's 10.x.0.0/16 networks.
var cidrs = map[string]string{
	"us-west-2": "172.20.0.0/16", "us-east-1": "172.21.0.0/16", "eu-west-1": "172.22.0.0/16",
}

func main() { pulumi.Run(program) }

func program(ctx *pulumi.Context) error {
	cfg := config.New(ctx, "consumer")
	var regions []string
	cfg.RequireObject("regions", &regions)
	platform, err := pulumi.NewStackReference(ctx, cfg.Require("platformStack"), nil)
	if err != nil {
		return fmt.Errorf("reading the platform stack: %w", err)
	}
	primary, err := platform.GetOutputDetails("primaryRegion")
	if err != nil {
		return fmt.Errorf("reading the platform's primaryRegion: %w", err)
	}
	primaryRegion, ok := primary.Value.(string)
	if !ok {
		return fmt.Errorf("the platform stack exports no primaryRegion (got %v)", primary.Value)
	}
	for _, region := range regions {
		cidr, ok := cidrs[region]
		if !ok {
			return fmt.Errorf("consumer:regions: %q has no CIDR in this example (allowed: us-west-2, us-east-1, eu-west-1)", region)
		}
		provider, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		opts := pulumi.Provider(provider)
		name := "worker-" + region
		key, err := components.NewRegionKey(ctx, name, &components.RegionKeyArgs{Region: region}, opts)
		if err != nil {
			return err
		}
		logs, err := components.NewAccessLogSink(ctx, name, &components.AccessLogSinkArgs{Region: region}, opts)
		if err != nil {
			return err
		}
		role := components.RoleStandby
		capacity := components.Capacity{Desired: 1, Min: 1, Max: 4}
		if region == primaryRegion {
			role, capacity = components.RolePrimary, components.Capacity{Desired: 2, Min: 2, Max: 8}
		}
		cluster, err := components.NewRegionalCluster(ctx, name, &components.RegionalClusterArgs{
			Region:    region,
			Role:      role,
			CIDR:      netip.MustParsePrefix(cidr),
			AZCount:   2,
			KMSKeyARN: key.ARN,
			Service: components.ServiceSpec{
				Name: "worker", RepositoryName: "worker", ImageTag: "0.9.0", Port: 9000, CPU: 256, Memory: 512,
				Environment: map[string]string{"PLATFORM_PRIMARY_REGION": primaryRegion},
			},
			Capacity:        capacity,
			AccessLogBucket: logs.BucketName,
			// An internal worker without a domain: plain HTTP, chosen explicitly. A public service
			// passes its ACM certificate as CertificateARN instead.
			AllowPlainHTTP: components.Bool(true),
		}, opts)
		if err != nil {
			return err
		}
		ctx.Export(region+"-albDnsName", cluster.ALBDNSName)
	}
	ctx.Export("platformPrimaryRegion", pulumi.String(primaryRegion))
	return nil
}
