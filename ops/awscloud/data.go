package awscloud

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticache"
	ectypes "github.com/aws/aws-sdk-go-v2/service/elasticache/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/smithy-go"
)

// statusAvailable is the status of an RDS instance, a global cluster and a Global Datastore at rest.
const statusAvailable = "available"

// cacheRolePrimary is a Global Datastore member's role when it is the primary.
const cacheRolePrimary = "PRIMARY"

// SwitchoverAuroraGlobal runs a planned switchover (RPO 0) of the global cluster to the target
// cluster, called in homeRegion, and waits until the target is the writer and the global cluster is
// available. It does nothing when the target is already the writer, and only waits when a
// switchover or failover to the target is already under way.
func (c *Cloud) SwitchoverAuroraGlobal(ctx context.Context, homeRegion, globalClusterID, targetClusterARN string) error {
	return c.moveAuroraWriter(ctx, homeRegion, globalClusterID, targetClusterARN, false)
}

// FailoverAuroraGlobal runs an unplanned failover (AllowDataLoss: the writes the target had not
// received are lost) of the global cluster to the target cluster, called in callRegion, a surviving
// region, and waits like SwitchoverAuroraGlobal, with the same idempotency.
func (c *Cloud) FailoverAuroraGlobal(ctx context.Context, callRegion, globalClusterID, targetClusterARN string) error {
	return c.moveAuroraWriter(ctx, callRegion, globalClusterID, targetClusterARN, true)
}

func (c *Cloud) moveAuroraWriter(ctx context.Context, region, id, target string, allowDataLoss bool) error {
	verb := "switchover"
	if allowDataLoss {
		verb = "failover"
	}
	client := c.rds(region)
	g, err := c.globalCluster(ctx, client, id)
	if err != nil {
		return fmt.Errorf("aurora %s of %s to %s: %w", verb, id, target, err)
	}
	st := auroraStateOf(g, target)
	switch {
	case !st.member:
		return fmt.Errorf("aurora %s of %s: %s is not a member of the global cluster (members: %s)", verb, id, target, st.members)
	case st.settled():
		return nil // already the writer: nothing to do
	case st.moving != "" && st.moving != target:
		return fmt.Errorf("aurora %s of %s to %s: a switchover or failover to %s is already under way (%s); wait for it, then run again",
			verb, id, target, st.moving, st.failover)
	case st.moving == "":
		if allowDataLoss {
			_, err = client.FailoverGlobalCluster(ctx, &rds.FailoverGlobalClusterInput{
				GlobalClusterIdentifier:   aws.String(id),
				TargetDbClusterIdentifier: aws.String(target),
				AllowDataLoss:             aws.Bool(true),
			})
		} else {
			_, err = client.SwitchoverGlobalCluster(ctx, &rds.SwitchoverGlobalClusterInput{
				GlobalClusterIdentifier:   aws.String(id),
				TargetDbClusterIdentifier: aws.String(target),
			})
		}
		if err != nil {
			return fmt.Errorf("aurora %s of %s to %s in %s: %w", verb, id, target, region, err)
		}
	}
	return c.waitFor(ctx, c.timeout, fmt.Sprintf("aurora %s of %s to %s", verb, id, target), func(ctx context.Context) (bool, string, error) {
		g, err := c.globalCluster(ctx, client, id)
		if err != nil {
			return false, "", err
		}
		st := auroraStateOf(g, target)
		return st.settled(), st.String(), nil
	})
}

// globalCluster describes one global cluster.
func (c *Cloud) globalCluster(ctx context.Context, client *rds.Client, id string) (rdstypes.GlobalCluster, error) {
	out, err := client.DescribeGlobalClusters(ctx, &rds.DescribeGlobalClustersInput{GlobalClusterIdentifier: aws.String(id)})
	if err != nil {
		return rdstypes.GlobalCluster{}, fmt.Errorf("describing global cluster %s: %w", id, err)
	}
	if len(out.GlobalClusters) == 0 {
		return rdstypes.GlobalCluster{}, fmt.Errorf("global cluster %s not found", id)
	}
	return out.GlobalClusters[0], nil
}

// auroraState is what a global cluster says about a target member.
type auroraState struct {
	member   bool   // the target is a member
	writer   bool   // the target is the writer
	status   string // the global cluster's status
	moving   string // the cluster a switchover or failover under way promotes ("" when none)
	failover string // that operation's status
	members  string // every member, for messages
}

func auroraStateOf(g rdstypes.GlobalCluster, target string) auroraState {
	st := auroraState{status: aws.ToString(g.Status)}
	var members []string
	for _, m := range g.GlobalClusterMembers {
		arn := aws.ToString(m.DBClusterArn)
		members = append(members, arn)
		if arn == target {
			st.member = true
			st.writer = aws.ToBool(m.IsWriter)
		}
	}
	st.members = strings.Join(members, ", ")
	if f := g.FailoverState; f != nil && f.Status != "" {
		st.moving, st.failover = aws.ToString(f.ToDbClusterArn), string(f.Status)
	}
	return st
}

