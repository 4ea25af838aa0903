package tests

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	dashboardType   = "aws:cloudwatch/dashboard:Dashboard"
	alarmType       = "aws:cloudwatch/metricAlarm:MetricAlarm"
	logGroupType    = "aws:cloudwatch/logGroup:LogGroup"
	subscriptionTyp = "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter"
	destinationType = "aws:cloudwatch/logDestination:LogDestination"
	firehoseType    = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"
	topicType       = "aws:sns/topic:Topic"
	samplingType    = "aws:xray/samplingRule:SamplingRule"
	xrayGroupType   = "aws:xray/group:Group"
	rolePolicyType  = "aws:iam/rolePolicy:RolePolicy"
	roleType        = "aws:iam/role:Role"
)

// fourRegions is the prod stack plus ap-southeast-2, a fourth region added by config alone.
func fourRegions(t *testing.T) map[string]string {
	return with(t, prodConfig(t), map[string]any{"regions": []map[string]any{
		{"name": "us-west-2", "cidr": "10.10.0.0/16"},
		{"name": "us-east-1", "cidr": "10.20.0.0/16"},
		{"name": "eu-west-1", "cidr": "10.30.0.0/16"},
		{"name": "ap-southeast-2", "cidr": "10.40.0.0/16"},
	}, "cache": map[string]any{"enabled": false}}) // a Global Datastore takes at most 2 secondaries
}

// inRegion keeps the resources of rs that live in region.
func inRegion(rs []*mockcloud.Resource, region string) []*mockcloud.Resource {
	var kept []*mockcloud.Resource
	for _, r := range rs {
		if r.Region == region {
			kept = append(kept, r)
		}
	}
	return kept
}

// dashboardWidgets parses the one dashboard's body.
func dashboardWidgets(t *testing.T, e *mockcloud.Engine) (*mockcloud.Resource, []map[string]any) {
	t.Helper()
	ds := e.ByType(dashboardType)
	require.Len(t, ds, 1, "one dashboard per stack")
	var body struct {
		Widgets []struct {
			Type       string         `json:"type"`
			Properties map[string]any `json:"properties"`
		} `json:"widgets"`
	}
	require.NoError(t, json.Unmarshal([]byte(ds[0].Str("dashboardBody")), &body), "the dashboard body is JSON")
	var ws []map[string]any
	for _, w := range body.Widgets {
		ws = append(ws, w.Properties)
	}
	return ds[0], ws
}

// metricNames lists the metric names and SEARCH expressions a widget draws, and its dimension values.
func metricNames(w map[string]any) (names []string, dims []string) {
	ms, _ := w["metrics"].([]any)
	for _, m := range ms {
		row, _ := m.([]any)
		for i, cell := range row {
			switch v := cell.(type) {
			case string:
				if i == 1 {
					names = append(names, v)
				} else if i > 1 && i%2 == 1 {
					dims = append(dims, v)
				}
			case map[string]any:
				if expr, ok := v["expression"].(string); ok {
					names = append(names, expr)
				}
			}
		}
	}
	return names, dims
}

// metricFamilies are the metrics every region's row of the dashboard must draw (docs/observability.md):
// ALB requests, 5xx, latency and healthy hosts, and ECS CPU, memory and running tasks.
var metricFamilies = []string{
	"RequestCount", "HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "TargetResponseTime",
	"HealthyHostCount", "CPUUtilization", "MemoryUtilization", "RunningTaskCount",
}

// dataFamilies are the data-tier metrics every region's widgets must also draw: the database's
// replica lag (by engine) and connections, and, with a cache, its Global Datastore lag and hit rate.
func dataFamilies(cfg *stacks.Config) []string {
	lag := "ReplicaLag"
	if cfg.Database.Engine == auroraEngineKey {
		lag = "AuroraGlobalDBReplicationLag"
	}
	families := []string{lag, "DatabaseConnections"}
	if cfg.Cache.Enabled == nil || *cfg.Cache.Enabled {
		families = append(families, "GlobalDatastoreReplicationLag", "CacheHitRate")
	}
	return families
}

