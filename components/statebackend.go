package components

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/s3"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// StateBackendType is the URN type token of StateBackend. It never changes.
const StateBackendType = "multiregion:index:StateBackend"

// stateKeyDeletionWindowDays is the deletion window of both copies of the state key: the longest KMS
// allows, because losing the key loses every secret of every stack it encrypts.
const stateKeyDeletionWindowDays = 30

// StateBackendArgs configures the operator's own path: a Pulumi state backend and secrets provider
// that survive the loss of either of two regions.
type StateBackendArgs struct {
	// Region is the home region: the multi-Region KMS primary key and the first state bucket live
	// there, e.g. "us-west-2". Required; a known region of the aws partition.
	Region string
	// ReplicaRegion is the second region: the replica key and the second state bucket live there,
	// e.g. "us-east-1". Required; a known region, different from Region. Either region may be lost:
	// each holds a full copy of the state and a key that decrypts it.
	ReplicaRegion string
	// Provider is an AWS provider for Region. Required; every child in Region uses it.
	Provider pulumi.ProviderResource
	// ReplicaProvider is an AWS provider for ReplicaRegion. Required; every child in ReplicaRegion
	// uses it.
	ReplicaProvider pulumi.ProviderResource
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from Provider (aws.GetCallerIdentity); set it to read the account once, and so that
	// nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
	// Protect sets Pulumi's protect option on the buckets and both keys. Default true.
	Protect *bool
	// AccessLogBuckets maps Region and ReplicaRegion to the S3 access-log bucket (AccessLogSink) of
	// that region, which receives the state bucket's server access logs (FSBP S3.9). Default: the
	// component creates an AccessLogSink in each region that has none here.
	AccessLogBuckets map[string]pulumi.StringInput
	// NoncurrentVersionDays is how long an overwritten or deleted state object (an earlier checkpoint)
	// is kept as a noncurrent version before it expires. Current objects never expire. Default 90;
	// allowed 7-3650.
	NoncurrentVersionDays int
	// BucketPrefix, when set, names the buckets exactly "<BucketPrefix>-<region>", so that an operator
	// can name the surviving bucket without reading any state (S3 names are global: include something
	// of your own, e.g. "acme-pulumi-state-123456789012"). Lowercase letters, digits and hyphens, not
	// starting or ending with a hyphen; with the longer region at most 63 characters. Default: "",
	// Pulumi auto-names each bucket "<name>-<region>-<7 random characters>" (see the BucketNames
	// output).
	BucketPrefix string
	// KeyAlias is the alias given to the key in both regions (without the "alias/" prefix), so that
	// the two secrets provider URLs differ only in their region. Letters, digits, "/", "_" and "-",
	// at most 200 characters, not starting with "aws/". Default: the component's name.
	KeyAlias string
}

// StateBackend is a self-managed Pulumi backend that no single region can take away: a versioned,
// KMS-encrypted, private, TLS-only S3 bucket in each of two regions, replicating to each other in both
// directions (so whichever bucket is in use during an outage replicates back), and a multi-Region KMS
// key with a replica in the second region under the same alias (an awskms:// secrets provider whose
// ciphertext either copy decrypts). See docs/statebackend.md for the bootstrap and the fallback.
type StateBackend struct {
	pulumi.ResourceState

	// Key is the multi-Region primary key, in Region.
	Key *kms.Key
	// ReplicaKey is the key's replica, in ReplicaRegion.
	ReplicaKey *kms.ReplicaKey
	// Buckets are the state buckets by region.
	Buckets map[string]*s3.BucketV2

	// BucketNames are the state buckets' names by region.
	BucketNames pulumi.StringMapOutput `pulumi:"bucketNames"`
	// KeyARNs are the ARNs of the region's copy of the key by region (the primary's in Region, the
	// replica's in ReplicaRegion; both share one key ID, "mrk-...").
	KeyARNs pulumi.StringMapOutput `pulumi:"keyArns"`
	// BackendURLs are the URLs to `pulumi login` to by region: "s3://<bucket>?region=<region>".
	BackendURLs pulumi.StringMapOutput `pulumi:"backendUrls"`
	// SecretsProviders are the stack secrets providers by region:
	// "awskms://alias/<KeyAlias>?region=<region>".
	SecretsProviders pulumi.StringMapOutput `pulumi:"secretsProviders"`
}

