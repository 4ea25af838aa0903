package stacks

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"

	"github.com/multiregion/multiregion/components"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// placeholder stands for an output (a key ARN, a VPC ID) when the stack runs a component's Validate
// on the Args it will pass, before anything exists.
var placeholder = pulumi.String("validating")

// clusterArgs is what the configuration sets for the RegionalCluster of rc; kmsKeyARN and certARN are
// outputs of other components (placeholders when only validating). Deploy and componentProblems
// share it, so the Args validated are the Args deployed.
func (c *Config) clusterArgs(rc RegionConfig, cidr netip.Prefix, kmsKeyARN, certARN pulumi.StringInput) *components.RegionalClusterArgs {
	plan := c.Plan(rc.Name)
	var replicateTo []string
	if plan.Role == components.RolePrimary {
		for _, r := range c.Regions {
			if r.Name != rc.Name {
				replicateTo = append(replicateTo, r.Name)
			}
		}
	}
	spec := c.Service.ServiceSpec
	spec.RepositoryName, spec.ImageTag, _ = components.ParseImage(c.Service.Image)
	spec.Environment = c.serviceEnvironment(rc.Name)
	return &components.RegionalClusterArgs{
		Region:             rc.Name,
		Role:               plan.Role,
		CIDR:               cidr,
		AvailabilityZones:  rc.AvailabilityZones,
		AZCount:            c.AZCount,
		NATPerAZ:           components.Bool(plan.NATPerAZ),
		InterfaceEndpoints: c.Network.InterfaceEndpoints,
		KMSKeyARN:          kmsKeyARN,
		LogRetentionDays:   c.LogRetentionDays,
		Service:            spec,
		Capacity:           plan.Capacity,
		Autoscaling:        c.Service.Autoscaling,
		SpotWeight:         c.spotWeight(plan.Role),
		ReplicateTo:        replicateTo,
		PeerCIDRs:          c.peerCIDRs(rc.Name),
		DataPorts:          c.dataPorts(),
		CertificateARN:     certARN,
		AllowPlainHTTP:     components.Bool(c.Edge.Domain == "" && components.On(c.Edge.AllowPlainHTTP)),
		WAF:                c.Edge.WAF,
		Protect:            components.Bool(c.Protect),
		// A throwaway stack (protect: false) must be destroyable: AWS deletion protection follows.
		DeletionProtection: components.Bool(c.Protect),
	}
}

// dataArgs is what the configuration sets for the DataTier of region; Deploy adds the outputs of
// the region's other components.
func (c *Config) dataArgs(region string, role components.Role) *components.DataTierArgs {
	standalone := c.Strategy == BackupRestore
	return &components.DataTierArgs{
		Region:             region,
		Role:               role,
		Home:               region == c.DataHomeRegion && !standalone,
		Standalone:         standalone,
		Database:           c.databaseSpec(region, role),
		Cache:              c.regionCacheSpec(region),
		CacheServesPeers:   c.Cache.enabled() && !c.Cache.Replicated() && region == c.DataHomeRegion && !standalone,
		BackupSelection:    c.backupSelection(),
		Protect:            components.Bool(c.Protect),
		DeletionProtection: components.Bool(c.Protect),
	}
}

// componentProblems runs the components' own rules (components.*Args.Validate) on the Args the
// configuration produces in every valid region, and names each problem by its configuration key.
func (c *Config) componentProblems() []error {
	var errs []error
	if err := components.CheckObservabilityName(c.Service.Name); err != nil {
		errs = append(errs, fmt.Errorf("%s: %v", key("service.name"), err))
	}
	for i, rc := range c.Regions {
		cidr, err := netip.ParsePrefix(rc.CIDR)
		if components.CheckRegion(rc.Name) != nil || err != nil {
			continue // reported by the stack's own rules
		}
		var cert pulumi.StringInput // the domain's certificate is made later
		if c.Edge.Domain != "" {
			cert = placeholder
		}
		ca := c.clusterArgs(rc, cidr, placeholder, cert).WithDefaults()
		ca.AccessLogBucket = placeholder // the region's AccessLogSink, made first
		for _, fe := range ca.Validate(c.name(rc.Name)) {
			if k := c.clusterKey(i, fe.Path); k != "" {
				errs = append(errs, fmt.Errorf("%s: %s", key(k), fe.Msg))
			}
		}
		if !c.holdsData(rc.Name) {
			continue
		}
		role := c.RoleOf(rc.Name)
		da := c.dataArgs(rc.Name, role)
		if from := c.Database.RestoreFrom; c.Strategy == BackupRestore && isSnapshot(from) {
			da.Database.RestoreFrom = &components.DBRestore{Snapshot: from}
		}
		da.KMSKeyARN, da.VPCID, da.ClientSecurityGroupID = placeholder, placeholder, placeholder
		da.SubnetIDs = pulumi.ToStringArray([]string{"validating"})
		if role == components.RoleStandby {
			da.SourceDBARN = placeholder
		}
		if !da.Home {
			da.GlobalClusterID, da.GlobalReplicationGroupID = placeholder, placeholder
		}
		dd := da.WithDefaults(c.name(rc.Name))
		for _, fe := range dd.Validate(c.name(rc.Name)) {
			if k := c.dataKey(rc.Name, role, fe.Path); k != "" {
				errs = append(errs, fmt.Errorf("%s: %s", key(k), fe.Msg))
			}
		}
	}
	return errs
}

