"""Short time horizons: reciprocity only when the state values the future enough."""

from __future__ import annotations

from strategies._automata import START, reactive_cooperation, row_payoffs
from tournaments.strategy import (
    AutomatonStrategy,
    check_range,
    parameterised_name,
    state_classifier,
)

_TOLERANCE = 1e-12


def reciprocity_sustainable(R: float, S: float, T: float, P: float, discount: float) -> bool:
    """Whether Tit For Tat is collectively stable at discount ``discount`` (Axelrod 1984).

    Axelrod's Proposition 2 (*The Evolution of Cooperation*, ch. 3): TIT FOR TAT cannot be
    invaded iff w ≥ max((T − R)/(T − P), (T − R)/(R − S)), i.e. neither alternating D and C
    nor defecting forever pays against it. Written as γ(T − P) ≥ T − R and γ(R − S) ≥ T − R so
    that it also decides games that are not Prisoner's Dilemmas (in the Immigration Stag Hunt,
    T < R: always sustainable). For the default PD the critical discount is 2/3.
    """
    return (discount * (T - P) >= T - R - _TOLERANCE
            and discount * (R - S) >= T - R - _TOLERANCE)


class ShortHorizonState(AutomatonStrategy):
    """A government whose short time horizon decides between reciprocity and defection.

    Behaviour: it reads the game of the match (``match_attributes["game"]``; for an asymmetric
    game the row player's matrix) and its own discount factor γ. If γ is at least the critical
    value at which reciprocity is collectively stable (:func:`reciprocity_sustainable`:
    γ ≥ max((T − R)/(T − P), (T − R)/(R − S)), 2/3 in the default PD) it plays Tit For Tat;
    below it, the future is worth too little to sustain cooperation and it defects in every
    round. As its horizon shortens past the critical point its cooperation collapses.

    Parameters
    ----------
    discount : float, in (0, 1]
        γ, how much the state values round t (weight γ^t); filled in by the runner from the
        roster entry's ``discount``.

    Automaton: (patient enough or not, the partner's last realised action): Tit For Tat's
    probabilities (1, 1, 0) when patient enough, Always Defect's otherwise, for the game of the
    match.

    Source: the rationalist-approach paper — "The time horizons of almost all Western
    democracies are much shorter because of these changes in domestic and international
    politics since the end of the Cold War", and cooperation "if future payoffs are valued
    highly enough—this is the so-called 'shadow of the future'" (docs/sources.md).
    """

    key = "short_horizon"
    name = "Short-Horizon State"
    family = "horizon"
    source = "Rationalist approach: shorter time horizons since the Cold War; shadow of future"
    classifier = state_classifier(1, makes_use_of={"game"})

    def __init__(self, discount: float = 1.0) -> None:
        super().__init__()
        self.discount = check_range("discount", discount, 0.0, 1.0, low_open=True)
        self.name = parameterised_name("Short-Horizon State", {"discount": 1.0},
                                       {"discount": self.discount})

    @property
    def reciprocates(self) -> bool:
        """Whether, in the current game, its horizon is long enough to reciprocate."""
        return reciprocity_sustainable(*row_payoffs(self.match_attributes["game"]),
                                       self.discount)

    def initial_state(self, partner):
        return self.reciprocates, START

    def cooperation(self, state):
        reciprocates, last = state
        return reactive_cooperation(last, 1.0, 1.0, 0.0) if reciprocates else 0.0

    def transition(self, state, own, other):
        return state[0], other
