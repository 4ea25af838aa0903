package tests

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// policyDoc is the part of an IAM policy document the controls read.
type policyDoc struct {
	Statement []struct {
		Effect    string
		Principal any
		Action    any
		Resource  any
		Condition map[string]any
	}
}

func parsePolicy(t *testing.T, s string) policyDoc {
	t.Helper()
	var p policyDoc
	require.NoError(t, json.Unmarshal([]byte(s), &p), s)
	return p
}

func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// TestControlsRegionalCluster checks docs/controls.md rows 1-27 on the prod stack, in every region.
func TestControlsRegionalCluster(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	each := func(typ string, f func(t *testing.T, r *mockcloud.Resource)) {
		t.Helper()
		rs := e.ByType(typ)
		require.NotEmpty(t, rs, typ)
		for _, r := range rs {
			f(t, r)
		}
	}
	t.Run("1-4 ECR repository: immutable, scan on push, KMS, lifecycle policy", func(t *testing.T) {
		each("aws:ecr/repository:Repository", func(t *testing.T, r *mockcloud.Resource) {
			assert.Equal(t, "IMMUTABLE", r.Str("imageTagMutability"), r.Name)
			scan, _ := r.Bool("imageScanningConfiguration.scanOnPush")
			assert.True(t, scan, r.Name)
			assert.Equal(t, "KMS", r.Str("encryptionConfigurations[0].encryptionType"), r.Name)
			assert.Contains(t, r.Str("encryptionConfigurations[0].kmsKey"), "arn:aws:kms:"+r.Region, r.Name)
			assert.True(t, r.Protect, "row 57: %s protected", r.Name)
		})
		policies := e.ByType("aws:ecr/lifecyclePolicy:LifecyclePolicy")
		assert.Len(t, policies, len(e.ByType("aws:ecr/repository:Repository")))
		for _, p := range policies {
			var doc struct {
				Rules []struct {
					Selection map[string]any
				}
			}
			require.NoError(t, json.Unmarshal([]byte(p.Str("policy")), &doc))
			require.Len(t, doc.Rules, 2)
			assert.Equal(t, "untagged", doc.Rules[0].Selection["tagStatus"])
			assert.Equal(t, "imageCountMoreThan", doc.Rules[1].Selection["countType"])
		}
	})
	t.Run("6 ECS cluster: Container Insights", func(t *testing.T) {
		each("aws:ecs/cluster:Cluster", func(t *testing.T, r *mockcloud.Resource) {
			assert.Equal(t, "containerInsights", r.Str("settings[0].name"))
			assert.Equal(t, "enabled", r.Str("settings[0].value"))
		})
	})
	t.Run("7, 12 ECS service: private subnets, no public IP, circuit breaker, grace period", func(t *testing.T) {
		each("aws:ecs/service:Service", func(t *testing.T, r *mockcloud.Resource) {
			public, set := r.Bool("networkConfiguration.assignPublicIp")
			assert.True(t, set && !public, r.Name)
			assert.Equal(t, 3, r.Len("networkConfiguration.subnets"))
			for i := range 3 {
				id := r.Str("networkConfiguration.subnets[" + string(rune('0'+i)) + "]")
				assert.Contains(t, id, "-private-", "service subnet %s must be private", id)
			}
			enable, _ := r.Bool("deploymentCircuitBreaker.enable")
			rollback, _ := r.Bool("deploymentCircuitBreaker.rollback")
			assert.True(t, enable && rollback, r.Name)
			grace, _ := r.Num("healthCheckGracePeriodSeconds")
			assert.Positive(t, grace)
		})
	})
	t.Run("8-10 task definition: awsvpc, unprivileged, read-only, non-root, awslogs, secrets only via secrets", func(t *testing.T) {
		each("aws:ecs/taskDefinition:TaskDefinition", func(t *testing.T, r *mockcloud.Resource) {
			assert.Equal(t, "awsvpc", r.Str("networkMode"))
			var defs []map[string]any
			require.NoError(t, json.Unmarshal([]byte(r.Str("containerDefinitions")), &defs))
			require.Len(t, defs, 2, "application + X-Ray daemon")
			for _, d := range defs {
				assert.Equal(t, false, d["privileged"], d["name"])
				assert.Equal(t, true, d["readonlyRootFilesystem"], d["name"])
				user, _ := d["user"].(string)
				assert.NotEmpty(t, user)
				assert.False(t, user == "0" || user == "root" || strings.HasPrefix(user, "0:"), "%v runs as root", d["name"])
				logs, _ := d["logConfiguration"].(map[string]any)
				assert.Equal(t, "awslogs", logs["logDriver"], d["name"])
				opts, _ := logs["options"].(map[string]any)
				assert.Equal(t, r.Region, opts["awslogs-region"])
				assert.NotEmpty(t, opts["awslogs-group"])
				for _, env := range d["environment"].([]any) {
					name := env.(map[string]any)["name"].(string)
					assert.NotRegexp(t, `(?i)password|secret|token`, name, "secret-looking variable in plain environment")
				}
			}
			assert.Equal(t, "xray-daemon", defs[1]["name"])
		})
	})
	t.Run("11 IAM: separate task and execution roles, no wildcard where a narrower resource exists", func(t *testing.T) {
		each("aws:ecs/taskDefinition:TaskDefinition", func(t *testing.T, r *mockcloud.Resource) {
			assert.NotEqual(t, r.Str("executionRoleArn"), r.Str("taskRoleArn"))
		})
		// Actions that have no resource-level permissions may use "*"; nothing else may.
		wildcardOK := map[string]bool{"ecr:GetAuthorizationToken": true}
		each("aws:iam/rolePolicy:RolePolicy", func(t *testing.T, r *mockcloud.Resource) {
			for _, st := range parsePolicy(t, r.Str("policy")).Statement {
				for _, a := range strs(st.Action) {
					assert.NotEqual(t, "*", a, r.Name)
					for _, res := range strs(st.Resource) {
						if res == "*" {
							assert.True(t, wildcardOK[a] || strings.HasPrefix(a, "xray:"), "%s: %s on *", r.Name, a)
						}
					}
				}
			}
		})
	})
	t.Run("13-14 listeners: HTTPS with a TLS 1.2+ policy, and :80 only redirects to it", func(t *testing.T) {
		// Prod has a domain, so every region has an HTTPS listener; the HTTP-only (no domain) shape is
		// checked in the component tests.
		byRegion := map[string]map[string]*mockcloud.Resource{}
		each("aws:lb/listener:Listener", func(t *testing.T, r *mockcloud.Resource) {
			if byRegion[r.Region] == nil {
				byRegion[r.Region] = map[string]*mockcloud.Resource{}
			}
			byRegion[r.Region][r.Str("protocol")] = r
		})
		for _, region := range prodRegions {
			https, http := byRegion[region]["HTTPS"], byRegion[region]["HTTP"]
			require.NotNil(t, https, region)
			require.NotNil(t, http, region)
			assert.Regexp(t, `^ELBSecurityPolicy-TLS13-1-2`, https.Str("sslPolicy"))
			assert.Contains(t, https.Str("certificateArn"), "arn:aws:acm:"+region+":", "the region's own certificate")
			assert.Equal(t, 1, http.Len("defaultActions"), "one action on :80")
			assert.Equal(t, "redirect", http.Str("defaultActions[0].type"))
			assert.Equal(t, "HTTPS", http.Str("defaultActions[0].redirect.protocol"))
			assert.Equal(t, "HTTP_301", http.Str("defaultActions[0].redirect.statusCode"))
		}
	})
	t.Run("15-19 ALB: drop invalid headers, access logs, deletion protection, desync, two AZs", func(t *testing.T) {
		each("aws:lb/loadBalancer:LoadBalancer", func(t *testing.T, r *mockcloud.Resource) {
			drop, _ := r.Bool("dropInvalidHeaderFields")
			assert.True(t, drop)
			logs, _ := r.Bool("accessLogs.enabled")
			assert.True(t, logs)
			assert.NotEmpty(t, r.Str("accessLogs.bucket"))
			del, _ := r.Bool("enableDeletionProtection")
			assert.True(t, del)
			assert.Contains(t, []string{"defensive", "strictest"}, r.Str("desyncMitigationMode"))
			assert.GreaterOrEqual(t, r.Len("subnets"), 2)
			internal, _ := r.Bool("internal")
			assert.False(t, internal)
		})
		each("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", func(t *testing.T, r *mockcloud.Resource) {
			assert.NotEmpty(t, r.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
		})
		each("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", func(t *testing.T, r *mockcloud.Resource) {
			for _, k := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
				v, _ := r.Bool(k)
				assert.True(t, v, k)
			}
		})
	})
	t.Run("20 target group: explicit health check path and matcher", func(t *testing.T) {
		each("aws:lb/targetGroup:TargetGroup", func(t *testing.T, r *mockcloud.Resource) {
			assert.Equal(t, "/health", r.Str("healthCheck.path"))
			assert.NotEmpty(t, r.Str("healthCheck.matcher"))
			assert.Equal(t, "ip", r.Str("targetType"))
		})
	})
	t.Run("21 every VPC has flow logs", func(t *testing.T) {
		vpcs := e.ByType("aws:ec2/vpc:Vpc")
		flows := e.ByType("aws:ec2/flowLog:FlowLog")
		assert.Len(t, flows, len(vpcs))
		covered := map[string]bool{}
		for _, f := range flows {
			covered[f.Str("vpcId")] = true
			assert.Equal(t, "ALL", f.Str("trafficType"))
		}
		for _, v := range vpcs {
			assert.True(t, covered[v.ID], "VPC %s has no flow log", v.Name)
		}
	})
	t.Run("22 default security group adopted with no rules", func(t *testing.T) {
		each("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", func(t *testing.T, r *mockcloud.Resource) {
			assert.Zero(t, r.Len("ingress"))
			assert.Zero(t, r.Len("egress"))
		})
		assert.Len(t, e.ByType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"), 3)
	})
	t.Run("23 subnets never map public IPs", func(t *testing.T) {
		each("aws:ec2/subnet:Subnet", func(t *testing.T, r *mockcloud.Resource) {
			v, set := r.Bool("mapPublicIpOnLaunch")
			assert.True(t, set && !v, r.Name)
		})
	})
	t.Run("24-25 security groups: internet only to the ALB on 80/443, tasks only from the ALB, all described", func(t *testing.T) {
		each("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", func(t *testing.T, r *mockcloud.Resource) {
			assert.NotEmpty(t, r.Str("description"), r.Name)
			if r.Str("cidrIpv4") == "0.0.0.0/0" {
				port, _ := r.Num("fromPort")
				assert.Contains(t, []float64{80, 443}, port, r.Name)
				assert.Contains(t, r.Name, "-alb-in-", "only the ALB group admits the internet")
			}
			if strings.Contains(r.Name, "tasks-in") {
				assert.NotEmpty(t, r.Str("referencedSecurityGroupId"))
				assert.Empty(t, r.Str("cidrIpv4"))
			}
		})
		each("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", func(t *testing.T, r *mockcloud.Resource) {
			assert.NotEmpty(t, r.Str("description"), r.Name)
		})
		each("aws:ec2/securityGroup:SecurityGroup", func(t *testing.T, r *mockcloud.Resource) {
			assert.NotEmpty(t, r.Str("description"), r.Name)
		})
	})
	t.Run("26 KMS keys: rotation, 30-day window, protected, one per region", func(t *testing.T) {
		perRegion := map[string]int{}
		each("aws:kms/key:Key", func(t *testing.T, r *mockcloud.Resource) {
			rot, _ := r.Bool("enableKeyRotation")
			assert.True(t, rot)
			days, _ := r.Num("deletionWindowInDays")
			assert.Equal(t, 30.0, days)
			assert.True(t, r.Protect)
			perRegion[r.Region]++
		})
		for _, region := range prodRegions {
			assert.Equal(t, 1, perRegion[region], region)
		}
	})
	t.Run("27 log groups: retention and KMS", func(t *testing.T) {
		each("aws:cloudwatch/logGroup:LogGroup", func(t *testing.T, r *mockcloud.Resource) {
			days, _ := r.Num("retentionInDays")
			assert.Equal(t, 365.0, days, r.Name)
			assert.Contains(t, r.Str("kmsKeyId"), "arn:aws:kms:"+r.Region, r.Name)
		})
	})
}

// TestServiceGrantsCarrySourceConditions holds docs/controls.md row 62 on the prod stack, for every
// strategy: every Allow to an AWS service principal, in every key, bucket, topic, log and trust policy
// the stack registers, is bound to this account (aws:SourceAccount or aws:SourceArn), or to its
// resources by the service's encryption context. The one exception is ELB log delivery, whose
// documented grant has no source condition: it is bound by its resource, the AWSLogs/<account>/ path
// ELB writes under for the load balancer's owner.
func TestServiceGrantsCarrySourceConditions(t *testing.T) {
	for _, strategy := range []string{"pilot-light", "warm-standby", "active-active"} {
		e, d := deploy(t, with(t, prodConfig(t), map[string]any{"drStrategy": strategy}))
		account := d.Account.AccountID
		grants := 0
		for _, r := range e.Resources() {
			for _, field := range []string{"policy", "accessPolicy", "policyDocument", "assumeRolePolicy"} {
				doc := r.Str(field)
				if !strings.HasPrefix(strings.TrimSpace(doc), "{") {
					continue
				}
				for i, s := range parsePolicy(t, doc).Statement {
					principal, _ := s.Principal.(map[string]any)
					services := strs(principal["Service"])
					if s.Effect != "Allow" || len(services) == 0 {
						continue
					}
					grants++
					where := r.Type + " " + r.Name + " " + field + " statement " + itoa(i) + " to " + strings.Join(services, ",")
					if services[0] == "logdelivery.elasticloadbalancing.amazonaws.com" {
						for _, res := range strs(s.Resource) {
							assert.Contains(t, res, "/AWSLogs/"+account+"/", "%s: bound to this account's path", where)
						}
						continue
					}
					assert.True(t, boundToAccount(s.Condition, account), "%s: no aws:SourceAccount, aws:SourceArn or encryption-context condition naming account %s: %v", where, account, s.Condition)
				}
			}
		}
		assert.Greater(t, grants, 10, "%s: the stack's service grants were read", strategy)
	}
}

// boundToAccount reports whether a policy condition block ties a grant to account: an
// aws:SourceAccount equal to it, an aws:SourceArn or kms:EncryptionContext ARN in it.
func boundToAccount(cond map[string]any, account string) bool {
	for _, block := range cond {
		keys, _ := block.(map[string]any)
		for k, v := range keys {
			lk := strings.ToLower(k)
			if lk != "aws:sourceaccount" && lk != "aws:sourcearn" && !strings.HasPrefix(lk, "kms:encryptioncontext:") {
				continue
			}
			for _, s := range strs(v) {
				if s == account || strings.Contains(s, ":"+account+":") {
					return true
				}
			}
		}
	}
	return false
}

// TestTaskEgressIsNarrow holds docs/controls.md row 24 for the tasks' way out: HTTPS to the world (AWS
// APIs through NAT) and, inside the VPC and to every peer region, only the database and cache ports,
// which follow database.port.
func TestTaskEgressIsNarrow(t *testing.T) {
	for _, dbPort := range []float64{5432, 6543} {
		e, _ := deploy(t, with(t, prodConfig(t), map[string]any{"database": map[string]any{"port": dbPort}}))
		seen := map[float64]int{}
		for _, r := range e.ByType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") {
			if !strings.Contains(r.Name, "-tasks-out-") {
				continue
			}
			lo, _ := r.Num("fromPort")
			hi, _ := r.Num("toPort")
			assert.Equal(t, lo, hi, "%s opens a range %v-%v", r.Name, lo, hi)
			switch {
			case lo == 443:
				assert.Equal(t, "0.0.0.0/0", r.Str("cidrIpv4"), r.Name)
			case lo == dbPort || lo == 6379:
				assert.True(t, strings.HasPrefix(r.Str("cidrIpv4"), "10."), "%s: data ports only to the private ranges", r.Name)
			default:
				t.Errorf("%s opens port %v", r.Name, lo)
			}
			seen[lo]++
		}
		// Per region: its VPC and the two peers, for each data port.
		assert.Equal(t, map[float64]int{443: 3, dbPort: 9, 6379: 9}, seen, "database.port %v", dbPort)
	}
}

