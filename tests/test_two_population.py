"""Tests of tournaments.analysis.two_population: closed forms, hand iterations, a dense and an
exact-rational solve of the chain over profiles, and a z-test of the Moran simulation."""

from __future__ import annotations

import math
from fractions import Fraction
from functools import partial

import numpy as np
import pytest

from tournaments.analysis import evolution
from tournaments.analysis.two_population import (
    MAX_PROFILES,
    cooperation_survival,
    ecological_dynamics,
    ecology_frame,
    invasion_frame,
    invasion_probabilities,
    marginals,
    moran,
    profile_frame,
    ranking_sensitivity,
    role_ranking,
    stationary_profiles,
    surviving_profiles,
)


def closed_form(f_mut: float, f_res: float, n: int) -> float:
    """ρ of one mutant of constant fitness f_mut among n − 1 residents of fitness f_res."""
    r = f_mut / f_res
    return 1.0 / n if r == 1 else (1 - 1 / r) / (1 - r ** -n)


def dense_chain(a: np.ndarray, b: np.ndarray, n_a: int, n_b: int, w: float) -> np.ndarray:
    """The k_A·k_B transition matrix written out state by state, ρ from the closed form."""
    k_a, k_b = a.shape
    eta = 1.0 / ((k_a - 1) + (k_b - 1))
    f = partial(evolution.fitness, selection_intensity=w)
    states = [(i, j) for i in range(k_a) for j in range(k_b)]
    p = np.zeros((len(states), len(states)))
    for s, (i, j) in enumerate(states):
        for t, (i2, j2) in enumerate(states):
            if i2 != i and j2 == j:
                p[s, t] = eta * closed_form(f(a[i2, j]), f(a[i, j]), n_a)
            elif i2 == i and j2 != j:
                p[s, t] = eta * closed_form(f(b[j2, i]), f(b[j, i]), n_b)
        p[s, s] = 1.0 - p[s].sum()
    return p


# ------------------------------------------------------------------ invasion


def test_invasion_is_the_constant_fitness_closed_form_by_hand():
    # w = 1/2, N_A = 5: fitness 1/2 + π/2. Column resident 0: mutant 1 (π = 4, f = 5/2) among
    # residents 0 (π = 2, f = 3/2), r = 5/3: ρ = (1 − 3/5)/(1 − (3/5)^5) = 1250/2882 = 625/1441;
    # the reverse, r = 3/5: ρ = (−2/3)/(1 − (5/3)^5) = 162/2882 = 81/1441 (ratio (5/3)^4).
    a = np.array([[2.0, 1.0], [4.0, 3.0]])
    b = np.array([[1.0, 2.0], [3.0, 5.0]])  # b[j, i]: column strategy j against row strategy i
    rho_a, rho_b = invasion_probabilities(a, b, 5, 4, 0.5)
    assert rho_a.shape == (2, 2, 2) and rho_b.shape == (2, 2, 2)
    assert rho_a[1, 0, 0] == pytest.approx(625 / 1441, rel=1e-13)
    assert rho_a[0, 1, 0] == pytest.approx(81 / 1441, rel=1e-13)
    # N_B = 4, row resident 1: mutant 1 (π = b[1, 1] = 5, f = 3) among residents 0
    # (π = b[0, 1] = 2, f = 3/2), r = 2: ρ = (1/2)/(1 − 1/16) = 8/15
    assert rho_b[1, 0, 1] == pytest.approx(8 / 15, rel=1e-13)
    assert rho_b[0, 1, 1] == pytest.approx((1 - 2) / (1 - 2 ** 4), rel=1e-13)  # 1/15
    assert np.all(rho_a[[0, 1], [0, 1]] == 1 / 5) and np.all(rho_b[[0, 1], [0, 1]] == 1 / 4)


