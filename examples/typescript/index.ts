// Two regions of the multiregion components from TypeScript, through the generated SDK
// (@multiregion/multiregion, sdk/nodejs) and the component provider pulumi-resource-multiregion:
// the same deployment as examples/yaml. In each region a RegionKey, an AccessLogSink, a
// RegionalCluster and a DataTier; the primary's database is the writer, the standby's its
// cross-region read replica. See README.md here and docs/languages.md.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as multiregion from "@multiregion/multiregion";

const config = new pulumi.Config();
// A throwaway stack sets both: protect false (no Pulumi protect, no AWS deletion protection) and
// forceDestroyLogs true (destroy deletes the access-log buckets with the logs in them).
const protect = config.getBoolean("protect") ?? true;
const forceDestroyLogs = config.getBoolean("forceDestroyLogs") ?? false;

const service: multiregion.types.input.ServiceSpecArgs = {
    name: "web",
    repositoryName: "web",
    imageTag: "1.0.0",
    port: 8080,
    cpu: 256,
    memory: 512,
};
const database: multiregion.types.input.DatabaseSpecArgs = {
    instanceClass: "db.t4g.medium",
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
};

interface Region {
    cluster: multiregion.RegionalCluster;
    data: multiregion.DataTier;
}

// region deploys one region's components on its own aws provider. Every component is named
// after its region, never its role: a failover flips roles without renaming a stateful resource.
function region(
    name: aws.Region,
    role: "primary" | "standby",
    cidr: string,
    extra: { replicateTo?: string[]; sourceDbArn?: pulumi.Input<string> },
): Region {
    const provider = new aws.Provider(name, { region: name });
    const opts: pulumi.ComponentResourceOptions = { providers: [provider] };
    const component = `web-${name}`;
    const key = new multiregion.RegionKey(component, { region: name, protect }, opts);
    const logs = new multiregion.AccessLogSink(component, {
        region: name,
        expireDays: 30,
        forceDestroy: forceDestroyLogs,
        protect,
    }, opts);
    const cluster = new multiregion.RegionalCluster(component, {
        region: name,
        role,
        cidr,
        azCount: 2,
        kmsKeyArn: key.arn,
        accessLogBucket: logs.bucketName,
        allowPlainHttp: true, // no domain or certificate in this example: plain HTTP on port 80
        autoscaling: false,
        waf: false,
        replicateTo: extra.replicateTo,
        logRetentionDays: 30,
        service,
        capacity: { desired: 1, min: 1, max: 2 },
        deletionProtection: protect,
        protect,
    }, opts);
    const data = new multiregion.DataTier(component, {
        region: name,
        role,
        sourceDbArn: extra.sourceDbArn, // a standby's source, which also orders the two tiers
        kmsKeyArn: key.arn, // a replica is encrypted with its own region's key
        vpcId: cluster.vpcId,
        subnetIds: cluster.privateSubnetIds,
        clientSecurityGroupId: cluster.taskSecurityGroupId,
        database,
        deletionProtection: protect,
        protect,
    }, opts);
    return { cluster, data };
}

const primary = region("us-west-2", "primary", "10.10.0.0/16", { replicateTo: ["us-east-1"] });
const standby = region("us-east-1", "standby", "10.20.0.0/16", { sourceDbArn: primary.data.dbArn });

export const primaryUrl = pulumi.interpolate`http://${primary.cluster.albDnsName}`;
export const standbyUrl = pulumi.interpolate`http://${standby.cluster.albDnsName}`;
export const writerEndpoint = primary.data.writerEndpoint;
export const primaryDbArn = primary.data.dbArn;
export const primaryDbIdentifier = primary.data.dbIdentifier;
export const replicaDbIdentifier = standby.data.dbIdentifier;
export const replicaEndpoint = standby.data.readerEndpoint;