var (
	// stateBackendNamePattern is what the component name may hold: it starts the auto-named buckets'
	// names, the alias and the replication roles' names.
	stateBackendNamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	// bucketPrefixPattern is an S3 bucket name without dots (dotted names break TLS to the
	// virtual-hosted endpoint).
	bucketPrefixPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	// keyAliasPattern is a KMS alias name after "alias/".
	keyAliasPattern = regexp.MustCompile(`^[a-zA-Z0-9/_-]+$`)
)

// keyAliasLimit is the length limit of KeyAlias: KMS allows 256 characters with "alias/".
const keyAliasLimit = 200

// WithDefaults returns a copy of a with every unset field at its default (KeyAlias, whose default is
// the component's name, is read through keyAlias).
func (a *StateBackendArgs) WithDefaults() StateBackendArgs {
	c := *a
	orDefault(&c.NoncurrentVersionDays, 90)
	return c
}

// keyAlias returns KeyAlias, or name when it is unset.
func (a *StateBackendArgs) keyAlias(name string) string {
	alias := a.KeyAlias
	orDefault(&alias, name)
	return alias
}

// regions returns Region and ReplicaRegion, in that order.
func (a *StateBackendArgs) regions() []string { return []string{a.Region, a.ReplicaRegion} }

// Validate checks a (after WithDefaults) for a component called name and returns every problem.
// NewStateBackend runs it before it registers anything.
func (a *StateBackendArgs) Validate(name string) FieldErrors {
	var f FieldErrors
	f = append(f, AsFieldErrors(checkRegion("Region", a.Region))...)
	f = append(f, AsFieldErrors(checkRegion("ReplicaRegion", a.ReplicaRegion))...)
	if a.Region != "" && a.Region == a.ReplicaRegion {
		f.Add("ReplicaRegion", "%q is also Region; the state must live in two regions to survive the loss of one", a.ReplicaRegion)
	}
	if a.Provider == nil {
		f.Add("Provider", "required (an AWS provider for %q)", a.Region)
	}
	if a.ReplicaProvider == nil {
		f.Add("ReplicaProvider", "required (an AWS provider for %q)", a.ReplicaRegion)
	}
	f = append(f, AsFieldErrors(checkAccount("Account", a.Account))...)
	if a.NoncurrentVersionDays < 7 || a.NoncurrentVersionDays > 3650 {
		f.Add("NoncurrentVersionDays", "%d is outside 7-3650", a.NoncurrentVersionDays)
	}
	longest := max(len(a.Region), len(a.ReplicaRegion))
	if !stateBackendNamePattern.MatchString(name) {
		f.Add("name", "%q must be lowercase letters, digits and hyphens, starting and ending with a letter or digit (it names the buckets, the key alias and the replication roles)", name)
	} else {
		// The replication roles' names are the longest derived from name: a name that leaves a role
		// "<name>-replication-<region>" its 56 characters makes an auto-named bucket
		// "<name>-<region>-<7 random>" of at most 56-13+1+7 = 51, well within S3's 63.
		var names []derivedName
		for _, r := range a.regions() {
			names = append(names, derivedName{"replication role name", name + "-replication-" + r, IAMRoleNameLimit - autoNameSuffix})
		}
		checkDerivedNames(&f, name, names)
	}
	if p := a.BucketPrefix; p != "" {
		switch {
		case !bucketPrefixPattern.MatchString(p):
			f.Add("BucketPrefix", "%q must be lowercase letters, digits and hyphens, starting and ending with a letter or digit", p)
		case strings.HasPrefix(p, "xn--") || strings.HasPrefix(p, "sthree-"):
			f.Add("BucketPrefix", "%q starts with a prefix S3 reserves (xn--, sthree-)", p)
		case len(p)+1+longest > BucketNameLimit:
			f.Add("BucketPrefix", "%q is %d characters too long: the bucket name %q would have %d characters and S3 allows at most %d",
				p, len(p)+1+longest-BucketNameLimit, p+"-"+longestRegion(a), len(p)+1+longest, BucketNameLimit)
		}
	}
	switch k := a.keyAlias(name); {
	case !keyAliasPattern.MatchString(k):
		f.Add("KeyAlias", "%q must be letters, digits, \"/\", \"_\" and \"-\" (without the alias/ prefix)", k)
	case len(k) > keyAliasLimit:
		f.Add("KeyAlias", "%q has %d characters; at most %d are allowed", k, len(k), keyAliasLimit)
	case strings.HasPrefix(k, "aws/"):
		f.Add("KeyAlias", "%q starts with aws/, which AWS reserves for its own keys", k)
	}
	return f
}

