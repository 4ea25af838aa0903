package ops

import (
	"fmt"
	"slices"
	"strings"
)

// Roles a region can have in status and plans.
const (
	// RolePrimary is the region with the writer.
	RolePrimary = "primary"
	// RoleStandby is a region with a replica.
	RoleStandby = "standby"
	// RoleLost is a region in lostRegions.
	RoleLost = "lost"
)

// Engines the phases tell apart (multiregion:database.engine).
const (
	// EngineAurora is Aurora PostgreSQL: the global cluster is switched over or failed over on the AWS side.
	EngineAurora = "aurora-postgresql"
	// EnginePostgres is RDS PostgreSQL: the up promotes the replica; stale instances rejoin in two steps.
	EnginePostgres = "postgres"
)

// DR strategies the phases tell apart (multiregion:drStrategy).
const (
	// StrategyPilotLight is the DR strategy whose standbys run no tasks.
	StrategyPilotLight = "pilot-light"
	// StrategyBackupRestore is the DR strategy whose standbys hold no database: a change of primary
	// restores the new writer from a backup (database.restoreFrom); docs/datatier.md, "Backup and restore".
	StrategyBackupRestore = "backup-restore"
)

// topology is a stack's settings and last outputs, with the names the data-plane calls need.
type topology struct {
	s       Settings
	outputs map[string]any
}

// role is region's role under the settings.
func (t topology) role(region string) string {
	switch {
	case slices.Contains(t.s.LostRegions, region):
		return RoleLost
	case region == t.s.PrimaryRegion:
		return RolePrimary
	}
	return RoleStandby
}

// aurora reports whether the database is Aurora.
func (t topology) aurora() bool { return t.s.Engine == EngineAurora }

// backupRestore reports whether the stack runs the backup-restore strategy: the configuration says
// so, or, when it names no strategy, the last deployment's output drStrategy.
func (t topology) backupRestore() bool {
	if t.s.Strategy != "" {
		return t.s.Strategy == StrategyBackupRestore
	}
	return str(t.outputs["drStrategy"]) == StrategyBackupRestore
}

// idleStandbys reports whether a standby's service may run no task by design: pilot-light, and
// backup-restore (an idle service; its capacity starts within the up).
func (t topology) idleStandbys() bool {
	return t.s.Strategy == StrategyPilotLight || t.backupRestore()
}

// hasDatabase reports whether the last deployment holds a database in region: its output
// regions.<region>.dbIdentifier is set. Under backup-restore only the primary and the kept former
// writers do; the naming rule of dbIdentifier is no evidence of a database.
func (t topology) hasDatabase(region string) bool {
	return t.regionOutput(region, "dbIdentifier") != ""
}

// deployedPrimary is the primary of the last deployment (output primaryRegion), else the configured one.
func (t topology) deployedPrimary() string {
	if p := str(t.outputs["primaryRegion"]); p != "" {
		return p
	}
	return t.s.PrimaryRegion
}

// replicatedBackups are the RDS automated backups replicated into region, by source (writer) region:
// the output regions.<region>.replicatedDbBackups.
func (t topology) replicatedBackups(region string) map[string]string {
	r, _ := t.outputs["regions"].(map[string]any)
	m, _ := r[region].(map[string]any)
	var out map[string]string
	switch b := m["replicatedDbBackups"].(type) {
	case map[string]any:
		for k, v := range b {
			if s, ok := v.(string); ok && s != "" {
				if out == nil {
					out = map[string]string{}
				}
				out[k] = s
			}
		}
	case map[string]string:
		for k, v := range b {
			if v != "" {
				if out == nil {
					out = map[string]string{}
				}
				out[k] = v
			}
		}
	}
	return out
}

// formerWriters are, under backup-restore, the regions other than the primary that still hold a
// database (a kept former writer), in configured order.
func (t topology) formerWriters() []string {
	var out []string
	for _, r := range t.s.Regions {
		if r != t.s.PrimaryRegion && t.hasDatabase(r) {
			out = append(out, r)
		}
	}
	return out
}

