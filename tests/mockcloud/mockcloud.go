// Package mockcloud is a recording mock engine for Pulumi programs that use the pulumi-aws SDK. It
// implements pulumi.MockResourceMonitor: every registration is recorded with its type, name, URN,
// inputs, provider (mapped to the provider's region), parent and resource options, and answered with
// realistic per-region IDs, ARNs and DNS names. Query helpers let tests read like the architecture:
//
//	e := mockcloud.New()
//	err := e.Run(program, config)
//	for _, r := range e.ChildrenOf(e.Component("multiregion:index:RegionalCluster", "app-us-east-1")) {
//		assert.Equal(t, "us-east-1", r.Region)
//	}
//
// Consumers of the library can use it for their own stacks.
package mockcloud

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AWSProviderType is the type token of an explicit AWS provider resource.
const AWSProviderType = "pulumi:providers:aws"

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

// Engine records registrations; it is safe for concurrent use by one Pulumi program.
type Engine struct {
	// Project and Stack name the mocked stack. Defaults "multiregion" and "test".
	Project, Stack string
	// Account is the AWS account ID answered by getCallerIdentity and used in ARNs.
	Account string
	// StackOutputs answers StackReferences: stack name -> outputs.
	StackOutputs map[string]map[string]any

	mu        sync.Mutex
	resources []*Resource
	byURN     map[string]*Resource
	providers map[string]string // provider URN -> region
	invokes   []Invoke
}

// New returns an empty engine for project "multiregion", stack "test".
func New() *Engine {
	return &Engine{Project: "multiregion", Stack: "test", Account: DefaultAccount,
		byURN: map[string]*Resource{}, providers: map[string]string{}}
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

func (e *Engine) urn(parent, typ, name string) string {
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

// NewResource implements pulumi.MockResourceMonitor.
func (e *Engine) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	rpc := args.RegisterRPC
	r := &Resource{Type: args.TypeToken, Name: args.Name, Custom: args.Custom, Inputs: args.Inputs}
	if rpc != nil {
		r.URN = e.urn(rpc.GetParent(), args.TypeToken, args.Name)
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
		r.URN = e.urn(read.GetParent(), args.TypeToken, args.Name)
		r.Parent = read.GetParent()
		r.Custom = true
	}
	if args.Provider != "" {
		r.ProviderURN = providerURN(args.Provider)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	r.Region = e.providers[r.ProviderURN]
	if r.Type == AWSProviderType {
		if v, ok := args.Inputs["region"]; ok && v.IsString() {
			e.providers[r.URN] = v.StringValue()
		}
	}
	if r.Custom {
		r.ID, r.Outputs = e.fabricate(r)
	} else {
		r.Outputs = resource.PropertyMap{}
	}
	e.resources = append(e.resources, r)
	e.byURN[r.URN] = r
	return r.ID, r.Outputs, nil
}

// Call implements pulumi.MockResourceMonitor: it answers the invokes the components use and fails
// on any other, so a new invoke cannot go untested.
func (e *Engine) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	e.mu.Lock()
	region := e.providers[providerURN(args.Provider)]
	e.invokes = append(e.invokes, Invoke{Token: args.Token, Region: region, Args: args.Args})
	e.mu.Unlock()
	str := func(k string) string {
		if v, ok := args.Args[resource.PropertyKey(k)]; ok && v.IsString() {
			return v.StringValue()
		}
		return ""
	}
	switch args.Token {
	case "aws:index/getAvailabilityZones:getAvailabilityZones":
		var names, ids []any
		for i, l := range []string{"a", "b", "c", "d"} {
			names = append(names, region+l)
			ids = append(ids, fmt.Sprintf("%s-az%d", abbreviate(region), i+1))
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": region, "names": names, "zoneIds": ids}), nil
	case "aws:index/getCallerIdentity:getCallerIdentity":
		return resource.NewPropertyMapFromMap(map[string]any{
			"id": e.Account, "accountId": e.Account, "userId": "AIDAMOCK", "arn": "arn:aws:iam::" + e.Account + ":user/mock",
		}), nil
	case "aws:index/getRegion:getRegion":
		return resource.NewPropertyMapFromMap(map[string]any{"id": region, "name": region, "region": region}), nil
	case "aws:elb/getServiceAccount:getServiceAccount":
		return resource.NewPropertyMapFromMap(map[string]any{"id": "797873946194", "arn": "arn:aws:iam::797873946194:root"}), nil
	case "aws:route53/getZone:getZone":
		name := strings.TrimSuffix(str("name"), ".")
		id := str("zoneId")
		if id == "" {
			id = "Z" + strings.ToUpper(digest(name, 12))
		}
		if name == "" {
			name = "example.com"
		}
		return resource.NewPropertyMapFromMap(map[string]any{"id": id, "zoneId": id, "name": name + "."}), nil
	}
	return nil, fmt.Errorf("mockcloud: no mock for invoke %s", args.Token)
}

// digest is a short, deterministic hex string of s.
func digest(s string, n int) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])[:n]
}

// abbreviate turns us-west-2 into usw2, as AWS zone IDs do.
func abbreviate(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return region
	}
	return parts[0] + parts[1][:1] + parts[2]
}

