"""Evolutionary analysis: which strategies survive, invade and dominate under selection.

Pure functions from numpy arrays to numpy arrays and pandas data frames (no I/O; axelrod is
never imported here). ``payoffs[i, j]`` is always the payoff per round of strategy ``i`` against
strategy ``j`` (the net payoff per round of ``pairwise.csv``), rows and columns in roster order.

Definitions
-----------
* **Fitness** of an individual is ``1 − w + w·π`` (:func:`fitness`, the one definition every
  dynamic uses) with ``w`` the selection intensity in [0, 1] and ``π`` its average net payoff
  per round against the *other* members of the population (no self-interaction). It must be
  positive: a ``ValueError`` says so otherwise.
* **Fixation probability** ``ρ[i, j]``: the probability that a single ``i`` mutant in a
  population of ``N − 1`` ``j`` residents takes over, under the frequency-dependent Moran process
  (birth proportional to fitness, death uniform) of Nowak, Sasaki, Taylor & Fudenberg (2004) and
  Traulsen, Nowak & Pacheco (2006). With ``m`` mutants

      π_mut(m) = [(m − 1)·a_ii + (N − m)·a_ij] / (N − 1),
      π_res(m) = [m·a_ji + (N − m − 1)·a_jj] / (N − 1),

      ρ = 1 / (1 + Σ_{k=1}^{N−1} Π_{m=1}^{k} f_res(m) / f_mut(m)).

  It is computed in log space (a log-sum-exp of cumulative sums of log fitness ratios), so no
  product overflows at large ``N`` or strong selection and probabilities far below 1e-7 keep
  their relative precision (down to the float64 range, ~1e-308). The diagonal ``ρ[i, i]`` is
  defined as ``1/N``: a mutant identical to its residents is neutral. ``1/N`` is also the
  benchmark an invader must beat.
* **Stationary ranking** (small-mutation limit; Fudenberg & Imhof 2006, the α-Rank idea of
  Omidshafiei et al. 2019): when mutations are rare the population is almost always monomorphic;
  from resident ``j`` a mutant ``i ≠ j`` (chosen uniformly among the ``k − 1`` others) arises
  and fixes with probability ``ρ[i, j]``. The stationary distribution of this Markov chain over
  the ``k`` monomorphic states is the ranking: the long-run share of time each strategy is the
  resident. It is solved by the Grassmann–Taksar–Heyman elimination in log space, which uses
  only the off-diagonal rates (no ``1 − Σ`` cancellation) and keeps full relative accuracy
  when rates differ by hundreds of orders of magnitude.
* **Ecological dynamics**: the discrete replicator map of axelrod's ``Ecosystem`` (no noise),
  evaluated in numpy with axelrod's operations in axelrod's order (the same numbers):
  ``fitness_i = Σ_j payoffs[i, j]·x_j`` (self-play included, as axelrod's payoff matrix holds
  it) and ``x_i' = x_i·fitness_i / Σ_l x_l·fitness_l``.

Public API
----------
:func:`fixation_probability`, :func:`fixation_matrix`, :func:`log_fixation_matrix`
    ρ for one 2×2 game; ρ (or log ρ) for every ordered pair of a k×k roster at once.
:func:`transition_matrix`, :func:`stationary_ranking`
    The small-mutation-limit chain and its stationary distribution.
:func:`invasion_summary`, :func:`invasion_counts`, :func:`ranking_sensitivity`
    Per-strategy survival measures (as a table, as arrays); the ranking over a range of
    selection intensities.
:func:`ecological_dynamics`, :func:`ecology_frame`
    Replicator shares over generations, as an array and as tidy rows.

References
----------
Nowak, M. A., Sasaki, A., Taylor, C. & Fudenberg, D. (2004). Emergence of cooperation and
evolutionary stability in finite populations. *Nature* 428, 646–650.
Traulsen, A., Nowak, M. A. & Pacheco, J. M. (2006). Stochastic dynamics of invasion and fixation.
*Physical Review E* 74, 011909.
Fudenberg, D. & Imhof, L. A. (2006). Imitation processes with small mutations. *Journal of
Economic Theory* 131, 251–262.
Omidshafiei, S. et al. (2019). α-Rank: Multi-agent evaluation by evolution. *Scientific Reports*
9, 9937.
Grassmann, W. K., Taksar, M. I. & Heyman, D. P. (1985). Regenerative analysis and steady state
distributions for Markov chains. *Operations Research* 33(5), 1107–1116.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from tournaments.analysis.tables import TIE_RTOL, tie_ranks

#: Relative tolerance under which a fixation probability counts as equal to the neutral 1/N in
#: :func:`invasion_summary` (identical strategies give 1/N up to round-off): the tolerance of
#: every tie, :data:`tournaments.analysis.tables.TIE_RTOL`.
NEUTRAL_RTOL = TIE_RTOL

#: Largest number of (mutant, resident, mutant-count) cells evaluated at once by
#: :func:`fixation_matrix`; larger rosters are processed in blocks of mutant rows.
_BLOCK_CELLS = 4_000_000
#: Cells of a stack of matrices evaluated at once (temporaries that fit in a CPU cache).
_STACK_CELLS = 65_536


def fitness(payoff, selection_intensity: float):
    """Fitness ``1 − w + w·π`` of a net payoff per round ``π`` at selection intensity ``w``.

    The one definition of fitness: fixation probabilities, the stationary ranking, the
    ecological dynamics and the Moran process all call it.
    """
    return 1.0 - selection_intensity + selection_intensity * payoff


# --------------------------------------------------------------------------------------------
# validation helpers


def _check_population_size(population_size: int) -> int:
    if isinstance(population_size, bool) or int(population_size) != population_size:
        raise ValueError(f"population_size must be an integer >= 2, got {population_size!r}")
    n = int(population_size)
    if n < 2:
        raise ValueError(f"population_size must be an integer >= 2, got {population_size!r}")
    return n


def _check_intensity(selection_intensity: float) -> float:
    w = float(selection_intensity)
    if not 0.0 <= w <= 1.0:
        raise ValueError(f"selection_intensity must be in [0, 1], got {selection_intensity!r}")
    return w


def _square(matrix: np.ndarray, name: str, *, batch: bool = False) -> np.ndarray:
    """``matrix`` as floats, checked: square (``batch``: a stack of them, leading axes any),
    non-empty, finite."""
    a = np.asarray(matrix, dtype=float)
    if (a.ndim != 2 and not (batch and a.ndim > 2)) or a.shape[-1] != a.shape[-2] or (
            a.shape[-1] == 0):
        kind = "square matrix (or a stack of them)" if batch else "square matrix"
        raise ValueError(f"{name} must be a non-empty {kind}, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite")
    return a


def _labels(labels: Sequence[str] | None, k: int) -> list:
    if labels is None:
        return list(range(k))
    labels = list(labels)
    if len(labels) != k:
        raise ValueError(f"expected {k} labels, got {len(labels)}")
    return labels


# --------------------------------------------------------------------------------------------
# fixation probabilities


def _log_fixation_parts(
    payoffs: np.ndarray, population_size: int, selection_intensity: float, rule: str = "moran"
) -> tuple[np.ndarray, np.ndarray]:
    """``(M, T)`` with ``1/ρ = exp(M)·T``, ``M = max_k S_k ≥ 0`` and ``T = Σ_k exp(S_k − M)``.

    ``S_0 = 0`` and ``S_k = Σ_{m≤k} log f_res(m) − log f_mut(m)``; ``T`` lies in ``[1, N]``.
    ``payoffs`` may be a stack ``(..., k, k)``: every matrix gets the numbers it gets alone.
    """
    a = _square(payoffs, "payoffs", batch=True)
    n = _check_population_size(population_size)
    if rule == "moran":
        w = _check_intensity(selection_intensity)
    elif rule == "fermi":
        w = float(selection_intensity)
        if not (np.isfinite(w) and w >= 0):
            raise ValueError(f"the Fermi selection intensity β must be finite and >= 0, got "
                             f"{selection_intensity!r}")
    else:
        raise ValueError(f"rule must be 'moran' or 'fermi', got {rule!r}")
    k = a.shape[-1]
    batch = a.shape[:-2]
    stack = a.reshape(-1, k, k)
    m = np.arange(1, n, dtype=float)  # number of mutants, 1 .. N-1
    big_m = np.zeros(stack.shape)
    total = np.ones(stack.shape)
    # a stack is taken a few matrices at a time, so that the temporaries stay in cache
    members = max(1, _STACK_CELLS // (k * k * (n - 1))) if batch else 1
    rows_per_block = max(1, _BLOCK_CELLS // max(1, members * k * (n - 1)))
    for first in range(0, len(stack), members):
        part = slice(first, first + members)
        sub = stack[part]
        if rows_per_block >= k:  # whole matrices in the block
            big_m[part], total[part] = _whole_matrices(sub, n, w, rule, first, batch)
            continue
        diag = np.diagonal(sub, axis1=-2, axis2=-1)
        for start in range(0, k, rows_per_block):
            rows = slice(start, min(k, start + rows_per_block))
            a_ii = diag[:, rows, None, None]  # mutant i against mutant i
            a_ij = sub[:, rows, :, None]  # mutant i against resident j
            a_ji = sub.swapaxes(-1, -2)[:, rows, :, None]  # resident j against mutant i
            a_jj = diag[:, None, :, None]  # resident j against resident j
            pi_mut = ((m - 1) * a_ii + (n - m) * a_ij) / (n - 1)
            pi_res = (m * a_ji + (n - m - 1) * a_jj) / (n - 1)
            if rule == "fermi":  # T−/T+ = exp(−β(π_mut − π_res)): no positivity to check
                steps = np.cumsum(w * (pi_res - pi_mut), axis=-1)
                top = np.maximum(steps.max(axis=-1), 0.0)
                big_m[part, rows] = top
                total[part, rows] = np.exp(-top) + np.exp(steps - top[..., None]).sum(axis=-1)
                continue
            f_mut = fitness(pi_mut, w)
            f_res = fitness(pi_res, w)
            for f, who in ((f_mut, "mutant"), (f_res, "resident")):
                if np.any(f <= 0):
                    _not_positive(f, who, first, start, batch, w, n)
            steps = np.cumsum(np.log(f_res) - np.log(f_mut), axis=-1)
            top = np.maximum(steps.max(axis=-1), 0.0)
            big_m[part, rows] = top
            total[part, rows] = np.exp(-top) + np.exp(steps - top[..., None]).sum(axis=-1)
    big_m, total = big_m.reshape(a.shape), total.reshape(a.shape)
    # identical strategies are neutral by definition (exactly what the formula gives, too)
    idx = np.arange(k)
    big_m[..., idx, idx] = 0.0
    total[..., idx, idx] = float(n)
    return big_m, total


def _whole_matrices(sub: np.ndarray, n: int, w: float, rule: str, first: int,
                    batch: tuple) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_log_fixation_parts` of whole matrices ``sub`` (B, k, k), the same numbers.

    The arrays are laid out mutants-count first and matrices last, ``[m − 1, i, j, b]``, so
    that every operation runs along long rows; the sums over m are taken in the order of a
    sum along a row of m values (:func:`_row_sum`), as the row-block path takes them. The
    residents' values are
    read off the mutants': π_res(i, j, m) is π_mut(j, i, N − m) bit for bit (the same two
    products, added in the other order).
    """
    m = np.arange(1, n, dtype=float)[:, None, None, None]  # number of mutants, 1 .. N-1
    a_ij = np.ascontiguousarray(np.moveaxis(sub, 0, -1))[None]  # mutant i against resident j
    a_ii = np.ascontiguousarray(np.diagonal(sub, axis1=-2, axis2=-1).T)[None, :, None]
    pi_mut = ((m - 1) * a_ii + (n - m) * a_ij) / (n - 1)  # [m − 1, i, j, b]
    if rule == "fermi":  # T−/T+ = exp(−β(π_mut − π_res)): no positivity to check
        steps = w * (pi_mut.swapaxes(1, 2)[::-1] - pi_mut)
    else:
        f_mut = fitness(pi_mut, w)
        if f_mut.min() <= 0:  # every resident fitness is also a mutant fitness
            _not_positive(f_mut.transpose(3, 1, 2, 0), "mutant", first, 0, batch, w, n)
        log_mut = np.log(f_mut)
        steps = log_mut.swapaxes(1, 2)[::-1] - log_mut
    for i in range(1, len(steps)):  # the cumulative sums over m, one after another
        steps[i] += steps[i - 1]
    top = np.maximum(steps.max(axis=0), 0.0)
    steps -= top
    total = np.exp(-top) + _row_sum(np.exp(steps, out=steps))
    return np.moveaxis(top, -1, 0), np.moveaxis(total, -1, 0)


