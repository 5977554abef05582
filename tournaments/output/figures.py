"""Figures (seaborn on matplotlib), built as ``Figure`` objects.

Figures are made without ``pyplot``: each is a ``matplotlib.figure.Figure`` of its own, with no
global figure registry. matplotlib's text layout is still not thread-safe, so
:func:`tournaments.output.store.render_figures` builds and renders one set of figures at a time,
in the formats of the config's ``output`` section (byte-reproducible PNG, SVG and PDF).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

#: Strategies a figure shows one by one; a larger roster's ranking shows the top of it, its
#: ecology and sensitivity the leading strategies with the rest summed or left out (the tables
#: hold every strategy), and its matrices are ordered by rank with smaller labels.
LEGIBLE = 30
#: Lines (or stacked bands) a figure with a legend draws at most.
_LINES = 15
#: Largest side of a matrix figure, in inches (a 240-strategy heatmap stays printable).
MAX_INCHES = 18.0


def _matrix_size(k: int) -> float:
    return min(MAX_INCHES, max(4.0, 0.6 * k + 2))


def _heatmap(table: pd.DataFrame, ax, size: float, **kwargs) -> None:
    """``sns.heatmap`` of ``table`` with a label on every row and column, in a font that fits
    ``size`` inches beyond :data:`LEGIBLE` of them. There the labels are set here, column labels
    vertical, and not by seaborn, which draws the whole figure to test its labels for overlap:
    with 236 a side that took 6 GB and 10 s."""
    k = max(table.shape)
    if k <= LEGIBLE:
        sns.heatmap(table, ax=ax, xticklabels=True, yticklabels=True, **kwargs)
        return
    sns.heatmap(table, ax=ax, xticklabels=False, yticklabels=False, **kwargs)
    points = max(2.5, min(9.0, 0.8 * 72 * size / k))
    ax.set_xticks(np.arange(table.shape[1]) + 0.5, list(table.columns), rotation=90,
                  fontsize=points)
    ax.set_yticks(np.arange(table.shape[0]) + 0.5, list(table.index), rotation=0,
                  fontsize=points)


def new_figure(width: float, height: float, **subplots) -> tuple[Figure, object]:
    """A standalone figure and its axes (``subplots`` as for ``Figure.subplots``)."""
    figure = Figure(figsize=(width, height))
    return figure, figure.subplots(**subplots)


def tournament_figures(result) -> dict:
    """``ranking`` (net payoff per round with 95 % intervals) and ``payoff_heatmap``."""
    entries = result.entries
    if result.config.two_populations:  # each side's payoffs against the other side
        roles = result.config.game.build().roles
        sides = [list(entries.loc[entries["role"] == role, "strategy"]) for role in roles]
        heatmap = payoff_heatmap(result.pairwise, sides[0], sides[1], roles)
    else:
        order = list(entries["strategy"])
        if len(order) > LEGIBLE:  # ordered by rank, so that the structure shows
            order = list(result.summary.sort_values("rank", kind="stable")["strategy"])
        heatmap = payoff_heatmap(result.pairwise, order, order)
    return {"ranking": ranking(result.summary), "payoff_heatmap": heatmap}


def ranking(summary) -> Figure:
    """Net payoff per round as bars; whiskers are the 95 % intervals of the states that have one
    (a state whose pairs are all exact has none: no sampling error), and the axis says which."""
    roles = "role" in summary and summary["role"].fillna("").astype(bool).any()
    # two populations: each role's ranking, roles in roster order (summary's own order)
    data = summary if roles else summary.sort_values("rank", kind="stable")
    total = len(data)
    data = data.head(LEGIBLE)
    fig, ax = new_figure(7, 0.45 * len(data) + 1.5)
    if roles:
        sns.barplot(data=data, y="strategy", x="mean_payoff", hue="role", dodge=False, ax=ax)
    else:
        sns.barplot(data=data, y="strategy", x="mean_payoff", color=sns.color_palette()[0],
                    ax=ax)
    low, high = (data[c].to_numpy(dtype=float, na_value=np.nan) for c in ("ci_low", "ci_high"))
    mean = data["mean_payoff"].to_numpy(dtype=float)
    interval = np.isfinite(low) & np.isfinite(high) & (high > low)
    if interval.any():
        ax.errorbar(mean[interval], np.flatnonzero(interval),
                    xerr=[mean[interval] - low[interval], high[interval] - mean[interval]],
                    fmt="none", ecolor="black", capsize=3)
    if interval.any():
        label = "net payoff per round; whiskers: 95 % intervals of simulated payoffs"
        if (data["engine"] == "exact").any():
            label += " (exact ones have none)"
    elif (data["engine"] == "exact").all():
        label = "net payoff per round (every pair exact: no sampling error, no interval)"
    else:
        label = "net payoff per round (no interval)"
    ax.set_xlabel(label)
    ax.set_ylabel("")
    ax.set_title("Tournament ranking" if total <= LEGIBLE else
                 f"Tournament ranking\nthe top {LEGIBLE} of {total} (all in summary.csv)")
    fig.tight_layout()
    return fig


def payoff_heatmap(pairwise, rows: list[str], columns: list[str],
                   roles: tuple[str, str] | None = None) -> Figure:
    """Net payoff per round of each row state against each column state. With ``roles`` (two
    populations), two panels: the row role's payoffs against the column role, and the column
    role's against the row role (each side's own payoffs, rows its own strategies)."""
    panels = [(rows, columns, None)] if roles is None else [
        (rows, columns, roles), (columns, rows, roles[::-1])]
    size = _matrix_size(max(len(rows), len(columns)))
    width = size + 1 if roles is None else 2 * size + 6  # room for two sets of long labels
    fig, axes = new_figure(width, size + (0 if roles is None else 1.5), ncols=len(panels),
                           squeeze=False)
    table = pairwise.pivot(index="player", columns="opponent", values="mean_payoff")
    for ax, (mine, theirs, names) in zip(axes[0], panels, strict=True):
        _heatmap(table.reindex(index=mine, columns=theirs), ax, size,
                 annot=len(mine) <= 15, fmt=".2f", cmap="viridis",
                 cbar_kws={"label": "net payoff per round of row against column"
                           if names is None else "net payoff per round"})
        if names is not None and max(len(mine), len(theirs)) <= LEGIBLE:
            ax.set_xticks(ax.get_xticks(), ax.get_xticklabels(), rotation=30, ha="right")
            ax.set_yticks(ax.get_yticks(), ax.get_yticklabels(), rotation=0)
        ax.set_xlabel("opponent" if names is None else f"{names[1]} (opponent)")
        ax.set_ylabel("player" if names is None else f"{names[0]} (player)")
        ax.set_title("Pairwise payoffs" if names is None else f"{names[0]} payoffs")
    fig.tight_layout()
    return fig


def survival_figures(result) -> dict:
    """Figures of the survival analysis and of a Moran process, where they exist."""
    out = {}
    survival = result.survival
    if survival is not None and survival.roles is not None:
        out.update(two_population_figures(survival, result.config.evolution.selection_intensity))
    elif survival is not None:
        labels = list(result.entries["strategy"])
        if len(labels) > LEGIBLE:  # ordered by the evolutionary ranking
            labels = list(survival.survival.sort_values("rank", kind="stable")["strategy"])
        out["ecology"] = ecology_area(survival.ecology, labels)
        out["invasion"] = invasion_heatmap(survival.invasion, labels)
        out["ranking_sensitivity"] = sensitivity_lines(
            survival.sensitivity, result.config.evolution.selection_intensity)
    if result.moran_populations is not None:
        out["moran"] = moran_trajectories(result.moran_populations, result.moran_runs)
    return out


def two_population_figures(survival, configured: float) -> dict:
    """The figures of a two-population analysis: ``profiles`` (the stationary weight of every
    profile, surviving ones marked), ``response_graph`` (where single mutants fix), and each
    role's ``ecology`` and ``ranking_sensitivity`` in a panel of its own."""
    row, column = survival.roles
    fig, axes = new_figure(8, 4.2 * 2, nrows=2)
    for ax, role in zip(axes, survival.roles, strict=True):
        part = survival.ecology[survival.ecology["role"] == role]
        order = list(dict.fromkeys(part["strategy"]))
        _stack(ax, part.pivot(index="generation", columns="strategy", values="share")[order])
        ax.set_title(f"{role} population")
    axes[0].set_xlabel("")
    fig.suptitle("Ecological dynamics of two populations (replicator map, fitness 1 − w + w·π)")
    fig.tight_layout()
    out = {"profiles": profile_heatmap(survival.profiles, survival.roles), "ecology": fig,
           "response_graph": response_graph(survival.invasion, survival.profiles,
                                            survival.roles)}
    fig, axes = new_figure(8, 4.2 * 2, nrows=2)
    for ax, role in zip(axes, survival.roles, strict=True):
        distinct_lines(ax, _leading(survival.sensitivity[survival.sensitivity["role"] == role]),
                       x="selection_intensity", y="stationary_weight")
        ax.axvline(configured, color="0.4", linestyle=":", linewidth=1,
                   label=f"configured w = {configured:g}")
        ax.set_xscale("log")
        ax.set_xlabel("selection intensity w")
        ax.set_ylabel("marginal stationary weight")
        ax.set_title(f"{role} population")
        ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.suptitle(f"Evolutionary ranking within each role ({row} × {column} profiles)")
    fig.tight_layout()
    out["ranking_sensitivity"] = fig
    return out


