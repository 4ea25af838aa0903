#!/usr/bin/env bash
# The real-engine tier, for CI: when the machine has the tools (Go, a Terraform AWS
# provider binary, Python's moto), build the local cloud toolchain (build.sh), run the
# plugin's SDK mapping test, then the smoke drill: the real Pulumi engine takes a
# two-region program through preview, up, refresh, a no-change preview and destroy
# against moto. Prints the elapsed time of every step and closes with
# "localcloud: N passed, N failed". Without the tools it says why and exits 0.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
export LOCALCLOUD_BIN="${LOCALCLOUD_BIN:-$here/.bin}"
BIN="$LOCALCLOUD_BIN"
# shellcheck source=lib.sh
source "$here/lib.sh"

start=$SECONDS
passed=0
failed=0
say() { printf 'localcloud: %s\n' "$*"; }
took() { printf '%dm%02ds' "$(((SECONDS - $1) / 60))" "$(((SECONDS - $1) % 60))"; }
finish() {
	say "total $(took "$start")"
	say "$passed passed, $failed failed"
	[[ $failed -eq 0 ]]
	exit
}

missing=()
command -v go >/dev/null || missing+=("go")
tf="$(find_tf_provider)"
[[ -n "$tf" && -x "$tf" ]] || missing+=("a Terraform AWS provider binary (terraform-provider-aws_*)")
command -v moto_server >/dev/null || missing+=("moto_server")
python3 -c 'import moto.server' >/dev/null 2>&1 || missing+=("python3 with moto")
if [[ ${#missing[@]} -gt 0 ]]; then
	say "skipping the real-engine tier; missing: $(IFS=,; echo "${missing[*]}")"
	say "0 passed, 0 failed, 1 skipped"
	exit 0
fi
export LOCALCLOUD_TF_AWS_PROVIDER="$tf"

t=$SECONDS
say "build.sh"
if ! "$here/build.sh"; then
	say "build FAILED after $(took "$t")"
	failed=$((failed + 1))
	finish
fi
say "toolchain ready in $(took "$t")"

t=$SECONDS
say "plugin mapping test (pulumi-resource-aws against the pulumi-aws SDK)"
if (cd "$here/plugin" && nice -n 10 go test -count=1 ./...); then
	passed=$((passed + 1))
	say "mapping test passed in $(took "$t")"
else
	failed=$((failed + 1))
	say "mapping test FAILED in $(took "$t")"
fi

t=$SECONDS
say "building the drill runner"
if ! (cd "$repo" && nice -n 10 go build -o "$BIN/runner" ./localcloud/runner); then
	failed=$((failed + 1))
	say "runner build FAILED after $(took "$t")"
	finish
fi
say "runner built in $(took "$t")"

t=$SECONDS
if "$BIN/runner" -root "$BIN" -pulumi-home "$BIN/home" -state "$BIN/state" -drill smoke; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
say "smoke drill finished in $(took "$t")"

finish