def _row_sum(values: np.ndarray) -> np.ndarray:
    """``values.sum(axis=0)`` added in the order NumPy adds a contiguous row (its pairwise
    summation: eight running sums over blocks of eight, combined as a tree, then the rest one
    by one; halves of a longer row summed apart), elementwise along the other axes: the
    numbers a sum along each row of ``np.moveaxis(values, 0, -1)`` gives, without moving the
    axis (tests/test_evolution.py compares them)."""
    return 0.0 + _pairwise(values)  # the reduction starts from 0.0 (a sum of −0.0 is 0.0)


def _pairwise(values: np.ndarray) -> np.ndarray:
    n = len(values)
    if n < 8:
        total = values[0].copy()
        for i in range(1, n):
            total += values[i]
        return total
    if n <= 128:
        r = values[:8].copy()
        full = n - n % 8
        for i in range(8, full, 8):
            r += values[i:i + 8]
        total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
        for i in range(full, n):
            total += values[i]
        return total
    half = n // 2
    half -= half % 8
    return _pairwise(values[:half]) + _pairwise(values[half:])


def _not_positive(f: np.ndarray, who: str, first: int, start: int, batch: tuple, w: float,
                  n: int) -> None:
    """Raise for the first fitness ≤ 0 of ``f`` [b, i, j, m − 1] (matrices from ``first``,
    mutants from ``start``)."""
    bad = np.argwhere(f <= 0)[0]
    member = tuple(int(i) for i in np.unravel_index(first + bad[0], batch))
    where = f" (matrix {member})" if batch else ""
    raise ValueError(
        "fitness 1 − w + w·π must be positive, but the "
        f"{who} fitness is {f[tuple(bad)]:.6g} for mutant {start + bad[1]} "
        f"among residents {bad[2]} with {bad[3] + 1} mutant(s){where} "
        f"(w = {w}, N = {n}); lower selection_intensity or shift the payoffs"
    )


