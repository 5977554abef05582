"""The full axelrod library at scale: axelrod's serial Tournament beside the project, same run.

The roster: axelrod's short-run-time strategies that do not cheat (``axl.short_run_time_strategies``
less any the classifier says inspects or manipulates source or state: 222 in axelrod 4.13) plus
the project's strategies that play a symmetric game with their defaults; 200 turns, noise 0.01,
10 repetitions, self-play included on both sides (axelrod's round robin plays it).

Measured in this run, each side in a fresh process (so that the import of axelrod and the memory
of one side do not count for the other):

* axelrod's ``Tournament.play()`` (serial, building its result set). Not ``processes=1``: in
  axelrod 4.13 that starts one worker process per core (``Tournament._n_workers`` takes any
  value below 2 as "all cores"), which halved the serial time on two cores;
* the project's ``tournaments.pipeline.run`` with ``engine: auto`` (pairs with an exact form are
  solved, the rest simulated) on an embedded dask cluster of 1 and of 2 workers (``--workers``),
  survival analysis and self-enforcement included;

printing wall times, the ratio to axelrod's serial time, the share of pairs solved exactly, the
peak memory of the whole process tree (the process and its dask workers, sampled every 0.2 s) and
its CPU time (user and system, imports included: the cores a side kept busy).
``--strategies N`` takes N strategies spread evenly over the roster, for a quick look;
``--memory-repetitions 10 100`` also runs the project at those repetitions (1 worker) and prints
each peak memory, which should not grow with repetitions (each pair's repetitions are reduced to
its records as soon as they are played).

``--batch K`` instead measures what a dask worker adds: the CPU time of playing the K-th batch of
the simulated pairs (as a two-worker run cuts them) in this process, on a worker of an embedded
cluster with dask's default settings and on one with the project's
(``tournaments.engines.cluster.QUIET_WORKERS``), each worker playing it twice (the first time
includes the worker's one-off warm-up).

``--play K`` instead measures the project's two ways of playing a match faster than stock axelrod
plays it: the CPU time of playing every K-th simulated pair (all its repetitions), each way in a
fresh process — with stock axelrod and every player built afresh for each repetition (as before),
with axelrod's actions hashed in C (``tournaments._axelrod.load``), and with players also copied
from one built player (``PlayerSpec.factory``, as shipped) — and whether all three give the same
bytes. The axelrod side of the main comparison imports stock axelrod (its actions hashed by
``Enum``'s Python ``__hash__``), as a user of axelrod runs it.

``--exact-solve`` instead times the exact solve of the roster's exact pairs (which a run does in
the main process while the workers play) as shipped, chains above 256 joint states solved
sparse, and with every chain dense (as before the sparse path), printing both times and the
largest difference between their values.

Usage: python benchmarks/full_library.py [--strategies N] [--repetitions 10] [--workers 1 2]
    [--memory-repetitions 10 100] [--batch K] [--play K] [--exact-solve]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHEATING = ("inspects_source", "manipulates_source", "manipulates_state")


def roster(limit: int | None) -> list[str]:
    """Names of the benchmark's strategies: axelrod's short-run non-cheating ones, then the
    project's that build and play the prisoner's dilemma with their defaults."""
    from strategies.registry import project_strategies
    from tournaments._axelrod import load
    from tournaments.model.config import load_config
    from tournaments.model.roster import build_specs

    axl = load()
    names = [s.name for s in axl.short_run_time_strategies
             if not any(axl.Classifiers[k](s()) for k in CHEATING)]
    for name in project_strategies():
        try:
            config = load_config({"name": "probe", "roster": [{"strategy": name},
                                                              {"strategy": "Cooperator"}]},
                                 origin="<benchmark>")
            build_specs(config, source="<benchmark>")
        except Exception:  # noqa: BLE001 - a strategy that needs a role or a club
            continue
        names.append(name)
    if limit is not None and limit < len(names):
        step = len(names) / limit
        names = [names[int(k * step)] for k in range(limit)]
    return names


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        process = psutil.Process(pid)
        members = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def measured(args: list[str]) -> dict:
    """Run this script with ``args`` in a fresh process; its JSON result with the peak memory
    of its process tree and its CPU time (the whole process tree's, imports included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE,
                               text=True, cwd=ROOT)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(process.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {process.returncode}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the tree: each process waited for
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {**json.loads(out.strip().splitlines()[-1]), "peak_mb": peak[0] / 2**20, "cpu": cpu}


def config(names: list[str], turns: int, noise: float, repetitions: int) -> dict:
    return {"name": "full_library", "seed": 1, "roster": [{"strategy": n} for n in names],
            "match": {"turns": turns, "noise": noise, "repetitions": repetitions,
                      "engine": "auto", "self_play": True}}


def play_axelrod(names: list[str], turns: int, noise: float, repetitions: int) -> dict:
    """axelrod's own tournament of the same players (the project's strategies built as the
    project builds them; axelrod ignores their payments)."""
    from tournaments._axelrod import load
    from tournaments.model.config import load_config
    from tournaments.model.roster import build_specs

    axl = load()
    assert axl.Action.__hash__ is not object.__hash__  # stock axelrod, imported before load()
    specs = build_specs(load_config(config(names, turns, noise, repetitions),
                                    origin="<benchmark>"), source="<benchmark>")
    players = [spec.make() for spec in specs]
    start = time.perf_counter()
    tournament = axl.Tournament(players, turns=turns, noise=noise, repetitions=repetitions,
                                seed=1)
    tournament.play(progress_bar=False)  # processes=None: serial
    return {"seconds": time.perf_counter() - start}


def play_project(names: list[str], turns: int, noise: float, repetitions: int,
                 workers: int) -> dict:
    from tournaments import _axelrod
    from tournaments.pipeline import run

    _axelrod.load()  # as in axelrod's measurement, the import is not timed
    start = time.perf_counter()
    result = run(config(names, turns, noise, repetitions), progress=False, workers=workers)
    seconds = time.perf_counter() - start
    engines = result.pairwise.drop_duplicates(["player", "opponent"])["engine"]
    return {"seconds": seconds, "exact_share": float((engines == "exact").mean()),
            "pairs": int(len(engines))}


def planned(names: list[str], turns: int, noise: float, repetitions: int):
    """The run's validated config, its plan, the exact pairs' forms and the pairs left to
    simulate, as ``pipeline.run`` finds them (axelrod imported first)."""
    from tournaments import _axelrod, pipeline
    from tournaments.model.roster import build_specs

    _axelrod.load()
    source = "<benchmark>"
    settings = pipeline.load(config(names, turns, noise, repetitions), source=source)
    the_plan = pipeline.plan(settings, build_specs(settings, source=source))
    found, rest = pipeline.exact_forms(settings, the_plan, source=source)
    return settings, the_plan, found, rest


def _cpu_of(batch, config) -> float:
    """CPU seconds of playing a batch of pairs as a worker does."""
    from tournaments.engines.simulate import play_pairs

    start = time.process_time()
    play_pairs(batch, config, "<benchmark>")
    return time.process_time() - start


def play_batch(names: list[str], turns: int, noise: float, repetitions: int, k: int) -> None:
    """Print the CPU time of one batch in this process and on a default and a quiet worker."""
    from unittest import mock

    from tournaments.engines import cluster

    settings, _, _, rest = planned(names, turns, noise, repetitions)
    batch = cluster.batches(rest, None, 2, per_worker=16, interleave=True)[k]
    print(f"batch {k}: {len(batch)} simulated pairs of {len(rest)}", flush=True)
    print(f"  this process                     CPU {_cpu_of(batch, settings):6.1f} s", flush=True)
    for label, quiet in (("dask's default settings", {}),
                         ("QUIET_WORKERS", cluster.QUIET_WORKERS)):
        with mock.patch.object(cluster, "QUIET_WORKERS", quiet), \
                cluster.client(workers=1) as client:
            first, again = (client.submit(_cpu_of, batch, settings, pure=False).result()
                            for _ in range(2))
        print(f"  worker, {label:24s} CPU {again:6.1f} s (first time {first:.1f} s)",
              flush=True)


#: The ways ``--play`` plays a sample of pairs: (label, stock axelrod imported, players copied).
PLAY_WAYS = {"stock": ("stock axelrod, players built each repetition", True, False),
             "c-hash": ("actions hashed in C, players built each repetition", False, False),
             "shipped": ("actions hashed in C, players copied (shipped)", False, True)}


def play_sample(names: list[str], turns: int, noise: float, repetitions: int, k: int,
                way: str) -> dict:
    """The CPU time of playing every k-th simulated pair one way (:data:`PLAY_WAYS`; this
    process imported axelrod as that way needs), and a digest of the match totals."""
    from unittest import mock

    from tournaments._axelrod import load
    from tournaments.engines.simulate import pair_tasks, play_pair
    from tournaments.model.roster import PlayerSpec

    _, stock, copied = PLAY_WAYS[way]
    assert (load().Action.__hash__ is not object.__hash__) == stock
    settings, the_plan, _, rest = planned(names, turns, noise, repetitions)
    tasks = pair_tasks(settings, the_plan.specs, the_plan.game, rest[::k])
    digest = hashlib.sha256()
    built = mock.patch.object(PlayerSpec, "factory", lambda spec: spec.make)
    with contextlib.nullcontext() if copied else built:
        start = time.process_time()
        for task in tasks:
            digest.update(play_pair(task).tobytes())
        cpu = time.process_time() - start
    return {"play_cpu": cpu, "pairs": len(tasks), "digest": digest.hexdigest()}


def exact_solve(names: list[str], turns: int, noise: float, repetitions: int) -> None:
    """Print the time of the exact solve with large chains sparse and with all of them dense."""
    from unittest import mock

    import numpy as np

    from tournaments.engines import exact

    settings, the_plan, found, _ = planned(names, turns, noise, repetitions)
    large = sum(found.forms[a].n_states * found.forms[b].n_states > exact._SPARSE_JOINT_STATES
                for a, b in found.pairs)
    print(f"{len(found.pairs)} exact pairs, {large} of them above "
          f"{exact._SPARSE_JOINT_STATES} joint states", flush=True)
    values = {}
    for label, threshold in (("sparse above 256 states", exact._SPARSE_JOINT_STATES),
                             ("all dense", exact.MAX_JOINT_STATES)):
        with mock.patch.object(exact, "_SPARSE_JOINT_STATES", threshold):
            start = time.perf_counter()
            rows = exact.solve_forms(found, the_plan.game, settings.match,
                                     settings.transfer_efficiency)
            print(f"  {label:24s} {time.perf_counter() - start:6.1f} s", flush=True)
        values[label] = rows.select_dtypes("number").to_numpy()
    print(f"  largest difference {np.abs(np.subtract(*values.values())).max():.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategies", type=int, default=None)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--noise", type=float, default=0.01)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--memory-repetitions", type=int, nargs="*", default=[],
                        help="also run the project (1 worker) at these repetitions and print "
                             "each peak memory: it should not grow with repetitions")
    parser.add_argument("--batch", type=int, default=None,
                        help="print the CPU time of this batch of pairs in this process and on "
                             "a default and a quiet dask worker, and stop")
    parser.add_argument("--play", type=int, default=None,
                        help="print the CPU time of playing every K-th simulated pair with stock "
                             "axelrod, with actions hashed in C and as shipped, and stop")
    parser.add_argument("--exact-solve", action="store_true",
                        help="time the exact solve with large chains sparse and all dense, "
                             "and stop")
    parser.add_argument("--side", choices=["axelrod", "project"], help=argparse.SUPPRESS)
    parser.add_argument("--worker-count", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--way", choices=list(PLAY_WAYS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side == "axelrod" or (args.way and PLAY_WAYS[args.way][1]):
        import axelrod  # noqa: F401 - stock: imported before the project's load()
    names = roster(args.strategies)
    common = (names, args.turns, args.noise, args.repetitions)
    passed = [f"--turns={args.turns}", f"--noise={args.noise}",
              f"--repetitions={args.repetitions}"]
    if args.strategies is not None:
        passed.append(f"--strategies={args.strategies}")
    if args.play is not None and args.way:
        print(json.dumps(play_sample(*common, args.play, args.way)))
        return
    if args.play is not None:
        found = {way: measured([*passed, f"--play={args.play}", f"--way={way}"])
                 for way in PLAY_WAYS}
        print(f"every {args.play}-th simulated pair: {found['stock']['pairs']} pairs, "
              f"{args.repetitions} repetitions", flush=True)
        for way, (label, _, _) in PLAY_WAYS.items():
            print(f"  {label:52s} CPU {found[way]['play_cpu']:6.1f} s  "
                  f"{found['stock']['play_cpu'] / found[way]['play_cpu']:4.2f}x", flush=True)
        same = len({f["digest"] for f in found.values()}) == 1
        print(f"  the same match totals, byte for byte: {'yes' if same else 'NO'}")
        return
    if args.batch is not None:
        play_batch(*common, args.batch)
        return
    if args.exact_solve:
        exact_solve(*common)
        return
    if args.side == "axelrod":
        print(json.dumps(play_axelrod(*common)))
        return
    if args.side == "project":
        print(json.dumps(play_project(*common, args.worker_count)))
        return
    print(f"{len(names)} strategies ({len(names) * (len(names) + 1) // 2} pairs with self-play), "
          f"{args.turns} turns, noise {args.noise}, {args.repetitions} repetitions", flush=True)
    reference = measured([*passed, "--side=axelrod"])
    print(f"  axelrod Tournament, serial          {reference['seconds']:8.1f} s   1.00x   "
          f"peak {reference['peak_mb']:7.0f} MB   CPU {reference['cpu']:7.1f} s", flush=True)
    for workers in args.workers:
        found = measured([*passed, "--side=project", f"--worker-count={workers}"])
        print(f"  project, engine auto, {workers} dask worker(s) {found['seconds']:8.1f} s   "
              f"{reference['seconds'] / found['seconds']:4.2f}x   peak {found['peak_mb']:7.0f} MB"
              f"   CPU {found['cpu']:7.1f} s   {found['exact_share']:.1%} of {found['pairs']} "
              "pairs exact", flush=True)
    for repetitions in args.memory_repetitions:
        found = measured([*(a for a in passed if not a.startswith("--repetitions")),
                          f"--repetitions={repetitions}", "--side=project", "--worker-count=1"])
        print(f"  project, 1 dask worker, {repetitions:>4} repetitions {found['seconds']:8.1f} s"
              f"          peak {found['peak_mb']:7.0f} MB", flush=True)


if __name__ == "__main__":
    main()
