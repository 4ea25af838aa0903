package awscloud

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	westARN = "arn:aws:rds:us-west-2:123456789012:cluster:web-us-west-2"
	eastARN = "arn:aws:rds:us-east-1:123456789012:cluster:web-us-east-1"
)

// globalClusterXML is DescribeGlobalClusters' answer: web-global with the two clusters, writer the
// writer, and a switchover or failover to `to` when status is not "".
func globalClusterXML(status, writer, failover, to string) reply {
	var members strings.Builder
	for _, arn := range []string{westARN, eastARN} {
		fmt.Fprintf(&members, `<GlobalClusterMember><DBClusterArn>%s</DBClusterArn><IsWriter>%t</IsWriter></GlobalClusterMember>`, arn, arn == writer)
	}
	fs := ""
	if failover != "" {
		fs = fmt.Sprintf(`<FailoverState><Status>%s</Status><ToDbClusterArn>%s</ToDbClusterArn></FailoverState>`, failover, to)
	}
	return queryXML("DescribeGlobalClusters", fmt.Sprintf(`<GlobalClusters><GlobalClusterMember>`+
		`<GlobalClusterIdentifier>web-global</GlobalClusterIdentifier><Status>%s</Status>`+
		`<GlobalClusterMembers>%s</GlobalClusterMembers>%s</GlobalClusterMember></GlobalClusters>`, status, members.String(), fs))
}

// auroraFake plays a global cluster whose writer moves to the target a few reads after the
// switchover or failover call.
type auroraFake struct {
	writer   string
	moving   string // target of the operation under way
	reads    int    // reads left before the operation completes
	mutating atomic.Int32
}

func (a *auroraFake) handle(t *testing.T) func(c call) reply {
	return func(c call) reply {
		switch c.Op {
		case "DescribeGlobalClusters":
			if a.moving != "" {
				if a.reads == 0 {
					a.writer, a.moving = a.moving, ""
				} else {
					a.reads--
					return globalClusterXML("switching-over", a.writer, "switching-over", a.moving)
				}
			}
			return globalClusterXML("available", a.writer, "", "")
		case "SwitchoverGlobalCluster", "FailoverGlobalCluster":
			a.mutating.Add(1)
			a.moving, a.reads = c.param("TargetDbClusterIdentifier"), 2
			return queryXML(c.Op, `<GlobalCluster><GlobalClusterIdentifier>web-global</GlobalClusterIdentifier></GlobalCluster>`)
		}
		return unexpected(t, c)
	}
}

func TestSwitchoverAuroraGlobal(t *testing.T) {
	a := &auroraFake{writer: westARN}
	f := newFake(t, a.handle(t))
	require.NoError(t, f.cloud(t).SwitchoverAuroraGlobal(context.Background(), "us-west-2", "web-global", eastARN))

	sw := f.called("SwitchoverGlobalCluster")
	require.Len(t, sw, 1)
	assert.Equal(t, "web-global", sw[0].param("GlobalClusterIdentifier"))
	assert.Equal(t, eastARN, sw[0].param("TargetDbClusterIdentifier"))
	assert.Equal(t, "us-west-2", sw[0].Region, "called in the home region")
	assert.Equal(t, "rds", sw[0].Service)
	assert.Empty(t, f.called("FailoverGlobalCluster"))
	assert.GreaterOrEqual(t, len(f.called("DescribeGlobalClusters")), 4, "it waited until the target was the writer")
	assert.Equal(t, eastARN, a.writer)
}

func TestFailoverAuroraGlobal(t *testing.T) {
	a := &auroraFake{writer: westARN}
	f := newFake(t, a.handle(t))
	require.NoError(t, f.cloud(t).FailoverAuroraGlobal(context.Background(), "us-east-1", "web-global", eastARN))

	fo := f.called("FailoverGlobalCluster")
	require.Len(t, fo, 1)
	assert.Equal(t, "web-global", fo[0].param("GlobalClusterIdentifier"))
	assert.Equal(t, eastARN, fo[0].param("TargetDbClusterIdentifier"))
	assert.Equal(t, "true", fo[0].param("AllowDataLoss"))
	assert.Equal(t, "us-east-1", fo[0].Region, "called in a surviving region")
	assert.Empty(t, f.called("SwitchoverGlobalCluster"))
}

