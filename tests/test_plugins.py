"""Plug-ins through the engine: a file plug-in and an entry point in a tournament, the catalogue
and check-strategy commands."""

from __future__ import annotations

import importlib.metadata
import json
import sys

import pytest

from tests.conftest import ROOT, small_config
from tournaments import api
from tournaments.model import roster as players

PLUGIN = ROOT / "examples" / "plugins" / "externalisation.py"


def test_file_plugin_plays_and_pays_in_a_tournament():
    roster = [{"strategy": f"{PLUGIN}:Externalisation", "params": {"fee": 1.0}},
              {"strategy": "Alternator"}]
    result = api.run(small_config(roster=roster, match={"turns": 4, "repetitions": 1}),
                     progress=False)
    row = result.summary.set_index("strategy").loc["Externalisation: fee=1.0"]
    # plays C C D C against C D C D (3, 0, 5, 0) and pays 1 in rounds 1 and 3
    assert row.origin == "plug-in"
    assert (row.gross_payoff, row.paid, row.mean_payoff) == pytest.approx((2.0, 0.5, 1.5))


def test_relative_plugin_path_is_read_from_the_config_folder(tmp_path):
    (tmp_path / "mine.py").write_text(PLUGIN.read_text())
    config = tmp_path / "c.yaml"
    config.write_text("name: p\nroster: [{strategy: 'mine.py:Externalisation'}, "
                      "{strategy: Defector}]\nmatch: {turns: 3, repetitions: 1}\n")
    assert api.run(config, progress=False).entries.origin.tolist() == ["plug-in", "axelrod"]


def test_entry_point_plugins_resolve_by_name(monkeypatch):
    sys.path.insert(0, str(ROOT / "examples" / "plugin_package" / "src"))
    ep = importlib.metadata.EntryPoint(name="transit_state",
                                       value="transit_state_plugin:TransitState",
                                       group=players.ENTRY_POINT_GROUP)
    real = importlib.metadata.entry_points

    def fake(**kwargs):
        return [ep] if kwargs.get("group") == players.ENTRY_POINT_GROUP else real(**kwargs)

    monkeypatch.setattr(importlib.metadata, "entry_points", fake)
    players.catalogue.cache_clear()
    try:
        cls, origin = players.resolve("transit_state")
        assert origin == "plug-in" and cls.name == "Transit State"
        result = api.run(small_config(roster=[{"strategy": "transit_state"},
                                              {"strategy": "Cooperator"}]), progress=False)
        assert "Transit State" in set(result.summary.strategy)
    finally:
        sys.path.remove(str(ROOT / "examples" / "plugin_package" / "src"))
        players.catalogue.cache_clear()


def test_catalogue_command_lists_every_origin(cli):
    result = cli("strategies", "--json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    by_key = {r["key"]: r for r in records if r["origin"] == "project"}
    assert by_key["suasion"]["parameters"] == {"payment": 1.0}
    assert by_key["suasion"]["classifier"]["memory_depth"] == 1
    assert sum(r["origin"] == "axelrod" for r in records) > 200


BROKEN = '''
import random
import axelrod as axl


class Sneaky(axl.Player):
    """Claims to be deterministic but flips a coin from the global random module."""

    name = "Sneaky"
    classifier = {"memory_depth": 0, "stochastic": False, "long_run_time": False,
                  "inspects_source": False, "manipulates_source": False,
                  "manipulates_state": False}

    def strategy(self, opponent):
        return axl.Action.C if random.random() < 0.5 else axl.Action.D
'''


def test_check_strategy_passes_a_good_plugin_and_fails_a_dishonest_one(cli, tmp_path):
    good = cli("check-strategy", f"{PLUGIN}:Externalisation", "--param", "fee=0.5")
    assert good.returncode == 0 and "12 passed, 0 failed" in good.stdout
    (tmp_path / "sneaky.py").write_text(BROKEN)
    bad = cli("check-strategy", "sneaky.py:Sneaky", cwd=tmp_path)
    assert bad.returncode == 3 and "FAIL" in bad.stdout
    missing = cli("check-strategy", "sneaky.py:Nope", cwd=tmp_path)
    assert missing.returncode == 2 and "a class 'Nope'" in missing.stderr


def test_the_readme_plugin_example_conforms_and_plays(tmp_path):
    import re

    from tournaments.conformance import check_player_class

    readme = (ROOT / "README.md").read_text()
    code = re.search(r"```python\n# my_states.py\n(.*?)```", readme, re.S).group(1)
    (tmp_path / "my_states.py").write_text(code)
    cls, origin = players.resolve("my_states.py:Hardliner", base_dir=tmp_path)
    assert origin == "plug-in" and all(r.passed for r in check_player_class(cls))
    result = api.run(small_config(roster=[{"strategy": "my_states.py:Hardliner"},
                                          {"strategy": "Alternator"}]), progress=False,
                     source=str(tmp_path / "config.yaml"))
    # against C D C D ... it never sees two defections in a row: it cooperates throughout
    assert result.summary.set_index("strategy").loc["Hardliner", "cooperation_rate"] == 1.0
