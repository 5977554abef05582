"""Benchmark: how often the tables' 95 % intervals contain the exact value.

A roster whose every pair has a finite-state form (default: ``configs/baseline.yaml``'s eight
strategies) is played at continuation δ and noise ε (default 0.9 and 0.05) with the project's
simulation engine, once per root seed, 100 repetitions per pair: exactly the matches
``tournaments run --seed SEED`` plays with ``repetitions: 100``. A run with ``n`` repetitions
plays the first ``n`` of them (a match's seed depends on the root seed, the two labels and the
repetition only), so the first 5, 10 and 20 are the runs with 5, 10 and 20 repetitions. Each is
summarised by :func:`tournaments.analysis.tables.pairwise_table` and
:func:`~tournaments.analysis.tables.summary_table`, as a run does, and every interval is
compared with the exact solver's value of the same pair (the estimator's limit): the pairwise
intervals (64 ordered pairs, self-play included) and the strategy-level ones (each strategy's
mean over its counted opponents).

Beside the tables' interval, measured on the same matches:

* **delta (before)**: the interval the tables used before, ``R ± t_{0.975, n−1}·se`` with the
  delta-method ``se² = Σ (x_r − R·w_r)² / (n (n − 1) w̄²)``, and for a strategy
  ``√(Σ se²)/k`` with ``n − 1`` degrees of freedom;
* **bootstrap percentile** and **bootstrap-t** (studentised by the delta-method se) over
  repetitions, 999 resamples, for pairs: the alternatives the tables' method was chosen over.
  A bootstrap-t bound is infinite when more than 2.5 % of the resamples have no spread.

The Monte-Carlo error of a coverage is its binomial standard error, clustered by match (the two
ordered rows of a pair come from the same matches). Seeds start at 1000 by default: not the
seeds (0–299) on which the method was chosen.

Usage::

    PYTHONPATH=. python benchmarks/interval_coverage.py [--seeds 300] [--processes 2]
        [--config configs/baseline.yaml] [--continuation 0.9] [--noise 0.05] [--turns N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy.stats import t as student_t

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tournaments import pipeline  # noqa: E402
from tournaments.analysis.tables import pairwise_table, summary_table  # noqa: E402
from tournaments.engines import simulate as engine  # noqa: E402
from tournaments.model.accounting import MATCH_FIELDS  # noqa: E402
from tournaments.model.roster import build_specs  # noqa: E402

REPETITIONS = (5, 10, 20, 100)
RESAMPLES = 999


def setting(args) -> tuple:
    """The config at the benchmark's δ, ε (and turns), its roster, plan and exact values."""
    raw = yaml.safe_load(Path(args.config).read_text())
    match = {"continuation": args.continuation, "noise": args.noise}
    if args.turns:
        match["turns"] = args.turns
    raw["match"] = {**match, "engine": "exact"}
    exact_config = pipeline.load(raw, source=args.config)
    specs = build_specs(exact_config, source=args.config)
    plan = pipeline.plan(exact_config, specs)
    exact, rest = pipeline.solve_exactly(exact_config, plan, source=args.config)
    if rest:
        raise SystemExit(f"{args.config}: {len(rest)} pair(s) without a finite-state form")
    raw["match"] = {**match, "engine": "simulate", "repetitions": max(REPETITIONS)}
    config = pipeline.load(raw, source=args.config)
    return config, specs, plan, exact


def play(job) -> tuple[list, list[np.ndarray]]:
    """Every pair of the plan, ``max(REPETITIONS)`` repetitions, under one root seed: the
    pairs' tasks and their match totals."""
    config, specs, plan, seed = job
    m = config.match
    tasks = [engine.PairTask(specs[i], specs[j], plan.game, m.turns, m.continuation, m.noise,
                             m.repetitions, seed, config.transfer_efficiency)
             for i, j in plan.pairs]
    return tasks, [engine.play_pair(task) for task in tasks]


def first(tasks: list, totals: list[np.ndarray], n: int) -> pd.DataFrame:
    """The simulated records of a run of the first ``n`` repetitions (as a run makes them)."""
    return pd.DataFrame([record for task, t in zip(tasks, totals, strict=True)
                         for record in engine.aggregate(task.row.label, task.col.label, t[:n])])


