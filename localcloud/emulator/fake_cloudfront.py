"""CloudFront policies and distribution fixes (appended to motoserver.py; see its docstring)."""
import copy as _cf_copy

from moto.cloudfront import models as cloudfront_models
from moto.cloudfront import responses as cloudfront_responses
from moto.cloudfront import urls as cloudfront_urls
from moto.cloudfront.exceptions import CloudFrontException as _CFError
from moto.core.utils import utcnow as _cf_utcnow

# moto 5.2 answers 404 for CloudFront cache, origin request and response headers policies,
# which the edge component creates and references from its distribution's behaviors. This
# adds their create, get, get-config, update, delete and list actions to moto's CloudFront
# response class. moto's CloudFront parses requests and serializes responses from the
# botocore model, so a policy is kept as the config dict that was sent and returned as is:
# reading it back shows no drift. Updates and deletes check If-Match against the ETag, as
# AWS does, and every change issues a new ETag.

_CF_KINDS = {
    # URL path segment -> (shape prefix, error code prefix)
    "cache-policy": "CachePolicy",
    "origin-request-policy": "OriginRequestPolicy",
    "response-headers-policy": "ResponseHeadersPolicy",
}


def _cf_policies(backend, kind):
    if not hasattr(backend, "localcloud_policies"):
        backend.localcloud_policies = {k: {} for k in _CF_KINDS.values()}
    return backend.localcloud_policies[kind]


def _cf_policy_in_use(backend, kind, policy_id):
    key = kind + "Id"  # CachePolicyId, OriginRequestPolicyId, ResponseHeadersPolicyId
    for dist in backend.distributions.values():
        config = dist.distribution_config
        behaviors = [config.DefaultCacheBehavior] + list(config.CacheBehaviors.get("Items") or [])
        if any(b.get(key) == policy_id for b in behaviors):
            return True
    return False


def _cf_find(self, kind):
    policy_id = self._get_param("Id")
    record = _cf_policies(self.backend, kind).get(policy_id)
    if record is None:
        raise _CFError(f"NoSuch{kind}", f"The {kind} {policy_id} does not exist.")
    return record


def _cf_check_if_match(self, record):
    if_match = self._get_param("IfMatch")
    if not if_match:
        raise _CFError("InvalidIfMatchVersion", "The If-Match version is missing or not valid for the resource.")
    if if_match != record["ETag"]:
        raise _CFError("PreconditionFailed", "The If-Match version does not match the resource's ETag.")


def _cf_check_name(self, kind, config, policy_id=None):
    name = config.get("Name")
    for other_id, other in _cf_policies(self.backend, kind).items():
        if other_id != policy_id and other[kind + "Config"].get("Name") == name:
            raise _CFError(f"{kind}AlreadyExists", f"A {kind} named {name} already exists.")


def _cf_view(kind, record):
    return {"Id": record["Id"], "LastModifiedTime": record["LastModifiedTime"], kind + "Config": record[kind + "Config"]}


def _cf_create(kind):
    def create(self):
        config = self._get_param(kind + "Config", {})
        _cf_check_name(self, kind, config)
        policy_id = str(uuid.uuid4())
        record = {
            "Id": policy_id,
            "LastModifiedTime": _cf_utcnow(),
            kind + "Config": config,
            "ETag": cloudfront_models.random_id(),
        }
        _cf_policies(self.backend, kind)[policy_id] = record
        segment = next(k for k, v in _CF_KINDS.items() if v == kind)
        return cloudfront_responses.ActionResult(
            {
                kind: _cf_view(kind, record),
                "ETag": record["ETag"],
                "Location": f"https://cloudfront.amazonaws.com/2020-05-31/{segment}/{policy_id}",
            }
        )

    return create


def _cf_get(kind):
    def get(self):
        record = _cf_find(self, kind)
        return cloudfront_responses.ActionResult({kind: _cf_view(kind, record), "ETag": record["ETag"]})

    return get


def _cf_get_config(kind):
    def get_config(self):
        record = _cf_find(self, kind)
        return cloudfront_responses.ActionResult({kind + "Config": record[kind + "Config"], "ETag": record["ETag"]})

    return get_config


