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

func TestDomainRejectsBadArgs(t *testing.T) {
	cases := map[string]struct {
		zone components.HostedZone
		want string
	}{
		"no zone":          {components.HostedZone{}, "Zone: set ID or Name"},
		"both":             {components.HostedZone{ID: "Z1", Name: "example.com"}, "not both"},
		"bad id":           {components.HostedZone{ID: "z1"}, `Zone.ID: "z1"`},
		"outside the zone": {components.HostedZone{Name: "example.org"}, "is not in the zone"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := mockcloud.New()
			err := e.Run(func(ctx *pulumi.Context) error {
				p, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
				if err != nil {
					return err
				}
				_, err = components.NewDomain(ctx, "web-domain", &components.DomainArgs{
					Hostname: "app.example.com", Zone: tc.zone,
					Regions: map[string]pulumi.ProviderResource{"us-east-1": p}, GlobalProvider: p,
				})
				return err
			}, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, e.ByType(components.DomainType))
		})
	}
}
