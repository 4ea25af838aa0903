// Package docs holds the documentation checks: every relative link in the repository's Markdown and
// every repository file cited in the Markdown or in a Go comment must exist, so that the docs cannot
// drift from the tree. It is test-only and imports nothing but the standard library.
package docs

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"iter"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// modulePath is the root module's path; repoRoot uses it to find the repository from docs/.
const modulePath = "github.com/multiregion/multiregion"

// citedExtensions are the endings that make a token with a "/" a cited repository file.
var citedExtensions = []string{".go", ".md", ".yaml", ".yml", ".sh", ".py", ".json"}

var (
	// inlineCode is a Markdown code span (single backticks), or a backticked token in a Go comment.
	inlineCode = regexp.MustCompile("`([^`\n]+)`")
	// inlineLink is an inline link or image: bracketed text, then the target in parentheses with an
	// optional "title".
	inlineLink = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)
	// refLink is a reference definition: [label]: target.
	refLink = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$`)
	// barePath is a path-looking word in a Go comment: a "/" in it and a cited extension at its end.
	barePath = regexp.MustCompile(`[A-Za-z0-9_.\-/]*/[A-Za-z0-9_.\-/]*\.(?:go|md|ya?ml|sh|py|json)\b`)
	// scheme starts an absolute URL (https:, mailto:, ...).
	scheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)
	// lineSuffix is a ":12" or ":12-30" line reference after a cited file.
	lineSuffix = regexp.MustCompile(`:\d+(?:-\d+)?$`)
	// pathChars are the characters of a concrete path; a token with anything else (<stack>, *, $X,
	// {a,b}, ...) is a template or a pattern, not a citation.
	pathChars = regexp.MustCompile(`^[A-Za-z0-9_.\-/]+$`)
	// rootFile is a file cited without a directory that lives at a project or module root.
	rootFile = regexp.MustCompile(`^(?:Pulumi(?:\.[A-Za-z0-9_\-]+)?\.yaml|go\.mod|go\.sum)$`)
)

// problem is one broken reference.
type problem struct {
	File string // slash-separated, relative to the repository root
	Line int
	Msg  string
}

func (p problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// checker scans one repository tree.
type checker struct {
	root     string
	ignored  map[string]bool // directory names the repository's .gitignore files exclude (build outputs)
	anchors  map[string]map[string]bool
	problems []problem
	// links and citations count the references checked, so that a scan that saw nothing is noticed.
	links, citations int
}

// TestRepositoryReferencesExist is the CI check: README.md, docs/*.md, localcloud/README.md (every
// Markdown file) and every Go comment cite only files that exist in the repository, and every relative
// link resolves inside it.
func TestRepositoryReferencesExist(t *testing.T) {
	root := repoRoot(t)
	c, err := check(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.problems {
		t.Error(p)
	}
	// The scan must have seen what it promises to check: a walk that found nothing would pass.
	for _, f := range []string{"README.md", "docs/controls.md", "localcloud/README.md"} {
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(f))); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if c.links < 5 || c.citations < 50 {
		t.Errorf("checked only %d links and %d cited files", c.links, c.citations)
	}
	t.Logf("checked %d relative links and %d cited files", c.links, c.citations)
}

// TestCheckFindsBrokenReferences runs the check on small repositories, one per kind of reference, and
// requires it to report exactly the broken ones.
func TestCheckFindsBrokenReferences(t *testing.T) {
	base := map[string]string{
		"go.mod":                "module example.com/m\n",
		"Pulumi.yaml":           "name: m\n",
		"Pulumi.prod.yaml":      "config: {}\n",
		"stacks/config.go":      "package stacks\n",
		"localcloud/ci.sh":      "#!/bin/sh\n",
		"localcloud/.gitignore": ".bin/\n",
		"docs/datatier.md":      "# Data tier\n\n## Runbook\n\n## Failback, step 2\n",
	}
	cases := []struct {
		name  string
		files map[string]string
		want  []string // substrings, one per expected problem, in order
	}{
		{"all good", map[string]string{"README.md": "" +
			"# Title\n\n## Try it without an AWS account\n\n" +
			"[runbook](docs/datatier.md#runbook), [step 2](docs/datatier.md#failback-step-2), [up](#try-it-without-an-aws-account)\n" +
			"[moto](https://github.com/getmoto/moto), [mail](mailto:x@example.com), ![logo](docs/datatier.md)\n" +
			"`stacks/config.go`, `stacks/config.go:12`, `localcloud/ci.sh`, `Pulumi.prod.yaml`, `Pulumi.<stack>.yaml`\n" +
			"`localcloud/.bin/bin/pulumi.sh`, `github.com/multiregion/multiregion/components`, `go test ./stacks/`\n" +
			"`/api/*`, `cloudwatch-logs/YYYY/MM/DD/`, `https://example.com/a.md`, `<state>/<drill>/pulumi.log`\n" +
			"```\n[not a link](missing.md) `missing/inside-a-fence.go`\n```\n",
			"docs/edge.md":         "[back](../README.md), [data](datatier.md#runbook), `stacks/config.go`\n",
			"localcloud/README.md": "[ci](ci.sh), `ci.sh`, `Pulumi.yaml`\n",
			"stacks/x.go": "// Package stacks reads docs/datatier.md's runbook and `localcloud/ci.sh`;\n" +
				"// see https://github.com/x/y/blob/main/z.go and github.com/pulumi/pulumi/sdk/v3/go/pulumi.\n" +
				"//\n//\tgo run ./cmd/gen -o ../../Pulumi.yaml   (a code block: paths are relative to where it runs)\n" +
				"package stacks\n\nvar s = \"docs/missing-in-a-string-literal.md\"\n",
		}, nil},
		{"missing link target", map[string]string{"README.md": "see [edge](docs/edge.md)\n"},
			[]string{`README.md:1: link "docs/edge.md": docs/edge.md does not exist`}},
		{"missing anchor", map[string]string{"README.md": "[x](docs/datatier.md#run-book) and [y](#nowhere)\n"},
			[]string{`README.md:1: link "docs/datatier.md#run-book": no heading "run-book"`, `README.md:1: link "#nowhere": no heading "nowhere"`}},
		{"link resolved from the wrong directory", map[string]string{"docs/edge.md": "[data](docs/datatier.md)\n"},
			[]string{`docs/edge.md:1: link "docs/datatier.md": docs/docs/datatier.md does not exist`}},
		{"link outside the repository", map[string]string{"localcloud/README.md": "\n[known](../../shared/LOCALCLOUD.md)\n"},
			[]string{`localcloud/README.md:2: link "../../shared/LOCALCLOUD.md" points outside the repository`}},
		{"cited file missing", map[string]string{"README.md": "held by `tests/mockcloud/graph.go`\n"},
			[]string{"README.md:1: cited file `tests/mockcloud/graph.go` does not exist"}},
		{"cited root file missing", map[string]string{"README.md": "the stack `Pulumi.staging.yaml`\n"},
			[]string{"README.md:1: cited file `Pulumi.staging.yaml` does not exist"}},
		{"cited file outside the repository", map[string]string{"README.md": "see `../shared/CONTROLS.md`\n"},
			[]string{"README.md:1: cited file `../shared/CONTROLS.md` is outside the repository"}},
		{"Go comment cites a missing file", map[string]string{"stacks/y.go": "package stacks\n\n/*\nFrom\ndocs/controls.md row 1.\n*/\nvar _ = 1\n\n// see `components/gone.go`.\nvar _ = 2\n"},
			[]string{"stacks/y.go:5: cited file `docs/controls.md` does not exist", "stacks/y.go:9: cited file `components/gone.go` does not exist"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range base {
				write(t, dir, name, content)
			}
			for name, content := range c.files {
				write(t, dir, name, content)
			}
			checked, err := check(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range checked.problems {
				got = append(got, p.String())
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n"))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

// TestControlsCiteRealTests holds docs/controls.md to the code: its table numbers the controls 1 to
// 69, every row names a test or says "not yet held", every test function a row names is declared in
// a test file cited in that row, and every quoted subtest or case name is a string in one of them.
func TestControlsCiteRealTests(t *testing.T) {
	root := repoRoot(t)
	b, err := os.ReadFile(filepath.Join(root, "docs", "controls.md"))
	if err != nil {
		t.Fatal(err)
	}
	problems, rows := checkControls(root, string(b))
	for _, p := range problems {
		t.Error(p)
	}
	if rows != 69 {
		t.Errorf("docs/controls.md has %d control rows, want 69", rows)
	}
}

func TestCheckControlsFindsFalseCitations(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "tests/a_test.go", "package tests\n\nimport \"testing\"\n\n"+
		"func TestReal(t *testing.T) { t.Run(\"26 KMS keys\", func(t *testing.T) {}) }\n")
	const head = "| # | rule | held by |\n|---|---|---|\n"
	for name, c := range map[string]struct {
		table string
		want  []string
	}{
		"good":              {"| 1 | x | `tests/a_test.go`: `TestReal` (\"26 KMS keys\") |\n| 2 | y | **not yet held**: z |\n", nil},
		"no such test":      {"| 1 | x | `tests/a_test.go`: `TestGone` |\n", []string{"row 1: TestGone is not declared in tests/a_test.go"}},
		"no such subtest":   {"| 1 | x | `tests/a_test.go`: `TestReal` (\"27 log groups\") |\n", []string{`row 1: no string "27 log groups" in tests/a_test.go`}},
		"no test at all":    {"| 1 | x | the code does it |\n", []string{`row 1: names no test and does not say "not yet held"`}},
		"test file absent":  {"| 1 | x | `tests/b_test.go`: `TestReal` |\n", []string{"row 1: tests/b_test.go", "row 1: TestReal is not declared"}},
		"rows out of order": {"| 1 | x | **not yet held** |\n| 3 | x | **not yet held** |\n", []string{"row 3 follows row 1"}},
	} {
		t.Run(name, func(t *testing.T) {
			got, _ := checkControls(dir, head+c.table)
			if len(got) != len(c.want) {
				t.Fatalf("got %q, want %d problems", got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
				}
			}
		})
	}
}

var (
	controlRow = regexp.MustCompile(`^\| (\d+) \|`)
	testFile   = regexp.MustCompile("`([A-Za-z0-9_./-]+_test\\.go)`")
	testName   = regexp.MustCompile("`(Test[A-Z][A-Za-z0-9_]*)`")
	quoted     = regexp.MustCompile(`"([^"]+)"`)
)

// checkControls checks the rows of a controls table (see TestControlsCiteRealTests) against the test
// files under root, and returns the problems and the number of rows.
func checkControls(root, table string) (problems []string, rows int) {
	type testSource struct {
		funcs   map[string]bool
		strings []string
		err     error
	}
	sources := map[string]*testSource{}
	load := func(rel string) *testSource {
		if s, ok := sources[rel]; ok {
			return s
		}
		s := &testSource{funcs: map[string]bool{}}
		sources[rel] = s
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(root, filepath.FromSlash(rel)), nil, parser.SkipObjectResolution)
		if err != nil {
			s.err = err
			return s
		}
		for _, d := range f.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil {
				s.funcs[fn.Name.Name] = true
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if v, err := strconv.Unquote(lit.Value); err == nil {
					s.strings = append(s.strings, v)
				}
			}
			return true
		})
		return s
	}
	for line := range strings.Lines(table) {
		m := controlRow.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		rows++
		if n != rows {
			problems = append(problems, fmt.Sprintf("row %d follows row %d", n, rows-1))
			rows = n
		}
		cells := strings.Split(strings.TrimSpace(line), " | ")
		held := cells[len(cells)-1]
		var files []*testSource
		var names []string
		for _, f := range testFile.FindAllStringSubmatch(held, -1) {
			s := load(f[1])
			if s.err != nil {
				problems = append(problems, fmt.Sprintf("row %d: %s: %v", n, f[1], s.err))
			}
			files, names = append(files, s), append(names, f[1])
		}
		tests := testName.FindAllStringSubmatch(held, -1)
		if len(tests) == 0 && !strings.Contains(strings.ToLower(held), "not yet held") {
			problems = append(problems, fmt.Sprintf(`row %d: names no test and does not say "not yet held"`, n))
		}
		for _, name := range tests {
			if !slices.ContainsFunc(files, func(s *testSource) bool { return s.funcs[name[1]] }) {
				problems = append(problems, fmt.Sprintf("row %d: %s is not declared in %s", n, name[1], strings.Join(names, ", ")))
			}
		}
		for _, q := range quoted.FindAllStringSubmatch(held, -1) {
			if !slices.ContainsFunc(files, func(s *testSource) bool {
				return slices.ContainsFunc(s.strings, func(v string) bool { return strings.Contains(v, q[1]) })
			}) {
				problems = append(problems, fmt.Sprintf("row %d: no string %q in %s", n, q[1], strings.Join(names, ", ")))
			}
		}
	}
	return problems, rows
}

