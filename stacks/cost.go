package stacks

import (
	"fmt"
	"math"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/cost"
)

// BudgetConfig is multiregion:budget: a ceiling on the estimate (docs/cost.md).
type BudgetConfig struct {
	// MonthlyUSD refuses a configuration whose expectedMonthlyCost total is above it. Optional
	// (0: no ceiling).
	MonthlyUSD float64 `json:"monthlyUSD,omitempty"`
}

// CostInventory is what the configuration runs, for the cost model: per region its role's plan
// (Plan: tasks at their floor, NAT gateways), one ALB across azCount AZs, its database instances and
// cache nodes, key, secret, alarms and web ACL; the log archive's ageing; and the global entry points. TestCostInventory
// checks every count against what the program registers under mocks.
func (c *Config) CostInventory() cost.Inventory {
	var inv cost.Inventory
	edge := c.Edge.EdgeSettings
	route53, waf := components.On(edge.Route53), components.On(edge.WAF)
	for _, rc := range c.Regions {
		p := c.Plan(rc.Name)
		r := cost.Region{
			Name: rc.Name, Serves: p.Serves, Primary: p.Role == components.RolePrimary,
			Tasks: cost.Tasks{
				Count: p.Capacity.Desired, VCPU: float64(c.Service.CPU) / 1024, MemoryGB: float64(c.Service.Memory) / 1024,
				ARM64: c.Service.Architecture == components.ArchARM64, SpotShare: spotShare(p.Capacity, c.spotWeight(p.Role)),
			},
			NATGateways: 1, LoadBalancers: 1, LoadBalancerAZs: c.AZCount,
			KMSKeys: 1,
			// ALB 5xx rate and unhealthy hosts everywhere; running tasks where tasks run; the
			// replica lag of a standby's database and cache.
			Alarms: 2,
		}
		if p.NATPerAZ {
			r.NATGateways = c.AZCount
		}
		r.S3GatewayEndpoints = 1
		if components.On(c.Network.InterfaceEndpoints) {
			r.Endpoints, r.EndpointAZs = len(components.InterfaceEndpointServices()), c.AZCount
		}
		if r.Tasks.Count > 0 {
			r.Alarms++
		}
		if waf {
			r.WebACLs, r.WAFRules = 1, components.WAFRuleCount()
		}
		switch {
		case !c.holdsData(rc.Name):
			// a backup-restore standby: no database, no cache, no lag alarm
		case r.Primary || c.Strategy == BackupRestore:
			r.DBInstances, r.AuroraStorage = c.costDatabase(components.RolePrimary)
			r.Secrets = 1 // the master password, AWS-managed (an RDS-managed secret is billed)
		default:
			r.DBInstances, r.AuroraStorage = c.costDatabase(p.Role)
			r.Alarms++
		}
		if c.cacheIn(rc.Name) {
			r.CacheNodes, r.CacheNodeType = c.Cache.Nodes, c.Cache.NodeType
			if !r.Primary && c.Cache.Replicated() && c.Strategy != BackupRestore {
				r.Alarms++
			}
		}
		r.Backups = c.costBackups(rc.Name)
		inv.Regions = append(inv.Regions, r)
	}
	l := c.Observability.ArchiveLifecycle
	inv.Archive = cost.LogArchive{
		Region: c.Observability.LogArchiveRegion, StandardDays: l.TransitionDays,
		IADays: l.GlacierDays - l.TransitionDays, GlacierDays: l.RetentionDays - l.GlacierDays,
	}
	g := &inv.Global
	g.Dashboards = 1
	g.HostedZones = 1 // the private zone of the data names (writer.<service>.internal)
	if zone, err := ParseZoneReference(c.Edge.HostedZone); err == nil && zone.Create {
		g.HostedZones++
	}
	if route53 {
		g.HealthChecks, g.HTTPSHealthChecks = len(c.Regions), c.Edge.Domain != ""
		// Route 53 publishes health check metrics in us-east-1 only: their alarms live there.
		for i := range inv.Regions {
			if inv.Regions[i].Name == components.GlobalRegion {
				inv.Regions[i].Alarms += len(c.Regions)
			}
		}
	}
	if components.On(edge.GlobalAccelerator) {
		g.Accelerators = 1
	}
	if components.On(edge.CloudFront) {
		g.CloudFront = true
		if waf {
			g.WebACLs, g.WAFRules = 1, components.WAFRuleCount()
		}
	}
	return inv
}

