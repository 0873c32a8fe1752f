#!/usr/bin/env bash
# Reproduces the 60-minute translation rows of README.md (issue #9) on the bundled Multi30k:
#   tools/quality/translation.sh transformer|lstm-attention [TRAIN-TRANSLATOR-OPTIONS...]
# Trains for at most 60 minutes on one thread (--max-minutes 60 bounds the whole command: vocabulary,
# training, averaging the last 5 evaluation checkpoints, greedy dev BLEU), then translates the
# validation set with beam 4 and prints sacreBLEU's BLEU and chrF three ways: detokenised and cased
# (the bar), and lower-cased with the 13a and intl tokenisers (beside published word-level BLEU).
# TOOLKIT overrides the launcher, e.g. TOOLKIT="taskset -c 1 ./toolkit" to pin a core (TOOLKIT_JAR=FILE
# runs a build kept aside through the launcher).
set -euo pipefail
cd "$(dirname "$0")/../.."
model="${1:?transformer or lstm-attention}"
shift
read -r -a toolkit <<< "${TOOLKIT:-./toolkit}"
export DJL_OFFLINE=true
data=datasets/multi30k
out=runs/quality/translate-$model
mkdir -p runs/quality
case "$model" in
  # small and many epochs beat large and few in an hour of one core: ~17 epochs at ~2,100 target tokens/s
  transformer) config='{"embedding_size":128,"num_heads":4,"feed_forward_size":512,"encoder_layers":3,"decoder_layers":3,"share_embeddings":true,"tie_output_embedding":true,"dropout":0.1}' ;;
  lstm-attention) config='{"embedding_size":128,"encoder_hidden_size":128,"decoder_hidden_size":256,"dropout":0.2}' ;;
  *) echo "translation.sh: unknown model $model (transformer or lstm-attention)" >&2; exit 2 ;;
esac
"${toolkit[@]}" train-translator --train-src "$data/train.en.gz" --train-tgt "$data/train.de.gz" \
  --dev-src "$data/val.en.gz" --dev-tgt "$data/val.de.gz" --model "$model" --out "$out" \
  --max-minutes 60 --threads 1 --max-tokens 2048 --lr 2e-3 --warmup-steps 400 --average-last 5 --plot \
  --model-config "$config" "$@" | tee "$out.train.json"
gunzip -c "$data/val.en.gz" > "$out.val.en"
gunzip -c "$data/val.de.gz" > "$out.val.de"
"${toolkit[@]}" translate --model "$out" --input "$out.val.en" --output "$out.beam4.de" --beam 4 --threads 1
for scoring in "" "--lowercase" "--tokenize intl --lowercase"; do
  # shellcheck disable=SC2086 # the scoring options are several words on purpose
  echo "== beam 4, ${scoring:-detokenised, cased}: $("${toolkit[@]}" bleu --hyp "$out.beam4.de" --ref "$out.val.de" $scoring)"
done
