"""moto_server with fixes for moto bugs the local cloud drills hit.

The Go emulator package embeds this file and every fake_*.py next to it, joins them in that
order (this file first, the fakes sorted by name), appends `main(sys.argv[1:])` and runs
the result as: python3 - -H 127.0.0.1 -p PORT (the script on standard input)
"""
import json
import sys
import time
import uuid

from moto.core.responses import BaseResponse
from moto.core.utils import camelcase_to_underscores
from moto.ec2.models import route_tables as ec2_route_tables
from moto.ec2.models import security_groups as ec2_security_groups
from moto.ecs import responses as ecs_responses
from moto.kms import models as kms_models
from moto.kms import utils as kms_utils
from moto.logs import models as logs_models
from moto.logs.exceptions import ResourceNotFoundException
from moto.rds import models as rds_models
from moto.core.responses import ActionResult
from moto.core.utils import utcnow as route53_utcnow
from moto.route53 import models as route53_models
from moto.route53 import responses as route53_responses
from moto.s3 import responses as s3_responses
from moto.server import main
from moto.utilities.arns import parse_arn
from moto.xray import responses as xray_responses
from moto.xray import urls as xray_urls
from moto.xray.models import xray_backends
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

# Services moto does not serve at all (Global Accelerator, say), or serves only in part
# (CloudFront policies), are answered by fakes in fake_*.py, which the Go emulator package
# appends to this file. A fake registers a handler under the service name of the SigV4
# credential scope: handler(environ, start_response) returns a WSGI response, or None to
# leave the request to moto. A handler that returns None must decide from the method,
# path and headers alone, before it reads the body.
LOCALCLOUD_SERVICES = {}


def localcloud_scope(environ):
    """Returns (service, region) from a request's SigV4 credential scope, or (None, None)."""
    auth = environ.get("HTTP_AUTHORIZATION") or ""
    try:
        _, _, region, service, _ = auth.split(",")[0].split()[1].split("/")
        return service.lower(), region
    except (IndexError, ValueError):
        return None, None


_dispatch = DomainDispatcherApplication.__call__


def _dispatch_with_fakes(self, environ, start_response):
    service, _ = localcloud_scope(environ)
    handler = LOCALCLOUD_SERVICES.get(service)
    if handler is not None:
        response = handler(environ, start_response)
        if response is not None:
            return response
    return _dispatch(self, environ, start_response)


DomainDispatcherApplication.__call__ = _dispatch_with_fakes


def _remove_replica(self, replica):
    # moto records a cross-region replica by ARN but removes it by identifier, so
    # deleting a cross-region read replica fails with "list.remove(x): x not in list".
    for key in (replica.db_instance_identifier, replica.db_instance_arn):
        if key in self.replicas:
            self.replicas.remove(key)
            return


rds_models.DBInstance.remove_replica = _remove_replica

_create_route = ec2_route_tables.RouteBackend.create_route


def _create_route_once(self, route_table_id, destination_cidr_block, *args, **kwargs):
    # CreateRoute has no client token: when the SDK retries a request whose first attempt moto
    # served but whose response was lost (a connection reset on a loaded machine), the retry
    # fails with RouteAlreadyExists and the route table is left half created. An identical
    # route (same destination, same target) is that retry: answer it with the route.
    table = self.get_route_table(route_table_id)
    target = {k: v for k, v in kwargs.items() if v}
    for route in table._routes.values():
        if route.local or route.destination_cidr_block != destination_cidr_block:
            continue
        same = {
            "gateway_id": getattr(route.gateway, "id", None),
            "nat_gateway_id": getattr(route.nat_gateway, "id", None),
            "vpc_peering_connection_id": getattr(route.vpc_pcx, "id", None),
        }
        if target and all(same.get(k) == v for k, v in target.items()):
            return route
    return _create_route(self, route_table_id, destination_cidr_block, *args, **kwargs)


ec2_route_tables.RouteBackend.create_route = _create_route_once

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
    # moto gives every instance the same DbiResourceId, which the Terraform provider reads an
    # instance by (filter dbi-resource-id): with two instances in one region it finds "too many
    # results" and reports "couldn't find resource". AWS makes it unique per instance.
    self.dbi_resource_id = "db-" + uuid.uuid4().hex[:26].upper()


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

_replicate_key = kms_models.KmsBackend.replicate_key


def _replicate_key_own_aliases(self, key_id, replica_region):
    # moto copies the key shallowly, so the replica shared the primary's alias table: an alias of
    # the primary showed up in the replica's region, and creating the same alias name there (one
    # name in every region, as a multi-Region key's secrets provider URL wants) failed with
    # AlreadyExistsException. In AWS each region has its own aliases.
    #
    # The copy also shared the multi-Region configuration, and DescribeKey on the replica marks it
    # REPLICA, so the primary then read as a replica and the Terraform provider refused to refresh
    # it ("is not a multi-Region primary key"). The replica gets its own configuration (the list of
    # replicas stays shared: both keys report the same set).
    replica = _replicate_key(self, key_id, replica_region)
    replica.aliases = {}
    if replica.multi_region:
        config = dict(self.keys[replica.id].multi_region_configuration)
        config["MultiRegionKeyType"] = "REPLICA"
        replica.multi_region_configuration = config
    return replica


kms_models.KmsBackend.replicate_key = _replicate_key_own_aliases

