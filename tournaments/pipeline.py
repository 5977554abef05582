"""The pipeline of a run: the data's path from a config to a result, one named step each.

    config → roster → plan (pairs, topology) → exact forms → simulated and exact pairs
           → tables → survival analysis → Moran runs → self-enforcement → result

:func:`run` calls the steps in this order; each step is a function of what the earlier ones
produced, and the :class:`~tournaments.result.TournamentResult` is built once, at the end.
Only :mod:`tournaments.output` writes it to disk.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tournaments import _axelrod
from tournaments.errors import ConfigError
from tournaments.model import budget, topology
from tournaments.model.config import Config, load_config
from tournaments.model.games import StageGame
from tournaments.model.roster import PlayerSpec, build_specs
from tournaments.result import TournamentResult


@dataclass(frozen=True)
class Plan:
    """Who plays whom: the roster's players, the game, the pairs (row player first) and the
    ordered pairs of labels that enter the tournament's means."""

    specs: list[PlayerSpec]
    game: StageGame
    pairs: list[tuple[int, int]]
    counted: frozenset[tuple[str, str]]


def load(config: Config | str | Path | dict, *, seed: int | None = None,
         processes: int | None = None, source: str | None = None) -> Config:
    """Step 1: the validated config, with the command line's overrides applied (``source``
    names a dict's file: its folder holds the plug-in files the roster names)."""
    overrides = {"seed": seed, "processes": processes}
    if isinstance(config, Config):
        return config.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    origin = source if isinstance(config, dict) else None
    return load_config(config, overrides=overrides, origin=origin)


def plan(config: Config, specs: list[PlayerSpec]) -> Plan:
    """Step 3: the pairs to play and the pairs that count.

    Symmetric game: every unordered pair once and each entry against a copy of itself (the
    survival analysis needs the whole payoff matrix), the smaller label in the row seat so that
    a match and its seed do not depend on roster order. A pair counts in the tournament's means
    when the topology links it (self-play only with ``match.self_play``). Two populations
    (entries with roles, any game): every entry of the game's row role (row seat) against every
    entry of its column role, never within a role.
    """
    game = config.game.build()
    n = len(specs)
    if not config.two_populations:
        pairs = [(i, j) if specs[i].label <= specs[j].label else (j, i)
                 for i in range(n) for j in range(i, n)]
    else:
        rows = [s.index for s in specs if s.role == game.roles[0]]
        cols = [s.index for s in specs if s.role == game.roles[1]]
        pairs = [(i, j) for i in rows for j in cols]

    def counts(a: PlayerSpec, b: PlayerSpec) -> bool:
        if a.index == b.index:
            return config.match.self_play
        return topology.linked(config.topology, config.seed,
                               topology.Member(a.label, 0, a.club),
                               topology.Member(b.label, 0, b.club))

    counted = frozenset((specs[a].label, specs[b].label) for i, j in pairs
                        for a, b in ((i, j), (j, i)) if counts(specs[a], specs[b]))
    return Plan(specs=specs, game=game, pairs=pairs, counted=counted)


def check_players(config: Config, plan: Plan, *, source: str) -> None:
    """Every entry's player takes the match's attributes (the game, its length, the noise) as
    axelrod's ``Match`` gives them; one that cannot (GTFT reads R, S, T, P, which an asymmetric
    game has not) is bad input naming the entry, not a traceback."""
    from tournaments.engines.exact import match_player

    for spec in plan.specs:
        try:
            match_player(spec, plan.game, config.match)
        except Exception as err:  # noqa: BLE001 - the strategy's own code refuses the game
            raise ConfigError(source, f"roster[{spec.index}].strategy",
                              config.roster[spec.index].strategy,
                              f"a strategy that can play this game ({plan.game.name}: "
                              f"{'symmetric' if plan.game.symmetric else 'asymmetric'}); it "
                              f"fails on the match's attributes: {type(err).__name__}: {err}"
                              ) from None


