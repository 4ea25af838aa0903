package drill

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"

	"github.com/multiregion/multiregion/localcloud/emulator"
	"github.com/multiregion/multiregion/stateful"
)

// RestoreSpec is the restore drill of a backup-restore stack (docs/datatier.md, "Backup and
// restore"): its writer in From is snapshotted, the snapshot copied to To under To's key, and a
// failover to To with database.restoreFrom set to the copy creates To's writer from it.
type RestoreSpec struct {
	// Label prefixes the drill's lines.
	Label string
	// Service is the stack's service name (the data tiers are "<service>-<region>").
	Service string
	// From is the writer's region; To the region restored into.
	From, To string
}

// RunRestore runs the restore drill on stack, deployed with From as primary under backup-restore:
// snapshot, copy, the failover's up with restoreFrom, the restored writer's settings (encrypted with
// To's key, in To's DB subnet group and database security group), the former writer kept, then a
// refresh and a preview that must show no change; then the logical-corruption runbook on the restored
// writer (recoverBeside). It prints every step's time.
func RunRestore(ctx context.Context, cloud Cloud, stack auto.Stack, r RestoreSpec, opts ...optup.Option) error {
	writer, target := r.Service+"-"+r.From, r.Service+"-"+r.To
	out, err := stack.Outputs(ctx)
	if err != nil {
		return fmt.Errorf("the outputs: %w", err)
	}
	key := regionOutput(out, r.To, "kmsKeyArn")
	if key == "" {
		return fmt.Errorf("output regions.%s.kmsKeyArn is empty", r.To)
	}
	if id := regionOutput(out, r.To, "dbIdentifier"); id != "" {
		return fmt.Errorf("%s holds a database (%s) before the restore: the stack is not backup-restore", r.To, id)
	}
	t0 := time.Now()
	snap, err := emulator.SnapshotDB(ctx, cloud.Emulator, r.From, writer, writer+"-drill")
	if err != nil {
		return err
	}
	copied, err := emulator.CopySnapshot(ctx, cloud.Emulator, r.To, snap, writer+"-drill-copy", key)
	if err != nil {
		return err
	}
	phase(r.Label, "snapshot and copy", time.Since(t0), copied)

	before, err := deployment(ctx, stack)
	if err != nil {
		return err
	}
	t0 = time.Now()
	if err := stack.SetConfig(ctx, "multiregion:primaryRegion", auto.ConfigValue{Value: r.To}); err != nil {
		return fmt.Errorf("setting primaryRegion: %w", err)
	}
	if err := stack.SetConfigWithOptions(ctx, "multiregion:database.restoreFrom", auto.ConfigValue{Value: copied},
		&auto.ConfigOptions{Path: true}); err != nil {
		return fmt.Errorf("setting database.restoreFrom: %w", err)
	}
	res, err := stack.Up(ctx, opts...)
	if err != nil {
		return fmt.Errorf("the failover's up (primaryRegion %s, restoreFrom %s): %w", r.To, copied, err)
	}
	phase(r.Label, "failover up (restoreFrom)", time.Since(t0), summary(opMap(res.Summary.ResourceChanges)))

	t0 = time.Now()
	dep, err := deployment(ctx, stack)
	if err != nil {
		return err
	}
	if lost := lostStateful(before, dep); len(lost) > 0 {
		return fmt.Errorf("the failover's up deleted or replaced stateful resources: %v", lost)
	}
	got, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, r.To, target)
	if err != nil {
		return fmt.Errorf("the restored writer: %w", err)
	}
	sg := resourceID(dep, "aws:ec2/securityGroup:SecurityGroup", target+"-db")
	if problems := restoredProblems(got, key, target, sg); len(problems) > 0 {
		return fmt.Errorf("the restored writer %s: %s", target, strings.Join(problems, "; "))
	}
	if _, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, r.From, writer); err != nil {
		return fmt.Errorf("the former writer %s is gone: %w", writer, err)
	}
	phase(r.Label, "restored writer checked", time.Since(t0),
		fmt.Sprintf("%s: encrypted with %s's key, subnet group %s, security group %s; former writer %s kept", target, r.To, got.SubnetGroup, sg, writer))

	t0 = time.Now()
	if _, err := stack.Refresh(ctx, optrefresh.Message("restore drill: refresh")); err != nil {
		return fmt.Errorf("refresh after the restore: %w", err)
	}
	pre, err := stack.Preview(ctx, optpreview.Diff())
	if err != nil {
		return fmt.Errorf("preview after the restore: %w", err)
	}
	if n := changes(pre.ChangeSummary); n > 0 {
		return fmt.Errorf("the preview after the restore and a refresh shows %d changes (%s): the restore inputs must be create-only; the diff: %s",
			n, summary(pre.ChangeSummary), strings.Join(strings.Fields(diffLines(pre.StdOut, 40)), " "))
	}
	phase(r.Label, "refresh + no-change preview", time.Since(t0), summary(pre.ChangeSummary))
	return recoverBeside(ctx, cloud, stack, r, opts...)
}

