// Package cost prices a multiregion deployment: a monthly on-demand estimate, split into fixed
// (hourly, whatever the traffic) and usage (from declared Assumptions) cost, per region and per
// tier, from an Inventory of what a stack runs and one embedded price table (prices.json, with its
// date and source). A region or a size the table does not price is an explicit "unpriced" line,
// never a silent zero.
//
// The package knows nothing of Pulumi or of the stack's configuration: package stacks builds the
// Inventory from the configuration (the same per-role plan the program deploys) and a mock test
// checks it against what the program registers.
package cost

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
)

// Tier groups the lines of an estimate.
type Tier string

// The tiers of an estimate.
const (
	Compute       Tier = "compute"
	Network       Tier = "network"
	Database      Tier = "database"
	Cache         Tier = "cache"
	Edge          Tier = "edge"
	Observability Tier = "observability"
	Security      Tier = "security"
)

// Tiers lists every tier in the order estimates print them.
func Tiers() []Tier {
	return []Tier{Compute, Network, Database, Cache, Edge, Observability, Security}
}

// Kind says whether a line is fixed (paid per hour or month whatever the traffic) or usage (from the
// Assumptions).
type Kind string

// The kinds of a line.
const (
	Fixed Kind = "fixed"
	Usage Kind = "usage"
)

// GlobalRegion is the Region of the lines of global services (Route 53, Global Accelerator,
// CloudFront, the dashboard).
const GlobalRegion = "global"

// Tasks is a region's Fargate capacity at its floor: what runs when nothing scales out.
type Tasks struct {
	// Count is the number of running tasks.
	Count int
	// VCPU and MemoryGB are one task's size.
	VCPU, MemoryGB float64
	// ARM64 prices Graviton (linux/arm64) tasks.
	ARM64 bool
	// SpotShare is the share of the tasks on Fargate Spot, 0 to 1.
	SpotShare float64
}

// Engine is a database engine as the price table names it.
type Engine string

// The database engines priced.
const (
	// Postgres is RDS for PostgreSQL: an instance prices its own storage.
	Postgres Engine = "postgres"
	// AuroraPostgres is Aurora PostgreSQL: the region's cluster prices its storage once.
	AuroraPostgres Engine = "aurora-postgresql"
)

// DBInstance is one database instance.
type DBInstance struct {
	// Engine is the engine.
	Engine Engine
	// Class is the instance class, e.g. db.r6g.large.
	Class string
	// MultiAZ doubles an RDS instance (its standby) and its storage.
	MultiAZ bool
	// StorageGB is an RDS instance's allocated storage (ignored for Aurora).
	StorageGB int
}

// Region is what one region runs.
type Region struct {
	// Name is the AWS region.
	Name string
	// Serves reports whether the region takes client traffic in normal operation: the usage
	// Assumptions are spread over the serving regions.
	Serves bool
	// Primary marks the region that holds the writer: replication leaves from it.
	Primary bool
	// Tasks is the service's capacity at its floor.
	Tasks Tasks
	// NATGateways is the number of NAT gateways (each with an Elastic IP).
	NATGateways int
	// LoadBalancers is the number of ALBs; LoadBalancerAZs the AZs each spans (a public IPv4 each).
	LoadBalancers, LoadBalancerAZs int
	// Endpoints is the number of interface VPC endpoints; EndpointAZs the AZs each spans. With them,
	// the NAT data (Assumptions.NATGBPerMonth) goes through the endpoints instead.
	Endpoints, EndpointAZs int
	// S3GatewayEndpoints counts S3 gateway endpoints: free, listed at $0 so that the estimate shows
	// where S3 traffic (ECR image layers) goes instead of NAT.
	S3GatewayEndpoints int
	// DBInstances are the database instances.
	DBInstances []DBInstance
	// AuroraStorage reports whether the region holds an Aurora cluster's storage.
	AuroraStorage bool
	// CacheNodes is the number of cache nodes of CacheNodeType.
	CacheNodes    int
	CacheNodeType string
	// KMSKeys, Secrets and Alarms count those resources.
	KMSKeys, Secrets, Alarms int
	// WebACLs and WAFRules count the regional web ACLs and their rules (managed groups count as one
	// rule each).
	WebACLs, WAFRules int
	// Backups is what the region keeps of the database's backups.
	Backups Backups
}

