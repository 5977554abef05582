"""Where cooperation survives over a sweep: the thresholds of ``thresholds.csv``. Pure.

Definitions:

* a strategy's cooperation **holds** in a cell when its cooperation rate is at least the sweep's
  ``cooperation_threshold`` (default 0.5);
* its **critical continuation δ*** (per combination of the other swept parameters) is the
  smallest swept δ from which cooperation holds at that δ and at every larger swept δ — below it
  cooperation collapses; empty if it does not hold at the largest δ;
* its **noise tolerance** is the largest swept ε up to which cooperation holds at every smaller
  swept ε; empty if it does not hold at the smallest ε.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

THRESHOLD_PARAMETERS = {"match.continuation": "critical_continuation",
                        "match.noise": "noise_tolerance"}


def swept_parameters(cells: list) -> list[str]:
    names: dict[str, None] = {}
    for cell in cells:
        for name, _ in cell.params:
            names.setdefault(name)
    return list(names)


def thresholds(sweep: pd.DataFrame, parameters: list[str], threshold: float) -> pd.DataFrame:
    """Per strategy (and combination of the other swept parameters): δ* and noise tolerance."""
    rows = []
    for parameter, measure in THRESHOLD_PARAMETERS.items():
        if parameter not in parameters or sweep.empty:
            continue
        others = [p for p in parameters if p != parameter]
        keys = ["strategy", *others]
        swept = sweep[sweep[parameter].notna()]  # explicit cells may leave it at the base value
        for key, group in swept.groupby(keys, sort=False, dropna=False):
            key = key if isinstance(key, tuple) else (key,)
            series = group.groupby(parameter)["cooperation_rate"].mean().sort_index()
            holds = series.to_numpy() >= threshold
            values = series.index.to_numpy(dtype=float)
            if measure == "critical_continuation":
                value = _first_of_final_run(values, holds)
            else:
                value = _last_of_initial_run(values, holds)
            rows.append({"strategy": key[0], "measure": measure, "value": value,
                         **dict(zip(others, key[1:], strict=True))})
    return pd.DataFrame(rows, columns=None if rows else ["strategy", "measure", "value"])


def _first_of_final_run(values: np.ndarray, holds: np.ndarray) -> float:
    if not holds[-1]:
        return math.nan
    broken = np.flatnonzero(~holds)
    return float(values[broken[-1] + 1] if len(broken) else values[0])


def _last_of_initial_run(values: np.ndarray, holds: np.ndarray) -> float:
    if not holds[0]:
        return math.nan
    broken = np.flatnonzero(~holds)
    return float(values[broken[0] - 1] if len(broken) else values[-1])
