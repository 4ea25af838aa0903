// Package tfremote turns a Terraform provider process, reached over the Terraform plugin
// protocol version 5 (tfplugin5 over gRPC), into a tfprotov5.ProviderServer, the interface
// that pulumi-terraform-bridge's Plugin Framework path (pkg/pf/proto) consumes.
//
// It uses only public packages: the bridge's generated tfplugin5 client
// (pkg/vendored/tfplugin5), terraform-plugin-go's tfprotov5 types and HashiCorp's
// go-plugin for the process handshake.
package tfremote

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov5"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/vendored/tfplugin5"
)

// Server forwards every tfprotov5 call to a remote Terraform provider.
type Server struct {
	client tfplugin5.ProviderClient
}

var _ tfprotov5.ProviderServer = (*Server)(nil)

// NewServer wraps a tfplugin5 gRPC client.
func NewServer(client tfplugin5.ProviderClient) *Server {
	return &Server{client: client}
}

// GetMetadata implements tfprotov5.ProviderServer.
func (s *Server) GetMetadata(ctx context.Context, _ *tfprotov5.GetMetadataRequest) (*tfprotov5.GetMetadataResponse, error) {
	r, err := s.client.GetMetadata(ctx, &tfplugin5.GetMetadata_Request{})
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.GetMetadataResponse{
		ServerCapabilities: capabilitiesFromWire(r.ServerCapabilities),
		Diagnostics:        diagnosticsFromWire(r.Diagnostics),
	}
	for _, d := range r.DataSources {
		out.DataSources = append(out.DataSources, tfprotov5.DataSourceMetadata{TypeName: d.TypeName})
	}
	for _, f := range r.Functions {
		out.Functions = append(out.Functions, tfprotov5.FunctionMetadata{Name: f.Name})
	}
	for _, res := range r.Resources {
		out.Resources = append(out.Resources, tfprotov5.ResourceMetadata{TypeName: res.TypeName})
	}
	for _, e := range r.EphemeralResources {
		out.EphemeralResources = append(out.EphemeralResources, tfprotov5.EphemeralResourceMetadata{TypeName: e.TypeName})
	}
	return out, nil
}

// GetProviderSchema implements tfprotov5.ProviderServer.
func (s *Server) GetProviderSchema(ctx context.Context, _ *tfprotov5.GetProviderSchemaRequest) (*tfprotov5.GetProviderSchemaResponse, error) {
	r, err := s.client.GetSchema(ctx, &tfplugin5.GetProviderSchema_Request{})
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.GetProviderSchemaResponse{
		ServerCapabilities: capabilitiesFromWire(r.ServerCapabilities),
		Diagnostics:        diagnosticsFromWire(r.Diagnostics),
	}
	if out.Provider, err = schemaFromWire(r.Provider); err != nil {
		return nil, err
	}
	if out.ProviderMeta, err = schemaFromWire(r.ProviderMeta); err != nil {
		return nil, err
	}
	if out.ResourceSchemas, err = schemasFromWire(r.ResourceSchemas); err != nil {
		return nil, err
	}
	if out.DataSourceSchemas, err = schemasFromWire(r.DataSourceSchemas); err != nil {
		return nil, err
	}
	if out.EphemeralResourceSchemas, err = schemasFromWire(r.EphemeralResourceSchemas); err != nil {
		return nil, err
	}
	if out.Functions, err = functionsFromWire(r.Functions); err != nil {
		return nil, err
	}
	return out, nil
}

// GetResourceIdentitySchemas implements tfprotov5.ProviderServer.
func (s *Server) GetResourceIdentitySchemas(ctx context.Context, _ *tfprotov5.GetResourceIdentitySchemasRequest) (*tfprotov5.GetResourceIdentitySchemasResponse, error) {
	r, err := s.client.GetResourceIdentitySchemas(ctx, &tfplugin5.GetResourceIdentitySchemas_Request{})
	if err != nil {
		return nil, err
	}
	schemas, err := identitySchemasFromWire(r.IdentitySchemas)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.GetResourceIdentitySchemasResponse{
		IdentitySchemas: schemas,
		Diagnostics:     diagnosticsFromWire(r.Diagnostics),
	}, nil
}

