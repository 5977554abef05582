"""Example plug-in: externalisation of border control (a strategy outside the project's packages).

Name it in a config as ``examples/plugins/externalisation.py:Externalisation`` (a path relative
to the config file's folder, or absolute), and check it with
``tournaments check-strategy examples/plugins/externalisation.py:Externalisation``.
"""

from __future__ import annotations

from tournaments.strategy import AutomatonStrategy, check_range, parameterised_name

START = "start"


class Externalisation(AutomatonStrategy):
    """A receiving state that pays states outside its club to hold migrants on its behalf.

    Behaviour: it reciprocates the partner's last realised action (cooperating first). With a
    partner outside its own club (a transit state: another club or none) it also pays ``fee``
    in every round in which the partner holds migrants (a realised C) and withholds it when the
    partner lets people through (D). Fellow club members get reciprocity without a fee: the
    deal is externalisation, outsourcing border control to non-members.

    Parameters
    ----------
    fee : float, in [0, 100]
        Payment per round in which a transit state holds migrants.
    club : str or None
        Its own club (filled in from the roster entry's ``club``).

    Automaton: (whether the partner is paid, the partner's last realised action); the fee is
    the automaton's adjustment, so play, payments and the exact form are one definition.

    Source: Hollifield (2024), *A Realist Approach to Forced Migration and Human Displacement* —
    "International cooperation is required, and this often entails externalization of border
    controls"; migration management in "negotiations between the European Union and
    neighbouring states, especially ... Turkey".
    """

    name = "Externalisation"
    family = "plug-in example"
    source = "Hollifield 2024: externalization of border controls (EU–Turkey)"
    classifier = {
        "memory_depth": 1,
        "stochastic": False,
        "makes_use_of": set(),
        "long_run_time": False,
        "inspects_source": False,
        "manipulates_source": False,
        "manipulates_state": False,
    }

    def __init__(self, fee: float = 1.5, club: str | None = None) -> None:
        super().__init__()
        self.fee = check_range("fee", fee, 0.0, 100.0)
        if club is not None:
            self.club = club
        self.name = parameterised_name("Externalisation", {"fee": 1.5, "club": None},
                                       {"fee": self.fee, "club": club})

    def initial_state(self, partner):
        own = getattr(self, "club", None)
        paid = own is None or partner.club != own
        return paid, START

    def cooperation(self, state):
        return 0.0 if state[1] == 1 else 1.0

    def transition(self, state, own, other):
        return state[0], other

    def adjustment(self, state, own, other):
        paid, _ = state
        return (self.fee, 0.0, 0.0) if paid and other == 0 else None
