"""Writing a run's results directory: atomically, with provenance, never over an earlier run.

Everything is written into a hidden temporary directory beside the target, which is renamed into
place only when complete. With ``force`` an existing directory is moved aside first and removed
only after the new one is in place, so a failure at any point loses nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from tournaments.errors import UserError
from tournaments.scoring import round_floats


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """One CSV format for every table: floats rounded to :data:`scoring.DIGITS` significant
    digits and written as Python's shortest repr (reading a table back gives the numbers the run
    held in memory), ``\\n`` line endings."""
    round_floats(frame).to_csv(path, index=False, lineterminator="\n")


def write_run(result, out: Path, *, force: bool = False) -> Path:
    """Write ``config.yaml``, the CSVs, figures, ``report.md`` and ``manifest.json`` to ``out``."""
    from tournaments import figures

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
        (tmp / "config.yaml").write_text(result.config.resolved_yaml(), encoding="utf-8")
        write_csv(summary_for_csv(result.summary), tmp / "summary.csv")
        write_csv(result.pairwise, tmp / "pairwise.csv")
        for stem, figure in result.figures().items():
            figures.save(figure, tmp / f"{stem}.png")
        write_analysis(result, tmp)
        write_manifest(result, tmp)
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def write_analysis(result, directory: Path) -> list[str]:
    """Write the survival analysis's tables and figures, the Moran runs and ``report.md``."""
    from tournaments import figures

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
    written = list(tables)
    for stem, figure in figures.survival_figures(result).items():
        figures.save(figure, directory / f"{stem}.png")
        written.append(f"{stem}.png")
    (directory / "report.md").write_text(result.report(), encoding="utf-8")
    return [*written, "report.md"]


def write_manifest(result, directory: Path) -> None:
    manifest = build_manifest(result, directory)
    tmp = directory / ".manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    tmp.replace(directory / "manifest.json")


def rewrite_analysis(result, directory: Path) -> list[str]:
    """``tournaments analyze``: (re)write the analysis files of an existing results directory,
    each replaced atomically, then its manifest (the tables of the run are not touched)."""
    tmp = directory / f".analyze.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        written = write_analysis(result, tmp)
        for name in written:
            (tmp / name).replace(directory / name)
        previous = json.loads((directory / "manifest.json").read_text(encoding="utf-8")) \
            if (directory / "manifest.json").is_file() else {}
        result.wall_time = previous.get("wall_time_seconds", 0.0)
        write_manifest(result, directory)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
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
