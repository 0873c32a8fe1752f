#!/usr/bin/env bash
# Memory check of the local score engine (issue 8): scores a generated CSV of ROWS rows and samples the
# java process's RSS once a second next to the rows flushed (from OUT.progress.json). Passes when the
# peak RSS of the last quarter of the rows is less than 5% above the peak of the second quarter (the
# first quarter holds the warm-up: JIT, libtorch's allocator, tokenizer caches). Prints the summary
# line, so the same run gives the throughput (rows_per_second).
#
#   tools/score/memory.sh [MODEL_DIR] [ROWS] [WORK_DIR]
#   defaults: test-fixtures/tiny-bert, 1000000, a fresh directory under /tmp
# Extra score options: SCORE_OPTS (default "--threads 1 --device cpu --batch-size 32"). JVM options:
# TOOLKIT_JAVA_OPTS, by default a fixed, pre-touched 512 MiB heap: G1 otherwise grows its heap lazily
# towards a quarter of the machine's memory, and RSS would measure heap sizing, not leaks (the live heap
# of a run is about 30 MiB).
set -euo pipefail
export TOOLKIT_JAVA_OPTS="${TOOLKIT_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:-$root/test-fixtures/tiny-bert}"
rows="${2:-1000000}"
work="${3:-$(mktemp -d /tmp/score-memory.XXXXXX)}"
mkdir -p "$work"
input="$work/input.csv"
output="$work/scored.csv"
samples="$work/rss.tsv"

if [[ ! -f "$input" ]] || [[ "$(head -c 100 "$work/rows" 2>/dev/null)" != "$rows" ]]; then
    python3 - "$input" "$rows" <<'PY'
import csv, random, sys
path, rows = sys.argv[1], int(sys.argv[2])
random.seed(8)
words = ("the a film movie plot acting ending scene was is not very really quite witty dull moving "
         "boring brilliant awful great bad caf\u00e9 , . ! \"").split()
with open(path, "w", encoding="utf-8", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["id", "text"])
    for i in range(rows):
        out.writerow([i, " ".join(random.choice(words) for _ in range(random.randint(3, 40)))])
PY
    echo "$rows" > "$work/rows"
fi
echo "input: $input ($(du -h "$input" | cut -f1), $rows rows); model: $model" >&2

rm -f "$output" "$output.partial" "$output.progress.json" "$samples"
# shellcheck disable=SC2086 # SCORE_OPTS holds several words on purpose
"$root/toolkit" score --model "$model" --input "$input" --output "$output" --no-progress \
    ${SCORE_OPTS:---threads 1 --device cpu --batch-size 32} 2> "$work/stderr.log" &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
    done_rows=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rows"])' \
        "$output.progress.json" 2>/dev/null || echo 0)
    [[ -n "$rss" ]] && printf '%s\t%s\t%s\n' "$(date +%s)" "$done_rows" "$rss" >> "$samples"
    sleep 1
done
wait "$pid"
tail -n 1 "$work/stderr.log"

python3 - "$samples" "$rows" <<'PY'
import sys
path, rows = sys.argv[1], int(sys.argv[2])
samples = [tuple(int(v) for v in line.split("\t")) for line in open(path)]
def peak(lo, hi):
    values = [rss for _, done, rss in samples if lo * rows <= done < hi * rows]
    return max(values) if values else None
second, last = peak(0.25, 0.5), peak(0.75, 1.01)
if second is None or last is None:
    sys.exit("too few samples to compare quarters; use more rows")
growth = (last - second) / second
print(f"peak RSS: second quarter {second / 1024:.0f} MiB, last quarter {last / 1024:.0f} MiB, "
      f"growth {100 * growth:+.2f}% ({len(samples)} samples)")
print("PASS" if growth < 0.05 else "FAIL: RSS grows by 5% or more")
sys.exit(0 if growth < 0.05 else 1)
PY
