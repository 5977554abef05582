from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m tournaments ARGS`` as a user would, capturing its output."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tournaments", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=300)


@pytest.fixture
def cli():
    return run_cli


def small_config(**overrides) -> dict:
    """A two-state config as a dict; overrides replace top-level keys.

    Matches are simulated unless the overrides name ``match.engine``: these tests check the
    simulation path (tests/test_exact.py and test_engine_* check the exact one).
    """
    config = {
        "name": "small",
        "seed": 7,
        "roster": [{"strategy": "Tit For Tat"}, {"strategy": "Defector"}],
        "match": {"turns": 10, "repetitions": 3},
    }
    config.update(overrides)
    config["match"] = {"engine": "simulate", **config["match"]}
    return config
