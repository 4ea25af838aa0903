package drill

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

func TestNamedID(t *testing.T) {
	res := func(typ string, inputs map[string]any) apitype.ResourceV3 {
		return apitype.ResourceV3{Type: tokens.Type(typ), Inputs: inputs}
	}
	tests := []struct {
		name string
		r    apitype.ResourceV3
		want string
		ok   bool
	}{
		{"failover record", res("aws:route53/record:Record", map[string]any{"zoneId": "Z1", "name": "db.example.com.", "type": "CNAME", "setIdentifier": "us-west-2"}), "Z1_db.example.com_CNAME_us-west-2", true},
		{"simple record", res("aws:route53/record:Record", map[string]any{"zoneId": "Z1", "name": "app.example.com", "type": "A"}), "Z1_app.example.com_A", true},
		{"record with an unknown zone", res("aws:route53/record:Record", map[string]any{"name": "app.example.com", "type": "A"}), "", false},
		{"database", res("aws:rds/instance:Instance", map[string]any{"identifier": "db-us-east-1-1a2b3c4"}), "db-us-east-1-1a2b3c4", true},
		{"bucket", res("aws:s3/bucketV2:BucketV2", map[string]any{"bucket": "logs-1a2b"}), "logs-1a2b", true},
		{"bucket versioning", res("aws:s3/bucketVersioningV2:BucketVersioningV2", map[string]any{"bucket": "logs-1a2b"}), "logs-1a2b", true},
		{"role", res("aws:iam/role:Role", map[string]any{"name": "replication-1a2b"}), "replication-1a2b", true},
		{"alias", res("aws:kms/alias:Alias", map[string]any{"name": "alias/state"}), "alias/state", true},
		{"VPC: AWS assigns its ID", res("aws:ec2/vpc:Vpc", map[string]any{"cidrBlock": "10.0.0.0/16"}), "", false},
		{"key: AWS assigns its ID", res("aws:kms/key:Key", map[string]any{"description": "db"}), "", false},
		{"health check: AWS assigns its ID", res("aws:route53/healthCheck:HealthCheck", map[string]any{"fqdn": "app.example.com"}), "", false},
		{"database without a name yet", res("aws:rds/instance:Instance", map[string]any{}), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := namedID(tt.r)
			if got != tt.want || ok != tt.ok {
				t.Errorf("namedID = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestCLIKillTakesTheProcessGroup: kill SIGKILLs the CLI and every process it started (here a
// child in a process group of its own, as the CLI starts its plugins, which would outlive a kill of
// the CLI's group), and Run reports the death.
func TestCLIKillTakesTheProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := filepath.Join(dir, "pulumi")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsetsid sleep 60 &\necho $! > "+pidFile+"\nwait\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := &cli{path: script, running: map[*exec.Cmd]bool{}}
	done := make(chan error, 1)
	go func() {
		_, _, _, err := c.Run(context.Background(), dir, nil, nil, nil, nil, "up")
		done <- err
	}()
	var child int
	for deadline := time.Now().Add(10 * time.Second); child == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the script never started its child")
		}
		b, _ := os.ReadFile(pidFile)
		child, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	if n := c.kill(); n != 1 {
		t.Fatalf("kill = %d, want 1 CLI killed", n)
	}
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "killed") {
			t.Errorf("Run = %v, want the CLI killed", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after the kill")
	}
	for deadline := time.Now().Add(5 * time.Second); syscall.Kill(child, 0) == nil; time.Sleep(50 * time.Millisecond) {
		if b, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(child), "stat")); strings.Contains(string(b), ") Z ") {
			break // a zombie: dead, not yet reaped by init
		}
		if time.Now().After(deadline) {
			t.Fatalf("the CLI's child %d outlived the kill", child)
		}
	}
	if n := c.kill(); n != 0 {
		t.Errorf("kill with nothing running = %d", n)
	}
}

func TestHeldSeesALockFile(t *testing.T) {
	dir := t.TempDir()
	if held(dir) || held(filepath.Join(dir, "absent")) {
		t.Fatal("no lock file yet")
	}
	lock := filepath.Join(dir, "organization", "p", "s")
	if err := os.MkdirAll(lock, 0o755); err != nil {
		t.Fatal(err)
	}
	if held(dir) {
		t.Fatal("an empty lock directory is no lock")
	}
	if err := os.WriteFile(filepath.Join(lock, "0b1c.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !held(dir) {
		t.Error("the lock file is not seen")
	}
}

func TestReadStat(t *testing.T) {
	st, ok := readStat(os.Getpid())
	if !ok || st.ppid != os.Getppid() || st.pgrp != syscall.Getpgrp() || st.state == "" {
		t.Errorf("readStat(self) = %+v, %v; want ppid %d, pgrp %d", st, ok, os.Getppid(), syscall.Getpgrp())
	}
	if _, ok := readStat(1 << 30); ok {
		t.Error("a process that does not exist has no stat")
	}
}