// draws reports whether a widget's metric names or SEARCH expressions include family.
func draws(names []string, family string) bool {
	return slices.ContainsFunc(names, func(n string) bool {
		return n == family || strings.Contains(n, `MetricName="`+family+`"`)
	})
}

func checkDashboard(t *testing.T, e *mockcloud.Engine, d *stacks.Deployment, regions []string) {
	t.Helper()
	dash, widgets := dashboardWidgets(t, e)
	assert.Equal(t, d.Config.Observability.LogArchiveRegion, dash.Region, "the dashboard lives in the archive region, whatever the primary")
	require.NotEmpty(t, widgets)
	perRegion := map[string][]map[string]any{}
	for _, w := range widgets {
		region, _ := w["region"].(string)
		assert.Contains(t, append(slices.Clone(regions), components.HealthCheckMetricsRegion, components.AcceleratorMetricsRegion), region,
			"widget %q names a region outside the config", w["title"])
		title, _ := w["title"].(string)
		if !strings.HasPrefix(title, "global") {
			assert.True(t, strings.HasPrefix(title, region+" "), "widget %q is titled with its region %s", title, region)
			perRegion[region] = append(perRegion[region], w)
		}
	}
	for _, region := range regions {
		lbs := inRegion(e.ByType("aws:lb/loadBalancer:LoadBalancer"), region)
		require.Len(t, lbs, 1, region)
		lb := lbs[0].OutStr("arnSuffix")
		var names, dims []string
		for _, w := range perRegion[region] {
			n, d := metricNames(w)
			names, dims = append(names, n...), append(dims, d...)
		}
		for _, family := range append(slices.Clone(metricFamilies), dataFamilies(d.Config)...) {
			assert.True(t, draws(names, family), "%s has no %s widget", region, family)
		}
		assert.Contains(t, dims, lb, "%s widgets draw %s's own load balancer", region, region)
		for _, other := range regions {
			if other == region {
				continue
			}
			otherLB := inRegion(e.ByType("aws:lb/loadBalancer:LoadBalancer"), other)[0].OutStr("arnSuffix")
			assert.NotContains(t, dims, otherLB, "%s widgets draw %s's load balancer", region, other)
		}
	}
}

// TestDashboardCoversEveryRegion: one dashboard, JSON, every metric family per region, every widget
// in a configured region and drawing that region's resources.
func TestDashboardCoversEveryRegion(t *testing.T) {
	e, d := deploy(t, prodConfig(t))
	checkDashboard(t, e, d, prodRegions)
	checkDataWidgets(t, e, d, prodRegions)
}

// widgetRow is one metric row of a widget: namespace, metric name, dimension name -> value.
type widgetRow struct {
	namespace, metric string
	dims              map[string]string
}

// regionWidget returns the widget of region whose title ends with what, nil when there is none.
func regionWidget(widgets []map[string]any, region, what string) map[string]any {
	for _, w := range widgets {
		title, _ := w["title"].(string)
		if w["region"] == region && strings.HasPrefix(title, region+" ") && strings.HasSuffix(title, "· "+what) {
			return w
		}
	}
	return nil
}

// rows parses a widget's plain metric rows (not expressions).
func rows(w map[string]any) []widgetRow {
	var out []widgetRow
	ms, _ := w["metrics"].([]any)
	for _, m := range ms {
		cells, _ := m.([]any)
		if len(cells) < 2 {
			continue
		}
		ns, _ := cells[0].(string)
		metric, _ := cells[1].(string)
		r := widgetRow{namespace: ns, metric: metric, dims: map[string]string{}}
		for i := 2; i+1 < len(cells); i += 2 {
			k, ok1 := cells[i].(string)
			v, ok2 := cells[i+1].(string)
			if ok1 && ok2 {
				r.dims[k] = v
			}
		}
		out = append(out, r)
	}
	return out
}

// lagAnnotation is the "lag alarm" threshold a widget draws, or -1.
func lagAnnotation(w map[string]any) float64 {
	ann, _ := w["annotations"].(map[string]any)
	hs, _ := ann["horizontal"].([]any)
	for _, h := range hs {
		if m, _ := h.(map[string]any); m["label"] == "lag alarm" {
			v, _ := m["value"].(float64)
			return v
		}
	}
	return -1
}

