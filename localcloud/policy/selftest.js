"use strict";
// Offline self-test of the pack (docs/awsguard.md), run by localcloud/ci.sh: `node selftest.js`.
// It feeds every policy the stack relies on a violating and a compliant resource with pulumi-aws v6
// tokens and property shapes, and checks the awsguard table and policy-config.json. No engine, no
// network: the policies are called as @pulumi/policy's analyzer calls them.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";

const assert = require("assert");
const fs = require("fs");
const path = require("path");
const proxy = require("@pulumi/policy/proxy");
const { TABLE, PORTED, EXTRA, awsguardPolicies, awsguardTokens, packPolicies } = require("./policies");

const CONFIG = JSON.parse(fs.readFileSync(path.join(__dirname, "policy-config.json"), "utf8"));
const POLICIES = new Map(packPolicies().map(p => [p.name, p]));
const UNKNOWN = proxy.unknownStringValue;

// urn builds a URN of stack (default prod) for a resource of type named name under one component.
function urn(type, name, stack = "prod") {
    return `urn:pulumi:${stack}::multiregion::multiregion:index:Region$${type}::${name}`;
}

// getConfig mimics the analyzer: the schema's defaults, then the policy's config.
function getConfigOf(policy, config) {
    const out = {};
    for (const [k, v] of Object.entries((policy.configSchema || {}).properties || {})) {
        if (v.default !== undefined) {
            out[k] = v.default;
        }
    }
    return () => Object.assign(out, config || {});
}

// reporter collects violations as the analyzer's makeReportViolationFun does.
function reporter(found, fallbackURN) {
    return (message, u) => {
        if (typeof message === "object") {
            found.push({ message: message.message, urn: message.urn || fallbackURN, level: message.enforcementLevel || "mandatory" });
        } else {
            found.push({ message, urn: u || fallbackURN, level: "mandatory" });
        }
    };
}

function resource(type, name, props, stack) {
    const u = urn(type, name, stack);
    return {
        type, name, urn: u, props: proxy.unknownCheckingProxy(props), propertyDependencies: {}, dependencies: [],
        isType: cls => cls.__pulumiType === type,
    };
}

// check runs the named policy (as packed: with its exemptions) on resources, with config (default:
// the checked-in policy-config.json's), and returns its violations.
function check(name, resources, config) {
    const policy = POLICIES.get(name);
    assert.ok(policy, `no policy ${name} in the pack`);
    const cfg = config === undefined ? (CONFIG[name] || {}) : config;
    const found = [];
    const getConfig = getConfigOf(policy, cfg);
    if (policy.validateStack) {
        policy.validateStack({ resources, getConfig, stackTags: new Map(), notApplicable: () => undefined }, reporter(found));
        return found;
    }
    for (const r of resources) {
        const args = Object.assign({}, r, { getConfig, notApplicable: () => { throw new Error("n/a"); } });
        for (const fn of [].concat(policy.validateResource)) {
            try {
                fn(args, reporter(found, r.urn));
            } catch (e) {
                if (e.message !== "n/a") {
                    throw e;
                }
            }
        }
    }
    return found;
}

const results = [];
function test(name, f) {
    try {
        f();
        results.push(["ok", name]);
    } catch (e) {
        results.push(["FAIL", name, e.message]);
    }
}
function fails(name, res, n = 1) {
    const v = check(name, res).filter(x => x.level === "mandatory");
    assert.strictEqual(v.length, n, `${name}: want ${n} mandatory violations, got ${JSON.stringify(v)}`);
    return v;
}
function passes(name, res) {
    const v = check(name, res).filter(x => x.level === "mandatory");
    assert.deepStrictEqual(v, [], `${name}: want no violation`);
}

// --- The table. ---

test("every awsguard 0.3.1 policy is classified, and the pack holds them all", () => {
    const guard = awsguardPolicies();
    assert.strictEqual(guard.length, 26);
    assert.deepStrictEqual(guard.map(p => p.name).sort(), Object.keys(TABLE).sort());
    assert.strictEqual(POLICIES.size, 26 + PORTED.length + EXTRA.length);
});

test("as-is: awsguard's v4 token is the v6 token; ported: it matches no v6 token, and the port exists", () => {
    for (const p of awsguardPolicies()) {
        const row = TABLE[p.name];
        const tokens = awsguardTokens(p);
        if (row.handling === "as-is" || row.handling === "not-applicable") {
            assert.ok(tokens.every(t => row.v6.includes(t)), `${p.name}: ${tokens} vs v6 ${row.v6}`);
        } else {
            assert.strictEqual(row.handling, "ported");
            if (p.name !== "s3-bucket-logging-enabled") { // aws:s3/bucket:Bucket is still v6's legacy Bucket
                assert.ok(tokens.every(t => !row.v6.includes(t)), `${p.name} matches a v6 token: ${tokens}`);
            }
            assert.ok(POLICIES.has(row.port), `${p.name}: no port ${row.port}`);
        }
    }
});

