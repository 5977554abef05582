"""Centralisation: pooled sovereignty inside a club once the institution is established."""

from __future__ import annotations

from strategies._automata import START, reactive_cooperation
from strategies.clubs import ClubStrategy
from tournaments.strategy import check_choice, check_int, parameterised_name, state_classifier

#: The automaton's state once the common institution is established with a member.
ESTABLISHED = "established"


class PooledSovereignty(ClubStrategy):
    """A club member that pools sovereignty with each member once cooperation is established.

    Behaviour with a member of its own club: it plays Tit For Tat until the two have had
    ``establishment`` consecutive rounds of realised mutual cooperation; from then on the
    common institution is established and it cooperates unconditionally with that member for
    the rest of the match — regulatory authority has been centralised, so it no longer keeps
    score. With ``establishment = 0`` it cooperates unconditionally with members from the first
    round. A round that is not mutual cooperation before establishment restarts the count.
    With an outsider (another club, no club, or any partner when it has no club itself) it
    follows ``outsiders``: ``"reciprocate"`` (Tit For Tat) or ``"exclude"`` (always defect).

    Parameters
    ----------
    establishment : int, in [0, 100]
        Consecutive rounds of mutual cooperation with a member that establish the institution.
    outsiders : {"reciprocate", "exclude"}
        Treatment of partners outside the club.
    club : str or None
        This state's club (see :class:`~strategies.clubs.ClubStrategy`).

    Automaton: with a member, (consecutive mutual cooperations so far, partner's last action)
    until *established*; with an outsider, (treatment, partner's last action). Memory is
    unbounded (establishment is permanent) but finite-state.

    Source: Hollifield (2024) — "the centralization of regulatory power and pooling of
    sovereignty, as in the EU", and the regional option as "one way ... to begin a process of
    centralization of regulatory authority"; the rationalist-approach paper — the EU,
    Schengen and Dublin "were built through processes of centralization and pooling of
    sovereignty", easier "because of the symmetry of interests and power" (docs/sources.md).
    """

    key = "pooled_sovereignty"
    name = "Pooled Sovereignty"
    family = "centralisation"
    source = "Hollifield 2024 and rationalist approach: centralization, pooled sovereignty (EU)"
    classifier = state_classifier(float("inf"))
    OUTSIDERS = ("reciprocate", "exclude")

    def __init__(self, establishment: int = 3, outsiders: str = "reciprocate",
                 club: str | None = None) -> None:
        super().__init__()
        self.establishment = check_int("establishment", establishment, 0, 100)
        self.outsiders = check_choice("outsiders", outsiders, self.OUTSIDERS)
        self._init_club(club)
        if self.establishment == 0:
            self.classifier["memory_depth"] = 0 if outsiders == "exclude" else 1
        self.name = parameterised_name(
            "Pooled Sovereignty",
            {"establishment": 3, "outsiders": "reciprocate", "club": None},
            {"establishment": self.establishment, "outsiders": self.outsiders, "club": club})

    def initial_state(self, partner):
        if not self.is_member(partner):
            return self.outsiders, START
        return ESTABLISHED if self.establishment == 0 else ("member", 0, START)

    def cooperation(self, state):
        if state == ESTABLISHED:
            return 1.0
        if state[0] == "exclude":
            return 0.0
        return reactive_cooperation(state[-1], 1.0, 1.0, 0.0)

    def transition(self, state, own, other):
        if state == ESTABLISHED:
            return ESTABLISHED
        if state[0] != "member":
            return state[0], other
        streak = state[1] + 1 if own == 0 and other == 0 else 0
        return ESTABLISHED if streak >= self.establishment else ("member", streak, other)
