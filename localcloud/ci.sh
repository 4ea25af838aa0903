#!/usr/bin/env bash
# The real-engine tier, for CI: when the machine has the tools (Go, a Terraform AWS
# provider binary, Python's moto), build the local cloud toolchain (build.sh), run the
# plugin's SDK mapping test, the CLI's config validation of the project and the local tier's
# own unit tests (localcloud is its own Go module), then the drills, in parallel: the real
# Pulumi engine takes a program through preview, up, refresh, a no-change preview and destroy
# against moto, both with 5% of their AWS requests faulted by the region proxy and a bounded retry
# of the whole command (docs/faults.md): a small two-region smoke program, whose CLI is also
# SIGKILLed during up, the promotion and destroy and recovered as the runbook says, with a second
# operator's up refused by the lock and a state export/import round trip; and (unless
# LOCALCLOUD_STACK_DRILL=0) the real stack with prod's own settings (Pulumi.prod.yaml, protect off)
# and its lost-region drill (us-west-2 dark behind the region proxy; primaryRegion -> us-east-1
# with lostRegions [us-west-2]: 0 requests to us-west-2, no stateful resource replaced, the
# database promoted; then the region returns and rejoins), whose first preview runs the policy pack
# localcloud/policy (@pulumi/awsguard 0.3.1 and its ports to pulumi-aws v6, docs/awsguard.md; its
# self-test runs first, offline): a violation policy-config.json does not exempt fails it; and
# (unless LOCALCLOUD_FLEET_DRILL=0) the fleet drill: three small stacks of the real program, switched
# over in two groups by the operator command's fleet mode, then one of them failed back (docs/operations.md),
# with the restore drill beside it in a moto of its own (a backup-restore stack restored in us-east-1 through
# database.restoreFrom, docs/datatier.md "Backup and restore"); and
# (unless LOCALCLOUD_YAML_DRILL=0) the YAML drill: examples/yaml, a Pulumi YAML program, through the YAML
# language host and the component provider pulumi-resource-multiregion (preview, up, a no-change preview,
# destroy; docs/languages.md). Before the drills, the generated SDKs' checks (sdk/check.sh: a regeneration
# changes nothing, tsc, compileall, go build). Prints
# the elapsed time of every step and closes with "localcloud: N passed, N failed". Without
# the tools it says why and exits 0.
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
command -v npm >/dev/null || missing+=("node and npm (the policy pack, docs/awsguard.md)")
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

# check NAME DIR CMD...: run CMD in DIR as one counted step.
check() {
	local name="$1" dir="$2"
	shift 2
	local t=$SECONDS
	say "$name"
	if (cd "$dir" && nice -n 10 "$@"); then
		passed=$((passed + 1))
		say "$name passed in $(took "$t")"
	else
		failed=$((failed + 1))
		say "$name FAILED in $(took "$t")"
	fi
}

check "plugin mapping test (pulumi-resource-aws against the pulumi-aws SDK)" "$here/plugin" go test -count=1 ./...
check "project config test (the CLI's own schema check of Pulumi.yaml against prod and README stacks)" "$here/cli" go test -count=1 ./...
check "localcloud vet and unit tests (its own module: drill, emulator fakes against moto)" "$here" \
	bash -c 'go vet ./... && go test -count=1 ./...'
check "policy pack self-test (awsguard table, v6 ports, exemptions: docs/awsguard.md)" "$here/policy" node selftest.js
# The generated SDKs (docs/languages.md): no emulator needed, one counted step each.
check "SDK generation (sdk/ is what provider/schema.json generates: sdk/generate.sh -check)" "$repo" sdk/check.sh generated
check "TypeScript SDK builds with tsc and examples/typescript type-checks against it" "$repo" sdk/check.sh typescript
check "Python SDK byte-compiles (python3 -m compileall sdk/python)" "$repo" sdk/check.sh python
check "Go SDK builds and vets (sdk/go, its own module)" "$repo" sdk/check.sh go


# The drills, built first, then run in parallel: each has its own moto, state and plugins, and
# both spend most of their time waiting on the emulator (RDS, CloudFront, load balancers).
drills=(smoke)
# The stack drill: prod's own settings, three regions (LOCALCLOUD_STACK_DRILL=0 skips it).
if [[ "${LOCALCLOUD_STACK_DRILL:-1}" == 1 ]]; then
	drills+=(stack)
else
	say "stack drill not run (LOCALCLOUD_STACK_DRILL=0)"
fi
# The fleet drill: the operator command's fleet mode (a switchover of 3 small stacks in two groups,
# `multiregion-ops switchover --fleet`), started once the smoke drill ends, alongside the rest of the
# stack drill, which stays the longest (LOCALCLOUD_FLEET_DRILL=0 skips it).
if [[ "${LOCALCLOUD_FLEET_DRILL:-1}" == 1 ]]; then
	drills+=(fleet)
else
	say "fleet drill not run (LOCALCLOUD_FLEET_DRILL=0)"
fi
# The YAML drill: examples/yaml (Pulumi YAML) through the YAML language host and the component
# provider, preview, up, no-change preview, destroy (LOCALCLOUD_YAML_DRILL=0 skips it). Started at
# once, beside the stack drill, which it ends well before.
if [[ "${LOCALCLOUD_YAML_DRILL:-1}" == 1 ]]; then
	drills+=(yaml)
else
	say "yaml drill not run (LOCALCLOUD_YAML_DRILL=0)"
fi
declare -A pkg=([smoke]=./runner [stack]=./stackrunner [fleet]=./fleetrunner [yaml]=./yamlrunner)
t=$SECONDS
say "building the drills (${drills[*]})"
built=()
for name in "${drills[@]}"; do
	if (cd "$here" && nice -n 10 go build -o "$BIN/$name-drill" "${pkg[$name]}"); then
		built+=("$name")
	else
		failed=$((failed + 1))
		say "$name drill build FAILED"
	fi
done
say "drills built in $(took "$t")"

t=$SECONDS
declare -A pids=()
for name in "${built[@]}"; do
	after=""
	if [[ $name == fleet && -n "${pids[smoke]:-}" ]]; then
		after=${pids[smoke]} # two cores: the fleet starts when the smoke drill is done
	fi
	# Run from the repository root: the stack drill reads Pulumi.yaml and Pulumi.prod.yaml there.
	(
		while [[ -n $after ]] && kill -0 "$after" 2>/dev/null; do sleep 5; done
		cd "$repo" && "$BIN/$name-drill" -root "$BIN" -pulumi-home "$BIN/home" -state "$BIN/state"
	) &
	pids[$name]=$!
done
for name in "${built[@]}"; do
	if wait "${pids[$name]}"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	say "$name drill finished after $(took "$t")"
done

finish
