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
	// TypeArray is a list (of Items).
	TypeArray KeyType = "array"
)

// Key describes one key of the multiregion namespace. Keys is the one list: Parse reads exactly these
// keys, with these types and defaults, and Pulumi.yaml's config section is generated from it
// (go generate ./stacks), so the schema the CLI enforces and the program cannot disagree.
type Key struct {
	// Name is the key without its namespace, e.g. "drStrategy".
	Name string
	// Type is the key's type.
	Type KeyType
	// Items is the type of an array's elements. Default TypeObject.
	Items KeyType
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
			"backup-restore | pilot-light | warm-standby | active-active. Sets standby capacity, routing and traffic dials together; " +
			"backup-restore keeps no database, cache or task in the standbys (a failover restores the writer: database.restoreFrom)."},
		{Name: "warmStandbyPercent", Type: TypeInteger, Default: 50, Description: "For warm-standby, each " +
			"standby's task floor as a percentage of service.minCount (rounded up, at least 1). 1-100."},
		{Name: "azCount", Type: TypeInteger, Default: 3, Description: "Availability zones per region, 2-6 " +
			"(public and private subnet in each)."},
		{Name: "service", Type: TypeObject, Description: "The container service: its image " +
			"(\"<ECR repository>:<tag>\"), size, the primary region's task counts, health check, environment " +
			"and runtime settings. Every field, its default and its range: README.md, Configuration."},
		{Name: "logRetentionDays", Type: TypeInteger, Default: 365, Description: "Retention of every " +
			"CloudWatch log group; a CloudWatch-allowed value (1, 3, 5, 7, 14, 30, 60, 90, ..., 3653)."},
		{Name: "protect", Type: TypeBoolean, Default: true, Description: "Pulumi protect on stateful resources " +
			"(keys, repositories, databases, caches) and AWS deletion protection. Turn off only for throwaway stacks."},
		{Name: "observability", Type: TypeObject, Default: map[string]any{}, Description: "Alarm subscriptions, the central log archive (its region and ageing), the ALB 5xx alarm " +
			"threshold and the X-Ray sampling rate. Every field, its default and its range: README.md, Configuration."},
		{Name: "edge", Type: TypeObject, Default: map[string]any{}, Description: "Global entry points: the domain and its hosted zone, which of Route 53, CloudFront and Global " +
			"Accelerator run, WAF on every entry (on by default: a web ACL on every ALB and on CloudFront), their " +
			"health checks, CloudFront's origin behaviour and the RTO target. A stack without a domain must opt in " +
			"to plain HTTP with allowPlainHttp: true (then only Global Accelerator runs, on port 80). Every field, " +
			"its default and its range: README.md, Configuration."},
		{Name: "database", Type: TypeObject, Default: map[string]any{}, Description: "The database every region holds (docs/datatier.md): engine (RDS PostgreSQL with cross-region " +
			"read replicas, or an Aurora PostgreSQL Global Database), version, instance class, storage, backups, " +
			"port (default 5432), users, instance counts, the standbys' Multi-AZ (replicaMultiAz: default true, " +
			"false in pilot-light), monitoring, lag alarm, the RDS rejoin phases, recovery (a point-in-time copy beside the writer) and " +
			"restoreFrom (backup-restore: where a new primary's writer is created from). The master password is " +
			"always AWS-managed. Every field, its default and its range: README.md, Configuration."},
		{Name: "cache", Type: TypeObject, Default: map[string]any{}, Description: "The ElastiCache Global Datastore (at most 2 secondary regions): on or off, engine, version, " +
			"node type and count, snapshots, authentication (IAM or an AUTH token from cacheAuthToken) and lag " +
			"alarm. Every field, its default and its range: README.md, Configuration."},
		{Name: "cacheAuthToken", Type: TypeString, Default: "", Secret: true, Description: "The cache AUTH token, " +
			"required when cache.authMode is token and rejected otherwise; 16-128 printable characters without " +
			"@, \" or /. It must be a secret: set it only with `pulumi config set --secret " +
			"multiregion:cacheAuthToken <token>`; the program rejects a value in clear. (Pulumi.yaml cannot mark " +
			"an optional key secret, so the program checks it.)"},
		{Name: "lostRegions", Type: TypeArray, Items: TypeString, Default: []string{}, Description: "Regions whose " +
			"AWS APIs are unreachable (a regional outage): the program asks nothing of them and keeps every " +
			"resource there as the last deployment left it, while it moves everything else. Set it together " +
			"with a primaryRegion that is not lost; remove a region once it is back (docs/lostregion.md)."},
		{Name: "costAssumptions", Type: TypeObject, Default: map[string]any{}, Description: "The usage figures " +
			"the monthly cost estimate prices (output expectedMonthlyCost, docs/cost.md): requestsPerMonth " +
			"(default 100000000), gbOutPerMonth (500), logGbPerDay (5), natGbPerMonth (200), " +
			"replicatedGbPerMonth (100), dataGb (100); each above 0."},
		{Name: "budget", Type: TypeObject, Default: map[string]any{}, Description: "A ceiling on the estimate: " +
			"monthlyUSD refuses, before anything is registered, a configuration whose expectedMonthlyCost " +
			"total is above it, naming its top three drivers. Optional."},
		{Name: "network", Type: TypeObject, Default: map[string]any{}, Description: "The VPCs' ways to AWS " +
			"APIs: interfaceEndpoints (default false) adds interface endpoints for ECR, Logs, STS and Secrets " +
			"Manager in every region, which pay for themselves above the NAT break-even (docs/cost.md). The S3 " +
			"gateway endpoint is always there."},
		{Name: "backup", Type: TypeObject, Default: map[string]any{}, Description: "AWS Backup in every region " +
			"(docs/datatier.md): enabled (default true); dailyRetentionDays (35; continuous backups, point-in-time " +
			"recovery, keep at most 35), weeklyRetentionDays (90), continuous (true); copyToRegion (default: " +
			"each region copies to the next region of regions); copyToAccount (a backup vault ARN in another " +
			"account, optional); vaultLock {minRetentionDays, maxRetentionDays, changeableForDays} (optional, " +
			"compliance mode: irreversible once changeableForDays have passed); restoreTesting {validationWindowHours} " +
			"(optional: a weekly AWS Backup restore test of the database in every region)."},
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
			items := k.Items
			if items == "" {
				items = TypeObject
			}
			fmt.Fprintf(&b, "    items:\n      type: %s\n", items)
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
