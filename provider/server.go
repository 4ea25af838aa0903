package provider

import (
	"context"
	_ "embed" // the schema is embedded
	"fmt"
	"sync/atomic"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
	sdkprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// schemaJSON is provider/schema.json, as cmd/multiregion-schema wrote it.
//
//go:embed schema.json
var schemaJSON string

// Schema returns the package schema the plugin serves (provider/schema.json).
func Schema() string { return schemaJSON }

// Main runs the provider plugin: it serves the gRPC resource provider protocol to the engine that
// started it (the engine's address is the only argument) until the engine stops it.
func Main() error {
	p, err := New()
	if err != nil {
		return err
	}
	return sdkprovider.Main(Name, func(host *sdkprovider.HostClient) (pulumirpc.ResourceProviderServer, error) {
		s := &server{provider: p}
		s.host.Store(host)
		return s, nil
	})
}

// server is the gRPC resource provider of a component package, as the SDK's own (provider.
// MainWithOptions) is, except that Construct keeps the inputs as the engine sent them: secrets,
// unknowns and dependencies at every depth, so that the Go Args get Inputs that keep them.
type server struct {
	pulumirpc.UnimplementedResourceProviderServer

	provider *Provider
	// host is the engine's host client: given at start, or by Attach.
	host atomic.Pointer[sdkprovider.HostClient]
}

// GetPluginInfo returns the plugin's version.
func (s *server) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: Version}, nil
}

// GetSchema returns the package schema.
func (s *server) GetSchema(_ context.Context, req *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	if v := req.GetVersion(); v != 0 {
		return nil, fmt.Errorf("unsupported schema version %d", v)
	}
	return &pulumirpc.GetSchemaResponse{Schema: schemaJSON}, nil
}

// Configure accepts secrets, resource references and output values, and previews.
func (s *server) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true, AcceptOutputs: true}, nil
}

// Construct constructs a component (Provider.Construct) and returns its URN and outputs.
func (s *server) Construct(ctx context.Context, req *pulumirpc.ConstructRequest) (*pulumirpc.ConstructResponse, error) {
	host := s.host.Load()
	if host == nil {
		return nil, status.Error(codes.FailedPrecondition, "the provider was not started by an engine (no host address)")
	}
	props, err := plugin.UnmarshalProperties(req.GetInputs(), plugin.MarshalOptions{
		KeepSecrets: true, KeepResources: true, KeepUnknowns: req.GetDryRun(), KeepOutputValues: true,
	})
	if err != nil {
		return nil, fmt.Errorf("%s %q: unmarshaling the inputs: %w", req.GetType(), req.GetName(), err)
	}
	return sdkprovider.Construct(ctx, req, host.EngineConn(), func(pctx *pulumi.Context, typ, name string,
		inputs sdkprovider.ConstructInputs, opts pulumi.ResourceOption,
	) (*sdkprovider.ConstructResult, error) {
		in, err := newInputs(pctx, props, inputs)
		if err != nil {
			return nil, fmt.Errorf("%s %q: %w", typ, name, err)
		}
		return s.provider.Construct(pctx, typ, name, in, opts)
	})
}

// newInputs returns the Inputs of props, the properties of a ConstructRequest: the SDK's view of
// them, inputs, gives each property's dependencies and the resources its references resolve to
// (an *aws.Provider for a reference to an aws provider).
func newInputs(ctx *pulumi.Context, props resource.PropertyMap, inputs sdkprovider.ConstructInputs) (Inputs, error) {
	m, err := inputs.Map()
	if err != nil {
		return Inputs{}, fmt.Errorf("reading the inputs: %w", err)
	}
	in := Inputs{
		Properties:   props,
		Dependencies: map[resource.PropertyKey][]pulumi.Resource{},
		Resources:    map[resource.URN]pulumi.Resource{},
	}
	for k, v := range props {
		out, ok := m[string(k)]
		if !ok {
			continue
		}
		o, ok := out.(pulumi.Output)
		if !ok {
			o = pulumi.ToOutputWithContext(ctx.Context(), out)
		}
		r, err := internals.UnsafeAwaitOutput(ctx.Context(), o)
		if err != nil {
			return Inputs{}, fmt.Errorf("reading input %q: %w", k, err)
		}
		in.Dependencies[k] = r.Dependencies
		collectResources(v, r.Value, in.Resources)
	}
	return in, nil
}

// collectResources adds to into the resources of the references in v, found at the same place in
// value, the SDK's unmarshaled form of v.
func collectResources(v resource.PropertyValue, value any, into map[resource.URN]pulumi.Resource) {
	switch {
	case v.IsSecret():
		collectResources(v.SecretValue().Element, value, into)
	case v.IsOutput():
		collectResources(v.OutputValue().Element, value, into)
	case v.IsResourceReference():
		if r, ok := value.(pulumi.Resource); ok {
			into[v.ResourceReferenceValue().URN] = r
		}
	case v.IsArray():
		if arr, ok := value.([]any); ok && len(arr) == len(v.ArrayValue()) {
			for i, e := range v.ArrayValue() {
				collectResources(e, arr[i], into)
			}
		}
	case v.IsObject():
		if obj, ok := value.(map[string]any); ok {
			for k, e := range v.ObjectValue() {
				collectResources(e, obj[string(k)], into)
			}
		}
	}
}

// Call is not served: the components have no methods.
func (s *server) Call(context.Context, *pulumirpc.CallRequest) (*pulumirpc.CallResponse, error) {
	return nil, status.Error(codes.Unimplemented, "the multiregion components have no methods")
}

// Cancel has nothing to stop.
func (s *server) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Attach connects the provider to the engine when it was started beforehand (PULUMI_DEBUG_PROVIDERS).
func (s *server) Attach(_ context.Context, req *pulumirpc.PluginAttach) (*emptypb.Empty, error) {
	host, err := sdkprovider.NewHostClient(req.GetAddress())
	if err != nil {
		return nil, fmt.Errorf("attaching to the engine at %s: %w", req.GetAddress(), err)
	}
	s.host.Store(host)
	return &emptypb.Empty{}, nil
}

// GetMapping has no conversion mapping to offer.
func (s *server) GetMapping(context.Context, *pulumirpc.GetMappingRequest) (*pulumirpc.GetMappingResponse, error) {
	return &pulumirpc.GetMappingResponse{}, nil
}