def fixation_matrix(
    payoffs: np.ndarray,
    population_size: int,
    selection_intensity: float,
    *,
    rule: str = "moran",
) -> np.ndarray:
    """Fixation probability of a single mutant for every ordered pair of strategies.

    Parameters
    ----------
    payoffs : ndarray, shape (k, k) or (..., k, k)
        ``payoffs[i, j]``: payoff per round of strategy ``i`` against strategy ``j``; a stack
        of such matrices gives a stack of results, each what its matrix gives alone.
    population_size : int
        ``N >= 2``: one mutant and ``N − 1`` residents.
    selection_intensity : float
        ``w`` in [0, 1]; fitness is ``1 − w + w·π`` (``w = 0``: neutral drift).
    rule : {"moran", "fermi"}
        ``"moran"`` (default, the project's definition): the Moran process above.
        ``"fermi"``: the pairwise-comparison (imitation) process of Traulsen, Nowak & Pacheco
        (2006), in which ``T⁻/T⁺ = exp(−β(π_mut − π_res))`` with ``β = selection_intensity``
        (any ``β >= 0``), the process egttools' ``PairwiseComparison`` implements; provided for
        comparison with such tools.

    Returns
    -------
    ndarray, shape (k, k) or (..., k, k)
        ``ρ[i, j]``: probability that one ``i`` mutant among ``N − 1`` ``j`` residents fixes under
        the frequency-dependent Moran process without self-interaction (module docstring). The
        diagonal is ``1/N`` by definition (a mutant identical to the residents is neutral).
        Values are computed in log space: they underflow to 0 only below ~1e-308.

    Raises
    ------
    ValueError
        If the fitness ``1 − w + w·π`` is not positive for some pair and mutant count, or if an
        argument is out of range.
    """
    big_m, total = _log_fixation_parts(payoffs, population_size, selection_intensity, rule)
    with np.errstate(under="ignore"):
        # exp(-M)/T is exact for neutral pairs (M = 0: 1/N); beyond exp's range fold T in first
        direct = np.exp(-big_m) / total
        folded = np.exp(-(big_m + np.log(total)))
    return np.where(big_m < 700.0, direct, folded)


