"""Aggregating a sweep: ``sweep.csv``, ``thresholds.csv`` and heatmaps. Pure but for the writes.

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
from pathlib import Path

import numpy as np
import pandas as pd

from tournaments import outputs

THRESHOLD_PARAMETERS = {"match.continuation": "critical_continuation",
                        "match.noise": "noise_tolerance"}


def collect(out: Path, cells: list) -> pd.DataFrame:
    """The finished cells' rows, in the config's cell order."""
    frames = [pd.read_csv(path) for cell in cells
              if (path := out / "cells" / f"{cell.id}.csv").exists()]
    if not frames:
        return pd.DataFrame()
    sweep = pd.concat(frames, ignore_index=True)
    first = ["cell", *swept_parameters(cells)]
    return sweep[first + [c for c in sweep.columns if c not in first]]


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


def write_aggregates(out: Path, cells: list, settings: dict) -> pd.DataFrame:
    """Write ``sweep.csv``, ``thresholds.csv`` and the figures from the finished cells."""
    sweep = collect(out, cells)
    parameters = swept_parameters(cells)
    _write_csv_atomically(sweep, out / "sweep.csv")
    table = thresholds(sweep, parameters, settings["cooperation_threshold"])
    _write_csv_atomically(table, out / "thresholds.csv")
    if not sweep.empty:
        from tournaments import figures

        for stem, figure in sweep_figures(sweep, parameters).items():
            figures.save(figure, out / f"{stem}.png")
    return sweep


def _write_csv_atomically(frame: pd.DataFrame, path: Path) -> None:
    tmp = path.parent / f".{path.name}.tmp"
    outputs.write_csv(frame, tmp)
    tmp.replace(path)


def sweep_figures(sweep: pd.DataFrame, parameters: list[str]) -> dict:
    """Heatmaps of cooperation and of the winner over the first two swept parameters, and
    cooperation against δ with 95 % intervals when δ is swept."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    result = {}
    varied = [p for p in parameters if sweep[p].nunique() > 1]
    if len(varied) >= 2:
        x, y = varied[:2]
        cooperation = sweep.groupby([y, x])["cooperation_rate"].mean().unstack(x)
        fig, ax = plt.subplots(figsize=(7, 5.5))
        sns.heatmap(cooperation.sort_index(ascending=False), vmin=0, vmax=1, cmap="viridis",
                    ax=ax, cbar_kws={"label": "mean cooperation rate of the population"})
        ax.set_title("Where cooperation survives")
        fig.tight_layout()
        result["heatmap_cooperation"] = fig

        winners = sweep[sweep["rank"] == 1].groupby([y, x])["strategy"].first().unstack(x)
        names = sorted(sweep["strategy"].unique())
        codes = winners.apply(lambda col: col.map({n: i for i, n in enumerate(names)}))
        fig, ax = plt.subplots(figsize=(8, 5.5))
        palette = sns.color_palette("tab20", len(names))
        sns.heatmap(codes.sort_index(ascending=False).astype(float), cmap=palette, vmin=-0.5,
                    vmax=len(names) - 0.5, ax=ax, cbar=False)
        handles = [plt.Rectangle((0, 0), 1, 1, color=palette[i]) for i in range(len(names))]
        ax.legend(handles, names, bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8)
        ax.set_title("Top-ranked strategy")
        fig.tight_layout()
        result["heatmap_winner"] = fig
    if "match.continuation" in varied:
        fig, ax = plt.subplots(figsize=(7, 4.5))
        sns.lineplot(data=sweep, x="match.continuation", y="cooperation_rate", hue="strategy",
                     errorbar=("ci", 95), seed=0, ax=ax, marker="o")
        ax.set_ylabel("cooperation rate")
        ax.set_xlabel("continuation δ")
        ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
        fig.tight_layout()
        result["cooperation_vs_continuation"] = fig
    return result