// settled: the target is the writer, no operation is under way, the global cluster is available.
func (s auroraState) settled() bool {
	return s.writer && s.moving == "" && s.status == statusAvailable
}

func (s auroraState) String() string {
	out := fmt.Sprintf("status %s, target writer %t", s.status, s.writer)
	if s.moving != "" {
		out += fmt.Sprintf(", %s to %s", s.failover, s.moving)
	}
	return out
}

// FailoverCacheGlobal makes the target region's replication group the Global Datastore's primary
// (FailoverGlobalReplicationGroup, called in callRegion) and waits until it is the primary and the
// Global Datastore is available. globalGroupID is the Global Datastore's ID, or the stack's name for
// it ("<service>-global"), which AWS prefixes with an account-specific string: the one group whose
// ID ends with "-" + globalGroupID is taken. It does nothing when the target is already the primary;
// while the Global Datastore is busy (a failover under way) it waits for it before deciding.
func (c *Cloud) FailoverCacheGlobal(ctx context.Context, callRegion, globalGroupID, targetRegion, targetGroupID string) error {
	client := c.elastiCache(callRegion)
	what := fmt.Sprintf("Global Datastore %s failover to %s (%s)", globalGroupID, targetGroupID, targetRegion)
	g, err := c.globalGroup(ctx, client, globalGroupID)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	id := aws.ToString(g.GlobalReplicationGroupId)
	st := cacheStateOf(g, targetRegion, targetGroupID)
	if !st.member {
		return fmt.Errorf("%s: %s in %s is not a member of %s (members: %s)", what, targetGroupID, targetRegion, id, st.members)
	}
	if st.settled() {
		return nil
	}
	if st.status != statusAvailable {
		// Busy: perhaps the failover an interrupted run started. Let it finish, then decide.
		if err := c.waitFor(ctx, c.timeout, what+": the Global Datastore to be available", func(ctx context.Context) (bool, string, error) {
			g, err := c.globalGroupByID(ctx, client, id)
			if err != nil {
				return false, "", err
			}
			st = cacheStateOf(g, targetRegion, targetGroupID)
			return st.status == statusAvailable, st.String(), nil
		}); err != nil {
			return err
		}
		if st.settled() {
			return nil
		}
	}
	if _, err := client.FailoverGlobalReplicationGroup(ctx, &elasticache.FailoverGlobalReplicationGroupInput{
		GlobalReplicationGroupId:  aws.String(id),
		PrimaryRegion:             aws.String(targetRegion),
		PrimaryReplicationGroupId: aws.String(targetGroupID),
	}); err != nil {
		return fmt.Errorf("%s in %s: %w", what, callRegion, err)
	}
	return c.waitFor(ctx, c.timeout, what, func(ctx context.Context) (bool, string, error) {
		g, err := c.globalGroupByID(ctx, client, id)
		if err != nil {
			return false, "", err
		}
		st := cacheStateOf(g, targetRegion, targetGroupID)
		return st.settled(), st.String(), nil
	})
}

// globalGroup finds the Global Datastore by its ID, or by the suffix AWS prefixed.
func (c *Cloud) globalGroup(ctx context.Context, client *elasticache.Client, id string) (ectypes.GlobalReplicationGroup, error) {
	var found []ectypes.GlobalReplicationGroup
	p := elasticache.NewDescribeGlobalReplicationGroupsPaginator(client, &elasticache.DescribeGlobalReplicationGroupsInput{ShowMemberInfo: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return ectypes.GlobalReplicationGroup{}, fmt.Errorf("describing global replication groups: %w", err)
		}
		for _, g := range page.GlobalReplicationGroups {
			gid := aws.ToString(g.GlobalReplicationGroupId)
			if gid == id {
				return g, nil
			}
			if strings.HasSuffix(gid, "-"+id) {
				found = append(found, g)
			}
		}
	}
	switch len(found) {
	case 0:
		return ectypes.GlobalReplicationGroup{}, fmt.Errorf("no global replication group %s (nor one whose ID ends with -%s)", id, id)
	case 1:
		return found[0], nil
	}
	var ids []string
	for _, g := range found {
		ids = append(ids, aws.ToString(g.GlobalReplicationGroupId))
	}
	return ectypes.GlobalReplicationGroup{}, fmt.Errorf("%d global replication groups end with -%s (%s): pass the full ID", len(found), id, strings.Join(ids, ", "))
}

// globalGroupByID describes one Global Datastore by its full ID.
func (c *Cloud) globalGroupByID(ctx context.Context, client *elasticache.Client, id string) (ectypes.GlobalReplicationGroup, error) {
	out, err := client.DescribeGlobalReplicationGroups(ctx, &elasticache.DescribeGlobalReplicationGroupsInput{
		GlobalReplicationGroupId: aws.String(id), ShowMemberInfo: aws.Bool(true),
	})
	if err != nil {
		return ectypes.GlobalReplicationGroup{}, fmt.Errorf("describing global replication group %s: %w", id, err)
	}
	if len(out.GlobalReplicationGroups) == 0 {
		return ectypes.GlobalReplicationGroup{}, fmt.Errorf("global replication group %s not found", id)
	}
	return out.GlobalReplicationGroups[0], nil
}

