"""Global Accelerator (appended to motoserver.py; see its docstring)."""
import random as _ga_random
import threading as _ga_threading

from moto.core import DEFAULT_ACCOUNT_ID as _GA_DEFAULT_ACCOUNT
from moto.iam.models import get_account_id_from as _ga_account_id_from

# moto 5.2 has no Global Accelerator at all. The multiregion edge component creates an
# accelerator (with flow-log attributes and tags), a TCP listener and one endpoint group per
# region, changes the groups' traffic dials and weights on a failover, and deletes the
# accelerator after disabling it. This fake serves the JSON-protocol actions the Terraform
# provider (aws_globalaccelerator_*) calls for that, keeping everything that was set so
# that reading it back shows no drift. Global Accelerator is a global service whose API
# lives in us-west-2 only, so the state is kept per account, whatever the signed region.

_GA_TARGET = "GlobalAccelerator_V20180706."
_GA_HOSTED_ZONE = "Z2BJ6XQ5FK7U4H"  # what AWS reports for every accelerator
_GA_LOCK = _ga_threading.Lock()
_GA_ACCOUNTS = {}  # account -> state


class _GAError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def _ga_state(account):
    return _GA_ACCOUNTS.setdefault(account, {"accelerators": {}, "listeners": {}, "groups": {}, "tags": {}})


def _ga_now():
    return time.time()


def _ga_get(table, arn, code, kind):
    if arn not in table:
        raise _GAError(code, f"{kind} {arn} not found")
    return table[arn]


def _ga_tags(state, arn, tags):
    state["tags"].setdefault(arn, {}).update({t["Key"]: t["Value"] for t in tags or []})


def _ga_accelerator_view(acc, status=None):
    view = {k: v for k, v in acc.items() if not k.startswith("_")}
    if status:
        view["Status"] = status
    return view


def _ga_create_accelerator(state, account, p):
    token = p.get("IdempotencyToken")
    for acc in state["accelerators"].values():
        if token and acc["_token"] == token:
            return {"Accelerator": _ga_accelerator_view(acc)}
    ip_type = p.get("IpAddressType", "IPV4")
    if ip_type not in ("IPV4", "DUAL_STACK"):
        raise _GAError("InvalidArgumentException", f"IpAddressType {ip_type} is not valid")
    acc_id = str(uuid.uuid4())
    ips = p.get("IpAddresses") or [
        f"75.2.{_ga_random.randint(0, 255)}.{_ga_random.randint(1, 254)}",
        f"99.83.{_ga_random.randint(0, 255)}.{_ga_random.randint(1, 254)}",
    ]
    ip_sets = [{"IpFamily": "IPv4", "IpAddresses": ips, "IpAddressFamily": "IPv4"}]
    dns = f"a{uuid.uuid4().hex[:16]}.awsglobalaccelerator.com"
    now = _ga_now()
    acc = {
        "AcceleratorArn": f"arn:aws:globalaccelerator::{account}:accelerator/{acc_id}",
        "Name": p["Name"],
        "IpAddressType": ip_type,
        "Enabled": p.get("Enabled", True),
        "IpSets": ip_sets,
        "DnsName": dns,
        "Status": "DEPLOYED",
        "CreatedTime": now,
        "LastModifiedTime": now,
        "Events": [],
        "_token": token,
        "_attributes": {"FlowLogsEnabled": False},
    }
    if ip_type == "DUAL_STACK":
        ip_sets.append(
            {"IpFamily": "IPv6", "IpAddresses": ["2600:9000:a400::1", "2600:9000:a500::1"], "IpAddressFamily": "IPv6"}
        )
        acc["DualStackDnsName"] = f"a{uuid.uuid4().hex[:16]}.dualstack.awsglobalaccelerator.com"
    state["accelerators"][acc["AcceleratorArn"]] = acc
    _ga_tags(state, acc["AcceleratorArn"], p.get("Tags"))
    # AWS answers IN_PROGRESS and then deploys; the next describe reports DEPLOYED.
    return {"Accelerator": _ga_accelerator_view(acc, "IN_PROGRESS")}


