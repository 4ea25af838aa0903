package drill

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

func TestWithSecretsURL(t *testing.T) {
	dep := apitype.UntypedDeployment{Version: 3, Deployment: json.RawMessage(`{"manifest":{"time":"t"},` +
		`"secrets_providers":{"type":"cloud","state":{"url":"awskms://alias/s?region=us-west-2","encryptedkey":"KEY"}},"resources":[{"urn":"u"}]}`)}
	moved, err := withSecretsURL(dep, "awskms://alias/s?region=us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Secrets struct {
			Type  string            `json:"type"`
			State map[string]string `json:"state"`
		} `json:"secrets_providers"`
		Resources []map[string]string `json:"resources"`
	}
	if err := json.Unmarshal(moved.Deployment, &d); err != nil {
		t.Fatal(err)
	}
	if d.Secrets.State["url"] != "awskms://alias/s?region=us-east-1" || d.Secrets.State["encryptedkey"] != "KEY" || d.Secrets.Type != "cloud" {
		t.Errorf("secrets provider = %+v, want the new URL and the same data key", d.Secrets)
	}
	if len(d.Resources) != 1 || moved.Version != 3 {
		t.Errorf("the rest of the state changed: %s", moved.Deployment)
	}
	passphrase := apitype.UntypedDeployment{Deployment: json.RawMessage(`{"secrets_providers":{"type":"passphrase","state":{"salt":"x"}}}`)}
	if _, err := withSecretsURL(passphrase, "awskms://x"); err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("a passphrase provider has no URL to move: %v", err)
	}
}
