// Command multiregion-schema writes provider/schema.json, the Pulumi package schema of the
// multiregion component provider, from the Go types of package components and their doc comments
// (provider.GenerateSchema). Run it from anywhere in the module after changing a component's Args or
// outputs:
//
//	go run ./cmd/multiregion-schema          # rewrites provider/schema.json
//	go run ./cmd/multiregion-schema -check   # fails when provider/schema.json is out of date
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/multiregion/multiregion/provider"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "multiregion-schema:", err)
		os.Exit(1)
	}
}

// run parses args and writes, or with -check compares, the schema.
func run(args []string) error {
	fs := flag.NewFlagSet("multiregion-schema", flag.ContinueOnError)
	root := fs.String("root", "", "the module's root directory (default: the nearest directory up from here with a go.mod)")
	check := fs.Bool("check", false, "do not write: fail when the schema file differs from the generated schema")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *root == "" {
		dir, err := moduleRoot()
		if err != nil {
			return err
		}
		*root = dir
	}
	schema, err := provider.GenerateSchema(*root)
	if err != nil {
		return fmt.Errorf("generating the schema: %w", err)
	}
	path := filepath.Join(*root, "provider", "schema.json")
	if *check {
		old, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("reading the schema: %w", err)
		}
		if !bytes.Equal(old, schema) {
			return fmt.Errorf("%s is out of date; regenerate it with: go run ./cmd/multiregion-schema", path)
		}
		return nil
	}
	if err := os.WriteFile(path, schema, 0o644); err != nil {
		return fmt.Errorf("writing the schema: %w", err)
	}
	fmt.Println("wrote", path)
	return nil
}

// moduleRoot returns the nearest directory, from the working directory up, that holds a go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the module root: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod in the working directory or above it; pass -root")
		}
		dir = parent
	}
}
