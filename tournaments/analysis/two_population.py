"""Two-population evolutionary analysis: two roles that never trade places, evolving together.

Pure functions from numpy arrays to numpy arrays and pandas data frames (no I/O; axelrod is
never imported here). The game has two roles, the row role ``A`` and the column role ``B``
(receiving and sending states, Leader and Public), each with its own roster of strategies:

* ``payoffs_a[i, j]``, shape ``(k_A, k_B)``: payoff per round of row-role strategy ``i``
  against column-role strategy ``j``;
* ``payoffs_b[j, i]``, shape ``(k_B, k_A)``: payoff per round of column-role strategy ``j``
  against row-role strategy ``i`` — **the player's own strategy first** in both, so
  ``payoffs_b`` is indexed (column-role strategy, row-role strategy), the transpose of the
  bimatrix layout.

Each role is a population of its own (sizes ``N_A`` and ``N_B``); a member meets only members
of the other population, never its own. Fitness, fixation and the stationary solve are those
of :mod:`tournaments.analysis.evolution` (one definition of each); this module only builds
the two-population quantities out of them.

Definitions
-----------
* **Fitness** is :func:`tournaments.analysis.evolution.fitness`, ``1 − w + w·π``, with ``π``
  a member's average payoff per round against the other population's members. It must be
  positive for every payoff of the game (checked up front: a ``ValueError`` names the role and
  the pair).
* **Invasion** ``ρ_A(i' | i, j)``: the probability that a single ``i'`` mutant among
  ``N_A − 1`` residents ``i`` takes over population A (Moran process: birth proportional to
  fitness, death uniform) while population B is held monomorphic at ``j``. With B fixed, the
  mutant's payoff ``payoffs_a[i', j]`` and the residents' ``payoffs_a[i, j]`` do not depend on
  how many mutants there are, so this is the constant-fitness Moran process:
  ``ρ = (1 − 1/r)/(1 − r^−N_A)`` with ``r = f(payoffs_a[i', j]) / f(payoffs_a[i, j])``
  (``1/N_A`` when ``r = 1``). It is computed by
  :func:`~tournaments.analysis.evolution.log_fixation_matrix` on, for each ``j``, the
  ``k_A × k_A`` game whose row ``i'`` is constant at ``payoffs_a[i', j]`` — the one-population
  formula then reduces to the constant-fitness one — so it is in log space, exact to relative
  precision down to ρ far below 1e-308 (``log=True``). ``ρ_B(j' | j, i)`` likewise, with
  population A held at ``i``.
* **The chain over profiles** (small-mutation limit; Fudenberg & Imhof 2006; the
  multi-population α-Rank of Omidshafiei et al. 2019): mutations are so rare that both
  populations are almost always monomorphic, in a profile ``(i, j)``. A mutation is a single
  deviation of one population; every one of the ``(k_A − 1) + (k_B − 1)`` deviations is
  equally likely, as in α-Rank, so with ``η = 1/((k_A − 1) + (k_B − 1))``
  ``(i, j) → (i', j)`` has probability ``η·ρ_A(i' | i, j)``, ``(i, j) → (i, j')``
  ``η·ρ_B(j' | j, i)``, and the chain stays put otherwise. (A population with more strategies
  therefore mutates more often; ``η`` scales every rate alike and so does not change the
  stationary distribution.) Its stationary distribution over the ``k_A·k_B`` profiles is
  solved by the Grassmann–Taksar–Heyman elimination in log space of
  :mod:`~tournaments.analysis.evolution`, which keeps relative accuracy when weights differ by
  hundreds of orders of magnitude. It costs O((k_A·k_B)³): above :data:`MAX_PROFILES`
  profiles a ``ValueError`` refuses. Each role's **marginal** (the long-run share of time each
  of its strategies is the resident) is its ranking; weights tied up to float round-off share
  the best rank (:func:`tournaments.analysis.tables.tie_ranks`, the one rule of every rank).
* **Ecological dynamics**: the two-population discrete replicator map, both populations
  updated simultaneously from the same generation,

      u_i = Σ_j payoffs_a[i, j]·y_j,   x_i' = x_i·F(u_i) / Σ_l x_l·F(u_l),
      v_j = Σ_i payoffs_b[j, i]·x_i,   y_j' = y_j·F(v_j) / Σ_l y_l·F(v_l),

  ``F`` the identity or a given map, e.g. the fitness ``1 − w + w·π`` (as the one-population
  :func:`~tournaments.analysis.evolution.ecological_dynamics` takes it), in the same operations
  and order as that map: a symmetric game played by two identical populations gives its
  numbers bit for bit.
* **Survival measures**: each role's cooperation rate in the stationary mix,
  ``Σ_ij π(i, j)·c_A[i, j]`` (and ``Σ_ij π(i, j)·c_B[j, i]``: the populations are monomorphic
  almost always), and at the end of the ecological dynamics, ``Σ_ij x_i·y_j·c_A[i, j]`` (and
  ``Σ_ij x_i·y_j·c_B[j, i]``: members meet the other population at random); the **surviving
  profiles**: the profile of largest stationary weight and every profile tied with it up to
  float round-off (rank 1 by :func:`~tournaments.analysis.tables.tie_ranks`).
* **Two-population Moran process** (:func:`moran`): populations of ``N_A`` and ``N_B``
  members, each member's payoff its average against all members of the other population. Each
  step one population is chosen with probability proportional to its size (every member is
  equally likely to be the one replaced, one clock for the whole system), a parent in it with
  probability proportional to fitness and a member of it to be replaced uniformly (the parent
  possibly itself); the offspring takes the replaced member's place. No mutation: a run ends
  when both populations are monomorphic, or at a step cap. With population B monomorphic, B
  never changes and population A follows the constant-fitness Moran process above, so single
  mutants fix with the probabilities ``ρ_A`` (the tests check it by simulation).

Public API
----------
:func:`invasion_probabilities`, :func:`invasion_frame`
    ``ρ_A`` and ``ρ_B`` for every resident profile and mutant; as tidy rows.
:func:`stationary_profiles`, :func:`marginals`, :func:`role_ranking`,
:func:`ranking_sensitivity`, :func:`profile_frame`, :func:`surviving_profiles`
    The chain over profiles, its stationary distribution, each role's marginal ranking and its
    sensitivity to the selection intensity, the profiles that survive.
:func:`ecological_dynamics`, :func:`ecology_frame`
    The two-population replicator map; as tidy rows.
:func:`cooperation_survival`
    Each role's cooperation rate in the stationary mix and at the end of the ecology.
:func:`moran`
    Seeded two-population Moran runs, vectorised over runs.

References
----------
Fudenberg, D. & Imhof, L. A. (2006). Imitation processes with small mutations. *Journal of
Economic Theory* 131, 251–262.
Omidshafiei, S. et al. (2019). α-Rank: Multi-agent evaluation by evolution. *Scientific Reports*
9, 9937.
Nowak, M. A., Sasaki, A., Taylor, C. & Fudenberg, D. (2004). Emergence of cooperation and
evolutionary stability in finite populations. *Nature* 428, 646–650.
Grassmann, W. K., Taksar, M. I. & Heyman, D. P. (1985). Regenerative analysis and steady state
distributions for Markov chains. *Operations Research* 33(5), 1107–1116.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tournaments.analysis.evolution import (
    NEUTRAL_RTOL,
    _check_intensity,
    _check_population_size,
    _gth_log,
    _labels,
    _sum_left_to_right,
    fitness,
    log_fixation_matrix,
)
from tournaments.analysis.evolution import ecology_frame as _one_population_ecology
from tournaments.analysis.tables import tie_ranks

#: Largest number of profiles ``k_A·k_B`` whose stationary distribution is solved. The
#: log-space GTH elimination takes about ``(k_A·k_B)³/3`` log-add-exps (1.4·10⁹ at this bound)
#: and ``(k_A·k_B)²`` floats of memory, per selection intensity; rosters of 40 strategies per
#: role fit.
MAX_PROFILES = 1_600

#: Role names when none are given: the row role and the column role.
ROLES = ("A", "B")


# --------------------------------------------------------------------------------------------
# validation


def _game(payoffs_a: np.ndarray, payoffs_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two payoff matrices as floats, checked: ``(k_A, k_B)`` and ``(k_B, k_A)``, finite."""
    a = np.asarray(payoffs_a, dtype=float)
    b = np.asarray(payoffs_b, dtype=float)
    if a.ndim != 2 or 0 in a.shape:
        raise ValueError(f"payoffs_a must be a non-empty (k_A, k_B) matrix, got shape {a.shape}")
    if b.shape != a.shape[::-1]:
        raise ValueError(f"payoffs_b must have shape (k_B, k_A) = {a.shape[::-1]} (column-role "
                         f"strategy first), got {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("payoffs must be finite")
    return a, b


def _check_fitness(payoffs: np.ndarray, w: float, roles: Sequence[str], own: int) -> None:
    """Every payoff of role ``roles[own]`` gives a positive fitness at intensity ``w``."""
    f = fitness(payoffs, w)
    if np.any(f <= 0):
        mine, other = np.argwhere(f <= 0)[0]
        raise ValueError(
            f"fitness 1 − w + w·π must be positive, but {roles[own]} strategy {mine} against "
            f"{roles[1 - own]} strategy {other} has payoff {payoffs[mine, other]:.6g} and "
            f"fitness {f[mine, other]:.6g} (w = {w}); lower selection_intensity or shift the "
            "payoffs")


def _selection(payoffs_a: np.ndarray, payoffs_b: np.ndarray, selection_intensity: float,
               roles: Sequence[str]) -> tuple[np.ndarray, np.ndarray, float, tuple[str, str]]:
    """The game, the intensity and the roles, checked, with every fitness positive."""
    a, b = _game(payoffs_a, payoffs_b)
    roles = _roles(roles)
    w = _check_intensity(selection_intensity)
    _check_fitness(a, w, roles, 0)
    _check_fitness(b, w, roles, 1)
    return a, b, w, roles


def _roles(roles: Sequence[str]) -> tuple[str, str]:
    roles = tuple(roles)
    if len(roles) != 2 or roles[0] == roles[1]:
        raise ValueError(f"roles must be two distinct names, got {roles!r}")
    return roles


def _check_profiles(k_a: int, k_b: int) -> None:
    if k_a * k_b > MAX_PROFILES:
        raise ValueError(
            f"{k_a} × {k_b} = {k_a * k_b} profiles are more than the {MAX_PROFILES} whose "
            "stationary distribution is solved (the solve costs (k_A·k_B)³ operations); "
            "shorten a role's roster")


# --------------------------------------------------------------------------------------------
# invasion


def invasion_probabilities(
    payoffs_a: np.ndarray,
    payoffs_b: np.ndarray,
    size_a: int,
    size_b: int,
    selection_intensity: float,
    *,
    log: bool = False,
    roles: Sequence[str] = ROLES,
) -> tuple[np.ndarray, np.ndarray]:
    """Fixation probability of a single mutant in either population, the other held fixed.

    Parameters
    ----------
    payoffs_a : ndarray, shape (k_A, k_B)
        ``payoffs_a[i, j]``: payoff per round of row-role strategy ``i`` against column-role
        strategy ``j``.
    payoffs_b : ndarray, shape (k_B, k_A)
        ``payoffs_b[j, i]``: payoff per round of column-role strategy ``j`` against row-role
        strategy ``i`` (own strategy first).
    size_a, size_b : int
        Population sizes ``N_A, N_B >= 2``.
    selection_intensity : float
        ``w`` in [0, 1]; fitness ``1 − w + w·π``.
    log : bool
        Return ``log ρ`` (finite even where ρ underflows float64).
    roles : pair of str
        Role names for error messages.

    Returns
    -------
    rho_a : ndarray, shape (k_A, k_A, k_B)
        ``rho_a[i', i, j] = ρ_A(i' | i, j)``: one ``i'`` mutant among ``N_A − 1`` residents
        ``i`` fixes in population A while population B is monomorphic at ``j`` (module
        docstring); ``1/N_A`` where ``i' = i``.
    rho_b : ndarray, shape (k_B, k_B, k_A)
        ``rho_b[j', j, i] = ρ_B(j' | j, i)``, population A monomorphic at ``i``.

    Raises
    ------
    ValueError
        If a fitness is not positive, or an argument is out of range.
    """
    a, b, w, roles = _selection(payoffs_a, payoffs_b, selection_intensity, roles)
    # game[j, i', i] = payoffs_a[i', j]: every row constant, so the mutant's and the residents'
    # payoffs do not depend on the number of mutants (the other population is monomorphic)
    game_a = np.broadcast_to(a.T[:, :, None], (a.shape[1], a.shape[0], a.shape[0]))
    game_b = np.broadcast_to(b.T[:, :, None], (b.shape[1], b.shape[0], b.shape[0]))
    log_a = log_fixation_matrix(game_a, size_a, w).transpose(1, 2, 0)
    log_b = log_fixation_matrix(game_b, size_b, w).transpose(1, 2, 0)
    if log:
        return log_a, log_b
    with np.errstate(under="ignore"):
        return np.exp(log_a), np.exp(log_b)


def invasion_frame(
    rho_a: np.ndarray,
    rho_b: np.ndarray,
    size_a: int,
    size_b: int,
    labels_a: Sequence[str] | None = None,
    labels_b: Sequence[str] | None = None,
    roles: Sequence[str] = ROLES,
) -> pd.DataFrame:
    """Tidy rows of :func:`invasion_probabilities`: the edges of the response graph.

    Returns
    -------
    DataFrame
        One row per resident profile and mutant of either role (mutant differing from the
        resident): ``role`` (the mutant's), ``row_resident``, ``column_resident`` (the profile
        left), ``mutant``, ``fixation_probability``, ``neutral`` (``1/N`` of the mutant's
        population) and ``invades`` (``ρ > 1/N``, with the relative tolerance
        :data:`~tournaments.analysis.evolution.NEUTRAL_RTOL`, so a mutant that plays as the
        residents do is not an invasion). Row role first; within a role, resident profiles in
        roster order (row resident major), mutants in roster order.
    """
    rho_a = np.asarray(rho_a, dtype=float)
    rho_b = np.asarray(rho_b, dtype=float)
    k_a, k_b = rho_a.shape[0], rho_b.shape[0]
    if rho_a.shape != (k_a, k_a, k_b) or rho_b.shape != (k_b, k_b, k_a):
        raise ValueError(f"rho_a and rho_b must have shapes (k_A, k_A, k_B) and (k_B, k_B, k_A), "
                         f"got {rho_a.shape} and {rho_b.shape}")
    roles = _roles(roles)
    names_a = np.asarray(_labels(labels_a, k_a), dtype=object)
    names_b = np.asarray(_labels(labels_b, k_b), dtype=object)
    n_a, n_b = _check_population_size(size_a), _check_population_size(size_b)
    # rows (row resident i, column resident j, mutant) of either role
    ia, ja, ma = np.meshgrid(np.arange(k_a), np.arange(k_b), np.arange(k_a), indexing="ij")
    ib, jb, mb = np.meshgrid(np.arange(k_a), np.arange(k_b), np.arange(k_b), indexing="ij")
    keep_a, keep_b = (ma != ia).ravel(), (mb != jb).ravel()
    ia, ja, ma = ia.ravel()[keep_a], ja.ravel()[keep_a], ma.ravel()[keep_a]
    ib, jb, mb = ib.ravel()[keep_b], jb.ravel()[keep_b], mb.ravel()[keep_b]
    rho = np.concatenate([rho_a[ma, ia, ja], rho_b[mb, jb, ib]])
    neutral = np.concatenate([np.full(len(ia), 1.0 / n_a), np.full(len(ib), 1.0 / n_b)])
    return pd.DataFrame({
        "role": np.repeat(np.asarray(roles, dtype=object), [len(ia), len(ib)]),
        "row_resident": np.concatenate([names_a[ia], names_a[ib]]),
        "column_resident": np.concatenate([names_b[ja], names_b[jb]]),
        "mutant": np.concatenate([names_a[ma], names_b[mb]]),
        "fixation_probability": rho,
        "neutral": neutral,
        "invades": rho > neutral * (1.0 + NEUTRAL_RTOL),
    })


# --------------------------------------------------------------------------------------------
# the chain over profiles


def _log_rates(log_a: np.ndarray, log_b: np.ndarray) -> np.ndarray:
    """Log transition probabilities ``[(i, j), (i', j')]`` of the chain over profiles, flattened
    row-role major (profile ``i·k_B + j``); ``−inf`` where no single deviation leads."""
    k_a, k_b = log_a.shape[0], log_b.shape[0]
    log_eta = -np.log((k_a - 1) + (k_b - 1))
    q = np.full((k_a, k_b, k_a, k_b), -np.inf)
    for j in range(k_b):  # (i, j) → (i', j): ρ_A(i' | i, j)
        q[:, j, :, j] = log_eta + log_a[:, :, j].T
    for i in range(k_a):  # (i, j) → (i, j'): ρ_B(j' | j, i)
        q[i, :, i, :] = log_eta + log_b[:, :, i].T
    return q.reshape(k_a * k_b, k_a * k_b)


def stationary_profiles(
    payoffs_a: np.ndarray,
    payoffs_b: np.ndarray,
    size_a: int,
    size_b: int,
    selection_intensity: float,
    *,
    roles: Sequence[str] = ROLES,
) -> np.ndarray:
    """Stationary distribution of the small-mutation-limit chain over profiles.

    Parameters are those of :func:`invasion_probabilities`.

    Returns
    -------
    ndarray, shape (k_A, k_B)
        ``π[i, j]``, summing to 1: the long-run share of time the row population is
        monomorphic at ``i`` and the column population at ``j`` when single mutations, every
        one of the ``(k_A − 1) + (k_B − 1)`` deviations equally likely, arise rarely (module
        docstring). Accurate to relative precision even for weights far below 1e-100.

    Raises
    ------
    ValueError
        Above :data:`MAX_PROFILES` profiles, if a fitness is not positive, or an argument is
        out of range.
    """
    a, b = _game(payoffs_a, payoffs_b)
    k_a, k_b = a.shape
    _check_profiles(k_a, k_b)
    log_a, log_b = invasion_probabilities(a, b, size_a, size_b, selection_intensity, log=True,
                                          roles=roles)
    if k_a * k_b == 1:
        return np.ones((1, 1))
    return _gth_log(_log_rates(log_a, log_b)).reshape(k_a, k_b)


def marginals(stationary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each role's marginal of ``π[i, j]``: ``(Σ_j π[i, j], Σ_i π[i, j])``."""
    pi = np.asarray(stationary, dtype=float)
    if pi.ndim != 2:
        raise ValueError(f"stationary must be a (k_A, k_B) matrix, got shape {pi.shape}")
    return pi.sum(axis=1), pi.sum(axis=0)


def role_ranking(
    stationary: np.ndarray,
    labels_a: Sequence[str] | None = None,
    labels_b: Sequence[str] | None = None,
    roles: Sequence[str] = ROLES,
) -> pd.DataFrame:
    """Each role's strategies ranked by their marginal stationary weight.

    Returns
    -------
    DataFrame
        Rows ``role, strategy, stationary_weight, rank``: the row role's strategies then the
        column role's, each in roster order; ``rank`` 1 is the largest marginal weight within
        the role, ties (:func:`~tournaments.analysis.tables.tie_ranks`) share the best rank.
    """
    roles = _roles(roles)
    frames = []
    for role, weight, labels in zip(roles, marginals(stationary), (labels_a, labels_b),
                                    strict=True):
        frame = pd.DataFrame({"role": role, "strategy": _labels(labels, len(weight)),
                              "stationary_weight": weight})
        frame["rank"] = tie_ranks(frame["stationary_weight"])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def ranking_sensitivity(
    payoffs_a: np.ndarray,
    payoffs_b: np.ndarray,
    size_a: int,
    size_b: int,
    intensities: Sequence[float],
    labels_a: Sequence[str] | None = None,
    labels_b: Sequence[str] | None = None,
    roles: Sequence[str] = ROLES,
) -> pd.DataFrame:
    """Each role's marginal ranking over a range of selection intensities.

    One stationary solve per intensity (:func:`stationary_profiles`).

    Returns
    -------
    DataFrame
        Tidy rows ``selection_intensity, role, strategy, stationary_weight, rank``: for each
        intensity in the order given, :func:`role_ranking`'s rows.
    """
    frames = [role_ranking(stationary_profiles(payoffs_a, payoffs_b, size_a, size_b, w,
                                               roles=roles), labels_a, labels_b, roles)
              for w in intensities]
    for w, frame in zip(intensities, frames, strict=True):
        frame.insert(0, "selection_intensity", float(w))
    if not frames:
        return pd.DataFrame(columns=["selection_intensity", "role", "strategy",
                                     "stationary_weight", "rank"])
    return pd.concat(frames, ignore_index=True)


def surviving_profiles(stationary: np.ndarray) -> np.ndarray:
    """The profiles of largest stationary weight.

    Returns
    -------
    ndarray of bool, shape (k_A, k_B)
        True for the profile of largest weight and every profile tied with it
        (:func:`~tournaments.analysis.tables.tie_ranks`: equal up to float round-off).
    """
    pi = np.asarray(stationary, dtype=float)
    if pi.ndim != 2 or pi.size == 0:
        raise ValueError(f"stationary must be a non-empty (k_A, k_B) matrix, got {pi.shape}")
    return (tie_ranks(pi.ravel()) == 1).reshape(pi.shape)


def profile_frame(
    stationary: np.ndarray,
    labels_a: Sequence[str] | None = None,
    labels_b: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Tidy rows of the stationary distribution over profiles.

    Returns
    -------
    DataFrame
        One row per profile, row-role strategy major, both in roster order:
        ``row_strategy, column_strategy, stationary_weight, survives``
        (:func:`surviving_profiles`).
    """
    pi = np.asarray(stationary, dtype=float)
    survives = surviving_profiles(pi)
    k_a, k_b = pi.shape
    return pd.DataFrame({
        "row_strategy": np.repeat(np.asarray(_labels(labels_a, k_a), dtype=object), k_b),
        "column_strategy": np.tile(np.asarray(_labels(labels_b, k_b), dtype=object), k_a),
        "stationary_weight": pi.ravel(),
        "survives": survives.ravel(),
    })


# --------------------------------------------------------------------------------------------
# ecological dynamics


def _shares(sizes: np.ndarray | None, k: int, name: str) -> np.ndarray:
    if sizes is None:
        return np.full(k, 1 / k)
    s = np.asarray(sizes, dtype=float)
    if s.shape != (k,):
        raise ValueError(f"{name} must have shape ({k},), got {s.shape}")
    if np.any(s < 0) or not np.all(np.isfinite(s)):
        raise ValueError(f"{name} must be finite and non-negative")
    norm = _sum_left_to_right(s)
    if not norm > 0:
        raise ValueError(f"{name} must not all be 0")
    return s / norm


def _replicate(x: np.ndarray, u: np.ndarray, rate: Callable, role: str) -> np.ndarray:
    """``x_i·rate(u_i) / Σ_l x_l·rate(u_l)``, as the one-population map computes it."""
    f = np.asarray(rate(u), dtype=float)
    if np.any(f < 0):
        bad = int(np.argmax(f < 0))
        raise ValueError(f"fitness must be non-negative, got {f[bad]:.6g} for {role} payoff "
                         f"{u[bad]:.6g}; shift the payoffs or pass a non-negative fitness")
    grown = x * f
    norm = _sum_left_to_right(grown)
    if norm == 0:
        raise ValueError(f"the {role} population died out (total fitness 0)")
    return grown / norm


def ecological_dynamics(
    payoffs_a: np.ndarray,
    payoffs_b: np.ndarray,
    initial_a: np.ndarray | None,
    initial_b: np.ndarray | None,
    generations: int,
    *,
    fitness: Callable[[np.ndarray], np.ndarray] | None = None,
    roles: Sequence[str] = ROLES,
) -> tuple[np.ndarray, np.ndarray]:
    """Population shares under the two-population discrete replicator map.

    Parameters
    ----------
    payoffs_a, payoffs_b : ndarray, shapes (k_A, k_B) and (k_B, k_A)
        As in :func:`invasion_probabilities` (own strategy first).
    initial_a, initial_b : ndarray, shapes (k_A,) and (k_B,), or None
        Non-negative population sizes, normalised to shares; ``None``: equal shares.
    generations : int
        Number of simultaneous updates of both populations.
    fitness : callable, optional
        Map from a payoff to a reproduction rate, applied to arrays elementwise; identity by
        default (then the payoffs must be non-negative), as in
        :func:`tournaments.analysis.evolution.ecological_dynamics`.
    roles : pair of str
        Role names for error messages.

    Returns
    -------
    history_a : ndarray, shape (generations + 1, k_A)
    history_b : ndarray, shape (generations + 1, k_B)
        Row ``t``: the shares after ``t`` updates (row 0: the normalised initial shares), by
        ``u_i = Σ_j payoffs_a[i, j]·y_j``, ``x_i' = x_i·F(u_i)/Σ_l x_l·F(u_l)`` and
        ``v_j = Σ_i payoffs_b[j, i]·x_i``, ``y_j' = y_j·F(v_j)/Σ_l y_l·F(v_l)``, both from
        generation ``t``'s shares.

    Raises
    ------
    ValueError
        For negative shares or fitness, a population of total size 0, or one that dies out.
    """
    a, b = _game(payoffs_a, payoffs_b)
    roles = _roles(roles)
    k_a, k_b = a.shape
    if isinstance(generations, bool) or int(generations) != generations or generations < 0:
        raise ValueError(f"generations must be a non-negative integer, got {generations!r}")
    x = _shares(initial_a, k_a, "initial_a")
    y = _shares(initial_b, k_b, "initial_b")
    rate = fitness or (lambda u: u)
    history_a = np.empty((int(generations) + 1, k_a))
    history_b = np.empty((int(generations) + 1, k_b))
    history_a[0], history_b[0] = x, y
    for t in range(int(generations)):
        u, v = np.zeros(k_a), np.zeros(k_b)
        for j in range(k_b):  # left-to-right sums from 0.0, as the one-population map adds
            u = u + a[:, j] * y[j]
        for i in range(k_a):
            v = v + b[:, i] * x[i]
        x, y = _replicate(x, u, rate, roles[0]), _replicate(y, v, rate, roles[1])
        history_a[t + 1], history_b[t + 1] = x, y
    return history_a, history_b


def ecology_frame(
    history_a: np.ndarray,
    history_b: np.ndarray,
    labels_a: Sequence[str] | None = None,
    labels_b: Sequence[str] | None = None,
    roles: Sequence[str] = ROLES,
) -> pd.DataFrame:
    """Tidy rows ``role, generation, strategy, share``: the row role's
    (:func:`tournaments.analysis.evolution.ecology_frame`'s rows) then the column role's."""
    roles = _roles(roles)
    frames = [_one_population_ecology(history, labels)
              for history, labels in ((history_a, labels_a), (history_b, labels_b))]
    for role, frame in zip(roles, frames, strict=True):
        frame.insert(0, "role", role)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# survival measures


def cooperation_survival(
    stationary: np.ndarray,
    shares_a: np.ndarray,
    shares_b: np.ndarray,
    cooperation_a: np.ndarray,
    cooperation_b: np.ndarray,
    roles: Sequence[str] = ROLES,
) -> pd.DataFrame:
    """Each role's cooperation rate in the stationary mix and in an ecological population.

    Parameters
    ----------
    stationary : ndarray, shape (k_A, k_B)
        ``π[i, j]`` from :func:`stationary_profiles`.
    shares_a, shares_b : ndarray, shapes (k_A,) and (k_B,)
        Population shares, e.g. the last rows of :func:`ecological_dynamics`'s histories.
    cooperation_a : ndarray, shape (k_A, k_B)
        ``c_A[i, j]``: cooperation rate of row-role strategy ``i`` against column-role ``j``.
    cooperation_b : ndarray, shape (k_B, k_A)
        ``c_B[j, i]``: that of column-role strategy ``j`` against row-role ``i``.
    roles : pair of str
        Role names for the ``role`` column.

    Returns
    -------
    DataFrame
        Rows ``role, stationary_cooperation_rate, ecological_cooperation_rate``, row role
        first: ``Σ_ij π[i, j]·c_A[i, j]`` and ``Σ_ij x_i·y_j·c_A[i, j]`` for the row role,
        ``Σ_ij π[i, j]·c_B[j, i]`` and ``Σ_ij x_i·y_j·c_B[j, i]`` for the column role.
    """
    roles = _roles(roles)
    pi = np.asarray(stationary, dtype=float)
    x = np.asarray(shares_a, dtype=float)
    y = np.asarray(shares_b, dtype=float)
    c_a = np.asarray(cooperation_a, dtype=float)
    c_b = np.asarray(cooperation_b, dtype=float)
    k_a, k_b = pi.shape if pi.ndim == 2 else (-1, -1)
    if (pi.ndim != 2 or x.shape != (k_a,) or y.shape != (k_b,) or c_a.shape != (k_a, k_b)
            or c_b.shape != (k_b, k_a)):
        raise ValueError("expected stationary (k_A, k_B), shares (k_A,) and (k_B,), "
                         f"cooperation (k_A, k_B) and (k_B, k_A); got {pi.shape}, {x.shape}, "
                         f"{y.shape}, {c_a.shape}, {c_b.shape}")
    mix = np.outer(x, y)
    return pd.DataFrame({
        "role": list(roles),
        "stationary_cooperation_rate": [float(np.sum(pi * c_a)), float(np.sum(pi * c_b.T))],
        "ecological_cooperation_rate": [float(np.sum(mix * c_a)), float(np.sum(mix * c_b.T))],
    })


# --------------------------------------------------------------------------------------------
# the two-population Moran process


@dataclass(frozen=True)
class MoranRuns:
    """Outcome of :func:`moran`'s runs (``R`` runs)."""

    #: ``(R, k_A)`` and ``(R, k_B)``: each population's counts per strategy at the end.
    counts_a: np.ndarray
    counts_b: np.ndarray
    #: ``(R,)``: steps taken (a step replaces one member of one population).
    steps: np.ndarray
    #: ``(R,)``: both populations monomorphic at the end.
    fixated: np.ndarray
    #: With ``record=True``: ``(T + 1, R, k_A)`` and ``(T + 1, R, k_B)``, the counts after
    #: every step (row 0: the start; ``T`` the longest run's steps; a finished run's counts
    #: repeat); otherwise ``None``.
    history_a: np.ndarray | None = None
    history_b: np.ndarray | None = None


def _counts(initial: np.ndarray, k: int, name: str) -> np.ndarray:
    c = np.asarray(initial)
    if c.shape != (k,) or not np.all(np.isfinite(c)) or np.any(c < 0) or np.any(c != np.round(c)):
        raise ValueError(f"{name} must be {k} non-negative integer counts, got {initial!r}")
    _check_population_size(int(c.sum()))
    return c.astype(np.int64)


def _pick(weights: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Per row, the index drawn with probability proportional to ``weights`` (``u`` uniform)."""
    total = np.cumsum(weights, axis=1)
    drawn = (total <= u[:, None] * total[:, -1:]).sum(axis=1)
    # u·total rounds up to total once in ~2⁵³ draws: take the last strategy of positive weight
    last = weights.shape[1] - 1 - np.argmax(weights[:, ::-1] > 0, axis=1)
    return np.minimum(drawn, last)


def _moran_step(counts: np.ndarray, other: np.ndarray, payoffs: np.ndarray, w: float,
                u_parent: np.ndarray, u_dead: np.ndarray) -> None:
    """One birth–death event in each row of ``counts`` (in place): a parent ∝ fitness of its
    mean payoff against the other population's members, a member replaced uniformly."""
    payoff = other @ payoffs.T / other.sum(axis=1, keepdims=True)
    parent = _pick(counts * fitness(payoff, w), u_parent)
    dead = _pick(counts.astype(float), u_dead)
    rows = np.arange(len(counts))
    counts[rows, parent] += 1
    counts[rows, dead] -= 1


def moran(
    payoffs_a: np.ndarray,
    payoffs_b: np.ndarray,
    initial_a: np.ndarray,
    initial_b: np.ndarray,
    selection_intensity: float,
    rng: np.random.Generator,
    *,
    runs: int = 1,
    max_steps: int = 100_000,
    record: bool = False,
    roles: Sequence[str] = ROLES,
) -> MoranRuns:
    """Runs of the two-population Moran process (module docstring), all at once.

    Parameters
    ----------
    payoffs_a, payoffs_b : ndarray, shapes (k_A, k_B) and (k_B, k_A)
        As in :func:`invasion_probabilities` (own strategy first).
    initial_a, initial_b : ndarray of int, shapes (k_A,) and (k_B,)
        Members per strategy at the start; each population has ``N >= 2`` members.
    selection_intensity : float
        ``w`` in [0, 1]; fitness ``1 − w + w·π``, ``π`` a member's mean payoff against all
        members of the other population.
    rng : numpy.random.Generator
        The source of randomness, seeded by the caller: the same generator state and arguments
        give the same runs. Each step draws three uniforms for each run still going
        (population, parent, member replaced), in run order.
    runs : int
        Number of independent runs, simulated together.
    max_steps : int
        Step cap of a run that has not fixated.
    record : bool
        Keep the counts after every step (:class:`MoranRuns`).
    roles : pair of str
        Role names for error messages.

    Returns
    -------
    MoranRuns
        Final counts, steps and whether both populations are monomorphic, per run.

    Raises
    ------
    ValueError
        If a fitness is not positive, or an argument is out of range.
    """
    a, b, w, roles = _selection(payoffs_a, payoffs_b, selection_intensity, roles)
    k_a, k_b = a.shape
    start_a, start_b = _counts(initial_a, k_a, "initial_a"), _counts(initial_b, k_b, "initial_b")
    for name, value, least in (("runs", runs, 1), ("max_steps", max_steps, 0)):
        if isinstance(value, bool) or int(value) != value or value < least:
            raise ValueError(f"{name} must be an integer >= {least}, got {value!r}")
    n_a, n_b = int(start_a.sum()), int(start_b.sum())
    x = np.tile(start_a, (int(runs), 1))
    y = np.tile(start_b, (int(runs), 1))
    steps = np.zeros(int(runs), dtype=np.int64)
    history_a, history_b = ([x.copy()], [y.copy()]) if record else (None, None)

    def monomorphic(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        return ((xs > 0).sum(axis=1) == 1) & ((ys > 0).sum(axis=1) == 1)

    live = np.flatnonzero(~monomorphic(x, y))  # the runs still going, in run order
    for _ in range(int(max_steps)):
        if not len(live):
            break
        u = rng.random((3, len(live)))
        xs, ys = x[live], y[live]
        in_a = u[0] < n_a / (n_a + n_b)
        for mask, mine, theirs, payoffs in ((in_a, xs, ys, a), (~in_a, ys, xs, b)):
            if mask.any():
                part = mine[mask]
                _moran_step(part, theirs[mask], payoffs, w, u[1, mask], u[2, mask])
                mine[mask] = part
        x[live], y[live] = xs, ys
        steps[live] += 1
        live = live[~monomorphic(xs, ys)]
        if record:
            history_a.append(x.copy())
            history_b.append(y.copy())
    return MoranRuns(counts_a=x, counts_b=y, steps=steps, fixated=monomorphic(x, y),
                     history_a=np.stack(history_a) if record else None,
                     history_b=np.stack(history_b) if record else None)
