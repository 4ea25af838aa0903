package provider

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// regenerate is how to bring provider/schema.json up to date.
const regenerate = "regenerate it with: go run ./cmd/multiregion-schema"

// TestSchemaUpToDate: the checked-in schema, which the plugin embeds and serves, is the one the Go
// types and their doc comments generate now.
func TestSchemaUpToDate(t *testing.T) {
	want, err := GenerateSchema("..")
	require.NoError(t, err)
	got, err := os.ReadFile("schema.json")
	require.NoError(t, err)
	if string(got) != string(want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		line := 0
		for line < len(gl) && line < len(wl) && gl[line] == wl[line] {
			line++
		}
		at := func(l []string) string {
			if line < len(l) {
				return l[line]
			}
			return "(end of file)"
		}
		t.Fatalf("provider/schema.json is out of date; %s\nfirst difference at line %d:\n  checked in: %s\n  generated:  %s",
			regenerate, line+1, at(gl), at(wl))
	}
	assert.Equal(t, string(got), Schema(), "the plugin embeds provider/schema.json (rebuild it)")
}

// loadSchema parses the checked-in schema.
func loadSchema(t *testing.T) packageSpec {
	t.Helper()
	var s packageSpec
	require.NoError(t, json.Unmarshal([]byte(Schema()), &s))
	return s
}

// TestSchemaCoversEveryComponent: every served component has a schema entry and every schema entry
// is served; and every component type token declared in package components is served.
func TestSchemaCoversEveryComponent(t *testing.T) {
	s := loadSchema(t)
	p := newTestProvider(t)
	var inSchema []string
	for token, r := range s.Resources {
		inSchema = append(inSchema, token)
		assert.True(t, r.IsComponent, token)
		assert.NotEmpty(t, r.Description, token)
		assert.NotEmpty(t, r.InputProperties, token)
		assert.NotEmpty(t, r.Properties, "%s has outputs", token)
	}
	slices.Sort(inSchema)
	assert.Equal(t, p.Tokens(), inSchema)

	declared := typeTokens(t, filepath.Join("..", "components"))
	assert.Equal(t, declared, p.Tokens(), "every component of package components is served (add it to Components)")
	for _, want := range []string{"RegionKey", "RegionalCluster", "DataTier", "GlobalEdge", "RegionBackup", "AccessLogSink", "RegionLink"} {
		assert.Contains(t, p.Tokens(), "multiregion:index:"+want)
	}
}

// typeTokens returns the "multiregion:index:..." string constants declared in the Go files of dir.
func typeTokens(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var tokens []string
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil && strings.HasPrefix(v, Name+":index:") {
					tokens = append(tokens, v)
				}
			}
			return true
		})
	}
	slices.Sort(tokens)
	return slices.Compact(tokens)
}

// TestSchemaRoundTrip: a value for every input property the schema lists, of the type it gives,
// decodes into the component's Args without error and sets a field: no property of the schema is
// unknown to the decoder, and each reaches the Go struct.
func TestSchemaRoundTrip(t *testing.T) {
	s := loadSchema(t)
	p := newTestProvider(t)
	for _, token := range p.Tokens() {
		t.Run(token, func(t *testing.T) {
			got, err := decodeIn(t, token, func(ctx *pulumi.Context) (Inputs, error) {
				prov, err := aws.NewProvider(ctx, "aws-us-east-1", &aws.ProviderArgs{Region: pulumi.String("us-east-1")})
				if err != nil {
					return Inputs{}, err
				}
				refs, err := providerRefs(ctx, prov)
				if err != nil {
					return Inputs{}, err
				}
				sg := sampler{types: s.Types, provider: refs[0]}
				props := resource.PropertyMap{}
				for name, ps := range s.Resources[token].InputProperties {
					props[resource.PropertyKey(name)] = sg.sample(t, ps.typeSpec)
				}
				return Inputs{Properties: props, Resources: map[resource.URN]pulumi.Resource{refs[0].ResourceReferenceValue().URN: prov}}, nil
			})
			require.NoError(t, err)
			notZero(t, p.byToken[token].args, reflect.ValueOf(got).Elem(), token)
		})
	}
}

// sampler makes a non-zero value of a schema type.
type sampler struct {
	types    map[string]objectTypeSpec
	provider resource.PropertyValue
}

