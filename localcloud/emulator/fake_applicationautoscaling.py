"""Application Auto Scaling tags (appended to motoserver.py; see its docstring)."""
from moto.applicationautoscaling import models as appautoscaling_models
from moto.applicationautoscaling import responses as appautoscaling_responses
from moto.core.exceptions import JsonRESTError as _AASJsonError

# moto 5.2 serves scalable targets and scaling policies but not ListTagsForResource,
# TagResource and UntagResource, and drops the Tags of RegisterScalableTarget. The
# Terraform provider tags aws_appautoscaling_target on create and reads the tags back on
# every refresh, so without these actions a deploy fails ("The ListTagsForResource action
# has not been implemented"). Tags are kept per ARN in each account and region's backend.


class _AASResourceNotFound(_AASJsonError):
    def __init__(self, arn):
        super().__init__("ResourceNotFoundException", f"No scalable target found for ARN {arn}")


def _aas_tags(backend):
    if not hasattr(backend, "localcloud_tags"):
        backend.localcloud_tags = {}  # ARN -> {key: value}
    return backend.localcloud_tags


def _aas_target_by_arn(backend, arn):
    for by_resource in backend.targets.values():
        for target in by_resource.values():
            if target.arn == arn:
                return target
    raise _AASResourceNotFound(arn)


def _aas_tag_dict(tags):
    # The JSON API takes tags as a map; accept a Key/Value list too, as other services use.
    if isinstance(tags, list):
        return {t["Key"]: t["Value"] for t in tags}
    return dict(tags or {})


_aas_register_scalable_target = appautoscaling_responses.ApplicationAutoScalingResponse.register_scalable_target


def _aas_register_scalable_target_with_tags(self):
    result = _aas_register_scalable_target(self)
    tags = self._get_param("Tags")
    if tags:
        arn = json.loads(result)["ScalableTargetARN"]
        _aas_tags(self.applicationautoscaling_backend).setdefault(arn, {}).update(_aas_tag_dict(tags))
    return result


def _aas_tag_resource(self):
    backend = self.applicationautoscaling_backend
    arn = self._get_param("ResourceARN")
    _aas_target_by_arn(backend, arn)
    _aas_tags(backend).setdefault(arn, {}).update(_aas_tag_dict(self._get_param("Tags")))
    return json.dumps({})


def _aas_untag_resource(self):
    backend = self.applicationautoscaling_backend
    arn = self._get_param("ResourceARN")
    _aas_target_by_arn(backend, arn)
    tags = _aas_tags(backend).get(arn, {})
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


def _aas_list_tags_for_resource(self):
    backend = self.applicationautoscaling_backend
    arn = self._get_param("ResourceARN")
    _aas_target_by_arn(backend, arn)
    return json.dumps({"Tags": dict(sorted(_aas_tags(backend).get(arn, {}).items()))})


appautoscaling_responses.ApplicationAutoScalingResponse.register_scalable_target = _aas_register_scalable_target_with_tags
appautoscaling_responses.ApplicationAutoScalingResponse.tag_resource = _aas_tag_resource
appautoscaling_responses.ApplicationAutoScalingResponse.untag_resource = _aas_untag_resource
appautoscaling_responses.ApplicationAutoScalingResponse.list_tags_for_resource = _aas_list_tags_for_resource

_aas_deregister = appautoscaling_models.ApplicationAutoscalingBackend.deregister_scalable_target


def _aas_deregister_with_policies(self, namespace, r_id, dimension):
    # AWS deletes a target's scaling policies (and their alarms) and tags with the target;
    # moto left the policies behind, so a destroy left state in moto.
    target = self.targets.get(dimension, {}).get(r_id)
    _aas_deregister(self, namespace, r_id, dimension)
    for key, policy in list(self.policies.items()):
        if policy.service_namespace == namespace and policy.resource_id == r_id and policy.scalable_dimension == dimension:
            policy.delete_alarms(self.account_id, self.region_name)
            del self.policies[key]
    if target is not None:
        _aas_tags(self).pop(target.arn, None)


appautoscaling_models.ApplicationAutoscalingBackend.deregister_scalable_target = _aas_deregister_with_policies

_aas_put_scaling_policy = appautoscaling_models.ApplicationAutoscalingBackend.put_scaling_policy


def _aas_put_scaling_policy_in_place(self, policy_name, service_namespace, resource_id, scalable_dimension, policy_body, policy_type):
    # moto replaces an updated policy with a new one (new ARN, new alarms) and leaves the old
    # policy's CloudWatch alarms behind. AWS updates the policy in place: same ARN and
    # creation time, the old target-tracking alarms replaced.
    key = appautoscaling_models.FakeApplicationAutoscalingPolicy.formulate_key(
        service_namespace, resource_id, scalable_dimension, policy_name
    )
    old = self.policies.get(key)
    policy = _aas_put_scaling_policy(
        self, policy_name, service_namespace, resource_id, scalable_dimension, policy_body, policy_type
    )
    if old is not None and old is not policy:
        old.delete_alarms(self.account_id, self.region_name)
        new_guid = str(policy._guid)
        policy._guid, policy.policy_arn, policy.creation_time = old._guid, old.policy_arn, old.creation_time
        for alarm in policy.alarms:
            alarm.alarm_actions = [a.replace(new_guid, str(old._guid)) for a in getattr(alarm, "alarm_actions", [])]
    return policy


appautoscaling_models.ApplicationAutoscalingBackend.put_scaling_policy = _aas_put_scaling_policy_in_place