// Resources returns every recorded registration, in registration order.
func (e *Engine) Resources() []*Resource {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Resource(nil), e.resources...)
}

// Invokes returns every recorded invoke.
func (e *Engine) Invokes() []Invoke {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Invoke(nil), e.invokes...)
}

// Get returns the resource with the given URN, or nil.
func (e *Engine) Get(urn string) *Resource {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.byURN[urn]
}

// ByType returns the resources of one type token, sorted by name.
func (e *Engine) ByType(typ string) []*Resource {
	return e.Filter(func(r *Resource) bool { return r.Type == typ })
}

// InRegion returns the custom resources registered on the given region's provider, sorted by name.
func (e *Engine) InRegion(region string) []*Resource {
	return e.Filter(func(r *Resource) bool { return r.Custom && r.Region == region })
}

// Filter returns the resources for which keep is true, sorted by type then name.
func (e *Engine) Filter(keep func(*Resource) bool) []*Resource {
	var out []*Resource
	for _, r := range e.Resources() {
		if keep(r) {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Find returns the resource with this type and logical name, or nil.
func (e *Engine) Find(typ, name string) *Resource {
	for _, r := range e.ByType(typ) {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Component is Find for component resources; kept separate so tests read as intent.
func (e *Engine) Component(typ, name string) *Resource { return e.Find(typ, name) }

// ChildrenOf returns every descendant of r (children, their children, ...), sorted by type then name.
func (e *Engine) ChildrenOf(r *Resource) []*Resource {
	if r == nil {
		return nil
	}
	return e.Filter(func(c *Resource) bool { return e.descends(c, r.URN) })
}

// ChildrenOfType returns the descendants of r with the given type.
func (e *Engine) ChildrenOfType(r *Resource, typ string) []*Resource {
	var out []*Resource
	for _, c := range e.ChildrenOf(r) {
		if c.Type == typ {
			out = append(out, c)
		}
	}
	return out
}

func (e *Engine) descends(c *Resource, ancestor string) bool {
	for p := c.Parent; p != ""; {
		if p == ancestor {
			return true
		}
		e.mu.Lock()
		pr := e.byURN[p]
		e.mu.Unlock()
		if pr == nil {
			return false
		}
		p = pr.Parent
	}
	return false
}

// Input returns the input at a dotted path ("healthCheck.path", "rules[0].destinations"), following
// objects and arrays and unwrapping secrets; ok is false when any step is missing.
func (r *Resource) Input(path string) (resource.PropertyValue, bool) {
	return lookup(r.Inputs, path)
}

// Str returns the string input at path, or "".
func (r *Resource) Str(path string) string {
	if v, ok := r.Input(path); ok && v.IsString() {
		return v.StringValue()
	}
	return ""
}

// Bool returns the boolean input at path and whether it was set.
func (r *Resource) Bool(path string) (bool, bool) {
	if v, ok := r.Input(path); ok && v.IsBool() {
		return v.BoolValue(), true
	}
	return false, false
}

// Num returns the numeric input at path and whether it was set.
func (r *Resource) Num(path string) (float64, bool) {
	if v, ok := r.Input(path); ok && v.IsNumber() {
		return v.NumberValue(), true
	}
	return 0, false
}

// Len returns the length of the array input at path (0 when absent).
func (r *Resource) Len(path string) int {
	if v, ok := r.Input(path); ok && v.IsArray() {
		return len(v.ArrayValue())
	}
	return 0
}

// Has reports whether the input at path is present and not null.
func (r *Resource) Has(path string) bool {
	v, ok := r.Input(path)
	return ok && !v.IsNull()
}

// IsSecret reports whether the input at path was sent as a secret.
func (r *Resource) IsSecret(path string) bool {
	parts := splitPath(path)
	v, ok := lookup(r.Inputs, strings.Join(parts[:len(parts)-1], "."))
	if len(parts) == 1 {
		v, ok = resource.NewProperty(r.Inputs), true
	}
	if !ok || !v.IsObject() {
		return false
	}
	last, ok := v.ObjectValue()[resource.PropertyKey(parts[len(parts)-1])]
	return ok && last.IsSecret()
}

func splitPath(path string) []string {
	path = strings.ReplaceAll(path, "[", ".[")
	return strings.Split(path, ".")
}

func lookup(m resource.PropertyMap, path string) (resource.PropertyValue, bool) {
	v := resource.NewProperty(m)
	if path == "" {
		return v, true
	}
	for _, p := range splitPath(path) {
		for v.IsSecret() {
			v = v.SecretValue().Element
		}
		if strings.HasPrefix(p, "[") {
			var i int
			if _, err := fmt.Sscanf(p, "[%d]", &i); err != nil || !v.IsArray() || i < 0 || i >= len(v.ArrayValue()) {
				return resource.PropertyValue{}, false
			}
			v = v.ArrayValue()[i]
			continue
		}
		if !v.IsObject() {
			return resource.PropertyValue{}, false
		}
		next, ok := v.ObjectValue()[resource.PropertyKey(p)]
		if !ok {
			return resource.PropertyValue{}, false
		}
		v = next
	}
	for v.IsSecret() {
		v = v.SecretValue().Element
	}
	return v, true
}
