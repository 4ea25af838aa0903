"use strict";
// The policies of the multiregion-awsguard pack (docs/awsguard.md):
//
//   - every policy of @pulumi/awsguard 0.3.1, unchanged (their type tokens are pulumi-aws v4's);
//   - TABLE, how each of them is handled on pulumi-aws v6: "as-is" (the v4 token and the properties it
//     reads are the same in v6), "ported" (a policy below does the same check on the v6 tokens), or
//     "not-applicable" (the stack has no resource of its types; awsguard-table-current fails the
//     preview the day it does);
//   - the ported policies ("<awsguard name>-v6") and two v6 S3 checks awsguard 0.3.1 lacks;
//   - withExemptions: every policy takes an "exemptions" config property (policy-config.json, the one
//     place exemptions live); an exempted violation is reported as advisory, "exempt: <reason>", and
//     does not fail the preview. Every other violation is mandatory.
//
// Plain JavaScript (no TypeScript build): the CLI runs it through pulumi-analyzer-policy.

const { validateResourceOfType, validateStackResourcesOfType } = require("@pulumi/policy");

// The awsguard 0.3.1 modules that register policies (its index.js requires exactly these).
const AWSGUARD_MODULES = ["apiGateway", "compute", "database", "elasticsearch", "network", "security", "storage"];

// TABLE classifies every awsguard 0.3.1 policy. v4: the tokens awsguard matches; v6: the tokens the
// same resources have in pulumi-aws v6 (the engine sends the resource's own token, never an alias).
// reads: the properties the check reads, checked against the v6 SDK's schema (docs/awsguard.md).
const TABLE = {
    "apigateway-stage-cached": { handling: "not-applicable", v6: ["aws:apigateway/stage:Stage"] },
    "apigateway-method-cached-and-encrypted": { handling: "not-applicable", v6: ["aws:apigateway/methodSettings:MethodSettings"] },
    "apigateway-endpoint-type": { handling: "not-applicable", v6: ["aws:apigateway/restApi:RestApi"] },
    "ec2-instance-detailed-monitoring-enabled": { handling: "not-applicable", v6: ["aws:ec2/instance:Instance"] },
    "ec2-instance-no-public-ip": { handling: "not-applicable", v6: ["aws:ec2/instance:Instance"] },
    "ec2-volume-inuse": { handling: "not-applicable", v6: ["aws:ec2/instance:Instance"] },
    "encrypted-volumes": { handling: "not-applicable", v6: ["aws:ec2/instance:Instance"] },
    "elb-logging-enabled": {
        handling: "ported", port: "elb-logging-enabled-v6",
        v6: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer"],
    },
    "redshift-cluster-configuration": { handling: "not-applicable", v6: ["aws:redshift/cluster:Cluster"] },
    "redshift-cluster-maintenance-settings": { handling: "not-applicable", v6: ["aws:redshift/cluster:Cluster"] },
    "redshift-cluster-public-access": { handling: "not-applicable", v6: ["aws:redshift/cluster:Cluster"] },
    "dynamodb-table-encryption-enabled": { handling: "not-applicable", v6: ["aws:dynamodb/table:Table"] },
    "rds-instance-backup-enabled": {
        handling: "as-is", v6: ["aws:rds/instance:Instance"], reads: ["replicateSourceDb", "backupRetentionPeriod", "backupWindow"],
    },
    "rds-instance-multi-az-enabled": { handling: "as-is", v6: ["aws:rds/instance:Instance"], reads: ["multiAz"] },
    "rds-instance-public-access": { handling: "as-is", v6: ["aws:rds/instance:Instance"], reads: ["publiclyAccessible"] },
    "rds-storage-encrypted": {
        handling: "as-is", v6: ["aws:rds/instance:Instance"], reads: ["replicateSourceDb", "storageEncrypted", "kmsKeyId"],
    },
    "elasticsearch-encrypted-at-rest": { handling: "not-applicable", v6: ["aws:elasticsearch/domain:Domain"] },
    "elasticsearch-in-vpc-only": { handling: "not-applicable", v6: ["aws:elasticsearch/domain:Domain"] },
    "alb-http-to-https-redirection": {
        handling: "ported", port: "alb-http-to-https-redirection-v6",
        v6: ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    },
    "acm-certificate-expiration": { handling: "as-is", v6: ["aws:acm/certificate:Certificate"], reads: ["id"] },
    "cmk-backing-key-rotation-enabled": { handling: "as-is", v6: ["aws:kms/key:Key"], reads: ["enableKeyRotation"] },
    "access-keys-rotated": { handling: "not-applicable", v6: ["aws:iam/accessKey:AccessKey"] },
    "mfa-enabled-for-iam-console-access": { handling: "not-applicable", v6: ["aws:iam/userLoginProfile:UserLoginProfile"] },
    "efs-encrypted": { handling: "not-applicable", v6: ["aws:efs/fileSystem:FileSystem"] },
    "elb-deletion-protection-enabled": {
        handling: "ported", port: "elb-deletion-protection-enabled-v6",
        v6: ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"],
    },
    "s3-bucket-logging-enabled": {
        // Runs as is on the legacy aws:s3/bucket:Bucket (same token, same `loggings`); the stack's
        // buckets are BucketV2 with separate settings resources, which the port checks.
        handling: "ported", port: "s3-bucket-logging-enabled-v6", v6: ["aws:s3/bucketV2:BucketV2"],
    },
};

