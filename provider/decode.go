package provider

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strconv"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Inputs are the inputs of one Construct call, as the engine sent them.
type Inputs struct {
	// Properties are the input properties: secrets, unknowns (in a preview), output values and
	// resource references kept as the engine sent them.
	Properties resource.PropertyMap
	// Dependencies are, by property, the resources its value depends on. Every output a property
	// becomes depends on all of them.
	Dependencies map[resource.PropertyKey][]pulumi.Resource
	// Resources are the resources the properties refer to (resource references), by URN.
	Resources map[resource.URN]pulumi.Resource
}

// decoder decodes the Inputs of one component into its Args struct and gathers every problem.
type decoder struct {
	ctx *pulumi.Context
	in  Inputs
	// deps are the dependencies of the top-level property being decoded.
	deps []pulumi.Resource
	// secret is set while a secret value is decoded: errors then never show the value.
	secret bool
	errs   []error
}

// failf records a problem with the property at path.
func (d *decoder) failf(path, format string, args ...any) {
	d.errs = append(d.errs, fmt.Errorf("property %q: %s", path, fmt.Sprintf(format, args...)))
}

// decodeArgs decodes d.in.Properties into dst, a struct of codec c. It returns every problem joined.
func (d *decoder) decodeArgs(c *codec, dst reflect.Value) error {
	d.decodeObject(c, "", d.in.Properties, dst, func(k resource.PropertyKey) { d.deps = d.in.Dependencies[k] })
	return errors.Join(d.errs...)
}

// decodeObject decodes the properties of obj into the fields of dst, a struct of codec c, in sorted
// order; enter is called before each property.
func (d *decoder) decodeObject(c *codec, path string, obj resource.PropertyMap, dst reflect.Value, enter func(resource.PropertyKey)) {
	for _, k := range obj.StableKeys() {
		if resource.IsInternalPropertyKey(k) {
			continue
		}
		name := string(k)
		at := joinPath(path, name)
		i, ok := c.byName[name]
		if !ok {
			d.errs = append(d.errs, unknownProperty(c, at, name))
			continue
		}
		if enter != nil {
			enter(k)
		}
		f := c.fields[i]
		d.decode(f.codec, at, obj[k], dst.FieldByIndex(f.index))
	}
}

// unknownProperty is the error for a property name that codec c has no field for.
func unknownProperty(c *codec, path, name string) error {
	msg := fmt.Sprintf("property %q: unknown", path)
	best, bestDist := "", 4
	for _, f := range c.fields {
		if dist := levenshtein.Distance(strings.ToLower(name), strings.ToLower(f.name), nil); dist < bestDist {
			best, bestDist = f.name, dist
		}
	}
	if best != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Errorf("%s; allowed: %s", msg, strings.Join(c.names(), ", "))
}

// joinPath appends property name to path ("service" + "port" -> "service.port").
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// decode decodes v into dst, of codec c.
func (d *decoder) decode(c *codec, path string, v resource.PropertyValue, dst reflect.Value) {
	if c.kind == kindInput {
		d.decodeInput(c, path, v, dst)
		return
	}
	v, ok := d.plain(path, v)
	if !ok || v.IsNull() {
		return // a null leaves the zero value: the setting's default
	}
	switch c.kind {
	case kindString:
		if d.expect(path, v, v.IsString(), "a string") {
			dst.SetString(v.StringValue())
		}
	case kindBool:
		if d.expect(path, v, v.IsBool(), "a boolean") {
			dst.SetBool(v.BoolValue())
		}
	case kindInt:
		if !d.expect(path, v, v.IsNumber(), "an integer") {
			return
		}
		n := v.NumberValue()
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 || dst.OverflowInt(int64(n)) {
			d.failf(path, "%s is not an integer in range", d.describe(v))
			return
		}
		dst.SetInt(int64(n))
	case kindFloat:
		if d.expect(path, v, v.IsNumber(), "a number") {
			dst.SetFloat(v.NumberValue())
		}
	case kindPrefix:
		if !d.expect(path, v, v.IsString(), "a CIDR string (e.g. 10.0.0.0/16)") {
			return
		}
		p, err := netip.ParsePrefix(v.StringValue())
		if err != nil {
			d.failf(path, "%q is not a CIDR (want an address range such as 10.0.0.0/16): %v", v.StringValue(), err)
			return
		}
		dst.Set(reflect.ValueOf(p))
	case kindPointer:
		p := reflect.New(c.elem.typ)
		n := len(d.errs)
		d.decode(c.elem, path, v, p.Elem())
		if len(d.errs) == n {
			dst.Set(p)
		}
	case kindSlice:
		d.decodeSlice(c, path, v, dst)
	case kindMap:
		d.decodeMap(c, path, v, dst)
	case kindStruct:
		if d.expect(path, v, v.IsObject(), "an object") {
			d.decodeObject(c, path, v.ObjectValue(), dst, nil)
		}
	case kindProvider:
		d.decodeProvider(path, v, dst)
	}
}

// expect records a type error unless ok, and returns ok.
func (d *decoder) expect(path string, v resource.PropertyValue, ok bool, want string) bool {
	if !ok {
		d.failf(path, "expected %s, got %s", want, d.describe(v))
	}
	return ok
}