def log_fixation_matrix(
    payoffs: np.ndarray,
    population_size: int,
    selection_intensity: float,
    *,
    rule: str = "moran",
) -> np.ndarray:
    """Natural logarithm of :func:`fixation_matrix`, finite even where ρ underflows float64.

    Same parameters as :func:`fixation_matrix` (including ``rule``); useful when selection is
    so strong that some ``ρ`` are below ~1e-308 (pass the result to :func:`stationary_ranking`
    with ``log=True``).
    """
    big_m, total = _log_fixation_parts(payoffs, population_size, selection_intensity, rule)
    return -(big_m + np.log(total))


def fixation_probability(
    payoff: np.ndarray, population_size: int, selection_intensity: float
) -> float:
    """Fixation probability of one mutant (row 0) among ``N − 1`` residents (row 1).

    Parameters
    ----------
    payoff : ndarray, shape (2, 2)
        ``[[a_mm, a_mr], [a_rm, a_rr]]``: payoffs per round of mutant (index 0) and resident
        (index 1) against each other.
    population_size : int
        ``N >= 2``.
    selection_intensity : float
        ``w`` in [0, 1].

    Returns
    -------
    float
        ``ρ = 1 / (1 + Σ_{k=1}^{N−1} Π_{m=1}^{k} f_res(m)/f_mut(m))`` (module docstring):
        ``1/N`` for a neutral mutant, ``(1 − 1/r)/(1 − 1/r^N)`` for constant relative fitness r.
    """
    a = np.asarray(payoff, dtype=float)
    if a.shape != (2, 2):
        raise ValueError(f"payoff must be a 2x2 matrix, got shape {a.shape}")
    return float(fixation_matrix(a, population_size, selection_intensity)[0, 1])


