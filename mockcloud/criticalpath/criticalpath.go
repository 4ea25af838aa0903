// Package criticalpath analyses the dependency graph a mockcloud engine recorded: the longest chain
// of resources that must be created one after the other (the least time a deployment can take when
// everything independent runs in parallel), and what a resource waits for.
//
//	e := mockcloud.New()
//	_ = e.Run(program, config)
//	p := criticalpath.Longest(e, criticalpath.TypicalCreationTime)
//	fmt.Println(p.Total) // e.g. 35m20s
//
// A resource waits for its explicit dependencies (DependsOn), the resources whose outputs feed its
// inputs, and its parent, as [mockcloud.Resource.AllDependencies] reports them.
package criticalpath

import (
	"slices"
	"time"

	"github.com/multiregion/multiregion/mockcloud"
)

// Graph is a recorded deployment; *mockcloud.Engine implements it.
type Graph interface {
	// Resources returns every recorded resource.
	Resources() []*mockcloud.Resource
	// Get returns the resource with the given URN, or nil.
	Get(urn string) *mockcloud.Resource
}

// typicalCreation returns the typical AWS creation time of the resource types whose creation
// dominates a deployment. Sources: the AWS documentation's stated provisioning times where it gives
// one, the Terraform AWS provider's default create timeouts (an upper bound) and the durations
// observed in Pulumi/Terraform deployment logs; they are estimates for ordering, not promises.
func typicalCreation(typ string) (time.Duration, bool) {
	switch typ {
	// RDS: Multi-AZ instance creation "can take several minutes to over ten" (RDS user guide); a
	// cross-region replica takes as long plus the snapshot copy. TF default create timeout 40 min.
	case "aws:rds/instance:Instance":
		return 15 * time.Minute, true
	case "aws:rds/cluster:Cluster":
		return 8 * time.Minute, true
	case "aws:rds/clusterInstance:ClusterInstance":
		return 10 * time.Minute, true
	case "aws:rds/globalCluster:GlobalCluster":
		return time.Minute, true
	// ElastiCache replication groups: 10-20 min observed; TF default create timeout 60 min.
	case "aws:elasticache/replicationGroup:ReplicationGroup":
		return 15 * time.Minute, true
	case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
		return 5 * time.Minute, true
	// CloudFront: "typically deploys within minutes" since 2020 (CloudFront developer guide).
	case "aws:cloudfront/distribution:Distribution":
		return 5 * time.Minute, true
	// ACM DNS validation: "can take up to 30 minutes", usually a few (ACM user guide).
	case "aws:acm/certificateValidation:CertificateValidation":
		return 3 * time.Minute, true
	// NAT gateway: TF waits for "available", 1-2 min observed.
	case "aws:ec2/natGateway:NatGateway":
		return 2 * time.Minute, true
	// ALB: TF waits for "active", 2-3 min observed.
	case "aws:lb/loadBalancer:LoadBalancer":
		return 3 * time.Minute, true
	// Global Accelerator: TF waits for DEPLOYED, about 2 min for the accelerator, 1 min per change.
	case "aws:globalaccelerator/accelerator:Accelerator":
		return 2 * time.Minute, true
	case "aws:globalaccelerator/listener:Listener", "aws:globalaccelerator/endpointGroup:EndpointGroup":
		return time.Minute, true
	// Route 53: a change is INSYNC within 60 s (Route 53 API reference, GetChange).
	case "aws:route53/record:Record", "aws:route53/zone:Zone":
		return time.Minute, true
	// Firehose: CREATING -> ACTIVE, 1-2 min observed.
	case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
		return 2 * time.Minute, true
	// ECS service without wait-for-steady-state returns once the service is ACTIVE.
	case "aws:ecs/service:Service":
		return 30 * time.Second, true
	// IAM is eventually consistent; the provider retries for about 10 s after role creation.
	case "aws:iam/role:Role":
		return 10 * time.Second, true
	}
	return 0, false
}

// DefaultCreation is the time TypicalCreationTime gives any other custom resource type: one API call
// and a read-back.
const DefaultCreation = 5 * time.Second

// TypicalCreationTime returns the typical time AWS takes to create r; component resources and
// providers take none.
func TypicalCreationTime(r *mockcloud.Resource) time.Duration {
	if !r.Custom || r.Type == mockcloud.AWSProviderType {
		return 0
	}
	if d, ok := typicalCreation(r.Type); ok {
		return d
	}
	return DefaultCreation
}

// Path is a chain of resources, each depending on the one before it.
type Path struct {
	// Total is the sum of the chain's creation times.
	Total time.Duration
	// Chain lists the resources that take time, from the first created to the last.
	Chain []*mockcloud.Resource
}

// Longest returns the longest chain of dependent resources of g, weighted by duration: the least
// time a deployment can take when everything independent runs in parallel.
func Longest(g Graph, duration func(*mockcloud.Resource) time.Duration) Path {
	type memo struct {
		total time.Duration
		next  string
	}
	done := map[string]memo{}
	var visit func(urn string, seen map[string]bool) memo
	visit = func(urn string, seen map[string]bool) memo {
		if m, ok := done[urn]; ok {
			return m
		}
		r := g.Get(urn)
		if r == nil || seen[urn] {
			return memo{}
		}
		seen[urn] = true
		best := memo{}
		for _, dep := range r.AllDependencies() {
			if g.Get(dep) == nil {
				continue
			}
			if m := visit(dep, seen); best.next == "" || m.total > best.total {
				best = memo{total: m.total, next: dep}
			}
		}
		delete(seen, urn)
		m := memo{total: best.total + duration(r), next: best.next}
		done[urn] = m
		return m
	}
	var start string
	var longest time.Duration
	for _, r := range g.Resources() {
		if m := visit(r.URN, map[string]bool{}); m.total > longest || start == "" {
			start, longest = r.URN, m.total
		}
	}
	p := Path{Total: longest}
	for urn := start; urn != ""; urn = done[urn].next {
		if r := g.Get(urn); r != nil && duration(r) > 0 {
			p.Chain = append(p.Chain, r)
		}
	}
	slices.Reverse(p.Chain)
	return p
}

// Needs reports whether r waits directly for the resource with the given URN (explicitly, through an
// input, or as its parent).
func Needs(r *mockcloud.Resource, urn string) bool {
	return slices.Contains(r.AllDependencies(), urn)
}

// WaitsFor returns every resource of g that r waits for, directly or through others, in no
// particular order.
func WaitsFor(g Graph, r *mockcloud.Resource) []*mockcloud.Resource {
	seen := map[string]bool{r.URN: true}
	var out []*mockcloud.Resource
	queue := r.AllDependencies()
	for len(queue) > 0 {
		urn := queue[0]
		queue = queue[1:]
		if seen[urn] {
			continue
		}
		seen[urn] = true
		if d := g.Get(urn); d != nil {
			out = append(out, d)
			queue = append(queue, d.AllDependencies()...)
		}
	}
	return out
}