// TestAuroraAlreadyWriter: a re-run after the switchover finished changes nothing.
func TestAuroraAlreadyWriter(t *testing.T) {
	a := &auroraFake{writer: eastARN}
	f := newFake(t, a.handle(t))
	c := f.cloud(t)
	require.NoError(t, c.SwitchoverAuroraGlobal(context.Background(), "us-west-2", "web-global", eastARN))
	require.NoError(t, c.FailoverAuroraGlobal(context.Background(), "us-east-1", "web-global", eastARN))
	assert.Zero(t, a.mutating.Load())
	assert.Equal(t, []string{"DescribeGlobalClusters", "DescribeGlobalClusters"}, f.ops())
}

// TestAuroraUnderWay: a re-run while the interrupted run's switchover is under way only waits.
func TestAuroraUnderWay(t *testing.T) {
	a := &auroraFake{writer: westARN, moving: eastARN, reads: 3}
	f := newFake(t, a.handle(t))
	require.NoError(t, f.cloud(t).SwitchoverAuroraGlobal(context.Background(), "us-west-2", "web-global", eastARN))
	assert.Zero(t, a.mutating.Load())
	assert.Equal(t, eastARN, a.writer)
}

func TestAuroraRefusals(t *testing.T) {
	t.Run("another target under way", func(t *testing.T) {
		a := &auroraFake{writer: eastARN, moving: westARN, reads: 100}
		f := newFake(t, a.handle(t))
		err := f.cloud(t).SwitchoverAuroraGlobal(context.Background(), "us-west-2", "web-global", eastARN)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "already under way")
		assert.Zero(t, a.mutating.Load())
	})
	t.Run("not a member", func(t *testing.T) {
		a := &auroraFake{writer: westARN}
		f := newFake(t, a.handle(t))
		err := f.cloud(t).SwitchoverAuroraGlobal(context.Background(), "us-west-2", "web-global", "arn:aws:rds:eu-west-1:123456789012:cluster:web-eu-west-1")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not a member")
		assert.Zero(t, a.mutating.Load())
	})
	t.Run("API error", func(t *testing.T) {
		f := newFake(t, func(c call) reply {
			return queryError(http.StatusNotFound, "GlobalClusterNotFoundFault", "no such global cluster")
		})
		err := f.cloud(t).SwitchoverAuroraGlobal(context.Background(), "us-west-2", "web-global", eastARN)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "GlobalClusterNotFoundFault")
		assert.Contains(t, err.Error(), "web-global")
	})
}

// TestAuroraTimeout: a switchover that never completes ends in a timeout naming the last state.
func TestAuroraTimeout(t *testing.T) {
	a := &auroraFake{writer: westARN}
	f := newFake(t, func(c call) reply {
		if c.Op == "SwitchoverGlobalCluster" {
			a.mutating.Add(1)
			return queryXML(c.Op, "")
		}
		return globalClusterXML("switching-over", westARN, "switching-over", eastARN)
	})
	start := time.Now()
	err := f.cloud(t, WithTimeout(100*time.Millisecond)).SwitchoverAuroraGlobal(context.Background(), "us-west-2", "web-global", eastARN)
	require.Error(t, err)
	assert.Less(t, time.Since(start), 2*time.Second)
	assert.Contains(t, err.Error(), "deadline exceeded")
	assert.Contains(t, err.Error(), "switching-over to "+eastARN)
	assert.Equal(t, int32(0), a.mutating.Load(), "a switchover already under way to the target is not started again")
}

const globalGroupID = "ldgnf-web-global" // AWS prefixes the stack's name

// cacheFake plays a Global Datastore whose primary moves a few reads after the failover call.
type cacheFake struct {
	primary  string // region of the primary member
	status   string
	reads    int
	mutating atomic.Int32
}

func (g *cacheFake) xml() reply {
	var members strings.Builder
	for _, r := range []string{"us-west-2", "us-east-1"} {
		role := "SECONDARY"
		if r == g.primary {
			role = "PRIMARY"
		}
		fmt.Fprintf(&members, `<GlobalReplicationGroupMember><ReplicationGroupId>web-%s</ReplicationGroupId>`+
			`<ReplicationGroupRegion>%s</ReplicationGroupRegion><Role>%s</Role><Status>associated</Status></GlobalReplicationGroupMember>`, r, r, role)
	}
	return queryXML("DescribeGlobalReplicationGroups", fmt.Sprintf(`<GlobalReplicationGroups><GlobalReplicationGroup>`+
		`<GlobalReplicationGroupId>%s</GlobalReplicationGroupId><Status>%s</Status><Members>%s</Members>`+
		`</GlobalReplicationGroup></GlobalReplicationGroups>`, globalGroupID, g.status, members.String()))
}

