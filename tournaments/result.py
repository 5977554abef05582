"""The result of a run: every table it produced, built once by the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tournaments.analysis.survival import Survival
from tournaments.model.config import Config


@dataclass(frozen=True)
class TournamentResult:
    """Everything a tournament run produced, as data frames.

    Attributes
    ----------
    config : Config
        The resolved config (command-line overrides applied).
    entries : DataFrame
        One row per roster entry: label, strategy name, origin, class, club, role, discount.
    matches : DataFrame
        One row per simulated match and seat (:func:`tournaments.engines.simulate.match_frame`);
        empty when every pair was solved exactly.
    pairwise, summary : DataFrame
        The tables of ``pairwise.csv`` and ``summary.csv``.
    warnings : list of str
        Soft problems with the config (e.g. a PD with 2R <= T + S).
    wall_time : float
        Seconds spent from the roster to the result.
    survival : Survival or None
        The evolutionary survival analysis (:mod:`tournaments.analysis.survival`); ``None`` for
        an asymmetric game.
    moran_runs, moran_populations : DataFrame or None
        ``kind: moran``: one row per run, and the population after every step.
    self_enforcement : DataFrame or None
        Per strategy, whether it is self-enforcing at the run's δ and ε (an equilibrium of the
        repeated game against itself; :mod:`tournaments.analysis.repeated`); ``None`` for an
        asymmetric game.
    """

    config: Config
    entries: pd.DataFrame
    matches: pd.DataFrame
    pairwise: pd.DataFrame
    summary: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    wall_time: float = 0.0
    survival: Survival | None = None
    moran_runs: pd.DataFrame | None = None
    moran_populations: pd.DataFrame | None = None
    self_enforcement: pd.DataFrame | None = None

    def figures(self) -> dict:
        """The run's figures as matplotlib ``Figure`` objects, by file stem."""
        from tournaments.output import figures

        return {**figures.tournament_figures(self), **figures.survival_figures(self)}

    def report(self) -> str:
        """The text of ``report.md``."""
        from tournaments.output import report

        return report.tournament_report(self)
