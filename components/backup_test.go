package components_test

import (
	"testing"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runBackup creates one RegionBackup on a provider of region under a fresh mock engine.
func runBackup(t *testing.T, name, region string, args *components.RegionBackupArgs) (*mockcloud.Engine, error) {
	t.Helper()
	e := mockcloud.New()
	err := e.Run(func(ctx *pulumi.Context) error {
		p, err := aws.NewProvider(ctx, "aws-"+region, &aws.ProviderArgs{Region: pulumi.String(region)})
		if err != nil {
			return err
		}
		_, err = components.NewRegionBackup(ctx, name, args, pulumi.Provider(p))
		return err
	}, nil)
	return e, err
}

// validBackup is a RegionBackupArgs that deploys in us-east-1, copying to eu-west-1.
func validBackup() *components.RegionBackupArgs {
	return &components.RegionBackupArgs{
		Region:    "us-east-1",
		KMSKeyARN: pulumi.String("arn:aws:kms:us-east-1:123456789012:key/k"),
		Selection: "web",
		Copy:      &components.BackupCopy{Region: "eu-west-1", VaultARN: pulumi.String("arn:aws:backup:eu-west-1:123456789012:backup-vault:web-eu-west-1-backup")},
	}
}

// TestRegionBackupRefusesMisuse: every misuse of the library API is refused before anything is
// registered, naming the field.
func TestRegionBackupRefusesMisuse(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*components.RegionBackupArgs)
		want string
	}{
		{"no key", func(a *components.RegionBackupArgs) { a.KMSKeyARN = nil }, "KMSKeyARN: required"},
		{"no selection", func(a *components.RegionBackupArgs) { a.Selection = "" }, "Selection: required"},
		{"copy to itself", func(a *components.RegionBackupArgs) { a.Copy.Region = "us-east-1" }, "Copy.Region: \"us-east-1\" is the backup's own region"},
		{"copy without a vault", func(a *components.RegionBackupArgs) { a.Copy.VaultARN = nil }, "Copy.VaultARN: required"},
		{"copy to no region", func(a *components.RegionBackupArgs) { a.Copy.Region = "mars-1" }, "Copy.Region"},
		{"replicate from itself", func(a *components.RegionBackupArgs) {
			a.ReplicateDB = []components.DBBackupReplication{{SourceRegion: "us-east-1", SourceDBARN: pulumi.String("arn"), RetentionDays: 7}}
		}, "ReplicateDB[0].SourceRegion"},
		{"replicate too long", func(a *components.RegionBackupArgs) {
			a.ReplicateDB = []components.DBBackupReplication{{SourceRegion: "us-west-2", SourceDBARN: pulumi.String("arn"), RetentionDays: 36}}
		}, "ReplicateDB[0].RetentionDays: 36 must be 1-35"},
		{"replicate twice from one region", func(a *components.RegionBackupArgs) {
			r := components.DBBackupReplication{SourceRegion: "us-west-2", SourceDBARN: pulumi.String("arn"), RetentionDays: 7}
			a.ReplicateDB = []components.DBBackupReplication{r, r}
		}, "ReplicateDB[1].SourceRegion: \"us-west-2\" appears twice"},
		{"continuous too long", func(a *components.RegionBackupArgs) { a.Settings.DailyRetentionDays = 36 }, "Settings.DailyRetentionDays: 36"},
		{"weekly too short", func(a *components.RegionBackupArgs) { a.Settings.WeeklyRetentionDays = 7 }, "Settings.WeeklyRetentionDays: 7"},
		{"restore testing without a target", func(a *components.RegionBackupArgs) {
			a.Settings.RestoreTesting = &components.RestoreTestingSettings{}
		}, "RestoreTarget: required with Settings.RestoreTesting"},
		{"region mismatch", func(a *components.RegionBackupArgs) { a.Region = "us-west-2" }, "us-west-2"},
		{"name too long", func(a *components.RegionBackupArgs) {}, "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := validBackup()
			tc.mod(args)
			name := "web-us-east-1"
			if tc.name == "name too long" {
				name = "a-very-long-service-name-for-its-vault-us-east-1"
			}
			e, err := runBackup(t, name, "us-east-1", args)
			assert.ErrorContains(t, err, tc.want)
			for _, r := range e.Resources() {
				assert.Equal(t, mockcloud.AWSProviderType, r.Type, "registered %s before refusing", r.Type)
			}
		})
	}
	t.Run("valid", func(t *testing.T) {
		e, err := runBackup(t, "web-us-east-1", "us-east-1", validBackup())
		require.NoError(t, err)
		assert.Len(t, e.ByType("aws:backup/vault:Vault"), 1)
		assert.Len(t, e.ByType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), 4)
		role := e.ByType("aws:iam/role:Role")
		if assert.Len(t, role, 1) {
			assert.Contains(t, role[0].Str("assumeRolePolicy"), "backup.amazonaws.com")
			assert.Contains(t, role[0].Str("assumeRolePolicy"), "aws:SourceAccount")
		}
	})
}
