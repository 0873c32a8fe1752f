#!/usr/bin/env bash
# Rows per second of `score --engine spark --master local[2]` against the local engine, on SST-2 dev
# sentences repeated to ROWS rows (default 20000). Usage: tools/score/spark-throughput.sh MODEL_DIR [ROWS]
# The summary's seconds include Spark's start (a few seconds), so larger ROWS approach the steady rate.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="$1"
rows="${2:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$root/datasets/sst2/dev.tsv" "$work/in.csv" "$rows" <<'PY'
import csv, sys
src, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, newline="", encoding="utf-8") as f:
    texts = [r[1] for i, r in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)) if i > 0]
with open(dst, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "text"])
    for i in range(n):
        w.writerow([i, texts[i % len(texts)]])
PY
export SPARK_LOCAL_IP=127.0.0.1
for engine in local spark; do
    echo "$engine: $(cd "$root" && ./toolkit score --model "$model" --input "$work/in.csv" \
        --output "$work/out-$engine.csv" --engine "$engine" --master 'local[2]' --threads 1 2>&1 | tail -1)"
done
cmp "$work/out-local.csv" "$work/out-spark.csv" && echo "outputs identical"
