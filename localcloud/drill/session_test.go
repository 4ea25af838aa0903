package drill

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/multiregion/multiregion/localcloud/emulator"
)

func testSession(t *testing.T, retries int) *session {
	t.Helper()
	proxy, err := emulator.StartRegionProxy("http://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Stop(context.Background()) })
	return &session{name: "t", cloud: Cloud{Proxy: proxy}, log: &bytes.Buffer{}, retries: retries}
}

// TestDoRetriesABoundedNumberOfTimes: a failed command runs again up to the bound, a command the
// drill stopped (a guard) never does, and the attempts are reported.
func TestDoRetriesABoundedNumberOfTimes(t *testing.T) {
	flaky := errors.New("ThrottlingException: rate exceeded")
	tests := []struct {
		name     string
		retries  int
		fails    int   // failures before success
		err      error // the failure
		wantRuns int
		wantErr  bool
	}{
		{"succeeds at once", 2, 0, flaky, 1, false},
		{"converges on the third run", 2, 2, flaky, 3, false},
		{"gives up after the bound", 2, 5, flaky, 3, true},
		{"no retry without a bound", 0, 1, flaky, 1, true},
		{"a stopped command never runs again", 2, 1, &stopError{errors.New("a request reached the dark region")}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSession(t, tt.retries)
			runs := 0
			err := s.do(t.Context(), "up", func(context.Context) (string, error) {
				runs++
				if runs <= tt.fails {
					return "", tt.err
				}
				return "create=1", nil
			})
			if runs != tt.wantRuns || (err != nil) != tt.wantErr {
				t.Errorf("runs %d, err %v; want %d runs, error %v", runs, err, tt.wantRuns, tt.wantErr)
			}
			n, phases := s.retried()
			if n != tt.wantRuns-1 || (n > 0) != (len(phases) == 1) {
				t.Errorf("retried = %d %v; want %d", n, phases, tt.wantRuns-1)
			}
		})
	}
}
