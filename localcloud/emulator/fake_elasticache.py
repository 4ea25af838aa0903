"""ElastiCache RBAC user groups, Global Datastores and the replication group lifecycle
(appended to motoserver.py; see its docstring).

moto 5.2 serves ElastiCache users, replication groups, subnet groups and snapshots, but not
what the Terraform AWS provider needs for the DataTier cache:
  - no user groups (CreateUserGroup answered 500, which the SDK retried for ten minutes);
  - no Global Datastores (Create/Describe/Modify/Failover/Disassociate/DeleteGlobalReplicationGroup);
  - no ModifyReplicationGroup, DeleteCacheSubnetGroup or ModifyCacheSubnetGroup, and no
    parameter groups (the provider deletes a Global Datastore member's own parameter group);
  - a replication group gets one member whatever NumCacheClusters says, its member cache
    clusters cannot be described (the provider reads engine, version, node type, subnet group,
    security groups and encryption from the first one), and DeleteReplicationGroup leaves it
    "deleting" forever.
This fake adds those on moto's own backend and response classes, so that state stays per
account and region, and responses and errors are serialized from the botocore model as for
every other ElastiCache action. Everything is "available" ("active", "associated") at once.
"""
import hashlib

from moto.core.utils import utcnow
from moto.elasticache import models as ec_models
from moto.elasticache import responses as ec_responses
from moto.elasticache.exceptions import ElastiCacheException
from moto.elasticache.models import elasticache_backends


def _ec_error(code, message):
    # The code picks the error shape (and so the HTTP status) from the botocore model.
    return ElastiCacheException(code, message)


def _ec_bool(value):
    if isinstance(value, str):
        return value.lower() == "true"
    return bool(value)


def _ec_full_version(version):
    # AWS reports the full engine version of what it runs: "7.1" runs as 7.1.0, "6.x" as 6.2.6.
    if not version:
        return version
    if version.endswith(".x"):
        return {"6": "6.2.6", "7": "7.1.0", "8": "8.0.1"}.get(version.split(".")[0], version[:-1] + "0.0")
    parts = version.split(".")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return version + ".0"
    return version


def _ec_default_version(engine):
    return "8.0.1" if engine == "valkey" else "7.1.0"


def _ec_default_parameter_group(engine, version):
    # Cluster mode disabled groups use the engine's default parameter group: default.redis7.
    major = (version or "").split(".")[0]
    return f"default.{engine}{major}" if major else None


# ---- ARNs -------------------------------------------------------------------------------

_ec_backend_init = ec_models.ElastiCacheBackend.__init__


def _ec_backend_init_wider_arns(self, region_name, account_id):
    # moto's ARN check for tag calls knows clusters, snapshots, subnet groups, replication
    # groups and users; the provider also tags and reads tags of user groups (and AWS has
    # parameter groups and account-wide Global Datastores, whose ARN has no region).
    _ec_backend_init(self, region_name, account_id)
    self.arn_regex = ec_models.re_compile(
        r"^arn:aws[a-z-]*:elasticache:[a-z0-9-]*:[0-9]*:"
        r"(cluster|snapshot|subnetgroup|replicationgroup|user|usergroup|parametergroup|globalreplicationgroup):.*$"
    )


ec_models.ElastiCacheBackend.__init__ = _ec_backend_init_wider_arns


def _ec_user_groups(backend):
    if not hasattr(backend, "localcloud_user_groups"):
        backend.localcloud_user_groups = {}  # user group ID -> dict in the AWS shape
    return backend.localcloud_user_groups


def _ec_globals(backend):
    # Global Datastores are kept by the backend of the region that created them; every
    # region of the account answers for them (see _ec_find_global).
    if not hasattr(backend, "localcloud_globals"):
        backend.localcloud_globals = {}  # Global Datastore ID -> _EcGlobalDatastore
    return backend.localcloud_globals


def _ec_parameter_groups(backend):
    # moto has no cache parameter groups. Only those AWS creates for Global Datastore members
    # are kept (the default.* groups are implied); see _ec_join_parameter_group.
    if not hasattr(backend, "localcloud_parameter_groups"):
        backend.localcloud_parameter_groups = {}  # name -> dict in the AWS shape
    return backend.localcloud_parameter_groups


def _ec_join_parameter_group(backend, grg, rg):
    """AWS gives a replication group that joins a Global Datastore (its primary included) a
    parameter group of its own, "global-datastore-...", created in the member's region. The
    provider reads it as parameter_group_name and deletes it when it deletes the member."""
    name = f"global-datastore-{grg.global_replication_group_id}"
    major = (rg.engine_version or "").split(".")[0]
    _ec_parameter_groups(backend)[name] = {
        "CacheParameterGroupName": name,
        "CacheParameterGroupFamily": f"{rg.engine}{major}",
        "Description": f"Created by ElastiCache to be used by global cluster {grg.global_replication_group_id}",
        "IsGlobal": True,
        "ARN": f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:parametergroup:{name}",
    }
    rg.cache_parameter_group_name = name


