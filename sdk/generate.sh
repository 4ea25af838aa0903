#!/usr/bin/env bash
# Generates the multiregion SDKs (sdk/nodejs, sdk/python, sdk/go) from the component provider's
# schema, provider/schema.json, with Pulumi's SDK generators (sdk/gen, its own Go module).
#   sdk/generate.sh           regenerate
#   sdk/generate.sh -check    write nothing; fail, listing the files, if a regeneration changes any
# Regenerate the schema first when the components changed: go run ./cmd/multiregion-schema
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/gen"
exec go run . "$@"
