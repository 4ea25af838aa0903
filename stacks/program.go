// Package stacks is the multiregion stack program: it reads the stack configuration, creates one AWS
// provider per region, and composes the components of package components into the architecture:
//
//	config -> providers -> per region: RegionKey, RegionalCluster (+ ECR replication from the primary)
//	       -> DataTier per region (replicas linked to the primary) -> GlobalEdge -> Observability
//	       -> RegionBackup per region (copies to the next region)
//
// Program is what `pulumi up` runs (see stacks/cmd/multiregion); Deploy is the same composition for
// callers that already hold a Config (tests, the local emulator runner).
package stacks

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Program is the Pulumi program: Load, then Deploy, then export the outputs. It calls Deploy itself
// rather than through NewProgram: the SDK records the Go call stack of every registration, so each
// frame between the program and a resource costs every resource (see README, Performance).
func Program(ctx *pulumi.Context) error {
	cfg, err := Load(ctx)
	if err != nil {
		return err
	}
	d, err := Deploy(ctx, cfg)
	if err != nil {
		return err
	}
	d.export(ctx)
	return nil
}

// NewProgram returns the Pulumi program with options, for callers that deploy the stack somewhere
// other than AWS itself (the local tier's emulator, through WithProviderHook).
func NewProgram(opts ...Option) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		cfg, err := Load(ctx)
		if err != nil {
			return err
		}
		d, err := Deploy(ctx, cfg, opts...)
		if err != nil {
			return err
		}
		d.export(ctx)
		return nil
	}
}

// export exports every output of the deployment as a stack output.
func (d *Deployment) export(ctx *pulumi.Context) {
	for _, k := range slices.Sorted(maps.Keys(d.Outputs)) {
		ctx.Export(k, d.Outputs[k])
	}
}

// Option changes how Deploy builds the stack without changing what it builds.
type Option func(*options)

type options struct {
	providerHook ProviderHook
}

// WithProviderHook passes every region's AWS provider arguments through hook before the provider is
// created (the local tier points them at an emulator).
func WithProviderHook(hook ProviderHook) Option {
	return func(o *options) { o.providerHook = hook }
}

// Region is what the stack built in one region.
type Region struct {
	// Plan is what the DR strategy set for the region.
	Plan RegionPlan
	// Key is the region's KMS key.
	Key *components.RegionKey
	// Cluster is the region's container platform.
	Cluster *components.RegionalCluster
	// Data is the region's database and cache.
	Data *components.DataTier
	// Alerts is the region's alarm topic; every alarm in the region notifies it.
	Alerts *components.AlertTopic
	// AccessLogs is the region's S3 access-log bucket; every other bucket of the region logs to it.
	AccessLogs *components.AccessLogSink
	// Backup is the region's AWS Backup vault and plan (nil with backup.enabled false).
	Backup *components.RegionBackup
}

// Deployment is the composed architecture, for callers that want more than the stack outputs.
type Deployment struct {
	// Config is the validated configuration it was built from.
	Config *Config
	// Providers are the per-region AWS providers.
	Providers *Providers
	// Regions maps region name to what was built there.
	Regions map[string]*Region
	// Outputs are the stack outputs Program exports.
	Outputs pulumi.Map
	// Domain is the hosted zone and the certificates (nil without multiregion:edge.domain).
	Domain *components.Domain
	// Edge is the global layer: Route 53, CloudFront, Global Accelerator.
	Edge *components.GlobalEdge
	// Observability is the dashboard, alarms, tracing and central log archive over every region.
	Observability *components.Observability

	// Account is the account and partition every component builds its ARNs in, read once from the
	// primary region's provider.
	Account components.AccountARNs
	// restore is where the primary's writer is created from (database.restoreFrom), nil for none.
	restore *components.DBRestore
	// last is what the last deployment exported (readLast); nil when not needed or on the first one.
	last *lastDeployment
	// frozen is what the last deployment left in each lost region (readFrozen).
	frozen map[string]frozenRegion
	// lostProviders are the URNs of the lost regions' providers (Freeze).
	lostProviders map[string]bool
	// extraTopics are alert topics in regions without a workload (us-east-1 for health checks).
	extraTopics map[string]*components.AlertTopic
	// extraKeys are the KMS keys of regions without a workload (keyIn).
	extraKeys map[string]*components.RegionKey
	// extraSinks are the S3 access-log buckets of regions without a workload (accessLogsIn).
	extraSinks map[string]*components.AccessLogSink
}

