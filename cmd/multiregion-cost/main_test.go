package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	prod := filepath.Join("..", "..", "Pulumi.prod.yaml")
	var out, errOut bytes.Buffer
	if code := run([]string{prod}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"pilot-light", "warm-standby *", "active-active", "Top drivers:", "Excluded:", "us-west-2", "global"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := run([]string{"-json", prod}, &out, &errOut); code != 0 {
		t.Fatalf("-json: exit %d: %s", code, errOut.String())
	}
	var r report
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	// Every strategy, cheapest first; prod's warm-standby is the third and is the estimate.
	if len(r.Strategies) != 4 || r.Estimate.Total <= 0 || !r.Strategies[2].Configured || r.Strategies[2].Monthly != r.Estimate.Total {
		t.Errorf("report %+v", r)
	}
	for i := 1; i < len(r.Strategies); i++ {
		if r.Strategies[i].Monthly <= r.Strategies[i-1].Monthly {
			t.Errorf("%s costs %v, not more than %s's %v", r.Strategies[i].Strategy, r.Strategies[i].Monthly, r.Strategies[i-1].Strategy, r.Strategies[i-1].Monthly)
		}
	}

	bad := filepath.Join(t.TempDir(), "Pulumi.bad.yaml")
	settings, err := os.ReadFile(prod)
	if err != nil {
		t.Fatal(err)
	}
	settings = append(settings, []byte("  multiregion:budget:\n    monthlyUSD: 10\n")...)
	if err := os.WriteFile(bad, settings, 0o644); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := run([]string{bad}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "multiregion:budget.monthlyUSD") {
		t.Errorf("a budget below the estimate: exit %d, %s", code, errOut.String())
	}
	if code := run(nil, &out, &errOut); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