def test_invasion_matches_the_closed_form_on_every_entry():
    rng = np.random.default_rng(7)
    a, b = rng.uniform(0.5, 4.0, (3, 4)), rng.uniform(0.5, 4.0, (4, 3))
    w, n_a, n_b = 0.3, 12, 7
    rho_a, rho_b = invasion_probabilities(a, b, n_a, n_b, w)
    f = partial(evolution.fitness, selection_intensity=w)
    for i2, i, j in np.ndindex(3, 3, 4):
        expected = 1 / n_a if i2 == i else closed_form(f(a[i2, j]), f(a[i, j]), n_a)
        assert rho_a[i2, i, j] == pytest.approx(expected, rel=1e-12)
    for j2, j, i in np.ndindex(4, 4, 3):
        expected = 1 / n_b if j2 == j else closed_form(f(b[j2, i]), f(b[j, i]), n_b)
        assert rho_b[j2, j, i] == pytest.approx(expected, rel=1e-12)
    # neutral drift: 1/N everywhere
    flat_a, flat_b = invasion_probabilities(a, b, n_a, n_b, 0.0)
    assert np.allclose(flat_a, 1 / n_a, rtol=1e-14) and np.allclose(flat_b, 1 / n_b, rtol=1e-14)


def test_invasion_in_log_space_below_float_range():
    # r = 1/4, N = 600: ρ = (1 − 4)/(1 − 4^600) = 3/(4^600 − 1), about 1e-361: 0 as a float,
    # finite as a logarithm
    a = np.array([[1.0], [4.0]])
    b = np.array([[1.0, 1.0]])
    log_a, _ = invasion_probabilities(a, b, 600, 2, 1.0, log=True)
    assert log_a[0, 1, 0] == pytest.approx(math.log(3) - 600 * math.log(4), rel=1e-12)
    assert log_a[1, 0, 0] == pytest.approx(math.log(1 - 1 / 4) - math.log1p(-(4.0 ** -600)),
                                           rel=1e-12)
    rho_a, _ = invasion_probabilities(a, b, 600, 2, 1.0)
    assert rho_a[0, 1, 0] == 0.0 and rho_a[1, 0, 0] == pytest.approx(0.75, rel=1e-12)


def test_non_positive_fitness_names_the_role_and_the_pair():
    a = np.array([[1.0, -2.0], [1.0, 1.0]])
    b = np.ones((2, 2))
    with pytest.raises(ValueError, match=r"leader strategy 0 against public strategy 1"):
        invasion_probabilities(a, b, 5, 5, 1.0, roles=("leader", "public"))
    with pytest.raises(ValueError, match=r"public strategy 1 against leader strategy 0"):
        stationary_profiles(b, a.T, 5, 5, 1.0, roles=("leader", "public"))
    with pytest.raises(ValueError, match=r"shape \(k_B, k_A\)"):
        invasion_probabilities(np.ones((2, 3)), np.ones((2, 3)), 5, 5, 0.5)


def test_invasion_frame_lists_every_deviation_with_its_benchmark():
    a = np.array([[4.0, 2.0], [2.0, 1.0]])  # strategy 0 doubles strategy 1's payoff
    rho_a, rho_b = invasion_probabilities(a, a, 10, 8, 1.0)
    frame = invasion_frame(rho_a, rho_b, 10, 8, ["L0", "L1"], ["P0", "P1"],
                           roles=("leader", "public"))
    assert len(frame) == 2 * 2 * 1 + 2 * 2 * 1  # 4 profiles, one mutant of each role
    assert list(frame["role"]) == ["leader"] * 4 + ["public"] * 4
    row = frame[(frame["role"] == "leader") & (frame["row_resident"] == "L1")
                & (frame["column_resident"] == "P0")].iloc[0]
    assert row["mutant"] == "L0" and row["neutral"] == 0.1 and row["invades"]
    assert row["fixation_probability"] == pytest.approx(closed_form(2, 1, 10), rel=1e-12)
    row = frame[(frame["role"] == "public") & (frame["row_resident"] == "L1")
                & (frame["column_resident"] == "P0")].iloc[0]
    assert row["mutant"] == "P1" and row["neutral"] == 1 / 8 and not row["invades"]
    assert row["fixation_probability"] == pytest.approx(closed_form(1, 2, 8), rel=1e-12)
    assert frame["invades"].sum() == 4  # every move to strategy 0, none away from it


