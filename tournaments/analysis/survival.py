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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial

import numpy as np
import pandas as pd

from tournaments.analysis import evolution
from tournaments.analysis.tables import batch_index, positions, row_codes, sort_key, tie_ranks

#: Selection intensities of the sensitivity analysis (the configured one is added).
INTENSITIES = (0.001, 0.01, 0.03, 0.1, 0.3, 1.0)


@dataclass(frozen=True)
class Survival:
    """The survival analysis's tables (see the module docstring). ``roles`` names the two
    populations of a two-population analysis (``None``: one population); it then has
    ``profiles``, the stationary weight of every profile."""

    survival: pd.DataFrame
    invasion: pd.DataFrame
    ecology: pd.DataFrame
    sensitivity: pd.DataFrame
    population: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    roles: tuple[str, str] | None = None
    profiles: pd.DataFrame | None = None


def matrix(pairwise: pd.DataFrame, labels: list[str], column: str, *,
           keys: Sequence[str] = ()) -> np.ndarray | None:
    """``column`` of every ordered pair as a k×k matrix (row = player), or ``None`` if a pair
    is missing (an asymmetric, bipartite tournament). With ``keys`` (a batch of tournaments,
    :func:`tournaments.analysis.tables.pairwise_table`'s), a stack ``(B, k, k)`` in the order
    the tournaments first appear, ``None`` if any of them misses a pair."""
    return _matrices(pairwise, labels, [column], keys)[0]


def _matrices(pairwise: pd.DataFrame, labels: list[str], columns: list[str],
              keys: Sequence[str]) -> list[np.ndarray | None]:
    """:func:`matrix` of each of ``columns`` (the pairs' places found once)."""
    player = positions(labels, pairwise["player"])  # −1: not a roster label
    opponent = positions(labels, pairwise["opponent"])
    member = batch_index(pairwise, keys) if keys else np.zeros(len(pairwise), dtype=int)
    known = (player >= 0) & (opponent >= 0)
    k = len(labels)
    cells = (member[known] * k + player[known]) * k + opponent[known]  # flat places
    found = []
    for column in columns:
        values = np.full((int(member.max(initial=-1)) + 1 if keys else 1, k, k), np.nan)
        values.reshape(-1)[cells] = pairwise[column].to_numpy(dtype=float)[known]
        found.append(None if np.isnan(values).any() else values if keys else values[0])
    return found


def _members(frame: pd.DataFrame, keys: list[str]) -> pd.Index:
    """The tournaments of a batch (their key values) in the order they first appear."""
    if len(keys) == 1:
        return pd.Index(pd.unique(frame[keys[0]]))
    return pd.MultiIndex.from_frame(frame[keys]).unique()


@dataclass(frozen=True)
class _Selection:
    """The evolutionary quantities of one tournament's payoff matrix, or of a batch's stack."""

    labels: list[str]
    payoffs: np.ndarray  # (..., k, k) net payoff per round
    cooperation: np.ndarray  # (..., k, k)
    fixation: np.ndarray  # (..., k, k)
    invades: np.ndarray  # (..., k): evolution.invasion_counts
    resists: np.ndarray  # (..., k)
    weight: np.ndarray  # (..., k): the stationary distribution
    shares: np.ndarray  # (..., generations + 1, k); (..., 1, k): the last generation alone


