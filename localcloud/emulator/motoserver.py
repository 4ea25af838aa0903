"""moto_server with fixes for moto bugs the local cloud drills hit.

Run as: python3 -c "$(cat motoserver.py)" -H 127.0.0.1 -p PORT
(the Go emulator package embeds this file and does exactly that).
"""
import json
import sys
import time
import uuid

from moto.core.utils import camelcase_to_underscores
from moto.ec2.models import security_groups as ec2_security_groups
from moto.ecs import responses as ecs_responses
from moto.logs import models as logs_models
from moto.logs.exceptions import ResourceNotFoundException
from moto.rds import models as rds_models
from moto.route53 import models as route53_models
from moto.server import main
from moto.utilities.arns import parse_arn
from moto.xray import responses as xray_responses
from moto.xray import urls as xray_urls
from moto.xray.models import xray_backends


def _remove_replica(self, replica):
    # moto records a cross-region replica by ARN but removes it by identifier, so
    # deleting a cross-region read replica fails with "list.remove(x): x not in list".
    for key in (replica.db_instance_identifier, replica.db_instance_arn):
        if key in self.replicas:
            self.replicas.remove(key)
            return


rds_models.DBInstance.remove_replica = _remove_replica

_update_instance = rds_models.DBInstance.update


# Settings moto's DBInstance drops; AWS returns them, so Terraform would see drift.
# Request parameter (snake case) -> DBInstance attribute the response is built from.
_RDS_KEPT = {
    "enable_performance_insights": "performance_insights_enabled",
    "performance_insights_kms_key_id": "performance_insights_kms_key_id",
    "performance_insights_retention_period": "performance_insights_retention_period",
    "monitoring_interval": "monitoring_interval",
    "monitoring_role_arn": "monitoring_role_arn",
}


def _update_instance_backend_first(self, *args, **kwargs):
    # A cross-region read replica starts as a copy of its primary and is then updated with
    # its own settings, its region's backend among them. moto applies them in argument
    # order, so the replica's DB subnet group was looked up in the primary's region
    # ("DBSubnetGroupNotFoundFault"). Move to the replica's region first.
    backend = kwargs.pop("backend", None)
    if backend is not None:
        self.backend = backend
    for param, attr in _RDS_KEPT.items():
        if kwargs.get(param) is not None:
            setattr(self, attr, kwargs.pop(param))
    return _update_instance(self, *args, **kwargs)


rds_models.DBInstance.update = _update_instance_backend_first

_init_instance = rds_models.DBInstance.__init__


def _init_instance_keeping_settings(self, *args, **kwargs):
    kept = {attr: kwargs[param] for param, attr in _RDS_KEPT.items() if kwargs.get(param) is not None}
    _init_instance(self, *args, **kwargs)
    for attr, value in kept.items():
        setattr(self, attr, value)


rds_models.DBInstance.__init__ = _init_instance_keeping_settings

_create_read_replica = rds_models.RDSBackend.create_db_instance_read_replica


def _create_read_replica_single_az(self, db_kwargs):
    # moto copies the primary, Multi-AZ flag included; a replica is single-AZ unless asked.
    if db_kwargs.get("multi_az") is None:
        db_kwargs["multi_az"] = False
    return _create_read_replica(self, db_kwargs)


rds_models.RDSBackend.create_db_instance_read_replica = _create_read_replica_single_az

_promote_read_replica = rds_models.RDSBackend.promote_read_replica


def _promote_read_replica_standalone(self, db_kwargs):
    # moto clears only its private replica flag: the promoted instance still reported its
    # source (ReadReplicaSourceDBInstanceIdentifier) and the source still listed it, so
    # the Terraform provider read the promotion back as undone. AWS reports neither.
    database = self.databases.get(db_kwargs.get("db_instance_identifier"))
    source = database.source_db_instance_identifier if database is not None and database.is_replica else None
    database = _promote_read_replica(self, db_kwargs)
    if source:
        try:
            self.find_db_from_id(source).remove_replica(database)
        except Exception:  # the source is gone (an unplanned failover): nothing to unlink
            pass
        database.source_db_instance_identifier = None
    return database


rds_models.RDSBackend.promote_read_replica = _promote_read_replica_standalone

# A security group rule that references another group keeps its description with the
# group pair, which moto's SecurityGroupRule did not read.
ec2_security_groups.SecurityGroupRule.description = property(
    lambda self: self.ip_range.get("Description") or self.source_group.get("Description")
)

_ecs_create_service = ecs_responses.EC2ContainerServiceResponse.create_service