// cacheState is what a Global Datastore says about a target member.
type cacheState struct {
	member  bool
	primary bool
	status  string
	members string
}

func cacheStateOf(g ectypes.GlobalReplicationGroup, region, groupID string) cacheState {
	st := cacheState{status: aws.ToString(g.Status)}
	var members []string
	for _, m := range g.Members {
		id, r := aws.ToString(m.ReplicationGroupId), aws.ToString(m.ReplicationGroupRegion)
		members = append(members, fmt.Sprintf("%s (%s, %s)", id, r, aws.ToString(m.Role)))
		if id == groupID && r == region {
			st.member = true
			st.primary = strings.EqualFold(aws.ToString(m.Role), cacheRolePrimary)
		}
	}
	st.members = strings.Join(members, ", ")
	return st
}

func (s cacheState) settled() bool { return s.primary && s.status == statusAvailable }

func (s cacheState) String() string {
	return fmt.Sprintf("status %s, target primary %t", s.status, s.primary)
}

// WaitReplicaLag waits until the RDS replica's ReplicaLag (its newest one-minute maximum of the last
// 5 minutes) is at most maxSeconds, reading it every poll interval, for at most timeout (the Cloud's
// timeout when timeout is 0). No data counts as not yet: a replica that publishes nothing is not
// known to have caught up.
func (c *Cloud) WaitReplicaLag(ctx context.Context, region, dbIdentifier string, maxSeconds float64, timeout time.Duration) error {
	what := fmt.Sprintf("the replica lag of %s (%s) to be at most %gs", dbIdentifier, region, maxSeconds)
	return c.waitFor(ctx, timeout, what, func(ctx context.Context) (bool, string, error) {
		lag, err := c.latest(ctx, region, "AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", dbIdentifier)
		if err != nil {
			return false, "", err
		}
		if lag == nil {
			return false, "no ReplicaLag data in the last 5 minutes", nil
		}
		return *lag <= maxSeconds, fmt.Sprintf("ReplicaLag %gs", *lag), nil
	})
}

// PromoteReplica promotes the RDS read replica to a standalone instance (PromoteReadReplica) and
// waits until it is available and no longer a replica. It does nothing when the instance is
// already standalone and available, and only waits when it is standalone but still busy.
func (c *Cloud) PromoteReplica(ctx context.Context, region, dbIdentifier string) error {
	client := c.rds(region)
	inst, err := c.instance(ctx, region, dbIdentifier)
	if err != nil {
		return fmt.Errorf("promoting %s (%s): %w", dbIdentifier, region, err)
	}
	source, status := aws.ToString(inst.ReadReplicaSourceDBInstanceIdentifier), aws.ToString(inst.DBInstanceStatus)
	if source == "" && status == statusAvailable {
		return nil // already standalone
	}
	if source != "" {
		if status == statusAvailable {
			if _, err := client.PromoteReadReplica(ctx, &rds.PromoteReadReplicaInput{DBInstanceIdentifier: aws.String(dbIdentifier)}); err != nil {
				return fmt.Errorf("promoting %s (%s), a replica of %s: %w", dbIdentifier, region, source, err)
			}
		}
		// Not available: a promotion (or another modification) is under way; wait for it.
	}
	return c.waitFor(ctx, c.timeout, fmt.Sprintf("%s (%s) to be a standalone, available instance", dbIdentifier, region), func(ctx context.Context) (bool, string, error) {
		inst, err := c.instance(ctx, region, dbIdentifier)
		if err != nil {
			return false, "", err
		}
		source, status := aws.ToString(inst.ReadReplicaSourceDBInstanceIdentifier), aws.ToString(inst.DBInstanceStatus)
		return source == "" && status == statusAvailable, fmt.Sprintf("status %s, source %q", status, source), nil
	})
}

// instance describes one RDS instance.
func (c *Cloud) instance(ctx context.Context, region, id string) (rdstypes.DBInstance, error) {
	out, err := c.rds(region).DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(id)})
	if err != nil {
		return rdstypes.DBInstance{}, fmt.Errorf("describing DB instance %s: %w", id, err)
	}
	if len(out.DBInstances) == 0 {
		return rdstypes.DBInstance{}, fmt.Errorf("describing DB instance %s: %w", id, &rdstypes.DBInstanceNotFoundFault{Message: aws.String("not found")})
	}
	return out.DBInstances[0], nil
}

// isNotFound reports whether err is RDS's DBInstanceNotFound.
func isNotFound(err error) bool {
	var nf *rdstypes.DBInstanceNotFoundFault
	if errors.As(err, &nf) {
		return true
	}
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "DBInstanceNotFound"
}