// longestRegion returns the longer of the two regions.
func longestRegion(a *StateBackendArgs) string {
	if len(a.ReplicaRegion) > len(a.Region) {
		return a.ReplicaRegion
	}
	return a.Region
}

// BackendURL returns the URL `pulumi login` takes for a state bucket: "s3://<bucket>?region=<region>".
func BackendURL(bucket, region string) string { return "s3://" + bucket + "?region=" + region }

// SecretsProviderURL returns the awskms secrets provider URL of a key alias (without "alias/") in a
// region: "awskms://alias/<alias>?region=<region>".
func SecretsProviderURL(alias, region string) string {
	return "awskms://alias/" + alias + "?region=" + region
}

// stateSide is one region of the backend while it is built.
type stateSide struct {
	region string
	opts   []pulumi.ResourceOption
	keyARN pulumi.StringOutput
	bucket *hardenedBucket
}

// NewStateBackend creates the two-region state backend of args: the multi-Region key and its replica
// with one alias, a hardened bucket in each region encrypted with that region's copy of the key, and
// replication each way. Every child takes the provider of its own region from args.
func NewStateBackend(ctx *pulumi.Context, name string, args *StateBackendArgs, opts ...pulumi.ResourceOption) (*StateBackend, error) {
	if args == nil {
		return nil, fmt.Errorf("state backend %q: args are required", name)
	}
	a := args.WithDefaults()
	if err := a.Validate(name).Err(); err != nil {
		return nil, fmt.Errorf("state backend %q: %w", name, err)
	}
	for _, p := range []struct {
		field, region string
		provider      pulumi.ProviderResource
	}{{"Provider", a.Region, a.Provider}, {"ReplicaProvider", a.ReplicaRegion, a.ReplicaProvider}} {
		if err := CheckProviderRegion(ctx, p.field, p.provider, p.region); err != nil {
			return nil, fmt.Errorf("state backend %q: %w", name, err)
		}
	}
	sb := &StateBackend{Buckets: map[string]*s3.BucketV2{}}
	if err := ctx.RegisterComponentResource(StateBackendType, name, sb, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(sb)
	home := &stateSide{region: a.Region, opts: []pulumi.ResourceOption{parent, pulumi.Provider(a.Provider)}}
	away := &stateSide{region: a.ReplicaRegion, opts: []pulumi.ResourceOption{parent, pulumi.Provider(a.ReplicaProvider)}}

	arns, err := accountOf(ctx, a.Account, parent, pulumi.Provider(a.Provider))
	if err != nil {
		return nil, fmt.Errorf("state backend %q: %w", name, err)
	}
	if err := sb.keys(ctx, name, &a, arns, home, away); err != nil {
		return nil, fmt.Errorf("state backend %q: %w", name, err)
	}
	for _, s := range []*stateSide{home, away} {
		bucketName := ""
		if a.BucketPrefix != "" {
			bucketName = a.BucketPrefix + "-" + s.region
		}
		accessLogs := a.AccessLogBuckets[s.region]
		if accessLogs == nil {
			sink, err := NewAccessLogSink(ctx, name+"-"+s.region, &AccessLogSinkArgs{
				Region: s.region, Account: &arns, Protect: a.Protect,
				// A backend that is not protected is a throwaway one: let its destroy go through.
				ForceDestroy: Bool(!boolOr(a.Protect, true)),
			}, s.opts...)
			if err != nil {
				return nil, fmt.Errorf("state backend %q: %w", name, err)
			}
			accessLogs = sink.BucketName
		}
		s.bucket, err = newHardenedBucket(ctx, bucketSpec{
			accessLogs: accessLogs,
			name:       name + "-" + s.region,
			bucketName: bucketName,
			what:       "the " + s.region + " state bucket",
			ownership:  "BucketOwnerEnforced",
			kmsKeyARN:  s.keyARN,
			lifecycle: bucketLifecycle{
				ruleID:         "expire-old-checkpoints",
				noncurrentDays: a.NoncurrentVersionDays,
			},
			opts: s.opts,
		})
		if err != nil {
			return nil, fmt.Errorf("state backend %q: %w", name, err)
		}
		sb.Buckets[s.region] = s.bucket.bucket
	}
	for _, dir := range [][2]*stateSide{{home, away}, {away, home}} {
		if err := replicate(ctx, name, arns, dir[0], dir[1]); err != nil {
			return nil, fmt.Errorf("state backend %q: %w", name, err)
		}
	}

	names, keys, backends, secrets := pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}, pulumi.StringMap{}
	for _, s := range []*stateSide{home, away} {
		names[s.region] = s.bucket.bucket.Bucket
		keys[s.region] = s.keyARN
		region := s.region
		backends[s.region] = s.bucket.bucket.Bucket.ApplyT(func(b string) string { return BackendURL(b, region) }).(pulumi.StringOutput)
		secrets[s.region] = pulumi.String(SecretsProviderURL(a.keyAlias(name), s.region))
	}
	sb.BucketNames = names.ToStringMapOutput()
	sb.KeyARNs = keys.ToStringMapOutput()
	sb.BackendURLs = backends.ToStringMapOutput()
	sb.SecretsProviders = secrets.ToStringMapOutput()
	return sb, ctx.RegisterResourceOutputs(sb, pulumi.Map{
		"bucketNames":      sb.BucketNames,
		"keyArns":          sb.KeyARNs,
		"backendUrls":      sb.BackendURLs,
		"secretsProviders": sb.SecretsProviders,
	})
}

