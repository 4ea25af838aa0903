package drill

import (
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// TestPolicyReport: a mandatory violation fails the drill and is listed; the pack's exempt findings
// (advisory, "exempt (<id>): <reason>"), the CLI's policy exceptions and the checks a preview cannot
// evaluate do not; any other advisory finding does.
func TestPolicyReport(t *testing.T) {
	const bucket = "urn:pulumi:local::multiregion::multiregion:index:RegionalCluster$aws:s3/bucketV2:BucketV2::web-us-west-2-alb-logs"
	const lb = "urn:pulumi:local::multiregion::multiregion:index:RegionalCluster$aws:lb/loadBalancer:LoadBalancer::web-us-west-2-alb"
	events := []apitype.PolicyEvent{
		{PolicyName: "s3-bucket-logging-enabled-v6", ResourceURN: bucket, EnforcementLevel: "mandatory", Message: "desc\nBucket logging must be defined."},
		{PolicyName: "elb-deletion-protection-enabled-v6", ResourceURN: lb, EnforcementLevel: "advisory", Message: "exempt (local-stack-destroyable): throwaway\ndesc\nmsg"},
		{PolicyName: "rds-storage-encrypted", ResourceURN: lb, EnforcementLevel: "advisory", Message: "can't run policy 'rds-storage-encrypted' from policy pack 'p' during preview: ..."},
		{PolicyName: "cmk-backing-key-rotation-enabled", ResourceURN: lb, EnforcementLevel: "mandatory", Message: "x",
			Exceptions: []apitype.PolicyEventException{{ID: "EXC-1", Reason: "why"}}},
	}
	r := &PolicyReport{}
	for _, e := range events {
		r.Findings = append(r.Findings, classify(e))
	}
	v := r.Violations()
	if len(v) != 1 || v[0].Policy != "s3-bucket-logging-enabled-v6" || v[0].Type != "aws:s3/bucketV2:BucketV2" {
		t.Fatalf("violations = %+v, want the bucket's only", v)
	}
	if got := r.Findings[1].Exempt; got != "local-stack-destroyable: throwaway" {
		t.Errorf("exempt = %q", got)
	}
	err := r.Err()
	if err == nil || !strings.Contains(err.Error(), "s3-bucket-logging-enabled-v6 aws:s3/bucketV2:BucketV2 x1") || !strings.Contains(err.Error(), bucket) {
		t.Errorf("Err() = %v, want the violation listed with its type, count and URN", err)
	}
	s := r.Summary("local")
	for _, want := range []string{"1 violations, 2 exempt, 1 not evaluable", "exempt elb-deletion-protection-enabled-v6 aws:lb/loadBalancer:LoadBalancer (local-stack-destroyable) x1"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}

	// An advisory finding that is neither exempt nor unevaluable is undocumented: it fails.
	r = &PolicyReport{Findings: []PolicyFinding{classify(apitype.PolicyEvent{PolicyName: "p", ResourceURN: lb, EnforcementLevel: "advisory", Message: "m"})}}
	if r.Err() == nil {
		t.Error("an advisory finding without an exemption passed")
	}
	if (&PolicyReport{}).Err() != nil {
		t.Error("an empty report failed")
	}
}
