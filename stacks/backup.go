package stacks

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/multiregion/multiregion/components"
)

// BackupConfig is multiregion:backup: AWS Backup in every region, with copies to another region
// (docs/datatier.md, Backups). The rules' JSON names, defaults and checks are the components'
// (components.BackupSettings).
type BackupConfig struct {
	components.BackupSettings
	// Enabled deploys the backup layer. Default true.
	Enabled *bool `json:"enabled,omitempty"`
	// CopyToRegion receives every other region's recovery points; its own go to the next region
	// after it. Default: each region copies to the next region of regions (the last to the first),
	// skipping lost regions.
	CopyToRegion string `json:"copyToRegion,omitempty"`
}

// enabled reports whether the backup layer is deployed.
func (b *BackupConfig) enabled() bool { return b.Enabled == nil || *b.Enabled }

// validateBackup checks multiregion:backup.
func (c *Config) validateBackup() []error {
	var errs []error
	add := func(field, format string, v ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key("backup."+field), fmt.Sprintf(format, v...)))
	}
	b := &c.Backup
	if !b.enabled() {
		return nil
	}
	if b.CopyToRegion != "" && !slices.Contains(c.regionNames(), b.CopyToRegion) {
		add("copyToRegion", "%q is not among the regions %v (the copies go to that region's vault)", b.CopyToRegion, c.regionNames())
	}
	for _, fe := range b.BackupSettings.Validate() {
		add(jsonPath(reflect.TypeFor[components.BackupSettings](), fe.Path), "%s", fe.Msg)
	}
	return errs
}

// BackupCopyRegion is where region's recovery points are copied: backup.copyToRegion when that is
// another region, else the next region of regions after region (the last to the first) that is not
// lost. "" when no other region is reachable.
func (c *Config) BackupCopyRegion(region string) string {
	if to := c.Backup.CopyToRegion; to != "" && to != region && !c.Lost(to) {
		return to
	}
	names := c.regionNames()
	i := slices.Index(names, region)
	for n := 1; n < len(names); n++ {
		next := names[(i+n)%len(names)]
		if !c.Lost(next) {
			return next
		}
	}
	return ""
}

// backupSelection is the value of the backup tag the stack's resources carry and every region's plan
// selects: the service name.
func (c *Config) backupSelection() string {
	if !c.Backup.enabled() {
		return ""
	}
	return c.Service.Name
}

// deployBackups creates every region's RegionBackup: vault, plan, selection. Each region's recovery
// points are copied to BackupCopyRegion's vault; with RDS, the writer's automated backups are also
// replicated there, so that a point-in-time restore is possible in that region.
func (d *Deployment) deployBackups(ctx *pulumi.Context) error {
	cfg := d.Config
	if !cfg.Backup.enabled() {
		return nil
	}
	for _, region := range cfg.regionNames() {
		r := d.Regions[region]
		args := &components.RegionBackupArgs{
			Region:    region,
			KMSKeyARN: r.Key.ARN,
			Selection: cfg.backupSelection(),
			Settings:  cfg.Backup.BackupSettings,
			Protect:   components.Bool(cfg.Protect),
			Account:   &d.Account,
		}
		if to := cfg.BackupCopyRegion(region); to != "" {
			args.Copy = &components.BackupCopy{Region: to, VaultARN: pulumi.String(d.vaultARN(to))}
		}
		if cfg.Backup.RestoreTesting != nil && r.Data != nil {
			args.RestoreTarget = restoreTarget(r.Data)
		}
		args.ReplicateDB = d.backupReplications(region)
		provider, err := d.Providers.For(region)
		if err != nil {
			return err
		}
		if r.Backup, err = components.NewRegionBackup(ctx, d.name(region), args, pulumi.Provider(provider)); err != nil {
			return err
		}
	}
	return nil
}

// backupReplications are the RDS automated-backup replications into region: the writer's, into its
// BackupCopyRegion; and the replication of a lost region that was the writer at the last deployment,
// into the region it went to then (the next region of regions, or backup.copyToRegion). That one stays
// while its source is dark: stopping a replication waits on the source region's API (the Terraform
// provider's delete polls DescribeDBInstanceAutomatedBackups there), which would stall the failover.
// It is removed by the first up after the region is back. Aurora has none (its copies are the plan's).
func (d *Deployment) backupReplications(region string) []components.DBBackupReplication {
	cfg := d.Config
	if cfg.Database.Engine != components.EnginePostgres {
		return nil
	}
	var out []components.DBBackupReplication
	add := func(source string) {
		if t := d.Regions[source].Data; t != nil {
			out = append(out, components.DBBackupReplication{SourceRegion: source, SourceDBARN: t.DBARN, RetentionDays: cfg.Database.BackupRetentionDays})
		}
	}
	for _, source := range cfg.regionNames() {
		switch {
		case source == cfg.PrimaryRegion && cfg.BackupCopyRegion(source) == region:
			add(source)
		case cfg.Lost(source) && cfg.frozenRoles[source] == components.RolePrimary && cfg.copyRegionBefore(source) == region:
			add(source)
		case cfg.keptWriters[source] && !cfg.Lost(source) && cfg.copyRegionBefore(source) == region:
			// backup-restore: a kept former writer's backups stay where a restore reads them.
			add(source)
		}
	}
	return out
}

// copyRegionBefore is where region's backups went when no region was lost: backup.copyToRegion, or
// the next region of regions.
func (c *Config) copyRegionBefore(region string) string {
	if to := c.Backup.CopyToRegion; to != "" && to != region {
		return to
	}
	names := c.regionNames()
	return names[(slices.Index(names, region)+1)%len(names)]
}

// vaultARN is the ARN of region's backup vault, built from its name (components.NewRegionBackup
// names it <name>-backup): a copy action then needs no other region's output, so no region waits for
// another, and a lost region's vault is named without asking it.
func (d *Deployment) vaultARN(region string) string {
	return d.Account.ARN("backup", region, "backup-vault:"+d.name(region)+"-backup")
}

// restoreTarget is the network of tier's database, where restore tests restore it.
func restoreTarget(tier *components.DataTier) *components.RestoreTarget {
	if tier.Cluster != nil {
		return &components.RestoreTarget{ResourceType: "Aurora", SubnetGroupName: tier.Cluster.DbSubnetGroupName, SecurityGroupIDs: tier.Cluster.VpcSecurityGroupIds}
	}
	return &components.RestoreTarget{ResourceType: "RDS", SubnetGroupName: tier.Instance.DbSubnetGroupName, SecurityGroupIDs: tier.Instance.VpcSecurityGroupIds}
}
