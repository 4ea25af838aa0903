package components_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Type tokens the state backend tests read.
const (
	kmsKeyType            = "aws:kms/key:Key"
	kmsReplicaKeyType     = "aws:kms/replicaKey:ReplicaKey"
	kmsAliasType          = "aws:kms/alias:Alias"
	bucketType            = "aws:s3/bucketV2:BucketV2"
	bucketVersioningType  = "aws:s3/bucketVersioningV2:BucketVersioningV2"
	bucketEncryptionType  = "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"
	bucketPublicBlockType = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
	bucketPolicyType      = "aws:s3/bucketPolicy:BucketPolicy"
	bucketLifecycleType   = "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"
	bucketReplicationType = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
	iamRoleType           = "aws:iam/role:Role"
	iamRolePolicyType     = "aws:iam/rolePolicy:RolePolicy"
)

// stateRegions are the two regions of the tests' backend: home first.
var stateRegions = []string{"us-west-2", "us-east-1"}

// runStateBackend runs a StateBackend "pulumi-state" in us-west-2 (home) and us-east-1 (replica), each
// on a provider of its region; change adjusts the args after the providers are filled in.
func runStateBackend(t *testing.T, change func(a *components.StateBackendArgs)) (*mockcloud.Engine, *components.StateBackend, error) {
	t.Helper()
	return runStateBackendNamed(t, "pulumi-state", change)
}

// runStateBackendNamed is runStateBackend with the component called name.
func runStateBackendNamed(t *testing.T, name string, change func(a *components.StateBackendArgs)) (*mockcloud.Engine, *components.StateBackend, error) {
	t.Helper()
	e := mockcloud.New()
	var sb *components.StateBackend
	err := e.Run(func(ctx *pulumi.Context) error {
		providers := map[string]*aws.Provider{}
		for _, r := range stateRegions {
			p, err := aws.NewProvider(ctx, "aws-"+r, &aws.ProviderArgs{Region: pulumi.String(r)})
			if err != nil {
				return err
			}
			providers[r] = p
		}
		a := &components.StateBackendArgs{
			Region: "us-west-2", ReplicaRegion: "us-east-1",
			Provider: providers["us-west-2"], ReplicaProvider: providers["us-east-1"],
		}
		if change != nil {
			change(a)
		}
		var err error
		sb, err = components.NewStateBackend(ctx, name, a)
		return err
	}, nil)
	return e, sb, err
}

// other returns the region of stateRegions that is not r.
func other(r string) string {
	if r == stateRegions[0] {
		return stateRegions[1]
	}
	return stateRegions[0]
}

// keyARNs returns the ARN of each region's copy of the key: the primary's and the replica's.
func keyARNs(t *testing.T, e *mockcloud.Engine) map[string]string {
	t.Helper()
	key := e.Find(kmsKeyType, "pulumi-state-us-west-2")
	replica := e.Find(kmsReplicaKeyType, "pulumi-state-us-east-1")
	require.NotNil(t, key, "the primary key")
	require.NotNil(t, replica, "the replica key")
	return map[string]string{"us-west-2": key.OutStr("arn"), "us-east-1": replica.OutStr("arn")}
}

// policyStatements decodes an IAM policy document.
func policyStatements(t *testing.T, doc string) []map[string]any {
	t.Helper()
	var p struct {
		Statement []map[string]any
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &p), doc)
	return p.Statement
}

