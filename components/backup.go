package components

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/backup"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/iam"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// RegionBackupType is the URN type token of RegionBackup. It never changes.
const RegionBackupType = "multiregion:index:RegionBackup"

// BackupTagKey is the tag that puts a resource in a RegionBackup's selection: a resource tagged
// BackupTagKey = RegionBackupArgs.Selection in the backup's region is backed up by its plan
// (DataTierArgs.BackupSelection tags the writer's database, LogArchive.BackupSelection the archive).
const BackupTagKey = "multiregion-backup"

// backupPrincipal is the AWS Backup service.
const backupPrincipal = "backup.amazonaws.com"

// MaxContinuousBackupDays is the longest retention AWS Backup allows for continuous backups
// (point-in-time recovery).
const MaxContinuousBackupDays = 35

// The backup schedules (UTC): every day at 05:00, and every Sunday at 05:00.
const (
	dailySchedule  = "cron(0 5 * * ? *)"
	weeklySchedule = "cron(0 5 ? * SUN *)"
)

// backupVaultARN matches an AWS Backup vault ARN (a copy destination in another account).
var backupVaultARN = regexp.MustCompile(`^arn:aws[a-z-]*:backup:[a-z]{2}(-[a-z]+)+-\d:\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$`)

// BackupSettings are the backup rules a deployment chooses. Their JSON names are the stack's
// multiregion:backup fields. The zero value means every default (WithDefaults).
type BackupSettings struct {
	// DailyRetentionDays keeps the daily recovery points (and their copies) this many days. Default 35;
	// 1-35 while Continuous holds (AWS Backup keeps continuous backups at most 35 days).
	DailyRetentionDays int `json:"dailyRetentionDays,omitempty"`
	// WeeklyRetentionDays keeps the weekly recovery points (and their copies) this many days. Default
	// 90; at least DailyRetentionDays, at most 36500.
	WeeklyRetentionDays int `json:"weeklyRetentionDays,omitempty"`
	// Continuous makes the daily rule a continuous backup: point-in-time recovery to any second
	// within DailyRetentionDays for RDS, Aurora and S3. Default true.
	Continuous *bool `json:"continuous,omitempty"`
	// CopyToAccount is the ARN of a backup vault in another account that also receives every recovery
	// point, for when this account itself is compromised. That vault's access policy must allow
	// backup:CopyIntoBackupVault from this account. Default: none.
	CopyToAccount string `json:"copyToAccount,omitempty"`
	// RestoreTesting runs AWS Backup restore testing in every region: each week the latest recovery
	// point of the database in the region's vault (its own, or a copy from another region) is restored
	// into the region's data subnets, kept ValidationWindowHours, then deleted. It bills the restored
	// instance for that window. Default: off.
	RestoreTesting *RestoreTestingSettings `json:"restoreTesting,omitempty"`
	// VaultLock locks each region's vault in compliance mode. Default: off. Irreversible once its grace
	// period ends: nobody, the root user and AWS included, can then delete a recovery point before its
	// retention ends, shorten a retention or remove the lock.
	VaultLock *VaultLockSettings `json:"vaultLock,omitempty"`
}

// VaultLockSettings is an AWS Backup vault lock in compliance mode.
type VaultLockSettings struct {
	// MinRetentionDays refuses a recovery point kept fewer days. Default DailyRetentionDays.
	MinRetentionDays int `json:"minRetentionDays,omitempty"`
	// MaxRetentionDays refuses a recovery point kept more days. Default WeeklyRetentionDays.
	MaxRetentionDays int `json:"maxRetentionDays,omitempty"`
	// ChangeableForDays is the grace period, in days from creation, during which the lock can still
	// be removed; after it the lock is permanent. Default 3 (AWS's minimum).
	ChangeableForDays int `json:"changeableForDays,omitempty"`
}

// RestoreTestingSettings is AWS Backup restore testing of the database's recovery points.
type RestoreTestingSettings struct {
	// ValidationWindowHours keeps each restored instance this long (for a check) before AWS Backup
	// deletes it. Default 24; 1-168.
	ValidationWindowHours int `json:"validationWindowHours,omitempty"`
}

