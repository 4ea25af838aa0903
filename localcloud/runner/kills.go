package main

import (
	"context"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/localcloud/emulator"
)

// dbInstances returns the RDS instance identifiers moto holds in region.
func dbInstances(ctx context.Context, endpoint, region string) ([]string, error) {
	inv, err := emulator.ListInventory(ctx, endpoint, []string{region})
	if err != nil {
		return nil, err
	}
	var ids []string
	for id := range inv["rds:db"] {
		ids = append(ids, id[len(region)+1:])
	}
	return ids, nil
}

// killWhileReplicaCreated kills the first up once moto holds the standby's database: its create
// was sent, and the CLI is still waiting for it (a pending create the state cannot resolve alone).
func killWhileReplicaCreated(standby string) *drill.Kill {
	return &drill.Kill{
		Name: "while the replica in " + standby + " is created",
		When: func(ctx context.Context, cloud drill.Cloud) (bool, error) {
			ids, err := dbInstances(ctx, cloud.Emulator, standby)
			return len(ids) > 0, err
		},
	}
}

// promotion is the smoke drill's failover: the replica becomes a standalone database (an in-place
// update, as the stack's promotion is), with the CLI killed once moto has promoted it and a second
// operator's up refused by the lock while the recovered up runs.
func promotion(standby string) drill.Change {
	return drill.Change{
		Name:     "promote",
		Config:   map[string]string{"localcloud-smoke:promoted": "true"},
		Stateful: components.StatefulTypes(),
		Kill: &drill.Kill{
			Name: "once moto has promoted the replica in " + standby,
			When: func(ctx context.Context, cloud drill.Cloud) (bool, error) {
				ids, err := dbInstances(ctx, cloud.Emulator, standby)
				if err != nil || len(ids) != 1 {
					return false, err
				}
				db, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, standby, ids[0])
				return err == nil && db.ReplicaSource == "", err
			},
		},
		Expect: func(_ context.Context, _ drill.Cloud, steps []drill.Step) error {
			for _, s := range steps {
				if s.Type == "aws:rds/instance:Instance" && s.Op == apitype.OpUpdate {
					return nil
				}
			}
			return fmt.Errorf("no in-place update of a database in the preview")
		},
		Check: func(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap) error {
			ids, err := dbInstances(ctx, cloud.Emulator, standby)
			if err != nil {
				return err
			}
			if len(ids) != 1 {
				return fmt.Errorf("moto holds %d databases in %s, want 1", len(ids), standby)
			}
			db, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, standby, ids[0])
			if err != nil {
				return err
			}
			if db.ReplicaSource != "" || outputs["replicaSource"].Value != "" {
				return fmt.Errorf("%s still replicates from %q (output %v)", ids[0], db.ReplicaSource, outputs["replicaSource"].Value)
			}
			return nil
		},
		Settle: true,
	}
}

// killWhileDeleting kills the destroy once moto has deleted one of the two databases.
func killWhileDeleting(primary, standby string) *drill.Kill {
	return &drill.Kill{
		Name: "once a database is deleted",
		When: func(ctx context.Context, cloud drill.Cloud) (bool, error) {
			n := 0
			for _, r := range []string{primary, standby} {
				ids, err := dbInstances(ctx, cloud.Emulator, r)
				if err != nil {
					return false, err
				}
				n += len(ids)
			}
			return n < 2, nil
		},
	}
}

// retag changes the VPC's tags while a second operator tries to run an up of the same stack: the
// lock refuses the second, and the first applies its one update.
func retag() drill.Change {
	return drill.Change{
		Name:           "retag",
		Config:         map[string]string{"localcloud-smoke:owner": "operator-1"},
		Stateful:       components.StatefulTypes(),
		SecondOperator: true,
		Expect: func(_ context.Context, _ drill.Cloud, steps []drill.Step) error {
			var changed []string
			for _, s := range steps {
				if s.Op != apitype.OpSame {
					changed = append(changed, string(s.Op)+" "+s.Type)
				}
			}
			if len(changed) != 1 || changed[0] != "update aws:ec2/vpc:Vpc" {
				return fmt.Errorf("want one update of the VPC, got %v", changed)
			}
			return nil
		},
		Check: func(_ context.Context, _ drill.Cloud, outputs auto.OutputMap) error {
			if got := outputs["vpcOwner"].Value; got != "operator-1" {
				return fmt.Errorf("the VPC's owner tag is %v, want operator-1: the first operator's up did not apply", got)
			}
			return nil
		},
		Settle: true,
	}
}
