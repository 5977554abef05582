"""Unilateralism: sealing the border and beggar-thy-neighbour free riding."""

from __future__ import annotations

from strategies._automata import streak
from tournaments.strategy import (
    AutomatonStrategy,
    check_int,
    parameterised_name,
    state_classifier,
)


class UnilateralClosure(AutomatonStrategy):
    """A state that seals its border whatever its partners do.

    Behaviour: defects in every round (closes the border, refuses to share the burden), whatever
    the partner has done. It is the realist baseline against which every cooperative strategy
    must prove itself, and the best reply in the one-shot Prisoner's Dilemma.

    Automaton: one state that always intends D.

    Source: Hollifield (2024) — "it is impossible for a state to manage international
    migration unilaterally simply by sealing or closing its border", and states "revert to
    unilateralism, hardening borders"; the rationalist-approach paper — states "revert to
    unilateralism and beggar-thy-neighbor polticies" (docs/sources.md).
    """

    key = "unilateral_closure"
    name = "Unilateral Border Closure"
    family = "unilateral"
    source = "Hollifield 2024: sealing or closing its border, revert to unilateralism"
    classifier = state_classifier(0)

    def initial_state(self, partner):
        return 0

    def cooperation(self, state):
        return 0.0

    def transition(self, state, own, other):
        return 0


class BeggarThyNeighbour(AutomatonStrategy):
    """A free rider that exploits cooperative neighbours and backs off only while punished.

    Behaviour: it starts by free-riding (D) and keeps free-riding as long as the partner keeps
    cooperating. When the partner punishes (a realised D), it appeases: it cooperates until the
    partner has cooperated in ``probation`` consecutive rounds, which is what it takes to be
    tolerated again, and then free-rides once more. It cooperates iff the partner defected in at
    least one of the last ``probation`` rounds.

    Against Tit For Tat with ``probation = 2`` it plays D, D, C, C, C, D, D, C, C, C, … : every
    punishment is met with just enough contrition to restore cooperation, which it then
    exploits again.

    Parameters
    ----------
    probation : int, in [1, 20]
        Consecutive partner cooperations it waits for after a punishment before free-riding
        again (its memory depth).

    Automaton: the partner's run of consecutive realised cooperations, capped at ``probation``
    (``probation + 1`` states); the first round in the top state.

    Source: Hollifield (2024) — "states have a strong incentive to free ride on other
    states' efforts"; the rationalist-approach paper — "states have had more incentives to
    free ride by not cooperating with neighbouring states" (docs/sources.md).
    """

    key = "beggar_thy_neighbour"
    name = "Beggar-Thy-Neighbour"
    family = "unilateral"
    source = "Hollifield 2024: incentive to free ride, beggar-thy-neighbour policies"
    classifier = state_classifier(2)

    def __init__(self, probation: int = 2) -> None:
        super().__init__()
        self.probation = check_int("probation", probation, 1, 20)
        self.classifier["memory_depth"] = self.probation
        self.name = parameterised_name("Beggar-Thy-Neighbour", {"probation": 2},
                                       {"probation": self.probation})

    def initial_state(self, partner):
        return self.probation

    def cooperation(self, state):
        return 1.0 if state < self.probation else 0.0

    def transition(self, state, own, other):
        return streak(state, other, self.probation)
