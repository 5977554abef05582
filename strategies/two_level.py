"""Two-level games: a leader who cooperates abroad only while it holds its win-set at home."""

from __future__ import annotations

import itertools

import axelrod as axl
import numpy as np

from strategies._automata import check_int
from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D

#: Largest window for which :meth:`TwoLevelLeader.finite_state_form` is built (Σ 4^l states).
MAX_FORM_WINDOW = 5


def _own_payoff(game, own: axl.Action, other: axl.Action) -> float:
    # row player's matrix: the payoff of ``own`` as the row action against ``other``
    return float(game.score((own, other))[0])


class TwoLevelLeader(StateStrategy):
    """A government that cooperates abroad only while its domestic win-set holds.

    Behaviour: it cooperates in the first round. Afterwards it scores its own realised play
    with the game of the match (``match_attributes["game"]``; for an asymmetric game the row
    player's matrix) and cooperates iff its mean stage payoff over the last ``window`` rounds
    (all rounds so far while fewer have been played) is at least ``threshold``; otherwise the
    domestic coalition for cooperation has broken and it defects. Payoffs recover when
    defection pays (against an exploitable partner), so it returns to cooperation; against a
    partner that punishes, a lost win-set stays lost.

    With the default PD, ``window = 4`` and ``threshold = 2``: against Cooperator it always
    cooperates (mean 3); against Defector it plays C once (payoff 0) and then D forever
    (mean ≤ 1).

    Parameters
    ----------
    window : int, in [1, 50]
        Rounds of its own recent payoffs the domestic audience remembers (its memory depth).
    threshold : float, in [-100, 100]
        Mean payoff per round below which the win-set is lost.

    Finite-state form: one state per recent history of up to ``window`` action pairs
    (Σ_{l≤window} 4^l states), built for ``window ≤ 5`` (``None`` above: too large to be useful);
    it uses the game in ``match_attributes``.

    Source: ../shared/seeds/004 — "Political leaders are always engaged in a strategic
    interaction, a two-level game, seeking to build domestic coalitions to maximize support for
    policy but with an eye on the foreign policy consequences (Putnam 1988)"; 000 — "the logic
    of migration governance: finding a 'win set'", and migration policy as "a multi-dimensional
    and multi-level political game".
    """

    key = "two_level_game"
    name = "Two-Level Game Leader"
    family = "two_level"
    source = "004: two-level game (Putnam 1988); 000: finding a 'win set'"
    classifier = state_classifier(4, makes_use_of={"game"})

    def __init__(self, window: int = 4, threshold: float = 2.0) -> None:
        super().__init__()
        self.window = check_int("window", window, 1, 50)
        self.threshold = self._check_range("threshold", float(threshold), -100.0, 100.0)
        self.classifier["memory_depth"] = self.window
        self.name = parameterised_name("Two-Level Game Leader",
                                       {"window": 4, "threshold": 2.0},
                                       {"window": self.window, "threshold": self.threshold})

    def _decide(self, pairs) -> axl.Action:
        if not pairs:
            return C
        game = self.match_attributes["game"]
        mean = sum(_own_payoff(game, a, b) for a, b in pairs) / len(pairs)
        return C if mean >= self.threshold else D

    def strategy(self, opponent: axl.Player) -> axl.Action:
        w = self.window
        return self._decide(list(zip(self.history[-w:], opponent.history[-w:], strict=True)))

    def finite_state_form(self) -> FiniteStateForm | None:
        w = self.window
        if w > MAX_FORM_WINDOW:
            return None
        pair_actions = [(C, C), (C, D), (D, C), (D, D)]
        states = [s for length in range(w + 1)
                  for s in itertools.product(pair_actions, repeat=length)]
        index = {s: i for i, s in enumerate(states)}
        n = len(states)
        coop = np.array([1.0 if self._decide(list(s)) == C else 0.0 for s in states])
        transition = np.zeros((n, 2, 2, n))
        for s, i in index.items():
            for a, b in itertools.product((0, 1), repeat=2):
                nxt = (s + ((C if a == 0 else D, C if b == 0 else D),))[-w:]
                transition[i, a, b, index[nxt]] = 1.0
        initial = np.zeros(n)
        initial[index[()]] = 1.0
        return FiniteStateForm(initial=initial, coop_prob=coop, transition=transition)