// costBackups is what region keeps of the writer's backups (deployBackups): the primary's vault backs
// the writer up, BackupCopyRegion(primary)'s vault receives the copies and, with RDS, the replicated
// automated backups. A kept former writer (backup-restore) is not selected; its earlier points age out.
func (c *Config) costBackups(region string) cost.Backups {
	b := c.Backup.BackupSettings
	if !c.Backup.enabled() {
		return cost.Backups{}
	}
	out := cost.Backups{RetentionDays: b.WeeklyRetentionDays, ReplicatedDays: c.Database.BackupRetentionDays}
	primary := c.PrimaryRegion
	if region == primary {
		out.Writers = 1
	}
	if c.BackupCopyRegion(primary) == region {
		out.Copies = 1
		if c.Database.Engine == components.EnginePostgres {
			out.Replicated = 1
		}
	}
	return out
}

// spotShare is the share of a region's running tasks on Fargate Spot under weight w: FARGATE keeps a
// base of 1 task when the floor is above 0 (components.RegionalClusterArgs.SpotWeight), the rest is
// split 1 : w.
func spotShare(c components.Capacity, w int) float64 {
	if w == 0 || c.Desired == 0 {
		return 0
	}
	base := 0
	if c.Min > 0 {
		base = 1
	}
	rest := float64(max(c.Desired-base, 0))
	return rest * float64(w) / float64(w+1) / float64(c.Desired)
}

// costDatabase is the database of a region in role: its instances, and whether it holds an Aurora
// cluster's storage.
func (c *Config) costDatabase(role components.Role) ([]cost.DBInstance, bool) {
	d := c.Database
	switch d.Engine {
	case components.EngineAuroraPostgres:
		n := d.Instances
		if role == components.RoleStandby {
			n = c.standbyInstances()
		}
		out := make([]cost.DBInstance, n)
		for i := range out {
			out[i] = cost.DBInstance{Engine: cost.AuroraPostgres, Class: d.InstanceClass}
		}
		return out, true
	default:
		multiAZ := role == components.RolePrimary || d.ReplicaMultiAZ == nil || *d.ReplicaMultiAZ
		return []cost.DBInstance{{Engine: cost.Postgres, Class: d.InstanceClass, MultiAZ: multiAZ, StorageGB: d.AllocatedStorage}}, false
	}
}

// Estimate prices the configuration (cost.Price of CostInventory under costAssumptions).
func (c *Config) Estimate() (cost.Estimate, error) {
	e, err := cost.Price(c.CostInventory(), c.CostAssumptions)
	if err != nil {
		return cost.Estimate{}, fmt.Errorf("%s: %w", key("costAssumptions"), err)
	}
	return e, nil
}

// EstimateByStrategy prices the configuration under every DR strategy (the one configured and the
// others, everything else equal), keyed by strategy.
func (c *Config) EstimateByStrategy() (map[Strategy]cost.Estimate, error) {
	out := map[Strategy]cost.Estimate{}
	for _, s := range Strategies {
		e, err := c.WithStrategy(s).Estimate()
		if err != nil {
			return nil, err
		}
		out[s] = e
	}
	return out, nil
}

// WithStrategy returns a copy of c under strategy s. What the strategy defaults (the standbys'
// Multi-AZ, Aurora's standby instance count) follows it unless the configuration set it.
func (c *Config) WithStrategy(s Strategy) *Config {
	alt := *c
	alt.Strategy = s
	if !c.replicaMultiAZSet {
		alt.Database.ReplicaMultiAZ = nil
	}
	if !c.standbyInstancesSet {
		alt.Database.StandbyInstances = nil
	}
	n := alt.standbyInstances()
	alt.Database.StandbyInstances = &n
	alt.Database.ReplicaMultiAZ = components.Bool(alt.replicaMultiAZ())
	return &alt
}

