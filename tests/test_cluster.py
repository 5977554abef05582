"""Tournaments on dask.distributed: the simulated pairs played on an embedded cluster or on a
scheduler and worker started on loopback give the rows of a one-process run, byte for byte."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import free_port, loopback_dask, run_cli
from tournaments.engines import cluster

#: A plug-in given by a path relative to the config: a worker has no such file.
PLUGIN = '''
import axelrod as axl


class Tit(axl.Player):
    """Cooperates, then copies the partner's last action."""

    name = "Tit"
    classifier = {"memory_depth": 1, "stochastic": False, "long_run_time": False,
                  "inspects_source": False, "manipulates_source": False,
                  "manipulates_state": False}

    def strategy(self, opponent):
        return opponent.history[-1] if opponent.history else axl.Action.C
'''

CONFIG = {
    "name": "cluster", "seed": 5,
    "roster": [{"strategy": "plugin.py:Tit"}, {"strategy": "Random"},
               {"strategy": "Grudger"}, {"strategy": "suasion", "label": "Persuader"}],
    "match": {"continuation": 0.9, "noise": 0.05, "repetitions": 4, "engine": "simulate"},
}


def _study(tmp_path: Path) -> Path:
    (tmp_path / "plugin.py").write_text(PLUGIN)
    path = tmp_path / "cluster.yaml"
    path.write_text(yaml.safe_dump(CONFIG, sort_keys=False))
    return path


def _csv_bytes(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.glob("*.csv"))}


def test_a_tournament_on_an_embedded_cluster_and_on_loopback_gives_one_process_bytes(tmp_path,
                                                                                    cli):
    _study(tmp_path)
    assert cli("run", "cluster.yaml", "--out", "alone", cwd=tmp_path).returncode == 0
    alone = _csv_bytes(tmp_path / "alone")
    assert {"pairwise.csv", "summary.csv", "survival.csv"} <= set(alone)
    assert alone["pairwise.csv"].count(b",simulate,") == 16  # every ordered pair simulated
    embedded = cli("run", "cluster.yaml", "--out", "embedded", "--workers", "2", cwd=tmp_path)
    assert embedded.returncode == 0 and _csv_bytes(tmp_path / "embedded") == alone
    with loopback_dask() as address:  # the command line as a user runs it, in its own process
        external = run_cli("run", "cluster.yaml", "--out", "external", "--scheduler", address,
                           cwd=tmp_path)
    assert external.returncode == 0, external.stderr
    assert _csv_bytes(tmp_path / "external") == alone


def test_an_unreachable_scheduler_is_one_line_before_any_work(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)  # 10 s for a user; a second here
    _study(tmp_path)
    result = cli("run", "cluster.yaml", "--scheduler", f"tcp://127.0.0.1:{free_port()}",
                 cwd=tmp_path)
    assert result.returncode == 2 and "cannot reach the dask scheduler" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "results" / "cluster").exists()


def test_batches_are_consecutive_or_interleaved_and_hold_every_item_once():
    assert cluster.batches(list(range(10)), 3, None) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    interleaved = cluster.batches(list(range(10)), 3, None, interleave=True)
    assert interleaved == [[0, 4, 8], [1, 5, 9], [2, 6], [3, 7]]
    # the default size: about per_worker batches per worker
    assert len(cluster.batches(list(range(100)), None, 2, per_worker=16, interleave=True)) == 34


def test_an_embedded_clusters_workers_run_without_profiler_or_frequent_monitors():
    import dask

    def settings():
        return {key: dask.config.get(key) for key in cluster.QUIET_WORKERS}

    before = settings()
    with cluster.client(workers=1) as client:
        on_workers = list(client.run(settings).values())
    assert on_workers == [cluster.QUIET_WORKERS]
    assert before["distributed.worker.profile.enabled"] is True  # dask's default, here
    assert settings() == before  # the caller's configuration is left as it was
