package components

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// dashboardRegion is one region's resolved dimensions, the input of dashboardBody.
type dashboardRegion struct {
	Region, Role                       string
	ALB, TargetGroup, Cluster, Service string
	MinTasks                           int
	Database                           string
	Aurora                             bool
	Cache                              string
	// DBLagThreshold and CacheLagThreshold are the lag alarm thresholds in seconds, 0 for none.
	DBLagThreshold, CacheLagThreshold int
}

// dashboardInput is everything dashboardBody draws, resolved.
type dashboardInput struct {
	Regions        []dashboardRegion
	HealthChecks   []struct{ Region, ID string }
	Distribution   string
	AcceleratorARN string
	ALB5xxPercent  float64
}

// widget is one CloudWatch dashboard widget.
type widget struct {
	Type       string         `json:"type"`
	X          int            `json:"x"`
	Y          int            `json:"y"`
	Width      int            `json:"width"`
	Height     int            `json:"height"`
	Properties map[string]any `json:"properties"`
}

// dashboardWidth is the CloudWatch dashboard grid width.
const dashboardWidth = 24

// metricWidget builds a time-series widget that names its region.
func metricWidget(title, region, stat string, metrics []any, extra map[string]any) widget {
	p := map[string]any{
		"title": title, "region": region, "view": "timeSeries", "stacked": false,
		"stat": stat, "period": 60, "metrics": metrics,
	}
	for k, v := range extra {
		p[k] = v
	}
	return widget{Type: "metric", Width: 6, Height: 6, Properties: p}
}

// dashboardBody renders the dashboard from the regions it is given: a block of widgets per region
// (load balancer, service, database, cache), then the global rows (Route 53 health checks, CloudFront,
// Global Accelerator). Every widget names the region its metrics live in.
func dashboardBody(in dashboardInput) (string, error) {
	var ws []widget
	for _, r := range in.Regions {
		ws = append(ws, regionWidgets(r, in.ALB5xxPercent)...)
	}
	ws = append(ws, globalWidgets(in)...)
	// Lay the widgets out left to right, four to a row.
	for i := range ws {
		ws[i].X = (i % (dashboardWidth / 6)) * 6
		ws[i].Y = (i / (dashboardWidth / 6)) * 6
	}
	b, err := json.Marshal(map[string]any{"widgets": ws})
	if err != nil {
		return "", fmt.Errorf("encoding dashboard: %w", err)
	}
	return string(b), nil
}

