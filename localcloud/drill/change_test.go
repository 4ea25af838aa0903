package drill

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

func TestKeeps(t *testing.T) {
	const db, alarm = "aws:rds/instance:Instance", "aws:cloudwatch/metricAlarm:MetricAlarm"
	stateful := []string{db}
	for _, tc := range []struct {
		name  string
		steps []Step
		lost  string // "" when nothing is lost
	}{
		{"promotion in place", []Step{{Op: apitype.OpUpdate, URN: "u::db", Type: db, Diffs: []string{"replicateSourceDb"}}}, ""},
		{"non-stateful moves", []Step{{Op: apitype.OpDelete, URN: "u::alarm", Type: alarm}, {Op: apitype.OpReplace, URN: "u::a2", Type: alarm}}, ""},
		{"database replaced", []Step{{Op: apitype.OpReplace, URN: "u::db", Type: db, Keys: []string{"kmsKeyId"}}}, "replace u::db (replaced for kmsKeyId)"},
		{"database deleted", []Step{{Op: apitype.OpDelete, URN: "u::db", Type: db}}, "delete u::db"},
		{"replacement created", []Step{{Op: apitype.OpCreateReplacement, URN: "u::db", Type: db}}, "create-replacement u::db"},
		{"old copy deleted", []Step{{Op: apitype.OpDeleteReplaced, URN: "u::db", Type: db}}, "delete-replaced u::db"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := keeps(tc.steps, stateful, nil)
			switch {
			case tc.lost == "" && err != nil:
				t.Errorf("keeps: %v, want nil", err)
			case tc.lost != "" && (err == nil || !strings.Contains(err.Error(), tc.lost)):
				t.Errorf("keeps: %v, want an error naming %q", err, tc.lost)
			}
		})
	}
}

func TestWatchCollectsStepsAndWarnings(t *testing.T) {
	w, err := watch(func(ch chan<- events.EngineEvent) error {
		ch <- events.EngineEvent{EngineEvent: apitype.EngineEvent{ResourcePreEvent: &apitype.ResourcePreEvent{
			Metadata: apitype.StepEventMetadata{Op: apitype.OpUpdate, URN: "u::db", Type: "t", Diffs: []string{"multiAz"}},
		}}}
		ch <- events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{Message: "m", Severity: "info"}}}
		ch <- events.EngineEvent{EngineEvent: apitype.EngineEvent{DiagnosticEvent: &apitype.DiagnosticEvent{URN: "u::x", Message: "deprecated\n", Severity: "warning"}}}
		close(ch)
		return nil
	})
	if err != nil || len(w.Steps) != 1 || w.Steps[0].URN != "u::db" || w.Steps[0].Diffs[0] != "multiAz" {
		t.Errorf("watch = %+v, %v", w.Steps, err)
	}
	if len(w.Warnings) != 1 || w.Warnings[0] != "warning: u::x deprecated" {
		t.Errorf("warnings = %q, want the one warning", w.Warnings)
	}
	boom := errors.New("boom")
	if _, err := watch(func(ch chan<- events.EngineEvent) error { close(ch); return boom }); !errors.Is(err, boom) {
		t.Errorf("watch error = %v, want %v", err, boom)
	}
}

func TestPrintOutputsHidesSecrets(t *testing.T) {
	var b bytes.Buffer
	printOutputs(&b, "d", auto.OutputMap{
		"token":   {Value: "correct-horse", Secret: true},
		"regions": {Value: map[string]any{"us-east-1": map[string]any{"role": "primary"}}},
	})
	want := "localcloud: d: output regions = {\"us-east-1\":{\"role\":\"primary\"}}\n" +
		"localcloud: d: output token = [secret]\n"
	if b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}
}

func TestGuardedStopsTheOperation(t *testing.T) {
	dark := errors.New("3 requests went to the dark region")
	w, err := guarded(t.Context(), func(Cloud) error { return dark }, Cloud{}, func(ctx context.Context, ch chan<- events.EngineEvent) error {
		defer close(ch)
		<-ctx.Done() // the CLI, killed when the guard trips
		return ctx.Err()
	})
	if !errors.Is(err, dark) || len(w.Steps) != 0 {
		t.Errorf("guarded = %v, %v; want the guard's error", w, err)
	}
	// A guard that trips only in the last second is still heard after the operation ends.
	_, err = guarded(t.Context(), func(Cloud) error { return dark }, Cloud{},
		func(_ context.Context, ch chan<- events.EngineEvent) error { close(ch); return nil })
	if !errors.Is(err, dark) {
		t.Errorf("guarded = %v; want the guard's last word", err)
	}
	// No guard: the operation's own result.
	if _, err := guarded(t.Context(), nil, Cloud{}, func(_ context.Context, ch chan<- events.EngineEvent) error { close(ch); return nil }); err != nil {
		t.Errorf("guarded without a guard = %v", err)
	}
}
