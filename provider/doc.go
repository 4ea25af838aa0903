// Package provider serves the components of package components to every Pulumi language: it is the
// logic of the component provider plugin pulumi-resource-multiregion (cmd/pulumi-resource-multiregion)
// and of its schema (provider/schema.json, written by cmd/multiregion-schema).
//
// The Go code is the single definition of every component. A component's inputs are the fields of its
// Go Args struct (components.RegionalClusterArgs, ...), named by [PropertyName] (or by a field's json
// tag); Construct decodes the engine's inputs into that struct by reflection and calls the Go
// constructor, which validates them before it registers anything. A component's outputs are the fields
// of its struct that carry a `pulumi:"..."` tag. The schema is generated from the same types, with the
// descriptions read from their doc comments in the components source ([GenerateSchema]).
//
// Regional AWS providers come in through the standard `providers` resource option, as with any
// component: the options Construct receives carry them, and the children inherit them. Settings that
// take a provider (GlobalEdgeArgs.GlobalProvider, LinkSide.Provider, ...) take a resource reference to
// an aws provider.
//
// # The plugin
//
// go build ./cmd/pulumi-resource-multiregion builds the plugin; the engine finds it on the PATH, in a
// program's Pulumi.yaml (plugins: providers: [{name: multiregion, path: <its directory>}]), or once
// installed (pulumi plugin install resource multiregion 0.1.0 -f <binary>). It embeds
// provider/schema.json (pulumi package get-schema <binary> prints it). The children it creates are aws
// resources: the engine needs the aws plugin of the version the components are built on (go.mod's
// pulumi-aws, 6.83.4).
//
// # The schema
//
// After a change to a component's Args, outputs or doc comments, regenerate provider/schema.json with
// go run ./cmd/multiregion-schema; TestSchemaUpToDate fails until then.
package provider