func regionWidgets(r dashboardRegion, fivexx float64) []widget {
	const alb = "AWS/ApplicationELB"
	title := func(s string) string { return fmt.Sprintf("%s (%s) · %s", r.Region, r.Role, s) }
	lb := []any{"LoadBalancer", r.ALB}
	tg := []any{"TargetGroup", r.TargetGroup, "LoadBalancer", r.ALB}
	svc := []any{"ClusterName", r.Cluster, "ServiceName", r.Service}
	m := func(ns, metric string, dims []any, opts map[string]any) []any {
		out := append([]any{ns, metric}, dims...)
		if opts != nil {
			out = append(out, opts)
		}
		return out
	}
	ws := []widget{
		metricWidget(title("ALB requests"), r.Region, "Sum", []any{m(alb, "RequestCount", lb, nil)}, nil),
		metricWidget(title("ALB 5xx"), r.Region, "Sum", []any{
			m(alb, "HTTPCode_ELB_5XX_Count", lb, map[string]any{"id": "elb"}),
			m(alb, "HTTPCode_Target_5XX_Count", lb, map[string]any{"id": "target"}),
			m(alb, "RequestCount", lb, map[string]any{"id": "requests", "visible": false}),
			[]any{map[string]any{"id": "rate", "expression": "100*(FILL(elb,0)+FILL(target,0))/requests", "label": "5xx % of requests", "yAxis": "right"}},
		}, map[string]any{"annotations": map[string]any{"horizontal": []any{
			map[string]any{"label": "alarm", "value": fivexx, "yAxis": "right"},
		}}}),
		metricWidget(title("target response time"), r.Region, "p90", []any{
			m(alb, "TargetResponseTime", lb, map[string]any{"stat": "p50"}),
			m(alb, "TargetResponseTime", lb, map[string]any{"stat": "p90"}),
			m(alb, "TargetResponseTime", lb, map[string]any{"stat": "p99"}),
		}, nil),
		metricWidget(title("targets"), r.Region, "Minimum", []any{
			m(alb, "HealthyHostCount", tg, nil),
			m(alb, "UnHealthyHostCount", tg, map[string]any{"stat": "Maximum"}),
		}, nil),
		metricWidget(title("ECS CPU and memory"), r.Region, "Average", []any{
			m("AWS/ECS", "CPUUtilization", svc, nil),
			m("AWS/ECS", "MemoryUtilization", svc, nil),
		}, map[string]any{"yAxis": map[string]any{"left": map[string]any{"min": 0, "max": 100}}}),
		metricWidget(title("ECS running tasks"), r.Region, "Minimum", []any{
			m("ECS/ContainerInsights", "RunningTaskCount", svc, nil),
		}, map[string]any{"annotations": map[string]any{"horizontal": []any{
			map[string]any{"label": "role minimum", "value": r.MinTasks},
		}}}),
	}
	// The lag alarms live in standbys only (DataTier); their thresholds are drawn there.
	lagAlarm := func(value float64) map[string]any {
		if value <= 0 || r.Role != string(RoleStandby) {
			return nil
		}
		return map[string]any{"annotations": map[string]any{"horizontal": []any{
			map[string]any{"label": "lag alarm", "value": value},
		}}}
	}
	if r.Database != "" {
		dim, lag, unit, scale := "DBInstanceIdentifier", "ReplicaLag", "s", 1.0
		if r.Aurora {
			dim, lag, unit, scale = "DBClusterIdentifier", "AuroraGlobalDBReplicationLag", "ms", 1000
		}
		ws = append(ws, metricWidget(title("database"), r.Region, "Maximum", []any{
			m("AWS/RDS", lag, []any{dim, r.Database}, map[string]any{"label": "replica lag (" + unit + ")"}),
			m("AWS/RDS", "DatabaseConnections", []any{dim, r.Database}, map[string]any{"yAxis": "right"}),
		}, lagAlarm(scale*float64(r.DBLagThreshold))))
	}
	if r.Cache != "" {
		// ElastiCache publishes per node (CacheClusterId "<group>-001", ...): search by the group.
		search := func(metric, stat string) string {
			return fmt.Sprintf("SEARCH('{AWS/ElastiCache,CacheClusterId} MetricName=\"%s\" \"%s\"', '%s', 60)", metric, r.Cache, stat)
		}
		ws = append(ws, metricWidget(title("cache"), r.Region, "Average", []any{
			[]any{map[string]any{"id": "lag", "expression": search("GlobalDatastoreReplicationLag", "Maximum"), "label": "GlobalDatastoreReplicationLag"}},
			[]any{map[string]any{"id": "hits", "expression": search("CacheHitRate", "Average"), "label": "CacheHitRate", "yAxis": "right"}},
		}, lagAlarm(float64(r.CacheLagThreshold))))
	}
	return ws
}

