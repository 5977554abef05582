"""Figures (seaborn on matplotlib), built as ``Figure`` objects.

Figures are made without ``pyplot``: each is a ``matplotlib.figure.Figure`` of its own, with no
global figure registry. matplotlib's text layout is still not thread-safe, so
:func:`tournaments.output.store.write_figures` builds and writes one set of figures at a time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure


def new_figure(width: float, height: float, **subplots) -> tuple[Figure, object]:
    """A standalone figure and its axes (``subplots`` as for ``Figure.subplots``)."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots(**subplots)


def tournament_figures(result) -> dict:
    """``ranking`` (net payoff per round with 95 % intervals) and ``payoff_heatmap``."""
    order = list(result.entries["strategy"])
    return {"ranking": ranking(result.summary),
            "payoff_heatmap": payoff_heatmap(result.pairwise, order)}


def ranking(summary) -> Figure:
    data = summary.sort_values("rank")
    fig, ax = new_figure(7, 0.45 * len(data) + 1.5)
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


def payoff_heatmap(pairwise, order: list[str]) -> Figure:
    """Row player's net payoff per round against each column player, in roster order."""
    rows = [x for x in order if x in set(pairwise["player"])]
    cols = [x for x in order if x in set(pairwise["opponent"])]
    table = pairwise.pivot(index="player", columns="opponent", values="mean_payoff")
    table = table.reindex(index=rows, columns=cols)
    size = max(4.0, 0.6 * max(len(rows), len(cols)) + 2)
    fig, ax = new_figure(size + 1, size)
    sns.heatmap(table, annot=len(rows) <= 15, fmt=".2f", cmap="viridis", ax=ax,
                cbar_kws={"label": "net payoff per round of row against column"})
    ax.set_xlabel("opponent")
    ax.set_ylabel("player")
    ax.set_title("Pairwise payoffs")
    fig.tight_layout()
    return fig


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


def ecology_area(ecology, labels: list[str]) -> Figure:
    shares = ecology.pivot(index="generation", columns="strategy", values="share")[labels]
    fig, ax = new_figure(8, 4.5)
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


def invasion_heatmap(invasion, labels: list[str]) -> Figure:
    neutral = float(invasion["neutral"].iloc[0])
    table = invasion.pivot(index="mutant", columns="resident", values="fixation_probability")
    ratio = table.reindex(index=labels, columns=labels) / neutral
    size = max(4.0, 0.6 * len(labels) + 2)
    fig, ax = new_figure(size + 1, size)
    annot = ratio.map(lambda r: "" if np.isnan(r) else f"{r:.2g}") if len(labels) <= 12 else False
    sns.heatmap(np.log10(ratio), annot=annot, fmt="", cmap="RdBu_r", center=0.0, ax=ax,
                cbar_kws={"label": "log10(fixation probability / neutral 1/N)"})
    ax.set_xlabel("resident")
    ax.set_ylabel("mutant")
    ax.set_title("Invasion: a single mutant among residents")
    fig.tight_layout()
    return fig


def sensitivity_lines(sensitivity) -> Figure:
    fig, ax = new_figure(8, 4.5)
    sns.lineplot(data=sensitivity, x="selection_intensity", y="stationary_weight",
                 hue="strategy", marker="o", ax=ax)
    ax.set_xscale("log")
    ax.set_xlabel("selection intensity w")
    ax.set_ylabel("stationary weight (small-mutation limit)")
    ax.set_title("Evolutionary ranking and selection intensity")
    ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig


def moran_trajectories(populations, runs) -> Figure:
    fig, (left, right) = new_figure(11, 4.5, ncols=2,
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


def sweep_figures(sweep: pd.DataFrame, parameters: list[str]) -> dict:
    """Heatmaps of cooperation and of the winner over the first two swept parameters, and
    cooperation against δ with 95 % intervals when δ is swept."""
    from matplotlib.patches import Rectangle

    result = {}
    varied = [p for p in parameters if sweep[p].nunique() > 1]
    if len(varied) >= 2:
        x, y = varied[:2]
        cooperation = sweep.groupby([y, x])["cooperation_rate"].mean().unstack(x)
        fig, ax = new_figure(7, 5.5)
        sns.heatmap(cooperation.sort_index(ascending=False), vmin=0, vmax=1, cmap="viridis",
                    ax=ax, cbar_kws={"label": "mean cooperation rate of the population"})
        ax.set_title("Where cooperation survives")
        fig.tight_layout()
        result["heatmap_cooperation"] = fig

        winners = sweep[sweep["rank"] == 1].groupby([y, x])["strategy"].first().unstack(x)
        names = sorted(sweep["strategy"].unique())
        codes = winners.apply(lambda col: col.map({n: i for i, n in enumerate(names)}))
        fig, ax = new_figure(8, 5.5)
        palette = sns.color_palette("tab20", len(names))
        sns.heatmap(codes.sort_index(ascending=False).astype(float), cmap=palette, vmin=-0.5,
                    vmax=len(names) - 0.5, ax=ax, cbar=False)
        handles = [Rectangle((0, 0), 1, 1, color=palette[i]) for i in range(len(names))]
        ax.legend(handles, names, bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8)
        ax.set_title("Top-ranked strategy")
        fig.tight_layout()
        result["heatmap_winner"] = fig
    if "match.continuation" in varied:
        fig, ax = new_figure(7, 4.5)
        sns.lineplot(data=sweep, x="match.continuation", y="cooperation_rate", hue="strategy",
                     errorbar=("ci", 95), seed=0, ax=ax, marker="o")
        ax.set_ylabel("cooperation rate")
        ax.set_xlabel("continuation δ")
        ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
        fig.tight_layout()
        result["cooperation_vs_continuation"] = fig
    return result
