// Command gen generates the multiregion SDKs for TypeScript, Python and Go from the component
// provider's schema (provider/schema.json, written by `go run ./cmd/multiregion-schema`) with
// Pulumi's own SDK generators, the code behind `pulumi package gen-sdk` (pkg/v3/codegen/nodejs,
// codegen/python and codegen/go of pulumi v3.274.1), into sdk/nodejs, sdk/python and sdk/go.
//
// It is its own Go module (pkg/v3 is heavy; the product's go.mod knows nothing of it) and pins the
// same pulumi pkg/v3 and sdk/v3 as localcloud/cli, so the two share the module cache.
//
//	sdk/generate.sh           # regenerate sdk/nodejs, sdk/python and sdk/go
//	sdk/generate.sh -check    # fail, listing the files, when a regeneration would change them
//
// The output is a pure function of the schema and these pins: files are written in a fixed
// order, files of an earlier generation that the schema no longer makes are removed, and the
// hand-kept files of each SDK directory (sdk/go/go.mod and go.sum; node_modules, a TypeScript
// build's bin and Python's __pycache__, which are never checked in) are left alone.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/nodejs"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in every generated file's header.
const tool = "multiregion sdk/gen"

// languageDefaults are the packaging settings of each SDK, applied where the schema's own
// `language` section does not set them: the npm package name, and the Go import path of the
// SDK's module (sdk/go, whose go.mod is kept by hand) so that it is importable from this
// repository.
var languageDefaults = map[string]map[string]any{
	"nodejs": {
		"packageName": "@multiregion/multiregion",
	},
	"python": {
		"packageName": "pulumi_multiregion",
	},
	"go": {
		"importBasePath": "github.com/multiregion/multiregion/sdk/go/multiregion",
	},
}

// kept are the names, in any SDK directory, that the generator neither writes nor removes nor
// compares: files kept by hand, and what building or installing an SDK leaves behind.
var kept = map[string]map[string]bool{
	"nodejs": {"node_modules": true, "bin": true},
	"python": {"__pycache__": true},
	"go":     {"go.mod": true, "go.sum": true},
}

func main() {
	schemaPath := flag.String("schema", "../../provider/schema.json", "the package schema")
	out := flag.String("out", "..", "the directory that holds (or gets) nodejs/, python/ and go/")
	langs := flag.String("languages", "nodejs,python,go", "the SDKs to generate, comma-separated")
	check := flag.Bool("check", false, "write nothing; fail when a regeneration would change, add or remove a file")
	flag.Parse()

	generated, err := generate(*schemaPath, strings.Split(*langs, ","))
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdk/gen:", err)
		os.Exit(1)
	}
	stale := false
	for _, lang := range sortedKeys(generated) {
		dir := filepath.Join(*out, lang)
		if *check {
			diffs, err := compare(dir, generated[lang], kept[lang])
			if err != nil {
				fmt.Fprintln(os.Stderr, "sdk/gen:", err)
				os.Exit(1)
			}
			if len(diffs) > 0 {
				fmt.Fprintf(os.Stderr, "sdk/gen: %s is not what %s generates (run sdk/generate.sh):\n  %s\n",
					dir, *schemaPath, strings.Join(diffs, "\n  "))
				stale = true
				continue
			}
			fmt.Printf("sdk/gen: %s: %d files, as generated\n", dir, len(generated[lang]))
			continue
		}
		removed, err := write(dir, generated[lang], kept[lang])
		if err != nil {
			fmt.Fprintln(os.Stderr, "sdk/gen:", err)
			os.Exit(1)
		}
		fmt.Printf("sdk/gen: %s: %d files written, %d stale removed\n", dir, len(generated[lang]), removed)
	}
	if stale {
		os.Exit(1)
	}
}

// generate reads and binds the schema, then runs each language's generator. The schema is bound
// afresh for each language: the generators record their language info in the package.
func generate(schemaPath string, langs []string) (map[string]map[string][]byte, error) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string][]byte{}
	for _, lang := range langs {
		lang = strings.TrimSpace(lang)
		pkg, err := bind(raw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", schemaPath, err)
		}
		var files map[string][]byte
		switch lang {
		case "nodejs":
			files, err = nodejs.GeneratePackage(tool, pkg, nil, nil, false, references{})
		case "python":
			files, err = python.GeneratePackage(tool, pkg, nil, references{})
		case "go":
			files, err = gogen.GeneratePackage(tool, pkg, nil)
		default:
			return nil, fmt.Errorf("unknown language %q (nodejs, python, go)", lang)
		}
		if err != nil {
			return nil, fmt.Errorf("generating the %s SDK: %w", lang, err)
		}
		out[lang] = files
	}
	return out, nil
}

