package components

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kinesis"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ObservabilityType is the URN type token of Observability. It never changes.
const ObservabilityType = "multiregion:index:Observability"

// xrayNameLimit is the longest X-Ray sampling rule or group name AWS accepts.
const xrayNameLimit = 32

// DatabaseMetrics names one region's database for the dashboard. Its replica-lag alarm belongs to
// DataTier, which owns the threshold.
type DatabaseMetrics struct {
	// Identifier is the RDS DB instance identifier, or the Aurora DB cluster identifier when Aurora is
	// true (DataTier.DBIdentifier). Required.
	Identifier pulumi.StringInput
	// Aurora reads the Aurora metrics (DBClusterIdentifier, AuroraGlobalDBReplicationLag in ms)
	// instead of the RDS instance ones (DBInstanceIdentifier, ReplicaLag in s). Default false.
	Aurora bool
	// LagThresholdSeconds is the replica-lag alarm threshold of the region's database
	// (DataTier's Database.ReplicaLagSeconds), drawn on a standby's database widget. Default 0: not
	// drawn; not negative.
	LagThresholdSeconds int
}

// ObservedRegion is what Observability watches in one region: the regional components' outputs.
type ObservedRegion struct {
	// Role is the region's role; it sets the running-task floor alarm. Required.
	Role Role
	// MinTasks is the service's task floor for the region's role and DR strategy. An alarm fires when
	// fewer tasks run; 0 (a pilot-light standby) means no such alarm. Default 0; not negative.
	MinTasks int
	// ALBARNSuffix and TargetGroupARNSuffix are the CloudWatch dimensions of the region's load balancer
	// (RegionalCluster outputs). Required.
	ALBARNSuffix, TargetGroupARNSuffix pulumi.StringInput
	// ClusterName and ServiceName are the ECS dimensions (RegionalCluster outputs). Required.
	ClusterName, ServiceName pulumi.StringInput
	// AlarmTopicARN is the region's AlertTopic: every alarm of the region notifies it (CloudWatch
	// alarm actions must be in the alarm's region). Required.
	AlarmTopicARN pulumi.StringInput
	// LogGroups are the region's log groups to ship to the archive, keyed by a stable label that names
	// the subscription filter (e.g. "app", "vpc-flow-logs"). Labels: lowercase letters, digits, hyphens.
	LogGroups map[string]pulumi.StringInput
	// Database is the region's database. Default nil: no database widget or alarm.
	Database *DatabaseMetrics
	// CacheReplicationGroupID is the region's ElastiCache replication group
	// (DataTier.CacheReplicationGroupID). Default nil: no cache widget.
	CacheReplicationGroupID pulumi.StringInput
	// CacheLagThresholdSeconds is the Global Datastore replication-lag alarm threshold (DataTier's
	// Cache.LagSeconds), drawn on a standby's cache widget. Default 0: not drawn; not negative.
	CacheLagThresholdSeconds int
}

// LogArchiveArgs configures the central log archive.
type LogArchiveArgs struct {
	// Region holds the archive (bucket, Firehose stream); it must be a key of Providers. Required. Keep
	// it fixed: it is stateful and named by region, so moving it replaces the bucket.
	Region string
	// KMSKeyARN is the archive region's KMS key: bucket, stream and delivery-error log group. Required.
	KMSKeyARN pulumi.StringInput
	// AccessLogBucket is the archive region's S3 access-log bucket (AccessLogSink.BucketName), which
	// receives the archive bucket's server access logs (FSBP S3.9). Required.
	AccessLogBucket pulumi.StringInput
	// ArchiveLifecycle is how the archive's objects age.
	ArchiveLifecycle
	// ErrorLogRetentionDays is the retention of the Firehose delivery-error log group. Default 365; a
	// CloudWatch-allowed value.
	ErrorLogRetentionDays int
	// BackupSelection, when set, tags the archive bucket with BackupTagKey = BackupSelection, so that
	// the archive region's RegionBackup plan backs it up. Default none.
	BackupSelection string
	// Protect is the former home of ObservabilityArgs.Protect.
	//
	// Deprecated: set ObservabilityArgs.Protect, which covers every stateful child; when that is nil,
	// this is used.
	Protect *bool
}

