"""Building blocks of the strategy modules' automata.

Private module (its name starts with ``_``): the registry does not scan it for strategies.
"""

from __future__ import annotations

#: The state of the first round of a reactive automaton (no partner action seen yet).
START = "start"


def reactive_cooperation(state, first: float, after_c: float, after_d: float) -> float:
    """Cooperation of a reactive automaton whose state is the partner's last realised action
    (0 = C, 1 = D) or :data:`START`."""
    if state == START:
        return first
    return after_c if state == 0 else after_d


def streak(state: int, other: int, cap: int) -> int:
    """The partner's run of consecutive realised cooperations, capped at ``cap``."""
    return min(state + 1, cap) if other == 0 else 0


def row_payoffs(game) -> tuple[float, float, float, float]:
    """(R, S, T, P) of an axelrod game, read from the row player's matrix.

    Works for ``axelrod.Game`` and ``axelrod.AsymmetricGame`` alike (both carry ``scores``); for
    an asymmetric game the values are the row player's payoffs.
    """
    from tournaments.strategy import C, D

    scores = game.scores
    return (float(scores[(C, C)][0]), float(scores[(C, D)][0]),
            float(scores[(D, C)][0]), float(scores[(D, D)][0]))


def largest_feasible(numerator: float, denominator: float) -> float:
    """Largest q in [0, 1] with ``q · denominator ≤ numerator``; 0 when no q qualifies."""
    if denominator > 0:
        return float(min(max(numerator / denominator, 0.0), 1.0)) if numerator >= 0 else 0.0
    if numerator >= 0:
        return 1.0
    # denominator <= 0 and numerator < 0: q >= numerator / denominator (none when it is 0)
    if denominator == 0:
        return 0.0
    return 1.0 if numerator / denominator <= 1.0 else 0.0


class Reciprocating:
    """Tit For Tat as an automaton (a mixin for :class:`~tournaments.strategy.AutomatonStrategy`):
    the state is the partner's last realised action, C first and then a copy of it."""

    def initial_state(self, partner):
        return START

    def cooperation(self, state):
        return reactive_cooperation(state, 1.0, 1.0, 0.0)

    def transition(self, state, own, other):
        return other