// checkDataWidgets: every region's database widget draws that region's own database (by engine: the
// RDS instance or the Aurora cluster dimension) and its connections; with a cache, the cache widget
// searches that region's replication group only; without, there is no cache widget. A standby draws
// the data tier's own lag thresholds (multiregion:database.replicaLagSeconds, cache.lagSeconds); the
// primary, which has no lag alarm, draws none.
func checkDataWidgets(t *testing.T, e *mockcloud.Engine, d *stacks.Deployment, regions []string) {
	t.Helper()
	cfg := d.Config
	_, widgets := dashboardWidgets(t, e)
	aurora := cfg.Database.Engine == auroraEngineKey
	cache := cfg.Cache.Enabled == nil || *cfg.Cache.Enabled
	dbType, dim, lag, scale := rdsInstance, "DBInstanceIdentifier", "ReplicaLag", 1.0
	if aurora {
		dbType, dim, lag, scale = rdsCluster, "DBClusterIdentifier", "AuroraGlobalDBReplicationLag", 1000
	}
	ident := func(region string) string {
		db := inRegion(e.ByType(dbType), region)
		require.Len(t, db, 1, "%s %s", dbType, region)
		if aurora {
			return db[0].OutStr("clusterIdentifier")
		}
		return db[0].OutStr("identifier")
	}
	for _, region := range regions {
		standby := d.Config.Plan(region).Role == components.RoleStandby
		w := regionWidget(widgets, region, "database")
		if !assert.NotNil(t, w, "%s has no database widget", region) {
			continue
		}
		id := ident(region)
		require.NotEmpty(t, id)
		got := map[string]string{}
		for _, r := range rows(w) {
			assert.Equal(t, "AWS/RDS", r.namespace, region)
			assert.Len(t, r.dims, 1, "%s %s: one dimension, the database", region, r.metric)
			got[r.metric] = r.dims[dim]
		}
		assert.Equal(t, map[string]string{lag: id, "DatabaseConnections": id}, got, "%s draws its own database by %s", region, dim)
		want := -1.0
		if standby {
			want = scale * float64(cfg.Database.ReplicaLagSeconds)
		}
		assert.Equal(t, want, lagAnnotation(w), "%s database lag threshold", region)
		body, _ := json.Marshal(w)
		for _, other := range regions {
			if other != region {
				assert.NotContains(t, string(body), `"`+ident(other)+`"`, "%s's database widget draws %s's database", region, other)
			}
		}

		cw := regionWidget(widgets, region, "cache")
		groups := inRegion(e.ByType(cacheGroup), region)
		if !cache {
			assert.Nil(t, cw, "%s: no cache, no cache widget", region)
			assert.Empty(t, groups, region)
			continue
		}
		if !assert.NotNil(t, cw, "%s has no cache widget", region) || !assert.Len(t, groups, 1, region) {
			continue
		}
		names, _ := metricNames(cw)
		group := groups[0].OutStr("replicationGroupId")
		require.NotEmpty(t, group)
		for _, family := range []string{"GlobalDatastoreReplicationLag", "CacheHitRate"} {
			i := slices.IndexFunc(names, func(n string) bool { return draws([]string{n}, family) })
			if assert.GreaterOrEqual(t, i, 0, "%s cache widget has no %s", region, family) {
				assert.Contains(t, names[i], `"`+group+`"`, "%s %s searches its own replication group", region, family)
				assert.Contains(t, names[i], "{AWS/ElastiCache,CacheClusterId}", region)
			}
		}
		want = -1
		if standby {
			want = float64(cfg.Cache.LagSeconds)
		}
		assert.Equal(t, want, lagAnnotation(cw), "%s cache lag threshold", region)
		cbody, _ := json.Marshal(cw)
		for _, other := range regions {
			if other != region {
				assert.NotContains(t, string(cbody), `"web-`+other+`"`, "%s's cache widget draws %s's group", region, other)
			}
		}
	}
	if !cache {
		all, _ := json.Marshal(widgets)
		assert.NotContains(t, string(all), "AWS/ElastiCache", "no cache metric is drawn without a cache")
	}
}

