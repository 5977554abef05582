"""Self-enforcing cooperation: equilibria of the repeated game, exactly.

A strategy X is **self-enforcing** at continuation δ and noise ε when no state gains by deviating
from it against a copy of itself: X is a best response to X. When X is a finite automaton whose
state its partner can infer from the history — deterministic transitions on the realised
actions, a known initial state — the best response to X is a Markov decision problem over X's
states (Fudenberg & Tirole 1991, ch. 5; Kalai & Stanford 1988 for finite automata): in X's state
``s`` the deviator intends C or D; noise flips each intended action with probability ε; X
realises C with probability ``p_s (1 − ε) + (1 − p_s) ε``; the deviator earns its stage payoff
plus X's side payments (times the transfer efficiency η) minus X's sanctions, by the one
accounting (:mod:`tournaments.model.accounting`), and makes no payments or sanctions of its own;
X moves on the realised actions.

Values are per round, as every table's (the limit of the ratio estimator): with continuation δ
and no cap, ``(1 − δ) V`` with ``V = max_a [r + δ P V]`` solved by policy iteration (exact up to
the linear solves); with a fixed length or a cap of T rounds, backward induction over the T
rounds, divided by ``Σ_{t<T} δ^t``. The best response found this way is the best against X over
*all* deviations, however much history they use, because X's state is a sufficient statistic for
X's future play.

References
----------
Fudenberg, D. & Tirole, J. (1991). *Game Theory*. MIT Press.
Kalai, E. & Stanford, W. (1988). Finite rationality and interpersonal complexity in repeated
games. *Econometrica* 56(2), 397–410.
Axelrod, R. (1981). The emergence of cooperation among egoists. *American Political Science
Review* 75(2), 306–318.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tournaments.model import accounting
from tournaments.model.automaton import FiniteStateForm
from tournaments.model.games import StageGame

#: A deviation gaining at most this much per round does not count.
TOLERANCE = 1e-9
_OUTCOMES = ((0, 0), (0, 1), (1, 0), (1, 1))  # realised (X, deviator); 0 = C, 1 = D


@dataclass(frozen=True)
class BestResponse:
    """The best response to a strategy: its per-round value and the action it intends in each of
    the strategy's states (0 = C, 1 = D); with a finite horizon, the actions of the first round
    (later rounds may differ: the last rounds are played as an end game)."""

    value: float
    actions: tuple[int, ...]
    stationary: bool


@dataclass(frozen=True)
class SelfEnforcement:
    """Whether a strategy is a best response to itself, and by how much it is not."""

    self_payoff: float
    best_response: BestResponse
    tolerance: float = TOLERANCE

    @property
    def gain(self) -> float:
        """What the best deviation gains per round over playing the strategy itself (≥ 0)."""
        return max(0.0, self.best_response.value - self.self_payoff)

    @property
    def self_enforcing(self) -> bool:
        return self.gain <= self.tolerance


def inferable(form: FiniteStateForm) -> str | None:
    """Why a partner could not infer the form's state from the history, or None if it can."""
    if not np.all((form.transition == 0) | (form.transition == 1)):
        return "its transitions are random, so a partner cannot know its state"
    if np.count_nonzero(form.initial) != 1:
        return "its initial state is random, so a partner cannot know its state"
    return None


def _decision_problem(form: FiniteStateForm, game: StageGame, noise: float,
                      transfer_efficiency: float) -> tuple[np.ndarray, np.ndarray]:
    """Expected reward ``R[s, a]`` and transition ``P[s, a, s']`` of the deviator (column player
    of ``game``) intending action ``a`` in X's state ``s``."""
    n = form.n_states
    x_coop = form.coop_prob * (1 - noise) + (1 - form.coop_prob) * noise  # X realises C
    R = np.zeros((n, 2))
    P = np.zeros((n, 2, n))
    for a in (0, 1):
        d_coop = 1 - noise if a == 0 else noise  # the deviator realises C
        for x, d in _OUTCOMES:
            prob = (x_coop if x == 0 else 1 - x_coop) * (d_coop if d == 0 else 1 - d_coop)
            x_adjustment = None if form.adjustments is None else form.adjustments[:, x, d]
            values = accounting.round_values(np.full(n, game.B[x, d]), np.full(n, d),
                                             np.full(n, x), None, x_adjustment,
                                             transfer_efficiency)
            R[:, a] += prob * accounting.net(values)
            P[:, a] += prob[:, None] * form.transition[:, x, d]
    return R, P


