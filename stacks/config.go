package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/multiregion/multiregion/components"
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
)

// Strategies lists the allowed DR strategies.
var Strategies = []Strategy{PilotLight, WarmStandby, ActiveActive}

// RegionConfig is one entry of multiregion:regions.
type RegionConfig struct {
	// Name is the AWS region, e.g. us-west-2.
	Name string `json:"name"`
	// CIDR is the region's VPC range; regions must not overlap (they may be peered later).
	CIDR string `json:"cidr"`
	// AvailabilityZones optionally pins the AZs; default: the first azCount available ones.
	AvailabilityZones []string `json:"availabilityZones,omitempty"`
}

// ServiceConfig is multiregion:service, the container service every region runs.
type ServiceConfig struct {
	// Name of the service and its container. Default "app".
	Name string `json:"name"`
	// Image is "<ECR repository>:<tag>"; each region pulls it from its own region's replica.
	Image string `json:"image"`
	// Port is the container port. Required.
	Port int `json:"port"`
	// CPU and Memory are the Fargate task size. Required.
	CPU    int `json:"cpu"`
	Memory int `json:"memory"`
	// DesiredCount, MinCount and MaxCount are the primary region's task counts.
	DesiredCount int `json:"desiredCount"`
	MinCount     int `json:"minCount"`
	MaxCount     int `json:"maxCount"`
	// HealthPath is the health check path. Default "/health".
	HealthPath string `json:"healthPath"`
	// Environment holds plain, non-secret variables.
	Environment map[string]string `json:"environment,omitempty"`
	// Secrets maps variable names to Secrets Manager / SSM ARNs.
	Secrets map[string]string `json:"secrets,omitempty"`
	// SpotWeight is the FARGATE_SPOT weight next to FARGATE's 1. Default 0.
	SpotWeight int `json:"spotWeight,omitempty"`
	// Autoscaling turns target tracking on. Default true.
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
	// DataHomeRegion is multiregion:dataHomeRegion, where the Aurora global cluster and the Global
	// Datastore are created and managed; the first region by default. Never change it.
	DataHomeRegion string
	// Edge is multiregion:edge: domain, hosted zone and the global services (Route 53, CloudFront,
	// Global Accelerator), their health checks and the RTO target.
	Edge EdgeConfig
	// Observability is multiregion:observability: alarm subscriptions, log archive, thresholds.
	Observability ObservabilityConfig
}

// key names a config key the way users write it.
func key(k string) string { return Namespace + ":" + k }

// Lookup returns a raw config value and whether it is set.
type Lookup func(key string) (string, bool)

// Load reads and validates the stack configuration from the Pulumi context.
func Load(ctx *pulumi.Context) (*Config, error) {
	c := config.New(ctx, Namespace)
	return Parse(func(k string) (string, bool) {
		v, err := c.Try(k)
		return v, err == nil
	})
}

// Parse decodes and validates the configuration. It reads exactly the keys of Keys, each with its
// type, and gives an omitted key its default from the same table (as the CLI does from Pulumi.yaml).
// It returns one error listing every problem, each naming the key, the bad value and what is allowed.
// It never panics on any input.
func Parse(get Lookup) (*Config, error) {
	var errs []error
	cfg := &Config{}
	fields := map[string]any{
		"regions":            &cfg.Regions,
		"primaryRegion":      &cfg.PrimaryRegion,
		"drStrategy":         (*string)(&cfg.Strategy),
		"warmStandbyPercent": &cfg.WarmStandbyPercent,
		"azCount":            &cfg.AZCount,
		"service":            &cfg.Service,
		"logRetentionDays":   &cfg.LogRetentionDays,
		"protect":            &cfg.Protect,
		"observability":      &cfg.Observability,
		"edge":               &cfg.Edge,
		"database":           &cfg.Database,
		"cache":              &cfg.Cache,
		"cacheAuthToken":     &cfg.CacheAuthToken,
		"dataHomeRegion":     &cfg.DataHomeRegion,
	}
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
		}
	}
	if len(errs) > 0 {
		return nil, configError(errs)
	}
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decodeKey reads raw, the text the engine hands over for k, into dst, a pointer of k's Go type.
func decodeKey(k Key, raw string, dst any) error {
	switch into := dst.(type) {
	case *string:
		*into = raw
	case *int:
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%s: %q is not an integer", key(k.Name), abbreviate(raw))
		}
		*into = n
	case *bool:
		b, err := strconv.ParseBool(strings.TrimSpace(raw))
		if err != nil {
			return fmt.Errorf("%s: %q is not true or false", key(k.Name), abbreviate(raw))
		}
		*into = b
	case nil:
		return fmt.Errorf("%s: the key has no field in Config (a defect of stacks.Keys)", key(k.Name))
	default:
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(into); err != nil {
			return fmt.Errorf("%s: cannot read %q: %v", key(k.Name), abbreviate(raw), err)
		}
	}
	return nil
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
	s := &c.Service
	if s.Name == "" {
		s.Name = "app"
	}
	if s.HealthPath == "" {
		s.HealthPath = "/health"
	}
	if s.DesiredCount == 0 && s.MinCount == 0 && s.MaxCount == 0 {
		s.DesiredCount, s.MinCount, s.MaxCount = 2, 2, 6
	}
}