# ------------------------------------------------------------------ the chain over profiles


def test_stationary_of_independent_roles_is_the_product_by_hand():
    # payoffs that do not depend on the other role: the chain is a product of two two-state
    # chains. N = 2, w = 1: ρ = f_mut/(f_mut + f_res); row fitnesses (3, 1): π_A = (3/4, 1/4);
    # column fitnesses (1, 4): π_B = (1/5, 4/5); π = [[3, 12], [1, 4]]/20
    a = np.array([[3.0, 3.0], [1.0, 1.0]])
    b = np.array([[1.0, 1.0], [4.0, 4.0]])
    pi = stationary_profiles(a, b, 2, 2, 1.0)
    assert np.allclose(pi, np.array([[3, 12], [1, 4]]) / 20, rtol=1e-13, atol=0)
    p_a, p_b = marginals(pi)
    assert np.allclose(p_a, [0.75, 0.25], rtol=1e-13) and np.allclose(p_b, [0.2, 0.8], rtol=1e-13)
    assert profile_frame(pi, ["x", "y"], ["u", "v"]).to_dict("list") == {
        "row_strategy": ["x", "x", "y", "y"], "column_strategy": ["u", "v", "u", "v"],
        "stationary_weight": list(pi.ravel()), "survives": [False, True, False, False]}


def test_stationary_matches_a_dense_solve_on_a_random_game():
    rng = np.random.default_rng(3)
    a, b = rng.uniform(0.0, 3.0, (3, 4)), rng.uniform(0.0, 3.0, (4, 3))
    w, n_a, n_b = 0.2, 7, 9
    p = dense_chain(a, b, n_a, n_b, w)
    # π (P − I) = 0 with Σ π = 1, by least squares on the stacked system
    system = np.vstack([(p - np.eye(12)).T, np.ones(12)])
    dense = np.linalg.lstsq(system, np.r_[np.zeros(12), 1.0], rcond=None)[0]
    # and as the eigenvector of Pᵀ for eigenvalue 1
    values, vectors = np.linalg.eig(p.T)
    eig = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    pi = stationary_profiles(a, b, n_a, n_b, w)
    assert pi.shape == (3, 4) and pi.sum() == pytest.approx(1.0, abs=1e-14)
    assert np.allclose(pi.ravel(), dense, rtol=1e-9, atol=0)
    assert np.allclose(pi.ravel(), eig / eig.sum(), rtol=1e-9, atol=0)


def _exact_stationary(a: np.ndarray, b: np.ndarray, n_a: int, n_b: int) -> list[Fraction]:
    """The stationary distribution in exact rationals (w = 1, integer payoffs: fitness is the
    payoff and every ρ is rational), by Gaussian elimination."""
    k_a, k_b = a.shape

    def rho(mut: int, res: int, n: int) -> Fraction:
        r = Fraction(mut, res)
        return Fraction(1, n) if r == 1 else (1 - 1 / r) / (1 - r ** -n)

    states = [(i, j) for i in range(k_a) for j in range(k_b)]
    size = len(states)
    q = [[Fraction(0)] * size for _ in states]  # rates; η cancels
    for s, (i, j) in enumerate(states):
        for t, (i2, j2) in enumerate(states):
            if i2 != i and j2 == j:
                q[s][t] = rho(int(a[i2, j]), int(a[i, j]), n_a)
            elif i2 == i and j2 != j:
                q[s][t] = rho(int(b[j2, i]), int(b[j, i]), n_b)
        q[s][s] = -sum(q[s])
    # π Q = 0, Σ π = 1: the transposed system with its last equation replaced by the sum
    m = [[q[s][t] for s in range(size)] for t in range(size)]
    m[-1] = [Fraction(1)] * size
    rhs = [Fraction(0)] * (size - 1) + [Fraction(1)]
    for col in range(size):
        pivot = next(r for r in range(col, size) if m[r][col] != 0)
        m[col], m[pivot] = m[pivot], m[col]
        rhs[col], rhs[pivot] = rhs[pivot], rhs[col]
        for r in range(size):
            if r != col and m[r][col] != 0:
                factor = m[r][col] / m[col][col]
                m[r] = [x - factor * y for x, y in zip(m[r], m[col], strict=True)]
                rhs[r] -= factor * rhs[col]
    return [rhs[s] / m[s][s] for s in range(size)]