def best_response(form: FiniteStateForm, game: StageGame, *, continuation: float,
                  noise: float = 0.0, turns: int | None = None,
                  transfer_efficiency: float = 1.0) -> BestResponse:
    """The best response to ``form`` (seat 0 of ``game``) and its per-round value, exactly.

    Raises
    ------
    ValueError
        If the form's state cannot be inferred (:func:`inferable`), or δ = 1 without ``turns``.
    """
    reason = inferable(form)
    if reason:
        raise ValueError(reason)
    if continuation >= 1.0 and turns is None:
        raise ValueError("a best response needs continuation < 1 or a number of turns")
    R, P = _decision_problem(form, game, noise, transfer_efficiency)
    start = int(np.argmax(form.initial))
    if turns is None:
        values, policy = _policy_iteration(R, P, continuation)
        return BestResponse(value=float((1 - continuation) * values[start]),
                            actions=tuple(int(a) for a in policy), stationary=True)
    future = np.zeros(form.n_states)
    for _ in range(turns):  # backward induction from the last round
        q = R + continuation * P @ future
        policy = np.argmax(q, axis=1)
        future = q.max(axis=1)
    weight = float(np.sum(continuation ** np.arange(turns, dtype=float)))
    return BestResponse(value=float(future[start] / weight),
                        actions=tuple(int(a) for a in policy), stationary=False)


def _policy_iteration(R: np.ndarray, P: np.ndarray, delta: float
                      ) -> tuple[np.ndarray, np.ndarray]:
    """``V = max_a R + δ P V`` by policy iteration (Howard 1960); ties keep the current action,
    so it stops."""
    n = len(R)
    policy = np.argmax(R, axis=1)
    rows = np.arange(n)
    for _ in range(10 * n + 10):
        values = np.linalg.solve(np.eye(n) - delta * P[rows, policy], R[rows, policy])
        q = R + delta * P @ values
        better = q[rows, 1 - policy] > q[rows, policy] + 1e-12 * (1 + np.abs(values))
        if not better.any():
            return values, policy
        policy = np.where(better, 1 - policy, policy)
    raise RuntimeError("policy iteration did not converge")  # pragma: no cover


def self_enforcement(form: FiniteStateForm, game: StageGame, *, continuation: float,
                     noise: float = 0.0, turns: int | None = None,
                     transfer_efficiency: float = 1.0) -> SelfEnforcement:
    """Whether ``form`` is a best response to itself (see the module's docstring)."""
    from tournaments.engines.exact import solve_pair

    mine = solve_pair(form, form, game, noise=noise, continuation=continuation, turns=turns,
                      transfer_efficiency=transfer_efficiency)
    best = best_response(form, game, continuation=continuation, noise=noise, turns=turns,
                         transfer_efficiency=transfer_efficiency)
    return SelfEnforcement(self_payoff=float(mine[accounting.NET][1]), best_response=best)


@dataclass(frozen=True)
class Threshold:
    """A critical value found by bisection: ``value`` lies in ``bracket``; ``censored`` is
    ``"<"`` or ``">"`` when it lies outside the searched range (``value`` is then that end, and
    the bracket is open on the other side: NaN)."""

    value: float
    bracket: tuple[float, float]
    censored: str = ""

    def __str__(self) -> str:
        return f"{self.censored} {self.value:g}".strip() if self.censored else f"{self.value:.6f}"


def critical_continuation(form, game: StageGame, *, low: float, high: float,
                          noise: float = 0.0, turns: int | None = None,
                          transfer_efficiency: float = 1.0, tol: float = 1e-7) -> Threshold:
    """The smallest δ in [low, high] from which the strategy is self-enforcing, by bisection on
    the exact best response to 1e-7 (the property is taken as monotone in δ within the bracket,
    as it is for the strategies of the closed forms; :func:`self_enforcement` checks any single
    δ). ``form`` is a :class:`FiniteStateForm` or a function δ → form, for strategies that read
    δ as a parameter."""
    def holds(delta: float) -> bool:
        at = form(delta) if callable(form) else form
        return self_enforcement(at, game, continuation=delta, noise=noise, turns=turns,
                                transfer_efficiency=transfer_efficiency).self_enforcing

    if holds(low):  # censored: the threshold is at most ``low``, bounded above only
        return Threshold(low, (math.nan, low), "<")
    if not holds(high):
        return Threshold(high, (high, math.nan), ">")
    lo, hi = low, high
    while hi - lo > tol:
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if holds(mid) else (mid, hi)
    return Threshold(hi, (lo, hi))


#: Columns of :func:`roster_self_enforcement` (of ``self_enforcement.csv``), and those it adds
#: with ``thresholds``.
ROSTER_COLUMNS = ["strategy", "self_payoff", "best_response_payoff", "deviation_gain",
                  "self_enforcing", "best_response", "not_analysable"]
