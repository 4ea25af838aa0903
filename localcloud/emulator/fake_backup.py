"""AWS Backup selections, plan updates and restore testing (appended to motoserver.py; see its docstring)."""

# AWS Backup: moto 5.2 serves vaults, plans (create, get, list, delete), vault lock and tags,
# but not UpdateBackupPlan, backup selections, vault access policies or restore testing plans
# and selections; its
# ListTags reads the ARN from a trailing slash the Go SDK does not send (so every tag looked
# lost), and it refuses a new plan that reuses the name of a deleted one. This fake adds what
# the Terraform provider's aws_backup_plan, aws_backup_selection, aws_backup_vault_policy,
# aws_backup_restore_testing_plan and aws_backup_restore_testing_selection need, kept on
# moto's backend per account and region: selections by plan ID, a vault's access policy on
# the vault, restore testing plans by name with their selections. Deleting a plan that still has selections fails as AWS does.

from moto.backup import exceptions as backup_exceptions
from moto.backup import models as backup_models
from moto.backup import responses as backup_responses
from moto.backup import urls as backup_urls
from moto.core.utils import unix_time as backup_unix_time
from urllib.parse import unquote as backup_unquote


def _backup_state(response):
    backend = response.backup_backend
    if not hasattr(backend, "localcloud_selections"):
        backend.localcloud_selections = {}  # plan ID -> {selection ID -> record}
        backend.localcloud_rt_plans = {}  # restore testing plan name -> record
        backend.localcloud_rt_selections = {}  # plan name -> {selection name -> record}
    return backend


def _backup_body(response):
    return json.loads(response.body) if response.body else {}


def _backup_parts(response):
    """The request path's segments, URL-decoded, without empty ones."""
    return [backup_unquote(p) for p in response.path.split("?")[0].split("/") if p]


def _backup_not_found(message):
    return backup_exceptions.ResourceNotFoundException(msg=message)


def _backup_invalid(message):
    return backup_exceptions.InvalidRequestException(msg=message)


def _backup_live_plan(backend, plan_id):
    plan = backend.plans.get(plan_id)
    if plan is None or plan.deletion_date is not None:
        raise _backup_not_found(f"Failed reading Backup plan with provided version {plan_id}")
    return plan


def _backup_rule_defaults(rules):
    for rule in rules:
        rule.setdefault("ScheduleExpression", "cron(0 5 ? * * *)")
        rule.setdefault("StartWindowMinutes", 480)
        rule.setdefault("CompletionWindowMinutes", 10080)
        rule.setdefault("ScheduleExpressionTimezone", "Etc/UTC")
        rule.setdefault("EnableContinuousBackup", False)
        rule["RuleId"] = str(uuid.uuid4())


# ---- fixes to moto's own actions ----

def _backup_list_tags(self):
    # GET /tags/{resourceArn}/: the SDK drops the trailing slash, and the ARN holds no "/".
    arn = backup_unquote(self.path.split("?")[0].split("/tags/", 1)[1]).rstrip("/")
    return json.dumps({"Tags": self.backup_backend.list_tags(resource_arn=arn)})


_backup_create_plan_model = backup_models.BackupBackend.create_backup_plan


def _backup_create_plan_ignoring_deleted(self, backup_plan, backup_plan_tags, creator_request_id):
    # A deleted plan keeps its name in moto; AWS lets a new plan take it.
    name = backup_plan["BackupPlanName"]
    for plan_id, plan in list(self.plans.items()):
        if plan.deletion_date is not None and plan.backup_plan["BackupPlanName"] == name:
            self.localcloud_deleted_plans = getattr(self, "localcloud_deleted_plans", {})
            self.localcloud_deleted_plans[plan_id] = self.plans.pop(plan_id)
    plan = _backup_create_plan_model(self, backup_plan, backup_plan_tags, creator_request_id)
    _backup_rule_defaults(plan.backup_plan["Rules"])
    return plan