func (g *cacheFake) handle(t *testing.T) func(c call) reply {
	return func(c call) reply {
		switch c.Op {
		case "DescribeGlobalReplicationGroups":
			if g.status != "available" {
				if g.reads == 0 {
					g.status, g.primary = "available", "us-east-1"
				} else {
					g.reads--
				}
			}
			return g.xml()
		case "FailoverGlobalReplicationGroup":
			g.mutating.Add(1)
			g.status, g.reads = "modifying", 2
			return queryXML(c.Op, "")
		}
		return unexpected(t, c)
	}
}

func TestFailoverCacheGlobal(t *testing.T) {
	g := &cacheFake{primary: "us-west-2", status: "available"}
	f := newFake(t, g.handle(t))
	require.NoError(t, f.cloud(t).FailoverCacheGlobal(context.Background(), "us-east-1", "web-global", "us-east-1", "web-us-east-1"))

	fo := f.called("FailoverGlobalReplicationGroup")
	require.Len(t, fo, 1)
	assert.Equal(t, globalGroupID, fo[0].param("GlobalReplicationGroupId"), "the stack's name resolved to AWS's prefixed ID")
	assert.Equal(t, "us-east-1", fo[0].param("PrimaryRegion"))
	assert.Equal(t, "web-us-east-1", fo[0].param("PrimaryReplicationGroupId"))
	assert.Equal(t, "us-east-1", fo[0].Region)
	assert.Equal(t, "elasticache", fo[0].Service)
	assert.Equal(t, "true", f.called("DescribeGlobalReplicationGroups")[0].param("ShowMemberInfo"))
	assert.Equal(t, "us-east-1", g.primary, "it waited until the target was the primary")
	assert.Equal(t, "available", g.status)
}

func TestFailoverCacheGlobalIdempotent(t *testing.T) {
	t.Run("already primary", func(t *testing.T) {
		g := &cacheFake{primary: "us-east-1", status: "available"}
		f := newFake(t, g.handle(t))
		require.NoError(t, f.cloud(t).FailoverCacheGlobal(context.Background(), "us-east-1", globalGroupID, "us-east-1", "web-us-east-1"))
		assert.Zero(t, g.mutating.Load())
	})
	t.Run("failover under way", func(t *testing.T) {
		g := &cacheFake{primary: "us-west-2", status: "modifying", reads: 2}
		f := newFake(t, g.handle(t))
		require.NoError(t, f.cloud(t).FailoverCacheGlobal(context.Background(), "us-east-1", "web-global", "us-east-1", "web-us-east-1"))
		assert.Zero(t, g.mutating.Load(), "the interrupted run's failover finished: no second one")
	})
	t.Run("not a member", func(t *testing.T) {
		g := &cacheFake{primary: "us-west-2", status: "available"}
		f := newFake(t, g.handle(t))
		err := f.cloud(t).FailoverCacheGlobal(context.Background(), "us-east-1", "web-global", "eu-west-1", "web-eu-west-1")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "not a member")
		assert.Zero(t, g.mutating.Load())
	})
	t.Run("unknown group", func(t *testing.T) {
		g := &cacheFake{primary: "us-west-2", status: "available"}
		f := newFake(t, g.handle(t))
		err := f.cloud(t).FailoverCacheGlobal(context.Background(), "us-east-1", "api-global", "us-east-1", "api-us-east-1")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no global replication group api-global")
	})
}

func TestWaitReplicaLag(t *testing.T) {
	lags := []float64{45, 12, 0.5}
	var reads atomic.Int32
	f := newFake(t, func(c call) reply {
		if c.Op != "GetMetricData" {
			return unexpected(t, c)
		}
		n := int(reads.Add(1)) - 1
		return metricValues(lags[min(n, len(lags)-1)], 60)
	})
	require.NoError(t, f.cloud(t).WaitReplicaLag(context.Background(), "us-east-1", "web-us-east-1", 1, time.Second))
	assert.Equal(t, int32(3), reads.Load(), "it read until the newest value was at most 1 s")

	q := f.called("GetMetricData")[0]
	assert.Equal(t, "us-east-1", q.Region)
	assert.Equal(t, "monitoring", q.Service)
	assert.Equal(t, "TimestampDescending", q.param("ScanBy"))
	queries := q.Params["MetricDataQueries"].([]any)
	stat := queries[0].(map[string]any)["MetricStat"].(map[string]any)
	metric := stat["Metric"].(map[string]any)
	assert.Equal(t, "AWS/RDS", metric["Namespace"])
	assert.Equal(t, "ReplicaLag", metric["MetricName"])
	assert.Equal(t, []any{map[string]any{"Name": "DBInstanceIdentifier", "Value": "web-us-east-1"}}, metric["Dimensions"])
	assert.Equal(t, "Maximum", stat["Stat"])
}