func (sg sampler) sample(t *testing.T, ts typeSpec) resource.PropertyValue {
	switch {
	case strings.HasSuffix(ts.Ref, "#/provider"):
		return sg.provider
	case strings.HasPrefix(ts.Ref, "#/types/"):
		ot, ok := sg.types[strings.TrimPrefix(ts.Ref, "#/types/")]
		require.True(t, ok, "the schema defines %s", ts.Ref)
		if len(ot.Enum) > 0 {
			return resource.NewProperty(ot.Enum[len(ot.Enum)-1].Value)
		}
		obj := resource.PropertyMap{}
		for name, ps := range ot.Properties {
			obj[resource.PropertyKey(name)] = sg.sample(t, ps.typeSpec)
		}
		return resource.NewProperty(obj)
	}
	switch ts.Type {
	case "string":
		return resource.NewProperty("10.0.0.0/16") // a CIDR is also a string
	case "integer":
		return resource.NewProperty(1.0)
	case "number":
		return resource.NewProperty(1.5)
	case "boolean":
		return resource.NewProperty(true)
	case "array":
		return resource.NewProperty([]resource.PropertyValue{sg.sample(t, *ts.Items)})
	case "object":
		return resource.NewProperty(resource.PropertyMap{"k": sg.sample(t, *ts.AdditionalProperties)})
	}
	t.Fatalf("no sample for the schema type %+v", ts)
	return resource.PropertyValue{}
}

// notZero asserts that every field of v, a struct of codec c, was set, at every depth.
func notZero(t *testing.T, c *codec, v reflect.Value, path string) {
	t.Helper()
	for _, f := range c.fields {
		fv := v.FieldByIndex(f.index)
		at := path + "." + f.name
		if !assert.False(t, fv.IsZero(), "%s was not set", at) {
			continue
		}
		fc := f.codec
		for fc.kind == kindPointer {
			fv, fc = fv.Elem(), fc.elem
		}
		switch {
		case fc.kind == kindStruct:
			notZero(t, fc, fv, at)
		case fc.kind == kindSlice && fc.elem.kind == kindStruct:
			notZero(t, fc.elem, fv.Index(0), at+"[0]")
		case fc.kind == kindMap && fc.elem.kind == kindStruct:
			notZero(t, fc.elem, fv.MapIndex(reflect.ValueOf("k").Convert(fv.Type().Key())), at+"[k]")
		}
	}
}