# --------------------------------------------------------------------------------------------
# the small-mutation-limit chain


def transition_matrix(fixation: np.ndarray) -> np.ndarray:
    """Transition matrix of the small-mutation-limit chain over monomorphic populations.

    Parameters
    ----------
    fixation : ndarray, shape (k, k)
        ``ρ[i, j]`` as from :func:`fixation_matrix` (mutant ``i``, resident ``j``).

    Returns
    -------
    ndarray, shape (k, k)
        Row-stochastic ``P[j, i] = ρ[i, j] / (k − 1)`` for ``i ≠ j`` (from resident ``j`` to
        resident ``i``) and ``P[j, j] = 1 − Σ_{i≠j} P[j, i]``. For ``k = 1``: ``[[1.0]]``.
    """
    rho = _square(fixation, "fixation")
    k = rho.shape[0]
    if k == 1:
        return np.ones((1, 1))
    p = rho.T / (k - 1)
    np.fill_diagonal(p, 0.0)
    np.fill_diagonal(p, 1.0 - p.sum(axis=1))
    return p


def _gth_log(log_rates: np.ndarray) -> np.ndarray:
    """Stationary distribution from log off-diagonal rates ``log_rates[..., from, to]`` (GTH).

    Grassmann–Taksar–Heyman state reduction carried out in log space: every step is a sum of
    non-negative terms (a log-add-exp), so no cancellation occurs and tiny rates keep their
    relative precision. O(k³/3) log-add-exps; k = 100 takes a few milliseconds. Leading axes
    are a stack of chains, each reduced as it would be alone (laid out last, so that every
    operation runs along the stack; each reduction adds its terms in the same order).
    """
    q = np.ascontiguousarray(np.moveaxis(log_rates, (-2, -1), (0, 1)))  # [from, to, ...]
    k = q.shape[0]
    idx = np.arange(k)
    q[idx, idx] = -np.inf
    for n in range(k - 1, 0, -1):
        out = np.logaddexp.reduce(q[n, :n], axis=0)  # log rate of leaving n for 0..n-1
        if not np.all(np.isfinite(out)):
            raise ValueError(
                "the small-mutation chain is reducible: after eliminating the states above it, "
                f"strategy {n} cannot be invaded by any of strategies 0..{n - 1} "
                "(fixation probabilities 0), so no unique ranking was found; if the zeros are "
                "float underflow (ρ < 1e-308), pass log_fixation_matrix(...) with log=True"
            )
        q[:n, n] -= out
        q[:n, :n] = np.logaddexp(q[:n, :n], q[:n, n, None] + q[n, None, :n])
    log_pi = np.full(q.shape[1:], -np.inf)
    log_pi[0] = 0.0
    for n in range(1, k):
        log_pi[n] = np.logaddexp.reduce(log_pi[:n] + q[:n, n], axis=0)
    log_pi -= np.logaddexp.reduce(log_pi, axis=0)
    return np.moveaxis(np.exp(log_pi), 0, -1)


