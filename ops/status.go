package ops

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// RegionStatus is one region's row of the status.
type RegionStatus struct {
	// Region is the region's name.
	Region string `json:"region"`
	// Role is primary, standby or lost.
	Role string `json:"role"`
	// Health is the data plane's report (nil for a lost region, which is never called).
	Health *RegionHealth `json:"health,omitempty"`
	// Error is why the health could not be read.
	Error string `json:"error,omitempty"`
	// Database is the region's database identifier as the last deployment exports it
	// (regions.<region>.dbIdentifier; empty: the region holds no database, as a backup-restore
	// standby).
	Database string `json:"database,omitempty"`
	// ReplicatedBackups are the RDS automated backups replicated into the region, ARN by source
	// (writer) region (regions.<region>.replicatedDbBackups): what a backup-restore move to the
	// region can restore with --restore-from latest or a time.
	ReplicatedBackups map[string]string `json:"replicatedBackups,omitempty"`
}

// Status is a stack's state as an operator reads it before acting.
type Status struct {
	// Stack is the stack's name.
	Stack string `json:"stack"`
	// PrimaryRegion, Strategy and Engine are from the configuration.
	PrimaryRegion string `json:"primaryRegion"`
	// Strategy is the DR strategy (the configuration's; the last deployment's output drStrategy
	// when the configuration names none).
	Strategy string `json:"strategy"`
	// Engine is the database engine.
	Engine string `json:"engine"`
	// WriterName is the writer's DNS name (output dbWriterName) and WriterPointsAt the region it
	// points at (the primary of the last deployment, output primaryRegion).
	WriterName string `json:"writerName,omitempty"`
	// WriterPointsAt is the region the writer name points at.
	WriterPointsAt string `json:"writerPointsAt,omitempty"`
	// Regions are in configured order.
	Regions []RegionStatus `json:"regions"`
	// Expected are the stack's expected objectives.
	Expected map[string]Objective `json:"expected,omitempty"`
}

// ReadStatus reads a stack's status: its settings and outputs, and each region's health (a lost
// region is not called). A region whose health cannot be read is reported with its error.
func ReadStatus(ctx context.Context, stack Stack, cloud Cloud) (Status, error) {
	s, err := stack.Settings(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("reading the settings of %s: %w", stack.Name(), err)
	}
	o, err := stack.Outputs(ctx)
	if err != nil {
		return Status{}, fmt.Errorf("reading the outputs of %s: %w", stack.Name(), err)
	}
	t := topology{s: s, outputs: o}
	strategy := s.Strategy
	if strategy == "" {
		strategy = str(o["drStrategy"])
	}
	st := Status{Stack: stack.Name(), PrimaryRegion: s.PrimaryRegion, Strategy: strategy, Engine: s.Engine,
		WriterName: str(o["dbWriterName"]), WriterPointsAt: str(o["primaryRegion"]), Expected: map[string]Objective{}}
	for _, k := range []string{"expectedRto", "expectedRpo", "expectedRtoLostRegion"} {
		if _, ok := o[k]; ok {
			st.Expected[k] = t.objective(k)
		}
	}
	for _, r := range s.Regions {
		rs := RegionStatus{Region: r, Role: t.role(r), Database: t.regionOutput(r, "dbIdentifier"), ReplicatedBackups: t.replicatedBackups(r)}
		if rs.Role != RoleLost {
			h, err := cloud.Health(ctx, r, o)
			if err != nil {
				rs.Error = err.Error()
			} else {
				rs.Health = &h
			}
		}
		st.Regions = append(st.Regions, rs)
	}
	return st, nil
}

// WriteJSON writes the status as indented JSON.
func (st Status) WriteJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(st)
}

