package components

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ecr"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// registry creates this region's ECR repository (the replication source in the primary, the
// pre-created destination in a standby, with the same settings) and, when ReplicateTo is set, the
// registry's replication rule.
func (b *clusterBuilder) registry() error {
	ctx, a, parent := b.ctx, b.a, b.parent
	var err error
	b.repo, err = ecr.NewRepository(ctx, b.child("repo"), &ecr.RepositoryArgs{
		Name:                       pulumi.String(a.Service.RepositoryName),
		ImageTagMutability:         pulumi.String("IMMUTABLE"),
		ImageScanningConfiguration: &ecr.RepositoryImageScanningConfigurationArgs{ScanOnPush: pulumi.Bool(true)},
		EncryptionConfigurations: ecr.RepositoryEncryptionConfigurationArray{ecr.RepositoryEncryptionConfigurationArgs{
			EncryptionType: pulumi.String("KMS"),
			KmsKey:         a.KMSKeyARN,
		}},
		ForceDelete: pulumi.Bool(false),
	}, parent)
	if err != nil {
		return fmt.Errorf("creating repository: %w", err)
	}
	lifecycle, err := json.Marshal(map[string]any{"rules": []map[string]any{
		{
			"rulePriority": 1,
			"description":  "expire untagged images after 14 days",
			"selection":    map[string]any{"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
			"action":       map[string]any{"type": "expire"},
		},
		{
			"rulePriority": 2,
			"description":  fmt.Sprintf("keep the last %d images", a.ImagesKept),
			"selection":    map[string]any{"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": a.ImagesKept},
			"action":       map[string]any{"type": "expire"},
		},
	}})
	if err != nil {
		return fmt.Errorf("encoding lifecycle policy: %w", err)
	}
	if _, err := ecr.NewLifecyclePolicy(ctx, b.child("repo"), &ecr.LifecyclePolicyArgs{
		Repository: b.repo.Name,
		Policy:     pulumi.String(lifecycle),
	}, parent); err != nil {
		return fmt.Errorf("creating lifecycle policy: %w", err)
	}
	b.c.RepositoryURL = b.repo.RepositoryUrl
	if len(a.ReplicateTo) == 0 {
		return nil
	}
	var dests ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArray
	for _, r := range a.ReplicateTo {
		dests = append(dests, ecr.ReplicationConfigurationReplicationConfigurationRuleDestinationArgs{
			Region:     pulumi.String(r),
			RegistryId: pulumi.String(b.account),
		})
	}
	// Replication copies only images pushed after the rule exists, into repositories that must
	// already exist with the right settings: the standbys' RegionalClusters create them.
	if _, err := ecr.NewReplicationConfiguration(ctx, b.child("replication"), &ecr.ReplicationConfigurationArgs{
		ReplicationConfiguration: &ecr.ReplicationConfigurationReplicationConfigurationArgs{
			Rules: ecr.ReplicationConfigurationReplicationConfigurationRuleArray{ecr.ReplicationConfigurationReplicationConfigurationRuleArgs{
				Destinations: dests,
				RepositoryFilters: ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArray{
					ecr.ReplicationConfigurationReplicationConfigurationRuleRepositoryFilterArgs{
						Filter:     pulumi.String(a.Service.RepositoryName),
						FilterType: pulumi.String("PREFIX_MATCH"),
					},
				},
			}},
		},
	}, parent); err != nil {
		return fmt.Errorf("creating replication configuration: %w", err)
	}
	return nil
}