// Backups is what a region keeps of the writer database's backups (AWS Backup and RDS automated
// backups replication). Each copy holds Assumptions.DataGB plus the writes
// (Assumptions.ReplicatedGBPerMonth) of its retention, and each copy received from another region
// brings that month's writes over the inter-region link.
type Backups struct {
	// Writers counts the databases the region's vault backs up (the primary's writer).
	Writers int
	// Copies counts the copies of other regions' backups the region's vault receives.
	Copies int
	// Replicated counts the RDS automated backups replicated into the region.
	Replicated int
	// RetentionDays is the vault's longest rule retention; ReplicatedDays that of the replicated
	// automated backups.
	RetentionDays, ReplicatedDays int
}

// Global is what runs once for the whole deployment.
type Global struct {
	// HostedZones, HealthChecks count Route 53 zones and health checks; HTTPSHealthChecks reports
	// whether the checks use HTTPS (an optional feature, priced per check).
	HostedZones, HealthChecks int
	HTTPSHealthChecks         bool
	// Accelerators counts Global Accelerators.
	Accelerators int
	// CloudFront reports a CloudFront distribution in front of the regions.
	CloudFront bool
	// WebACLs and WAFRules count the CloudFront web ACLs and their rules.
	WebACLs, WAFRules int
	// Dashboards counts CloudWatch dashboards.
	Dashboards int
}

// LogArchive is the central log archive: one S3 bucket that keeps every region's logs in storage
// classes by age (components.LogArchive's lifecycle).
type LogArchive struct {
	// Region holds the bucket; empty: no archive.
	Region string
	// StandardDays, IADays and GlacierDays are the days an object spends in S3 Standard, then
	// Standard-IA, then Glacier Flexible Retrieval, before it expires.
	StandardDays, IADays, GlacierDays int
}

// Inventory is everything an estimate prices.
type Inventory struct {
	// Regions are the workload regions.
	Regions []Region
	// Global is what runs once.
	Global Global
	// Archive is the log archive.
	Archive LogArchive
}

// Assumptions are the declared usage figures, per month unless named otherwise.
type Assumptions struct {
	// RequestsPerMonth are the client requests. Default 100 million.
	RequestsPerMonth float64 `json:"requestsPerMonth,omitempty"`
	// GBOutPerMonth is the data sent to clients. Default 500 GB.
	GBOutPerMonth float64 `json:"gbOutPerMonth,omitempty"`
	// LogGBPerDay is the log volume of all regions. Default 5 GB.
	LogGBPerDay float64 `json:"logGbPerDay,omitempty"`
	// NATGBPerMonth is the data the NAT gateways process: the tasks' HTTPS calls to AWS APIs (ECR
	// manifests, logs, secrets, STS), all of which interface endpoints take over; image layers come
	// from S3 through the free gateway endpoint and are not in it.
	// Default 200 GB.
	NATGBPerMonth float64 `json:"natGbPerMonth,omitempty"`
	// ReplicatedGBPerMonth is the data written to the primary's database and cache, each sent to
	// every other region that replicates it. Default 100 GB.
	ReplicatedGBPerMonth float64 `json:"replicatedGbPerMonth,omitempty"`
	// DataGB is the database's size (Aurora storage; backups and restores in a later release).
	// Default 100 GB.
	DataGB float64 `json:"dataGb,omitempty"`
}

// WithDefaults returns a with each unset (zero) figure replaced by its documented default. A figure
// is never 0 (the stack's configuration refuses an explicit 0, which would silently become the
// default): give a small one instead.
func (a Assumptions) WithDefaults() Assumptions {
	set := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	set(&a.RequestsPerMonth, 100e6)
	set(&a.GBOutPerMonth, 500)
	set(&a.LogGBPerDay, 5)
	set(&a.NATGBPerMonth, 200)
	set(&a.ReplicatedGBPerMonth, 100)
	set(&a.DataGB, 100)
	return a
}

// Check reports why a cannot be priced (a negative or non-finite figure), naming the field by its
// JSON name, or nil.
func (a Assumptions) Check() []error {
	var errs []error
	for name, v := range map[string]float64{
		"requestsPerMonth": a.RequestsPerMonth, "gbOutPerMonth": a.GBOutPerMonth, "logGbPerDay": a.LogGBPerDay,
		"natGbPerMonth": a.NATGBPerMonth, "replicatedGbPerMonth": a.ReplicatedGBPerMonth, "dataGb": a.DataGB,
	} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Errorf("%s: %v is not allowed (a figure above 0; omit it for the default)", name, v))
		}
	}
	slices.SortFunc(errs, func(x, y error) int { return cmp.Compare(x.Error(), y.Error()) })
	return errs
}