// bind parses the schema, fills in the packaging defaults it leaves unset, and binds it with
// Pulumi's validation (the metaschema, every reference resolved).
func bind(raw []byte) (*schema.Package, error) {
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("parsing: %w", err)
	}
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	for _, lang := range sortedKeys(languageDefaults) {
		settings := map[string]any{}
		if own, ok := spec.Language[lang]; ok && len(own) > 0 {
			if err := json.Unmarshal(own, &settings); err != nil {
				return nil, fmt.Errorf("language.%s: %w", lang, err)
			}
		}
		for k, v := range languageDefaults[lang] {
			if _, set := settings[k]; !set {
				settings[k] = v
			}
		}
		merged, err := json.Marshal(settings)
		if err != nil {
			return nil, err
		}
		spec.Language[lang] = merged
	}
	pkg, diags, err := schema.BindSpec(spec, references{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, errors.Join(diags.Errs()...)
	}
	return pkg, nil
}

// references is the schema loader. The multiregion schema refers to one other package: pulumi-aws,
// whose provider resource some component inputs take (`/aws/v<version>/schema.json#/provider`).
// Code generation needs only its identity: the token, and where each language's SDK of that
// package is (@pulumi/aws, pulumi_aws, github.com/pulumi/pulumi-aws/sdk/v6/go/aws), so the loader
// binds a reference schema of pulumi-aws at the version the $ref names, with its provider alone
// (awsReference), instead of downloading the 100 MB real one (which the machines here cannot).
// Any other package is an error that names it.
type references struct{}

func (l references) LoadPackage(pkg string, version *semver.Version) (*schema.Package, error) {
	return l.LoadPackageV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: version})
}

func (references) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	if d.Name != "aws" || d.Version == nil {
		return nil, fmt.Errorf("the schema references package %q (version %v): sdk/gen knows only aws, at a given version", d.Name, d.Version)
	}
	pkg, diags, err := schema.BindSpec(awsReference(*d.Version), references{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, errors.Join(diags.Errs()...)
	}
	return pkg, nil
}

func (l references) LoadPackageReference(pkg string, version *semver.Version) (schema.PackageReference, error) {
	return l.LoadPackageReferenceV2(context.Background(), &schema.PackageDescriptor{Name: pkg, Version: version})
}

func (l references) LoadPackageReferenceV2(ctx context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	pkg, err := l.LoadPackageV2(ctx, d)
	if err != nil {
		return nil, err
	}
	return pkg.Reference(), nil
}

// awsReference is pulumi-aws's schema as far as the multiregion SDKs use it: the package, its
// provider resource (with the one input the components' docs mention, region), and the
// language settings that say where its SDKs are, as pulumi-aws's own schema sets them.
func awsReference(version semver.Version) schema.PackageSpec {
	region := schema.PropertySpec{
		TypeSpec:    schema.TypeSpec{Type: "string"},
		Description: "The AWS region the provider's resources are in.",
	}
	major := fmt.Sprintf("v%d", version.Major)
	return schema.PackageSpec{
		Name:    "aws",
		Version: version.String(),
		Provider: &schema.ResourceSpec{
			ObjectTypeSpec: schema.ObjectTypeSpec{
				Description: "The provider type for the aws package.",
				Type:        "object",
				Properties:  map[string]schema.PropertySpec{"region": region},
			},
			InputProperties: map[string]schema.PropertySpec{"region": region},
		},
		Language: map[string]schema.RawMessage{
			"go":     schema.RawMessage(`{"importBasePath":"github.com/pulumi/pulumi-aws/sdk/` + major + `/go/aws"}`),
			"nodejs": schema.RawMessage(`{"packageName":"@pulumi/aws"}`),
			"python": schema.RawMessage(`{"packageName":"pulumi_aws"}`),
		},
	}
}

// write puts files into dir and removes every other file there that neither they nor keep
// name; it returns how many it removed.
func write(dir string, files map[string][]byte, keep map[string]bool) (int, error) {
	existing, err := list(dir, keep)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, name := range existing {
		if _, ok := files[name]; !ok {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return removed, err
			}
			removed++
		}
	}
	for _, name := range sortedKeys(files) {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return removed, err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return removed, err
		}
	}
	return removed, removeEmptyDirs(dir)
}

// compare lists how dir differs from files: changed, missing and extra files.
func compare(dir string, files map[string][]byte, keep map[string]bool) ([]string, error) {
	existing, err := list(dir, keep)
	if err != nil {
		return nil, err
	}
	var diffs []string
	for _, name := range existing {
		want, ok := files[name]
		if !ok {
			diffs = append(diffs, "extra:   "+name)
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(got, want) {
			diffs = append(diffs, "changed: "+name)
		}
	}
	for _, name := range sortedKeys(files) {
		if !slices.Contains(existing, name) {
			diffs = append(diffs, "missing: "+name)
		}
	}
	return diffs, nil
}

// list returns the files under dir (slash-separated, relative, sorted), skipping keep's names at
// any depth; nothing when dir does not exist.
func list(dir string, keep map[string]bool) ([]string, error) {
	var names []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == dir {
			return filepath.SkipAll
		}
		if err != nil {
			return err
		}
		if path != dir && keep[d.Name()] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(names)
	return names, err
}

// removeEmptyDirs removes the directories under dir that a removal left empty.
func removeEmptyDirs(dir string) error {
	var dirs []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != dir {
			dirs = append(dirs, path)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		if entries, err := os.ReadDir(dirs[i]); err == nil && len(entries) == 0 {
			if err := os.Remove(dirs[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
