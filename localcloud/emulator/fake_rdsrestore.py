"""RDS restores across regions (appended to motoserver.py; see its docstring)."""

# The backup-restore strategy restores a writer in another region, from a snapshot copied there or
# from the automated backups replicated there (fake_rdsbackup.py). moto 5.2 serves neither across
# regions: its CopyDBSnapshot looks the source snapshot up in its own region only, so a copy from
# another region's snapshot ARN (aws rds copy-db-snapshot --source-region, an AWS Backup copy job)
# fails with DBSnapshotNotFound; and its RestoreDBInstanceToPointInTime restores only from an
# instance of its own region (SourceDBInstanceIdentifier), not from SourceDBInstanceAutomatedBackupsArn.
# moto keeps no backups, so a restore from replicated backups copies the source instance as it is
# (its latest restorable time), whatever RestoreTime says.

import copy as rdsrestore_copy

from moto.rds import exceptions as rdsrestore_exceptions
from moto.rds import models as rdsrestore_models
from moto.rds import responses as rdsrestore_responses

_rdsrestore_copy_snapshot = rdsrestore_models.RDSBackend.copy_db_snapshot


def _rdsrestore_copy_across(self, source_db_snapshot_identifier, target_db_snapshot_identifier,
                            kms_key_id=None, tags=None, copy_tags=False, **kwargs):
    parts = (source_db_snapshot_identifier or "").split(":")
    if len(parts) < 7 or parts[2] != "rds" or parts[5] != "snapshot" or parts[3] == self.region_name:
        return _rdsrestore_copy_snapshot(self, source_db_snapshot_identifier, target_db_snapshot_identifier,
                                         kms_key_id=kms_key_id, tags=tags, copy_tags=copy_tags, **kwargs)
    source_backend = rdsrestore_models.rds_backends[parts[4]][parts[3]]
    source = source_backend.get_db_snapshot(":".join(parts[6:]))
    if target_db_snapshot_identifier in self.database_snapshots:
        raise rdsrestore_exceptions.DBSnapshotAlreadyExistsError(target_db_snapshot_identifier)
    if source.database.storage_encrypted and not kms_key_id:
        raise rdsrestore_exceptions.RDSClientError(
            "InvalidParameterCombination",
            "KmsKeyId is required to copy an encrypted snapshot to another region (a key of the destination region).",
        )
    if kms_key_id is not None:
        kms_key_id = self._validate_kms_key(kms_key_id)
    if copy_tags and not tags:
        tags = source.tags or []
    target = rdsrestore_models.DBSnapshot(
        self, source.database, target_db_snapshot_identifier, tags=tags, kms_key_id=kms_key_id,
        original_created_at=source.original_snapshot_create_time,
    )
    self.database_snapshots[target_db_snapshot_identifier] = target
    return target


# What a restore copies from the source instance: nothing tied to the source's region or network.
_RDSRESTORE_SKIP = {
    "backend", "db_subnet_group", "db_subnet_group_name", "vpc_security_group_ids", "max_allocated_storage",
    "db_parameter_group_name", "availability_zone", "kms_key_id", "read_replica_db_instance_identifiers",
    "source_db_instance_identifier", "db_instance_automated_backups_replications", "arn", "dbi_resource_id",
    "master_user_secret", "manage_master_user_password", "master_user_secret_kms_key_id", "tags",
}

_rdsrestore_pitr = rdsrestore_responses.RDSResponse.restore_db_instance_to_point_in_time


def _rdsrestore_pitr_from_replicated(self):
    arn = self.params.get("SourceDBInstanceAutomatedBackupsArn")
    if not arn:
        return _rdsrestore_pitr(self)
    record = _rdsbackup_replicated(self.backend).get(arn)
    if record is None:
        raise _rdsbackup_not_found(arn)
    _, source = _rdsbackup_source(record["DBInstanceArn"])
    props = {}
    for key, value in source.__dict__.items():
        key = key[1:] if key.startswith("_") else key
        if key in _RDSRESTORE_SKIP:
            continue
        props[key] = rdsrestore_copy.deepcopy(value)
    if not source.option_group_supplied:
        props.pop("option_group_name", None)
    props["kms_key_id"] = record.get("KmsKeyId")
    props["storage_encrypted"] = bool(record.get("Encrypted"))
    for key, value in self.params.items():
        if value and key not in ("source_db_instance_automated_backups_arn", "restore_time", "use_latest_restorable_time",
                                 "target_db_instance_identifier"):
            props[key] = value
    props["db_instance_identifier"] = self.params.get("TargetDBInstanceIdentifier") or self.params.get(
        "target_db_instance_identifier")
    instance = self.backend.create_db_instance(props)
    return ActionResult({"DBInstance": instance})


rdsrestore_models.RDSBackend.copy_db_snapshot = _rdsrestore_copy_across
rdsrestore_responses.RDSResponse.restore_db_instance_to_point_in_time = _rdsrestore_pitr_from_replicated