def stationary_ranking(
    fixation: np.ndarray, population_size: int | None = None, *, log: bool = False
) -> np.ndarray:
    """Stationary distribution of the small-mutation-limit chain: the evolutionary ranking.

    Parameters
    ----------
    fixation : ndarray, shape (k, k) or (..., k, k)
        ``ρ[i, j]`` as from :func:`fixation_matrix` (or its logarithm if ``log=True``). The
        diagonal is ignored. A stack of matrices gives a stack of rankings.
    population_size : int, optional
        ``N``. The chain depends on ``N`` only through ``ρ``; when given it is validated so that
        calls read like :func:`invasion_summary`.
    log : bool
        ``fixation`` holds ``log ρ`` (from :func:`log_fixation_matrix`).

    Returns
    -------
    ndarray, shape (k,) or (..., k)
        Weights summing to 1: the long-run share of time each strategy is the monomorphic
        resident when mutants (uniform over the ``k − 1`` others) arise rarely. The transition
        ``j → i`` has probability ``ρ[i, j]/(k − 1)`` (:func:`transition_matrix`); the constant
        ``1/(k − 1)`` does not change the stationary distribution.

    Raises
    ------
    ValueError
        If ``ρ`` is negative or above 1, or the chain is reducible (some strategy can never be
        left, through fixation probabilities that are exactly 0), so no unique ranking exists.
    """
    if population_size is not None:
        _check_population_size(population_size)
    if log:
        a = np.asarray(fixation, dtype=float)
        if a.ndim < 2 or a.shape[-1] != a.shape[-2] or a.shape[-1] == 0:
            raise ValueError(f"fixation must be a non-empty square matrix, got shape {a.shape}")
        log_rho = a.copy()
        off = ~np.eye(a.shape[-1], dtype=bool)
        if np.any(np.isnan(log_rho)) or np.any(log_rho[..., off] > 0):
            raise ValueError("log fixation probabilities must be <= 0 and not NaN")
    else:
        rho = _square(fixation, "fixation", batch=True)
        if np.any(rho < 0) or np.any(rho > 1):
            raise ValueError("fixation probabilities must lie in [0, 1]")
        with np.errstate(divide="ignore"):
            log_rho = np.log(rho)
    k = log_rho.shape[-1]
    if k == 1:
        return np.ones(log_rho.shape[:-1])
    return _gth_log(log_rho.swapaxes(-1, -2))


