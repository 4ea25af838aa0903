package tests

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// staticInvokes are invokes the Terraform AWS provider answers from its own tables, without an AWS
// call, and which may therefore go to a lost region's provider.
var staticInvokes = map[string]string{
	"aws:elb/getServiceAccount:getServiceAccount": "the ELB log-delivery account of a region is a table in the provider",
}

// loseRegion deploys conf, then deploys it again with kv (e.g. primaryRegion and lostRegions) and the
// first run's outputs as the stack's last deployment; it returns both engines and the second Deployment.
func loseRegion(t *testing.T, conf map[string]string, kv map[string]any) (before, after *mockcloud.Engine, d *stacks.Deployment) {
	t.Helper()
	before, first := deploy(t, conf)
	last := map[string]any{}
	for k, v := range first.Outputs {
		last[k] = mockcloud.Await[any](t, pulumi.ToOutput(v))
	}
	after = mockcloud.New()
	after.StackOutputs = map[string]map[string]any{"organization/multiregion/test": last}
	err := after.Run(func(ctx *pulumi.Context) error {
		cfg, err := stacks.Load(ctx)
		if err != nil {
			return err
		}
		d, err = stacks.Deploy(ctx, cfg)
		return err
	}, with(t, conf, kv))
	require.NoError(t, err)
	return before, after, d
}

// inputsOf renders every resource of region as URN -> inputs.
func inputsOf(e *mockcloud.Engine, region string) map[string]string {
	out := map[string]string{}
	for _, r := range e.InRegion(region) {
		b, _ := json.Marshal(r.Inputs.Mappable())
		out[r.URN] = string(b)
	}
	return out
}

// TestLostPrimaryRegion is the unplanned failover with us-west-2 dark: primaryRegion moves to us-east-1
// with lostRegions [us-west-2]. Nothing is asked of us-west-2 (its provider skips every start-up call;
// no invoke goes there but the provider's static tables), the same resources stay registered there and
// every one of them is frozen (ignoreChanges on each of its inputs), while the writer, the writer name, the edge and the
// capacity move to us-east-1.
func TestLostPrimaryRegion(t *testing.T) {
	for _, strategy := range []string{"pilot-light", "warm-standby", "active-active"} {
		t.Run(strategy, func(t *testing.T) {
			conf := with(t, prodConfig(t), map[string]any{"drStrategy": strategy})
			before, after, d := loseRegion(t, conf, map[string]any{"primaryRegion": "us-east-1", "lostRegions": []string{"us-west-2"}})

			// No call to us-west-2.
			for _, c := range after.Invokes() {
				if c.Region == "us-west-2" {
					_, static := staticInvokes[c.Token]
					assert.True(t, static, "invoke %s went to the lost region", c.Token)
				}
			}
			west := after.Find(mockcloud.AWSProviderType, "aws-us-west-2")
			require.NotNil(t, west)
			for _, k := range []string{"skipCredentialsValidation", "skipRequestingAccountId", "skipRegionValidation", "skipMetadataApiCheck"} {
				v, _ := west.Bool(k)
				assert.True(t, v, "the lost region's provider must skip %s", k)
			}
			east := after.Find(mockcloud.AWSProviderType, "aws-us-east-1")
			v, _ := east.Bool("skipRequestingAccountId")
			assert.False(t, v, "a reachable region's provider is unchanged")

			// The same resources stay in us-west-2 (nothing created or deleted there) and every one is frozen.
			b, a := inputsOf(before, "us-west-2"), inputsOf(after, "us-west-2")
			assert.ElementsMatch(t, slices.Collect(maps.Keys(b)), slices.Collect(maps.Keys(a)), "the lost region's resources")
			providers := map[string]pulumi.ProviderResource{}
			for _, r := range []string{"us-west-2", "us-east-1", "eu-west-1"} {
				p, err := d.Providers.For(r)
				require.NoError(t, err)
				providers[r] = p
			}
			frozen := 0
			for _, r := range after.Resources() {
				if !r.Custom || r.Type == mockcloud.AWSProviderType || providers[r.Region] == nil {
					continue
				}
				props := pulumi.Map{}
				for k := range r.Inputs {
					props[string(k)] = pulumi.String("")
				}
				res := d.Freeze(context.Background(), &pulumi.ResourceTransformArgs{Custom: true, Type: r.Type, Name: r.Name,
					Props: props, Opts: pulumi.ResourceOptions{Provider: providers[r.Region]}})
				if r.Region == "us-west-2" {
					if assert.NotNil(t, res, "%s %s is not frozen", r.Type, r.Name) {
						assert.Equal(t, slices.Sorted(maps.Keys(props)), res.Opts.IgnoreChanges, "every input of %s is kept", r.Name)
						assert.NotContains(t, res.Opts.IgnoreChanges, "*", "no computed attribute may be pulled into the inputs")
						frozen++
					}
				} else {
					assert.Nil(t, res, "%s %s in %s is frozen", r.Type, r.Name, r.Region)
				}
			}
			assert.Equal(t, len(a), frozen)
			// What the program would change there, and the freeze keeps as it was while the region is
			// dark (docs/lostregion.md): the accelerator's dials (its API lives in us-west-2; its health
			// checks still move traffic) and the dashboard (it lives with the archive in us-west-2).
			var changed []string
			for urn := range b {
				if a[urn] != b[urn] {
					changed = append(changed, after.Get(urn).Type)
				}
			}
			for _, typ := range changed {
				assert.Contains(t, []string{"aws:globalaccelerator/endpointGroup:EndpointGroup", "aws:cloudwatch/dashboard:Dashboard"}, typ,
					"an input of a %s in the lost region differs from the last deployment", typ)
			}

			// Everything else moves.
			assert.Contains(t, writers(t, after), "us-east-1", "us-east-1's database is promoted")
			assert.Equal(t, after.Find(rdsInstance, "web-us-east-1-db").OutStr("address"), dataRecords(after)["writer.web.internal"],
				"the writer name points at us-east-1")
			cdn := after.ByType("aws:cloudfront/distribution:Distribution")[0].Str("originGroups[0].members[0].originId")
			assert.Equal(t, "us-east-1", cdn, "CloudFront's origin group fails over to us-east-1 first")
			assert.Equal(t, minCapacity(t, before, "us-west-2"), minCapacity(t, after, "us-east-1"), "us-east-1 gets the primary's floor")
			assert.NotNil(t, after.Find("aws:ecr/replicationConfiguration:ReplicationConfiguration", "web-us-east-1-replication"),
				"us-east-1's registry replicates to the others")

			// The exports say what is deployed: us-west-2 is lost and still holds what it held.
			regions := mockcloud.Await[map[string]any](t, d.Outputs["regions"].(pulumi.Map).ToMapOutput())
			wr := regions["us-west-2"].(map[string]any)
			assert.Equal(t, true, wr["lost"])
			assert.Equal(t, "primary", wr["role"], "frozen as the last deployment left it")
		})
	}
}

