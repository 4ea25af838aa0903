package provider

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/components"
)

// awsModule is the Go module of the AWS SDK the components are built on; its version in go.mod is
// the aws package version the schema refers to (provider resources) and the SDKs depend on.
const awsModule = "github.com/pulumi/pulumi-aws/sdk/v6"

// componentsPkgPath is the import path of package components, whose named string types become enums.
var componentsPkgPath = reflect.TypeFor[components.Role]().PkgPath()

// Package identity in the schema and in the generated SDKs.
const (
	nodejsPackage = "@multiregion/multiregion"
	pythonPackage = "pulumi_multiregion"
	goImportBase  = "github.com/multiregion/multiregion/sdk/go/multiregion"
	repository    = "https://github.com/multiregion/multiregion"
)

// The parts of a Pulumi package schema the provider writes.
type (
	packageSpec struct {
		Name        string                    `json:"name"`
		DisplayName string                    `json:"displayName"`
		Version     string                    `json:"version"`
		Description string                    `json:"description"`
		Keywords    []string                  `json:"keywords"`
		Repository  string                    `json:"repository"`
		Language    map[string]any            `json:"language"`
		Types       map[string]objectTypeSpec `json:"types"`
		Resources   map[string]resourceSpec   `json:"resources"`
	}
	typeSpec struct {
		Type                 string    `json:"type,omitempty"`
		Ref                  string    `json:"$ref,omitempty"`
		Items                *typeSpec `json:"items,omitempty"`
		AdditionalProperties *typeSpec `json:"additionalProperties,omitempty"`
		Plain                bool      `json:"plain,omitempty"`
	}
	propertySpec struct {
		typeSpec
		Description        string `json:"description,omitempty"`
		DeprecationMessage string `json:"deprecationMessage,omitempty"`
		Secret             bool   `json:"secret,omitempty"`
	}
	// objectTypeSpec is an object type, or an enum type (Type "string" with Enum).
	objectTypeSpec struct {
		Description string                  `json:"description,omitempty"`
		Type        string                  `json:"type"`
		Properties  map[string]propertySpec `json:"properties,omitempty"`
		Required    []string                `json:"required,omitempty"`
		Enum        []enumValueSpec         `json:"enum,omitempty"`
	}
	enumValueSpec struct {
		Name        string `json:"name"`
		Value       string `json:"value"`
		Description string `json:"description,omitempty"`
	}
	resourceSpec struct {
		Description     string                  `json:"description,omitempty"`
		IsComponent     bool                    `json:"isComponent"`
		InputProperties map[string]propertySpec `json:"inputProperties"`
		RequiredInputs  []string                `json:"requiredInputs,omitempty"`
		Properties      map[string]propertySpec `json:"properties"`
		Required        []string                `json:"required,omitempty"`
	}
)

