#!/usr/bin/env python3
"""Compares two JSON files: the same structure, keys in the same order, equal strings, integers and booleans, and
numbers within a relative tolerance (--rtol, default 1e-6; 0 asks for bit-for-bit equality). Keys given with
--ignore (e.g. "wrote" paths that name the output folder) are skipped wherever they occur. Prints the first
differences and exits 1 when there are any."""
import argparse
import json
import math
import sys


def compare(a, b, path, rtol, ignore, out, worst):
    if isinstance(a, dict) and isinstance(b, dict):
        ka, kb = [k for k in a if k not in ignore], [k for k in b if k not in ignore]
        if ka != kb:
            out.append(f"{path}: keys {ka} vs {kb}")
            return
        for k in ka:
            compare(a[k], b[k], f"{path}/{k}", rtol, ignore, out, worst)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} vs {len(b)} items")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", rtol, ignore, out, worst)
    elif isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None or b is None:
        if a != b or type(a) is not type(b):
            out.append(f"{path}: {a!r} vs {b!r}")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            if a != b:
                out.append(f"{path}: {a} vs {b}")
            return
        scale = max(abs(a), abs(b))
        rel = 0.0 if a == b else (abs(a - b) / scale if scale > 0 else math.inf)
        worst[0] = max(worst[0], rel)
        if rel > rtol:
            out.append(f"{path}: {a!r} vs {b!r} (relative {rel:.3g} > {rtol:g})")
    else:
        out.append(f"{path}: {type(a).__name__} vs {type(b).__name__}")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--rtol", type=float, default=1e-6)
    p.add_argument("--ignore", action="append", default=[])
    args = p.parse_args()
    with open(args.a, encoding="utf-8") as f:
        a = json.load(f)
    with open(args.b, encoding="utf-8") as f:
        b = json.load(f)
    out, worst = [], [0.0]
    compare(a, b, "", args.rtol, set(args.ignore), out, worst)
    if out:
        print(f"{args.a} and {args.b} differ in {len(out)} places:", *out[:10], sep="\n  ")
        sys.exit(1)
    print(f"{args.a} and {args.b} agree (largest relative difference {worst[0]:.3g})")


if __name__ == "__main__":
    main()
