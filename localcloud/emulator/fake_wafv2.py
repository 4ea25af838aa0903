"""WAFv2 fixes (appended to motoserver.py; see its docstring)."""

# moto 5.2 serves WAFv2 web ACLs, associations and logging configurations well enough for
# the Terraform provider to create, read and delete them without drift. These patches fix
# where moto's semantics differ from AWS's, which shows up as a plan that never converges
# (an update that empties a list) or as a drill that passes locally where AWS would fail
# (an ALB with two web ACLs, a logging destination AWS rejects, deleting a web ACL that is
# still in use). Every global here starts with _waf: this file shares one namespace with
# motoserver.py and the other fakes.

from moto.elbv2.models import elbv2_backends as _waf_elbv2_backends
from moto.wafv2 import exceptions as _waf_exceptions
from moto.wafv2 import models as _waf_models
from moto.wafv2.exceptions import WAFNonexistentItemException as _WafNonexistent
from moto.wafv2.exceptions import WAFOptimisticLockException as _WafOptimisticLock
from moto.wafv2.exceptions import WAFv2ClientError as _WafClientError


class _WafAssociatedItemException(_WafClientError):
    def __init__(self):
        super().__init__(
            "WAFAssociatedItemException",
            "AWS WAF couldn't perform the operation because your resource is being used by another resource "
            "or it's associated with another resource.",
        )


class _WafInvalidParameterException(_WafClientError):
    def __init__(self, field, message):
        super().__init__("WAFInvalidParameterException", message)
        self.description = json.dumps({"__type": "WAFInvalidParameterException", "message": message, "Field": field})


def _waf_duplicate_init(self):
    # moto names the error "WafV2DuplicateItem"; AWS (and the SDKs' typed errors, which
    # the Terraform provider matches) call it WAFDuplicateItemException.
    _WafClientError.__init__(
        self,
        "WAFDuplicateItemException",
        "AWS WAF couldn't perform the operation because some resource in your request is a duplicate of an "
        "existing one.",
    )


_waf_exceptions.WAFV2DuplicateItemException.__init__ = _waf_duplicate_init


def _waf_update_web_acl(
    self,
    name,
    _id,
    default_action,
    rules,
    description,
    visibility_config,
    lock_token,
    custom_response_bodies,
    captcha_config,
    challenge_config,
    token_domains,
    association_config,
):
    # UpdateWebACL replaces the whole web ACL: AWS documents that a setting left out of the
    # request is reset, not kept. moto kept every setting it was not sent and, worse, also
    # kept the old rules when sent an empty list, so removing the last rule or the
    # description never reached the emulator and every later plan showed the same change.
    acl = self.get_web_acl(None, name, _id)
    if acl.lock_token != lock_token:
        raise _WafOptimisticLock()
    acl.default_action = default_action
    acl.rules = [
        _waf_models.FakeRule(**{camelcase_to_underscores(k): v for k, v in rule.items()}) for rule in rules or []
    ]
    acl.description = description or ""
    acl.visibility_config = visibility_config
    acl.custom_response_bodies = custom_response_bodies
    acl.captcha_config = captcha_config
    acl.challenge_config = challenge_config
    acl.token_domains = token_domains
    acl.association_config = association_config
    acl.lock_token = acl._generate_lock_token()
    return acl.lock_token


_waf_models.WAFV2Backend.update_web_acl = _waf_update_web_acl


def _waf_resource_exists(account_id, resource_arn):
    """False for a load balancer ARN that the ELBv2 emulator does not know; True otherwise."""
    try:
        arn = parse_arn(resource_arn)
    except Exception:
        return False
    if arn.service != "elasticloadbalancing":
        return True  # API Gateway stages, Cognito pools...: not checked
    return resource_arn in _waf_elbv2_backends[account_id][arn.region].load_balancers


def _waf_associate_web_acl(self, web_acl_arn, resource_arn):
    # A resource has at most one web ACL: AWS moves the association to the new web ACL.
    # moto added the resource to the new web ACL and left it on the old one (and listed it
    # twice when associated twice), so GetWebACLForResource kept answering the old ACL.
    # AWS also refuses a resource that does not exist; moto took any ARN, so a drill passed
    # with a wrong load balancer ARN.
    web_acl = self.wacls.get(web_acl_arn)
    if not web_acl or not _waf_resource_exists(self.account_id, resource_arn):
        raise _WafNonexistent()
    for other in self.wacls.values():
        if resource_arn in other.associated_resources:
            other.associated_resources.remove(resource_arn)
    web_acl.associated_resources.append(resource_arn)
    stage = self._find_apigw_stage(resource_arn)
    if stage:
        stage.web_acl_arn = web_acl_arn


_waf_models.WAFV2Backend.associate_web_acl = _waf_associate_web_acl

_waf_get_web_acl_for_resource = _waf_models.WAFV2Backend.get_web_acl_for_resource


def _waf_get_web_acl_for_resource_live(self, resource_arn):
    # Deleting a load balancer removes its web ACL association in AWS; moto kept it.
    if not _waf_resource_exists(self.account_id, resource_arn):
        _waf_forget_resource(self, resource_arn)
        raise _WafNonexistent()
    return _waf_get_web_acl_for_resource(self, resource_arn)


