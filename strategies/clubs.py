"""Regional clubs: migration governance as a club good, reciprocity among members only."""

from __future__ import annotations

import axelrod as axl

from strategies._automata import reactive_form
from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D

_ALWAYS_C = (1.0, 1.0, 1.0)
_ALWAYS_D = (0.0, 0.0, 0.0)
_RECIPROCATE = (1.0, 1.0, 0.0)


class ClubStrategy(StateStrategy):
    """Shared machinery of the club strategies (not registered: it has no ``key``).

    A club strategy's own club is its ``club`` ``__init__`` parameter when given (which also
    sets the public ``club`` attribute partners read), else the public ``club`` attribute the
    runner attaches after construction (read at play time, so ``reset()``, which re-runs
    ``__init__``, never clears it). A partner is a *member* when its
    public ``club`` equals this state's club and that club is not ``None``.

    The play depends on the partner's club, so the plain :meth:`finite_state_form` is returned
    only when it does not (otherwise ``None``); :meth:`finite_state_form_for` gives the exact
    form against a given partner.
    """

    def _init_club(self, club: str | None) -> str | None:
        if club is not None and (not isinstance(club, str) or not club):
            raise ValueError(f"parameter 'club' = {club!r} must be a non-empty string or None")
        self.club_parameter = club
        if club is not None:
            self.club = club  # the parameter is also the public club partners read
        return club

    def own_club(self) -> str | None:
        """This state's club: the ``club`` parameter if given, else the public attribute."""
        if self.club_parameter is not None:
            return self.club_parameter
        return getattr(self, "club", None)

    def is_member(self, opponent: axl.Player) -> bool:
        """Whether ``opponent`` belongs to this state's club (public information)."""
        own = self.own_club()
        return own is not None and getattr(opponent, "club", None) == own

    def finite_state_form_for(self, opponent: axl.Player) -> FiniteStateForm | None:
        """The exact finite-state form of this strategy's play against ``opponent``
        (``None`` here; each club strategy gives its own)."""
        return None


def _check_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ValueError(f"parameter {name!r} = {value!r} must be one of {', '.join(allowed)}")
    return value


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
        This state's club. ``None`` (default) means the public ``club`` the runner attaches from
        the roster; a string overrides it (and becomes the public ``club``, also after clone
        and reset) and enters the display name. Pass it explicitly when
        one tournament holds club players of different clubs: axelrod's deterministic cache keys
        on the name, and two players of one parameterisation in different clubs play differently
        against the same partner.

    Finite-state form: three states (first round, partner last C, partner last D) for a given
    partner (:meth:`finite_state_form_for`); :meth:`finite_state_form` returns it only with
    ``outsiders = "reciprocate"``, where membership does not change the play.

    Source: ../shared/seeds/000 — "the regional option—multilateralism for a relevant group of
    states where migration governance can be defined as a club good"; endnote 6, "club goods are
    non-rivalrous and excludable"; recommendation 4, "Migration management can be defined as a
    club good at the regional level"; 004 — the same regional option.
    """

    key = "club_reciprocity"
    name = "Regional Club Reciprocity"
    family = "clubs"
    source = "000: migration governance as a club good (excludable), the regional option; 004"
    classifier = state_classifier(1)
    OUTSIDERS = ("exclude", "reciprocate", "cooperate")

    def __init__(self, outsiders: str = "exclude", club: str | None = None) -> None:
        super().__init__()
        self.outsiders = _check_choice("outsiders", outsiders, self.OUTSIDERS)
        self._init_club(club)
        self.name = parameterised_name("Regional Club Reciprocity",
                                       {"outsiders": "exclude", "club": None},
                                       {"outsiders": self.outsiders, "club": club})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        if not self.is_member(opponent):
            if self.outsiders == "exclude":
                return D
            if self.outsiders == "cooperate":
                return C
        return opponent.history[-1] if opponent.history else C

    def _probabilities(self, member: bool) -> tuple[float, float, float]:
        if member or self.outsiders == "reciprocate":
            return _RECIPROCATE
        return _ALWAYS_D if self.outsiders == "exclude" else _ALWAYS_C

    def finite_state_form_for(self, opponent: axl.Player) -> FiniteStateForm:
        first, after_c, after_d = self._probabilities(self.is_member(opponent))
        return reactive_form(after_c, after_d, p_first=first)

    def finite_state_form(self) -> FiniteStateForm | None:
        if self.outsiders != "reciprocate":
            return None
        return reactive_form(1.0, 0.0)
