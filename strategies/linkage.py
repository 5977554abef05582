"""Tactical issue linkage: reciprocity backed by sanctions in another policy field."""

from __future__ import annotations

from strategies._automata import Reciprocating
from tournaments.strategy import (
    AutomatonStrategy,
    check_range,
    parameterised_name,
    state_classifier,
)


class TacticalIssueLinkage(Reciprocating, AutomatonStrategy):
    """A state that links migration to trade or aid and sanctions every defection.

    Behaviour: cooperates in the first round, then reciprocates the partner's last realised
    action (Tit For Tat on the migration issue). In addition, in every round in which the partner
    defects it imposes a sanction in a linked issue area (tariffs, visas, aid cuts): the sanction
    costs this state ``cost`` and harms the partner by ``sanction``. Rounds in which the partner
    cooperates carry no adjustment. The sanction is a real payoff: ``sanction_cost`` for this
    state, ``sanction_suffered`` for the partner.

    With the default PD (T = 5, R = 3) and ``sanction = 2`` a defection against a cooperating
    linker earns the defector 5 − 2 = 3 = R in that round: linkage removes the temptation.

    Parameters
    ----------
    sanction : float, in [0, 100]
        Harm the sanction does to the partner in a round in which the partner defects.
    cost : float, in [0, 100]
        What imposing that sanction costs this state.

    Automaton: the partner's last realised action (three states with the first round).

    Source: Hollifield (2024) — "tactical issue linkage, which involves identifying issues and
    interests not necessarily related to migration and using these to leverage, compel or
    coerce states"; recommendation 2, "tactical linkage of issues relating to trade, foreign
    direct investment, official development assistance, and military assistance"; and
    the rationalist-approach paper (004) — "there are no mechanisms for punishing free riders"
    (docs/sources.md).
    """

    key = "issue_linkage"
    name = "Tactical Issue Linkage"
    family = "linkage"
    source = "Hollifield 2024: tactical issue linkage to leverage, compel or coerce"
    classifier = state_classifier(1)

    def __init__(self, sanction: float = 2.0, cost: float = 0.5) -> None:
        super().__init__()
        self.sanction = check_range("sanction", sanction, 0.0, 100.0)
        self.cost = check_range("cost", cost, 0.0, 100.0)
        self.name = parameterised_name("Tactical Issue Linkage",
                                       {"sanction": 2.0, "cost": 0.5},
                                       {"sanction": self.sanction, "cost": self.cost})

    def adjustment(self, state, own, other):
        return (0.0, self.cost, self.sanction) if other == 1 else None