// TestSchemaShapes: how the Go types appear in the schema.
func TestSchemaShapes(t *testing.T) {
	s := loadSchema(t)
	rc := s.Resources["multiregion:index:RegionalCluster"]
	cases := []struct {
		prop string
		want typeSpec
	}{
		{"cidr", typeSpec{Type: "string", Plain: true}},                        // netip.Prefix
		{"role", typeSpec{Ref: "#/types/multiregion:index:Role", Plain: true}}, // components.Role: an enum
		{"natPerAz", typeSpec{Type: "boolean", Plain: true}},                   // *bool
		{"cpuTarget", typeSpec{Type: "number", Plain: true}},                   // float64
		{"kmsKeyArn", typeSpec{Type: "string"}},                                // pulumi.StringInput: takes outputs
		{"service", typeSpec{Ref: "#/types/multiregion:index:ServiceSpec", Plain: true}},
		{"peerCidrs", typeSpec{Type: "object", AdditionalProperties: &typeSpec{Type: "string", Plain: true}, Plain: true}},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, rc.InputProperties[tc.prop].typeSpec, tc.prop)
	}
	assert.Equal(t, []string{"accessLogBucket", "capacity", "cidr", "kmsKeyArn", "region", "role", "service"}, rc.RequiredInputs,
		"the fields whose doc comment says Required (CertificateARN is required only without AllowPlainHTTP)")
	assert.Contains(t, rc.InputProperties["azCount"].Description, "Default 3; allowed 2-6", "defaults stay in the description")
	assert.Equal(t, typeSpec{Type: "array", Items: &typeSpec{Type: "string"}}, rc.Properties["privateSubnetIds"].typeSpec)
	assert.Contains(t, rc.Required, "vpcId")

	dt := s.Resources["multiregion:index:DataTier"]
	assert.Equal(t, typeSpec{Type: "array", Items: &typeSpec{Type: "string"}}, dt.InputProperties["subnetIds"].typeSpec, "pulumi.StringArrayInput")
	assert.Equal(t, typeSpec{Type: "object", AdditionalProperties: &typeSpec{Type: "string"}, Plain: true},
		dt.InputProperties["peerTaskRoleNames"].typeSpec, "map[string]pulumi.StringInput: a plain map of Inputs")
	cache := s.Types["multiregion:index:CacheSpec"]
	assert.Equal(t, typeSpec{Type: "string"}, cache.Properties["authToken"].typeSpec)
	assert.True(t, cache.Properties["authToken"].Secret, "its doc comment says it must be a Pulumi secret")
	assert.False(t, cache.Properties["nodeType"].Secret)
	assert.Contains(t, cache.Properties["nodeType"].Description, "Default DefaultCacheNodeType")

	ge := s.Resources["multiregion:index:GlobalEdge"]
	assert.Equal(t, typeSpec{Ref: "/aws/v6.83.4/schema.json#/provider", Plain: true}, ge.InputProperties["globalProvider"].typeSpec)
	assert.Contains(t, ge.InputProperties, "cloudFrontWritePaths", "the embedded EdgeSettings are flattened, by json name")

	assert.Equal(t, []enumValueSpec{
		{Name: "Primary", Value: "primary", Description: "RolePrimary is the region that owns the database writer, the cache primary and the source registry."},
		{Name: "Standby", Value: "standby", Description: "RoleStandby is a region that holds replicas and, depending on the DR strategy, serves reads or traffic."},
	}, s.Types["multiregion:index:Role"].Enum, "a named string type with constants is an enum")
	assert.Equal(t, []string{"Release", "Rebuild"}, enumNames(s.Types["multiregion:index:RejoinPhase"]), "the empty value (unset) is no member")
	assert.Equal(t, []string{"Postgres", "AuroraPostgres"}, enumNames(s.Types["multiregion:index:DBEngine"]))

	obs := s.Types["multiregion:index:LogArchive"]
	assert.NotEmpty(t, obs.Properties["protect"].DeprecationMessage, "a Deprecated: paragraph is the deprecation message")
	assert.Equal(t, "multiregion", s.Name)
	assert.Equal(t, Version, s.Version)
}

// enumNames returns the member names of an enum type.
func enumNames(ts objectTypeSpec) []string {
	var names []string
	for _, e := range ts.Enum {
		names = append(names, e.Name)
	}
	return names
}

func TestIsRequired(t *testing.T) {
	cases := []struct {
		doc  string
		want bool
	}{
		{"Region is the AWS region, e.g. \"us-west-2\". Required.", true},
		{"Region is the region. Required; the component's name must contain it.", true},
		{"KMSKeyARN is the key.\nRequired: the topic is always encrypted.", true},
		{"CIDR is the VPC range (a /20 for 3 AZs).\nRequired.", true},
		{"CertificateARN is the certificate. Required unless AllowPlainHTTP.", false},
		{"ZoneID is the zone. Required with Hostname (see Domain).", false},
		{"AuthToken is the token for CacheAuthToken; required then, and sent as a secret.", false},
		{"Copy is where copies go. Optional, but a region's backups then die with it.", false},
		{"HealthCheckTopicARN is the topic. Required when HealthChecks is not empty.", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, isRequired(tc.doc), tc.doc)
	}
}

func TestDescribeDoc(t *testing.T) {
	desc, dep := describeDoc("Protect is the former home of X.\n\nDeprecated: set Y, which covers\nevery child.\n")
	assert.Equal(t, "Protect is the former home of X.", desc)
	assert.Equal(t, "set Y, which covers every child.", dep)
	desc, _ = describeDoc("A is one\nline.\n\nAnd another\nparagraph.")
	assert.Equal(t, "A is one line.\n\nAnd another paragraph.", desc)
}

// TestPluginServesTheSchema: the plugin's GetSchema answers the embedded schema, with its version.
func TestPluginServesTheSchema(t *testing.T) {
	s := &server{provider: newTestProvider(t)}
	resp, err := s.GetSchema(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, Schema(), resp.GetSchema())
	info, err := s.GetPluginInfo(t.Context(), nil)
	require.NoError(t, err)
	assert.Equal(t, Version, info.GetVersion())
}