def exact_forms(config: Config, plan: Plan, *, source: str):
    """Step 4: the forms of the pairs the exact solver covers
    (:class:`tournaments.engines.exact.RosterForms`), and the pairs left to simulate."""
    from tournaments.engines import exact

    if config.match.engine == "simulate":
        return exact.RosterForms([], [], [], []), plan.pairs
    found, rest = exact.roster_forms(plan.specs, plan.pairs, plan.game, config.match)
    if rest and config.match.engine == "exact":
        names = ", ".join(f"{plan.specs[i].label} vs {plan.specs[j].label}" for i, j in rest[:3])
        raise ConfigError(source, "match.engine", "exact",
                          f"auto or simulate: no finite-state form for {len(rest)} pair(s) "
                          f"({names}{', ...' if len(rest) > 3 else ''})")
    return found, rest


def solve_exactly(config: Config, plan: Plan, *, source: str) -> tuple[pd.DataFrame, list]:
    """Step 4 whole: the rows of the pairs the exact solver covers (:func:`exact_forms`
    solved), and the pairs left to simulate. :func:`run` solves them while the simulated pairs
    are played instead."""
    from tournaments.engines import exact

    found, rest = exact_forms(config, plan, source=source)
    return exact.solve_forms(found, plan.game, config.match, config.transfer_efficiency), rest


def simulate(config: Config, plan: Plan, pairs: list[tuple[int, int]], *, progress: bool,
             source: str = "<dict>", scheduler: str | None = None,
             workers: int | None = None, meanwhile=None) -> pd.DataFrame:
    """Step 5: every repetition of the remaining pairs, played with axelrod (in this process,
    forked processes, or on dask with a ``scheduler`` address or ``workers``) and reduced to
    each ordered pair's record as it is played; ``meanwhile()`` runs here while workers play
    (:func:`tournaments.engines.simulate.simulate`)."""
    from tournaments.engines.simulate import simulate as play

    return play(config, plan.specs, plan.game, pairs, source=source, progress=progress,
                scheduler=scheduler, workers=workers, meanwhile=meanwhile)


#: Columns describing each roster entry (``entry`` is its index in the roster).
ENTRY_COLUMNS = ["entry", "strategy", "name", "origin", "spec", "club", "role", "discount",
                 "count"]


def entries_frame(config: Config, specs: list[PlayerSpec]) -> pd.DataFrame:
    """One row per roster entry: label, strategy name, origin, config spelling, club, role,
    discount and count."""
    return pd.DataFrame({
        "entry": [s.index for s in specs],
        "strategy": [s.label for s in specs],
        "name": [s.strategy_name for s in specs],
        "origin": [s.origin for s in specs],
        "spec": [e["strategy"] for e in config.resolved()["roster"]],
        "club": [s.club or "" for s in specs],
        "role": [s.role or "" for s in specs],
        "discount": [s.discount for s in specs],
        "count": [s.count for s in specs],
    })


