// Command stackrunner runs the stack drill: the real multiregion stack program
// (stacks.Program) on the real Pulumi engine against moto, with prod's own settings
// (Pulumi.prod.yaml) changed only by localcloud/Pulumi.local.yaml (protect off), and every
// region's provider pointed at moto through the drill's region proxy (stacks.WithProviderHook).
// The workspace runs the project's own Pulumi.yaml, so the CLI validates the configuration as it
// does for a user. Before the first preview it creates what prod expects to find in the account
// (the hosted zone edge.hostedZone names). Then: preview (no error, no warning, and no violation
// of the policy pack -policy-pack that policy-config.json does not exempt: docs/awsguard.md) -> up -> refresh
// -> preview (no change allowed) -> the lost-region drill (lostregion.go: -lose goes dark,
// -failover becomes the primary with 0 requests to the dark region, then the region returns and
// rejoins; with -ops, the default, the failover and the rejoin are the operator command's plans,
// opsdrill.go) -> destroy. With an empty -lose the failover is a planned one, every region reachable.
//
//	localcloud/build.sh
//	cd localcloud && go run ./stackrunner -root .bin -pulumi-home .bin/home
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"gopkg.in/yaml.v3"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/localcloud/emulator"
	"github.com/multiregion/multiregion/stacks"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	root := drill.ProjectRoot()
	config := flag.String("config", filepath.Join(root, "Pulumi.prod.yaml"), "the stack settings file to deploy")
	overrides := flag.String("overrides", filepath.Join(root, "localcloud", "Pulumi.local.yaml"), "the local tier's changes to -config (empty: none)")
	project := flag.String("project", filepath.Join(root, "Pulumi.yaml"), "the project file (its config schema is enforced)")
	stack := flag.String("stack", "local", "the stack name")
	target := flag.String("failover", "us-east-1", "the region the failover drill promotes (empty: no failover drill)")
	lose := flag.String("lose", "us-west-2", "the region the failover drill darkens and lists in lostRegions, then brings back and rejoins (empty: a planned failover, every region reachable)")
	useOps := flag.Bool("ops", true, "run the lost-region drill's failover, return and rejoin through the operator command (package ops: multiregion-ops failover --lost, then rejoin) instead of the drill's own config changes")
	opsCache := flag.Bool("ops-cache-failover", false, "with -ops, let the command's Global Datastore failover call the emulator's fake (fake_elasticache.py) instead of recording a no-op")
	faults := drill.RegisterFaultFlags(flag.CommandLine, 0.05)
	previewOnly := flag.Bool("preview-only", false, "stop after the first preview (no error and no warning allowed)")
	policyDir := filepath.Join(root, "localcloud", "policy")
	policyPack := flag.String("policy-pack", filepath.Join(policyDir, "pulumi-analyzer-policy"), "the policy pack the first preview runs (--policy-pack; docs/awsguard.md); empty: none")
	policyConfig := flag.String("policy-config", filepath.Join(policyDir, "policy-config.json"), "the policy pack's config and exemptions (--policy-pack-config)")
	flag.Parse()

	settings, cfg, err := load(*config, *overrides)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcloud: stack settings:", err)
		os.Exit(2)
	}
	acct := &account{}
	spec := drill.Spec{
		Name:        *stack,
		Project:     stacks.Namespace,
		ProjectFile: *project,
		Settings:    settings,
		Setup:       acct.setup(cfg),
		// moto must hold exactly what the state says after up, after every change and after destroy.
		Inventory:       regionNames(cfg),
		InventoryIgnore: acct.owned,
		PreviewOnly:     *previewOnly,
		// A config secret: every preview and up, the dark ones too, must decrypt it through the
		// stack's secrets provider (here a passphrase: nothing of it lives in a region).
		Secrets: map[string]string{"localcloud:canary": "the secrets provider answers"},
		Program: func(endpoint string) (pulumi.RunFunc, map[string]string) {
			// Every region's provider goes to the emulator: the one change to the program.
			hook := func(_ string, args *aws.ProviderArgs) { emulator.Configure(args, endpoint) }
			return stacks.NewProgram(stacks.WithProviderHook(hook)), nil
		},
	}
	switch {
	case *target == "":
	case *lose == "":
		spec.Changes = []drill.Change{planned(*target, serviceName(cfg))}
	default:
		// The stack's secrets are encrypted with a multi-Region key homed in the region that goes
		// dark; the dark phase moves the stack to the key's replica in the target, as an operator
		// would (docs/statebackend.md), before the preview.
		acct.keyHome, acct.keyReplica = *lose, *target
		spec.SecretsProvider = func(cloud drill.Cloud) string { return secretsURL(*lose, cloud.Proxy.URL()) }
		spec.Changes = lostRegion(*lose, *target, serviceName(cfg), regionNames(cfg))
		if *useOps {
			spec.Changes = lostRegionOps(*lose, *target, serviceName(cfg), regionNames(cfg), *opsCache)
			// moto reports 0 running tasks unless told otherwise; the command's pre-checks refuse a
			// warm standby that runs none, as they must in AWS.
			spec.MotoEnv = append(spec.MotoEnv, "MOTO_ECS_SERVICE_RUNNING=1")
		}
	}
	if *policyPack != "" {
		spec.Policy = &drill.PolicyPack{Path: *policyPack, Config: *policyConfig}
	}
	faults.Apply(&spec)
	os.Exit(drill.Main(opts, spec))
}