// TestDashboardDrawsTheDataTier: the database and cache widgets follow the data tier, for both
// engines, with their own thresholds, and disappear cleanly without a cache.
func TestDashboardDrawsTheDataTier(t *testing.T) {
	cases := map[string]map[string]any{
		"postgres": {"database": map[string]any{"replicaLagSeconds": 45}, "cache": map[string]any{"lagSeconds": 12}},
		auroraEngineKey: {"database": map[string]any{"engine": auroraEngineKey, "replicaLagSeconds": 7},
			"cache": map[string]any{"lagSeconds": 9}},
		"cache disabled":   {"cache": map[string]any{"enabled": false}},
		"aurora, no cache": {"database": map[string]any{"engine": auroraEngineKey}, "cache": map[string]any{"enabled": false}},
	}
	for _, name := range slices.Sorted(maps.Keys(cases)) {
		t.Run(name, func(t *testing.T) {
			e, d := deploy(t, with(t, prodConfig(t), cases[name]))
			checkDashboard(t, e, d, prodRegions)
			checkDataWidgets(t, e, d, prodRegions)
			checkAlarms(t, e, d)
		})
	}
	t.Run("after a primary flip", func(t *testing.T) {
		e, d := deploy(t, with(t, prodConfig(t), map[string]any{"primaryRegion": "us-east-1"}))
		checkDashboard(t, e, d, prodRegions)
		checkDataWidgets(t, e, d, prodRegions)
	})
}

func checkAlarms(t *testing.T, e *mockcloud.Engine, d *stacks.Deployment) {
	t.Helper()
	alarms := e.ByType(alarmType)
	require.NotEmpty(t, alarms)
	regions := d.Config.Secondaries()
	regions = append(regions, d.Config.PrimaryRegion)
	for _, a := range alarms {
		name := a.Str("name")
		actions := a.Len("alarmActions")
		assert.Positive(t, actions, "alarm %s has no action", name)
		for i := range actions {
			arn := a.Str(fmt.Sprintf("alarmActions[%d]", i))
			assert.True(t, strings.HasPrefix(arn, "arn:aws:sns:"+a.Region+":"), "alarm %s in %s notifies %s, not its region's topic", name, a.Region, arn)
		}
		named := ""
		for _, r := range regions {
			if strings.Contains(name, r) {
				named = r
			}
		}
		assert.NotEmpty(t, named, "alarm %s names no configured region", name)
		assert.Contains(t, a.Str("alarmDescription"), named, "alarm %s is described with its region", name)
	}
	for _, r := range regions {
		plan := d.Config.Plan(r)
		for _, what := range []string{"alb-5xx-rate", "unhealthy-hosts"} {
			a := e.Find(alarmType, "web-"+r+"-"+what)
			if assert.NotNil(t, a, "%s %s", r, what) {
				assert.Equal(t, r, a.Region)
			}
		}
		tasks := e.Find(alarmType, "web-"+r+"-running-tasks")
		if plan.Capacity.Min == 0 {
			assert.Nil(t, tasks, "%s runs no task by design: no running-task alarm", r)
			continue
		}
		if assert.NotNil(t, tasks, r) {
			n, _ := tasks.Num("threshold")
			assert.Equal(t, float64(plan.Capacity.Min), n, "%s running-task floor", r)
			assert.Equal(t, "LessThanThreshold", tasks.Str("comparisonOperator"))
		}
	}
	rate := e.Find(alarmType, "web-us-west-2-alb-5xx-rate")
	require.NotNil(t, rate)
	n, _ := rate.Num("threshold")
	assert.Equal(t, d.Config.Observability.ALB5xxPercent, n)
}

// TestAlarmsNotifyTheirRegionsTopic: every alarm has an action on an SNS topic in its own region and
// names and describes its region; each region has its 5xx, unhealthy-host and running-task alarms.
func TestAlarmsNotifyTheirRegionsTopic(t *testing.T) {
	e, d := deploy(t, prodConfig(t))
	checkAlarms(t, e, d)
}

