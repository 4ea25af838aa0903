package main

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"gopkg.in/yaml.v3"
)

// TestWithEmulatorPointsEveryProviderAtTheEmulator runs prepare's rewrite on the checked-in
// example: both aws providers get every setting emulator.Configure gives a Go program's providers,
// keep their region, and nothing else of the program changes.
func TestWithEmulatorPointsEveryProviderAtTheEmulator(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "examples", "yaml", "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out, n, err := withEmulator(src, "http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("changed %d aws providers, want the example's 2", n)
	}
	var before, after map[string]any
	if err := yaml.Unmarshal(src, &before); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(out, &after); err != nil {
		t.Fatal(err)
	}
	resources := after["resources"].(map[string]any)
	for name, r := range before["resources"].(map[string]any) {
		res := r.(map[string]any)
		got := resources[name].(map[string]any)
		if res["type"] != providerType {
			if !reflect.DeepEqual(got, res) {
				t.Errorf("resource %s changed: %v -> %v", name, res, got)
			}
			continue
		}
		props := got["properties"].(map[string]any)
		if props["region"] != res["properties"].(map[string]any)["region"] {
			t.Errorf("provider %s: region %v, want it kept", name, props["region"])
		}
		if props["skipCredentialsValidation"] != true || props["accessKey"] != "localcloud" {
			t.Errorf("provider %s: not set up for the emulator: %v", name, props)
		}
		endpoints := props["endpoints"].([]any)[0].(map[string]any)
		// emulator.AllEndpoints sets every field of aws.ProviderEndpointArgs: the YAML settings
		// name as many services, each at the emulator.
		if want := reflect.TypeFor[aws.ProviderEndpointArgs]().NumField(); len(endpoints) != want {
			t.Errorf("provider %s: %d endpoints, want %d (every service)", name, len(endpoints), want)
		}
		for svc, url := range endpoints {
			if url != "http://127.0.0.1:1" {
				t.Errorf("provider %s: endpoint %s is %v", name, svc, url)
			}
		}
	}
	for _, key := range []string{"name", "runtime", "outputs", "config"} {
		if !reflect.DeepEqual(before[key], after[key]) {
			t.Errorf("%s changed", key)
		}
	}
}

// TestWithEmulatorRefusesAProviderWithoutRegion: a provider without a region would take the
// machine's default, not the program's.
func TestWithEmulatorRefusesAProviderWithoutRegion(t *testing.T) {
	_, _, err := withEmulator([]byte("name: x\nruntime: yaml\nresources:\n  p:\n    type: pulumi:providers:aws\n"), "http://127.0.0.1:1")
	if err == nil {
		t.Fatal("a provider without a region was accepted")
	}
}
