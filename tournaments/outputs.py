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

CSV_OPTIONS = {"index": False, "float_format": "%.10g", "lineterminator": "\n"}


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """One CSV format for every table: fixed precision and line endings (byte-identical reruns)."""
    frame.to_csv(path, **CSV_OPTIONS)


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
        (tmp / "report.md").write_text(result.report(), encoding="utf-8")
        manifest = build_manifest(result, tmp)
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


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
    files = {p.name: sha256_file(p) for p in sorted(directory.iterdir()) if p.is_file()}
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