func TestWaitReplicaLagTimeout(t *testing.T) {
	t.Run("lag stays high", func(t *testing.T) {
		f := newFake(t, func(c call) reply { return metricValues(30) })
		err := f.cloud(t).WaitReplicaLag(context.Background(), "us-east-1", "web-us-east-1", 0, 80*time.Millisecond)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ReplicaLag 30s")
		assert.Contains(t, err.Error(), "web-us-east-1")
	})
	t.Run("no data", func(t *testing.T) {
		f := newFake(t, func(c call) reply { return metricValues() })
		err := f.cloud(t).WaitReplicaLag(context.Background(), "us-east-1", "web-us-east-1", 0, 80*time.Millisecond)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "no ReplicaLag data")
	})
	t.Run("cancelled", func(t *testing.T) {
		f := newFake(t, func(c call) reply { return metricValues(30) })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := f.cloud(t).WaitReplicaLag(ctx, "us-east-1", "web-us-east-1", 0, time.Minute)
		require.Error(t, err)
	})
}

func instanceXML(status, source string) reply {
	src := ""
	if source != "" {
		src = "<ReadReplicaSourceDBInstanceIdentifier>" + source + "</ReadReplicaSourceDBInstanceIdentifier>"
	}
	return queryXML("DescribeDBInstances", fmt.Sprintf(`<DBInstances><DBInstance><DBInstanceIdentifier>web-eu-west-1</DBInstanceIdentifier>`+
		`<DBInstanceStatus>%s</DBInstanceStatus>%s</DBInstance></DBInstances>`, status, src))
}

func TestPromoteReplica(t *testing.T) {
	const source = "arn:aws:rds:us-west-2:123456789012:db:web-us-west-2"
	status, src, reads := "available", source, 0
	f := newFake(t, func(c call) reply {
		switch c.Op {
		case "DescribeDBInstances":
			if status == "modifying" {
				if reads++; reads > 2 {
					status, src = "available", ""
				}
			}
			return instanceXML(status, src)
		case "PromoteReadReplica":
			status = "modifying"
			return queryXML(c.Op, "<DBInstance><DBInstanceIdentifier>web-eu-west-1</DBInstanceIdentifier></DBInstance>")
		}
		return unexpected(t, c)
	})
	c := f.cloud(t)
	require.NoError(t, c.PromoteReplica(context.Background(), "eu-west-1", "web-eu-west-1"))
	p := f.called("PromoteReadReplica")
	require.Len(t, p, 1)
	assert.Equal(t, "web-eu-west-1", p[0].param("DBInstanceIdentifier"))
	assert.Equal(t, "eu-west-1", p[0].Region)
	assert.Empty(t, src, "it waited until the instance was standalone")

	// A re-run: the instance is standalone and available; nothing is called but the read.
	require.NoError(t, c.PromoteReplica(context.Background(), "eu-west-1", "web-eu-west-1"))
	assert.Len(t, f.called("PromoteReadReplica"), 1)
}

func TestHealthyRule(t *testing.T) {
	rep := func(ok, fail int) []string {
		var r []string
		for range ok {
			r = append(r, "Success: HTTP Status Code 200, OK")
		}
		for range fail {
			r = append(r, "Failure: Connection timed out.")
		}
		return r
	}
	assert.False(t, healthy(nil), "no report: not known healthy")
	assert.False(t, healthy(rep(0, 8)))
	assert.False(t, healthy(rep(1, 8)), "1 of 9 (11%) is not more than 18%")
	assert.True(t, healthy(rep(2, 8)), "2 of 10 (20%) is more than 18%")
	assert.True(t, healthy(rep(16, 0)))
}

