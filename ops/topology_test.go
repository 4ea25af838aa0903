package ops

import "testing"

// TestTopologyPrefersTheStackOutputs: the names and ARNs the data-plane steps act on come from the
// stack's outputs when it exports them, and from the stack's naming rules only for an older stack.
func TestTopologyPrefersTheStackOutputs(t *testing.T) {
	s := Settings{Service: "web", DataHomeRegion: "us-west-2", Engine: EngineAurora}
	exported := topology{s: s, outputs: map[string]any{"regions": map[string]any{
		"us-west-2": map[string]any{"globalClusterId": "web-global-x", "cacheReplicationGroupId": "web-us-west-2-x"},
		"us-east-1": map[string]any{"dbArn": "arn:aws:rds:us-east-1:210987654321:cluster:web-us-east-1-x",
			"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/web"},
	}}}
	if got := exported.globalName(); got != "web-global-x" {
		t.Errorf("globalName = %q, want the output", got)
	}
	if got := exported.cacheGroupID("us-west-2"); got != "web-us-west-2-x" {
		t.Errorf("cacheGroupID = %q, want the output", got)
	}
	if got, err := exported.auroraClusterARN("us-east-1"); err != nil || got != "arn:aws:rds:us-east-1:210987654321:cluster:web-us-east-1-x" {
		t.Errorf("auroraClusterARN = %q, %v; want the dbArn output", got, err)
	}
	older := topology{s: s, outputs: map[string]any{"regions": map[string]any{
		"us-east-1": map[string]any{"clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/web"},
	}}}
	if got := older.globalName(); got != "web-global" {
		t.Errorf("globalName = %q, want the naming rule", got)
	}
	if got, err := older.auroraClusterARN("us-east-1"); err != nil || got != "arn:aws:rds:us-east-1:123456789012:cluster:web-us-east-1" {
		t.Errorf("auroraClusterARN = %q, %v; want it built from the ECS cluster ARN", got, err)
	}
	if _, err := (topology{s: s}).auroraClusterARN("us-east-1"); err == nil {
		t.Error("auroraClusterARN without any ARN output must fail, not guess an account")
	}
}
