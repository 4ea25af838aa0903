package stacks

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// A lost region is one whose AWS APIs are unreachable (multiregion:lostRegions). The program asks
// nothing of it and changes nothing there, while it moves everything else:
//   - its provider is created with every start-up call skipped (credentials, account, region checks);
//   - the components get the account from the primary's provider and its AZs from the last
//     deployment, so no invoke goes there;
//   - its components are built with the role it had at the last deployment (read from this stack's own
//     outputs), so the program registers the same resources there, under the same names;
//   - every resource on its provider is registered with ignoreChanges on all its inputs (a stack
//     transform): the engine keeps the inputs the last deployment recorded and never asks the
//     provider to update, replace or delete it.
// docs/lostregion.md has the runbook and what stays frozen.

// Lost reports whether region is in multiregion:lostRegions.
func (c *Config) Lost(region string) bool { return slices.Contains(c.LostRegions, region) }

// validateLost checks multiregion:lostRegions against the rest of the configuration.
func (c *Config) validateLost() []error {
	var errs []error
	add := func(k, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key(k), fmt.Sprintf(format, v...)))
	}
	regions := c.regionNames()
	for i, r := range c.LostRegions {
		k := fmt.Sprintf("lostRegions[%d]", i)
		switch {
		case !slices.Contains(regions, r):
			add(k, "%q is not among the regions %v (only a workload region can be lost)", r, regions)
		case slices.Index(c.LostRegions, r) != i:
			add(k, "%q is already lostRegions[%d]; each region appears once", r, slices.Index(c.LostRegions, r))
		case r == c.PrimaryRegion:
			add(k, "%q is lost, and it is primaryRegion; set primaryRegion to a region that is reachable (%v) in the same change", r, c.reachable())
		case r == GlobalRegion:
			add(k, "%q holds Route 53, CloudFront, the certificates of the edge and the data names: the program cannot move the service without it, and losing it is not supported (docs/lostregion.md)", r)
		}
	}
	return errs
}

// reachable returns the regions that are not lost.
func (c *Config) reachable() []string {
	var out []string
	for _, r := range c.regionNames() {
		if !c.Lost(r) {
			out = append(out, r)
		}
	}
	return out
}

// frozenRegion is what the last deployment left in a lost region: what the program needs to register
// the same resources there without asking the region anything.
type frozenRegion struct {
	role components.Role
	azs  []string
}

// readLast reads, through a StackReference to this very stack, what the last deployment exported
// (primaryRegion, drStrategy, regions) when the configuration needs it: with lost regions, or under
// backup-restore. d.last stays nil otherwise, and on the first deployment.
func (d *Deployment) readLast(ctx *pulumi.Context) error {
	cfg := d.Config
	if len(cfg.LostRegions) == 0 && cfg.Strategy != BackupRestore {
		return nil
	}
	k := key("lostRegions")
	if len(cfg.LostRegions) == 0 {
		k = key("drStrategy")
	}
	self := ctx.Organization() + "/" + ctx.Project() + "/" + ctx.Stack()
	ref, err := pulumi.NewStackReference(ctx, "last-deployment", &pulumi.StackReferenceArgs{Name: pulumi.String(self)})
	if err != nil {
		return fmt.Errorf("%s: reading the last deployment of %s: %w", k, self, err)
	}
	last := &lastDeployment{regions: map[string]map[string]any{}}
	for _, name := range []string{"regions", "primaryRegion", "drStrategy"} {
		out, err := ref.GetOutputDetails(name)
		if err != nil {
			return fmt.Errorf("%s: reading the last deployment's %s output: %w", k, name, err)
		}
		if out == nil || out.Value == nil {
			continue
		}
		switch name {
		case "regions":
			all, _ := out.Value.(map[string]any)
			for r, v := range all {
				if m, ok := v.(map[string]any); ok {
					last.regions[r] = m
				}
			}
		case "primaryRegion":
			last.primary, _ = out.Value.(string)
		case "drStrategy":
			s, _ := out.Value.(string)
			last.strategy = Strategy(s)
		}
	}
	if last.primary != "" || len(last.regions) > 0 || len(cfg.LostRegions) > 0 {
		d.last = last
	}
	return nil
}

