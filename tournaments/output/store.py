"""Results directories and every file the project writes: atomically, with provenance.

The one home of writing. A file is written under a hidden temporary name in its own folder and
renamed into place (:func:`atomic_write`), so a reader never sees half a file. A run's directory
is filled under a hidden temporary name beside the target and renamed into place only when
complete; with ``force`` an existing directory is moved aside first and removed only after the
new one is in place, so a failure at any point loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from tournaments.analysis.tables import round_floats
from tournaments.errors import UserError


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a hidden temporary path beside ``path``, then rename it into
    place; on any failure the temporary file is removed and ``path`` is left as it was."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """A UTF-8 text file, atomically."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """One CSV format for every table, atomically: floats rounded to
    :data:`~tournaments.analysis.tables.DIGITS` significant digits and written as Python's
    shortest repr (reading a table back gives the numbers the run held in memory), ``\\n`` line
    endings."""
    atomic_write(path, lambda tmp: round_floats(frame).to_csv(tmp, index=False,
                                                              lineterminator="\n"))


#: matplotlib's text layout (mathtext's parser) is not thread-safe: two threads drawing at once
#: fail on tick labels such as 10^{-3}. Figures are built and drawn one set at a time.
_DRAWING = threading.Lock()


def write_figures(make: Callable[[], dict], directory: Path) -> list[str]:
    """Build the figures ``make()`` returns (stem → Figure) and write each as PNG, atomically
    (no software metadata, so bytes are stable); return the file names."""
    written = []
    with _DRAWING:
        for stem, figure in make().items():
            atomic_write(directory / f"{stem}.png",
                         lambda tmp, f=figure: f.savefig(tmp, format="png", dpi=120,
                                                         metadata={"Software": None}))
            written.append(f"{stem}.png")
    return written


def write_run(result, out: Path, *, force: bool = False) -> Path:
    """Write ``config.yaml``, the CSVs, figures, ``report.md`` and ``manifest.json`` to ``out``."""
    out = Path(out)
    if out.exists() and not force:
        raise UserError(f"{out}: the results directory exists; choose another --out, or pass "
                        "--force to replace it (the old one is kept until the new one is complete)")
    if out.exists() and not out.is_dir():
        raise UserError(f"{out}: exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        write_text(tmp / "config.yaml", result.config.resolved_yaml())
        write_csv(summary_for_csv(result.summary), tmp / "summary.csv")
        write_csv(result.pairwise, tmp / "pairwise.csv")
        write_analysis(result, tmp)
        write_manifest(result, tmp)
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def write_analysis(result, directory: Path) -> list[str]:
    """Write the survival analysis's tables, the Moran runs, every figure and ``report.md``."""
    tables = {}
    if result.survival is not None:
        s = result.survival
        tables.update({"survival.csv": s.survival, "invasion.csv": s.invasion,
                       "ecology.csv": s.ecology, "ranking_sensitivity.csv": s.sensitivity,
                       "population.csv": s.population})
    if result.moran_runs is not None:
        tables["moran.csv"] = result.moran_runs
    if result.moran_populations is not None:
        tables["moran_populations.csv"] = result.moran_populations
    for name, frame in tables.items():
        write_csv(frame, directory / name)
    written = [*tables, *write_figures(result.figures, directory)]
    write_text(directory / "report.md", result.report())
    return [*written, "report.md"]


def write_manifest(result, directory: Path) -> None:
    write_text(directory / "manifest.json",
               json.dumps(build_manifest(result, directory), indent=2) + "\n")


def rewrite_analysis(result, directory: Path) -> list[str]:
    """``tournaments analyze``: (re)write the analysis files of an existing results directory,
    each replaced atomically, then its manifest (the tables of the run are not touched)."""
    written = write_analysis(result, directory)
    write_manifest(result, directory)
    return written


def summary_for_csv(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as written: ``club`` and ``role`` only where some entry has one."""
    drop = [c for c in ("club", "role") if c in summary and not summary[c].astype(bool).any()]
    return summary.drop(columns=drop)


def _replace(tmp: Path, out: Path) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that determine the numbers."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in ("axelrod", "numpy", "pandas", "scipy", "migration-tournaments"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def git_commit() -> str | None:
    """The project's git commit (with ``-dirty`` if the work tree differs), where there is one."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], check=True, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty else "")


def build_manifest(result, directory: Path) -> dict:
    files = {p.name: sha256_file(p) for p in sorted(directory.iterdir())
             if p.is_file() and not p.name.startswith(".") and p.name != "manifest.json"}
    return {
        "name": result.config.name,
        "seed": result.config.seed,
        "config_sha256": result.config.sha256(),
        "versions": versions(),
        "git_commit": git_commit(),
        "files": files,
        "wall_time_seconds": round(result.wall_time, 3),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