// GenerateSchema returns the package schema of the provider (provider/schema.json) for the module
// whose root is moduleRoot: every served component with its inputs (the fields of its Args), its
// outputs (its struct's fields with a `pulumi` tag) and the object types of its nested settings, each
// described by its doc comment in moduleRoot/components. The aws package version is the AWS SDK's in
// moduleRoot/go.mod.
func GenerateSchema(moduleRoot string) ([]byte, error) {
	p, err := New()
	if err != nil {
		return nil, err
	}
	docs, enums, err := readDocs(filepath.Join(moduleRoot, "components"))
	if err != nil {
		return nil, err
	}
	awsVersion, err := requiredVersion(filepath.Join(moduleRoot, "go.mod"), awsModule)
	if err != nil {
		return nil, err
	}
	g := schemaGen{docs: docs, enums: enums, awsVersion: strings.TrimPrefix(awsVersion, "v"), types: map[string]objectTypeSpec{}}
	spec := packageSpec{
		Name:        Name,
		DisplayName: "multiregion",
		Version:     Version,
		Description: "Pulumi components that run one containerised service across several AWS regions with disaster recovery and global load balancing.",
		Keywords:    []string{"pulumi", "aws", "multi-region", "disaster-recovery", "kind/component", "category/cloud"},
		Repository:  repository,
		Language: map[string]any{
			"nodejs": map[string]any{
				"packageName":          nodejsPackage,
				"dependencies":         map[string]string{"@pulumi/aws": "^" + g.awsVersion},
				"respectSchemaVersion": true,
			},
			"python": map[string]any{
				"packageName":          pythonPackage,
				"requires":             map[string]string{"pulumi": ">=3.0.0,<4.0.0", "pulumi-aws": ">=" + g.awsVersion + ",<7.0.0"},
				"respectSchemaVersion": true,
				"pyproject":            map[string]bool{"enabled": true},
			},
			"go": map[string]any{
				"importBasePath":                 goImportBase,
				"generateResourceContainerTypes": true,
				"respectSchemaVersion":           true,
			},
		},
		Types:     g.types,
		Resources: map[string]resourceSpec{},
	}
	for _, token := range p.tokens {
		c := p.byToken[token]
		r, err := g.resource(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", token, err)
		}
		spec.Resources[token] = r
	}
	for token := range g.types {
		if _, clash := spec.Resources[token]; clash {
			return nil, fmt.Errorf("the type %s has the token of a component", token)
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(spec); err != nil {
		return nil, fmt.Errorf("encoding the schema: %w", err)
	}
	return buf.Bytes(), nil
}

// requiredVersion returns the version go.mod at path requires of module.
func requiredVersion(path, module string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading go.mod: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "require "))
		if len(fields) >= 2 && fields[0] == module {
			return fields[1], nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	return "", fmt.Errorf("%s does not require %s", path, module)
}

// schemaGen builds the schema of the components from their codecs and doc comments.
type schemaGen struct {
	docs map[string]typeDoc
	// enums are the string constants of the named string types of package components, by type name.
	enums      map[string][]enumValue
	awsVersion string
	// types are the object types of the nested settings, by token.
	types map[string]objectTypeSpec
}

// resource is the schema of component c.
func (g *schemaGen) resource(c served) (resourceSpec, error) {
	desc, _ := describeDoc(g.docs[c.Resource.Name()].doc)
	inputs, required, err := g.properties(c.args)
	if err != nil {
		return resourceSpec{}, fmt.Errorf("inputs: %w", err)
	}
	r := resourceSpec{
		Description:     desc,
		IsComponent:     true,
		InputProperties: inputs,
		RequiredInputs:  required,
		Properties:      map[string]propertySpec{},
	}
	for i := range c.Resource.NumField() {
		f := c.Resource.Field(i)
		tag, ok := f.Tag.Lookup("pulumi")
		if !ok || !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ts, err := g.outputField(f.Type)
		if err != nil {
			return resourceSpec{}, fmt.Errorf("output %s: %w", f.Name, err)
		}
		p := propertySpec{typeSpec: ts}
		p.Description, p.DeprecationMessage = describeDoc(g.docs[c.Resource.Name()].fields[f.Name])
		r.Properties[name] = p
		r.Required = append(r.Required, name)
	}
	slices.Sort(r.Required)
	return r, nil
}

// properties returns the schema properties of struct codec c and the names of the required ones.
func (g *schemaGen) properties(c *codec) (map[string]propertySpec, []string, error) {
	props := map[string]propertySpec{}
	var required []string
	for _, f := range c.fields {
		ts, err := g.typeOf(f.codec, true)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", f.goName, err)
		}
		doc := g.docs[f.owner.Name()].fields[f.goName]
		p := propertySpec{typeSpec: ts}
		p.Description, p.DeprecationMessage = describeDoc(doc)
		p.Secret = f.codec.kind == kindInput && isSecret(doc)
		props[f.name] = p
		if isRequired(doc) {
			required = append(required, f.name)
		}
	}
	return props, required, nil
}

// typeOf is the schema type of codec c; plain says whether the value must be a plain value (known when
// the component is constructed) rather than an Input.
func (g *schemaGen) typeOf(c *codec, plain bool) (typeSpec, error) {
	var ts typeSpec
	switch c.kind {
	case kindString:
		if token, ok := g.enumType(c.typ); ok {
			ts.Ref = "#/types/" + token
		} else {
			ts.Type = "string"
		}
	case kindPrefix:
		ts.Type = "string"
	case kindBool:
		ts.Type = "boolean"
	case kindInt:
		ts.Type = "integer"
	case kindFloat:
		ts.Type = "number"
	case kindPointer:
		return g.typeOf(c.elem, plain)
	case kindSlice, kindMap:
		elem, err := g.typeOf(c.elem, plain)
		if err != nil {
			return typeSpec{}, err
		}
		if c.kind == kindSlice {
			ts.Type, ts.Items = "array", &elem
		} else {
			ts.Type, ts.AdditionalProperties = "object", &elem
		}
	case kindStruct:
		token, err := g.objectType(c)
		if err != nil {
			return typeSpec{}, err
		}
		ts.Ref = "#/types/" + token
	case kindInput:
		return g.typeOf(c.elem, false)
	case kindProvider:
		ts.Ref = fmt.Sprintf("/aws/v%s/schema.json#/provider", g.awsVersion)
	default:
		return typeSpec{}, fmt.Errorf("no schema type for %v", c.typ)
	}
	ts.Plain = plain
	return ts, nil
}