// awsguardPolicies returns every policy @pulumi/awsguard 0.3.1 registers, as awsguard defines it.
function awsguardPolicies() {
    const out = [];
    for (const m of AWSGUARD_MODULES) {
        const exported = require(`@pulumi/awsguard/${m}`);
        for (const p of Object.values(exported)) {
            if (p && typeof p.name === "string" && (p.validateResource || p.validateStack)) {
                out.push(p);
            }
        }
    }
    return out;
}

// awsguardTokens returns the type tokens an awsguard policy matches (validateResourceOfType and
// validateStackResourcesOfType attach them to the functions they return).
function awsguardTokens(p) {
    return [].concat(p.validateResource || [], p.validateStack || []).map(f => f.__pulumiType).filter(Boolean);
}

// isUnknown says whether e is the error @pulumi/policy throws when a check reads a value not known
// until the update (an output of another resource, in a preview).
function isUnknown(e) {
    return e && e.constructor && e.constructor.name === "UnknownValueError";
}

// read returns f(), or ifUnknown when f reads a value not known yet.
function read(f, ifUnknown) {
    try {
        return f();
    } catch (e) {
        if (isUnknown(e)) {
            return ifUnknown;
        }
        throw e;
    }
}

const UNKNOWN = Symbol("unknown");

// --- Ports of the awsguard policies whose v4 tokens match nothing on pulumi-aws v6. ---

const LOAD_BALANCERS = TABLE["elb-logging-enabled"].v6;
const LISTENERS = TABLE["alb-http-to-https-redirection"].v6;

// ofTypes is validateResourceOfType for a list of v6 tokens (no v6 SDK class needed in JavaScript).
function ofTypes(types, check) {
    return (args, reportViolation) => {
        if (types.includes(args.type)) {
            return check(args.props, args, reportViolation);
        }
    };
}

const elbLoggingEnabledV6 = {
    name: "elb-logging-enabled-v6",
    description: "awsguard elb-logging-enabled on pulumi-aws v6 tokens: every load balancer (aws:lb, aws:alb, classic aws:elb) has access logs enabled.",
    validateResource: ofTypes(LOAD_BALANCERS, (lb, args, reportViolation) => {
        const enabled = read(() => lb.accessLogs && lb.accessLogs.enabled, UNKNOWN);
        if (enabled === UNKNOWN) {
            reportViolation("Access logs: `accessLogs.enabled` is not known at preview; set it to the literal true.");
        } else if (!enabled) {
            reportViolation("Load balancer must have access logs enabled (accessLogs.enabled).");
        }
    }),
};

const elbDeletionProtectionEnabledV6 = {
    name: "elb-deletion-protection-enabled-v6",
    description: "awsguard elb-deletion-protection-enabled on pulumi-aws v6 tokens: every application or network load balancer has deletion protection enabled.",
    validateResource: ofTypes(TABLE["elb-deletion-protection-enabled"].v6, (lb, args, reportViolation) => {
        const on = read(() => lb.enableDeletionProtection, UNKNOWN);
        if (on !== true) {
            reportViolation(on === UNKNOWN
                ? "Deletion protection: `enableDeletionProtection` is not known at preview."
                : "Deletion Protection must be enabled (enableDeletionProtection).");
        }
    }),
};

