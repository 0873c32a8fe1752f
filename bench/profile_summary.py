"""Summarises a libtorch profiler trace (`./toolkit bench WORKLOAD --profile TRACE.json`, or a torch
profiler's `export_chrome_trace`): per operator, calls and total wall time, most expensive first.

    python bench/profile_summary.py TRACE.json [--top N] [--op aten::add_]

`--op NAME` lists that operator's calls by input shapes instead. Times include nested calls (an
`aten::linear` contains its `aten::addmm`), so compare an operator with itself across traces.
"""
import argparse
import collections
import json


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trace")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--op", help="list this operator's calls by input shapes")
    args = parser.parse_args()
    with open(args.trace) as f:
        text = f.read().strip()
    # libtorch's writer may leave a trailing comma before the closing bracket
    events = json.loads(text if not text.endswith(",\n]") else text[:-3] + "]")
    if isinstance(events, dict):  # torch.profiler's export_chrome_trace wraps the list
        events = events["traceEvents"]
    events = [e for e in events if e.get("ph") == "X"]
    if args.op:
        shapes = collections.Counter(json.dumps(e.get("shape")) for e in events if e["name"] == args.op)
        for shape, count in shapes.most_common(args.top):
            print(f"{count:6d}  {shape}")
        return
    calls = collections.Counter()
    micros = collections.Counter()
    for e in events:
        calls[e["name"]] += 1
        micros[e["name"]] += float(e.get("dur", 0))
    print(f"{'operator':40s} {'calls':>7s} {'total ms':>10s}")
    for name, total in micros.most_common(args.top):
        print(f"{name:40s} {calls[name]:7d} {total / 1000:10.1f}")


if __name__ == "__main__":
    main()
