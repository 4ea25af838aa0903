package drill

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWithSecretsURL(t *testing.T) {
	file := []byte(`{"version":3,"checkpoint":{"stack":"s","latest":{"manifest":{"time":"t"},` +
		`"secrets_providers":{"type":"cloud","state":{"url":"awskms://alias/s?region=us-west-2","encryptedkey":"KEY"}},"resources":[{"urn":"u"}]}}}`)
	moved, err := withSecretsURL(file, "awskms://alias/s?region=us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Version    int `json:"version"`
		Checkpoint struct {
			Latest struct {
				Secrets struct {
					Type  string            `json:"type"`
					State map[string]string `json:"state"`
				} `json:"secrets_providers"`
				Resources []map[string]string `json:"resources"`
			} `json:"latest"`
		} `json:"checkpoint"`
	}
	if err := json.Unmarshal(moved, &d); err != nil {
		t.Fatal(err)
	}
	sp := d.Checkpoint.Latest.Secrets
	if sp.State["url"] != "awskms://alias/s?region=us-east-1" || sp.State["encryptedkey"] != "KEY" || sp.Type != "cloud" {
		t.Errorf("secrets provider = %+v, want the new URL and the same data key", sp)
	}
	if len(d.Checkpoint.Latest.Resources) != 1 || d.Version != 3 {
		t.Errorf("the rest of the checkpoint changed: %s", moved)
	}
	passphrase := []byte(`{"checkpoint":{"latest":{"secrets_providers":{"type":"passphrase","state":{"salt":"x"}}}}}`)
	if _, err := withSecretsURL(passphrase, "awskms://x"); err == nil || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("a passphrase provider has no URL to move: %v", err)
	}
}

func TestRehash(t *testing.T) {
	attrs := filepath.Join(t.TempDir(), "s.json.attrs")
	if err := os.WriteFile(attrs, []byte(`{"user.content_type":"text/plain","md5":"old"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rehash(attrs, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(attrs)
	if !strings.Contains(string(b), `"md5":"XUFAKrxLKna5cZ2REBfFkg=="`) || !strings.Contains(string(b), `"user.content_type":"text/plain"`) {
		t.Errorf("attrs = %s, want the MD5 of the new content and the rest kept", b)
	}
	if err := rehash(filepath.Join(t.TempDir(), "none.attrs"), nil); err != nil {
		t.Errorf("no attributes file: %v", err)
	}
}
