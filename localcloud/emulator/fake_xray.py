"""X-Ray groups and sampling rules (appended to motoserver.py; see its docstring)."""

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
