// Command stackrunner runs the stack drill: the real multiregion stack program
// (stacks.Program) on the real Pulumi engine against moto, with the settings of
// localcloud/Pulumi.local.yaml and multiregion:emulatorEndpoint set to the moto it starts:
// preview -> up -> refresh -> preview (no change allowed) -> failover -> destroy.
//
// The failover sets multiregion:primaryRegion to -failover (default us-east-1), previews it
// with the real provider's diff and fails if a step would replace or delete a stateful
// resource (components.StatefulTypes), requires the new primary's RDS instance to be updated
// in place (its replicateSourceDb dropped) and the other instances to keep their
// final-snapshot settings, applies it, asks the emulator's RDS API that the instance is now
// standalone and the others still exist, then refreshes and previews again (no change
// allowed).
//
//	localcloud/build.sh
//	go run ./localcloud/stackrunner -root localcloud/.bin -pulumi-home localcloud/.bin/home
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/localcloud/emulator"
	"github.com/multiregion/multiregion/stacks"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	config := flag.String("config", "localcloud/Pulumi.local.yaml", "the stack settings file")
	stack := flag.String("stack", "local", "the stack name")
	target := flag.String("failover", "us-east-1", "the region the failover drill promotes (empty: no failover drill)")
	flag.Parse()

	settings, err := os.ReadFile(*config)
	if err != nil {
		fmt.Fprintln(os.Stderr, "localcloud: stack settings:", err)
		os.Exit(2)
	}
	spec := drill.Spec{
		Name:     *stack,
		Project:  stacks.Namespace,
		Settings: settings,
		Program: func(endpoint string) (pulumi.RunFunc, map[string]string) {
			return stacks.Program, map[string]string{stacks.Namespace + ":emulatorEndpoint": endpoint}
		},
	}
	if *target != "" {
		spec.Failover = failover(*target)
	}
	os.Exit(drill.Main(opts, spec))
}

// dbInstance is the RDS instance's type token.
const dbInstance = "aws:rds/instance:Instance"

// failover is the drill of a change of primaryRegion to target.
func failover(target string) *drill.Failover {
	return &drill.Failover{
		Config:   map[string]string{stacks.Namespace + ":primaryRegion": target},
		Stateful: components.StatefulTypes(),
		Expect: func(steps []drill.Step) error {
			// The promotion must be the provider's in-place update, and every other database keeps
			// its final-snapshot settings (the former writer holds the last writes).
			promoted := false
			for _, s := range steps {
				if s.Type != dbInstance {
					continue
				}
				if strings.HasSuffix(s.URN, "::web-"+target+"-db") {
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
		},
		Check: func(ctx context.Context, endpoint string, outputs auto.OutputMap) error {
			regions, _ := outputs["regions"].Value.(map[string]any)
			if _, ok := regions[target]; !ok || len(regions) < 2 {
				return fmt.Errorf("output regions must list %s and another region: %v", target, outputs["regions"].Value)
			}
			for name, v := range regions {
				r, _ := v.(map[string]any)
				role, _ := r["role"].(string)
				if (name == target) != (role == string(components.RolePrimary)) {
					return fmt.Errorf("output regions.%s.role = %q after the failover to %s", name, role, target)
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
				fmt.Printf("localcloud: failover: %s in %s kept (source %q)\n", other.Identifier, name, other.ReplicaSource)
			}
			return nil
		},
	}
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
