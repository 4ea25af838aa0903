package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// An action moto lacks (SNS ListOriginationNumbers) answers 501, which AWS SDKs do not retry, instead of a 500 that the
// provider would retry for minutes.
func TestUnimplementedActionIs501(t *testing.T) {
	m := startMoto(t)
	ctx := t.Context()
	_, err := send(ctx, m.URL(), http.MethodPost, "/", "sns", "us-west-2", "application/x-www-form-urlencoded",
		"Action=ListOriginationNumbers&Version=2010-03-31")
	if err == nil || !strings.Contains(err.Error(), "status 501") || !strings.Contains(err.Error(), "NotImplemented") {
		t.Errorf("an unimplemented action answered %v, want status 501 NotImplemented", err)
	}
}
