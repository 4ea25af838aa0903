package awsmap

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/pulumi/pulumi-terraform-bridge/v3/pkg/pf/proto"

	"github.com/multiregion/multiregion/localcloud/plugin/tfremote"
)

const sdkModule = "github.com/pulumi/pulumi-aws/sdk/v6@v" + Version

// componentTokens are the pulumi-aws resource types the multiregion components use. The
// plugin must map every one of them.
var componentTokens = []string{
	"aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway",
	"aws:ec2/natGateway:NatGateway", "aws:ec2/eip:Eip", "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route",
	"aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/flowLog:FlowLog",
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "aws:ec2/securityGroup:SecurityGroup",
	"aws:ec2/securityGroupRule:SecurityGroupRule",
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
	"aws:ecs/cluster:Cluster", "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
	"aws:ecs/taskDefinition:TaskDefinition", "aws:ecs/service:Service",
	"aws:lb/loadBalancer:LoadBalancer", "aws:lb/targetGroup:TargetGroup", "aws:lb/listener:Listener",
	"aws:ecr/repository:Repository", "aws:ecr/lifecyclePolicy:LifecyclePolicy",
	"aws:ecr/replicationConfiguration:ReplicationConfiguration",
	"aws:iam/role:Role", "aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
	"aws:cloudwatch/logGroup:LogGroup", "aws:cloudwatch/metricAlarm:MetricAlarm", "aws:cloudwatch/dashboard:Dashboard",
	"aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
	"aws:kms/key:Key", "aws:kms/alias:Alias",
	"aws:s3/bucketV2:BucketV2",
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
	"aws:s3/bucketVersioningV2:BucketVersioningV2", "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
	"aws:s3/bucketLoggingV2:BucketLoggingV2",
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "aws:s3/bucketPolicy:BucketPolicy",
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls",
	"aws:appautoscaling/target:Target", "aws:appautoscaling/policy:Policy",
	"aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance",
	"aws:rds/globalCluster:GlobalCluster", "aws:rds/subnetGroup:SubnetGroup",
	"aws:elasticache/replicationGroup:ReplicationGroup",
	"aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", "aws:elasticache/subnetGroup:SubnetGroup",
	"aws:route53/zone:Zone", "aws:route53/record:Record", "aws:route53/healthCheck:HealthCheck",
	"aws:route53/queryLog:QueryLog", "aws:route53/zoneAssociation:ZoneAssociation",
	"aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
	"aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation",
	"aws:cloudfront/distribution:Distribution", "aws:cloudfront/cachePolicy:CachePolicy",
	"aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
	"aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy",
	"aws:globalaccelerator/accelerator:Accelerator", "aws:globalaccelerator/listener:Listener",
	"aws:globalaccelerator/endpointGroup:EndpointGroup",
	"aws:sns/topic:Topic", "aws:sns/topicSubscription:TopicSubscription",
	"aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
	"aws:xray/samplingRule:SamplingRule", "aws:xray/group:Group",
	"aws:wafv2/webAcl:WebAcl", "aws:wafv2/webAclAssociation:WebAclAssociation",
	"aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration",
	"aws:secretsmanager/secret:Secret",
	"aws:backup/vault:Vault", "aws:backup/vaultPolicy:VaultPolicy",
	"aws:backup/vaultLockConfiguration:VaultLockConfiguration", "aws:backup/plan:Plan",
	"aws:backup/selection:Selection", "aws:backup/restoreTestingPlan:RestoreTestingPlan",
	"aws:backup/restoreTestingSelection:RestoreTestingSelection",
	"aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
}

// sdkOnly lists SDK properties that the Terraform provider no longer has, so the plugin
// cannot serve them; a program must not set them. Each is checked to still differ, so a
// stale entry fails the test.
var sdkOnly = map[string][]string{
	// pulumi-aws re-adds the deprecated alias of dbName, which Terraform 5.x removed.
	"aws:rds/instance:Instance": {"inputs.name", "outputs.name", "state.name"},
}

// Minimal views of the Pulumi package schema the bridge generates.
type typeRef struct {
	Type                 string   `json:"type"`
	Ref                  string   `json:"$ref"`
	Items                *typeRef `json:"items"`
	AdditionalProperties *typeRef `json:"additionalProperties"`
}

type objectSpec struct {
	Properties      map[string]typeRef `json:"properties"`
	Required        []string           `json:"required"`
	InputProperties map[string]typeRef `json:"inputProperties"`
	RequiredInputs  []string           `json:"requiredInputs"`
}

type packageSpec struct {
	Provider  objectSpec            `json:"provider"`
	Resources map[string]objectSpec `json:"resources"`
	Types     map[string]objectSpec `json:"types"`
	Functions map[string]struct {
		Inputs  *objectSpec `json:"inputs"`
		Outputs *objectSpec `json:"outputs"`
	} `json:"functions"`
}

