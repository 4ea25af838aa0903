package tfremote

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// The enumerations of tfplugin5 (the wire protocol) and tfprotov5 (the Go API) share
// their numeric values, so they convert by a plain type conversion.

func dynamicToWire(v *tfprotov5.DynamicValue) *tfplugin5.DynamicValue {
	if v == nil {
		return nil
	}
	return &tfplugin5.DynamicValue{Msgpack: v.MsgPack, Json: v.JSON}
}

func dynamicFromWire(v *tfplugin5.DynamicValue) *tfprotov5.DynamicValue {
	if v == nil {
		return nil
	}
	return &tfprotov5.DynamicValue{MsgPack: v.Msgpack, JSON: v.Json}
}

func dynamicsToWire(vs []*tfprotov5.DynamicValue) []*tfplugin5.DynamicValue {
	if vs == nil {
		return nil
	}
	out := make([]*tfplugin5.DynamicValue, len(vs))
	for i, v := range vs {
		out[i] = dynamicToWire(v)
	}
	return out
}

func rawStateToWire(s *tfprotov5.RawState) *tfplugin5.RawState {
	if s == nil {
		return nil
	}
	return &tfplugin5.RawState{Json: s.JSON, Flatmap: s.Flatmap}
}

func identityToWire(d *tfprotov5.ResourceIdentityData) *tfplugin5.ResourceIdentityData {
	if d == nil {
		return nil
	}
	return &tfplugin5.ResourceIdentityData{IdentityData: dynamicToWire(d.IdentityData)}
}

func identityFromWire(d *tfplugin5.ResourceIdentityData) *tfprotov5.ResourceIdentityData {
	if d == nil {
		return nil
	}
	return &tfprotov5.ResourceIdentityData{IdentityData: dynamicFromWire(d.IdentityData)}
}

func deferredFromWire(d *tfplugin5.Deferred) *tfprotov5.Deferred {
	if d == nil {
		return nil
	}
	return &tfprotov5.Deferred{Reason: tfprotov5.DeferredReason(d.Reason)}
}

func capabilitiesFromWire(c *tfplugin5.ServerCapabilities) *tfprotov5.ServerCapabilities {
	if c == nil {
		return nil
	}
	return &tfprotov5.ServerCapabilities{
		GetProviderSchemaOptional: c.GetProviderSchemaOptional,
		MoveResourceState:         c.MoveResourceState,
		PlanDestroy:               c.PlanDestroy,
	}
}

func diagnosticsFromWire(ds []*tfplugin5.Diagnostic) []*tfprotov5.Diagnostic {
	if ds == nil {
		return nil
	}
	out := make([]*tfprotov5.Diagnostic, 0, len(ds))
	for _, d := range ds {
		if d == nil {
			continue
		}
		out = append(out, &tfprotov5.Diagnostic{
			Severity:  tfprotov5.DiagnosticSeverity(d.Severity),
			Summary:   d.Summary,
			Detail:    d.Detail,
			Attribute: pathFromWire(d.Attribute),
		})
	}
	return out
}

// errorDiagnostics reports a conversion failure the way Terraform reports its own.
func errorDiagnostics(ds []*tfprotov5.Diagnostic, summary string, err error) []*tfprotov5.Diagnostic {
	return append(ds, &tfprotov5.Diagnostic{
		Severity: tfprotov5.DiagnosticSeverityError,
		Summary:  summary,
		Detail:   err.Error(),
	})
}

func pathFromWire(p *tfplugin5.AttributePath) *tftypes.AttributePath {
	if p == nil {
		return nil
	}
	out := tftypes.NewAttributePath()
	for _, step := range p.Steps {
		switch s := step.GetSelector().(type) {
		case *tfplugin5.AttributePath_Step_AttributeName:
			out = out.WithAttributeName(s.AttributeName)
		case *tfplugin5.AttributePath_Step_ElementKeyString:
			out = out.WithElementKeyString(s.ElementKeyString)
		case *tfplugin5.AttributePath_Step_ElementKeyInt:
			out = out.WithElementKeyInt(int(s.ElementKeyInt))
		}
	}
	return out
}

func pathsFromWire(ps []*tfplugin5.AttributePath) []*tftypes.AttributePath {
	if ps == nil {
		return nil
	}
	out := make([]*tftypes.AttributePath, len(ps))
	for i, p := range ps {
		out[i] = pathFromWire(p)
	}
	return out
}

func typeFromWire(raw []byte) (tftypes.Type, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	//nolint:staticcheck // ParseJSONType is the only parser of Terraform's JSON type encoding.
	t, err := tftypes.ParseJSONType(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing type %s: %w", raw, err)
	}
	return t, nil
}

func schemaFromWire(s *tfplugin5.Schema) (*tfprotov5.Schema, error) {
	if s == nil {
		return nil, nil
	}
	block, err := blockFromWire(s.Block)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.Schema{Version: s.Version, Block: block}, nil
}

