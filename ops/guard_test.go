package ops_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/ops"
)

const rdsURN = "urn:pulumi:prod::multiregion::multiregion:index:DataTier$aws:rds/instance:Instance::web-us-west-2-db"

func TestGuardRefusesCraftedReplacement(t *testing.T) {
	p := ops.Preview{Steps: []ops.Step{
		{URN: "urn:pulumi:prod::multiregion::aws:ecs/service:Service::web-us-west-2-service", Type: "aws:ecs/service:Service", Op: "replace"},
		{URN: rdsURN, Type: "aws:rds/instance:Instance", Op: "replace"},
	}}
	err := ops.Guard{}.Check(p)
	var refusal *ops.RefusalError
	if !errors.As(err, &refusal) {
		t.Fatalf("Check = %v, want a *RefusalError", err)
	}
	if len(refusal.Steps) != 1 || refusal.Steps[0].URN != rdsURN || refusal.Steps[0].Op != "replace" || refusal.Steps[0].Type != "aws:rds/instance:Instance" {
		t.Fatalf("refused %+v, want only the RDS instance's replace", refusal.Steps)
	}
	for _, want := range []string{rdsURN, "replace", "aws:rds/instance:Instance"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not name %q", err, want)
		}
	}
}

func TestGuardOperations(t *testing.T) {
	for _, tc := range []struct {
		typ    string
		op     ops.Op
		refuse bool
	}{
		{"aws:rds/instance:Instance", "update", false},
		{"aws:rds/instance:Instance", "create", false},
		{"aws:rds/instance:Instance", "delete", true},
		{"aws:rds/instance:Instance", "create-replacement", true},
		{"aws:rds/instance:Instance", "delete-replaced", true},
		{"aws:rds/globalCluster:GlobalCluster", "replace", true},
		{"aws:kms/key:Key", "delete", true},
		{"aws:elasticache/replicationGroup:ReplicationGroup", "replace", true},
		{"aws:ecs/service:Service", "delete", false},
		{"aws:route53/record:Record", "replace", false},
	} {
		err := ops.Guard{}.Check(ops.Preview{Steps: []ops.Step{{URN: "urn:x::" + tc.typ + "::n", Type: tc.typ, Op: tc.op}}})
		if (err != nil) != tc.refuse {
			t.Errorf("%s %s: Check = %v, want refused %v", tc.op, tc.typ, err, tc.refuse)
		}
	}
}

func TestRejoinAllowanceIsNarrow(t *testing.T) {
	g := ops.Guard{Allow: []ops.Allowance{ops.RejoinAllowance("web", "us-west-2")}}
	for _, tc := range []struct {
		name string
		step ops.Step
		ok   bool
	}{
		{"the rebuild's replace", ops.Step{URN: rdsURN, Type: "aws:rds/instance:Instance", Op: "replace"}, true},
		{"its delete-before-create", ops.Step{URN: rdsURN, Type: "aws:rds/instance:Instance", Op: "delete-replaced"}, true},
		{"a plain delete", ops.Step{URN: rdsURN, Type: "aws:rds/instance:Instance", Op: "delete"}, false},
		{"another region's instance", ops.Step{URN: strings.ReplaceAll(rdsURN, "us-west-2", "eu-west-1"), Type: "aws:rds/instance:Instance", Op: "replace"}, false},
		{"another type, same name", ops.Step{URN: "urn:pulumi:prod::multiregion::aws:rds/cluster:Cluster::web-us-west-2-db", Type: "aws:rds/cluster:Cluster", Op: "replace"}, false},
		{"the region's key", ops.Step{URN: "urn:pulumi:prod::multiregion::aws:kms/key:Key::web-us-west-2-key", Type: "aws:kms/key:Key", Op: "replace"}, false},
	} {
		err := g.Check(ops.Preview{Steps: []ops.Step{tc.step}})
		if (err == nil) != tc.ok {
			t.Errorf("%s: Check = %v, want allowed %v", tc.name, err, tc.ok)
		}
	}
}