// writers returns the regions whose RDS instance has no replication source.
func writers(t *testing.T, e *mockcloud.Engine) []string {
	t.Helper()
	var out []string
	for _, db := range e.ByType(rdsInstance) {
		if !db.Has("replicateSourceDb") {
			out = append(out, db.Region)
		}
	}
	return out
}

// TestLostRegionValidation: each misuse of lostRegions is rejected before anything is registered,
// naming the key, the value and what is allowed.
func TestLostRegionValidation(t *testing.T) {
	cases := []struct {
		name string
		kv   map[string]any
		want string
	}{
		{"the primary is lost", map[string]any{"lostRegions": []string{"us-west-2"}}, `multiregion:lostRegions[0]: "us-west-2" is lost, and it is primaryRegion`},
		{"not a region of the stack", map[string]any{"lostRegions": []string{"ap-south-1"}}, `multiregion:lostRegions[0]: "ap-south-1" is not among the regions`},
		{"twice", map[string]any{"lostRegions": []string{"eu-west-1", "eu-west-1"}}, `multiregion:lostRegions[1]: "eu-west-1" is already lostRegions[0]`},
		{"us-east-1", map[string]any{"primaryRegion": "eu-west-1", "lostRegions": []string{"us-east-1"}}, `multiregion:lostRegions[0]: "us-east-1" holds Route 53`},
		{"not a list", map[string]any{"lostRegions": "us-west-2"}, "multiregion:lostRegions"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := deployErr(t, with(t, prodConfig(t), tc.kv))
			assert.ErrorContains(t, err, tc.want)
		})
	}
	// Without a last deployment to read, the program refuses rather than guess what is there.
	e := mockcloud.New()
	err := e.Run(stacks.Program, with(t, prodConfig(t), map[string]any{"primaryRegion": "us-east-1", "lostRegions": []string{"us-west-2"}}))
	assert.ErrorContains(t, err, "multiregion:lostRegions: the last deployment of organization/multiregion/test exported no role and availability zones for us-west-2")
}
