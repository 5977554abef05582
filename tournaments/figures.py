"""Figures (seaborn on matplotlib's Agg backend), built as ``Figure`` objects."""

from __future__ import annotations

from pathlib import Path

import matplotlib

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
