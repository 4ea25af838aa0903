package mockcloud

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AWSProviderType is the type token of an explicit AWS provider resource.
const AWSProviderType = "pulumi:providers:aws"

// StackReferenceType is the type token of a pulumi.StackReference.
const StackReferenceType = "pulumi:pulumi:StackReference"

// DefaultAccount is the AWS account ID the mock answers with.
const DefaultAccount = "123456789012"

// Resource is one recorded registration.
type Resource struct {
	// Type is the type token, e.g. "aws:rds/instance:Instance".
	Type string
	// Name is the logical name.
	Name string
	// URN is the resource's URN as the mock engine built it.
	URN string
	// ID is the physical ID the mock answered with ("" for components).
	ID string
	// Custom is true for provider-managed resources, false for components.
	Custom bool
	// Inputs are the inputs as the engine received them (secrets kept as secrets).
	Inputs resource.PropertyMap
	// Outputs are the state the mock answered with.
	Outputs resource.PropertyMap
	// ProviderURN is the URN of the explicit provider, "" when none was sent (the default provider).
	ProviderURN string
	// Region is the region of the explicit provider, "" when none.
	Region string
	// Parent is the parent's URN.
	Parent string
	// Protect, RetainOnDelete and DeleteBeforeReplace mirror the resource options.
	Protect, RetainOnDelete, DeleteBeforeReplace bool
	// IgnoreChanges lists the ignored property paths.
	IgnoreChanges []string
	// Dependencies are the URNs of the explicit and implicit dependencies the SDK sent.
	Dependencies []string
	// PropertyDependencies maps each input to the URNs it depends on.
	PropertyDependencies map[string][]string
}

// Invoke is one recorded function call.
type Invoke struct {
	// Token is the function token, e.g. "aws:index/getAvailabilityZones:getAvailabilityZones".
	Token string
	// Region is the region of the provider the call went to, "" for the default provider.
	Region string
	// Args are the call's arguments.
	Args resource.PropertyMap
}

// Engine records registrations and answers them; it is safe for concurrent use by one Pulumi program.
// Build it with [New].
type Engine struct {
	// Project and Stack name the mocked stack. Defaults "multiregion" and "test".
	Project, Stack string
	// Account is the AWS account ID answered by getCallerIdentity and used in ARNs.
	Account string
	// StackOutputs answers StackReferences: stack name -> outputs.
	StackOutputs map[string]map[string]any

	fabricators map[string]Fabricator
	invokes     map[string]InvokeHandler

	mu        sync.Mutex
	resources []*Resource
	byURN     map[string]*Resource
	providers map[string]string // provider URN -> region
	calls     []Invoke
}

// New returns an empty engine for project "multiregion", stack "test", account [DefaultAccount],
// answering with [DefaultFabricators] and [DefaultInvokes] as changed by opts.
func New(opts ...Option) *Engine {
	e := &Engine{Project: "multiregion", Stack: "test", Account: DefaultAccount,
		fabricators: DefaultFabricators(), invokes: DefaultInvokes(),
		byURN: map[string]*Resource{}, providers: map[string]string{}}
	for _, opt := range opts {
		opt(e)
	}
	return e
}

// Run runs program under this engine with the given stack configuration ("project:key" -> value, the
// form Pulumi passes it; structured values as JSON). Keys listed in secret are marked secret.
func (e *Engine) Run(program pulumi.RunFunc, config map[string]string, secret ...string) error {
	withConfig := func(info *pulumi.RunInfo) {
		info.Config = config
		info.ConfigSecretKeys = secret
	}
	return pulumi.RunErr(program, pulumi.WithMocks(e.Project, e.Stack, e), withConfig)
}