THRESHOLD_COLUMNS = ["critical_continuation", "critical_continuation_low",
                     "critical_continuation_high", "censored"]


def roster_self_enforcement(config, specs, *, thresholds: bool = True, low: float = 0.001,
                            high: float = 0.999):
    """For every roster entry: is it self-enforcing at the config's δ and ε, what the best
    deviation gains, the best response (``state(cooperation probability)→action`` per state of
    the strategy), and — with ``thresholds`` — the critical δ of self-enforcement in
    [``low``, ``high``] with its bracket. An entry without an inferable finite-state form is
    reported as not analysable, with the reason.

    A strategy's form is its automaton against a copy of itself (same club and role); a
    strategy that reads the continuation probability as a parameter is rebuilt at each δ.
    """
    import pandas as pd

    from tournaments.engines.exact import MAX_JOINT_STATES, finite_state_form, match_player
    from tournaments.model.automaton import Partner

    game = config.game.build()
    m = config.match

    def form_at(spec, delta):
        player = match_player(spec, game, m, continuation=delta)
        return finite_state_form(player, partner=Partner.of(player), game=game)

    columns = ROSTER_COLUMNS + (THRESHOLD_COLUMNS if thresholds else [])
    rows = []
    for spec in specs:
        row = dict.fromkeys(columns, None)
        row["strategy"] = spec.label
        form = form_at(spec, m.continuation) if game.symmetric else None
        reason = ("an asymmetric game: a strategy never meets a copy of itself"
                  if not game.symmetric else
                  "no finite-state form" if form is None else
                  f"its play against itself is a chain of {form.n_states ** 2} states, more "
                  f"than the exact solver's {MAX_JOINT_STATES}"
                  if form.n_states ** 2 > MAX_JOINT_STATES else inferable(form))
        if reason is None and m.continuation >= 1.0 and m.turns is None:
            reason = "a match without an end"
        if reason:
            row["not_analysable"] = reason
            rows.append(row)
            continue
        result = self_enforcement(form, game, continuation=m.continuation, noise=m.noise,
                                  turns=m.turns, transfer_efficiency=config.transfer_efficiency)
        row.update(self_payoff=result.self_payoff,
                   best_response_payoff=result.best_response.value,
                   deviation_gain=result.gain, self_enforcing=result.self_enforcing,
                   best_response=describe(form, result.best_response), not_analysable="")
        if thresholds:
            found = critical_continuation(lambda d, s=spec: form_at(s, d), game, low=low,
                                          high=high, noise=m.noise, turns=m.turns,
                                          transfer_efficiency=config.transfer_efficiency)
            row.update(critical_continuation=found.value,
                       critical_continuation_low=found.bracket[0],
                       critical_continuation_high=found.bracket[1], censored=found.censored)
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def describe(form: FiniteStateForm, best: BestResponse) -> str:
    """The best response, readable: ``state(p)→action`` for each state of the strategy, where
    ``p`` is the strategy's probability of cooperating there (``first round:`` when the horizon
    is finite and later rounds differ)."""
    moves = " ".join(f"{s}({form.coop_prob[s]:.3g})→{'CD'[a]}"
                     for s, a in enumerate(best.actions))
    return moves if best.stationary else f"first round: {moves}"


def sweep_thresholds(cells: list, parameters: list[str]) -> list[dict]:
    """``thresholds.csv`` rows of the measure ``self_enforcing_continuation``: per strategy and
    combination of the swept parameters other than ``match.continuation``, the critical δ of
    self-enforcement, by bisection over the swept δ range (over [0.001, 0.999] when δ is not
    swept). Strategies that are not analysable get no row."""
    from tournaments.model.roster import build_specs

    others = [p for p in parameters if p != "match.continuation"]
    deltas = [v for cell in cells for k, v in cell.params if k == "match.continuation"]
    low, high = (min(deltas), max(deltas)) if deltas else (0.001, 0.999)
    high = min(high, 0.999999)  # δ = 1 is a fixed length: searched up to just below it
    first: dict[tuple, object] = {}
    for cell in cells:
        values = dict(cell.params)
        first.setdefault(tuple(values.get(p) for p in others), cell)
    rows = []
    for key, cell in first.items():
        found = roster_self_enforcement(cell.config, build_specs(cell.config), low=low,
                                        high=high)
        for row in found[found["not_analysable"] == ""].itertuples(index=False):
            rows.append({"strategy": row.strategy, "measure": "self_enforcing_continuation",
                         "value": row.critical_continuation, "censored": row.censored,
                         "bracket_low": row.critical_continuation_low,
                         "bracket_high": row.critical_continuation_high, "method": "exact",
                         **dict(zip(others, key, strict=True))})
    return rows
