#!/usr/bin/env bash
# Builds the local cloud toolchain from the Go module proxy, idempotently:
#   $BIN/bin/pulumi            the Pulumi CLI v3.274.1 (localcloud/cli pins it)
#   $BIN/pulumi-resource-aws   the bridged AWS plugin, impersonating pulumi-aws 6.83.4
#   $BIN/home                  a private PULUMI_HOME with the plugin installed
# A build whose output exists and whose inputs (sources, go.sum, Go version, Terraform
# provider path) did not change is skipped. Versions are checked every time.
#
# Environment: LOCALCLOUD_BIN (default localcloud/.bin), LOCALCLOUD_TF_AWS_PROVIDER (the
# Terraform AWS provider binary; default: searched for on the machine).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
BIN="${LOCALCLOUD_BIN:-$here/.bin}"
mkdir -p "$BIN/bin" "$BIN/stamps" "$BIN/home/plugins"
BIN="$(cd "$BIN" && pwd)"

PULUMI_VERSION=v3.274.1
AWS_VERSION=6.83.4
NICE=(nice -n 10)

# shellcheck source=lib.sh
source "$here/lib.sh"

log() { printf 'localcloud build: %s\n' "$*"; }
elapsed() { printf '%ds' "$((SECONDS - $1))"; }

# inputs_hash hashes the named files and directories' Go sources plus extra strings.
inputs_hash() {
	{
		go version
		for arg in "$@"; do
			if [[ -d "$arg" ]]; then
				find "$arg" -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' \) ! -name '*_test.go' -print0 | sort -z | xargs -0 sha256sum
			elif [[ -f "$arg" ]]; then
				sha256sum "$arg"
			else
				printf '%s\n' "$arg"
			fi
		done
	} | sha256sum | cut -d' ' -f1
}

# up_to_date OUTPUT NAME HASH: true when OUTPUT exists and was built from HASH.
up_to_date() {
	[[ -x "$1" && -f "$BIN/stamps/$2" && "$(cat "$BIN/stamps/$2")" == "$3" ]]
}

TF_PROVIDER="$(find_tf_provider)"
if [[ -z "$TF_PROVIDER" || ! -x "$TF_PROVIDER" ]]; then
	log "no Terraform AWS provider binary (terraform-provider-aws_*) found; set LOCALCLOUD_TF_AWS_PROVIDER"
	exit 1
fi
log "Terraform AWS provider: $TF_PROVIDER"

# 1. The Pulumi CLI.
t=$SECONDS
hash="$(inputs_hash "$here/cli/go.mod" "$here/cli/go.sum" "$PULUMI_VERSION")"
if up_to_date "$BIN/bin/pulumi" pulumi "$hash"; then
	log "pulumi CLI up to date"
else
	log "building the pulumi CLI $PULUMI_VERSION (about 4-8 min cold)"
	(cd "$here/cli" && "${NICE[@]}" go build \
		-ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
		-o "$BIN/bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
	mv "$BIN/bin/pulumi.tmp" "$BIN/bin/pulumi"
	printf '%s\n' "$hash" >"$BIN/stamps/pulumi"
	log "pulumi CLI built in $(elapsed "$t")"
fi
got="$(PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$BIN/home" "$BIN/bin/pulumi" version)"
if [[ "$got" != "$PULUMI_VERSION" ]]; then
	log "pulumi version printed '$got', want $PULUMI_VERSION"
	exit 1
fi
log "pulumi version: $got"

# 2. The AWS provider plugin.
t=$SECONDS
hash="$(inputs_hash "$here/plugin" "$TF_PROVIDER")"
if up_to_date "$BIN/pulumi-resource-aws" plugin "$hash"; then
	log "pulumi-resource-aws up to date"
else
	log "building pulumi-resource-aws $AWS_VERSION (about 5 min cold)"
	(cd "$here/plugin" && "${NICE[@]}" go build \
		-ldflags "-X main.terraformProvider=$TF_PROVIDER" \
		-o "$BIN/pulumi-resource-aws.tmp" .)
	mv "$BIN/pulumi-resource-aws.tmp" "$BIN/pulumi-resource-aws"
	printf '%s\n' "$hash" >"$BIN/stamps/plugin"
	log "pulumi-resource-aws built in $(elapsed "$t")"
fi
plugin_dir="$BIN/home/plugins/resource-aws-v$AWS_VERSION"
mkdir -p "$plugin_dir"
if ! cmp -s "$BIN/pulumi-resource-aws" "$plugin_dir/pulumi-resource-aws"; then
	cp "$BIN/pulumi-resource-aws" "$plugin_dir/pulumi-resource-aws.tmp"
	mv "$plugin_dir/pulumi-resource-aws.tmp" "$plugin_dir/pulumi-resource-aws"
fi
got="$("$plugin_dir/pulumi-resource-aws" -version)"
if [[ "$got" != "$AWS_VERSION" ]]; then
	log "pulumi-resource-aws -version printed '$got', want $AWS_VERSION"
	exit 1
fi
# The plugin really bridges the Terraform provider: it starts it and maps every name.
t=$SECONDS
if ! "$plugin_dir/pulumi-resource-aws" -get-provider-info >/dev/null 2>"$BIN/plugin-check.log"; then
	log "pulumi-resource-aws cannot start the Terraform provider:"
	cat "$BIN/plugin-check.log" >&2
	exit 1