// Line is one priced item of an estimate.
type Line struct {
	// Region is the AWS region, or GlobalRegion.
	Region string `json:"region"`
	// Tier and Kind classify the line.
	Tier Tier `json:"tier"`
	Kind Kind `json:"kind"`
	// Item says what is priced, e.g. "NAT gateway hours".
	Item string `json:"item"`
	// Quantity and Unit are what is priced, e.g. 2190 "hour".
	Quantity float64 `json:"quantity"`
	Unit     string  `json:"unit"`
	// UnitPrice is the price of one unit; Monthly = Quantity x UnitPrice.
	UnitPrice float64 `json:"unitPrice"`
	Monthly   float64 `json:"monthly"`
	// Unpriced says why the table has no price for the line (then Monthly is 0 and the estimate's
	// total excludes it).
	Unpriced string `json:"unpriced,omitempty"`
}

// Estimate is a monthly estimate.
type Estimate struct {
	// Currency and PriceDate are the table's.
	Currency  string `json:"currency"`
	PriceDate string `json:"priceDate"`
	// Total = Fixed + Usage, rounded to cents.
	Total float64 `json:"total"`
	Fixed float64 `json:"fixed"`
	Usage float64 `json:"usage"`
	// ByRegion and ByTier split Total.
	ByRegion map[string]float64 `json:"byRegion"`
	ByTier   map[Tier]float64   `json:"byTier"`
	// Assumptions are the figures the usage lines used (defaults filled).
	Assumptions Assumptions `json:"assumptions"`
	// Unpriced lists the lines the table cannot price; the total excludes them.
	Unpriced []string `json:"unpriced,omitempty"`
	// Lines are every line, largest first.
	Lines []Line `json:"-"`
}

// Drivers returns the n largest lines of e, largest first, as "region item: $X".
func (e Estimate) Drivers(n int) []string {
	var out []string
	for _, l := range e.Lines {
		if len(out) == n {
			break
		}
		if l.Unpriced == "" && l.Monthly > 0 {
			out = append(out, fmt.Sprintf("%s %s: %s", l.Region, l.Item, Money(l.Monthly)))
		}
	}
	return out
}

// Money formats an amount of the table's currency, e.g. "$1,234.56".
func Money(v float64) string {
	cents := int64(math.Round(v * 100))
	whole, frac := cents/100, cents%100
	s := fmt.Sprint(whole)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("$%s.%02d", s, frac)
}

// Price returns the estimate of inv under a, with the embedded table.
func Price(inv Inventory, a Assumptions) (Estimate, error) {
	t, err := Table()
	if err != nil {
		return Estimate{}, err
	}
	return t.Price(inv, a)
}

// Price returns the estimate of inv under a with t's prices.
func (t *PriceTable) Price(inv Inventory, a Assumptions) (Estimate, error) {
	a = a.WithDefaults()
	if errs := a.Check(); len(errs) > 0 {
		return Estimate{}, fmt.Errorf("cost assumptions: %v", errs)
	}
	p := pricer{t: t, a: a}
	p.global(inv)
	serving := 0
	for _, r := range inv.Regions {
		if r.Serves {
			serving++
		}
	}
	for _, r := range inv.Regions {
		p.region(inv, r, serving)
	}
	return p.estimate(), nil
}

// pricer accumulates the lines of one estimate.
type pricer struct {
	t     *PriceTable
	a     Assumptions
	lines []Line
}

func (p *pricer) add(region string, tier Tier, kind Kind, item string, qty float64, unit string, price float64) {
	if qty <= 0 {
		return
	}
	p.lines = append(p.lines, Line{Region: region, Tier: tier, Kind: kind, Item: item, Quantity: qty, Unit: unit, UnitPrice: price, Monthly: qty * price})
}

func (p *pricer) unpriced(region string, tier Tier, item string, qty float64, unit, why string) {
	if qty <= 0 {
		return
	}
	p.lines = append(p.lines, Line{Region: region, Tier: tier, Kind: Fixed, Item: item, Quantity: qty, Unit: unit, Unpriced: why})
}

