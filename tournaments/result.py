"""The results of the API's calls: a run (built once by the pipeline), a sweep read back, and a
game's equilibria. Each shows itself in a notebook as a compact summary (``_repr_html_``) and in
a console as one line (``repr``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tournaments.analysis.survival import Survival
from tournaments.model.config import Config


@dataclass(frozen=True, repr=False)
class TournamentResult:
    """Everything a tournament run produced, as data frames.

    Attributes
    ----------
    config : Config
        The resolved config (command-line overrides applied).
    entries : DataFrame
        One row per roster entry: label, strategy name, origin, class, club, role, discount.
    matches : DataFrame
        One row per ordered pair (one for a self-play pair): the totals of its average match,
        ``engine`` saying how they were obtained (:func:`tournaments.pipeline.match_rows`): for
        a simulated pair, the mean over its ``repetitions`` of each match total (a run keeps no
        single match: each pair's repetitions are reduced as they are played); for a pair
        solved exactly, the exact expectation of one match's totals (expected rounds, and each
        quantity per round times them), ``repetitions`` empty. A result read back from disk
        (:func:`tournaments.api.load_result`) has the exact rows only.
    pairwise, summary : DataFrame
        The tables of ``pairwise.csv`` and ``summary.csv``.
    warnings : list of str
        Soft problems with the config (e.g. a PD with 2R <= T + S).
    wall_time : float
        The run time: seconds from the roster to the result, not counting the one-off import
        of axelrod (:data:`tournaments.pipeline.RUN_TIME`).
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
        """Every figure a results directory holds, as matplotlib ``Figure`` objects by file
        stem: ``ranking``, ``payoff_heatmap`` and, where they apply, ``ecology``, ``invasion``,
        ``ranking_sensitivity`` and ``moran``."""
        from tournaments.output import figures

        return {**figures.tournament_figures(self), **figures.survival_figures(self)}

    def headline(self) -> str:
        """The report's opening sentences (:func:`tournaments.output.report.headline`)."""
        from tournaments.output import report

        return report.headline(self)

    def report(self) -> str:
        """The text of ``report.md``."""
        from tournaments.output import report

        return report.tournament_report(self)

    def __repr__(self) -> str:
        engines = self.pairwise["engine"].value_counts()
        first = self.summary.sort_values("rank", kind="stable").iloc[0]
        return (f"TournamentResult({self.config.name!r}: {len(self.entries)} states, "
                f"{engines.get('exact', 0)} pairs exact, {engines.get('simulate', 0)} simulated; "
                f"first {first['strategy']!r} {first['mean_payoff']:.3f})")

    def _repr_html_(self) -> str:
        from tournaments.output import report

        return report.summary_html(self)


@dataclass(frozen=True, repr=False)
class SweepResult:
    """A finished sweep read back from its results directory.

    Attributes
    ----------
    config : Config
        The base config (without its ``sweep`` section).
    frame : DataFrame
        ``sweep.csv``: one row per cell and strategy, the swept parameters as leading columns.
    thresholds : DataFrame
        ``thresholds.csv``: per strategy, the critical continuation δ*, the noise tolerance and
        the critical δ of self-enforcement, with brackets and censoring.
    parameters : list of str
        The swept key paths, in the config's order.
    cells : int
        The sweep's cells; ``failed`` lists (cell id, error) of those that failed.
    out : Path or None
        Its results directory, or ``None`` when it ran in a temporary one.
    wall_time : float
        Seconds the sweep took.
    """

    config: Config
    frame: pd.DataFrame
    thresholds: pd.DataFrame
    parameters: list[str]
    cells: int
    failed: list[tuple[str, str]] = field(default_factory=list)
    out: Path | None = None
    wall_time: float = 0.0

    def figures(self) -> dict:
        """The sweep's figures (heatmaps of cooperation and of the winner, cooperation against
        δ) as matplotlib ``Figure`` objects by file stem, as ``tournaments sweep`` writes them."""
        from tournaments.output.figures import sweep_figures

        return sweep_figures(self.frame, self.parameters) if len(self.frame) else {}

    def __repr__(self) -> str:
        return (f"SweepResult({self.config.name!r}: {self.cells} cells over "
                f"{' × '.join(self.parameters)}, {len(self.failed)} failed)")

    def _repr_html_(self) -> str:
        from tournaments.output import report

        blocks = [report.Heading(3, self.config.name),
                  report.Paragraph(f"{self.cells} cells over {', '.join(self.parameters)}; "
                                   f"{len(self.failed)} failed; `frame`: {len(self.frame)} rows "
                                   f"(`sweep.csv`), `thresholds`: {len(self.thresholds)} rows "
                                   "(`thresholds.csv`)."),
                  report.Table(self.thresholds, digits=4)]
        return "\n".join(report.html_blocks(blocks, {}))


@dataclass(frozen=True, repr=False)
class Equilibria:
    """A game's Nash equilibria and, for a config asked ``repeated``, which of its strategies
    are self-enforcing in the repeated game.

    Attributes
    ----------
    game : StageGame
        The stage game.
    config : Config or None
        The config the game came from (``None`` for a built-in game named).
    analysis : EquilibriumAnalysis
        Its equilibria, continua and checks (:func:`tournaments.analysis.equilibria.
        equilibrium_analysis`).
    self_enforcement : DataFrame or None
        ``repeated``: per roster strategy, self-enforcement at the config's δ and ε and its
        critical δ (:func:`tournaments.analysis.repeated.roster_self_enforcement`; the table of
        ``tournaments equilibria CONFIG --repeated``).
    """

    game: object
    analysis: object
    config: Config | None = None
    self_enforcement: pd.DataFrame | None = None

    @property
    def table(self) -> pd.DataFrame:
        """One row per equilibrium: the probabilities of C of the row and column players, their
        payoffs, whether it is pure and Pareto-efficient, its label and who found it."""
        rows = [e.to_json() for e in self.analysis.equilibria]
        return pd.DataFrame({
            "label": [r["label"] for r in rows],
            "row_cooperates": [r["row"][0] for r in rows],
            "column_cooperates": [r["column"][0] for r in rows],
            "row_payoff": [r["payoffs"][0] for r in rows],
            "column_payoff": [r["payoffs"][1] for r in rows],
            "pure": [r["pure"] for r in rows],
            "pareto_efficient": [r["pareto_efficient"] for r in rows],
            "algorithm": [r["algorithm"] for r in rows]})

    def report(self) -> str:
        """The text ``tournaments equilibria`` prints for the stage game."""
        from tournaments.analysis.equilibria import equilibria_report

        return equilibria_report(self.game, self.analysis.tol)

    def __repr__(self) -> str:
        labels = "; ".join(e.label for e in self.analysis.equilibria)
        text = f"Equilibria({self.game.name!r}: {labels}"
        if self.self_enforcement is not None:
            held = self.self_enforcement[self.self_enforcement["self_enforcing"].astype(str)
                                         == "True"]["strategy"].tolist()
            text += f"; self-enforcing: {', '.join(held) or 'none'}"
        return text + ")"

    def _repr_html_(self) -> str:
        from tournaments.output import report

        blocks = [report.Heading(3, f"Equilibria of {self.game.name}"),
                  report.Table(self.table, digits=4)]
        if self.self_enforcement is not None:
            blocks += [report.Heading(4, "Self-enforcement in the repeated game"),
                       report.Table(self.self_enforcement, digits=4)]
        return "\n".join(report.html_blocks(blocks, {}))
