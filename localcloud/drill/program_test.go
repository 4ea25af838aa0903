package drill

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
)

// TestProgramDefaultProviders: only a listed package's default provider is reported, whatever its
// version suffix; the program's own providers and other packages' defaults are not.
func TestProgramDefaultProviders(t *testing.T) {
	provider := func(pkg, name string) apitype.ResourceV3 {
		return apitype.ResourceV3{
			URN:  resource.URN("urn:pulumi:yaml::p::pulumi:providers:" + pkg + "::" + name),
			Type: tokens.Type("pulumi:providers:" + pkg),
		}
	}
	dep := apitype.DeploymentV3{Resources: []apitype.ResourceV3{
		provider("aws", "west"),
		provider("aws", "default_6_83_4"),
		provider("aws", "defaultish"),
		provider("multiregion", "default"),
		provider("pulumi", "default"),
	}}
	got := programDefaultProviders(dep, []string{"aws"})
	want := []string{"urn:pulumi:yaml::p::pulumi:providers:aws::default_6_83_4"}
	if !slices.Equal(got, want) {
		t.Errorf("programDefaultProviders = %v, want %v", got, want)
	}
	if got := programDefaultProviders(dep, nil); len(got) != 0 {
		t.Errorf("no package listed: got %v", got)
	}
}

// TestCopyProjectLeavesLocalRunsBehind: the drill's copy of a project has its files, and not the
// node_modules or .pulumi a local run left in it.
func TestCopyProjectLeavesLocalRunsBehind(t *testing.T) {
	src, dst := t.TempDir(), filepath.Join(t.TempDir(), "copy")
	for name, body := range map[string]string{
		"Pulumi.yaml":                  "name: p\n",
		"sub/file.txt":                 "x",
		"node_modules/dep/index.js":    "y",
		".pulumi/stacks/p/dev.json":    "{}",
		"sub/node_modules/dep/main.js": "z",
	} {
		path := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyProject(src, dst); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := filepath.WalkDir(dst, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dst, path)
			got = append(got, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{"Pulumi.yaml", "sub/file.txt"}; !slices.Equal(got, want) {
		t.Errorf("copied %v, want %v", got, want)
	}
}