def per_repetition(tasks: list, totals: list[np.ndarray],
                   n: int) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """Per ordered pair (rows) and repetition (columns) of the first ``n``: net total and
    rounds, self-play as the mean of its two seats (as the tables hold it)."""
    net, rounds = (MATCH_FIELDS.index(f) for f in ("net", "rounds"))
    keys, x, w = [], [], []
    for task, t in zip(tasks, totals, strict=True):
        t = t[:n]
        seats = ([(task.row.label, task.col.label, t.mean(axis=1))]
                 if task.row.label == task.col.label else
                 [(task.row.label, task.col.label, t[:, 0]),
                  (task.col.label, task.row.label, t[:, 1])])
        for player, opponent, seat in seats:
            keys.append((player, opponent))
            x.append(seat[:, net])
            w.append(seat[:, rounds])
    order = sorted(range(len(keys)), key=keys.__getitem__)  # pairs by label
    return (pd.MultiIndex.from_tuples([keys[k] for k in order]), np.array(x)[order],
            np.array(w)[order])


def delta_interval(x: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The interval of the tables before: estimate, delta-method se (rows = pairs)."""
    n = x.shape[-1]
    estimate = x.sum(-1) / w.sum(-1)
    residual = x - estimate[:, None] * w
    se = np.sqrt((residual**2).sum(-1) / (n * (n - 1))) / w.mean(-1)
    return estimate, se


def bootstrap(x: np.ndarray, w: np.ndarray, seed: int) -> dict[str, tuple]:
    """Percentile and bootstrap-t intervals over repetitions (rows = pairs)."""
    n = x.shape[-1]
    rng = np.random.default_rng(seed)
    counts = np.stack([np.bincount(draw, minlength=n)
                       for draw in rng.integers(0, n, size=(RESAMPLES, n))]).astype(float)
    sx, sw = x @ counts.T, w @ counts.T
    ratio = sx / sw
    spread = (x * x) @ counts.T - 2 * ratio * ((x * w) @ counts.T) + ratio**2 * ((w * w) @ counts.T)
    se_star = np.sqrt(np.maximum(spread, 0) / (n * (n - 1))) / (sw / n)
    # a resample without spread (every repetition it drew has one value per round) has se 0,
    # whatever round-off leaves in ``spread``: its t is infinite (0 if it is the estimate)
    per_round = x / w
    drawn = counts[None, :, :] > 0
    flat = (np.where(drawn, per_round[:, None, :], -np.inf).max(-1)
            == np.where(drawn, per_round[:, None, :], np.inf).min(-1))
    estimate, se = delta_interval(x, w)
    gap = ratio - estimate[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        t_star = np.where(flat, np.where(np.isclose(gap, 0, atol=1e-12), 0.0,
                                         np.sign(gap) * np.inf), gap / se_star)

    def quantile(a, q):  # the order statistic (B + 1)·q: defined with infinite values
        return np.sort(a, axis=-1)[:, int(np.floor(q * (RESAMPLES + 1))) - 1]

    percentile = quantile(ratio, 0.025), quantile(ratio, 0.975)
    with np.errstate(invalid="ignore"):
        studentised = (estimate - quantile(t_star, 0.975) * se,
                       estimate - quantile(t_star, 0.025) * se)
    studentised = tuple(np.where(se > 0, b, estimate) for b in studentised)
    return {"bootstrap percentile": percentile, "bootstrap-t": studentised}


def evaluate(job) -> dict:
    """Coverage indicators of every interval of one seed, per repetition count."""
    config, specs, plan, exact, entries, seed = job
    tasks, totals = play((config, specs, plan, seed))
    truth = exact.set_index(["player", "opponent"])["mean_payoff"]
    order = list(entries["strategy"])
    out = {}
    for n in REPETITIONS:
        pairwise = pairwise_table(first(tasks, totals, n), order, counted=set(plan.counted))
        summary = summary_table(pairwise, entries)
        index, x, w = per_repetition(tasks, totals, n)
        value = truth.reindex(index).to_numpy()
        rows = pairwise.set_index(["player", "opponent"]).reindex(index)
        methods = {"tables": (rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy())}
        estimate, se = delta_interval(x, w)
        half = student_t.ppf(0.975, n - 1) * se
        methods["delta (before)"] = (estimate - half, estimate + half)
        methods.update(bootstrap(x, w, seed))
        pairs = {name: (low <= value) & (value <= high) for name, (low, high) in methods.items()}
        widths = {name: high - low for name, (low, high) in methods.items()}

        # strategy level: the mean over counted opponents
        counted = pd.MultiIndex.from_tuples(sorted(plan.counted))
        in_mean = index.isin(counted)
        players = index.get_level_values(0)
        frame = pd.DataFrame({"player": players[in_mean], "value": value[in_mean],
                              "se2": se[in_mean] ** 2, "estimate": estimate[in_mean]})
        grouped = frame.groupby("player")
        target = grouped["value"].mean()
        k = grouped.size()
        old_half = student_t.ppf(0.975, n - 1) * np.sqrt(grouped["se2"].sum()) / k
        old_mean = grouped["estimate"].mean()
        rows = summary.set_index("strategy").reindex(target.index)
        strategies = {
            "tables": ((rows["ci_low"] <= target) & (target <= rows["ci_high"])).to_numpy(),
            "delta (before)": ((old_mean - old_half <= target)
                               & (target <= old_mean + old_half)).to_numpy(),
        }
        out[n] = {"pairs": pairs, "widths": widths, "strategies": strategies,
                  "index": index, "strategy_index": target.index}
    return out


def coverage(hits: np.ndarray, clusters: np.ndarray) -> tuple[float, float]:
    """Share of hits and its binomial standard error clustered by ``clusters``."""
    p = hits.mean()
    sums = pd.Series(hits - p).groupby(clusters).sum().to_numpy()
    return float(p), float(np.sqrt((sums**2).sum()) / len(hits))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=300, help="root seeds (runs)")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--config", default="configs/baseline.yaml")
    parser.add_argument("--continuation", type=float, default=0.9)
    parser.add_argument("--noise", type=float, default=0.05)
    parser.add_argument("--turns", type=int, default=None)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    config, specs, plan, exact = setting(args)
    entries = pipeline.entries_frame(config, specs)
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    jobs = [(config, specs, plan, exact, entries, seed) for seed in seeds]
    if args.processes > 1:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(args.processes, mp_context=context) as pool:
            results = list(pool.map(evaluate, jobs, chunksize=4))
    else:
        results = [evaluate(job) for job in jobs]

    m = config.match
    length = f"{m.turns} turns" if m.turns else f"continuation δ = {m.continuation}"
    print(f"{args.config}: {len(specs)} strategies, {len(results[0][10]['index'])} ordered "
          f"pairs; {length}, noise ε = {m.noise}; {args.seeds} runs (root seeds "
          f"{seeds[0]}–{seeds[-1]}) of {max(REPETITIONS)} repetitions; "
          f"{time.perf_counter() - start:.0f} s")
    print("coverage of the 95 % intervals (± Monte-Carlo standard error, clustered by match)")
    methods = list(results[0][10]["pairs"])
    width = max(map(len, methods))
    for level in ("pairs", "strategies"):
        print(f"\n{level}:")
        print(f"  {'reps':>4}  " + "  ".join(f"{name:>{max(width, 14)}}" for name in methods
                                             if name in results[0][10][level]))
        for n in REPETITIONS:
            cells = []
            for name in methods:
                if name not in results[0][n][level]:
                    continue
                hits = np.concatenate([r[n][level][name] for r in results]).astype(float)
                clusters = np.concatenate([
                    [f"{s}:{'|'.join(sorted(pair))}" if level == "pairs" else f"{s}:{pair}"
                     for pair in r[n]["index" if level == "pairs" else "strategy_index"]]
                    for s, r in zip(seeds, results, strict=True)])
                p, se = coverage(hits, clusters)
                cells.append(f"{100 * p:6.1f} % ± {100 * se:3.1f}")
            print(f"  {n:>4}  " + "  ".join(f"{c:>{max(width, 14)}}" for c in cells))

    print("\npairs: median width; share of zero-width and of infinite intervals")
    for n in REPETITIONS:
        parts = []
        for name in methods:
            w = np.concatenate([r[n]["widths"][name] for r in results])
            parts.append(f"{name} {np.median(w):.3f} ({100 * np.mean(w == 0):.1f} % zero, "
                         f"{100 * np.mean(~np.isfinite(w)):.1f} % infinite)")
        print(f"  {n:>4}: " + "; ".join(parts))

    print("\nworst pair of the tables' interval (its coverage ± binomial se over runs), and of "
          "the delta method before:")
    for n in REPETITIONS:
        hits = np.stack([r[n]["pairs"]["tables"] for r in results]).mean(0)
        before = np.stack([r[n]["pairs"]["delta (before)"] for r in results]).mean(0)
        index = results[0][n]["index"]
        k, j = int(hits.argmin()), int(before.argmin())
        se = np.sqrt(hits[k] * (1 - hits[k]) / len(results))
        print(f"  {n:>4} reps: {' vs '.join(index[k])} {100 * hits[k]:.1f} % ± {100 * se:.1f} "
              f"(before {100 * before[k]:.1f} %), {int((hits < 0.9).sum())} pairs below 90 %; "
              f"before: {' vs '.join(index[j])} {100 * before[j]:.1f} %, "
              f"{int((before < 0.9).sum())} below 90 %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