// TestPilotLightHasNoRunningTaskAlarmOnStandbys: the floor follows the role and strategy.
func TestPilotLightHasNoRunningTaskAlarmOnStandbys(t *testing.T) {
	e, d := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": "pilot-light"}))
	checkAlarms(t, e, d)
	assert.NotNil(t, e.Find(alarmType, "web-us-west-2-running-tasks"))
	assert.Nil(t, e.Find(alarmType, "web-us-east-1-running-tasks"))
}

// TestAlertTopicsEncryptedPerRegion: one topic per region, KMS-encrypted with that region's key,
// publishable by CloudWatch, with the configured e-mail subscription.
func TestAlertTopicsEncryptedPerRegion(t *testing.T) {
	e, d := deploy(t, prodConfig(t))
	email := d.Config.Observability.AlarmEmail
	require.NotEmpty(t, email, "prod subscribes an on-call address")
	for _, r := range prodRegions {
		topics := inRegion(e.ByType(topicType), r)
		require.Len(t, topics, 1, r)
		key := e.ChildrenOfType(e.Component(components.RegionKeyType, "web-"+r), "aws:kms/key:Key")
		require.Len(t, key, 1)
		assert.Equal(t, key[0].OutStr("arn"), topics[0].Str("kmsMasterKeyId"), "%s topic uses %s's key", r, r)
		subs := inRegion(e.ByType("aws:sns/topicSubscription:TopicSubscription"), r)
		require.Len(t, subs, 1, r)
		assert.Equal(t, "email", subs[0].Str("protocol"))
		assert.Equal(t, email, subs[0].Str("endpoint"))
		assert.Equal(t, topics[0].OutStr("arn"), subs[0].Str("topic"))
		policies := inRegion(e.ByType("aws:sns/topicPolicy:TopicPolicy"), r)
		require.Len(t, policies, 1, r)
		assert.Contains(t, policies[0].Str("policy"), "cloudwatch.amazonaws.com")
	}
}

// archiveOf returns the archive's delivery stream, checking there is exactly one.
func archiveOf(t *testing.T, e *mockcloud.Engine) *mockcloud.Resource {
	t.Helper()
	streams := e.ByType(firehoseType)
	require.Len(t, streams, 1, "one archive stream")
	return streams[0]
}

func checkShipping(t *testing.T, e *mockcloud.Engine, regions []string, archiveRegion string) {
	t.Helper()
	stream := archiveOf(t, e)
	assert.Equal(t, archiveRegion, stream.Region)
	streamARN := stream.OutStr("arn")
	errorGroup := stream.Str("extendedS3Configuration.cloudwatchLoggingOptions.logGroupName")
	require.NotEmpty(t, errorGroup)
	filters := e.ByType(subscriptionTyp)
	seenRegions := map[string]bool{}
	for _, g := range e.ByType(logGroupType) {
		name := g.Str("name")
		if name == errorGroup {
			// The archive's own delivery errors are not shipped into the archive: a failing stream
			// would feed itself.
			assert.Equal(t, archiveRegion, g.Region)
			continue
		}
		seenRegions[g.Region] = true
		var sub *mockcloud.Resource
		for _, f := range filters {
			if f.Str("logGroup") == name {
				sub = f
			}
		}
		if !assert.NotNil(t, sub, "log group %s in %s has no subscription filter", name, g.Region) {
			continue
		}
		assert.Equal(t, g.Region, sub.Region, "the subscription of %s uses its region's provider", name)
		dests := inRegion(e.ByType(destinationType), g.Region)
		require.Len(t, dests, 1, "one destination in %s", g.Region)
		dest := dests[0]
		assert.Equal(t, dest.OutStr("arn"), sub.Str("destinationArn"), "%s ships to its region's destination", name)
		assert.Equal(t, streamARN, dest.Str("targetArn"), "%s's destination points at the archive", g.Region)
	}
	for _, r := range regions {
		assert.True(t, seenRegions[r], "no log group seen in %s", r)
		dests := inRegion(e.ByType(destinationType), r)
		require.Len(t, dests, 1, r)
		role := e.Filter(func(x *mockcloud.Resource) bool {
			return x.Type == roleType && x.OutStr("arn") == dests[0].Str("roleArn")
		})
		require.Len(t, role, 1, "%s destination role", r)
		assert.Contains(t, role[0].Str("assumeRolePolicy"), "arn:aws:logs:"+r+":", "%s role trusts only %s's CloudWatch Logs", r, r)
		var policy struct {
			Statement []struct {
				Action, Resource []string
			}
		}
		pols := e.Filter(func(x *mockcloud.Resource) bool {
			return x.Type == rolePolicyType && x.Str("role") == role[0].OutStr("name")
		})
		require.Len(t, pols, 1, r)
		require.NoError(t, json.Unmarshal([]byte(pols[0].Str("policy")), &policy))
		require.Len(t, policy.Statement, 1)
		assert.Equal(t, []string{streamARN}, policy.Statement[0].Resource, "%s role is scoped to the one stream", r)
		assert.ElementsMatch(t, []string{"firehose:PutRecord", "firehose:PutRecordBatch"}, policy.Statement[0].Action)
	}
}