def profile_heatmap(profiles, roles: tuple[str, str]) -> Figure:
    """The stationary weight of every profile (row-role strategy × column-role strategy) in the
    small-mutation limit; a surviving profile's cell is framed and starred."""
    rows = list(dict.fromkeys(profiles["row_strategy"]))
    cols = list(dict.fromkeys(profiles["column_strategy"]))
    table = profiles.pivot(index="row_strategy", columns="column_strategy",
                           values="stationary_weight").reindex(index=rows, columns=cols)
    fig, ax = new_figure(max(5.0, 0.9 * len(cols) + 4), max(4.0, 0.6 * len(rows) + 3))
    sns.heatmap(table, annot=len(rows) * len(cols) <= 150, fmt=".2f", cmap="viridis", vmin=0,
                square=True, ax=ax, cbar_kws={"label": "stationary weight", "shrink": 0.8})
    ax.set_xticks(ax.get_xticks(), ax.get_xticklabels(), rotation=30, ha="right")
    ax.set_yticks(ax.get_yticks(), ax.get_yticklabels(), rotation=0)
    for r, c in zip(profiles["row_strategy"][profiles["survives"]],
                    profiles["column_strategy"][profiles["survives"]], strict=True):
        i, j = rows.index(r), cols.index(c)
        ax.add_patch(_frame(j, i))
        ax.text(j + 0.92, i + 0.2, "★", ha="right", va="center", color="white", fontsize=9)
    ax.set_ylabel(f"{roles[0]} strategy (row)")
    ax.set_xlabel(f"{roles[1]} strategy (column)")
    ax.set_title("Profiles in the long run (★: the surviving profile)")
    fig.tight_layout()
    return fig


