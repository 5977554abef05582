"""Tactical issue linkage: reciprocity backed by sanctions in another policy field."""

from __future__ import annotations

import axelrod as axl
import numpy as np

from strategies._automata import reactive_form
from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D


class TacticalIssueLinkage(StateStrategy):
    """A state that links migration to trade or aid and sanctions every defection.

    Behaviour: cooperates in the first round, then reciprocates the partner's last realised
    action (Tit For Tat on the migration issue). In addition, in every round in which the partner
    defects it imposes a sanction in a linked issue area (tariffs, visas, aid cuts): the sanction
    costs this state ``cost`` and harms the partner by ``sanction``. Rounds in which the partner
    cooperates carry no adjustment. The sanction is a real payoff, scored by the engine as
    ``sanction_cost`` for this state and ``sanction_suffered`` for the partner.

    With the default PD (T = 5, R = 3) and ``sanction = 2`` a defection against a cooperating
    linker earns the defector 5 − 2 = 3 = R in that round: linkage removes the temptation.

    Parameters
    ----------
    sanction : float, in [0, 100]
        Harm the sanction does to the partner in a round in which the partner defects.
    cost : float, in [0, 100]
        What imposing that sanction costs this state.

    Finite-state form: three states (first round, partner last cooperated, partner last
    defected); the adjustments depend only on the partner's realised action.

    Source: ../shared/seeds/000 — "tactical issue linkage, which involves identifying issues and
    interests not necessarily related to migration and using these to leverage, compel or
    coerce states"; recommendation 2, "tactical linkage of issues relating to trade, foreign
    direct investment, official development assistance, and military assistance"; 004 — the same
    passage, and "there are no mechanisms for punishing free riders".
    """

    key = "issue_linkage"
    name = "Tactical Issue Linkage"
    family = "linkage"
    source = "000: tactical issue linkage to leverage, compel or coerce; 004: issue linkage"
    classifier = state_classifier(1)

    def __init__(self, sanction: float = 2.0, cost: float = 0.5) -> None:
        super().__init__()
        self.sanction = self._check_range("sanction", float(sanction), 0.0, 100.0)
        self.cost = self._check_range("cost", float(cost), 0.0, 100.0)
        self.name = parameterised_name("Tactical Issue Linkage",
                                       {"sanction": 2.0, "cost": 0.5},
                                       {"sanction": self.sanction, "cost": self.cost})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        if not opponent.history:
            return C
        return opponent.history[-1]

    def adjustments(self, own: np.ndarray, other: np.ndarray) -> np.ndarray:
        out = np.zeros((len(own), 3))
        defected = np.asarray(other) == 1
        out[defected, 1] = self.cost
        out[defected, 2] = self.sanction
        return out

    def finite_state_form(self) -> FiniteStateForm:
        return reactive_form(1.0, 0.0, adjustments_by_partner=(
            np.zeros(3), np.array([0.0, self.cost, self.sanction])))
