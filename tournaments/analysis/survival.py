"""Cooperation survival: the evolutionary analysis of a tournament's payoff matrix.

From the pairwise net payoffs per round (exact where the exact solver applied, estimated
otherwise) it computes, for a symmetric game:

* **invasion**: the fixation probability ρ of a single mutant of each strategy among N − 1
  residents of each other, under the frequency-dependent Moran process with fitness
  1 − w + w·π (:func:`tournaments.analysis.evolution.fixation_matrix`), against the neutral 1/N;
* **stationary ranking**: the stationary distribution of the small-mutation-limit chain over
  monomorphic populations (α-Rank style), and its sensitivity to the selection intensity w;
* **ecological dynamics**: population shares under axelrod's ``Ecosystem`` (the discrete
  replicator map) with fitness 1 − w + w·π, from the roster's ``count``s;
* **population measures**: the cooperation rate of the surviving population, in the
  small-mutation limit (Σ_i π_i · c_ii, a population is monomorphic almost always) and at the end
  of the ecological dynamics (Σ_ij x_i x_j · c_ij).

Pure: data frames in, data frames out.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd

from tournaments.analysis import evolution

#: Selection intensities of the sensitivity analysis (the configured one is added).
INTENSITIES = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass(frozen=True)
class Survival:
    """The survival analysis's tables (see the module docstring)."""

    survival: pd.DataFrame
    invasion: pd.DataFrame
    ecology: pd.DataFrame
    sensitivity: pd.DataFrame
    population: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def matrix(pairwise: pd.DataFrame, labels: list[str], column: str) -> np.ndarray | None:
    """``column`` of every ordered pair as a k×k matrix (row = player), or ``None`` if a pair
    is missing (an asymmetric, bipartite tournament)."""
    table = pairwise.pivot(index="player", columns="opponent", values=column)
    table = table.reindex(index=labels, columns=labels)
    values = table.to_numpy(dtype=float)
    return None if np.isnan(values).any() else values


def survival_analysis(summary: pd.DataFrame, pairwise: pd.DataFrame, entries: pd.DataFrame,
                      evolution_config) -> Survival | None:
    """The survival analysis, or ``None`` when the payoff matrix is not square (roles).

    Raises
    ------
    ValueError
        When a fitness 1 − w + w·π is not positive at the configured selection intensity.
    """
    labels = list(entries["strategy"])
    payoffs = matrix(pairwise, labels, "mean_payoff")
    if payoffs is None:
        return None
    cooperation = matrix(pairwise, labels, "cooperation_rate")
    n = evolution_config.population_size
    w = evolution_config.selection_intensity
    rho = evolution.fixation_matrix(payoffs, n, w)
    invasion = pd.DataFrame({
        "mutant": np.repeat(labels, len(labels)),
        "resident": np.tile(labels, len(labels)),
        "fixation_probability": rho.ravel(),
        "neutral": 1.0 / n,
    })
    invasion = invasion[invasion["mutant"] != invasion["resident"]].reset_index(drop=True)
    ranking = evolution.invasion_summary(rho, n, labels)
    shares = evolution.ecological_dynamics(payoffs, entries["count"].to_numpy(dtype=float),
                                           evolution_config.generations,
                                           fitness=partial(evolution.fitness,
                                                           selection_intensity=w))
    ecology = evolution.ecology_frame(shares, labels)
    notes = []
    lowest = payoffs.min()
    usable = [x for x in sorted({*INTENSITIES, w}) if evolution.fitness(lowest, x) > 0]
    if len(usable) < len(set(INTENSITIES) | {w}):
        notes.append(f"selection intensities above {max(usable):g} are left out of the "
                     f"sensitivity analysis: the lowest payoff {lowest:.3g} makes 1 − w + w·π "
                     "non-positive there")
    sensitivity = evolution.ranking_sensitivity(payoffs, n, usable, labels)

    final = shares[-1]
    weight = ranking["stationary_weight"].to_numpy()
    tournament = summary.set_index("strategy").reindex(labels)
    table = pd.DataFrame({
        "strategy": labels,
        "stationary_weight": weight,
        "tournament_payoff": tournament["mean_payoff"].to_numpy(),
        "cooperation_rate": tournament["cooperation_rate"].to_numpy(),
        "self_cooperation_rate": np.diag(cooperation),
        "ecological_share": final,
        "invades": ranking["invades"].to_numpy(),
        "invaded_by": len(labels) - 1 - ranking["resists"].to_numpy(),
    })
    table = table.sort_values(["stationary_weight", "strategy"], ascending=[False, True],
                              kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    population = pd.DataFrame({
        "measure": ["stationary_cooperation_rate", "ecological_cooperation_rate",
                    "population_size", "selection_intensity"],
        "value": [float(weight @ np.diag(cooperation)), float(final @ cooperation @ final),
                  float(n), float(w)],
    })
    return Survival(survival=table.reset_index(drop=True), invasion=invasion, ecology=ecology,
                    sensitivity=sensitivity, population=population, notes=notes)


def with_moran_fixations(survival: Survival, moran_runs: pd.DataFrame) -> Survival:
    """The survival table with ``moran_fixations``: the Moran runs each strategy fixated in."""
    fixed = moran_runs["winner"].value_counts()
    table = survival.survival.assign(
        moran_fixations=[int(fixed.get(label, 0)) for label in survival.survival["strategy"]])
    return replace(survival, survival=table)
