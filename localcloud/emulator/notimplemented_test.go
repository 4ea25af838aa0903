package emulator

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// An action moto lacks (SNS ListOriginationNumbers) answers 501, which AWS SDKs do not retry, instead of a 500 that the
// provider would retry for minutes.
func TestUnimplementedActionIs501(t *testing.T) {
	if err := exec.Command("python3", "-c", "import moto.server").Run(); err != nil {
		t.Skip("python3 with moto is not installed")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	m, err := StartMoto(ctx, MotoOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Stop()
	_, err = send(ctx, m.URL(), http.MethodPost, "/", "sns", "us-west-2", "application/x-www-form-urlencoded",
		"Action=ListOriginationNumbers&Version=2010-03-31")
	if err == nil || !strings.Contains(err.Error(), "status 501") || !strings.Contains(err.Error(), "NotImplemented") {
		t.Errorf("an unimplemented action answered %v, want status 501 NotImplemented", err)
	}
}