// recoverBeside runs the runbook "A bad migration dropped a table" (docs/datatier.md) on the restored
// writer: database.recovery.<To> restores it to its latest restorable time into a new instance beside
// it, the writer untouched; then the key is removed and the up deletes the copy.
func recoverBeside(ctx context.Context, cloud Cloud, stack auto.Stack, r RestoreSpec, opts ...optup.Option) error {
	writer := r.Service + "-" + r.To
	copyID := writer + "-" + recoveryName
	before, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, r.To, writer)
	if err != nil {
		return fmt.Errorf("the writer before the recovery: %w", err)
	}
	t0 := time.Now()
	if err := stack.SetConfigWithOptions(ctx, "multiregion:database.recovery."+r.To+".name", auto.ConfigValue{Value: recoveryName},
		&auto.ConfigOptions{Path: true}); err != nil {
		return fmt.Errorf("setting database.recovery.%s: %w", r.To, err)
	}
	res, err := stack.Up(ctx, opts...)
	if err != nil {
		return fmt.Errorf("the recovery's up: %w", err)
	}
	got, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, r.To, copyID)
	if err != nil {
		return fmt.Errorf("the recovery instance: %w", err)
	}
	after, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, r.To, writer)
	if err != nil || after.ARN != before.ARN || after.Address != before.Address {
		return fmt.Errorf("the writer changed during the recovery: %+v -> %+v (%v)", before, after, err)
	}
	if p := restoredProblems(got, before.KMSKeyID, before.SubnetGroup, firstOf(before.SecurityGroups)); len(p) > 0 {
		return fmt.Errorf("the recovery instance %s: %s", copyID, strings.Join(p, "; "))
	}
	phase(r.Label, "recovery beside the writer", time.Since(t0), fmt.Sprintf("%s: %s; writer %s untouched", copyID, summary(opMap(res.Summary.ResourceChanges)), writer))

	t0 = time.Now()
	if err := stack.RemoveConfigWithOptions(ctx, "multiregion:database.recovery", &auto.ConfigOptions{Path: true}); err != nil {
		return fmt.Errorf("removing database.recovery: %w", err)
	}
	if res, err = stack.Up(ctx, opts...); err != nil {
		return fmt.Errorf("the up that removes the recovery instance: %w", err)
	}
	if _, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, r.To, copyID); err == nil {
		return fmt.Errorf("the recovery instance %s is still there after its key was removed", copyID)
	}
	if _, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, r.To, writer); err != nil {
		return fmt.Errorf("the writer after the recovery instance went: %w", err)
	}
	phase(r.Label, "recovery instance removed", time.Since(t0), summary(opMap(res.Summary.ResourceChanges)))
	return nil
}

// recoveryName ends the recovery instance's identifier in the drill.
const recoveryName = "drill"

// firstOf is the first of list, "" when empty.
func firstOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// diffLines keeps, of a `pulumi preview --diff` output, at most n lines that show a change (the
// resource lines and their changed properties, marked ~, +, - or +-).
func diffLines(out string, n int) string {
	var kept []string
	for _, line := range strings.Split(out, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "~") || strings.HasPrefix(t, "+") || strings.HasPrefix(t, "-") {
			kept = append(kept, line)
		}
		if len(kept) == n {
			break
		}
	}
	return strings.Join(kept, "\n")
}

// restoredProblems lists what is wrong with the restored writer got: it must be available, encrypted
// with key, in subnet group and behind security group sg.
func restoredProblems(got emulator.DBInstance, key, subnetGroup, sg string) []string {
	var p []string
	if got.Status != "available" {
		p = append(p, fmt.Sprintf("status %q, want available", got.Status))
	}
	if !got.Encrypted || got.KMSKeyID != key {
		p = append(p, fmt.Sprintf("encrypted %v with %q, want %q (the region's own key)", got.Encrypted, got.KMSKeyID, key))
	}
	if got.SubnetGroup != subnetGroup {
		p = append(p, fmt.Sprintf("DB subnet group %q, want %q", got.SubnetGroup, subnetGroup))
	}
	if sg == "" || !slices.Equal(got.SecurityGroups, []string{sg}) {
		p = append(p, fmt.Sprintf("security groups %v, want [%s] (the data tier's database group)", got.SecurityGroups, sg))
	}
	return p
}

// lostStateful lists the stateful resources (stateful.Types) of before that after no longer holds
// under the same URN and ID: deleted or replaced.
func lostStateful(before, after apitype.DeploymentV3) []string {
	ids := map[string]string{}
	for _, res := range after.Resources {
		ids[string(res.URN)] = string(res.ID)
	}
	var lost []string
	for _, res := range before.Resources {
		if !slices.Contains(stateful.Types(), string(res.Type)) {
			continue
		}
		if id, ok := ids[string(res.URN)]; !ok || id != string(res.ID) {
			lost = append(lost, res.URN.Name()+" ("+string(res.Type)+")")
		}
	}
	return lost
}

// regionOutput is the string output regions.<region>.<name>, "" when absent.
func regionOutput(out auto.OutputMap, region, name string) string {
	regions, _ := out["regions"].Value.(map[string]any)
	r, _ := regions[region].(map[string]any)
	s, _ := r[name].(string)
	return s
}

// resourceID is the ID of the resource of type typ and logical name in dep, "" when none.
func resourceID(dep apitype.DeploymentV3, typ, name string) string {
	for _, res := range dep.Resources {
		if string(res.Type) == typ && res.URN.Name() == name {
			return string(res.ID)
		}
	}
	return ""
}
