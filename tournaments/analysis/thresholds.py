"""Where cooperation survives over a sweep: the thresholds of ``thresholds.csv``. Pure.

Each row of ``thresholds.csv`` is one measure of one strategy (per combination of the other
swept parameters):

* ``critical_continuation`` (from the grid): a strategy's cooperation **holds** in a cell when
  its cooperation rate is at least the sweep's ``cooperation_threshold`` (default 0.5). The
  critical continuation δ* is the smallest swept δ from which cooperation holds at that δ and at
  every larger swept δ. The true crossing lies in ``(bracket_low, bracket_high]``: between the
  last swept δ at which it fails and δ*.
* ``noise_tolerance`` (from the grid): the largest swept ε up to which cooperation holds at
  every smaller swept ε; the true crossing lies in ``[bracket_low, bracket_high)``.
* ``self_enforcing_continuation`` (exact, by bisection on the repeated game's best response,
  :mod:`tournaments.analysis.repeated`): the smallest δ from which the strategy is a best
  response to itself at the cell's noise; the bracket is the bisection's final interval.

A value that lies outside the searched range is **censored**, never reported as a finding at
the range's edge: ``censored`` is ``<`` when the property already holds at the smallest value
searched (the threshold is at most ``value``, the range's lower end) and ``>`` when it does not
hold even at the largest (the threshold exceeds ``value``, the range's upper end). ``method``
says how the value was found: ``grid`` (the swept values only) or ``exact`` (root-finding).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

THRESHOLD_PARAMETERS = {"match.continuation": "critical_continuation",
                        "match.noise": "noise_tolerance"}
COLUMNS = ["strategy", "measure", "value", "censored", "bracket_low", "bracket_high", "method"]


def swept_parameters(cells: list) -> list[str]:
    names: dict[str, None] = {}
    for cell in cells:
        for name, _ in cell.params:
            names.setdefault(name)
    return list(names)


def thresholds(sweep: pd.DataFrame, parameters: list[str], threshold: float) -> pd.DataFrame:
    """Per strategy (and combination of the other swept parameters): δ* and noise tolerance
    on the grid, with censoring and brackets."""
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
                found = _first_of_final_run(values, holds)
            else:
                found = _last_of_initial_run(values, holds)
            rows.append({"strategy": key[0], "measure": measure, **found, "method": "grid",
                         **dict(zip(others, key[1:], strict=True))})
    return table(rows)


def table(rows: list[dict]) -> pd.DataFrame:
    """Rows as ``thresholds.csv`` has them: :data:`COLUMNS`, then the other swept parameters."""
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    return frame[COLUMNS + [c for c in frame.columns if c not in COLUMNS]]


def _first_of_final_run(values: np.ndarray, holds: np.ndarray) -> dict:
    """δ*: the first value of the final run of ``holds``, censored at either end."""
    if not holds[-1]:
        return _found(values[-1], ">", values[-1], np.nan)
    broken = np.flatnonzero(~holds)
    if not len(broken):
        return _found(values[0], "<", np.nan, values[0])
    return _found(values[broken[-1] + 1], "", values[broken[-1]], values[broken[-1] + 1])


def _last_of_initial_run(values: np.ndarray, holds: np.ndarray) -> dict:
    """Noise tolerance: the last value of the initial run of ``holds``, censored at either end."""
    if not holds[0]:
        return _found(values[0], "<", np.nan, values[0])
    broken = np.flatnonzero(~holds)
    if not len(broken):
        return _found(values[-1], ">", values[-1], np.nan)
    return _found(values[broken[0] - 1], "", values[broken[0] - 1], values[broken[0]])


def _found(value, censored: str, low, high) -> dict:
    return {"value": float(value), "censored": censored, "bracket_low": float(low),
            "bracket_high": float(high)}
