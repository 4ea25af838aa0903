package drill

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

// inventoryKind maps a type token the drill compares with the emulator to its emulator.Inventory
// kind, and says whether the kind is global (no region) and which output holds the id (the
// resource ID when empty); ok is false for every other type.
func inventoryKind(typ string) (kind string, global bool, output string, ok bool) {
	switch typ {
	case "aws:ec2/vpc:Vpc":
		return "ec2:vpc", false, "", true
	case "aws:rds/instance:Instance":
		return "rds:db", false, "identifier", true
	case "aws:kms/key:Key", "aws:kms/replicaKey:ReplicaKey":
		return "kms:key", false, "", true
	case "aws:route53/zone:Zone":
		return "route53:zone", true, "", true
	case "aws:route53/healthCheck:HealthCheck":
		return "route53:healthcheck", true, "", true
	case "aws:s3/bucketV2:BucketV2":
		return "s3:bucket", true, "", true
	case "aws:iam/role:Role":
		return "iam:role", true, "", true
	}
	return "", false, "", false
}

// stateInventory is what a deployment's state says the emulator holds of the inventory kinds: each
// resource of a listed type, in the region of its provider.
func stateInventory(dep apitype.DeploymentV3) (emulator.Inventory, error) {
	regions := providerRegions(dep)
	inv := emulator.Inventory{}
	for _, r := range dep.Resources {
		kind, global, output, ok := inventoryKind(string(r.Type))
		if !ok || r.Delete {
			continue
		}
		id := string(r.ID)
		if output != "" {
			id, _ = r.Outputs[output].(string)
		}
		region := "global"
		if !global {
			region = regions[providerURN(r.Provider)]
		}
		if id == "" || region == "" {
			return nil, fmt.Errorf("state: %s has no id or region (provider %q)", r.URN, r.Provider)
		}
		inv.Add(kind, region, id)
	}
	return inv, nil
}

// providerRegions maps the URN of each provider of dep to its region.
func providerRegions(dep apitype.DeploymentV3) map[string]string {
	regions := map[string]string{}
	for _, r := range dep.Resources {
		if strings.HasPrefix(string(r.Type), "pulumi:providers:") {
			region, _ := r.Inputs["region"].(string)
			regions[string(r.URN)] = region
		}
	}
	return regions
}

// providerURN is the URN of a provider reference ("<urn>::<id>").
func providerURN(ref string) string {
	i := strings.LastIndex(ref, "::")
	if i < 0 {
		return ref
	}
	return ref[:i]
}

// checkInventory compares what the emulator holds of the inventory kinds in regions with what the
// stack's state says: nothing orphaned (in the emulator only: a duplicate or a leftover) and nothing
// missing (in the state only). ignore lists what the emulator holds that no stack owns (what Setup
// created), as "<kind> <region>/<id>".
func checkInventory(ctx context.Context, stack auto.Stack, cloud Cloud, regions, ignore []string) (int, error) {
	dep, err := deployment(ctx, stack)
	if err != nil {
		return 0, err
	}
	state, err := stateInventory(dep)
	if err != nil {
		return 0, err
	}
	held, err := emulator.ListInventory(ctx, cloud.Emulator, regions)
	if err != nil {
		return 0, err
	}
	orphans, missing := held.Diff(state)
	var extra []string
	for _, o := range orphans {
		if !slices.Contains(ignore, o) {
			extra = append(extra, o)
		}
	}
	if len(extra) > 0 || len(missing) > 0 {
		return 0, fmt.Errorf("the emulator and the state differ: orphaned (emulator only) %v; missing (state only) %v", extra, missing)
	}
	return state.Count(), nil
}
