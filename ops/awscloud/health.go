package awscloud

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/multiregion/multiregion/ops"
)

// healthyShare is the share of Route 53's health checkers that must report an endpoint healthy for
// Route 53 to consider it healthy: "more than 18%" (Route 53 Developer Guide, "How Amazon Route 53
// determines whether a health check is healthy").
const healthyShare = 0.18

// lagWindow is how far back a lag metric is read: its latest one-minute maximum in that window.
const lagWindow = 5 * time.Minute

// rolePrimary is the role output of the region with the writer.
const rolePrimary = "primary"

// Health reads region's health; every part the outputs name is read, and a part that fails is
// reported in the joined error while the others are still returned:
//
//   - HealthCheckOK: Route 53 GetHealthCheckStatus of healthCheckIds.<region>; healthy when more
//     than 18% of the checkers' last reports are successes, Route 53's own rule (no report: unhealthy).
//   - AlarmsInAlarm: CloudWatch DescribeAlarms in the region, state ALARM, names starting with
//     regions.<region>.alarmPrefix ("<service>-<region>-": the region's ALB, task and lag alarms);
//     without that output, every alarm of the region in ALARM (a pre-check then errs on the side of
//     refusing). The Route 53 health-check alarms live in us-east-1 and are covered by HealthCheckOK.
//   - RunningTasks, DesiredTasks: ECS DescribeServices of the region's service.
//   - DatabaseWriter, ReplicaSource: RDS DescribeDBInstances (a read replica names its source), or
//     for Aurora the global cluster member that is the region's cluster (IsWriter).
//   - ReplicaLagSeconds (outside the primary): the latest one-minute maximum of the last 5 minutes of
//     ReplicaLag (RDS, seconds) or AuroraGlobalDBReplicationLag (Aurora, milliseconds, converted).
//   - CachePrimary: the replication group's role in its Global Datastore; CacheLagSeconds (outside
//     the primary): GlobalDatastoreReplicationLag of node "<group>-001", as the lag alarm watches it.
func (c *Cloud) Health(ctx context.Context, region string, outputs map[string]any) (ops.RegionHealth, error) {
	r := readRegion(outputs, region)
	var h ops.RegionHealth
	var errs []error
	fail := func(part string, err error) {
		errs = append(errs, fmt.Errorf("%s %s: %w", region, part, err))
	}
	if r.healthCheckID != "" {
		ok, err := c.healthCheck(ctx, r.healthCheckID)
		if err != nil {
			fail("Route 53 health check "+r.healthCheckID, err)
		} else {
			h.HealthCheckOK = &ok
		}
	}
	alarms, err := c.alarmsInAlarm(ctx, region, r.alarmPrefix)
	if err != nil {
		fail("alarms", err)
	}
	h.AlarmsInAlarm = alarms
	if r.clusterARN != "" && r.serviceName != "" {
		if h.RunningTasks, h.DesiredTasks, err = c.tasks(ctx, region, r.clusterARN, r.serviceName); err != nil {
			fail("ECS service "+r.serviceName, err)
		}
	}
	if r.dbIdentifier != "" {
		if err := c.databaseHealth(ctx, region, r, &h); err != nil {
			fail("database "+r.dbIdentifier, err)
		}
	}
	if r.cacheGroupID != "" {
		if err := c.cacheHealth(ctx, region, r, &h); err != nil {
			fail("cache "+r.cacheGroupID, err)
		}
	}
	return h, errors.Join(errs...)
}

// healthCheck applies Route 53's rule to the checkers' last reports.
func (c *Cloud) healthCheck(ctx context.Context, id string) (bool, error) {
	out, err := c.route53().GetHealthCheckStatus(ctx, &route53.GetHealthCheckStatusInput{HealthCheckId: aws.String(id)})
	if err != nil {
		return false, err
	}
	var reports []string
	for _, o := range out.HealthCheckObservations {
		if o.StatusReport != nil {
			reports = append(reports, aws.ToString(o.StatusReport.Status))
		}
	}
	return healthy(reports), nil
}

// healthy reports whether more than 18% of the checkers' reports ("Success: HTTP Status Code 200
// ...", "Failure: ...") are successes.
func healthy(reports []string) bool {
	if len(reports) == 0 {
		return false
	}
	ok := 0
	for _, r := range reports {
		if strings.HasPrefix(r, "Success") {
			ok++
		}
	}
	return float64(ok) > healthyShare*float64(len(reports))
}

