package stacks

import "github.com/multiregion/multiregion/components"

// Routing is how the global edge spreads traffic over the regions.
type Routing string

const (
	// FailoverRouting sends everything to the primary and fails over to standbys on health.
	FailoverRouting Routing = "failover"
	// LatencyRouting sends each client to its nearest healthy region.
	LatencyRouting Routing = "latency"
)

// RegionPlan is what the DR strategy and the region's role set for one region. It is the single place
// that turns the one strategy knob into per-tier settings.
type RegionPlan struct {
	// Region is the AWS region.
	Region string
	// Role is primary for PrimaryRegion, standby otherwise.
	Role components.Role
	// Capacity is the service's task counts.
	Capacity components.Capacity
	// NATPerAZ is true where a region serves traffic (primary, or every region in active-active).
	NATPerAZ bool
	// TrafficDial is the Global Accelerator dial: 100 where the region serves, 0 for a standby that
	// only takes traffic after a failover.
	TrafficDial int
	// Serves reports whether the region takes client traffic in normal operation.
	Serves bool
}

// Routing returns the edge routing policy of the strategy.
func (c *Config) Routing() Routing {
	if c.Strategy == ActiveActive {
		return LatencyRouting
	}
	return FailoverRouting
}

// Plan returns what the strategy sets for region's own resources: for a lost region, the plan of the
// role it had at the last deployment (so nothing there changes), else that of its role.
func (c *Config) Plan(region string) RegionPlan {
	if role, ok := c.frozenRoles[region]; ok {
		return c.planAs(region, role)
	}
	return c.planAs(region, c.RoleOf(region))
}

// planAs returns what the strategy sets for region in role.
func (c *Config) planAs(region string, role components.Role) RegionPlan {
	s := c.Service
	p := RegionPlan{Region: region, Role: role}
	primary := components.Capacity{Desired: s.DesiredCount, Min: s.MinCount, Max: s.MaxCount}
	switch {
	case p.Role == components.RolePrimary || c.Strategy == ActiveActive:
		p.Capacity, p.NATPerAZ, p.TrafficDial, p.Serves = primary, true, 100, true
	case c.Strategy == WarmStandby:
		n := max(1, (s.MinCount*c.WarmStandbyPercent+99)/100)
		p.Capacity = components.Capacity{Desired: n, Min: n, Max: s.MaxCount}
	default: // pilot light: the service and its capacity providers exist, with no task running.
		p.Capacity = components.Capacity{Desired: 0, Min: 0, Max: s.MaxCount}
	}
	return p
}

// replicaMultiAZ reports whether each standby's database is Multi-AZ, so that a promoted writer is
// Multi-AZ at once: database.replicaMultiAz when it is set, else true for warm-standby and
// active-active and false for pilot-light, the cheap tier, whose promoted writer runs in one AZ until
// the failover's conversion finishes (Objectives states that window). For RDS it is the read
// replicas' Multi-AZ flag; for Aurora it sets the default of database.standbyInstances (2, a writer
// and a reader in two AZs). The one place this default lives.
func (c *Config) replicaMultiAZ() bool {
	if v := c.Database.ReplicaMultiAZ; v != nil {
		return *v
	}
	return c.Strategy != PilotLight
}
