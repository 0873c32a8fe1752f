#!/usr/bin/env bash
# Native memory over a long training run: trains bilstm-attention for STEPS optimizer steps (default
# 5,000) on SST-2, samples the process RSS every SAMPLE_S seconds, and checks that the median RSS of
# the last quarter of the run is within TOLERANCE_PERCENT (default 5) of the second quarter's. The
# first quarter is left out: allocator pools and libtorch's caches grow there by design.
#
#   tools/memory/train-rss.sh                  # 5,000 steps, batch 128, one thread
#   STEPS=2000 BATCH=64 tools/memory/train-rss.sh
#
# Writes $OUT_DIR/rss.csv (elapsed_s,rss_kb) and the model directory; exits 1 when RSS grew.
# TOOLKIT overrides the command (default: the repository's ./toolkit, which rebuilds when stale),
# e.g. TOOLKIT="taskset -c 0 ./toolkit"; TOOLKIT_JAR=/tmp/toolkit.jar measures a jar that a rebuild cannot
# replace mid-run, with the launcher's settings.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STEPS="${STEPS:-5000}"
BATCH="${BATCH:-128}"
SAMPLE_S="${SAMPLE_S:-2}"
TOLERANCE_PERCENT="${TOLERANCE_PERCENT:-5}"
OUT_DIR="${OUT_DIR:-$(mktemp -d -t train-rss.XXXXXX)}"

mkdir -p "$OUT_DIR"
csv="$OUT_DIR/rss.csv"
echo "elapsed_s,rss_kb" > "$csv"

TOOLKIT="${TOOLKIT:-$root/toolkit}"
export DJL_OFFLINE=true
# Build first so the build's memory is not sampled.
# shellcheck disable=SC2086 # TOOLKIT may hold several words on purpose
$TOOLKIT --help > /dev/null

# shellcheck disable=SC2086
$TOOLKIT train-classifier --train "$root/datasets/sst2/train.tsv" --model bilstm-attention \
    --out "$OUT_DIR/model" --max-steps "$STEPS" --batch-size "$BATCH" --threads 1 --no-progress \
    > "$OUT_DIR/train.json" 2> "$OUT_DIR/train.err" &
pid=$!
start=$(date +%s)
while kill -0 "$pid" 2> /dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2> /dev/null || true)
    if [[ -n "$rss" ]]; then
        echo "$(( $(date +%s) - start )),$rss" >> "$csv"
    fi
    sleep "$SAMPLE_S"
done
wait "$pid"

python3 - "$csv" "$TOLERANCE_PERCENT" <<'PY'
import csv, statistics, sys
rows = [(int(r["elapsed_s"]), int(r["rss_kb"])) for r in csv.DictReader(open(sys.argv[1]))]
if len(rows) < 8:
    sys.exit(f"only {len(rows)} samples: run longer (STEPS) or sample more often (SAMPLE_S)")
q = len(rows) // 4
second = statistics.median(kb for _, kb in rows[q:2 * q])
last = statistics.median(kb for _, kb in rows[3 * q:])
growth = 100.0 * (last - second) / second
print(f"samples {len(rows)}  second-quarter median {second / 1024:.1f} MiB  "
      f"last-quarter median {last / 1024:.1f} MiB  growth {growth:+.2f}%")
sys.exit(0 if abs(growth) <= float(sys.argv[2]) else 1)
PY
echo "rss samples: $csv"
