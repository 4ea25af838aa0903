package components

import (
	"slices"

	"github.com/multiregion/multiregion/stateful"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StatefulTypes returns the Pulumi type tokens of the resources the components create whose
// replacement or deletion loses data or evidence (stateful.Types, the one list): databases and their
// global clusters, caches and their global datastores, KMS keys, image repositories, buckets (archives
// and logs), log groups, alert topics and hosted zones. The components name them by region and protect
// them (protectStateful); drills, policy checks and the operator command's guard use the list to
// assert that a change (a failover, say) replaces and deletes none of them.
func StatefulTypes() []string { return stateful.Types() }

// protectStateful is the one place that decides Pulumi's protect option for the components' data:
// every component adds it to its own registration, and it protects each descendant whose type is in
// StatefulTypes, when protect is true. A component built inside another inherits it, and a resource
// added later is covered without a second edit.
//
// The protect option is put first among the resource's own options, so a resource that sets
// pulumi.Protect(false) itself keeps that: the only such case is the data tier releasing a stale
// standby on purpose (DatabaseSpec.Rejoin). It is a transformation (run in the program, by the SDK),
// not an engine transform, so that it behaves the same under the mock engine, the real one and a
// component provider's Construct.
func protectStateful(protect bool) pulumi.ResourceOption {
	if !protect {
		return pulumi.Transformations(nil)
	}
	stateful := StatefulTypes()
	return pulumi.Transformations([]pulumi.ResourceTransformation{
		func(args *pulumi.ResourceTransformationArgs) *pulumi.ResourceTransformationResult {
			if !slices.Contains(stateful, args.Type) {
				return nil
			}
			opts := append([]pulumi.ResourceOption{pulumi.Protect(true)}, args.Opts...)
			return &pulumi.ResourceTransformationResult{Props: args.Props, Opts: opts}
		},
	})
}
