package awsmap

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const awsSDKImport = "github.com/pulumi/pulumi-aws/sdk/v6/go/aws"

// notServedLocally are pulumi-aws modules the plugin leaves out on purpose; the stack must
// switch them off when it targets the emulator.
var notServedLocally = map[string]string{}

// sdkUses scans the Go sources (tests excluded) under the given directories for calls
// such as rds.NewInstance or route53.LookupZone on pulumi-aws SDK packages and returns
// the resource and function tokens they stand for, each with one place it is used.
func sdkUses(t *testing.T, dirs ...string) (resources, functions map[string]string) {
	t.Helper()
	resources, functions = map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			modules := map[string]string{} // local import name -> pulumi-aws module
			for _, imp := range file.Imports {
				p, _ := strconv.Unquote(imp.Path.Value)
				if p != awsSDKImport && !strings.HasPrefix(p, awsSDKImport+"/") {
					continue
				}
				module := strings.TrimPrefix(strings.TrimPrefix(p, awsSDKImport), "/")
				name := filepath.Base(p)
				if module == "" {
					module = "index"
				}
				if imp.Name != nil {
					name = imp.Name.Name
				}
				modules[name] = module
			}
			ast.Inspect(file, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				x, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				module, ok := modules[x.Name]
				if !ok {
					return true
				}
				where := fset.Position(call.Pos()).String()
				fn := sel.Sel.Name
				switch {
				case strings.HasPrefix(fn, "New") && fn != "NewProvider" && !strings.HasSuffix(fn, "Args"):
					typ := strings.TrimPrefix(fn, "New")
					resources["aws:"+module+"/"+lowerFirst(typ)+":"+typ] = where
				case strings.HasPrefix(fn, "Get") || strings.HasPrefix(fn, "Lookup"):
					name := "get" + strings.TrimPrefix(strings.TrimPrefix(fn, "Get"), "Lookup")
					if strings.HasSuffix(name, "Output") {
						name = strings.TrimSuffix(name, "Output")
					}
					functions["aws:"+module+"/"+name+":"+name] = where
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatalf("scanning %s: %v", dir, err)
		}
	}
	return resources, functions
}

// TestProgramTypesAreMapped fails when the components or the stack program use a
// pulumi-aws resource or function that the plugin does not serve (other than the
// modules left out on purpose), so a drill would die on an unknown type.
func TestProgramTypesAreMapped(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	var dirs []string
	for _, d := range []string{"components", "stacks"} {
		if info, err := os.Stat(filepath.Join(root, d)); err == nil && info.IsDir() {
			dirs = append(dirs, filepath.Join(root, d))
		}
	}
	resources, functions := sdkUses(t, dirs...)
	if len(resources) == 0 {
		t.Skip("no components or stacks sources next to localcloud")
	}
	mappedResources, mappedFunctions := map[string]bool{}, map[string]bool{}
	for _, tok := range ResourceTokens() {
		mappedResources[tok] = true
	}
	for _, tok := range DataSourceTokens() {
		mappedFunctions[tok] = true
	}
	var missing []string
	for tok, where := range resources {
		if reason, ok := notServedLocally[moduleOf(tok)]; ok {
			t.Logf("%s (%s) is not served locally: %s", tok, where, reason)
			continue
		}
		if !mappedResources[tok] {
			missing = append(missing, tok+" (used at "+where+")")
		}
	}
	for tok, where := range functions {
		if !mappedFunctions[tok] {
			missing = append(missing, tok+" (called at "+where+")")
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("not mapped by the plugin: %s", m)
	}
}