def test_stationary_matches_exact_rationals_below_1e_100():
    rng = np.random.default_rng(4)
    a = rng.integers(1, 10, (3, 4)).astype(float)
    b = rng.integers(1, 10, (4, 3)).astype(float)
    exact = np.array([float(x) for x in _exact_stationary(a, b, 200, 180)])
    assert 0 < exact.min() < 1e-100  # the test covers what it says
    pi = stationary_profiles(a, b, 200, 180, 1.0)
    assert np.allclose(pi.ravel(), exact, rtol=1e-9, atol=0)


def test_dominant_strategy_takes_both_roles_as_selection_grows():
    # a symmetric game, the same roster in both roles; strategy 0 earns twice strategy 1's
    # payoff against either opponent. At w = 1 every ρ has r = 2, the chain is a product and
    # each role has π(0) = 2^(N−1)/(1 + 2^(N−1)) = 512/513 for N = 10; at w = 0 all is uniform.
    game = np.array([[4.0, 2.0], [2.0, 1.0]])
    table = ranking_sensitivity(game, game, 10, 10, [0.0, 0.1, 0.5, 1.0], ["D", "d"],
                                ["D", "d"], roles=("leader", "public"))
    assert list(table.columns) == ["selection_intensity", "role", "strategy",
                                   "stationary_weight", "rank"]
    top = table[table["strategy"] == "D"].pivot(index="selection_intensity", columns="role",
                                                values="stationary_weight")
    assert np.allclose(top.loc[0.0], 0.5, rtol=1e-13)
    assert np.allclose(top.loc[1.0], 512 / 513, rtol=1e-13)
    assert np.allclose(top["leader"], top["public"], rtol=1e-12)  # the roles are alike
    assert np.all(np.diff(top["leader"].to_numpy()) > 0)
    assert list(table[table["selection_intensity"] == 1.0]["rank"]) == [1, 2, 1, 2]
    pi = stationary_profiles(game, game, 10, 10, 1.0)
    assert pi[0, 0] == pytest.approx((512 / 513) ** 2, rel=1e-13)
    assert surviving_profiles(pi).tolist() == [[True, False], [False, False]]


def test_role_ranking_and_ties():
    pi = np.array([[0.1, 0.2], [0.3, 0.4]])
    table = role_ranking(pi, ["a0", "a1"], ["b0", "b1"], roles=("receiving", "sending"))
    assert table.to_dict("list") == {
        "role": ["receiving", "receiving", "sending", "sending"],
        "strategy": ["a0", "a1", "b0", "b1"],
        "stationary_weight": pytest.approx([0.3, 0.7, 0.4, 0.6], rel=1e-15),
        "rank": [2, 1, 2, 1]}
    tied = role_ranking(np.full((2, 3), 1 / 6))
    assert list(tied["rank"]) == [1, 1, 1, 1, 1]
    assert list(tied["role"]) == ["A", "A", "B", "B", "B"]
    # weights equal up to round-off tie; a real difference does not
    near = role_ranking(np.array([[0.3, 0.2], [0.25, 0.25 + 1e-14]]))  # A: 0.5, 0.5 + 1e-14
    assert list(near["rank"]) == [1, 1, 1, 2]
    assert surviving_profiles(np.array([[0.25, 0.3 * (1 - 1e-12)], [0.15, 0.3]])).tolist() == [
        [False, True], [False, True]]
    assert surviving_profiles(np.array([[0.25, 0.3 * (1 - 1e-6)], [0.15, 0.3]])).tolist() == [
        [False, False], [False, True]]