def _ga_describe_accelerator(state, account, p):
    acc = _ga_get(state["accelerators"], p.get("AcceleratorArn"), "AcceleratorNotFoundException", "Accelerator")
    return {"Accelerator": _ga_accelerator_view(acc)}


def _ga_list_accelerators(state, account, p):
    return {"Accelerators": [_ga_accelerator_view(a) for a in state["accelerators"].values()]}


def _ga_update_accelerator(state, account, p):
    acc = _ga_get(state["accelerators"], p.get("AcceleratorArn"), "AcceleratorNotFoundException", "Accelerator")
    for key in ("Name", "IpAddressType", "Enabled"):
        if key in p:
            acc[key] = p[key]
    acc["LastModifiedTime"] = _ga_now()
    return {"Accelerator": _ga_accelerator_view(acc, "IN_PROGRESS")}


def _ga_delete_accelerator(state, account, p):
    arn = p.get("AcceleratorArn")
    acc = _ga_get(state["accelerators"], arn, "AcceleratorNotFoundException", "Accelerator")
    if acc["Enabled"]:
        raise _GAError("AcceleratorNotDisabledException", "The accelerator must be disabled before it is deleted.")
    if any(listener["_accelerator"] == arn for listener in state["listeners"].values()):
        raise _GAError("AssociatedListenerFoundException", "The accelerator still has listeners.")
    del state["accelerators"][arn]
    state["tags"].pop(arn, None)
    return {}


def _ga_describe_accelerator_attributes(state, account, p):
    acc = _ga_get(state["accelerators"], p.get("AcceleratorArn"), "AcceleratorNotFoundException", "Accelerator")
    return {"AcceleratorAttributes": dict(acc["_attributes"])}


def _ga_update_accelerator_attributes(state, account, p):
    acc = _ga_get(state["accelerators"], p.get("AcceleratorArn"), "AcceleratorNotFoundException", "Accelerator")
    attrs = acc["_attributes"]
    for key in ("FlowLogsEnabled", "FlowLogsS3Bucket", "FlowLogsS3Prefix"):
        if key in p:
            attrs[key] = p[key]
    if attrs.get("FlowLogsEnabled") and not attrs.get("FlowLogsS3Bucket"):
        raise _GAError("InvalidArgumentException", "FlowLogsS3Bucket is required when flow logs are enabled.")
    if not attrs.get("FlowLogsEnabled"):
        # AWS forgets the destination of disabled flow logs.
        attrs.pop("FlowLogsS3Bucket", None)
        attrs.pop("FlowLogsS3Prefix", None)
    return {"AcceleratorAttributes": dict(attrs)}


def _ga_listener_view(listener):
    return {k: v for k, v in listener.items() if not k.startswith("_")}


def _ga_check_listener(p):
    protocol = p.get("Protocol")
    if protocol is not None and protocol not in ("TCP", "UDP"):
        raise _GAError("InvalidArgumentException", f"Protocol {protocol} is not valid")
    affinity = p.get("ClientAffinity")
    if affinity is not None and affinity not in ("NONE", "SOURCE_IP"):
        raise _GAError("InvalidArgumentException", f"ClientAffinity {affinity} is not valid")
    for r in p.get("PortRanges") or []:
        if not 1 <= r.get("FromPort", 0) <= r.get("ToPort", 0) <= 65535:
            raise _GAError("InvalidPortRangeException", f"Port range {r} is not valid")


def _ga_create_listener(state, account, p):
    acc_arn = p.get("AcceleratorArn")
    _ga_get(state["accelerators"], acc_arn, "AcceleratorNotFoundException", "Accelerator")
    token = p.get("IdempotencyToken")
    for listener in state["listeners"].values():
        if token and listener["_token"] == token:
            return {"Listener": _ga_listener_view(listener)}
    if not p.get("PortRanges"):
        raise _GAError("InvalidArgumentException", "PortRanges is required")
    _ga_check_listener(p)
    listener = {
        "ListenerArn": f"{acc_arn}/listener/{uuid.uuid4().hex[:8]}",
        "PortRanges": p["PortRanges"],
        "Protocol": p.get("Protocol", "TCP"),
        "ClientAffinity": p.get("ClientAffinity", "NONE"),
        "_accelerator": acc_arn,
        "_token": token,
    }
    state["listeners"][listener["ListenerArn"]] = listener
    return {"Listener": _ga_listener_view(listener)}