// costOutputs renders the expectedMonthlyCost and costByStrategy outputs: the estimate of the
// configuration, and per strategy its total, fixed and usage cost, tiers and expected RTO and RPO.
func (c *Config) costOutputs() (pulumi.Map, pulumi.Map, error) {
	e, err := c.Estimate()
	if err != nil {
		return nil, nil, err
	}
	by, err := c.EstimateByStrategy()
	if err != nil {
		return nil, nil, err
	}
	strategies := pulumi.Map{}
	for s, est := range by {
		o := c.WithStrategy(s).Objectives()
		strategies[string(s)] = pulumi.Map{
			"total": pulumi.Float64(est.Total), "fixed": pulumi.Float64(est.Fixed), "usage": pulumi.Float64(est.Usage),
			"byTier": tierMap(est), "rtoSeconds": pulumi.Int(o.RTOSeconds), "rpoSeconds": pulumi.Int(o.RPOSeconds),
		}
	}
	regions := pulumi.Float64Map{}
	for r, v := range e.ByRegion {
		regions[r] = pulumi.Float64(v)
	}
	a := e.Assumptions
	unpriced := pulumi.StringArray{}
	for _, u := range e.Unpriced {
		unpriced = append(unpriced, pulumi.String(u))
	}
	return pulumi.Map{
		"currency": pulumi.String(e.Currency), "priceDate": pulumi.String(e.PriceDate),
		"total": pulumi.Float64(e.Total), "fixed": pulumi.Float64(e.Fixed), "usage": pulumi.Float64(e.Usage),
		"byRegion": regions, "byTier": tierMap(e), "unpriced": unpriced,
		"assumptions": pulumi.Float64Map{
			"requestsPerMonth": pulumi.Float64(a.RequestsPerMonth), "gbOutPerMonth": pulumi.Float64(a.GBOutPerMonth),
			"logGbPerDay": pulumi.Float64(a.LogGBPerDay), "natGbPerMonth": pulumi.Float64(a.NATGBPerMonth),
			"replicatedGbPerMonth": pulumi.Float64(a.ReplicatedGBPerMonth), "dataGb": pulumi.Float64(a.DataGB),
		},
	}, strategies, nil
}

func tierMap(e cost.Estimate) pulumi.Float64Map {
	out := pulumi.Float64Map{}
	for _, t := range cost.Tiers() {
		out[string(t)] = pulumi.Float64(e.ByTier[t])
	}
	return out
}

// validateCost checks multiregion:costAssumptions and multiregion:budget.
func (c *Config) validateCost() []error {
	var errs []error
	for _, e := range c.CostAssumptions.Check() {
		errs = append(errs, fmt.Errorf("%s.%w", key("costAssumptions"), e))
	}
	if b := c.Budget.MonthlyUSD; b < 0 || math.IsNaN(b) || math.IsInf(b, 0) {
		errs = append(errs, fmt.Errorf("%s: %v is not allowed (a monthly amount in USD above 0; omit it for no budget)", key("budget.monthlyUSD"), b))
	}
	return errs
}

// budgetProblems refuses an estimate above budget.monthlyUSD, naming the estimate and its top three
// drivers, and a budget that an unpriced line makes impossible to check.
func (c *Config) budgetProblems() []error {
	limit := c.Budget.MonthlyUSD
	if limit == 0 {
		return nil
	}
	e, err := c.Estimate()
	if err != nil {
		return []error{err}
	}
	k := key("budget.monthlyUSD")
	switch {
	case len(e.Unpriced) > 0:
		return []error{fmt.Errorf("%s: %s cannot be checked: the estimate has unpriced lines (%s); remove the budget or use priced regions and sizes",
			k, cost.Money(limit), strings.Join(e.Unpriced, "; "))}
	case e.Total > limit:
		return []error{fmt.Errorf("%s: the estimate is %s a month (%s, prices of %s), above the budget of %s; top drivers: %s (docs/cost.md)",
			k, cost.Money(e.Total), c.Strategy, e.PriceDate, cost.Money(limit), strings.Join(e.Drivers(3), "; "))}
	}
	return nil
}