def _frame(x: float, y: float):
    from matplotlib.patches import Rectangle

    return Rectangle((x, y), 1, 1, fill=False, edgecolor="white", linewidth=2.5)


def response_graph(invasion, profiles, roles: tuple[str, str]) -> Figure:
    """Profiles on a grid (row-role strategy down, column-role strategy across), each dot's area
    its stationary weight; an arrow from a profile to the profile a single mutant of either role
    leads to where that mutant fixes with more than the neutral probability 1/N (solid: a
    row-role mutant, dashed: a column-role mutant). Surviving profiles are ringed."""
    rows = list(dict.fromkeys(profiles["row_strategy"]))
    cols = list(dict.fromkeys(profiles["column_strategy"]))
    from matplotlib.lines import Line2D

    fig, ax = new_figure(max(6.0, 1.1 * len(cols) + 5), max(4.0, 1.0 * len(rows) + 2.5))
    x = profiles["column_strategy"].map(cols.index).to_numpy()
    y = profiles["row_strategy"].map(rows.index).to_numpy()
    weight = profiles["stationary_weight"].to_numpy(dtype=float)
    ax.scatter(x, y, s=30 + 1200 * weight, color=sns.color_palette()[0], zorder=3)
    ax.scatter(x[profiles["survives"]], y[profiles["survives"]],
               s=30 + 1200 * weight[profiles["survives"]] + 250, facecolors="none",
               edgecolors="black", linewidths=1.5, zorder=4)
    for move in invasion[invasion["invades"]].itertuples(index=False):
        start = (cols.index(move.column_resident), rows.index(move.row_resident))
        if move.role == roles[0]:
            end, style = (start[0], rows.index(move.mutant)), "-"
        else:
            end, style = (cols.index(move.mutant), start[1]), "--"
        bend = 0.25 if abs(end[0] - start[0]) + abs(end[1] - start[1]) > 1 else 0.0
        ax.annotate("", xy=end, xytext=start, zorder=2,
                    arrowprops={"arrowstyle": "-|>", "linestyle": style, "color": "0.35",
                                "shrinkA": 9, "shrinkB": 9,
                                "connectionstyle": f"arc3,rad={bend}"})
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right")
    ax.set_yticks(range(len(rows)), rows)
    ax.set_xlim(-0.6, len(cols) - 0.4)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.set_xlabel(f"{roles[1]} strategy (column)")
    ax.set_ylabel(f"{roles[0]} strategy (row)")
    ax.set_title("Response graph (dot area: stationary weight)")
    ax.legend(handles=[
        Line2D([], [], color="0.35", linestyle="-", label=f"a {roles[0]} mutant fixes (> 1/N)"),
        Line2D([], [], color="0.35", linestyle="--", label=f"a {roles[1]} mutant fixes (> 1/N)"),
        Line2D([], [], marker="o", markersize=10, markerfacecolor="none", color="black",
               linestyle="", label="surviving profile")],
        fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    fig.tight_layout()
    return fig


def ecology_area(ecology, labels: list[str]) -> Figure:
    shares = ecology.pivot(index="generation", columns="strategy", values="share")[labels]
    fig, ax = new_figure(8, 4.5)
    _stack(ax, shares)
    ax.set_title("Ecological dynamics (axelrod Ecosystem, fitness 1 − w + w·π)")
    fig.tight_layout()
    return fig


def _stack(ax, shares: pd.DataFrame) -> None:
    """Population shares (one column per strategy) as a stacked area, legend top to bottom;
    beyond :data:`_LINES` strategies, those with the largest final shares and the rest summed
    as one band."""
    if shares.shape[1] > _LINES:
        final = shares.iloc[-1].sort_values(ascending=False, kind="stable")
        keep = list(final.index[:_LINES - 1])
        rest = [c for c in shares.columns if c not in keep]
        shares = shares[keep].assign(**{f"{len(rest)} others": shares[rest].sum(axis=1)})
    labels = list(shares.columns)
    ax.stackplot(shares.index, shares.T.to_numpy(), labels=labels,
                 colors=sns.color_palette("tab20", len(labels)))
    ax.set_xlim(shares.index.min(), shares.index.max())
    ax.set_ylim(0, 1)
    ax.set_xlabel("generation")
    ax.set_ylabel("population share")
    handles, names = ax.get_legend_handles_labels()  # listed top to bottom, as stacked
    ax.legend(handles[::-1], names[::-1], fontsize=7, bbox_to_anchor=(1.02, 1),
              loc="upper left")


#: Ratios to the neutral fixation probability that label the invasion colour bar.
_RATIO_TICKS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100)
#: The invasion colour scale spans at most this many decades on each side of neutral (cells
#: beyond it take the end colour; their numbers still say how far).
_DECADES = 2.0


