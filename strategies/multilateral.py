"""Multilateralism: diffuse reciprocity, as generous as the shadow of the future allows."""

from __future__ import annotations

from strategies._automata import START, largest_feasible, reactive_cooperation, row_payoffs
from tournaments.strategy import (
    AutomatonStrategy,
    check_range,
    parameterised_name,
    state_classifier,
)


def generosity(R: float, S: float, T: float, P: float, continuation: float = 1.0) -> float:
    """Largest forgiveness probability g that no deviation against Generous Tit For Tat pays.

    Generous Tit For Tat cooperates after a partner's C and, with probability g, after a D.
    With continuation probability δ, g must keep two deviations from a cooperative GTFT pair
    unprofitable (normalised payoffs, one-shot deviation principle):

    * a single defection, then back to cooperation: gains T − R now and loses R − S next round
      with probability 1 − g, so T − R ≤ δ(1 − g)(R − S), i.e.
      g ≤ 1 − (T − R) / (δ(R − S));
    * permanent defection (All D): earns (1 − δ)T + δ(gT + (1 − g)P) against R, so
      g ≤ [(R − P) − (1 − δ)(T − P)] / (δ(T − P)).

    At δ = 1 this is Nowak and Sigmund's generosity
    g = min(1 − (T − R)/(R − S), (R − P)/(T − P)) (Nowak & Sigmund 1992, *Nature* 355:250;
    Molander 1985, *J. Conflict Resolution* 29:611), 1/3 for the default PD; it shrinks as δ
    falls and is 0 (plain Tit For Tat) when δ is too small for any forgiveness, e.g. δ ≤ 2/3 in
    the default PD. Each bound is taken as the largest g in [0, 1] satisfying it, so games that
    are not Prisoner's Dilemmas (where a denominator is zero or negative) give a value in [0, 1]:
    in the Immigration Stag Hunt neither deviation pays and g = 1.
    """
    delta = continuation
    one_shot = largest_feasible(delta * (R - S) - (T - R), delta * (R - S))
    all_d = largest_feasible((R - P) - (1 - delta) * (T - P), delta * (T - P))
    return min(one_shot, all_d)


class Multilateralist(AutomatonStrategy):
    """A state committed to multilateral cooperation that forgives as much as is safe.

    Behaviour: Generous Tit For Tat. It cooperates in the first round and after every round in
    which the partner cooperated; after a partner's defection it forgives (cooperates) with
    probability g and retaliates otherwise, where g = :func:`generosity` of the game's payoffs
    (read from ``match_attributes["game"]``; for an asymmetric game the row player's matrix)
    and of the continuation probability δ it is told. Forgiveness repairs the echo of defections
    that noise (a border incident) sets off between reciprocators, while staying small enough
    that neither a one-off nor a permanent defector profits. Random draws come from
    ``self._random``.

    Parameters
    ----------
    continuation : float, in (0, 1]
        δ, the probability that the relationship continues after a round; filled in by the
        runner from the config's ``match.continuation`` (1 for fixed-length matches).

    Automaton: (g, the partner's last realised action), intending C with probabilities 1, 1, g
    in the first round, after a C, after a D; g is computed when the match starts, from the
    game of the match.

    Source: Hollifield (2024) — cooperation when "interactions among states occur repeatedly
    with the same partners", the "shadow of the future", and the prerequisites of
    multilateralism, "indivisibility, generalized principles of conduct, and diffuse
    reciprocity" (docs/sources.md).
    """

    key = "multilateralist"
    name = "Multilateralist"
    family = "multilateral"
    source = "Hollifield 2024: shadow of the future; multilateralism, diffuse reciprocity"
    classifier = state_classifier(1, stochastic=True, makes_use_of={"game"})

    def __init__(self, continuation: float = 1.0) -> None:
        super().__init__()
        self.continuation = check_range("continuation", continuation, 0.0, 1.0,
                                        low_open=True)
        self.name = parameterised_name("Multilateralist", {"continuation": 1.0},
                                       {"continuation": self.continuation})

    @property
    def forgiveness(self) -> float:
        """g for the current game and δ (see :func:`generosity`)."""
        return generosity(*row_payoffs(self.match_attributes["game"]), self.continuation)

    def initial_state(self, partner):
        return self.forgiveness, START

    def cooperation(self, state):
        forgiveness, last = state
        return reactive_cooperation(last, 1.0, 1.0, forgiveness)

    def transition(self, state, own, other):
        return state[0], other
