package mockcloud

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Resources returns every recorded registration, in registration order.
func (e *Engine) Resources() []*Resource {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Resource(nil), e.resources...)
}

// Invokes returns every recorded invoke, in call order.
func (e *Engine) Invokes() []Invoke {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Invoke(nil), e.calls...)
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

// InRegion returns the custom resources registered on the given region's provider, sorted by type
// then name.
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
		pr := e.Get(p)
		if pr == nil {
			return false
		}
		p = pr.Parent
	}
	return false
}

// AllDependencies returns the URNs r waits for before it is created, sorted and without repeats: its
// explicit dependencies, every input's, and its parent (the SDK registers a child only once its
// parent is registered, and a component only once its own dependencies are done; DependsOn a
// component means all of its children).
func (r *Resource) AllDependencies() []string {
	deps := append([]string(nil), r.Dependencies...)
	if r.Parent != "" {
		deps = append(deps, r.Parent)
	}
	for _, k := range slices.Sorted(maps.Keys(r.PropertyDependencies)) {
		deps = append(deps, r.PropertyDependencies[k]...)
	}
	slices.Sort(deps)
	return slices.Compact(deps)
}

// Input returns the input at a dotted path ("healthCheck.path", "rules[0].destinations"), following
// objects and arrays and unwrapping secrets; ok is false when any step is missing.
func (r *Resource) Input(path string) (resource.PropertyValue, bool) {
	return lookup(r.Inputs, path)
}

// Output returns the output (the state the engine answered with) at a dotted path, as [Resource.Input]
// does for inputs.
func (r *Resource) Output(path string) (resource.PropertyValue, bool) {
	return lookup(r.Outputs, path)
}

// OutStr returns the string output at path, or "": an ID, ARN or DNS name the engine fabricated.
func (r *Resource) OutStr(path string) string {
	if v, ok := r.Output(path); ok && v.IsString() {
		return v.StringValue()
	}
	return ""
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