// fixture is the generated schema plus the SDK packages read so far.
type fixture struct {
	spec   packageSpec
	sdkDir string
	mu     sync.Mutex
	pkgs   map[string]*sdkPackage
}

func (f *fixture) sdkPackage(t *testing.T, module string) *sdkPackage {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.pkgs[module]; ok {
		return p
	}
	dir := filepath.Join(f.sdkDir, "go", "aws")
	if module != "index" {
		dir = filepath.Join(dir, module)
	}
	p, err := loadSDKPackage(dir)
	if err != nil {
		t.Fatalf("reading SDK package %s: %v", module, err)
	}
	f.pkgs[module] = p
	return p
}

// terraformProviderForTest finds the Terraform AWS provider binary, or skips the test.
func terraformProviderForTest(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LOCALCLOUD_TF_AWS_PROVIDER"); p != "" {
		return p
	}
	matches, _ := filepath.Glob("/opt/tf-plugins/registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*")
	if len(matches) == 0 {
		t.Skip("no Terraform AWS provider binary: set LOCALCLOUD_TF_AWS_PROVIDER")
	}
	return matches[len(matches)-1]
}

// sdkDirForTest locates (downloading through the module proxy if needed) the SDK sources.
func sdkDirForTest(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", sdkModule).Output()
	if err != nil {
		t.Fatalf("go mod download %s: %v", sdkModule, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download %s: %s %v", sdkModule, info.Error, err)
	}
	return info.Dir
}

var (
	fixtureOnce sync.Once
	fixtureVal  *fixture
	fixtureErr  error
)

func loadFixture(t *testing.T) *fixture {
	t.Helper()
	path := terraformProviderForTest(t)
	sdkDir := sdkDirForTest(t)
	fixtureOnce.Do(func() {
		ctx := context.Background()
		tf, err := tfremote.Start(ctx, path)
		if err != nil {
			fixtureErr = err
			return
		}
		defer tf.Close()
		info, err := ProviderInfo(proto.New(ctx, tf))
		if err != nil {
			fixtureErr = err
			return
		}
		raw, err := Schema(info)
		if err != nil {
			fixtureErr = err
			return
		}
		f := &fixture{sdkDir: sdkDir, pkgs: map[string]*sdkPackage{}}
		if err := json.Unmarshal(raw, &f.spec); err != nil {
			fixtureErr = err
			return
		}
		fixtureVal = f
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureVal
}

// moduleOf returns the module of a token "aws:<module>/<name>:<Name>".
func moduleOf(tok string) string {
	_, rest, _ := strings.Cut(tok, ":")
	mod, _, _ := strings.Cut(rest, "/")
	return mod
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// compareObject checks that schema properties and SDK struct tags name the same
// properties with the same shape (array, map or single value), recursing into nested
// object types. It returns one line per difference.
func (f *fixture) compareObject(t *testing.T, where string, props map[string]typeRef, st sdkStruct, pkg *sdkPackage, seen map[string]bool) []string {
	var diffs []string
	for name := range props {
		if _, ok := st[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s.%s: in the plugin, not in the SDK", where, name))
		}
	}
	for name := range st {
		if _, ok := props[name]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s.%s: in the SDK, not in the plugin", where, name))
		}
	}
	for name, prop := range props {
		field, ok := st[name]
		if !ok {
			continue
		}
		kind, ref := schemaShape(prop)
		if kind != field.kind {
			diffs = append(diffs, fmt.Sprintf("%s.%s: plugin has %s, SDK has %s", where, name, kind, field.kind))
			continue
		}
		if ref == "" || seen[ref] {
			continue
		}
		nested, ok := f.spec.Types[strings.TrimPrefix(ref, "#/types/")]
		if !ok {
			continue
		}
		tok := strings.TrimPrefix(ref, "#/types/")
		nestedPkg := pkg
		if mod := moduleOf(tok); mod != "" {
			nestedPkg = f.sdkPackage(t, mod)
		}
		sdkType, ok := nestedPkg.structs[field.elem]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("%s.%s: SDK type %s not found for %s", where, name, field.elem, tok))
			continue
		}
		seen[ref] = true
		diffs = append(diffs, f.compareObject(t, where+"."+name, nested.Properties, sdkType, nestedPkg, seen)...)
	}
	return diffs
}

func schemaShape(p typeRef) (kind, ref string) {
	switch {
	case p.Type == "array" && p.Items != nil:
		_, ref = schemaShape(*p.Items)
		return "array", ref
	case p.Type == "object" && p.AdditionalProperties != nil:
		_, ref = schemaShape(*p.AdditionalProperties)
		return "map", ref
	}
	return "scalar", p.Ref
}

func sortedDiffs(diffs []string) string {
	sort.Strings(diffs)
	return strings.Join(diffs, "\n")
}

// TestComponentTypesAreMapped fails when a resource type the components use has no
// Terraform resource behind it.
func TestComponentTypesAreMapped(t *testing.T) {
	mapped := map[string]bool{}
	for _, tok := range ResourceTokens() {
		mapped[tok] = true
	}
	for _, tok := range componentTokens {
		if !mapped[tok] {
			t.Errorf("%s is used by the components but not mapped", tok)
		}
	}
}

// TestResourcesMatchSDK compares every mapped resource of the running plugin with the
// pulumi-aws SDK: the token exists, inputs, outputs and state carry the SDK's property
// names and shapes (recursively), and the required inputs are the SDK's, which also
// checks auto-naming (an auto-named property is optional).
func TestResourcesMatchSDK(t *testing.T) {
	f := loadFixture(t)
	for tf, tok := range ResourceTokens() {
		t.Run(tf, func(t *testing.T) {
			pkg := f.sdkPackage(t, moduleOf(tok))
			goType, ok := pkg.resources[tok]
			if !ok {
				t.Fatalf("the SDK registers no %s", tok)
			}
			res, ok := f.spec.Resources[tok]
			if !ok {
				t.Fatalf("the plugin's schema has no %s", tok)
			}
			var diffs []string
			diffs = append(diffs, f.compareObject(t, "inputs", res.InputProperties, pkg.structs[lowerFirst(goType)+"Args"], pkg, map[string]bool{})...)
			diffs = append(diffs, f.compareObject(t, "state", res.Properties, pkg.structs[lowerFirst(goType)+"State"], pkg, map[string]bool{})...)
			diffs = append(diffs, f.compareObject(t, "outputs", res.Properties, pkg.structs[goType], pkg, map[string]bool{})...)

			args := pkg.structs[lowerFirst(goType)+"Args"]
			var sdkRequired []string
			for _, goName := range pkg.required["New"+goType] {
				for name, field := range args {
					if field.goName == goName {
						sdkRequired = append(sdkRequired, name)
					}
				}
			}
			slices.Sort(sdkRequired)
			required := slices.Clone(res.RequiredInputs)
			slices.Sort(required)
			if !slices.Equal(required, sdkRequired) {
				diffs = append(diffs, fmt.Sprintf("required inputs: plugin %v, SDK %v", required, sdkRequired))
			}
			diffs = withoutKnown(t, diffs, sdkOnly[tok])
			if len(diffs) > 0 {
				t.Errorf("%s differs from the SDK:\n%s", tok, sortedDiffs(diffs))
			}
		})
	}
}

// withoutKnown removes the expected SDK-only differences, failing when one is absent.
func withoutKnown(t *testing.T, diffs, known []string) []string {
	t.Helper()
	var out []string
	found := map[string]bool{}
	for _, d := range diffs {
		skip := false
		for _, k := range known {
			if d == k+": in the SDK, not in the plugin" {
				found[k], skip = true, true
			}
		}
		if !skip {
			out = append(out, d)
		}
	}
	for _, k := range known {
		if !found[k] {
			t.Errorf("known SDK-only property %s now matches: remove it from sdkOnly", k)
		}
	}
	return out
}

// TestDataSourcesMatchSDK compares the mapped functions' arguments and results.
func TestDataSourcesMatchSDK(t *testing.T) {
	f := loadFixture(t)
	for tf, tok := range DataSourceTokens() {
		t.Run(tf, func(t *testing.T) {
			pkg := f.sdkPackage(t, moduleOf(tok))
			goFunc, ok := pkg.functions[tok]
			if !ok {
				t.Fatalf("the SDK invokes no %s", tok)
			}
			fn, ok := f.spec.Functions[tok]
			if !ok {
				t.Fatalf("the plugin's schema has no %s", tok)
			}
			var diffs []string
			if fn.Inputs != nil {
				diffs = append(diffs, f.compareObject(t, "args", fn.Inputs.Properties, pkg.structs[goFunc+"Args"], pkg, map[string]bool{})...)
			}
			if fn.Outputs != nil {
				diffs = append(diffs, f.compareObject(t, "result", fn.Outputs.Properties, pkg.structs[goFunc+"Result"], pkg, map[string]bool{})...)
			}
			if len(diffs) > 0 {
				t.Errorf("%s differs from the SDK:\n%s", tok, sortedDiffs(diffs))
			}
		})
	}
}

// TestProviderConfigMatchesSDK compares the provider's settings with aws.ProviderArgs.
func TestProviderConfigMatchesSDK(t *testing.T) {
	f := loadFixture(t)
	pkg := f.sdkPackage(t, "index")
	diffs := f.compareObject(t, "provider", f.spec.Provider.InputProperties, pkg.structs["providerArgs"], pkg, map[string]bool{})
	if len(diffs) > 0 {
		t.Errorf("provider settings differ from the SDK:\n%s", sortedDiffs(diffs))
	}
}
