"""The Python API: the same runs as the command line, for notebooks and scripts.

>>> from tournaments import api
>>> result = api.run("configs/baseline.yaml")          # doctest: +SKIP
>>> result.summary.head()                                # doctest: +SKIP
>>> figures = result.figures()                           # doctest: +SKIP
>>> api.save(result, "results/baseline")                 # doctest: +SKIP
>>> grid = api.sweep("configs/baseline_sweep.yaml")      # doctest: +SKIP
>>> grid.thresholds                                      # doctest: +SKIP
>>> api.equilibria("configs/baseline.yaml", repeated=True).self_enforcement  # doctest: +SKIP

A result shows itself in a notebook as its headline and a compact table (``_repr_html_``).
``examples/tutorial.ipynb`` walks through the baseline.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tournaments.errors import UserError
from tournaments.pipeline import ENTRY_COLUMNS, match_rows, run, self_enforcement, survival
from tournaments.result import Equilibria, SweepResult, TournamentResult

__all__ = ["Equilibria", "SweepResult", "TournamentResult", "equilibria", "load_result", "run",
           "save", "sweep"]


def load_result(directory: str | Path) -> TournamentResult:
    """A results directory read back — config, tables, Moran runs — with its survival analysis
    recomputed from the tables on disk and its self-enforcement from the config (what
    ``tournaments analyze`` writes).

    Raises
    ------
    UserError
        If the directory is not a tournament's results directory.
    """
    from tournaments.analysis.survival import with_moran_fixations
    from tournaments.model.config import load_config
    from tournaments.output import store

    directory = Path(directory)
    needed = [directory / n for n in ("config.yaml", "summary.csv", "pairwise.csv")]
    missing = [p.name for p in needed if not p.is_file()]
    if missing:
        raise UserError(f"{directory}: not a tournament results directory (no "
                        f"{', '.join(missing)})")
    config = load_config(directory / "config.yaml")
    summary = pd.read_csv(directory / "summary.csv", keep_default_na=False, na_values=[""])
    pairwise = pd.read_csv(directory / "pairwise.csv")
    # summary.csv leaves out club and role when no entry has one
    summary = summary.assign(**{c: "" for c in ("club", "role") if c not in summary})
    summary = summary.fillna({"club": "", "role": ""})
    entries = summary.sort_values("entry")[ENTRY_COLUMNS].reset_index(drop=True)
    source = str(directory / "config.yaml")
    analysis = survival(config, summary, pairwise, entries, source=source)
    moran_runs = moran_populations = None
    if (directory / "moran.csv").is_file():
        moran_runs = pd.read_csv(directory / "moran.csv", keep_default_na=False)
        moran_populations = pd.read_csv(directory / "moran_populations.csv")
        analysis = with_moran_fixations(analysis, moran_runs)
    wall_time = store.read_manifest(directory).get("wall_time_seconds", 0.0)
    from tournaments.model.roster import build_specs

    return TournamentResult(config=config, entries=entries,
                            matches=match_rows(config, entries, pd.DataFrame(), pairwise),
                            pairwise=pairwise, summary=summary, warnings=config.warnings(),
                            wall_time=wall_time, survival=analysis, moran_runs=moran_runs,
                            moran_populations=moran_populations,
                            self_enforcement=self_enforcement(
                                config, build_specs(config, source=source)))


def save(result: TournamentResult, out: str | Path, *, force: bool = False) -> Path:
    """Write the run's directory atomically (see :mod:`tournaments.output.store`)."""
    from tournaments.output import store

    return store.write_run(result, Path(out), force=force)


def sweep(config: str | Path | dict, out: str | Path | None = None, *,
          scheduler: str | None = None, workers: int | None = None, resume: bool = False,
          progress: bool = True, executor: str = "dask") -> SweepResult:
    """Run a config's ``sweep`` section as ``tournaments sweep`` does, and read it back.

    Parameters
    ----------
    config : path or dict
        A config with a ``sweep`` section. A dict is validated as it is (errors name
        ``<dict>``), then run from a temporary copy; the plug-in files it names are read
        relative to the working directory, as for :func:`run`.
    out : path, optional
        Where to keep the results directory; by default it is written to a temporary directory
        and removed once read (the result's ``out`` is then ``None``).
    scheduler, workers, resume, progress, executor
        As :func:`tournaments.sweep.run_sweep` (``executor="loop"`` runs the cells in this
        process, without dask).

    Returns
    -------
    SweepResult
        ``frame`` (``sweep.csv``), ``thresholds`` (``thresholds.csv``), the swept parameters,
        the failed cells; ``figures()`` draws the sweep's figures.

    Raises
    ------
    UserError
        For an invalid config (exit 2 on the command line), as ``tournaments sweep``.
    """
    import tempfile

    from tournaments.analysis.thresholds import swept_parameters
    from tournaments.sweep import expand, run_sweep

    with tempfile.TemporaryDirectory(prefix="sweep-") as tmp:
        base, cells, _ = expand(config, check_strategies=False)
        target = Path(out) if out is not None else Path(tmp) / "sweep"
        outcome = run_sweep(config, target, scheduler=scheduler, workers=workers,
                            resume=resume, progress=progress, executor=executor)
        frame, thresholds = (_read_table(target / name) for name in ("sweep.csv",
                                                                     "thresholds.csv"))
    return SweepResult(config=base, frame=frame, thresholds=thresholds,
                       parameters=swept_parameters(cells), cells=outcome.cells,
                       failed=outcome.failed, out=Path(out) if out is not None else None,
                       wall_time=outcome.wall_time)


def _read_table(path: Path) -> pd.DataFrame:
    """A sweep's table as written (an empty one, of a sweep whose cells all failed, is empty)."""
    try:
        return pd.read_csv(path, dtype={"cell": str})
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def equilibria(game_or_config: str | Path | dict, *, repeated: bool = False,
               tol: float = 1e-9) -> Equilibria:
    """The Nash equilibria of a stage game and, with ``repeated``, which of a config's
    strategies are self-enforcing in the repeated game (what ``tournaments equilibria`` prints).

    Parameters
    ----------
    game_or_config : str, path or dict
        A built-in game's name (``prisoners_dilemma``, ``stag_hunt``, ...), a config file or a
        config dict (its ``game``).
    repeated : bool
        Add the self-enforcement table of the config's roster at its δ and ε, with each
        strategy's critical δ (needs a config, not a game's name).
    tol : float
        The equilibria's tolerance (:func:`tournaments.analysis.equilibria.nash_equilibria`).

    Raises
    ------
    UserError
        For an unknown game, a missing or invalid config, or ``repeated`` without a config.
    """
    from tournaments.analysis import equilibria as eq
    from tournaments.analysis.repeated import roster_self_enforcement
    from tournaments.model.config import load_config
    from tournaments.model.roster import build_specs

    config = None
    if isinstance(game_or_config, dict):
        config = load_config(game_or_config)
    elif repeated:
        if not Path(game_or_config).is_file():
            raise UserError(f"{game_or_config}: no such config file; the repeated game needs "
                            "a config (its roster, game, continuation and noise)")
        config = load_config(Path(game_or_config))
    game = config.game.build() if config is not None else eq.load_game(str(game_or_config))
    table = None
    if repeated:
        source = "<dict>" if isinstance(game_or_config, dict) else str(game_or_config)
        table = roster_self_enforcement(config, build_specs(config, source=source))
    return Equilibria(game=game, analysis=eq.equilibrium_analysis(game, tol), config=config,
                      self_enforcement=table)
