package awsmap

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
)

// sdkField is one `pulumi:"..."` tagged field of a struct in the pulumi-aws Go SDK.
type sdkField struct {
	goName string
	kind   string // "array", "map" or "scalar"
	elem   string // the element's Go type name when it is a struct of the same package
}

// sdkStruct is a struct of the SDK by pulumi property name.
type sdkStruct map[string]sdkField

// sdkPackage is what the mapping test reads from one SDK package (go/aws/<module>).
type sdkPackage struct {
	structs   map[string]sdkStruct
	resources map[string]string   // resource token -> Go type name
	functions map[string]string   // function token -> Go function name
	required  map[string][]string // Go constructor name -> Go names of required args
}

var (
	registerRe = regexp.MustCompile(`RegisterResource\("([^"]+)"`)
	invokeRe   = regexp.MustCompile(`ctx\.Invoke\("([^"]+)"`)
	requiredRe = regexp.MustCompile(`invalid value for required argument '(\w+)'`)
)

// loadSDKPackage parses the non-test Go files of one SDK package directory.
func loadSDKPackage(dir string) (*sdkPackage, error) {
	pkg := &sdkPackage{
		structs:   map[string]sdkStruct{},
		resources: map[string]string{},
		functions: map[string]string{},
		required:  map[string][]string{},
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		file, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		for _, decl := range file.Decls {
			switch d := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						continue
					}
					pkg.structs[ts.Name.Name] = structFields(st)
				}
			case *ast.FuncDecl:
				if d.Body == nil || d.Recv != nil {
					continue
				}
				body := string(src[fset.Position(d.Body.Pos()).Offset:fset.Position(d.Body.End()).Offset])
				if m := registerRe.FindStringSubmatch(body); m != nil && strings.HasPrefix(d.Name.Name, "New") {
					pkg.resources[m[1]] = strings.TrimPrefix(d.Name.Name, "New")
					for _, r := range requiredRe.FindAllStringSubmatch(body, -1) {
						pkg.required[d.Name.Name] = append(pkg.required[d.Name.Name], r[1])
					}
				}
				if m := invokeRe.FindStringSubmatch(body); m != nil {
					pkg.functions[m[1]] = d.Name.Name
				}
			}
		}
	}
	return pkg, nil
}

func structFields(st *ast.StructType) sdkStruct {
	out := sdkStruct{}
	for _, f := range st.Fields.List {
		if f.Tag == nil || len(f.Names) == 0 {
			continue
		}
		raw, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		tag, ok := reflect.StructTag(raw).Lookup("pulumi")
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		kind, elem := shapeOf(f.Type)
		out[name] = sdkField{goName: f.Names[0].Name, kind: kind, elem: elem}
	}
	return out
}

// shapeOf classifies a Go field type: plain SDK structs use []T, map[string]T, *T and T;
// output structs use pulumi.XArrayOutput / XMapOutput names.
func shapeOf(expr ast.Expr) (kind, elem string) {
	switch t := expr.(type) {
	case *ast.StarExpr:
		return shapeOf(t.X)
	case *ast.ArrayType:
		_, e := shapeOf(t.Elt)
		return "array", e
	case *ast.MapType:
		_, e := shapeOf(t.Value)
		return "map", e
	case *ast.Ident:
		return outputShape(t.Name)
	case *ast.SelectorExpr:
		kind, _ := outputShape(t.Sel.Name)
		return kind, ""
	}
	return "scalar", ""
}

func outputShape(name string) (kind, elem string) {
	for _, suffix := range []string{"ArrayOutput", "ArrayInput"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			return "array", base
		}
	}
	for _, suffix := range []string{"MapOutput", "MapInput"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			return "map", base
		}
	}
	for _, suffix := range []string{"PtrOutput", "Output", "PtrInput", "Input"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			return "scalar", base
		}
	}
	return "scalar", name
}
