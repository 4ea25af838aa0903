package main

import (
	"context"

	"github.com/multiregion/multiregion/ops"
	"github.com/multiregion/multiregion/ops/awscloud"
	"github.com/multiregion/multiregion/ops/pulumistack"
)

// awsPulumi is the real backend: stacks through the Pulumi Automation API, the data plane through
// the AWS SDK (credentials and endpoints from the environment).
type awsPulumi struct{}

// Stack implements backend.
func (awsPulumi) Stack(ctx context.Context, name, dir string) (ops.Stack, error) {
	return pulumistack.Open(ctx, name, dir)
}

// Cloud implements backend.
func (awsPulumi) Cloud(ctx context.Context) (ops.Cloud, error) { return awscloud.New(ctx) }
