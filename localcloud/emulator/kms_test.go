package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestMultiRegionKeyAliasesPerRegion: a multi-Region key's replica has its own aliases, so the same
// alias name can name the key in both regions (the state backend's secrets provider, which differs only
// in ?region=), and the primary stays the primary once the replica is described. moto shared the
// primary's alias table and multi-Region configuration with the replica.
func TestMultiRegionKeyAliasesPerRegion(t *testing.T) {
	m := startMoto(t)
	kms := func(region, action, body string) map[string]any {
		t.Helper()
		status, out := call(t, m.URL(), "kms", region, "/", "TrentService."+action, body)
		if status != http.StatusOK {
			t.Fatalf("%s in %s: status %d, %v", action, region, status, out)
		}
		return out
	}
	meta, _ := kms("us-west-2", "CreateKey", `{"MultiRegion":true}`)["KeyMetadata"].(map[string]any)
	id, _ := meta["KeyId"].(string)
	kms("us-west-2", "CreateAlias", `{"AliasName":"alias/state","TargetKeyId":"`+id+`"}`)
	kms("us-west-2", "ReplicateKey", `{"KeyId":"`+id+`","ReplicaRegion":"us-east-1"}`)
	if n := len(aliases(kms("us-east-1", "ListAliases", `{}`))); n != 0 {
		t.Errorf("the replica's region lists %d aliases before any was created there", n)
	}
	kms("us-east-1", "CreateAlias", `{"AliasName":"alias/state","TargetKeyId":"`+id+`"}`)
	// Each copy knows what it is, whichever was described first.
	for _, c := range []struct{ region, kind string }{{"us-east-1", "REPLICA"}, {"us-west-2", "PRIMARY"}} {
		meta, _ := kms(c.region, "DescribeKey", `{"KeyId":"`+id+`"}`)["KeyMetadata"].(map[string]any)
		config, _ := meta["MultiRegionConfiguration"].(map[string]any)
		if got := config["MultiRegionKeyType"]; got != c.kind {
			t.Errorf("DescribeKey in %s: MultiRegionKeyType %v, want %s", c.region, got, c.kind)
		}
	}
	for _, region := range []string{"us-west-2", "us-east-1"} {
		if got := aliases(kms(region, "ListAliases", `{}`)); len(got) != 1 || got[0] != "alias/state" {
			t.Errorf("%s aliases = %v, want [alias/state]", region, got)
		}
	}
}

// aliases returns the names of a ListAliases answer, without the AWS-managed ones (alias/aws/...).
func aliases(out map[string]any) []string {
	var names []string
	list, _ := out["Aliases"].([]any)
	for _, a := range list {
		if m, ok := a.(map[string]any); ok {
			if name, ok := m["AliasName"].(string); ok && !strings.HasPrefix(name, "alias/aws/") {
				names = append(names, name)
			}
		}
	}
	return names
}

// TestCreateMultiRegionKey: the helper leaves one key ID, a copy in each region under the same alias, and
// the replica decrypts what the primary encrypted (the secrets provider's fallback).
func TestCreateMultiRegionKey(t *testing.T) {
	m := startMoto(t)
	id, err := CreateMultiRegionKey(t.Context(), m.URL(), "us-west-2", "us-east-1", "secrets")
	if err != nil {
		t.Fatal(err)
	}
	status, out := call(t, m.URL(), "kms", "us-west-2", "/", "TrentService.Encrypt", `{"KeyId":"alias/secrets","Plaintext":"c2VjcmV0"}`)
	blob, _ := out["CiphertextBlob"].(string)
	if status != http.StatusOK || blob == "" {
		t.Fatalf("Encrypt in us-west-2: %d %v", status, out)
	}
	status, out = call(t, m.URL(), "kms", "us-east-1", "/", "TrentService.Decrypt", `{"CiphertextBlob":"`+blob+`"}`)
	if status != http.StatusOK || out["Plaintext"] != "c2VjcmV0" || !strings.HasSuffix(fmt.Sprint(out["KeyId"]), id) {
		t.Errorf("Decrypt in us-east-1 with the replica: %d %v", status, out)
	}
	for _, region := range []string{"us-west-2", "us-east-1"} {
		if got := aliases(call2(t, m, region)); len(got) != 1 || got[0] != "alias/secrets" {
			t.Errorf("%s aliases = %v", region, got)
		}
	}
}

// call2 lists region's aliases.
func call2(t *testing.T, m *Moto, region string) map[string]any {
	t.Helper()
	_, out := call(t, m.URL(), "kms", region, "/", "TrentService.ListAliases", `{}`)
	return out
}