def _backup_delete_plan(self):
    backend = _backup_state(self)
    plan_id = _backup_parts(self)[-1]
    _backup_live_plan(backend, plan_id)
    if backend.localcloud_selections.get(plan_id):
        raise _backup_invalid("Related backup plan selections must be deleted prior to backup plan deletion")
    plan_id, arn, deleted, version = backend.delete_backup_plan(backup_plan_id=plan_id)
    return json.dumps({"BackupPlanId": plan_id, "BackupPlanArn": arn, "DeletionDate": deleted, "VersionId": version})


def _backup_get_plan(self):
    backend = _backup_state(self)
    plan_id = _backup_parts(self)[-1]
    plan = backend.plans.get(plan_id) or getattr(backend, "localcloud_deleted_plans", {}).get(plan_id)
    if plan is None:
        raise _backup_not_found(f"Failed reading Backup plan with provided version {plan_id}")
    version = self.querystring.get("versionId", [None])[0]
    if version and version != plan.version_id:
        raise _backup_not_found(f"Failed reading Backup plan with provided version {version}")
    return json.dumps(plan.to_get_dict())


def _backup_update_plan(self):
    backend = _backup_state(self)
    plan = _backup_live_plan(backend, _backup_parts(self)[-1])
    document = _backup_body(self)["BackupPlan"]
    _backup_rule_defaults(document.get("Rules", []))
    plan.backup_plan = document
    plan.advanced_backup_settings = document.get("AdvancedBackupSettings") or []
    plan.version_id = uuid.uuid4().hex + uuid.uuid4().hex[:16]
    return json.dumps(plan.to_dict())


# ---- vault access policies ----

def _backup_policy_vault(self):
    # /backup-vaults/{name}/access-policy
    return self.backup_backend.describe_backup_vault(_backup_parts(self)[-2])


def _backup_put_vault_policy(self):
    vault = _backup_policy_vault(self)
    policy = _backup_body(self).get("Policy")
    if not policy:
        raise backup_exceptions.InvalidParameterValueException(msg="Policy is required")
    try:
        json.loads(policy)
    except ValueError:
        raise backup_exceptions.InvalidParameterValueException(msg="Policy is not valid JSON")
    vault.localcloud_access_policy = policy
    return "{}"


def _backup_get_vault_policy(self):
    vault = _backup_policy_vault(self)
    policy = getattr(vault, "localcloud_access_policy", None)
    if policy is None:
        raise _backup_not_found(f"Backup vault {vault.backup_vault_name} has no access policy")
    return json.dumps({
        "BackupVaultArn": vault.backup_vault_arn,
        "BackupVaultName": vault.backup_vault_name,
        "Policy": policy,
    })


def _backup_delete_vault_policy(self):
    vault = _backup_policy_vault(self)
    vault.localcloud_access_policy = None
    return "{}"


# ---- backup selections ----

def _backup_create_selection(self):
    backend = _backup_state(self)
    plan_id = _backup_parts(self)[-2]
    _backup_live_plan(backend, plan_id)
    params = _backup_body(self)
    selection = dict(params.get("BackupSelection") or {})
    if not selection.get("SelectionName") or not selection.get("IamRoleArn"):
        raise backup_exceptions.InvalidParameterValueException(msg="SelectionName and IamRoleArn are required")
    selections = backend.localcloud_selections.setdefault(plan_id, {})
    if any(s["BackupSelection"]["SelectionName"] == selection["SelectionName"] for s in selections.values()):
        raise backup_exceptions.AlreadyExistsException(msg=f"Backup selection {selection['SelectionName']} already exists")
    conditions = selection.get("Conditions") or {}
    selection["Conditions"] = {
        k: conditions.get(k, []) for k in ("StringEquals", "StringNotEquals", "StringLike", "StringNotLike")
    }
    for key in ("Resources", "NotResources", "ListOfTags"):
        selection[key] = selection.get(key) or []
    selection_id = str(uuid.uuid4())
    record = {
        "BackupPlanId": plan_id,
        "BackupSelection": selection,
        "CreationDate": backup_unix_time(),
        "CreatorRequestId": params.get("CreatorRequestId"),
        "SelectionId": selection_id,
    }
    selections[selection_id] = record
    return json.dumps({k: record[k] for k in ("BackupPlanId", "CreationDate", "SelectionId")})


