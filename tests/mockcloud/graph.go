package mockcloud

import (
	"maps"
	"slices"
	"time"
)

// typicalCreation holds typical AWS creation times of the resource types whose creation dominates a
// deployment. Sources: the AWS documentation's stated provisioning times where it gives one, the
// Terraform AWS provider's default create timeouts (an upper bound) and the durations observed in
// Pulumi/Terraform deployment logs; they are estimates for ordering, not promises.
var typicalCreation = map[string]time.Duration{
	// RDS: Multi-AZ instance creation "can take several minutes to over ten" (RDS user guide); a
	// cross-region replica takes as long plus the snapshot copy. TF default create timeout 40 min.
	"aws:rds/instance:Instance":               15 * time.Minute,
	"aws:rds/cluster:Cluster":                 8 * time.Minute,
	"aws:rds/clusterInstance:ClusterInstance": 10 * time.Minute,
	"aws:rds/globalCluster:GlobalCluster":     time.Minute,
	// ElastiCache replication groups: 10-20 min observed; TF default create timeout 60 min.
	"aws:elasticache/replicationGroup:ReplicationGroup":             15 * time.Minute,
	"aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": 5 * time.Minute,
	// CloudFront: "typically deploys within minutes" since 2020 (CloudFront developer guide).
	"aws:cloudfront/distribution:Distribution": 5 * time.Minute,
	// ACM DNS validation: "can take up to 30 minutes", usually a few (ACM user guide).
	"aws:acm/certificateValidation:CertificateValidation": 3 * time.Minute,
	// NAT gateway: TF waits for "available", 1-2 min observed.
	"aws:ec2/natGateway:NatGateway": 2 * time.Minute,
	// ALB: TF waits for "active", 2-3 min observed.
	"aws:lb/loadBalancer:LoadBalancer": 3 * time.Minute,
	// Global Accelerator: TF waits for DEPLOYED, about 2 min for the accelerator, 1 min per change.
	"aws:globalaccelerator/accelerator:Accelerator":     2 * time.Minute,
	"aws:globalaccelerator/listener:Listener":           time.Minute,
	"aws:globalaccelerator/endpointGroup:EndpointGroup": time.Minute,
	// Route 53: a change is INSYNC within 60 s (Route 53 API reference, GetChange).
	"aws:route53/record:Record": time.Minute,
	"aws:route53/zone:Zone":     time.Minute,
	// Firehose: CREATING -> ACTIVE, 1-2 min observed.
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": 2 * time.Minute,
	// ECS service without wait-for-steady-state returns once the service is ACTIVE.
	"aws:ecs/service:Service": 30 * time.Second,
	// IAM is eventually consistent; the provider retries for about 10 s after role creation.
	"aws:iam/role:Role": 10 * time.Second,
}

// defaultCreation is the time of any other resource type: one API call and a read-back.
const defaultCreation = 5 * time.Second

// TypicalCreationTime returns the typical time AWS takes to create a resource of type typ; component
// resources and providers take none.
func TypicalCreationTime(r *Resource) time.Duration {
	if !r.Custom || r.Type == AWSProviderType {
		return 0
	}
	if d, ok := typicalCreation[r.Type]; ok {
		return d
	}
	return defaultCreation
}

// Path is a chain of resources, each depending on the one before it.
type Path struct {
	// Total is the sum of the chain's creation times.
	Total time.Duration
	// Chain lists the resources from the first created to the last.
	Chain []*Resource
}

// CriticalPath returns the longest chain of dependent resources, weighted by duration: the least
// time a deployment can take when everything independent runs in parallel. Dependencies are the ones
// the SDK sent (explicit DependsOn and the resources whose outputs feed an input) and the parent's.
func (e *Engine) CriticalPath(duration func(*Resource) time.Duration) Path {
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
		r := e.Get(urn)
		if r == nil || seen[urn] {
			return memo{}
		}
		seen[urn] = true
		best := memo{}
		for _, dep := range r.allDependencies() {
			if e.Get(dep) == nil {
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
	for _, r := range e.Resources() {
		if m := visit(r.URN, map[string]bool{}); m.total > longest || start == "" {
			start, longest = r.URN, m.total
		}
	}
	p := Path{Total: longest}
	for urn := start; urn != ""; urn = done[urn].next {
		if r := e.Get(urn); r != nil && duration(r) > 0 {
			p.Chain = append(p.Chain, r)
		}
	}
	slices.Reverse(p.Chain)
	return p
}

// Needs reports whether r waits for the resource with the given URN (explicitly, through an input,
// or as its parent).
func (r *Resource) Needs(urn string) bool { return slices.Contains(r.allDependencies(), urn) }

// WaitsFor returns every recorded resource r waits for, directly or through others, in no
// particular order.
func (e *Engine) WaitsFor(r *Resource) []*Resource {
	seen := map[string]bool{r.URN: true}
	var out []*Resource
	queue := r.allDependencies()
	for len(queue) > 0 {
		urn := queue[0]
		queue = queue[1:]
		if seen[urn] {
			continue
		}
		seen[urn] = true
		if d := e.Get(urn); d != nil {
			out = append(out, d)
			queue = append(queue, d.allDependencies()...)
		}
	}
	return out
}

// allDependencies returns the URNs r waits for: its explicit dependencies, every input's, and its
// parent: the SDK registers a child only once its parent is registered, and a component only once
// its own dependencies (DependsOn a component means all of its children) are done.
func (r *Resource) allDependencies() []string {
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
