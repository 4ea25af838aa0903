package stacks

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

//go:generate go run ./cmd/pulumiyaml -o ../Pulumi.yaml

// KeyType is the type of a configuration key as Pulumi.yaml declares it; the CLI checks stack values
// against it before the program runs.
type KeyType string

const (
	// TypeString is a plain string.
	TypeString KeyType = "string"
	// TypeInteger is a whole number.
	TypeInteger KeyType = "integer"
	// TypeBoolean is true or false.
	TypeBoolean KeyType = "boolean"
	// TypeObject is a structured value (a YAML mapping).
	TypeObject KeyType = "object"
	// TypeArray is a list of objects.
	TypeArray KeyType = "array"
)

// Key describes one key of the multiregion namespace. Keys is the one list: Parse reads exactly these
// keys, with these types and defaults, and Pulumi.yaml's config section is generated from it
// (go generate ./stacks), so the schema the CLI enforces and the program cannot disagree.
type Key struct {
	// Name is the key without its namespace, e.g. "drStrategy".
	Name string
	// Type is the key's type; an array holds objects.
	Type KeyType
	// Default is the value a stack that omits the key gets, as the CLI applies it from Pulumi.yaml and
	// Parse applies it when no CLI is involved (mock tests). Nil means the key is required.
	Default any
	// Secret marks a key whose value must be a Pulumi secret. Pulumi.yaml cannot declare an optional
	// secret (a default would be a value in clear), so the program enforces it (CheckSecrets).
	Secret bool
	// Description is the text `pulumi config` shows; the allowed values and the default belong here.
	Description string
}

// Required reports whether a stack must set the key.
func (k Key) Required() bool { return k.Default == nil }

// defaultText is the default as the program reads it: the CLI hands an object over as JSON and a
// scalar as its text.
func (k Key) defaultText() string {
	switch v := k.Default.(type) {
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	default:
		b, err := json.Marshal(v)
		if err != nil { // the table holds only JSON-encodable defaults (TestKeys)
			return ""
		}
		return string(b)
	}
}

// Keys returns the configuration keys of the multiregion namespace, in the order Pulumi.yaml lists them.
func Keys() []Key {
	return []Key{
		{Name: "regions", Type: TypeArray, Description: "The workload regions, at least 2, each {name, cidr, " +
			"availabilityZones?}. VPC CIDRs must be private, disjoint, between /16 and /20 (3 AZs). " +
			"Example: [{name: us-west-2, cidr: 10.10.0.0/16}, ...]."},
		{Name: "primaryRegion", Type: TypeString, Description: "The region that holds the database writer and " +
			"the cache primary; one of regions. Changing it is a failover."},
		{Name: "drStrategy", Type: TypeString, Default: string(WarmStandby), Description: "DR strategy: " +
			"pilot-light | warm-standby | active-active. Sets standby capacity, routing and traffic dials together."},
		{Name: "warmStandbyPercent", Type: TypeInteger, Default: 50, Description: "For warm-standby, each " +
			"standby's task floor as a percentage of service.minCount (rounded up, at least 1). 1-100."},
		{Name: "azCount", Type: TypeInteger, Default: 3, Description: "Availability zones per region, 2-6 " +
			"(public and private subnet in each)."},
		{Name: "service", Type: TypeObject, Description: "The container service: {name (default app), image " +
			"(\"<ECR repository>:<tag>\"), port, cpu, memory (a Fargate pair), desiredCount, minCount, maxCount " +
			"(primary region; defaults 2/2/6), healthPath (default /health), environment (plain variables), " +
			"secrets (name -> Secrets Manager/SSM ARN), spotWeight (default 0), autoscaling (default true), " +
			"stopTimeoutSeconds (SIGTERM to kill, 2-120, default 30), user (non-root uid[:gid], default 1000:1000)}. " +
			"The name must leave room for the derived ALB name: at most 19 characters minus the longest region name."},
		{Name: "logRetentionDays", Type: TypeInteger, Default: 365, Description: "Retention of every " +
			"CloudWatch log group; a CloudWatch-allowed value (1, 3, 5, 7, 14, 30, 60, 90, ..., 3653)."},
		{Name: "protect", Type: TypeBoolean, Default: true, Description: "Pulumi protect on stateful resources " +
			"(keys, repositories, databases, caches) and AWS deletion protection. Turn off only for throwaway stacks."},
		{Name: "observability", Type: TypeObject, Default: map[string]any{}, Description: "Alarms, log archive " +
			"and tracing: {alarmEmail and alarmHttpsEndpoint (optional subscriptions of every region's " +
			"KMS-encrypted alert topic), logArchiveRegion (one of regions; default the FIRST configured region, " +
			"not the primary, so a failover never moves the archive), archiveTransitionDays (to S3 Standard-IA, " +
			"default 30, >= 30), archiveGlacierDays (default 90), archiveRetentionDays (default 365), " +
			"alb5xxPercent (ALB 5xx share of requests that alarms, default 5), samplingRate (X-Ray, default " +
			"0.05, 0-1)}. Replica-lag thresholds belong to the data tier: database.replicaLagSeconds and " +
			"cache.lagSeconds."},
		{Name: "edge", Type: TypeObject, Default: map[string]any{}, Description: "Global entry points: {domain " +
			"(the service hostname, e.g. app.example.com; certificates also cover cdn.<domain> and " +
			"ga.<domain>), hostedZone (required with domain: a zone ID \"Z...\", an existing zone's name " +
			"\"example.com\", or \"create:<name>\" to create and own it with query logging), recordTTL (DNS " +
			"caching the failover figures assume, 60-86400, default 60), healthCheckIntervalSeconds (10 or 30, " +
			"default 10), healthCheckFailureThreshold (1-10, default 3), measureLatency (default false), " +
			"route53 and cloudFront (default on when domain is set), globalAccelerator (default on), waf " +
			"(CloudFront web ACL, default off), clientAffinity (NONE | SOURCE_IP, default NONE), " +
			"originConnectTimeoutSeconds (1-10, default 10), originConnectionAttempts (1-3, default 3), " +
			"cloudFrontWritePaths (path patterns that allow writes through CloudFront), rtoSeconds (every " +
			"enabled path's computed failover time must fit; default 0 = no target)}. Without a domain only " +
			"Global Accelerator runs, on port 80."},
		{Name: "database", Type: TypeObject, Default: map[string]any{}, Description: "The database every region " +
			"holds (docs/datatier.md): {engine (postgres = RDS writer + cross-region read replicas, or " +
			"aurora-postgresql = Aurora Global Database; default postgres), engineVersion (default 16.4), " +
			"instanceClass (default db.r6g.large; Aurora needs db.r5 or newer memory-optimized), " +
			"allocatedStorage / maxAllocatedStorage (GiB, RDS; defaults 100 / 1000), backupRetentionDays " +
			"(7-35, default 14), adminUsername (default dbadmin; never postgres, admin or root), databaseName " +
			"(default app), iamUsername (the user the service's tasks connect as with IAM authentication; each " +
			"region's task role may rds-db:connect as it on that region's database only; default the service " +
			"name with - as _), instances (Aurora primary, >= 2, default 2), standbyInstances (Aurora " +
			"secondaries; default 0 = headless in pilot-light, else 1), replicaMultiAz (RDS replicas, default " +
			"false), monitoringInterval (1, 5, 10, 15, 30 or 60; default 60), performanceInsightsRetentionDays " +
			"(default 7), replicaLagSeconds (lag alarm threshold of every standby, also drawn on the dashboard; " +
			"default 60), rejoin (region -> release | rebuild: the two-step RDS rejoin of a stale standby)}. " +
			"The master password is always AWS-managed (Secrets Manager)."},
		{Name: "cache", Type: TypeObject, Default: map[string]any{}, Description: "The ElastiCache Global " +
			"Datastore (at most 2 secondary regions): {enabled (default true), engine (redis | valkey, default " +
			"redis), engineVersion (default 7.1 / 8.0), nodeType (M5/M6g/M7g/R5/R6g/R6gd/R7g, default " +
			"cache.r7g.large), nodes (per region, 2-6, default 2), snapshotRetentionDays (1-35, default 7), " +
			"authMode (iam = RBAC with IAM users and no secret, or token = AUTH token from cacheAuthToken; " +
			"default iam), lagSeconds (replication-lag alarm threshold, default 30)}."},
		{Name: "cacheAuthToken", Type: TypeString, Default: "", Secret: true, Description: "The cache AUTH token, " +
			"required when cache.authMode is token and rejected otherwise; 16-128 printable characters without " +
			"@, \" or /. It must be a secret: set it only with `pulumi config set --secret " +
			"multiregion:cacheAuthToken <token>`; the program rejects a value in clear. (Pulumi.yaml cannot mark " +
			"an optional key secret, so the program checks it.)"},
		{Name: "dataHomeRegion", Type: TypeString, Default: "", Description: "The region that creates and " +
			"manages the Aurora global cluster and the ElastiCache Global Datastore; default (empty) the first " +
			"entry of regions. It must be primaryRegion on the first deployment and never change afterwards (a " +
			"failover changes primaryRegion, never this)."},
	}
}

