"""The Python API: the same runs as the command line, for notebooks and scripts.

>>> from tournaments import api
>>> result = api.run("configs/baseline.yaml")          # doctest: +SKIP
>>> result.summary.head()                                # doctest: +SKIP
>>> figures = result.figures()                           # doctest: +SKIP
>>> api.save(result, "results/baseline")                 # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tournaments.errors import UserError
from tournaments.pipeline import ENTRY_COLUMNS, run, self_enforcement, survival
from tournaments.result import TournamentResult

__all__ = ["TournamentResult", "load_result", "run", "save"]


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

    return TournamentResult(config=config, entries=entries, matches=pd.DataFrame(),
                            pairwise=pairwise, summary=summary, warnings=config.warnings(),
                            wall_time=wall_time, survival=analysis, moran_runs=moran_runs,
                            moran_populations=moran_populations,
                            self_enforcement=self_enforcement(
                                config, build_specs(config, source=source)))


def save(result: TournamentResult, out: str | Path, *, force: bool = False) -> Path:
    """Write the run's directory atomically (see :mod:`tournaments.output.store`)."""
    from tournaments.output import store

    return store.write_run(result, Path(out), force=force)
