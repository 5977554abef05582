"""Multilateralism: diffuse reciprocity, as generous as the shadow of the future allows."""

from __future__ import annotations

import axelrod as axl

from strategies._automata import largest_feasible, reactive_form, row_payoffs
from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D


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


class Multilateralist(StateStrategy):
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

    Finite-state form: three states (first round, partner last C, partner last D), intending C
    with probabilities 1, 1, g; g uses the game in ``match_attributes`` (axelrod's default PD
    until ``set_match_attributes`` is called).

    Source: ../shared/seeds/000 — cooperation when "interactions among states occur repeatedly
    with the same partners", the "shadow of the future", and the prerequisites of
    multilateralism, "indivisibility, generalized principles of conduct, and diffuse
    reciprocity"; 004 — the same passages.
    """

    key = "multilateralist"
    name = "Multilateralist"
    family = "multilateral"
    source = "000/004: shadow of the future; multilateralism and diffuse reciprocity"
    classifier = state_classifier(1, stochastic=True, makes_use_of={"game"})

    def __init__(self, continuation: float = 1.0) -> None:
        super().__init__()
        self.continuation = self._check_range("continuation", float(continuation), 0.0, 1.0,
                                              low_open=True)
        self.name = parameterised_name("Multilateralist", {"continuation": 1.0},
                                       {"continuation": self.continuation})

    @property
    def forgiveness(self) -> float:
        """g for the current game and δ (see :func:`generosity`)."""
        return generosity(*row_payoffs(self.match_attributes["game"]), self.continuation)

    def strategy(self, opponent: axl.Player) -> axl.Action:
        if not opponent.history or opponent.history[-1] == C:
            return C
        return self._random.random_choice(self.forgiveness)

    def finite_state_form(self) -> FiniteStateForm:
        return reactive_form(1.0, self.forgiveness)
