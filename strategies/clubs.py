"""Regional clubs: migration governance as a club good, reciprocity among members only."""

from __future__ import annotations

from strategies._automata import START, reactive_cooperation
from tournaments.model.automaton import Partner
from tournaments.strategy import (
    AutomatonStrategy,
    check_choice,
    parameterised_name,
    state_classifier,
)


class ClubStrategy(AutomatonStrategy):
    """Shared machinery of the club strategies (not registered: it has no ``key``).

    A club strategy's club is its public ``club``: the roster entry's club, which the runner
    passes as the ``club`` parameter (or attaches after construction), or a ``club`` parameter
    given explicitly. A partner is a *member* when its public ``club`` equals this state's club
    and that club is not ``None``. Membership is read when a match starts, from public
    information only, and is part of the automaton's initial state.
    """

    def _init_club(self, club: str | None) -> str | None:
        if club is not None and (not isinstance(club, str) or not club):
            raise ValueError(f"parameter 'club' = {club!r} must be a non-empty string or None")
        if club is not None:
            self.club = club  # the parameter is the public club partners read
        return club

    def is_member(self, partner: Partner) -> bool:
        """Whether a partner with this public information belongs to this state's club."""
        own = getattr(self, "club", None)
        return own is not None and partner.club == own


class ClubReciprocity(ClubStrategy):
    """A member of a regional club that reciprocates with members and treats outsiders apart.

    Behaviour: with a member of its own club it plays Tit For Tat (cooperates first, then
    reciprocates the member's last realised action). With an outsider (a partner in another
    club or in none, and every partner when this state has no club) it follows ``outsiders``:

    * ``"exclude"`` — always defects: the club good is excludable and outsiders get none of it;
    * ``"reciprocate"`` — Tit For Tat as with members (an open club);
    * ``"cooperate"`` — always cooperates (a club that shares with everyone, unconditionally).

    Parameters
    ----------
    outsiders : {"exclude", "reciprocate", "cooperate"}
        Treatment of partners outside the club.
    club : str or None
        This state's club; filled in by the runner from the roster entry's ``club`` (so it
        enters the display name, which tells players of different clubs apart).

    Automaton: (treatment of this partner, the partner's last realised action).

    Source: Hollifield (2024) — "the regional option—multilateralism for a relevant group of
    states where migration governance can be defined as a club good"; endnote 6, "club goods are
    non-rivalrous and excludable"; recommendation 4, "Migration management can be defined as a
    club good at the regional level" (docs/sources.md).
    """

    key = "club_reciprocity"
    name = "Regional Club Reciprocity"
    family = "clubs"
    source = "Hollifield 2024: migration governance as a club good (excludable)"
    classifier = state_classifier(1)
    OUTSIDERS = ("exclude", "reciprocate", "cooperate")

    def __init__(self, outsiders: str = "exclude", club: str | None = None) -> None:
        super().__init__()
        self.outsiders = check_choice("outsiders", outsiders, self.OUTSIDERS)
        self._init_club(club)
        self.name = parameterised_name("Regional Club Reciprocity",
                                       {"outsiders": "exclude", "club": None},
                                       {"outsiders": self.outsiders, "club": club})

    def initial_state(self, partner):
        treatment = "reciprocate" if self.is_member(partner) else self.outsiders
        return treatment, START

    def cooperation(self, state):
        treatment, last = state
        if treatment == "exclude":
            return 0.0
        if treatment == "cooperate":
            return 1.0
        return reactive_cooperation(last, 1.0, 1.0, 0.0)

    def transition(self, state, own, other):
        return state[0], other