# moto writes the key ID into a ciphertext's header in 36 bytes, the length of a UUID; a multi-Region
# key's ID is "mrk-" + a UUID, 40 characters, so its ciphertexts named a key that does not exist and
# Decrypt failed in every region (AccessDeniedException). Room for 40; a shorter ID is padded with
# NULs, which the reader strips.
kms_utils.KEY_ID_LEN = 40
kms_utils.HEADER_LEN = kms_utils.KEY_ID_LEN + kms_utils.IV_LEN + kms_utils.TAG_LEN
kms_utils.CIPHERTEXT_HEADER_FORMAT = f">{kms_utils.KEY_ID_LEN}s{kms_utils.IV_LEN}s{kms_utils.TAG_LEN}s"
_kms_deserialize = kms_utils._deserialize_ciphertext_blob


def _kms_deserialize_unpadded(ciphertext_blob):
    ciphertext = _kms_deserialize(ciphertext_blob)
    return ciphertext._replace(key_id=ciphertext.key_id.rstrip("\x00"))


kms_utils._deserialize_ciphertext_blob = _kms_deserialize_unpadded

_s3_get_bucket_replication = s3_responses.S3Response.get_bucket_replication


def _s3_filter(put):
    # An empty <Prefix></Prefix> parses as None, which the serializer drops; AWS answers it as "".
    if not put:
        return {"Prefix": ""}
    if "Prefix" in put and put["Prefix"] is None:
        return dict(put, Prefix="")
    return put


def _s3_get_bucket_replication_as_put(self):
    # moto answered every rule with DeleteMarkerReplication Disabled and Filter Prefix "", and
    # without its SourceSelectionCriteria (KMS-encrypted objects, replica modifications), whatever
    # was put, so the Terraform provider saw drift on every refresh of a replication configuration
    # that replicates delete markers. Answer what was put, as AWS does.
    replication = self.backend.get_bucket_replication(self.bucket_name)
    if not replication:
        return _s3_get_bucket_replication(self)  # moto's not-found error
    self.data["Action"] = "GetBucketReplication"
    rules = []
    for rule in replication["Rule"]:
        out = {
            "ID": rule["ID"],
            "Priority": rule["Priority"],
            "Status": rule["Status"],
            "DeleteMarkerReplication": rule.get("DeleteMarkerReplication") or {"Status": "Disabled"},
            "Filter": _s3_filter(rule.get("Filter")),
            "Destination": rule["Destination"],
        }
        if rule.get("SourceSelectionCriteria"):
            out["SourceSelectionCriteria"] = rule["SourceSelectionCriteria"]
        rules.append(out)
    return self.serialized(ActionResult({"ReplicationConfiguration": {"Role": replication["Role"], "Rules": rules}}))


s3_responses.S3Response.get_bucket_replication = _s3_get_bucket_replication_as_put

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


def _create_hosted_zone_private_with_vpc(self):
    # AWS makes a zone created with a VPC private; moto reads only HostedZoneConfig.PrivateZone,
    # which Terraform's aws_route53_zone does not send, so its zone came out public and every
    # later AssociateVPCWithHostedZone failed with PublicZoneVPCAssociation. moto's own handler,
    # with the VPC deciding.
    vpcid = self._get_param("VPC.VPCId")
    private_zone = bool(vpcid) or self._get_bool_param("HostedZoneConfig.PrivateZone", False)
    vpcregion = self._get_param("VPC.VPCRegion") if private_zone else None
    name = self._get_param("Name")
    if name[-1] != ".":
        name += "."
    new_zone = self.backend.create_hosted_zone(
        name,
        comment=self._get_param("HostedZoneConfig.Comment"),
        private_zone=private_zone,
        caller_reference=self._get_param("CallerReference"),
        vpcid=vpcid if private_zone else None,
        vpcregion=vpcregion,
        delegation_set_id=self._get_param("DelegationSetId"),
    )
    result = {
        "HostedZone": new_zone,
        "ChangeInfo": {"Id": "/change/C1PA6795UKMFR9", "Status": "INSYNC", "SubmittedAt": route53_utcnow()},
        "DelegationSet": new_zone.delegation_set if not private_zone else None,
        "VPC": {"VPCRegion": new_zone.vpcs[0].get("vpc_region"), "VPCId": new_zone.vpcs[0].get("vpc_id")}
        if new_zone.private_zone and new_zone.vpcs
        else None,
        "Location": f"https://route53.amazonaws.com/2013-04-01/hostedzone/{new_zone.resource_id}",
    }
    return ActionResult(result)


route53_responses.Route53.create_hosted_zone = _create_hosted_zone_private_with_vpc

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

# An action moto lacks raised NotImplementedError, which Flask turned into a 500; AWS SDKs retry
# a 500 (up to the provider's 25 attempts with backoff), so a gap in the emulator looked like a
# hang. Answer 501 instead, which no SDK retries, naming the action.
_call_action = BaseResponse.call_action


def _call_action_not_implemented_is_501(self):
    try:
        return _call_action(self)
    except NotImplementedError as e:
        message = "localcloud: moto does not implement this: %s" % e
        content_type = str(self.headers.get("Content-Type", ""))
        if "json" in content_type:
            return 501, {"Content-Type": "application/x-amz-json-1.1"}, json.dumps(
                {"__type": "NotImplemented", "message": message})
        return 501, {"Content-Type": "text/xml"}, (
            "<ErrorResponse><Error><Type>Sender</Type><Code>NotImplemented</Code><Message>%s</Message></Error>"
            "<RequestId>localcloud</RequestId></ErrorResponse>" % message)


BaseResponse.call_action = _call_action_not_implemented_is_501