// spotWeight is the FARGATE_SPOT weight of a region in role: service.standbySpotWeight for a standby
// when it is set, else service.spotWeight.
func (c *Config) spotWeight(role components.Role) int {
	if w := c.Service.StandbySpotWeight; w != nil && role == components.RoleStandby {
		return *w
	}
	return c.Service.SpotWeight
}

// name is the component name of region's per-region components.
func (c *Config) name(region string) string { return c.Service.Name + "-" + region }

// clusterKey maps a RegionalClusterArgs field path to the configuration key that sets it; "" for a
// problem the stack reports itself.
func (c *Config) clusterKey(i int, path string) string {
	head, rest := splitPath(path)
	region := fmt.Sprintf("regions[%d]", i)
	switch head {
	case "name":
		return "service.name"
	case "Region":
		return region + ".name"
	case "CIDR":
		return region + ".cidr"
	case "AvailabilityZones":
		return region + ".availabilityZones" + rest
	case "AZCount":
		if len(c.Regions[i].AvailabilityZones) > 0 {
			return region + ".availabilityZones"
		}
		return "azCount"
	case "LogRetentionDays":
		return "logRetentionDays"
	case "SpotWeight":
		if c.Service.StandbySpotWeight != nil && c.Plan(c.Regions[i].Name).Role == components.RoleStandby {
			return "service.standbySpotWeight"
		}
		return "service.spotWeight"
	case "Capacity":
		return "" // the stack's count rules name minCount, desiredCount and maxCount
	case "CertificateARN", "AllowPlainHTTP":
		return "" // the edge's rule names edge.domain and edge.allowPlainHttp
	case "Service":
		field := strings.TrimPrefix(rest, ".")
		if field == "RepositoryName" || field == "ImageTag" {
			return "" // reported by components.ParseImage on service.image
		}
		return "service." + jsonPath(reflect.TypeFor[components.ServiceSpec](), field)
	}
	return region + " (" + path + ")"
}

// dataKey maps a DataTierArgs field path to the configuration key that sets it.
func (c *Config) dataKey(region string, role components.Role, path string) string {
	head, rest := splitPath(path)
	field := strings.TrimPrefix(rest, ".")
	switch head {
	case "name", "GlobalName":
		return "service.name"
	case "Region", "Role":
		return ""
	case "Database":
		switch {
		case strings.HasPrefix(field, "RestoreFrom"):
			return "database.restoreFrom"
		case field == "Rejoin":
			return "database.rejoin." + region
		case strings.HasPrefix(field, "Recovery"):
			// "Recovery.Name" -> database.recovery.<region>.name
			sub := strings.TrimPrefix(strings.TrimPrefix(field, "Recovery"), ".")
			k := "database.recovery." + region
			if sub != "" {
				k += "." + jsonPath(reflect.TypeFor[components.DBRecovery](), sub)
			}
			return k
		case field == "Instances" && role == components.RoleStandby:
			return "database.standbyInstances"
		}
		return "database." + jsonPath(reflect.TypeFor[DatabaseConfig](), field)
	case "Cache":
		if field == "AuthToken" {
			return "cacheAuthToken"
		}
		return "cache." + jsonPath(reflect.TypeFor[CacheConfig](), field)
	}
	return "database (" + region + " " + path + ")"
}

// splitPath splits "Service.Port" into "Service" and ".Port", "AvailabilityZones[1]" into
// "AvailabilityZones" and "[1]".
func splitPath(path string) (head, rest string) {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i], path[i:]
	}
	return path, ""
}

// jsonPath maps Go field names ("CPU/Memory", "VaultLock.MinRetentionDays") of t to their JSON names
// ("cpu/memory", "vaultLock.minRetentionDays"): "/" joins sibling fields, "." walks into a field's
// struct.
func jsonPath(t reflect.Type, goPath string) string {
	parts := strings.Split(goPath, "/")
	for i, p := range parts {
		steps := strings.Split(p, ".")
		at := t
		for j, step := range steps {
			for at != nil && at.Kind() == reflect.Pointer {
				at = at.Elem()
			}
			var f reflect.StructField
			ok := at != nil && at.Kind() == reflect.Struct && step != ""
			if ok {
				f, ok = at.FieldByName(step)
			}
			if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); ok && name != "" && name != "-" {
				steps[j] = name
			} else if step != "" {
				steps[j] = strings.ToLower(step[:1]) + step[1:]
			}
			if ok {
				at = f.Type
			} else {
				at = nil
			}
		}
		parts[i] = strings.Join(steps, ".")
	}
	return strings.Join(parts, "/")
}

// dataPorts are the ports the tasks open to the data tiers: the database's, and the cache's when there
// is one.
func (c *Config) dataPorts() []int {
	ports := []int{c.Database.Port}
	if c.Cache.enabled() && c.Cache.Port != c.Database.Port {
		ports = append(ports, c.Cache.Port)
	}
	return ports
}
