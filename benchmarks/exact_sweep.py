"""Exact sweeps: the vectorised fast path beside the per-cell path, measured in the same run.

Three measurements, each printed for both paths side by side:

1. **The baseline's 20 × 20 (δ, ε) sweep** (configs/baseline_sweep.yaml) in this process:
   ``run_sweep(executor="loop", exact_fast_path=False)`` (every cell through the pipeline)
   against ``run_sweep(executor="loop")`` (the fast path), wall time and cells per second; their
   sweep.csv and thresholds.csv are compared byte for byte.
2. **The command line**, in fresh processes (median of ``--repeat``): ``tournaments sweep
   configs/baseline_sweep.yaml`` against ``tournaments run configs/baseline.yaml``'s own cold
   start (target: the sweep within 2 s of it). The command line has no switch for the per-cell
   path; its in-process time is (1).
3. **A 200 × 200 (δ, ε) grid of the baseline** (40,000 cells; target under 60 s end to end),
   and the fast path's own throughput on it — cells computed per second by
   ``exact_sweep.solve_cells`` from expanded cells, without writing files, the median of
   ``--repeat`` runs, with one thread and with the threads a sweep uses
   (``exact_sweep.THREADS``; target ≥ 10,000 cells/s) — beside the per-cell path's cells per second
   (from (1); ``--old-size N`` also runs the per-cell path on an N × N grid, which at ~20
   cells/s takes N²/20 seconds).
4. **Building the large grid's cells** (``expand``), each way in a fresh process: with the cells
   frozen out of the cyclic collector as a sweep does (:mod:`tournaments.heap`), and without
   (a ``gc.freeze()`` beforehand makes ``heap.frozen`` step aside; the imports are frozen either
   way), printing the time, the full collections run meanwhile (``gc.callbacks``), the objects
   the collector tracks, and the cyclic garbage the frozen way kept until the end.

Usage: python benchmarks/exact_sweep.py [--size 200] [--repeat 3] [--old-size N]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tournaments.sweep import expand, run_sweep  # noqa: E402


def grid_config(size: int, directory: Path) -> Path:
    """configs/baseline.yaml with a size × size grid of δ in [0.5, 0.99] and ε in [0, 0.1]."""
    config = yaml.safe_load((ROOT / "configs" / "baseline.yaml").read_text())
    config["name"] = f"baseline-{size}x{size}"
    config["sweep"] = {"grid": {
        "match.continuation": np.round(np.linspace(0.5, 0.99, size), 4).tolist(),
        "match.noise": np.round(np.linspace(0.0, 0.1, size), 4).tolist()}}
    path = directory / f"grid{size}.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def timed_sweep(config: Path, out: Path, **kwargs) -> tuple[float, int]:
    start = time.perf_counter()
    outcome = run_sweep(config, out, executor="loop", progress=False, **kwargs)
    assert not outcome.failed, outcome.failed
    return time.perf_counter() - start, outcome.cells


def same_bytes(a: Path, b: Path) -> bool:
    return all((a / name).read_bytes() == (b / name).read_bytes()
               for name in ("sweep.csv", "thresholds.csv"))


def median_wall(command, repeat: int) -> float:
    """Median wall time of ``command(n)`` (an argument list) run in fresh processes."""
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command(n), cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr[-2000:]
    return statistics.median(times)


def build_cells(size: int, frozen: bool) -> dict:
    """``expand`` of the size × size grid in this (fresh) process, cells frozen or not."""
    from tournaments._axelrod import load

    load()
    full, began = [], []

    def watch(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                began.append(time.perf_counter())
            else:
                full.append(time.perf_counter() - began.pop())

    with tempfile.TemporaryDirectory() as tmp:
        config = grid_config(size, Path(tmp))
        gc.collect()
        if not frozen:
            gc.freeze()  # someone else froze first: tournaments.heap leaves the collector alone
        gc.callbacks.append(watch)
        start = time.perf_counter()
        _, cells, _ = expand(config)
        seconds = time.perf_counter() - start
        gc.callbacks.remove(watch)
        tracked = len(gc.get_objects()) + gc.get_freeze_count()
        gc.unfreeze()
        garbage = gc.collect()  # frozen: all expand made, kept until its scope ended
    return {"seconds": seconds, "collections": len(full), "collecting": sum(full),
            "tracked": tracked, "garbage": garbage, "cells": len(cells)}


def row(label: str, old: str, new: str) -> None:
    print(f"  {label:<40} {old:>18} {new:>18}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200, help="the large grid: size × size")
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per command")
    parser.add_argument("--old-size", type=int, default=0,
                        help="also run the per-cell path on an N × N grid")
    parser.add_argument("--build-cells", choices=["frozen", "not"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_cells:
        print(json.dumps(build_cells(args.size, args.build_cells == "frozen")))
        return
    from tournaments._axelrod import load

    load()  # both paths in this process start with axelrod imported
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        baseline = ROOT / "configs" / "baseline_sweep.yaml"

        print("1. configs/baseline_sweep.yaml (20 × 20 δ × ε, 8 strategies), in this process")
        old_time, cells = timed_sweep(baseline, tmp / "old20", exact_fast_path=False)
        new_time, _ = timed_sweep(baseline, tmp / "new20")
        row("", "per-cell path", "exact fast path")
        row("run_sweep wall time", f"{old_time:.2f} s", f"{new_time:.2f} s")
        row("cells per second", f"{cells / old_time:.1f}", f"{cells / new_time:.1f}")
        print(f"  sweep.csv and thresholds.csv identical: "
              f"{same_bytes(tmp / 'old20', tmp / 'new20')}; {old_time / new_time:.0f}× faster")

        print(f"\n2. the command line, fresh processes (median of {args.repeat})")
        python = sys.executable
        run = median_wall(lambda n: [python, "-m", "tournaments", "run", "configs/baseline.yaml",
                                     "--out", str(tmp / "run"), "--force"], args.repeat)
        sweep = median_wall(lambda n: [python, "-m", "tournaments", "sweep", str(baseline),
                                       "--out", str(tmp / f"cli{n}")], args.repeat)
        print(f"  tournaments run configs/baseline.yaml          {run:6.2f} s")
        print(f"  tournaments sweep configs/baseline_sweep.yaml  {sweep:6.2f} s "
              f"({sweep - run:+.2f} s; target: within +2 s)")
        print(f"  (the same sweep through the per-cell path: {old_time:.1f} s in process, "
              "before the command line's own start-up)")

        size = args.size
        n = size * size
        print(f"\n3. a {size} × {size} grid of the baseline ({n:,} cells)")
        config = grid_config(size, tmp)
        new_big, _ = timed_sweep(config, tmp / "new-big")
        _, expanded, _ = expand(config)
        from tournaments.engines.exact_sweep import THREADS, solve_cells

        engine = {}
        for threads in sorted({1, THREADS}):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                computed = solve_cells(expanded, str(config), threads=threads)
                times.append(time.perf_counter() - start)
                assert not computed.rest
            engine[threads] = statistics.median(times)
        old_rate = cells / old_time
        if args.old_size:
            small = grid_config(args.old_size, tmp)
            t_old, c_old = timed_sweep(small, tmp / "old-small", exact_fast_path=False)
            old_rate = c_old / t_old
            print(f"  (per-cell path measured on {args.old_size} × {args.old_size}: "
                  f"{t_old:.1f} s for {c_old} cells)")
        row("", "per-cell path", "exact fast path")
        row("run_sweep wall time (target < 60 s)",
            f"~{n / old_rate / 60:.0f} min (est.)", f"{new_big:.1f} s")
        row("cells per second, end to end", f"{old_rate:.1f}", f"{n / new_big:.0f}")
        for threads, seconds in engine.items():
            label = f"cells per second, computing, {threads} thread{'s' * (threads > 1)}"
            row(label, f"{old_rate:.1f}", f"{n / seconds:.0f}")
        print(f"  (computing: solve_cells on the expanded cells, no files, median of "
              f"{args.repeat}; {THREADS} thread(s) is what a sweep uses here; target ≥ "
              "10,000/s. The per-cell path's figures are its measured rate, not a run of this "
              "grid.)")

    print(f"\n4. building the {size} × {size} grid's cells (expand), each way in a fresh process")
    ways = {}
    for way in ("not", "frozen"):
        done = subprocess.run([sys.executable, __file__, f"--size={size}",
                               f"--build-cells={way}"], cwd=ROOT, capture_output=True,
                              text=True)
        assert done.returncode == 0, done.stderr[-2000:]
        ways[way] = json.loads(done.stdout.strip().splitlines()[-1])
    not_, frozen = ways["not"], ways["frozen"]
    row("", "collected as usual", "frozen (a sweep)")
    row("expand wall time", f"{not_['seconds']:.2f} s", f"{frozen['seconds']:.2f} s")
    row("full collections during it", f"{not_['collections']}", f"{frozen['collections']}")
    row("time in them", f"{not_['collecting']:.2f} s", f"{frozen['collecting']:.2f} s")
    row("objects the collector tracks", f"{not_['tracked']:,}", f"{frozen['tracked']:,}")
    print(f"  (cyclic garbage kept frozen until expand ended: {frozen['garbage']:,} objects for "
          f"{frozen['cells']:,} cells)")


if __name__ == "__main__":
    main()
