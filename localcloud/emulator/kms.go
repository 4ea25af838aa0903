package emulator

import (
	"context"
	"encoding/json"
	"fmt"
)

// CreateMultiRegionKey creates a multi-Region KMS key in region with a replica in replicaRegion, both
// named alias/<alias> (what an awskms:// secrets provider URL names), in the emulator at endpoint, and
// returns the key's ID (shared by both copies).
func CreateMultiRegionKey(ctx context.Context, endpoint, region, replicaRegion, alias string) (string, error) {
	var created struct {
		Meta struct {
			KeyID string `json:"KeyId"`
		} `json:"KeyMetadata"`
	}
	if err := kmsCall(ctx, endpoint, region, "CreateKey", map[string]any{"MultiRegion": true, "Description": "localcloud: the stack's secrets"}, &created); err != nil {
		return "", err
	}
	id := created.Meta.KeyID
	if err := kmsCall(ctx, endpoint, region, "ReplicateKey", map[string]string{"KeyId": id, "ReplicaRegion": replicaRegion}, nil); err != nil {
		return "", err
	}
	for _, r := range []string{region, replicaRegion} {
		if err := kmsCall(ctx, endpoint, r, "CreateAlias", map[string]string{"AliasName": "alias/" + alias, "TargetKeyId": id}, nil); err != nil {
			return "", err
		}
	}
	return id, nil
}

// kmsCall makes one KMS API call in region of the emulator at endpoint, with in as its JSON request,
// and decodes the answer into out (nil: the answer is dropped).
func kmsCall(ctx context.Context, endpoint, region, action string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	body, err := sendJSON(ctx, endpoint, "kms", region, "TrentService."+action, string(b))
	if err != nil {
		return fmt.Errorf("%s in %s: %w", action, region, err)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(body, out)
}

// KeyDescription returns the description of the KMS key keyID of region, in the emulator at endpoint.
func KeyDescription(ctx context.Context, endpoint, region, keyID string) (string, error) {
	var d struct {
		Meta struct {
			Description string `json:"Description"`
		} `json:"KeyMetadata"`
	}
	if err := kmsCall(ctx, endpoint, region, "DescribeKey", map[string]string{"KeyId": keyID}, &d); err != nil {
		return "", err
	}
	return d.Meta.Description, nil
}