// readFrozen takes, from the last deployment (readLast), what it exported about each lost region
// (regions.<region>.role and .availabilityZones). It reads nothing without lost regions.
func (d *Deployment) readFrozen(ctx *pulumi.Context) error {
	cfg := d.Config
	if len(cfg.LostRegions) == 0 {
		return nil
	}
	self := ctx.Organization() + "/" + ctx.Project() + "/" + ctx.Stack()
	var regions map[string]map[string]any
	if d.last != nil {
		regions = d.last.regions
	}
	d.frozen = map[string]frozenRegion{}
	for _, r := range cfg.LostRegions {
		last := regions[r]
		role := components.Role(fmt.Sprint(last["role"]))
		var azs []string
		if list, ok := last["availabilityZones"].([]any); ok {
			for _, az := range list {
				azs = append(azs, fmt.Sprint(az))
			}
		}
		if !role.Valid() || len(azs) == 0 {
			return fmt.Errorf("%s: the last deployment of %s exported no role and availability zones for %s "+
				"(regions.%s.role, regions.%s.availabilityZones), so the program cannot keep what is there untouched; "+
				"a stack deployed before lost-region support must be deployed once while the region is reachable",
				key("lostRegions"), self, r, r, r)
		}
		d.frozen[r] = frozenRegion{role: role, azs: azs}
	}
	cfg.frozenRoles = map[string]components.Role{}
	for r, f := range d.frozen {
		cfg.frozenRoles[r] = f.role
	}
	return nil
}

// freezeLost registers the stack transform that freezes every resource on a lost region's provider.
func (d *Deployment) freezeLost(ctx *pulumi.Context) error {
	if len(d.Config.LostRegions) == 0 {
		return nil
	}
	lost := map[string]bool{}
	for _, r := range d.Config.LostRegions {
		p, err := d.Providers.For(r)
		if err != nil {
			return err
		}
		urn, err := internals.UnsafeAwaitOutput(ctx.Context(), p.URN())
		if err != nil {
			return fmt.Errorf("reading the %s provider's URN: %w", r, err)
		}
		lost[fmt.Sprint(urn.Value)] = true
	}
	d.lostProviders = lost
	if err := ctx.RegisterResourceTransform(d.Freeze); err != nil {
		return fmt.Errorf("%s: registering the transform that freezes the lost regions: %w", key("lostRegions"), err)
	}
	return nil
}

// Freeze is the stack transform of a deployment with lost regions: a custom resource on a lost
// region's provider is registered with ignoreChanges on every input the program gives it, so that the
// engine keeps the values the last deployment recorded and asks that provider for nothing. Other
// resources are left alone (nil).
//
// It lists the inputs by name rather than ignoring "*": the provider applies an ignored path by taking
// the value of its last state, and "*" also takes the computed attributes no program sets (an SNS
// subscription's filter_policy_scope), which its own validation then rejects. A lost region's
// components are built with the role and zones of the last deployment, so they set the same inputs.
func (d *Deployment) Freeze(ctx context.Context, args *pulumi.ResourceTransformArgs) *pulumi.ResourceTransformResult {
	if !args.Custom || args.Opts.Provider == nil || len(d.lostProviders) == 0 {
		return nil
	}
	urn, err := internals.UnsafeAwaitOutput(ctx, args.Opts.Provider.URN())
	if err != nil || !d.lostProviders[fmt.Sprint(urn.Value)] {
		return nil
	}
	opts := args.Opts
	opts.IgnoreChanges = slices.Sorted(maps.Keys(args.Props))
	return &pulumi.ResourceTransformResult{Props: args.Props, Opts: opts}
}