def _backup_find_selection(self):
    backend = _backup_state(self)
    parts = _backup_parts(self)
    plan_id, selection_id = parts[-3], parts[-1]
    record = backend.localcloud_selections.get(plan_id, {}).get(selection_id)
    if record is None:
        raise _backup_not_found(f"Failed reading Backup selection {selection_id} of plan {plan_id}")
    return backend, plan_id, record


def _backup_get_selection(self):
    _, _, record = _backup_find_selection(self)
    return json.dumps({k: v for k, v in record.items() if v is not None})


def _backup_delete_selection(self):
    backend, plan_id, record = _backup_find_selection(self)
    del backend.localcloud_selections[plan_id][record["SelectionId"]]
    return "{}"


def _backup_list_selections(self):
    backend = _backup_state(self)
    plan_id = _backup_parts(self)[-2]
    _backup_live_plan(backend, plan_id)
    out = []
    for record in backend.localcloud_selections.get(plan_id, {}).values():
        out.append({
            "BackupPlanId": plan_id,
            "CreationDate": record["CreationDate"],
            "CreatorRequestId": record["CreatorRequestId"],
            "IamRoleArn": record["BackupSelection"]["IamRoleArn"],
            "SelectionId": record["SelectionId"],
            "SelectionName": record["BackupSelection"]["SelectionName"],
        })
    return json.dumps({"BackupSelectionsList": out})


# ---- restore testing plans and selections ----

def _backup_rt_plan(backend, name):
    record = backend.localcloud_rt_plans.get(name)
    if record is None:
        raise _backup_not_found(f"Restore testing plan {name} not found")
    return record


def _backup_rt_selection_defaults(plan):
    # AWS answers the optional lists and the window with their defaults; the provider keeps
    # them from state on update and fails on an unknown if they were never read.
    points = plan.get("RecoveryPointSelection")
    if isinstance(points, dict):
        points.setdefault("ExcludeVaults", [])
        points.setdefault("SelectionWindowDays", 30)


def _backup_create_rt_plan(self):
    backend = _backup_state(self)
    params = _backup_body(self)
    plan = dict(params.get("RestoreTestingPlan") or {})
    name = plan.get("RestoreTestingPlanName")
    if not name or not plan.get("ScheduleExpression") or not plan.get("RecoveryPointSelection"):
        raise backup_exceptions.InvalidParameterValueException(
            msg="RestoreTestingPlanName, ScheduleExpression and RecoveryPointSelection are required"
        )
    if name in backend.localcloud_rt_plans:
        raise backup_exceptions.AlreadyExistsException(msg=f"Restore testing plan {name} already exists")
    now = backup_unix_time()
    plan.setdefault("ScheduleExpressionTimezone", "Etc/UTC")
    plan.setdefault("StartWindowHours", 24)
    _backup_rt_selection_defaults(plan)
    plan.update({
        "CreationTime": now,
        "CreatorRequestId": params.get("CreatorRequestId"),
        "RestoreTestingPlanArn": f"arn:aws:backup:{self.region}:{self.current_account}:restore-testing-plan:{name}-{uuid.uuid4().hex[:6]}",
    })
    backend.localcloud_rt_plans[name] = plan
    backend.localcloud_rt_selections[name] = {}
    if params.get("Tags"):
        backend.tag_resource(plan["RestoreTestingPlanArn"], params["Tags"])
    out = {k: plan[k] for k in ("CreationTime", "RestoreTestingPlanArn", "RestoreTestingPlanName")}
    return json.dumps(out), {"status": 201}


