#!/usr/bin/env bash
# The real-engine tier, for CI: when the machine has the tools (Go, a Terraform AWS
# provider binary, Python's moto), build the local cloud toolchain (build.sh), run the
# plugin's SDK mapping test, then the drills: the real Pulumi engine takes a program
# through preview, up, refresh, a no-change preview and destroy against moto, first a
# small two-region smoke program, then (unless LOCALCLOUD_STACK_DRILL=0) the real stack
# (localcloud/Pulumi.local.yaml) with its failover drill (primaryRegion -> us-east-1: no
# stateful resource replaced, the database promoted). Prints the elapsed time of every step
# and closes with "localcloud: N passed, N failed". Without the tools it says why and exits 0.
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
say "project config test (the CLI's own schema check of Pulumi.yaml against prod, local and README stacks)"
if (cd "$here/cli" && nice -n 10 go test -count=1 ./...); then
	passed=$((passed + 1))
	say "project config test passed in $(took "$t")"
else
	failed=$((failed + 1))
	say "project config test FAILED in $(took "$t")"
fi

# drill NAME PACKAGE [ARGS...]: build a drill command of the root module and run it.
drill() {
	local name="$1" pkg="$2"
	shift 2
	local t=$SECONDS
	say "building the $name drill ($pkg)"
	if ! (cd "$repo" && nice -n 10 go build -o "$BIN/$name-drill" "$pkg"); then
		failed=$((failed + 1))
		say "$name drill build FAILED after $(took "$t")"
		return
	fi
	say "$name drill built in $(took "$t")"
	t=$SECONDS
	if (cd "$repo" && "$BIN/$name-drill" -root "$BIN" -pulumi-home "$BIN/home" -state "$BIN/state" "$@"); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	say "$name drill finished in $(took "$t")"
}

drill smoke ./localcloud/runner
# The stack drill: the real stack program, three regions (LOCALCLOUD_STACK_DRILL=0 skips it).
if [[ "${LOCALCLOUD_STACK_DRILL:-1}" == 1 ]]; then
	drill stack ./localcloud/stackrunner
else
	say "stack drill not run (LOCALCLOUD_STACK_DRILL=0)"
fi

finish