func (p *pricer) global(inv Inventory) {
	g, t, a, h := inv.Global, p.t.Global, p.a, p.t.HoursPerMonth
	const at = GlobalRegion
	p.add(at, Edge, Fixed, "Route 53 hosted zones", float64(g.HostedZones), "zone-month", t.Route53ZoneMonth)
	p.add(at, Edge, Fixed, "Route 53 health checks", float64(g.HealthChecks), "check-month", t.Route53HealthCheckMonth)
	if g.HTTPSHealthChecks {
		p.add(at, Edge, Fixed, "Route 53 health checks: HTTPS", float64(g.HealthChecks), "check-month", t.Route53HealthCheckHTTPSMonth)
	}
	p.add(at, Edge, Fixed, "Global Accelerator fixed fee", float64(g.Accelerators)*h, "hour", t.AcceleratorHour)
	p.add(at, Security, Fixed, "WAF web ACLs (CloudFront)", float64(g.WebACLs), "ACL-month", t.WAFWebACLMonth)
	p.add(at, Security, Fixed, "WAF rules (CloudFront)", float64(g.WAFRules), "rule-month", t.WAFRuleMonth)
	p.add(at, Observability, Fixed, "CloudWatch dashboards", float64(g.Dashboards), "dashboard-month", t.DashboardMonth)
	switch {
	case g.CloudFront:
		p.add(at, Edge, Usage, "CloudFront data out", a.GBOutPerMonth, "GB", t.CloudFrontGB)
		p.add(at, Edge, Usage, "CloudFront HTTPS requests", a.RequestsPerMonth/1e4, "10k requests", t.CloudFrontRequests10k)
	case g.Accelerators > 0:
		p.add(at, Edge, Usage, "Global Accelerator data transfer premium", a.GBOutPerMonth, "GB", t.AcceleratorPremiumGB)
	}
	if g.WebACLs > 0 {
		p.add(at, Security, Usage, "WAF requests (CloudFront)", a.RequestsPerMonth/1e6, "million requests", t.WAFRequestsMillion)
	}
}

