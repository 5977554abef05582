"""Suasion: cooperation bought with side payments (the "international logroll")."""

from __future__ import annotations

import axelrod as axl
import numpy as np

from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D


class Suasion(StateStrategy):
    """A powerful receiving state that pays its partner to cooperate.

    Behaviour: cooperates in the first round, then reciprocates the partner's last realised
    action (it retaliates against a defection and forgives as soon as the partner cooperates
    again). In every round in which the partner cooperates it pays the partner ``payment``; in a
    round in which the partner defects it pays nothing. Payments are real transfers: the
    scoring layer debits ``payment`` from this state and credits ``payment × transfer_efficiency``
    to the partner.

    Parameters
    ----------
    payment : float, in [0, 100]
        Side payment per round of partner cooperation, in stage-game payoff units.

    Finite-state form: three states (first round, partner last cooperated, partner last
    defected), so the exact solver applies.

    Source: ../shared/seeds/000 — powerful states can "use their power to persuade others ...
    with financial incentives" (suasion) and construct an "international logroll"; 004 —
    suasion and issue linkage as alternatives to centralisation.
    """

    key = "suasion"
    name = "Suasion"
    family = "suasion"
    source = "000: suasion with financial incentives, the international logroll; 004: suasion"
    classifier = state_classifier(1)

    def __init__(self, payment: float = 1.0) -> None:
        super().__init__()
        self.payment = self._check_range("payment", float(payment), 0.0, 100.0)
        self.name = parameterised_name("Suasion", {"payment": 1.0}, {"payment": self.payment})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        if not opponent.history:
            return C
        return opponent.history[-1]

    def adjustments(self, own: np.ndarray, other: np.ndarray) -> np.ndarray:
        out = np.zeros((len(own), 3))
        out[:, 0] = np.where(other == 0, self.payment, 0.0)
        return out

    def finite_state_form(self) -> FiniteStateForm:
        # states: 0 = first round, 1 = partner last played C, 2 = partner last played D
        transition = np.zeros((3, 2, 2, 3))
        transition[:, :, 0, 1] = 1.0
        transition[:, :, 1, 2] = 1.0
        adjustments = np.zeros((3, 2, 2, 3))
        adjustments[:, :, 0, 0] = self.payment
        return FiniteStateForm(
            initial=np.array([1.0, 0.0, 0.0]),
            coop_prob=np.array([1.0, 1.0, 0.0]),
            transition=transition,
            adjustments=adjustments,
        )
