// Command readme holds the README's Go examples, so that CI compiles them: a stack that imports a
// component, and one that reads the platform's outputs through a StackReference.
package main

import (
	"net/netip"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		if err := cluster(ctx); err != nil {
			return err
		}
		return readPlatform(ctx)
	})
}

// cluster is the README's "Using the components from another Go stack" example.
func cluster(ctx *pulumi.Context) error {
	east, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
	if err != nil {
		return err
	}
	key, err := components.NewRegionKey(ctx, "api-us-east-1", &components.RegionKeyArgs{Region: "us-east-1"}, pulumi.Provider(east))
	if err != nil {
		return err
	}
	// Every bucket of the region sends its S3 access logs to the region's one sink.
	logs, err := components.NewAccessLogSink(ctx, "api-us-east-1", &components.AccessLogSinkArgs{Region: "us-east-1"}, pulumi.Provider(east))
	if err != nil {
		return err
	}
	cluster, err := components.NewRegionalCluster(ctx, "api-us-east-1", &components.RegionalClusterArgs{
		Region:    "us-east-1",
		Role:      components.RolePrimary,
		CIDR:      netip.MustParsePrefix("10.50.0.0/16"),
		KMSKeyARN: key.ARN,
		Service: components.ServiceSpec{
			Name: "api", RepositoryName: "api", ImageTag: "2.0.1", Port: 8080, CPU: 512, Memory: 1024,
		},
		Capacity: components.Capacity{Desired: 2, Min: 2, Max: 8},
		// The HTTPS listener's ACM certificate (in us-east-1); without one the cluster is refused unless
		// AllowPlainHTTP says otherwise.
		CertificateARN:  pulumi.String(config.Require(ctx, "certificateArn")),
		AccessLogBucket: logs.BucketName,
	}, pulumi.Provider(east))
	if err != nil {
		return err
	}
	ctx.Export("albDnsName", cluster.ALBDNSName)
	return nil
}

// readPlatform is the README's "Outputs for other stacks" example.
func readPlatform(ctx *pulumi.Context) error {
	platform, err := pulumi.NewStackReference(ctx, "acme/multiregion/prod", nil)
	if err != nil {
		return err
	}
	writer := platform.GetStringOutput(pulumi.String("dbWriterEndpoint"))
	eastALB := platform.GetOutput(pulumi.String("regions")).ApplyT(func(v any) string {
		return v.(map[string]any)["us-east-1"].(map[string]any)["albDnsName"].(string)
	}).(pulumi.StringOutput)
	ctx.Export("platformWriter", writer)
	ctx.Export("platformEastALB", eastALB)
	return nil
}
