"""The conformance checker catches each kind of faulty strategy (and passes axelrod's own)."""

from __future__ import annotations

import axelrod as axl
import numpy as np
import pytest

from strategies.clubs import ClubReciprocity
from tournaments.conformance import CheckResult, check_player_class
from tournaments.model.automaton import FiniteStateForm
from tournaments.strategy import AutomatonStrategy, StateStrategy

C, D = axl.Action.C, axl.Action.D
FULL = {"memory_depth": 1, "stochastic": False, "long_run_time": False,
        "inspects_source": False, "manipulates_source": False, "manipulates_state": False}


class SecretlyRandom(axl.Player):
    name = "Secretly Random"
    classifier = dict(FULL)

    def strategy(self, opponent):
        return C if np.random.default_rng().random() < 0.5 else D  # not self._random, lies


class ClaimsNoMemory(axl.Player):
    name = "Claims No Memory"
    classifier = {**FULL, "memory_depth": 0}

    def strategy(self, opponent):
        return opponent.history[-1] if opponent.history else C


class StaleForm(StateStrategy):
    """The old contract: a hand-written form beside a hand-written strategy()."""

    name = "Stale Form"
    classifier = dict(FULL)

    def strategy(self, opponent):
        return opponent.history[-1] if opponent.history else C

    def finite_state_form(self):  # claims All C
        return FiniteStateForm(initial=np.array([1.0]), coop_prob=np.array([1.0]),
                               transition=np.ones((1, 2, 2, 1)))


class DriftsWithMembers(ClubReciprocity):
    """An automaton whose play drifts from it against club members (a second definition)."""

    name = "Drifts With Members"

    def strategy(self, opponent):
        if getattr(opponent, "club", None) == getattr(self, "club", None):
            return D
        return super().strategy(opponent)


class ImpurePayer(StateStrategy):
    name = "Impure Payer"
    classifier = {**FULL, "memory_depth": 0}
    calls = 0

    def strategy(self, opponent):
        return C

    def adjustments(self, own, other, partner):
        ImpurePayer.calls += 1
        return np.full((len(own), 3), float(ImpurePayer.calls))


class Unfinished(AutomatonStrategy):  # no transition()
    name = "Unfinished"
    classifier = dict(FULL)

    def initial_state(self, partner):
        return 0

    def cooperation(self, state):
        return 1.0


class Incomplete(axl.Player):
    name = "Incomplete"
    classifier = {"memory_depth": 0}

    def strategy(self, opponent):
        return C


def failed(cls, params=None) -> set[str]:
    return {r.name for r in check_player_class(cls, params) if not r.passed}


@pytest.mark.parametrize("cls", [axl.TitForTat, axl.GTFT, axl.Random, axl.Grudger])
def test_axelrod_strategies_pass(cls):
    assert failed(cls) == set()


def test_faults_are_caught_by_the_right_check():
    assert "classifier honesty: stochastic" in failed(SecretlyRandom)
    assert failed(ClaimsNoMemory) == {"classifier honesty: memory depth"}
    assert failed(StaleForm) == {"no stale form method"}
    assert "play is the automaton's" in failed(DriftsWithMembers, {"club": "EU"})
    assert failed(ImpurePayer) == {"adjustments"}
    assert failed(Incomplete) == {"classifier complete"}
    unfinished = {r.name: r for r in check_player_class(Unfinished)}
    assert not unfinished["plays matches"].passed
    assert "transition" in unfinished["plays matches"].detail


def test_not_a_player_and_bad_parameters():
    results = check_player_class(dict)
    assert results == [CheckResult("is an axelrod.Player", False,
                                   "<class 'dict'> is not a subclass of axelrod.Player")]
    results = check_player_class(axl.GTFT, {"p": 2.0, "q": 7})
    assert results[-1].name == "instantiates" and not results[-1].passed
    assert "TypeError" in results[-1].detail
