package awsmap

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfgen"
	shim "github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfshim"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"
	"github.com/spf13/afero"
)

// ResourceTokens returns the Terraform resource type -> pulumi-aws token table.
func ResourceTokens() map[string]string { return resourceTokens() }

// DataSourceTokens returns the Terraform data source -> pulumi-aws function token table.
func DataSourceTokens() map[string]string { return dataSourceTokens() }

// ProviderInfo describes the plugin to the bridge: the running Terraform provider p, the
// pulumi-aws tokens, pulumi-aws's naming deviations and per-type auto-naming. It fails,
// naming every offender, when a mapped Terraform name is not served by p (the bridge
// would otherwise panic).
func ProviderInfo(p shim.Provider) (tfbridge.ProviderInfo, error) {
	var missing []error
	resources := map[string]*tfbridge.ResourceInfo{}
	overrides := fieldOverrides()
	names := autoNames()
	for tf, tok := range resourceTokens() {
		if p.ResourcesMap().Get(tf) == nil {
			missing = append(missing, fmt.Errorf("terraform resource %s (for %s) is not served by the provider", tf, tok))
			continue
		}
		fields := map[string]*tfbridge.SchemaInfo{}
		for field, info := range overrides[tf] {
			fields[field] = info
		}
		applyConventions(p.ResourcesMap().Get(tf), fields)
		if n, ok := names[tf]; ok {
			if p.ResourcesMap().Get(tf).Schema().Get(n.field) == nil {
				missing = append(missing, fmt.Errorf("terraform resource %s has no attribute %s to auto-name", tf, n.field))
				continue
			}
			fields[n.field] = n.schema()
		}
		resources[tf] = &tfbridge.ResourceInfo{Tok: tokens.Type(tok), Fields: fields}
	}
	dataSources := map[string]*tfbridge.DataSourceInfo{}
	dsFields := dataSourceFields()
	for tf, tok := range dataSourceTokens() {
		if p.DataSourcesMap().Get(tf) == nil {
			missing = append(missing, fmt.Errorf("terraform data source %s (for %s) is not served by the provider", tf, tok))
			continue
		}
		dataSources[tf] = &tfbridge.DataSourceInfo{Tok: tokens.ModuleMember(tok), Fields: dsFields[tf]}
	}
	for field := range configOverrides() {
		if p.Schema().Get(field) == nil {
			missing = append(missing, fmt.Errorf("terraform provider setting %s does not exist", field))
		}
	}
	if len(missing) > 0 {
		slices.SortFunc(missing, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return tfbridge.ProviderInfo{}, errors.Join(missing...)
	}

	info := tfbridge.ProviderInfo{
		P:              p,
		Name:           "aws",
		Version:        Version,
		ResourcePrefix: "aws",
		DisplayName:    "AWS (local cloud)",
		Description:    "terraform-provider-aws bridged under the pulumi-aws v6 names, for offline drills against an AWS emulator.",
		License:        "Apache-2.0",
		Publisher:      "multiregion",
		Config:         configOverrides(),
		Resources:      resources,
		DataSources:    dataSources,
		MetadataInfo:   &tfbridge.MetadataInfo{Path: "", Data: tfbridge.ProviderMetadata(nil)},
		// WAFv2 statements are recursive types in pulumi-aws v6 (see recursiveStatements).
		SchemaPostProcessor: recursiveStatements,
	}
	// Everything else the Terraform provider serves stays unmapped, on purpose.
	p.ResourcesMap().Range(func(tf string, _ shim.Resource) bool {
		if _, ok := resources[tf]; !ok {
			info.IgnoreMappings = append(info.IgnoreMappings, tf)
		}
		return true
	})
	p.DataSourcesMap().Range(func(tf string, _ shim.Resource) bool {
		if _, ok := dataSources[tf]; !ok {
			info.IgnoreMappings = append(info.IgnoreMappings, tf)
		}
		return true
	})
	slices.Sort(info.IgnoreMappings)
	// Every remaining resource with a "name" input gets the usual Pulumi auto-name.
	info.SetAutonaming(255, "-")
	return info, nil
}

// applyConventions applies pulumi-aws's resource-wide conventions to the fields of one
// resource, leaving explicitly overridden fields alone:
//   - tags_all is an output only (the provider computes it from tags and default tags);
//   - the Terraform timeouts block is not exposed (Pulumi has customTimeouts);
//   - write-only attributes (*_wo, *_wo_version, has_*_wo), newer than pulumi-aws v6,
//     are not exposed.
func applyConventions(res shim.Resource, fields map[string]*tfbridge.SchemaInfo) {
	res.Schema().Range(func(attr string, _ shim.Schema) bool {
		if _, set := fields[attr]; set {
			return true
		}
		switch {
		case attr == "tags_all":
			fields[attr] = &tfbridge.SchemaInfo{MarkAsComputedOnly: tfbridge.True()}
		case attr == "timeouts",
			strings.HasSuffix(attr, "_wo"),
			strings.HasSuffix(attr, "_wo_version"):
			fields[attr] = &tfbridge.SchemaInfo{Omit: true}
		}
		return true
	})
}

// Schema generates the Pulumi package schema of info, as the engine's GetSchema call
// and the mapping test see it.
func Schema(info tfbridge.ProviderInfo) ([]byte, error) {
	sink := diag.DefaultSink(io.Discard, io.Discard, diag.FormatOptions{Color: colors.Never})
	g, err := tfgen.NewGenerator(tfgen.GeneratorOptions{
		Package:       info.Name,
		Version:       info.Version,
		Language:      tfgen.Schema,
		ProviderInfo:  info,
		Root:          afero.NewMemMapFs(),
		Sink:          sink,
		SkipDocs:      true,
		SkipExamples:  true,
		XInMemoryDocs: true,
	})
	if err != nil {
		return nil, fmt.Errorf("creating schema generator: %w", err)
	}
	res, err := g.Generate()
	if err != nil {
		return nil, fmt.Errorf("generating schema: %w", err)
	}
	res.PackageSpec.Version = info.Version
	return json.Marshal(res.PackageSpec)
}
