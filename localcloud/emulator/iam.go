package emulator

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
)

// RolePolicies returns the names of the inline policies of the IAM role, in the emulator at endpoint.
func RolePolicies(ctx context.Context, endpoint, role string) ([]string, error) {
	form := url.Values{"Action": {"ListRolePolicies"}, "Version": {"2010-05-08"}, "RoleName": {role}}
	body, err := send(ctx, endpoint, http.MethodPost, "/", "iam", "us-east-1", "application/x-www-form-urlencoded", form.Encode())
	if err != nil {
		return nil, fmt.Errorf("listing the policies of role %s: %w", role, err)
	}
	var out struct {
		Names []string `xml:"ListRolePoliciesResult>PolicyNames>member"`
	}
	if err := xml.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("listing the policies of role %s: %w", role, err)
	}
	return out.Names, nil
}