func (p *pricer) region(inv Inventory, r Region, serving int) {
	rp, ok := p.t.Regions[r.Name]
	if !ok {
		p.unpriced(r.Name, Compute, "every resource of the region", 1, "region",
			fmt.Sprintf("the price table (%s) has no prices for %s; it prices %v", p.t.PriceDate, r.Name, p.t.RegionNames()))
		return
	}
	h, a, g := p.t.HoursPerMonth, p.a, p.t.Global
	// Share of the usage figures this region carries.
	share := 0.0
	if r.Serves && serving > 0 {
		share = 1 / float64(serving)
	}

	// Compute: the tasks at their floor.
	vcpu, gb := rp.FargateVCPUHour, rp.FargateGBHour
	arch := "x86_64"
	if r.Tasks.ARM64 {
		vcpu, gb, arch = rp.FargateARMVCPUHour, rp.FargateARMGBHour, "arm64"
	}
	spot := min(max(r.Tasks.SpotShare, 0), 1)
	onDemand := float64(r.Tasks.Count) * (1 - spot)
	onSpot := float64(r.Tasks.Count) * spot
	p.add(r.Name, Compute, Fixed, "Fargate vCPU ("+arch+")", onDemand*r.Tasks.VCPU*h, "vCPU-hour", vcpu)
	p.add(r.Name, Compute, Fixed, "Fargate memory ("+arch+")", onDemand*r.Tasks.MemoryGB*h, "GB-hour", gb)
	p.add(r.Name, Compute, Fixed, "Fargate Spot vCPU ("+arch+")", onSpot*r.Tasks.VCPU*h, "vCPU-hour", vcpu*rp.FargateSpotFactor)
	p.add(r.Name, Compute, Fixed, "Fargate Spot memory ("+arch+")", onSpot*r.Tasks.MemoryGB*h, "GB-hour", gb*rp.FargateSpotFactor)

	// Network.
	p.add(r.Name, Network, Fixed, "NAT gateway hours", float64(r.NATGateways)*h, "hour", rp.NATGatewayHour)
	p.add(r.Name, Network, Fixed, "public IPv4 addresses (NAT, ALB)", float64(r.NATGateways+r.LoadBalancers*r.LoadBalancerAZs)*h, "address-hour", rp.PublicIPv4Hour)
	p.add(r.Name, Network, Fixed, "ALB hours", float64(r.LoadBalancers)*h, "hour", rp.ALBHour)
	p.add(r.Name, Network, Fixed, "interface VPC endpoint hours", float64(r.Endpoints*r.EndpointAZs)*h, "endpoint-AZ-hour", rp.EndpointAZHour)
	p.add(r.Name, Network, Fixed, "S3 gateway VPC endpoint (free)", float64(r.S3GatewayEndpoints), "endpoint", 0)
	if r.LoadBalancers > 0 && share > 0 {
		p.add(r.Name, Network, Usage, "ALB LCUs", lcus(a, share)*h, "LCU-hour", rp.ALBLCUHour)
	}
	if r.NATGateways > 0 && share > 0 {
		natGB := a.NATGBPerMonth * share
		if r.Endpoints > 0 {
			p.add(r.Name, Network, Usage, "interface VPC endpoint data", natGB, "GB", rp.EndpointGB)
		} else {
			p.add(r.Name, Network, Usage, "NAT gateway data processed", natGB, "GB", rp.NATGatewayGB)
		}
	}
	if !inv.Global.CloudFront && share > 0 {
		p.add(r.Name, Network, Usage, "data transfer out to the internet", a.GBOutPerMonth*share, "GB", rp.DataOutGB)
	}

	// Database.
	for _, d := range r.DBInstances {
		hourly, table := rp.RDSPostgresHour, "RDS PostgreSQL"
		if d.Engine == AuroraPostgres {
			hourly, table = rp.AuroraPostgresHour, "Aurora PostgreSQL"
		}
		price, ok := hourly[d.Class]
		copies := 1.0
		if d.MultiAZ && d.Engine == Postgres {
			copies = 2
		}
		item := fmt.Sprintf("%s %s", table, d.Class)
		if d.MultiAZ && d.Engine == Postgres {
			item += " Multi-AZ"
		}
		if !ok {
			p.unpriced(r.Name, Database, item, copies*h, "instance-hour",
				fmt.Sprintf("the price table has no %s price for %s in %s; it prices %v", table, d.Class, r.Name, slices.Sorted(maps.Keys(hourly))))
		} else {
			p.add(r.Name, Database, Fixed, item, copies*h, "instance-hour", price)
		}
		if d.Engine == Postgres {
			p.add(r.Name, Database, Fixed, "RDS storage", copies*float64(d.StorageGB), "GB-month", rp.RDSStorageGBMonth)
		}
	}
	if r.AuroraStorage {
		p.add(r.Name, Database, Usage, "Aurora storage", a.DataGB, "GB-month", rp.AuroraStorageGBMonth)
	}
	if r.Primary && len(r.DBInstances) > 0 {
		p.add(r.Name, Database, Usage, "database replication to other regions", a.ReplicatedGBPerMonth*float64(replicas(inv, r, func(o Region) bool { return len(o.DBInstances) > 0 })), "GB", rp.InterRegionGB)
	}

	// Backups: a full copy and the writes of the retention, per copy (AWS Backup's and RDS's backup
	// storage are incremental); each copy from another region brings the month's writes.
	b := r.Backups
	vault := float64(b.Writers+b.Copies) * (a.DataGB + a.ReplicatedGBPerMonth*float64(b.RetentionDays)/30)
	p.add(r.Name, Database, Usage, "AWS Backup storage (database recovery points and copies)", vault, "GB-month", rp.BackupGBMonth)
	replicated := float64(b.Replicated) * (a.DataGB + a.ReplicatedGBPerMonth*float64(b.ReplicatedDays)/30)
	p.add(r.Name, Database, Usage, "RDS automated backups replicated from another region", replicated, "GB-month", rp.BackupGBMonth)
	p.add(r.Name, Database, Usage, "backup copies from other regions (transfer)", float64(b.Copies+b.Replicated)*a.ReplicatedGBPerMonth, "GB", rp.InterRegionGB)

	// Cache.
	if r.CacheNodes > 0 {
		item := "ElastiCache " + r.CacheNodeType
		if price, ok := rp.CacheNodeHour[r.CacheNodeType]; ok {
			p.add(r.Name, Cache, Fixed, item, float64(r.CacheNodes)*h, "node-hour", price)
		} else {
			p.unpriced(r.Name, Cache, item, float64(r.CacheNodes)*h, "node-hour",
				fmt.Sprintf("the price table has no price for %s in %s; it prices %v", r.CacheNodeType, r.Name, slices.Sorted(maps.Keys(rp.CacheNodeHour))))
		}
		if r.Primary {
			p.add(r.Name, Cache, Usage, "cache replication to other regions", a.ReplicatedGBPerMonth*float64(replicas(inv, r, func(o Region) bool { return o.CacheNodes > 0 })), "GB", rp.InterRegionGB)
		}
	}

	// Observability.
	p.add(r.Name, Observability, Fixed, "CloudWatch alarms", float64(r.Alarms), "alarm-month", rp.AlarmMonth)
	p.add(r.Name, Observability, Usage, "CloudWatch Logs ingestion", a.LogGBPerDay*30.4/float64(len(inv.Regions)), "GB", rp.LogIngestGB)
	if l := inv.Archive; l.Region == r.Name {
		// At steady state the archive holds LogGBPerDay for each day of each class (uncompressed:
		// an upper bound).
		p.add(r.Name, Observability, Usage, "log archive, S3 Standard", a.LogGBPerDay*float64(l.StandardDays), "GB-month", rp.S3StandardGBMonth)
		p.add(r.Name, Observability, Usage, "log archive, S3 Standard-IA", a.LogGBPerDay*float64(l.IADays), "GB-month", rp.S3StandardIAGBMonth)
		p.add(r.Name, Observability, Usage, "log archive, S3 Glacier Flexible Retrieval", a.LogGBPerDay*float64(l.GlacierDays), "GB-month", rp.S3GlacierGBMonth)
	}

	// Security.
	p.add(r.Name, Security, Fixed, "KMS keys", float64(r.KMSKeys), "key-month", rp.KMSKeyMonth)
	p.add(r.Name, Security, Fixed, "Secrets Manager secrets", float64(r.Secrets), "secret-month", rp.SecretMonth)
	p.add(r.Name, Security, Fixed, "WAF web ACLs", float64(r.WebACLs), "ACL-month", g.WAFWebACLMonth)
	p.add(r.Name, Security, Fixed, "WAF rules", float64(r.WAFRules), "rule-month", g.WAFRuleMonth)
	if r.WebACLs > 0 && share > 0 {
		p.add(r.Name, Security, Usage, "WAF requests", a.RequestsPerMonth*share/1e6, "million requests", g.WAFRequestsMillion)
	}
}