// alarmsInAlarm names the region's alarms in state ALARM whose names start with prefix (every alarm
// when prefix is ""), sorted.
func (c *Cloud) alarmsInAlarm(ctx context.Context, region, prefix string) ([]string, error) {
	in := &cloudwatch.DescribeAlarmsInput{
		StateValue: cwtypes.StateValueAlarm,
		AlarmTypes: []cwtypes.AlarmType{cwtypes.AlarmTypeMetricAlarm, cwtypes.AlarmTypeCompositeAlarm},
	}
	if prefix != "" {
		in.AlarmNamePrefix = aws.String(prefix)
	}
	var names []string
	p := cloudwatch.NewDescribeAlarmsPaginator(c.cloudWatch(region), in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		// The state is checked again: an API that applies only one of the filters (moto 5.2 ignores
		// StateValue when AlarmNamePrefix is given) must not turn every alarm into one in ALARM.
		for _, a := range page.MetricAlarms {
			if a.StateValue == cwtypes.StateValueAlarm {
				names = append(names, aws.ToString(a.AlarmName))
			}
		}
		for _, a := range page.CompositeAlarms {
			if a.StateValue == cwtypes.StateValueAlarm {
				names = append(names, aws.ToString(a.AlarmName))
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// tasks reads the ECS service's running and desired task counts.
func (c *Cloud) tasks(ctx context.Context, region, cluster, service string) (running, desired int, err error) {
	out, err := c.ecs(region).DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}})
	if err != nil {
		return 0, 0, err
	}
	if len(out.Services) == 0 {
		reason := "not found"
		if len(out.Failures) > 0 {
			reason = aws.ToString(out.Failures[0].Reason)
		}
		return 0, 0, fmt.Errorf("in cluster %s: %s", cluster, reason)
	}
	s := out.Services[0]
	return int(s.RunningCount), int(s.DesiredCount), nil
}

// databaseHealth fills the database's role, source and lag.
func (c *Cloud) databaseHealth(ctx context.Context, region string, r regionOutputs, h *ops.RegionHealth) error {
	aurora, known := r.aurora()
	if !known {
		// An older stack exports no dbArn: an RDS instance, unless none has the identifier.
		inst, err := c.instance(ctx, region, r.dbIdentifier)
		switch {
		case err == nil:
			return c.rdsHealth(ctx, region, r, inst, h)
		case !isNotFound(err):
			return err
		}
		aurora = true
	}
	if aurora {
		return c.auroraHealth(ctx, region, r, h)
	}
	inst, err := c.instance(ctx, region, r.dbIdentifier)
	if err != nil {
		return err
	}
	return c.rdsHealth(ctx, region, r, inst, h)
}

func (c *Cloud) rdsHealth(ctx context.Context, region string, r regionOutputs, inst rdstypes.DBInstance, h *ops.RegionHealth) error {
	h.ReplicaSource = aws.ToString(inst.ReadReplicaSourceDBInstanceIdentifier)
	writer := h.ReplicaSource == ""
	h.DatabaseWriter = &writer
	if r.role == rolePrimary || writer {
		return nil
	}
	lag, err := c.latest(ctx, region, "AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", r.dbIdentifier)
	h.ReplicaLagSeconds = lag
	return err
}

func (c *Cloud) auroraHealth(ctx context.Context, region string, r regionOutputs, h *ops.RegionHealth) error {
	out, err := c.rds(region).DescribeGlobalClusters(ctx, &rds.DescribeGlobalClustersInput{})
	if err != nil {
		return err
	}
	for _, g := range out.GlobalClusters {
		for _, m := range g.GlobalClusterMembers {
			if clusterMatches(aws.ToString(m.DBClusterArn), r.dbARN, r.dbIdentifier) {
				writer := aws.ToBool(m.IsWriter)
				h.DatabaseWriter = &writer
			}
		}
	}
	if r.role == rolePrimary || (h.DatabaseWriter != nil && *h.DatabaseWriter) {
		return nil
	}
	ms, err := c.latest(ctx, region, "AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier", r.dbIdentifier)
	if ms != nil {
		s := *ms / 1000
		h.ReplicaLagSeconds = &s
	}
	return err
}

// clusterMatches reports whether a member's ARN is the region's cluster: its ARN when exported, else
// an ARN ending in ":cluster:<identifier>".
func clusterMatches(member, arn, identifier string) bool {
	if arn != "" {
		return member == arn
	}
	return strings.HasSuffix(member, ":cluster:"+identifier)
}

// cacheHealth fills the member's role and its replication lag.
func (c *Cloud) cacheHealth(ctx context.Context, region string, r regionOutputs, h *ops.RegionHealth) error {
	out, err := c.elastiCache(region).DescribeReplicationGroups(ctx, &elasticache.DescribeReplicationGroupsInput{ReplicationGroupId: aws.String(r.cacheGroupID)})
	if err != nil {
		return err
	}
	primary := false
	for _, g := range out.ReplicationGroups {
		if info := g.GlobalReplicationGroupInfo; info != nil {
			h.CachePrimary = &primary
			if strings.EqualFold(aws.ToString(info.GlobalReplicationGroupMemberRole), cacheRolePrimary) {
				primary = true
				h.CachePrimary = &primary
			}
		}
	}
	if r.role == rolePrimary || primary {
		return nil
	}
	lag, err := c.latest(ctx, region, "AWS/ElastiCache", "GlobalDatastoreReplicationLag", "CacheClusterId", r.cacheGroupID+"-001")
	h.CacheLagSeconds = lag
	return err
}

// latest is the newest one-minute maximum of a metric over the last lagWindow (nil: no data).
func (c *Cloud) latest(ctx context.Context, region, namespace, metric, dimension, value string) (*float64, error) {
	end := time.Now()
	out, err := c.cloudWatch(region).GetMetricData(ctx, &cloudwatch.GetMetricDataInput{
		StartTime: aws.Time(end.Add(-lagWindow)),
		EndTime:   aws.Time(end),
		ScanBy:    cwtypes.ScanByTimestampDescending,
		MetricDataQueries: []cwtypes.MetricDataQuery{{
			Id: aws.String("lag"),
			MetricStat: &cwtypes.MetricStat{
				Metric: &cwtypes.Metric{
					Namespace:  aws.String(namespace),
					MetricName: aws.String(metric),
					Dimensions: []cwtypes.Dimension{{Name: aws.String(dimension), Value: aws.String(value)}},
				},
				Period: aws.Int32(60),
				Stat:   aws.String("Maximum"),
			},
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("reading %s %s of %s: %w", namespace, metric, value, err)
	}
	for _, r := range out.MetricDataResults {
		if len(r.Values) > 0 {
			v := r.Values[0]
			return &v, nil
		}
	}
	return nil, nil
}