const albHttpToHttpsRedirectionV6 = {
    name: "alb-http-to-https-redirection-v6",
    description: "awsguard alb-http-to-https-redirection on pulumi-aws v6 tokens: the default action of every HTTP listener is one redirect to HTTPS.",
    validateResource: ofTypes(LISTENERS, (listener, args, reportViolation) => {
        const protocol = read(() => listener.protocol, UNKNOWN);
        if (protocol === UNKNOWN) {
            reportViolation("Listener protocol is not known at preview.");
            return;
        }
        if (protocol !== "HTTP") {
            return;
        }
        const actions = read(() => listener.defaultActions, UNKNOWN);
        if (actions === UNKNOWN) {
            reportViolation("HTTP listener: its default actions are not known at preview.");
            return;
        }
        if (!actions || actions.length === 0) {
            reportViolation("HTTP listener has no default actions configured.");
            return;
        }
        if (actions.length > 1) {
            reportViolation("HTTP listener has more than one default action.");
            return;
        }
        const a = actions[0];
        const ok = read(() => a.type === "redirect" && !!a.redirect && a.redirect.protocol === "HTTPS", false);
        if (!ok) {
            reportViolation("Default action for HTTP listener must be a redirect using HTTPS.");
        }
    }),
};

// The separate settings resources of a BucketV2, v6 tokens (pulumi-aws 6.83 has only the V2 names).
const BUCKET_V2 = "aws:s3/bucketV2:BucketV2";
const BUCKET_LOGGING = ["aws:s3/bucketLoggingV2:BucketLoggingV2"];
const BUCKET_SSE = ["aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"];
const BUCKET_PAB = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"];

// settingsOf maps each BucketV2's URN to its settings resources of the given types: a settings
// resource belongs to the bucket its `bucket` input comes from (the property dependency, e.g.
// bucket.ID()), or to the bucket whose known name it holds.
function settingsOf(resources, types) {
    const buckets = resources.filter(r => r.type === BUCKET_V2);
    const byName = new Map();
    for (const b of buckets) {
        const name = read(() => b.props.bucket, UNKNOWN);
        if (typeof name === "string" && name !== "") {
            byName.set(name, b.urn);
        }
    }
    const out = new Map(buckets.map(b => [b.urn, []]));
    for (const r of resources) {
        if (!types.includes(r.type)) {
            continue;
        }
        const owners = new Set(((r.propertyDependencies || {}).bucket || []).filter(d => d.type === BUCKET_V2).map(d => d.urn));
        const name = read(() => r.props.bucket, UNKNOWN);
        if (typeof name === "string" && byName.has(name)) {
            owners.add(byName.get(name));
        }
        for (const urn of owners) {
            out.get(urn).push(r);
        }
    }
    return { buckets, settings: out };
}

// inlineLoggings says whether a BucketV2 sets the deprecated inline `loggings`. In a preview an
// unset `loggings` is not known (the provider computes it), so only a known list counts.
function inlineLoggings(bucket) {
    const l = read(() => bucket.props.loggings, UNKNOWN);
    return Array.isArray(l) && l.length > 0;
}

const s3BucketLoggingEnabledV6 = {
    name: "s3-bucket-logging-enabled-v6",
    description: "awsguard s3-bucket-logging-enabled on pulumi-aws v6: every BucketV2 has server access logging (an aws:s3/bucketLoggingV2 resource on it, or inline loggings).",
    validateStack: (args, reportViolation) => {
        const { buckets, settings } = settingsOf(args.resources, BUCKET_LOGGING);
        for (const b of buckets) {
            if (settings.get(b.urn).length === 0 && !inlineLoggings(b)) {
                reportViolation("Bucket logging must be defined: no aws:s3/bucketLoggingV2 names this bucket.", b.urn);
            }
        }
    },
};

// --- v6 S3 checks awsguard 0.3.1 does not have (its only S3 policy is the logging one). ---

