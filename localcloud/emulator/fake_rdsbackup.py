"""RDS automated backup replication across regions (appended to motoserver.py; see its docstring)."""

# RDS automated backups across regions: moto 5.2 lacks StartDBInstanceAutomatedBackupsReplication
# and StopDBInstanceAutomatedBackupsReplication, and its DescribeDBInstanceAutomatedBackups knows
# only the automated backups of instances in its own region, with no ARN to find them by
# (Terraform's aws_db_instance_automated_backups_replication reads its backup back by ARN and
# waits for the status "replicating"). This fake keeps the replicated automated backups in the
# destination region's RDS backend, per account and region, by ARN; the source instance lists
# them under DBInstanceAutomatedBackupsReplications as AWS does.

from moto.rds import exceptions as rdsbackup_exceptions
from moto.rds import responses as rdsbackup_responses
from moto.core.utils import utcnow as rdsbackup_utcnow


def _rdsbackup_replicated(backend):
    if not hasattr(backend, "localcloud_replicated_backups"):
        backend.localcloud_replicated_backups = {}  # automated backup ARN -> record
    return backend.localcloud_replicated_backups


def _rdsbackup_not_found(arn):
    return rdsbackup_exceptions.RDSClientError(
        "DBInstanceAutomatedBackupNotFound", f"Automated backup {arn} not found."
    )


def _rdsbackup_invalid_state(message):
    return rdsbackup_exceptions.RDSClientError("InvalidDBInstanceState", message)


def _rdsbackup_source(arn):
    """The backend and DB instance an instance ARN names, in any region; DBInstanceNotFound if none."""
    parts = (arn or "").split(":")
    if len(parts) != 7 or parts[2] != "rds" or parts[5] != "db":
        raise rdsbackup_exceptions.RDSClientError(
            "InvalidParameterValue", f"Invalid source DB instance ARN: {arn}"
        )
    region, account, identifier = parts[3], parts[4], parts[6]
    backend = rds_models.rds_backends[account][region]
    database = backend.databases.get(identifier)
    if database is None:
        raise rdsbackup_exceptions.DBInstanceNotFoundError(identifier)
    return backend, database


def _rdsbackup_start_replication(self):
    params = self.params
    source_arn = params.get("SourceDBInstanceArn")
    source_backend, source = _rdsbackup_source(source_arn)
    if source_backend.region_name == self.region:
        raise rdsbackup_exceptions.RDSClientError(
            "InvalidParameterValue", "The source DB instance must be in another region."
        )
    if not source.backup_retention_period:
        raise _rdsbackup_invalid_state(
            f"Automated backups are not enabled for DB instance {source.db_instance_identifier}."
        )
    kms_key_id = params.get("KmsKeyId")
    if source.storage_encrypted and not kms_key_id:
        raise rdsbackup_exceptions.RDSClientError(
            "InvalidParameterCombination", "KmsKeyId is required to replicate an encrypted DB instance's backups."
        )
    replicated = _rdsbackup_replicated(self.backend)
    for record in replicated.values():
        if record["DBInstanceArn"] == source_arn:
            raise rdsbackup_exceptions.RDSClientError(
                "DBInstanceAutomatedBackupQuotaExceeded",
                f"DB instance {source.db_instance_identifier} already replicates its backups to {self.region}.",
            )
    now = rdsbackup_utcnow()
    arn = f"arn:aws:rds:{self.region}:{self.current_account}:auto-backup:ab-{uuid.uuid4().hex[:26]}"
    record = {
        "DBInstanceArn": source_arn,
        "DbiResourceId": source.dbi_resource_id,
        "Region": source_backend.region_name,
        "DBInstanceIdentifier": source.db_instance_identifier,
        "RestoreWindow": {"EarliestTime": now, "LatestTime": now},
        "AllocatedStorage": source.allocated_storage,
        "Status": "replicating",
        "Port": source.port,
        "AvailabilityZone": getattr(source, "availability_zone", None),
        "InstanceCreateTime": source.created,
        "MasterUsername": source.master_username,
        "Engine": source.engine,
        "EngineVersion": source.engine_version,
        "LicenseModel": source.license_model,
        "StorageType": source.storage_type,
        "Encrypted": bool(source.storage_encrypted),
        "KmsKeyId": kms_key_id,
        "IAMDatabaseAuthenticationEnabled": bool(getattr(source, "enable_iam_database_authentication", False)),
        "BackupRetentionPeriod": params.get("BackupRetentionPeriod") or 7,
        "DBInstanceAutomatedBackupsArn": arn,
        "DBInstanceAutomatedBackupsReplications": [],
        "BackupTarget": "region",
    }
    record = {k: v for k, v in record.items() if v is not None}
    replicated[arn] = record
    replications = getattr(source, "db_instance_automated_backups_replications", None) or []
    source.db_instance_automated_backups_replications = replications + [{"DBInstanceAutomatedBackupsArn": arn}]
    return ActionResult({"DBInstanceAutomatedBackup": record})


def _rdsbackup_stop_replication(self):
    source_arn = self.params.get("SourceDBInstanceArn")
    source_backend, source = _rdsbackup_source(source_arn)
    replicated = _rdsbackup_replicated(self.backend)
    arns = [arn for arn, record in replicated.items() if record["DBInstanceArn"] == source_arn]
    if not arns:
        raise _rdsbackup_invalid_state(
            f"DB instance {source.db_instance_identifier} is not replicating to the current region."
        )
    for arn in arns:
        del replicated[arn]
    source.db_instance_automated_backups_replications = [
        r for r in getattr(source, "db_instance_automated_backups_replications", None) or []
        if r["DBInstanceAutomatedBackupsArn"] not in arns
    ]
    return ActionResult({"DBInstance": source})


_rdsbackup_describe_automated = rdsbackup_responses.RDSResponse.describe_db_instance_automated_backups


def _rdsbackup_describe_automated_with_replicas(self):
    params = self.params
    arn = params.get("DBInstanceAutomatedBackupsArn")
    resource_id = params.get("DbiResourceId")
    identifier = params.get("DBInstanceIdentifier")
    replicated = _rdsbackup_replicated(self.backend)
    if arn:
        record = replicated.get(arn)
        if record is None:
            raise _rdsbackup_not_found(arn)
        return ActionResult({"DBInstanceAutomatedBackups": [record]})
    found = [
        r for r in replicated.values()
        if (not resource_id or r["DbiResourceId"] == resource_id)
        and (not identifier or r["DBInstanceIdentifier"] == identifier)
    ]
    if resource_id is None:
        local = self.backend.describe_db_instance_automated_backups(db_instance_identifier=identifier)
        found = list(local) + found
    if (resource_id or identifier) and not found:
        raise _rdsbackup_not_found(resource_id or identifier)
    return ActionResult({"DBInstanceAutomatedBackups": found})


rdsbackup_responses.RDSResponse.start_db_instance_automated_backups_replication = _rdsbackup_start_replication
rdsbackup_responses.RDSResponse.stop_db_instance_automated_backups_replication = _rdsbackup_stop_replication
rdsbackup_responses.RDSResponse.describe_db_instance_automated_backups = _rdsbackup_describe_automated_with_replicas
