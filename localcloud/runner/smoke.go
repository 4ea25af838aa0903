package main

import (
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/kms"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/route53"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	"github.com/multiregion/multiregion/components"
	"github.com/multiregion/multiregion/localcloud/emulator"
)

// smokeProgram is a small two-region program that exercises what the multiregion stack
// relies on most: one provider per region, a VPC, KMS keys, an RDS PostgreSQL primary with
// a cross-region read replica, and a Route 53 zone with a health check and a failover
// record pair; and the state backend bootstrap (components.StateBackend: a multi-Region key
// and its replica, two buckets replicating to each other).
func smokeProgram(endpoint, primaryRegion, standbyRegion string) pulumi.RunFunc {
	return func(ctx *pulumi.Context) error {
		primaryProvider, err := aws.NewProvider(ctx, primaryRegion, emulator.ProviderArgs(primaryRegion, endpoint))
		if err != nil {
			return err
		}
		standbyProvider, err := aws.NewProvider(ctx, standbyRegion, emulator.ProviderArgs(standbyRegion, endpoint))
		if err != nil {
			return err
		}
		inPrimary, inStandby := pulumi.Provider(primaryProvider), pulumi.Provider(standbyProvider)

		tags := pulumi.StringMap{"Name": pulumi.String("localcloud-smoke")}
		if owner := config.Get(ctx, "localcloud-smoke:owner"); owner != "" {
			tags["owner"] = pulumi.String(owner)
		}
		vpc, err := ec2.NewVpc(ctx, "vpc-"+primaryRegion, &ec2.VpcArgs{
			CidrBlock:          pulumi.String("10.42.0.0/16"),
			EnableDnsHostnames: pulumi.Bool(true),
			EnableDnsSupport:   pulumi.Bool(true),
			Tags:               tags,
		}, inPrimary)
		if err != nil {
			return err
		}

		primaryKey, err := kms.NewKey(ctx, "db-key-"+primaryRegion, &kms.KeyArgs{
			Description:          pulumi.String("localcloud smoke: primary database"),
			DeletionWindowInDays: pulumi.Int(7),
			EnableKeyRotation:    pulumi.Bool(true),
		}, inPrimary)
		if err != nil {
			return err
		}
		standbyKey, err := kms.NewKey(ctx, "db-key-"+standbyRegion, &kms.KeyArgs{
			Description:          pulumi.String("localcloud smoke: replica database"),
			DeletionWindowInDays: pulumi.Int(7),
			EnableKeyRotation:    pulumi.Bool(true),
		}, inStandby)
		if err != nil {
			return err
		}

		primary, err := rds.NewInstance(ctx, "db-"+primaryRegion, &rds.InstanceArgs{
			Engine:                pulumi.String("postgres"),
			EngineVersion:         pulumi.String("16.3"),
			InstanceClass:         pulumi.String("db.t3.micro"),
			AllocatedStorage:      pulumi.Int(20),
			DbName:                pulumi.String("app"),
			Username:              pulumi.String("app"),
			Password:              pulumi.String("localcloud-only-password"),
			BackupRetentionPeriod: pulumi.Int(1),
			StorageEncrypted:      pulumi.Bool(true),
			KmsKeyId:              primaryKey.Arn,
			SkipFinalSnapshot:     pulumi.Bool(true),
		}, inPrimary)
		if err != nil {
			return err
		}
		// The failover: promoted, the replica is a standalone database (the same resource, updated).
		source := primary.Arn.ToStringOutput()
		if config.GetBool(ctx, "localcloud-smoke:promoted") {
			source = pulumi.String("").ToStringOutput()
		}
		replica, err := rds.NewInstance(ctx, "db-"+standbyRegion, &rds.InstanceArgs{
			ReplicateSourceDb: source,
			InstanceClass:     pulumi.String("db.t3.micro"),
			StorageEncrypted:  pulumi.Bool(true),
			KmsKeyId:          standbyKey.Arn,
			SkipFinalSnapshot: pulumi.Bool(true),
		}, inStandby)
		if err != nil {
			return err
		}

		zone, err := route53.NewZone(ctx, "zone", &route53.ZoneArgs{
			Name:         pulumi.String("localcloud.internal"),
			ForceDestroy: pulumi.Bool(true),
		}, inPrimary)
		if err != nil {
			return err
		}
		health, err := route53.NewHealthCheck(ctx, "health-"+primaryRegion, &route53.HealthCheckArgs{
			Type:             pulumi.String("HTTP"),
			Fqdn:             primary.Address,
			Port:             pulumi.Int(80),
			ResourcePath:     pulumi.String("/health"),
			FailureThreshold: pulumi.Int(3),
			RequestInterval:  pulumi.Int(30),
		}, inPrimary)
		if err != nil {
			return err
		}
		records := []struct {
			region, role string
			target       pulumi.StringOutput
			health       pulumi.StringPtrInput
		}{
			{primaryRegion, "PRIMARY", primary.Address, health.ID()},
			{standbyRegion, "SECONDARY", replica.Address, nil},
		}
		for _, r := range records {
			if _, err := route53.NewRecord(ctx, "db-record-"+r.region, &route53.RecordArgs{
				ZoneId:        zone.ZoneId,
				Name:          pulumi.String("db.localcloud.internal"),
				Type:          pulumi.String("CNAME"),
				Ttl:           pulumi.Int(60),
				Records:       pulumi.StringArray{r.target},
				SetIdentifier: pulumi.String(r.region),
				HealthCheckId: r.health,
				FailoverRoutingPolicies: route53.RecordFailoverRoutingPolicyArray{
					route53.RecordFailoverRoutingPolicyArgs{Type: pulumi.String(r.role)},
				},
			}, inPrimary); err != nil {
				return err
			}
		}

		// The operator's own path (docs/statebackend.md): the state backend bootstrap, deployed by
		// the real engine (not protected: the drill destroys it).
		state, err := components.NewStateBackend(ctx, "pulumi-state", &components.StateBackendArgs{
			Region: primaryRegion, ReplicaRegion: standbyRegion,
			Provider: primaryProvider, ReplicaProvider: standbyProvider,
			BucketPrefix: "localcloud-state", Protect: pulumi.BoolRef(false),
		})
		if err != nil {
			return err
		}
		ctx.Export("stateBackendUrls", state.BackendURLs)
		ctx.Export("secretsProviders", state.SecretsProviders)

		ctx.Export("vpcId", vpc.ID())
		ctx.Export("vpcOwner", vpc.Tags.MapIndex(pulumi.String("owner")))
		ctx.Export("primaryEndpoint", primary.Endpoint)
		ctx.Export("replicaEndpoint", replica.Endpoint)
		ctx.Export("replicaSource", replica.ReplicateSourceDb)
		ctx.Export("zoneId", zone.ZoneId)
		return nil
	}
}
