"""Example plug-in: targeted sanctions — payoffs that depend on who the partner is.

A receiving state that sanctions only *sending* states, and only those outside its own club. The
partner's public information (its club and its role) is read once, in ``initial_state``, and
carried in the automaton's state; play, the sanctions and the exact form against each kind of
partner then come from the same four methods.

Name it in a config as ``../examples/plugins/targeted_sanctions.py:TargetedSanctions`` (a path
relative to the config file's folder), and check it with ::

    tournaments check-strategy examples/plugins/targeted_sanctions.py:TargetedSanctions

(``--param club=EU`` checks it as a member of the club EU; without it the check also fields it
in a club, as the runner does with a roster entry's ``club``).
"""

from __future__ import annotations

from strategies.clubs import ClubStrategy
from tournaments.strategy import check_range, parameterised_name, state_classifier


class TargetedSanctions(ClubStrategy):
    """A receiving state that sanctions sending states outside its club when they defect.

    Behaviour: with every partner it reciprocates (Tit For Tat: cooperates first, then copies
    the partner's last realised action). Against a *target* — a partner whose public role is
    ``sending`` and that is not a member of this state's club — it also imposes a sanction in
    every round in which the target defects (lets migrants through): the sanction harms the
    target by ``sanction`` and costs this state ``cost``. Receiving states, partners without a
    role (every partner when the roster has no roles) and members of its own club are never
    sanctioned. ``sending`` is the migration Prisoner's Dilemma's column role (a game given by
    its payoffs names its roles with ``game.roles: [receiving, sending]``).

    Parameters
    ----------
    sanction : float, in [0, 100]
        Harm done to a target in a round in which it defects.
    cost : float, in [0, 100]
        What imposing that sanction costs this state.
    club : str or None
        Its own club (filled in from the roster entry's ``club``).

    Automaton: (whether the partner is a target, the partner's last realised action) — three
    states against any partner. The first component is fixed by the partner's public
    information when the match starts; it is what makes the sanctions, and the exact form,
    depend on who the partner is.

    Source: the rationalist-approach paper (004) — "With the asymmetry of interests and power
    between developed (migration receiving) and less developed (migration sending) countries",
    "tactical issue linkage, which involves identifying issues and interests not necessarily
    related to migration and using these to leverage, compel or coerce states"; Hollifield
    (2024), endnote 6: "club goods are non-rivalrous and excludable" (docs/sources.md).
    """

    name = "Targeted Sanctions"
    family = "plug-in example"
    source = "Rationalist approach: issue linkage to coerce sending states; club members exempt"
    classifier = state_classifier(1)

    def __init__(self, sanction: float = 2.0, cost: float = 0.5,
                 club: str | None = None) -> None:
        super().__init__()
        self.sanction = check_range("sanction", sanction, 0.0, 100.0)
        self.cost = check_range("cost", cost, 0.0, 100.0)
        self._init_club(club)
        self.name = parameterised_name("Targeted Sanctions",
                                       {"sanction": 2.0, "cost": 0.5, "club": None},
                                       {"sanction": self.sanction, "cost": self.cost,
                                        "club": club})

    def initial_state(self, partner):
        target = partner.role == "sending" and not self.is_member(partner)
        return target, "start"

    def cooperation(self, state):
        return 0.0 if state[1] == 1 else 1.0

    def transition(self, state, own, other):
        return state[0], other

    def adjustment(self, state, own, other):
        target, _ = state
        return (0.0, self.cost, self.sanction) if target and other == 1 else None
