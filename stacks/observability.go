package stacks

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ObservabilityConfig is multiregion:observability: where alarms go, where logs are archived, the
// alarm thresholds and the tracing rate. Every field is optional. The archive's ageing and the
// thresholds are the components' (components.ArchiveLifecycle, components.SignalSettings: their JSON
// names, defaults and rules live there). The replica-lag thresholds are not here: the data tier owns
// them (multiregion:database.replicaLagSeconds, multiregion:cache.lagSeconds).
type ObservabilityConfig struct {
	components.ArchiveLifecycle
	components.SignalSettings
	// AlarmEmail subscribes this address to every region's alert topic. Default: none.
	AlarmEmail string `json:"alarmEmail,omitempty"`
	// AlarmHTTPSEndpoint subscribes this https:// URL (a pager or chat webhook) to every region's alert
	// topic. Default: none.
	AlarmHTTPSEndpoint string `json:"alarmHttpsEndpoint,omitempty"`
	// LogArchiveRegion holds the central log archive; one of regions. Default: the first configured
	// region (not primaryRegion, so that a failover never moves the archive).
	LogArchiveRegion string `json:"logArchiveRegion,omitempty"`
}

func (o *ObservabilityConfig) applyDefaults(c *Config) {
	if o.LogArchiveRegion == "" && len(c.Regions) > 0 {
		o.LogArchiveRegion = c.Regions[0].Name
	}
	o.ArchiveLifecycle = o.ArchiveLifecycle.WithDefaults()
	o.SignalSettings = o.SignalSettings.WithDefaults()
}

// validate checks the stack's own observability rules and reports the components' under their keys.
func (o *ObservabilityConfig) validate(c *Config) []error {
	var errs []error
	add := func(field, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key("observability."+field), fmt.Sprintf(format, v...)))
	}
	if err := components.CheckAlarmEmail(o.AlarmEmail); err != nil {
		add("alarmEmail", "%v", err)
	}
	if err := components.CheckAlarmEndpoint(o.AlarmHTTPSEndpoint); err != nil {
		add("alarmHttpsEndpoint", "%v", err)
	}
	if !slices.Contains(c.regionNames(), o.LogArchiveRegion) {
		add("logArchiveRegion", "%q is not among the regions %v (the archive uses that region's KMS key)", o.LogArchiveRegion, c.regionNames())
	}
	for _, fe := range o.ArchiveLifecycle.Validate() {
		add(jsonPath(reflect.TypeFor[components.ArchiveLifecycle](), fe.Path), "%s", fe.Msg)
	}
	for _, fe := range o.SignalSettings.Validate() {
		add(jsonPath(reflect.TypeFor[components.SignalSettings](), fe.Path), "%s", fe.Msg)
	}
	return errs
}

// deployAlertTopic creates a region's alarm topic, encrypted with the region's key. It runs right after
// the region's RegionKey, so that every later component of the region can notify through it.
func (d *Deployment) deployAlertTopic(ctx *pulumi.Context, region string, key *components.RegionKey, opts ...pulumi.ResourceOption) (*components.AlertTopic, error) {
	o := d.Config.Observability
	return components.NewAlertTopic(ctx, d.name(region), &components.AlertTopicArgs{
		Account:       &d.Account,
		Region:        region,
		KMSKeyARN:     key.ARN,
		Email:         o.AlarmEmail,
		HTTPSEndpoint: o.AlarmHTTPSEndpoint,
		Protect:       components.Bool(d.Config.Protect),
	}, opts...)
}

// keyIn returns the KMS key of region: the workload region's RegionKey, or one RegionKey created the
// first time a region without a workload needs one (us-east-1 for the edge's web ACL logs and the
// health-check alarms' topic, when it is not a configured region).
func (d *Deployment) keyIn(ctx *pulumi.Context, region string) (*components.RegionKey, error) {
	if r, ok := d.Regions[region]; ok && r.Key != nil {
		return r.Key, nil
	}
	if k, ok := d.extraKeys[region]; ok {
		return k, nil
	}
	provider, err := d.Providers.For(region)
	if err != nil {
		return nil, err
	}
	k, err := components.NewRegionKey(ctx, d.name(region), &components.RegionKeyArgs{
		Account: &d.Account,
		Region:  region, Protect: components.Bool(d.Config.Protect),
	}, pulumi.Provider(provider))
	if err != nil {
		return nil, err
	}
	if d.extraKeys == nil {
		d.extraKeys = map[string]*components.RegionKey{}
	}
	d.extraKeys[region] = k
	return k, nil
}

