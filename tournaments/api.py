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
    """

    config: Config
    entries: pd.DataFrame
    matches: pd.DataFrame
    pairwise: pd.DataFrame
    summary: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    wall_time: float = 0.0

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
    pairs = runner.plan_pairs(specs, game, config.match.self_play)
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
    pairwise = scoring.pairwise_table(matches, order, exact=exact_rows)
    summary = scoring.summary_table(pairwise, entries, config.match.self_play)
    return TournamentResult(config=config, entries=entries, matches=matches, pairwise=pairwise,
                            summary=summary, warnings=config.warnings(),
                            wall_time=time.perf_counter() - start)


def save(result: TournamentResult, out: str | Path, *, force: bool = False) -> Path:
    """Write the run's directory atomically (see :mod:`tournaments.outputs`)."""
    from tournaments import outputs

    return outputs.write_run(result, Path(out), force=force)
