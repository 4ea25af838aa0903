package provider

import (
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	sdkprovider "github.com/pulumi/pulumi/sdk/v3/go/pulumi/provider"
)

// Name is the provider's package name: the first part of every type token and the plugin's name
// (pulumi-resource-multiregion).
const Name = "multiregion"

// Version is the provider's version, in its schema and plugin info.
const Version = "0.1.0"

// Component is one component resource the provider serves.
type Component struct {
	// Token is its type token, e.g. components.RegionalClusterType.
	Token string
	// Args is the Go type of its arguments, e.g. components.RegionalClusterArgs.
	Args reflect.Type
	// Resource is the Go type of the component, e.g. components.RegionalCluster.
	Resource reflect.Type
	// construct calls the Go constructor with args, a *Args.
	construct func(ctx *pulumi.Context, name string, args any, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error)
}

// serve describes the component of token built by create.
func serve[A any, R pulumi.ComponentResource](token string,
	create func(*pulumi.Context, string, *A, ...pulumi.ResourceOption) (R, error),
) Component {
	return Component{
		Token:    token,
		Args:     reflect.TypeFor[A](),
		Resource: reflect.TypeFor[R]().Elem(),
		construct: func(ctx *pulumi.Context, name string, args any, opts ...pulumi.ResourceOption) (pulumi.ComponentResource, error) {
			r, err := create(ctx, name, args.(*A), opts...)
			if err != nil {
				return nil, err
			}
			return r, nil
		},
	}
}

// Components lists every component the provider serves, in token order: each component of package
// components, through its Go constructor.
func Components() []Component {
	return []Component{
		serve(components.AccessLogSinkType, components.NewAccessLogSink),
		serve(components.AlertTopicType, components.NewAlertTopic),
		serve(components.DataNamesType, components.NewDataNames),
		serve(components.DataTierType, components.NewDataTier),
		serve(components.DomainType, components.NewDomain),
		serve(components.GlobalEdgeType, components.NewGlobalEdge),
		serve(components.ObservabilityType, components.NewObservability),
		serve(components.RegionBackupType, components.NewRegionBackup),
		serve(components.RegionKeyType, components.NewRegionKey),
		serve(components.RegionLinkType, components.NewRegionLink),
		serve(components.RegionalClusterType, components.NewRegionalCluster),
		serve(components.StateBackendType, components.NewStateBackend),
	}
}

// served is a Component with the codec of its Args.
type served struct {
	Component
	args *codec
}

// Provider constructs the components of Components from the engine's inputs. Build it with New; it
// does not change afterwards and is safe for concurrent use.
type Provider struct {
	byToken map[string]served
	tokens  []string
}

// New returns the provider of Components. It fails when an Args type has a field no Pulumi property
// can carry, or two fields of one name.
func New() (*Provider, error) {
	p := &Provider{byToken: map[string]served{}}
	codecs := map[reflect.Type]*codec{}
	for _, c := range Components() {
		ac, err := newCodec(c.Args, codecs)
		if err != nil {
			return nil, fmt.Errorf("the inputs of %s: %w", c.Token, err)
		}
		if _, dup := p.byToken[c.Token]; dup {
			return nil, fmt.Errorf("%s is served twice", c.Token)
		}
		p.byToken[c.Token] = served{Component: c, args: ac}
		p.tokens = append(p.tokens, c.Token)
	}
	slices.Sort(p.tokens)
	return p, nil
}

// Tokens returns the type tokens the provider serves, sorted.
func (p *Provider) Tokens() []string { return slices.Clone(p.tokens) }

// Decode decodes in into a new Args of the component typ, without constructing it; it returns a
// pointer to the Args (a *components.RegionalClusterArgs for components.RegionalClusterType). The
// error names the component and lists every unknown property and every value of a wrong type.
func (p *Provider) Decode(ctx *pulumi.Context, typ, name string, in Inputs) (any, error) {
	c, ok := p.byToken[typ]
	if !ok {
		return nil, fmt.Errorf("unknown component type %q; this provider serves %s", typ, strings.Join(p.tokens, ", "))
	}
	args := reflect.New(c.Args)
	d := decoder{ctx: ctx, in: in}
	if err := d.decodeArgs(c.args, args.Elem()); err != nil {
		return nil, fmt.Errorf("%s %q: invalid inputs:\n%w", typ, name, err)
	}
	return args.Interface(), nil
}

// Construct constructs the component typ called name from in, with opts (the parent, the providers
// and the other resource options the engine sent): it decodes in into the component's Args (see
// Decode) and calls the Go constructor, which validates them before it registers anything. The
// result's state is the component's outputs, the fields of its struct with a `pulumi` tag.
func (p *Provider) Construct(ctx *pulumi.Context, typ, name string, in Inputs, opts ...pulumi.ResourceOption) (*sdkprovider.ConstructResult, error) {
	args, err := p.Decode(ctx, typ, name, in)
	if err != nil {
		return nil, err
	}
	r, err := p.byToken[typ].construct(ctx, name, args, opts...)
	if err != nil {
		return nil, err
	}
	res, err := sdkprovider.NewConstructResult(r)
	if err != nil {
		return nil, fmt.Errorf("%s %q: reading the outputs: %w", typ, name, err)
	}
	return res, nil
}
