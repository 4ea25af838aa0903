package drill

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// MoveSecretsProvider points stack at another secrets provider URL that decrypts the same data key
// (a multi-Region KMS key's replica, when the key's home region is dark), without decrypting anything
// with the old one: the stack settings' secretsprovider, and the URL the last checkpoint recorded
// (export, edit, import), as docs/statebackend.md tells an operator to.
func MoveSecretsProvider(ctx context.Context, stack auto.Stack, url string) error {
	ws := stack.Workspace()
	settings, err := ws.StackSettings(ctx, stack.Name())
	if err != nil {
		return fmt.Errorf("reading the stack settings: %w", err)
	}
	settings.SecretsProvider = url
	if err := ws.SaveStackSettings(ctx, stack.Name(), settings); err != nil {
		return fmt.Errorf("saving the stack settings: %w", err)
	}
	exported, err := stack.Export(ctx)
	if err != nil {
		return fmt.Errorf("exporting the state: %w", err)
	}
	moved, err := withSecretsURL(exported, url)
	if err != nil {
		return err
	}
	if err := stack.Import(ctx, moved); err != nil {
		return fmt.Errorf("importing the state with the secrets provider %s: %w", url, err)
	}
	return nil
}

// withSecretsURL returns dep with the URL of its cloud secrets provider replaced (its encrypted data
// key is kept).
func withSecretsURL(dep apitype.UntypedDeployment, url string) (apitype.UntypedDeployment, error) {
	var d map[string]json.RawMessage
	if err := json.Unmarshal(dep.Deployment, &d); err != nil {
		return dep, fmt.Errorf("reading the state: %w", err)
	}
	var sp apitype.SecretsProvidersV1
	if err := json.Unmarshal(d["secrets_providers"], &sp); err != nil || sp.Type != "cloud" {
		return dep, fmt.Errorf("the state's secrets provider is %q, not a cloud one (%v)", sp.Type, err)
	}
	var state map[string]any
	if err := json.Unmarshal(sp.State, &state); err != nil {
		return dep, fmt.Errorf("reading the state's secrets provider: %w", err)
	}
	state["url"] = url
	var err error
	if sp.State, err = json.Marshal(state); err != nil {
		return dep, err
	}
	if d["secrets_providers"], err = json.Marshal(sp); err != nil {
		return dep, err
	}
	if dep.Deployment, err = json.Marshal(d); err != nil {
		return dep, err
	}
	return dep, nil
}
