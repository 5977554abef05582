"""The contract between a state strategy and the engine — the project's and plug-ins' alike.

A state strategy is an :class:`axelrod.Player`. On top of axelrod's contract it may

* make **payoff adjustments** — side payments to the partner, sanctions imposed on it — that
  the accounting (:mod:`tournaments.model.accounting`) turns into real payoffs;
* be an :class:`AutomatonStrategy`: written once as a finite automaton, which drives its play in
  axelrod matches and which the exact solver enumerates into a
  :class:`~tournaments.model.automaton.FiniteStateForm`;
* take **runner-provided parameters**: an ``__init__`` keyword named ``continuation`` (the
  match's continuation probability δ), ``discount`` (the state's own discount γ) or ``club``
  (its roster entry's club) is filled in from the config when the entry's ``params`` do not
  set it.

What a strategy may know about its partner is public information only
(:class:`~tournaments.model.automaton.Partner`: its ``club`` and ``role``, ``None`` when unset),
which the runner attaches to every player. Its play, its payments and its sanctions may all
depend on it — "pay outsiders only", "sanction only sending states": an automaton strategy reads
it in ``initial_state(partner)`` and carries what it needs in its state, so that its exact form
against each kind of partner says so (``examples/plugins/targeted_sanctions.py``); any other
strategy receives it in ``adjustments(own, other, partner)``.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import ClassVar

import numpy as np

from tournaments._axelrod import load
from tournaments.model.automaton import FiniteStateForm, Partner, tabulate

axl = load()

C, D = axl.Action.C, axl.Action.D


class StateStrategy(axl.Player):
    """Base class of state strategies.

    Subclasses set ``name``, a complete ``classifier`` (:func:`state_classifier`), ``family``
    (the module's family name), ``key`` (the registry key of a project strategy) and ``source``
    (the passage of the source texts it models, see ``docs/sources.md``); they take parameters
    only through ``__init__`` keyword arguments and draw randomness only from
    ``self._random``.
    """

    family: ClassVar[str] = ""
    source: ClassVar[str] = ""

    def __repr__(self) -> str:
        # ``name`` already carries the non-default parameters (see parameterised_name).
        return self.name

    def adjustments(self, own: np.ndarray, other: np.ndarray,
                    partner: Partner) -> np.ndarray | None:
        """Per-round payoff adjustments of this player in a finished match.

        Parameters
        ----------
        own, other : ndarray of int8, shape (n,)
            Realised actions of this player and of its partner (0 = C, 1 = D), round by round.
        partner : Partner
            The partner's public information.

        Returns
        -------
        ndarray of float, shape (n, 3), or None
            Columns :data:`tournaments.model.accounting.ADJUSTMENT_COLUMNS`: ``paid`` (transfer
            to the partner, before transfer efficiency), ``sanction_cost`` (what imposing a
            sanction costs this player) and ``sanction_imposed`` (the harm the sanction does to
            the partner), finite and non-negative; ``None`` when the strategy never adjusts
            payoffs. A pure function of its arguments and the strategy's parameters.
        """
        return None


class AutomatonStrategy(StateStrategy):
    """A state strategy written as a finite automaton; its play is driven by the automaton.

    Subclasses define four methods (states are any hashable values; actions are 0 = C, 1 = D):

    ``initial_state(partner)``
        The state of the first round against a partner with this public information
        (:class:`~tournaments.model.automaton.Partner`). The only place the partner is read:
        whatever the other methods need of it (is it a club member? a sending state?) is part
        of the state they receive.
    ``cooperation(state)``
        The probability of intending C in ``state`` (0 or 1 for a deterministic strategy;
        otherwise the draw comes from ``self._random``).
    ``transition(state, own, other)``
        The next state after a round with these realised actions.
    ``adjustment(state, own, other)`` (optional)
        ``(paid, sanction_cost, sanction_imposed)`` (the order of
        :data:`tournaments.model.accounting.ADJUSTMENT_COLUMNS`, non-negative) made in
        ``state`` after a round with these realised actions; ``None`` (the default) for none.

    They may read the game of the match (``self.match_attributes["game"]``). Play, the payoff
    adjustments against a partner (:meth:`adjustments`) and the exact form against that kind of
    partner (:meth:`automaton`) all run these same methods (a class that lacks one of the first
    three fails ``check-strategy``'s first match).
    """

    def __init__(self) -> None:
        super().__init__()
        self._state: Hashable = None  # set at the first move of each match
        self._folded = 0  # rounds of the history already folded into _state

    def adjustment(self, state: Hashable, own: int, other: int) -> tuple | None:
        return None

    def strategy(self, opponent: axl.Player) -> axl.Action:
        if not self.history:
            self._state, self._folded = self.initial_state(Partner.of(opponent)), 0
        for t in range(self._folded, len(self.history)):
            self._state = self.transition(self._state, self.history[t].value,
                                          opponent.history[t].value)
        self._folded = len(self.history)
        p = self.cooperation(self._state)
        if p >= 1:
            return C
        if p <= 0:
            return D
        return self._random.random_choice(p)  # axelrod seeds _random of stochastic players

    def states(self, own, other, partner: Partner) -> list:
        """The automaton's state in each round of a realised history."""
        state, out = self.initial_state(partner), []
        for a, b in zip(own, other, strict=True):
            out.append(state)
            state = self.transition(state, int(a), int(b))
        return out

    def adjustments(self, own: np.ndarray, other: np.ndarray,
                    partner: Partner) -> np.ndarray | None:
        rows = [self.adjustment(s, int(a), int(b))
                for s, a, b in zip(self.states(own, other, partner), own, other, strict=True)]
        if all(row is None for row in rows):
            return None
        return np.array([(0.0, 0.0, 0.0) if row is None else row for row in rows], dtype=float
                        ).reshape(len(rows), 3)

    def automaton(self, partner: Partner | None = None) -> FiniteStateForm | None:
        """The automaton against a partner with this public information (none by default),
        enumerated into a :class:`FiniteStateForm` (``None`` if it has too many states to
        solve exactly). Partners the automaton tells apart get different forms; its adjustments
        in play against a partner (:meth:`adjustments`) are those of its form against that
        partner, round by round."""
        return tabulate(self.initial_state(partner or Partner()), self.cooperation,
                        self.transition, self.adjustment)


def state_classifier(memory_depth: float, *, stochastic: bool = False,
                     makes_use_of: frozenset[str] | set[str] = frozenset()) -> dict:
    """A complete axelrod classifier for a state strategy that neither inspects nor
    manipulates its partner and runs fast; only the memory depth, stochasticity and the match
    attributes used (``{"game"}``) vary."""
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
    """Display name that tells parameterisations apart; defaults are not shown::

        parameterised_name("Suasion", {"payment": 1.0}, {"payment": 2.0}) == "Suasion: payment=2.0"

    axelrod's deterministic cache and its Moran process tell players apart by name, so two
    parameterisations of one class must never share one.
    """
    changed = [f"{k}={values[k]!r}" for k in defaults if values[k] != defaults[k]]
    return f"{base}: {', '.join(changed)}" if changed else base


def check_range(name: str, value: float, low: float, high: float, *,
                low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a float if it is a finite number in the interval, else a ValueError."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    too_low = number <= low if low_open else number < low
    too_high = number >= high if high_open else number > high
    if isinstance(value, bool) or not np.isfinite(number) or too_low or too_high:
        interval = f"{'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        raise ValueError(f"parameter {name!r} = {value!r} must lie in {interval}")
    return number


def check_int(name: str, value: int, low: int, high: int) -> int:
    """``value`` as an int if it is a whole number in [low, high], else a ValueError."""
    try:
        whole = not isinstance(value, bool | str) and float(value) == int(value)
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole or not low <= int(value) <= high:
        raise ValueError(f"parameter {name!r} = {value!r} must be an integer in [{low}, {high}]")
    return int(value)


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``, else a ValueError."""
    if value not in allowed:
        raise ValueError(f"parameter {name!r} = {value!r} must be one of {', '.join(allowed)}")
    return value