// regionOutput reads outputs.regions.<region>.<key> as a string ("" when absent).
func (t topology) regionOutput(region, key string) string {
	r, _ := t.outputs["regions"].(map[string]any)
	m, _ := r[region].(map[string]any)
	s, _ := m[key].(string)
	return s
}

// dbIdentifier is the region's RDS instance or Aurora cluster identifier: the output, else the
// stack's naming rule "<service>-<region>".
func (t topology) dbIdentifier(region string) string {
	if id := t.regionOutput(region, "dbIdentifier"); id != "" {
		return id
	}
	return t.s.Service + "-" + region
}

// globalName is the Aurora global cluster identifier and the Global Datastore's ID suffix: the home
// region's output regions.<home>.globalClusterId (Aurora), else the stack's naming rule.
func (t topology) globalName() string {
	if id := t.regionOutput(t.s.DataHomeRegion, "globalClusterId"); id != "" {
		return id
	}
	return t.s.Service + "-global"
}

// cacheGroupID is the region's replication group ID: the output, else the stack's naming rule.
func (t topology) cacheGroupID(region string) string {
	if id := t.regionOutput(region, "cacheReplicationGroupId"); id != "" {
		return id
	}
	return t.s.Service + "-" + region
}

// healthCheckID is the region's Route 53 health check ID ("" when the edge has none).
func (t topology) healthCheckID(region string) string {
	m, _ := t.outputs["healthCheckIds"].(map[string]any)
	s, _ := m[region].(string)
	return s
}

// auroraClusterARN is the ARN of region's Aurora cluster: the output regions.<region>.dbArn, or, for
// a stack deployed before that output existed, built from the account and partition of the region's
// ECS cluster ARN (output regions.<region>.clusterArn).
func (t topology) auroraClusterARN(region string) (string, error) {
	if arn := t.regionOutput(region, "dbArn"); strings.HasPrefix(arn, "arn:") {
		return arn, nil
	}
	ecs := t.regionOutput(region, "clusterArn")
	parts := strings.SplitN(ecs, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" || parts[4] == "" {
		return "", fmt.Errorf("building the Aurora cluster ARN of %s: output regions.%s.clusterArn is %q, not an ARN", region, region, ecs)
	}
	return fmt.Sprintf("arn:%s:rds:%s:%s:cluster:%s", parts[1], region, parts[4], t.dbIdentifier(region)), nil
}

// replicatesFromPrimary reports whether a replica source, as RDS reports it (an identifier or an
// ARN), is the current primary's instance.
func (t topology) replicatesFromPrimary(source string) bool {
	id := t.dbIdentifier(t.s.PrimaryRegion)
	return source != "" && (source == id || strings.HasSuffix(source, ":db:"+id))
}

// objective reads an objective output (expectedRto, expectedRpo, expectedRtoLostRegion).
func (t topology) objective(key string) Objective {
	m, _ := t.outputs[key].(map[string]any)
	o := Objective{Seconds: number(m["seconds"]), Basis: str(m["basis"])}
	if p, ok := m["parts"].(map[string]any); ok {
		o.Parts = map[string]float64{}
		for k, v := range p {
			o.Parts[k] = number(v)
		}
	}
	return o
}

// Objective is an expected RTO or RPO as the stack exports it.
type Objective struct {
	// Seconds is the total.
	Seconds float64 `json:"seconds"`
	// Parts are its addends by name (RTO only): detection, awsSideFailover, apply, promotion, capacity, writerName.
	Parts map[string]float64 `json:"parts,omitempty"`
	// Basis explains the figure.
	Basis string `json:"basis,omitempty"`
}

// number reads a JSON-ish number.
func number(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case float32:
		return float64(n)
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case int32:
		return float64(n)
	}
	return 0
}

// str reads a string value ("" otherwise).
func str(v any) string {
	s, _ := v.(string)
	return s
}