// PrepareProviderConfig implements tfprotov5.ProviderServer.
func (s *Server) PrepareProviderConfig(ctx context.Context, req *tfprotov5.PrepareProviderConfigRequest) (*tfprotov5.PrepareProviderConfigResponse, error) {
	r, err := s.client.PrepareProviderConfig(ctx, &tfplugin5.PrepareProviderConfig_Request{Config: dynamicToWire(req.Config)})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.PrepareProviderConfigResponse{
		PreparedConfig: dynamicFromWire(r.PreparedConfig),
		Diagnostics:    diagnosticsFromWire(r.Diagnostics),
	}, nil
}

// ConfigureProvider implements tfprotov5.ProviderServer.
func (s *Server) ConfigureProvider(ctx context.Context, req *tfprotov5.ConfigureProviderRequest) (*tfprotov5.ConfigureProviderResponse, error) {
	wire := &tfplugin5.Configure_Request{
		TerraformVersion: req.TerraformVersion,
		Config:           dynamicToWire(req.Config),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = &tfplugin5.ClientCapabilities{DeferralAllowed: c.DeferralAllowed}
	}
	r, err := s.client.Configure(ctx, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ConfigureProviderResponse{Diagnostics: diagnosticsFromWire(r.Diagnostics)}, nil
}

// StopProvider implements tfprotov5.ProviderServer.
func (s *Server) StopProvider(ctx context.Context, _ *tfprotov5.StopProviderRequest) (*tfprotov5.StopProviderResponse, error) {
	r, err := s.client.Stop(ctx, &tfplugin5.Stop_Request{})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.StopProviderResponse{Error: r.Error}, nil
}

// ValidateResourceTypeConfig implements tfprotov5.ResourceServer.
func (s *Server) ValidateResourceTypeConfig(ctx context.Context, req *tfprotov5.ValidateResourceTypeConfigRequest) (*tfprotov5.ValidateResourceTypeConfigResponse, error) {
	wire := &tfplugin5.ValidateResourceTypeConfig_Request{TypeName: req.TypeName, Config: dynamicToWire(req.Config)}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = &tfplugin5.ClientCapabilities{WriteOnlyAttributesAllowed: c.WriteOnlyAttributesAllowed}
	}
	r, err := s.client.ValidateResourceTypeConfig(ctx, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ValidateResourceTypeConfigResponse{Diagnostics: diagnosticsFromWire(r.Diagnostics)}, nil
}

// UpgradeResourceState implements tfprotov5.ResourceServer.
func (s *Server) UpgradeResourceState(ctx context.Context, req *tfprotov5.UpgradeResourceStateRequest) (*tfprotov5.UpgradeResourceStateResponse, error) {
	r, err := s.client.UpgradeResourceState(ctx, &tfplugin5.UpgradeResourceState_Request{
		TypeName: req.TypeName,
		Version:  req.Version,
		RawState: rawStateToWire(req.RawState),
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.UpgradeResourceStateResponse{
		UpgradedState: dynamicFromWire(r.UpgradedState),
		Diagnostics:   diagnosticsFromWire(r.Diagnostics),
	}, nil
}

// UpgradeResourceIdentity implements tfprotov5.ResourceServer.
func (s *Server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov5.UpgradeResourceIdentityRequest) (*tfprotov5.UpgradeResourceIdentityResponse, error) {
	r, err := s.client.UpgradeResourceIdentity(ctx, &tfplugin5.UpgradeResourceIdentity_Request{
		TypeName:    req.TypeName,
		Version:     req.Version,
		RawIdentity: rawStateToWire(req.RawIdentity),
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.UpgradeResourceIdentityResponse{
		UpgradedIdentity: identityFromWire(r.UpgradedIdentity),
		Diagnostics:      diagnosticsFromWire(r.Diagnostics),
	}, nil
}

// ReadResource implements tfprotov5.ResourceServer.
func (s *Server) ReadResource(ctx context.Context, req *tfprotov5.ReadResourceRequest) (*tfprotov5.ReadResourceResponse, error) {
	wire := &tfplugin5.ReadResource_Request{
		TypeName:        req.TypeName,
		CurrentState:    dynamicToWire(req.CurrentState),
		Private:         req.Private,
		ProviderMeta:    dynamicToWire(req.ProviderMeta),
		CurrentIdentity: identityToWire(req.CurrentIdentity),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = &tfplugin5.ClientCapabilities{DeferralAllowed: c.DeferralAllowed}
	}
	r, err := s.client.ReadResource(ctx, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ReadResourceResponse{
		NewState:    dynamicFromWire(r.NewState),
		Diagnostics: diagnosticsFromWire(r.Diagnostics),
		Private:     r.Private,
		Deferred:    deferredFromWire(r.Deferred),
		NewIdentity: identityFromWire(r.NewIdentity),
	}, nil
}

// PlanResourceChange implements tfprotov5.ResourceServer.
func (s *Server) PlanResourceChange(ctx context.Context, req *tfprotov5.PlanResourceChangeRequest) (*tfprotov5.PlanResourceChangeResponse, error) {
	wire := &tfplugin5.PlanResourceChange_Request{
		TypeName:         req.TypeName,
		PriorState:       dynamicToWire(req.PriorState),
		ProposedNewState: dynamicToWire(req.ProposedNewState),
		Config:           dynamicToWire(req.Config),
		PriorPrivate:     req.PriorPrivate,
		ProviderMeta:     dynamicToWire(req.ProviderMeta),
		PriorIdentity:    identityToWire(req.PriorIdentity),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = &tfplugin5.ClientCapabilities{DeferralAllowed: c.DeferralAllowed}
	}
	r, err := s.client.PlanResourceChange(ctx, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.PlanResourceChangeResponse{
		PlannedState:                dynamicFromWire(r.PlannedState),
		RequiresReplace:             pathsFromWire(r.RequiresReplace),
		PlannedPrivate:              r.PlannedPrivate,
		Diagnostics:                 diagnosticsFromWire(r.Diagnostics),
		UnsafeToUseLegacyTypeSystem: r.LegacyTypeSystem,
		Deferred:                    deferredFromWire(r.Deferred),
		PlannedIdentity:             identityFromWire(r.PlannedIdentity),
	}, nil
}

// ApplyResourceChange implements tfprotov5.ResourceServer.
func (s *Server) ApplyResourceChange(ctx context.Context, req *tfprotov5.ApplyResourceChangeRequest) (*tfprotov5.ApplyResourceChangeResponse, error) {
	r, err := s.client.ApplyResourceChange(ctx, &tfplugin5.ApplyResourceChange_Request{
		TypeName:        req.TypeName,
		PriorState:      dynamicToWire(req.PriorState),
		PlannedState:    dynamicToWire(req.PlannedState),
		Config:          dynamicToWire(req.Config),
		PlannedPrivate:  req.PlannedPrivate,
		ProviderMeta:    dynamicToWire(req.ProviderMeta),
		PlannedIdentity: identityToWire(req.PlannedIdentity),
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ApplyResourceChangeResponse{
		NewState:                    dynamicFromWire(r.NewState),
		Private:                     r.Private,
		Diagnostics:                 diagnosticsFromWire(r.Diagnostics),
		UnsafeToUseLegacyTypeSystem: r.LegacyTypeSystem,
		NewIdentity:                 identityFromWire(r.NewIdentity),
	}, nil
}

// ImportResourceState implements tfprotov5.ResourceServer.
func (s *Server) ImportResourceState(ctx context.Context, req *tfprotov5.ImportResourceStateRequest) (*tfprotov5.ImportResourceStateResponse, error) {
	wire := &tfplugin5.ImportResourceState_Request{
		TypeName: req.TypeName,
		Id:       req.ID,
		Identity: identityToWire(req.Identity),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = &tfplugin5.ClientCapabilities{DeferralAllowed: c.DeferralAllowed}
	}
	r, err := s.client.ImportResourceState(ctx, wire)
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.ImportResourceStateResponse{
		Diagnostics: diagnosticsFromWire(r.Diagnostics),
		Deferred:    deferredFromWire(r.Deferred),
	}
	for _, res := range r.ImportedResources {
		out.ImportedResources = append(out.ImportedResources, &tfprotov5.ImportedResource{
			TypeName: res.TypeName,
			State:    dynamicFromWire(res.State),
			Private:  res.Private,
			Identity: identityFromWire(res.Identity),
		})
	}
	return out, nil
}

// MoveResourceState implements tfprotov5.ResourceServer.
func (s *Server) MoveResourceState(ctx context.Context, req *tfprotov5.MoveResourceStateRequest) (*tfprotov5.MoveResourceStateResponse, error) {
	r, err := s.client.MoveResourceState(ctx, &tfplugin5.MoveResourceState_Request{
		SourceProviderAddress:       req.SourceProviderAddress,
		SourceTypeName:              req.SourceTypeName,
		SourceSchemaVersion:         req.SourceSchemaVersion,
		SourceState:                 rawStateToWire(req.SourceState),
		TargetTypeName:              req.TargetTypeName,
		SourcePrivate:               req.SourcePrivate,
		SourceIdentity:              rawStateToWire(req.SourceIdentity),
		SourceIdentitySchemaVersion: req.SourceIdentitySchemaVersion,
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.MoveResourceStateResponse{
		TargetState:    dynamicFromWire(r.TargetState),
		TargetPrivate:  r.TargetPrivate,
		Diagnostics:    diagnosticsFromWire(r.Diagnostics),
		TargetIdentity: identityFromWire(r.TargetIdentity),
	}, nil
}

// ValidateDataSourceConfig implements tfprotov5.DataSourceServer.
func (s *Server) ValidateDataSourceConfig(ctx context.Context, req *tfprotov5.ValidateDataSourceConfigRequest) (*tfprotov5.ValidateDataSourceConfigResponse, error) {
	r, err := s.client.ValidateDataSourceConfig(ctx, &tfplugin5.ValidateDataSourceConfig_Request{
		TypeName: req.TypeName,
		Config:   dynamicToWire(req.Config),
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ValidateDataSourceConfigResponse{Diagnostics: diagnosticsFromWire(r.Diagnostics)}, nil
}

// ReadDataSource implements tfprotov5.DataSourceServer.
func (s *Server) ReadDataSource(ctx context.Context, req *tfprotov5.ReadDataSourceRequest) (*tfprotov5.ReadDataSourceResponse, error) {
	wire := &tfplugin5.ReadDataSource_Request{
		TypeName:     req.TypeName,
		Config:       dynamicToWire(req.Config),
		ProviderMeta: dynamicToWire(req.ProviderMeta),
	}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = &tfplugin5.ClientCapabilities{DeferralAllowed: c.DeferralAllowed}
	}
	r, err := s.client.ReadDataSource(ctx, wire)
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ReadDataSourceResponse{
		State:       dynamicFromWire(r.State),
		Diagnostics: diagnosticsFromWire(r.Diagnostics),
		Deferred:    deferredFromWire(r.Deferred),
	}, nil
}

// GetFunctions implements tfprotov5.FunctionServer.
func (s *Server) GetFunctions(ctx context.Context, _ *tfprotov5.GetFunctionsRequest) (*tfprotov5.GetFunctionsResponse, error) {
	r, err := s.client.GetFunctions(ctx, &tfplugin5.GetFunctions_Request{})
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.GetFunctionsResponse{Diagnostics: diagnosticsFromWire(r.Diagnostics)}
	functions, err := functionsFromWire(r.Functions)
	if err != nil {
		out.Diagnostics = errorDiagnostics(out.Diagnostics, "Invalid function definition", err)
		return out, nil
	}
	out.Functions = functions
	return out, nil
}

// CallFunction implements tfprotov5.FunctionServer.
func (s *Server) CallFunction(ctx context.Context, req *tfprotov5.CallFunctionRequest) (*tfprotov5.CallFunctionResponse, error) {
	r, err := s.client.CallFunction(ctx, &tfplugin5.CallFunction_Request{
		Name:      req.Name,
		Arguments: dynamicsToWire(req.Arguments),
	})
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.CallFunctionResponse{Result: dynamicFromWire(r.Result)}
	if r.Error != nil {
		out.Error = &tfprotov5.FunctionError{Text: r.Error.Text, FunctionArgument: r.Error.FunctionArgument}
	}
	return out, nil
}

// ValidateEphemeralResourceConfig implements tfprotov5.EphemeralResourceServer.
func (s *Server) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov5.ValidateEphemeralResourceConfigRequest) (*tfprotov5.ValidateEphemeralResourceConfigResponse, error) {
	r, err := s.client.ValidateEphemeralResourceConfig(ctx, &tfplugin5.ValidateEphemeralResourceConfig_Request{
		TypeName: req.TypeName,
		Config:   dynamicToWire(req.Config),
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.ValidateEphemeralResourceConfigResponse{Diagnostics: diagnosticsFromWire(r.Diagnostics)}, nil
}

// OpenEphemeralResource implements tfprotov5.EphemeralResourceServer.
func (s *Server) OpenEphemeralResource(ctx context.Context, req *tfprotov5.OpenEphemeralResourceRequest) (*tfprotov5.OpenEphemeralResourceResponse, error) {
	wire := &tfplugin5.OpenEphemeralResource_Request{TypeName: req.TypeName, Config: dynamicToWire(req.Config)}
	if c := req.ClientCapabilities; c != nil {
		wire.ClientCapabilities = &tfplugin5.ClientCapabilities{DeferralAllowed: c.DeferralAllowed}
	}
	r, err := s.client.OpenEphemeralResource(ctx, wire)
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.OpenEphemeralResourceResponse{
		Result:      dynamicFromWire(r.Result),
		Diagnostics: diagnosticsFromWire(r.Diagnostics),
		Private:     r.Private,
		Deferred:    deferredFromWire(r.Deferred),
	}
	if r.RenewAt != nil {
		out.RenewAt = r.RenewAt.AsTime()
	}
	return out, nil
}

// RenewEphemeralResource implements tfprotov5.EphemeralResourceServer.
func (s *Server) RenewEphemeralResource(ctx context.Context, req *tfprotov5.RenewEphemeralResourceRequest) (*tfprotov5.RenewEphemeralResourceResponse, error) {
	r, err := s.client.RenewEphemeralResource(ctx, &tfplugin5.RenewEphemeralResource_Request{
		TypeName: req.TypeName,
		Private:  req.Private,
	})
	if err != nil {
		return nil, err
	}
	out := &tfprotov5.RenewEphemeralResourceResponse{
		Diagnostics: diagnosticsFromWire(r.Diagnostics),
		Private:     r.Private,
	}
	if r.RenewAt != nil {
		out.RenewAt = r.RenewAt.AsTime()
	}
	return out, nil
}

// CloseEphemeralResource implements tfprotov5.EphemeralResourceServer.
func (s *Server) CloseEphemeralResource(ctx context.Context, req *tfprotov5.CloseEphemeralResourceRequest) (*tfprotov5.CloseEphemeralResourceResponse, error) {
	r, err := s.client.CloseEphemeralResource(ctx, &tfplugin5.CloseEphemeralResource_Request{
		TypeName: req.TypeName,
		Private:  req.Private,
	})
	if err != nil {
		return nil, err
	}
	return &tfprotov5.CloseEphemeralResourceResponse{Diagnostics: diagnosticsFromWire(r.Diagnostics)}, nil
}
