"""One model: the numbers behind the common yardstick, printed side by side.

1. Two Always Defect entries that differ only in their discount γ (1 and 0.6), with Tit For Tat
   and Cooperator (δ 0.95, ε 0.01, N 20, w 0.1): their tournament payoff, stationary weight and
   ecological share must be equal; only their own valuation (``discounted_payoff``) differs.
2. One Tit For Tat (γ 0.7) among five Always Defect (δ 0.9, ε 0.05, w 1): the fixation
   frequency of 1,500 seeded Moran runs against the exact fixation probability of
   ``invasion.csv``, with its z score, and the time the Moran runs take.

The same configs are asserted in tests/test_one_model.py; this script prints the figures.

Usage: python benchmarks/one_model.py
"""

from __future__ import annotations

import time

import numpy as np

from tournaments import api

DISCOUNTS = {
    "name": "gamma", "seed": 3,
    "roster": [{"strategy": "Defector", "label": "patient"},
               {"strategy": "Defector", "label": "impatient", "discount": 0.6},
               {"strategy": "Tit For Tat"}, {"strategy": "Cooperator"}],
    "match": {"continuation": 0.95, "noise": 0.01},
    "evolution": {"population_size": 20, "selection_intensity": 0.1},
}
RUNS = 1500
MORAN = {
    "name": "moran", "seed": 5, "kind": "moran",
    "roster": [{"strategy": "Tit For Tat", "count": 1, "discount": 0.7},
               {"strategy": "Defector", "count": 5}],
    "match": {"continuation": 0.9, "noise": 0.05},
    "evolution": {"population_size": 6, "selection_intensity": 1.0, "runs": RUNS,
                  "generations": 100_000},
}


def main() -> None:
    result = api.run(DISCOUNTS, progress=False)
    table = result.summary.set_index("strategy")[["mean_payoff", "discounted_payoff"]].join(
        result.survival.survival.set_index("strategy")[["stationary_weight",
                                                        "ecological_share"]])
    print("Always Defect with gamma 1 (patient) and 0.6 (impatient):")
    print(table.loc[["patient", "impatient"]].to_string(float_format=lambda x: f"{x:.4f}"))

    start = time.perf_counter()
    result = api.run(MORAN, progress=False)
    seconds = time.perf_counter() - start
    invasion = result.survival.invasion.set_index(["mutant", "resident"])
    rho = invasion.fixation_probability["Tit For Tat", "Defector"]
    observed = (result.moran_runs.winner == "Tit For Tat").mean()
    z = (observed - rho) / np.sqrt(rho * (1 - rho) / RUNS)
    print(f"\nOne Tit For Tat among five Always Defect, {RUNS} Moran runs ({seconds:.1f} s):")
    print(f"  exact fixation probability (invasion.csv)  {rho:.4f}")
    print(f"  fixation frequency of the Moran runs        {observed:.4f}   z = {z:+.2f}")


if __name__ == "__main__":
    main()
