package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"

	"github.com/multiregion/multiregion/localcloud/drill"
)

// restoreStack is the restore drill's stack (and service) name.
const restoreStack = "restore"

// restoreSettings is the restore drill's stack: the fleet's reduced configuration under
// drStrategy backup-restore, with AWS Backup on (its default) and no cache.
func restoreSettings() []byte {
	return fmt.Appendf(nil, `config:
  multiregion:primaryRegion: %[2]s
  multiregion:drStrategy: backup-restore
  multiregion:azCount: 3
  multiregion:regions:
    - name: %[2]s
      cidr: 10.120.0.0/16
    - name: %[3]s
      cidr: 10.121.0.0/16
  multiregion:service:
    name: %[1]s
    image: %[1]s:1.0.0
    port: 8080
    cpu: 256
    memory: 512
    desiredCount: 1
    minCount: 1
    maxCount: 2
    healthPath: /health
  multiregion:logRetentionDays: 1
  multiregion:protect: false
  multiregion:edge:
    route53: false
    cloudFront: false
    globalAccelerator: true
    waf: false
    allowPlainHttp: true
  multiregion:database:
    engine: postgres
    engineVersion: "16.4"
    instanceClass: db.r6g.large
    allocatedStorage: 100
  multiregion:cache:
    enabled: false
`, restoreStack, primary, target)
}

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
