from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from tournaments._axelrod import load

load()  # axelrod imported as the project imports it (actions hashed in C) before any test's import

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m tournaments ARGS`` in a subprocess, as a user would (a few smoke tests,
    kill-and-resume and cluster tests; everything else runs in-process through :func:`cli`)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "tournaments", *args], capture_output=True,
                          text=True, cwd=cwd or ROOT, env=env, timeout=300)


def cli_in_process(*args: str, cwd: Path | None = None) -> SimpleNamespace:
    """Run the command line in this process with click's test runner; the result carries
    ``returncode``, ``stdout`` and ``stderr`` like a finished subprocess."""
    from tournaments.cli import cli as command

    with contextlib.chdir(cwd or ROOT):
        result = CliRunner().invoke(command, list(args), prog_name="tournaments",
                                    catch_exceptions=False)
    return SimpleNamespace(returncode=result.exit_code, stdout=result.stdout,
                           stderr=result.stderr)


@pytest.fixture
def cli():
    return cli_in_process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def loopback_dask(threads: int = 1):
    """A ``dask scheduler`` and one ``dask worker`` (``threads`` threads, working directory the
    repository's) started as a user would, on loopback; yields the scheduler's address."""
    port = free_port()
    dask = str(Path(sys.executable).parent / "dask")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([dask, "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "1",
                               "--nthreads", str(threads), "--no-dashboard"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield f"tcp://127.0.0.1:{port}"
    finally:
        for process in (worker, scheduler):
            process.terminate()
            process.wait(timeout=60)


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