def _ga_describe_listener(state, account, p):
    listener = _ga_get(state["listeners"], p.get("ListenerArn"), "ListenerNotFoundException", "Listener")
    return {"Listener": _ga_listener_view(listener)}


def _ga_list_listeners(state, account, p):
    acc_arn = p.get("AcceleratorArn")
    _ga_get(state["accelerators"], acc_arn, "AcceleratorNotFoundException", "Accelerator")
    return {
        "Listeners": [_ga_listener_view(lst) for lst in state["listeners"].values() if lst["_accelerator"] == acc_arn]
    }


def _ga_update_listener(state, account, p):
    listener = _ga_get(state["listeners"], p.get("ListenerArn"), "ListenerNotFoundException", "Listener")
    _ga_check_listener(p)
    for key in ("PortRanges", "Protocol", "ClientAffinity"):
        if key in p:
            listener[key] = p[key]
    return {"Listener": _ga_listener_view(listener)}


def _ga_delete_listener(state, account, p):
    arn = p.get("ListenerArn")
    _ga_get(state["listeners"], arn, "ListenerNotFoundException", "Listener")
    if any(group["_listener"] == arn for group in state["groups"].values()):
        raise _GAError("AssociatedEndpointGroupFoundException", "The listener still has endpoint groups.")
    del state["listeners"][arn]
    return {}


def _ga_endpoints(configs, previous=None):
    """EndpointDescriptions from EndpointConfigurations, with AWS's defaults filled in."""
    previous = {d["EndpointId"]: d for d in previous or []}
    out = []
    for c in configs or []:
        old = previous.get(c["EndpointId"], {})
        d = {
            "EndpointId": c["EndpointId"],
            "Weight": c.get("Weight", old.get("Weight", 128)),
            "HealthState": "HEALTHY",
            "HealthReason": "",
            # AWS preserves the client IP by default for ALB and EC2 endpoints.
            "ClientIPPreservationEnabled": c.get(
                "ClientIPPreservationEnabled", old.get("ClientIPPreservationEnabled", ":loadbalancer/app/" in c["EndpointId"])
            ),
        }
        if c.get("AttachmentArn"):
            d["AttachmentArn"] = c["AttachmentArn"]
        out.append(d)
    return out


_GA_GROUP_SETTINGS = (
    "TrafficDialPercentage",
    "HealthCheckPort",
    "HealthCheckProtocol",
    "HealthCheckPath",
    "HealthCheckIntervalSeconds",
    "ThresholdCount",
    "PortOverrides",
)


def _ga_check_group(group):
    if not 0 <= group["TrafficDialPercentage"] <= 100:
        raise _GAError("InvalidArgumentException", "TrafficDialPercentage must be between 0 and 100")
    if group["HealthCheckProtocol"] not in ("TCP", "HTTP", "HTTPS"):
        raise _GAError("InvalidArgumentException", f"HealthCheckProtocol {group['HealthCheckProtocol']} is not valid")
    if group["HealthCheckIntervalSeconds"] not in (10, 30):
        raise _GAError("InvalidArgumentException", "HealthCheckIntervalSeconds must be 10 or 30")
    if not 1 <= group["ThresholdCount"] <= 10:
        raise _GAError("InvalidArgumentException", "ThresholdCount must be between 1 and 10")
    for d in group["EndpointDescriptions"]:
        if not 0 <= d["Weight"] <= 255:
            raise _GAError("InvalidArgumentException", "Weight must be between 0 and 255")


def _ga_group_view(group):
    view = {k: v for k, v in group.items() if not k.startswith("_")}
    if view.get("HealthCheckProtocol") == "TCP":
        view.pop("HealthCheckPath", None)  # AWS reports no path for TCP health checks
    return view


