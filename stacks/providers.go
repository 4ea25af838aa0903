package stacks

import (
	"fmt"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// GlobalRegion is where CloudFront certificates, its WAF and Route 53 health-check metrics live:
// components.GlobalRegion, named here for the stack's callers.
const GlobalRegion = components.GlobalRegion

// ProviderHook adjusts the arguments of a region's AWS provider before it is created; the local tier
// uses one to point every provider at an emulator. The stack itself sets only the region and the default
// tags.
type ProviderHook func(region string, args *aws.ProviderArgs)

// Providers holds one explicit AWS provider per region; nothing in the stack uses the default one.
type Providers struct {
	ctx    *pulumi.Context
	hook   ProviderHook
	byName map[string]*aws.Provider
	// lost are the regions whose APIs are unreachable: their providers skip every start-up call.
	lost map[string]bool
}

// NewProviders returns an empty provider set; For creates each region's provider on first use, passing
// its arguments through hook when hook is not nil.
func NewProviders(ctx *pulumi.Context, hook ProviderHook) *Providers {
	return &Providers{ctx: ctx, hook: hook, byName: map[string]*aws.Provider{}}
}

// For returns the provider of region, creating it once. Providers are named by region ("aws-us-east-1"),
// so a region's resources keep their provider when roles change.
func (p *Providers) For(region string) (*aws.Provider, error) {
	if pr, ok := p.byName[region]; ok {
		return pr, nil
	}
	args := &aws.ProviderArgs{
		Region: pulumi.String(region),
		DefaultTags: &aws.ProviderDefaultTagsArgs{Tags: pulumi.StringMap{
			"project":    pulumi.String(p.ctx.Project()),
			"stack":      pulumi.String(p.ctx.Stack()),
			"managed-by": pulumi.String("pulumi"),
		}},
	}
	if p.hook != nil {
		p.hook(region, args)
	}
	if p.lost[region] {
		// No call at start-up: no credentials check, no account lookup, no region or metadata check.
		yes := pulumi.BoolPtr(true)
		args.SkipCredentialsValidation, args.SkipRequestingAccountId = yes, yes
		args.SkipRegionValidation, args.SkipMetadataApiCheck = yes, yes
	}
	pr, err := aws.NewProvider(p.ctx, "aws-"+region, args)
	if err != nil {
		return nil, fmt.Errorf("creating the %s provider: %w", region, err)
	}
	p.byName[region] = pr
	return pr, nil
}