// accessLogsIn returns the S3 access-log bucket of region, creating it the first time the region
// needs one: every workload region, and us-east-1 for the edge's log bucket when it is not one.
func (d *Deployment) accessLogsIn(ctx *pulumi.Context, region string) (*components.AccessLogSink, error) {
	r, workload := d.Regions[region]
	if workload && r.AccessLogs != nil {
		return r.AccessLogs, nil
	}
	if s, ok := d.extraSinks[region]; ok {
		return s, nil
	}
	provider, err := d.Providers.For(region)
	if err != nil {
		return nil, err
	}
	s, err := components.NewAccessLogSink(ctx, d.name(region), &components.AccessLogSinkArgs{
		Account:    &d.Account,
		Region:     region,
		ExpireDays: d.Config.LogRetentionDays,
		Protect:    components.Bool(d.Config.Protect),
		// A throwaway stack (protect: false) must be destroyable, and a sink is never empty.
		ForceDestroy: components.Bool(!d.Config.Protect),
	}, pulumi.Provider(provider))
	if err != nil {
		return nil, err
	}
	if workload {
		r.AccessLogs = s
		return s, nil
	}
	if d.extraSinks == nil {
		d.extraSinks = map[string]*components.AccessLogSink{}
	}
	d.extraSinks[region] = s
	return s, nil
}

// alertTopicIn returns the alert topic of region, creating a RegionKey and AlertTopic there when the
// region holds no workload (us-east-1 for health-check alarms, when it is not a configured region).
func (d *Deployment) alertTopicIn(ctx *pulumi.Context, region string) (*components.AlertTopic, error) {
	if r, ok := d.Regions[region]; ok && r.Alerts != nil {
		return r.Alerts, nil
	}
	if t, ok := d.extraTopics[region]; ok {
		return t, nil
	}
	provider, err := d.Providers.For(region)
	if err != nil {
		return nil, err
	}
	k, err := d.keyIn(ctx, region)
	if err != nil {
		return nil, err
	}
	t, err := d.deployAlertTopic(ctx, region, k, pulumi.Provider(provider))
	if err != nil {
		return nil, err
	}
	if d.extraTopics == nil {
		d.extraTopics = map[string]*components.AlertTopic{}
	}
	d.extraTopics[region] = t
	return t, nil
}

