package awsmap

import (
	"strings"
	"testing"
)

// lookupPath follows a dotted property path through a resource's input properties and the
// schema's object types. A segment ending in "[]" must be an array (the path goes on into
// its elements); any other segment must be a single value or object, as the SDK's
// MaxItemsOne flattening has it.
func (f *fixture) lookupPath(t *testing.T, props map[string]typeRef, path string) {
	t.Helper()
	where := ""
	for _, seg := range strings.Split(path, ".") {
		name, isList := strings.CutSuffix(seg, "[]")
		where += "." + seg
		prop, ok := props[name]
		if !ok {
			t.Errorf("%s: no property %s", path, where)
			return
		}
		kind, ref := schemaShape(prop)
		if isList != (kind == "array") {
			t.Errorf("%s: %s is %s", path, where, kind)
			return
		}
		props = nil
		if ref != "" {
			typ, ok := f.spec.Types[strings.TrimPrefix(ref, "#/types/")]
			if !ok {
				t.Errorf("%s: %s refers to missing type %s", path, where, ref)
				return
			}
			props = typ.Properties
		}
	}
}

// TestWAFv2ProductFields checks, on the plugin's schema, every WAFv2 property the
// components set (components/globaledge_build.go: the CLOUDFRONT web ACL) or will set (a
// REGIONAL web ACL on each ALB, its association, WAF logging), with pulumi-aws's shapes.
// TestResourcesMatchSDK compares the whole types with the SDK; this pins what matters.
func TestWAFv2ProductFields(t *testing.T) {
	f := loadFixture(t)
	paths := map[string][]string{
		"aws:wafv2/webAcl:WebAcl": {
			"name", "description", "scope", "tags",
			"defaultAction.allow", "defaultAction.block",
			"rules[].name", "rules[].priority",
			"rules[].overrideAction.none", "rules[].action.block",
			"rules[].statement.managedRuleGroupStatement.name",
			"rules[].statement.managedRuleGroupStatement.vendorName",
			"rules[].statement.managedRuleGroupStatement.ruleActionOverrides[].name",
			"rules[].statement.rateBasedStatement.limit",
			"rules[].statement.rateBasedStatement.aggregateKeyType",
			"rules[].visibilityConfig.cloudwatchMetricsEnabled",
			"rules[].visibilityConfig.metricName",
			"rules[].visibilityConfig.sampledRequestsEnabled",
			"visibilityConfig.cloudwatchMetricsEnabled", "visibilityConfig.metricName",
			"visibilityConfig.sampledRequestsEnabled",
			// Statements are recursive, as in pulumi-aws: any depth, any kind.
			"rules[].statement.andStatement.statements[].notStatement.statements[].geoMatchStatement.countryCodes[]",
			"rules[].statement.rateBasedStatement.scopeDownStatement.orStatement.statements[].orStatement.statements[].byteMatchStatement.searchString",
			"associationConfig.requestBodies[].cloudfronts[].defaultSizeInspectionLimit",
		},
		"aws:wafv2/webAclAssociation:WebAclAssociation": {"resourceArn", "webAclArn"},
		"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": {
			"resourceArn", "logDestinationConfigs[]",
			"redactedFields[].singleHeader.name",
			"loggingFilter.defaultBehavior",
			"loggingFilter.filters[].behavior", "loggingFilter.filters[].requirement",
			"loggingFilter.filters[].conditions[].actionCondition.action",
		},
	}
	for tok, want := range paths {
		res, ok := f.spec.Resources[tok]
		if !ok {
			t.Errorf("the plugin's schema has no %s", tok)
			continue
		}
		for _, path := range want {
			f.lookupPath(t, res.InputProperties, path)
			f.lookupPath(t, res.Properties, path)
		}
	}
}

// TestWAFv2StatementsAreRecursive: the unrolled levels of the Terraform schema are gone
// from the plugin's schema, and the logical statements refer back to the root.
func TestWAFv2StatementsAreRecursive(t *testing.T) {
	f := loadFixture(t)
	root := "#/types/aws:wafv2/WebAclRuleStatement:WebAclRuleStatement"
	for _, tok := range []string{
		"aws:wafv2/WebAclRuleStatementAndStatement:WebAclRuleStatementAndStatement",
		"aws:wafv2/WebAclRuleStatementOrStatement:WebAclRuleStatementOrStatement",
		"aws:wafv2/WebAclRuleStatementNotStatement:WebAclRuleStatementNotStatement",
		"aws:wafv2/WebAclRuleStatementRateBasedStatementScopeDownStatementAndStatement:WebAclRuleStatementRateBasedStatementScopeDownStatementAndStatement",
	} {
		typ, ok := f.spec.Types[tok]
		if !ok {
			t.Errorf("no type %s", tok)
			continue
		}
		if _, ref := schemaShape(typ.Properties["statements"]); ref != root {
			t.Errorf("%s.statements refers to %s, want %s", tok, ref, root)
		}
	}
	for tok := range f.spec.Types {
		if strings.Contains(tok, "StatementStatement") {
			t.Errorf("unrolled statement type %s is still in the schema", tok)
		}
	}
}