// objectType adds the object type of struct codec c to g.types, once, and returns its token:
// multiregion:index:<Go type name>, without an "Args" suffix (LogArchiveArgs -> LogArchive).
func (g *schemaGen) objectType(c *codec) (string, error) {
	token := Name + ":index:" + strings.TrimSuffix(c.typ.Name(), "Args")
	if c.typ.Name() == "" {
		return "", fmt.Errorf("an unnamed struct %v cannot be a schema type", c.typ)
	}
	if _, done := g.types[token]; done {
		return token, nil
	}
	g.types[token] = objectTypeSpec{} // reserved while its properties are built
	props, required, err := g.properties(c)
	if err != nil {
		delete(g.types, token)
		return "", fmt.Errorf("%v: %w", c.typ, err)
	}
	desc, _ := describeDoc(g.docs[c.typ.Name()].doc)
	g.types[token] = objectTypeSpec{Description: desc, Type: "object", Properties: props, Required: required}
	return token, nil
}

// enumType adds the enum type of t, a named string type of package components with string constants
// (components.Role: RolePrimary, RoleStandby), to g.types once, and returns its token; ok is false for
// another type. The empty value (RejoinNone), which means "unset", is left out: an absent property
// has it.
func (g *schemaGen) enumType(t reflect.Type) (token string, ok bool) {
	if t.PkgPath() != componentsPkgPath || t.Name() == "" {
		return "", false
	}
	var values []enumValue
	for _, v := range g.enums[t.Name()] {
		if v.value != "" {
			values = append(values, v)
		}
	}
	if len(values) == 0 {
		return "", false
	}
	token = Name + ":index:" + t.Name()
	if _, done := g.types[token]; done {
		return token, true
	}
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = v.name
	}
	prefix := commonWordPrefix(names)
	spec := objectTypeSpec{Type: "string"}
	spec.Description, _ = describeDoc(g.docs[t.Name()].doc)
	for _, v := range values {
		desc, _ := describeDoc(v.doc)
		spec.Enum = append(spec.Enum, enumValueSpec{Name: strings.TrimPrefix(v.name, prefix), Value: v.value, Description: desc})
	}
	g.types[token] = spec
	return token, true
}

// commonWordPrefix returns the words (splitWords) all names start with, when every name has more
// after them: EnginePostgres, EngineAuroraPostgres -> "Engine".
func commonWordPrefix(names []string) string {
	if len(names) < 2 {
		return ""
	}
	initialisms := strings.Fields(initialismList)
	first := splitWords(names[0], initialisms)
	n := len(first)
	for _, name := range names[1:] {
		words := splitWords(name, initialisms)
		i := 0
		for i < n && i < len(words)-1 && words[i] == first[i] {
			i++
		}
		n = i
	}
	if n >= len(first) {
		n = len(first) - 1
	}
	return strings.Join(first[:n], "")
}

// outputField is the schema type of an output field: a pulumi Output or Input (its element type), or
// a slice or map of them or of plain values.
func (g *schemaGen) outputField(t reflect.Type) (typeSpec, error) {
	if t.Implements(outputType) || (t.Kind() == reflect.Interface && t.Implements(inputType)) {
		elem, err := inputElement(t)
		if err != nil {
			return typeSpec{}, err
		}
		return g.outputType(elem)
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Map:
		elem, err := g.outputField(t.Elem())
		if err != nil {
			return typeSpec{}, err
		}
		if t.Kind() == reflect.Slice {
			return typeSpec{Type: "array", Items: &elem}, nil
		}
		return typeSpec{Type: "object", AdditionalProperties: &elem}, nil
	}
	return g.outputType(t)
}

// outputType is the schema type of an output's element type.
func (g *schemaGen) outputType(t reflect.Type) (typeSpec, error) {
	var ts typeSpec
	switch t.Kind() {
	case reflect.String:
		ts.Type = "string"
	case reflect.Bool:
		ts.Type = "boolean"
	case reflect.Int, reflect.Int64, reflect.Int32:
		ts.Type = "integer"
	case reflect.Float64, reflect.Float32:
		ts.Type = "number"
	case reflect.Slice, reflect.Map:
		elem, err := g.outputType(t.Elem())
		if err != nil {
			return typeSpec{}, err
		}
		if t.Kind() == reflect.Slice {
			ts.Type, ts.Items = "array", &elem
		} else {
			ts.Type, ts.AdditionalProperties = "object", &elem
		}
	default:
		return typeSpec{}, fmt.Errorf("no schema type for an output of %v", t)
	}
	return ts, nil
}
