"""Two-level games: a leader who cooperates abroad only while it holds its win-set at home."""

from __future__ import annotations

from strategies._automata import row_payoffs
from tournaments.strategy import (
    AutomatonStrategy,
    check_int,
    check_range,
    parameterised_name,
    state_classifier,
)


class TwoLevelLeader(AutomatonStrategy):
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

    Automaton: the last ``window`` realised action pairs (Σ_{l≤window} 4^l states); windows up
    to 5 are solved exactly, longer ones are simulated (the automaton is too large).

    Source: the rationalist-approach paper — "Political leaders are always engaged in a
    strategic interaction, a two-level game, seeking to build domestic coalitions to maximize
    support for policy but with an eye on the foreign policy consequences (Putnam 1988)";
    Hollifield (2024) — "the logic of migration governance: finding a 'win set'", and migration
    policy as "a multi-dimensional and multi-level political game" (docs/sources.md).
    """

    key = "two_level_game"
    name = "Two-Level Game Leader"
    family = "two_level"
    source = "Rationalist approach: two-level game (Putnam 1988); Hollifield 2024: 'win set'"
    classifier = state_classifier(4, makes_use_of={"game"})

    def __init__(self, window: int = 4, threshold: float = 2.0) -> None:
        super().__init__()
        self.window = check_int("window", window, 1, 50)
        self.threshold = check_range("threshold", threshold, -100.0, 100.0)
        self.classifier["memory_depth"] = self.window
        self.name = parameterised_name("Two-Level Game Leader",
                                       {"window": 4, "threshold": 2.0},
                                       {"window": self.window, "threshold": self.threshold})

    def initial_state(self, partner):
        return ()

    def cooperation(self, state):
        if not state:
            return 1.0
        r, s, t, p = row_payoffs(self.match_attributes["game"])
        payoff = ((r, s), (t, p))
        mean = sum(payoff[a][b] for a, b in state) / len(state)
        return 1.0 if mean >= self.threshold else 0.0

    def transition(self, state, own, other):
        return (*state, (own, other))[-self.window:]