// TestEveryLogGroupShipsToTheArchive: every log group of every region has a subscription filter, on
// its region's provider, to its region's CloudWatch Logs destination, which points at the one
// archive stream through a role scoped to it.
func TestEveryLogGroupShipsToTheArchive(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	checkShipping(t, e, prodRegions, "us-west-2")
}

// TestArchiveBucketIsEncryptedVersionedPrivate checks the archive bucket and its settings.
func TestArchiveBucketIsEncryptedVersionedPrivate(t *testing.T) {
	e, d := deploy(t, prodConfig(t))
	obs := e.Component(components.ObservabilityType, "web")
	require.NotNil(t, obs)
	buckets := e.ChildrenOfType(obs, "aws:s3/bucketV2:BucketV2")
	require.Len(t, buckets, 1)
	b := buckets[0]
	assert.Equal(t, "us-west-2", b.Region)
	assert.Contains(t, b.Name, "us-west-2", "the archive is named by region, never by role")
	assert.True(t, b.Protect, "the archive is protected")
	id := b.OutStr("bucket")
	by := func(typ string) *mockcloud.Resource {
		rs := e.Filter(func(r *mockcloud.Resource) bool { return r.Type == typ && r.Str("bucket") == id })
		require.Len(t, rs, 1, typ)
		assert.Equal(t, "us-west-2", rs[0].Region, typ)
		return rs[0]
	}
	sse := by("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2")
	assert.Equal(t, "aws:kms", sse.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
	key := e.ChildrenOfType(e.Component(components.RegionKeyType, "web-us-west-2"), "aws:kms/key:Key")[0]
	assert.Equal(t, key.OutStr("arn"), sse.Str("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"))
	assert.Equal(t, "Enabled", by("aws:s3/bucketVersioningV2:BucketVersioningV2").Str("versioningConfiguration.status"))
	pab := by("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")
	for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
		v, ok := pab.Bool(k)
		assert.True(t, ok && v, k)
	}
	lc := by("aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2")
	o := d.Config.Observability
	ia, _ := lc.Num("rules[0].transitions[0].days")
	glacier, _ := lc.Num("rules[0].transitions[1].days")
	expire, _ := lc.Num("rules[0].expiration.days")
	assert.Equal(t, float64(o.TransitionDays), ia)
	assert.Equal(t, "STANDARD_IA", lc.Str("rules[0].transitions[0].storageClass"))
	assert.Equal(t, float64(o.GlacierDays), glacier)
	assert.Equal(t, "GLACIER", lc.Str("rules[0].transitions[1].storageClass"))
	assert.Equal(t, float64(o.RetentionDays), expire)
	assert.Contains(t, by("aws:s3/bucketPolicy:BucketPolicy").Str("policy"), `"aws:SecureTransport":"false"`)
	stream := archiveOf(t, e)
	assert.Equal(t, b.OutStr("arn"), stream.Str("extendedS3Configuration.bucketArn"))
	enabled, _ := stream.Bool("serverSideEncryption.enabled")
	assert.True(t, enabled, "the stream is encrypted")
	assert.Equal(t, key.OutStr("arn"), stream.Str("serverSideEncryption.keyArn"))
}