def match_rows(config: Config, entries: pd.DataFrame, simulated: pd.DataFrame,
               pairwise: pd.DataFrame) -> pd.DataFrame:
    """The result's ``matches``: one row per ordered pair (one for a self-play pair), the
    totals of its **average match**, ``engine`` saying how they were obtained.

    A simulated pair's row is the mean over its repetitions of each match total
    (``simulated``'s sums divided by ``repetitions``; a self-play pair's, the mean over its
    seats). A pair solved exactly holds the **exact expectation of one match's totals**:
    ``rounds`` the expected length Σ_{t<T} δ^t (T the cap or fixed length, infinite without
    one), each quantity its per-round value times that, ``discount_weight`` Σ_{t<T} (δγ)^t and
    ``discounted_net`` the discounted payoff times it (γ the player's discount);
    ``repetitions`` is empty. Either way a quantity divided by ``rounds`` is ``pairwise``'s
    value per round.
    """
    from tournaments.model.accounting import DISCOUNTED, MATCH_FIELDS, NAMES, NET

    m = config.match

    def length(ratio) -> np.ndarray:  # Σ_{t<T} ratio^t
        ratio = np.asarray(ratio, dtype=float)
        if m.turns is None:
            return 1 / (1 - ratio)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(ratio == 1, float(m.turns), (1 - ratio ** m.turns) / (1 - ratio))

    exact = pairwise[pairwise["engine"] == "exact"].reset_index(drop=True)
    rounds = length(np.full(len(exact), m.continuation))
    gamma = exact["player"].map(dict(zip(entries["strategy"], entries["discount"],
                                         strict=True))).to_numpy(dtype=float)
    weight = length(m.continuation * gamma)
    discounted = exact[DISCOUNTED] if DISCOUNTED in exact else exact[NET]
    expected = pd.DataFrame({
        "player": exact["player"], "opponent": exact["opponent"], "rounds": rounds,
        **{name: exact[name] * rounds for name in NAMES}, "net": exact[NET] * rounds,
        "discounted_net": discounted * weight, "discount_weight": weight})
    average = None
    if len(simulated):
        fields = list(MATCH_FIELDS)
        average = simulated[["player", "opponent", "repetitions"]].assign(
            **dict(zip(fields, (simulated[fields].to_numpy(dtype=float)
                                / simulated[["repetitions"]].to_numpy(dtype=float)).T,
                       strict=True)), engine="simulate")
    frame = pd.concat([f for f in (average, expected.assign(engine="exact")) if f is not None],
                      ignore_index=True)
    frame["repetitions"] = frame.get("repetitions", pd.Series(pd.NA, index=frame.index)
                                     ).astype("Int64")
    return frame[["player", "opponent", "engine", "repetitions", *MATCH_FIELDS]]