def _backup_get_rt_plan(self):
    plan = _backup_rt_plan(_backup_state(self), _backup_parts(self)[-1])
    return json.dumps({"RestoreTestingPlan": {k: v for k, v in plan.items() if v is not None}})


def _backup_update_rt_plan(self):
    plan = _backup_rt_plan(_backup_state(self), _backup_parts(self)[-1])
    update = _backup_body(self).get("RestoreTestingPlan") or {}
    for key in ("RecoveryPointSelection", "ScheduleExpression", "ScheduleExpressionTimezone", "StartWindowHours"):
        if key in update:
            plan[key] = update[key]
    _backup_rt_selection_defaults(plan)
    plan["LastUpdateTime"] = backup_unix_time()
    out = {k: plan[k] for k in ("CreationTime", "RestoreTestingPlanArn", "RestoreTestingPlanName")}
    out["UpdateTime"] = plan["LastUpdateTime"]
    return json.dumps(out)


def _backup_delete_rt_plan(self):
    backend = _backup_state(self)
    name = _backup_parts(self)[-1]
    plan = _backup_rt_plan(backend, name)
    if backend.localcloud_rt_selections.get(name):
        raise _backup_invalid(f"Restore testing plan {name} still has restore testing selections")
    del backend.localcloud_rt_plans[name]
    backend.localcloud_rt_selections.pop(name, None)
    backend.tagger.delete_all_tags_for_resource(plan["RestoreTestingPlanArn"])
    return "", {"status": 204}


def _backup_list_rt_plans(self):
    out = []
    for plan in _backup_state(self).localcloud_rt_plans.values():
        out.append({k: plan[k] for k in (
            "CreationTime", "RestoreTestingPlanArn", "RestoreTestingPlanName",
            "ScheduleExpression", "ScheduleExpressionTimezone", "StartWindowHours",
        ) if plan.get(k) is not None})
    return json.dumps({"RestoreTestingPlans": out})


def _backup_rt_selection(self):
    backend = _backup_state(self)
    parts = _backup_parts(self)
    plan_name, name = parts[-3], parts[-1]
    _backup_rt_plan(backend, plan_name)
    record = backend.localcloud_rt_selections[plan_name].get(name)
    if record is None:
        raise _backup_not_found(f"Restore testing selection {name} not found in plan {plan_name}")
    return backend, plan_name, record


def _backup_create_rt_selection(self):
    backend = _backup_state(self)
    plan_name = _backup_parts(self)[-2]
    plan = _backup_rt_plan(backend, plan_name)
    params = _backup_body(self)
    selection = dict(params.get("RestoreTestingSelection") or {})
    name = selection.get("RestoreTestingSelectionName")
    if not name or not selection.get("IamRoleArn") or not selection.get("ProtectedResourceType"):
        raise backup_exceptions.InvalidParameterValueException(
            msg="RestoreTestingSelectionName, IamRoleArn and ProtectedResourceType are required"
        )
    if name in backend.localcloud_rt_selections[plan_name]:
        raise backup_exceptions.AlreadyExistsException(msg=f"Restore testing selection {name} already exists")
    selection.setdefault("ValidationWindowHours", 0)
    selection.setdefault("ProtectedResourceArns", [])
    selection.setdefault("RestoreMetadataOverrides", {})
    selection.update({
        "CreationTime": backup_unix_time(),
        "CreatorRequestId": params.get("CreatorRequestId"),
        "RestoreTestingPlanName": plan_name,
    })
    backend.localcloud_rt_selections[plan_name][name] = selection
    out = {
        "CreationTime": selection["CreationTime"],
        "RestoreTestingPlanArn": plan["RestoreTestingPlanArn"],
        "RestoreTestingPlanName": plan_name,
        "RestoreTestingSelectionName": name,
    }
    return json.dumps(out), {"status": 201}