def _ga_create_endpoint_group(state, account, p):
    listener_arn = p.get("ListenerArn")
    listener = _ga_get(state["listeners"], listener_arn, "ListenerNotFoundException", "Listener")
    token = p.get("IdempotencyToken")
    for group in state["groups"].values():
        if token and group["_token"] == token:
            return {"EndpointGroup": _ga_group_view(group)}
    region = p.get("EndpointGroupRegion")
    if not region:
        raise _GAError("InvalidArgumentException", "EndpointGroupRegion is required")
    for group in state["groups"].values():
        if group["_listener"] == listener_arn and group["EndpointGroupRegion"] == region:
            raise _GAError("EndpointGroupAlreadyExistsException", f"The listener already has an endpoint group in {region}.")
    group = {
        "EndpointGroupArn": f"{listener_arn}/endpoint-group/{uuid.uuid4().hex[:12]}",
        "EndpointGroupRegion": region,
        "EndpointDescriptions": _ga_endpoints(p.get("EndpointConfigurations")),
        "TrafficDialPercentage": p.get("TrafficDialPercentage", 100.0),
        "HealthCheckPort": p.get("HealthCheckPort", listener["PortRanges"][0]["FromPort"]),
        "HealthCheckProtocol": p.get("HealthCheckProtocol", "TCP"),
        "HealthCheckPath": p.get("HealthCheckPath", "/"),
        "HealthCheckIntervalSeconds": p.get("HealthCheckIntervalSeconds", 30),
        "ThresholdCount": p.get("ThresholdCount", 3),
        "PortOverrides": p.get("PortOverrides", []),
        "_listener": listener_arn,
        "_token": token,
    }
    _ga_check_group(group)
    state["groups"][group["EndpointGroupArn"]] = group
    return {"EndpointGroup": _ga_group_view(group)}


def _ga_describe_endpoint_group(state, account, p):
    group = _ga_get(state["groups"], p.get("EndpointGroupArn"), "EndpointGroupNotFoundException", "Endpoint group")
    return {"EndpointGroup": _ga_group_view(group)}


def _ga_list_endpoint_groups(state, account, p):
    listener_arn = p.get("ListenerArn")
    _ga_get(state["listeners"], listener_arn, "ListenerNotFoundException", "Listener")
    return {
        "EndpointGroups": [_ga_group_view(g) for g in state["groups"].values() if g["_listener"] == listener_arn]
    }


def _ga_update_endpoint_group(state, account, p):
    group = _ga_get(state["groups"], p.get("EndpointGroupArn"), "EndpointGroupNotFoundException", "Endpoint group")
    updated = dict(group)
    for key in _GA_GROUP_SETTINGS:
        if key in p:
            updated[key] = p[key]
    if "EndpointConfigurations" in p:
        updated["EndpointDescriptions"] = _ga_endpoints(p["EndpointConfigurations"], group["EndpointDescriptions"])
    _ga_check_group(updated)
    group.update(updated)
    return {"EndpointGroup": _ga_group_view(group)}


def _ga_delete_endpoint_group(state, account, p):
    arn = p.get("EndpointGroupArn")
    _ga_get(state["groups"], arn, "EndpointGroupNotFoundException", "Endpoint group")
    del state["groups"][arn]
    return {}


def _ga_resource(state, arn):
    if arn not in state["accelerators"]:
        raise _GAError("AcceleratorNotFoundException", f"Accelerator {arn} not found")
    return arn


def _ga_tag_resource(state, account, p):
    _ga_tags(state, _ga_resource(state, p.get("ResourceArn")), p.get("Tags"))
    return {}


def _ga_untag_resource(state, account, p):
    tags = state["tags"].get(_ga_resource(state, p.get("ResourceArn")), {})
    for key in p.get("TagKeys") or []:
        tags.pop(key, None)
    return {}