// strs reads a policy field that is a string or a list of strings.
func strs(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, s := range x {
			if str, ok := s.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// TestStateBackendMultiRegionKey: one multi-Region key (rotation on, 30-day window, protected) in the
// home region, its replica in the other region (protected), and the same alias on each copy, each
// pointing at its own region's copy.
func TestStateBackendMultiRegionKey(t *testing.T) {
	e, _, err := runStateBackend(t, nil)
	require.NoError(t, err)
	keys := e.ByType(kmsKeyType)
	require.Len(t, keys, 1)
	k := keys[0]
	assert.Equal(t, "us-west-2", k.Region)
	for _, field := range []string{"multiRegion", "enableKeyRotation"} {
		v, ok := k.Bool(field)
		assert.True(t, ok && v, "%s must be true", field)
	}
	window, _ := k.Num("deletionWindowInDays")
	assert.Equal(t, 30.0, window)
	assert.True(t, k.Protect, "the primary key is protected")
	assert.Contains(t, k.Str("policy"), ":iam::"+mockcloud.DefaultAccount+":root")

	replicas := e.ByType(kmsReplicaKeyType)
	require.Len(t, replicas, 1)
	rk := replicas[0]
	assert.Equal(t, "us-east-1", rk.Region)
	assert.Equal(t, k.OutStr("arn"), rk.Str("primaryKeyArn"), "the replica replicates the primary")
	assert.True(t, rk.Protect, "the replica key is protected")
	window, _ = rk.Num("deletionWindowInDays")
	assert.Equal(t, 30.0, window)

	arns := keyARNs(t, e)
	aliases := e.ByType(kmsAliasType)
	require.Len(t, aliases, 2)
	for _, a := range aliases {
		assert.Equal(t, "alias/pulumi-state", a.Str("name"), "one alias name in both regions")
		assert.Equal(t, arns[a.Region], a.Str("targetKeyId"), "the %s alias points at its own region's key", a.Region)
	}
	assert.ElementsMatch(t, stateRegions, []string{aliases[0].Region, aliases[1].Region})
}

// TestStateBackendBuckets: one bucket per region, on its region's provider, protected, not
// force-destroyed, versioned, encrypted with its own region's copy of the key, every public access
// blocked, TLS only, and keeping earlier checkpoints for NoncurrentVersionDays while never expiring
// current state.
func TestStateBackendBuckets(t *testing.T) {
	e, _, err := runStateBackend(t, nil)
	require.NoError(t, err)
	arns := keyARNs(t, e)
	buckets := e.ByType(bucketType)
	require.Len(t, buckets, 4, "a state bucket and an access-log sink per region")
	for _, r := range stateRegions {
		n := "pulumi-state-" + r
		b := e.Find(bucketType, n)
		require.NotNil(t, b, "bucket %s", n)
		sink := e.Find(bucketType, n+"-access-logs")
		require.NotNil(t, sink, "the access-log sink of %s", r)
		assert.Equal(t, r, sink.Region)
		logging := e.Find("aws:s3/bucketLoggingV2:BucketLoggingV2", n)
		require.NotNil(t, logging, "%s logs its access", n)
		assert.Equal(t, sink.OutStr("bucket"), logging.Str("targetBucket"), "%s logs to its own region's sink", n)
		assert.Equal(t, r, b.Region)
		assert.True(t, b.Protect, "%s is protected", n)
		fd, ok := b.Bool("forceDestroy")
		assert.True(t, ok && !fd, "%s must not be force-destroyed", n)

		v := e.Find(bucketVersioningType, n)
		require.NotNil(t, v, "versioning of %s", n)
		assert.Equal(t, "Enabled", v.Str("versioningConfiguration.status"))
		assert.Equal(t, r, v.Region)

		enc := e.Find(bucketEncryptionType, n)
		require.NotNil(t, enc, "encryption of %s", n)
		assert.Equal(t, "aws:kms", enc.Str("rules[0].applyServerSideEncryptionByDefault.sseAlgorithm"))
		assert.Equal(t, arns[r], enc.Str("rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId"), "%s uses its own region's key", n)

		pab := e.Find(bucketPublicBlockType, n)
		require.NotNil(t, pab, "public access block of %s", n)
		for _, f := range []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"} {
			on, ok := pab.Bool(f)
			assert.True(t, ok && on, "%s.%s", n, f)
		}

		pol := e.Find(bucketPolicyType, n)
		require.NotNil(t, pol, "policy of %s", n)
		tls := false
		for _, s := range policyStatements(t, pol.Str("policy")) {
			if s["Effect"] == "Deny" && strings.Contains(toJSON(t, s["Condition"]), `"aws:SecureTransport":"false"`) {
				tls = true
			}
		}
		assert.True(t, tls, "%s denies requests not over TLS", n)

		lc := e.Find(bucketLifecycleType, n)
		require.NotNil(t, lc, "lifecycle of %s", n)
		days, _ := lc.Num("rules[0].noncurrentVersionExpiration.noncurrentDays")
		assert.Equal(t, 90.0, days, "earlier checkpoints are kept 90 days by default")
		assert.False(t, lc.Has("rules[0].expiration"), "current state must never expire")
	}
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestStateBackendReplicatesBothWays: each bucket replicates to the other (so whichever is in use
// during an outage replicates back), from its own region, with delete markers and KMS-encrypted
// objects, re-encrypted with the destination region's key copy, through its own role, and only once
// both buckets are versioned.
func TestStateBackendReplicatesBothWays(t *testing.T) {
	e, _, err := runStateBackend(t, nil)
	require.NoError(t, err)
	arns := keyARNs(t, e)
	configs := e.ByType(bucketReplicationType)
	require.Len(t, configs, 2)
	for _, r := range stateRegions {
		to := other(r)
		c := e.Find(bucketReplicationType, "pulumi-state-"+r)
		require.NotNil(t, c, "replication from %s", r)
		src, dst := e.Find(bucketType, "pulumi-state-"+r), e.Find(bucketType, "pulumi-state-"+to)
		assert.Equal(t, r, c.Region, "the configuration lives with its source bucket")
		assert.Equal(t, src.ID, c.Str("bucket"))
		require.Equal(t, 1, c.Len("rules"))
		assert.Equal(t, "Enabled", c.Str("rules[0].status"))
		assert.Equal(t, dst.OutStr("arn"), c.Str("rules[0].destination.bucket"), "%s replicates to %s", r, to)
		assert.Equal(t, arns[to], c.Str("rules[0].destination.encryptionConfiguration.replicaKmsKeyId"),
			"replicas are encrypted with the destination's (%s) key", to)
		assert.Equal(t, "Enabled", c.Str("rules[0].sourceSelectionCriteria.sseKmsEncryptedObjects.status"))
		assert.Equal(t, "Enabled", c.Str("rules[0].deleteMarkerReplication.status"))
		assert.True(t, c.Has("rules[0].filter"), "the V2 schema (a filter) is required for delete-marker replication")
		role := e.Find(iamRoleType, "pulumi-state-replication-"+r)
		require.NotNil(t, role)
		assert.Equal(t, role.OutStr("arn"), c.Str("role"))
		for _, b := range []string{r, to} {
			v := e.Find(bucketVersioningType, "pulumi-state-"+b)
			assert.Contains(t, c.AllDependencies(), v.URN, "replication from %s waits for versioning in %s", r, b)
		}
	}
}

// TestStateBackendReplicationLeastPrivilege: each replication role is assumable by S3 of this account
// only and may read only its source bucket, write only to the destination bucket, decrypt only with
// the source's key copy and encrypt only with the destination's, each through S3 of that key's region.
func TestStateBackendReplicationLeastPrivilege(t *testing.T) {
	e, _, err := runStateBackend(t, nil)
	require.NoError(t, err)
	arns := keyARNs(t, e)
	for _, r := range stateRegions {
		to := other(r)
		n := "pulumi-state-replication-" + r
		role := e.Find(iamRoleType, n)
		require.NotNil(t, role)
		trust := role.Str("assumeRolePolicy")
		assert.Contains(t, trust, `"Service":"s3.amazonaws.com"`)
		assert.Contains(t, trust, `"aws:SourceAccount":"`+mockcloud.DefaultAccount+`"`)

		pol := e.Find(iamRolePolicyType, n)
		require.NotNil(t, pol)
		src := e.Find(bucketType, "pulumi-state-"+r).OutStr("arn")
		dst := e.Find(bucketType, "pulumi-state-"+to).OutStr("arn")
		granted := map[string][]string{} // action -> resources
		via := map[string]string{}       // kms action -> kms:ViaService
		for _, s := range policyStatements(t, pol.Str("policy")) {
			assert.Equal(t, "Allow", s["Effect"])
			for _, action := range strs(s["Action"]) {
				assert.NotContains(t, action, "*", "%s grants a wildcard action", n)
				granted[action] = append(granted[action], strs(s["Resource"])...)
				if strings.HasPrefix(action, "kms:") {
					cond, _ := s["Condition"].(map[string]any)
					eq, _ := cond["StringEquals"].(map[string]any)
					via[action], _ = eq["kms:ViaService"].(string)
				}
			}
		}
		want := map[string][]string{
			"s3:GetReplicationConfiguration":    {src},
			"s3:ListBucket":                     {src},
			"s3:GetObjectVersionForReplication": {src + "/*"},
			"s3:GetObjectVersionAcl":            {src + "/*"},
			"s3:GetObjectVersionTagging":        {src + "/*"},
			"s3:ReplicateObject":                {dst + "/*"},
			"s3:ReplicateDelete":                {dst + "/*"},
			"s3:ReplicateTags":                  {dst + "/*"},
			"kms:Decrypt":                       {arns[r]},
			"kms:Encrypt":                       {arns[to]},
			"kms:GenerateDataKey":               {arns[to]},
		}
		assert.Equal(t, want, granted, "%s grants exactly these actions on these resources", n)
		assert.Equal(t, "s3."+r+".amazonaws.com", via["kms:Decrypt"])
		assert.Equal(t, "s3."+to+".amazonaws.com", via["kms:Encrypt"])
		assert.Equal(t, "s3."+to+".amazonaws.com", via["kms:GenerateDataKey"])
	}
}

// TestStateBackendOutputs: per region, the bucket name, the key copy's ARN, the URL to log in to and
// the secrets provider URL, which differs from the other region's only in its region.
func TestStateBackendOutputs(t *testing.T) {
	e, sb, err := runStateBackend(t, nil)
	require.NoError(t, err)
	arns := keyARNs(t, e)
	names := mockcloud.Await[map[string]string](t, sb.BucketNames)
	keys := mockcloud.Await[map[string]string](t, sb.KeyARNs)
	backends := mockcloud.Await[map[string]string](t, sb.BackendURLs)
	secrets := mockcloud.Await[map[string]string](t, sb.SecretsProviders)
	for _, r := range stateRegions {
		bucket := e.Find(bucketType, "pulumi-state-"+r).OutStr("bucket")
		require.NotEmpty(t, bucket)
		assert.Equal(t, bucket, names[r])
		assert.Equal(t, arns[r], keys[r])
		assert.Equal(t, "s3://"+bucket+"?region="+r, backends[r])
		assert.Equal(t, "awskms://alias/pulumi-state?region="+r, secrets[r])
	}
	assert.Len(t, backends, 2)
	assert.Len(t, secrets, 2)
	assert.NotEqual(t, backends["us-west-2"], backends["us-east-1"])
}

// TestStateBackendOptions: BucketPrefix names the buckets exactly, KeyAlias names the alias in both
// regions and the URLs, NoncurrentVersionDays reaches the lifecycle rule, and Protect false leaves
// nothing protected.
func TestStateBackendOptions(t *testing.T) {
	e, sb, err := runStateBackend(t, func(a *components.StateBackendArgs) {
		a.BucketPrefix = "acme-state-123456789012"
		a.KeyAlias = "ops/pulumi"
		a.NoncurrentVersionDays = 365
		a.Protect = components.Bool(false)
	})
	require.NoError(t, err)
	for _, r := range stateRegions {
		assert.Equal(t, "acme-state-123456789012-"+r, e.Find(bucketType, "pulumi-state-"+r).Str("bucket"))
		days, _ := e.Find(bucketLifecycleType, "pulumi-state-"+r).Num("rules[0].noncurrentVersionExpiration.noncurrentDays")
		assert.Equal(t, 365.0, days)
	}
	for _, a := range e.ByType(kmsAliasType) {
		assert.Equal(t, "alias/ops/pulumi", a.Str("name"))
	}
	for _, r := range e.Resources() {
		assert.False(t, r.Protect, "%s %s is protected although Protect is false", r.Type, r.Name)
	}
	backends := mockcloud.Await[map[string]string](t, sb.BackendURLs)
	secrets := mockcloud.Await[map[string]string](t, sb.SecretsProviders)
	assert.Equal(t, "s3://acme-state-123456789012-us-east-1?region=us-east-1", backends["us-east-1"])
	assert.Equal(t, "awskms://alias/ops/pulumi?region=us-east-1", secrets["us-east-1"])
}

// TestStateBackendStatefulChildrenNamedByRegion: every stateful child (buckets, both keys) is named
// after the region of its provider, never a role, and is protected; every custom child is on the
// provider of one of the two regions.
func TestStateBackendStatefulChildrenNamedByRegion(t *testing.T) {
	e, _, err := runStateBackend(t, nil)
	require.NoError(t, err)
	stateful := append(components.StatefulTypes(), kmsReplicaKeyType)
	comp := e.Component(components.StateBackendType, "pulumi-state")
	require.NotNil(t, comp)
	children := e.ChildrenOf(comp)
	require.NotEmpty(t, children)
	seen := 0
	for _, r := range children {
		if !r.Custom {
			continue // the access-log sinks (components/accesslogs_test.go)
		}
		assert.Contains(t, stateRegions, r.Region, "%s %s is on an explicit provider of one of the regions", r.Type, r.Name)
		if slices.Contains(stateful, r.Type) {
			seen++
			assert.True(t, strings.HasSuffix(strings.TrimSuffix(r.Name, "-access-logs"), "-"+r.Region), "%s %s is named after its region %s", r.Type, r.Name, r.Region)
			assert.True(t, r.Protect, "%s %s is protected", r.Type, r.Name)
		}
	}
	assert.Equal(t, 6, seen, "two state buckets, two access-log sinks and two keys")
}

// TestStateBackendRejectsBadArgs: every bad input is reported with its field and value, and nothing
// but the test's providers is registered.
func TestStateBackendRejectsBadArgs(t *testing.T) {
	cases := []struct {
		name   string
		change func(a *components.StateBackendArgs)
		want   []string
	}{
		{"same region", func(a *components.StateBackendArgs) { a.ReplicaRegion = "us-west-2" },
			[]string{`ReplicaRegion: "us-west-2" is also Region`}},
		{"unknown region", func(a *components.StateBackendArgs) { a.Region = "us-wset-2" },
			[]string{`Region: "us-wset-2" is not a known AWS region`}},
		{"other partition", func(a *components.StateBackendArgs) { a.ReplicaRegion = "cn-north-1" },
			[]string{`ReplicaRegion: "cn-north-1" is in the aws-cn partition`}},
		{"no provider", func(a *components.StateBackendArgs) { a.Provider = nil },
			[]string{`Provider: required (an AWS provider for "us-west-2")`}},
		{"no replica provider", func(a *components.StateBackendArgs) { a.ReplicaProvider = nil },
			[]string{`ReplicaProvider: required (an AWS provider for "us-east-1")`}},
		{"replica provider of the home region", func(a *components.StateBackendArgs) { a.ReplicaProvider = a.Provider },
			[]string{"ReplicaProvider: the provider is for us-west-2, but the component's region is us-east-1"}},
		{"providers swapped", func(a *components.StateBackendArgs) { a.Provider, a.ReplicaProvider = a.ReplicaProvider, a.Provider },
			[]string{"Provider: the provider is for us-east-1, but the component's region is us-west-2"}},
		{"bad account", func(a *components.StateBackendArgs) {
			a.Account = &components.AccountARNs{Partition: "aws", AccountID: "12345"}
		},
			[]string{`Account.AccountID: "12345" is not a 12-digit AWS account ID`}},
		{"noncurrent too short", func(a *components.StateBackendArgs) { a.NoncurrentVersionDays = 3 },
			[]string{"NoncurrentVersionDays: 3 is outside 7-3650"}},
		{"noncurrent too long", func(a *components.StateBackendArgs) { a.NoncurrentVersionDays = 4000 },
			[]string{"NoncurrentVersionDays: 4000 is outside 7-3650"}},
		{"uppercase prefix", func(a *components.StateBackendArgs) { a.BucketPrefix = "Acme_State" },
			[]string{`BucketPrefix: "Acme_State" must be lowercase letters`}},
		{"reserved prefix", func(a *components.StateBackendArgs) { a.BucketPrefix = "xn--state" },
			[]string{`BucketPrefix: "xn--state" starts with a prefix S3 reserves`}},
		{"long prefix", func(a *components.StateBackendArgs) { a.BucketPrefix = strings.Repeat("a", 54) },
			[]string{`BucketPrefix: "` + strings.Repeat("a", 54) + `" is 1 characters too long`}},
		{"aws alias", func(a *components.StateBackendArgs) { a.KeyAlias = "aws/state" },
			[]string{`KeyAlias: "aws/state" starts with aws/`}},
		{"alias characters", func(a *components.StateBackendArgs) { a.KeyAlias = "state key" },
			[]string{`KeyAlias: "state key" must be letters, digits`}},
		{"everything at once", func(a *components.StateBackendArgs) {
			a.ReplicaRegion, a.NoncurrentVersionDays, a.KeyAlias = "us-west-2", 1, "aws/x"
		}, []string{"ReplicaRegion:", "NoncurrentVersionDays: 1", `KeyAlias: "aws/x"`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, _, err := runStateBackend(t, tc.change)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
			for _, r := range e.Resources() {
				assert.Equal(t, mockcloud.AWSProviderType, r.Type, "bad args registered %s %s", r.Type, r.Name)
			}
		})
	}
}

// TestStateBackendRejectsBadName: the component name starts the bucket, alias and role names, so it
// must be a lowercase DNS label short enough for the longest of them; a bad one registers nothing.
func TestStateBackendRejectsBadName(t *testing.T) {
	long := strings.Repeat("s", 35) // 35 + len("-replication-us-west-2") = 57 > 64 - 8
	for name, want := range map[string]string{
		"Pulumi_State": `name: "Pulumi_State" must be lowercase letters, digits and hyphens`,
		"-state":       `name: "-state" must be lowercase letters`,
		"":             `name: "" must be lowercase letters`,
		long:           `name: "` + long + `" is 1 characters too long: the replication role name derived from it, "` + long + `-replication-us-west-2"`,
	} {
		e, _, err := runStateBackendNamed(t, name, nil)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), want, name)
		for _, r := range e.Resources() {
			assert.Equal(t, mockcloud.AWSProviderType, r.Type, "a bad name registered %s %s", r.Type, r.Name)
		}
	}
	ok := &components.StateBackendArgs{Region: "us-west-2", ReplicaRegion: "us-east-1"}
	d := ok.WithDefaults()
	for _, fe := range d.Validate(long[1:]) {
		assert.NotEqual(t, "name", fe.Path, "a 34-character name fits: %v", fe)
	}
}

// TestStateBackendURLHelpers: the two operator strings have the exact forms `pulumi login` and
// `pulumi stack change-secrets-provider` take.
func TestStateBackendURLHelpers(t *testing.T) {
	assert.Equal(t, "s3://acme-state-us-east-1?region=us-east-1", components.BackendURL("acme-state-us-east-1", "us-east-1"))
	assert.Equal(t, "awskms://alias/pulumi-state?region=us-east-1", components.SecretsProviderURL("pulumi-state", "us-east-1"))
}
