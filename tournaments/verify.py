"""Re-running a results directory from its saved config and comparing every CSV byte for byte."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tournaments.errors import UserError
from tournaments.output.store import sha256_file


@dataclass
class Verification:
    """Per CSV file: its recorded hash, the re-run's hash, and whether they match."""

    directory: Path
    files: dict[str, tuple[str, str]]

    @property
    def identical(self) -> bool:
        return bool(self.files) and all(a == b for a, b in self.files.values())


def verify(directory: str | Path, *, progress: bool = False) -> Verification:
    """Re-run the run or sweep saved in ``directory`` and compare its CSVs.

    A tournament's CSVs are those its ``manifest.json`` lists; a sweep's (a directory with a
    ``config.yaml`` has a ``sweep`` section) against its ``sweep.csv`` and ``thresholds.csv``.
    """
    directory = Path(directory)
    config_path = directory / "config.yaml"
    if not config_path.is_file():
        raise UserError(f"{directory}: not a results directory (no config.yaml)")
    with tempfile.TemporaryDirectory(prefix="verify-") as tmp:
        rerun = Path(tmp) / "rerun"
        if (directory / "sweep.csv").is_file():
            from tournaments.sweep import run_sweep

            run_sweep(config_path, rerun, executor="loop", progress=progress)
            names = ["sweep.csv", "thresholds.csv"]
            recorded = {n: sha256_file(directory / n) for n in names if (directory / n).exists()}
        else:
            from tournaments import api

            manifest_path = directory / "manifest.json"
            if not manifest_path.is_file():
                raise UserError(f"{directory}: no manifest.json to verify against")
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            # the files as they are on disk (a CSV edited after the run must not pass)
            recorded = {n: sha256_file(directory / n) if (directory / n).exists() else "missing"
                        for n in manifest["files"] if n.endswith(".csv")}
            api.save(api.run(config_path, progress=progress), rerun)
        files = {name: (digest, sha256_file(rerun / name) if (rerun / name).exists() else "missing")
                 for name, digest in sorted(recorded.items())}
    return Verification(directory=directory, files=files)
