#!/usr/bin/env bash
# Compares two or more builds of the toolkit on one workload by CPU time per step, interleaving
# them (A B A B ...) so that every build sees the same machine. On a shared machine wall times
# move with everybody else's work; a step's CPU time at --threads 1 moves far less.
#
#   bench/ab_builds.sh [--rounds N] [--threads N] [--steps N] [--warmup N] WORKLOAD JAR...
#
# WORKLOAD is a name `./toolkit bench` takes, or translate-greedy-no-cache (as in compare.sh). Each jar
# runs through ./toolkit (TOOLKIT_JAR), with the launcher's JVM options and malloc settings (one set for
# the training workloads, one for the others); TOOLKIT_JAVA_OPTS and MALLOC_* variables pass through as there.
# prints each run's JSON line, then one line per jar: the median cpu_ms and throughput over rounds.
set -euo pipefail

rounds=3 threads=1 steps=3 warmup=1
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --steps) steps="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        *) break ;;
    esac
done
if [[ $# -lt 2 ]]; then
    echo "usage: bench/ab_builds.sh [--rounds N] [--threads N] [--steps N] [--warmup N] WORKLOAD JAR..." >&2
    exit 2
fi
workload="$1"; shift
# as compare.sh: translate-greedy-no-cache is translate-greedy --no-cache
args=("$workload")
if [[ "$workload" == translate-greedy-no-cache ]]; then
    args=(translate-greedy --no-cache)
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
export DJL_OFFLINE=true
for ((r = 1; r <= rounds; r++)); do
    for jar in "$@"; do
        # through the launcher, so that each build runs with its JVM and malloc settings
        line="$(TOOLKIT_JAR="$jar" "$root/toolkit" bench "${args[@]}" --threads "$threads" --steps "$steps" \
            --warmup "$warmup" 2>/dev/null)"
        echo "$jar $line" | tee -a "$out"
    done
done
python3 - "$out" "$@" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    jar, js = line.split(" ", 1)
    runs.setdefault(jar, []).append(json.loads(js))
for jar in sys.argv[2:]:
    r = runs[jar]
    print(json.dumps({"jar": jar, "workload": r[0]["workload"], "rounds": len(r),
                      "cpu_ms": statistics.median(x["cpu_ms"] for x in r),
                      "cpu_ms_range": [min(x["cpu_ms"] for x in r), max(x["cpu_ms"] for x in r)],
                      "throughput": statistics.median(x["throughput"] for x in r), "unit": r[0]["unit"]}))
PY
