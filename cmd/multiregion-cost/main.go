// Command multiregion-cost prints what a stack's configuration costs a month, offline, from its
// settings file: one row per DR strategy (the same configuration under each) with its monthly
// estimate, fixed and usage parts, expected RTO and RPO, then the configured strategy's tiers,
// regions and top drivers (docs/cost.md). It reads no cloud and no state.
//
//	go run ./cmd/multiregion-cost Pulumi.prod.yaml
//	go run ./cmd/multiregion-cost -json Pulumi.prod.yaml
//
// Exit status: 0, 1 when the configuration is invalid (the message names the key), 2 for a bad
// command line.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"text/tabwriter"

	"github.com/multiregion/multiregion/cost"
	"github.com/multiregion/multiregion/mockcloud"
	"github.com/multiregion/multiregion/stacks"
)

// placeholderSecret stands for a secure value (the cache AUTH token): the estimate does not depend
// on it, and the settings file holds only its ciphertext.
const placeholderSecret = "cost-estimate-placeholder-token"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, out, errOut io.Writer) int {
	fs := flag.NewFlagSet("multiregion-cost", flag.ContinueOnError)
	fs.SetOutput(errOut)
	asJSON := fs.Bool("json", false, "print JSON (the expectedMonthlyCost and costByStrategy outputs' content) instead of tables")
	fs.Usage = func() {
		fmt.Fprintln(errOut, "usage: multiregion-cost [-json] Pulumi.<stack>.yaml")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	cfg, err := load(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(errOut, "multiregion-cost:", err)
		return 1
	}
	r, err := newReport(cfg)
	if err != nil {
		fmt.Fprintln(errOut, "multiregion-cost:", err)
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		err = enc.Encode(r)
	} else {
		err = r.write(out)
	}
	if err != nil {
		fmt.Fprintln(errOut, "multiregion-cost:", err)
		return 1
	}
	return 0
}

// load reads and validates a stack settings file.
func load(path string) (*stacks.Config, error) {
	conf, secret, err := mockcloud.StackConfig(path)
	if err != nil {
		return nil, err
	}
	for _, k := range secret {
		conf[k] = placeholderSecret
	}
	cfg, err := stacks.ParseMap(conf)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// row is one strategy's line of the table.
type row struct {
	Strategy   stacks.Strategy `json:"strategy"`
	Configured bool            `json:"configured"`
	Monthly    float64         `json:"monthly"`
	Fixed      float64         `json:"fixed"`
	Usage      float64         `json:"usage"`
	RTOSeconds int             `json:"rtoSeconds"`
	RPOSeconds int             `json:"rpoSeconds"`
}

// report is what the command prints.
type report struct {
	Estimate   cost.Estimate `json:"expectedMonthlyCost"`
	Strategies []row         `json:"costByStrategy"`
	Drivers    []string      `json:"topDrivers"`
	Source     string        `json:"priceSource"`
}

func newReport(cfg *stacks.Config) (report, error) {
	e, err := cfg.Estimate()
	if err != nil {
		return report{}, err
	}
	by, err := cfg.EstimateByStrategy()
	if err != nil {
		return report{}, err
	}
	t, err := cost.Table()
	if err != nil {
		return report{}, err
	}
	r := report{Estimate: e, Drivers: e.Drivers(5), Source: t.Source}
	for _, s := range stacks.Strategies {
		o := cfg.WithStrategy(s).Objectives()
		est := by[s]
		r.Strategies = append(r.Strategies, row{Strategy: s, Configured: s == cfg.Strategy, Monthly: est.Total,
			Fixed: est.Fixed, Usage: est.Usage, RTOSeconds: o.RTOSeconds, RPOSeconds: o.RPOSeconds})
	}
	return r, nil
}

func (r report) write(w io.Writer) error {
	e := r.Estimate
	fmt.Fprintf(w, "Monthly estimate, %s on-demand prices of %s (%s)\n\n", e.Currency, e.PriceDate, r.Source)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "STRATEGY\tMONTHLY\tFIXED\tUSAGE\tRTO\tRPO\t")
	for _, s := range r.Strategies {
		name := string(s.Strategy)
		if s.Configured {
			name += " *"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%ds\t%ds\t\n", name, cost.Money(s.Monthly), cost.Money(s.Fixed), cost.Money(s.Usage), s.RTOSeconds, s.RPOSeconds)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "* the configured strategy; the others are the same configuration under that strategy")
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TIER\tMONTHLY\t")
	for _, t := range cost.Tiers() {
		fmt.Fprintf(tw, "%s\t%s\t\n", t, cost.Money(e.ByTier[t]))
	}
	regions := make([]string, 0, len(e.ByRegion))
	for k := range e.ByRegion {
		regions = append(regions, k)
	}
	slices.Sort(regions)
	fmt.Fprintln(tw, "REGION\t\t")
	for _, k := range regions {
		fmt.Fprintf(tw, "%s\t%s\t\n", k, cost.Money(e.ByRegion[k]))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTop drivers:")
	for _, d := range r.Drivers {
		fmt.Fprintln(w, "  "+d)
	}
	for _, u := range e.Unpriced {
		fmt.Fprintln(w, "UNPRICED (not in the total): "+u)
	}
	a := e.Assumptions
	fmt.Fprintf(w, "\nAssumptions (multiregion:costAssumptions): %.0f requests, %.0f GB out, %.0f GB NAT-processed, %.0f GB replicated a month; %.1f GB of logs a day; %.0f GB of data\n",
		a.RequestsPerMonth, a.GBOutPerMonth, a.NATGBPerMonth, a.ReplicatedGBPerMonth, a.LogGBPerDay, a.DataGB)
	fmt.Fprintln(w, "Excluded: taxes, support plans, savings plans and reserved instances, free tiers, RDS's own automated backups (free up to the storage size), AWS Backup of the log archive bucket, restore testing jobs, KMS and API requests, X-Ray traces, S3 archive requests, Firehose delivery, CloudWatch Logs storage (billed compressed), autoscaling above the floor.")
	return nil
}