// describe names the type of v for an error, with the value when it is short and not a secret.
func (d *decoder) describe(v resource.PropertyValue) string {
	if d.secret {
		return "a secret " + v.TypeString()
	}
	switch {
	case v.IsString():
		if s := v.StringValue(); len(s) <= 40 {
			return "the string " + strconv.Quote(s)
		}
		return "a string"
	case v.IsNumber():
		return fmt.Sprintf("the number %v", v.NumberValue())
	case v.IsBool():
		return fmt.Sprintf("the boolean %v", v.BoolValue())
	case v.IsArray():
		return "an array"
	case v.IsObject():
		return "an object"
	case v.IsResourceReference():
		return "a reference to the resource " + string(v.ResourceReferenceValue().URN)
	}
	return "a value of type " + v.TypeString()
}

// plain returns v without its output wrappers, for a setting the component reads at once (a plain Go
// field). Such a setting cannot be a secret (the component would use it in clear) or unknown (it
// decides what the component creates).
func (d *decoder) plain(path string, v resource.PropertyValue) (resource.PropertyValue, bool) {
	for {
		switch {
		case v.IsSecret() || (v.IsOutput() && v.OutputValue().Secret):
			d.failf(path, "is a secret, but it is a plain setting, which the component reads in clear; only Input settings take secrets")
			return v, false
		case v.IsComputed() || (v.IsOutput() && !v.OutputValue().Known):
			d.failf(path, "is unknown (an output not yet known in a preview), but it is a plain setting, which must be known when the component is constructed")
			return v, false
		case v.IsOutput():
			v = v.OutputValue().Element
		default:
			return v, true
		}
	}
}

// decodeSlice decodes an array into a slice.
func (d *decoder) decodeSlice(c *codec, path string, v resource.PropertyValue, dst reflect.Value) {
	if !d.expect(path, v, v.IsArray(), "an array") {
		return
	}
	arr := v.ArrayValue()
	s := reflect.MakeSlice(c.typ, len(arr), len(arr))
	for i, e := range arr {
		d.decode(c.elem, fmt.Sprintf("%s[%d]", path, i), e, s.Index(i))
	}
	dst.Set(s)
}

// decodeMap decodes an object into a map, key by key in sorted order.
func (d *decoder) decodeMap(c *codec, path string, v resource.PropertyValue, dst reflect.Value) {
	if !d.expect(path, v, v.IsObject(), "an object") {
		return
	}
	obj := v.ObjectValue()
	m := reflect.MakeMapWithSize(c.typ, len(obj))
	for _, k := range obj.StableKeys() {
		if resource.IsInternalPropertyKey(k) {
			continue
		}
		key := reflect.New(c.typ.Key()).Elem()
		key.SetString(string(k))
		e := reflect.New(c.elem.typ).Elem()
		d.decode(c.elem, fmt.Sprintf("%s[%q]", path, string(k)), obj[k], e)
		m.SetMapIndex(key, e)
	}
	dst.Set(m)
}

// decodeProvider decodes a reference to an aws provider resource.
func (d *decoder) decodeProvider(path string, v resource.PropertyValue, dst reflect.Value) {
	if !d.expect(path, v, v.IsResourceReference(), "a reference to an aws provider resource") {
		return
	}
	ref := v.ResourceReferenceValue()
	if t := string(ref.URN.Type()); t != awsProviderType {
		d.failf(path, "expected a reference to an aws provider resource (%s), got one to a %s", awsProviderType, t)
		return
	}
	r, ok := d.in.Resources[ref.URN]
	if !ok {
		d.failf(path, "the provider %s was not resolved", ref.URN)
		return
	}
	p, ok := r.(pulumi.ProviderResource)
	if !ok {
		d.failf(path, "%s resolved to a %T, not a provider", ref.URN, r)
		return
	}
	dst.Set(reflect.ValueOf(p))
}

// decodeInput decodes v into dst, a pulumi Input or Output of codec c: an output of the Input's type
// that resolves to v's value (type-checked when it is known), is unknown when any part of v is, is
// a secret when any part of v is, and depends on the resources the property depends on.
func (d *decoder) decodeInput(c *codec, path string, v resource.PropertyValue, dst reflect.Value) {
	if v.IsNull() {
		return
	}
	ctx := d.ctx.Context()
	var out pulumi.Output
	if v.ContainsUnknowns() {
		out = pulumi.UnsafeUnknownOutput(nil).ApplyT(c.unknown.Interface())
	} else {
		e := reflect.New(c.elem.typ).Elem()
		n := len(d.errs)
		d.secret = v.ContainsSecrets()
		d.decode(c.elem, path, reveal(v), e)
		d.secret = false
		if len(d.errs) > n {
			return
		}
		out = pulumi.ToOutputWithContext(ctx, e.Interface())
	}
	if v.ContainsSecrets() {
		out = pulumi.ToSecretWithContext(ctx, out)
	}
	if len(d.deps) > 0 {
		out = pulumi.OutputWithDependencies(ctx, out, d.deps...)
	}
	o := reflect.ValueOf(out)
	if !o.Type().AssignableTo(dst.Type()) {
		d.failf(path, "internal: a %v cannot be assigned to a %v", o.Type(), dst.Type())
		return
	}
	dst.Set(o)
}

// reveal returns known value v without its secret and output wrappers, at every depth (their
// secretness is carried by the output decodeInput makes).
func reveal(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return reveal(v.SecretValue().Element)
	case v.IsOutput():
		return reveal(v.OutputValue().Element)
	case v.IsArray():
		arr := v.ArrayValue()
		out := make([]resource.PropertyValue, len(arr))
		for i, e := range arr {
			out[i] = reveal(e)
		}
		return resource.NewProperty(out)
	case v.IsObject():
		obj := v.ObjectValue()
		out := make(resource.PropertyMap, len(obj))
		for k, e := range obj {
			out[k] = reveal(e)
		}
		return resource.NewProperty(out)
	}
	return v
}