const s3BucketEncryptionV6 = {
    name: "s3-bucket-server-side-encryption-v6",
    description: "Not in awsguard 0.3.1 (AWS Config s3-bucket-server-side-encryption-enabled): every BucketV2 has a default encryption configuration (SSE-S3 or SSE-KMS).",
    validateStack: (args, reportViolation) => {
        const { buckets, settings } = settingsOf(args.resources, BUCKET_SSE);
        for (const b of buckets) {
            const rules = settings.get(b.urn).flatMap(r => read(() => r.props.rules || [], [{}]));
            const algorithms = rules.map(rule => read(() => rule.applyServerSideEncryptionByDefault.sseAlgorithm, "(unknown)"));
            if (algorithms.length === 0) {
                reportViolation("Bucket must have a default encryption configuration (aws:s3/bucketServerSideEncryptionConfigurationV2).", b.urn);
            } else if (!algorithms.every(a => ["AES256", "aws:kms", "aws:kms:dsse", "(unknown)"].includes(a))) {
                reportViolation(`Bucket default encryption must be SSE-S3 or SSE-KMS, not ${algorithms.join(", ")}.`, b.urn);
            }
        }
    },
};

const s3BucketPublicAccessBlockV6 = {
    name: "s3-bucket-public-access-block-v6",
    description: "Not in awsguard 0.3.1 (AWS Config s3-bucket-level-public-access-prohibited): every BucketV2 has a public access block with all four settings on.",
    validateStack: (args, reportViolation) => {
        const { buckets, settings } = settingsOf(args.resources, BUCKET_PAB);
        const keys = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
        for (const b of buckets) {
            const blocks = settings.get(b.urn);
            if (blocks.length === 0) {
                reportViolation("Bucket must have an aws:s3/bucketPublicAccessBlock.", b.urn);
                continue;
            }
            const off = keys.filter(k => !blocks.some(pab => read(() => pab.props[k], false) === true));
            if (off.length > 0) {
                reportViolation(`Bucket public access block must set ${off.join(", ")} to true.`, b.urn);
            }
        }
    },
};

// awsguardTableCurrent keeps TABLE honest: a "not-applicable" policy is one whose v6 types the stack
// does not use. The day the stack adds one, the preview fails until the policy is re-classified
// (as-is, after checking its properties on v6, or ported).
const awsguardTableCurrent = {
    name: "awsguard-table-current",
    description: "The stack uses no resource type of an awsguard policy classified not applicable on v6 (docs/awsguard.md).",
    validateStack: (args, reportViolation) => {
        for (const [name, row] of Object.entries(TABLE)) {
            if (row.handling !== "not-applicable") {
                continue;
            }
            for (const r of args.resources.filter(r => row.v6.includes(r.type))) {
                reportViolation(`awsguard ${name} is classified not applicable, but the stack now has a ${r.type}: classify it again (localcloud/policy/policies.js, docs/awsguard.md).`, r.urn);
            }
        }
    },
};

// rdsBackupPreviewSafe is awsguard's rds-instance-backup-enabled (defaults: read replicas checked)
// on a fresh stack's preview: awsguard reads replicateSourceDb first, which is not known for a
// cross-region replica (the writer's ARN), so it cannot run on the replicas; this counts an unknown
// replicateSourceDb as a replica and checks backupRetentionPeriod the same way.
const rdsBackupPreviewSafe = {
    name: "rds-instance-backup-enabled-preview-safe",
    description: "awsguard rds-instance-backup-enabled (read replicas included) where awsguard cannot run in a preview: RDS instances have backups enabled (backupRetentionPeriod not 0).",
    validateResource: ofTypes(["aws:rds/instance:Instance"], (db, args, reportViolation) => {
        const days = read(() => db.backupRetentionPeriod, UNKNOWN);
        if (days === UNKNOWN) {
            reportViolation("RDS instance: backupRetentionPeriod is not known at preview.");
        } else if (days === 0) {
            reportViolation("RDS Instances must have backups enabled.");
        }
    }),
};

/** The policies this pack adds to awsguard's: the v6 ports, the extra S3 checks, the table check. */
const PORTED = [elbLoggingEnabledV6, elbDeletionProtectionEnabledV6, albHttpToHttpsRedirectionV6, s3BucketLoggingEnabledV6];
const EXTRA = [rdsBackupPreviewSafe, s3BucketEncryptionV6, s3BucketPublicAccessBlockV6, awsguardTableCurrent];

// --- Exemptions. ---