def _cf_update(kind):
    def update(self):
        record = _cf_find(self, kind)
        _cf_check_if_match(self, record)
        config = self._get_param(kind + "Config", {})
        _cf_check_name(self, kind, config, record["Id"])
        record[kind + "Config"] = config
        record["LastModifiedTime"] = _cf_utcnow()
        record["ETag"] = cloudfront_models.random_id()
        return cloudfront_responses.ActionResult({kind: _cf_view(kind, record), "ETag": record["ETag"]})

    return update


def _cf_delete(kind):
    def delete(self):
        record = _cf_find(self, kind)
        _cf_check_if_match(self, record)
        if _cf_policy_in_use(self.backend, kind, record["Id"]):
            raise _CFError(f"{kind}InUse", f"The {kind} {record['Id']} is attached to a distribution.")
        del _cf_policies(self.backend, kind)[record["Id"]]
        return cloudfront_responses.EmptyResult()

    return delete


def _cf_list(kind):
    def list_policies(self):
        records = list(_cf_policies(self.backend, kind).values())
        if self._get_param("Type") == "managed":
            records = []  # no AWS-managed policies here
        items = [{"Type": "custom", kind: _cf_view(kind, r)} for r in records]
        return cloudfront_responses.ActionResult(
            {kind + "List": {"MaxItems": 100, "Quantity": len(items), "Items": items or None}}
        )

    return list_policies


def _cf_snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


for _cf_segment, _cf_kind in _CF_KINDS.items():
    _cf_plural = _cf_kind[: -len("Policy")] + "Policies"
    for _cf_action, _cf_factory in {
        "Create" + _cf_kind: _cf_create,
        "Get" + _cf_kind: _cf_get,
        "Get" + _cf_kind + "Config": _cf_get_config,
        "Update" + _cf_kind: _cf_update,
        "Delete" + _cf_kind: _cf_delete,
        "List" + _cf_plural: _cf_list,
    }.items():
        setattr(cloudfront_responses.CloudFrontResponse, _cf_snake(_cf_action), _cf_factory(_cf_kind))
    cloudfront_urls.url_paths["{0}/2020-05-31/" + _cf_segment + "$"] = cloudfront_responses.CloudFrontResponse.dispatch
    cloudfront_urls.url_paths["{0}/2020-05-31/" + _cf_segment + "/(?P<Id>[^/]+)$"] = (
        cloudfront_responses.CloudFrontResponse.dispatch
    )
    cloudfront_urls.url_paths["{0}/2020-05-31/" + _cf_segment + "/(?P<Id>[^/]+)/config$"] = (
        cloudfront_responses.CloudFrontResponse.dispatch
    )


# moto's DistributionConfig rebuilds the config from a few classes of its own and loses or
# rewrites much of what was sent: it keeps no origin groups (and rejects a default behavior
# that targets one with NoSuchOrigin), reports the default certificate with an ACM one
# (CloudFrontDefaultCertificate true, CertificateSource "cloudfront"), adds ForwardedValues
# and TTLs to behaviors that use a cache policy, drops the response headers policy of
# ordered behaviors... The Terraform provider reads the whole config back after every apply,
# so each loss was a perpetual diff (ssl_support_method, origin_group, forwarded_values...).
# Keep the config that was sent, as AWS does, with only the fields AWS fills in added.


def _cf_targets(config):
    behaviors = [config.get("DefaultCacheBehavior") or {}]
    behaviors += (config.get("CacheBehaviors") or {}).get("Items") or []
    return [b.get("TargetOriginId") for b in behaviors]


