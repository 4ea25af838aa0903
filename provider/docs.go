package provider

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// typeDoc is the documentation of one type declared in the components source.
type typeDoc struct {
	// doc is the type's doc comment.
	doc string
	// fields are its struct fields' doc comments, by Go field name.
	fields map[string]string
}

// enumValue is a string constant of a named string type (components.RolePrimary of components.Role).
type enumValue struct {
	// name is the constant's name, value its value and doc its doc comment.
	name, value, doc string
}

// readDocs reads the doc comments of the types declared in the Go files of dir (tests aside), by type
// name, and the string constants declared with each named type, in source order.
func readDocs(dir string) (map[string]typeDoc, map[string][]enumValue, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("reading the components source: %w", err)
	}
	fset := token.NewFileSet()
	docs := map[string]typeDoc{}
	enums := map[string][]enumValue{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if ok && gd.Tok == token.CONST {
				addEnumValues(gd, enums)
			}
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				td := typeDoc{doc: doc.Text(), fields: map[string]string{}}
				if st, ok := ts.Type.(*ast.StructType); ok {
					for _, fl := range st.Fields.List {
						for _, n := range fl.Names {
							td.fields[n.Name] = fl.Doc.Text()
						}
						if len(fl.Names) == 0 { // an embedded field is named by its type
							if id, ok := fl.Type.(*ast.Ident); ok {
								td.fields[id.Name] = fl.Doc.Text()
							}
						}
					}
				}
				docs[ts.Name.Name] = td
			}
		}
	}
	return docs, enums, nil
}

// addEnumValues adds the constants of gd declared with a named type and a string literal value
// (RolePrimary Role = "primary") to enums, by type name.
func addEnumValues(gd *ast.GenDecl, enums map[string][]enumValue) {
	for _, spec := range gd.Specs {
		vs, ok := spec.(*ast.ValueSpec)
		if !ok || len(vs.Names) != len(vs.Values) {
			continue
		}
		typ, ok := vs.Type.(*ast.Ident)
		if !ok {
			continue
		}
		doc := vs.Doc
		if doc == nil && len(gd.Specs) == 1 {
			doc = gd.Doc
		}
		for i, n := range vs.Names {
			lit, ok := vs.Values[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				continue
			}
			v, err := strconv.Unquote(lit.Value)
			if err != nil {
				continue
			}
			enums[typ.Name] = append(enums[typ.Name], enumValue{name: n.Name, value: v, doc: doc.Text()})
		}
	}
}

// requiredPattern matches a doc comment's "Required" sentence: "Required.", "Required;" or "Required:"
// (and not "Required with X", "Required unless X", which depend on other settings).
var requiredPattern = regexp.MustCompile(`(^|[\s(])Required([.;:]|$)`)

// isRequired reports whether a field's doc comment says the field is always required.
func isRequired(doc string) bool { return requiredPattern.MatchString(strings.TrimSpace(doc)) }

// secretPattern matches a doc comment that says the value must be a secret.
var secretPattern = regexp.MustCompile(`(?i)must be a (Pulumi )?secret`)

// isSecret reports whether a field's doc comment says its value must be a secret (CacheSpec.AuthToken):
// the SDKs then send it as one.
func isSecret(doc string) bool {
	return secretPattern.MatchString(strings.Join(strings.Fields(doc), " "))
}

// describeDoc turns a Go doc comment into a schema description and deprecation message: lines of a
// paragraph are joined with spaces, paragraphs kept apart, and a paragraph that starts with
// "Deprecated:" becomes the deprecation message.
func describeDoc(doc string) (description, deprecation string) {
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(doc), "\n\n") {
		p = strings.Join(strings.Fields(p), " ")
		if p == "" {
			continue
		}
		if d, ok := strings.CutPrefix(p, "Deprecated:"); ok {
			deprecation = strings.TrimSpace(d)
			continue
		}
		paras = append(paras, p)
	}
	return strings.Join(paras, "\n\n"), deprecation
}
