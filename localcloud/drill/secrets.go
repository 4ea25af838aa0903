package drill

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
)

// MoveSecretsProvider points stack, whose state is in the file backend at backend, at another secrets
// provider URL that decrypts the same data key (a multi-Region KMS key's replica, when the key's home
// region is dark), without decrypting anything with the old one, as docs/statebackend.md tells an
// operator to: the stack settings' secretsprovider, and the URL the last checkpoint recorded, edited in
// the backend's checkpoint file itself (`pulumi stack export` would first decrypt with the old URL).
func MoveSecretsProvider(ctx context.Context, stack auto.Stack, backend, project, url string) error {
	ws := stack.Workspace()
	settings, err := ws.StackSettings(ctx, stack.Name())
	if err != nil {
		return fmt.Errorf("reading the stack settings: %w", err)
	}
	settings.SecretsProvider = url
	if err := ws.SaveStackSettings(ctx, stack.Name(), settings); err != nil {
		return fmt.Errorf("saving the stack settings: %w", err)
	}
	path := filepath.Join(backend, ".pulumi", "stacks", project, stack.Name()+".json")
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading the checkpoint: %w", err)
	}
	moved, err := withSecretsURL(b, url)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := os.WriteFile(path, moved, 0o644); err != nil {
		return fmt.Errorf("writing the checkpoint: %w", err)
	}
	return rehash(path+".attrs", moved)
}

// withSecretsURL returns the checkpoint file b ({"version", "checkpoint": {"latest": deployment}}) with
// the URL of its cloud secrets provider replaced (its encrypted data key is kept).
func withSecretsURL(b []byte, url string) ([]byte, error) {
	var file map[string]any
	if err := json.Unmarshal(b, &file); err != nil {
		return nil, fmt.Errorf("reading the checkpoint: %w", err)
	}
	checkpoint, _ := file["checkpoint"].(map[string]any)
	latest, _ := checkpoint["latest"].(map[string]any)
	providers, _ := latest["secrets_providers"].(map[string]any)
	state, _ := providers["state"].(map[string]any)
	if providers["type"] != "cloud" || state == nil {
		return nil, fmt.Errorf("the checkpoint's secrets provider is %v, not a cloud one", providers["type"])
	}
	state["url"] = url
	return json.Marshal(file)
}

// rehash updates the MD5 that the file backend's attributes file (gocloud's fileblob) records for a
// rewritten object, if there is one.
func rehash(attrs string, content []byte) error {
	b, err := os.ReadFile(attrs)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var a map[string]any
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Errorf("%s: %w", attrs, err)
	}
	sum := md5.Sum(content)
	a["md5"] = base64.StdEncoding.EncodeToString(sum[:])
	out, err := json.Marshal(a)
	if err != nil {
		return err
	}
	return os.WriteFile(attrs, out, 0o644)
}
