"""Strategies as finite automata: the form that both play and the exact solver read.

A finite-state strategy is written once, as an automaton over realised actions: an initial state
(which may depend on the partner's public information, :class:`Partner`), the probability of
intending C in each state, a deterministic transition on the realised (own, partner) actions of a
round, and optionally the payoff adjustments (side payments, sanctions) made in a state after a
round's outcome. :class:`tournaments.strategy.AutomatonStrategy` plays axelrod matches by running
that automaton; :func:`tabulate` enumerates the same automaton into a :class:`FiniteStateForm`,
the arrays the exact solver (:mod:`tournaments.engines.exact`) works on. Play and form cannot
drift apart: they are the same functions.

The partner's public information is fixed for a whole match, so it enters once, through the
initial state, and every later state carries what the strategy needs of it: cooperation,
transitions and adjustments may all depend on it ("pay outsiders only", "sanction only sending
states"). The form is therefore the form *against a kind of partner*: one automaton gives one
form per kind of partner it tells apart, each no larger than the states reachable from its
initial state.

This module is pure (numpy only).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import numpy as np

#: Largest automaton :func:`tabulate` enumerates; a larger one has no form (it is simulated).
MAX_FORM_STATES = 2048
#: Round-off tolerated in a probability (axelrod computes some four-vectors in floating point).
_ROUNDING = 1e-12


@dataclass(frozen=True)
class Partner:
    """What a strategy may know about its partner before play: public information only.

    ``club`` is the partner's roster-entry club and ``role`` its roster-entry role, one of the
    game's two role names (``receiving``/``sending`` in the migration Prisoner's Dilemma,
    ``leader``/``public`` in the Stag Hunt games, ``row``/``column`` in a game given by its
    payoffs, or the names a config's ``game.roles`` gives them); ``None`` where the config sets
    none. An automaton reads it in its initial state (see the module docstring).
    """

    club: str | None = None
    role: str | None = None

    @classmethod
    def of(cls, player) -> Partner:
        """The public information of an axelrod player (``None`` where it has none)."""
        return cls(club=getattr(player, "club", None), role=getattr(player, "role", None))


@dataclass(frozen=True, eq=False)
class FiniteStateForm:
    """A strategy as a finite automaton over realised actions, as arrays.

    In every round the automaton is in one state ``s``. It intends to cooperate with probability
    ``coop_prob[s]``; noise then flips each intended action independently; after the realised
    actions ``(a, b)`` (own, partner; 0 = C, 1 = D) it makes the adjustments
    ``adjustments[s, a, b]`` and moves to state ``s'`` with probability
    ``transition[s, a, b, s']``.

    Attributes
    ----------
    initial : ndarray, shape (n,)
        Distribution of the state in the first round.
    coop_prob : ndarray, shape (n,)
        Probability of intending C in each state.
    transition : ndarray, shape (n, 2, 2, n)
        Row-stochastic transition given (state, own realised action, partner realised action).
    adjustments : ndarray, shape (n, 2, 2, 3), optional
        ``paid``, ``sanction_cost``, ``sanction_imposed`` in the round
        (:data:`tournaments.model.accounting.ADJUSTMENT_COLUMNS`), finite and non-negative.
    """

    initial: np.ndarray
    coop_prob: np.ndarray
    transition: np.ndarray
    adjustments: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        n = len(self.coop_prob)
        if self.initial.shape != (n,) or self.transition.shape != (n, 2, 2, n):
            raise ValueError("finite-state form: inconsistent shapes")
        for name in ("initial", "coop_prob", "transition"):
            values = getattr(self, name)
            inside = np.all(values >= -_ROUNDING) and np.all(values <= 1 + _ROUNDING)
            if not (np.all(np.isfinite(values)) and inside):
                raise ValueError(f"finite-state form: {name} must be probabilities in [0, 1]")
        if not np.allclose(self.transition.sum(axis=-1), 1.0) or not np.isclose(
            self.initial.sum(), 1.0
        ):
            raise ValueError("finite-state form: distributions must sum to 1")
        if self.adjustments is not None and (self.adjustments.shape != (n, 2, 2, 3)
                                             or not np.all(np.isfinite(self.adjustments))
                                             or np.any(self.adjustments < 0)):
            raise ValueError("finite-state form: adjustments must be finite and non-negative, "
                             "shape (n, 2, 2, 3)")

    @property
    def n_states(self) -> int:
        return len(self.coop_prob)

    def same_as(self, other: FiniteStateForm) -> bool:
        """Whether two forms are the same arrays (same state numbering)."""
        def equal(x, y):
            return (x is None and y is None) or (
                x is not None and y is not None and x.shape == y.shape and np.array_equal(x, y))
        return all(equal(getattr(self, k), getattr(other, k))
                   for k in ("initial", "coop_prob", "transition", "adjustments"))


def tabulate(initial: Hashable, cooperation: Callable[[Hashable], float],
             transition: Callable[[Hashable, int, int], Hashable],
             adjustment: Callable[[Hashable, int, int], tuple | None] | None = None, *,
             max_states: int = MAX_FORM_STATES) -> FiniteStateForm | None:
    """Enumerate an automaton from its initial state into a :class:`FiniteStateForm`.

    States are numbered in breadth-first order from ``initial`` over the four realised outcomes
    ``(own, partner)`` = (0, 0), (0, 1), (1, 0), (1, 1); only reachable states are kept.

    Parameters
    ----------
    initial : hashable
        The first round's state (against one kind of partner: see :class:`Partner`).
    cooperation : callable
        ``cooperation(state)``: the probability of intending C.
    transition : callable
        ``transition(state, own, other)``: the next state after these realised actions.
    adjustment : callable, optional
        ``adjustment(state, own, other)``: ``(paid, sanction_cost, sanction_imposed)``
        (:data:`tournaments.model.accounting.ADJUSTMENT_COLUMNS`) made in ``state`` after these
        realised actions, or ``None`` for none.
    max_states : int
        The most states enumerated.

    Returns
    -------
    FiniteStateForm or None
        ``None`` when more than ``max_states`` states are reachable.
    """
    index = {initial: 0}
    order = [initial]
    coop, moves, adjust = [], [], []
    k = 0
    while k < len(order):
        state = order[k]
        coop.append(float(cooperation(state)))
        for a in (0, 1):
            for b in (0, 1):
                nxt = transition(state, a, b)
                if nxt not in index:
                    if len(order) >= max_states:
                        return None
                    index[nxt] = len(order)
                    order.append(nxt)
                moves.append((k, a, b, index[nxt]))
                row = adjustment(state, a, b) if adjustment is not None else None
                if row is not None:
                    adjust.append((k, a, b, row))
        k += 1
    n = len(order)
    table = np.zeros((n, 2, 2, n))
    for s, a, b, t in moves:
        table[s, a, b, t] = 1.0
    adjustments = None
    if any(np.any(np.asarray(row, dtype=float) != 0) for *_, row in adjust):
        adjustments = np.zeros((n, 2, 2, 3))
        for s, a, b, row in adjust:
            adjustments[s, a, b] = np.asarray(row, dtype=float)
    start = np.zeros(n)
    start[0] = 1.0
    return FiniteStateForm(initial=start, coop_prob=np.array(coop), transition=table,
                           adjustments=adjustments)
