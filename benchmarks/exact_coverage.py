"""Benchmark: how many of axelrod's strategies have an exact finite-state form, and whether the
forms agree with play.

**Coverage** (always): the strategies counted are those of ``axelrod.strategies`` — axelrod's
list of strategies that obey the rules, i.e. whose classifier says they neither inspect nor
manipulate the source or the state of their opponent (``inspects_source``,
``manipulates_source``, ``manipulates_state`` all false); the script checks that this list is
exactly the classifier's verdict over ``axelrod.all_strategies``. For each, a default-built
player (no match length, the default game) is given to
:func:`tournaments.engines.exact.finite_state_form`, and the strategies with a form are counted by
where the form comes from (:func:`tournaments.engines.axelrod_forms.form_family`), with the time
taken to build every form once (extraction included; forms are cached afterwards), the forms'
sizes and how many ordered pairs of the strategies ``engine: auto`` would solve exactly (both
have a form and the joint chain is within ``MAX_JOINT_STATES``).

**Check** (``--check``): every covered strategy against a fixed panel of six deterministic
classics (Cooperator, Defector, Tit For Tat, Grudger, Win-Stay Lose-Shift, Alternator) in the
Prisoner's Dilemma (R, S, T, P) = (3, 0, 5, 1) at noise 0.01 and 0, in
fixed-length matches whose length is drawn per (strategy, opponent, noise) from 50 to 200 turns
(the players are told it, as axelrod's ``Match`` tells them). Each pair is solved exactly
(:func:`tournaments.engines.exact.solve_pair`, the forms built for that length) and simulated
``--reps`` times with the real players
(:func:`tournaments.engines.axelrod_forms.compare_with_play`); the script reports the largest
|z| = |simulated − exact| / se of the mean payoff per round (and of the cooperation rate) over
all stochastic pairs, and the largest |simulated − exact| over the deterministic noiseless pairs
(played once; they must agree exactly). Target: no |z| > 4 at 20,000 repetitions.

Usage::

    PYTHONPATH=. python benchmarks/exact_coverage.py [--check] [--reps N] [--processes N]
        [--only NAME ...] [--csv FILE] [--journal FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tournaments._axelrod import load as load_axelrod  # noqa: E402
from tournaments.engines.axelrod_forms import (  # noqa: E402
    compare_with_play,
    form_family,
    recognised,
)
from tournaments.engines.exact import MAX_JOINT_STATES, finite_state_form  # noqa: E402
from tournaments.model.games import builtin  # noqa: E402

#: The check's opponents (axelrod class names), noise levels and range of match lengths.
PANEL = ("Cooperator", "Defector", "TitForTat", "Grudger", "WinStayLoseShift", "Alternator")
NOISES = (0.01, 0.0)
TURNS = (50, 200)
CHEATING = ("inspects_source", "manipulates_source", "manipulates_state")
GAME = builtin("prisoners_dilemma")


def non_cheating(axl) -> list[type]:
    """``axelrod.strategies``, checked against the classifier over every strategy."""
    by_classifier = {cls for cls in axl.all_strategies
                     if not any(axl.Classifiers[key](cls()) for key in CHEATING)}
    listed = set(axl.strategies)
    if listed != by_classifier:
        raise SystemExit(f"axelrod.strategies ({len(listed)}) differs from the classifier's "
                         f"non-cheating strategies ({len(by_classifier)})")
    return sorted(listed, key=lambda cls: cls.__name__)


def coverage(axl, strategies: list[type]) -> dict[str, list[str]]:
    """Family → names of the strategies whose default player has a form."""
    families = defaultdict(list)
    for cls in strategies:
        family = form_family(cls()) if recognised(cls) else None
        if family is not None:
            families[family].append(cls.__name__)
    return families


def check_pair(task: tuple) -> dict:
    """Exact against simulated values of one (strategy, opponent, noise, turns)."""
    name, rival, noise, turns, reps, seed = task
    axl = load_axelrod()
    player, partner = getattr(axl, name)(), getattr(axl, rival)()
    stochastic = noise > 0 or any(axl.Classifiers["stochastic"](p) for p in (player, partner))
    row = {"strategy": name, "opponent": rival, "noise": noise, "turns": turns,
           "stochastic": stochastic}
    result = compare_with_play(player, partner, GAME, turns=turns, noise=noise,
                               repetitions=reps if stochastic else 1, seed=seed)
    if result is None:
        return {**row, "status": "no form at a known length"}
    row["status"] = "checked"
    for column, (gap, z) in result.items():
        row[f"{column}_gap"], row[f"{column}_z"] = gap, z
    return row


def run_check(strategies: list[str], reps: int, processes: int, seed: int,
              journal: Path | None = None) -> list[dict]:
    """Every (strategy, opponent, noise) of the check; with a journal (JSON lines), each row
    is appended as it finishes and the rows already there are not checked again, so an
    interrupted check resumes where it stopped (the tasks' lengths and seeds come from
    ``seed`` alone)."""
    import json

    from tqdm import tqdm

    rng = np.random.default_rng(seed)
    tasks = [(name, rival, noise, int(rng.integers(TURNS[0], TURNS[1] + 1)), reps,
              int(rng.integers(2**31)))
             for name in strategies for rival in PANEL for noise in NOISES]
    rows = []
    if journal is not None and journal.exists():
        rows = [json.loads(line) for line in journal.read_text().splitlines() if line]
        done = {(r["strategy"], r["opponent"], r["noise"], r["turns"]) for r in rows}
        tasks = [t for t in tasks if t[:4] not in done]
    with contextlib.ExitStack() as stack:
        if processes > 1:
            pool = stack.enter_context(multiprocessing.get_context("fork").Pool(processes))
            results = pool.imap_unordered(check_pair, tasks)
        else:
            results = map(check_pair, tasks)
        sink = stack.enter_context(journal.open("a")) if journal is not None else None
        for row in tqdm(results, total=len(tasks), desc="check", unit="pair", leave=False):
            rows.append(row)
            if sink is not None:
                sink.write(json.dumps(row) + "\n")
                sink.flush()
    return sorted(rows, key=lambda r: (r["strategy"], r["opponent"], r["noise"]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="check every form against play")
    parser.add_argument("--reps", type=int, default=20_000, help="repetitions per pair")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--only", nargs="*", help="check only these strategies (class names)")
    parser.add_argument("--csv", type=Path, help="write every checked pair's row to this file")
    parser.add_argument("--journal", type=Path,
                        help="append each checked pair to this file (JSON lines) as it finishes "
                             "and skip the pairs it already holds: an interrupted check resumes")
    args = parser.parse_args()

    axl = load_axelrod()
    strategies = non_cheating(axl)
    start = time.perf_counter()
    families = coverage(axl, strategies)
    elapsed = time.perf_counter() - start
    covered = sum(len(v) for v in families.values())
    print(f"axelrod {axl.__version__}: {len(strategies)} strategies in axelrod.strategies (none "
          f"inspects or manipulates its opponent's source or state; "
          f"{len(axl.all_strategies) - len(strategies)} of axelrod.all_strategies does)")
    print(f"exact form: {covered} of {len(strategies)} ({covered / len(strategies):.0%}); "
          f"built in {elapsed:.2f} s (extraction and its checks included)")
    for family, names in sorted(families.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {len(names):3d}  {family}: {', '.join(names)}")
    # which pairs engine: auto solves: both have a form and the joint chain is small enough
    sizes = np.array([finite_state_form(getattr(axl, name)()).n_states
                      for names in families.values() for name in names]
                     + [0] * (len(strategies) - covered))  # 0: no form
    joint = np.outer(sizes, sizes)
    solved = int(((joint > 0) & (joint <= MAX_JOINT_STATES)).sum())
    print(f"forms of {np.min(sizes[sizes > 0])}–{sizes.max()} states (median "
          f"{np.median(sizes[sizes > 0]):.0f}); of the {len(strategies) ** 2:,} ordered pairs of "
          f"the {len(strategies)} strategies (self-play included), {solved:,} "
          f"({solved / len(strategies) ** 2:.0%}) have two forms whose joint chain is within "
          f"{MAX_JOINT_STATES:,} states: engine: auto solves them exactly")
    if not args.check:
        return

    names = args.only or sorted(n for v in families.values() for n in v)
    start = time.perf_counter()
    rows = run_check(names, args.reps, args.processes, args.seed, args.journal)
    elapsed = time.perf_counter() - start
    checked = [r for r in rows if r["status"] == "checked"]
    skipped = sorted({r["strategy"] for r in rows if r["status"] != "checked"})
    stochastic = [r for r in checked if r["stochastic"]]
    deterministic = [r for r in checked if not r["stochastic"]]
    print(f"\ncheck: {len(names)} strategies × {len(PANEL)} opponents ({', '.join(PANEL)}) × "
          f"noise {NOISES}, {TURNS[0]}–{TURNS[1]} turns; {len(checked)} pairs in "
          f"{elapsed:.0f} s with {args.processes} process(es)")
    if skipped:
        print(f"  no form once told the match length (simulated then): {', '.join(skipped)}")
    if deterministic:
        worst = max(abs(r[f"{c}_gap"]) for r in deterministic
                    for c in ("mean_payoff", "cooperation_rate"))
        print(f"  {len(deterministic)} deterministic pairs (no noise, played once): largest "
              f"|simulated − exact| = {worst:.2e}")
    if stochastic:
        for column in ("mean_payoff", "cooperation_rate"):
            z = np.array([abs(r[f"{column}_z"]) for r in stochastic])
            print(f"  {len(stochastic)} stochastic pairs, {args.reps:,} repetitions each: "
                  f"largest |z| of {column} = {z.max():.2f} (pairs with |z| > 4: "
                  f"{int((z > 4).sum())}; > 3: {int((z > 3).sum())}, about "
                  f"{0.0027 * len(z):.1f} expected by chance)")
            for r in sorted(stochastic, key=lambda r: -abs(r[f"{column}_z"]))[:3]:
                print(f"    {r['strategy']} vs {r['opponent']}, noise {r['noise']}, "
                      f"{r['turns']} turns: z = {r[f'{column}_z']:+.2f} "
                      f"(gap {r[f'{column}_gap']:+.2e})")
    if args.csv:
        import pandas as pd

        pd.DataFrame(rows).to_csv(args.csv, index=False)
        print(f"  every pair: {args.csv}")


if __name__ == "__main__":
    main()
