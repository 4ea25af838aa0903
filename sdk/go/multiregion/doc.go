// Pulumi components that run one containerised service across several AWS regions with disaster recovery and global load balancing.
package multiregion