def _selection(pairwise: pd.DataFrame, entries: pd.DataFrame, evolution_config,
               keys: Sequence[str], history: bool = True) -> _Selection | None:
    counts = entries["count"].to_numpy(dtype=float)
    if keys:
        members = _members(entries, list(keys))
        labels = list(entries["strategy"].iloc[:len(entries) // max(len(members), 1)])
        order = _members(pairwise, list(keys))
        if not members.equals(order) or len(entries) != len(members) * len(labels) or (
                positions(labels, entries["strategy"])
                != np.tile(np.arange(len(labels)), len(members))).any():
            raise ValueError("a batch's entries must list each tournament's roster (the same "
                             "labels), in the order its pairwise rows first appear")
        counts = counts.reshape(len(members), len(labels))
    else:
        labels = list(entries["strategy"])
    payoffs, cooperation = _matrices(pairwise, labels, ["mean_payoff", "cooperation_rate"], keys)
    if payoffs is None:
        return None
    n = evolution_config.population_size
    w = evolution_config.selection_intensity
    rho = evolution.fixation_matrix(payoffs, n, w)
    invades, resists, weight = evolution.invasion_counts(rho, n)
    shares = evolution.ecological_dynamics(payoffs, counts, evolution_config.generations,
                                           fitness=partial(evolution.fitness,
                                                           selection_intensity=w),
                                           history=history)
    if not history:
        shares = shares[..., None, :]
    return _Selection(labels=labels, payoffs=payoffs, cooperation=cooperation, fixation=rho,
                      invades=invades, resists=resists, weight=weight, shares=shares)


def _table(found: _Selection, summary: pd.DataFrame, entries: pd.DataFrame,
           keys: Sequence[str]) -> pd.DataFrame:
    """The survival table: one row per strategy (per tournament of a batch, keys first)."""
    labels, keys = found.labels, list(keys)
    # each entry's row of the summary (NaN: none)
    where, place = row_codes([summary[c] for c in (*keys, "strategy")],
                             ([entries[c] for c in (*keys, "strategy")] if keys
                              else [pd.Series(labels)]))
    row = np.full(int(where.max(initial=-1)) + 2, -1)
    row[where[where >= 0]] = np.flatnonzero(where >= 0)
    row = row[place]  # place −1: the last, −1

    def tournament(column: str) -> np.ndarray:
        return np.append(summary[column].to_numpy(dtype=float), np.nan)[row]

    strategy = entries["strategy"] if keys else pd.Series(labels)
    weight = found.weight.ravel()
    table = pd.DataFrame({
        **{key: entries[key].array for key in keys},
        "strategy": strategy.array if keys else labels,
        "stationary_weight": weight,
        "tournament_payoff": tournament("mean_payoff"),
        "cooperation_rate": tournament("cooperation_rate"),
        "self_cooperation_rate": np.diagonal(found.cooperation, axis1=-2, axis2=-1).ravel(),
        "ecological_share": found.shares[..., -1, :].ravel(),
        "invades": found.invades.ravel(),
        "invaded_by": len(labels) - 1 - found.resists.ravel(),
    })
    # per tournament (in the order they first appear): by weight, tied weights by label
    batch = batch_index(table, keys) if keys else np.zeros(len(table), dtype=np.int64)
    order = np.lexsort((sort_key(strategy), -weight, batch))
    table = table.take(order)
    table.insert(len(keys), "rank", tie_ranks(weight[order], batch[order] if keys else None))
    return table.reset_index(drop=True)


def survival_table(summary: pd.DataFrame, pairwise: pd.DataFrame, entries: pd.DataFrame,
                   evolution_config, *, keys: Sequence[str] = ()) -> pd.DataFrame | None:
    """The survival table of :func:`survival_analysis` alone, for one tournament or for a batch
    of them told apart by ``keys`` (:func:`tournaments.analysis.tables.pairwise_table`'s; the
    key columns come first, and each tournament's rows are those it gets alone); ``None`` when
    the payoff matrix is not square.

    Raises
    ------
    ValueError
        As :func:`survival_analysis` does (for a batch: when any of its tournaments would).
    """
    found = _selection(pairwise, entries, evolution_config, keys, history=False)
    return None if found is None else _table(found, summary, entries, keys)


def survival_analysis(summary: pd.DataFrame, pairwise: pd.DataFrame, entries: pd.DataFrame,
                      evolution_config) -> Survival | None:
    """The survival analysis, or ``None`` when the payoff matrix is not square (roles).

    Raises
    ------
    ValueError
        When a fitness 1 − w + w·π is not positive at the configured selection intensity.
    """
    found = _selection(pairwise, entries, evolution_config, ())
    if found is None:
        return None
    labels, payoffs, cooperation = found.labels, found.payoffs, found.cooperation
    n = evolution_config.population_size
    w = evolution_config.selection_intensity
    invasion = pd.DataFrame({
        "mutant": np.repeat(labels, len(labels)),
        "resident": np.tile(labels, len(labels)),
        "fixation_probability": found.fixation.ravel(),
        "neutral": 1.0 / n,
    })
    invasion = invasion[invasion["mutant"] != invasion["resident"]].reset_index(drop=True)
    ecology = evolution.ecology_frame(found.shares, labels)
    usable, notes = _usable_intensities(payoffs.min(), w)
    sensitivity = evolution.ranking_sensitivity(payoffs, n, usable, labels)

    final = found.shares[-1]
    weight = found.weight
    population = pd.DataFrame({
        "measure": ["stationary_cooperation_rate", "ecological_cooperation_rate",
                    "population_size", "selection_intensity"],
        "value": [float(weight @ np.diag(cooperation)), float(final @ cooperation @ final),
                  float(n), float(w)],
    })
    return Survival(survival=_table(found, summary, entries, ()), invasion=invasion,
                    ecology=ecology, sensitivity=sensitivity, population=population,
                    notes=notes)


def rectangle(pairwise: pd.DataFrame, rows: list[str], columns: list[str],
              column: str) -> np.ndarray:
    """``column`` of the pairs (player in ``rows``, opponent in ``columns``) as a
    ``len(rows) × len(columns)`` matrix (row = player): one role's payoffs against the other's."""
    player = positions(rows, pairwise["player"])
    opponent = positions(columns, pairwise["opponent"])
    known = (player >= 0) & (opponent >= 0)
    values = np.full((len(rows), len(columns)), np.nan)
    values[player[known], opponent[known]] = pairwise[column].to_numpy(dtype=float)[known]
    if np.isnan(values).any():
        raise ValueError(f"a pair of the two populations is missing from the tables ({column})")
    return values


def _usable_intensities(lowest: float, w: float) -> tuple[list[float], list[str]]:
    """The sensitivity analysis's intensities at which every fitness is positive, and a note
    on those left out."""
    usable = [x for x in sorted({*INTENSITIES, w}) if evolution.fitness(lowest, x) > 0]
    if len(usable) < len(set(INTENSITIES) | {w}):
        return usable, [f"selection intensities above {max(usable):g} are left out of the "
                        f"sensitivity analysis: the lowest payoff {lowest:.3g} makes "
                        "1 − w + w·π non-positive there"]
    return usable, []


def two_population_analysis(summary: pd.DataFrame, pairwise: pd.DataFrame,
                            entries: pd.DataFrame, evolution_config,
                            roles: tuple[str, str]) -> Survival:
    """The survival analysis of two populations, one per role, each of
    ``evolution.population_size`` members meeting only the other
    (:mod:`tournaments.analysis.two_population`):

    * ``survival``: per strategy, its ``role``, ``rank`` within the role and
      ``stationary_weight`` (its role's marginal of the stationary distribution over profiles),
      its tournament payoff and cooperation rate, its ``ecological_share`` within its role at
      the end of the two-population replicator map, ``invades`` (the resident profiles in which
      a single mutant of it fixes with more than the neutral 1/N, its own population's
      resident being another strategy) and ``invaded_by`` (the (mutant, other population's
      resident) pairs that so invade its population while it is the resident);
    * ``invasion``: every such fixation probability; ``profiles``: the stationary weight of
      every profile (row-role strategy, column-role strategy) and whether it survives;
    * ``ecology`` and ``sensitivity`` with a ``role`` column; ``population``: each role's
      cooperation rate in the stationary mix and at the end of the ecology.

    Raises
    ------
    ValueError
        When a fitness 1 − w + w·π is not positive at the configured selection intensity, or
        the profiles are more than :data:`~tournaments.analysis.two_population.MAX_PROFILES`.
    """
    from tournaments.analysis import two_population as two

    labels = [list(entries.loc[entries["role"] == role, "strategy"]) for role in roles]
    counts = [entries.loc[entries["role"] == role, "count"].to_numpy(dtype=float)
              for role in roles]
    payoffs = (rectangle(pairwise, labels[0], labels[1], "mean_payoff"),
               rectangle(pairwise, labels[1], labels[0], "mean_payoff"))
    cooperation = (rectangle(pairwise, labels[0], labels[1], "cooperation_rate"),
                   rectangle(pairwise, labels[1], labels[0], "cooperation_rate"))
    n = evolution_config.population_size
    w = evolution_config.selection_intensity
    rho = two.invasion_probabilities(*payoffs, n, n, w, roles=roles)
    invasion = two.invasion_frame(*rho, n, n, *labels, roles)
    stationary = two.stationary_profiles(*payoffs, n, n, w, roles=roles)
    ranking = two.role_ranking(stationary, *labels, roles)
    shares = two.ecological_dynamics(*payoffs, *counts, evolution_config.generations,
                                     fitness=partial(evolution.fitness, selection_intensity=w),
                                     roles=roles)
    usable, notes = _usable_intensities(min(p.min() for p in payoffs), w)
    sensitivity = two.ranking_sensitivity(*payoffs, n, n, usable, *labels, roles)
    measures = two.cooperation_survival(stationary, shares[0][-1], shares[1][-1],
                                        *cooperation, roles)
    population = measures.melt(id_vars="role", var_name="measure", value_name="value")
    population = pd.concat([population[["measure", "role", "value"]], pd.DataFrame({
        "measure": ["population_size", "selection_intensity"], "role": ["", ""],
        "value": [float(n), float(w)]})], ignore_index=True)
    invaders = invasion[invasion["invades"]]
    resident = np.where(invaders["role"] == roles[0], invaders["row_resident"],
                        invaders["column_resident"])
    tournament = summary.set_index("strategy")
    table = ranking.assign(
        tournament_payoff=tournament.loc[ranking["strategy"], "mean_payoff"].to_numpy(),
        cooperation_rate=tournament.loc[ranking["strategy"], "cooperation_rate"].to_numpy(),
        ecological_share=np.concatenate([shares[0][-1], shares[1][-1]]),
        invades=ranking["strategy"].map(invaders["mutant"].value_counts()).fillna(0)
        .astype(int).to_numpy(),
        invaded_by=ranking["strategy"].map(pd.Series(resident).value_counts()).fillna(0)
        .astype(int).to_numpy())
    table = table.sort_values(["role", "rank", "strategy"], kind="stable",
                              key=lambda c: c.map({roles[0]: 0, roles[1]: 1})
                              if c.name == "role" else c)
    table = table[["role", "rank", "strategy", "stationary_weight", "tournament_payoff",
                   "cooperation_rate", "ecological_share", "invades", "invaded_by"]]
    return Survival(survival=table.reset_index(drop=True), invasion=invasion,
                    ecology=two.ecology_frame(*shares, *labels, roles), sensitivity=sensitivity,
                    population=population, notes=notes, roles=tuple(roles),
                    profiles=two.profile_frame(stationary, *labels))


def with_moran_fixations(survival: Survival, moran_runs: pd.DataFrame) -> Survival:
    """The survival table with ``moran_fixations``: the Moran runs each strategy fixated in
    (in its own population, with two)."""
    winners = [c for c in ("winner", "row_winner", "column_winner") if c in moran_runs]
    fixed = pd.concat([moran_runs[c] for c in winners]).value_counts()
    table = survival.survival.assign(
        moran_fixations=[int(fixed.get(label, 0)) for label in survival.survival["strategy"]])
    return replace(survival, survival=table)
