package emulator

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The WAFv2 fixes of fake_wafv2.py, one subtest per patched behaviour. Each fails against
// moto alone.

const wafRegion = "us-west-2"

// wafCall sends a WAFv2 action (JSON protocol) to moto in region.
func wafCall(t *testing.T, m *Moto, region, action, body string) (int, map[string]any) {
	t.Helper()
	return call(t, m.URL(), "wafv2", region, "/", "AWSWAF_20190729."+action, body)
}

// wafOK sends a WAFv2 action that must succeed.
func wafOK(t *testing.T, m *Moto, region, action, body string) map[string]any {
	t.Helper()
	status, out := wafCall(t, m, region, action, body)
	if status != http.StatusOK {
		t.Fatalf("%s: status %d, %v", action, status, out)
	}
	return out
}

// wafError sends a WAFv2 action that must fail with the AWS error code want.
func wafError(t *testing.T, m *Moto, region, action, body, want string) {
	t.Helper()
	status, out := wafCall(t, m, region, action, body)
	if status != http.StatusBadRequest || out["__type"] != want {
		t.Errorf("%s: status %d, %v; want 400 %s", action, status, out, want)
	}
}

type wafACL struct{ name, id, arn, lockToken, scope string }

const wafVisibility = `{"CloudwatchMetricsEnabled":true,"MetricName":"m","SampledRequestsEnabled":true}`

// wafRateRule is the product's rate-based rule.
const wafRateRule = `{"Name":"rate-limit-per-ip","Priority":1,"Action":{"Block":{}},` +
	`"Statement":{"RateBasedStatement":{"Limit":2000,"AggregateKeyType":"IP"}},"VisibilityConfig":` + wafVisibility + `}`

func wafCreateACL(t *testing.T, m *Moto, region, scope, name string) wafACL {
	t.Helper()
	out := wafOK(t, m, region, "CreateWebACL", `{"Name":"`+name+`","Scope":"`+scope+`","Description":"d",`+
		`"DefaultAction":{"Allow":{}},"Rules":[`+wafRateRule+`],"VisibilityConfig":`+wafVisibility+`}`)
	s, _ := out["Summary"].(map[string]any)
	acl := wafACL{name: name, scope: scope}
	acl.id, _ = s["Id"].(string)
	acl.arn, _ = s["ARN"].(string)
	acl.lockToken, _ = s["LockToken"].(string)
	if acl.id == "" || acl.arn == "" || acl.lockToken == "" {
		t.Fatalf("CreateWebACL returned %v", out)
	}
	return acl
}

func (a wafACL) key() string {
	return `"Name":"` + a.name + `","Scope":"` + a.scope + `","Id":"` + a.id + `"`
}

// wafGetACL returns the web ACL and refreshes a's lock token.
func wafGetACL(t *testing.T, m *Moto, region string, a *wafACL) map[string]any {
	t.Helper()
	out := wafOK(t, m, region, "GetWebACL", `{`+a.key()+`}`)
	a.lockToken, _ = out["LockToken"].(string)
	acl, _ := out["WebACL"].(map[string]any)
	return acl
}

func wafDeleteBody(a wafACL) string { return `{` + a.key() + `,"LockToken":"` + a.lockToken + `"}` }

// wafQuery sends a Query-protocol action (EC2, ELBv2) and returns the response body.
func wafQuery(t *testing.T, m *Moto, service, version string, form url.Values) string {
	t.Helper()
	form.Set("Version", version)
	req, err := http.NewRequest(http.MethodPost, m.URL()+"/", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=localcloud/20260101/"+wafRegion+"/"+service+
		"/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: status %d: %s", service, form.Get("Action"), resp.StatusCode, body)
	}
	return string(body)
}

