package drill

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/sig"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

func TestAutonamed(t *testing.T) {
	for v, want := range map[string]bool{
		"db-us-west-2-3795193":  true,
		"db-us-west-2":          false, // the logical name itself: chosen, not autonamed
		"db-us-west-2-37951":    false,
		"web-us-west-2-3795193": false,
	} {
		if got := autonamed(v, "db-us-west-2"); got != want {
			t.Errorf("autonamed(%q) = %v, want %v", v, got, want)
		}
	}
}

// TestResolverFindsWhatOnlyOneResourceCanBe: an AWS-assigned ID is the one candidate of its kind and
// region that no other resource claimed and the setup did not make; two candidates are for a human.
func TestResolverFindsWhatOnlyOneResourceCanBe(t *testing.T) {
	held := emulator.Inventory{}
	held.Add("ec2:vpc", "us-west-2", "vpc-1")
	held.Add("ec2:vpc", "us-east-1", "vpc-2")
	held.Add("route53:zone", "global", "ZSETUP")
	held.Add("route53:zone", "global", "Z1")
	held.Add("rds:db", "us-west-2", "db-us-west-2-aaaaaaa")
	held.Add("rds:db", "us-west-2", "other-us-west-2-bbbbbbb")
	r := &resolver{held: held, ignore: []string{"route53:zone global/ZSETUP"}, used: map[string]bool{}, byName: map[string]string{}, renamed: map[string]string{}}

	if id, err := r.resolve("aws:ec2/vpc:Vpc", "vpc", "us-west-2", nil); err != nil || id != "vpc-1" {
		t.Errorf("VPC = %q, %v; want vpc-1", id, err)
	}
	if _, err := r.resolve("aws:ec2/vpc:Vpc", "vpc2", "us-west-2", nil); err == nil {
		t.Error("a second VPC of us-west-2 must not take the one already claimed")
	}
	if id, err := r.resolve("aws:route53/zone:Zone", "zone", "", nil); err != nil || id != "Z1" {
		t.Errorf("zone = %q, %v; want Z1 (ZSETUP is the setup's)", id, err)
	}
	// A new random suffix in the preview: the database is the one with the same logical name.
	if id, err := r.resolve("aws:rds/instance:Instance", "db-us-west-2", "us-west-2", map[string]any{"identifier": "db-us-west-2-fffffff"}); err != nil || id != "db-us-west-2-aaaaaaa" {
		t.Errorf("database = %q, %v", id, err)
	}
	if r.renamed["db-us-west-2-fffffff"] != "db-us-west-2-aaaaaaa" {
		t.Errorf("the preview's name must map to the real one for the resources that name it: %v", r.renamed)
	}
	// A record whose zone is not known in the preview: the one zone found.
	rec := map[string]any{"zoneId": sig.UnknownStringValue, "name": "db.example.com.", "type": "CNAME", "setIdentifier": "us-east-1"}
	if id, err := r.resolve("aws:route53/record:Record", "rec", "us-west-2", rec); err != nil || id != "Z1_db.example.com_CNAME_us-east-1" {
		t.Errorf("record = %q, %v", id, err)
	}
	if _, err := r.resolve("aws:sns/topic:Topic", "alarms", "us-west-2", nil); err == nil || !strings.Contains(err.Error(), "by hand") {
		t.Errorf("a type without a rule = %v; want an error that says to fill it by hand", err)
	}

	two := &resolver{held: emulator.Inventory{"ec2:vpc": {"us-west-2/vpc-1": true, "us-west-2/vpc-3": true}}, used: map[string]bool{}, renamed: map[string]string{}}
	if _, err := two.resolve("aws:ec2/vpc:Vpc", "vpc", "us-west-2", nil); err == nil || !strings.Contains(err.Error(), "a human must choose") {
		t.Errorf("two candidates = %v; want a human to choose", err)
	}
}

func TestSameIDs(t *testing.T) {
	res := func(urn, id string, custom bool) apitype.ResourceV3 {
		return apitype.ResourceV3{URN: resource.URN(urn), ID: resource.ID(id), Custom: custom, Type: "aws:ec2/vpc:Vpc"}
	}
	old := apitype.DeploymentV3{Resources: []apitype.ResourceV3{res("urn:a", "vpc-1", true), res("urn:c", "", false)}}
	if n, err := sameIDs(old, apitype.DeploymentV3{Resources: []apitype.ResourceV3{res("urn:a", "vpc-1", true)}}); err != nil || n != 1 {
		t.Errorf("the same IDs: %d, %v", n, err)
	}
	if _, err := sameIDs(old, apitype.DeploymentV3{Resources: []apitype.ResourceV3{res("urn:a", "vpc-9", true)}}); err == nil {
		t.Error("a recreated VPC (new ID) must fail")
	}
	if _, err := sameIDs(old, apitype.DeploymentV3{}); err == nil {
		t.Error("a resource missing from the new state must fail")
	}
}

// TestKnownInputs: what the adopted state records of the program's inputs: values not known before
// the create left out, at any depth, and a name this preview autonamed anew replaced by the real one.
func TestKnownInputs(t *testing.T) {
	r := &resolver{renamed: map[string]string{"role-fffffff": "role-aaaaaaa"}}
	got := r.known(map[string]any{
		"name":     "policy",
		"role":     "role-fffffff",
		"zoneId":   sig.UnknownStringValue,
		"tags":     map[string]any{"Name": "x", "arn": sig.UnknownStringValue},
		"list":     []any{"a", sig.UnknownStringValue, "role-fffffff"},
		"size":     20.0,
		"password": map[string]any{sig.Key: sig.Secret, "ciphertext": "[secret]"},
	})
	want := `map[list:[a role-aaaaaaa] name:policy role:role-aaaaaaa size:20 tags:map[Name:x]]`
	if fmt.Sprint(got) != want {
		t.Errorf("known = %v\nwant    %s", got, want)
	}
}