const EXEMPTIONS_SCHEMA = {
    type: "array",
    items: {
        type: "object",
        properties: {
            id: { type: "string" },
            type: { type: "string" },
            name: { type: "string" },
            stacks: { type: "array", items: { type: "string" } },
            where: { type: "object" },
            reason: { type: "string", minLength: 20 },
        },
        required: ["id", "type", "name", "reason"],
        additionalProperties: false,
    },
};

// glob matches s against a pattern where * is any run of characters.
function glob(pattern, s) {
    const re = new RegExp("^" + pattern.split("*").map(p => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$");
    return re.test(s);
}

// parseURN splits urn:pulumi:<stack>::<project>::<type chain>::<name>.
function parseURN(urn) {
    const parts = (urn || "").split("::");
    const stack = (parts[0] || "").replace(/^urn:pulumi:/, "");
    const chain = (parts[2] || "").split("$");
    return { stack, type: chain[chain.length - 1], name: parts.slice(3).join("::") };
}

// exemptionFor returns the exemption of list that covers the resource at urn with props (may be
// undefined, for a stack policy's resource found by URN), or undefined.
function exemptionFor(list, urn, props) {
    const r = parseURN(urn);
    return (list || []).find(e => {
        if (e.type !== r.type || !glob(e.name, r.name)) {
            return false;
        }
        if (e.stacks && !e.stacks.includes(r.stack)) {
            return false;
        }
        // where: property -> "set" (known non-empty, or not known yet) or a literal value.
        for (const [k, want] of Object.entries(e.where || {})) {
            if (!props) {
                return false;
            }
            const v = read(() => props[k], UNKNOWN);
            const set = v === UNKNOWN || (v !== undefined && v !== null && v !== "");
            if (want === "set" ? !set : v !== want) {
                return false;
            }
        }
        return true;
    });
}

// withExemptions returns policy with an "exemptions" config property and its violations filtered: a
// violation an exemption covers is reported as advisory with the exemption's id and reason.
function withExemptions(policy) {
    const schema = Object.assign({}, policy.configSchema || {});
    schema.properties = Object.assign({}, schema.properties || {}, { exemptions: EXEMPTIONS_SCHEMA });
    const wrapped = Object.assign({}, policy, { configSchema: schema });
    const reporter = (args, reportViolation, propsOf) => (message, urn) => {
        const target = urn || args.urn;
        const e = exemptionFor(args.getConfig().exemptions, target, propsOf(target));
        if (!e) {
            return reportViolation(message, urn);
        }
        return reportViolation({
            message: `exempt (${e.id}): ${e.reason}\n${policy.description}\n${message || ""}`.trim(),
            urn: target,
            enforcementLevel: "advisory",
        });
    };
    const keepType = (from, to) => {
        if (from.__pulumiType) {
            to.__pulumiType = from.__pulumiType;
        }
        return to;
    };
    if (policy.validateResource) {
        const fns = [].concat(policy.validateResource).map(fn => keepType(fn, (args, reportViolation) =>
            fn(args, reporter(args, reportViolation, () => args.props))));
        wrapped.validateResource = fns.length === 1 ? fns[0] : fns;
    }
    if (policy.validateStack) {
        const fn = policy.validateStack;
        wrapped.validateStack = keepType(fn, (args, reportViolation) => {
            const byURN = new Map(args.resources.map(r => [r.urn, r.props]));
            return fn(args, reporter(args, reportViolation, urn => byURN.get(urn)));
        });
    }
    return wrapped;
}

// packPolicies returns the pack's policies: awsguard's, then ours, each with exemptions. It throws if
// an awsguard policy is missing from TABLE (a new awsguard version must be classified first).
function packPolicies() {
    const guard = awsguardPolicies();
    const missing = guard.map(p => p.name).filter(n => !TABLE[n]);
    const stale = Object.keys(TABLE).filter(n => !guard.some(p => p.name === n));
    if (missing.length > 0 || stale.length > 0) {
        throw new Error(`docs/awsguard.md's table is out of date: unclassified ${missing.join(", ") || "none"}; gone ${stale.join(", ") || "none"}`);
    }
    return guard.concat(PORTED, EXTRA).map(withExemptions);
}

module.exports = {
    TABLE, PORTED, EXTRA, awsguardPolicies, awsguardTokens, packPolicies, withExemptions, exemptionFor, parseURN,
};
