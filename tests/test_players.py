"""axelrod as the project loads it plays what stock axelrod plays: its actions hashed in C
(:func:`tournaments._axelrod.load`) and its players copied instead of rebuilt
(:meth:`tournaments.model.roster.PlayerSpec.factory`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from strategies.registry import project_strategies
from tournaments._axelrod import copy_player, load
from tournaments.errors import ConfigError
from tournaments.model.config import load_config
from tournaments.model.roster import build_specs

#: Strategies whose play goes through tables keyed by actions (lookup tables, transition
#: tables, counters of a history) and a meta player (a team of players to copy).
KEYED = ["EvolvedLookerUp2_2_2", "PSOGambler2_2_2", "EvolvedFSM16", "EvolvedHMM5", "Gradual",
         "SecondByBlack", "MetaMajorityMemoryOne", "ZDExtort2", "FirstByTidemanAndChieruzzi",
         "GoByMajority", "AntiCycler", "Prober4"]

PLAY = """
import json, sys
{first}
from tournaments._axelrod import load
axl = load()
names = json.loads(sys.argv[1])
played = {{}}
for k, a in enumerate(names):
    for b in names[k:]:
        match = axl.Match((getattr(axl, a)(), getattr(axl, b)()), turns=40, noise=0.05,
                          seed=7 + k, reset=False)
        played[a + "|" + b] = "".join(x.name + y.name for x, y in match.play())
print(json.dumps({{"c_hash": axl.Action.__hash__ is object.__hash__, "played": played}}))
"""


def _play_in_subprocess(first: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PLAY.format(first=first), json.dumps(KEYED)],
                          capture_output=True, text=True, check=True, timeout=300)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_actions_are_hashed_in_c_and_every_table_keyed_by_them_still_finds_them():
    axl = load()  # the test session's first import of axelrod (conftest.py)
    C, D = axl.Action.C, axl.Action.D
    assert axl.Action.__hash__ is object.__hash__ and axl.action.Action is axl.Action
    assert axl.Game().score((C, D)) == (0, 5) and axl.Game().RPST() == (3, 1, 0, 5)
    history = axl.history.History([C, D, D], [D, D, C])
    assert (history.cooperations, history.defections) == (1, 2)
    assert history.state_distribution == {(C, D): 1, (D, D): 1, (D, C): 1}
    assert C.flip() is D and sorted([D, C]) == [C, D] and {C: 1}[C] == 1


@pytest.mark.slow
def test_matches_with_actions_hashed_in_c_are_those_of_stock_axelrod():
    stock = _play_in_subprocess("import axelrod  # stock: imported before the project's load")
    assert stock["c_hash"] is False
    fast = _play_in_subprocess("")
    assert fast["c_hash"] is True
    assert len(fast["played"]) == len(KEYED) * (len(KEYED) + 1) // 2
    assert fast["played"] == stock["played"]


def _specs(names: list[str]):
    config = load_config({"name": "copies", "roster": [{"strategy": n} for n in names]},
                         origin="<test>")
    return build_specs(config, source="<test>")


def _actions(players, seed: int) -> str:
    axl = load()
    match = axl.Match(players, turns=30, noise=0.05, seed=seed, reset=False)
    return "".join(x.name + y.name for x, y in match.play())


def test_copies_of_a_fresh_player_play_as_freshly_built_players_of_every_strategy():
    axl = load()
    cheating = ("inspects_source", "manipulates_source", "manipulates_state")
    names = [s.name for s in axl.short_run_time_strategies
             if not any(axl.Classifiers[k](s()) for k in cheating)]
    specs = _specs(names)
    for name in project_strategies():  # those that play a symmetric game with their defaults
        try:
            specs += _specs([name, "Cooperator"])[:1]
        except ConfigError:
            continue
    assert len(specs) > len(names) + 5
    copied = 0
    for spec in specs:
        fresh = spec.factory()
        copied += fresh != spec.make
        for seed in (1, 2):  # a second copy of the same template: the first left it untouched
            for partner in (axl.TitForTat(), axl.Random()):
                expected = _actions((spec.make(), partner.clone()), seed)
                assert _actions((fresh(), partner.clone()), seed) == expected, spec.label
    assert copied == len(specs) - 2  # all but ThueMorse and ThueMorseInverse (generators)


def test_a_meta_players_copy_has_a_team_of_its_own():
    axl = load()
    template = axl.MetaMajorityMemoryOne()
    twin = copy_player(template)
    assert len(twin.team) == len(template.team) == 37
    assert all(a is not b and type(a) is type(b) and a.history is not b.history
               for a, b in zip(twin.team, template.team, strict=True))
