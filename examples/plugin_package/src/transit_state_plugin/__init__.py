"""Example installable plug-in: a transit state that holds migrants only while it is paid.

Install with ``pip install -e examples/plugin_package``; the engine then finds
:class:`TransitState` through the entry-point group ``migration_tournaments.strategies`` and a
config may name it ``transit_state`` or ``Transit State``.
"""

from __future__ import annotations

from tournaments.strategy import AutomatonStrategy


class TransitState(AutomatonStrategy):
    """A transit state that holds migrants (C) while its partner keeps the deal.

    Behaviour: it holds migrants in the first round and thereafter as long as the receiving
    partner cooperated (kept the deal, e.g. paid under Externalisation) in each of the last two
    rounds; a partner defection makes it let migrants through (D) for the next two rounds — the
    EU–Turkey bargain seen from Ankara. It never pays or sanctions.

    Automaton: the partner's run of consecutive realised cooperations, capped at two, starting
    in the top state.

    Source: Hollifield (2024), *A Realist Approach to Forced Migration and Human Displacement* —
    "externalization of border controls"; migration management in "negotiations between the
    European Union and neighbouring states, especially ... Turkey".
    """

    name = "Transit State"
    family = "plug-in example"
    source = "Hollifield 2024: externalization of border controls (EU–Turkey)"
    classifier = {
        "memory_depth": 2,
        "stochastic": False,
        "makes_use_of": set(),
        "long_run_time": False,
        "inspects_source": False,
        "manipulates_source": False,
        "manipulates_state": False,
    }

    def initial_state(self, partner):
        return 2

    def cooperation(self, state):
        return 1.0 if state == 2 else 0.0

    def transition(self, state, own, other):
        return min(state + 1, 2) if other == 0 else 0
