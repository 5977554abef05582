"""The Python API: the same runs as the command line, for notebooks and scripts.

>>> from tournaments import api
>>> result = api.run("configs/baseline.yaml")          # doctest: +SKIP
>>> result.summary.head()                                # doctest: +SKIP
>>> figures = result.figures()                           # doctest: +SKIP
>>> api.save(result, "results/baseline")                 # doctest: +SKIP
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tournaments.config import Config, load_config
from tournaments.errors import ConfigError
from tournaments.survival import Survival

#: Columns describing each roster entry (``entry`` is its index in the roster).
ENTRY_COLUMNS = ["entry", "strategy", "name", "origin", "spec", "club", "role", "discount",
                 "count"]


@dataclass
class TournamentResult:
    """Everything a tournament run produced, as data frames.

    Attributes
    ----------
    config : Config
        The resolved config (CLI overrides applied).
    entries : DataFrame
        One row per roster entry: label, strategy name, origin, class, club, role, discount.
    matches : DataFrame
        One row per match and seat (see :func:`tournaments.scoring.pairwise_table`).
    pairwise, summary : DataFrame
        The tables of ``pairwise.csv`` and ``summary.csv``.
    warnings : list of str
        Soft problems with the config (e.g. a PD with 2R <= T + S).
    wall_time : float
        Seconds spent playing and scoring.
    survival : Survival or None
        The evolutionary survival analysis (:mod:`tournaments.survival`); ``None`` for an
        asymmetric game.
    moran_runs, moran_populations : DataFrame or None
        ``kind: moran``: one row per run, and the population after every step.
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

    def figures(self) -> dict:
        """The run's figures as matplotlib ``Figure`` objects, by file stem."""
        from tournaments import figures

        return figures.tournament_figures(self)

    def report(self) -> str:
        """The text of ``report.md``."""
        from tournaments import report

        return report.tournament_report(self)


def run(config: Config | str | Path | dict, *, seed: int | None = None,
        processes: int | None = None, progress: bool = True,
        source: str | None = None) -> TournamentResult:
    """Run a config (a :class:`Config`, a YAML path or a dict) and return its tables.

    ``seed`` and ``processes`` override the config's values, as the CLI's flags do. ``source``
    names the config file of a ``Config`` or dict (for messages and relative plug-in paths).
    """
    from tournaments import players, runner, scoring

    if source is None:
        source = "<dict>" if isinstance(config, dict | Config) else str(config)
    overrides = {"seed": seed, "processes": processes}
    if isinstance(config, Config):
        config = config.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    else:
        config = load_config(config, overrides=overrides)
    start = time.perf_counter()
    specs = players.build_specs(config, source=source)
    game = config.game.build()
    pairs = runner.plan_pairs(specs, game)
    counted = {(specs[a].label, specs[b].label) for i, j in pairs for a, b in ((i, j), (j, i))
               if runner.counted(config, specs[a], specs[b])}
    exact_rows, pairs = (runner.solve_exact(config, specs, game, pairs)
                         if config.match.engine != "simulate" else (pd.DataFrame(), pairs))
    if pairs and config.match.engine == "exact":
        names = ", ".join(f"{specs[i].label} vs {specs[j].label}" for i, j in pairs[:3])
        raise ConfigError(source, "match.engine", "exact",
                          f"auto or simulate: no finite-state form for {len(pairs)} pair(s) "
                          f"({names}{', ...' if len(pairs) > 3 else ''})")
    matches = runner.play(config, specs, game, pairs, processes=config.processes,
                          progress=progress)
    entries = pd.DataFrame({
        "entry": [s.index for s in specs],
        "strategy": [s.label for s in specs],
        "name": [s.strategy_name for s in specs],
        "origin": [s.origin for s in specs],
        "spec": [e.strategy for e in config.roster],
        "club": [s.club or "" for s in specs],
        "role": [s.role or "" for s in specs],
        "discount": [s.discount for s in specs],
        "count": [s.count for s in specs],
    })
    order = list(entries["strategy"])
    pairwise = scoring.pairwise_table(matches, order, exact=exact_rows, counted=counted)
    summary = scoring.summary_table(pairwise, entries)
    result = TournamentResult(config=config, entries=entries, matches=matches,
                              pairwise=pairwise, summary=summary, warnings=config.warnings())
    if config.kind == "moran":
        from tournaments import moran

        result.moran_runs, result.moran_populations = moran.run_moran(
            config, specs, progress=progress, source=source)
    result.survival = analyze(result, source=source)
    result.wall_time = time.perf_counter() - start
    return result


def analyze(result: TournamentResult, *, source: str = "<dict>") -> Survival | None:
    """The survival analysis of a result (``None`` for an asymmetric game)."""
    from tournaments import survival

    try:
        return survival.analyze(result.summary, result.pairwise, result.entries,
                                result.config.evolution, result.moran_runs)
    except ValueError as err:
        raise ConfigError(source, "evolution.selection_intensity",
                          result.config.evolution.selection_intensity,
                          f"an intensity at which every fitness is positive ({err})") from None


def load_result(directory: str | Path) -> TournamentResult:
    """A results directory read back (config, tables, Moran runs) for :func:`analyze`.

    Raises
    ------
    UserError
        If the directory is not a tournament's results directory.
    """
    from tournaments.errors import UserError

    directory = Path(directory)
    needed = [directory / n for n in ("config.yaml", "summary.csv", "pairwise.csv")]
    missing = [p.name for p in needed if not p.is_file()]
    if missing:
        raise UserError(f"{directory}: not a tournament results directory (no "
                        f"{', '.join(missing)})")
    config = load_config(directory / "config.yaml")
    summary = pd.read_csv(directory / "summary.csv", keep_default_na=False,
                          na_values=[""])
    pairwise = pd.read_csv(directory / "pairwise.csv")
    # summary.csv leaves out club and role when no entry has one
    summary = summary.assign(**{c: "" for c in ("club", "role") if c not in summary})
    summary = summary.fillna({"club": "", "role": ""})
    entries = summary.sort_values("entry")[ENTRY_COLUMNS]
    moran_runs = (pd.read_csv(directory / "moran.csv", keep_default_na=False)
                  if (directory / "moran.csv").is_file() else None)
    return TournamentResult(config=config, entries=entries.reset_index(drop=True),
                            matches=pd.DataFrame(), pairwise=pairwise, summary=summary,
                            warnings=config.warnings(), moran_runs=moran_runs)


def save(result: TournamentResult, out: str | Path, *, force: bool = False) -> Path:
    """Write the run's directory atomically (see :mod:`tournaments.outputs`)."""
    from tournaments import outputs

    return outputs.write_run(result, Path(out), force=force)