// WithDefaults returns s with every unset field at its default.
func (s BackupSettings) WithDefaults() BackupSettings {
	orDefault(&s.DailyRetentionDays, 35)
	orDefault(&s.WeeklyRetentionDays, 90)
	if s.Continuous == nil {
		s.Continuous = Bool(true)
	}
	if s.RestoreTesting != nil {
		r := *s.RestoreTesting
		orDefault(&r.ValidationWindowHours, 24)
		s.RestoreTesting = &r
	}
	if s.VaultLock != nil {
		l := *s.VaultLock
		orDefault(&l.MinRetentionDays, s.DailyRetentionDays)
		orDefault(&l.MaxRetentionDays, s.WeeklyRetentionDays)
		orDefault(&l.ChangeableForDays, 3)
		s.VaultLock = &l
	}
	return s
}

// Validate checks s (after WithDefaults) and returns every problem, on paths relative to s.
func (s *BackupSettings) Validate() FieldErrors {
	var f FieldErrors
	switch {
	case s.DailyRetentionDays < 1:
		f.Add("DailyRetentionDays", "%d must be at least 1", s.DailyRetentionDays)
	case *s.Continuous && s.DailyRetentionDays > MaxContinuousBackupDays:
		f.Add("DailyRetentionDays", "%d: continuous backups are kept at most %d days; lower it, or set continuous to false", s.DailyRetentionDays, MaxContinuousBackupDays)
	}
	if s.WeeklyRetentionDays < s.DailyRetentionDays || s.WeeklyRetentionDays > 36500 {
		f.Add("WeeklyRetentionDays", "%d must be between the daily retention (%d) and 36500", s.WeeklyRetentionDays, s.DailyRetentionDays)
	}
	if s.CopyToAccount != "" && !backupVaultARN.MatchString(s.CopyToAccount) {
		f.Add("CopyToAccount", "%q is not a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)", s.CopyToAccount)
	}
	if r := s.RestoreTesting; r != nil && (r.ValidationWindowHours < 1 || r.ValidationWindowHours > 168) {
		f.Add("RestoreTesting.ValidationWindowHours", "%d must be 1-168", r.ValidationWindowHours)
	}
	if l := s.VaultLock; l != nil {
		if l.MinRetentionDays < 1 || l.MinRetentionDays > s.DailyRetentionDays {
			f.Add("VaultLock.MinRetentionDays", "%d must be between 1 and the daily retention (%d): the lock refuses shorter recovery points", l.MinRetentionDays, s.DailyRetentionDays)
		}
		if l.MaxRetentionDays < s.WeeklyRetentionDays || l.MaxRetentionDays > 36500 {
			f.Add("VaultLock.MaxRetentionDays", "%d must be between the weekly retention (%d) and 36500: the lock refuses longer recovery points", l.MaxRetentionDays, s.WeeklyRetentionDays)
		}
		if l.ChangeableForDays < 3 || l.ChangeableForDays > 36500 {
			f.Add("VaultLock.ChangeableForDays", "%d must be between 3 and 36500 (compliance mode: the grace period before the lock is permanent)", l.ChangeableForDays)
		}
	}
	return f
}

// BackupCopy is where a RegionBackup copies every recovery point: a vault in another region.
type BackupCopy struct {
	// Region is the other region.
	Region string
	// VaultARN is its vault (that region's RegionBackup.VaultARN).
	VaultARN pulumi.StringInput
}

// RestoreTarget is the network a restore test restores the database into: the region's data tier's.
type RestoreTarget struct {
	// ResourceType is AWS Backup's protected resource type: "RDS" or "Aurora".
	ResourceType string
	// SubnetGroupName is the DB subnet group.
	SubnetGroupName pulumi.StringInput
	// SecurityGroupIDs are the database's security groups.
	SecurityGroupIDs pulumi.StringArrayInput
}

// DBBackupReplication replicates an RDS instance's automated backups from another region into this
// one, so that a point-in-time restore is possible here when the source region is gone.
type DBBackupReplication struct {
	// SourceRegion is the instance's region.
	SourceRegion string
	// SourceDBARN is the instance's ARN.
	SourceDBARN pulumi.StringInput
	// RetentionDays keeps the replicated backups this many days (1-35).
	RetentionDays int
}

