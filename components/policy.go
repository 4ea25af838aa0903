package components

import (
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// statement is one IAM policy statement. Fields marshal in the IAM JSON grammar.
type statement struct {
	Sid       string         `json:"Sid,omitempty"`
	Effect    string         `json:"Effect"`
	Principal map[string]any `json:"Principal,omitempty"`
	Action    []string       `json:"Action"`
	Resource  []string       `json:"Resource,omitempty"`
	Condition map[string]any `json:"Condition,omitempty"`
	// scalarResource renders a single Resource as a string rather than a one-element list: the same
	// policy to IAM, but the form that moto's check of an S3 access-log grant compares literally.
	scalarResource bool
}

// MarshalJSON renders s in the IAM JSON grammar.
func (s statement) MarshalJSON() ([]byte, error) {
	type plain statement
	if !s.scalarResource || len(s.Resource) != 1 {
		return json.Marshal(plain(s))
	}
	return json.Marshal(struct {
		Sid       string         `json:"Sid,omitempty"`
		Effect    string         `json:"Effect"`
		Principal map[string]any `json:"Principal,omitempty"`
		Action    []string       `json:"Action"`
		Resource  string         `json:"Resource"`
		Condition map[string]any `json:"Condition,omitempty"`
	}{s.Sid, s.Effect, s.Principal, s.Action, s.Resource[0], s.Condition})
}

// policyDocument is an IAM policy document. Its fields are in the order encoding/json writes a map's
// keys, so documents render as they did when they were maps.
type policyDocument struct {
	Statement []statement `json:"Statement"`
	Version   string      `json:"Version"`
}

// policyJSON renders statements as an IAM policy document.
func policyJSON(stmts ...statement) (string, error) {
	b, err := json.Marshal(policyDocument{Statement: stmts, Version: "2012-10-17"})
	if err != nil {
		return "", fmt.Errorf("encoding policy: %w", err)
	}
	return string(b), nil
}

// assumeRolePolicy trusts an AWS service, limited to this account (confused-deputy protection).
func assumeRolePolicy(service, accountID string) (string, error) {
	return policyJSON(statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": accountID}},
	})
}

// policyOutput renders a policy whose statements need resolved values (ARNs, names): build receives
// the resolved inputs, in order.
func policyOutput(build func(v []string) []statement, inputs ...pulumi.StringInput) pulumi.StringOutput {
	if len(inputs) == 1 { // the common case: one ARN, applied directly rather than through pulumi.All
		return inputs[0].ToStringOutput().ApplyT(func(v string) (string, error) {
			return policyJSON(build([]string{v})...)
		}).(pulumi.StringOutput)
	}
	in := make([]any, len(inputs))
	for i, x := range inputs {
		in[i] = x
	}
	return pulumi.All(in...).ApplyT(func(vs []any) (string, error) {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i], _ = v.(string)
		}
		return policyJSON(build(s)...)
	}).(pulumi.StringOutput)
}
