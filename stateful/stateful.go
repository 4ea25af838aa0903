// Package stateful is the one list of the Pulumi resource types whose replacement or deletion loses
// data or evidence. It has no dependencies, so that tools (the operator command's guarded preview,
// policy checks) can use it without linking the AWS SDK; components.StatefulTypes returns it.
package stateful

// Types returns the Pulumi type tokens of the resources the components create whose replacement or
// deletion loses data or evidence: databases and their global clusters, caches and their global
// datastores, KMS keys, image repositories, buckets (archives and logs), log groups, alert topics
// (their confirmed subscriptions), hosted zones (their delegation) and backup vaults (their
// recovery points). A fresh slice on every call.
func Types() []string {
	return []string{
		"aws:rds/instance:Instance",
		"aws:rds/cluster:Cluster",
		"aws:rds/globalCluster:GlobalCluster",
		"aws:elasticache/replicationGroup:ReplicationGroup",
		"aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
		"aws:kms/key:Key",
		"aws:kms/replicaKey:ReplicaKey",
		"aws:ecr/repository:Repository",
		"aws:s3/bucketV2:BucketV2",
		"aws:cloudwatch/logGroup:LogGroup",
		"aws:sns/topic:Topic",
		"aws:route53/zone:Zone",
		"aws:backup/vault:Vault",
	}
}

// Replaces reports whether a step with this engine operation destroys the resource it names (now or
// at the end of the update): a replacement, in either order, or a deletion.
func Replaces(op string) bool {
	switch op {
	case "replace", "create-replacement", "delete-replaced", "delete", "discard", "discard-replaced", "remove-pending-replace":
		return true
	}
	return false
}
