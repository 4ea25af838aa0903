#!/usr/bin/env bash
# The generated SDKs' checks, as CI runs them (localcloud/ci.sh runs each as one counted step):
#   generated   a regeneration from provider/schema.json changes no file (sdk/generate.sh -check)
#   typescript  the TypeScript SDK builds with tsc, as `npm run build` would, and examples/typescript
#               type-checks against that build (typescript, @pulumi/pulumi, @pulumi/aws and
#               @types/node from npm, as sdk/check/package-lock.json pins them; `npm ci` into
#               sdk/check/node_modules, install scripts off, skipped when the lock file did not change)
#   python      the Python SDK byte-compiles (python3 -m compileall; the bytecode goes to a temporary
#               directory, not into the tree)
#   go          the Go SDK (its own module, sdk/go) builds and vets
# Usage: sdk/check.sh [generated] [typescript] [python] [go]     (default: all four, in that order)
# Nothing here needs the emulator, the Pulumi CLI or a plugin. Publishes nothing.
set -euo pipefail

sdk="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$sdk/.." && pwd)"
say() { printf 'sdk/check: %s\n' "$*"; }
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

generated() {
	"$sdk/generate.sh" -check
}

# npm_deps installs sdk/check's pinned npm packages unless node_modules matches the lock file.
npm_deps() {
	local check="$sdk/check" stamp="$sdk/check/node_modules/.multiregion-stamp" hash
	hash="$(cat "$check/package-lock.json" "$check/.npmrc" | sha256sum | cut -d' ' -f1) $(node --version)"
	if [[ -f "$stamp" && "$(cat "$stamp")" == "$hash" ]]; then
		return
	fi
	say "installing the type-check's npm packages (npm ci in sdk/check)"
	(cd "$check" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	printf '%s\n' "$hash" >"$stamp"
}

typescript() {
	npm_deps
	local tmp="$scratch/typescript"
	# A throwaway tree: $tmp/node_modules (links to sdk/check's packages, plus the built SDK under
	# its npm name) is an ancestor of both the SDK's and the example's copies, as in a workspace.
	mkdir -p "$tmp/node_modules/@multiregion" "$tmp/sdk" "$tmp/examples"
	local entry
	for entry in "$sdk/check/node_modules"/* "$sdk/check/node_modules"/.bin; do
		ln -s "$entry" "$tmp/node_modules/$(basename "$entry")"
	done
	cp -r "$sdk/nodejs" "$tmp/sdk/nodejs"
	rm -rf "$tmp/sdk/nodejs/node_modules" "$tmp/sdk/nodejs/bin"
	say "tsc: the TypeScript SDK (sdk/nodejs, its own tsconfig.json, strict)"
	(cd "$tmp/sdk/nodejs" && "$tmp/node_modules/.bin/tsc" -p .)
	# What the SDK's build does after tsc: its package.json goes into bin/, with a version.
	sed 's/\${VERSION}/0.0.0-dev/' "$tmp/sdk/nodejs/package.json" >"$tmp/sdk/nodejs/bin/package.json"
	ln -s "$tmp/sdk/nodejs/bin" "$tmp/node_modules/@multiregion/multiregion"
	cp -r "$repo/examples/typescript" "$tmp/examples/typescript"
	rm -rf "$tmp/examples/typescript/node_modules"
	say "tsc: examples/typescript against the built SDK"
	(cd "$tmp/examples/typescript" && "$tmp/node_modules/.bin/tsc" -p . --noEmit)
}

python() {
	local cache="$scratch/pycache"
	PYTHONPYCACHEPREFIX="$cache" python3 -m compileall -q "$sdk/python"
	say "python3 -m compileall: $(find "$cache" -name '*.pyc' | wc -l) modules compiled"
}

go_sdk() {
	(cd "$sdk/go" && go build ./... && go vet ./...)
	say "go build and go vet of sdk/go: ok"
}

steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(generated typescript python go)
for step in "${steps[@]}"; do
	case "$step" in
	generated) generated ;;
	typescript) typescript ;;
	python) python ;;
	go) go_sdk ;;
	*)
		say "unknown check $step (generated, typescript, python, go)"
		exit 2
		;;
	esac
done