def _backup_get_rt_selection(self):
    _, _, record = _backup_rt_selection(self)
    return json.dumps({"RestoreTestingSelection": {k: v for k, v in record.items() if v is not None}})


def _backup_update_rt_selection(self):
    backend, plan_name, record = _backup_rt_selection(self)
    update = _backup_body(self).get("RestoreTestingSelection") or {}
    for key in ("IamRoleArn", "ProtectedResourceArns", "ProtectedResourceConditions",
                "RestoreMetadataOverrides", "ValidationWindowHours"):
        if key in update:
            record[key] = update[key]
    record["UpdateTime"] = backup_unix_time()
    return json.dumps({
        "CreationTime": record["CreationTime"],
        "RestoreTestingPlanArn": backend.localcloud_rt_plans[plan_name]["RestoreTestingPlanArn"],
        "RestoreTestingPlanName": plan_name,
        "RestoreTestingSelectionName": record["RestoreTestingSelectionName"],
        "UpdateTime": record["UpdateTime"],
    })


def _backup_delete_rt_selection(self):
    backend, plan_name, record = _backup_rt_selection(self)
    del backend.localcloud_rt_selections[plan_name][record["RestoreTestingSelectionName"]]
    return "", {"status": 204}


def _backup_list_rt_selections(self):
    backend = _backup_state(self)
    plan_name = _backup_parts(self)[-2]
    _backup_rt_plan(backend, plan_name)
    out = []
    for record in backend.localcloud_rt_selections[plan_name].values():
        out.append({k: record[k] for k in (
            "CreationTime", "IamRoleArn", "ProtectedResourceType", "RestoreTestingPlanName",
            "RestoreTestingSelectionName", "ValidationWindowHours",
        ) if record.get(k) is not None})
    return json.dumps({"RestoreTestingSelections": out})


backup_models.BackupBackend.create_backup_plan = _backup_create_plan_ignoring_deleted
for _action, _method in {
    "ListTags": _backup_list_tags,
    "GetBackupPlan": _backup_get_plan,
    "DeleteBackupPlan": _backup_delete_plan,
    "UpdateBackupPlan": _backup_update_plan,
    "CreateBackupSelection": _backup_create_selection,
    "GetBackupSelection": _backup_get_selection,
    "DeleteBackupSelection": _backup_delete_selection,
    "ListBackupSelections": _backup_list_selections,
    "CreateRestoreTestingPlan": _backup_create_rt_plan,
    "GetRestoreTestingPlan": _backup_get_rt_plan,
    "UpdateRestoreTestingPlan": _backup_update_rt_plan,
    "DeleteRestoreTestingPlan": _backup_delete_rt_plan,
    "ListRestoreTestingPlans": _backup_list_rt_plans,
    "CreateRestoreTestingSelection": _backup_create_rt_selection,
    "GetRestoreTestingSelection": _backup_get_rt_selection,
    "UpdateRestoreTestingSelection": _backup_update_rt_selection,
    "DeleteRestoreTestingSelection": _backup_delete_rt_selection,
    "ListRestoreTestingSelections": _backup_list_rt_selections,
    "PutBackupVaultAccessPolicy": _backup_put_vault_policy,
    "GetBackupVaultAccessPolicy": _backup_get_vault_policy,
    "DeleteBackupVaultAccessPolicy": _backup_delete_vault_policy,
}.items():
    setattr(backup_responses.BackupResponse, camelcase_to_underscores(_action), _method)
backup_urls.url_paths["{0}/backup-vaults/(?P<name>[^/]+)/access-policy/?$"] = backup_responses.BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/?$"] = backup_responses.BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/(?P<name>[^/]+)/?$"] = backup_responses.BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/(?P<name>[^/]+)/selections/?$"] = backup_responses.BackupResponse.dispatch
backup_urls.url_paths["{0}/restore-testing/plans/(?P<name>[^/]+)/selections/(?P<selection>[^/]+)/?$"] = (
    backup_responses.BackupResponse.dispatch
)
