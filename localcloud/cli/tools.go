//go:build tools

// Package cli pins the Pulumi CLI that the local cloud drills run. It is a
// tools-only module: build.sh builds github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
// from it, at the versions recorded in go.mod and go.sum.
package cli

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
)
