package stacks

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withEdge returns validRaw with multiregion:edge set to prod's edge plus kv (a nil value removes a key).
func withEdge(t *testing.T, kv map[string]any) map[string]string {
	t.Helper()
	edge := map[string]any{"domain": "app.example.com", "hostedZone": "example.com"}
	for k, v := range kv {
		if v == nil {
			delete(edge, k)
			continue
		}
		edge[k] = v
	}
	b, err := json.Marshal(edge)
	require.NoError(t, err)
	raw := validRaw()
	raw["edge"] = string(b)
	return raw
}

func TestEdgeDefaults(t *testing.T) {
	withDomain, err := Parse(lookup(withEdge(t, nil)))
	require.NoError(t, err)
	e := withDomain.Edge
	assert.Equal(t, 60, e.RecordTTL)
	// The settings the component owns get the component's defaults, so that validation and the
	// failover figures see what will be deployed.
	assert.Equal(t, components.EdgeSettings{}.WithDefaults(true), e.EdgeSettings)

	// Without a domain (or without the key at all) only Global Accelerator is on: the defaults
	// never ask for something the configuration cannot provide.
	none, err := Parse(lookup(validRaw()))
	require.NoError(t, err)
	assert.Equal(t, components.EdgeSettings{AllowPlainHTTP: components.Bool(true)}.WithDefaults(false), none.Edge.EdgeSettings)
	assert.Equal(t, []string{"globalAccelerator"}, keys(none.FailoverTimes()))
}

func keys[V any](m map[string]V) []string {
	out := []string{}
	for k := range maps.Keys(m) {
		out = append(out, k)
	}
	return out
}

