package drill

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

// TestRestoredProblems: the restore drill's check names every setting of the restored writer that is
// not the region's own (key, subnet group, security group), and passes the right one.
func TestRestoredProblems(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:123456789012:key/k1"
	good := emulator.DBInstance{Status: "available", Encrypted: true, KMSKeyID: key, SubnetGroup: "web-us-east-1", SecurityGroups: []string{"sg-1"}}
	if p := restoredProblems(good, key, "web-us-east-1", "sg-1"); len(p) > 0 {
		t.Errorf("a correct restore: %v", p)
	}
	for _, tc := range []struct {
		name string
		bad  func(*emulator.DBInstance)
		want string
	}{
		{"the source region's key", func(d *emulator.DBInstance) { d.KMSKeyID = "arn:aws:kms:us-west-2:123456789012:key/k0" }, "want \"" + key},
		{"unencrypted", func(d *emulator.DBInstance) { d.Encrypted = false }, "encrypted false"},
		{"the default subnet group", func(d *emulator.DBInstance) { d.SubnetGroup = "default" }, "DB subnet group \"default\""},
		{"the default security group", func(d *emulator.DBInstance) { d.SecurityGroups = []string{"sg-default"} }, "security groups [sg-default]"},
		{"not available", func(d *emulator.DBInstance) { d.Status = "creating" }, "status \"creating\""},
	} {
		d := good
		tc.bad(&d)
		if p := restoredProblems(d, key, "web-us-east-1", "sg-1"); len(p) != 1 || !strings.Contains(p[0], tc.want) {
			t.Errorf("%s: %v, want one problem with %q", tc.name, p, tc.want)
		}
	}
}

// TestLostStateful: a stateful resource that is gone or has another ID after the up is reported; a
// stateless one that went (a NAT gateway of a former primary) is not.
func TestLostStateful(t *testing.T) {
	res := func(typ, name, id string) apitype.ResourceV3 {
		return apitype.ResourceV3{URN: resource.NewURN("s", "p", "", tokens.Type(typ), name), Type: tokens.Type(typ), ID: resource.ID(id)}
	}
	before := apitype.DeploymentV3{Resources: []apitype.ResourceV3{
		res("aws:rds/instance:Instance", "web-us-west-2-db", "web-us-west-2"),
		res("aws:kms/key:Key", "web-us-east-1", "k1"),
		res("aws:ec2/natGateway:NatGateway", "web-us-west-2-nat-b", "nat-1"),
	}}
	kept := apitype.DeploymentV3{Resources: before.Resources[:2]}
	if lost := lostStateful(before, kept); len(lost) > 0 {
		t.Errorf("nothing stateful went: %v", lost)
	}
	replaced := apitype.DeploymentV3{Resources: []apitype.ResourceV3{res("aws:rds/instance:Instance", "web-us-west-2-db", "web-us-west-2-new")}}
	if lost := lostStateful(before, replaced); len(lost) != 2 {
		t.Errorf("a replaced instance and a deleted key: %v", lost)
	}
}

// TestDiffLines keeps the changed resources and properties of a preview's diff, nothing else.
func TestDiffLines(t *testing.T) {
	out := "Previewing update (restore):\n  pulumi:pulumi:Stack: (same)\n  ~ aws:rds/instance:Instance: (update)\n      ~ tags: {\n      + a: \"b\"\nResources:\n"
	got := diffLines(out, 40)
	if want := "  ~ aws:rds/instance:Instance: (update)\n      ~ tags: {\n      + a: \"b\""; got != want {
		t.Errorf("diffLines = %q, want %q", got, want)
	}
	if got := diffLines(out, 1); got != "  ~ aws:rds/instance:Instance: (update)" {
		t.Errorf("diffLines(1) = %q", got)
	}
}
