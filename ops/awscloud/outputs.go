package awscloud

import "strings"

// regionOutputs is one region's entry of the stack output "regions" (stacks/program.go,
// exportRegions), with the stack-wide health check ID.
type regionOutputs struct {
	role          string
	clusterARN    string // ECS cluster
	serviceName   string // ECS service
	dbIdentifier  string // RDS instance or Aurora cluster identifier
	dbARN         string // RDS instance or Aurora cluster ARN
	cacheGroupID  string // the region's replication group ID
	alarmPrefix   string // every alarm about the region is named with it
	healthCheckID string // outputs.healthCheckIds.<region>
}

// readRegion reads region's outputs; missing keys read as "".
func readRegion(outputs map[string]any, region string) regionOutputs {
	regions, _ := outputs["regions"].(map[string]any)
	m, _ := regions[region].(map[string]any)
	checks, _ := outputs["healthCheckIds"].(map[string]any)
	return regionOutputs{
		role:          str(m["role"]),
		clusterARN:    str(m["clusterArn"]),
		serviceName:   str(m["serviceName"]),
		dbIdentifier:  str(m["dbIdentifier"]),
		dbARN:         str(m["dbArn"]),
		cacheGroupID:  str(m["cacheReplicationGroupId"]),
		alarmPrefix:   str(m["alarmPrefix"]),
		healthCheckID: str(checks[region]),
	}
}

// aurora reports whether the region's database is an Aurora cluster (its ARN is a cluster's), and
// whether that is known (false, false: no ARN in the outputs).
func (r regionOutputs) aurora() (aurora, known bool) {
	if r.dbARN == "" {
		return false, false
	}
	return strings.Contains(r.dbARN, ":cluster:"), true
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
