package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// prodCIDRs are prod's VPC ranges.
var prodCIDRs = map[string]string{"us-west-2": "10.10.0.0/16", "us-east-1": "10.20.0.0/16", "eu-west-1": "10.30.0.0/16"}

// TestRegionMeshRoutesBothWays: prod's three regions are peered pairwise (3 links, named by the two
// regions in name order), every private route table of each region routes every other region's range
// through the link between the two, and the tasks may send to every other region's range.
func TestRegionMeshRoutesBothWays(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	links := e.ByType(components.RegionLinkType)
	require.Len(t, links, 3)
	accepted := map[string]string{} // link name -> accepter ID
	for _, l := range links {
		acc := e.ChildrenOfType(l, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")
		require.Len(t, acc, 1, l.Name)
		accepted[l.Name] = acc[0].ID
	}
	names := slices.Sorted(maps.Keys(prodCIDRs))
	for _, from := range prodRegions {
		tables := e.Filter(func(r *mockcloud.Resource) bool {
			return r.Type == "aws:ec2/routeTable:RouteTable" && r.Region == from && strings.Contains(r.Name, "-private-")
		})
		require.Len(t, tables, 3, from)
		for _, to := range prodRegions {
			if to == from {
				continue
			}
			pair := []string{from, to}
			slices.Sort(pair)
			link := "web-link-" + pair[0] + "-" + pair[1]
			require.Contains(t, accepted, link)
			for _, rt := range tables {
				routes := e.Filter(func(r *mockcloud.Resource) bool {
					return r.Type == "aws:ec2/route:Route" && r.Str("routeTableId") == rt.ID && r.Str("destinationCidrBlock") == prodCIDRs[to]
				})
				if assert.Len(t, routes, 1, "%s %s -> %s", from, rt.Name, to) {
					assert.Equal(t, accepted[link], routes[0].Str("vpcPeeringConnectionId"))
					assert.Equal(t, from, routes[0].Region, "a route lives on its table's provider")
				}
			}
			// The tasks reach the peer's data ports, and nothing else there.
			for _, port := range []float64{5432, 6379} {
				out := e.Find("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", fmt.Sprintf("web-%s-tasks-out-%s-%d", from, to, int(port)))
				if assert.NotNil(t, out, "%s tasks -> %s:%v", from, to, port) {
					assert.Equal(t, prodCIDRs[to], out.Str("cidrIpv4"))
					lo, _ := out.Num("fromPort")
					hi, _ := out.Num("toPort")
					assert.Equal(t, [2]float64{port, port}, [2]float64{lo, hi}, "only the data port")
				}
			}
			// The database and cache of to admit from's private subnets (its tasks), on their ports.
			for _, port := range []struct {
				group string
				port  float64
			}{{"db", 5432}, {"cache", 6379}} {
				sg := e.Find("aws:ec2/securityGroup:SecurityGroup", "web-"+to+"-"+port.group)
				require.NotNil(t, sg, "%s %s security group", to, port.group)
				rules := e.Filter(func(r *mockcloud.Resource) bool {
					return r.Type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" &&
						strings.HasPrefix(r.Name, "web-"+to+"-"+port.group+"-in-"+from+"-")
				})
				if assert.Len(t, rules, 3, "%s %s <- %s: one rule per private subnet", to, port.group, from) {
					for _, r := range rules {
						assert.Equal(t, sg.ID, r.Str("securityGroupId"), r.Name)
						lo, _ := r.Num("fromPort")
						hi, _ := r.Num("toPort")
						assert.Equal(t, []float64{port.port, port.port}, []float64{lo, hi}, r.Name)
						assert.True(t, cidrWithin(r.Str("cidrIpv4"), prodCIDRs[from]), "%s: %s is not in %s", r.Name, r.Str("cidrIpv4"), prodCIDRs[from])
					}
				}
			}
		}
	}
	assert.Equal(t, []string{"eu-west-1", "us-east-1", "us-west-2"}, names)
}

// appEnv returns the environment of the application container of region's task definition.
func appEnv(t *testing.T, e *mockcloud.Engine, region string) map[string]string {
	t.Helper()
	td := e.Filter(func(r *mockcloud.Resource) bool {
		return r.Type == "aws:ecs/taskDefinition:TaskDefinition" && r.Region == region
	})
	require.Len(t, td, 1, region)
	var defs []struct {
		Name        string              `json:"name"`
		Environment []map[string]string `json:"environment"`
	}
	require.NoError(t, json.Unmarshal([]byte(td[0].Str("containerDefinitions")), &defs))
	env := map[string]string{}
	for _, d := range defs {
		if d.Name == "web" {
			for _, kv := range d.Environment {
				env[kv["name"]] = kv["value"]
			}
		}
	}
	return env
}

// dataRecords maps each data name to what its CNAME points at.
func dataRecords(e *mockcloud.Engine) map[string]string {
	out := map[string]string{}
	for _, c := range e.ByType(components.DataNamesType) {
		for _, r := range e.ChildrenOfType(c, "aws:route53/record:Record") {
			out[r.Str("name")] = r.Str("records[0]")
		}
	}
	return out
}

// TestTasksFollowTheWriterName: every region's tasks get the data names (the writer and cache
// primary names the same everywhere, the readers their own region's), the writer name resolves to the
// primary's writer before and after a flip, and the flip changes no task environment, route, link
// or data-path rule: it repoints two records.
func TestTasksFollowTheWriterName(t *testing.T) {
	before, after := flip(t, prodConfig(t))
	for _, region := range prodRegions {
		env := appEnv(t, before, region)
		h := components.HostnamesFor("web.internal", region)
		assert.Equal(t, map[string]string{
			stacks.EnvDBWriterHost: "writer.web.internal", stacks.EnvDBReaderHost: h.Reader, stacks.EnvDBPort: "5432",
			stacks.EnvDBName: "app", stacks.EnvDBUser: "web",
			stacks.EnvCacheHost: "cache.web.internal", stacks.EnvCacheReaderHost: h.CacheReader, stacks.EnvCachePort: "6379",
		}, pick(env, stacks.DataEnvironment()), region)
		assert.Equal(t, env, appEnv(t, after, region), "%s: a flip changes no task environment", region)
	}
	address := func(e *mockcloud.Engine, region string) string {
		db := e.Find(rdsInstance, "web-"+region+"-db")
		require.NotNil(t, db, region)
		return db.OutStr("address")
	}
	b, a := dataRecords(before), dataRecords(after)
	assert.Equal(t, address(before, "us-west-2"), b["writer.web.internal"], "before: the writer name is us-west-2's writer")
	assert.Equal(t, address(after, "us-east-1"), a["writer.web.internal"], "after: the writer name is us-east-1's writer")
	assert.NotEqual(t, b["cache.web.internal"], a["cache.web.internal"], "the cache primary name follows the primary")
	changed := []string{}
	for name := range b {
		if b[name] != a[name] {
			changed = append(changed, name)
		}
	}
	slices.Sort(changed)
	assert.Equal(t, []string{"cache.web.internal", "writer.web.internal"}, changed, "only the primary's names move")
	// The data path does not depend on roles: links, routes and rules are identical.
	path := func(e *mockcloud.Engine) map[string]string {
		m := map[string]string{}
		for _, r := range e.Resources() {
			if r.Type == "aws:ec2/route:Route" && r.Has("vpcPeeringConnectionId") || r.Type == "aws:ec2/vpcPeeringConnection:VpcPeeringConnection" ||
				strings.Contains(r.Name, "-tasks-out-") || strings.Contains(r.Name, "-in-") && strings.HasPrefix(r.Type, "aws:vpc/") {
				b, _ := json.Marshal(r.Inputs.Mappable())
				m[r.URN] = string(b)
			}
		}
		return m
	}
	assert.Equal(t, path(before), path(after), "a flip changes no link, route or data-path rule")
}

// pick returns the entries of m whose keys are in keys.
func pick(m map[string]string, keys []string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// TestDataEnvironmentIsReserved: service.environment and service.secrets may not set a variable the
// stack sets; without a cache no cache variable is set.
func TestDataEnvironmentIsReserved(t *testing.T) {
	svc := func(extra map[string]any) map[string]any {
		s := map[string]any{"name": "web", "image": "web:1.4.2", "port": 8080, "cpu": 512, "memory": 1024}
		maps.Copy(s, extra)
		return s
	}
	err := deployErr(t, with(t, prodConfig(t), map[string]any{"service": svc(map[string]any{"environment": map[string]string{"DB_WRITER_HOST": "x"}})}))
	assert.ErrorContains(t, err, "multiregion:service.environment.DB_WRITER_HOST: DB_WRITER_HOST is set by the stack")
	e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"cache": map[string]any{"enabled": false}}))
	env := appEnv(t, e, "us-east-1")
	assert.Equal(t, "writer.web.internal", env[stacks.EnvDBWriterHost])
	for _, k := range []string{stacks.EnvCacheHost, stacks.EnvCacheReaderHost, stacks.EnvCachePort} {
		assert.NotContains(t, env, k)
	}
	assert.NotContains(t, dataRecords(e), "cache.web.internal")
}