func checkTracing(t *testing.T, e *mockcloud.Engine, regions []string) {
	t.Helper()
	for _, r := range regions {
		rules := inRegion(e.ByType(samplingType), r)
		require.Len(t, rules, 2, "%s sampling rules", r)
		assert.NotEqual(t, rules[0].Str("ruleName"), rules[1].Str("ruleName"), "%s rule names are unique", r)
		for _, rule := range rules {
			name := rule.Str("ruleName")
			assert.Contains(t, name, r)
			assert.LessOrEqual(t, len(name), 32, name)
			assert.Equal(t, "web", rule.Str("serviceName"))
		}
		groups := inRegion(e.ByType(xrayGroupType), r)
		require.Len(t, groups, 1, "%s X-Ray group", r)
		assert.Contains(t, groups[0].Str("groupName"), r)
		assert.Equal(t, `service("web")`, groups[0].Str("filterExpression"))
	}
}

// TestXRayPerRegion: sampling rules and a group in every region, named with the region within 32
// characters, and the daemon sidecar wired in every task (task role permission, environment).
func TestXRayPerRegion(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	checkTracing(t, e, prodRegions)
	for _, r := range prodRegions {
		health := e.Find(samplingType, "web-"+r+"-sampling-hc")
		require.NotNil(t, health, r)
		rate, _ := health.Num("fixedRate")
		assert.Zero(t, rate, "health checks are never sampled")
		assert.Equal(t, "/health", health.Str("urlPath"))
		tds := inRegion(e.ByType("aws:ecs/taskDefinition:TaskDefinition"), r)
		require.Len(t, tds, 1)
		var containers []struct {
			Name        string
			Environment []map[string]string
		}
		require.NoError(t, json.Unmarshal([]byte(tds[0].Str("containerDefinitions")), &containers))
		names := map[string][]map[string]string{}
		for _, c := range containers {
			names[c.Name] = c.Environment
		}
		require.Contains(t, names, "xray-daemon", r)
		assert.Contains(t, names["web"], map[string]string{"name": "AWS_XRAY_DAEMON_ADDRESS", "value": "127.0.0.1:2000"})
		taskRole := e.Filter(func(x *mockcloud.Resource) bool {
			return x.Type == roleType && x.Region == r && x.OutStr("arn") == tds[0].Str("taskRoleArn")
		})
		require.Len(t, taskRole, 1)
		pols := e.Filter(func(x *mockcloud.Resource) bool {
			return x.Type == rolePolicyType && x.Str("role") == taskRole[0].OutStr("name")
		})
		var all string
		for _, p := range pols {
			all += p.Str("policy")
		}
		assert.Contains(t, all, "xray:PutTraceSegments", "%s task role may send traces", r)
		assert.Contains(t, all, "xray:GetSamplingRules", "%s task role may read the sampling rules", r)
	}
}

// TestFourthRegionByConfigAlone: adding ap-southeast-2 to the config adds its widgets, alarms,
// subscriptions, tracing and topic, with no code change.
func TestFourthRegionByConfigAlone(t *testing.T) {
	e, d := deploy(t, fourRegions(t))
	regions := append(slices.Clone(prodRegions), "ap-southeast-2")
	checkDashboard(t, e, d, regions)
	checkDataWidgets(t, e, d, regions)
	checkAlarms(t, e, d)
	checkShipping(t, e, regions, "us-west-2")
	checkTracing(t, e, regions)
	count := func(region string) map[string]int {
		got := map[string]int{}
		for _, typ := range []string{alarmType, subscriptionTyp, destinationType, samplingType, xrayGroupType, topicType} {
			got[typ] = len(inRegion(e.ByType(typ), region))
		}
		return got
	}
	assert.Equal(t, count("eu-west-1"), count("ap-southeast-2"), "the new standby gets what the other standby has")
}

