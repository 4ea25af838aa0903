package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/multiregion/multiregion/localcloud/drill"
)

// restoreStack is the restore drill's stack (and service) name.
const restoreStack = "restore"

// restoreSettings is the restore drill's stack: the fleet's reduced configuration under
// drStrategy backup-restore, with AWS Backup on (its default) and no cache.
func restoreSettings() []byte { return reducedSettings(restoreStack, "backup-restore", 120) }

// restore runs the restore drill on the backup-restore stack st (drill.RunRestore), its CLI output
// appended to the stack's log in dir.
func restore(ctx context.Context, cloud drill.Cloud, st auto.Stack, dir string) error {
	log, err := os.OpenFile(filepath.Join(dir, restoreStack, "pulumi.log"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("opening the log of %s: %w", restoreStack, err)
	}
	defer log.Close()
	spec := drill.RestoreSpec{Label: "restore", Service: restoreStack, From: primary, To: target}
	if err := drill.RunRestore(ctx, cloud, st, spec, optup.ProgressStreams(log), optup.ErrorProgressStreams(log)); err != nil {
		return fmt.Errorf("the restore drill: %w (log %s)", err, log.Name())
	}
	return nil
}

// startRestore starts this command again with -restore-only (and the same flags): the restore drill,
// in a moto of its own, its lines on the same output.
func startRestore() (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this command: %w", err)
	}
	cmd := exec.Command(exe, append(os.Args[1:], "-restore-only")...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s -restore-only: %w", exe, err)
	}
	return cmd, nil
}
