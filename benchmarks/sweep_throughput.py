"""Sweep throughput: cells per second with a plain loop, and with 1 and 2 dask workers.

Runs the same (δ, ε) grid of the baseline roster (configs/baseline.yaml, whose pairs are all
solved exactly by the engine) three ways and prints wall time, cells per second, and the
overhead of the distributed path (cluster start-up, a fresh axelrod import per worker,
scheduling) against the loop. The sweep.csv of every way is compared byte for byte.

Usage: python benchmarks/sweep_throughput.py [--size 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from tournaments.sweep import run_sweep

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10, help="grid of size × size cells")
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "configs" / "baseline.yaml").read_text())
    config["name"] = "sweep-benchmark"
    config["sweep"] = {"grid": {
        "match.continuation": np.round(np.linspace(0.5, 0.99, args.size), 4).tolist(),
        "match.noise": np.round(np.linspace(0.0, 0.1, args.size), 4).tolist()}}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sweep.yaml"
        path.write_text(yaml.safe_dump(config))
        rows = []
        for label, kwargs in (("plain loop", {"executor": "loop"}),
                              ("dask, 1 worker", {"workers": 1}),
                              ("dask, 2 workers", {"workers": 2})):
            out = Path(tmp) / label.replace(" ", "_").replace(",", "")
            start = time.perf_counter()
            outcome = run_sweep(path, out, progress=False, **kwargs)
            seconds = time.perf_counter() - start
            rows.append((label, seconds, outcome.cells, (out / "sweep.csv").read_bytes()))
        cells = rows[0][2]
        print(f"{cells} cells ({args.size} x {args.size} grid of δ and ε), "
              f"{len(config['roster'])} strategies per cell")
        for label, seconds, _, _ in rows:
            print(f"  {label:<16} {seconds:7.2f} s   {cells / seconds:7.1f} cells/s   "
                  f"{seconds / rows[0][1]:5.2f}x the loop's time")
        print(f"  overhead of the distributed path (1 worker − loop): "
              f"{rows[1][1] - rows[0][1]:.2f} s")
        identical = all(r[3] == rows[0][3] for r in rows)
        print(f"  sweep.csv identical across the three: {identical}")


if __name__ == "__main__":
    main()