def _ec_backend(account_id, region):
    return elasticache_backends[account_id][region]


# ---- Replication groups -----------------------------------------------------------------

_ec_set_members_disabled = ec_models.ReplicationGroup._set_node_members_clusters_disabled


def _ec_set_members_disabled_counting(self, *, num_cache_clusters, replicas_per_node_group, **kwargs):
    # moto ignores NumCacheClusters (it counts ReplicasPerNodeGroup + 1, or 1): a group asked
    # for 2 nodes had 1, and the provider read num_cache_clusters back as 1 (drift).
    if not replicas_per_node_group and num_cache_clusters:
        replicas_per_node_group = num_cache_clusters - 1
    _ec_set_members_disabled(
        self, num_cache_clusters=num_cache_clusters, replicas_per_node_group=replicas_per_node_group, **kwargs
    )


ec_models.ReplicationGroup._set_node_members_clusters_disabled = _ec_set_members_disabled_counting


def _ec_global_info(self):
    # moto answered GlobalReplicationGroupInfo for every group, and failed on a group that
    # is in no Global Datastore (it has no member role). AWS omits it then.
    if not getattr(self, "global_replication_group_id", None):
        return None
    return {
        "GlobalReplicationGroupId": self.global_replication_group_id,
        "GlobalReplicationGroupMemberRole": getattr(self, "global_replication_group_member_role", "SECONDARY"),
    }


ec_models.ReplicationGroup.global_replication_group_info = property(_ec_global_info)

_ec_create_replication_group = ec_models.ElastiCacheBackend.create_replication_group


def _ec_create_replication_group_like_aws(self, **kwargs):
    region = self.region_name
    grg = None
    if kwargs.get("global_replication_group_id"):
        # A secondary joins a Global Datastore and takes from it what the datastore owns:
        # engine, version, node type, parameter group, encryption and automatic failover.
        grg = _ec_find_global(self.account_id, kwargs["global_replication_group_id"])
        if grg is None:
            raise _ec_error(
                "GlobalReplicationGroupNotFoundFault",
                f"Global replication group {kwargs['global_replication_group_id']} not found.",
            )
        primary = grg.primary_group()
        kwargs["cache_node_type"] = grg.cache_node_type
        kwargs["engine"] = grg.engine
        kwargs["engine_version"] = grg.engine_version
        kwargs["cache_parameter_group_name"] = primary.cache_parameter_group_name if primary else None
        kwargs["at_rest_encryption_enabled"] = grg.at_rest_encryption_enabled
        kwargs["transit_encryption_enabled"] = grg.transit_encryption_enabled
        kwargs["automatic_failover_enabled"] = grg.automatic_failover == "enabled"
    for ug_id in kwargs.get("user_group_ids") or []:
        if ug_id not in _ec_user_groups(self):
            raise _ec_error("UserGroupNotFound", f"User group {ug_id} not found.")
    subnet_group = kwargs.get("cache_subnet_group_name")
    if subnet_group and subnet_group not in self.cache_subnet_groups:
        raise _ec_error("CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {subnet_group} not found.")
    engine = (kwargs.get("engine") or "redis").lower()
    kwargs["engine"] = engine
    kwargs["engine_version"] = _ec_full_version(kwargs.get("engine_version")) or _ec_default_version(engine)
    if not kwargs.get("preferred_cache_cluster_azs"):
        # moto put every node in us-east-1a/b, whatever the region.
        kwargs["preferred_cache_cluster_azs"] = [f"{region}a", f"{region}b", f"{region}c"]
    rg = _ec_create_replication_group(self, **kwargs)
    rg.engine_version = kwargs["engine_version"]
    rg.cache_parameter_group_name = kwargs.get("cache_parameter_group_name") or _ec_default_parameter_group(
        engine, rg.engine_version
    )
    if rg.auto_minor_version_upgrade is None:
        rg.auto_minor_version_upgrade = True  # the AWS default
    # AWS windows are "hh:mm-hh:mm" and lower-case "ddd:hh:mm-ddd:hh:mm"; moto's default
    # snapshot window ("05:00-6:00") is not one.
    rg.snapshot_window = kwargs.get("snapshot_window") or "05:00-06:00"
    rg.preferred_maintenance_window = (kwargs.get("preferred_maintenance_window") or "sun:06:00-sun:07:00").lower()
    rg.transit_encryption_mode = kwargs.get("transit_encryption_mode") or (
        "required" if rg.transit_encryption_enabled else None
    )
    # The endpoint domain names the group's region (moto always wrote "use1").
    short = region.replace("-", "")
    for group in rg.node_groups:
        for key in ("primary_endpoint_address", "reader_endpoint_address"):
            if key in group:
                group[key] = group[key].replace(".use1.", f".{short}.")
        if "primary_endpoint" in group:
            group["primary_endpoint"]["address"] = group["primary_endpoint_address"]
        if "reader_endpoint_address" in group:
            group["reader_endpoint"] = {"address": group["reader_endpoint_address"], "port": rg.port}
        for member in group["node_group_members"]:
            if "read_endpoint" in member:
                member["read_endpoint"]["address"] = member["read_endpoint"]["address"].replace(".use1.", f".{short}.")
    for ug_id in rg.user_group_ids:
        _ec_user_groups(self)[ug_id]["ReplicationGroups"].append(rg.replication_group_id)
    if grg is not None:
        rg.global_replication_group_id = grg.global_replication_group_id
        rg.global_replication_group_member_role = "SECONDARY"
        _ec_join_parameter_group(self, grg, rg)
        grg.members.append(
            {
                "ReplicationGroupId": rg.replication_group_id,
                "ReplicationGroupRegion": region,
                "Role": "SECONDARY",
                "AutomaticFailover": grg.automatic_failover,
                "Status": "associated",
            }
        )
    return rg


