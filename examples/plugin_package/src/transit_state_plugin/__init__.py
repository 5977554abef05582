"""Example installable plug-in: a transit state that holds migrants only while it is paid.

Install with ``pip install -e examples/plugin_package``; the engine then finds
:class:`TransitState` through the entry-point group ``migration_tournaments.strategies`` and a
config may name it ``transit_state`` or ``Transit State``.
"""

from __future__ import annotations

import axelrod as axl
import numpy as np

from strategies.base import FiniteStateForm, StateStrategy

C, D = axl.Action.C, axl.Action.D


class TransitState(StateStrategy):
    """A transit state that holds migrants (C) while its partner keeps the deal.

    Behaviour: it holds migrants in the first round and thereafter as long as the receiving
    partner cooperated (kept the deal, e.g. paid under Externalisation) in each of the last two
    rounds; a partner defection makes it let migrants through (D) for the next two rounds — the
    EU–Turkey bargain seen from Ankara. It never pays or sanctions.

    Finite-state form: three states counting the partner's consecutive cooperations (capped at
    two), starting in the top state.

    Source: ../shared/seeds/000 — "externalization of border controls"; migration management in
    "negotiations between the European Union and neighbouring states, especially ... Turkey".
    """

    name = "Transit State"
    family = "plug-in example"
    source = "000: externalization of border controls (EU–Turkey)"
    classifier = {
        "memory_depth": 2,
        "stochastic": False,
        "makes_use_of": set(),
        "long_run_time": False,
        "inspects_source": False,
        "manipulates_source": False,
        "manipulates_state": False,
    }

    def strategy(self, opponent: axl.Player) -> axl.Action:
        return D if D in opponent.history[-2:] else C

    def finite_state_form(self) -> FiniteStateForm:
        transition = np.zeros((3, 2, 2, 3))
        for j in range(3):
            transition[j, :, 0, min(j + 1, 2)] = 1.0
            transition[j, :, 1, 0] = 1.0
        return FiniteStateForm(initial=np.array([0.0, 0.0, 1.0]),
                               coop_prob=np.array([0.0, 0.0, 1.0]), transition=transition)