func globalWidgets(in dashboardInput) []widget {
	var ws []widget
	if len(in.HealthChecks) > 0 {
		var metrics []any
		for _, hc := range in.HealthChecks {
			metrics = append(metrics, []any{"AWS/Route53", "HealthCheckStatus", "HealthCheckId", hc.ID, map[string]any{"label": hc.Region}})
		}
		ws = append(ws, metricWidget("global · Route 53 health checks (1 = healthy)", HealthCheckMetricsRegion, "Minimum", metrics, nil))
	}
	if in.Distribution != "" {
		ws = append(ws, metricWidget("global · CloudFront 5xx error rate", HealthCheckMetricsRegion, "Average", []any{
			[]any{"AWS/CloudFront", "5xxErrorRate", "DistributionId", in.Distribution, "Region", "Global"},
			[]any{"AWS/CloudFront", "Requests", "DistributionId", in.Distribution, "Region", "Global", map[string]any{"stat": "Sum", "yAxis": "right"}},
		}, nil))
	}
	if in.AcceleratorARN != "" {
		id := in.AcceleratorARN[strings.LastIndex(in.AcceleratorARN, "/")+1:]
		ws = append(ws, metricWidget("global · Global Accelerator flows", AcceleratorMetricsRegion, "Sum", []any{
			[]any{"AWS/GlobalAccelerator", "NewFlowCount", "Accelerator", id},
			[]any{"AWS/GlobalAccelerator", "ProcessedBytesIn", "Accelerator", id, map[string]any{"yAxis": "right"}},
		}, nil))
	}
	return ws
}

// dashboard creates the dashboard in DashboardRegion from the resolved outputs of every region.
func (b *obsBuilder) dashboard() error {
	a := b.a
	// Flatten every input into one All, in a fixed order, and rebuild the structure from it.
	var inputs []any
	str := func(v pulumi.StringInput) {
		if v == nil {
			v = pulumi.String("")
		}
		inputs = append(inputs, v)
	}
	for _, r := range b.regions {
		o := a.Regions[r]
		str(o.ALBARNSuffix)
		str(o.TargetGroupARNSuffix)
		str(o.ClusterName)
		str(o.ServiceName)
		var db pulumi.StringInput
		if o.Database != nil {
			db = o.Database.Identifier
		}
		str(db)
		str(o.CacheReplicationGroupID)
	}
	hcRegions := sortedKeys(a.HealthChecks)
	for _, r := range hcRegions {
		str(a.HealthChecks[r])
	}
	str(a.DistributionID)
	str(a.AcceleratorARN)
	body := pulumi.All(inputs...).ApplyT(func(vs []any) (string, error) {
		s := func(i int) string { v, _ := vs[i].(string); return v }
		in := dashboardInput{ALB5xxPercent: a.ALB5xxPercent}
		for i, r := range b.regions {
			o, k := a.Regions[r], i*6
			dr := dashboardRegion{Region: r, Role: string(o.Role), MinTasks: o.MinTasks,
				ALB: s(k), TargetGroup: s(k + 1), Cluster: s(k + 2), Service: s(k + 3), Database: s(k + 4), Cache: s(k + 5)}
			if o.Database != nil {
				dr.Aurora, dr.DBLagThreshold = o.Database.Aurora, o.Database.LagThresholdSeconds
			}
			if o.CacheReplicationGroupID != nil {
				dr.CacheLagThreshold = o.CacheLagThresholdSeconds
			}
			in.Regions = append(in.Regions, dr)
		}
		k := len(b.regions) * 6
		for i, r := range hcRegions {
			in.HealthChecks = append(in.HealthChecks, struct{ Region, ID string }{r, s(k + i)})
		}
		k += len(hcRegions)
		in.Distribution, in.AcceleratorARN = s(k), s(k+1)
		return dashboardBody(in)
	}).(pulumi.StringOutput)
	// Dashboards are addressed by name: delete the old one before creating its replacement (a change
	// of DashboardRegion), or the delete would remove the new dashboard of the same name.
	d, err := cloudwatch.NewDashboard(b.ctx, b.child("dashboard"), &cloudwatch.DashboardArgs{
		DashboardName: pulumi.String(a.DashboardName),
		DashboardBody: body,
	}, b.in(a.DashboardRegion, pulumi.DeleteBeforeReplace(true))...)
	if err != nil {
		return fmt.Errorf("creating dashboard: %w", err)
	}
	b.o.Dashboard = d
	b.o.DashboardName = d.DashboardName
	b.o.DashboardURL = pulumi.Sprintf("https://%s.console.aws.amazon.com/cloudwatch/home?region=%s#dashboards/dashboard/%s",
		a.DashboardRegion, a.DashboardRegion, d.DashboardName)
	return nil
}