def invasion_heatmap(invasion, labels: list[str]) -> Figure:
    """The fixation probability of a single mutant (row) among residents (column) as a multiple
    of the neutral 1/N: the cells print that ratio and are coloured by it on a log scale
    symmetric about 1 (equal colour strength, equal factor above or below neutral), so the
    numbers and the colour bar say the same thing."""
    neutral = float(invasion["neutral"].iloc[0])
    table = invasion.pivot(index="mutant", columns="resident", values="fixation_probability")
    ratio = table.reindex(index=labels, columns=labels) / neutral
    size = _matrix_size(len(labels))
    fig, ax = new_figure(size + 1, size)
    annot = ratio.map(lambda r: "" if np.isnan(r) else f"{r:.2g}") if len(labels) <= 12 else False
    with np.errstate(divide="ignore"):
        logs = np.log10(ratio)
    largest = float(np.nanmax(np.abs(logs.to_numpy()), initial=0.0))
    span = min(max(largest, np.log10(2.0)), _DECADES)
    _heatmap(logs, ax, size, annot=annot, fmt="", cmap="RdBu_r", vmin=-span, vmax=span,
             cbar_kws={"label": "fixation probability / neutral 1/N (log scale)",
                       "extend": "both" if largest > span else "neither"})
    ticks = [t for t in _RATIO_TICKS if abs(np.log10(t)) <= span + 1e-9]
    colorbar = ax.collections[0].colorbar
    colorbar.set_ticks(np.log10(ticks))
    colorbar.set_ticklabels([f"{t:g}" for t in ticks])
    ax.set_xlabel("resident")
    ax.set_ylabel("mutant")
    ax.set_title("Invasion: a single mutant among N − 1 residents")
    fig.tight_layout()
    return fig


