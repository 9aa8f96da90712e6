#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/Package.swift with the fuzzer's instrumentation and runs each one
# for a budget of executions; fails on the first crash, trap, failed invariant or hang.
#
#   fuzz/run.sh RUNS MAX_SECONDS [TARGET...]
#
# RUNS executions per target (-runs), unless MAX_SECONDS pass first (-max_total_time, a guard that
# ends the run without failing it: the summary says how many executions there were). An input that
# takes longer than FUZZ_TIMEOUT seconds (default 10) is a hang, and fails the run. Each target starts
# from its seeds (fuzz/seeds/<target>) plus what earlier runs on this machine found
# (.build-fuzz/corpus/<target>); crashing inputs land in .build-fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:?usage: fuzz/run.sh RUNS MAX_SECONDS [TARGET...]}
max_seconds=${2:?usage: fuzz/run.sh RUNS MAX_SECONDS [TARGET...]}
shift 2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzARN FuzzSigV4 FuzzQuery FuzzRestJSON FuzzPolicy FuzzCBOR)
timeout=${FUZZ_TIMEOUT:-10}
scratch=.build-fuzz
swift=${SWIFT:-swift}
build=("$swift" build --package-path fuzz --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library)

started=$(date +%s)
# SwiftPM keeps the file list of the main package (a path dependency here) in its build plan and does not
# see files added to it since; dropping the plan (not the built objects) makes it look again.
rm -f "$scratch"/*.yaml "$scratch"/build.db
"${build[@]}"
bin=$("${build[@]}" --show-bin-path)
echo "fuzz: built in $(($(date +%s) - started)) s"

mkdir -p "$scratch/logs"
summary=()
for target in "${targets[@]}"; do
    corpus="$scratch/corpus/$target"
    artifacts="$scratch/artifacts/$target/"
    log="$scratch/logs/$target.log"
    mkdir -p "$corpus" "$artifacts"
    args=(-runs="$runs" -max_total_time="$max_seconds" -timeout="$timeout" -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$artifacts")
    [ -f "fuzz/dictionaries/$target.dict" ] && args+=(-dict="fuzz/dictionaries/$target.dict")
    echo "fuzz: $target ${args[*]}"
    target_started=$(date +%s)
    status=0
    # libFuzzer, not the Swift runtime's backtracer, must see a trap, so that it saves the input.
    SWIFT_BACKTRACE=enable=no "$bin/$target" "${args[@]}" "$corpus" "fuzz/seeds/$target" >"$log" 2>&1 || status=$?
    seconds=$(($(date +%s) - target_started))
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    line="$target: ${executions:-?} executions in ${seconds} s (${per_second:-?}/s)"
    if [ "$status" -ne 0 ]; then
        tail -n 60 "$log" >&2
        echo "fuzz: FAILED $line; the input is in $artifacts (log: $log)" >&2
        exit 1
    fi
    if [ -n "$executions" ] && [ "$executions" -lt "$runs" ]; then line="$line, stopped by the ${max_seconds} s guard"; fi
    echo "fuzz: $line"
    summary+=("$line")
done
echo "fuzz: all ${#targets[@]} targets passed in $(($(date +%s) - started)) s"
printf '  %s\n' "${summary[@]}"
