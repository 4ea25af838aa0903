package components_test

import (
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// onProvider returns the option that puts a component on a fresh AWS provider for region.
func onProvider(ctx *pulumi.Context, region string) (pulumi.ResourceOption, error) {
	p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
	if err != nil {
		return nil, err
	}
	return pulumi.Provider(p), nil
}

// TestProviderContract: a per-region component without an explicit provider, or on a provider of
// another region (or one without a region), fails with a clear error before registering anything but
// the provider itself.
func TestProviderContract(t *testing.T) {
	constructors := map[string]func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error{
		"RegionKey": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
			_, err := components.NewRegionKey(ctx, "web-us-east-1", &components.RegionKeyArgs{Region: "us-east-1"}, opts...)
			return err
		},
		"RegionalCluster": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
			_, err := components.NewRegionalCluster(ctx, "web-us-east-1", clusterArgs(), opts...)
			return err
		},
		"DataTier": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
			_, err := components.NewDataTier(ctx, "web-us-east-1", standbyArgs(), opts...)
			return err
		},
		"AlertTopic": func(ctx *pulumi.Context, opts ...pulumi.ResourceOption) error {
			_, err := components.NewAlertTopic(ctx, "web-us-east-1", &components.AlertTopicArgs{
				Region: "us-east-1", KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/k"),
			}, opts...)
			return err
		},
	}
	cases := []struct {
		name     string
		provider func(ctx *pulumi.Context) ([]pulumi.ResourceOption, error)
		want     string
	}{
		{"no provider", func(*pulumi.Context) ([]pulumi.ResourceOption, error) { return nil, nil }, "no AWS provider"},
		{"other region", func(ctx *pulumi.Context) ([]pulumi.ResourceOption, error) {
			o, err := onProvider(ctx, "eu-west-1")
			return []pulumi.ResourceOption{o}, err
		}, "the provider is for eu-west-1, but the component's region is us-east-1"},
		{"no region", func(ctx *pulumi.Context) ([]pulumi.ResourceOption, error) {
			p, err := aws.NewProvider(ctx, "aws-default", &aws.ProviderArgs{})
			return []pulumi.ResourceOption{pulumi.Provider(p)}, err
		}, "sets no region"},
		{"in Providers", func(ctx *pulumi.Context) ([]pulumi.ResourceOption, error) {
			p, err := aws.NewProvider(ctx, "aws-eu-west-1", &aws.ProviderArgs{Region: pulumi.String("eu-west-1")})
			return []pulumi.ResourceOption{pulumi.Providers(p)}, err
		}, "the provider is for eu-west-1"},
	}
	for _, name := range []string{"AlertTopic", "DataTier", "RegionKey", "RegionalCluster"} {
		for _, c := range cases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				e := mockcloud.New()
				err := e.Run(func(ctx *pulumi.Context) error {
					opts, err := c.provider(ctx)
					if err != nil {
						return err
					}
					return constructors[name](ctx, opts...)
				}, nil)
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.want)
				for _, r := range e.Resources() {
					assert.Equal(t, mockcloud.AWSProviderType, r.Type, "registered %s %s", r.Type, r.Name)
				}
			})
		}
	}
}
