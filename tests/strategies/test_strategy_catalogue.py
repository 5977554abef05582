"""The catalogue of strategies and the example plug-ins."""

from __future__ import annotations

import importlib.util
import json
import sys
import tomllib
from pathlib import Path

import axelrod as axl
import numpy as np

from strategies.registry import project_strategies
from tournaments.catalogue import strategy_records
from tournaments.conformance import check_player_class
from tournaments.model.automaton import Partner

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_records_cover_project_and_axelrod_and_are_json_safe():
    records = strategy_records()
    json.dumps(records)
    by_key = {(r["origin"], r["key"]): r for r in records}
    assert {k for o, k in by_key if o == "project"} == set(project_strategies())
    assert len([r for r in records if r["origin"] == "axelrod"]) == len(axl.all_strategies)
    pooled = by_key[("project", "pooled_sovereignty")]
    assert pooled["classifier"]["memory_depth"] == "inf"
    assert pooled["parameters"] == {"establishment": 3, "outsiders": "reciprocate",
                                    "club": None}
    assert pooled["family"] == "centralisation"
    assert pooled["description"] == ("A club member that pools sovereignty with each member "
                                     "once cooperation is established.")
    multilateralist = by_key[("project", "multilateralist")]
    assert multilateralist["classifier"]["makes_use_of"] == ["game"]
    tft = by_key[("axelrod", "TitForTat")]
    assert tft["name"] == "Tit For Tat" and tft["parameters"] == {}
    assert "Axelrod1980" in tft["source"]


def _load_file_plugin():
    path = EXAMPLES / "plugins" / "externalisation.py"
    spec = importlib.util.spec_from_file_location("_example_externalisation", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as the engine does, so that pickling works
    spec.loader.exec_module(module)
    return module.Externalisation


def test_file_plugin_conforms_and_pays_for_holding():
    cls = _load_file_plugin()
    assert [r for r in check_player_class(cls) if not r.passed] == []
    assert [r for r in check_player_class(cls, {"fee": 0.5}) if not r.passed] == []
    match = axl.Match((cls(), axl.Alternator()), turns=4)
    own = np.array([a.value for a, _ in match.play()], dtype=np.int8)
    other = np.array([b.value for _, b in match.result], dtype=np.int8)
    assert "".join("CD"[a] for a in own) == "CCDC"
    np.testing.assert_array_equal(cls().adjustments(own, other, Partner())[:, 0],
                                  [1.5, 0, 1.5, 0])
    # externalisation pays only states outside its own club
    member = cls(club="EU").adjustments(own, other, Partner(club="EU"))
    assert member is None


def test_plugin_package_declares_a_loadable_entry_point():
    package = EXAMPLES / "plugin_package"
    meta = tomllib.loads((package / "pyproject.toml").read_text())
    entry_points = meta["project"]["entry-points"]["migration_tournaments.strategies"]
    module_name, _, attr = entry_points["transit_state"].partition(":")
    sys.path.insert(0, str(package / "src"))
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    finally:
        sys.path.remove(str(package / "src"))
    assert cls.name == "Transit State"
    assert [r for r in check_player_class(cls) if not r.passed] == []


def test_the_strategy_reference_page_is_generated_from_the_docstrings():
    from tournaments.catalogue import strategy_reference

    page = (EXAMPLES.parent / "docs" / "reference" / "strategies.md").read_text()
    assert page == strategy_reference() + "\n", "regenerate it: tournaments strategies --markdown"
