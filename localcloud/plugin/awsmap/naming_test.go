package awsmap

import (
	"context"
	"regexp"
	"testing"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/tfbridge"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

func autoName(t *testing.T, tf, logical string) string {
	t.Helper()
	n, ok := autoNames()[tf]
	if !ok {
		t.Fatalf("%s has no auto-naming rule", tf)
	}
	s := n.schema()
	if s.Default == nil || !s.Default.AutoNamed || s.Name != n.pulumi {
		t.Fatalf("%s: schema %+v is not an auto-name of %s", tf, s, n.pulumi)
	}
	urn := resource.NewURN("stack", "project", "", "aws:x/y:Y", logical)
	v, err := s.Default.ComputeDefault(context.Background(), tfbridge.ComputeDefaultOptions{
		URN:  urn,
		Seed: []byte("seed"),
	})
	if err != nil {
		t.Fatal(err)
	}
	name, ok := v.(string)
	if !ok {
		t.Fatalf("%s: auto-name %v is not a string", tf, v)
	}
	return name
}

func TestAutoNames(t *testing.T) {
	tests := []struct {
		tf, logical string
		want        *regexp.Regexp
	}{
		// RDS gets the logical name, lowercased: never a "terraform-..." identifier.
		{"aws_db_instance", "DB-US-West-2", regexp.MustCompile(`^db-us-west-2-[0-9a-f]{7}$`)},
		{"aws_rds_cluster", "Aurora", regexp.MustCompile(`^aurora-[0-9a-f]{7}$`)},
		{"aws_elasticache_replication_group", "Cache-EU", regexp.MustCompile(`^cache-eu-[0-9a-f]{7}$`)},
		{"aws_s3_bucket", "LogArchive", regexp.MustCompile(`^logarchive-[0-9a-f]{7}$`)},
		{"aws_kms_alias", "data-key", regexp.MustCompile(`^alias/data-key-[0-9a-f]{7}$`)},
		{"aws_cloudwatch_metric_alarm", "ReplicaLag", regexp.MustCompile(`^ReplicaLag-[0-9a-f]{7}$`)},
		{"aws_lb", "alb-us-west-2", regexp.MustCompile(`^alb-us-west-2-[0-9a-f]{7}$`)},
		{"aws_backup_vault", "web-us-west-2-backup", regexp.MustCompile(`^web-us-west-2-backup-[0-9a-f]{7}$`)},
		{"aws_backup_selection", "web-backup", regexp.MustCompile(`^web-backup-[0-9a-f]{7}$`)},
	}
	for _, tt := range tests {
		t.Run(tt.tf, func(t *testing.T) {
			if got := autoName(t, tt.tf, tt.logical); !tt.want.MatchString(got) {
				t.Errorf("auto-name of %q = %q, want %s", tt.logical, got, tt.want)
			}
		})
	}
}

// TestAutoNameTooLong: as in pulumi-aws, a logical name that cannot fit the service's
// limit with its suffix is an error, not a truncation (load balancers: 32 characters).
func TestAutoNameTooLong(t *testing.T) {
	s := autoNames()["aws_lb"].schema()
	urn := resource.NewURN("stack", "project", "", "aws:lb/loadBalancer:LoadBalancer", "a-very-long-load-balancer-name")
	if _, err := s.Default.ComputeDefault(context.Background(), tfbridge.ComputeDefaultOptions{URN: urn, Seed: []byte("s")}); err == nil {
		t.Error("a 30-character logical name must not fit a 32-character load balancer name")
	}
}

func TestAutoNamedTypesAreMapped(t *testing.T) {
	tokens := ResourceTokens()
	for tf := range autoNames() {
		if _, ok := tokens[tf]; !ok {
			t.Errorf("auto-naming rule for unmapped %s", tf)
		}
	}
	for tf := range fieldOverrides() {
		if _, ok := tokens[tf]; !ok {
			t.Errorf("field overrides for unmapped %s", tf)
		}
	}
}
