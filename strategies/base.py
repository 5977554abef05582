"""The contract every state strategy shares with the engine.

A state strategy is an :class:`axelrod.Player`. On top of axelrod's contract it may declare

* **payoff adjustments** (:meth:`StateStrategy.adjustments`): side payments to the partner and
  sanctions imposed on it, computed from the realised actions of a match. The scoring layer turns
  them into real payoffs (DESIGN.md, "Side payments and sanctions").
* **a finite-state form** (:meth:`StateStrategy.finite_state_form`): the strategy as a finite
  automaton, which lets the exact solver compute expected payoffs without simulation.
* **runner-provided parameters**: an ``__init__`` keyword argument named ``continuation`` (the
  match's continuation probability δ), ``discount`` (the state's own discount factor γ) or
  ``club`` (the entry's club, when it has one) is filled in by the runner from the config when
  the roster entry's ``params`` do not set it.

Public information a strategy may read about its opponent: ``opponent.club`` and
``opponent.role`` (``None`` when unset), set by the runner from the roster.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import axelrod as axl
import numpy as np

#: Column order of an adjustment array (see :meth:`StateStrategy.adjustments`).
ADJUSTMENT_COLUMNS = ("paid", "sanction_cost", "sanction_imposed")


@dataclass(frozen=True)
class FiniteStateForm:
    """A strategy written as a finite automaton over realised actions.

    In every round the automaton is in one state ``s``. It intends to cooperate with probability
    ``coop_prob[s]``; noise then flips each intended action independently; after the realised
    actions ``(a, b)`` (own, opponent; 0 = C, 1 = D) are seen it pays ``adjustments[s, a, b]``
    and moves to state ``s'`` with probability ``transition[s, a, b, s']``.

    Attributes
    ----------
    initial : ndarray, shape (n,)
        Distribution of the state in the first round.
    coop_prob : ndarray, shape (n,)
        Probability of intending C in each state.
    transition : ndarray, shape (n, 2, 2, n)
        Row-stochastic transition given (state, own realised action, opponent realised action).
    adjustments : ndarray, shape (n, 2, 2, 3), optional
        ``paid``, ``sanction_cost``, ``sanction_imposed`` in the round (see ADJUSTMENT_COLUMNS).
    """

    initial: np.ndarray
    coop_prob: np.ndarray
    transition: np.ndarray
    adjustments: np.ndarray | None = field(default=None)

    def __post_init__(self) -> None:
        n = len(self.coop_prob)
        if self.initial.shape != (n,) or self.transition.shape != (n, 2, 2, n):
            raise ValueError("finite-state form: inconsistent shapes")
        if not np.allclose(self.transition.sum(axis=-1), 1.0) or not np.isclose(
            self.initial.sum(), 1.0
        ):
            raise ValueError("finite-state form: distributions must sum to 1")
        if self.adjustments is not None and self.adjustments.shape != (n, 2, 2, 3):
            raise ValueError("finite-state form: adjustments must have shape (n, 2, 2, 3)")

    @property
    def n_states(self) -> int:
        return len(self.coop_prob)


class StateStrategy(axl.Player):
    """Base class of the project's state strategies.

    Subclasses set ``name``, a complete ``classifier``, ``family`` (the module's family name) and
    ``source`` (the passage of ../shared/seeds/ they model), take parameters only through
    ``__init__`` keyword arguments, draw randomness only from ``self._random``, and validate
    their parameters with :meth:`_check_range`.
    """

    family: ClassVar[str] = ""
    source: ClassVar[str] = ""

    def __repr__(self) -> str:
        # ``name`` already carries the non-default parameters (see parameterised_name).
        return self.name

    def adjustments(self, own: np.ndarray, other: np.ndarray) -> np.ndarray | None:
        """Per-round payoff adjustments of this player in a finished match.

        Parameters
        ----------
        own, other : ndarray of int8, shape (n,)
            Realised actions of this player and of its partner (0 = C, 1 = D), round by round.

        Returns
        -------
        ndarray of float, shape (n, 3), or None
            Columns ``paid`` (transfer to the partner, before transfer efficiency),
            ``sanction_cost`` (what imposing a sanction costs this player) and
            ``sanction_imposed`` (the harm the sanction does to the partner). ``None`` when the
            strategy never adjusts payoffs. Must depend only on the two sequences and the
            strategy's parameters, never on state left over from play.
        """
        return None

    def finite_state_form(self) -> FiniteStateForm | None:
        """The strategy as a :class:`FiniteStateForm`, or ``None`` when its memory is unbounded."""
        return None

    @staticmethod
    def _check_range(name: str, value: float, low: float, high: float, *,
                     low_open: bool = False, high_open: bool = False) -> float:
        """Return ``value`` if it lies in the interval, else raise a ValueError naming it."""
        too_low = value <= low if low_open else value < low
        too_high = value >= high if high_open else value > high
        if too_low or too_high:
            interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
            raise ValueError(f"parameter {name!r} = {value!r} must lie in {interval}")
        return value


def state_classifier(memory_depth: float, *, stochastic: bool = False,
                     makes_use_of: frozenset[str] | set[str] = frozenset()) -> dict:
    """A complete axelrod classifier for a state strategy.

    Project strategies never inspect or manipulate their opponent and run fast, so only the
    memory depth, stochasticity and the match attributes used (``{"game"}``) vary.
    """
    return {
        "memory_depth": memory_depth,
        "stochastic": stochastic,
        "makes_use_of": set(makes_use_of),
        "long_run_time": False,
        "inspects_source": False,
        "manipulates_source": False,
        "manipulates_state": False,
    }


def parameterised_name(base: str, defaults: dict, values: dict) -> str:
    """Display name that tells parameterisations apart.

    axelrod's deterministic cache keys on ``player.name``, so two parameterisations of one class
    must never share a name (DESIGN.md). Parameters left at their defaults are not shown::

        parameterised_name("Suasion", {"payment": 1.0}, {"payment": 2.0}) == "Suasion: payment=2.0"
    """
    changed = [f"{k}={values[k]!r}" for k in defaults if values[k] != defaults[k]]
    return f"{base}: {', '.join(changed)}" if changed else base
