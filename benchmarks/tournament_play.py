"""Playing a tournament: the project's runner against axelrod's own Tournament, same run.

The same roster, match length, noise and repetitions are played by
  * ``tournaments.api.run`` simulating every pair (``engine: simulate``) with 1 and 2 processes
    (forked workers that inherit axelrod), and with ``engine: auto`` (every pair of this roster
    has a finite-state form, so it is solved exactly: no repetitions are played);
  * ``axelrod.Tournament.play`` serially and with ``processes=2`` (spawned workers that each
    re-import axelrod).
The project's run also computes the survival analysis; axelrod's does not.
Both sides play every pair (axelrod's round robin includes self-play, so the project's run has
``self_play: true`` here). Prints wall times and the ratio of each to axelrod's serial play.

Usage: python benchmarks/tournament_play.py [--turns 200] [--repetitions 10]
"""

from __future__ import annotations

import argparse
import time

from tournaments import api
from tournaments._axelrod import load

ROSTER = ["Tit For Tat", "Defector", "Cooperator", "Grudger", "Win-Stay Lose-Shift", "Random",
          "Tit For 2 Tats", "GTFT"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=10)
    parser.add_argument("--noise", type=float, default=0.01)
    args = parser.parse_args()
    axl = load()
    config = {"name": "bench", "seed": 1, "roster": [{"strategy": s} for s in ROSTER],
              "match": {"turns": args.turns, "noise": args.noise,
                        "repetitions": args.repetitions, "self_play": True}}
    timings = {}
    for engine, processes in (("simulate", 1), ("simulate", 2), ("auto", 1)):
        config["match"]["engine"] = engine
        start = time.perf_counter()
        api.run(config, processes=processes, progress=False)
        timings[f"project, engine {engine}, {processes} process(es)"] = (
            time.perf_counter() - start)
    by_name = {cls.name: cls for cls in axl.all_strategies}
    for processes in (None, 2):
        players = [by_name[name]() for name in ROSTER]
        tournament = axl.Tournament(players, turns=args.turns, noise=args.noise,
                                    repetitions=args.repetitions, seed=1)
        start = time.perf_counter()
        tournament.play(progress_bar=False, processes=processes)
        timings[f"axelrod Tournament, processes={processes}"] = time.perf_counter() - start
    reference = timings["axelrod Tournament, processes=None"]
    print(f"{len(ROSTER)} strategies, {len(ROSTER) * (len(ROSTER) + 1) // 2} pairs, "
          f"{args.turns} turns, noise {args.noise}, {args.repetitions} repetitions")
    for label, seconds in timings.items():
        print(f"  {label:<38} {seconds:7.2f} s   {seconds / reference:5.2f}x axelrod serial")


if __name__ == "__main__":
    main()
