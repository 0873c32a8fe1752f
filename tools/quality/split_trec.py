#!/usr/bin/env python3
"""Splits TREC's train_5500.label into three disjoint, label-stratified parts for the quality figures.

    python3 tools/quality/split_trec.py datasets/trec/train_5500.label OUT_DIR [--seed 13]

Writes OUT_DIR/{train,dev,test}.label (80/10/10 of each coarse label, lines unchanged): dev for early
stopping and checkpoint choice, test for the figures only (a dev set that chose the checkpoint
flatters it). Standard library only; the same file and seed always give the same split.
"""
import argparse
import random
from collections import defaultdict
from pathlib import Path

HELD_OUT = 0.1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    by_label = defaultdict(list)
    for line in args.source.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.strip():
            by_label[line.split(":", 1)[0]].append(line)
    rng = random.Random(args.seed)
    parts = {"train": [], "dev": [], "test": []}
    for label in sorted(by_label):
        lines = by_label[label]
        rng.shuffle(lines)
        held = max(1, round(HELD_OUT * len(lines)))
        parts["test"] += lines[:held]
        parts["dev"] += lines[held:2 * held]
        parts["train"] += lines[2 * held:]
    args.out.mkdir(parents=True, exist_ok=True)
    for name, lines in parts.items():
        rng.shuffle(lines)
        (args.out / f"{name}.label").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(name, len(lines))


if __name__ == "__main__":
    main()
