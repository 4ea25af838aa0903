package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	pkgworkspace "github.com/pulumi/pulumi/pkg/v3/workspace"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/esc"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
)

// The repository root, seen from localcloud/cli.
const root = "../.."

// validate runs the CLI's own check of a stack's settings against the project's config schema (what
// `pulumi preview` does before the program starts) and returns the merged configuration.
func validate(t *testing.T, proj *workspace.Project, stack string, settings []byte) (config.Map, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "Pulumi."+stack+".yaml")
	if err := os.WriteFile(path, settings, 0o644); err != nil {
		t.Fatal(err)
	}
	ps, err := workspace.LoadProjectStack(diag.DefaultSink(os.Stderr, os.Stderr, diag.FormatOptions{Color: colors.Never}), proj, path)
	if err != nil {
		t.Fatalf("loading %s: %v", stack, err)
	}
	err = pkgworkspace.ValidateStackConfigAndApplyProjectConfig(context.Background(), stack, proj, esc.Value{},
		ps.Config, config.NopEncrypter, config.NopDecrypter)
	return ps.Config, err
}

// documented returns every stack settings example in README.md and docs/ (YAML blocks with a config:
// section), by a name that says where it is.
func documented(t *testing.T) map[string][]byte {
	t.Helper()
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```yaml\n(.*?)```")
	out := map[string][]byte{}
	for _, doc := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range block.FindAllSubmatch(text, -1) {
			if strings.HasPrefix(string(m[1]), "config:") || strings.Contains(string(m[1]), "\nconfig:") {
				out[fmt.Sprintf("%s block %d", filepath.Base(doc), i+1)] = m[1]
			}
		}
	}
	return out
}

// TestStacksPassTheCLIsConfigValidation: Pulumi.yaml loads and validates as the CLI loads it, and prod's
// settings and every documented example pass the schema check that `pulumi preview`
// runs, so a user's first preview does not stop at "missing configuration value".
func TestStacksPassTheCLIsConfigValidation(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		t.Fatalf("Pulumi.yaml: %v", err)
	}
	stacks := documented(t)
	if len(stacks) == 0 {
		t.Fatal("README.md documents no stack settings example")
	}
	for _, f := range []string{"Pulumi.prod.yaml"} {
		b, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		stacks[f] = b
	}
	for name, settings := range stacks {
		t.Run(name, func(t *testing.T) {
			merged, err := validate(t, proj, "test", settings)
			if err != nil {
				t.Fatalf("the CLI rejects it: %v", err)
			}
			// Every declared key reaches the program: set by the stack or by its Pulumi.yaml default.
			for k := range proj.Config {
				key, err := config.ParseKey(k)
				if err != nil {
					t.Fatal(err)
				}
				if _, ok := merged[key]; !ok {
					t.Errorf("%s reaches the program with no value", k)
				}
			}
		})
	}
}

// TestMissingRequiredKeyFailsWithTheCLIsMessage: a stack without the required keys stops before the
// program, with the CLI's message naming each of them.
func TestMissingRequiredKeyFailsWithTheCLIsMessage(t *testing.T) {
	proj, err := workspace.LoadProject(filepath.Join(root, "Pulumi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = validate(t, proj, "bare", []byte("config:\n  multiregion:primaryRegion: us-west-2\n"))
	want := "Stack 'bare' is missing configuration values 'multiregion:regions' and 'multiregion:service'"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}
