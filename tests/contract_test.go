package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/stacks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prodService returns the prod stack's service object with kv changed.
func prodService(t testing.TB, kv map[string]any) map[string]any {
	t.Helper()
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(prodConfig(t)["multiregion:service"]), &s))
	for k, v := range kv {
		s[k] = v
	}
	return s
}

// TestInputContract: every case of the input contract is rejected by ParseMap, before anything is
// registered, with a message naming the key; each case also fails the whole program under the mock
// engine with nothing registered (except the unknown-key cases, which only ParseMap can see).
func TestInputContract(t *testing.T) {
	const p = "multiregion:"
	prod := prodConfig(t)
	regions := func(r2 map[string]any) []map[string]any {
		second := map[string]any{"name": "us-east-1", "cidr": "10.20.0.0/16"}
		for k, v := range r2 {
			second[k] = v
		}
		return []map[string]any{{"name": "us-west-2", "cidr": "10.10.0.0/16"}, second, {"name": "eu-west-1", "cidr": "10.30.0.0/16"}}
	}
	cases := []struct {
		name       string
		conf       map[string]string
		want       []string
		onlyParser bool
	}{
		{"unknown key", with(t, prod, map[string]any{"drStrategi": "pilot-light"}),
			[]string{p + "drStrategi: not a configuration key", "did you mean multiregion:drStrategy?"}, true},
		{"unknown field in an object", with(t, prod, map[string]any{"service": prodService(t, map[string]any{"prot": 8080})}),
			[]string{p + "service", `unknown field "prot"`, `did you mean "port"?`}, false},
		{"null sections with every other problem", with(t, prod, map[string]any{"regions": "null", "service": "", "drStrategy": "hot"}),
			[]string{p + "regions: is null", p + "service: is null", p + "drStrategy", "(3 problems)"}, false},
		{"type error with every other problem", with(t, prod, map[string]any{"logRetentionDays": "forever", "azCount": "7"}),
			[]string{p + "logRetentionDays", "not an integer", p + "azCount", "outside 2-6"}, false},
		{"China partition", with(t, prod, map[string]any{"regions": regions(map[string]any{"name": "cn-north-1"})}),
			[]string{p + "regions[1].name", "aws-cn partition", "only the aws partition"}, false},
		{"GovCloud partition", with(t, prod, map[string]any{"regions": regions(map[string]any{"name": "us-gov-west-1"})}),
			[]string{p + "regions[1].name", "aws-us-gov partition"}, false},
		{"unknown region", with(t, prod, map[string]any{"regions": regions(map[string]any{"name": "us-east-7"})}),
			[]string{p + "regions[1].name", "not a known AWS region", "did you mean"}, false},
		{"duplicate AZ", with(t, prod, map[string]any{"regions": regions(map[string]any{"availabilityZones": []string{"us-east-1a", "us-east-1b", "us-east-1a"}})}),
			[]string{p + "regions[1].availabilityZones[2]", "already AvailabilityZones[0]"}, false},
		{"service name breaks the ALB name", with(t, prod, map[string]any{"service": prodService(t, map[string]any{"name": "orders-api-v2"})}),
			[]string{p + "service.name", "load balancer name", "at most 24"}, false},
		{"25-character service name", with(t, prod, map[string]any{"service": prodService(t, map[string]any{"name": strings.Repeat("a", 25)})}),
			[]string{p + "service.name", "1-24 lowercase", "load balancer name"}, false},
		{"engine version latest", with(t, prod, map[string]any{"database": map[string]any{"engineVersion": "latest"}}),
			[]string{p + "database.engineVersion", `"latest" is not a version`}, false},
		{"full image URI", with(t, prod, map[string]any{"service": prodService(t, map[string]any{"image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/web:1.4.2"})}),
			[]string{p + "service.image", "full image URI", "own ECR replica"}, false},
		{"explicit 0 backup retention", with(t, prod, map[string]any{"database": map[string]any{"backupRetentionDays": 0}}),
			[]string{p + "database.backupRetentionDays", "0 is not allowed", "default, 14"}, false},
		{"more AZs than the region has", with(t, prod, map[string]any{"azCount": "6", "regions": []map[string]any{
			{"name": "us-west-2", "cidr": "10.10.0.0/16"}, {"name": "us-east-1", "cidr": "10.20.0.0/16"}, {"name": "eu-west-1", "cidr": "10.30.0.0/16"}}}),
			[]string{p + "azCount", "us-west-2 has 4", "eu-west-1 has 3"}, false},
		{"stop timeout", with(t, prod, map[string]any{"service": prodService(t, map[string]any{"stopTimeoutSeconds": 121})}),
			[]string{p + "service.stopTimeoutSeconds", "121 is outside 2-120"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := stacks.ParseMap(c.conf)
			assert.Nil(t, cfg)
			require.Error(t, err)
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
			if !c.onlyParser {
				err := deployErr(t, c.conf)
				assert.Contains(t, err.Error(), c.want[0])
			}
		})
	}
}

// TestParseMapAcceptsProd: the prod stack parses with ParseMap too, and an explicit 0 that is a
// meaningful value (spotWeight) is honoured.
func TestParseMapAcceptsProd(t *testing.T) {
	conf := with(t, prodConfig(t), map[string]any{"service": prodService(t, map[string]any{"spotWeight": 0})})
	conf["aws:region"] = "us-west-2" // another namespace: not the program's to judge
	cfg, err := stacks.ParseMap(conf)
	require.NoError(t, err)
	assert.Equal(t, 0, cfg.Service.SpotWeight)
	assert.Equal(t, 30, cfg.Service.StopTimeoutSeconds, "the component's default")
}

// FuzzDeploy: any configuration ParseMap accepts deploys under the mock engine without error.
func FuzzDeploy(f *testing.F) {
	f.Add("web", 3, "web:1.4.2", "16.4", 14, "us-east-1", "")
	f.Add("orders-api", 2, "orders/api:2.0", "15", 7, "ap-southeast-2", "")
	f.Add("a", 6, "web:1", "16.4", 35, "us-east-1", "us-west-2a,us-west-2b")
	f.Add("web", 4, "web:1.4.2", "latest", 0, "cn-north-1", "us-west-2a,us-west-2a")
	f.Fuzz(func(t *testing.T, name string, azCount int, image, version string, backup int, second, azs string) {
		conf := prodConfig(t)
		var first map[string]any = map[string]any{"name": "us-west-2", "cidr": "10.10.0.0/16"}
		if azs != "" {
			first["availabilityZones"] = strings.Split(azs, ",")
		}
		conf = with(t, conf, map[string]any{
			"azCount":       itoa(azCount),
			"regions":       []map[string]any{first, {"name": second, "cidr": "10.20.0.0/16"}},
			"service":       prodService(t, map[string]any{"name": name, "image": image}),
			"database":      map[string]any{"engineVersion": version, "backupRetentionDays": backup, "iamUsername": "web"},
			"observability": map[string]any{"logArchiveRegion": "us-west-2"},
		})
		if _, err := stacks.ParseMap(conf); err != nil {
			return
		}
		if _, _, err := runStack(conf); err != nil {
			t.Fatalf("ParseMap accepted the configuration but the deployment failed: %v", err)
		}
	})
}
