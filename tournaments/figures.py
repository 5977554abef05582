"""Figures (seaborn on matplotlib's Agg backend), built as ``Figure`` objects."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402


def tournament_figures(result) -> dict:
    """``ranking`` (net payoff per round with 95 % intervals) and ``payoff_heatmap``."""
    order = list(result.entries["strategy"])
    return {"ranking": ranking(result.summary),
            "payoff_heatmap": payoff_heatmap(result.pairwise, order)}


def ranking(summary) -> plt.Figure:
    data = summary.sort_values("rank")
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(data) + 1.5))
    sns.barplot(data=data, y="strategy", x="mean_payoff", color=sns.color_palette()[0], ax=ax)
    err = [(data["mean_payoff"] - data["ci_low"]).fillna(0),
           (data["ci_high"] - data["mean_payoff"]).fillna(0)]
    ax.errorbar(data["mean_payoff"], range(len(data)), xerr=err, fmt="none", ecolor="black",
                capsize=3)
    ax.set_xlabel("net payoff per round (95 % interval)")
    ax.set_ylabel("")
    ax.set_title("Tournament ranking")
    fig.tight_layout()
    return fig


def payoff_heatmap(pairwise, order: list[str]) -> plt.Figure:
    """Row player's net payoff per round against each column player, in roster order."""
    rows = [x for x in order if x in set(pairwise["player"])]
    cols = [x for x in order if x in set(pairwise["opponent"])]
    table = pairwise.pivot(index="player", columns="opponent", values="mean_payoff")
    table = table.reindex(index=rows, columns=cols)
    size = max(4.0, 0.6 * max(len(rows), len(cols)) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    sns.heatmap(table, annot=len(rows) <= 15, fmt=".2f", cmap="viridis", ax=ax,
                cbar_kws={"label": "net payoff per round of row against column"})
    ax.set_xlabel("opponent")
    ax.set_ylabel("player")
    ax.set_title("Pairwise payoffs")
    fig.tight_layout()
    return fig


def save(figure: plt.Figure, path: Path) -> None:
    figure.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(figure)


def survival_figures(result) -> dict:
    """Figures of the survival analysis and of a Moran process, where they exist."""
    out = {}
    survival = result.survival
    if survival is not None:
        labels = list(result.entries["strategy"])
        out["ecology"] = ecology_area(survival.ecology, labels)
        out["invasion"] = invasion_heatmap(survival.invasion, labels)
        out["ranking_sensitivity"] = sensitivity_lines(survival.sensitivity)
    if result.moran_populations is not None:
        out["moran"] = moran_trajectories(result.moran_populations, result.moran_runs)
    return out


def ecology_area(ecology, labels: list[str]) -> plt.Figure:
    shares = ecology.pivot(index="generation", columns="strategy", values="share")[labels]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.stackplot(shares.index, shares.T.to_numpy(), labels=labels,
                 colors=sns.color_palette("tab20", len(labels)))
    ax.set_xlim(shares.index.min(), shares.index.max())
    ax.set_ylim(0, 1)
    ax.set_xlabel("generation")
    ax.set_ylabel("population share")
    ax.set_title("Ecological dynamics (axelrod Ecosystem, fitness 1 − w + w·π)")
    ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig


def invasion_heatmap(invasion, labels: list[str]) -> plt.Figure:
    neutral = float(invasion["neutral"].iloc[0])
    table = invasion.pivot(index="mutant", columns="resident", values="fixation_probability")
    ratio = table.reindex(index=labels, columns=labels) / neutral
    size = max(4.0, 0.6 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    annot = ratio.map(lambda r: "" if np.isnan(r) else f"{r:.2g}") if len(labels) <= 12 else False
    sns.heatmap(np.log10(ratio), annot=annot, fmt="", cmap="RdBu_r", center=0.0, ax=ax,
                cbar_kws={"label": "log10(fixation probability / neutral 1/N)"})
    ax.set_xlabel("resident")
    ax.set_ylabel("mutant")
    ax.set_title("Invasion: a single mutant among residents")
    fig.tight_layout()
    return fig


def sensitivity_lines(sensitivity) -> plt.Figure:
    fig, ax = plt.subplots(figsize=(8, 4.5))
    sns.lineplot(data=sensitivity, x="selection_intensity", y="stationary_weight",
                 hue="strategy", marker="o", ax=ax)
    ax.set_xscale("log")
    ax.set_xlabel("selection intensity w")
    ax.set_ylabel("stationary weight (small-mutation limit)")
    ax.set_title("Evolutionary ranking and selection intensity")
    ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig


def moran_trajectories(populations, runs) -> plt.Figure:
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5),
                                      gridspec_kw={"width_ratios": [2, 1]})
    # a run that fixated keeps its final population: carry it to the last step of any run
    counts = populations.pivot_table(index=["run", "step"], columns="strategy", values="count",
                                     sort=False)
    steps = np.arange(populations["step"].max() + 1)
    full = pd.concat({run: g.droplevel("run").reindex(steps).ffill()
                      for run, g in counts.groupby(level="run")}, names=["run", "step"])
    shares = full.div(full.sum(axis=1), axis=0).groupby(level="step").mean()
    for strategy in counts.columns:
        left.plot(shares.index, shares[strategy], label=strategy)
    left.set_xlabel("step (a fixated run keeps its final population)")
    left.set_ylabel("mean share over runs")
    left.set_title("Moran process: population over time")
    left.legend(fontsize=7)
    winners = runs["winner"].replace("", "no fixation").value_counts()
    sns.barplot(x=winners.to_numpy(), y=winners.index, color=sns.color_palette()[0], ax=right)
    right.set_xlabel("runs fixated")
    right.set_title(f"Fixations in {len(runs)} runs")
    fig.tight_layout()
    return fig