def _ga_list_tags_for_resource(state, account, p):
    tags = state["tags"].get(_ga_resource(state, p.get("ResourceArn")), {})
    return {"Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())]}


def _ga_list_cross_account_resources(state, account, p):
    # The provider reads an endpoint group's cross-account attachments on every refresh.
    # Endpoints here are the account's own ALBs: there are none. (The provider asks by
    # resource owner, without an accelerator.)
    if p.get("AcceleratorArn"):
        _ga_get(state["accelerators"], p["AcceleratorArn"], "AcceleratorNotFoundException", "Accelerator")
    return {"CrossAccountResources": []}


def _ga_list_cross_account_resource_accounts(state, account, p):
    return {"ResourceOwnerAwsAccountIds": []}


_GA_ACTIONS = {
    "CreateAccelerator": _ga_create_accelerator,
    "DescribeAccelerator": _ga_describe_accelerator,
    "ListAccelerators": _ga_list_accelerators,
    "UpdateAccelerator": _ga_update_accelerator,
    "DeleteAccelerator": _ga_delete_accelerator,
    "DescribeAcceleratorAttributes": _ga_describe_accelerator_attributes,
    "UpdateAcceleratorAttributes": _ga_update_accelerator_attributes,
    "CreateListener": _ga_create_listener,
    "DescribeListener": _ga_describe_listener,
    "ListListeners": _ga_list_listeners,
    "UpdateListener": _ga_update_listener,
    "DeleteListener": _ga_delete_listener,
    "CreateEndpointGroup": _ga_create_endpoint_group,
    "DescribeEndpointGroup": _ga_describe_endpoint_group,
    "ListEndpointGroups": _ga_list_endpoint_groups,
    "UpdateEndpointGroup": _ga_update_endpoint_group,
    "DeleteEndpointGroup": _ga_delete_endpoint_group,
    "TagResource": _ga_tag_resource,
    "UntagResource": _ga_untag_resource,
    "ListTagsForResource": _ga_list_tags_for_resource,
    "ListCrossAccountResources": _ga_list_cross_account_resources,
    "ListCrossAccountResourceAccounts": _ga_list_cross_account_resource_accounts,
}


def _ga_account(environ):
    auth = environ.get("HTTP_AUTHORIZATION") or ""
    try:
        access_key = auth.split("Credential=")[1].split("/")[0]
    except IndexError:
        return _GA_DEFAULT_ACCOUNT
    return _ga_account_id_from(access_key)


def _ga_handler(environ, start_response):
    target = environ.get("HTTP_X_AMZ_TARGET") or ""
    status, body = "200 OK", None
    if not target.startswith(_GA_TARGET):
        status, body = "400 Bad Request", {"__type": "UnknownOperationException", "message": f"Unknown target {target!r}"}
    else:
        action = target[len(_GA_TARGET):]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            raw = environ["wsgi.input"].read(length) if length else b""
            params = json.loads(raw or b"{}")
            method = _GA_ACTIONS.get(action)
            if method is None:
                raise _GAError("UnknownOperationException", f"{action} is not implemented by the local Global Accelerator")
            account = _ga_account(environ)
            with _GA_LOCK:
                body = method(_ga_state(account), account, params)
        except _GAError as e:
            status, body = "400 Bad Request", {"__type": e.code, "message": e.message}
        except (ValueError, KeyError) as e:
            status, body = "400 Bad Request", {"__type": "InvalidArgumentException", "message": f"invalid request: {e}"}
    data = json.dumps(body).encode()
    start_response(
        status,
        [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("Content-Length", str(len(data))),
            ("x-amzn-RequestId", str(uuid.uuid4())),
        ],
    )
    return [data]


LOCALCLOUD_SERVICES["globalaccelerator"] = _ga_handler

from moto.moto_api._internal.models import MotoAPIBackend as _GAMotoAPIBackend

_ga_moto_reset = _GAMotoAPIBackend.reset


def _ga_reset_with_moto(self):
    # The state lives outside moto's backends, so moto's reset (POST /moto-api/reset) would
    # leave accelerators behind; clear them with everything else.
    with _GA_LOCK:
        _GA_ACCOUNTS.clear()
    _ga_moto_reset(self)


_GAMotoAPIBackend.reset = _ga_reset_with_moto
