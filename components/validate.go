package components

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/internals"
)

// FieldError is one problem with one field of a component's Args. Path names the field the way Go
// code writes it ("Service.Port", "AvailabilityZones[1]", "name" for the component name), so that a
// caller that fills Args from its own configuration (the stack) can map it to its own key.
type FieldError struct {
	// Path is the field, e.g. "Service.Port".
	Path string
	// Msg says what is wrong and what is allowed, e.g. "70000 is outside 1-65535".
	Msg string
}

// Error implements error: "Path: Msg".
func (e FieldError) Error() string { return e.Path + ": " + e.Msg }

// FieldErrors collects the problems of one validation.
type FieldErrors []FieldError

// Add records a problem with the field at path.
func (f *FieldErrors) Add(path, format string, v ...any) {
	*f = append(*f, FieldError{Path: path, Msg: fmt.Sprintf(format, v...)})
}

// Err joins the problems into one error, nil when there are none.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	errs := make([]error, len(f))
	for i, e := range f {
		errs[i] = e
	}
	return errors.Join(errs...)
}

// AsFieldErrors returns the FieldErrors that err joins (errors of other kinds become a FieldError
// with an empty Path).
func AsFieldErrors(err error) FieldErrors {
	if err == nil {
		return nil
	}
	var out FieldErrors
	var walk func(error)
	walk = func(e error) {
		if fe, ok := e.(FieldError); ok {
			out = append(out, fe)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, inner := range j.Unwrap() {
				walk(inner)
			}
			return
		}
		out = append(out, FieldError{Msg: e.Error()})
	}
	walk(err)
	return out
}

// regionAZs lists the AWS commercial-partition regions the library knows, each with the number of
// availability zones a new account can use there. Only us-east-1 has 6.
func regionAZs() map[string]int {
	return map[string]int{
		"af-south-1": 3, "ap-east-1": 3, "ap-east-2": 3, "ap-northeast-1": 3, "ap-northeast-2": 4,
		"ap-northeast-3": 3, "ap-south-1": 3, "ap-south-2": 3, "ap-southeast-1": 3, "ap-southeast-2": 3,
		"ap-southeast-3": 3, "ap-southeast-4": 3, "ap-southeast-5": 3, "ap-southeast-7": 3,
		"ca-central-1": 3, "ca-west-1": 3, "eu-central-1": 3, "eu-central-2": 3, "eu-north-1": 3,
		"eu-south-1": 3, "eu-south-2": 3, "eu-west-1": 3, "eu-west-2": 3, "eu-west-3": 3,
		"il-central-1": 3, "me-central-1": 3, "me-south-1": 3, "mx-central-1": 3, "sa-east-1": 3,
		"us-east-1": 6, "us-east-2": 3, "us-west-1": 2, "us-west-2": 4,
	}
}

// KnownRegions lists, sorted, the regions CheckRegion accepts.
func KnownRegions() []string { return slices.Sorted(maps.Keys(regionAZs())) }

// RegionAZCount returns how many availability zones region offers, and whether the region is known.
func RegionAZCount(region string) (int, bool) {
	n, ok := regionAZs()[region]
	return n, ok
}

// CheckRegion reports why region cannot host the library, or nil. Only the commercial partition
// (arn:aws) is supported: key policies, secret ARNs and service principals are written for it, so a
// China (cn-*), GovCloud (us-gov-*) or isolated (us-iso*, eusc-*) region is rejected by name.
func CheckRegion(region string) error {
	if _, ok := regionAZs()[region]; ok {
		return nil
	}
	for _, p := range []struct{ prefix, partition string }{
		{"cn-", "aws-cn"}, {"us-gov-", "aws-us-gov"}, {"us-iso", "aws-iso"}, {"eusc-", "aws-eusc"},
	} {
		if strings.HasPrefix(region, p.prefix) {
			return fmt.Errorf("%q is in the %s partition; only the aws partition is supported (key policies and ARNs are written for arn:aws)", region, p.partition)
		}
	}
	if s := Suggest(region, KnownRegions()); s != "" {
		return fmt.Errorf("%q is not a known AWS region (did you mean %q? e.g. us-west-2, eu-west-1)", region, s)
	}
	return fmt.Errorf("%q is not a known AWS region (e.g. us-west-2, eu-west-1)", region)
}

