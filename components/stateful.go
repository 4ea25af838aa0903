package components

// StatefulTypes returns the Pulumi type tokens of the resources the components create whose
// replacement or deletion loses data or history: databases and their global clusters, caches and
// their global datastores, KMS keys, image repositories, archive buckets and log groups. The
// components name them by region and protect them; drills and policy checks use the list to assert
// that a change (a failover, say) replaces and deletes none of them.
func StatefulTypes() []string {
	return []string{
		"aws:rds/instance:Instance",
		"aws:rds/cluster:Cluster",
		"aws:rds/globalCluster:GlobalCluster",
		"aws:elasticache/replicationGroup:ReplicationGroup",
		"aws:elasticache/globalReplicationGroup:GlobalReplicationGroup",
		"aws:kms/key:Key",
		"aws:ecr/repository:Repository",
		"aws:s3/bucketV2:BucketV2",
		"aws:cloudwatch/logGroup:LogGroup",
	}
}