ec_models.ElastiCacheBackend.create_replication_group = _ec_create_replication_group_like_aws


def _ec_member_cluster(backend, rg, cluster_id):
    """A member cache cluster of a replication group, as DescribeCacheClusters shows it.

    moto keeps no cache cluster for the members, so DescribeCacheClusters failed with
    CacheClusterNotFound and the provider could not read the group. The member is built from
    the group each time, so that a change of the group shows in its members at once."""
    az = f"{backend.region_name}a"
    address = None
    for group in rg.node_groups:
        for member in group["node_group_members"]:
            if member["cache_cluster_id"] == cluster_id:
                az = member.get("preferred_availability_zone", az)
                address = (member.get("read_endpoint") or {}).get("address")
    cluster = {
        "CacheClusterId": cluster_id,
        "CacheNodeType": rg.cache_node_type,
        "Engine": rg.engine,
        "EngineVersion": rg.engine_version,
        "CacheClusterStatus": "available",
        "NumCacheNodes": 1,
        "PreferredAvailabilityZone": az,
        "CacheClusterCreateTime": rg.replication_group_create_time,
        "PreferredMaintenanceWindow": rg.preferred_maintenance_window,
        "PendingModifiedValues": {},
        "CacheSecurityGroups": [
            {"CacheSecurityGroupName": name, "Status": "active"} for name in rg.cache_security_group_names or []
        ],
        "CacheParameterGroup": {
            "CacheParameterGroupName": rg.cache_parameter_group_name,
            "ParameterApplyStatus": "in-sync",
            "CacheNodeIdsToReboot": [],
        },
        "CacheSubnetGroupName": rg.cache_subnet_group_name,
        "CacheNodes": [
            {
                "CacheNodeId": "0001",
                "CacheNodeStatus": "available",
                "CacheNodeCreateTime": rg.replication_group_create_time,
                "Endpoint": {"Address": address, "Port": rg.port},
                "ParameterGroupStatus": "in-sync",
                "CustomerAvailabilityZone": az,
            }
        ],
        "AutoMinorVersionUpgrade": rg.auto_minor_version_upgrade,
        "SecurityGroups": [{"SecurityGroupId": sg, "Status": "active"} for sg in rg.security_group_ids or []],
        "ReplicationGroupId": rg.replication_group_id,
        "SnapshotRetentionLimit": rg.snapshot_retention_limit,
        "SnapshotWindow": rg.snapshot_window,
        "AuthTokenEnabled": rg.auth_token_enabled,
        "TransitEncryptionEnabled": rg.transit_encryption_enabled,
        "AtRestEncryptionEnabled": rg.at_rest_encryption_enabled,
        "ARN": f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:cluster:{cluster_id}",
        "ReplicationGroupLogDeliveryEnabled": bool(rg.log_delivery_configurations),
        "LogDeliveryConfigurations": rg.log_delivery_configurations,
        "NetworkType": rg.network_type,
        "IpDiscovery": rg.ip_discovery,
        "TransitEncryptionMode": rg.transit_encryption_mode,
    }
    if rg.auth_token_last_modified_date:
        cluster["AuthTokenLastModifiedDate"] = rg.auth_token_last_modified_date
    if rg.notification_topic_arn:
        cluster["NotificationConfiguration"] = {"TopicArn": rg.notification_topic_arn, "TopicStatus": "active"}
    return cluster


_ec_describe_cache_clusters = ec_models.ElastiCacheBackend.describe_cache_clusters


def _ec_describe_cache_clusters_with_members(self, cache_cluster_id=None):
    members = {cid: rg for rg in self.replication_groups.values() for cid in rg.member_clusters}
    if cache_cluster_id:
        if cache_cluster_id in members:
            return [_ec_member_cluster(self, members[cache_cluster_id], cache_cluster_id)]
        return _ec_describe_cache_clusters(self, cache_cluster_id)
    return _ec_describe_cache_clusters(self) + [_ec_member_cluster(self, rg, cid) for cid, rg in members.items()]