// TestFailoverKeepsTheArchive: flipping primaryRegion moves neither the archive nor the dashboard,
// whose region (logArchiveRegion) defaults to the first configured region: a failover never has to
// call the APIs of the region it is leaving.
func TestFailoverKeepsTheArchive(t *testing.T) {
	before, _ := deploy(t, prodConfig(t))
	after, d := deploy(t, with(t, prodConfig(t), map[string]any{"primaryRegion": "us-east-1"}))
	assert.Equal(t, "us-west-2", d.Config.Observability.LogArchiveRegion)
	urns := func(e *mockcloud.Engine) map[string]string {
		m := map[string]string{}
		for _, typ := range []string{"aws:s3/bucketV2:BucketV2", firehoseType} {
			for _, r := range e.ChildrenOfType(e.Component(components.ObservabilityType, "web"), typ) {
				m[r.URN] = r.Region
			}
		}
		return m
	}
	assert.Equal(t, urns(before), urns(after), "a failover neither renames nor moves the archive")
	dashBefore, _ := dashboardWidgets(t, before)
	dash, _ := dashboardWidgets(t, after)
	assert.Equal(t, "us-west-2", dash.Region, "the dashboard stays in the archive region")
	assert.Equal(t, dashBefore.URN, dash.URN)
}

// TestObservabilityConfigErrorsNameTheKey: bad observability values fail the whole program with the
// key, the value and what is allowed, before anything is registered.
func TestObservabilityConfigErrorsNameTheKey(t *testing.T) {
	e := mockcloud.New()
	err := e.Run(stacks.Program, with(t, prodConfig(t), map[string]any{"observability": map[string]any{
		"logArchiveRegion": "ap-south-1", "alarmHttpsEndpoint": "http://hooks.example.com",
	}}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "multiregion:observability.logArchiveRegion")
	assert.Contains(t, err.Error(), `"ap-south-1"`)
	assert.Contains(t, err.Error(), "multiregion:observability.alarmHttpsEndpoint")
	assert.Empty(t, e.ByType(components.ObservabilityType))
}

// TestGlobalEdgeIsWatched: each Route 53 health check has an alarm in us-east-1 (where its metric is)
// notifying us-east-1's topic and naming the region it checks; the dashboard's global rows draw the
// health checks, the distribution and the accelerator the edge created.
func TestGlobalEdgeIsWatched(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	checks := e.ByType("aws:route53/healthCheck:HealthCheck")
	if len(checks) == 0 {
		t.Skip("this stack has no global edge")
	}
	_, widgets := dashboardWidgets(t, e)
	var global []string
	for _, w := range widgets {
		if title, _ := w["title"].(string); strings.HasPrefix(title, "global") {
			b, _ := json.Marshal(w)
			global = append(global, string(b))
		}
	}
	all := strings.Join(global, "\n")
	for _, hc := range checks {
		id := hc.ID
		var alarm *mockcloud.Resource
		for _, a := range e.ByType(alarmType) {
			if a.Str("dimensions.HealthCheckId") == id {
				alarm = a
			}
		}
		if !assert.NotNil(t, alarm, "health check %s has no alarm", hc.Name) {
			continue
		}
		assert.Equal(t, components.HealthCheckMetricsRegion, alarm.Region)
		assert.True(t, strings.HasPrefix(alarm.Str("alarmActions[0]"), "arn:aws:sns:us-east-1:"), alarm.Str("alarmActions[0]"))
		region := strings.TrimSuffix(strings.TrimPrefix(alarm.Name, "web-"), "-health-check")
		assert.Contains(t, prodRegions, region, alarm.Name)
		assert.Contains(t, hc.Name, region, "alarm %s watches the health check of %s", alarm.Name, region)
		assert.Contains(t, all, `"HealthCheckId","`+id+`"`, "the dashboard draws health check %s", hc.Name)
	}
	for _, d := range e.ByType("aws:cloudfront/distribution:Distribution") {
		assert.Contains(t, all, `"DistributionId","`+d.ID+`"`)
		assert.Contains(t, all, "5xxErrorRate")
	}
	for _, a := range e.ByType("aws:globalaccelerator/accelerator:Accelerator") {
		arn := a.OutStr("arn")
		assert.Contains(t, all, `"Accelerator","`+arn[strings.LastIndex(arn, "/")+1:]+`"`)
		assert.Contains(t, all, "NewFlowCount")
	}
}