func schemasFromWire(m map[string]*tfplugin5.Schema) (map[string]*tfprotov5.Schema, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]*tfprotov5.Schema, len(m))
	for name, s := range m {
		converted, err := schemaFromWire(s)
		if err != nil {
			return nil, fmt.Errorf("schema of %s: %w", name, err)
		}
		out[name] = converted
	}
	return out, nil
}

func blockFromWire(b *tfplugin5.Schema_Block) (*tfprotov5.SchemaBlock, error) {
	if b == nil {
		return nil, nil
	}
	out := &tfprotov5.SchemaBlock{
		Version:         b.Version,
		Description:     b.Description,
		DescriptionKind: tfprotov5.StringKind(b.DescriptionKind),
		Deprecated:      b.Deprecated,
		Attributes:      make([]*tfprotov5.SchemaAttribute, 0, len(b.Attributes)),
		BlockTypes:      make([]*tfprotov5.SchemaNestedBlock, 0, len(b.BlockTypes)),
	}
	for _, a := range b.Attributes {
		t, err := typeFromWire(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", a.Name, err)
		}
		out.Attributes = append(out.Attributes, &tfprotov5.SchemaAttribute{
			Name:            a.Name,
			Type:            t,
			Description:     a.Description,
			Required:        a.Required,
			Optional:        a.Optional,
			Computed:        a.Computed,
			Sensitive:       a.Sensitive,
			DescriptionKind: tfprotov5.StringKind(a.DescriptionKind),
			Deprecated:      a.Deprecated,
			WriteOnly:       a.WriteOnly,
		})
	}
	for _, nb := range b.BlockTypes {
		inner, err := blockFromWire(nb.Block)
		if err != nil {
			return nil, fmt.Errorf("block %s: %w", nb.TypeName, err)
		}
		out.BlockTypes = append(out.BlockTypes, &tfprotov5.SchemaNestedBlock{
			TypeName: nb.TypeName,
			Block:    inner,
			Nesting:  tfprotov5.SchemaNestedBlockNestingMode(nb.Nesting),
			MinItems: nb.MinItems,
			MaxItems: nb.MaxItems,
		})
	}
	return out, nil
}

func identitySchemasFromWire(m map[string]*tfplugin5.ResourceIdentitySchema) (map[string]*tfprotov5.ResourceIdentitySchema, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]*tfprotov5.ResourceIdentitySchema, len(m))
	for name, s := range m {
		if s == nil {
			continue
		}
		converted := &tfprotov5.ResourceIdentitySchema{Version: s.Version}
		for _, a := range s.IdentityAttributes {
			t, err := typeFromWire(a.Type)
			if err != nil {
				return nil, fmt.Errorf("identity of %s, attribute %s: %w", name, a.Name, err)
			}
			converted.IdentityAttributes = append(converted.IdentityAttributes, &tfprotov5.ResourceIdentitySchemaAttribute{
				Name:              a.Name,
				Type:              t,
				RequiredForImport: a.RequiredForImport,
				OptionalForImport: a.OptionalForImport,
				Description:       a.Description,
			})
		}
		out[name] = converted
	}
	return out, nil
}

func functionsFromWire(m map[string]*tfplugin5.Function) (map[string]*tfprotov5.Function, error) {
	if m == nil {
		return nil, nil
	}
	out := make(map[string]*tfprotov5.Function, len(m))
	for name, f := range m {
		if f == nil {
			continue
		}
		converted := &tfprotov5.Function{
			Summary:            f.Summary,
			Description:        f.Description,
			DescriptionKind:    tfprotov5.StringKind(f.DescriptionKind),
			DeprecationMessage: f.DeprecationMessage,
		}
		for _, p := range f.Parameters {
			cp, err := parameterFromWire(p)
			if err != nil {
				return nil, fmt.Errorf("function %s: %w", name, err)
			}
			converted.Parameters = append(converted.Parameters, cp)
		}
		if f.VariadicParameter != nil {
			cp, err := parameterFromWire(f.VariadicParameter)
			if err != nil {
				return nil, fmt.Errorf("function %s: %w", name, err)
			}
			converted.VariadicParameter = cp
		}
		if f.Return != nil {
			t, err := typeFromWire(f.Return.Type)
			if err != nil {
				return nil, fmt.Errorf("function %s, return: %w", name, err)
			}
			converted.Return = &tfprotov5.FunctionReturn{Type: t}
		}
		out[name] = converted
	}
	return out, nil
}

func parameterFromWire(p *tfplugin5.Function_Parameter) (*tfprotov5.FunctionParameter, error) {
	t, err := typeFromWire(p.Type)
	if err != nil {
		return nil, fmt.Errorf("parameter %s: %w", p.Name, err)
	}
	return &tfprotov5.FunctionParameter{
		AllowNullValue:     p.AllowNullValue,
		AllowUnknownValues: p.AllowUnknownValues,
		Description:        p.Description,
		DescriptionKind:    tfprotov5.StringKind(p.DescriptionKind),
		Name:               p.Name,
		Type:               t,
	}, nil
}
