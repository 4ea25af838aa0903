package provider

import (
	"context"
	"net"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	sdkprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// monitor serves the engine's resource monitor protocol over gRPC from a mockcloud engine, as the
// Pulumi engine does for a component provider's Construct: the plugin's own gRPC path runs as in a
// deployment, and the mock engine records what it registers.
type monitor struct {
	pulumirpc.UnimplementedResourceMonitorServer
	e *mockcloud.Engine
}

// SupportsFeature supports every feature but output values (as pulumi.WithMocks), so that the
// recorded inputs are plain values.
func (m *monitor) SupportsFeature(_ context.Context, req *pulumirpc.SupportsFeatureRequest) (*pulumirpc.SupportsFeatureResponse, error) {
	return &pulumirpc.SupportsFeatureResponse{HasSupport: req.GetId() != "outputValues"}, nil
}

// RegisterResource records the registration in the mock engine and answers with its state.
func (m *monitor) RegisterResource(_ context.Context, req *pulumirpc.RegisterResourceRequest) (*pulumirpc.RegisterResourceResponse, error) {
	inputs, err := plugin.UnmarshalProperties(req.GetObject(), plugin.MarshalOptions{KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	id, state, err := m.e.NewResource(pulumi.MockResourceArgs{
		TypeToken: req.GetType(), Name: req.GetName(), Inputs: inputs, Provider: req.GetProvider(),
		Custom: req.GetCustom(), RegisterRPC: req,
	})
	if err != nil {
		return nil, err
	}
	obj, err := plugin.MarshalProperties(state, plugin.MarshalOptions{KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.RegisterResourceResponse{Urn: m.e.URN(req.GetParent(), req.GetType(), req.GetName()), Id: id, Object: obj}, nil
}

// RegisterResourceOutputs accepts a component's outputs.
func (m *monitor) RegisterResourceOutputs(context.Context, *pulumirpc.RegisterResourceOutputsRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Invoke answers getResource (the SDK reads a provider passed by reference) from the recorded
// resources, and every other function from the mock engine.
func (m *monitor) Invoke(_ context.Context, req *pulumirpc.ResourceInvokeRequest) (*pulumirpc.ResourceInvokeResponse, error) {
	args, err := plugin.UnmarshalProperties(req.GetArgs(), plugin.MarshalOptions{KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	var ret resource.PropertyMap
	if req.GetTok() == "pulumi:pulumi:getResource" {
		r := m.e.Get(args["urn"].StringValue())
		if r == nil {
			return nil, grpc.ErrServerStopped
		}
		ret = resource.PropertyMap{"urn": resource.NewProperty(r.URN), "id": resource.NewProperty(r.ID), "state": resource.NewProperty(r.Outputs)}
	} else if ret, err = m.e.Call(pulumi.MockCallArgs{Token: req.GetTok(), Args: args, Provider: req.GetProvider()}); err != nil {
		return nil, err
	}
	out, err := plugin.MarshalProperties(ret, plugin.MarshalOptions{KeepSecrets: true, KeepResources: true})
	if err != nil {
		return nil, err
	}
	return &pulumirpc.ResourceInvokeResponse{Return: out}, nil
}

// engine serves the engine's logging protocol.
type engine struct {
	pulumirpc.UnimplementedEngineServer
}

// Log drops the message.
func (engine) Log(context.Context, *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// serveGRPC starts a gRPC server with register's services on a local port and returns its address.
func serveGRPC(t *testing.T, register func(*grpc.Server)) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := grpc.NewServer()
	register(srv)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

// rpcHarness is a plugin server connected to a gRPC engine backed by a mock engine.
type rpcHarness struct {
	e           *mockcloud.Engine
	s           *server
	monitorAddr string
}

func newRPCHarness(t *testing.T) *rpcHarness {
	t.Helper()
	h := &rpcHarness{e: mockcloud.New(), s: &server{provider: newTestProvider(t)}}
	h.monitorAddr = serveGRPC(t, func(s *grpc.Server) { pulumirpc.RegisterResourceMonitorServer(s, &monitor{e: h.e}) })
	engineAddr := serveGRPC(t, func(s *grpc.Server) { pulumirpc.RegisterEngineServer(s, engine{}) })
	host, err := sdkprovider.NewHostClient(engineAddr)
	require.NoError(t, err)
	t.Cleanup(func() { _ = host.Close() })
	h.s.host.Store(host)
	return h
}

// register registers a resource of the stack's program in the mock engine and returns its
// reference ("<urn>::<id>").
func (h *rpcHarness) register(t *testing.T, typ, name string, inputs map[string]any) (urn resource.URN, id resource.ID) {
	t.Helper()
	req := &pulumirpc.RegisterResourceRequest{Type: typ, Name: name, Custom: true}
	rid, _, err := h.e.NewResource(pulumi.MockResourceArgs{TypeToken: typ, Name: name, Custom: true,
		Inputs: resource.NewPropertyMapFromMap(inputs), RegisterRPC: req})
	require.NoError(t, err)
	return resource.URN(h.e.URN("", typ, name)), resource.ID(rid)
}

// construct sends a ConstructRequest for typ called name with props, the input dependencies deps and
// the aws provider reference awsRef in the providers option.
func (h *rpcHarness) construct(t *testing.T, typ, name string, props resource.PropertyMap,
	deps map[string][]string, awsRef string,
) (*pulumirpc.ConstructResponse, error) {
	t.Helper()
	inputs, err := plugin.MarshalProperties(props, plugin.MarshalOptions{KeepSecrets: true, KeepResources: true, KeepOutputValues: true})
	require.NoError(t, err)
	req := &pulumirpc.ConstructRequest{
		Project: h.e.Project, Stack: h.e.Stack, MonitorEndpoint: h.monitorAddr,
		Type: typ, Name: name, Inputs: inputs,
		InputDependencies: map[string]*pulumirpc.ConstructRequest_PropertyDependencies{},
		Providers:         map[string]string{"aws": awsRef},
	}
	for k, urns := range deps {
		req.InputDependencies[k] = &pulumirpc.ConstructRequest_PropertyDependencies{Urns: urns}
	}
	return h.s.Construct(t.Context(), req)
}

// TestPluginConstructOverGRPC: the plugin's Construct, as the engine calls it over gRPC: the
// provider in the providers option reaches every child, a secret output value with a dependency stays
// a secret and a dependency of the child that receives it, and the response carries the outputs.
func TestPluginConstructOverGRPC(t *testing.T) {
	h := newRPCHarness(t)
	provURN, provID := h.register(t, mockcloud.AWSProviderType, "aws-us-east-1", map[string]any{"region": "us-east-1"})
	depURN, _ := h.register(t, "test:index:Key", "key", nil)

	props := resource.NewPropertyMapFromMap(clusterInputs())
	props["kmsKeyArn"] = resource.NewProperty(resource.Output{
		Element: resource.NewProperty(keyARN), Known: true, Secret: true, Dependencies: []resource.URN{depURN},
	})
	resp, err := h.construct(t, components.RegionalClusterType, "web-us-east-1", props,
		map[string][]string{"kmsKeyArn": {string(depURN)}}, string(provURN)+"::"+string(provID))
	require.NoError(t, err)

	c := h.e.Component(components.RegionalClusterType, "web-us-east-1")
	require.NotNil(t, c)
	assert.Equal(t, c.URN, resp.GetUrn())
	vpcs := h.e.ChildrenOfType(c, "aws:ec2/vpc:Vpc")
	require.Len(t, vpcs, 1)
	assert.Equal(t, "10.30.0.0/16", vpcs[0].Str("cidrBlock"))
	for _, r := range h.e.ChildrenOf(c) {
		if r.Custom {
			assert.Equal(t, string(provURN), r.ProviderURN, "%s %s uses the provider of the providers option", r.Type, r.Name)
		}
	}
	lg := h.e.Find("aws:cloudwatch/logGroup:LogGroup", "web-us-east-1-app-logs")
	require.NotNil(t, lg)
	assert.True(t, lg.IsSecret("kmsKeyId"), "the secret stays a secret")
	assert.Contains(t, lg.PropertyDependencies["kmsKeyId"], string(depURN), "the input's dependency is the child's")

	state, err := plugin.UnmarshalProperties(resp.GetState(), plugin.MarshalOptions{KeepSecrets: true, KeepUnknowns: true})
	require.NoError(t, err)
	assert.Contains(t, state["vpcId"].StringValue(), "vpc")
	assert.Len(t, state["privateSubnetIds"].ArrayValue(), 3)
}

// TestPluginConstructResolvesProviderReferences: a setting that takes a provider (a RegionLink side)
// takes a reference to an aws provider resource, which the plugin resolves to that provider.
func TestPluginConstructResolvesProviderReferences(t *testing.T) {
	h := newRPCHarness(t)
	west, westID := h.register(t, mockcloud.AWSProviderType, "aws-us-west-2", map[string]any{"region": "us-west-2"})
	east, eastID := h.register(t, mockcloud.AWSProviderType, "aws-us-east-1", map[string]any{"region": "us-east-1"})
	side := func(region, vpc, cidr string, urn resource.URN, id resource.ID) resource.PropertyValue {
		m := resource.NewPropertyMapFromMap(map[string]any{"region": region, "vpcId": vpc, "cidr": cidr, "routeTableIds": []any{"rtb-" + region}})
		m["provider"] = resource.MakeCustomResourceReference(urn, id, "")
		return resource.NewProperty(m)
	}
	props := resource.PropertyMap{
		"requester": side("us-east-1", "vpc-east", "10.11.0.0/16", east, eastID),
		"accepter":  side("us-west-2", "vpc-west", "10.10.0.0/16", west, westID),
	}
	_, err := h.construct(t, components.RegionLinkType, "link-us-east-1-us-west-2", props, nil, string(east)+"::"+string(eastID))
	require.NoError(t, err)

	conns := h.e.ByType("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")
	require.Len(t, conns, 1)
	assert.Equal(t, "us-east-1", conns[0].Region, "the requester side's provider")
	assert.Equal(t, "us-west-2", conns[0].Str("peerRegion"))
	accepters := h.e.ByType("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")
	require.Len(t, accepters, 1)
	assert.Equal(t, "us-west-2", accepters[0].Region, "the accepter side's provider, from its reference")
}

// TestPluginConstructErrorNamesTheProperty: a bad input fails the RPC with the decoder's message.
func TestPluginConstructErrorNamesTheProperty(t *testing.T) {
	h := newRPCHarness(t)
	provURN, provID := h.register(t, mockcloud.AWSProviderType, "aws-us-east-1", map[string]any{"region": "us-east-1"})
	props := resource.NewPropertyMapFromMap(with(clusterInputs(), map[string]any{"cidr": "10.0.0.0/99"}))
	_, err := h.construct(t, components.RegionalClusterType, "web-us-east-1", props, nil, string(provURN)+"::"+string(provID))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `property "cidr": "10.0.0.0/99" is not a CIDR`)
	assert.Nil(t, h.e.Component(components.RegionalClusterType, "web-us-east-1"), "nothing registered")
}
