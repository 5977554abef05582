"""Unilateralism: sealing the border and beggar-thy-neighbour free riding."""

from __future__ import annotations

import axelrod as axl

from strategies._automata import check_int, constant_form, streak_form
from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D


class UnilateralClosure(StateStrategy):
    """A state that seals its border whatever its partners do.

    Behaviour: defects in every round (closes the border, refuses to share the burden), whatever
    the partner has done. It is the realist baseline against which every cooperative strategy
    must prove itself, and the best reply in the one-shot Prisoner's Dilemma.

    Finite-state form: one state that always intends D.

    Source: ../shared/seeds/000 — "it is impossible for a state to manage international
    migration unilaterally simply by sealing or closing its border", and states "revert to
    unilateralism, hardening borders"; 004 — states "revert to unilateralism and
    beggar-thy-neighbor polticies".
    """

    key = "unilateral_closure"
    name = "Unilateral Border Closure"
    family = "unilateral"
    source = "000: sealing or closing its border, revert to unilateralism; 004: unilateralism"
    classifier = state_classifier(0)

    def strategy(self, opponent: axl.Player) -> axl.Action:
        return D

    def finite_state_form(self) -> FiniteStateForm:
        return constant_form(0.0)


class BeggarThyNeighbour(StateStrategy):
    """A free rider that exploits cooperative neighbours and backs off only while punished.

    Behaviour: it starts by free-riding (D) and keeps free-riding as long as the partner keeps
    cooperating. When the partner punishes (a realised D), it appeases: it cooperates until the
    partner has cooperated in ``probation`` consecutive rounds, which is what it takes to be
    tolerated again, and then free-rides once more. Formally it defects iff the partner's
    current run of consecutive realised cooperations (counted since the partner's last
    defection) has reached ``probation`` rounds or the partner never defected at all; that is,
    it cooperates iff the partner defected in at least one of the last ``probation`` rounds.

    Against Tit For Tat with ``probation = 2`` it plays D, D, C, C, C, D, D, C, C, C, … : every
    punishment is met with just enough contrition to restore cooperation, which it then
    exploits again.

    Parameters
    ----------
    probation : int, in [1, 20]
        Consecutive partner cooperations it waits for after a punishment before free-riding
        again (its memory depth).

    Finite-state form: ``probation + 1`` states counting the partner's consecutive realised
    cooperations (capped), the first round in the top state.

    Source: ../shared/seeds/000 — "states have a strong incentive to free ride on other
    states' efforts" and "beggar-thy-neighbour policies and defection [became] easier";
    004 — "states have had more incentives to free ride by not cooperating with neighbouring
    states".
    """

    key = "beggar_thy_neighbour"
    name = "Beggar-Thy-Neighbour"
    family = "unilateral"
    source = "000: incentive to free ride, beggar-thy-neighbour policies; 004: free ride"
    classifier = state_classifier(2)

    def __init__(self, probation: int = 2) -> None:
        super().__init__()
        self.probation = check_int("probation", probation, 1, 20)
        self.classifier["memory_depth"] = self.probation
        self.name = parameterised_name("Beggar-Thy-Neighbour", {"probation": 2},
                                       {"probation": self.probation})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        # a partner defection within the last `probation` rounds means probation is not over
        return C if D in opponent.history[-self.probation:] else D

    def finite_state_form(self) -> FiniteStateForm:
        k = self.probation
        return streak_form(k, initial=k, cooperate_at=set(range(k)))