// Suggest returns the candidate closest to word when it is close enough to be a likely typo (an
// edit distance of at most a third of the word, and at least 2), else "".
func Suggest(word string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := levenshtein.Distance(strings.ToLower(word), strings.ToLower(c), nil)
		if best == "" || d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(2, len(word)/3) {
		return ""
	}
	return best
}

// Derived-name limits. An auto-named child gets "-" and 7 random characters after its logical name
// (pulumi-aws), so its logical name must leave room for them.
const (
	autoNameSuffix = 8
	// ALBNameLimit is the length limit of a load balancer and a target group name.
	ALBNameLimit = 32
	// ReplicationGroupIDLimit is the length limit of an ElastiCache replication group ID (and of the
	// DataTier names that become identifiers).
	ReplicationGroupIDLimit = 40
	// IAMRoleNameLimit is the length limit of an IAM role name.
	IAMRoleNameLimit = 64
	// BucketNameLimit is the length limit of an S3 bucket name.
	BucketNameLimit = 63
)

// derivedName is a name a component gives a child, and the AWS limit on its length.
type derivedName struct {
	what  string
	value string
	limit int
}

// checkDerivedNames reports, on path "name", every name derived from the component name that
// exceeds its limit.
func checkDerivedNames(f *FieldErrors, name string, names []derivedName) {
	for _, n := range names {
		if len(n.value) > n.limit {
			f.Add("name", "%q is %d characters too long: the %s derived from it, %q, has %d characters and AWS allows at most %d",
				name, len(n.value)-n.limit, n.what, n.value, len(n.value), n.limit)
		}
	}
}

// providerFromOpts returns the explicit provider of opts: pulumi.Provider(p), or the "aws" entry of
// pulumi.Providers(...).
func providerFromOpts(opts []pulumi.ResourceOption) (pulumi.ProviderResource, error) {
	o, err := pulumi.NewResourceOptions(opts...)
	if err != nil {
		return nil, fmt.Errorf("reading resource options: %w", err)
	}
	if o.Provider != nil {
		return o.Provider, nil
	}
	for _, p := range o.Providers {
		if _, ok := p.(*aws.Provider); ok {
			return p, nil
		}
	}
	return nil, nil
}

// checkProvider enforces the library contract before anything is registered: opts carry an explicit
// AWS provider (components never use the default provider) and that provider was created for
// region. The provider's region is read from its registration (known as soon as the provider is
// registered; a region computed from an unknown output cannot be checked and is let through).
func checkProvider(ctx *pulumi.Context, region string, opts []pulumi.ResourceOption) error {
	p, err := providerFromOpts(opts)
	if err != nil {
		return err
	}
	if p == nil {
		return FieldError{Path: "opts", Msg: fmt.Sprintf("no AWS provider: pass pulumi.Provider(p), p an aws.Provider with Region %q (components never use the default provider)", region)}
	}
	return CheckProviderRegion(ctx, "opts", p, region)
}

// CheckProviderRegion reports, on path field, why p is not an AWS provider for region, or nil. It
// waits for p's registration to read the region it was given.
func CheckProviderRegion(ctx *pulumi.Context, field string, p pulumi.ProviderResource, region string) error {
	ap, ok := p.(*aws.Provider)
	if !ok {
		return FieldError{Path: field, Msg: fmt.Sprintf("the provider is a %T, not an aws.Provider", p)}
	}
	st, err := internals.UnsafeAwaitOutput(ctx.Context(), ap.Region)
	if err != nil {
		return fmt.Errorf("%s: reading the provider's region: %w", field, err)
	}
	if !st.Known {
		return nil
	}
	got := ""
	switch v := st.Value.(type) {
	case string:
		got = v
	case *string:
		if v != nil {
			got = *v
		}
	}
	switch {
	case got == "":
		return FieldError{Path: field, Msg: fmt.Sprintf("the provider sets no region; set aws.ProviderArgs.Region to %q so that the region can be checked", region)}
	case got != region:
		return FieldError{Path: field, Msg: fmt.Sprintf("the provider is for %s, but the component's region is %s", got, region)}
	}
	return nil
}

// orDefault sets *field to def when it holds its zero value: the one form of every WithDefaults.
func orDefault[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}
