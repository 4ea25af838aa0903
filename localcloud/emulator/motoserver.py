"""moto_server with fixes for moto bugs the local cloud drills hit.

Run as: python3 -c "$(cat motoserver.py)" -H 127.0.0.1 -p PORT
(the Go emulator package embeds this file and does exactly that).
"""
import sys

from moto.rds import models as rds_models
from moto.route53 import models as route53_models
from moto.server import main


def _remove_replica(self, replica):
    # moto records a cross-region replica by ARN but removes it by identifier, so
    # deleting a cross-region read replica fails with "list.remove(x): x not in list".
    for key in (replica.db_instance_identifier, replica.db_instance_arn):
        if key in self.replicas:
            self.replicas.remove(key)
            return


rds_models.DBInstance.remove_replica = _remove_replica

_update_instance = rds_models.DBInstance.update


def _update_instance_backend_first(self, *args, **kwargs):
    # A cross-region read replica starts as a copy of its primary and is then updated with
    # its own settings, its region's backend among them. moto applies them in argument
    # order, so the replica's DB subnet group was looked up in the primary's region
    # ("DBSubnetGroupNotFoundFault"). Move to the replica's region first.
    backend = kwargs.pop("backend", None)
    if backend is not None:
        self.backend = backend
    return _update_instance(self, *args, **kwargs)


rds_models.DBInstance.update = _update_instance_backend_first

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

main(sys.argv[1:])