def invasion_summary(
    fixation: np.ndarray,
    population_size: int,
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per-strategy invasion and resistance counts and stationary weight.

    Parameters
    ----------
    fixation : ndarray, shape (k, k) or (B, k, k)
        ``ρ[i, j]`` (mutant ``i``, resident ``j``) as from :func:`fixation_matrix`; or a batch
        of ``B`` such matrices.
    population_size : int
        ``N``: the neutral benchmark is ``1/N``.
    labels : sequence of str, optional
        Strategy labels in roster order (default: indices 0..k−1).

    Returns
    -------
    DataFrame
        One row per strategy in roster order: ``strategy``; ``invades``, the number of other
        strategies ``j`` it invades as a single mutant (``ρ[i, j] > 1/N``); ``resists``, the
        number of other strategies ``i`` that do not invade it as residents
        (``ρ[i, j] <= 1/N``); ``stationary_weight`` (:func:`stationary_ranking`) and
        ``stationary_rank`` (1 = largest weight; weights within a relative
        :data:`~tournaments.analysis.tables.TIE_RTOL` share the best rank,
        :func:`~tournaments.analysis.tables.tie_ranks`). Comparisons with
        ``1/N`` use a relative tolerance :data:`NEUTRAL_RTOL`, so a neutral pair (two strategies
        that play identically) is not an invasion: each resists the other. For a batch, the
        ``B`` tables one after the other, each after a leading column ``batch`` (its index).
    """
    rho = _square(fixation, "fixation", batch=True)
    if rho.ndim > 3:
        raise ValueError(f"fixation must be (k, k) or (B, k, k), got shape {rho.shape}")
    k = rho.shape[-1]
    names = _labels(labels, k)
    invades, resists, weight = invasion_counts(rho, population_size)
    frame = pd.DataFrame({
        "strategy": np.tile(np.asarray(names, dtype=object), rho.shape[0]) if rho.ndim == 3
        else names,
        "invades": invades.ravel(),
        "resists": resists.ravel(),
        "stationary_weight": weight.ravel(),
    })
    if rho.ndim == 3:
        frame.insert(0, "batch", np.repeat(np.arange(rho.shape[0]), k))
    frame["stationary_rank"] = tie_ranks(frame["stationary_weight"],
                                         frame["batch"] if rho.ndim == 3 else None)
    return frame


def invasion_counts(fixation: np.ndarray,
                    population_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`invasion_summary`'s numbers as arrays of shape (..., k): how many others each
    strategy invades, how many it resists, and its stationary weight."""
    rho = _square(fixation, "fixation", batch=True)
    n = _check_population_size(population_size)
    k = rho.shape[-1]
    beats = rho > (1.0 / n) * (1.0 + NEUTRAL_RTOL)
    beats[..., np.arange(k), np.arange(k)] = False
    return (beats.sum(axis=-1).astype(int), (k - 1 - beats.sum(axis=-2)).astype(int),
            stationary_ranking(rho, n))


def ranking_sensitivity(
    payoffs: np.ndarray,
    population_size: int,
    intensities: Sequence[float],
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Stationary ranking over a range of selection intensities.

    Parameters
    ----------
    payoffs : ndarray, shape (k, k)
        Payoffs per round, ``payoffs[i, j]`` of ``i`` against ``j``.
    population_size : int
        ``N``.
    intensities : sequence of float
        Selection intensities ``w`` in [0, 1], in the order the rows should follow.
    labels : sequence of str, optional
        Strategy labels in roster order (default: indices 0..k−1).

    Returns
    -------
    DataFrame
        Tidy rows ``selection_intensity, strategy, stationary_weight, rank``, one per intensity
        and strategy (roster order within an intensity); ``rank`` 1 is the largest weight at
        that intensity, ties (:func:`~tournaments.analysis.tables.tie_ranks`) share the best
        rank.
    """
    a = _square(payoffs, "payoffs")
    names = _labels(labels, a.shape[0])
    frames = []
    for w in intensities:
        weight = stationary_ranking(log_fixation_matrix(a, population_size, w), log=True)
        frame = pd.DataFrame({
            "selection_intensity": float(w),
            "strategy": names,
            "stationary_weight": weight,
        })
        frame["rank"] = tie_ranks(frame["stationary_weight"])
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["selection_intensity", "strategy", "stationary_weight",
                                     "rank"])
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# ecological (replicator) dynamics


def ecological_dynamics(
    payoffs: np.ndarray,
    initial_shares: np.ndarray | None,
    generations: int,
    *,
    fitness: Callable[[np.ndarray], np.ndarray] | None = None,
    history: bool = True,
) -> np.ndarray:
    """Population shares under axelrod's ``Ecosystem`` (the discrete replicator map).

    The map of axelrod's ``Ecosystem.reproduce`` on a payoff matrix with standard deviations 0
    (its draws ``random.normalvariate(mean, 0)`` are then the means), evaluated with numpy in
    the same operations and the same order — each payoff a left-to-right sum from 0.0, each
    normalisation a left-to-right sum — so that it gives axelrod's numbers bit for bit (the
    tests compare them) without touching the global random state, and takes a stack of
    matrices at once.

    Parameters
    ----------
    payoffs : ndarray, shape (k, k) or (..., k, k)
        ``payoffs[i, j]`` of ``i`` against ``j``; the diagonal (self-play) counts, as in
        ``Ecosystem``, which reads a tournament's ``payoff_matrix``. A stack of matrices gives
        a stack of histories, each what its matrix gives alone.
    initial_shares : ndarray, shape (k,) or (..., k), or None
        Non-negative population sizes, normalised to shares; ``None``: ``1/k`` each.
    generations : int
        Number of updates (``Ecosystem.reproduce(generations)``).
    fitness : callable, optional
        ``Ecosystem``'s map from a strategy's payoff to its reproduction rate, applied to
        arrays elementwise (as :func:`fitness` is); identity by default. Its values must be
        non-negative.
    history : bool
        Return every generation's shares (default), or only the last's.

    Returns
    -------
    ndarray, shape (generations + 1, k) or (..., generations + 1, k)
        Row ``t`` holds the shares after ``t`` updates (row 0: the normalised initial shares):
        ``u_i = Σ_j payoffs[i, j]·x_j``, ``x_i' = x_i·fitness(u_i) / Σ_l x_l·fitness(u_l)``.
        Without ``history``: the last row alone, shape (k,) or (..., k).

    Raises
    ------
    ValueError
        For negative shares or fitness, a total population of 0, or a population that dies out.
    """
    a = _square(payoffs, "payoffs", batch=True)
    k = a.shape[-1]
    batch = a.shape[:-2]
    if isinstance(generations, bool) or int(generations) != generations or generations < 0:
        raise ValueError(f"generations must be a non-negative integer, got {generations!r}")
    if initial_shares is None:
        x = np.full((*batch, k), 1 / k)
    else:
        sizes = np.asarray(initial_shares, dtype=float)
        if sizes.shape not in ((k,), (*batch, k)):
            raise ValueError(f"initial_shares must have shape ({k},), got {sizes.shape}")
        if np.any(sizes < 0) or not np.all(np.isfinite(sizes)):
            raise ValueError("initial_shares must be finite and non-negative")
        norm = _sum_left_to_right(np.broadcast_to(sizes, (*batch, k)))
        if not np.all(norm > 0):
            raise ValueError("initial_shares must not all be 0")
        x = sizes / norm[..., None]
    rate = fitness or (lambda u: u)
    # the batch last (long inner loops): against[j, i, ...] = payoffs[..., i, j],
    # shares[i, ...] = x[..., i], kept[t, i, ...]
    against = np.ascontiguousarray(np.moveaxis(a, (-1, -2), (0, 1)))
    shares = np.ascontiguousarray(np.moveaxis(x, -1, 0))
    kept = np.empty((int(generations) + 1 if history else 0, k, *batch))
    if history:
        kept[0] = shares
    for t in range(int(generations)):
        # Σ_j payoffs[i, j]·x_j from 0.0, term after term in axelrod's order (the einsum adds
        # each product, rounded, to the running sums: its loop runs along the batch)
        u = np.einsum("ji...,j...->i...", against, shares)
        f = np.asarray(rate(u), dtype=float)
        if np.any(f < 0):
            f, u = np.moveaxis(f, 0, -1), np.moveaxis(u, 0, -1)
            bad = np.argwhere(f < 0)[0]
            raise ValueError(f"fitness must be non-negative, got {f[tuple(bad)]:.6g} for payoff "
                             f"{u[tuple(bad)]:.6g}; shift the payoffs or pass a non-negative "
                             "fitness")
        grown = shares * f
        norm = _sum_left_to_right(grown, axis=0)
        if np.any(norm == 0):
            raise ValueError("the population died out (total fitness 0)")
        shares = grown / norm
        if history:
            kept[t + 1] = shares
    return np.moveaxis(kept, (0, 1), (-2, -1)) if history else np.moveaxis(shares, 0, -1)


def _sum_left_to_right(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """``sum(row)`` over an axis (the last by default), as this interpreter's ``sum`` adds a
    list of floats (``Ecosystem`` normalises with it): ``0 + x_0``, then one element after
    another — plainly before Python 3.12, with Neumaier's compensation from 3.12 on."""
    if axis != 0:
        values = np.moveaxis(values, axis, 0)
    total = 0.0 + values[0]
    if sys.version_info < (3, 12):
        for j in range(1, len(values)):
            total = total + values[j]
        return total
    low = np.zeros_like(total)
    for j in range(1, len(values)):
        x = values[j]
        high = total + x
        low = low + np.where(np.abs(total) >= np.abs(x), (total - high) + x, (x - high) + total)
        total = high
    return np.where((low != 0) & np.isfinite(low), total + low, total)


def ecology_frame(history: np.ndarray, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Tidy rows ``generation, strategy, share`` (``ecology.csv``).

    Parameters
    ----------
    history : ndarray, shape (generations + 1, k)
        As from :func:`ecological_dynamics`.
    labels : sequence of str, optional
        Strategy labels in roster order (default: indices 0..k−1).

    Returns
    -------
    DataFrame
        One row per generation and strategy, generation-major, strategies in roster order.
    """
    h = np.asarray(history, dtype=float)
    if h.ndim != 2:
        raise ValueError(f"history must be 2-dimensional, got shape {h.shape}")
    g, k = h.shape
    names = _labels(labels, k)
    return pd.DataFrame({
        "generation": np.repeat(np.arange(g), k),
        "strategy": np.tile(np.asarray(names, dtype=object), g),
        "share": h.ravel(),
    })