// keys creates the multi-Region primary key in home, its replica in away, and the same alias on each.
func (sb *StateBackend) keys(ctx *pulumi.Context, name string, a *StateBackendArgs, arns AccountARNs,
	home, away *stateSide,
) error {
	policy, err := policyJSON(statement{
		Sid:       "AccountRoot",
		Effect:    "Allow",
		Principal: map[string]any{"AWS": arns.Root()},
		Action:    []string{"kms:*"},
		Resource:  []string{"*"},
	})
	if err != nil {
		return err
	}
	description := fmt.Sprintf("Pulumi state and secrets of %s (multi-Region: %s and %s)", name, a.Region, a.ReplicaRegion)
	sb.Key, err = kms.NewKey(ctx, name+"-"+home.region, &kms.KeyArgs{
		Description:          pulumi.String(description),
		MultiRegion:          pulumi.Bool(true),
		EnableKeyRotation:    pulumi.Bool(true),
		DeletionWindowInDays: pulumi.Int(stateKeyDeletionWindowDays),
		Policy:               pulumi.String(policy),
	}, home.opts...)
	if err != nil {
		return fmt.Errorf("creating the %s multi-Region key: %w", home.region, err)
	}
	sb.ReplicaKey, err = kms.NewReplicaKey(ctx, name+"-"+away.region, &kms.ReplicaKeyArgs{
		PrimaryKeyArn:        sb.Key.Arn,
		Description:          pulumi.String(description),
		DeletionWindowInDays: pulumi.Int(stateKeyDeletionWindowDays),
		Policy:               pulumi.String(policy),
	}, away.opts...)
	if err != nil {
		return fmt.Errorf("creating the %s replica key: %w", away.region, err)
	}
	home.keyARN, away.keyARN = sb.Key.Arn, sb.ReplicaKey.Arn
	for _, s := range []*stateSide{home, away} {
		if _, err := kms.NewAlias(ctx, name+"-"+s.region, &kms.AliasArgs{
			Name:        pulumi.String("alias/" + a.keyAlias(name)),
			TargetKeyId: s.keyARN,
		}, s.opts...); err != nil {
			return fmt.Errorf("creating the %s key alias: %w", s.region, err)
		}
	}
	return nil
}