// TestEveryBucketLogsToItsRegionsSink holds docs/controls.md row 61 on the prod stack: one access-log
// sink per region that holds buckets, every other bucket logs to its own region's sink, and no sink logs.
func TestEveryBucketLogsToItsRegionsSink(t *testing.T) {
	e, _ := deploy(t, prodConfig(t))
	sinks := map[string]string{} // region -> sink bucket name
	for _, c := range e.ByType(components.AccessLogSinkType) {
		for _, b := range e.ChildrenOfType(c, "aws:s3/bucketV2:BucketV2") {
			_, dup := sinks[b.Region]
			assert.False(t, dup, "two sinks in %s", b.Region)
			sinks[b.Region] = b.OutStr("bucket")
		}
	}
	logging := map[string]*mockcloud.Resource{} // source bucket -> its logging configuration
	for _, l := range e.ByType("aws:s3/bucketLoggingV2:BucketLoggingV2") {
		logging[l.Str("bucket")] = l
	}
	checked := 0
	for _, b := range e.ByType("aws:s3/bucketV2:BucketV2") {
		name := b.OutStr("bucket")
		if sinks[b.Region] == name {
			assert.NotContains(t, logging, name, "the sink %s must not log to itself", name)
			continue
		}
		checked++
		l := logging[name]
		if assert.NotNil(t, l, "bucket %s (%s) has no access logging", b.Name, b.Region) {
			assert.Equal(t, sinks[b.Region], l.Str("targetBucket"), "%s logs to its own region's sink", b.Name)
			assert.Equal(t, b.Region, l.Region)
		}
	}
	assert.GreaterOrEqual(t, checked, 5, "the ALB log buckets, the edge log bucket and the archive")
	assert.Len(t, sinks, 3, "one sink per region")
}