// stackOutputs is what the stack exports for two RDS regions (stacks/program.go exportRegions).
func stackOutputs(aurora bool) map[string]any {
	region := func(r, role string) map[string]any {
		arn := "arn:aws:rds:" + r + ":123456789012:db:web-" + r
		if aurora {
			arn = "arn:aws:rds:" + r + ":123456789012:cluster:web-" + r
		}
		return map[string]any{
			"role": role, "clusterArn": "arn:aws:ecs:" + r + ":123456789012:cluster/web-" + r,
			"serviceName": "web-" + r, "dbIdentifier": "web-" + r, "dbArn": arn,
			"cacheReplicationGroupId": "web-" + r, "alarmPrefix": "web-" + r + "-",
		}
	}
	return map[string]any{
		"regions":        map[string]any{"us-west-2": region("us-west-2", "primary"), "us-east-1": region("us-east-1", "standby")},
		"healthCheckIds": map[string]any{"us-west-2": "hc-west", "us-east-1": "hc-east"},
	}
}

// healthFake answers every read Health makes for the standby us-east-1.
func healthFake(t *testing.T, aurora bool) func(c call) reply {
	return func(c call) reply {
		switch c.Op {
		case "GetHealthCheckStatus":
			return reply{body: []byte(`<?xml version="1.0"?><GetHealthCheckStatusResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">` +
				`<HealthCheckObservations>` +
				`<HealthCheckObservation><Region>us-east-1</Region><IPAddress>15.177.10.1</IPAddress><StatusReport><Status>Success: HTTP Status Code 200, OK</Status></StatusReport></HealthCheckObservation>` +
				`<HealthCheckObservation><Region>eu-west-1</Region><IPAddress>15.177.62.1</IPAddress><StatusReport><Status>Failure: Connection timed out.</Status></StatusReport></HealthCheckObservation>` +
				`</HealthCheckObservations></GetHealthCheckStatusResponse>`), header: map[string]string{"Content-Type": "text/xml"}}
		case "DescribeAlarms":
			return cborReply(cbor.Map{"MetricAlarms": cbor.List{
				cbor.Map{"AlarmName": cbor.String("web-us-east-1-db-replica-lag"), "StateValue": cbor.String("ALARM")},
				cbor.Map{"AlarmName": cbor.String("web-us-east-1-alb-5xx-rate"), "StateValue": cbor.String("ALARM")},
			}})
		case "DescribeServices":
			return jsonReply(map[string]any{"services": []any{map[string]any{"serviceName": "web-us-east-1", "runningCount": 1, "desiredCount": 2}}})
		case "DescribeDBInstances":
			return queryXML(c.Op, `<DBInstances><DBInstance><DBInstanceIdentifier>web-us-east-1</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus>`+
				`<ReadReplicaSourceDBInstanceIdentifier>arn:aws:rds:us-west-2:123456789012:db:web-us-west-2</ReadReplicaSourceDBInstanceIdentifier></DBInstance></DBInstances>`)
		case "DescribeGlobalClusters":
			if aurora {
				return globalClusterXML("available", "arn:aws:rds:us-west-2:123456789012:cluster:web-us-west-2", "", "")
			}
		case "DescribeReplicationGroups":
			return queryXML(c.Op, `<ReplicationGroups><ReplicationGroup><ReplicationGroupId>web-us-east-1</ReplicationGroupId>`+
				`<GlobalReplicationGroupInfo><GlobalReplicationGroupId>ldgnf-web-global</GlobalReplicationGroupId>`+
				`<GlobalReplicationGroupMemberRole>SECONDARY</GlobalReplicationGroupMemberRole></GlobalReplicationGroupInfo></ReplicationGroup></ReplicationGroups>`)
		case "GetMetricData":
			return metricValues(2500, 9000) // ms for Aurora, seconds read as is for RDS and the cache
		}
		return unexpected(t, c)
	}
}

