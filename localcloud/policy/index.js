"use strict";
// The multiregion-awsguard policy pack: @pulumi/awsguard 0.3.1 in full plus its ports to pulumi-aws v6
// tokens (policies.js), every violation mandatory unless policy-config.json exempts it, with its reason.
// The CLI starts it through pulumi-analyzer-policy (docs/awsguard.md says how to run it by hand).
const { PolicyPack } = require("@pulumi/policy");
const { packPolicies } = require("./policies");

new PolicyPack("multiregion-awsguard", {
    enforcementLevel: "mandatory",
    policies: packPolicies(),
});