// cidrWithin reports whether the network inner lies within outer.
func cidrWithin(inner, outer string) bool {
	in, err1 := netip.ParsePrefix(inner)
	out, err2 := netip.ParsePrefix(outer)
	return err1 == nil && err2 == nil && out.Bits() <= in.Bits() && out.Contains(in.Addr())
}

// TestDatabasePortFollowsTheSetting (FSBP RDS.23): database.port reaches, for both engines, the RDS
// instance or Aurora cluster of every region, every rule of every database security group (the
// region's tasks and every peer region's private subnets) and the tasks' DB_PORT; nothing is left on
// the default 5432, and the cache keeps its own port.
func TestDatabasePortFollowsTheSetting(t *testing.T) {
	engines(t, func(t *testing.T, engine string, conf map[string]string) {
		e, _ := deploy(t, with(t, conf, map[string]any{"database": prodDatabase(t, map[string]any{"engine": engine, "port": 6543})}))
		dbs := e.ByType(rdsInstance)
		if engine == auroraEngineKey {
			dbs = e.ByType(rdsCluster)
		}
		require.Len(t, dbs, 3)
		for _, db := range dbs {
			port, _ := db.Num("port")
			assert.Equal(t, 6543.0, port, db.Name)
		}
		for _, region := range prodRegions {
			sg := e.Find(securityGroup, "web-"+region+"-db")
			require.NotNil(t, sg, region)
			assert.Contains(t, sg.Str("description"), "port 6543", region)
			rules := e.Filter(func(r *mockcloud.Resource) bool {
				return r.Type == ingressRule && r.Str("securityGroupId") == sg.ID
			})
			require.Len(t, rules, 1+2*3, "%s: the tasks, and 3 private subnets of each of 2 peers", region)
			for _, r := range rules {
				from, _ := r.Num("fromPort")
				to, _ := r.Num("toPort")
				assert.Equal(t, []float64{6543, 6543}, []float64{from, to}, r.Name)
			}
			assert.Equal(t, "6543", appEnv(t, e, region)[stacks.EnvDBPort], region)
			cache := e.Find(securityGroup, "web-"+region+"-cache")
			require.NotNil(t, cache, region)
			for _, r := range e.Filter(func(r *mockcloud.Resource) bool {
				return r.Type == ingressRule && r.Str("securityGroupId") == cache.ID
			}) {
				from, _ := r.Num("fromPort")
				assert.Equal(t, 6379.0, from, r.Name)
			}
		}
	})
}