// ObservabilityArgs configures the stack-wide dashboard, alarms, tracing and central logging.
type ObservabilityArgs struct {
	// Protect sets Pulumi's protect option on every child of a stateful type (StatefulTypes: the
	// archive bucket, log groups, alert topics). Default true (LogArchive.Protect when that is set).
	Protect *bool
	// DashboardRegion holds the dashboard; a key of Providers. Required. The stack passes the log
	// archive's region (observability.logArchiveRegion), never the primary, so a failover neither moves
	// nor replaces the dashboard.
	DashboardRegion string
	// DashboardName names the CloudWatch dashboard. Default: the component name. Letters, digits,
	// - and _, at most 255.
	DashboardName string
	// ServiceName is the X-Ray service name the application reports (its ECS service name); the X-Ray
	// group filters on it and the sampling rules match it. Required.
	ServiceName string
	// HealthPath is the health check path, never sampled by X-Ray. Default DefaultHealthPath.
	HealthPath string
	// Regions maps each workload region to what is watched there. At least one.
	Regions map[string]ObservedRegion
	// Providers maps region to its AWS provider: every key of Regions, DashboardRegion,
	// LogArchive.Region, and HealthCheckMetricsRegion / AcceleratorMetricsRegion when health checks /
	// an accelerator are given. Components never build providers.
	Providers map[string]pulumi.ProviderResource
	// HealthChecks maps a region to the ID of the Route 53 health check on its endpoint (GlobalEdge).
	// Their alarms live in HealthCheckMetricsRegion. Default none.
	HealthChecks map[string]pulumi.StringInput
	// HealthCheckTopicARN is the AlertTopic in HealthCheckMetricsRegion, notified by the health-check
	// alarms. Required when HealthChecks is not empty.
	HealthCheckTopicARN pulumi.StringInput
	// DistributionID is the CloudFront distribution (GlobalEdge), for the 5xx-rate row. Default nil.
	DistributionID pulumi.StringInput
	// AcceleratorARN is the Global Accelerator (GlobalEdge), for the flow row. Default nil.
	AcceleratorARN pulumi.StringInput
	// SignalSettings are the alarm threshold and the tracing rate.
	SignalSettings
	// ReservoirPerSecond is the X-Ray reservoir: traces per second always sampled. Default 1; 0-1000.
	ReservoirPerSecond *int
	// LogArchive is the central log archive. Required.
	LogArchive LogArchiveArgs
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity); a stack sets it to read the account once, and so
	// that nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
}

// Observability is the stack's cross-region operations view: one dashboard, the alarm set, X-Ray
// sampling rules and groups in every region, and the central log archive every region ships to.
type Observability struct {
	pulumi.ResourceState

	// Dashboard is the cross-region CloudWatch dashboard.
	Dashboard *cloudwatch.Dashboard
	// ArchiveBucket is the central log archive bucket.
	ArchiveBucket *s3.BucketV2
	// DeliveryStream is the Firehose stream that writes the archive.
	DeliveryStream *kinesis.FirehoseDeliveryStream

	// DashboardName is the dashboard's name.
	DashboardName pulumi.StringOutput `pulumi:"dashboardName"`
	// DashboardURL opens the dashboard in the console.
	DashboardURL pulumi.StringOutput `pulumi:"dashboardUrl"`
	// AlarmNames maps region to the names of the alarms that live there (health-check alarms under
	// HealthCheckMetricsRegion).
	AlarmNames pulumi.StringArrayMapOutput `pulumi:"alarmNames"`
	// ArchiveBucketName is the log archive bucket's name.
	ArchiveBucketName pulumi.StringOutput `pulumi:"archiveBucketName"`
	// DeliveryStreamARN is the Firehose stream's ARN.
	DeliveryStreamARN pulumi.StringOutput `pulumi:"deliveryStreamArn"`
	// LogDestinationARNs maps region to its CloudWatch Logs destination (the subscriptions' target).
	LogDestinationARNs pulumi.StringMapOutput `pulumi:"logDestinationArns"`
}

var (
	dashboardNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)
	logLabelPattern      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
	xrayServicePattern   = regexp.MustCompile(`^[A-Za-z0-9._:/%&#=+\\@-]{1,64}$`)
	obsNamePattern       = regexp.MustCompile(`^[a-z][a-z0-9-]{0,23}$`)
)

// ObservabilityNameLimit is the length limit of an Observability component's name: it prefixes alarm,
// stream and X-Ray names.
const ObservabilityNameLimit = 24

// CheckObservabilityName reports why name cannot name an Observability component, or nil.
func CheckObservabilityName(name string) error {
	if !obsNamePattern.MatchString(name) {
		return fmt.Errorf("%q must be 1-%d lowercase letters, digits or hyphens, starting with a letter (it prefixes alarm, stream and X-Ray names)", name, ObservabilityNameLimit)
	}
	return nil
}

func (a *ObservabilityArgs) withDefaults(name string) ObservabilityArgs {
	c := *a
	orDefault(&c.DashboardName, name)
	orDefault(&c.HealthPath, DefaultHealthPath)
	c.SignalSettings = c.SignalSettings.WithDefaults()
	if c.ReservoirPerSecond == nil {
		n := 1
		c.ReservoirPerSecond = &n
	}
	l := &c.LogArchive
	l.ArchiveLifecycle = l.ArchiveLifecycle.WithDefaults()
	orDefault(&l.ErrorLogRetentionDays, 365)
	if c.Protect == nil {
		c.Protect = l.Protect
	}
	c.Regions = maps.Clone(c.Regions)
	c.Providers = maps.Clone(c.Providers)
	c.HealthChecks = maps.Clone(c.HealthChecks)
	return c
}

