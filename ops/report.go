package ops

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
)

// WriteSummary writes the human summary of reports: per stack, each phase's result and time, then the
// measured RTO parts next to the stack's expected ones.
func WriteSummary(w io.Writer, reports ...*Report) error {
	for _, r := range reports {
		fmt.Fprintf(w, "%s %s", r.Command, r.Stack)
		if r.Target != "" {
			fmt.Fprintf(w, " --to %s", r.Target)
		}
		if r.RestoreFrom != "" {
			fmt.Fprintf(w, " --restore-from %s", r.RestoreFrom)
		}
		fmt.Fprintf(w, ": %s in %s\n", r.Result, fmtSeconds(r.DurationSeconds))
		if r.Error != "" {
			fmt.Fprintf(w, "  error: %s\n", r.Error)
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  PHASE\tRESULT\tTIME\tDETAILS")
		for _, p := range r.Phases {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Name, p.Result, fmtSeconds(p.DurationSeconds), p.Details)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		// Only a run whose role-changing phases ran has RTO parts to compare (not a rejoin, nor
		// a re-run whose up was already done).
		_, applied := r.Measured["apply"]
		_, failedOver := r.Measured["awsSideFailover"]
		if rto, ok := r.Expected["expectedRto"]; ok && (applied || failedOver) {
			if r.Command == CommandFailover && len(r.Lost) > 0 {
				if lost, ok := r.Expected["expectedRtoLostRegion"]; ok {
					rto = lost
				}
			}
			// backup-restore exports a restore part instead of a promotion: the up creates the writer.
			up := rto.Parts["apply"] + max(rto.Parts["promotion"], rto.Parts["restore"], rto.Parts["capacity"])
			what := "apply, promotion, capacity"
			if _, ok := rto.Parts["restore"]; ok {
				what = "apply, restore, capacity"
			}
			fmt.Fprintf(w, "  measured vs expected: AWS-side failover %s vs %gs; up (%s) %s vs %gs; all phases %s (expected RTO %gs includes detection %gs and the writer name's TTL %gs)\n",
				fmtSeconds(r.Measured["awsSideFailover"]), rto.Parts["awsSideFailover"],
				what, fmtSeconds(r.Measured["apply"]), up, fmtSeconds(r.Measured["total"]),
				rto.Seconds, rto.Parts["detection"], rto.Parts["writerName"])
		}
	}
	return nil
}

// SaveReport writes the JSON of v to path and the human summary of reports next to it (path with
// its extension replaced by .txt), led by the fleet's summary table when v is a *FleetReport.
func SaveReport(path string, v any, reports ...*Report) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the report: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	var s strings.Builder
	if fleet, ok := v.(*FleetReport); ok && fleet != nil {
		if err := fleet.WriteTable(&s); err != nil {
			return err
		}
	}
	if err := WriteSummary(&s, reports...); err != nil {
		return err
	}
	txt := strings.TrimSuffix(path, filepath.Ext(path)) + ".txt"
	if txt == path {
		txt = path + ".txt"
	}
	if err := os.WriteFile(txt, []byte(s.String()), 0o644); err != nil {
		return fmt.Errorf("writing the report summary: %w", err)
	}
	return nil
}