def test_profile_guard_refuses_large_chains():
    k = int(math.isqrt(MAX_PROFILES)) + 1
    with pytest.raises(ValueError, match=rf"{k} × {k} = {k * k} profiles"):
        stationary_profiles(np.ones((k, k)), np.ones((k, k)), 5, 5, 0.1)
    assert stationary_profiles(np.ones((1, 1)), np.ones((1, 1)), 5, 5, 0.1).tolist() == [[1.0]]


# ------------------------------------------------------------------ ecological dynamics


def test_replicator_map_two_steps_by_hand():
    a = np.array([[3.0, 1.0], [2.0, 2.0]])
    b = np.array([[1.0, 2.0], [4.0, 0.0]])
    # x0 = (1/2, 1/2), y0 = (1/4, 3/4).
    # t=1: u = (3/2, 2) → x ∝ (3/4, 1) = (3/7, 4/7); v = (3/2, 2) → y ∝ (3/8, 3/2) = (1/5, 4/5)
    # t=2: u = (7/5, 2) → x ∝ (3/5, 8/7) = (21/61, 40/61);
    #      v = (11/7, 12/7) → y ∝ (11/35, 48/35) = (11/59, 48/59)
    h_a, h_b = ecological_dynamics(a, b, [2, 2], [1, 3], 2)
    assert np.allclose(h_a, [[1 / 2, 1 / 2], [3 / 7, 4 / 7], [21 / 61, 40 / 61]], rtol=1e-15)
    assert np.allclose(h_b, [[1 / 4, 3 / 4], [1 / 5, 4 / 5], [11 / 59, 48 / 59]], rtol=1e-15)
    frame = ecology_frame(h_a, h_b, ["x0", "x1"], ["y0", "y1"], roles=("leader", "public"))
    assert list(frame.columns) == ["role", "generation", "strategy", "share"]
    assert len(frame) == 12 and list(frame["role"][:6]) == ["leader"] * 6
    assert frame.iloc[-1]["share"] == h_b[2, 1] and frame.iloc[-1]["strategy"] == "y1"


def test_replicator_map_of_identical_populations_is_the_one_population_map():
    rng = np.random.default_rng(11)
    game = rng.uniform(0.0, 5.0, (4, 4))
    sizes = np.array([1.0, 2.0, 3.0, 4.0])
    rate = partial(evolution.fitness, selection_intensity=0.4)
    one = evolution.ecological_dynamics(game, sizes, 30, fitness=rate)
    h_a, h_b = ecological_dynamics(game, game, sizes, sizes, 30, fitness=rate)
    assert np.array_equal(h_a, one) and np.array_equal(h_b, one)  # bit for bit


def test_replicator_map_refuses_negative_fitness():
    with pytest.raises(ValueError, match="non-negative, got -1 for B payoff -1"):
        ecological_dynamics(np.ones((2, 2)), -np.ones((2, 2)), None, None, 3)


# ------------------------------------------------------------------ survival measures