ec_models.ElastiCacheBackend.describe_cache_clusters = _ec_describe_cache_clusters_with_members


def _ec_get_replication_group(backend, rg_id):
    rg = backend.replication_groups.get(rg_id)
    if rg is None:
        raise _ec_error("ReplicationGroupNotFoundFault", f"Replication group {rg_id} not found.")
    return rg


def _ec_modify_replication_group(self):
    # moto has no ModifyReplicationGroup. Apply what was asked at once (as if ApplyImmediately).
    backend = self.elasticache_backend
    params = self.params
    rg = _ec_get_replication_group(backend, params.get("ReplicationGroupId"))
    if rg.global_replication_group_id:
        for owned in ("EngineVersion", "CacheNodeType", "CacheParameterGroupName"):
            if params.get(owned) is not None:
                raise _ec_error(
                    "InvalidParameterValue",
                    f"{owned} of a replication group in Global Replication Group "
                    f"{rg.global_replication_group_id} is modified through the Global Replication Group.",
                )
    simple = {
        "ReplicationGroupDescription": "description",
        "SecurityGroupIds": "security_group_ids",
        "CacheSecurityGroupNames": "cache_security_group_names",
        "NotificationTopicArn": "notification_topic_arn",
        "CacheParameterGroupName": "cache_parameter_group_name",
        "Engine": "engine",
        "AutoMinorVersionUpgrade": "auto_minor_version_upgrade",
        "SnapshotWindow": "snapshot_window",
        "CacheNodeType": "cache_node_type",
        "TransitEncryptionEnabled": "transit_encryption_enabled",
        "TransitEncryptionMode": "transit_encryption_mode",
        "IpDiscovery": "ip_discovery",
        "ClusterMode": "cluster_mode",
    }
    for param, attr in simple.items():
        if params.get(param) is not None:
            setattr(rg, attr, params[param])
    if params.get("PreferredMaintenanceWindow"):
        rg.preferred_maintenance_window = params["PreferredMaintenanceWindow"].lower()
    if params.get("EngineVersion"):
        rg.engine_version = _ec_full_version(params["EngineVersion"])
    if params.get("AutomaticFailoverEnabled") is not None:
        rg.automatic_failover = "enabled" if _ec_bool(params["AutomaticFailoverEnabled"]) else "disabled"
    if params.get("MultiAZEnabled") is not None:
        rg.multi_az = "enabled" if _ec_bool(params["MultiAZEnabled"]) else "disabled"
    if params.get("SnapshotRetentionLimit") is not None:
        rg.snapshot_retention_limit = int(params["SnapshotRetentionLimit"])
        rg.snapshotting_cluster_id = (
            params.get("SnapshottingClusterId") or rg.snapshotting_cluster_id or rg.member_clusters[-1]
            if rg.snapshot_retention_limit > 0
            else None
        )
    if params.get("AuthToken") or params.get("AuthTokenUpdateStrategy"):
        strategy = params.get("AuthTokenUpdateStrategy") or "ROTATE"
        rg.auth_token_enabled = strategy != "DELETE"
        rg.auth_token_last_modified_date = utcnow() if rg.auth_token_enabled else None
    groups = _ec_user_groups(backend)
    to_remove = list(params.get("UserGroupIdsToRemove") or [])
    if _ec_bool(params.get("RemoveUserGroups") or False):
        to_remove = list(rg.user_group_ids)
    for ug_id in params.get("UserGroupIdsToAdd") or []:
        if ug_id not in groups:
            raise _ec_error("UserGroupNotFound", f"User group {ug_id} not found.")
    for ug_id in to_remove:
        if ug_id in rg.user_group_ids:
            rg.user_group_ids.remove(ug_id)
            if ug_id in groups and rg.replication_group_id in groups[ug_id]["ReplicationGroups"]:
                groups[ug_id]["ReplicationGroups"].remove(rg.replication_group_id)
    for ug_id in params.get("UserGroupIdsToAdd") or []:
        if ug_id not in rg.user_group_ids:
            rg.user_group_ids.append(ug_id)
            groups[ug_id]["ReplicationGroups"].append(rg.replication_group_id)
    return ec_responses.ActionResult({"ReplicationGroup": rg})