// Deploy composes the architecture for a validated configuration.
func Deploy(ctx *pulumi.Context, cfg *Config, opts ...Option) (*Deployment, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := CheckSecrets(ctx, cfg); err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	d := &Deployment{Config: cfg, Providers: NewProviders(ctx, o.providerHook), Regions: map[string]*Region{}, Outputs: pulumi.Map{}}
	d.Providers.lost = map[string]bool{}
	for _, r := range cfg.LostRegions {
		d.Providers.lost[r] = true
	}
	if err := d.readLast(ctx); err != nil {
		return nil, err
	}
	if err := d.checkStrategyChange(); err != nil {
		return nil, err
	}
	d.keepWriters()
	// Before any resource: a failover that needs database.restoreFrom is refused with nothing changed.
	var err error
	if d.restore, err = d.restoreFrom(cfg.PrimaryRegion); err != nil {
		return nil, err
	}
	if err := d.readFrozen(ctx); err != nil {
		return nil, err
	}
	if err := d.readAccount(ctx); err != nil {
		return nil, err
	}
	if err := d.freezeLost(ctx); err != nil {
		return nil, err
	}
	// The certificates come first: each region's HTTPS listener takes its region's certificate.
	if err := d.deployDomain(ctx); err != nil {
		return nil, err
	}
	// Regions are independent of each other except through outputs (the primary's ARNs, the
	// registry's destinations), so Pulumi deploys them in parallel.
	for _, rc := range cfg.Regions {
		if err := d.deployRegion(ctx, rc); err != nil {
			return nil, err
		}
	}
	if err := d.deployLinks(ctx); err != nil {
		return nil, err
	}
	if err := d.deployData(ctx); err != nil {
		return nil, err
	}
	if err := d.deployDataNames(ctx); err != nil {
		return nil, err
	}
	if err := d.deployEdge(ctx); err != nil {
		return nil, err
	}
	if err := d.deployObservability(ctx); err != nil {
		return nil, err
	}
	if err := d.deployBackups(ctx); err != nil {
		return nil, err
	}
	d.exportRegions()
	d.Outputs["primaryRegion"] = pulumi.String(cfg.PrimaryRegion)
	d.Outputs["drStrategy"] = pulumi.String(string(cfg.Strategy))
	d.Outputs["expectedRto"], d.Outputs["expectedRpo"] = cfg.Objectives().outputs()
	d.Outputs["expectedRtoLostRegion"], _ = cfg.LostObjectives().outputs()
	monthly, byStrategy, err := cfg.costOutputs()
	if err != nil {
		return nil, err
	}
	d.Outputs["expectedMonthlyCost"], d.Outputs["costByStrategy"] = monthly, byStrategy
	return d, nil
}

// readAccount reads the account and partition once, from the primary region's provider (a region the
// configuration says is reachable), for every component.
func (d *Deployment) readAccount(ctx *pulumi.Context) error {
	p, err := d.Providers.For(d.Config.PrimaryRegion)
	if err != nil {
		return err
	}
	caller, err := aws.GetCallerIdentity(ctx, nil, pulumi.Provider(p))
	if err != nil {
		return fmt.Errorf("reading the account ID from the %s provider: %w", d.Config.PrimaryRegion, err)
	}
	d.Account = components.CallerARNs(caller)
	return nil
}

// name is the component name of a region: stateful children are named after it, by region.
func (d *Deployment) name(region string) string { return d.Config.name(region) }