// RegionBackupArgs configures one region's backup layer.
type RegionBackupArgs struct {
	// Region is the AWS region of the provider passed in opts. Required; the component's name must
	// contain it.
	Region string
	// KMSKeyARN encrypts the vault (the region's RegionKey). Required.
	KMSKeyARN pulumi.StringInput
	// Selection is the value of the BackupTagKey tag this region's plan selects. Required.
	Selection string
	// Settings are the rules; the zero value means every default.
	Settings BackupSettings
	// Copy is where every recovery point is copied. Optional, but a region's backups then die with
	// it.
	Copy *BackupCopy
	// RestoreTarget is where restore tests put the restored database: required with
	// Settings.RestoreTesting (without it AWS Backup would restore into the default VPC).
	RestoreTarget *RestoreTarget
	// ReplicateDB replicates these RDS instances' automated backups into this region (usually the
	// writer's; also a lost former writer's, which must stay while its region is dark: stopping a
	// replication waits on the source region).
	ReplicateDB []DBBackupReplication
	// Protect sets Pulumi's protect option on the vault and denies the deletion of recovery points in
	// its access policy. Default true. false (a throwaway stack) drops the deny, so an operator can
	// delete the recovery points; the vault is never force-destroyed: a destroy deletes it only once
	// it is empty.
	Protect *bool
	// Account is the account and partition the component's ARNs and policies are built in. Default:
	// read from the provider (aws.GetCallerIdentity).
	Account *AccountARNs
}

// RegionBackup is one region's backup layer: an AWS Backup vault encrypted with the region's key, a
// plan with a daily (continuous, point-in-time) and a weekly rule whose recovery points are copied to
// another region's vault (and optionally another account's), a selection of every resource of the
// region tagged for it, and the service role. With ReplicateDB it also keeps another region's RDS
// automated backups here. ElastiCache is outside AWS Backup: the cache is rebuildable (docs/datatier.md).
type RegionBackup struct {
	pulumi.ResourceState

	// Vault is the backup vault.
	Vault *backup.Vault
	// Plan is the backup plan.
	Plan *backup.Plan
	// Selection selects the tagged resources.
	Selection *backup.Selection
	// VaultARN is the vault's ARN: the copy destination of another region's RegionBackup.
	VaultARN pulumi.StringOutput `pulumi:"vaultArn"`
	// VaultName is the vault's name.
	VaultName pulumi.StringOutput `pulumi:"vaultName"`
	// PlanID is the backup plan's ID.
	PlanID pulumi.StringOutput `pulumi:"planId"`
	// ReplicatedDBBackups are, by source region, the ARNs of the automated backups ReplicateDB keeps
	// here: what a point-in-time restore in this region restores from.
	ReplicatedDBBackups map[string]pulumi.StringOutput
}

// WithDefaults returns a copy of a with every unset field at its default.
func (a *RegionBackupArgs) WithDefaults() RegionBackupArgs {
	c := *a
	c.Settings = c.Settings.WithDefaults()
	return c
}

// Validate checks a (after WithDefaults) for a component called name and returns every problem.
func (a *RegionBackupArgs) Validate(name string) FieldErrors {
	var f FieldErrors
	f = append(f, AsFieldErrors(checkAccount("Account", a.Account))...)
	for _, err := range []error{checkRegion("Region", a.Region), checkName(name, a.Region)} {
		f = append(f, AsFieldErrors(err)...)
	}
	if a.KMSKeyARN == nil {
		f.Add("KMSKeyARN", "required: the vault is encrypted with the region's key")
	}
	if a.Selection == "" {
		f.Add("Selection", "required: the value of the %s tag the plan selects", BackupTagKey)
	}
	for _, fe := range a.Settings.Validate() {
		f.Add("Settings."+fe.Path, "%s", fe.Msg)
	}
	if c := a.Copy; c != nil {
		if err := checkRegion("Copy.Region", c.Region); err != nil {
			f = append(f, AsFieldErrors(err)...)
		} else if c.Region == a.Region {
			f.Add("Copy.Region", "%q is the backup's own region: a copy must survive the region", c.Region)
		}
		if c.VaultARN == nil {
			f.Add("Copy.VaultARN", "required: the %s vault", c.Region)
		}
	}
	if a.Settings.RestoreTesting != nil {
		switch t := a.RestoreTarget; {
		case t == nil:
			f.Add("RestoreTarget", "required with Settings.RestoreTesting: the subnet group and security groups a test restores into")
		case t.ResourceType != "RDS" && t.ResourceType != "Aurora":
			f.Add("RestoreTarget.ResourceType", "%q is not RDS or Aurora", t.ResourceType)
		case t.SubnetGroupName == nil || t.SecurityGroupIDs == nil:
			f.Add("RestoreTarget", "SubnetGroupName and SecurityGroupIDs are required")
		}
	}
	seen := map[string]bool{}
	for i, r := range a.ReplicateDB {
		at := fmt.Sprintf("ReplicateDB[%d].", i)
		if err := checkRegion(at+"SourceRegion", r.SourceRegion); err != nil {
			f = append(f, AsFieldErrors(err)...)
		} else if r.SourceRegion == a.Region {
			f.Add(at+"SourceRegion", "%q is the backup's own region: replicate from another region", r.SourceRegion)
		} else if seen[r.SourceRegion] {
			f.Add(at+"SourceRegion", "%q appears twice: one replication per source region", r.SourceRegion)
		}
		seen[r.SourceRegion] = true
		if r.SourceDBARN == nil {
			f.Add(at+"SourceDBARN", "required")
		}
		if r.RetentionDays < 1 || r.RetentionDays > 35 {
			f.Add(at+"RetentionDays", "%d must be 1-35", r.RetentionDays)
		}
	}
	names := []derivedName{{"backup vault name", name + "-backup", 50}, {"backup role name", name + "-backup", IAMRoleNameLimit - autoNameSuffix}}
	if a.Settings.RestoreTesting != nil {
		names = append(names, derivedName{"restore testing plan name", name + "_restore_test", 50})
	}
	checkDerivedNames(&f, name, names)
	return f
}

