"""Tournaments on dask.distributed: the simulated pairs played on an embedded cluster or on a
scheduler and worker started on loopback give the rows of a one-process run, byte for byte."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.conftest import loopback_dask
from tournaments.output import store
from tournaments.pipeline import run

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


def _tables(result, directory: Path) -> dict[str, bytes]:
    directory.mkdir()
    out = {}
    for name in ("matches", "pairwise", "summary"):
        store.write_csv(getattr(result, name), directory / f"{name}.csv")
        out[name] = (directory / f"{name}.csv").read_bytes()
    return out


def test_a_tournament_on_an_embedded_cluster_and_on_loopback_gives_one_process_bytes(tmp_path):
    config = _study(tmp_path)
    alone = _tables(run(config, progress=False), tmp_path / "alone")
    assert alone["matches"].count(b"\n") == 1 + 10 * 4 * 2  # 10 pairs, 4 repetitions, 2 seats
    embedded = _tables(run(config, progress=False, workers=2), tmp_path / "embedded")
    assert embedded == alone
    with loopback_dask() as address:
        external = _tables(run(config, progress=False, scheduler=address), tmp_path / "external")
    assert external == alone
