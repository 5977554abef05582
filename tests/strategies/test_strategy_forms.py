"""Automata: the form the exact solver reads is the play axelrod's matches show."""

from __future__ import annotations

import axelrod as axl
import numpy as np
import pytest
from strategy_cases import NON_DEFAULT

from strategies.coercion import CoerciveEngineeredMigration, DividedTarget
from strategies.multilateral import Multilateralist
from strategies.registry import project_strategies
from strategies.two_level import TwoLevelLeader
from strategies.unilateral import BeggarThyNeighbour
from tournaments.conformance import form_mismatch
from tournaments.model.automaton import Partner

STAG_HUNT = axl.Game(r=3, s=1, t=2, p=2)


def _opponents():
    """Deterministic partners and a seeded random one, inside and outside the club "EU"."""
    base = [axl.Cooperator, axl.Defector, axl.TitForTat, axl.Alternator, axl.SuspiciousTitForTat,
            lambda: axl.Cycler("CCDDD"), axl.Grudger, lambda: axl.Random(0.3)]
    return [(make, club) for make in base for club in (None, "EU", "NAFTA")]


def _parameterisations():
    for key, cls in project_strategies().items():
        yield key, cls, {}
        if NON_DEFAULT[key]:
            yield key + "-other", cls, NON_DEFAULT[key]


@pytest.mark.parametrize("key, cls, params", list(_parameterisations()),
                         ids=[k for k, _, _ in _parameterisations()])
@pytest.mark.parametrize("game", [None, STAG_HUNT], ids=["pd", "stag_hunt"])
def test_form_predicts_axelrod_play(key, cls, params, game):
    for make, club in _opponents():
        player = cls(**params)
        if "club" not in params:
            player.club = "EU"  # the runner's public attribute
        opponent = make()
        opponent.club = club
        match = axl.Match((player, opponent), turns=30, seed=3, game=game)
        history = [(a.value, b.value) for a, b in match.play()]
        partner = Partner.of(opponent)
        form = player.automaton(partner)
        own = np.array([a for a, _ in history], dtype=np.int8)
        other = np.array([b for _, b in history], dtype=np.int8)
        assert form_mismatch(form, history, player.adjustments(own, other, partner)) is None


def test_play_is_driven_by_the_automaton():
    """Changing one automaton method changes play: there is no second definition of it."""

    class Contrite(BeggarThyNeighbour):
        def cooperation(self, state):
            return 1.0  # always cooperates, whatever the state

    match = axl.Match((Contrite(), axl.Defector()), turns=5)
    assert [a.name for a, _ in match.play()] == ["C"] * 5
    np.testing.assert_array_equal(Contrite().automaton().coop_prob, 1.0)


def test_mismatch_is_detected():
    form = CoerciveEngineeredMigration(respite=2).automaton()
    assert form_mismatch(form, [(1, 0), (0, 0), (0, 0), (1, 0)]) is None
    assert "round 3" in form_mismatch(form, [(1, 0), (0, 0), (0, 0), (0, 0)])


def test_stochastic_forms_carry_the_probabilities():
    np.testing.assert_allclose(Multilateralist().automaton().coop_prob, [1, 1, 1 / 3])
    np.testing.assert_allclose(DividedTarget(division=0.8).automaton().coop_prob,
                               [1, 1, 0.8])


def test_two_level_form_size_and_cap():
    assert TwoLevelLeader(window=2).automaton().n_states == 1 + 4 + 16
    assert TwoLevelLeader(window=6).automaton() is None
