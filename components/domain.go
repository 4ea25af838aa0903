package components

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/acm"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/cloudwatch"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// DomainType is the URN type token of Domain. It never changes.
const DomainType = "multiregion:index:Domain"

var (
	// hostnamePattern matches a lowercase DNS name with at least two labels.
	hostnamePattern = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`)
	// zoneIDPattern matches a Route 53 hosted zone ID.
	zoneIDPattern = regexp.MustCompile(`^Z[A-Z0-9]{1,31}$`)
)

// CheckHostname reports why s cannot be a DNS hostname the edge serves, or nil.
func CheckHostname(s string) error {
	if len(s) > 253 || !hostnamePattern.MatchString(s) {
		return fmt.Errorf("%q is not a lowercase DNS name with at least two labels (e.g. app.example.com)", s)
	}
	return nil
}

// ValidZoneID reports whether s has the form of a Route 53 hosted zone ID (Z followed by capitals and
// digits).
func ValidZoneID(s string) bool { return zoneIDPattern.MatchString(s) }

// InZone reports whether hostname is zone itself or a name below it.
func InZone(hostname, zone string) bool {
	zone = strings.TrimSuffix(zone, ".")
	return hostname == zone || strings.HasSuffix(hostname, "."+zone)
}

// HostedZone says which public Route 53 zone holds the edge's records. Set exactly one of ID and
// Name; Create applies to Name.
type HostedZone struct {
	// ID is an existing zone's ID, e.g. Z0123456789ABCDEFGHIJ.
	ID string
	// Name is an existing zone's name (looked up), or the zone to create when Create is set.
	Name string
	// Create makes the library create and own the zone Name, with query logging (docs/controls.md row 53).
	// The parent domain must then delegate to the zone's name servers (output nameServers) before
	// certificates can validate.
	Create bool
}

func (z HostedZone) validate(hostname string) error {
	switch {
	case z.ID != "" && z.Name != "":
		return fmt.Errorf("Zone: set ID (%q) or Name (%q), not both", z.ID, z.Name)
	case z.ID != "":
		if z.Create {
			return fmt.Errorf("Zone: Create needs a Name, not an ID")
		}
		if !ValidZoneID(z.ID) {
			return fmt.Errorf("Zone.ID: %q is not a hosted zone ID (Z followed by capitals and digits)", z.ID)
		}
	case z.Name != "":
		if err := CheckHostname(z.Name); err != nil {
			return fmt.Errorf("Zone.Name: %w", err)
		}
		if !InZone(hostname, z.Name) {
			return fmt.Errorf("Zone.Name: the hostname %q is not in the zone %q", hostname, z.Name)
		}
	default:
		return fmt.Errorf("Zone: set ID or Name (an existing zone), or Name with Create")
	}
	return nil
}

// DomainArgs configures the DNS zone and the TLS certificates of the service's hostname: everything
// the regional load balancers need before they exist, and CloudFront after.
type DomainArgs struct {
	// Hostname is the service's global hostname, e.g. app.example.com. Required.
	Hostname string
	// AlternateNames are further names the certificates cover (e.g. cdn.app.example.com for CloudFront,
	// ga.app.example.com for Global Accelerator); each must be in the zone. Default none.
	AlternateNames []string
	// Zone is the hosted zone holding the validation and service records. Required.
	Zone HostedZone
	// Regions maps each workload region to its provider: each gets one DNS-validated certificate for
	// its ALB. At least one.
	Regions map[string]pulumi.ProviderResource
	// GlobalProvider is a us-east-1 provider: the zone, its query logging, the validation records and
	// the CloudFront certificate use it. Required.
	GlobalProvider pulumi.ProviderResource
	// CloudFrontCertificate creates the us-east-1 certificate CloudFront requires. Default true.
	CloudFrontCertificate *bool
	// QueryLogRetentionDays is the retention of the query log group (created zones only). Default 365;
	// a CloudWatch-allowed value.
	QueryLogRetentionDays int
	// QueryLogKMSKeyARN encrypts the query log group; it must be a us-east-1 key whose policy admits
	// CloudWatch Logs (RegionKey's does). Default none (CloudWatch's own encryption).
	QueryLogKMSKeyARN pulumi.StringInput
	// ValidationTTL is the TTL of the ACM validation CNAMEs. Default 300; allowed 60-86400.
	ValidationTTL int
	// Protect sets Pulumi's protect option on a created zone. Default true.
	Protect *bool
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity); a stack sets it to read the account once, and so
	// that nothing is asked of a region whose API is unreachable.
	Account *AccountARNs
}

// Domain is the service's hosted zone (looked up or created) and its DNS-validated certificates: one
// per workload region for the ALBs and one in us-east-1 for CloudFront. It is created before the
// regional clusters, which take their certificate from it.
type Domain struct {
	pulumi.ResourceState

	// Zone is the created hosted zone, nil when an existing zone is used.
	Zone *route53.Zone
	// Certificates are the per-region ALB certificates, by region.
	Certificates map[string]*acm.Certificate
	// CloudFrontCertificate is the us-east-1 certificate for CloudFront, nil when not requested.
	CloudFrontCertificate *acm.Certificate

	// ZoneID is the hosted zone's ID.
	ZoneID pulumi.StringOutput `pulumi:"zoneId"`
	// ZoneName is the hosted zone's name, without the trailing dot.
	ZoneName pulumi.StringOutput `pulumi:"zoneName"`
	// NameServers are the created zone's name servers, to delegate to; empty for an existing zone.
	NameServers pulumi.StringArrayOutput `pulumi:"nameServers"`
	// CertificateARNs are the per-region certificate ARNs, resolved only once each certificate is
	// validated (so a listener never references a pending certificate).
	CertificateARNs map[string]pulumi.StringOutput
	// CloudFrontCertificateARN is the validated us-east-1 certificate's ARN ("" when not requested).
	CloudFrontCertificateARN pulumi.StringOutput `pulumi:"cloudFrontCertificateArn"`
}

func (a *DomainArgs) withDefaults() DomainArgs {
	c := *a
	orDefault(&c.QueryLogRetentionDays, 365)
	orDefault(&c.ValidationTTL, 300)
	c.AlternateNames = slices.Clone(c.AlternateNames)
	sort.Strings(c.AlternateNames)
	c.Regions = maps.Clone(c.Regions)
	return c
}

func (a *DomainArgs) validate() error {
	errs := []error{checkAccount("Account", a.Account)}
	add := func(format string, v ...any) { errs = append(errs, fmt.Errorf(format, v...)) }
	if err := CheckHostname(a.Hostname); err != nil {
		add("Hostname: %w", err)
	} else if err := a.Zone.validate(a.Hostname); err != nil {
		errs = append(errs, err)
	}
	for i, n := range a.AlternateNames {
		if err := CheckHostname(n); err != nil {
			add("AlternateNames[%d]: %w", i, err)
		}
		if n == a.Hostname || i > 0 && a.AlternateNames[i-1] == n {
			add("AlternateNames: %q is listed twice", n)
		}
		if a.Zone.Name != "" && !InZone(n, a.Zone.Name) {
			add("AlternateNames[%d]: %q is not in the zone %q", i, n, a.Zone.Name)
		}
	}
	if len(a.Regions) == 0 {
		add("Regions: at least one region needs a certificate")
	}
	for _, r := range slices.Sorted(maps.Keys(a.Regions)) {
		if err := checkRegion("Regions", r); err != nil {
			errs = append(errs, err)
		}
		if a.Regions[r] == nil {
			add("Regions[%s]: a provider is required", r)
		}
	}
	if a.GlobalProvider == nil {
		add("GlobalProvider: required (a us-east-1 provider)")
	}
	if !ValidLogRetention(a.QueryLogRetentionDays) {
		add("QueryLogRetentionDays: %d is not a CloudWatch retention (allowed %v)", a.QueryLogRetentionDays, logRetentionValues)
	}
	if a.ValidationTTL < 60 || a.ValidationTTL > 86400 {
		add("ValidationTTL: %d is outside 60-86400", a.ValidationTTL)
	}
	return errors.Join(errs...)
}

// names returns every name the certificates cover, hostname first, then the sorted alternates.
func (a *DomainArgs) names() []string { return append([]string{a.Hostname}, a.AlternateNames...) }

// NewDomain looks up or creates the hosted zone and issues the certificates, validated by DNS in the
// zone. ACM gives one validation CNAME per domain name and account, the same in every region, so one
// record per name (created from one certificate, with allowOverwrite to adopt a record left by an
// earlier stack) validates every certificate; creating it once per certificate would make the records
// fight, and deleting one region's copy would break the others' renewals.
func NewDomain(ctx *pulumi.Context, name string, args *DomainArgs, opts ...pulumi.ResourceOption) (*Domain, error) {
	if args == nil {
		return nil, fmt.Errorf("domain %q: args are required", name)
	}
	a := args.withDefaults()
	if err := a.validate(); err != nil {
		return nil, fmt.Errorf("domain %q: %w", name, err)
	}
	d := &Domain{Certificates: map[string]*acm.Certificate{}, CertificateARNs: map[string]pulumi.StringOutput{}}
	if err := ctx.RegisterComponentResource(DomainType, name, d, append(opts, protectStateful(boolOr(a.Protect, true)))...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(d)
	global := pulumi.Provider(a.GlobalProvider)
	if err := d.zone(ctx, name, &a, parent, global); err != nil {
		return nil, fmt.Errorf("domain %q: %w", name, err)
	}
	certArgs := func(region string) *acm.CertificateArgs {
		return &acm.CertificateArgs{
			DomainName:              pulumi.String(a.Hostname),
			SubjectAlternativeNames: pulumi.ToStringArray(a.AlternateNames),
			ValidationMethod:        pulumi.String("DNS"),
			KeyAlgorithm:            pulumi.String("RSA_2048"),
			Tags:                    pulumi.StringMap{"Name": pulumi.String(a.Hostname), "usage": pulumi.String(region)},
		}
	}
	// Certificates are replaced create-before-delete, so a listener moves to the new one first.
	for _, region := range slices.Sorted(maps.Keys(a.Regions)) {
		cert, err := acm.NewCertificate(ctx, name+"-"+region, certArgs(region), parent, pulumi.Provider(a.Regions[region]))
		if err != nil {
			return nil, fmt.Errorf("domain %q: creating the %s certificate: %w", name, region, err)
		}
		d.Certificates[region] = cert
	}
	source := d.Certificates[slices.Sorted(maps.Keys(a.Regions))[0]]
	if boolOr(a.CloudFrontCertificate, true) {
		cert, err := acm.NewCertificate(ctx, name+"-cloudfront", certArgs("cloudfront"), parent, global)
		if err != nil {
			return nil, fmt.Errorf("domain %q: creating the CloudFront certificate: %w", name, err)
		}
		d.CloudFrontCertificate, source = cert, cert
	}
	fqdns, err := d.validationRecords(ctx, name, &a, source, parent, global)
	if err != nil {
		return nil, fmt.Errorf("domain %q: %w", name, err)
	}
	validate := func(suffix string, cert *acm.Certificate, provider pulumi.ResourceOption) (pulumi.StringOutput, error) {
		v, err := acm.NewCertificateValidation(ctx, name+"-"+suffix, &acm.CertificateValidationArgs{
			CertificateArn:        cert.Arn,
			ValidationRecordFqdns: fqdns,
		}, parent, provider)
		if err != nil {
			return pulumi.StringOutput{}, fmt.Errorf("domain %q: validating the %s certificate: %w", name, suffix, err)
		}
		return v.CertificateArn, nil
	}
	for _, region := range slices.Sorted(maps.Keys(a.Regions)) {
		if d.CertificateARNs[region], err = validate(region, d.Certificates[region], pulumi.Provider(a.Regions[region])); err != nil {
			return nil, err
		}
	}
	d.CloudFrontCertificateARN = pulumi.String("").ToStringOutput()
	if d.CloudFrontCertificate != nil {
		if d.CloudFrontCertificateARN, err = validate("cloudfront", d.CloudFrontCertificate, global); err != nil {
			return nil, err
		}
	}
	return d, ctx.RegisterResourceOutputs(d, pulumi.Map{
		"zoneId":                   d.ZoneID,
		"zoneName":                 d.ZoneName,
		"nameServers":              d.NameServers,
		"cloudFrontCertificateArn": d.CloudFrontCertificateARN,
	})
}

// zone looks the hosted zone up, or creates it with query logging to a us-east-1 log group (Route 53
// delivers query logs only there).
func (d *Domain) zone(ctx *pulumi.Context, name string, a *DomainArgs, parent, global pulumi.ResourceOrInvokeOption) error {
	z := a.Zone
	if !z.Create {
		args := &route53.LookupZoneArgs{PrivateZone: pulumi.BoolRef(false)}
		if z.ID != "" {
			args.ZoneId = pulumi.StringRef(z.ID)
		} else {
			args.Name = pulumi.StringRef(z.Name)
		}
		found, err := route53.LookupZone(ctx, args, parent, global)
		if err != nil {
			return fmt.Errorf("looking up the hosted zone %s%s: %w", z.ID, z.Name, err)
		}
		zoneName := strings.TrimSuffix(found.Name, ".")
		if !InZone(a.Hostname, zoneName) {
			return fmt.Errorf("the hostname %q is not in the hosted zone %s (%s)", a.Hostname, found.ZoneId, zoneName)
		}
		d.ZoneID = pulumi.String(found.ZoneId).ToStringOutput()
		d.ZoneName = pulumi.String(zoneName).ToStringOutput()
		d.NameServers = pulumi.ToStringArray(found.NameServers).ToStringArrayOutput()
		return nil
	}
	zone, err := route53.NewZone(ctx, name+"-zone", &route53.ZoneArgs{
		Name:    pulumi.String(z.Name),
		Comment: pulumi.String(fmt.Sprintf("multiregion: %s", a.Hostname)),
	}, parent, global)
	if err != nil {
		return fmt.Errorf("creating the hosted zone: %w", err)
	}
	d.Zone = zone
	d.ZoneID, d.ZoneName, d.NameServers = zone.ZoneId, pulumi.String(z.Name).ToStringOutput(), zone.NameServers
	arns, err := accountOf(ctx, a.Account, parent, global)
	if err != nil {
		return err
	}
	group, err := cloudwatch.NewLogGroup(ctx, name+"-query-logs", &cloudwatch.LogGroupArgs{
		Name:            pulumi.String("/aws/route53/" + z.Name),
		RetentionInDays: pulumi.Int(a.QueryLogRetentionDays),
		KmsKeyId:        a.QueryLogKMSKeyARN,
	}, parent, global)
	if err != nil {
		return fmt.Errorf("creating the query log group: %w", err)
	}
	account := arns.AccountID
	policy, err := cloudwatch.NewLogResourcePolicy(ctx, name+"-query-logs", &cloudwatch.LogResourcePolicyArgs{
		PolicyName: pulumi.String(name + "-route53-query-logs"),
		PolicyDocument: policyOutput(func(v []string) []statement {
			return []statement{{
				Sid:       "Route53QueryLogs",
				Effect:    "Allow",
				Principal: map[string]any{"Service": "route53.amazonaws.com"},
				Action:    []string{"logs:CreateLogStream", "logs:PutLogEvents"},
				Resource:  []string{v[0] + ":*"},
				Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": account}},
			}}
		}, group.Arn),
	}, parent, global)
	if err != nil {
		return fmt.Errorf("creating the query log resource policy: %w", err)
	}
	if _, err := route53.NewQueryLog(ctx, name+"-query-logs", &route53.QueryLogArgs{
		ZoneId:                zone.ZoneId,
		CloudwatchLogGroupArn: group.Arn,
	}, parent, global, pulumi.DependsOn([]pulumi.Resource{policy})); err != nil {
		return fmt.Errorf("enabling query logging: %w", err)
	}
	return nil
}

// validationRecords creates one validation CNAME per certificate name, read from source, and returns
// their FQDNs. Records are named by the domain name they validate, so they never move.
func (d *Domain) validationRecords(ctx *pulumi.Context, name string, a *DomainArgs, source *acm.Certificate, parent, global pulumi.ResourceOrInvokeOption) (pulumi.StringArray, error) {
	var fqdns pulumi.StringArray
	for _, n := range a.names() {
		option := source.DomainValidationOptions.ApplyT(func(opts []acm.CertificateDomainValidationOption) (acm.CertificateDomainValidationOption, error) {
			for _, o := range opts {
				if o.DomainName != nil && *o.DomainName == n {
					return o, nil
				}
			}
			return acm.CertificateDomainValidationOption{}, fmt.Errorf("ACM returned no validation record for %s", n)
		}).(acm.CertificateDomainValidationOptionOutput)
		record, err := route53.NewRecord(ctx, name+"-validation-"+n, &route53.RecordArgs{
			ZoneId:         d.ZoneID,
			Name:           option.ResourceRecordName().Elem(),
			Type:           option.ResourceRecordType().Elem(),
			Records:        pulumi.StringArray{option.ResourceRecordValue().Elem()},
			Ttl:            pulumi.Int(a.ValidationTTL),
			AllowOverwrite: pulumi.Bool(true),
		}, parent, global)
		if err != nil {
			return nil, fmt.Errorf("creating the validation record of %s: %w", n, err)
		}
		fqdns = append(fqdns, record.Fqdn)
	}
	return fqdns, nil
}