def _ecs_create_service_keeping_settings(self):
    # moto's CreateService keeps only some parameters (no capacity provider strategy,
    # grace period, managed tags...) and defaults the launch type to EC2 even with a
    # capacity provider strategy. Keep every parameter, as UpdateService already does.
    result = _ecs_create_service(self)
    params = self._get_params()
    service = self.ecs_backend._get_service(params.get("cluster", "default"), params["serviceName"])
    for key, value in params.items():
        if key in ("cluster", "serviceName", "clientToken", "role"):
            continue
        attr = camelcase_to_underscores(key)
        if value is not None and getattr(service, attr, None) is None:
            setattr(service, attr, value)
    if params.get("capacityProviderStrategy") and not params.get("launchType"):
        service.launch_type = None
    return result


ecs_responses.EC2ContainerServiceResponse.create_service = _ecs_create_service_keeping_settings

_create_query_logging_config = route53_models.Route53Backend.create_query_logging_config


def _create_query_logging_config_any_arn(self, hosted_zone_id, log_group_arn):
    # AWS takes a log group ARN with or without the ":*" suffix (Terraform sends it
    # without); moto only finds the group with it. Look it up with the suffix, keep what
    # the caller sent, so that reading the config back shows no drift.
    if log_group_arn and not log_group_arn.endswith(":*"):
        config = _create_query_logging_config(self, hosted_zone_id, log_group_arn + ":*")
        config.cloud_watch_logs_log_group_arn = log_group_arn
        return config
    return _create_query_logging_config(self, hosted_zone_id, log_group_arn)


route53_models.Route53Backend.create_query_logging_config = _create_query_logging_config_any_arn

_put_subscription_filter = logs_models.LogsBackend.put_subscription_filter


def _put_subscription_filter_to_destination(self, log_group_name, filter_name, filter_pattern, destination_arn, role_arn):
    # A subscription filter may send to a CloudWatch Logs destination (the cross-region and
    # cross-account log archive pattern); moto takes any logs ARN for a log group's.
    arn = parse_arn(destination_arn)
    if arn.service != "logs" or arn.resource_type != "destination":
        return _put_subscription_filter(self, log_group_name, filter_name, filter_pattern, destination_arn, role_arn)
    if destination_arn not in logs_models.logs_backends[arn.account][arn.region].destinations:
        raise ResourceNotFoundException("The specified destination does not exist.")
    log_group = self.groups.get(log_group_name)
    if not log_group:
        raise ResourceNotFoundException()
    log_group.put_subscription_filter(filter_name, filter_pattern, destination_arn, role_arn)


logs_models.LogsBackend.put_subscription_filter = _put_subscription_filter_to_destination

# X-Ray groups and sampling rules: moto 5.2 serves only traces and telemetry. This is the
# smallest fake the Terraform provider's aws_xray_group and aws_xray_sampling_rule need:
# create, read, update, delete and tags, kept per account and region.


def _xray_state(response):
    backend = xray_backends[response.current_account][response.region]
    if not hasattr(backend, "localcloud_groups"):
        backend.localcloud_groups = {}  # name -> group
        backend.localcloud_rules = {}  # name -> record
        backend.localcloud_tags = {}  # ARN -> {key: value}
    return backend


def _xray_json(obj):
    return json.dumps(obj)


def _xray_invalid(message):
    return json.dumps({"__type": "InvalidRequestException", "message": message}), {"status": 400}


def _xray_tag(state, arn, tags):
    state.localcloud_tags.setdefault(arn, {}).update({t["Key"]: t["Value"] for t in tags or []})


def _xray_find_group(state, params):
    name, arn = params.get("GroupName"), params.get("GroupARN")
    for group in state.localcloud_groups.values():
        if group["GroupName"] == name or group["GroupARN"] == arn:
            return group
    return None


def _xray_create_group(self):
    state, params = _xray_state(self), self.request_params
    name = params["GroupName"]
    if name in state.localcloud_groups:
        return _xray_invalid("Group already exists")
    group = {
        "GroupName": name,
        "GroupARN": f"arn:aws:xray:{self.region}:{self.current_account}:group/{name}/{uuid.uuid4().hex}",
        "FilterExpression": params.get("FilterExpression", ""),
        "InsightsConfiguration": params.get(
            "InsightsConfiguration", {"InsightsEnabled": False, "NotificationsEnabled": False}
        ),
    }
    state.localcloud_groups[name] = group
    _xray_tag(state, group["GroupARN"], params.get("Tags"))
    return _xray_json({"Group": group})


