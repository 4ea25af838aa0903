package drill

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
)

// PolicyPack is a policy pack the drill's first preview runs, as `pulumi preview --policy-pack Path
// --policy-pack-config Config` does (docs/awsguard.md). Every violation fails the drill, except those
// the pack itself reports as exempt (advisory, "exempt (<id>): <reason>", from Config) and those
// the CLI's own policy exceptions cover.
type PolicyPack struct {
	// Path is the pack: a directory with PulumiPolicy.yaml, or, as localcloud/policy has it, an
	// executable analyzer (pulumi-analyzer-policy) next to its PulumiPolicy.yaml, which the CLI
	// starts directly (no language host).
	Path string
	// Config, if set, is the pack's policy config file (JSON): per policy, its configuration and
	// its exemptions.
	Config string
}

// Check fails if the pack is not where it should be or its dependencies are not installed.
func (p PolicyPack) Check() error {
	st, err := os.Stat(p.Path)
	if err != nil {
		return fmt.Errorf("policy pack: %w", err)
	}
	dir := p.Path
	if !st.IsDir() {
		dir = filepath.Dir(p.Path)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err != nil {
		if _, pkg := os.Stat(filepath.Join(dir, "package.json")); pkg == nil {
			return fmt.Errorf("policy pack %s: its npm dependencies are not installed (run localcloud/build.sh, or npm ci there)", dir)
		}
	}
	if p.Config != "" {
		if _, err := os.Stat(p.Config); err != nil {
			return fmt.Errorf("policy pack config: %w", err)
		}
	}
	return nil
}

// options are the preview options that run the pack.
func (p PolicyPack) options() []optpreview.Option {
	opts := []optpreview.Option{optpreview.PolicyPacks(p.Path)}
	if p.Config != "" {
		opts = append(opts, optpreview.PolicyPackConfigs(p.Config))
	}
	return opts
}

// PolicyFinding is one policy event of a preview.
type PolicyFinding struct {
	// Policy and Pack name the policy and its pack.
	Policy, Pack string
	// URN is the resource's URN ("" for a stack-wide finding), Type its type token.
	URN, Type string
	// Level is the enforcement level the engine reported ("mandatory", "advisory", ...).
	Level string
	// Message is the policy's message.
	Message string
	// Exempt is the exemption that covers the finding ("" if none): the pack's ("<id>: <reason>")
	// or the CLI's policy exception.
	Exempt string
	// Unevaluated says the policy could not run on the resource in a preview (it reads a value not
	// known until the update): no verdict either way.
	Unevaluated bool
}

// PolicyReport is what a pack reported in one preview.
type PolicyReport struct {
	// Findings are every policy event, in the order received.
	Findings []PolicyFinding
}

// classify turns an engine policy event into a finding.
func classify(e apitype.PolicyEvent) PolicyFinding {
	f := PolicyFinding{
		Policy: e.PolicyName, Pack: e.PolicyPackName, URN: e.ResourceURN, Type: urnType(e.ResourceURN),
		Level: e.EnforcementLevel, Message: strings.TrimSpace(e.Message),
	}
	advisory := f.Level == "advisory" || f.Level == "warning"
	switch {
	case len(e.Exceptions) > 0:
		var ids []string
		for _, x := range e.Exceptions {
			ids = append(ids, x.ID+": "+x.Reason)
		}
		f.Exempt = strings.Join(ids, "; ")
	case advisory && strings.HasPrefix(f.Message, "exempt ("):
		f.Exempt, _, _ = strings.Cut(strings.TrimPrefix(f.Message, "exempt ("), "\n")
		f.Exempt = strings.Replace(f.Exempt, "):", ":", 1)
	case advisory && strings.Contains(f.Message, "during preview"):
		f.Unevaluated = true
	}
	return f
}

// urnType is the resource type of urn: the last element of its type chain.
func urnType(urn string) string {
	parts := strings.Split(urn, "::")
	if len(parts) < 4 {
		return ""
	}
	chain := strings.Split(parts[2], "$")
	return chain[len(chain)-1]
}

// Violations are the findings that fail the drill: neither exempt nor unevaluated.
func (r *PolicyReport) Violations() []PolicyFinding {
	var out []PolicyFinding
	for _, f := range r.Findings {
		if f.Exempt == "" && !f.Unevaluated {
			out = append(out, f)
		}
	}
	return out
}

// group counts findings by policy and type, each with a sample URN and message.
func group(fs []PolicyFinding, key func(PolicyFinding) string) []string {
	type g struct {
		n      int
		sample PolicyFinding
	}
	m := map[string]*g{}
	for _, f := range fs {
		k := key(f)
		if m[k] == nil {
			m[k] = &g{sample: f}
		}
		m[k].n++
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		msg := m[k].sample.Message
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:] // the policy's own message, after the description
		}
		out = append(out, fmt.Sprintf("%s x%d  e.g. %s: %s", k, m[k].n, m[k].sample.URN, msg))
	}
	return out
}

// Summary prints the report, one line per policy and resource type, under the drill's name.
func (r *PolicyReport) Summary(drill string) string {
	var b strings.Builder
	var exempt, unevaluated []PolicyFinding
	for _, f := range r.Findings {
		switch {
		case f.Exempt != "":
			exempt = append(exempt, f)
		case f.Unevaluated:
			unevaluated = append(unevaluated, f)
		}
	}
	violations := r.Violations()
	fmt.Fprintf(&b, "localcloud: %s: policy pack: %d violations, %d exempt, %d not evaluable in a preview\n",
		drill, len(violations), len(exempt), len(unevaluated))
	for _, line := range group(violations, func(f PolicyFinding) string { return "VIOLATION " + f.Policy + " " + f.Type }) {
		fmt.Fprintf(&b, "localcloud: %s: policy %s\n", drill, line)
	}
	for _, line := range group(exempt, func(f PolicyFinding) string {
		id, _, _ := strings.Cut(f.Exempt, ":")
		return "exempt " + f.Policy + " " + f.Type + " (" + id + ")"
	}) {
		fmt.Fprintf(&b, "localcloud: %s: policy %s\n", drill, line)
	}
	for _, line := range group(unevaluated, func(f PolicyFinding) string { return "not evaluable in a preview " + f.Policy + " " + f.Type }) {
		fmt.Fprintf(&b, "localcloud: %s: policy %s\n", drill, line)
	}
	return b.String()
}

// Err is nil when no finding fails the drill, else an error listing the violations.
func (r *PolicyReport) Err() error {
	v := r.Violations()
	if len(v) == 0 {
		return nil
	}
	lines := group(v, func(f PolicyFinding) string { return f.Policy + " " + f.Type })
	return fmt.Errorf("policy pack: %d undocumented violations (fix them, or document an exemption in localcloud/policy/policy-config.json and docs/awsguard.md): %s",
		len(v), strings.Join(lines, "; "))
}

// policyTee returns a channel to give the engine instead of out: it records every policy event and
// forwards every event to out, closing out when the engine closes it. wait returns the report once
// the engine's stream has ended.
func policyTee(out chan<- events.EngineEvent) (in chan events.EngineEvent, wait func() *PolicyReport) {
	in = make(chan events.EngineEvent)
	done := make(chan *PolicyReport, 1)
	go func() {
		r := &PolicyReport{}
		for e := range in {
			if e.PolicyEvent != nil {
				r.Findings = append(r.Findings, classify(*e.PolicyEvent))
			}
			out <- e
		}
		close(out)
		done <- r
	}()
	var report *PolicyReport
	return in, func() *PolicyReport {
		if report == nil {
			report = <-done
		}
		return report
	}
}