// Validate checks the whole configuration and returns one error listing every problem.
func (c *Config) Validate() error {
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
		if !components.ValidRegion(r.Name) {
			add(k+".name", "%q is not an AWS region name (e.g. us-west-2, eu-west-1)", r.Name)
		} else if j, dup := seen[r.Name]; dup {
			add(k+".name", "%q is already regions[%d]; each region appears once", r.Name, j)
		} else {
			seen[r.Name] = i
		}
		p, err := netip.ParsePrefix(r.CIDR)
		if err != nil {
			add(k+".cidr", "%q is not a CIDR (want e.g. 10.10.0.0/16)", r.CIDR)
		} else if err := components.CheckVPCCIDR(p, c.AZCount); err != nil {
			add(k+".cidr", "%v", err)
		} else {
			for _, o := range cidrs {
				if o.p.Overlaps(p) {
					add(k+".cidr", "%s overlaps regions[%d].cidr %s; VPC ranges must be disjoint", p, o.idx, o.p)
				}
			}
			cidrs = append(cidrs, cidr{p, i})
		}
		for j, az := range r.AvailabilityZones {
			if !strings.HasPrefix(az, r.Name) || len(az) != len(r.Name)+1 || az[len(az)-1] < 'a' || az[len(az)-1] > 'z' {
				add(fmt.Sprintf("%s.availabilityZones[%d]", k, j), "%q is not an AZ of %s (e.g. %sa)", az, r.Name, r.Name)
			}
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
		add("drStrategy", "%q is not a DR strategy (allowed: %s, %s, %s)", c.Strategy, PilotLight, WarmStandby, ActiveActive)
	}
	if c.WarmStandbyPercent < 1 || c.WarmStandbyPercent > 100 {
		add("warmStandbyPercent", "%d is outside 1-100", c.WarmStandbyPercent)
	}
	if c.AZCount < 2 || c.AZCount > 6 {
		add("azCount", "%d is outside 2-6 (an ALB needs two AZs)", c.AZCount)
	}
	if !components.ValidLogRetention(c.LogRetentionDays) {
		add("logRetentionDays", "%d is not a CloudWatch Logs retention (e.g. 30, 90, 365, 731)", c.LogRetentionDays)
	}
	errs = append(errs, c.Service.validate()...)
	errs = append(errs, c.validateData()...)
	errs = append(errs, c.validateEdge()...)
	errs = append(errs, c.Observability.validate(c)...)
	if len(errs) > 0 {
		return configError(errs)
	}
	return nil
}

func (s *ServiceConfig) validate() []error {
	var errs []error
	add := func(k, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key("service."+k), fmt.Sprintf(format, v...)))
	}
	if _, _, err := s.imageParts(); err != nil {
		add("image", "%v", err)
	}
	if s.Port < 1 || s.Port > 65535 {
		add("port", "%d is outside 1-65535", s.Port)
	}
	if !components.ValidFargateSize(s.CPU, s.Memory) {
		add("cpu/memory", "%d/%d is not a Fargate task size (%s)", s.CPU, s.Memory, components.FargateSizes)
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
	if err := components.CheckHealthPath(s.HealthPath); err != nil {
		add("healthPath", "%v", err)
	}
	if s.SpotWeight < 0 || s.SpotWeight > 10 {
		add("spotWeight", "%d is outside 0-10", s.SpotWeight)
	}
	if err := components.CheckVariables(s.Environment, s.Secrets); err != nil {
		add("environment/secrets", "%v (secrets are referenced by ARN, never written in config)", err)
	}
	return errs
}

// imageParts splits "repository:tag".
func (s *ServiceConfig) imageParts() (repo, tag string, err error) {
	repo, tag, ok := strings.Cut(s.Image, ":")
	if !ok {
		return "", "", fmt.Errorf("%q is not \"<ECR repository name>:<tag>\" (e.g. web:1.4.2); each region pulls it from its own ECR replica", s.Image)
	}
	if err := components.CheckRepositoryName(repo); err != nil {
		return "", "", err
	}
	if err := components.CheckImageTag(tag); err != nil {
		return "", "", err
	}
	return repo, tag, nil
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