// WriteTable writes the status as a table, then the writer name and the expected objectives. A
// backup-restore stack's table has no lag columns (there are no replicas); it shows instead whether
// each region holds a database and which replicated backups it holds.
func (st Status) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "%s: primary %s, %s, %s\n", st.Stack, st.PrimaryRegion, st.Strategy, st.Engine)
	if st.Strategy == StrategyBackupRestore {
		return st.writeBackupRestore(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tROLE\tHEALTH CHECK\tTASKS\tDB LAG\tCACHE LAG\tDB\tALARMS")
	for _, r := range st.Regions {
		if r.Health == nil {
			why := "not called"
			if r.Error != "" {
				why = "error: " + r.Error
			}
			fmt.Fprintf(tw, "%s\t%s\t-\t-\t-\t-\t-\t%s\n", r.Region, r.Role, why)
			continue
		}
		h := r.Health
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d/%d\t%s\t%s\t%s\t%s\n", r.Region, r.Role, check(h.HealthCheckOK),
			h.RunningTasks, h.DesiredTasks, fmtLag(h.ReplicaLagSeconds), fmtLag(h.CacheLagSeconds), dbRole(h),
			orDash(strings.Join(h.AlarmsInAlarm, ",")))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "writer name: %s -> %s\n", orDash(st.WriterName), orDash(st.WriterPointsAt))
	for _, k := range slices.Sorted(maps.Keys(st.Expected)) {
		o := st.Expected[k]
		fmt.Fprintf(w, "%s: %gs%s\n", k, o.Seconds, partsString(o.Parts))
	}
	return nil
}

func check(ok *bool) string {
	switch {
	case ok == nil:
		return "-"
	case *ok:
		return "OK"
	}
	return "FAILING"
}

func dbRole(h *RegionHealth) string {
	switch {
	case h.DatabaseWriter != nil && *h.DatabaseWriter:
		return "writer"
	case h.ReplicaSource != "":
		return "replica of " + h.ReplicaSource
	case h.DatabaseWriter != nil:
		return "replica"
	}
	return "-"
}

func partsString(p map[string]float64) string {
	if len(p) == 0 {
		return ""
	}
	var s []string
	for _, k := range slices.Sorted(maps.Keys(p)) {
		s = append(s, fmt.Sprintf("%s %g", k, p[k]))
	}
	return " (" + strings.Join(s, ", ") + ")"
}

// writeBackupRestore is WriteTable for a backup-restore stack.
func (st Status) writeBackupRestore(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "REGION\tROLE\tHEALTH CHECK\tTASKS\tDATABASE\tREPLICATED BACKUPS\tALARMS")
	var latest []string
	for _, r := range st.Regions {
		db := "none"
		switch {
		case r.Database != "" && r.Region == st.PrimaryRegion:
			db = "writer " + r.Database
		case r.Database != "":
			db = "former writer " + r.Database + " (kept; rejoin retires it)"
		}
		var backups []string
		for _, src := range slices.Sorted(maps.Keys(r.ReplicatedBackups)) {
			backups = append(backups, "of "+src)
			if src == st.PrimaryRegion && r.Region != st.PrimaryRegion {
				latest = append(latest, r.Region)
			}
		}
		hc, tasks, alarms := "-", "-", "not called"
		if r.Error != "" {
			alarms = "error: " + r.Error
		}
		if h := r.Health; h != nil {
			hc, tasks, alarms = check(h.HealthCheckOK), fmt.Sprintf("%d/%d", h.RunningTasks, h.DesiredTasks), orDash(strings.Join(h.AlarmsInAlarm, ","))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Region, r.Role, hc, tasks, db, orDash(strings.Join(backups, ", ")), alarms)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "writer name: %s -> %s\n", orDash(st.WriterName), orDash(st.WriterPointsAt))
	fmt.Fprintf(w, "restore: --restore-from latest or a time can move the writer to: %s; elsewhere a DB snapshot ARN in the target region\n", orDash(strings.Join(latest, ", ")))
	for _, k := range slices.Sorted(maps.Keys(st.Expected)) {
		o := st.Expected[k]
		fmt.Fprintf(w, "%s: %gs%s\n", k, o.Seconds, partsString(o.Parts))
	}
	return nil
}