func (d *Deployment) deployRegion(ctx *pulumi.Context, rc RegionConfig) error {
	cfg := d.Config
	provider, err := d.Providers.For(rc.Name)
	if err != nil {
		return err
	}
	opts := []pulumi.ResourceOption{pulumi.Provider(provider)}
	plan := cfg.Plan(rc.Name)
	name := d.name(rc.Name)
	regionKey, err := components.NewRegionKey(ctx, name, &components.RegionKeyArgs{
		Region:  rc.Name,
		Account: &d.Account,
		Protect: components.Bool(cfg.Protect),
	}, opts...)
	if err != nil {
		return err
	}
	alerts, err := d.deployAlertTopic(ctx, rc.Name, regionKey, opts...)
	if err != nil {
		return err
	}
	d.Regions[rc.Name] = &Region{Plan: plan, Key: regionKey, Alerts: alerts}
	sink, err := d.accessLogsIn(ctx, rc.Name)
	if err != nil {
		return err
	}
	clusterArgs := cfg.clusterArgs(rc, netip.MustParsePrefix(rc.CIDR), regionKey.ARN, d.certificateARN(rc.Name))
	clusterArgs.Account = &d.Account
	clusterArgs.AccessLogBucket = sink.BucketName
	if f, ok := d.frozen[rc.Name]; ok {
		clusterArgs.AvailabilityZones = f.azs // no availability-zone lookup in a lost region
	}
	cluster, err := components.NewRegionalCluster(ctx, name, clusterArgs, opts...)
	if err != nil {
		return err
	}
	d.Regions[rc.Name].Cluster = cluster
	return nil
}

// exportRegions adds the per-region outputs other stacks read through StackReferences.
func (d *Deployment) exportRegions() {
	regions := pulumi.Map{}
	for _, name := range slices.Sorted(maps.Keys(d.Regions)) {
		r := d.Regions[name]
		c := r.Cluster
		regions[name] = pulumi.Map{
			"role":              pulumi.String(string(r.Plan.Role)),
			"lost":              pulumi.Bool(d.Config.Lost(name)),
			"availabilityZones": pulumi.ToStringArray(c.AvailabilityZones),
			"albDnsName":        c.ALBDNSName,
			"albZoneId":         c.ALBZoneID,
			"clusterArn":        c.ClusterARN,
			"serviceArn":        c.ServiceARN,
			"serviceName":       c.ServiceName,
			"vpcId":             c.VPCID,
			"repositoryUrl":     c.RepositoryURL,
			"kmsKeyArn":         r.Key.ARN,
			// Every alarm about the region is named "<service>-<region>-...": the operator's filter.
			"alarmPrefix": pulumi.String(d.name(name) + "-"),
		}
		if t := r.Data; t != nil {
			m := regions[name].(pulumi.Map)
			m["dbIdentifier"] = t.DBIdentifier
			m["dbArn"] = t.DBARN
			m["globalClusterId"] = t.GlobalClusterID // "" outside dataHomeRegion
			m["cacheReplicationGroupId"] = t.CacheReplicationGroupID
			m["globalReplicationGroupId"] = t.GlobalReplicationGroupID // "" outside dataHomeRegion
			m["dbWriterEndpoint"] = t.WriterEndpoint
			m["dbReaderEndpoint"] = t.ReaderEndpoint
			m["dbMasterSecretArn"] = t.MasterSecretARN
			m["cachePrimaryEndpoint"] = t.CachePrimaryEndpoint
			m["cacheReaderEndpoint"] = t.CacheReaderEndpoint
		}
		if b := r.Backup; b != nil && len(b.ReplicatedDBBackups) > 0 {
			// The ARNs a backup-restore failover restores from (database.restoreFrom "latest").
			m := regions[name].(pulumi.Map)
			arns := pulumi.StringMap{}
			for source, arn := range b.ReplicatedDBBackups {
				arns[source] = arn
			}
			m["replicatedDbBackups"] = arns
		}
	}
	d.Outputs["regions"] = regions
	if t := d.Regions[d.Config.PrimaryRegion].Data; t != nil {
		d.Outputs["dbWriterEndpoint"] = t.WriterEndpoint
		d.Outputs["dbMasterSecretArn"] = t.MasterSecretARN
		d.Outputs["cachePrimaryEndpoint"] = t.CachePrimaryEndpoint
	}
	d.Outputs["repositoryUrl"] = d.Regions[d.Config.PrimaryRegion].Cluster.RepositoryURL
}
