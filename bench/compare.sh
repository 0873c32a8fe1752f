#!/usr/bin/env bash
# Interleaves `./toolkit bench` and its Python peer (A B A B ...) with the same thread count and
# prints, per workload, the median ratio ours/theirs (for bert-latency theirs/ours: above 1 means we
# are faster everywhere) with its range over the rounds, and both sides' median figures; cpu_ratio is
# theirs/ours of the median CPU time per step (cpu_ms), the steadier figure on a busy machine.
#
#   bench/compare.sh [--rounds N] [--threads N] [--steps N] [--warmup N] [--python PY]
#                    [--impl torch|hf-eager|hf-sdpa] [--same-malloc] WORKLOAD...
#
# WORKLOAD is a name `./toolkit bench` takes, or translate-greedy-no-cache for translate-greedy
# --no-cache on both sides.
# PY is the Python of a virtual environment with torch (and transformers for --impl hf-*), see
# bench/README.md. Each round is one fresh process per side; a side's figure is the median of its
# timed steps. The JVM flags in TOOLKIT_JAVA_OPTS are printed with the results: the JIT and GC
# threads share the cores with libtorch's. The launcher chooses the allocator (tcmalloc, preloaded, where
# it is installed; otherwise glibc's malloc variables, one set for training workloads and one for the
# others: see toolkit); --same-malloc gives the peer the environment our side reported in its JSON line
# (LD_PRELOAD and the malloc variables), so that both sides run the same allocator.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=5
threads=2
python=python3
impl=torch
same_malloc=false
counts=()
workloads=()
while (($# > 0)); do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --python) python="$2"; shift 2 ;;
        --impl) impl="$2"; shift 2 ;;
        --same-malloc) same_malloc=true; shift ;;
        --steps|--warmup) counts+=("$1" "$2"); shift 2 ;;
        -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) workloads+=("$1"); shift ;;
    esac
done
if ((${#workloads[@]} == 0)); then
    workloads=(gemm lstm-train bert-train bert-infer bert-latency translate-greedy translate-greedy-no-cache)
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$root/toolkit" --help >/dev/null   # builds the jar once, outside the timed rounds
echo "# threads $threads, $rounds rounds, peer --impl $impl, TOOLKIT_JAVA_OPTS='${TOOLKIT_JAVA_OPTS:-}', peer with the launcher's malloc: $same_malloc"
# the machine: a VM's host can change between runs, and libtorch picks its kernels by these extensions
echo "# cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)," \
    "$(grep -c '^processor' /proc/cpuinfo 2>/dev/null) logical processors," \
    "$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | grep -ow 'avx2\|avx512f\|amx_tile' | tr '\n' ' ')"
# the peer's build configuration, beside ours (each result line names both sides' CPU libraries)
"$python" -c 'import torch; print("# peer torch", torch.__version__); print("\n".join("#   " + line for line in torch.__config__.show().splitlines() if line.strip()))'
for workload in "${workloads[@]}"; do
    steps=(${counts[@]+"${counts[@]}"})
    if [[ "$workload" == bert-latency && ${#counts[@]} -eq 0 ]]; then
        steps=(--steps 200 --warmup 20)
    fi
    args=("$workload")
    if [[ "$workload" == translate-greedy-no-cache ]]; then
        args=(translate-greedy --no-cache)
    fi
    for ((round = 1; round <= rounds; round++)); do
        "$root/toolkit" bench "${args[@]}" --threads "$threads" ${steps[@]+"${steps[@]}"} 2>/dev/null \
            >>"$out/ours-$workload"
        peer_env=()
        if [[ "$same_malloc" == true ]]; then
            # the allocator environment our side ran with, as its JSON line reports it (the launcher's)
            mapfile -t peer_env < <(tail -n 1 "$out/ours-$workload" | "$python" -c \
                'import json, sys; [print(f"{k}={v}") for k, v in json.load(sys.stdin).get("malloc", {}).get("env", {}).items()]')
        fi
        env ${peer_env[@]+"${peer_env[@]}"} "$python" "$root/bench/peers.py" "${args[@]}" --impl "$impl" --threads "$threads" \
            ${steps[@]+"${steps[@]}"} 2>/dev/null >>"$out/theirs-$workload"
    done
    "$python" - "$workload" "$out/ours-$workload" "$out/theirs-$workload" <<'PY'
import json, statistics, sys
workload, ours_file, theirs_file = sys.argv[1:]
ours = [json.loads(line) for line in open(ours_file)]
theirs = [json.loads(line) for line in open(theirs_file)]
lower_is_better = workload == "bert-latency"
ratios = [(t["throughput"] / o["throughput"]) if lower_is_better else (o["throughput"] / t["throughput"])
          for o, t in zip(ours, theirs)]
print(json.dumps({"workload": workload, "unit": ours[0]["unit"],
                  "ours": statistics.median(o["throughput"] for o in ours),
                  "theirs": statistics.median(t["throughput"] for t in theirs),
                  "ratio": round(statistics.median(ratios), 3), "ratio_min": round(min(ratios), 3),
                  "ratio_max": round(max(ratios), 3), "rounds": len(ratios),
                  "cpu_ms": [statistics.median(o["cpu_ms"] for o in ours), statistics.median(t["cpu_ms"] for t in theirs)],
                  "cpu_ratio": round(statistics.median(t["cpu_ms"] / o["cpu_ms"] for o, t in zip(ours, theirs)), 3),
                  "peak_rss_mb": [statistics.median(o["peak_rss_mb"] for o in ours),
                                  statistics.median(t["peak_rss_mb"] for t in theirs)],
                  "allocator": [ours[0].get("malloc", {}).get("allocator"), theirs[0].get("allocator")],
                  "torch": [ours[0]["torch"], theirs[0]["torch"]],
                  "torch_features": [ours[0].get("torch_features"), theirs[0].get("torch_features")]}))
PY
done