_waf_models.WAFV2Backend.get_web_acl_for_resource = _waf_get_web_acl_for_resource_live


def _waf_forget_resource(backend, resource_arn):
    for acl in backend.wacls.values():
        if resource_arn in acl.associated_resources:
            acl.associated_resources.remove(resource_arn)


def _waf_logging_backend(account_id, web_acl_arn):
    """The backend that holds the logging configuration of a web ACL: that of the ACL's
    region (us-east-1 for a CLOUDFRONT web ACL, which moto itself keeps under "global")."""
    return _waf_models.wafv2_backends[account_id][parse_arn(web_acl_arn).region]


def _waf_acl_backend(account_id, web_acl_arn):
    """The backend that holds a web ACL, by its ARN (moto keeps CLOUDFRONT ones under "global")."""
    arn = parse_arn(web_acl_arn)
    region = _waf_models.GLOBAL_REGION if arn.resource_type == "global" else arn.region
    return _waf_models.wafv2_backends[account_id][region]


_waf_delete_web_acl = _waf_models.WAFV2Backend.delete_web_acl


def _waf_delete_web_acl_unused(self, name, scope, _id, lock_token):
    # AWS refuses to delete a web ACL that still protects a resource
    # (WAFAssociatedItemException), and deleting one deletes its logging configuration and
    # tags. moto deleted it anyway and kept both, so a drill that tore down in the wrong
    # order passed, and a logging configuration outlived its web ACL.
    arn = _waf_models.make_arn_for_wacl(
        name=name, account_id=self.account_id, region_name=self.region_name, _id=_id, scope=scope
    )
    acl = self.wacls.get(arn)
    if acl is not None and acl.lock_token == lock_token:
        for resource in list(acl.associated_resources):
            if not _waf_resource_exists(self.account_id, resource):
                acl.associated_resources.remove(resource)
        if acl.associated_resources:
            raise _WafAssociatedItemException()
    _waf_delete_web_acl(self, name, scope, _id, lock_token)
    _waf_logging_backend(self.account_id, arn).logging_configurations.pop(arn, None)
    self.tagging_service.delete_all_tags_for_resource(arn)


_waf_models.WAFV2Backend.delete_web_acl = _waf_delete_web_acl_unused

_waf_put_logging_configuration = _waf_models.WAFV2Backend.put_logging_configuration

# The log destinations AWS accepts for WAF logs, by the ARN's service and resource type;
# each destination's name must start with "aws-waf-logs-".
_WAF_LOG_DESTINATIONS = {("firehose", "deliverystream"), ("logs", "log-group"), ("s3", None)}


def _waf_log_destination_name(destination):
    arn = parse_arn(destination)
    if (arn.service, arn.resource_type) not in _WAF_LOG_DESTINATIONS:
        return None
    return arn.resource_id.split("/")[0].split(":")[0]


def _waf_put_logging_configuration_checked(
    self, arn, log_destination_configs, redacted_fields, managed_gy_firewall_manager, logging_filter
):
    # AWS only logs a web ACL that exists, to exactly one destination: a Firehose delivery
    # stream, CloudWatch Logs log group or S3 bucket whose name starts with "aws-waf-logs-"
    # (WAFInvalidParameterException otherwise). moto stored any ARN for any resource, so a
    # misnamed log group or a log configuration for a wrong ACL passed locally.
    try:
        backend = _waf_acl_backend(self.account_id, arn)
    except Exception:
        raise _WafNonexistent()
    if arn not in backend.wacls:
        raise _WafNonexistent()
    if len(log_destination_configs or []) != 1:
        raise _WafInvalidParameterException("LOG_DESTINATION", "A web ACL logs to exactly one destination.")
    try:
        name = _waf_log_destination_name(log_destination_configs[0])
    except Exception:
        name = None
    if name is None or not name.startswith("aws-waf-logs-"):
        raise _WafInvalidParameterException(
            "LOG_DESTINATION",
            "The log destination must be a Firehose delivery stream, CloudWatch Logs log group or S3 "
            "bucket whose name starts with aws-waf-logs-.",
        )
    return _waf_put_logging_configuration(
        self, arn, log_destination_configs, redacted_fields, managed_gy_firewall_manager, logging_filter
    )


_waf_models.WAFV2Backend.put_logging_configuration = _waf_put_logging_configuration_checked


def _waf_list_logging_configurations(self, scope, limit=None, next_marker=None):
    # moto filtered CLOUDFRONT configurations on ":global:" (the ARN has ":global/") and
    # REGIONAL ones on the region, which also matched the CLOUDFRONT ones (their ARNs are
    # in us-east-1): CLOUDFRONT listed nothing and REGIONAL listed both.
    kind = ":global/" if scope == "CLOUDFRONT" else ":regional/"
    configs = [c for arn, c in self.logging_configurations.items() if kind in arn]
    start = int(next_marker or 0)
    end = start + int(limit or 100)
    return configs[start:end], (str(end) if end < len(configs) else None)


_waf_models.WAFV2Backend.list_logging_configurations = _waf_list_logging_configurations
