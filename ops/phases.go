package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// configChange computes the configuration a phase writes from the current topology: the values to
// set and their old values (for a dry run's restore); no values means already done.
type configChange func(t topology, x *execution) (values, old map[string]string, err error)

// configPhase writes configuration; it is done when the configuration already holds the values.
func configPhase(name, does string, change configChange) Phase {
	compute := func(ctx context.Context, x *execution) (map[string]string, map[string]string, error) {
		t, err := x.topology(ctx)
		if err != nil {
			return nil, nil, err
		}
		return change(t, x)
	}
	return Phase{
		Name: name, Does: does, Kind: KindConfig, Mutates: true,
		done: func(ctx context.Context, x *execution) (bool, string, error) {
			values, _, err := compute(ctx, x)
			return len(values) == 0 && err == nil, "the configuration already holds it", err
		},
		run: func(ctx context.Context, x *execution) (string, error) {
			values, old, err := compute(ctx, x)
			if err != nil {
				return "", err
			}
			if err := x.setConfig(ctx, values, old); err != nil {
				return "", err
			}
			var set []string
			for _, k := range slices.Sorted(maps.Keys(values)) {
				set = append(set, k+"="+values[k])
			}
			return "set " + strings.Join(set, ", "), nil
		},
	}
}

// previewPhase runs a guarded preview: it refuses when the preview fails or would destroy a stateful
// resource the guard does not allow. allow gives the allowances (nil: none).
func previewPhase(name string, allow func(ctx context.Context, x *execution) ([]Allowance, error)) Phase {
	return checkedPreviewPhase(name, allow, nil)
}

// previewCheck runs after the guard passed, with the topology the preview ran on: it returns more
// details, or a refusal.
type previewCheck func(t topology, p Preview) (string, error)

// checkedPreviewPhase is previewPhase with a check of the preview after the guard (nil: none).
func checkedPreviewPhase(name string, allow func(ctx context.Context, x *execution) ([]Allowance, error), check previewCheck) Phase {
	does := "pulumi preview, refused if it fails or replaces or deletes any stateful resource"
	if allow != nil {
		does += " other than the rejoined instances"
	}
	return Phase{
		Name: name, Does: does, Kind: KindPreview,
		run: func(ctx context.Context, x *execution) (string, error) {
			x.guard = Guard{}
			if allow != nil {
				a, err := allow(ctx, x)
				if err != nil {
					return "", err
				}
				x.guard.Allow = a
			}
			var progress Progress
			p, err := x.stack.Preview(ctx, progress.Event)
			if err != nil {
				return "", &RefusalError{Reasons: []string{fmt.Sprintf("the preview failed: %v", err)}}
			}
			if err := x.guard.Check(p); err != nil {
				return "", err
			}
			details := summaryOf(p.Summary, progress.Summary())
			if a := x.guard.allowed(p); len(a) > 0 {
				details += "; " + strings.Join(a, "; ")
			}
			if check != nil {
				t, err := x.topology(ctx)
				if err != nil {
					return "", err
				}
				more, err := check(t, p)
				if err != nil {
					return "", err
				}
				if more != "" {
					details += "; " + more
				}
			}
			x.lastPreview = &p
			return details, nil
		},
	}
}

// summaryOf is the engine's summary, or the counted events when the engine gives none.
func summaryOf(engine, counted ChangeSummary) string {
	if len(engine) > 0 {
		return engine.String()
	}
	return counted.String()
}

// upPhase runs `pulumi up` after the guarded preview before it; it is done when that preview
// changes nothing. part is the expected RTO part it measures.
func upPhase(name, part string) Phase {
	return Phase{
		Name: name, Does: "pulumi up", Kind: KindUp, Mutates: true, Part: part,
		done: func(_ context.Context, x *execution) (bool, string, error) {
			if x.lastPreview == nil {
				return false, "", fmt.Errorf("no guarded preview ran before %s", name)
			}
			return changes(*x.lastPreview) == 0, "the preview shows no change", nil
		},
		run: func(ctx context.Context, x *execution) (string, error) {
			var progress Progress
			u, err := x.stack.Up(ctx, progress.Event)
			x.lastPreview = nil
			if err != nil {
				return "", fmt.Errorf("pulumi up: %w", err)
			}
			return summaryOf(u.Summary, progress.Summary()), nil
		},
	}
}

// verifyPhase checks that the stack and the data plane show target as the primary.
func verifyPhase(name, target string) Phase {
	return Phase{
		Name: name, Does: "check that the settings and outputs name " + target + " the primary and that its database is the writer and healthy",
		Kind: KindVerify, Region: target, Part: "writerName",
		run: func(ctx context.Context, x *execution) (string, error) {
			t, err := x.topology(ctx)
			if err != nil {
				return "", err
			}
			var problems []string
			if t.s.PrimaryRegion != target {
				problems = append(problems, fmt.Sprintf("primaryRegion is %s", t.s.PrimaryRegion))
			}
			if p := str(t.outputs["primaryRegion"]); p != target {
				problems = append(problems, fmt.Sprintf("output primaryRegion is %q", p))
			}
			h, err := x.cloud.Health(ctx, target, t.outputs)
			if err != nil {
				return "", fmt.Errorf("reading the health of %s: %w", target, err)
			}
			if h.DatabaseWriter != nil && !*h.DatabaseWriter {
				problems = append(problems, fmt.Sprintf("the database of %s is not the writer", target))
			}
			restored := ""
			if t.backupRestore() {
				// The writer was restored there by the up: the outputs must export it.
				if id := t.regionOutput(target, "dbIdentifier"); id == "" {
					problems = append(problems, fmt.Sprintf("the outputs export no database in %s (regions.%s.dbIdentifier): the writer was not restored", target, target))
				} else {
					restored = "; writer " + id + " in " + target
				}
			}
			if h.HealthCheckOK != nil && !*h.HealthCheckOK {
				problems = append(problems, fmt.Sprintf("the Route 53 health check of %s fails", target))
			}
			if len(problems) > 0 {
				return "", fmt.Errorf("verification: %s", strings.Join(problems, "; "))
			}
			return fmt.Sprintf("%s is the primary; writer name %s points at it; tasks %d/%d%s", target,
				orDash(str(t.outputs["dbWriterName"])), h.RunningTasks, h.DesiredTasks, restored), nil
		},
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// jsonList renders a list as the JSON config value.
func jsonList(l []string) string {
	if l == nil {
		l = []string{}
	}
	b, _ := json.Marshal(l)
	return string(b)
}

// jsonObject renders an object as the JSON config value ({} when nil).
func jsonObject(m map[string]any) (string, error) {
	if m == nil {
		m = map[string]any{}
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("encoding the database settings: %w", err)
	}
	return string(b), nil
}