func TestHealthRDSStandby(t *testing.T) {
	f := newFake(t, healthFake(t, false))
	h, err := f.cloud(t).Health(context.Background(), "us-east-1", stackOutputs(false))
	require.NoError(t, err)

	require.NotNil(t, h.HealthCheckOK)
	assert.True(t, *h.HealthCheckOK, "1 of 2 checkers is more than 18%")
	assert.Equal(t, []string{"web-us-east-1-alb-5xx-rate", "web-us-east-1-db-replica-lag"}, h.AlarmsInAlarm)
	assert.Equal(t, 1, h.RunningTasks)
	assert.Equal(t, 2, h.DesiredTasks)
	require.NotNil(t, h.DatabaseWriter)
	assert.False(t, *h.DatabaseWriter)
	assert.Equal(t, "arn:aws:rds:us-west-2:123456789012:db:web-us-west-2", h.ReplicaSource)
	require.NotNil(t, h.ReplicaLagSeconds)
	assert.Equal(t, 2500.0, *h.ReplicaLagSeconds, "the newest value")
	require.NotNil(t, h.CachePrimary)
	assert.False(t, *h.CachePrimary)
	require.NotNil(t, h.CacheLagSeconds)

	r53 := f.called("GetHealthCheckStatus")
	require.Len(t, r53, 1)
	assert.Equal(t, "hc-east", r53[0].param("Id"))
	assert.Equal(t, "us-east-1", r53[0].Region)

	al := f.called("DescribeAlarms")
	require.Len(t, al, 1)
	assert.Equal(t, "web-us-east-1-", al[0].param("AlarmNamePrefix"))
	assert.Equal(t, "ALARM", al[0].param("StateValue"))
	assert.Equal(t, "us-east-1", al[0].Region)

	svc := f.called("DescribeServices")
	require.Len(t, svc, 1)
	assert.Equal(t, "arn:aws:ecs:us-east-1:123456789012:cluster/web-us-east-1", svc[0].param("cluster"))
	assert.Equal(t, []any{"web-us-east-1"}, svc[0].Params["services"])

	metrics := map[string]string{}
	for _, q := range f.called("GetMetricData") {
		m := q.Params["MetricDataQueries"].([]any)[0].(map[string]any)["MetricStat"].(map[string]any)["Metric"].(map[string]any)
		d := m["Dimensions"].([]any)[0].(map[string]any)
		metrics[m["MetricName"].(string)] = fmt.Sprint(d["Name"], "=", d["Value"])
	}
	assert.Equal(t, map[string]string{
		"ReplicaLag":                    "DBInstanceIdentifier=web-us-east-1",
		"GlobalDatastoreReplicationLag": "CacheClusterId=web-us-east-1-001",
	}, metrics)
}

func TestHealthAuroraStandby(t *testing.T) {
	f := newFake(t, healthFake(t, true))
	h, err := f.cloud(t).Health(context.Background(), "us-east-1", stackOutputs(true))
	require.NoError(t, err)
	require.NotNil(t, h.DatabaseWriter)
	assert.False(t, *h.DatabaseWriter)
	require.NotNil(t, h.ReplicaLagSeconds)
	assert.Equal(t, 2.5, *h.ReplicaLagSeconds, "AuroraGlobalDBReplicationLag is in milliseconds")
	assert.Empty(t, f.called("DescribeDBInstances"))
	var names []string
	for _, q := range f.called("GetMetricData") {
		names = append(names, q.Params["MetricDataQueries"].([]any)[0].(map[string]any)["MetricStat"].(map[string]any)["Metric"].(map[string]any)["MetricName"].(string))
	}
	assert.Contains(t, names, "AuroraGlobalDBReplicationLag")
}

// TestHealthWithoutAlarmPrefix: a stack that exports no prefix gets every alarm of the region in
// ALARM; a part that fails is reported while the others are returned.
func TestHealthWithoutAlarmPrefix(t *testing.T) {
	base := healthFake(t, false)
	f := newFake(t, func(c call) reply {
		if c.Op == "DescribeServices" {
			return reply{status: http.StatusBadRequest, body: []byte(`{"__type":"ClusterNotFoundException","message":"Cluster not found."}`),
				header: map[string]string{"Content-Type": "application/x-amz-json-1.1"}}
		}
		return base(c)
	})
	out := stackOutputs(false)
	delete(out["regions"].(map[string]any)["us-east-1"].(map[string]any), "alarmPrefix")
	h, err := f.cloud(t).Health(context.Background(), "us-east-1", out)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "ClusterNotFoundException")
	assert.Len(t, h.AlarmsInAlarm, 2)
	assert.NotNil(t, h.HealthCheckOK)
	al := f.called("DescribeAlarms")
	require.Len(t, al, 1)
	_, filtered := al[0].Params["AlarmNamePrefix"]
	assert.False(t, filtered)
}