func (a *ObservabilityArgs) validate(name string) error {
	errs := []error{checkAccount("Account", a.Account)}
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	needProvider := func(field, region string) {
		if err := checkRegion(field, region); err != nil {
			errs = append(errs, err)
			return
		}
		if a.Providers[region] == nil {
			add("%s: %q has no provider in Providers", field, region)
		}
	}
	if err := CheckObservabilityName(name); err != nil {
		add("name: %v", err)
	}
	if len(a.Regions) == 0 {
		add("Regions: at least one region is required")
	}
	for _, r := range slices.Sorted(maps.Keys(a.Regions)) {
		o := a.Regions[r]
		f := "Regions[" + r + "]"
		needProvider(f, r)
		if err := checkRole(f+".Role", o.Role); err != nil {
			errs = append(errs, err)
		}
		if o.MinTasks < 0 {
			add("%s.MinTasks: %d is negative", f, o.MinTasks)
		}
		for _, in := range []struct {
			field string
			v     pulumi.StringInput
		}{
			{"ALBARNSuffix", o.ALBARNSuffix}, {"TargetGroupARNSuffix", o.TargetGroupARNSuffix},
			{"ClusterName", o.ClusterName}, {"ServiceName", o.ServiceName}, {"AlarmTopicARN", o.AlarmTopicARN},
		} {
			if in.v == nil {
				add("%s.%s: required", f, in.field)
			}
		}
		for _, label := range slices.Sorted(maps.Keys(o.LogGroups)) {
			if !logLabelPattern.MatchString(label) {
				add("%s.LogGroups: label %q must be 1-40 lowercase letters, digits or hyphens, starting with a letter", f, label)
			}
			if o.LogGroups[label] == nil {
				add("%s.LogGroups[%s]: nil log group name", f, label)
			}
		}
		if o.Database != nil && o.Database.Identifier == nil {
			add("%s.Database.Identifier: required when Database is set", f)
		}
		if o.Database != nil && o.Database.LagThresholdSeconds < 0 {
			add("%s.Database.LagThresholdSeconds: %d is negative", f, o.Database.LagThresholdSeconds)
		}
		if o.CacheLagThresholdSeconds < 0 {
			add("%s.CacheLagThresholdSeconds: %d is negative", f, o.CacheLagThresholdSeconds)
		}
	}
	needProvider("DashboardRegion", a.DashboardRegion)
	if !dashboardNamePattern.MatchString(a.DashboardName) {
		add("DashboardName: %q must be 1-255 letters, digits, - or _", a.DashboardName)
	}
	if !xrayServicePattern.MatchString(a.ServiceName) {
		add("ServiceName: %q is not an X-Ray service name (1-64 characters)", a.ServiceName)
	}
	if err := CheckHealthPath(a.HealthPath); err != nil {
		add("HealthPath: %w", err)
	}
	for _, r := range slices.Sorted(maps.Keys(a.Regions)) {
		for _, suffix := range []string{"", "-hc"} {
			if n := xrayName(name, r, suffix); len(n) > xrayNameLimit || len(n) <= len(r)+len(suffix)+1 {
				add("X-Ray names: %q cannot hold the region within %d characters", n, xrayNameLimit)
			}
		}
	}
	if len(a.HealthChecks) > 0 {
		needProvider("HealthChecks", HealthCheckMetricsRegion)
		if a.HealthCheckTopicARN == nil {
			add("HealthCheckTopicARN: required with HealthChecks (the AlertTopic in %s)", HealthCheckMetricsRegion)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(a.HealthChecks)) {
		if err := checkRegion("HealthChecks", r); err != nil {
			errs = append(errs, err)
		}
		if a.HealthChecks[r] == nil {
			add("HealthChecks[%s]: nil health check ID", r)
		}
	}
	if a.DistributionID != nil {
		needProvider("DistributionID", HealthCheckMetricsRegion)
	}
	if a.AcceleratorARN != nil {
		needProvider("AcceleratorARN", AcceleratorMetricsRegion)
	}
	for _, e := range a.SignalSettings.Validate() {
		errs = append(errs, e)
	}
	if n := *a.ReservoirPerSecond; n < 0 || n > 1000 {
		add("ReservoirPerSecond: %d is outside 0-1000", n)
	}
	l := a.LogArchive
	needProvider("LogArchive.Region", l.Region)
	if l.AccessLogBucket == nil {
		add("LogArchive.AccessLogBucket: required (the archive region's AccessLogSink bucket: every bucket logs its access there)")
	}
	if l.KMSKeyARN == nil {
		add("LogArchive.KMSKeyARN: required (the archive region's RegionKey)")
	}
	for _, e := range l.ArchiveLifecycle.Validate() {
		add("LogArchive.%s: %s", e.Path, e.Msg)
	}
	if !ValidLogRetention(l.ErrorLogRetentionDays) {
		add("LogArchive.ErrorLogRetentionDays: %d is not a CloudWatch retention (allowed %v)", l.ErrorLogRetentionDays, logRetentionValues)
	}
	return errors.Join(errs...)
}

// xrayName is an X-Ray rule or group name that always carries the region: the component name is
// shortened so that "<name>-<region><suffix>" fits in 32 characters.
func xrayName(name, region, suffix string) string {
	budget := xrayNameLimit - len(region) - len(suffix) - 1
	if budget < 1 {
		return name + "-" + region + suffix
	}
	if len(name) > budget {
		name = name[:budget]
	}
	for len(name) > 1 && name[len(name)-1] == '-' {
		name = name[:len(name)-1]
	}
	return name + "-" + region + suffix
}

// obsBuilder carries what the steps of NewObservability share.
type obsBuilder struct {
	ctx     *pulumi.Context
	name    string
	a       ObservabilityArgs
	o       *Observability
	parent  pulumi.ResourceOrInvokeOption
	account string
	arns    AccountARNs
	regions []string
	alarms  map[string][]pulumi.StringOutput
}

func (b *obsBuilder) child(suffix string) string { return b.name + "-" + suffix }

// in returns the options of a child that lives in region: parented to the component, on that
// region's provider.
func (b *obsBuilder) in(region string, extra ...pulumi.ResourceOption) []pulumi.ResourceOption {
	return append([]pulumi.ResourceOption{b.parent, pulumi.Provider(b.a.Providers[region])}, extra...)
}

// NewObservability creates the stack's observability layer across every region of Args.Regions,
// each child on its region's provider from Args.Providers: the dashboard in DashboardRegion, the
// alarms in the regions they watch (health checks in us-east-1), X-Ray sampling rules and groups per
// region, and the log archive in LogArchive.Region with every region's log groups subscribed to it.
func NewObservability(ctx *pulumi.Context, name string, args *ObservabilityArgs, opts ...pulumi.ResourceOption) (*Observability, error) {
	if args == nil {
		return nil, fmt.Errorf("observability %q: args are required", name)
	}
	a := args.withDefaults(name)
	if err := a.validate(name); err != nil {
		return nil, fmt.Errorf("observability %q: %w", name, err)
	}
	for _, r := range slices.Sorted(maps.Keys(a.Providers)) {
		if err := CheckProviderRegion(ctx, "Providers["+r+"]", a.Providers[r], r); err != nil {
			return nil, fmt.Errorf("observability %q: %w", name, err)
		}
	}
	o := &Observability{}
	if err := ctx.RegisterComponentResource(ObservabilityType, name, o, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	b := &obsBuilder{ctx: ctx, name: name, a: a, o: o, parent: pulumi.Parent(o),
		regions: slices.Sorted(maps.Keys(a.Regions)), alarms: map[string][]pulumi.StringOutput{}}
	arns, err := accountOf(ctx, a.Account, b.parent, pulumi.Provider(a.Providers[a.LogArchive.Region]))
	if err != nil {
		return nil, fmt.Errorf("observability %q: %w", name, err)
	}
	b.account, b.arns = arns.AccountID, arns
	steps := []struct {
		what string
		run  func() error
	}{
		{"dashboard", b.dashboard},
		{"alarms", b.regionAlarms},
		{"health-check alarms", b.healthCheckAlarms},
		{"tracing", b.tracing},
		{"log archive", b.logArchive},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return nil, fmt.Errorf("observability %q: %s: %w", name, s.what, err)
		}
	}
	alarmNames := pulumi.StringArrayMap{}
	for _, r := range slices.Sorted(maps.Keys(b.alarms)) {
		var names pulumi.StringArray
		for _, n := range b.alarms[r] {
			names = append(names, n)
		}
		alarmNames[r] = names
	}
	o.AlarmNames = alarmNames.ToStringArrayMapOutput()
	return o, ctx.RegisterResourceOutputs(o, pulumi.Map{
		"dashboardName":      o.DashboardName,
		"dashboardUrl":       o.DashboardURL,
		"alarmNames":         o.AlarmNames,
		"archiveBucketName":  o.ArchiveBucketName,
		"deliveryStreamArn":  o.DeliveryStreamARN,
		"logDestinationArns": o.LogDestinationARNs,
	})
}
