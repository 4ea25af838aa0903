package ops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/stateful"
)

// Allowance lets the guard pass a deliberate destruction of one resource. It is narrow by design:
// one type, one resource name (the last part of its URN: the stack's names are unique by region, e.g.
// "web-us-west-2-db"), and only the operations it lists. Two uses exist: the RDS rejoin rebuild
// replaces a stale database instance (RejoinAllowance: the operations of a replacement, never a plain
// delete), and the backup-restore retire deletes a kept former writer (RetireAllowances: a plain
// delete only, never a replacement).
type Allowance struct {
	// Type is the resource's type token, e.g. "aws:rds/instance:Instance".
	Type string
	// Name is the resource's name, the part of its URN after the last "::".
	Name string
	// Ops are the operations allowed. Empty: those of a replacement (replace, create-replacement,
	// delete-replaced).
	Ops []Op
	// Reason says why, for the plan and the report.
	Reason string
}

// replacementOps are the steps of a replacement, in either order.
func replacementOps() []Op { return []Op{"replace", "create-replacement", "delete-replaced"} }

// RejoinAllowance is the one replacement a rejoin rebuild of region makes: its RDS instance,
// "<service>-<region>-db" (components.RejoinRebuild).
func RejoinAllowance(service, region string) Allowance {
	return Allowance{
		Type:   "aws:rds/instance:Instance",
		Name:   service + "-" + region + "-db",
		Reason: "rejoin rebuild of " + region + ": the stale instance is replaced by a replica of the primary (docs/datatier.md)",
	}
}

// RetireAllowances are the deletions the rebuild of a kept former writer in region makes under
// backup-restore (docs/datatier.md, "Backup and restore"): the region's data tier is no longer
// registered, so the up deletes its RDS instance "<service>-<region>-db" (with its final snapshot
// "<service>-<region>-final") and its cache replication group "<service>-<region>-cache" (with its
// own final snapshot). They are the data tier's only children of a stateful type; its subnet groups,
// security groups, parameter groups, users and alarms are not stateful and the guard never stops
// them. Each allows a plain "delete" of that one resource only: not a replacement, not another
// region's, not the region's KMS key or backup vault.
func RetireAllowances(service, region string) []Allowance {
	reason := "rejoin rebuild of " + region + " under backup-restore: the kept former writer is retired, final snapshot " +
		service + "-" + region + "-final (docs/datatier.md, Backup and restore)"
	return []Allowance{
		{Type: "aws:rds/instance:Instance", Name: service + "-" + region + "-db", Ops: []Op{"delete"}, Reason: reason},
		{Type: "aws:elasticache/replicationGroup:ReplicationGroup", Name: service + "-" + region + "-cache", Ops: []Op{"delete"}, Reason: reason},
	}
}

// permits reports whether a permits step s: same type, same name, and one of its operations.
func (a Allowance) permits(s Step) bool {
	if a.Type == "" || a.Name == "" || s.Type != a.Type || urnName(s.URN) != a.Name {
		return false
	}
	ops := a.Ops
	if len(ops) == 0 {
		ops = replacementOps()
	}
	return slices.Contains(ops, s.Op)
}

// Guard checks a preview before an update: it refuses every step that destroys a resource of a
// stateful type (stateful.Types, stateful.Replaces) unless one of its allowances names that step.
type Guard struct {
	// Allow lists the deliberate replacements or deletions this update may make (usually none).
	Allow []Allowance
}

// RefusedStep is one step the guard refused.
type RefusedStep struct {
	// URN, Type and Op name the step.
	URN, Type string
	// Op is the destroying operation.
	Op Op
}

// RefusalError is a refused step of a command: a pre-check that failed or a guarded preview that
// would destroy stateful resources. Commands exit non-zero on it; a fleet stops after its group.
type RefusalError struct {
	// Phase is the phase that refused.
	Phase string
	// Reasons say what was refused and why, one line each.
	Reasons []string
	// Steps are the preview steps the guard refused (empty for a pre-check).
	Steps []RefusedStep
}

// Error implements error.
func (e *RefusalError) Error() string {
	return fmt.Sprintf("refused at %s: %s", e.Phase, strings.Join(e.Reasons, "; "))
}

// Check returns a *RefusalError naming every stateful step of p that destroys a resource and is not
// allowed, or nil when p destroys nothing stateful.
func (g Guard) Check(p Preview) error {
	types := stateful.Types()
	var refused []RefusedStep
	var reasons []string
	for _, s := range p.Steps {
		if !slices.Contains(types, s.Type) || !stateful.Replaces(string(s.Op)) {
			continue
		}
		if slices.ContainsFunc(g.Allow, func(a Allowance) bool { return a.permits(s) }) {
			continue
		}
		refused = append(refused, RefusedStep{URN: s.URN, Type: s.Type, Op: s.Op})
		reasons = append(reasons, fmt.Sprintf("%s of stateful %s %s", s.Op, s.Type, s.URN))
	}
	if len(refused) == 0 {
		return nil
	}
	return &RefusalError{Phase: "guarded preview", Reasons: reasons, Steps: refused}
}

// allowed lists the resources of p whose steps the allowances passed, for the report: one entry per
// resource, its operations joined ("delete-replaced/replace/create-replacement web-us-west-2-db").
func (g Guard) allowed(p Preview) []string {
	var urns []string
	opsOf := map[string][]string{}
	reasons := map[string]string{}
	for _, s := range p.Steps {
		if !slices.ContainsFunc(g.Allow, func(a Allowance) bool { return a.permits(s) }) {
			continue
		}
		if _, seen := opsOf[s.URN]; !seen {
			urns = append(urns, s.URN)
			reasons[s.URN] = g.reason(s)
		}
		opsOf[s.URN] = append(opsOf[s.URN], string(s.Op))
	}
	out := make([]string, 0, len(urns))
	for _, urn := range urns {
		out = append(out, fmt.Sprintf("%s %s (allowed: %s)", strings.Join(opsOf[urn], "/"), urnName(urn), reasons[urn]))
	}
	return out
}

func (g Guard) reason(s Step) string {
	for _, a := range g.Allow {
		if a.permits(s) {
			return a.Reason
		}
	}
	return ""
}

// urnName is the resource name at the end of a URN ("urn:pulumi:stack::project::type::name").
func urnName(urn string) string {
	if i := strings.LastIndex(urn, "::"); i >= 0 {
		return urn[i+2:]
	}
	return urn
}