def _ec_delete_replication_group(self):
    # moto marked the group "deleting" and kept it forever, so the provider's wait for the
    # deletion never ended; it also ignored FinalSnapshotIdentifier. AWS refuses to delete a
    # member of a Global Datastore (it must be disassociated, or the datastore deleted, first).
    backend = self.elasticache_backend
    rg_id = self._get_param("ReplicationGroupId")
    rg = _ec_get_replication_group(backend, rg_id)
    if rg.global_replication_group_id:
        raise _ec_error(
            "InvalidReplicationGroupState",
            f"Replication group {rg_id} is a member of Global Replication Group {rg.global_replication_group_id}.",
        )
    final = self._get_param("FinalSnapshotIdentifier")
    if final:
        backend.create_snapshot(
            snapshot_name=final, replication_group_id=rg_id, cache_cluster_id=None, kms_key_id=rg.kms_key_id, tags=None
        )
        backend.snapshots[final].snapshot_source = "manual"
    for ug_id in rg.user_group_ids:
        group = _ec_user_groups(backend).get(ug_id)
        if group and rg_id in group["ReplicationGroups"]:
            group["ReplicationGroups"].remove(rg_id)
    del backend.replication_groups[rg_id]
    backend.tagging_service.delete_all_tags_for_resource(rg.arn)
    rg.status = "deleting"
    return ec_responses.ActionResult({"ReplicationGroup": rg})


# ---- Cache subnet groups ----------------------------------------------------------------


def _ec_delete_cache_subnet_group(self):
    # moto has no DeleteCacheSubnetGroup, so destroying a subnet group failed.
    backend = self.elasticache_backend
    name = self._get_param("CacheSubnetGroupName")
    if name not in backend.cache_subnet_groups:
        raise _ec_error("CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {name} not found.")
    users = [rg.replication_group_id for rg in backend.replication_groups.values() if rg.cache_subnet_group_name == name]
    users += [c.cache_cluster_id for c in backend.cache_clusters.values() if c.cache_subnet_group_name == name]
    if users:
        raise _ec_error("CacheSubnetGroupInUse", f"Cache subnet group {name} is currently in use by {users[0]}.")
    group = backend.cache_subnet_groups.pop(name)
    backend.tagging_service.delete_all_tags_for_resource(group.arn)
    return ec_responses.EmptyResult()


def _ec_modify_cache_subnet_group(self):
    # moto has no ModifyCacheSubnetGroup (the provider's update of a description or subnets).
    backend = self.elasticache_backend
    name = self._get_param("CacheSubnetGroupName")
    old = backend.cache_subnet_groups.get(name)
    if old is None:
        raise _ec_error("CacheSubnetGroupNotFoundFault", f"CacheSubnetGroup {name} not found.")
    group = ec_models.CacheSubnetGroup(
        account_id=backend.account_id,
        region_name=backend.region_name,
        cache_subnet_group_name=name,
        cache_subnet_group_description=self._get_param("CacheSubnetGroupDescription")
        or old.cache_subnet_group_description,
        subnet_ids=self._get_param("SubnetIds") or old.subnet_ids,
        tags=old.tags,
    )
    backend.cache_subnet_groups[name] = group
    return ec_responses.ActionResult({"CacheSubnetGroup": group})


# ---- Cache parameter groups ---------------------------------------------------------------


