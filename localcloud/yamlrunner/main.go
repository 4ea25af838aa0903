// Command yamlrunner runs the YAML drill: the Pulumi YAML example (examples/yaml) deployed by the
// real engine against moto, as a user of Pulumi YAML runs it. The CLI starts the YAML language
// host (pulumi-language-yaml, built by build.sh next to the CLI), which reads the program, asks the
// component provider (pulumi-resource-multiregion, installed by build.sh in PULUMI_HOME) for the
// multiregion schema and the AWS plugin for aws's, and registers the program's two aws providers
// and its components; the engine sends every component to the component provider's Construct,
// which runs the Go components on the regional provider the program passed in `providers`.
//
// The example is run as it is checked in, except that its copy in the drill's workspace has every
// `pulumi:providers:aws` resource pointed at the emulator (prepare: the settings
// emulator.Configure gives the Go drills). The drill takes it through preview (no warning),
// up (then checks the outputs against moto's RDS API: the standby is a replica of the primary),
// a preview that must show no change, and destroy (nothing left in the state or in moto), timing
// each, and fails if a plugin, the language host or moto is left running.
//
//	localcloud/build.sh
//	cd localcloud && go run ./yamlrunner -root .bin -pulumi-home .bin/home -state .bin/state
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"gopkg.in/yaml.v3"

	"github.com/multiregion/multiregion/localcloud/drill"
	"github.com/multiregion/multiregion/localcloud/emulator"
)

// The example's regions (its config defaults): the primary, then the standby.
const (
	primary = "us-west-2"
	standby = "us-east-1"
)

func main() {
	opts := drill.RegisterFlags(flag.CommandLine)
	example := flag.String("example", filepath.Join(drill.ProjectRoot(), "examples", "yaml"), "the Pulumi YAML project to deploy")
	flag.Parse()
	spec := drill.ProgramSpec{
		Name:    "yaml",
		Dir:     *example,
		Prepare: prepare,
		// A throwaway stack: no Pulumi protect, no AWS deletion protection, and access-log buckets
		// that destroy empties (moto delivers the ALB log buckets' server access logs to them).
		Config: map[string]string{"multiregion-yaml:protect": "false", "multiregion-yaml:forceDestroyLogs": "true"},
		// Every AWS resource must be on one of the program's two regional providers.
		NoDefaultProvider: []string{"aws"},
		Check:             check,
		Inventory:         []string{primary, standby},
		Plugins:           []string{"pulumi-language-yaml", "pulumi-resource-multiregion"},
	}
	os.Exit(drill.MainProgram(opts, spec))
}

// providerType is the type token of an aws provider resource in a Pulumi YAML program.
const providerType = "pulumi:providers:aws"

// prepare points every aws provider of the Pulumi YAML program in dir at the emulator at endpoint:
// it adds emulatorSettings to each `pulumi:providers:aws` resource's properties (a setting the
// program sets itself is replaced). It fails when the program has no aws provider: the components
// would reach AWS through the default provider.
func prepare(dir, endpoint string) error {
	path := filepath.Join(dir, "Pulumi.yaml")
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, n, err := withEmulator(b, endpoint)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: no %s resource to point at the emulator", path, providerType)
	}
	return os.WriteFile(path, out, 0o644)
}

// withEmulator is prepare on the text of a Pulumi.yaml; it returns the new text and how many aws
// providers it changed.
func withEmulator(b []byte, endpoint string) ([]byte, int, error) {
	var project map[string]any
	if err := yaml.Unmarshal(b, &project); err != nil {
		return nil, 0, err
	}
	resources, _ := project["resources"].(map[string]any)
	n := 0
	for name, r := range resources {
		res, ok := r.(map[string]any)
		if !ok || res["type"] != providerType {
			continue
		}
		props, _ := res["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
		}
		if _, ok := props["region"]; !ok {
			return nil, 0, fmt.Errorf("provider %s sets no region", name)
		}
		for k, v := range emulatorSettings(endpoint) {
			props[k] = v
		}
		res["properties"] = props
		n++
	}
	out, err := yaml.Marshal(project)
	return out, n, err
}

// emulatorSettings are the aws provider properties that send every AWS call to the emulator at
// endpoint: what emulator.Configure sets on a Go program's providers, as Pulumi YAML properties
// (the names are the pulumi-aws schema's, read from the SDK's `pulumi:"..."` tags).
func emulatorSettings(endpoint string) map[string]any {
	return map[string]any{
		"accessKey":                 "localcloud",
		"secretKey":                 "localcloud",
		"skipCredentialsValidation": true,
		"skipMetadataApiCheck":      true,
		"skipRegionValidation":      true,
		"skipRequestingAccountId":   false,
		"s3UsePathStyle":            true,
		"endpoints":                 []any{allEndpoints(endpoint)},
	}
}

// allEndpoints sets every service endpoint of the provider's `endpoints` object to endpoint.
func allEndpoints(endpoint string) map[string]any {
	out := map[string]any{}
	t := reflect.TypeFor[aws.ProviderEndpoint]()
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("pulumi"), ","); tag != "" {
			out[tag] = endpoint
		}
	}
	return out
}

// check verifies the deployment against moto's own RDS API (not through the proxy): the standby
// DataTier's instance is a read replica of the primary's, which is the instance whose ARN and
// address the stack outputs report.
func check(ctx context.Context, cloud drill.Cloud, outputs auto.OutputMap) error {
	get := func(key string) (string, error) {
		v, ok := outputs[key]
		if !ok {
			return "", fmt.Errorf("no stack output %q", key)
		}
		s, ok := v.Value.(string)
		if !ok || s == "" {
			return "", fmt.Errorf("stack output %q is %v, want a non-empty string", key, v.Value)
		}
		return s, nil
	}
	var errs []error
	must := func(key string) string {
		s, err := get(key)
		errs = append(errs, err)
		return s
	}
	writerEndpoint, primaryARN := must("writerEndpoint"), must("primaryDbArn")
	primaryID, replicaID := must("primaryDbIdentifier"), must("replicaDbIdentifier")
	if err := errors.Join(errs...); err != nil {
		return err
	}
	writer, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, primary, primaryID)
	if err != nil {
		return err
	}
	replica, err := emulator.DescribeDBInstance(ctx, cloud.Emulator, standby, replicaID)
	if err != nil {
		return err
	}
	if writer.ARN != primaryARN {
		errs = append(errs, fmt.Errorf("output primaryDbArn is %s, moto's %s in %s is %s", primaryARN, primaryID, primary, writer.ARN))
	}
	if writer.Address != writerEndpoint {
		errs = append(errs, fmt.Errorf("output writerEndpoint is %s, moto's %s answers at %s", writerEndpoint, primaryID, writer.Address))
	}
	if writer.ReplicaSource != "" {
		errs = append(errs, fmt.Errorf("the primary %s is a replica of %s", primaryID, writer.ReplicaSource))
	}
	if replica.ReplicaSource != writer.ARN && replica.ReplicaSource != writer.Identifier {
		errs = append(errs, fmt.Errorf("the standby %s in %s replicates %q, not the primary %s", replicaID, standby, replica.ReplicaSource, writer.ARN))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	fmt.Printf("localcloud: yaml: %s (%s) replicates %s (%s), the writer at %s\n", replicaID, standby, primaryID, primary, writerEndpoint)
	return nil
}