// URN returns the URN the engine gives a resource of type typ named name under parent (a URN, "" for
// the stack): like the real engine's, it carries the parent's type chain, so two resources of one type
// and name collide only under parents of the same type chain.
func (e *Engine) URN(parent, typ, name string) string {
	parentType := tokens.Type("")
	if p := resource.URN(parent); p != "" && p.QualifiedType() != resource.RootStackType {
		parentType = p.QualifiedType()
	}
	return string(resource.NewURN(tokens.QName(e.Stack), tokens.PackageName(e.Project), parentType, tokens.Type(typ), name))
}

// providerURN strips the "::<id>" from a provider reference.
func providerURN(ref string) string {
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		return ref[:i]
	}
	return ref
}

// NewResource implements pulumi.MockResourceMonitor: it records the registration and answers it
// with the fabricator of its type. A URN registered before fails the registration, as in the real
// engine.
func (e *Engine) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	r := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if rpc := args.RegisterRPC; rpc != nil {
		r.URN = e.URN(rpc.GetParent(), args.TypeToken, args.Name)
		r.Parent = rpc.GetParent()
		r.Protect = rpc.GetProtect()
		r.RetainOnDelete = rpc.GetRetainOnDelete()
		r.DeleteBeforeReplace = rpc.GetDeleteBeforeReplace()
		r.IgnoreChanges = rpc.GetIgnoreChanges()
		r.Dependencies = rpc.GetDependencies()
		r.PropertyDependencies = map[string][]string{}
		for k, v := range rpc.GetPropertyDependencies() {
			r.PropertyDependencies[k] = v.GetUrns()
		}
	}
	if read := args.ReadRPC; read != nil {
		// A read (StackReference, Get functions) is a custom resource the program does not manage.
		r.URN = e.URN(read.GetParent(), args.TypeToken, args.Name)
		r.Parent = read.GetParent()
		r.Custom = true
	}
	if args.Provider != "" {
		r.ProviderURN = providerURN(args.Provider)
	}

	e.mu.Lock()
	if _, dup := e.byURN[r.URN]; dup {
		e.mu.Unlock()
		return "", nil, duplicateURN(r.URN)
	}
	r.Region = e.providers[r.ProviderURN]
	if r.Type == AWSProviderType {
		if v, ok := args.Inputs["region"]; ok && v.IsString() {
			e.providers[r.URN] = v.StringValue()
		}
	}
	fabricate := e.fabricators[r.Type]
	e.mu.Unlock()

	// Fabricate outside the lock: a fabricator may query the engine.
	r.Outputs = resource.PropertyMap{}
	if r.Custom {
		if fabricate == nil {
			fabricate = DefaultFabricator
		}
		id, outputs, err := fabricate(e, r)
		if err != nil {
			return "", nil, fmt.Errorf("mockcloud: fabricating %s: %w", r.URN, err)
		}
		if outputs == nil {
			outputs = resource.PropertyMap{}
		}
		r.ID, r.Outputs = id, outputs
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if _, dup := e.byURN[r.URN]; dup { // registered concurrently while fabricating
		return "", nil, duplicateURN(r.URN)
	}
	e.resources = append(e.resources, r)
	e.byURN[r.URN] = r
	return r.ID, r.Outputs, nil
}

func duplicateURN(urn string) error {
	return fmt.Errorf("mockcloud: duplicate resource URN %q; give the resource a unique name", urn)
}

// Call implements pulumi.MockResourceMonitor: it records the invoke and answers it with the handler
// of its token; an invoke without a handler fails, so a new invoke cannot go untested.
func (e *Engine) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	e.mu.Lock()
	call := Invoke{Token: args.Token, Region: e.providers[providerURN(args.Provider)], Args: args.Args}
	e.calls = append(e.calls, call)
	handle := e.invokes[args.Token]
	e.mu.Unlock()
	if handle == nil {
		return nil, fmt.Errorf("mockcloud: no mock for invoke %s; answer it with mockcloud.WithInvoke", args.Token)
	}
	out, err := handle(e, call)
	if err != nil {
		return nil, fmt.Errorf("mockcloud: invoke %s: %w", args.Token, err)
	}
	return out, nil
}