def _ec_delete_cache_parameter_group(self):
    # The provider deletes a Global Datastore member's parameter group with the member;
    # moto answered 500 (not implemented) and the SDK retried until the destroy timed out.
    backend = self.elasticache_backend
    name = self._get_param("CacheParameterGroupName")
    if name.startswith("default."):
        raise _ec_error("InvalidParameterValue", f"Default parameter group {name} cannot be deleted.")
    if name not in _ec_parameter_groups(backend):
        raise _ec_error("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
    users = [rg.replication_group_id for rg in backend.replication_groups.values() if rg.cache_parameter_group_name == name]
    if users:
        raise _ec_error("InvalidCacheParameterGroupState", f"Parameter group {name} is in use by {users[0]}.")
    group = _ec_parameter_groups(backend).pop(name)
    backend.tagging_service.delete_all_tags_for_resource(group["ARN"])
    return ec_responses.EmptyResult()


def _ec_describe_cache_parameter_groups(self):
    backend = self.elasticache_backend
    name = self._get_param("CacheParameterGroupName")
    groups = _ec_parameter_groups(backend)
    if name:
        if name not in groups:
            raise _ec_error("CacheParameterGroupNotFound", f"CacheParameterGroup {name} not found.")
        return ec_responses.ActionResult({"CacheParameterGroups": [groups[name]]})
    return ec_responses.ActionResult({"CacheParameterGroups": list(groups.values())})


# ---- User groups ------------------------------------------------------------------------


def _ec_get_user_group(backend, ug_id):
    group = _ec_user_groups(backend).get(ug_id)
    if group is None:
        raise _ec_error("UserGroupNotFound", f"User group {ug_id} not found.")
    return group


def _ec_check_users(backend, user_ids):
    for user_id in user_ids:
        if user_id not in backend.users or backend.users[user_id].status == "deleting":
            raise _ec_error("UserNotFound", f"User {user_id} not found.")


def _ec_create_user_group(self):
    backend = self.elasticache_backend
    params = self.params
    ug_id = params.get("UserGroupId")
    engine = (params.get("Engine") or "").lower()
    user_ids = list(params.get("UserIds") or [])
    if ug_id in _ec_user_groups(backend):
        raise _ec_error("UserGroupAlreadyExists", f"User group {ug_id} already exists.")
    if engine not in ("redis", "valkey"):
        raise _ec_error("InvalidParameterValue", f'Unknown parameter for Engine: "{engine}".')
    _ec_check_users(backend, user_ids)
    if engine == "redis" and not any(backend.users[u].name == "default" for u in user_ids):
        # AWS: a Redis OSS user group must hold a user named "default".
        raise _ec_error("DefaultUserRequired", "User group needs to contain a user with the user name default.")
    group = {
        "UserGroupId": ug_id,
        "Status": "active",
        "Engine": engine,
        "UserIds": user_ids,
        "MinimumEngineVersion": "6.0",
        "ReplicationGroups": [],
        "ServerlessCaches": [],
        "ARN": f"arn:aws:elasticache:{backend.region_name}:{backend.account_id}:usergroup:{ug_id}",
    }
    _ec_user_groups(backend)[ug_id] = group
    for user_id in user_ids:
        backend.users[user_id].user_group_ids.append(ug_id)
    if params.get("Tags"):
        backend.tagging_service.tag_resource(group["ARN"], params["Tags"])
    return ec_responses.ActionResult(group)


def _ec_describe_user_groups(self):
    backend = self.elasticache_backend
    ug_id = self._get_param("UserGroupId")
    if ug_id:
        return ec_responses.ActionResult({"UserGroups": [_ec_get_user_group(backend, ug_id)]})
    return ec_responses.ActionResult({"UserGroups": list(_ec_user_groups(backend).values())})


def _ec_modify_user_group(self):
    backend = self.elasticache_backend
    params = self.params
    group = _ec_get_user_group(backend, params.get("UserGroupId"))
    add, remove = list(params.get("UserIdsToAdd") or []), list(params.get("UserIdsToRemove") or [])
    _ec_check_users(backend, add)
    for user_id in remove:
        if user_id in group["UserIds"]:
            group["UserIds"].remove(user_id)
            if group["UserGroupId"] in backend.users[user_id].user_group_ids:
                backend.users[user_id].user_group_ids.remove(group["UserGroupId"])
    for user_id in add:
        if user_id not in group["UserIds"]:
            group["UserIds"].append(user_id)
            backend.users[user_id].user_group_ids.append(group["UserGroupId"])
    if group["Engine"] == "redis" and not any(backend.users[u].name == "default" for u in group["UserIds"]):
        raise _ec_error("DefaultUserRequired", "User group needs to contain a user with the user name default.")
    return ec_responses.ActionResult(group)


def _ec_delete_user_group(self):
    backend = self.elasticache_backend
    group = _ec_get_user_group(backend, self._get_param("UserGroupId"))
    if group["ReplicationGroups"]:
        raise _ec_error(
            "InvalidUserGroupState",
            f"User group {group['UserGroupId']} is in use by replication group {group['ReplicationGroups'][0]}.",
        )
    del _ec_user_groups(backend)[group["UserGroupId"]]
    for user_id in group["UserIds"]:
        user = backend.users.get(user_id)
        if user is not None and group["UserGroupId"] in user.user_group_ids:
            user.user_group_ids.remove(group["UserGroupId"])
    backend.tagging_service.delete_all_tags_for_resource(group["ARN"])
    return ec_responses.ActionResult(dict(group, Status="deleting"))


# ---- Global Datastores ------------------------------------------------------------------


class _EcGlobalDatastore:
    """A Global Datastore (global replication group): one primary replication group and up to
    two secondaries in other regions. Engine, version, node type, encryption and automatic
    failover belong to it and are the same in every member."""

    def __init__(self, account_id, region, suffix, description, primary):
        # AWS prefixes the suffix with a five-letter code of the creating region ("ldgnf-"
        # in us-east-1); any five letters do, the ID is only ever read back.
        digest = hashlib.sha256(region.encode()).digest()
        prefix = "".join(chr(ord("a") + b % 26) for b in digest[:5])
        self.account_id = account_id
        self.global_replication_group_id = f"{prefix}-{suffix}"
        self.global_replication_group_description = description or ""
        self.cache_node_type = primary.cache_node_type
        self.engine = primary.engine
        self.engine_version = primary.engine_version
        self.cluster_enabled = primary.cluster_enabled
        self.auth_token_enabled = primary.auth_token_enabled
        self.transit_encryption_enabled = primary.transit_encryption_enabled
        self.at_rest_encryption_enabled = primary.at_rest_encryption_enabled
        self.automatic_failover = primary.automatic_failover
        self.arn = f"arn:aws:elasticache::{account_id}:globalreplicationgroup:{self.global_replication_group_id}"
        self.members = [
            {
                "ReplicationGroupId": primary.replication_group_id,
                "ReplicationGroupRegion": region,
                "Role": "PRIMARY",
                "AutomaticFailover": primary.automatic_failover,
                "Status": "associated",
            }
        ]

    def status(self):
        # AWS: "primary-only" until a secondary joins; only then can it not be deleted.
        return "available" if len(self.members) > 1 else "primary-only"

    def member_groups(self):
        for member in self.members:
            backend = _ec_backend(self.account_id, member["ReplicationGroupRegion"])
            rg = backend.replication_groups.get(member["ReplicationGroupId"])
            if rg is not None:
                yield member, rg

    def primary_group(self):
        for member, rg in self.member_groups():
            if member["Role"] == "PRIMARY":
                return rg
        return None

    def view(self, show_members=True):
        out = {
            "GlobalReplicationGroupId": self.global_replication_group_id,
            "GlobalReplicationGroupDescription": self.global_replication_group_description,
            "Status": self.status(),
            "CacheNodeType": self.cache_node_type,
            "Engine": self.engine,
            "EngineVersion": self.engine_version,
            "ClusterEnabled": self.cluster_enabled,
            "GlobalNodeGroups": [{"GlobalNodeGroupId": f"{self.global_replication_group_id}-0001"}],
            "AuthTokenEnabled": self.auth_token_enabled,
            "TransitEncryptionEnabled": self.transit_encryption_enabled,
            "AtRestEncryptionEnabled": self.at_rest_encryption_enabled,
            "ARN": self.arn,
        }
        if show_members:
            out["Members"] = [dict(m) for m in self.members]
        return out


def _ec_find_global(account_id, grg_id):
    for backend in list(elasticache_backends[account_id].values()):
        grg = _ec_globals(backend).get(grg_id)
        if grg is not None:
            return grg
    return None


def _ec_get_global(self, grg_id):
    grg = _ec_find_global(self.current_account, grg_id)
    if grg is None:
        raise _ec_error("GlobalReplicationGroupNotFoundFault", f"Global replication group {grg_id} not found.")
    return grg


def _ec_create_global_replication_group(self):
    backend = self.elasticache_backend
    params = self.params
    rg = _ec_get_replication_group(backend, params.get("PrimaryReplicationGroupId"))
    if rg.global_replication_group_id:
        raise _ec_error(
            "InvalidReplicationGroupState",
            f"Replication group {rg.replication_group_id} is already in Global Replication Group "
            f"{rg.global_replication_group_id}.",
        )
    grg = _EcGlobalDatastore(
        self.current_account,
        self.region,
        params.get("GlobalReplicationGroupIdSuffix"),
        params.get("GlobalReplicationGroupDescription"),
        rg,
    )
    if _ec_find_global(self.current_account, grg.global_replication_group_id) is not None:
        raise _ec_error(
            "GlobalReplicationGroupAlreadyExistsFault",
            f"Global replication group {grg.global_replication_group_id} already exists.",
        )
    _ec_globals(backend)[grg.global_replication_group_id] = grg
    rg.global_replication_group_id = grg.global_replication_group_id
    rg.global_replication_group_member_role = "PRIMARY"
    _ec_join_parameter_group(backend, grg, rg)
    return ec_responses.ActionResult({"GlobalReplicationGroup": grg.view()})


def _ec_describe_global_replication_groups(self):
    grg_id = self._get_param("GlobalReplicationGroupId")
    show = _ec_bool(self._get_param("ShowMemberInfo") or False)
    if grg_id:
        groups = [_ec_get_global(self, grg_id)]
    else:
        groups = [
            g
            for backend in list(elasticache_backends[self.current_account].values())
            for g in _ec_globals(backend).values()
        ]
    return ec_responses.ActionResult({"GlobalReplicationGroups": [g.view(show) for g in groups]})


def _ec_modify_global_replication_group(self):
    # Node type, version, parameter group and automatic failover change in every member.
    params = self.params
    grg = _ec_get_global(self, params.get("GlobalReplicationGroupId"))
    if params.get("GlobalReplicationGroupDescription") is not None:
        grg.global_replication_group_description = params["GlobalReplicationGroupDescription"]
    if params.get("CacheNodeType"):
        grg.cache_node_type = params["CacheNodeType"]
    if params.get("Engine"):
        grg.engine = params["Engine"].lower()
    if params.get("EngineVersion"):
        grg.engine_version = _ec_full_version(params["EngineVersion"])
    if params.get("AutomaticFailoverEnabled") is not None:
        grg.automatic_failover = "enabled" if _ec_bool(params["AutomaticFailoverEnabled"]) else "disabled"
    for member, rg in grg.member_groups():
        member["AutomaticFailover"] = grg.automatic_failover
        rg.automatic_failover = grg.automatic_failover
        rg.cache_node_type = grg.cache_node_type
        rg.engine = grg.engine
        rg.engine_version = grg.engine_version
        if params.get("CacheParameterGroupName"):
            rg.cache_parameter_group_name = params["CacheParameterGroupName"]
        elif params.get("EngineVersion") or params.get("Engine"):
            rg.cache_parameter_group_name = _ec_default_parameter_group(grg.engine, grg.engine_version)
    return ec_responses.ActionResult({"GlobalReplicationGroup": grg.view()})


def _ec_failover_global_replication_group(self):
    # A planned failover: the named secondary becomes the primary, the primary a secondary.
    params = self.params
    grg = _ec_get_global(self, params.get("GlobalReplicationGroupId"))
    region, rg_id = params.get("PrimaryRegion"), params.get("PrimaryReplicationGroupId")
    target = next(
        (m for m in grg.members if m["ReplicationGroupId"] == rg_id and m["ReplicationGroupRegion"] == region), None
    )
    if target is None:
        raise _ec_error(
            "InvalidParameterValue",
            f"Replication group {rg_id} in {region} is not associated with Global Replication Group "
            f"{grg.global_replication_group_id}.",
        )
    if target["Role"] == "PRIMARY":
        raise _ec_error(
            "InvalidParameterValue", f"Replication group {rg_id} in {region} is already the primary member."
        )
    for member in grg.members:
        member["Role"] = "PRIMARY" if member is target else "SECONDARY"
    for member, rg in grg.member_groups():
        rg.global_replication_group_member_role = member["Role"]
    return ec_responses.ActionResult({"GlobalReplicationGroup": grg.view()})


def _ec_disassociate_global_replication_group(self):
    # A secondary leaves the datastore and becomes a standalone group in its region. AWS
    # does not disassociate the primary while secondaries remain (fail over first).
    params = self.params
    grg = _ec_get_global(self, params.get("GlobalReplicationGroupId"))
    region, rg_id = params.get("ReplicationGroupRegion"), params.get("ReplicationGroupId")
    member = next(
        (m for m in grg.members if m["ReplicationGroupId"] == rg_id and m["ReplicationGroupRegion"] == region), None
    )
    if member is None:
        raise _ec_error(
            "InvalidParameterValue",
            f"Replication group {rg_id} in {region} is not associated with Global Replication Group "
            f"{grg.global_replication_group_id}.",
        )
    if member["Role"] == "PRIMARY":
        raise _ec_error(
            "InvalidParameterValue",
            f"Replication group {rg_id} is the primary member of Global Replication Group "
            f"{grg.global_replication_group_id}; only a secondary can be disassociated.",
        )
    rg = _ec_backend(self.current_account, region).replication_groups.get(rg_id)
    grg.members.remove(member)
    if rg is not None:
        rg.global_replication_group_id = ""
        rg.global_replication_group_member_role = None
    return ec_responses.ActionResult({"GlobalReplicationGroup": grg.view()})


def _ec_delete_global_replication_group(self):
    params = self.params
    grg = _ec_get_global(self, params.get("GlobalReplicationGroupId"))
    if len(grg.members) > 1:
        raise _ec_error(
            "InvalidGlobalReplicationGroupState",
            "Cannot delete a global replication group in available state",
        )
    retain = _ec_bool(params.get("RetainPrimaryReplicationGroup") or False)
    view = dict(grg.view(), Status="deleting")
    for member, rg in list(grg.member_groups()):
        backend = _ec_backend(self.current_account, member["ReplicationGroupRegion"])
        rg.global_replication_group_id = ""
        rg.global_replication_group_member_role = None
        if not retain:
            del backend.replication_groups[rg.replication_group_id]
    for backend in list(elasticache_backends[self.current_account].values()):
        _ec_globals(backend).pop(grg.global_replication_group_id, None)
    return ec_responses.ActionResult({"GlobalReplicationGroup": view})


for _action, _method in {
    "CreateUserGroup": _ec_create_user_group,
    "DescribeUserGroups": _ec_describe_user_groups,
    "ModifyUserGroup": _ec_modify_user_group,
    "DeleteUserGroup": _ec_delete_user_group,
    "CreateGlobalReplicationGroup": _ec_create_global_replication_group,
    "DescribeGlobalReplicationGroups": _ec_describe_global_replication_groups,
    "ModifyGlobalReplicationGroup": _ec_modify_global_replication_group,
    "FailoverGlobalReplicationGroup": _ec_failover_global_replication_group,
    "DisassociateGlobalReplicationGroup": _ec_disassociate_global_replication_group,
    "DeleteGlobalReplicationGroup": _ec_delete_global_replication_group,
    "ModifyReplicationGroup": _ec_modify_replication_group,
    "DeleteReplicationGroup": _ec_delete_replication_group,
    "DeleteCacheSubnetGroup": _ec_delete_cache_subnet_group,
    "DeleteCacheParameterGroup": _ec_delete_cache_parameter_group,
    "DescribeCacheParameterGroups": _ec_describe_cache_parameter_groups,
    "ModifyCacheSubnetGroup": _ec_modify_cache_subnet_group,
}.items():
    setattr(ec_responses.ElastiCacheResponse, camelcase_to_underscores(_action), _method)
