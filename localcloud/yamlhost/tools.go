//go:build tools

// Package yamlhost pins the Pulumi YAML language host that the YAML drill runs
// (localcloud/yamlrunner). It is a tools-only module: build.sh builds
// github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml from it, at the versions recorded in
// go.mod and go.sum. It keeps pulumi-yaml's own pulumi pkg/v3 and sdk/v3 (v3.206.0): pulumi-yaml
// v1.25.0 does not build with the CLI's v3.274.1 (pkg/v3/codegen/schema.NewPluginLoader and
// plugin.NewContextWithRoot changed), and the language host is a separate process that speaks
// the CLI's gRPC protocol, so the version split is harmless.
package yamlhost

import (
	_ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
)