// lcus are the ALB capacity units a region with share of the traffic uses in an average hour: the
// largest of its dimensions that the assumptions give (new connections at 25 per second, with ten
// requests per connection; processed bytes at 1 GB per hour), at least 1.
func lcus(a Assumptions, share float64) float64 {
	perSecond := a.RequestsPerMonth * share / (730 * 3600)
	conns := perSecond / 10 / 25
	bytes := a.GBOutPerMonth * share / 730
	return max(1, conns, bytes)
}

// replicas counts the regions other than r that has selects.
func replicas(inv Inventory, r Region, has func(Region) bool) int {
	n := 0
	for _, o := range inv.Regions {
		if o.Name != r.Name && has(o) {
			n++
		}
	}
	return n
}

func (p *pricer) estimate() Estimate {
	e := Estimate{Currency: p.t.Currency, PriceDate: p.t.PriceDate, ByRegion: map[string]float64{}, ByTier: map[Tier]float64{}, Assumptions: p.a}
	slices.SortStableFunc(p.lines, func(x, y Line) int { return cmp.Compare(y.Monthly, x.Monthly) })
	e.Lines = p.lines
	for _, l := range p.lines {
		if l.Unpriced != "" {
			e.Unpriced = append(e.Unpriced, fmt.Sprintf("%s %s: %s", l.Region, l.Item, l.Unpriced))
			continue
		}
		if l.Kind == Fixed {
			e.Fixed += l.Monthly
		} else {
			e.Usage += l.Monthly
		}
		e.ByRegion[l.Region] += l.Monthly
		e.ByTier[l.Tier] += l.Monthly
	}
	e.Fixed, e.Usage = cents(e.Fixed), cents(e.Usage)
	e.Total = cents(e.Fixed + e.Usage)
	for k, v := range e.ByRegion {
		e.ByRegion[k] = cents(v)
	}
	for k, v := range e.ByTier {
		e.ByTier[k] = cents(v)
	}
	return e
}

func cents(v float64) float64 { return math.Round(v*100) / 100 }
