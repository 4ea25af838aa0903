package stacks

import (
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"strings"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/cost"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Namespace is the configuration namespace of the project ("multiregion:<key>").
const Namespace = "multiregion"

// Strategy is the disaster-recovery strategy: one knob that sets standby capacity, routing and
// traffic dials in every tier together.
type Strategy string

const (
	// PilotLight keeps standbys at zero tasks with live data replicas; failover routing, dial 0.
	PilotLight Strategy = "pilot-light"
	// WarmStandby keeps standbys at a fraction of the primary's minimum; failover routing.
	WarmStandby Strategy = "warm-standby"
	// ActiveActive serves from every region with latency routing; writes still go to one writer.
	ActiveActive Strategy = "active-active"
	// BackupRestore keeps no data tier and no task in the standbys, only their network, registry
	// replica and backup copies; a failover restores the writer from a backup (database.restoreFrom).
	BackupRestore Strategy = "backup-restore"
)

// Strategies lists the allowed DR strategies, cheapest first.
var Strategies = []Strategy{BackupRestore, PilotLight, WarmStandby, ActiveActive}

// RegionConfig is one entry of multiregion:regions.
type RegionConfig struct {
	// Name is the AWS region, e.g. us-west-2.
	Name string `json:"name"`
	// CIDR is the region's VPC range; regions must not overlap (they may be peered later).
	CIDR string `json:"cidr"`
	// AvailabilityZones optionally pins the AZs; default: the first azCount available ones.
	AvailabilityZones []string `json:"availabilityZones,omitempty"`
}

// ServiceConfig is multiregion:service, the container service every region runs. The container's
// own settings are components.ServiceSpec (its JSON names, defaults and rules live there); the stack
// adds the image reference, the primary region's task counts, Spot and autoscaling.
type ServiceConfig struct {
	components.ServiceSpec
	// Image is "<ECR repository>:<tag>" (components.ParseImage); each region pulls it from its own
	// region's replica.
	Image string `json:"image"`
	// DesiredCount, MinCount and MaxCount are the primary region's task counts. Default 2/2/6.
	DesiredCount int `json:"desiredCount"`
	MinCount     int `json:"minCount"`
	MaxCount     int `json:"maxCount"`
	// SpotWeight is the FARGATE_SPOT weight next to FARGATE's 1 (RegionalClusterArgs.SpotWeight).
	SpotWeight int `json:"spotWeight,omitempty"`
	// StandbySpotWeight is the standbys' FARGATE_SPOT weight (0-10), in place of SpotWeight: a standby
	// that runs tasks only to be ready can run most of them on Spot while the primary stays on-demand.
	// Default: SpotWeight. After a failover the new primary takes SpotWeight.
	StandbySpotWeight *int `json:"standbySpotWeight,omitempty"`
	// Autoscaling turns target tracking on (RegionalClusterArgs.Autoscaling). Default true.
	Autoscaling *bool `json:"autoscaling,omitempty"`
}

// Config is the whole, typed stack configuration.
type Config struct {
	// Regions are the workload regions, at least 2.
	Regions []RegionConfig
	// PrimaryRegion is the region holding the writer; one of Regions.
	PrimaryRegion string
	// Strategy is the DR strategy. Default warm-standby.
	Strategy Strategy
	// WarmStandbyPercent is, for warm-standby, the standby's share of the primary's minimum task count
	// (rounded up, at least 1). Default 50; allowed 1-100.
	WarmStandbyPercent int
	// AZCount is the number of AZs per region. Default 3; allowed 2-6.
	AZCount int
	// Service is the container service.
	Service ServiceConfig
	// LogRetentionDays is every log group's retention. Default 365.
	LogRetentionDays int
	// Protect sets Pulumi protect on stateful resources. Default true; false only for throwaway stacks.
	Protect bool
	// Database is multiregion:database, the database engine and its settings (see stacks/data.go).
	Database DatabaseConfig
	// Cache is multiregion:cache, the ElastiCache Global Datastore.
	Cache CacheConfig
	// CacheAuthToken is multiregion:cacheAuthToken, a Pulumi secret, required when cache.authMode is
	// "token".
	CacheAuthToken string
	// keptWriters are, under backup-restore, the standby regions that keep a former writer's data
	// tier (Deployment.keepWriters).
	keptWriters map[string]bool
	// frozenRoles are the roles lost regions had at the last deployment (Deployment.readFrozen); their
	// plans keep them, so nothing there changes.
	frozenRoles map[string]components.Role
	// LostRegions is multiregion:lostRegions: regions whose APIs are unreachable. Nothing is asked of
	// them; their resources stay as the last deployment left them (see Deployment.freeze).
	LostRegions []string
	// DataHomeRegion is multiregion:dataHomeRegion, where the Aurora global cluster and the Global
	// Datastore are created and managed; the first region by default. Never change it.
	DataHomeRegion string
	// Edge is multiregion:edge: domain, hosted zone and the global services (Route 53, CloudFront,
	// Global Accelerator), their health checks and the RTO target.
	Edge EdgeConfig
	// CostAssumptions is multiregion:costAssumptions: the usage figures the estimate prices.
	CostAssumptions cost.Assumptions
	// Budget is multiregion:budget: a ceiling on the estimate.
	Budget BudgetConfig
	// Network is multiregion:network: the VPC endpoints.
	Network NetworkConfig
	// Backup is multiregion:backup: AWS Backup vaults, plans and cross-region copies.
	Backup BackupConfig
	// replicaMultiAZSet records that database.replicaMultiAz was set, not defaulted from the
	// strategy (EstimateByStrategy keeps a set value under every strategy).
	replicaMultiAZSet bool
	// standbyInstancesSet records that database.standbyInstances was set, likewise.
	standbyInstancesSet bool
	// Observability is multiregion:observability: alarm subscriptions, log archive, thresholds.
	Observability ObservabilityConfig
}

// strategyList is the allowed strategies, for messages.
func strategyList() string {
	names := make([]string, len(Strategies))
	for i, s := range Strategies {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}

// key names a config key the way users write it.
func key(k string) string { return Namespace + ":" + k }

// Lookup returns a raw config value and whether it is set.
type Lookup func(key string) (string, bool)

// Load reads and validates the stack configuration from the Pulumi context. Under the real engine
// it reads the whole configuration from ConfigEnv, so that unknown keys are rejected (ParseMap);
// elsewhere (mocks) it reads the keys of Keys one by one (Parse).
func Load(ctx *pulumi.Context) (*Config, error) {
	conf, err := configFromEnv()
	if err != nil {
		return nil, err
	}
	if conf != nil {
		return ParseMap(conf)
	}
	c := config.New(ctx, Namespace)
	return Parse(func(k string) (string, bool) {
		v, err := c.Try(k)
		return v, err == nil
	})
}

// Parse decodes and validates the configuration. It reads exactly the keys of Keys, each with its
// type, and gives an omitted key its default from the same table (as the CLI does from Pulumi.yaml).
// It returns one error listing every problem, each naming the key, the bad value and what is allowed:
// a key that cannot be read is reported together with the problems of every other key. It never
// panics on any input. ParseMap does the same for a whole configuration and also rejects unknown keys.
func Parse(get Lookup) (*Config, error) { return parseLookup(get, nil) }

// parseLookup is Parse with problems found before (unknown keys) reported first.
func parseLookup(get Lookup, errs []error) (*Config, error) {
	cfg := &Config{}
	fields := cfg.fields()
	broken := map[string]bool{}
	zeros := map[string][]string{}
	for _, k := range Keys() {
		raw, ok := get(k.Name)
		if !ok {
			if k.Required() {
				continue // Validate names what is missing
			}
			raw = k.defaultText()
		}
		if err := decodeKey(k, raw, fields[k.Name]); err != nil {
			errs = append(errs, err)
			broken[k.Name] = true
			continue
		}
		if k.Type == TypeObject {
			zeros[k.Name] = explicitZeros(raw)
		}
	}
	cfg.applyDefaults()
	// An explicit 0 that a default replaced would be a silent change of what the user wrote.
	for _, k := range slices.Sorted(maps.Keys(zeros)) {
		for _, f := range zeros[k] {
			v, ok := fieldByJSON(reflect.ValueOf(fields[k]), f)
			for ok && v.Kind() == reflect.Pointer && !v.IsNil() {
				v = v.Elem()
			}
			if ok && !v.IsZero() {
				errs = append(errs, fmt.Errorf("%s: 0 is not allowed (it would silently become the default, %v); omit the key for the default or give a value in the allowed range", key(k+"."+f), v.Interface()))
			}
		}
	}
	for _, e := range cfg.problems() {
		if !dependsOnBroken(e, broken) {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, configError(errs)
	}
	return cfg, nil
}

// fields maps every key of Keys to the field of c that holds it (a pointer of the key's Go type).
func (c *Config) fields() map[string]any {
	return map[string]any{
		"regions":            &c.Regions,
		"primaryRegion":      &c.PrimaryRegion,
		"drStrategy":         (*string)(&c.Strategy),
		"warmStandbyPercent": &c.WarmStandbyPercent,
		"azCount":            &c.AZCount,
		"service":            &c.Service,
		"logRetentionDays":   &c.LogRetentionDays,
		"protect":            &c.Protect,
		"observability":      &c.Observability,
		"edge":               &c.Edge,
		"database":           &c.Database,
		"cache":              &c.Cache,
		"cacheAuthToken":     &c.CacheAuthToken,
		"dataHomeRegion":     &c.DataHomeRegion,
		"lostRegions":        &c.LostRegions,
		"costAssumptions":    &c.CostAssumptions,
		"budget":             &c.Budget,
		"network":            &c.Network,
		"backup":             &c.Backup,
	}
}

// dependsOnBroken reports whether a validation problem is about, or follows from, a key that could not
// be read (its value is empty, so its own rules and the rules that cite it would only add noise).
func dependsOnBroken(e error, broken map[string]bool) bool {
	msg := e.Error()
	for k := range broken {
		p := key(k)
		if strings.HasPrefix(msg, p+":") || strings.HasPrefix(msg, p+".") || strings.HasPrefix(msg, p+"[") ||
			strings.Contains(msg, k+".") || k == "regions" && strings.Contains(msg, "regions") {
			return true
		}
	}
	return false
}

func abbreviate(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

func configError(errs []error) error {
	return fmt.Errorf("invalid stack configuration (%d problems):\n  %w", len(errs), errors.Join(errs...))
}

// applyDefaults fills the defaults inside the object keys; the top-level defaults come from Keys.
func (c *Config) applyDefaults() {
	c.applyDataDefaults()
	c.Edge.applyDefaults()
	c.Observability.applyDefaults(c)
	c.CostAssumptions = c.CostAssumptions.WithDefaults()
	c.Backup.BackupSettings = c.Backup.BackupSettings.WithDefaults()
	s := &c.Service
	s.ServiceSpec = s.ServiceSpec.WithDefaults()
	if s.DesiredCount == 0 && s.MinCount == 0 && s.MaxCount == 0 {
		s.DesiredCount, s.MinCount, s.MaxCount = 2, 2, 6
	}
}

// Validate checks the whole configuration and returns one error listing every problem.
func (c *Config) Validate() error {
	if errs := c.problems(); len(errs) > 0 {
		return configError(errs)
	}
	return nil
}

// problems lists every problem of the configuration, each naming its key.
func (c *Config) problems() []error {
	var errs []error
	add := func(k, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key(k), fmt.Sprintf(format, v...)))
	}
	if len(c.Regions) < 2 {
		add("regions", "%d regions configured; at least 2 are required for disaster recovery", len(c.Regions))
	}
	seen := map[string]int{}
	type cidr struct {
		p   netip.Prefix
		idx int
	}
	var cidrs []cidr
	for i, r := range c.Regions {
		k := fmt.Sprintf("regions[%d]", i)
		if err := components.CheckRegion(r.Name); err != nil {
			add(k+".name", "%v", err)
		} else if j, dup := seen[r.Name]; dup {
			add(k+".name", "%q is already regions[%d]; each region appears once", r.Name, j)
		} else {
			seen[r.Name] = i
		}
		p, err := netip.ParsePrefix(r.CIDR)
		if err != nil {
			add(k+".cidr", "%q is not a CIDR (want e.g. 10.10.0.0/16)", r.CIDR)
		} else {
			for _, o := range cidrs {
				if o.p.Overlaps(p) {
					add(k+".cidr", "%s overlaps regions[%d].cidr %s; VPC ranges must be disjoint", p, o.idx, o.p)
				}
			}
			cidrs = append(cidrs, cidr{p, i})
		}
		if n := len(r.AvailabilityZones); n > 0 && n != c.AZCount {
			add(k+".availabilityZones", "%d AZs listed but azCount is %d", n, c.AZCount)
		}
	}
	if c.PrimaryRegion == "" {
		add("primaryRegion", "not set; it must be one of the regions %v", c.regionNames())
	} else if _, ok := seen[c.PrimaryRegion]; !ok {
		add("primaryRegion", "%q is not among the regions %v", c.PrimaryRegion, c.regionNames())
	}
	if !slices.Contains(Strategies, c.Strategy) {
		add("drStrategy", "%q is not a DR strategy (allowed: %s)", c.Strategy, strategyList())
	}
	if c.WarmStandbyPercent < 1 || c.WarmStandbyPercent > 100 {
		add("warmStandbyPercent", "%d is outside 1-100", c.WarmStandbyPercent)
	}
	errs = append(errs, c.Service.validate()...)
	errs = append(errs, c.componentProblems()...)
	errs = append(errs, c.validateData()...)
	errs = append(errs, c.validateDataPath()...)
	errs = append(errs, c.validateLost()...)
	errs = append(errs, c.validateEdge()...)
	errs = append(errs, c.Observability.validate(c)...)
	errs = append(errs, c.validateBackup()...)
	errs = append(errs, c.validateBackupRestore()...)
	errs = append(errs, c.validateRejoinUnderBackupRestore()...)
	errs = append(errs, c.validateCost()...)
	if len(errs) == 0 {
		// The budget prices a valid configuration only.
		errs = c.budgetProblems()
	}
	return dedupe(errs)
}

// dedupe drops repeated messages (a rule of a per-region component reports the same key once per
// region), keeping the first.
func dedupe(errs []error) []error {
	seen := map[string]bool{}
	out := errs[:0:0]
	for _, e := range errs {
		if m := e.Error(); !seen[m] {
			seen[m] = true
			out = append(out, e)
		}
	}
	return out
}

// validate checks what the stack adds to the service: the image reference and the primary's task
// counts. The container's own rules are components.ServiceSpec's (componentProblems).
func (s *ServiceConfig) validate() []error {
	var errs []error
	add := func(k, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key("service."+k), fmt.Sprintf(format, v...)))
	}
	if _, _, err := components.ParseImage(s.Image); err != nil {
		add("image", "%v", err)
	}
	switch {
	case s.MinCount < 0 || s.DesiredCount < 0 || s.MaxCount < 0:
		add("minCount/desiredCount/maxCount", "%d/%d/%d: counts cannot be negative", s.MinCount, s.DesiredCount, s.MaxCount)
	case s.MinCount > s.MaxCount:
		add("minCount", "%d is above maxCount %d", s.MinCount, s.MaxCount)
	case s.DesiredCount < s.MinCount || s.DesiredCount > s.MaxCount:
		add("desiredCount", "%d is outside [minCount %d, maxCount %d]", s.DesiredCount, s.MinCount, s.MaxCount)
	case s.MinCount < 1:
		add("minCount", "%d: the primary region must run at least 1 task", s.MinCount)
	}
	return errs
}

func (c *Config) regionNames() []string {
	out := make([]string, len(c.Regions))
	for i, r := range c.Regions {
		out[i] = r.Name
	}
	return out
}

// Secondaries returns the non-primary regions in configuration order.
func (c *Config) Secondaries() []string {
	var out []string
	for _, r := range c.Regions {
		if r.Name != c.PrimaryRegion {
			out = append(out, r.Name)
		}
	}
	return out
}

// RoleOf returns the role of a region.
func (c *Config) RoleOf(region string) components.Role {
	if region == c.PrimaryRegion {
		return components.RolePrimary
	}
	return components.RoleStandby
}