fi
log "pulumi-resource-aws version: $got, installed in $plugin_dir (bridge check $(elapsed "$t"))"

# 3. The policy pack's npm dependencies (localcloud/policy: @pulumi/awsguard 0.3.1 and what it needs,
# exactly as package-lock.json pins them; install scripts off, see its .npmrc). The stack drill's
# first preview runs the pack (docs/awsguard.md). Skipped when node_modules matches the lock file.
t=$SECONDS
policy="$here/policy"
if ! command -v npm >/dev/null; then
	log "no npm: the policy pack cannot be installed (the stack drill needs it; -policy-pack '' skips it)"
	exit 1
fi
hash="$(cat "$policy/package-lock.json" "$policy/.npmrc" | sha256sum | cut -d' ' -f1) $(node --version)"
if [[ -d "$policy/node_modules" && -f "$BIN/stamps/policy" && "$(cat "$BIN/stamps/policy")" == "$hash" ]]; then
	log "policy pack dependencies up to date"
else
	log "installing the policy pack's dependencies (npm ci)"
	(cd "$policy" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
	printf '%s\n' "$hash" >"$BIN/stamps/policy"
	log "policy pack dependencies installed in $(elapsed "$t")"
fi

# 4. The Pulumi YAML language host (localcloud/yamlhost pins pulumi-yaml v1.25.0, which keeps its own
# pulumi v3.206.0: it does not build with v3.274.1), next to the CLI: the CLI looks for its bundled
# language hosts there. The YAML drill (localcloud/yamlrunner) runs examples/yaml with it.
YAML_VERSION=1.25.0
t=$SECONDS
hash="$(inputs_hash "$here/yamlhost/go.mod" "$here/yamlhost/go.sum" "$YAML_VERSION")"
if up_to_date "$BIN/bin/pulumi-language-yaml" yamlhost "$hash"; then
	log "pulumi-language-yaml up to date"
else
	log "building pulumi-language-yaml $YAML_VERSION (about 3-5 min cold)"
	(cd "$here/yamlhost" && "${NICE[@]}" go build \
		-ldflags "-X github.com/pulumi/pulumi-yaml/pkg/version.Version=$YAML_VERSION" \
		-o "$BIN/bin/pulumi-language-yaml.tmp" github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml)
	mv "$BIN/bin/pulumi-language-yaml.tmp" "$BIN/bin/pulumi-language-yaml"
	printf '%s\n' "$hash" >"$BIN/stamps/yamlhost"
	log "pulumi-language-yaml built in $(elapsed "$t")"
fi

# 5. The component provider, pulumi-resource-multiregion (the product's cmd/, main module), installed
# in PULUMI_HOME as resource-multiregion-v<the schema's version>, where the CLI finds it for a
# program in any language (the YAML drill), as `pulumi plugin install resource multiregion <version>
# -f <binary>` would put it.
t=$SECONDS
if [[ ! -f "$repo/cmd/pulumi-resource-multiregion/main.go" || ! -f "$repo/provider/schema.json" ]]; then
	# Not an error of the toolchain: the YAML drill, which needs it, fails and says so.
	log "no cmd/pulumi-resource-multiregion or provider/schema.json: the component provider is not built"
	exit 0
fi
mr_version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("version") or "0.0.1")' "$repo/provider/schema.json")"
mr_dirs=()
while IFS= read -r d; do mr_dirs+=("$d"); done < <(cd "$repo" && go list -deps -f '{{if not .Standard}}{{.Dir}}{{end}}' ./cmd/pulumi-resource-multiregion | grep "^$repo" | sort)
# Its inputs: go.mod, go.sum and the sources of every package of this module it links.
hash="$(inputs_hash "$repo/go.mod" "$repo/go.sum" "${mr_dirs[@]}" "$mr_version")"
if up_to_date "$BIN/pulumi-resource-multiregion" multiregion "$hash"; then
	log "pulumi-resource-multiregion up to date"
else
	log "building pulumi-resource-multiregion $mr_version (the pulumi-aws SDK: about 3 min cold)"
	(cd "$repo" && "${NICE[@]}" go build -o "$BIN/pulumi-resource-multiregion.tmp" ./cmd/pulumi-resource-multiregion)
	mv "$BIN/pulumi-resource-multiregion.tmp" "$BIN/pulumi-resource-multiregion"
	printf '%s\n' "$hash" >"$BIN/stamps/multiregion"
	log "pulumi-resource-multiregion built in $(elapsed "$t")"
fi
mr_dir="$BIN/home/plugins/resource-multiregion-v$mr_version"
for old in "$BIN/home/plugins"/resource-multiregion-v*; do
	if [[ -d "$old" && "$old" != "$mr_dir" ]]; then
		rm -rf "$old" "$old.lock" # one version installed: the one built
	fi
done
mkdir -p "$mr_dir"
if ! cmp -s "$BIN/pulumi-resource-multiregion" "$mr_dir/pulumi-resource-multiregion"; then
	cp "$BIN/pulumi-resource-multiregion" "$mr_dir/pulumi-resource-multiregion.tmp"
	mv "$mr_dir/pulumi-resource-multiregion.tmp" "$mr_dir/pulumi-resource-multiregion"
fi
log "pulumi-resource-multiregion $mr_version installed in $mr_dir"
