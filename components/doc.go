// Package components is the multiregion library: Pulumi component resources that, composed one per
// region plus one global layer, run a containerised service across several AWS regions with
// disaster recovery.
//
// Every constructor has the shape
//
//	func NewX(ctx *pulumi.Context, name string, args *XArgs, opts ...pulumi.ResourceOption) (*X, error)
//
// validates its Args before registering anything, parents every child to the component, and never
// builds an AWS provider: the caller passes the region's provider in opts (pulumi.Provider) and the
// children inherit it. Stateful children (repositories, keys, databases, caches) are named by region,
// never by role, so a change of primary region updates them in place instead of replacing them.
package components