func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Try it without an AWS account":          "try-it-without-an-aws-account",
		"Use it from your own Go module":         "use-it-from-your-own-go-module",
		"Failback, step 2":                       "failback-step-2",
		"The `protect` option (rows 57 and 63)":  "the-protect-option-rows-57-and-63",
		"[Edge](edge.md) and *emphasis*":         "edge-and-emphasis",
		"Timings (2 cores, 24 GiB; measured...)": "timings-2-cores-24-gib-measured",
		"snake_case stays":                       "snake_case-stays",
	} {
		if got := slug(heading); got != want {
			t.Errorf("slug(%q) = %q, want %q", heading, got, want)
		}
	}
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// repoRoot is the directory above docs/ that holds the root module's go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil || !bytes.HasPrefix(mod, []byte("module "+modulePath+"\n")) {
		t.Fatalf("%s is not the repository root (go.mod: %v)", root, err)
	}
	return root
}

// check scans every Markdown file and every Go file's comments under root, skipping hidden and
// gitignored directories; the checker it returns holds the broken references in file order.
func check(root string) (*checker, error) {
	c := &checker{root: root, anchors: map[string]map[string]bool{}}
	ignored, err := ignoredDirs(root)
	if err != nil {
		return nil, err
	}
	c.ignored = ignored
	var mds, gos []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || c.ignored[d.Name()]) {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(p) {
		case ".md":
			mds = append(mds, p)
		case ".go":
			gos = append(gos, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range mds {
		if err := c.markdown(p); err != nil {
			return nil, err
		}
	}
	for _, p := range gos {
		if err := c.goComments(p); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// ignoredDirs reads the directory entries ("name/" or "/name/") of every .gitignore in the tree.
func ignoredDirs(root string) (map[string]bool, error) {
	dirs := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != root && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.IsDir() || d.Name() != ".gitignore" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for line := range strings.Lines(string(b)) {
			line = strings.TrimSpace(line)
			if strings.HasSuffix(line, "/") && !strings.HasPrefix(line, "#") {
				name := strings.Trim(line, "/")
				if !strings.ContainsAny(name, "/*?[") {
					dirs[name] = true
				}
			}
		}
		return nil
	})
	return dirs, err
}

func (c *checker) rel(p string) string {
	r, err := filepath.Rel(c.root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

func (c *checker) report(file string, line int, format string, args ...any) {
	c.problems = append(c.problems, problem{File: c.rel(file), Line: line, Msg: fmt.Sprintf(format, args...)})
}

// markdown checks the links and code spans of one Markdown file, outside fenced code blocks.
func (c *checker) markdown(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	for n, line := range proseLines(b) {
		for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
			c.cited(file, n, m[1], false)
		}
		prose := inlineCode.ReplaceAllString(line, "``")
		for _, m := range inlineLink.FindAllStringSubmatch(prose, -1) {
			c.link(file, n, m[1])
		}
		if m := refLink.FindStringSubmatch(prose); m != nil {
			c.link(file, n, m[1])
		}
	}
	return nil
}

// goComments checks the comments of one Go file: Markdown links, backticked tokens and bare
// path-looking words, outside the doc comments' code blocks. String literals and code are not read.
func (c *checker) goComments(file string) error {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		c.report(file, 0, "does not parse: %v", err)
		return nil
	}
	for _, group := range f.Comments {
		for _, cm := range group.List {
			start := fset.Position(cm.Slash).Line
			for i, line := range strings.Split(cm.Text, "\n") {
				n := start + i
				if rest, ok := strings.CutPrefix(line, "//"); ok && (strings.HasPrefix(rest, "\t") || strings.HasPrefix(rest, "  ")) {
					continue // a doc comment's code block: a command's paths are relative to where it runs
				}
				seen := map[string]bool{}
				for _, m := range inlineCode.FindAllStringSubmatch(line, -1) {
					seen[m[1]] = true
					c.cited(file, n, m[1], false)
				}
				prose := inlineCode.ReplaceAllString(line, "``")
				for _, m := range inlineLink.FindAllStringSubmatch(prose, -1) {
					c.link(file, n, m[1])
				}
				for _, loc := range barePath.FindAllStringIndex(prose, -1) {
					word := prose[loc[0]:loc[1]]
					// A word glued to a URL or to an import path is part of it, not a repository path.
					if loc[0] > 0 && strings.ContainsRune(":/.@", rune(prose[loc[0]-1])) {
						continue
					}
					if !seen[word] {
						c.cited(file, n, word, true)
					}
				}
			}
		}
	}
	return nil
}

// link checks one Markdown link target: a relative path must resolve, from the citing file's
// directory, to a file or directory inside the repository, and an anchor to a heading of the target.
func (c *checker) link(file string, line int, target string) {
	if scheme.MatchString(target) || strings.HasPrefix(target, "//") {
		return // an absolute URL
	}
	p, anchor, _ := strings.Cut(target, "#")
	if unescaped, err := url.PathUnescape(p); err == nil {
		p = unescaped
	}
	c.links++
	dest := file
	if p != "" {
		if strings.HasPrefix(p, "/") {
			c.report(file, line, "link %q is absolute; use a path relative to %s", target, c.rel(filepath.Dir(file)))
			return
		}
		dest = filepath.Join(filepath.Dir(file), filepath.FromSlash(p))
		if !c.inside(dest) {
			c.report(file, line, "link %q points outside the repository", target)
			return
		}
		if c.inIgnored(dest) {
			c.report(file, line, "link %q points into a gitignored build output", target)
			return
		}
		if _, err := os.Stat(dest); err != nil {
			c.report(file, line, "link %q: %s does not exist", target, c.rel(dest))
			return
		}
	}
	if anchor == "" || filepath.Ext(dest) != ".md" {
		return
	}
	anchors, err := c.headings(dest)
	if err != nil {
		c.report(file, line, "link %q: %v", target, err)
		return
	}
	if !anchors[strings.ToLower(anchor)] {
		c.report(file, line, "link %q: no heading %q in %s", target, anchor, c.rel(dest))
	}
}

// cited checks a token that may name a repository file: a backticked token, or (bare) a
// path-looking word of a Go comment. Tokens that are not concrete repository paths are skipped.
func (c *checker) cited(file string, line int, tok string, bare bool) {
	tok = strings.TrimSpace(tok)
	if bare {
		tok = strings.TrimRight(tok, ".")
	}
	if tok == "" || strings.ContainsAny(tok, " \t") || strings.Contains(tok, "://") {
		return // a command, a sentence or a URL
	}
	tok = lineSuffix.ReplaceAllString(tok, "")
	tok, _, _ = strings.Cut(tok, "#")
	if !pathChars.MatchString(tok) || strings.Contains(tok, "...") {
		return // a template (Pulumi.<stack>.yaml), a pattern (*.go) or an elision
	}
	if strings.Contains(tok, "/") {
		if !slices.Contains(citedExtensions, path.Ext(tok)) || strings.HasPrefix(tok, "/") {
			return // a directory, a command, or a path on the machine rather than in the repository
		}
		first, _, _ := strings.Cut(tok, "/")
		if first != "." && first != ".." && strings.Contains(first, ".") {
			return // an import path or a host: github.com/..., example.com/...
		}
		for _, part := range strings.Split(tok, "/") {
			if c.ignored[part] {
				return // a build output, e.g. localcloud/.bin/...
			}
		}
	} else if !rootFile.MatchString(tok) {
		return
	}
	c.citations++
	what := "cited file `" + tok + "`"
	dir := filepath.Dir(file)
	if strings.HasPrefix(tok, "./") || strings.HasPrefix(tok, "../") {
		dest := filepath.Join(dir, filepath.FromSlash(tok))
		switch {
		case !c.inside(dest):
			c.report(file, line, "%s is outside the repository", what)
		case !exists(dest):
			c.report(file, line, "%s does not exist (resolved from %s)", what, c.rel(dir))
		}
		return
	}
	// A repository path is relative to the root, a module root or the citing file's directory: it
	// exists when it resolves from the citing directory or any directory above it.
	for d := dir; c.inside(d); d = filepath.Dir(d) {
		if exists(filepath.Join(d, filepath.FromSlash(tok))) {
			return
		}
		if d == c.root {
			break
		}
	}
	c.report(file, line, "%s does not exist", what)
}

func (c *checker) inside(p string) bool {
	r, err := filepath.Rel(c.root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func (c *checker) inIgnored(p string) bool {
	for _, part := range strings.Split(c.rel(p), "/") {
		if c.ignored[part] {
			return true
		}
	}
	return false
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// headings returns the GitHub anchors of a Markdown file's ATX headings (outside code fences).
func (c *checker) headings(file string) (map[string]bool, error) {
	if a, ok := c.anchors[file]; ok {
		return a, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	anchors, count := map[string]bool{}, map[string]int{}
	for _, line := range proseLines(b) {
		line = strings.TrimLeft(line, " ")
		text, ok := strings.CutPrefix(strings.TrimLeft(line, "#"), " ")
		if !ok || !strings.HasPrefix(line, "#") || len(line)-len(strings.TrimLeft(line, "#")) > 6 {
			continue
		}
		a := slug(text)
		if n := count[a]; n > 0 {
			anchors[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			anchors[a] = true
		}
		count[a]++
	}
	c.anchors[file] = anchors
	return anchors, nil
}

// proseLines yields the lines of a Markdown text outside fenced code blocks (``` or ~~~), each with
// its 1-based line number.
func proseLines(b []byte) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		fence := ""
		for i, line := range strings.Split(string(b), "\n") {
			trimmed := strings.TrimLeft(line, " ")
			switch {
			case fence != "":
				if strings.HasPrefix(trimmed, fence) {
					fence = ""
				}
			case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
				fence = trimmed[:3]
			default:
				if !yield(i+1, line) {
					return
				}
			}
		}
	}
}

// mdLinkText matches an inline link, to keep only its bracketed text.
var mdLinkText = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// slug is GitHub's heading anchor: the heading's text (links reduced to their text), lower case,
// with every character but letters, digits, "_", "-" and spaces dropped and spaces turned into "-".
func slug(heading string) string {
	heading = mdLinkText.ReplaceAllString(strings.TrimSpace(strings.TrimRight(heading, "# ")), "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	return b.String()
}