def sensitivity_lines(sensitivity, configured: float | None = None) -> Figure:
    """The stationary weight of each strategy against the selection intensity: one row per
    point, no band; each strategy has its own colour, marker and dashes, so that lines lying on
    top of each other stay visible. ``configured`` marks the run's own intensity."""
    fig, ax = new_figure(8, 4.5)
    total = sensitivity["strategy"].nunique()
    sensitivity = _leading(sensitivity)
    distinct_lines(ax, sensitivity, x="selection_intensity", y="stationary_weight")
    if configured is not None:
        ax.axvline(configured, color="0.4", linestyle=":", linewidth=1,
                   label=f"configured w = {configured:g}")
    ax.set_xscale("log")
    ax.set_xlabel("selection intensity w")
    ax.set_ylabel("stationary weight (small-mutation limit)")
    shown = sensitivity["strategy"].nunique()
    ax.set_title("Evolutionary ranking and selection intensity" + (
        "" if shown == total else f"\nthe {shown} of {total} strategies with the largest "
        "weight at some w (all in ranking_sensitivity.csv)"), fontsize=10)
    ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
    fig.tight_layout()
    return fig



def _leading(sensitivity: pd.DataFrame) -> pd.DataFrame:
    """The rows of the :data:`_LINES` strategies with the largest stationary weight at any
    intensity (all of them when there are no more)."""
    best = sensitivity.groupby("strategy", sort=False)["stationary_weight"].max()
    if len(best) <= _LINES:
        return sensitivity
    keep = set(best.sort_values(ascending=False, kind="stable").index[:_LINES])
    return sensitivity[sensitivity["strategy"].isin(keep)]


def distinct_lines(ax, data: pd.DataFrame, *, x: str, y: str) -> None:
    """One line per strategy, told apart by colour, marker and dashes, with no band (the mean
    of ``y`` at each ``x`` where there are several rows)."""
    sns.lineplot(data=data, x=x, y=y, hue="strategy", style="strategy", markers=True,
                 dashes=True, errorbar=None, ax=ax)