def test_cooperation_survival_by_hand():
    pi = np.array([[0.1, 0.2], [0.3, 0.4]])
    c_a = np.array([[1.0, 0.5], [0.0, 0.25]])
    c_b = np.array([[0.8, 0.0], [0.6, 1.0]])  # c_b[j, i]
    x, y = np.array([0.25, 0.75]), np.array([0.5, 0.5])
    table = cooperation_survival(pi, x, y, c_a, c_b, roles=("receiving", "sending"))
    # row role: 0.1·1 + 0.2·0.5 + 0.3·0 + 0.4·0.25 = 0.3;
    #           0.125·1 + 0.125·0.5 + 0.375·0 + 0.375·0.25 = 0.28125
    # column role: 0.1·0.8 + 0.2·0.6 + 0.3·0 + 0.4·1 = 0.6;
    #           0.125·0.8 + 0.125·0.6 + 0.375·0 + 0.375·1 = 0.55
    assert list(table["role"]) == ["receiving", "sending"]
    assert table["stationary_cooperation_rate"].tolist() == pytest.approx([0.3, 0.6], rel=1e-15)
    assert table["ecological_cooperation_rate"].tolist() == pytest.approx([0.28125, 0.55],
                                                                          rel=1e-15)


# ------------------------------------------------------------------ Moran simulation


@pytest.mark.parametrize("role", ["A", "B"])
def test_moran_fixation_agrees_with_the_exact_invasion_probability(role):
    a = np.array([[2.0, 1.0, 3.0], [1.5, 2.0, 2.0]])
    b = np.array([[1.0, 2.0], [2.5, 1.0], [2.0, 3.0]])
    w, runs = 0.5, 20_000
    if role == "A":  # one mutant 0 among 9 residents 1, population B monomorphic at 2
        start_a, start_b, n = np.array([1, 9]), np.array([0, 0, 6]), 10
        exact = invasion_probabilities(a, b, 10, 6, w)[0][0, 1, 2]
    else:  # one mutant 1 among 7 residents 0, population A monomorphic at 1
        start_a, start_b, n = np.array([0, 5]), np.array([7, 1, 0]), 8
        exact = invasion_probabilities(a, b, 5, 8, w)[1][1, 0, 1]
    result = moran(a, b, start_a, start_b, w, np.random.default_rng(2024), runs=runs)
    assert result.fixated.all()
    if role == "A":
        assert np.all(result.counts_b == start_b)  # a monomorphic population stays so
        won = result.counts_a[:, 0] == n
    else:
        assert np.all(result.counts_a == start_a)
        won = result.counts_b[:, 1] == n
    z = (won.mean() - exact) / math.sqrt(exact * (1 - exact) / runs)
    assert abs(z) < 4, (won.mean(), exact, z)
    # and it is not the neutral 1/N
    assert abs(exact - 1 / n) > 8 * math.sqrt(exact * (1 - exact) / runs)


def test_moran_runs_are_reproducible_and_conserve_population_sizes():
    a = np.array([[2.0, 1.0], [1.0, 2.0]])
    b = np.array([[1.0, 2.0], [2.0, 1.0]])
    first = moran(a, b, [3, 2], [1, 3], 0.3, np.random.default_rng(5), runs=50, record=True)
    again = moran(a, b, [3, 2], [1, 3], 0.3, np.random.default_rng(5), runs=50, record=True)
    assert np.array_equal(first.history_a, again.history_a)
    assert np.array_equal(first.steps, again.steps)
    assert np.all(first.history_a.sum(axis=2) == 5) and np.all(first.history_b.sum(axis=2) == 4)
    assert np.array_equal(first.history_a[-1], first.counts_a)
    assert len(first.history_a) == first.steps.max() + 1
    assert first.fixated.all()
    assert np.all(((first.counts_a > 0).sum(axis=1) == 1) & ((first.counts_b > 0).sum(axis=1) == 1))
    # each step changes at most one population, by at most one member
    change = (np.abs(np.diff(first.history_a, axis=0)).sum(axis=2)
              + np.abs(np.diff(first.history_b, axis=0)).sum(axis=2))
    assert set(np.unique(change)) <= {0, 2}
    capped = moran(a, b, [3, 2], [1, 3], 0.3, np.random.default_rng(5), runs=50, max_steps=2)
    assert capped.steps.max() == 2 and not capped.fixated.all()
    with pytest.raises(ValueError, match="initial_a must be 2 non-negative integer counts"):
        moran(a, b, [1.5, 2], [1, 3], 0.3, np.random.default_rng(5))

