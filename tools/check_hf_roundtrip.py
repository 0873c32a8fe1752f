#!/usr/bin/env python3
"""Checks that a model directory saved by the toolkit loads in Hugging Face transformers and gives
the logits the toolkit gave.

    ./toolkit predict --model DIR --input in.jsonl --output out.jsonl
    python tools/check_hf_roundtrip.py DIR in.jsonl out.jsonl [--tolerance 1e-4]

Needs torch and transformers (a reference check, never a dependency of the Java product). Exits 0
when every row's logits agree within the tolerance and the labels match config.json's id2label.
"""
import argparse
import json
import sys

import torch
from transformers import BertForSequenceClassification, PreTrainedTokenizerFast


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir")
    parser.add_argument("inputs", help="JSONL with text and optional text_pair, as given to ./toolkit predict")
    parser.add_argument("outputs", help="JSONL written by ./toolkit predict")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    parser.add_argument("--max-length", type=int, default=512)
    args = parser.parse_args()

    model = BertForSequenceClassification.from_pretrained(args.model_dir).eval()
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=f"{args.model_dir}/tokenizer.json")
    with open(args.inputs, encoding="utf-8") as f:
        inputs = [json.loads(line) for line in f if line.strip()]
    with open(args.outputs, encoding="utf-8") as f:
        outputs = [json.loads(line) for line in f if line.strip()]
    if len(inputs) != len(outputs):
        print(f"{len(inputs)} inputs but {len(outputs)} outputs", file=sys.stderr)
        return 1

    worst = 0.0
    for i, (row, out) in enumerate(zip(inputs, outputs), start=1):
        enc = tokenizer(row["text"], row.get("text_pair"), truncation=True, max_length=args.max_length,
                        return_tensors="pt")
        with torch.no_grad():
            logits = model(**enc).logits[0]
        ours = torch.tensor(out["logits"], dtype=logits.dtype)
        diff = (logits - ours).abs().max().item()
        worst = max(worst, diff)
        label = model.config.id2label[int(logits.argmax())]
        if diff > args.tolerance or label != out["label"]:
            print(f"row {i}: transformers {logits.tolist()} ({label}) vs toolkit {out['logits']} ({out['label']})",
                  file=sys.stderr)
            return 1
    print(json.dumps({"rows": len(inputs), "max_abs_logit_difference": worst, "tolerance": args.tolerance,
                      "labels": model.config.id2label}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