def moran_trajectories(populations, runs) -> Figure:
    """Mean shares over runs (each within its population, with two) and the fixations."""
    fig, (left, right) = new_figure(11, 4.5, ncols=2,
                                      gridspec_kw={"width_ratios": [2, 1]})
    # a run that fixated keeps its final population: carry it to the last step of any run
    counts = populations.pivot_table(index=["run", "step"], columns="strategy", values="count",
                                     sort=False)
    steps = np.arange(populations["step"].max() + 1)
    full = pd.concat({run: g.droplevel("run").reindex(steps).ffill()
                      for run, g in counts.groupby(level="run")}, names=["run", "step"])
    groups = (populations.drop_duplicates("strategy").groupby("role", sort=False)["strategy"]
              .apply(list).tolist() if "role" in populations else [list(counts.columns)])
    shares = pd.concat([full[g].div(full[g].sum(axis=1), axis=0) for g in groups], axis=1)
    shares = shares.groupby(level="step").mean()
    styles = ["-", "--", "-.", ":"]
    for n, strategy in enumerate(counts.columns):
        left.plot(shares.index, shares[strategy], label=strategy, linestyle=styles[n % 4])
    left.set_xlabel("step (a fixated run keeps its final population)")
    left.set_ylabel("mean share over runs" + (" (within its population)" if len(groups) > 1
                                              else ""))
    left.set_title("Moran process: population over time")
    left.legend(fontsize=7)
    if "winner" in runs:
        winners = runs["winner"]
    else:  # two populations: the profile they fixated in
        winners = (runs["row_winner"] + " × " + runs["column_winner"]).where(
            runs["fixated"].astype(str) == "True", "")
    winners = winners.replace("", "no fixation").value_counts()
    sns.barplot(x=winners.to_numpy(), y=winners.index, color=sns.color_palette()[0], ax=right)
    right.set_xlabel("runs fixated")
    right.set_title(f"Fixations in {len(runs)} runs")
    fig.tight_layout()
    return fig


def sweep_figures(sweep: pd.DataFrame, parameters: list[str]) -> dict:
    """Heatmaps of cooperation and of the top-ranked strategy over the first two swept
    parameters, and each strategy's cooperation rate against δ when δ is swept.

    Where other parameters are swept too, several cells share the two plotted values: their
    cooperation rates are averaged and the first cell's top-ranked strategy is shown, and the
    labels say so. No band is drawn: a band across swept values would be their spread, not
    sampling error. Tied first ranks are a category of their own (``A = B``)."""
    from matplotlib.patches import Rectangle

    result = {}
    varied = [p for p in parameters if sweep[p].nunique() > 1]
    if len(varied) >= 2:
        x, y = varied[:2]
        others = ", ".join(varied[2:])
        cooperation = sweep.groupby([y, x])["cooperation_rate"].mean().unstack(x)
        fig, ax = new_figure(7, 5.5)
        sns.heatmap(cooperation.sort_index(ascending=False), vmin=0, vmax=1, cmap="viridis",
                    ax=ax, cbar_kws={"label": "cooperation rate, mean over the strategies"
                                              + (f" and over {others}" if others else "")})
        ax.set_title("Where cooperation survives")
        fig.tight_layout()
        result["heatmap_cooperation"] = fig

        top = sweep[sweep["rank"] == 1].groupby("cell", sort=False)["strategy"].agg(
            lambda names: " = ".join(sorted(names)))
        cells = sweep.drop_duplicates("cell").set_index("cell")[[y, x]]
        cells["winner"] = top
        winners = cells.groupby([y, x])["winner"].first().unstack(x)
        names = sorted(set(top))
        codes = winners.apply(lambda col: col.map({n: i for i, n in enumerate(names)}))
        fig, ax = new_figure(8, 5.5)
        palette = sns.color_palette("tab20", len(names))
        sns.heatmap(codes.sort_index(ascending=False).astype(float), cmap=palette, vmin=-0.5,
                    vmax=len(names) - 0.5, ax=ax, cbar=False)
        handles = [Rectangle((0, 0), 1, 1, color=palette[i]) for i in range(len(names))]
        tied = any(" = " in name for name in names)
        ax.legend(handles, names, bbox_to_anchor=(1.02, 1), loc="upper left", fontsize=8,
                  title="first (A = B: a tie)" if tied else None, title_fontsize=8)
        ax.set_title("Top-ranked strategy" + (f" (at the first {others})" if others else ""))
        fig.tight_layout()
        result["heatmap_winner"] = fig
    if "match.continuation" in varied:
        fig, ax = new_figure(7, 4.5)
        distinct_lines(ax, sweep, x="match.continuation", y="cooperation_rate")
        others = ", ".join(p for p in varied if p != "match.continuation")
        ax.set_ylabel("cooperation rate" + (f" (mean over {others})" if others else ""))
        ax.set_xlabel("continuation δ")
        ax.legend(fontsize=7, bbox_to_anchor=(1.02, 1), loc="upper left")
        fig.tight_layout()
        result["cooperation_vs_continuation"] = fig
    return result