// settingsFile is a stack settings file (Pulumi.<stack>.yaml).
type settingsFile struct {
	Config map[string]any `yaml:"config"`
}

// load reads the settings file at path, replaces the keys that the file at overrides sets, and
// returns the result and its config.
func load(path, overrides string) ([]byte, map[string]any, error) {
	var base settingsFile
	if err := readYAML(path, &base); err != nil {
		return nil, nil, err
	}
	if base.Config == nil {
		base.Config = map[string]any{}
	}
	if overrides != "" {
		var over settingsFile
		if err := readYAML(overrides, &over); err != nil {
			return nil, nil, err
		}
		for k, v := range over.Config {
			base.Config[k] = v
		}
	}
	out, err := yaml.Marshal(base)
	if err != nil {
		return nil, nil, err
	}
	return out, base.Config, nil
}

func readYAML(path string, into any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// section returns the object value of multiregion:<name>, or nil.
func section(cfg map[string]any, name string) map[string]any {
	m, _ := cfg[stacks.Namespace+":"+name].(map[string]any)
	return m
}

// serviceName is the configured service name (service.name, default app).
func serviceName(cfg map[string]any) string {
	if name, _ := section(cfg, "service")["name"].(string); name != "" {
		return name
	}
	return "app"
}

// regionNames are the names of multiregion:regions, in order.
func regionNames(cfg map[string]any) []string {
	list, _ := cfg[stacks.Namespace+":regions"].([]any)
	var names []string
	for _, v := range list {
		if m, ok := v.(map[string]any); ok {
			if name, ok := m["name"].(string); ok {
				names = append(names, name)
			}
		}
	}
	return names
}

// account is what the drill's setup created in the account: what the stack expects to find there,
// and owns none of.
type account struct {
	// zoneID is the hosted zone edge.hostedZone names, when setup created one.
	zoneID string
	// keyHome and keyReplica are the regions of the secrets provider's multi-Region KMS key and of
	// its replica (the bootstrap of docs/statebackend.md), keyID its ID once created.
	keyHome, keyReplica, keyID string
}

// secretsAlias names the stack's secrets key in both regions.
const secretsAlias = "localcloud-secrets"

// secretsURL is the stack's secrets provider in region: the key's copy there, reached through the
// region proxy at endpoint, so that its requests are counted (and refused when region is dark).
func secretsURL(region, endpoint string) string {
	return "awskms://alias/" + secretsAlias + "?region=" + region + "&endpoint=" + url.QueryEscape(endpoint)
}

// setup creates what the stack expects to exist in the account: the hosted zone that
// edge.hostedZone names (a zone name; not an ID, and not one the stack creates itself).
func (a *account) setup(cfg map[string]any) func(ctx context.Context, endpoint string) error {
	zone, _ := section(cfg, "edge")["hostedZone"].(string)
	lookup := zone != "" && !strings.HasPrefix(zone, "create:") && !strings.HasPrefix(zone, "Z")
	return func(ctx context.Context, endpoint string) error {
		if lookup {
			id, err := emulator.CreateHostedZone(ctx, endpoint, zone)
			if err != nil {
				return err
			}
			a.zoneID = id
			fmt.Printf("localcloud: setup: hosted zone %s (%s), as the account holds it in production\n", zone, id)
		}
		if a.keyHome != "" {
			id, err := emulator.CreateMultiRegionKey(ctx, endpoint, a.keyHome, a.keyReplica, secretsAlias)
			if err != nil {
				return err
			}
			a.keyID = id
			fmt.Printf("localcloud: setup: the secrets provider's multi-Region key %s in %s, replica in %s (docs/statebackend.md)\n", id, a.keyHome, a.keyReplica)
		}
		return nil
	}
}

// owned are the inventory entries of what setup created, which the stack's state does not hold.
func (a *account) owned() []string {
	var out []string
	if a.zoneID != "" {
		out = append(out, "route53:zone global/"+a.zoneID)
	}
	if a.keyID != "" {
		out = append(out, "kms:key "+a.keyHome+"/"+a.keyID, "kms:key "+a.keyReplica+"/"+a.keyID)
	}
	return out
}

// dbInstance is the RDS instance's type token.
const dbInstance = "aws:rds/instance:Instance"

// planned is the drill of a planned change of primaryRegion to target with every region
// reachable; service is the service name, which the databases' names start with.
func planned(target, service string) drill.Change {
	return drill.Change{
		Name:     "failover",
		Config:   map[string]string{stacks.Namespace + ":primaryRegion": target},
		Stateful: components.StatefulTypes(),
		Expect: func(_ context.Context, _ drill.Cloud, steps []drill.Step) error {
			return promotes(steps, service, target)
		},
		Check: func(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap) error {
			return checkPromoted(ctx, cloud.Emulator, outputs, target, "")
		},
		Settle: true,
	}
}

// promotes checks a failover's steps: the promotion of target's database must be the provider's
// in-place update, and every other database keeps its final-snapshot settings (the former writer
// holds the last writes).
func promotes(steps []drill.Step, service, target string) error {
	promoted := false
	for _, s := range steps {
		if s.Type != dbInstance {
			continue
		}
		if strings.HasSuffix(s.URN, "::"+service+"-"+target+"-db") {
			if s.Op != apitype.OpUpdate || !slices.Contains(s.Diffs, "replicateSourceDb") {
				return fmt.Errorf("%s: %s of %v, want an update of replicateSourceDb (promotion)", s.URN, s.Op, s.Diffs)
			}
			promoted = true
			continue
		}
		for _, k := range []string{"skipFinalSnapshot", "finalSnapshotIdentifier"} {
			if slices.Contains(s.Diffs, k) {
				return fmt.Errorf("%s: the failover changes %s of a database that is not promoted", s.URN, k)
			}
		}
	}
	if !promoted {
		return fmt.Errorf("no step for the RDS instance of %s", target)
	}
	return nil
}

// checkPromoted checks the outputs and the emulator after a failover to target: target is the only
// primary, its database is standalone and available, and every other region's database is still
// there (lost, if not empty, is a region the providers cannot reach; moto is asked directly).
func checkPromoted(ctx context.Context, endpoint string, outputs auto.OutputMap, target, lost string) error {
	regions, _ := outputs["regions"].Value.(map[string]any)
	if _, ok := regions[target]; !ok || len(regions) < 2 {
		return fmt.Errorf("output regions must list %s and another region: %v", target, outputs["regions"].Value)
	}
	for name, v := range regions {
		r, _ := v.(map[string]any)
		role, _ := r["role"].(string)
		// A lost region keeps the role it was deployed with (the old primary's, here) until it returns.
		want := name == target || name == lost
		if want != (role == string(components.RolePrimary)) {
			return fmt.Errorf("output regions.%s.role = %q after the failover to %s (lost: %q)", name, role, target, lost)
		}
	}
	db, err := instance(ctx, endpoint, regions, target)
	if err != nil {
		return err
	}
	if db.ReplicaSource != "" {
		return fmt.Errorf("%s in %s still replicates from %s: not promoted", db.Identifier, target, db.ReplicaSource)
	}
	if db.Status != "available" {
		return fmt.Errorf("%s in %s is %q, want available", db.Identifier, target, db.Status)
	}
	fmt.Printf("localcloud: failover: %s in %s is standalone (promoted in place)\n", db.Identifier, target)
	// Every other region's database is still there: nothing was deleted.
	for name := range regions {
		if name == target {
			continue
		}
		other, err := instance(ctx, endpoint, regions, name)
		if err != nil {
			return fmt.Errorf("after the failover: %w", err)
		}
		note := ""
		if name == lost {
			note = " (lost: untouched)"
		}
		fmt.Printf("localcloud: failover: %s in %s kept (source %q)%s\n", other.Identifier, name, other.ReplicaSource, note)
	}
	return nil
}

// instance asks the emulator for the RDS instance named by region's dbIdentifier output.
func instance(ctx context.Context, endpoint string, regions map[string]any, region string) (emulator.DBInstance, error) {
	r, _ := regions[region].(map[string]any)
	id, _ := r["dbIdentifier"].(string)
	if id == "" {
		return emulator.DBInstance{}, fmt.Errorf("output regions.%s.dbIdentifier is empty", region)
	}
	return emulator.DescribeDBInstance(ctx, endpoint, region, id)
}