// NewRegionBackup creates one region's backup layer on the provider passed in opts.
func NewRegionBackup(ctx *pulumi.Context, name string, args *RegionBackupArgs, opts ...pulumi.ResourceOption) (*RegionBackup, error) {
	if args == nil {
		return nil, fmt.Errorf("region backup %q: args are required", name)
	}
	a := args.WithDefaults()
	if err := a.Validate(name).Err(); err != nil {
		return nil, fmt.Errorf("region backup %q: %w", name, err)
	}
	if err := checkProvider(ctx, a.Region, opts); err != nil {
		return nil, fmt.Errorf("region backup %q: %w", name, err)
	}
	protect := boolOr(a.Protect, true)
	b := &RegionBackup{}
	if err := ctx.RegisterComponentResource(RegionBackupType, name, b, append(opts, protectStateful(protect))...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(b)
	arns, err := accountOf(ctx, a.Account, parent)
	if err != nil {
		return nil, fmt.Errorf("region backup %q: %w", name, err)
	}
	if err := b.build(ctx, name, &a, arns, protect, parent); err != nil {
		return nil, fmt.Errorf("region backup %q: %w", name, err)
	}
	b.VaultARN, b.VaultName, b.PlanID = b.Vault.Arn, b.Vault.Name, b.Plan.ID().ToStringOutput()
	return b, ctx.RegisterResourceOutputs(b, pulumi.Map{"vaultArn": b.VaultARN, "vaultName": b.VaultName, "planId": b.PlanID})
}

func (b *RegionBackup) build(ctx *pulumi.Context, name string, a *RegionBackupArgs, arns AccountARNs, protect bool, parent pulumi.ResourceOption) error {
	s := a.Settings
	tags := pulumi.StringMap{"Name": pulumi.String(name + "-backup"), "region": pulumi.String(a.Region)}
	vault, err := backup.NewVault(ctx, name+"-backup", &backup.VaultArgs{
		Name:         pulumi.String(name + "-backup"),
		KmsKeyArn:    a.KMSKeyARN,
		ForceDestroy: pulumi.Bool(false),
		Tags:         tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating the vault: %w", err)
	}
	b.Vault = vault
	if protect {
		// Without a vault lock, nobody in the account may delete a recovery point or shorten its
		// lifecycle: a bad deploy or a stolen deploy credential cannot erase the backups. AWS Backup
		// still expires them on schedule.
		if _, err := backup.NewVaultPolicy(ctx, name+"-backup", &backup.VaultPolicyArgs{
			BackupVaultName: vault.Name,
			Policy: policyOutput(func(v []string) []statement {
				return []statement{{
					Sid: "DenyRecoveryPointDeletion", Effect: "Deny", Principal: map[string]any{"AWS": "*"},
					Action:   []string{"backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"},
					Resource: []string{v[0]},
				}}
			}, vault.Arn),
		}, parent); err != nil {
			return fmt.Errorf("creating the vault policy: %w", err)
		}
	}
	if l := s.VaultLock; l != nil {
		if _, err := backup.NewVaultLockConfiguration(ctx, name+"-backup", &backup.VaultLockConfigurationArgs{
			BackupVaultName:   vault.Name,
			MinRetentionDays:  pulumi.Int(l.MinRetentionDays),
			MaxRetentionDays:  pulumi.Int(l.MaxRetentionDays),
			ChangeableForDays: pulumi.Int(l.ChangeableForDays),
		}, parent); err != nil {
			return fmt.Errorf("creating the vault lock: %w", err)
		}
	}
	role, err := b.role(ctx, name, a, arns, parent)
	if err != nil {
		return err
	}
	rule := func(ruleName, schedule string, days int, continuous bool) backup.PlanRuleInput {
		lifecycle := &backup.PlanRuleLifecycleArgs{DeleteAfter: pulumi.Int(days)}
		var copies backup.PlanRuleCopyActionArray
		if a.Copy != nil {
			copies = append(copies, backup.PlanRuleCopyActionArgs{
				DestinationVaultArn: a.Copy.VaultARN,
				Lifecycle:           &backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(days)},
			})
		}
		if s.CopyToAccount != "" {
			copies = append(copies, backup.PlanRuleCopyActionArgs{
				DestinationVaultArn: pulumi.String(s.CopyToAccount),
				Lifecycle:           &backup.PlanRuleCopyActionLifecycleArgs{DeleteAfter: pulumi.Int(days)},
			})
		}
		return backup.PlanRuleArgs{
			RuleName:               pulumi.String(ruleName),
			TargetVaultName:        vault.Name,
			Schedule:               pulumi.String(schedule),
			StartWindow:            pulumi.Int(60),
			CompletionWindow:       pulumi.Int(24 * 60),
			EnableContinuousBackup: pulumi.Bool(continuous),
			Lifecycle:              lifecycle,
			CopyActions:            copies,
			RecoveryPointTags:      pulumi.StringMap{"region": pulumi.String(a.Region), "rule": pulumi.String(ruleName)},
		}
	}
	plan, err := backup.NewPlan(ctx, name+"-backup", &backup.PlanArgs{
		Name: pulumi.String(name + "-backup"),
		Rules: backup.PlanRuleArray{
			rule("daily", dailySchedule, s.DailyRetentionDays, *s.Continuous),
			rule("weekly", weeklySchedule, s.WeeklyRetentionDays, false),
		},
		Tags: tags,
	}, parent)
	if err != nil {
		return fmt.Errorf("creating the plan: %w", err)
	}
	b.Plan = plan
	b.Selection, err = backup.NewSelection(ctx, name+"-backup", &backup.SelectionArgs{
		Name:       pulumi.String(name + "-backup"),
		PlanId:     plan.ID(),
		IamRoleArn: role.Arn,
		SelectionTags: backup.SelectionSelectionTagArray{backup.SelectionSelectionTagArgs{
			Type: pulumi.String("STRINGEQUALS"), Key: pulumi.String(BackupTagKey), Value: pulumi.String(a.Selection),
		}},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating the selection: %w", err)
	}
	if s.RestoreTesting != nil {
		if err := b.restoreTesting(ctx, name, a, role, parent); err != nil {
			return err
		}
	}
	for _, r := range a.ReplicateDB {
		rep, err := rds.NewInstanceAutomatedBackupsReplication(ctx, name+"-db-backups-from-"+r.SourceRegion, &rds.InstanceAutomatedBackupsReplicationArgs{
			SourceDbInstanceArn: r.SourceDBARN,
			KmsKeyId:            a.KMSKeyARN,
			RetentionPeriod:     pulumi.Int(r.RetentionDays),
		}, parent)
		if err != nil {
			return fmt.Errorf("replicating the %s database's automated backups: %w", r.SourceRegion, err)
		}
		if b.ReplicatedDBBackups == nil {
			b.ReplicatedDBBackups = map[string]pulumi.StringOutput{}
		}
		b.ReplicatedDBBackups[r.SourceRegion] = rep.ID().ToStringOutput()
	}
	return nil
}

// restoreTesting creates the weekly restore test of the database recovery points in the vault (the
// region's own and the copies it receives): the latest point of the last week, restored into the
// RestoreTarget's subnets and security groups, kept ValidationWindowHours.
func (b *RegionBackup) restoreTesting(ctx *pulumi.Context, name string, a *RegionBackupArgs, role *iam.Role, parent pulumi.ResourceOption) error {
	// Restore testing names allow letters, digits and underscores only.
	planName := strings.ReplaceAll(name, "-", "_") + "_restore_test"
	plan, err := backup.NewRestoreTestingPlan(ctx, name+"-restore-test", &backup.RestoreTestingPlanArgs{
		Name:               pulumi.String(planName),
		ScheduleExpression: pulumi.String("cron(0 8 ? * WED *)"),
		StartWindowHours:   pulumi.Int(24),
		RecoveryPointSelection: &backup.RestoreTestingPlanRecoveryPointSelectionArgs{
			Algorithm:           pulumi.String("LATEST_WITHIN_WINDOW"),
			IncludeVaults:       pulumi.StringArray{b.Vault.Arn},
			RecoveryPointTypes:  pulumi.StringArray{pulumi.String("SNAPSHOT")},
			SelectionWindowDays: pulumi.Int(7),
		},
	}, parent)
	if err != nil {
		return fmt.Errorf("creating the restore testing plan: %w", err)
	}
	t := a.RestoreTarget
	groups := t.SecurityGroupIDs.ToStringArrayOutput().ApplyT(func(ids []string) (string, error) {
		out, err := json.Marshal(ids)
		return string(out), err
	}).(pulumi.StringOutput)
	if _, err := backup.NewRestoreTestingSelection(ctx, name+"-restore-test", &backup.RestoreTestingSelectionArgs{
		Name:                   pulumi.String(strings.ReplaceAll(name, "-", "_") + "_database"),
		RestoreTestingPlanName: plan.Name,
		ProtectedResourceType:  pulumi.String(t.ResourceType),
		IamRoleArn:             role.Arn,
		ProtectedResourceArns:  pulumi.StringArray{pulumi.String("*")},
		ProtectedResourceConditions: &backup.RestoreTestingSelectionProtectedResourceConditionsArgs{
			StringEquals: backup.RestoreTestingSelectionProtectedResourceConditionsStringEqualArray{
				backup.RestoreTestingSelectionProtectedResourceConditionsStringEqualArgs{
					Key: pulumi.String("aws:ResourceTag/" + BackupTagKey), Value: pulumi.String(a.Selection),
				},
			},
		},
		RestoreMetadataOverrides: pulumi.StringMap{"dbsubnetgroupname": t.SubnetGroupName, "vpcsecuritygroupids": groups},
		ValidationWindowHours:    pulumi.Int(a.Settings.RestoreTesting.ValidationWindowHours),
	}, parent); err != nil {
		return fmt.Errorf("creating the restore testing selection: %w", err)
	}
	return nil
}

// role creates the AWS Backup service role: AWS's managed backup and restore policies (RDS, Aurora,
// S3), assumable only by AWS Backup for this account.
func (b *RegionBackup) role(ctx *pulumi.Context, name string, a *RegionBackupArgs, arns AccountARNs, parent pulumi.ResourceOption) (*iam.Role, error) {
	trust, err := assumeRolePolicy(backupPrincipal, arns.AccountID)
	if err != nil {
		return nil, err
	}
	role, err := iam.NewRole(ctx, name+"-backup", &iam.RoleArgs{
		Description:      pulumi.String(fmt.Sprintf("AWS Backup of the %s vault's selection (%s)", name+"-backup", a.Region)),
		AssumeRolePolicy: pulumi.String(trust),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("creating the backup role: %w", err)
	}
	for _, p := range backupManagedPolicies() {
		if _, err := iam.NewRolePolicyAttachment(ctx, name+"-backup-"+p.suffix, &iam.RolePolicyAttachmentArgs{
			Role:      role.Name,
			PolicyArn: pulumi.String(arns.AWSManagedPolicy(p.path)),
		}, parent); err != nil {
			return nil, fmt.Errorf("attaching %s to the backup role: %w", p.path, err)
		}
	}
	return role, nil
}

// backupTags are the tags that put a resource in the RegionBackup selection named selection: none when
// it is empty.
func backupTags(selection string) map[string]string {
	if selection == "" {
		return nil
	}
	return map[string]string{BackupTagKey: selection}
}

// backupPolicy is an AWS-managed policy the backup role holds, with the suffix of its attachment's
// name.
type backupPolicy struct{ suffix, path string }

// backupManagedPolicies lists the AWS-managed policies of the backup role: backup and restore of
// RDS and Aurora (the service role policies), and of S3.
func backupManagedPolicies() []backupPolicy {
	return []backupPolicy{
		{"backup", "service-role/AWSBackupServiceRolePolicyForBackup"},
		{"restore", "service-role/AWSBackupServiceRolePolicyForRestores"},
		{"s3-backup", "AWSBackupServiceRolePolicyForS3Backup"},
		{"s3-restore", "AWSBackupServiceRolePolicyForS3Restore"},
	}
}