def tables(plan: Plan, entries: pd.DataFrame, simulated: pd.DataFrame,
           exact_rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Step 6: ``pairwise`` and ``summary``."""
    from tournaments.analysis import tables as build

    discounted = bool((entries["discount"] != 1).any())
    pairwise = build.pairwise_table(simulated, list(entries["strategy"]), exact=exact_rows,
                                    counted=set(plan.counted), discounted=discounted)
    return pairwise, build.summary_table(pairwise, entries)


def survival(config: Config, summary: pd.DataFrame, pairwise: pd.DataFrame,
             entries: pd.DataFrame, *, source: str = "<dict>"):
    """Step 7: the survival analysis, of one population or of two (roles)."""
    from tournaments.analysis import two_population
    from tournaments.analysis.survival import survival_analysis, two_population_analysis

    try:
        if not config.two_populations:
            return survival_analysis(summary, pairwise, entries, config.evolution)
        roles = config.game.build().roles
        sizes = [int((entries["role"] == role).sum()) for role in roles]
        if sizes[0] * sizes[1] > two_population.MAX_PROFILES:
            raise ConfigError(source, "roster", f"{sizes[0]} × {sizes[1]} entries",
                              f"at most {two_population.MAX_PROFILES} profiles (row-role × "
                              "column-role entries) for the two-population analysis")
        return two_population_analysis(summary, pairwise, entries, config.evolution, roles)
    except ValueError as err:
        raise ConfigError(source, "evolution.selection_intensity",
                          config.evolution.selection_intensity,
                          f"an intensity at which every fitness is positive ({err})") from None


def moran(config: Config, specs: list[PlayerSpec], pairwise: pd.DataFrame, *,
          progress: bool, source: str):
    """Step 8 (``kind: moran``): seeded Moran runs on the tournament's payoff matrix (two
    populations with roles)."""
    from tournaments.analysis.survival import matrix, rectangle
    from tournaments.engines.moran import run_moran, run_two_population_moran

    if not config.two_populations:
        payoffs = matrix(pairwise, [s.label for s in specs], "mean_payoff")
        return run_moran(config, specs, payoffs, progress=progress, source=source)
    roles = config.game.build().roles
    labels = tuple([s.label for s in specs if s.role == role] for role in roles)
    counts = tuple(np.array([s.count for s in specs if s.role == role]) for role in roles)
    payoffs = (rectangle(pairwise, labels[0], labels[1], "mean_payoff"),
               rectangle(pairwise, labels[1], labels[0], "mean_payoff"))
    return run_two_population_moran(config, payoffs, labels, counts, roles, progress=progress)


def self_enforcement(config: Config, specs: list[PlayerSpec]) -> pd.DataFrame | None:
    """Step 9: whether each strategy is self-enforcing at the run's δ and ε — an equilibrium of
    the repeated game against a copy of itself (:mod:`tournaments.analysis.repeated`); ``None``
    for an asymmetric game."""
    from tournaments.analysis.repeated import roster_self_enforcement

    if not config.game.build().symmetric:
        return None
    return roster_self_enforcement(config, specs, thresholds=False)


#: What a run's ``wall_time`` (the manifest's ``wall_time_seconds``, the run time ``tournaments
#: run`` prints) leaves out: it is measured from the roster to the result, and axelrod is
#: imported before the clock starts.
RUN_TIME = "not counting the one-off import of axelrod"


def run(config: Config | str | Path | dict, *, seed: int | None = None,
        processes: int | None = None, progress: bool = True,
        source: str | None = None, scheduler: str | None = None,
        workers: int | None = None) -> TournamentResult:
    """Run a config (a :class:`Config`, a YAML path or a dict) through every step.

    ``seed`` and ``processes`` override the config's values, as the command line's flags do.
    ``source`` names the config file of a ``Config`` or dict (for messages and relative plug-in
    paths). ``scheduler`` (a dask scheduler's address) or ``workers`` (an embedded dask cluster
    of that many processes) play the simulated pairs on dask.distributed: the same results.
    """
    if source is None:
        source = "<dict>" if isinstance(config, dict | Config) else str(config)
    config = load(config, seed=seed, processes=processes, source=source)
    _axelrod.load()  # the one-off import (seconds on a cold start): not part of the run time
    from tournaments.engines import exact

    start = time.perf_counter()
    with _Phases(progress, 7 + (config.kind == "moran")) as phase:
        phase("roster")
        specs = build_specs(config, source=source)
        the_plan = plan(config, specs)
        check_players(config, the_plan, source=source)
        budget.check(config, the_plan, source=source)  # refuse what would not fit, before play
        phase("exact forms")
        found, rest = exact_forms(config, the_plan, source=source)
        phase("simulated and exact pairs")
        solved = []  # the exact pairs are solved here while the workers play the others
        simulated = simulate(config, the_plan, rest, progress=progress, source=source,
                             scheduler=scheduler, workers=workers,
                             meanwhile=lambda: solved.append(exact.solve_forms(
                                 found, the_plan.game, config.match,
                                 config.transfer_efficiency)))
        exact_rows = solved[0]
        phase("tables")
        entries = entries_frame(config, specs)
        pairwise, summary = tables(the_plan, entries, simulated, exact_rows)
        phase("survival analysis")
        analysis = survival(config, summary, pairwise, entries, source=source)
        moran_runs = moran_populations = None
        if config.kind == "moran":
            from tournaments.analysis.survival import with_moran_fixations

            phase("Moran runs")
            moran_runs, moran_populations = moran(config, specs, pairwise, progress=progress,
                                                  source=source)
            analysis = with_moran_fixations(analysis, moran_runs)
        phase("self-enforcement")
        enforcement = self_enforcement(config, specs)
        phase("match rows")
        matches = match_rows(config, entries, simulated, pairwise)
    return TournamentResult(
        config=config, entries=entries, matches=matches, pairwise=pairwise, summary=summary,
        warnings=config.warnings(), wall_time=time.perf_counter() - start, survival=analysis,
        moran_runs=moran_runs, moran_populations=moran_populations,
        self_enforcement=enforcement)


class _Phases:
    """A progress line naming the step a run is in (standard error; off without ``progress``):
    ``phase(name)`` closes the step before and opens ``name``."""

    def __init__(self, progress: bool, total: int) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc="run", unit="step", leave=False,
                        disable=True if not progress else None,
                        bar_format="{desc}: step {n_fmt}/{total_fmt} {postfix} [{elapsed}]")
        self.started = False

    def __enter__(self):
        return self

    def __call__(self, name: str) -> None:
        if self.started:
            self.bar.update()
        self.started = True
        self.bar.set_postfix_str(name)

    def __exit__(self, *exc) -> None:
        self.bar.close()