// deployObservability creates the stack's dashboard, alarms, X-Ray rules and central log archive over
// every region, last, from the outputs of the regional, data and global components.
func (d *Deployment) deployObservability(ctx *pulumi.Context) error {
	cfg, o := d.Config, d.Config.Observability
	providers := map[string]pulumi.ProviderResource{}
	provider := func(region string) error {
		p, err := d.Providers.For(region)
		if err != nil {
			return err
		}
		providers[region] = p
		return nil
	}
	regions := map[string]components.ObservedRegion{}
	for _, name := range slices.Sorted(maps.Keys(d.Regions)) {
		r := d.Regions[name]
		if err := provider(name); err != nil {
			return err
		}
		c := r.Cluster
		observed := components.ObservedRegion{
			Role:                 r.Plan.Role,
			MinTasks:             r.Plan.Capacity.Min,
			ALBARNSuffix:         c.ALBARNSuffix,
			TargetGroupARNSuffix: c.TargetGroupARNSuffix,
			ClusterName:          c.ClusterName,
			ServiceName:          c.ServiceName,
			AlarmTopicARN:        r.Alerts.ARN,
			LogGroups:            c.LogGroups(),
		}
		if name == GlobalRegion && d.Edge != nil && d.Edge.WebACL != nil {
			// The CloudFront web ACL logs in us-east-1; it ships with that region's groups (when
			// us-east-1 holds no workload, its logs stay there: docs/edge.md).
			observed.LogGroups = maps.Clone(observed.LogGroups)
			observed.LogGroups["edge-waf"] = d.Edge.WAFLogGroupName
		}
		if cfg.Strategy != BackupRestore || name == cfg.PrimaryRegion {
			d.observeData(&observed, r.Data) // a kept former writer (backup-restore) replicates nothing
		}
		regions[name] = observed
	}
	archive := d.Regions[o.LogArchiveRegion]
	args := &components.ObservabilityArgs{
		// The dashboard shows every region from one place; it lives with the archive, in a region
		// that never changes, so a failover never has to delete it in a region that may be down.
		DashboardRegion: o.LogArchiveRegion,
		DashboardName:   cfg.Service.Name + "-" + ctx.Stack(),
		ServiceName:     cfg.Service.Name,
		HealthPath:      cfg.Service.HealthPath,
		Regions:         regions,
		Providers:       providers,
		SignalSettings:  o.SignalSettings,
		Account:         &d.Account,
		Protect:         components.Bool(cfg.Protect),
		LogArchive: components.LogArchiveArgs{
			Region:                o.LogArchiveRegion,
			KMSKeyARN:             archive.Key.ARN,
			ArchiveLifecycle:      o.ArchiveLifecycle,
			ErrorLogRetentionDays: cfg.LogRetentionDays,
			AccessLogBucket:       archive.AccessLogs.BucketName,
			BackupSelection:       cfg.backupSelection(),
		},
	}
	if err := d.observeGlobal(ctx, args, provider); err != nil {
		return err
	}
	obs, err := components.NewObservability(ctx, cfg.Service.Name, args)
	if err != nil {
		return err
	}
	d.Observability = obs
	topics := pulumi.StringMap{}
	for _, name := range slices.Sorted(maps.Keys(d.Regions)) {
		topics[name] = d.Regions[name].Alerts.ARN
	}
	for _, name := range slices.Sorted(maps.Keys(d.extraTopics)) {
		topics[name] = d.extraTopics[name].ARN
	}
	d.Outputs["alertTopicArns"] = topics
	d.Outputs["dashboardUrl"] = obs.DashboardURL
	d.Outputs["logArchiveBucket"] = obs.ArchiveBucketName
	return nil
}

// observeData adds a region's database and cache to what the dashboard draws, from its DataTier's
// outputs; the lag thresholds drawn are the data tier's (it owns the lag alarms).
func (d *Deployment) observeData(o *components.ObservedRegion, t *components.DataTier) {
	if t == nil {
		return
	}
	cfg := d.Config
	o.Database = &components.DatabaseMetrics{
		Identifier:          t.DBIdentifier,
		Aurora:              components.DBEngine(cfg.Database.Engine) == components.EngineAuroraPostgres,
		LagThresholdSeconds: cfg.Database.ReplicaLagSeconds,
	}
	if t.ReplicationGroup != nil {
		o.CacheReplicationGroupID = t.CacheReplicationGroupID
		o.CacheLagThresholdSeconds = cfg.Cache.LagSeconds
	}
}

// observeGlobal adds what the global edge exposes (health checks, distribution, accelerator), when
// the stack has one. Health-check alarms live in us-east-1 and notify us-east-1's topic.
func (d *Deployment) observeGlobal(ctx *pulumi.Context, args *components.ObservabilityArgs, provider func(string) error) error {
	edge := d.Edge
	if edge == nil {
		return nil
	}
	if len(edge.HealthChecks) > 0 {
		if err := provider(components.HealthCheckMetricsRegion); err != nil {
			return err
		}
		topic, err := d.alertTopicIn(ctx, components.HealthCheckMetricsRegion)
		if err != nil {
			return err
		}
		args.HealthCheckTopicARN = topic.ARN
		args.HealthChecks = map[string]pulumi.StringInput{}
		for _, region := range slices.Sorted(maps.Keys(edge.HealthChecks)) {
			args.HealthChecks[region] = edge.HealthChecks[region].ID().ToStringOutput()
		}
	}
	if edge.Distribution != nil {
		if err := provider(components.HealthCheckMetricsRegion); err != nil {
			return err
		}
		args.DistributionID = edge.Distribution.ID().ToStringOutput()
	}
	if edge.Accelerator != nil {
		if err := provider(components.AcceleratorMetricsRegion); err != nil {
			return err
		}
		args.AcceleratorARN = edge.Accelerator.Arn
	}
	return nil
}