// replicate makes from's bucket replicate every object version and delete marker to to's bucket,
// re-encrypting KMS-encrypted objects with to's copy of the key, through a role that may read only
// from's bucket and key and write only to's.
func replicate(ctx *pulumi.Context, name string, arns AccountARNs, from, to *stateSide) error {
	n := name + "-replication-" + from.region
	trust, err := assumeRolePolicy("s3.amazonaws.com", arns.AccountID)
	if err != nil {
		return err
	}
	role, err := iam.NewRole(ctx, n, &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("S3 replication of the %s Pulumi state from %s to %s", name, from.region, to.region)),
		AssumeRolePolicy: pulumi.String(trust),
	}, from.opts...)
	if err != nil {
		return fmt.Errorf("creating the %s replication role: %w", from.region, err)
	}
	rolePolicy, err := iam.NewRolePolicy(ctx, n, &iam.RolePolicyArgs{
		Role: role.Name,
		Policy: policyOutput(func(v []string) []statement {
			return replicationStatements(v[0], v[1], v[2], v[3], from.region, to.region)
		}, from.bucket.bucket.Arn, from.keyARN, to.bucket.bucket.Arn, to.keyARN),
	}, from.opts...)
	if err != nil {
		return fmt.Errorf("creating the %s replication policy: %w", from.region, err)
	}
	enabled := pulumi.String("Enabled")
	// S3 refuses a replication configuration until both buckets are versioned.
	waits := pulumi.DependsOn([]pulumi.Resource{from.bucket.versioning, to.bucket.versioning, rolePolicy})
	if _, err := s3.NewBucketReplicationConfig(ctx, name+"-"+from.region, &s3.BucketReplicationConfigArgs{
		Bucket: from.bucket.bucket.ID(),
		Role:   role.Arn,
		Rules: s3.BucketReplicationConfigRuleArray{s3.BucketReplicationConfigRuleArgs{
			Id:     pulumi.String("state-to-" + to.region),
			Status: enabled,
			// An empty prefix filter selects every object and is the V2 schema that delete-marker
			// replication needs.
			Filter:                  &s3.BucketReplicationConfigRuleFilterArgs{Prefix: pulumi.String("")},
			DeleteMarkerReplication: &s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs{Status: enabled},
			SourceSelectionCriteria: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs{
				SseKmsEncryptedObjects: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs{Status: enabled},
				// Two-way replication: metadata changes made to a replica flow back too.
				ReplicaModifications: &s3.BucketReplicationConfigRuleSourceSelectionCriteriaReplicaModificationsArgs{Status: enabled},
			},
			Destination: &s3.BucketReplicationConfigRuleDestinationArgs{
				Bucket:                  to.bucket.bucket.Arn,
				StorageClass:            pulumi.String("STANDARD"),
				EncryptionConfiguration: &s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs{ReplicaKmsKeyId: to.keyARN},
			},
		}},
	}, append(from.opts, waits)...); err != nil {
		return fmt.Errorf("replicating the %s state bucket to %s: %w", from.region, to.region, err)
	}
	return nil
}

// replicationStatements is the least privilege of S3 replication from one bucket to the other: read
// the source's configuration and object versions and decrypt with the source's key copy (only through
// S3 in the source region, only for that bucket), write replicas and delete markers to the destination
// and encrypt with the destination's key copy (only through S3 there, only for that bucket). The
// encryption context is the object's ARN, or the bucket's when S3 Bucket Keys are on.
func replicationStatements(fromBucket, fromKey, toBucket, toKey, fromRegion, toRegion string) []statement {
	inBucket := func(bucket string) map[string]any {
		return map[string]any{"kms:EncryptionContext:aws:s3:arn": []string{bucket, bucket + "/*"}}
	}
	return []statement{
		{Sid: "ReadSourceConfiguration", Effect: "Allow",
			Action:   []string{"s3:GetReplicationConfiguration", "s3:ListBucket"},
			Resource: []string{fromBucket}},
		{Sid: "ReadSourceVersions", Effect: "Allow",
			Action:   []string{"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"},
			Resource: []string{fromBucket + "/*"}},
		{Sid: "WriteReplicas", Effect: "Allow",
			Action:   []string{"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"},
			Resource: []string{toBucket + "/*"}},
		{Sid: "DecryptSource", Effect: "Allow",
			Action:   []string{"kms:Decrypt"},
			Resource: []string{fromKey},
			Condition: map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": "s3." + fromRegion + ".amazonaws.com"},
				"StringLike":   inBucket(fromBucket),
			}},
		{Sid: "EncryptReplicas", Effect: "Allow",
			Action:   []string{"kms:Encrypt", "kms:GenerateDataKey"},
			Resource: []string{toKey},
			Condition: map[string]any{
				"StringEquals": map[string]any{"kms:ViaService": "s3." + toRegion + ".amazonaws.com"},
				"StringLike":   inBucket(toBucket),
			}},
	}
}
