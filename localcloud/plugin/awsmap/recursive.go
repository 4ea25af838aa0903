package awsmap

import (
	"strings"

	pschema "github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// recursiveStatementRoots are the WAFv2 statement types that pulumi-aws v6 makes recursive.
//
// A WAFv2 rule's statement is a boolean tree: and_statement and or_statement combine a
// list of statements, not_statement negates one, each of them a statement again. Terraform
// cannot express a recursive schema, so the provider unrolls the tree a few levels deep,
// one distinct block per level and per place (rule.statement.and_statement.statement.
// or_statement.statement..., the same under the scope-down statement of a managed rule
// group or rate-based statement), each level offering fewer kinds of statement. The bridge
// turns every level into its own Pulumi type (WebAclRuleStatementAndStatementStatement...).
// pulumi-aws v6 instead post-processes its schema: every "statements" list of a statement
// type points back at the root statement type, and the unrolled levels are dropped. Its
// SDK therefore has WebAclRuleStatementAndStatement.Statements []WebAclRuleStatement, and
// so must this plugin's schema. Only the Pulumi schema changes: property names are the
// same at every level, so the bridge translates values to the Terraform schema as before
// (a nested statement kind that Terraform has no block for at that depth is rejected by the
// provider, as it is by pulumi-aws).
var recursiveStatementRoots = []string{"WebAclRuleStatement", "RuleGroupRuleStatement"}

const wafv2Types = "aws:wafv2/"

// recursiveStatements rewrites spec as pulumi-aws v6 does: the "statements" property of
// every WAFv2 type named after a root statement type (WebAclRuleStatement...) becomes a
// list of that root type, and the WAFv2 types nothing refers to any more are removed.
func recursiveStatements(spec *pschema.PackageSpec) {
	for tok, typ := range spec.Types {
		if !strings.HasPrefix(tok, wafv2Types) {
			continue
		}
		prop, ok := typ.Properties["statements"]
		if !ok || prop.Items == nil {
			continue
		}
		name := tok[strings.LastIndex(tok, ":")+1:]
		for _, root := range recursiveStatementRoots {
			if !strings.HasPrefix(name, root) {
				continue
			}
			items := *prop.Items
			items.Ref = "#/types/" + wafv2Types + root + ":" + root
			prop.Items = &items
			typ.Properties["statements"] = prop
			break
		}
	}
	pruneUnreachableTypes(spec, wafv2Types)
}

// pruneUnreachableTypes deletes the types of spec whose token starts with prefix and that no
// resource, function, provider setting or reachable type refers to.
func pruneUnreachableTypes(spec *pschema.PackageSpec, prefix string) {
	reached := map[string]bool{}
	var queue []string
	var visit func(ts *pschema.TypeSpec)
	visit = func(ts *pschema.TypeSpec) {
		if ts == nil {
			return
		}
		if tok, ok := strings.CutPrefix(ts.Ref, "#/types/"); ok && !reached[tok] {
			reached[tok] = true
			queue = append(queue, tok)
		}
		visit(ts.Items)
		visit(ts.AdditionalProperties)
		for i := range ts.OneOf {
			visit(&ts.OneOf[i])
		}
	}
	visitProps := func(props map[string]pschema.PropertySpec) {
		for _, p := range props {
			visit(&p.TypeSpec)
		}
	}
	visitProps(spec.Provider.Properties)
	visitProps(spec.Provider.InputProperties)
	for _, res := range spec.Resources {
		visitProps(res.Properties)
		visitProps(res.InputProperties)
		if res.StateInputs != nil {
			visitProps(res.StateInputs.Properties)
		}
	}
	for _, fn := range spec.Functions {
		if fn.Inputs != nil {
			visitProps(fn.Inputs.Properties)
		}
		if fn.Outputs != nil {
			visitProps(fn.Outputs.Properties)
		}
		if fn.ReturnType != nil {
			visit(fn.ReturnType.TypeSpec)
			if fn.ReturnType.ObjectTypeSpec != nil {
				visitProps(fn.ReturnType.ObjectTypeSpec.Properties)
			}
		}
	}
	for len(queue) > 0 {
		tok := queue[0]
		queue = queue[1:]
		if typ, ok := spec.Types[tok]; ok {
			visitProps(typ.Properties)
		}
	}
	for tok := range spec.Types {
		if strings.HasPrefix(tok, prefix) && !reached[tok] {
			delete(spec.Types, tok)
		}
	}
}
