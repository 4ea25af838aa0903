package tfremote

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

func TestPathFromWire(t *testing.T) {
	wire := &tfplugin5.AttributePath{Steps: []*tfplugin5.AttributePath_Step{
		{Selector: &tfplugin5.AttributePath_Step_AttributeName{AttributeName: "rule"}},
		{Selector: &tfplugin5.AttributePath_Step_ElementKeyInt{ElementKeyInt: 2}},
		{Selector: &tfplugin5.AttributePath_Step_AttributeName{AttributeName: "tags"}},
		{Selector: &tfplugin5.AttributePath_Step_ElementKeyString{ElementKeyString: "Name"}},
	}}
	want := tftypes.NewAttributePath().WithAttributeName("rule").WithElementKeyInt(2).
		WithAttributeName("tags").WithElementKeyString("Name")
	if got := pathFromWire(wire); !got.Equal(want) {
		t.Errorf("pathFromWire = %s, want %s", got, want)
	}
	if pathFromWire(nil) != nil {
		t.Error("a nil path must stay nil")
	}
}

func TestSchemaFromWire(t *testing.T) {
	wire := &tfplugin5.Schema{Version: 3, Block: &tfplugin5.Schema_Block{
		Attributes: []*tfplugin5.Schema_Attribute{
			{Name: "name", Type: []byte(`"string"`), Optional: true, Computed: true},
			{Name: "tags", Type: []byte(`["map","string"]`), Optional: true},
			{Name: "password_wo", Type: []byte(`"string"`), Optional: true, WriteOnly: true, Sensitive: true},
		},
		BlockTypes: []*tfplugin5.Schema_NestedBlock{{
			TypeName: "timeouts",
			Nesting:  tfplugin5.Schema_NestedBlock_SINGLE,
			MaxItems: 1,
			Block: &tfplugin5.Schema_Block{Attributes: []*tfplugin5.Schema_Attribute{
				{Name: "create", Type: []byte(`"string"`), Optional: true},
			}},
		}},
	}}
	got, err := schemaFromWire(wire)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || len(got.Block.Attributes) != 3 || len(got.Block.BlockTypes) != 1 {
		t.Fatalf("schemaFromWire = %+v", got)
	}
	if a := got.Block.Attributes[1]; a.Name != "tags" || !a.Type.Equal(tftypes.Map{ElementType: tftypes.String}) {
		t.Errorf("tags = %+v", a)
	}
	if a := got.Block.Attributes[2]; !a.WriteOnly || !a.Sensitive {
		t.Errorf("password_wo lost its flags: %+v", a)
	}
	nb := got.Block.BlockTypes[0]
	if nb.Nesting != tfprotov5.SchemaNestedBlockNestingModeSingle || nb.MaxItems != 1 || nb.Block.Attributes[0].Name != "create" {
		t.Errorf("timeouts = %+v", nb)
	}

	bad := &tfplugin5.Schema{Block: &tfplugin5.Schema_Block{Attributes: []*tfplugin5.Schema_Attribute{
		{Name: "broken", Type: []byte(`["nonsense"]`)},
	}}}
	if _, err := schemaFromWire(bad); err == nil {
		t.Error("an unparsable type must fail")
	}
}

func TestDiagnosticsFromWire(t *testing.T) {
	got := diagnosticsFromWire([]*tfplugin5.Diagnostic{
		{Severity: tfplugin5.Diagnostic_ERROR, Summary: "boom", Detail: "details",
			Attribute: &tfplugin5.AttributePath{Steps: []*tfplugin5.AttributePath_Step{
				{Selector: &tfplugin5.AttributePath_Step_AttributeName{AttributeName: "identifier"}},
			}}},
		nil,
		{Severity: tfplugin5.Diagnostic_WARNING, Summary: "careful"},
	})
	if len(got) != 2 {
		t.Fatalf("got %d diagnostics, want 2 (nil dropped)", len(got))
	}
	if got[0].Severity != tfprotov5.DiagnosticSeverityError || got[0].Summary != "boom" ||
		!got[0].Attribute.Equal(tftypes.NewAttributePath().WithAttributeName("identifier")) {
		t.Errorf("first = %+v", got[0])
	}
	if got[1].Severity != tfprotov5.DiagnosticSeverityWarning || got[1].Attribute != nil {
		t.Errorf("second = %+v", got[1])
	}
}

func TestDynamicValueRoundTrip(t *testing.T) {
	in := &tfprotov5.DynamicValue{MsgPack: []byte{0x81}, JSON: []byte(`{}`)}
	out := dynamicFromWire(dynamicToWire(in))
	if string(out.MsgPack) != string(in.MsgPack) || string(out.JSON) != string(in.JSON) {
		t.Errorf("round trip = %+v", out)
	}
	if dynamicToWire(nil) != nil || dynamicFromWire(nil) != nil {
		t.Error("nil must stay nil")
	}
}
