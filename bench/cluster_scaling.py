#!/usr/bin/python3
"""How each clustering policy's time grows with the number of maps n: inx (bench_cluster) and scikit-learn on the same
matrices (bench/compare_sklearn.py's), same run, same threads, for every n x d of the grid; then the fitted exponent
b of time ~ n^b per policy and d (least squares on log time against log n, over the whole range and over its top
two sizes) and the speed-up at each size.

Usage: bench/cluster_scaling.py --inx build/release/bench/bench_cluster [--n 256,512,1024,2048,4096]
                                [--d 49,196,784] [--only tsne,ward,...] [--threads 2] [--repeats 1] [--no-sklearn]
                                [--json out.json] [--markdown]
"""
import argparse
import json
import math
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_sklearn as cs  # noqa: E402  (the same matrices, calls and timing)


def exponent(ns, ts):
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts) if t > 0 and math.isfinite(t)]
    if len(pts) < 2:
        return float("nan")
    xm = sum(p[0] for p in pts) / len(pts)
    ym = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - xm) ** 2 for p in pts)
    return sum((p[0] - xm) * (p[1] - ym) for p in pts) / sxx


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inx", required=True, help="path to bench_cluster")
    ap.add_argument("--n", default="256,512,1024,2048,4096")
    ap.add_argument("--d", default="49,196,784")
    ap.add_argument("--only", default="kmeans,dbscan,ward,corrcoef,correlation_average,tsne,silhouette,paper")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--no-sklearn", action="store_true", help="time inx only")
    ap.add_argument("--json", help="also write every timing here")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = ap.parse_args()
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    except ImportError:
        pass
    ns = [int(v) for v in args.n.split(",")]
    ds = [int(v) for v in args.d.split(",")]
    only = [p for p in args.only.split(",") if p]
    rows = []  # (policy, n, d, sklearn ms, inx ms)
    with tempfile.TemporaryDirectory() as folder:
        for d in ds:
            for n in ns:
                x = cs.make_matrix(n, d)
                np.save(os.path.join(folder, f"x_n{n}_d{d}.npy"), x)
                calls = cs.sklearn_calls(x)
                for name in only:
                    ms_inx = cs.run_inx(args.inx, name, n, d, folder, args.threads)
                    ms_sk = float("nan") if args.no_sklearn else cs.time_call(calls[name], args.repeats)
                    rows.append((name, n, d, ms_sk, ms_inx))
                    print(f"  {name:20s} n={n:5d} d={d:4d}  sklearn {ms_sk:10.1f} ms  inx {ms_inx:9.1f} ms  "
                          f"{ms_sk / ms_inx:6.1f}x", file=sys.stderr, flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump([dict(zip(("policy", "n", "d", "sklearn_ms", "inx_ms"), r)) for r in rows], f, indent=1)

    sep = " | " if args.markdown else "  "
    def line(cells):
        return ("| " + sep.join(cells) + " |") if args.markdown else sep.join(cells)
    for d in ds:
        head = ["policy (d = %d)" % d] + [f"n={n} inx ms (x)" for n in ns] + ["b inx", "b top", "b sklearn"]
        print(line(head))
        if args.markdown:
            print("|" + "---|" * len(head))
        for name in only:
            sel = [r for r in rows if r[0] == name and r[2] == d]
            cells = [name]
            for r in sel:
                cells.append(f"{r[4]:.1f} ({r[3] / r[4]:.1f}x)" if math.isfinite(r[3]) else f"{r[4]:.1f}")
            t_inx = [r[4] for r in sel]
            t_sk = [r[3] for r in sel]
            cells += [f"{exponent(ns, t_inx):.2f}", f"{exponent(ns[-2:], t_inx[-2:]):.2f}",
                      f"{exponent(ns, t_sk):.2f}" if not args.no_sklearn else "-"]
            print(line(cells))
        print()


if __name__ == "__main__":
    main()
