"""Suasion: cooperation bought with side payments (the "international logroll")."""

from __future__ import annotations

from strategies._automata import Reciprocating
from tournaments.strategy import (
    AutomatonStrategy,
    check_range,
    parameterised_name,
    state_classifier,
)


class Suasion(Reciprocating, AutomatonStrategy):
    """A powerful receiving state that pays its partner to cooperate.

    Behaviour: cooperates in the first round, then reciprocates the partner's last realised
    action (it retaliates against a defection and forgives as soon as the partner cooperates
    again). In every round in which the partner cooperates it pays the partner ``payment``; in a
    round in which the partner defects it pays nothing. Payments are real transfers: the
    accounting debits ``payment`` from this state and credits ``payment × transfer_efficiency``
    to the partner.

    Parameters
    ----------
    payment : float, in [0, 100]
        Side payment per round of partner cooperation, in stage-game payoff units.

    Automaton: the partner's last realised action (three states with the first round).

    Source: Hollifield (2024) — powerful states can "use their power to persuade others ...
    with financial incentives" (suasion) and construct an "international logroll"; the
    rationalist-approach paper (004) — suasion and issue linkage as alternatives to centralisation
    (docs/sources.md).
    """

    key = "suasion"
    name = "Suasion"
    family = "suasion"
    source = "Hollifield 2024: suasion with financial incentives, the international logroll"
    classifier = state_classifier(1)

    def __init__(self, payment: float = 1.0) -> None:
        super().__init__()
        self.payment = check_range("payment", payment, 0.0, 100.0)
        self.name = parameterised_name("Suasion", {"payment": 1.0}, {"payment": self.payment})

    def adjustment(self, state, own, other):
        return (self.payment if other == 0 else 0.0, 0.0, 0.0)
