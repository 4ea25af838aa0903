package provider

import (
	"fmt"
	"net/netip"
	"reflect"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// kind is how a Go type travels as a Pulumi property value.
type kind int

const (
	// kindString is a string, or a named type of string kind (components.Role): a plain string.
	kindString kind = iota
	// kindBool is a plain boolean.
	kindBool
	// kindInt is an integer kind: a plain number without a fraction.
	kindInt
	// kindFloat is a float kind: a plain number.
	kindFloat
	// kindPrefix is a netip.Prefix: a plain CIDR string.
	kindPrefix
	// kindPointer is a pointer (an optional setting such as *bool): its element, or null.
	kindPointer
	// kindSlice is a slice: a plain array of its element.
	kindSlice
	// kindMap is a map with string keys: a plain object of its element.
	kindMap
	// kindStruct is a struct: a plain object of its fields (embedded structs flattened).
	kindStruct
	// kindInput is a pulumi Input or Output type (pulumi.StringInput, pulumi.StringArrayInput, ...):
	// any value of its element type, which may be a secret, unknown or carry dependencies.
	kindInput
	// kindProvider is pulumi.ProviderResource: a reference to an aws provider resource.
	kindProvider
)

// awsProviderType is the type token of the AWS provider resource, the only provider a setting takes.
const awsProviderType = "pulumi:providers:aws"

// codec decodes Pulumi property values into one Go type, and describes that type in the schema. It is
// built once per type by newCodec and never changes afterwards.
type codec struct {
	kind kind
	// typ is the Go type decoded into.
	typ reflect.Type
	// elem is the codec of a pointer's, slice's or map's element, or of an Input's element type (the
	// plain value the Input carries: string for pulumi.StringInput, []string for
	// pulumi.StringArrayInput).
	elem *codec
	// fields are a struct's properties, sorted by name; byName indexes them.
	fields []field
	byName map[string]int
	// unknown is, for an Input, a func(any) E whose ApplyT on an unknown output gives an unknown
	// output of the Input's output type.
	unknown reflect.Value
}

// field is one property of a struct.
type field struct {
	// name is the property name (fieldName).
	name string
	// goName is the Go field name, and owner the struct type that declares it (an embedded struct's
	// own type for its flattened fields): the keys of the field's doc comment.
	goName string
	owner  reflect.Type
	// index is the field's index sequence in the outer struct (reflect.Value.FieldByIndex).
	index []int
	codec *codec
}

var (
	prefixType   = reflect.TypeFor[netip.Prefix]()
	providerType = reflect.TypeFor[pulumi.ProviderResource]()
	inputType    = reflect.TypeFor[pulumi.Input]()
	outputType   = reflect.TypeFor[pulumi.Output]()
	anyType      = reflect.TypeFor[any]()
)

// newCodec builds the codec of t; codecs caches the codecs of the struct types built so far. It fails
// on a type no Pulumi property value can carry (a func, a channel, a map with non-string keys, an
// embedded pointer), naming the field.
func newCodec(t reflect.Type, codecs map[reflect.Type]*codec) (*codec, error) {
	if c, ok := codecs[t]; ok {
		return c, nil
	}
	c := &codec{typ: t}
	switch {
	case t == prefixType:
		c.kind = kindPrefix
	case t == providerType:
		c.kind = kindProvider
	case t.Implements(outputType) || (t.Kind() == reflect.Interface && t.Implements(inputType)):
		elem, err := inputElement(t)
		if err != nil {
			return nil, err
		}
		c.kind = kindInput
		if c.elem, err = newCodec(elem, codecs); err != nil {
			return nil, fmt.Errorf("element of %v: %w", t, err)
		}
		c.unknown = reflect.MakeFunc(reflect.FuncOf([]reflect.Type{anyType}, []reflect.Type{elem}, false),
			func([]reflect.Value) []reflect.Value { return []reflect.Value{reflect.Zero(elem)} })
	default:
		if err := c.byKind(codecs); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// byKind fills c, a plain Go type, by the kind of its type.
func (c *codec) byKind(codecs map[reflect.Type]*codec) error {
	t := c.typ
	var err error
	switch t.Kind() {
	case reflect.String:
		c.kind = kindString
	case reflect.Bool:
		c.kind = kindBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.kind = kindInt
	case reflect.Float32, reflect.Float64:
		c.kind = kindFloat
	case reflect.Pointer:
		c.kind = kindPointer
		c.elem, err = newCodec(t.Elem(), codecs)
	case reflect.Slice:
		c.kind = kindSlice
		c.elem, err = newCodec(t.Elem(), codecs)
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("%v: map keys must be strings", t)
		}
		c.kind = kindMap
		c.elem, err = newCodec(t.Elem(), codecs)
	case reflect.Struct:
		c.kind = kindStruct
		codecs[t] = c // before the fields, for a type that refers to itself
		if err = c.addFields(t, nil, codecs); err == nil {
			sort.Slice(c.fields, func(i, j int) bool { return c.fields[i].name < c.fields[j].name })
			c.byName = make(map[string]int, len(c.fields))
			for i, f := range c.fields {
				if _, dup := c.byName[f.name]; dup {
					err = fmt.Errorf("%v: two fields are named %q", t, f.name)
					break
				}
				c.byName[f.name] = i
			}
		}
		if err != nil {
			delete(codecs, t)
		}
	default:
		return fmt.Errorf("%v: a %v cannot be a Pulumi property", t, t.Kind())
	}
	return err
}

// addFields adds the exported fields of struct type t, reached through index from the outer struct,
// to c; the fields of an embedded struct are flattened into it, as encoding/json does.
func (c *codec) addFields(t reflect.Type, index []int, codecs map[reflect.Type]*codec) error {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		at := append(append([]int(nil), index...), i)
		if f.Anonymous {
			if f.Type.Kind() != reflect.Struct {
				return fmt.Errorf("%v.%s: only embedded structs are supported", t, f.Name)
			}
			if err := c.addFields(f.Type, at, codecs); err != nil {
				return err
			}
			continue
		}
		fc, err := newCodec(f.Type, codecs)
		if err != nil {
			return fmt.Errorf("%v.%s: %w", t, f.Name, err)
		}
		c.fields = append(c.fields, field{name: fieldName(f), goName: f.Name, owner: t, index: at, codec: fc})
	}
	return nil
}

// inputElement returns the element type of the pulumi Input or Output type t: the Go type of the
// value its output resolves to (string for pulumi.StringInput and pulumi.IDOutput, []string for
// pulumi.StringArrayInput). An Input interface names its output type by its To<Name>Output method.
func inputElement(t reflect.Type) (reflect.Type, error) {
	out := t
	if t.Kind() == reflect.Interface {
		out = nil
		for i := range t.NumMethod() {
			m := t.Method(i)
			if strings.HasPrefix(m.Name, "To") && strings.HasSuffix(m.Name, "Output") &&
				m.Type.NumIn() == 0 && m.Type.NumOut() == 1 && m.Type.Out(0).Implements(outputType) {
				out = m.Type.Out(0)
				break
			}
		}
		if out == nil || out == outputType || !out.Implements(t) {
			return nil, fmt.Errorf("%v: not an Input with a typed output (such as pulumi.StringInput)", t)
		}
	}
	elem := reflect.Zero(out).Interface().(pulumi.Output).ElementType()
	if elem == anyType {
		return nil, fmt.Errorf("%v: an untyped output cannot be described", t)
	}
	return elem, nil
}

// names returns the property names of a struct codec, in order.
func (c *codec) names() []string {
	out := make([]string, len(c.fields))
	for i, f := range c.fields {
		out[i] = f.name
	}
	return out
}