def _xray_get_group(self):
    group = _xray_find_group(_xray_state(self), self.request_params)
    if group is None:
        return _xray_invalid("Group not found")
    return _xray_json({"Group": group})


def _xray_get_groups(self):
    return _xray_json({"Groups": list(_xray_state(self).localcloud_groups.values())})


def _xray_update_group(self):
    params = self.request_params
    group = _xray_find_group(_xray_state(self), params)
    if group is None:
        return _xray_invalid("Group not found")
    for key in ("FilterExpression", "InsightsConfiguration"):
        if key in params:
            group[key] = params[key]
    return _xray_json({"Group": group})


def _xray_delete_group(self):
    state = _xray_state(self)
    group = _xray_find_group(state, self.request_params)
    if group is None:
        return _xray_invalid("Group not found")
    del state.localcloud_groups[group["GroupName"]]
    state.localcloud_tags.pop(group["GroupARN"], None)
    return _xray_json({})


def _xray_find_rule(state, name, arn):
    for record in state.localcloud_rules.values():
        rule = record["SamplingRule"]
        if rule["RuleName"] == name or rule["RuleARN"] == arn:
            return record
    return None


def _xray_create_sampling_rule(self):
    state, params = _xray_state(self), self.request_params
    rule = dict(params["SamplingRule"])
    name = rule["RuleName"]
    if name in state.localcloud_rules:
        return _xray_invalid("Sampling rule already exists")
    rule["RuleARN"] = f"arn:aws:xray:{self.region}:{self.current_account}:sampling-rule/{name}"
    rule.setdefault("Attributes", {})
    now = time.time()
    record = {"SamplingRule": rule, "CreatedAt": now, "ModifiedAt": now}
    state.localcloud_rules[name] = record
    _xray_tag(state, rule["RuleARN"], params.get("Tags"))
    return _xray_json({"SamplingRuleRecord": record})


def _xray_get_sampling_rules(self):
    return _xray_json({"SamplingRuleRecords": list(_xray_state(self).localcloud_rules.values())})


def _xray_update_sampling_rule(self):
    update = self.request_params.get("SamplingRuleUpdate", {})
    record = _xray_find_rule(_xray_state(self), update.get("RuleName"), update.get("RuleARN"))
    if record is None:
        return _xray_invalid("Sampling rule not found")
    for key, value in update.items():
        if key not in ("RuleName", "RuleARN"):
            record["SamplingRule"][key] = value
    record["ModifiedAt"] = time.time()
    return _xray_json({"SamplingRuleRecord": record})


def _xray_delete_sampling_rule(self):
    state, params = _xray_state(self), self.request_params
    record = _xray_find_rule(state, params.get("RuleName"), params.get("RuleARN"))
    if record is None:
        return _xray_invalid("Sampling rule not found")
    del state.localcloud_rules[record["SamplingRule"]["RuleName"]]
    state.localcloud_tags.pop(record["SamplingRule"]["RuleARN"], None)
    return _xray_json({"SamplingRuleRecord": record})


def _xray_tag_resource(self):
    params = self.request_params
    _xray_tag(_xray_state(self), params["ResourceARN"], params.get("Tags"))
    return _xray_json({})


def _xray_untag_resource(self):
    params = self.request_params
    tags = _xray_state(self).localcloud_tags.get(params["ResourceARN"], {})
    for key in params.get("TagKeys", []):
        tags.pop(key, None)
    return _xray_json({})


def _xray_list_tags_for_resource(self):
    tags = _xray_state(self).localcloud_tags.get(self.request_params["ResourceARN"], {})
    return _xray_json({"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]})


for _action, _method in {
    "CreateGroup": _xray_create_group,
    "GetGroup": _xray_get_group,
    "GetGroups": _xray_get_groups,
    "UpdateGroup": _xray_update_group,
    "DeleteGroup": _xray_delete_group,
    "CreateSamplingRule": _xray_create_sampling_rule,
    "GetSamplingRules": _xray_get_sampling_rules,
    "UpdateSamplingRule": _xray_update_sampling_rule,
    "DeleteSamplingRule": _xray_delete_sampling_rule,
    "TagResource": _xray_tag_resource,
    "UntagResource": _xray_untag_resource,
    "ListTagsForResource": _xray_list_tags_for_resource,
}.items():
    _snake = "".join("_" + c.lower() if c.isupper() else c for c in _action).lstrip("_")
    setattr(xray_responses.XRayResponse, _snake, _method)
    xray_urls.url_paths["{0}/" + _action + "$"] = xray_responses.XRayResponse.dispatch

main(sys.argv[1:])