// --- awsguard as is, on v6 tokens and shapes. ---

const KMS = "aws:kms/key:Key";
const RDS = "aws:rds/instance:Instance";
test("as-is cmk-backing-key-rotation-enabled fires on a v6 aws:kms/key:Key", () => {
    fails("cmk-backing-key-rotation-enabled", [resource(KMS, "k", { enableKeyRotation: false })]);
    passes("cmk-backing-key-rotation-enabled", [resource(KMS, "k", { enableKeyRotation: true })]);
});
const goodDB = { storageEncrypted: true, publiclyAccessible: false, multiAz: true, backupRetentionPeriod: 14 };
test("as-is rds-* policies fire on a v6 aws:rds/instance:Instance", () => {
    for (const [name, bad] of [
        ["rds-storage-encrypted", { storageEncrypted: false }],
        ["rds-instance-public-access", { publiclyAccessible: true }],
        ["rds-instance-multi-az-enabled", { multiAz: false }],
        ["rds-instance-backup-enabled", { backupRetentionPeriod: 0 }],
    ]) {
        fails(name, [resource(RDS, "db", Object.assign({}, goodDB, bad))]);
        passes(name, [resource(RDS, "db", goodDB)]);
    }
});

test("rds-instance-backup-enabled-preview-safe checks a replica whose source is not known yet", () => {
    const replica = Object.assign({}, goodDB, { replicateSourceDb: UNKNOWN });
    // awsguard's own cannot run on it in a preview (it reads replicateSourceDb first).
    assert.throws(() => check("rds-instance-backup-enabled", [resource(RDS, "replica", replica)]), /can't be known/);
    fails("rds-instance-backup-enabled-preview-safe", [resource(RDS, "replica", Object.assign({}, replica, { backupRetentionPeriod: 0 }))]);
    passes("rds-instance-backup-enabled-preview-safe", [resource(RDS, "replica", replica)]);
});

// --- The ports. ---

const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";
test("elb-logging-enabled-v6 fails without access logs, passes with them; awsguard's own misses v6", () => {
    fails("elb-logging-enabled-v6", [resource(LB, "alb", {}), resource(LB, "alb2", { accessLogs: { bucket: UNKNOWN, enabled: false } })], 2);
    passes("elb-logging-enabled-v6", [resource(LB, "alb", { accessLogs: { bucket: UNKNOWN, enabled: true } })]);
    assert.deepStrictEqual(check("elb-logging-enabled", [resource(LB, "alb", {})]), []);
});
test("elb-deletion-protection-enabled-v6 fails without it (prod), exempt only on the local stack", () => {
    fails("elb-deletion-protection-enabled-v6", [resource(LB, "alb", { enableDeletionProtection: false })]);
    passes("elb-deletion-protection-enabled-v6", [resource(LB, "alb", { enableDeletionProtection: true })]);
    const local = check("elb-deletion-protection-enabled-v6", [resource(LB, "alb", { enableDeletionProtection: false }, "local")]);
    assert.strictEqual(local.length, 1);
    assert.strictEqual(local[0].level, "advisory");
    assert.ok(local[0].message.startsWith("exempt (local-stack-destroyable): "), local[0].message);
    assert.deepStrictEqual(check("elb-deletion-protection-enabled", [resource(LB, "alb", {})]), []);
});
test("alb-http-to-https-redirection-v6 fails on a forwarding HTTP listener, passes a redirect and HTTPS", () => {
    fails("alb-http-to-https-redirection-v6", [resource(LISTENER, "http", { protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] })]);
    fails("alb-http-to-https-redirection-v6", [resource(LISTENER, "http", { protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTP" } }] })]);
    passes("alb-http-to-https-redirection-v6", [
        resource(LISTENER, "http", { protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }] }),
        resource(LISTENER, "https", { protocol: "HTTPS", certificateArn: UNKNOWN, defaultActions: [{ type: "forward", targetGroupArn: UNKNOWN }] }),
    ]);
});

// bucketStack is a BucketV2 named name with the settings resources listed in with (logging, sse,
// pab), each pointing at it through a property dependency on `bucket` (bucket.ID() in the stack).
const B = "aws:s3/bucketV2:BucketV2";
function bucketStack(name, withSettings, opts = {}) {
    // In a preview the provider's computed outputs (loggings, serverSideEncryptionConfigurations,
    // ...) are not known: a check must not take them for settings.
    const b = resource(B, name, {
        forceDestroy: false, bucket: opts.physical || UNKNOWN, loggings: proxy.unknownArrayValue,
        serverSideEncryptionConfigurations: proxy.unknownArrayValue,
    });
    const out = [b];
    const add = (type, props) => {
        const r = resource(type, name, Object.assign({ bucket: UNKNOWN }, props));
        r.propertyDependencies = { bucket: [b] };
        out.push(r);
    };
    if (withSettings.includes("logging")) {
        add("aws:s3/bucketLoggingV2:BucketLoggingV2", { targetBucket: UNKNOWN, targetPrefix: `${name}/` });
    }
    if (withSettings.includes("sse")) {
        add("aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
            { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: opts.sse || "aws:kms", kmsMasterKeyId: UNKNOWN } }] });
    }
    if (withSettings.includes("pab")) {
        add("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: opts.restrict !== false });
    }
    return out;
}
test("s3-bucket-logging-enabled-v6 finds a BucketV2's logging resource by property dependency or by name", () => {
    const v = fails("s3-bucket-logging-enabled-v6", bucketStack("archive", ["sse", "pab"]).concat(bucketStack("state", ["logging"])));
    assert.ok(v[0].urn.endsWith("::archive"), v[0].urn);
    // By name: the bucket's known name in the logging resource's `bucket`, no property dependency.
    const named = resource(B, "named", { bucket: "named-bucket" });
    const logging = resource("aws:s3/bucketLoggingV2:BucketLoggingV2", "named", { bucket: "named-bucket", targetBucket: "sink" });
    passes("s3-bucket-logging-enabled-v6", [named, logging]);
    // awsguard's own policy matches only the legacy aws:s3/bucket:Bucket.
    assert.deepStrictEqual(check("s3-bucket-logging-enabled", [resource(B, "b", {})]), []);
    fails("s3-bucket-logging-enabled", [resource("aws:s3/bucket:Bucket", "legacy", {})]);
});
test("s3-bucket-logging-enabled-v6 exempts only the access-log sink", () => {
    const found = check("s3-bucket-logging-enabled-v6", bucketStack("web-us-west-2-access-logs", ["sse", "pab"]).concat(bucketStack("web-alb-logs", [])));
    assert.deepStrictEqual(found.map(f => [f.urn.split("::").pop(), f.level]), [
        ["web-us-west-2-access-logs", "advisory"], ["web-alb-logs", "mandatory"],
    ]);
});
test("s3-bucket-server-side-encryption-v6 and s3-bucket-public-access-block-v6 fail and pass", () => {
    fails("s3-bucket-server-side-encryption-v6", bucketStack("plain", ["pab"]));
    fails("s3-bucket-server-side-encryption-v6", bucketStack("odd", ["sse"], { sse: "none" }));
    passes("s3-bucket-server-side-encryption-v6", bucketStack("kms", ["sse"]).concat(bucketStack("s3", ["sse"], { sse: "AES256" })));
    fails("s3-bucket-public-access-block-v6", bucketStack("open", ["sse"]));
    fails("s3-bucket-public-access-block-v6", bucketStack("half", ["pab"], { restrict: false }));
    passes("s3-bucket-public-access-block-v6", bucketStack("closed", ["pab"]));
});
test("awsguard-table-current fails when the stack uses a type classified not applicable", () => {
    fails("awsguard-table-current", [resource("aws:ec2/instance:Instance", "vm", {})], 4); // four awsguard EC2 policies
    passes("awsguard-table-current", [resource(KMS, "k", {})]);
});

// --- policy-config.json. ---

test("policy-config.json: every exemption names a pack policy, a type it checks, an id and a reason", () => {
    const ids = new Set();
    for (const [name, cfg] of Object.entries(CONFIG)) {
        assert.ok(POLICIES.has(name), `policy-config.json: no policy ${name}`);
        for (const e of cfg.exemptions || []) {
            assert.ok(e.id && !ids.has(e.id), `duplicate or empty id ${e.id}`);
            ids.add(e.id);
            assert.ok(e.reason && e.reason.length >= 20, `${e.id}: a reason is required`);
            assert.ok(/^aws:[a-z0-9]+\/[a-zA-Z0-9]+:[A-Za-z0-9]+$/.test(e.type), `${e.id}: type ${e.type}`);
            assert.ok(e.name !== "*" || (e.stacks && e.stacks.length > 0), `${e.id}: a name of * must be limited to stacks`);
        }
    }
});

let failed = 0;
for (const [status, name, err] of results) {
    console.log(`${status} ${name}${err ? ": " + err : ""}`);
    failed += status === "ok" ? 0 : 1;
}
console.log(`policy self-test: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