def _cf_distribution_config_init(self, config):
    config = _cf_copy.deepcopy(config)
    origins = (config.get("Origins") or {}).get("Items") or []
    origin_ids = {o["Id"] for o in origins}
    groups = (config.get("OriginGroups") or {}).get("Items") or []
    for group in groups:
        members = ((group.get("Members") or {}).get("Items")) or []
        if any(m.get("OriginId") not in origin_ids for m in members):
            raise cloudfront_models.OriginDoesNotExist
    known = origin_ids | {g["Id"] for g in groups}
    if not origins or any(target not in known for target in _cf_targets(config)):
        raise cloudfront_models.OriginDoesNotExist
    for origin in origins:
        if "S3OriginConfig" in origin and not origin["DomainName"].endswith("amazonaws.com"):
            raise cloudfront_models.DomainNameNotAnS3Bucket
        origin.setdefault("OriginPath", "")
        origin.setdefault("CustomHeaders", {"Quantity": 0})
        origin.setdefault("OriginShield", {"Enabled": False})
        origin.setdefault("ConnectionAttempts", 3)
        origin.setdefault("ConnectionTimeout", 10)
        origin.setdefault("OriginAccessControlId", "")
    for key in ("Aliases", "OriginGroups", "CustomErrorResponses", "CacheBehaviors"):
        section = config.setdefault(key, {"Quantity": 0})
        section["Quantity"] = len(section.get("Items") or [])
    for behavior in [config.get("DefaultCacheBehavior") or {}] + (config["CacheBehaviors"].get("Items") or []):
        for key in ("TrustedSigners", "TrustedKeyGroups"):
            behavior.setdefault(key, {"Enabled": False, "Quantity": 0})
        for key in ("LambdaFunctionAssociations", "FunctionAssociations"):
            behavior.setdefault(key, {"Quantity": 0})
        behavior.setdefault("SmoothStreaming", False)
        behavior.setdefault("Compress", False)
        behavior.setdefault("FieldLevelEncryptionId", "")
        if not behavior.get("CachePolicyId"):
            behavior.setdefault("ForwardedValues", {"QueryString": False, "Cookies": {"Forward": "none"}})
    cert = config.setdefault("ViewerCertificate", {})
    if cert.get("ACMCertificateArn"):
        cert.update(CloudFrontDefaultCertificate=False, CertificateSource="acm", Certificate=cert["ACMCertificateArn"])
    elif cert.get("IAMCertificateId"):
        cert.update(CloudFrontDefaultCertificate=False, CertificateSource="iam", Certificate=cert["IAMCertificateId"])
    else:
        cert.setdefault("CloudFrontDefaultCertificate", True)
        cert.setdefault("CertificateSource", "cloudfront")
    cert.setdefault("MinimumProtocolVersion", "TLSv1")
    if not cert.get("CloudFrontDefaultCertificate"):
        cert.setdefault("SSLSupportMethod", "sni-only")
    logging = config.setdefault("Logging", {})
    for key, default in (("Enabled", False), ("IncludeCookies", False), ("Bucket", ""), ("Prefix", "")):
        logging.setdefault(key, default)
    geo = config.setdefault("Restrictions", {}).setdefault("GeoRestriction", {"RestrictionType": "none"})
    geo["Quantity"] = len(geo.get("Items") or [])
    config.setdefault("PriceClass", "PriceClass_All")
    config.setdefault("HttpVersion", "http2")
    config.setdefault("IsIPV6Enabled", False)
    config.setdefault("DefaultRootObject", "")
    config.setdefault("WebACLId", "")
    config.setdefault("Comment", "")
    config.setdefault("Staging", False)
    self.__dict__.update(config)
    # moto's backend finds a distribution by caller reference through this attribute.
    self.caller_reference = config["CallerReference"]


cloudfront_models.DistributionConfig.__init__ = _cf_distribution_config_init

_cf_update_distribution = cloudfront_models.CloudFrontBackend.update_distribution


def _cf_update_distribution_new_etag(self, dist_config, _id, if_match):
    # AWS issues a new ETag on every change and refuses a stale If-Match (PreconditionFailed);
    # moto kept the first ETag forever and took any If-Match.
    dist = self.distributions.get(_id)
    if dist is not None and if_match and if_match != dist.etag:
        raise _CFError("PreconditionFailed", "The If-Match version does not match the distribution's ETag.")
    if dist is not None and dist_config:
        # A config change leaves the distribution InProgress until it is deployed again.
        dist.status = "InProgress"
    result = _cf_update_distribution(self, dist_config, _id, if_match)
    result[0].etag = cloudfront_models.random_id()
    return result[0], result[1], result[0].etag


cloudfront_models.CloudFrontBackend.update_distribution = _cf_update_distribution_new_etag