func TestEdgeRejects(t *testing.T) {
	cases := map[string]struct {
		kv   map[string]any
		want []string // every fragment must appear
	}{
		"unknown zone form":     {map[string]any{"hostedZone": "zone/123"}, []string{"multiregion:edge.hostedZone", `"zone/123"`, "create:<name>"}},
		"create without a name": {map[string]any{"hostedZone": "create:"}, []string{"multiregion:edge.hostedZone", "create:"}},
		"lowercase zone id":     {map[string]any{"hostedZone": "z123"}, []string{"multiregion:edge.hostedZone"}},
		"zone not containing":   {map[string]any{"hostedZone": "example.org"}, []string{"multiregion:edge.hostedZone", "does not contain"}},
		"zone missing":          {map[string]any{"hostedZone": nil}, []string{"multiregion:edge.hostedZone", "not set"}},
		"zone without domain":   {map[string]any{"domain": nil, "route53": false, "cloudFront": false}, []string{"multiregion:edge.hostedZone", "edge.domain is not"}},
		"bad domain":            {map[string]any{"domain": "App_Example"}, []string{"multiregion:edge.domain"}},
		"ttl too low":           {map[string]any{"recordTTL": 30}, []string{"multiregion:edge.recordTTL", "30", "60-86400"}},
		"ttl too high":          {map[string]any{"recordTTL": 100000}, []string{"multiregion:edge.recordTTL"}},
		"ttl zero":              {map[string]any{"recordTTL": 0}, []string{"multiregion:edge.recordTTL"}},
		// The component's rules (components.EdgeSettings.Validate) are reported under their keys.
		"interval 15":            {map[string]any{"healthCheckIntervalSeconds": 15}, []string{"multiregion:edge.healthCheckIntervalSeconds", "15", "only 10 or 30"}},
		"second write path":      {map[string]any{"cloudFrontWritePaths": []string{"/api/*", "/a b"}}, []string{"multiregion:edge.cloudFrontWritePaths[1]", `"/a b"`}},
		"threshold 0":            {map[string]any{"healthCheckFailureThreshold": 0}, []string{"multiregion:edge.healthCheckFailureThreshold", "0 is not allowed"}},
		"negative rto":           {map[string]any{"rtoSeconds": -1}, []string{"multiregion:edge.rtoSeconds"}},
		"unknown key":            {map[string]any{"ttl": 60}, []string{"multiregion:edge", "ttl"}},
		"route53 without domain": {map[string]any{"domain": nil, "hostedZone": nil, "route53": true, "cloudFront": false}, []string{"multiregion:edge.route53", "needs a domain"}},
		"rto below route 53": {map[string]any{"rtoSeconds": 80}, []string{
			"multiregion:edge.rtoSeconds", "route53 failover time of 90 s", "healthCheckFailureThreshold", "recordTTL",
		}},
		"rto below accelerator": {map[string]any{"rtoSeconds": 80, "route53": false, "cloudFront": false, "healthCheckIntervalSeconds": 30}, []string{
			"multiregion:edge.rtoSeconds", "globalAccelerator failover time of 90 s", "healthCheckIntervalSeconds (to 10)",
		}},
		"rto below cloudfront": {map[string]any{"rtoSeconds": 20, "route53": false, "globalAccelerator": false}, []string{
			"multiregion:edge.rtoSeconds", "cloudFront failover time of 30 s", "originConnectTimeoutSeconds",
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(lookup(withEdge(t, tc.kv)))
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestEdgeAccepts(t *testing.T) {
	cases := map[string]map[string]any{
		"zone by ID":          {"hostedZone": "Z0123456789ABCDEFGHIJ"},
		"zone by name":        {"hostedZone": "example.com."},
		"zone to create":      {"hostedZone": "create:app.example.com"},
		"accelerator only":    {"domain": nil, "hostedZone": nil, "allowPlainHttp": true},
		"rto that fits":       {"rtoSeconds": 90},
		"interval 30, ttl 60": {"healthCheckIntervalSeconds": 30, "healthCheckFailureThreshold": 1},
		"source ip affinity":  {"clientAffinity": "SOURCE_IP"},
		"cloudfront and waf":  {"route53": false, "globalAccelerator": false, "waf": true},
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse(lookup(withEdge(t, kv)))
			assert.NoError(t, err)
		})
	}
}

func TestParseZoneReference(t *testing.T) {
	cases := map[string]components.HostedZone{
		"Z0123456789ABCDEFGHIJ":  {ID: "Z0123456789ABCDEFGHIJ"},
		"example.com":            {Name: "example.com"},
		"example.com.":           {Name: "example.com"},
		"create:example.com":     {Name: "example.com", Create: true},
		"create:app.example.com": {Name: "app.example.com", Create: true},
	}
	for ref, want := range cases {
		got, err := ParseZoneReference(ref)
		require.NoError(t, err, ref)
		assert.Equal(t, want, got, ref)
	}
	for _, bad := range []string{"", "zone/123", "example", "Z12 3", "create:", "create:Z123", "https://example.com", "id:Z123"} {
		_, err := ParseZoneReference(bad)
		assert.Error(t, err, bad)
	}
}

// TestFailoverTimesFollowTheSettings checks the figures and that each depends on its settings.
func TestFailoverTimesFollowTheSettings(t *testing.T) {
	cfg, err := Parse(lookup(withEdge(t, map[string]any{
		"healthCheckIntervalSeconds": 30, "healthCheckFailureThreshold": 2, "recordTTL": 120,
		"originConnectTimeoutSeconds": 5, "originConnectionAttempts": 2,
	})))
	require.NoError(t, err)
	times := cfg.FailoverTimes()
	r53, ga, cf := times["route53"], times["globalAccelerator"], times["cloudFront"]
	assert.Equal(t, []int{60, 120, 180}, []int{r53.DetectionSeconds, r53.CachingSeconds, r53.FailoverSeconds})
	assert.Equal(t, []int{60, 0, 60}, []int{ga.DetectionSeconds, ga.CachingSeconds, ga.FailoverSeconds})
	assert.Equal(t, []int{10, 0, 10}, []int{cf.DetectionSeconds, cf.CachingSeconds, cf.FailoverSeconds})
	assert.True(t, strings.Contains(cf.Formula, "GET/HEAD/OPTIONS"), cf.Formula)
	assert.Len(t, cfg.failoverTimesOutput(), 3)
}
