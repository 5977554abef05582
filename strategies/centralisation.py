"""Centralisation: pooled sovereignty inside a club once the institution is established."""

from __future__ import annotations

import axelrod as axl
import numpy as np

from strategies._automata import check_int, reactive_form
from strategies.base import FiniteStateForm, parameterised_name, state_classifier
from strategies.clubs import ClubStrategy, _check_choice

C, D = axl.Action.C, axl.Action.D


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
        This state's club; ``None`` means the public ``club`` attached by the runner (see
        :class:`~strategies.clubs.ClubStrategy`, and Regional Club Reciprocity on why to pass it
        explicitly when clubs differ).

    Finite-state form: against a member ``2·establishment + 1`` states (count of consecutive
    mutual cooperations × partner's last action, plus *established*); against an outsider three
    states. Memory is unbounded (establishment is permanent) but finite-state:
    :meth:`finite_state_form_for` gives the exact form for a partner, :meth:`finite_state_form`
    returns ``None`` because the play depends on the partner's club.

    Source: ../shared/seeds/000 — "the centralization of regulatory power and pooling of
    sovereignty, as in the EU", and the regional option as "one way ... to begin a process of
    centralization of regulatory authority"; 004 — the EU, Schengen and Dublin "were built
    through processes of centralization and pooling of sovereignty", easier "because of the
    symmetry of interests and power" among members.
    """

    key = "pooled_sovereignty"
    name = "Pooled Sovereignty"
    family = "centralisation"
    source = "000/004: centralization of regulatory power and pooling of sovereignty (EU)"
    classifier = state_classifier(float("inf"))
    OUTSIDERS = ("reciprocate", "exclude")

    def __init__(self, establishment: int = 3, outsiders: str = "reciprocate",
                 club: str | None = None) -> None:
        super().__init__()
        self.establishment = check_int("establishment", establishment, 0, 100)
        self.outsiders = _check_choice("outsiders", outsiders, self.OUTSIDERS)
        self._init_club(club)
        if self.establishment == 0:
            self.classifier["memory_depth"] = 0 if outsiders == "exclude" else 1
        self._streak = 0  # consecutive mutual cooperations seen so far
        self._established = self.establishment == 0
        self._seen = 0  # rounds of history already folded into the two counters above
        self.name = parameterised_name(
            "Pooled Sovereignty",
            {"establishment": 3, "outsiders": "reciprocate", "club": None},
            {"establishment": self.establishment, "outsiders": self.outsiders, "club": club})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        if not self.is_member(opponent):
            if self.outsiders == "exclude":
                return D
            return opponent.history[-1] if opponent.history else C
        own, other = self.history, opponent.history
        for t in range(self._seen, len(own)):
            if self._established:
                break
            self._streak = self._streak + 1 if own[t] == C and other[t] == C else 0
            self._established = self._streak >= self.establishment
        self._seen = len(own)
        if self._established or not other:
            return C
        return other[-1]

    def finite_state_form_for(self, opponent: axl.Player) -> FiniteStateForm:
        if not self.is_member(opponent):
            return (reactive_form(0.0, 0.0, p_first=0.0) if self.outsiders == "exclude"
                    else reactive_form(1.0, 0.0))
        m = self.establishment
        # state 2c + j: c consecutive mutual cooperations (c < m), j = partner's last action
        # (0 = C or first round, 1 = D); state 2m: established
        n = 2 * m + 1
        established = 2 * m
        coop = np.array([1.0 - (s % 2) for s in range(2 * m)] + [1.0])
        transition = np.zeros((n, 2, 2, n))
        transition[established, :, :, established] = 1.0
        for c in range(m):
            for j in (0, 1):
                s = 2 * c + j
                transition[s, 0, 0, established if c + 1 == m else 2 * (c + 1)] = 1.0
                transition[s, 1, 0, 0] = 1.0
                transition[s, :, 1, 1] = 1.0
        initial = np.zeros(n)
        initial[established if m == 0 else 0] = 1.0
        return FiniteStateForm(initial=initial, coop_prob=coop, transition=transition)