func wafXMLField(t *testing.T, body, field string) string {
	t.Helper()
	m := regexp.MustCompile(`<` + field + `>([^<]+)</` + field + `>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in %s", field, body)
	}
	return m[1]
}

// wafCreateALB creates an application load balancer (in a new VPC) and returns its ARN.
func wafCreateALB(t *testing.T, m *Moto, name string) string {
	t.Helper()
	ec2 := func(form url.Values) string { return wafQuery(t, m, "ec2", "2016-11-15", form) }
	vpc := wafXMLField(t, ec2(url.Values{"Action": {"CreateVpc"}, "CidrBlock": {"10.0.0.0/16"}}), "vpcId")
	form := url.Values{"Action": {"CreateLoadBalancer"}, "Name": {name}, "Type": {"application"}}
	for i, az := range []string{"a", "b"} {
		out := ec2(url.Values{"Action": {"CreateSubnet"}, "VpcId": {vpc}, "CidrBlock": {fmt.Sprintf("10.0.%d.0/24", i+1)},
			"AvailabilityZone": {wafRegion + az}})
		form.Set(fmt.Sprintf("Subnets.member.%d", i+1), wafXMLField(t, out, "subnetId"))
	}
	return wafXMLField(t, wafQuery(t, m, "elasticloadbalancing", "2015-12-01", form), "LoadBalancerArn")
}

func wafDeleteALB(t *testing.T, m *Moto, arn string) {
	t.Helper()
	wafQuery(t, m, "elasticloadbalancing", "2015-12-01", url.Values{"Action": {"DeleteLoadBalancer"}, "LoadBalancerArn": {arn}})
}

func wafAssociate(acl wafACL, resource string) string {
	return `{"WebACLArn":"` + acl.arn + `","ResourceArn":"` + resource + `"}`
}

func wafACLFor(t *testing.T, m *Moto, resource string) string {
	t.Helper()
	out := wafOK(t, m, wafRegion, "GetWebACLForResource", `{"ResourceArn":"`+resource+`"}`)
	acl, _ := out["WebACL"].(map[string]any)
	arn, _ := acl["ARN"].(string)
	return arn
}

func wafLogging(acl wafACL, destination string) string {
	return `{"LoggingConfiguration":{"ResourceArn":"` + acl.arn + `","LogDestinationConfigs":["` + destination + `"]}}`
}

const wafAccount = "123456789012"

func TestWAF(t *testing.T) {
	m := startMoto(t)

	// UpdateWebACL replaces the web ACL: what the request leaves out is reset. moto kept
	// the old rules when sent none, and the old description.
	t.Run("UpdateReplacesTheWebACL", func(t *testing.T) {
		acl := wafCreateACL(t, m, wafRegion, "REGIONAL", "update")
		out := wafOK(t, m, wafRegion, "UpdateWebACL", `{`+acl.key()+`,"LockToken":"`+acl.lockToken+`",`+
			`"DefaultAction":{"Block":{}},"Rules":[],"VisibilityConfig":`+wafVisibility+`}`)
		if next, _ := out["NextLockToken"].(string); next == "" || next == acl.lockToken {
			t.Errorf("UpdateWebACL returned lock token %v, want a new one", out["NextLockToken"])
		}
		got := wafGetACL(t, m, wafRegion, &acl)
		if rules, _ := got["Rules"].([]any); len(rules) != 0 {
			t.Errorf("rules after an update without rules: %v", rules)
		}
		if got["Description"] != "" {
			t.Errorf("description after an update without one: %q", got["Description"])
		}
		if _, blocks := got["DefaultAction"].(map[string]any)["Block"]; !blocks {
			t.Errorf("default action %v, want Block", got["DefaultAction"])
		}
	})

	// The product's web ACL reads back as written (moto alone does this right; it guards
	// the update patch against dropping what Terraform reads).
	t.Run("ProductWebACLReadsBack", func(t *testing.T) {
		var rules []string
		for i, group := range []string{"AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesCommonRuleSet"} {
			rules = append(rules, fmt.Sprintf(`{"Name":"%s","Priority":%d,"OverrideAction":{"None":{}},`+
				`"Statement":{"ManagedRuleGroupStatement":{"Name":"%[1]s","VendorName":"AWS"}},"VisibilityConfig":%[3]s}`,
				group, i+2, wafVisibility))
		}
		acl := wafCreateACL(t, m, "us-east-1", "CLOUDFRONT", "product")
		wafOK(t, m, "us-east-1", "UpdateWebACL", `{`+acl.key()+`,"LockToken":"`+acl.lockToken+`","Description":"d",`+
			`"DefaultAction":{"Allow":{}},"Rules":[`+wafRateRule+`,`+strings.Join(rules, ",")+`],"VisibilityConfig":`+wafVisibility+`}`)
		got := wafGetACL(t, m, "us-east-1", &acl)
		gotRules, _ := got["Rules"].([]any)
		if len(gotRules) != 3 || got["Description"] != "d" || got["VisibilityConfig"] == nil {
			t.Fatalf("the web ACL did not read back: %v", got)
		}
		managed, _ := gotRules[2].(map[string]any)["Statement"].(map[string]any)["ManagedRuleGroupStatement"].(map[string]any)
		if managed["Name"] != "AWSManagedRulesCommonRuleSet" || managed["VendorName"] != "AWS" {
			t.Errorf("managed rule group statement read back as %v", managed)
		}
	})

	// A resource has one web ACL: associating another moves it. moto left it on both, and
	// answered the first.
	t.Run("AssociationMoves", func(t *testing.T) {
		alb := wafCreateALB(t, m, "waf-move")
		first := wafCreateACL(t, m, wafRegion, "REGIONAL", "move-first")
		second := wafCreateACL(t, m, wafRegion, "REGIONAL", "move-second")
		wafOK(t, m, wafRegion, "AssociateWebACL", wafAssociate(first, alb))
		wafOK(t, m, wafRegion, "AssociateWebACL", wafAssociate(second, alb))
		if got := wafACLFor(t, m, alb); got != second.arn {
			t.Errorf("GetWebACLForResource = %s, want the second web ACL %s", got, second.arn)
		}
		wafOK(t, m, wafRegion, "DisassociateWebACL", `{"ResourceArn":"`+alb+`"}`)
		if got := wafACLFor(t, m, alb); got != "" {
			t.Errorf("after DisassociateWebACL the load balancer still has web ACL %s", got)
		}
	})

	// AWS refuses to associate a load balancer that does not exist; moto took any ARN.
	t.Run("AssociateUnknownLoadBalancer", func(t *testing.T) {
		acl := wafCreateACL(t, m, wafRegion, "REGIONAL", "unknown-alb")
		missing := "arn:aws:elasticloadbalancing:" + wafRegion + ":" + wafAccount + ":loadbalancer/app/nothing/0123456789abcdef"
		wafError(t, m, wafRegion, "AssociateWebACL", wafAssociate(acl, missing), "WAFNonexistentItemException")
	})

	// A web ACL in use cannot be deleted; deleting the load balancer ends the association.
	t.Run("DeleteAssociatedWebACL", func(t *testing.T) {
		alb := wafCreateALB(t, m, "waf-delete")
		acl := wafCreateACL(t, m, wafRegion, "REGIONAL", "in-use")
		wafOK(t, m, wafRegion, "AssociateWebACL", wafAssociate(acl, alb))
		wafError(t, m, wafRegion, "DeleteWebACL", wafDeleteBody(acl), "WAFAssociatedItemException")
		wafDeleteALB(t, m, alb)
		wafOK(t, m, wafRegion, "DeleteWebACL", wafDeleteBody(acl))
	})

	// Deleting a web ACL deletes its logging configuration.
	t.Run("DeleteRemovesLogging", func(t *testing.T) {
		acl := wafCreateACL(t, m, wafRegion, "REGIONAL", "logged")
		dest := "arn:aws:logs:" + wafRegion + ":" + wafAccount + ":log-group:aws-waf-logs-deleted"
		wafOK(t, m, wafRegion, "PutLoggingConfiguration", wafLogging(acl, dest))
		wafOK(t, m, wafRegion, "DeleteWebACL", wafDeleteBody(acl))
		wafError(t, m, wafRegion, "GetLoggingConfiguration", `{"ResourceArn":"`+acl.arn+`"}`, "WAFNonexistentItemException")
	})

	// WAF logs only to a Firehose stream, log group or bucket named aws-waf-logs-*, and only
	// for a web ACL that exists; moto stored anything.
	t.Run("LoggingDestination", func(t *testing.T) {
		acl := wafCreateACL(t, m, wafRegion, "REGIONAL", "log-destination")
		group := "arn:aws:logs:" + wafRegion + ":" + wafAccount + ":log-group:"
		wafError(t, m, wafRegion, "PutLoggingConfiguration", wafLogging(acl, group+"app-logs"), "WAFInvalidParameterException")
		wafOK(t, m, wafRegion, "PutLoggingConfiguration", wafLogging(acl, group+"aws-waf-logs-app"))
		out := wafOK(t, m, wafRegion, "GetLoggingConfiguration", `{"ResourceArn":"`+acl.arn+`"}`)
		if cfg, _ := out["LoggingConfiguration"].(map[string]any); fmt.Sprint(cfg["LogDestinationConfigs"]) != "["+group+"aws-waf-logs-app]" {
			t.Errorf("GetLoggingConfiguration returned %v", out)
		}
		gone := acl
		gone.arn = strings.Replace(acl.arn, acl.id, "00000000-0000-0000-0000-000000000000", 1)
		wafError(t, m, wafRegion, "PutLoggingConfiguration", wafLogging(gone, group+"aws-waf-logs-app"), "WAFNonexistentItemException")
		// A CLOUDFRONT web ACL logs from us-east-1, here to Firehose.
		edge := wafCreateACL(t, m, "us-east-1", "CLOUDFRONT", "log-edge")
		wafOK(t, m, "us-east-1", "PutLoggingConfiguration",
			wafLogging(edge, "arn:aws:firehose:us-east-1:"+wafAccount+":deliverystream/aws-waf-logs-edge"))
	})

	// ListLoggingConfigurations filters by scope: CLOUDFRONT ones are listed in us-east-1
	// apart from that region's REGIONAL ones. moto listed no CLOUDFRONT one and both as
	// REGIONAL.
	t.Run("ListLoggingConfigurationsByScope", func(t *testing.T) {
		regional := wafCreateACL(t, m, "us-east-1", "REGIONAL", "list-regional")
		edge := wafCreateACL(t, m, "us-east-1", "CLOUDFRONT", "list-edge")
		stream := "arn:aws:firehose:us-east-1:" + wafAccount + ":deliverystream/aws-waf-logs-list"
		wafOK(t, m, "us-east-1", "PutLoggingConfiguration", wafLogging(regional, stream))
		wafOK(t, m, "us-east-1", "PutLoggingConfiguration", wafLogging(edge, stream))
		for scope, want := range map[string]string{"REGIONAL": regional.arn, "CLOUDFRONT": edge.arn} {
			out := wafOK(t, m, "us-east-1", "ListLoggingConfigurations", `{"Scope":"`+scope+`"}`)
			var got []string
			configs, _ := out["LoggingConfigurations"].([]any)
			for _, c := range configs {
				if arn, _ := c.(map[string]any)["ResourceArn"].(string); strings.Contains(arn, "/list-") {
					got = append(got, arn)
				}
			}
			if len(got) != 1 || got[0] != want {
				t.Errorf("ListLoggingConfigurations(%s) = %v, want [%s]", scope, got, want)
			}
		}
	})

	// A duplicate name fails with AWS's error code (moto: "WafV2DuplicateItem").
	t.Run("DuplicateErrorCode", func(t *testing.T) {
		wafCreateACL(t, m, wafRegion, "REGIONAL", "twice")
		wafError(t, m, wafRegion, "CreateWebACL", `{"Name":"twice","Scope":"REGIONAL","DefaultAction":{"Allow":{}},`+
			`"VisibilityConfig":`+wafVisibility+`}`, "WAFDuplicateItemException")
	})
}
