"""Cold start of the command line: what a user waits for before anything happens.

Prints wall times (median of --repeat fresh processes) for:
  * ``tournaments --help`` (must not import axelrod),
  * validating a bad config (exit 2 before any axelrod import),
  * ``import axelrod`` plainly vs through tournaments._axelrod.load (memoised inspect.getsource),
  * a whole ``tournaments run`` of a two-state config (import + play + write).

Usage: python benchmarks/cold_start.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str], repeat: int) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        code = subprocess.run(args, cwd=ROOT, capture_output=True).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "bad.yaml"
        bad.write_text("name: x\nroster: [{strategy: a}, {strategy: b}]\nmatch: {noise: 2}\n")
        good = Path(tmp) / "good.yaml"
        good.write_text("name: x\nroster: [{strategy: Tit For Tat}, {strategy: Defector}]\n"
                        "match: {turns: 50, repetitions: 2}\n")
        rows = [
            ("tournaments --help", [py, "-m", "tournaments", "--help"]),
            ("bad config (exit 2)", [py, "-m", "tournaments", "run", str(bad)]),
            ("import axelrod (plain)", [py, "-c", "import axelrod"]),
            ("import axelrod (memoised)",
             [py, "-c", "from tournaments._axelrod import load; load()"]),
            ("tournaments run, 2 states", [py, "-m", "tournaments", "run", str(good), "--out",
                                           str(Path(tmp) / "out"), "--force"]),
        ]
        print(f"median of {repeat} fresh processes")
        results = {}
        for label, args in rows:
            seconds, code = timed(args, repeat)
            results[label] = seconds
            print(f"  {label:<28} {seconds:7.3f} s   (exit {code})")
        ratio = results["import axelrod (plain)"] / results["import axelrod (memoised)"]
        print(f"  memoised import is {ratio:.1f}x faster than the plain import")


if __name__ == "__main__":
    main()
