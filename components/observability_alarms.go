package components

import (
	"fmt"
	"maps"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// sortedKeys returns the keys of m in order: every map of Args is iterated this way.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// alarmSpec is one alarm: where it lives, what it says, and what it watches.
type alarmSpec struct {
	region      string // where the alarm and its topic live
	subject     string // the region the alarm is about (named and described with it)
	what        string // the alarm's name suffix
	description string
	topic       pulumi.StringInput
	args        cloudwatch.MetricAlarmArgs
}

// alarm creates one alarm named "<component>-<subject>-<what>", notifying the topic when it fires and
// when it recovers.
func (b *obsBuilder) alarm(s alarmSpec) error {
	name := b.name + "-" + s.subject + "-" + s.what
	args := s.args
	args.Name = pulumi.String(name)
	args.AlarmDescription = pulumi.String(s.description + " Runbook: docs/observability.md.")
	args.ActionsEnabled = pulumi.Bool(true)
	args.AlarmActions = pulumi.Array{s.topic}
	args.OkActions = pulumi.Array{s.topic}
	args.Tags = pulumi.StringMap{"region": pulumi.String(s.subject)}
	al, err := cloudwatch.NewMetricAlarm(b.ctx, name, &args, b.in(s.region)...)
	if err != nil {
		return fmt.Errorf("creating alarm %s: %w", name, err)
	}
	b.alarms[s.region] = append(b.alarms[s.region], al.Name)
	return nil
}

// regionAlarms creates every region's alarms in that region: ALB 5xx rate, unhealthy targets and
// running tasks below the role's floor. Replica-lag alarms belong to DataTier, which owns their
// thresholds.
func (b *obsBuilder) regionAlarms() error {
	a := b.a
	for _, r := range b.regions {
		o := a.Regions[r]
		lb := pulumi.StringMap{"LoadBalancer": o.ALBARNSuffix}
		albMetric := func(id, metric string) cloudwatch.MetricAlarmMetricQueryArgs {
			return cloudwatch.MetricAlarmMetricQueryArgs{Id: pulumi.String(id), Metric: &cloudwatch.MetricAlarmMetricQueryMetricArgs{
				Namespace: pulumi.String("AWS/ApplicationELB"), MetricName: pulumi.String(metric),
				Dimensions: lb, Period: pulumi.Int(60), Stat: pulumi.String("Sum"),
			}}
		}
		specs := []alarmSpec{
			{
				what: "alb-5xx-rate",
				description: fmt.Sprintf("%s (%s): load balancer 5xx responses (ELB and targets) above %v%% of requests for 3 of 5 minutes.",
					r, o.Role, a.ALB5xxPercent),
				args: cloudwatch.MetricAlarmArgs{
					ComparisonOperator: pulumi.String("GreaterThanThreshold"),
					Threshold:          pulumi.Float64(a.ALB5xxPercent),
					EvaluationPeriods:  pulumi.Int(5),
					DatapointsToAlarm:  pulumi.Int(3),
					TreatMissingData:   pulumi.String("notBreaching"),
					MetricQueries: cloudwatch.MetricAlarmMetricQueryArray{
						albMetric("elb", "HTTPCode_ELB_5XX_Count"),
						albMetric("target", "HTTPCode_Target_5XX_Count"),
						albMetric("requests", "RequestCount"),
						cloudwatch.MetricAlarmMetricQueryArgs{
							Id:         pulumi.String("rate"),
							Expression: pulumi.String("100*(FILL(elb,0)+FILL(target,0))/requests"),
							Label:      pulumi.String("5xx % of requests"),
							ReturnData: pulumi.Bool(true),
						},
					},
				},
			},
			{
				what:        "unhealthy-hosts",
				description: fmt.Sprintf("%s (%s): the load balancer reports unhealthy service targets for 3 minutes.", r, o.Role),
				args: cloudwatch.MetricAlarmArgs{
					Namespace:          pulumi.String("AWS/ApplicationELB"),
					MetricName:         pulumi.String("UnHealthyHostCount"),
					Dimensions:         pulumi.StringMap{"LoadBalancer": o.ALBARNSuffix, "TargetGroup": o.TargetGroupARNSuffix},
					Statistic:          pulumi.String("Maximum"),
					Period:             pulumi.Int(60),
					EvaluationPeriods:  pulumi.Int(3),
					ComparisonOperator: pulumi.String("GreaterThanThreshold"),
					Threshold:          pulumi.Float64(0),
					TreatMissingData:   pulumi.String("notBreaching"),
				},
			},
		}
		if o.MinTasks > 0 {
			specs = append(specs, alarmSpec{
				what: "running-tasks",
				description: fmt.Sprintf("%s (%s): fewer than %d running tasks, the floor of its role, for 3 minutes (no data counts as none running).",
					r, o.Role, o.MinTasks),
				args: cloudwatch.MetricAlarmArgs{
					Namespace:          pulumi.String("ECS/ContainerInsights"),
					MetricName:         pulumi.String("RunningTaskCount"),
					Dimensions:         pulumi.StringMap{"ClusterName": o.ClusterName, "ServiceName": o.ServiceName},
					Statistic:          pulumi.String("Minimum"),
					Period:             pulumi.Int(60),
					EvaluationPeriods:  pulumi.Int(3),
					ComparisonOperator: pulumi.String("LessThanThreshold"),
					Threshold:          pulumi.Float64(float64(o.MinTasks)),
					TreatMissingData:   pulumi.String("breaching"),
				},
			})
		}
		for _, s := range specs {
			s.region, s.subject, s.topic = r, r, o.AlarmTopicARN
			if err := b.alarm(s); err != nil {
				return err
			}
		}
	}
	return nil
}

// healthCheckAlarms creates one alarm per Route 53 health check, in us-east-1 where their metrics
// are, notifying the us-east-1 topic; each is named and described with the region it checks.
func (b *obsBuilder) healthCheckAlarms() error {
	a := b.a
	for _, r := range sortedKeys(a.HealthChecks) {
		if err := b.alarm(alarmSpec{
			region:      HealthCheckMetricsRegion,
			subject:     r,
			what:        "health-check",
			description: fmt.Sprintf("%s: the Route 53 health check of the region's endpoint has failed for 2 minutes; the edge routes around the region.", r),
			topic:       a.HealthCheckTopicARN,
			args: cloudwatch.MetricAlarmArgs{
				Namespace:          pulumi.String("AWS/Route53"),
				MetricName:         pulumi.String("HealthCheckStatus"),
				Dimensions:         pulumi.StringMap{"HealthCheckId": a.HealthChecks[r]},
				Statistic:          pulumi.String("Minimum"),
				Period:             pulumi.Int(60),
				EvaluationPeriods:  pulumi.Int(2),
				ComparisonOperator: pulumi.String("LessThanThreshold"),
				Threshold:          pulumi.Float64(1),
				TreatMissingData:   pulumi.String("breaching"),
			},
		}); err != nil {
			return err
		}
	}
	return nil
}
