"""Building blocks shared by the strategy modules: finite-state forms and game payoffs.

Private module (its name starts with ``_``), so the registry does not scan it for strategies.
"""

from __future__ import annotations

import axelrod as axl
import numpy as np

from strategies.base import FiniteStateForm, StateStrategy

C, D = axl.Action.C, axl.Action.D


def constant_form(p_cooperate: float) -> FiniteStateForm:
    """A memory-zero strategy: one state, cooperating with probability ``p_cooperate``."""
    return FiniteStateForm(initial=np.array([1.0]), coop_prob=np.array([p_cooperate]),
                           transition=np.ones((1, 2, 2, 1)))


def streak_form(cap: int, initial: int, cooperate_at: set[int],
                adjustments: np.ndarray | None = None) -> FiniteStateForm:
    """Automaton whose state counts the partner's consecutive realised cooperations, capped.

    States are ``0 .. cap``: a partner defection sends the automaton to 0, a partner cooperation
    from ``j`` to ``min(j + 1, cap)``; own actions do not matter.

    Parameters
    ----------
    cap : int
        Largest count kept (the strategy's memory depth).
    initial : int
        State of the first round.
    cooperate_at : set of int
        States in which the strategy intends C (D in the others).
    adjustments : ndarray, shape (cap + 1, 2, 2, 3), optional
        Adjustments of the form (see :class:`~strategies.base.FiniteStateForm`).
    """
    n = cap + 1
    transition = np.zeros((n, 2, 2, n))
    for j in range(n):
        transition[j, :, 0, min(j + 1, cap)] = 1.0
        transition[j, :, 1, 0] = 1.0
    initial_dist = np.zeros(n)
    initial_dist[initial] = 1.0
    coop = np.array([1.0 if j in cooperate_at else 0.0 for j in range(n)])
    return FiniteStateForm(initial=initial_dist, coop_prob=coop, transition=transition,
                           adjustments=adjustments)


def reactive_form(p_after_c: float, p_after_d: float, p_first: float = 1.0,
                  adjustments_by_partner: tuple[np.ndarray, np.ndarray] | None = None
                  ) -> FiniteStateForm:
    """Three-state form of a reactive strategy (first round, partner last C, partner last D).

    Parameters
    ----------
    p_after_c, p_after_d : float
        Probability of intending C after a partner's realised C, resp. D.
    p_first : float
        Probability of intending C in the first round.
    adjustments_by_partner : pair of ndarray, shape (3,), optional
        Adjustment row paid in a round in which the partner realised C, resp. D.
    """
    transition = np.zeros((3, 2, 2, 3))
    transition[:, :, 0, 1] = 1.0
    transition[:, :, 1, 2] = 1.0
    adjustments = None
    if adjustments_by_partner is not None:
        adjustments = np.zeros((3, 2, 2, 3))
        adjustments[:, :, 0, :] = adjustments_by_partner[0]
        adjustments[:, :, 1, :] = adjustments_by_partner[1]
    return FiniteStateForm(initial=np.array([1.0, 0.0, 0.0]),
                           coop_prob=np.array([p_first, p_after_c, p_after_d]),
                           transition=transition, adjustments=adjustments)


def row_payoffs(game) -> tuple[float, float, float, float]:
    """(R, S, T, P) of an axelrod game, read from the row player's matrix.

    Works for ``axelrod.Game`` and ``axelrod.AsymmetricGame`` alike (both carry ``scores``); for an
    asymmetric game the values are the row (receiving) player's payoffs.
    """
    scores = game.scores
    return (float(scores[(C, C)][0]), float(scores[(C, D)][0]),
            float(scores[(D, C)][0]), float(scores[(D, D)][0]))


def largest_feasible(numerator: float, denominator: float) -> float:
    """Largest q in [0, 1] with ``q · denominator ≤ numerator``; 0 when no q qualifies."""
    if denominator > 0:
        return float(min(max(numerator / denominator, 0.0), 1.0)) if numerator >= 0 else 0.0
    if numerator >= 0:
        return 1.0
    # denominator < 0 ≤ … : q ≥ numerator / denominator; with denominator == 0 nothing qualifies
    if denominator == 0:
        return 0.0
    return 1.0 if numerator / denominator <= 1.0 else 0.0


def check_int(name: str, value: int, low: int, high: int) -> int:
    """Return ``value`` as an int if it is a whole number in [low, high], else raise ValueError."""
    try:
        whole = not isinstance(value, bool | str) and float(value) == int(value)
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole:
        raise ValueError(f"parameter {name!r} = {value!r} must be an integer in [{low}, {high}]")
    StateStrategy._check_range(name, int(value), low, high)
    return int(value)