// CheckSecrets rejects a value of a Secret key that is set but not stored as a Pulumi secret: Pulumi.yaml
// cannot require an optional key to be secret, so the program does, for every such key of Keys.
func CheckSecrets(ctx *pulumi.Context, cfg *Config) error {
	fields := cfg.fields()
	var errs []error
	for _, k := range Keys() {
		v, ok := fields[k.Name].(*string)
		if !k.Secret || !ok || *v == "" || ctx.IsConfigSecret(key(k.Name)) {
			continue
		}
		errs = append(errs, fmt.Errorf("%s: is stored in clear; set it with `pulumi config set --secret %s <value>`", key(k.Name), key(k.Name)))
	}
	if len(errs) > 0 {
		return configError(errs)
	}
	return nil
}

// ProjectYAML renders Pulumi.yaml: the project settings and a config section with every key of Keys,
// its type, its default and its description. stacks/cmd/pulumiyaml writes it; TestPulumiYAMLIsGenerated
// fails when the checked-in file differs.
func ProjectYAML() string {
	var b strings.Builder
	b.WriteString("# Generated from stacks/schema.go by `go generate ./stacks`; edit the Go table, not this file.\n")
	b.WriteString("name: " + Namespace + "\n")
	b.WriteString("description: One containerised service across several AWS regions, with disaster recovery and global load balancing.\n")
	b.WriteString("runtime: go\n")
	b.WriteString("main: stacks/cmd/multiregion\n")
	b.WriteString("config:\n")
	for _, k := range Keys() {
		fmt.Fprintf(&b, "  %s:\n", key(k.Name))
		fmt.Fprintf(&b, "    type: %s\n", k.Type)
		if k.Type == TypeArray {
			b.WriteString("    items:\n      type: object\n")
		}
		if k.Default != nil {
			fmt.Fprintf(&b, "    default: %s\n", yamlScalar(k.Default))
		}
		b.WriteString("    description: >-\n")
		for _, line := range wrap(k.Description, 104) {
			b.WriteString("      " + line + "\n")
		}
	}
	return b.String()
}

// yamlScalar renders a default in flow style; JSON is valid YAML.
func yamlScalar(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return `""`
	}
	return string(b)
}

// wrap splits text into lines of at most width characters at spaces (a folded YAML scalar joins them
// back with single spaces).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
