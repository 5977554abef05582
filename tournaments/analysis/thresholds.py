"""Where cooperation survives over a sweep: the thresholds of ``thresholds.csv``. Pure.

Each row of ``thresholds.csv`` is one measure of one strategy (per combination of the other
swept parameters):

* ``critical_continuation``: a strategy's cooperation **holds** in a cell when its cooperation
  rate is at least the sweep's ``cooperation_threshold`` (default 0.5). On the grid, the
  critical continuation δ* is the smallest swept δ from which cooperation holds at that δ and at
  every larger swept δ, and the crossing lies in ``(bracket_low, bracket_high]``: between the
  last swept δ at which it fails and δ*. Where the cells' tournaments are exact, the crossing is
  then found by root-finding inside that grid interval on the exact solver's cooperation rate
  (``method`` ``exact``): ``value`` is a δ at which cooperation holds, within
  :data:`TOLERANCE` (1e-6) of the crossing, and the bracket is the final interval, of width at
  most 1e-6, with the rate failing at ``bracket_low`` and holding at ``bracket_high``. (A rate
  that crosses the threshold several times between two swept values has several crossings;
  the grid decides which interval is searched, and the root-finding finds one crossing in it.)
* ``noise_tolerance``: on the grid, the largest swept ε up to which cooperation holds at every
  smaller swept ε; the crossing lies in ``[bracket_low, bracket_high)``. Refined as above where
  exact: ``value`` is an ε at which cooperation holds, within 1e-6 of the crossing; the rate
  holds at ``bracket_low`` and fails at ``bracket_high``.
* ``self_enforcing_continuation`` (exact, by bisection on the repeated game's best response,
  :mod:`tournaments.analysis.repeated`): the smallest δ from which the strategy is a best
  response to itself at the cell's noise; the bracket is the bisection's final interval.

A value that lies outside the searched range is **censored**, never reported as a finding at
the range's edge: ``censored`` is ``<`` when the property already holds at the smallest value
searched (the threshold is at most ``value``, the range's lower end) and ``>`` when it does not
hold even at the largest (the threshold exceeds ``value``, the range's upper end); the bracket
is then open on that side (empty). ``method`` says how the value was found: ``grid`` (the
swept values only: simulated cells, or a point between swept values that is not exact) or
``exact`` (root-finding on the exact solver).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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


#: Width of the final bracket of a root found on the exact solver.
TOLERANCE = 1e-6
#: Root-finding steps before giving up (then the grid's value is kept).
MAX_STEPS = 100

#: ``rates(points)``: for each (cell id, parameter, value), every strategy's cooperation rate in
#: that cell's tournament with the parameter at that value, or ``None`` when not exact.
Rates = Callable[[list[tuple[str, str, float]]], list[dict[str, float] | None]]


def thresholds(sweep: pd.DataFrame, parameters: list[str], threshold: float, *,
               rates: Rates | None = None) -> pd.DataFrame:
    """Per strategy (and combination of the other swept parameters): δ* and noise tolerance,
    with censoring and brackets.

    Found on the grid; then, with ``rates`` (the exact solver's cooperation rates between swept
    values), a value that is not censored is refined by root-finding inside its grid bracket to
    :data:`TOLERANCE` (``method`` ``exact``; ``grid`` where some point is not exact).
    """
    rows, requests = [], []
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
            if rates is not None and not found["censored"]:
                at = group[group[parameter] == found["value"]]["cell"].iloc[0]
                requests.append(_Search(len(rows), key[0], at, parameter,
                                        found["bracket_low"], found["bracket_high"]))
            rows.append({"strategy": key[0], "measure": measure, **found, "method": "grid",
                         **dict(zip(others, key[1:], strict=True))})
    if requests:
        for search in _find_crossings(requests, rates, threshold):
            holds_low = THRESHOLD_PARAMETERS[search.parameter] == "noise_tolerance"
            rows[search.row].update(value=search.low if holds_low else search.high,
                                    bracket_low=search.low, bracket_high=search.high,
                                    method="exact")
    return table(rows)


@dataclass
class _Search:
    """One root-finding: the crossing of a strategy's cooperation rate with the threshold
    between ``low`` and ``high``, where the rate holds at one end and fails at the other."""

    row: int
    strategy: str
    cell: str
    parameter: str
    low: float
    high: float
    g_low: float = np.nan  # rate − threshold at each end
    g_high: float = np.nan
    kept: int = 0  # consecutive steps that kept the same end (Illinois), signed


def _find_crossings(searches: list[_Search], rates: Rates, threshold: float) -> list[_Search]:
    """Narrow every search's bracket to :data:`TOLERANCE` together, one batch of points per
    step: regula falsi with the Illinois modification (superlinear on the smooth rates of the
    exact solver), with a bisection step whenever it has not halved the bracket in two steps,
    and never closer than half the tolerance to an end of the bracket.
    The ends are evaluated first: a search whose exact ends do not straddle the threshold
    (the grid's rates are rounded) is dropped, as is one that meets a point that is not exact.
    Returns the searches that converged."""

    def evaluate(points: list[tuple[_Search, float]]) -> list[float | None]:
        found = rates([(s.cell, s.parameter, x) for s, x in points])
        return [None if r is None else r[s.strategy] - threshold
                for (s, _), r in zip(points, found, strict=True)]

    ends = evaluate([(s, x) for s in searches for x in (s.low, s.high)])
    active = []
    for s, g_low, g_high in zip(searches, ends[::2], ends[1::2], strict=True):
        if g_low is not None and g_high is not None and (g_low >= 0) != (g_high >= 0):
            s.g_low, s.g_high = g_low, g_high
            active.append(s)
    done, history = [], {id(s): [np.inf, np.inf] for s in active}
    for _ in range(MAX_STEPS):
        done += [s for s in active if s.high - s.low <= TOLERANCE]
        active = [s for s in active if s.high - s.low > TOLERANCE]
        if not active:
            break
        points = []
        for s in active:
            width = s.high - s.low
            x = s.high - s.g_high * width / (s.g_high - s.g_low)
            if not s.low < x < s.high or width > history[id(s)][-2] / 2:
                x = (s.low + s.high) / 2
            # never closer than half the tolerance to an end: a point that lands near the
            # crossing then closes the bracket from the other side in one more step
            x = min(max(x, s.low + TOLERANCE / 2), s.high - TOLERANCE / 2)
            history[id(s)].append(width)
            points.append((s, x))
        moved = []
        for (s, x), g in zip(points, evaluate(points), strict=True):
            if g is None:  # not exact at this point: the grid's value stands
                continue
            if (g >= 0) == (s.g_low >= 0):
                s.low, s.g_low = x, g
                s.kept = max(s.kept, 0) + 1
                if s.kept > 1:  # the high end kept twice: halve its weight (Illinois)
                    s.g_high /= 2
            else:
                s.high, s.g_high = x, g
                s.kept = min(s.kept, 0) - 1
                if s.kept < -1:
                    s.g_low /= 2
            moved.append(s)
        active = moved
    return done


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
