"""The exact solver: expected payoffs per round of finite-state strategies, without simulation.

Two strategies written as finite automata over realised actions
(:class:`tournaments.model.automaton.FiniteStateForm`) playing a 2×2 stage game with noise ε form a
Markov chain on pairs of automaton states (Nowak & Sigmund 1993 for the memory-one chain of four
outcomes; Press & Dyson 2012 for its stationary analysis). In state ``(i, j)`` the row player
realises C with probability ``p_i (1 − ε) + (1 − p_i) ε`` and the column player independently with
``q_j (1 − ε) + (1 − q_j) ε``; each automaton then moves on the realised (own, partner) actions.
With ``π_0`` the initial distribution, ``M`` the transition matrix and ``x`` the expected
per-round quantity in each state, round ``t`` contributes ``π_0 M^t x``.

The quantities of a round are those of the accounting (:mod:`tournaments.model.accounting`),
evaluated on the four realised outcomes of each joint state. The project's per-round values are
the limits of the ratio estimator: expected total / expected rounds. Under continuation δ and a
cap of ``T`` turns (``T = ∞`` when there is no cap) that is

    v = Σ_{t<T} δ^t π_0 M^t x / Σ_{t<T} δ^t,

i.e. ``(1 − δ) π_0 (I − δ M)^{-1} x`` when ``T = ∞`` (the discounted occupancy of the chain;
Fudenberg & Tirole 1991, ch. 5, for δ as the weight of the future). The match length of axelrod's
``Match`` is geometric with ``P(L ≥ t + 1) = δ^t`` (``axelrod.match.sample_length``), capped at
``turns``, hence the weights. A seat's own valuation ``discounted_payoff`` weights round ``t`` by
``(δγ)^t`` instead, with γ its discount.

Public API
----------
:func:`finite_state_form`
    The automaton of an axelrod or project player, or ``None``.
:func:`solve_pair`, :func:`solve_tournament`, :func:`solve_grid`
    One pair; many pairs in one vectorised pass; a whole (δ, ε) grid of a tournament.
:func:`pairwise_frame`
    An :class:`ExactResult` as tidy rows ``player, opponent, ...`` like ``pairwise.csv``.

References
----------
Nowak, M. A. & Sigmund, K. (1993). A strategy of win-stay, lose-shift that outperforms
tit-for-tat in the Prisoner's Dilemma game. *Nature* 364, 56–58.
Press, W. H. & Dyson, F. J. (2012). Iterated Prisoner's Dilemma contains strategies that dominate
any evolutionary opponent. *PNAS* 109(26), 10409–10413.
Fudenberg, D. & Tirole, J. (1991). *Game Theory*. MIT Press.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from tournaments.model import accounting
from tournaments.model.automaton import FiniteStateForm, Partner
from tournaments.model.games import StageGame

#: Reported quantities: the net payoff, the seat's own discounted valuation, and the
#: accounting's quantities, named like the columns of ``pairwise.csv``.
COLUMNS = (accounting.NET, accounting.DISCOUNTED, *accounting.NAMES)
#: Fixed-length matches up to this many turns are summed round by round, longer ones by doubling.
_LOOP_MAX_TURNS = 2048
#: Upper bound on the number of floats of one stacked batch of linear systems.
_CHUNK_FLOATS = 2**23


# --------------------------------------------------------------------------------------------
# Finite-state forms of players
# --------------------------------------------------------------------------------------------

# The forms of players (families read from parameters, forms extracted from play) live in
# :mod:`tournaments.engines.axelrod_forms`; the solver's callers import them from here.
from tournaments.engines.axelrod_forms import (  # noqa: E402,F401 - re-exported
    finite_state_form,
    memory_one_form,
)

# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExactResult:
    """Expected per-round quantities, the exact limits of ``pairwise.csv``'s columns.

    ``result[column]`` for every column of :data:`COLUMNS` is an array whose last axis is the
    seat (0 = row player of the game, 1 = column player); the leading axes are those of the call
    (``(2,)`` for :func:`solve_pair`, ``(P, 2)`` for :func:`solve_tournament`,
    ``(n_δ, n_ε, P, 2)`` for :func:`solve_grid`). ``mean_payoff`` is the net payoff per round
    (the accounting's net identity), ``discounted_payoff`` the seat's own γ-weighted valuation.
    """

    values: np.ndarray  # (..., 2, len(COLUMNS))

    def __getitem__(self, column: str) -> np.ndarray:
        return self.values[..., COLUMNS.index(column)]

    def __getattr__(self, column: str) -> np.ndarray:
        if column in COLUMNS:
            return self[column]
        raise AttributeError(column)

    def as_dict(self) -> dict[str, np.ndarray]:
        return {column: self[column] for column in COLUMNS}

    def take(self, index) -> ExactResult:
        """The same quantities indexed along the leading axes (``result.take(np.s_[0, 3])``)."""
        return ExactResult(self.values[index])


# --------------------------------------------------------------------------------------------
# The solver
# --------------------------------------------------------------------------------------------

def _check(continuations, noises, turns, discounts, transfer_efficiency) -> float:
    if np.any((continuations <= 0) | (continuations > 1)) or not np.all(
            np.isfinite(continuations)):
        raise ValueError(f"continuation must lie in (0, 1], got {continuations}")
    if np.any((noises < 0) | (noises > 1)):
        raise ValueError(f"noise must lie in [0, 1], got {noises}")
    if np.any((discounts <= 0) | (discounts > 1)):
        raise ValueError(f"discounts must lie in (0, 1], got {discounts}")
    if transfer_efficiency < 0:
        raise ValueError(f"transfer_efficiency must be >= 0, got {transfer_efficiency}")
    if turns is None or turns == float("inf"):
        if np.any(continuations == 1):
            raise ValueError("continuation = 1 (fixed-length matches) needs a finite `turns`")
        return float("inf")
    if int(turns) != turns or turns < 1:
        raise ValueError(f"turns must be a positive integer or None, got {turns!r}")
    return int(turns)


class _Stack:
    """Forms of one size stacked into arrays (adjustments zero-filled where absent)."""

    def __init__(self, forms: list[FiniteStateForm]) -> None:
        n = forms[0].n_states
        self.initial = np.stack([f.initial for f in forms])
        self.coop = np.stack([f.coop_prob for f in forms])
        self.transition = np.stack([f.transition for f in forms])
        zero = np.zeros((n, 2, 2, 3))
        self.adjustments = np.stack([zero if f.adjustments is None else f.adjustments
                                     for f in forms])


def _occupancy(M, pi0, c, turns) -> np.ndarray:
    """Normalised discounted occupancy Σ_{t<T} c^t π_0 M^t / Σ_{t<T} c^t.

    Parameters
    ----------
    M : ndarray (E, P, S, S)
        Transition matrices (per noise level and pair).
    pi0 : ndarray (P, S)
    c : ndarray (D, P, G)
        Weights δγ per continuation, pair and weighting (seat 0, seat 1, rounds).
    turns : int or inf

    Returns
    -------
    ndarray (D, E, P, G, S)
    """
    if isinstance(M, _SparseChain):
        if turns <= _LOOP_MAX_TURNS:  # the rule of sparse_rounds
            return _sparse_occupancy(M, pi0, c, int(turns))
        M = M.dense()  # a linear solve, or doubling: dense (at most MAX_JOINT_STATES states)
    n_d, n_p, n_g = c.shape
    n_e, _, S, _ = M.shape
    out = np.empty((n_d, n_e, n_p, n_g, S))
    if turns == float("inf"):
        # (I − cM)^T y = (1 − c) π_0, in chunks of continuation values
        eye = np.eye(S)
        per_d = n_e * n_p * n_g * S * S
        step = max(1, _CHUNK_FLOATS // max(per_d, 1))
        Mt = M.swapaxes(-1, -2)[:, :, None]  # (E, P, 1, S, S)
        for lo in range(0, n_d, step):
            cc = c[lo:lo + step, None, :, :, None, None]  # (d, 1, P, G, 1, 1)
            A = cc * Mt
            np.subtract(eye, A, out=A)  # I − cMᵀ
            rhs = np.broadcast_to(((1 - c[lo:lo + step, None, :, :, None]) * pi0[None, None, :,
                                   None, :]), A.shape[:-1])
            out[lo:lo + step] = np.linalg.solve(A, rhs[..., None])[..., 0]
        return out
    T = int(turns)
    norm = _length_norm(c, T)  # (D, P, G)
    if T <= _LOOP_MAX_TURNS:
        # π_t does not depend on δ: sum the distributions round by round, weights in one matmul
        block = max(1, min(T, _CHUNK_FLOATS // max(n_e * n_p * S, 1)))
        acc = np.zeros((n_p, n_d * n_g, n_e * S))
        cp = c.transpose(1, 0, 2).reshape(n_p, n_d * n_g)  # (P, DG)
        pi = np.broadcast_to(pi0, (n_e, n_p, S)).copy()
        for lo in range(0, T, block):
            hi = min(T, lo + block)
            stack = np.empty((hi - lo, n_e, n_p, S))
            for t in range(lo, hi):
                stack[t - lo] = pi
                pi = np.einsum("eps,epst->ept", pi, M)
            w = cp[:, :, None] ** np.arange(lo, hi)  # (P, DG, t)
            acc += w @ stack.transpose(2, 0, 1, 3).reshape(n_p, hi - lo, n_e * S)
        out[:] = acc.reshape(n_p, n_d, n_g, n_e, S).transpose(1, 3, 0, 2, 4)
        return out / norm[:, None, :, :, None]
    # long fixed-length matches: binary doubling on Σ_{t<2^k} (cM)^t (all powers of M commute)
    for d in range(n_d):
        Pw = c[d][None, :, :, None, None] * M[:, :, None]  # (E, P, G, S, S)
        Sw = np.broadcast_to(np.eye(S), Pw.shape).copy()
        u = np.broadcast_to(pi0[None, :, None, :], Pw.shape[:-1]).copy()
        v = np.zeros_like(u)
        k = T
        while k:
            if k & 1:
                v += np.einsum("...s,...st->...t", u, Sw)
                u = np.einsum("...s,...st->...t", u, Pw)
            k >>= 1
            if k:
                Sw = Sw + Sw @ Pw
                Pw = Pw @ Pw
        out[d] = v / norm[d][None, :, :, None]
    return out


def _length_norm(c, T: int) -> np.ndarray:
    """Σ_{t<T} c^t, elementwise."""
    return np.where(c == 1, float(T), (1 - c**T) / np.where(c == 1, 0.5, 1 - c))


class _SparseChain:
    """The transition matrices of one large joint chain, one per noise level, as sparse
    matrices: ``M_e = Σ_x diag(w[e, 0, :, x]) K_x`` over the four realised outcomes ``x``.

    When both automata are deterministic a joint state has at most four successors (one per
    realised outcome), so a chain of S states has at most 4S nonzero transitions, not S²."""

    def __init__(self, K: list, w: np.ndarray) -> None:
        from scipy import sparse

        self.mats = [sum(sparse.diags(w[e, 0, :, x]) @ K[x] for x in range(4)).tocsr()
                     for e in range(len(w))]
        self.shape = (len(w), 1, *K[0].shape)

    def dense(self) -> np.ndarray:
        return np.stack([m.toarray() for m in self.mats])[:, None]


def _sparse_occupancy(M: _SparseChain, pi0, c, T: int) -> np.ndarray:
    """:func:`_occupancy` of one chain of a fixed length T ≤ :data:`_LOOP_MAX_TURNS`: the
    distribution propagated round by round by sparse products (about 4S operations a round
    where the dense product takes S²), weighted as the dense sum is."""
    n_d, _, n_g = c.shape
    S = M.shape[-1]
    out = np.empty((n_d, M.shape[0], 1, n_g, S))
    weights = c[:, 0, :, None] ** np.arange(T)  # (D, G, T)
    stack = np.empty((T, S))
    for e, mat in enumerate(M.mats):
        step = mat.T.tocsr()
        pi = pi0[0]
        for t in range(T):
            stack[t] = pi
            pi = step @ pi
        out[:, e, 0] = weights @ stack
    return out / _length_norm(c, T)[:, None, :, :, None]


#: Realised outcomes (seat-0 action, seat-1 action) in the order of the last axis of ``w``.
_OUTCOMES = np.array([(0, 0), (0, 1), (1, 0), (1, 1)])


def _outcome_values(game: StageGame, adj_a: np.ndarray, adj_b: np.ndarray,
                    eta: float) -> np.ndarray:
    """The accounting's quantities for each pair, joint state, outcome and seat.

    Returns
    -------
    ndarray (P, S, 4, 2, Q)
    """
    a, b = _OUTCOMES[:, 0], _OUTCOMES[:, 1]
    n_p, S = adj_a.shape[:2]
    own_a, own_b = adj_a.reshape(n_p, S, 4, 3), adj_b.reshape(n_p, S, 4, 3)
    shape = (n_p, S, 4)
    seat0 = accounting.round_values(np.broadcast_to(game.A[a, b], shape), a, b, own_a, own_b,
                                    eta)
    seat1 = accounting.round_values(np.broadcast_to(game.B[a, b], shape), b, a, own_b, own_a,
                                    eta)
    return np.stack([seat0, seat1], axis=3)


def _evaluate(ca, cb, adj_a, adj_b, pi0, make_M, game, deltas, noises, turns, gammas,
              eta: float, inverse: np.ndarray) -> np.ndarray:
    """Values (D, E, P, 2, len(COLUMNS)) of a batch of joint chains on S states.

    The chains are given once per distinct pair of forms (U of them); ``inverse`` says which
    each of the P pairs is. What does not depend on δ (the transition matrices, the expected
    quantities of each state) is computed once per distinct pair; a pair repeated R times is
    solved as R rows of δ values (distinct pairs repeated as often, together), so that nothing
    of size P × states is copied.

    Parameters
    ----------
    ca, cb : ndarray (U, S)
        Probability that seat 0, resp. seat 1, intends C in each joint state.
    adj_a, adj_b : ndarray (U, S, 2, 2, 3)
        Each seat's adjustments in each joint state given realised (seat-0, seat-1) actions.
    pi0 : ndarray (U, S)
        Initial distribution.
    make_M : callable
        ``w (E, U, S, 4) -> M (E, U, S, S)``: the transition matrices given the
        realised-action probabilities ``w[e, p, s, 2a + b]``.
    deltas : ndarray (D, P)
        Each pair's continuation δ in each of the D rows of the result.
    noises : ndarray (E, U)
        Each distinct pair's noise ε in each of the E rows of the result.
    gammas : ndarray (P, 2)
        Each seat's own discount γ, for ``discounted_payoff`` only.
    inverse : ndarray of int (P,)
        Each pair's distinct pair.
    """
    # realised-action probabilities per noise level
    e = noises[:, :, None]
    ra = ca * (1 - e) + (1 - ca) * e  # (E, U, S): seat 0 realises C
    rb = cb * (1 - e) + (1 - cb) * e
    w = np.stack([ra * rb, ra * (1 - rb), (1 - ra) * rb, (1 - ra) * (1 - rb)], axis=-1)
    M = make_M(w)  # w[e, u, s, 2a + b]: probability of realised (a, b)
    # expected per-round quantities in each state: (E, U, S, seat, quantity)
    X = np.einsum("epso,psozq->epszq", w, _outcome_values(game, adj_a, adj_b, eta))
    # whether discounted_payoff needs its own occupancy: decided for the whole batch, whose
    # last bits it sets (a pair with γ = 1 gets the same value either way, up to round-off)
    discounting = not np.all(gammas == 1)
    if len(inverse) == len(pi0):  # no pair repeated
        return _values(M, pi0, X, deltas, gammas, turns, discounting)
    out = np.empty((len(deltas), len(noises), len(inverse), 2, len(COLUMNS)))
    counts = np.bincount(inverse, minlength=len(pi0))
    by_pair = np.argsort(inverse, kind="stable")  # each distinct pair's repeats in order
    first = np.cumsum(counts) - counts
    for repeats in np.unique(counts):
        units = np.flatnonzero(counts == repeats)
        rows = by_pair[first[units][:, None] + np.arange(repeats)].T  # (R, U_R): the pairs
        some = slice(None) if len(units) == len(pi0) else units
        values = _values(M[:, some], pi0[some], X[:, some],
                         deltas[:, rows].reshape(-1, len(units)), gammas[rows[0]], turns,
                         discounting)
        out[:, :, rows] = values.reshape(len(deltas), repeats, *values.shape[1:]).swapaxes(1, 2)
    return out


def _values(M, pi0, X, deltas, gammas, turns, discounting: bool) -> np.ndarray:
    """:func:`_evaluate`'s values of P chains (no repeats) given their transition matrices
    ``M`` (E, P, S, S), initial distributions ``pi0`` (P, S), expected quantities of each state
    ``X`` (E, P, S, seat, quantity), continuations ``deltas`` (D, P) and discounts ``gammas``
    (P, 2); ``discounting``: compute ``discounted_payoff`` with the seats' own weights (else
    it is the net payoff)."""
    y = _occupancy(M, pi0, deltas[:, :, None], turns)  # (D, E, P, 1, S)
    quantities = np.einsum("depgs,epszq->depzq", y, X)
    net = accounting.net(quantities)  # (D, E, P, 2)
    if not discounting:
        discounted = net
    else:  # each seat's own valuation: round t weighted by (δγ)^t
        y = _occupancy(M, pi0, deltas[:, :, None] * gammas[None], turns)  # (D, E, P, 2, S)
        discounted = np.einsum("depzs,epsz->depz", y, accounting.net(X))
    return np.concatenate([net[..., None], discounted[..., None], quantities], axis=-1)


def _solve_general(sa: _Stack, sb: _Stack, *args) -> np.ndarray:
    """Pairs whose seat-0 forms have one size and seat-1 forms another: the product chain
    (:func:`_evaluate`'s arguments after ``make_M``; ``sa``, ``sb``: the distinct pairs)."""
    from scipy import sparse

    n_p, n = sa.coop.shape
    m = sb.coop.shape[1]
    pi0 = (sa.initial[:, :, None] * sb.initial[:, None, :]).reshape(n_p, n * m)
    if n_p == 1 and n * m > _SPARSE_JOINT_STATES:
        keep, K = _sparse_transitions(sa, sb, pi0)
        make_M = lambda w: _SparseChain(K, w)  # noqa: E731
    else:
        # joint transition given realised (a, b): K[p, a, b, (i, j), (i', j')]
        ta = sa.transition.transpose(0, 2, 3, 1, 4)  # (P, a, b, i, i')
        tb = sb.transition.transpose(0, 3, 2, 1, 4)  # seat 1 moves on (own b, partner a)
        K = ta[:, :, :, :, None, :, None] * tb[:, :, :, None, :, None, :]
        K = K.reshape(n_p, 2, 2, n * m, n * m)
        # keep the joint states some pair of the group can reach (structurally, any noise)
        keep = _reachable(sparse.csr_matrix(K.any(axis=(0, 1, 2))), pi0.any(axis=0))
        S = len(keep)
        K = K[:, :, :, keep][..., keep].reshape(n_p, 4, S, S)
        make_M = lambda w: np.einsum("epsx,pxst->epst", w, K)  # noqa: E731
    i, j = keep // m, keep % m
    return _evaluate(
        sa.coop[:, i], sb.coop[:, j], sa.adjustments[:, i],
        sb.adjustments[:, j].swapaxes(2, 3),  # (P, S, a, b, 3) indexed by (a, b)
        pi0[:, keep], make_M, *args)


def _reachable(step, reach: np.ndarray) -> np.ndarray:
    """The states reachable from ``reach`` (bool, S) by the transitions ``step`` (sparse S × S,
    nonzero where possible), in order."""
    while True:
        new = reach | (step.T @ reach.astype(float) > 0)
        if (new == reach).all():
            return np.flatnonzero(reach)
        reach = new


def _sparse_transitions(sa: _Stack, sb: _Stack, pi0: np.ndarray) -> tuple[np.ndarray, list]:
    """One pair's reachable joint states and its transitions given each realised outcome
    ``(a, b)`` restricted to them, ``K[2a + b]`` (sparse S × S): the Kronecker product of the
    two automata's moves on that outcome, built without the dense S² array."""
    from scipy import sparse

    ta, tb = sa.transition[0], sb.transition[0]  # (i, own, partner, i')
    K = [sparse.kron(sparse.csr_matrix(ta[:, a, b]), sparse.csr_matrix(tb[:, b, a]),
                     format="csr") for a in (0, 1) for b in (0, 1)]
    keep = _reachable(sum(K), pi0[0] > 0)
    return keep, [k[keep][:, keep] for k in K]


#: Joint memory-one state (first round, CC, CD, DC, DD) seen from the other seat.
_SWAP = np.array([0, 1, 3, 2, 4])


def _memory_one_states(form: FiniteStateForm) -> np.ndarray | None:
    """The form's state in each memory-one joint state, if its memory is one round.

    A form is memory-one (Nowak & Sigmund 1993; Press & Dyson 2012) when it starts in one state
    and the state after realised actions ``(a, b)`` depends on nothing else. Then the pair's
    chain lives on five joint states: the first round and the four outcomes of the last round.

    Returns
    -------
    ndarray of int, shape (5,), or None
        Form states at (first round, last CC, CD, DC, DD) from the form's own perspective.
    """
    T = form.transition
    if (np.count_nonzero(form.initial) == 1 and np.all(T.max(axis=-1) == 1)
            and np.all(T == T[:1])):
        nxt = T[0].argmax(axis=-1).ravel()  # (CC, CD, DC, DD)
        return np.concatenate([[int(form.initial.argmax())], nxt])
    return None


def _solve_memory_one(coop5, adj5, ia, ib, *args) -> np.ndarray:
    """Pairs of memory-one forms: the five-state chain of Nowak & Sigmund (1993)
    (:func:`_evaluate`'s arguments after ``make_M``; ``ia``, ``ib``: the distinct pairs)."""
    n_p = len(ia)
    pi0 = np.zeros((n_p, 5))
    pi0[:, 0] = 1.0

    def make_M(w):
        M = np.zeros((*w.shape[:-1], 5))
        M[..., 1:] = w  # realised (a, b) leads to state 1 + 2a + b
        return M

    adj_b = adj5[ib][:, _SWAP].swapaxes(2, 3)
    return _evaluate(coop5[ia], coop5[ib][:, _SWAP], adj5[ia], adj_b, pi0, make_M, *args)


def _solve(forms, game, pairs, continuations, noises, turns, discounts, eta) -> np.ndarray:
    forms = list(forms)
    pairs = _pairs(pairs, len(forms))
    deltas = np.atleast_1d(np.asarray(continuations, dtype=float))
    if deltas.ndim == 1:  # the same δ values for every pair
        deltas = np.broadcast_to(deltas[:, None], (len(deltas), len(pairs)))
    elif deltas.shape[1:] != (len(pairs),):
        raise ValueError(f"continuations: expected (n_δ,) or (n_δ, {len(pairs)}) values, got "
                         f"shape {deltas.shape}")
    noises = np.atleast_1d(np.asarray(noises, dtype=float))
    if noises.ndim == 1:  # the same ε values for every pair
        noises = np.broadcast_to(noises[:, None], (len(noises), len(pairs)))
    elif noises.shape[1:] != (len(pairs),):
        raise ValueError(f"noises: expected (n_ε,) or (n_ε, {len(pairs)}) values, got shape "
                         f"{noises.shape}")
    disc = np.ones(len(forms)) if discounts is None else np.asarray(discounts, dtype=float)
    if disc.shape != (len(forms),):
        raise ValueError(f"discounts: expected one per form ({len(forms)}), got {disc.shape}")
    T = _check(deltas, noises, turns, disc, eta)
    out = np.empty((len(deltas), len(noises), len(pairs), 2, len(COLUMNS)))
    gammas = np.stack([disc[pairs[:, 0]], disc[pairs[:, 1]]], axis=1)
    # memory-one pairs: one batch of five-state chains
    m1 = [_memory_one_states(f) for f in forms]
    is_m1 = np.array([s is not None for s in m1])
    both = is_m1[pairs[:, 0]] & is_m1[pairs[:, 1]]
    if both.any():
        coop5 = np.zeros((len(forms), 5))
        adj5 = np.zeros((len(forms), 5, 2, 2, 3))
        for k, (f, s) in enumerate(zip(forms, m1, strict=True)):
            if s is not None:
                coop5[k] = f.coop_prob[s]
                if f.adjustments is not None:
                    adj5[k] = f.adjustments[s]
        rows = np.flatnonzero(both)
        unique, first, inverse = _distinct(pairs[rows], noises[:, rows])
        out[:, :, rows] = _solve_memory_one(coop5, adj5, unique[:, 0], unique[:, 1],
                                            game, deltas[:, rows], noises[:, rows[first]], T,
                                            gammas[rows], eta, inverse)
    rest = np.flatnonzero(~both)
    if len(rest):
        sizes = np.array([f.n_states for f in forms])
        # stack the forms once per size, then every group of pairs by fancy indexing
        by_size = {}
        position = np.empty(len(forms), dtype=int)
        for size in np.unique(sizes[pairs[rest].ravel()]):
            members = np.flatnonzero(sizes == size)
            by_size[size] = _Stack([forms[k] for k in members])
            position[members] = np.arange(len(members))
        size_a, size_b = sizes[pairs[rest, 0]], sizes[pairs[rest, 1]]
        structure = _structures(forms)
        for na, nb in sorted({(int(a), int(b)) for a, b in zip(size_a, size_b, strict=True)}):
            rows = rest[(size_a == na) & (size_b == nb)]
            groups = [rows]
            if na * nb > _BATCH_JOINT_STATES:  # large chains: each structure on its own,
                keys = structure[pairs[rows, 0]] * len(forms) + structure[pairs[rows, 1]]
                per = pairs_per_pass(na * nb, len(rows))  # few dense chains a pass
                groups = [same[lo:lo + per] for key in np.unique(keys)
                          for same in [rows[keys == key]] for lo in range(0, len(same), per)]
            for group in groups:
                unique, first, inverse = _distinct(pairs[group], noises[:, group])
                sa = _take(by_size[na], position[unique[:, 0]])
                sb = _take(by_size[nb], position[unique[:, 1]])
                out[:, :, group] = _solve_general(sa, sb, game, deltas[:, group],
                                                  noises[:, group[first]], T, gammas[group],
                                                  eta, inverse)
    return out


#: Joint chains above this many states are solved one pair at a time with sparse transition
#: matrices (:class:`_SparseChain`): the full axelrod library's exact solve (9,029 pairs, 767
#: of them above 256 joint states) took 7.5 s so, 52.8 s with every chain dense
#: (``benchmarks/full_library.py --exact-solve``).
_SPARSE_JOINT_STATES = 256

#: Joint chains up to this many states are solved together with every pair of their sizes
#: (one vectorised pass); larger ones only with pairs of the same structure, so that each keeps
#: only the joint states it can reach and no pass stacks dense chains of many structures (a
#: group of 1,000-state chains of different structures kept the union of their reachable
#: states: several times the work of solving them one by one, and gigabytes of memory).
_BATCH_JOINT_STATES = 64


def sparse_rounds(joint_states: int, turns: int | None) -> bool:
    """Whether a chain of ``joint_states`` states is propagated round by round with sparse
    matrices (above :data:`_SPARSE_JOINT_STATES` states, at a fixed length up to
    :data:`_LOOP_MAX_TURNS`): its pass then holds the T × S distributions, not S² arrays."""
    return (joint_states > _SPARSE_JOINT_STATES and turns is not None
            and turns <= _LOOP_MAX_TURNS)


def pairs_per_pass(joint_states: int, pairs: int) -> int:
    """The most pairs of ``joint_states``-state chains (at most ``pairs`` of them) that one pass
    of the solver stacks: all of them up to :data:`_BATCH_JOINT_STATES` states, else as many
    as keep the pass's transition arrays within :data:`_CHUNK_FLOATS` (at least one); one
    above :data:`_SPARSE_JOINT_STATES` (sparse chains, one at a time)."""
    if joint_states <= _BATCH_JOINT_STATES:
        return pairs
    if joint_states > _SPARSE_JOINT_STATES:
        return 1
    return min(pairs, max(1, _CHUNK_FLOATS // (4 * joint_states**2)))


def _structures(forms: list[FiniteStateForm]) -> np.ndarray:
    """A code per form for what decides the joint states a pair can reach: which initial states
    and transitions are possible (the same code: the same structure)."""
    codes: dict[tuple, int] = {}
    return np.array([codes.setdefault(((f.initial > 0).tobytes(), (f.transition > 0).tobytes()),
                                      len(codes)) for f in forms])


def _distinct(pairs: np.ndarray, noises: np.ndarray) -> tuple[np.ndarray, ...]:
    """The distinct chains among ``pairs`` (form indices, shape (P, 2)) with their ``noises``
    (shape (E, P)) — a pair solved at several δ is one chain — in the order they first appear:
    their pairs, each one's first pair, and each pair's place among them. Without repeats:
    ``pairs`` itself, in its order (the stacks' layout, which the round-by-round sums' last
    bits depend on, is the caller's)."""
    same = bool((noises == noises[:, :1]).all())  # the same noises for every pair
    keys = pairs if same else np.column_stack([pairs, noises.T])
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)
    place = np.empty(len(order), dtype=np.intp)
    place[order] = np.arange(len(order))
    return pairs[first[order]], first[order], place[inverse.reshape(-1)]


def _take(stack: _Stack, index: np.ndarray) -> _Stack:
    new = object.__new__(_Stack)
    for name in ("initial", "coop", "transition", "adjustments"):
        setattr(new, name, getattr(stack, name)[index])
    return new


def _pairs(pairs, n_forms: int) -> np.ndarray:
    if pairs is None:
        a, b = np.meshgrid(np.arange(n_forms), np.arange(n_forms), indexing="ij")
        return np.stack([a.ravel(), b.ravel()], axis=1)
    pairs = np.asarray(pairs, dtype=int).reshape(-1, 2)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= n_forms):
        raise ValueError("pairs: form index out of range")
    return pairs


def solve_pair(form_a: FiniteStateForm, form_b: FiniteStateForm, game: StageGame, *,
               noise: float = 0.0, continuation: float = 1.0, turns: int | None = None,
               discounts: tuple[float, float] = (1.0, 1.0),
               transfer_efficiency: float = 1.0) -> ExactResult:
    """Exact expected per-round quantities of one match.

    Parameters
    ----------
    form_a, form_b : FiniteStateForm
        Seat 0 (row player of ``game``) and seat 1.
    game : StageGame
    noise : float
        ε in [0, 1], the probability that each intended action is flipped.
    continuation : float
        δ in (0, 1]: the match goes on after each round with probability δ (axelrod
        ``prob_end = 1 − δ``); δ = 1 means exactly ``turns`` rounds.
    turns : int or None
        Fixed length (δ = 1) or cap on the geometric length (δ < 1); ``None`` for no cap.
    discounts : pair of float
        Each seat's discount γ in (0, 1]: only its ``discounted_payoff`` weights round t by
        (δγ)^t; every other column weights rounds equally.
    transfer_efficiency : float
        η: a payment p costs the payer p and gives the partner p·η.

    Returns
    -------
    ExactResult
        Arrays of shape ``(2,)`` (seat 0, seat 1).

    Examples
    --------
    Tit For Tat against Always Defect over 10 rounds gets (S + 9P)/10 = 0.9 (R, S, T, P = 3, 0,
    5, 1); the defector (T + 9P)/10 = 1.4.
    """
    values = _solve([form_a, form_b], game, [(0, 1)], continuation, noise, turns,
                    np.asarray(discounts, dtype=float), transfer_efficiency)
    return ExactResult(values[0, 0, 0])


def solve_tournament(forms: Sequence[FiniteStateForm], game: StageGame, pairs=None, *,
                     noise: float = 0.0, continuation: float = 1.0, turns: int | None = None,
                     discounts: Sequence[float] | None = None,
                     transfer_efficiency: float = 1.0) -> ExactResult:
    """Exact expected per-round quantities of many matches, in one vectorised pass.

    Pairs whose forms have the same sizes are solved together: their joint chains are built as
    stacked arrays, restricted to the joint states the group can reach, and solved with one
    batched ``np.linalg.solve`` (continuation, no cap) or one pass over the rounds (fixed or
    capped length).

    Parameters
    ----------
    forms : sequence of FiniteStateForm
        One per roster entry.
    game : StageGame
    pairs : array-like of int, shape (P, 2), optional
        ``(seat-0 form, seat-1 form)`` indices; default all ordered pairs ``(i, j)``, self-play
        included, in row-major order.
    noise, continuation, turns, transfer_efficiency
        As in :func:`solve_pair`.
    discounts : sequence of float, optional
        Each form's discount γ (default 1 for all).

    Returns
    -------
    ExactResult
        Arrays of shape ``(P, 2)``: pair, seat.
    """
    values = _solve(forms, game, pairs, continuation, noise, turns, discounts,
                    transfer_efficiency)
    return ExactResult(values[0, 0])


def solve_grid(forms: Sequence[FiniteStateForm], game: StageGame, pairs=None, *,
               continuations, noises, turns: int | None = None,
               discounts: Sequence[float] | None = None,
               transfer_efficiency: float = 1.0) -> ExactResult:
    """Exact expected per-round quantities over a whole (δ, ε) grid of a tournament.

    The joint transition matrices are built once per noise level; continuation values only
    change the weights, so the grid costs one stacked linear solve per (δ, ε, pair) (or one pass
    over the rounds shared by all δ for fixed-length matches).

    Parameters
    ----------
    forms, game, pairs, turns, discounts, transfer_efficiency
        As in :func:`solve_tournament`.
    continuations : array-like, shape (n_δ,) or (n_δ, P)
        δ values in (0, 1] (δ = 1 needs ``turns``); with a second axis, each pair's own δ in
        each row (pairs whose forms depend on δ, each solved at its own δ in one pass).
    noises : array-like, shape (n_ε,) or (n_ε, P)
        ε values in [0, 1]; with a second axis, each pair's own ε in each row.

    Returns
    -------
    ExactResult
        Arrays of shape ``(n_δ, n_ε, P, 2)``.
    """
    values = _solve(forms, game, pairs, continuations, noises, turns, discounts,
                    transfer_efficiency)
    return ExactResult(values)


def pairwise_frame(result: ExactResult, pairs, labels: Sequence[str]):
    """Tidy rows ``player, opponent`` and :data:`COLUMNS`, like ``pairwise.csv``.

    Each pair ``(i, j)`` gives the row (i against j) from seat 0 and the row (j against i) from
    seat 1 unless that ordered pair was itself solved with j in seat 0; a self-play pair gives
    one row, the mean over both seats (as :func:`tournaments.analysis.tables.pairwise_table` does).

    Parameters
    ----------
    result : ExactResult
        From :func:`solve_tournament`, shape ``(P, 2)``.
    pairs : array-like of int, shape (P, 2)
        The pairs passed to the solver (``None`` for all ordered pairs).
    labels : sequence of str
        One per form.

    Returns
    -------
    pandas.DataFrame
    """
    import pandas as pd

    pairs = _pairs(pairs, len(labels))
    as_row = {(int(a), int(b)) for a, b in pairs}
    rows = []
    for k, (a, b) in enumerate(pairs.tolist()):
        seats = [(0, a, b)] if a != b else [(None, a, a)]
        if a != b and (b, a) not in as_row:
            seats.append((1, b, a))
        for seat, player, opponent in seats:
            row = {"player": labels[player], "opponent": labels[opponent]}
            for col in COLUMNS:
                v = result[col][k]
                row[col] = float(v.mean() if seat is None else v[seat])
            rows.append(row)
    return pd.DataFrame(rows, columns=["player", "opponent", *COLUMNS])


#: Largest joint state space (states of one form × states of the other) solved exactly; a
#: larger pair (e.g. a two-level game leader with a long window against itself) is simulated.
MAX_JOINT_STATES = 2048


def match_length(match) -> float:
    """The length axelrod's ``Match`` tells its players: ``turns`` for a fixed length, infinity
    for a random one (continuation δ < 1)."""
    return match.turns if match.continuation >= 1.0 else float("inf")


def match_player(spec, game: StageGame, match, *, continuation: float | None = None):
    """A fresh player of a roster entry given the match attributes axelrod's ``Match`` would
    give it (some automata read the game, the length or the noise). ``continuation`` rebuilds a
    strategy that takes δ as a parameter at another δ (and gives the length at that δ)."""
    if continuation is not None:
        match = match.model_copy(update={"continuation": continuation})
        if "continuation" in spec.params:
            spec = replace(spec, params={**spec.params, "continuation": continuation})
    player = spec.make()
    player.set_match_attributes(length=match_length(match), game=game.to_axelrod(),
                                noise=match.noise)
    return player


@dataclass(frozen=True)
class RosterForms:
    """The forms of a roster's exact pairs (:func:`roster_forms`): each form once, its entry's
    label and discount, and each pair as a pair of form indices (row seat first)."""

    forms: list[FiniteStateForm]
    labels: list[str]
    discounts: list[float]
    pairs: list[tuple[int, int]]


def roster_forms(specs, pairs: list[tuple[int, int]], game: StageGame,
                 match) -> tuple[RosterForms, list[tuple[int, int]]]:
    """The forms of the pairs of roster entries whose two players have a finite-state form, and
    the pairs left for simulation (no form, or a joint chain above :data:`MAX_JOINT_STATES`).

    Each player is given the match attributes axelrod's ``Match`` would give it (some automata
    read the game) and its partner's public information.
    """
    forms, labels, discounts, solved, rest = [], [], [], [], []
    known: dict[tuple, FiniteStateForm | None] = {}
    position: dict[tuple, int] = {}  # each form once in ``forms`` (the solver stacks them)

    def form_of(me: int, other: int) -> tuple[FiniteStateForm | None, tuple]:
        """Entry ``me``'s form against a partner with ``other``'s public information (built
        once per entry and kind of partner), and its key."""
        key = (me, Partner(club=specs[other].club, role=specs[other].role))
        if key not in known:
            known[key] = finite_state_form(match_player(specs[me], game, match),
                                           partner=key[1], game=game)
        return known[key], key

    for i, j in pairs:
        (a, key_a), (b, key_b) = form_of(i, j), form_of(j, i)
        if a is None or b is None or a.n_states * b.n_states > MAX_JOINT_STATES:
            rest.append((i, j))
            continue
        for form, key in ((a, key_a), (b, key_b)):
            if key not in position:
                position[key] = len(forms)
                forms.append(form)
                labels.append(specs[key[0]].label)
                discounts.append(specs[key[0]].discount)
        solved.append((position[key_a], position[key_b]))
    return RosterForms(forms, labels, discounts, solved), rest


def solve_forms(found: RosterForms, game: StageGame, match, transfer_efficiency: float):
    """The exact pairs' rows (the columns of :func:`pairwise_frame`) of :func:`roster_forms`."""
    import pandas as pd

    if not found.pairs:
        return pd.DataFrame()
    result = solve_tournament(
        found.forms, game, found.pairs, noise=match.noise, continuation=match.continuation,
        turns=match.turns, discounts=found.discounts, transfer_efficiency=transfer_efficiency)
    return pairwise_frame(result, found.pairs, found.labels)
