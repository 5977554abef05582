"""``tournaments verify``: re-run a results directory and compare every file it holds.

What is checked (``docs/reference/outputs.md``, "Guarantees"):

1. ``manifest.json`` is this tool's, and ``config.yaml`` is the config it records: its SHA-256
   equals ``config_sha256`` (a changed key is named, from the config the manifest keeps).
2. Every file on disk hashes to what the manifest recorded (a file edited after the run is named
   even if the manifest lost its entry).
3. The run is repeated from ``config.yaml`` in a temporary directory, and the files on disk are
   compared byte for byte with the files that re-run writes — tables, figures, ``report.md``,
   ``config.yaml`` and plug-in copies: a file missing on either side is a difference, and a CSV
   names its first differing column and row. Only ``manifest.json`` itself is not compared byte
   for byte (it records when and where the run was made); its seed, config hash and file hashes
   are what steps 1 and 2 check. A sweep's ``cells/`` are its work journal, not its results.

Nothing runs plug-in code unasked: a config naming plug-in code is re-run only with
``allow_plugins`` (the command line's ``--allow-plugins``), and then the copy the results
directory keeps under ``plugins/`` is what runs.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tournaments.errors import UserError
from tournaments.model import plugins
from tournaments.output import store

#: Files a re-run writes that are not compared byte for byte, and why.
NOT_COMPARED = {store.MANIFEST: "records when and where the run was made; its seed, config hash "
                                "and file hashes are checked instead"}


@dataclass
class Verification:
    """The outcome: per file its hash on disk and in the re-run, and every difference found,
    most telling first."""

    directory: Path
    files: dict[str, tuple[str, str]]
    differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return bool(self.files) and not self.differences


def verify(directory: str | Path, *, allow_plugins: bool = False,
           progress: bool = False) -> Verification:
    """Check a run's or sweep's results directory (see the module's docstring).

    Raises
    ------
    UserError
        If ``directory`` is not a results directory of this tool, or names plug-in code and
        ``allow_plugins`` is false.
    """
    directory = Path(directory)
    if not directory.is_dir():
        aside = sorted(directory.parent.glob(f".{directory.name}.old-*"))
        hint = (f"; an interrupted --force replacement left the results in {aside[-1]} "
                "(the next run, sweep or analyze of it puts them back)" if aside else "")
        raise UserError(f"{directory}: no such results directory{hint}")
    config_path = directory / "config.yaml"
    if (directory / "cells").is_dir() and not (directory / store.MANIFEST).exists():
        raise UserError(f"{directory}: an unfinished sweep (no sweep.csv or manifest.json yet); "
                        f"finish it with: tournaments sweep CONFIG --out {directory} --resume")
    manifest = store.read_manifest(directory)
    if not config_path.is_file():
        raise UserError(f"{directory}: not a results directory (no config.yaml)")
    config_text = config_path.read_text(encoding="utf-8")
    config = yaml.safe_load(config_text)
    named = sorted({e.get("strategy", "") for e in (config.get("roster") or [])
                    if isinstance(e, dict) and plugins.is_plugin(str(e.get("strategy", "")))})
    if named and not allow_plugins:
        raise UserError(f"{directory}: its config names plug-in code ({', '.join(named)}); "
                        "verifying re-runs it — read it first, then pass --allow-plugins")
    sweep = "sweep.csv" in manifest["files"]
    differences = []
    if store.sha256_text(config_text) != manifest["config_sha256"]:
        changed = first_difference(manifest.get("config"), config)
        differences.append("config.yaml: not the config of the run (its hash differs from the "
                           f"manifest's config_sha256{f'; {changed}' if changed else ''})")
    on_disk = _files(directory)
    for name, digest in sorted(on_disk.items()):
        recorded = manifest["files"].get(name)
        if recorded != digest:
            differences.append(f"{name}: " + ("not in the manifest (added or edited after the "
                                              "run?)" if recorded is None else
                                              "edited after the run (its hash differs from the "
                                              "manifest's)"))
    differences += [f"{name}: in the manifest, missing on disk"
                    for name in sorted(set(manifest["files"]) - set(on_disk))]
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        rerun = Path(tmp) / "rerun"
        if sweep:
            from tournaments.sweep import run_sweep

            run_sweep(config_path, rerun, executor="loop", progress=progress)
        else:
            from tournaments import api

            api.save(api.run(config_path, progress=progress), rerun)
        written = _files(rerun)
        files = {name: (on_disk.get(name, "missing"), written.get(name, "missing"))
                 for name in sorted(set(on_disk) | set(written))}
        for name, (disk, again) in files.items():
            if disk == again:
                continue
            if disk == "missing":
                differences.append(f"{name}: written by the re-run, missing on disk")
            elif again == "missing":
                differences.append(f"{name}: on disk, not written by the re-run")
            else:
                differences.append(f"{name}: differs from the re-run"
                                   + _describe(directory / name, rerun / name))
    versions = manifest.get("versions", {})
    if differences and versions and versions != store.versions():
        drift = [f"{k} {v} → {store.versions().get(k)}" for k, v in versions.items()
                 if store.versions().get(k) != v]
        differences.append("the run was made with other versions: " + ", ".join(drift))
    return Verification(directory=directory, files=files, differences=differences)


def _files(directory: Path) -> dict[str, str]:
    """Relative path → SHA-256 of the files a results directory holds (not the manifest, not
    hidden files, not a sweep's ``cells/`` journal)."""
    return {name: store.sha256_file(directory / name) for name in store.result_files(directory)}


def first_difference(a, b, path: str = "") -> str | None:
    """The first key path at which two parsed configs differ, as ``path: old → new``."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if key not in a or key not in b:
                return f"{path}{'.' if path else ''}{key}: " + (
                    "added" if key not in a else "removed")
            found = first_difference(a[key], b[key], f"{path}{'.' if path else ''}{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None if len(a) == len(b) else f"{path}: {len(a)} entries → {len(b)}"
    return None if a == b else f"{path}: {_short(a)} → {_short(b)}"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(recorded: Path, rerun: Path) -> str:
    """Where two versions of a file first differ: a CSV's column and row."""
    if recorded.suffix != ".csv":
        return ""
    import pandas as pd

    try:
        a = pd.read_csv(recorded, dtype=str, keep_default_na=False)
        b = pd.read_csv(rerun, dtype=str, keep_default_na=False)
    except (ValueError, pd.errors.ParserError) as err:
        return f" (unreadable as a table: {str(err)[:80]})"
    if list(a.columns) != list(b.columns):
        return f" (columns {_short(list(a.columns))} → {_short(list(b.columns))})"
    if len(a) != len(b):
        return f" ({len(a)} rows → {len(b)})"
    for column in a.columns:
        unequal = (a[column] != b[column]).to_numpy().nonzero()[0]
        if len(unequal):
            row = int(unequal[0])
            label = f" ({a.iloc[row, 0]})" if len(a.columns) else ""
            return (f" (first in column {column!r}, row {row + 1}{label}: "
                    f"{_short(a.at[row, column])} → {_short(b.at[row, column])})")
    return " (same cells, different bytes)"
