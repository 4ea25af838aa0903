package drill

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/tokens"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

func TestStateInventory(t *testing.T) {
	const west = "urn:pulumi:s::p::pulumi:providers:aws::us-west-2"
	res := func(typ, name, id, provider string, outputs map[string]any) apitype.ResourceV3 {
		return apitype.ResourceV3{URN: resource.URN("urn:pulumi:s::p::" + typ + "::" + name), Type: tokens.Type(typ),
			ID: resource.ID(id), Provider: provider, Outputs: outputs}
	}
	dep := apitype.DeploymentV3{Resources: []apitype.ResourceV3{
		{URN: west, Type: "pulumi:providers:aws", ID: "p1", Inputs: map[string]any{"region": "us-west-2"}},
		res("aws:ec2/vpc:Vpc", "vpc", "vpc-1", west+"::p1", nil),
		res("aws:rds/instance:Instance", "db", "db-RESOURCEID", west+"::p1", map[string]any{"identifier": "web-us-west-2"}),
		res("aws:kms/replicaKey:ReplicaKey", "key", "mrk-1", west+"::p1", nil),
		res("aws:s3/bucketV2:BucketV2", "bucket", "state-us-west-2", west+"::p1", nil),
		res("aws:ec2/subnet:Subnet", "subnet", "subnet-1", west+"::p1", nil), // not an inventory kind
	}}
	deleted := res("aws:ec2/vpc:Vpc", "old", "vpc-0", west+"::p1", nil)
	deleted.Delete = true // pending deletion: the engine still owes a delete
	dep.Resources = append(dep.Resources, deleted)

	got, err := stateInventory(dep)
	if err != nil {
		t.Fatal(err)
	}
	want := emulator.Inventory{}
	want.Add("ec2:vpc", "us-west-2", "vpc-1")
	want.Add("rds:db", "us-west-2", "web-us-west-2")
	want.Add("kms:key", "us-west-2", "mrk-1")
	want.Add("s3:bucket", "global", "state-us-west-2")
	if orphans, missing := got.Diff(want); len(orphans)+len(missing) != 0 {
		t.Errorf("stateInventory: extra %v, missing %v", orphans, missing)
	}

	dep.Resources = append(dep.Resources, res("aws:ec2/vpc:Vpc", "lost", "vpc-2", "urn:pulumi:s::p::pulumi:providers:aws::gone::p9", nil))
	if _, err := stateInventory(dep); err == nil {
		t.Error("a resource whose provider is not in the state must be an error")
	}
}