// TestHealthPrimary: the primary reports no lag, and reads none.
func TestHealthPrimary(t *testing.T) {
	base := healthFake(t, false)
	f := newFake(t, func(c call) reply {
		switch c.Op {
		case "DescribeDBInstances":
			return queryXML(c.Op, `<DBInstances><DBInstance><DBInstanceIdentifier>web-us-west-2</DBInstanceIdentifier><DBInstanceStatus>available</DBInstanceStatus></DBInstance></DBInstances>`)
		case "DescribeReplicationGroups":
			return queryXML(c.Op, `<ReplicationGroups><ReplicationGroup><ReplicationGroupId>web-us-west-2</ReplicationGroupId>`+
				`<GlobalReplicationGroupInfo><GlobalReplicationGroupId>ldgnf-web-global</GlobalReplicationGroupId>`+
				`<GlobalReplicationGroupMemberRole>PRIMARY</GlobalReplicationGroupMemberRole></GlobalReplicationGroupInfo></ReplicationGroup></ReplicationGroups>`)
		}
		return base(c)
	})
	h, err := f.cloud(t).Health(context.Background(), "us-west-2", stackOutputs(false))
	require.NoError(t, err)
	require.NotNil(t, h.DatabaseWriter)
	assert.True(t, *h.DatabaseWriter)
	require.NotNil(t, h.CachePrimary)
	assert.True(t, *h.CachePrimary)
	assert.Nil(t, h.ReplicaLagSeconds)
	assert.Nil(t, h.CacheLagSeconds)
	assert.Empty(t, f.called("GetMetricData"))
	assert.Equal(t, "hc-west", f.called("GetHealthCheckStatus")[0].param("Id"))
}

// TestCloudWatchQueryProtocol: with WithCloudWatchQueryProtocol, CloudWatch speaks the query
// protocol (for emulators without RPC v2 CBOR).
func TestCloudWatchQueryProtocol(t *testing.T) {
	f := newFake(t, func(c call) reply {
		return queryXML("DescribeAlarms", `<MetricAlarms><member><AlarmName>web-us-east-1-unhealthy-hosts</AlarmName><StateValue>ALARM</StateValue></member></MetricAlarms>`)
	})
	c := f.cloud(t, WithCloudWatchQueryProtocol())
	names, err := c.alarmsInAlarm(context.Background(), "us-east-1", "web-us-east-1-")
	require.NoError(t, err)
	assert.Equal(t, []string{"web-us-east-1-unhealthy-hosts"}, names)
	al := f.called("DescribeAlarms")
	require.Len(t, al, 1)
	assert.Equal(t, "web-us-east-1-", al[0].param("AlarmNamePrefix"))
	assert.Equal(t, "2010-08-01", al[0].param("Version"))
}

// TestAlarmStateIsCheckedAgain: an API that ignores the StateValue filter (moto 5.2 does when
// AlarmNamePrefix is given) answers alarms in every state; only those in ALARM are reported.
func TestAlarmStateIsCheckedAgain(t *testing.T) {
	f := newFake(t, func(c call) reply {
		return queryXML("DescribeAlarms", `<MetricAlarms>`+
			`<member><AlarmName>web-us-east-1-alb-5xx-rate</AlarmName><StateValue>OK</StateValue></member>`+
			`<member><AlarmName>web-us-east-1-db-replica-lag</AlarmName><StateValue>INSUFFICIENT_DATA</StateValue></member>`+
			`<member><AlarmName>web-us-east-1-unhealthy-hosts</AlarmName><StateValue>ALARM</StateValue></member>`+
			`</MetricAlarms>`)
	})
	c := f.cloud(t, WithCloudWatchQueryProtocol())
	names, err := c.alarmsInAlarm(context.Background(), "us-east-1", "web-us-east-1-")
	require.NoError(t, err)
	assert.Equal(t, []string{"web-us-east-1-unhealthy-hosts"}, names)
}

// TestServiceEndpoint: a per-service endpoint wins over the shared one.
func TestServiceEndpoint(t *testing.T) {
	var hits atomic.Int32
	other := newFake(t, func(c call) reply { hits.Add(1); return instanceXML("available", "") })
	main := newFake(t, func(c call) reply { return unexpected(t, c) })
	c := main.cloud(t, WithServiceEndpoint(ServiceRDS, other.srv.URL))
	require.NoError(t, c.PromoteReplica(context.Background(), "eu-west-1", "web-eu-west-1"))
	assert.Equal(t, int32(1), hits.Load())
}
