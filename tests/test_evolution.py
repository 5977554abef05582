"""Tests of tournaments.evolution: closed forms, hand iterations, axelrod's own processes."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tournaments.analysis.evolution import (
    ecological_dynamics,
    ecology_frame,
    fixation_matrix,
    fixation_probability,
    invasion_summary,
    log_fixation_matrix,
    ranking_sensitivity,
    stationary_ranking,
    transition_matrix,
)

# Payoffs per round of 5-turn matches (R=3, S=0, T=5, P=1), worked by hand:
# TFT–TFT: C,C every round → 3.  TFT–D: TFT plays C,D,D,D,D → (0 + 4·1)/5 = 0.8.
# D–TFT: (5 + 4·1)/5 = 1.8.  D–D: 1.  Cooperator gets 3 with TFT and itself, 0 against D;
# D gets 5 against Cooperator.
TFT, ALLD, ALLC = 0, 1, 2
FIVE_TURNS = np.array([
    [3.0, 0.8, 3.0],
    [1.8, 1.0, 5.0],
    [3.0, 0.0, 3.0],
])


def naive_rho(a: np.ndarray, n: int, w: float) -> float:
    """ρ = 1 / (1 + Σ_k Π_m f_res(m)/f_mut(m)) by direct products (fine for small N)."""
    total, prod = 1.0, 1.0
    for m in range(1, n):
        pi_mut = ((m - 1) * a[0, 0] + (n - m) * a[0, 1]) / (n - 1)
        pi_res = (m * a[1, 0] + (n - m - 1) * a[1, 1]) / (n - 1)
        prod *= (1 - w + w * pi_res) / (1 - w + w * pi_mut)
        total += prod
    return 1.0 / total


@pytest.fixture(scope="module")
def axl():
    from tournaments._axelrod import load

    return load()


# ------------------------------------------------------------------ fixation probabilities


@pytest.mark.parametrize("n", [2, 3, 10, 100, 1000])
def test_neutral_drift_is_exactly_one_over_n(n):
    # w = 0: every fitness is 1, so ρ = 1/N exactly whatever the payoffs
    assert fixation_probability([[3, 0], [5, 1]], n, 0.0) == 1.0 / n
    # equal payoffs at any w: neutral up to round-off in the payoff averages
    assert fixation_probability([[2.7, 2.7], [2.7, 2.7]], n, 0.8) == pytest.approx(1 / n,
                                                                                   rel=1e-12)


@pytest.mark.parametrize("r", [0.5, 0.9, 1.01, 1.5, 3.0])
@pytest.mark.parametrize("n", [2, 5, 20, 60])
@pytest.mark.parametrize("w", [0.1, 0.5, 1.0])
def test_constant_fitness_closed_form(r, n, w):
    # a_mm = a_mr = p gives π_mut = p in every state, a_rm = a_rr = 1 gives π_res = 1:
    # f_mut = 1 − w + w·p = r and f_res = 1 when p = 1 + (r − 1)/w.
    p = 1 + (r - 1) / w
    expected = (1 - 1 / r) / (1 - 1 / r**n)
    assert fixation_probability([[p, p], [1.0, 1.0]], n, w) == pytest.approx(expected, rel=1e-10)


def test_constant_fitness_far_below_egttools_cutoff():
    # r = 0.7, N = 1500: ρ = (1/r − 1) r^N / (1 − r^N) ≈ 1e-232, far below the 1e-7 at which
    # egttools returns 0; log space keeps it to full relative precision.
    r, n = 0.7, 1500
    log_expected = math.log(1 / r - 1) + n * math.log(r) - math.log1p(-(r**n))
    payoff = np.array([[r, r], [1.0, 1.0]])
    assert log_fixation_matrix(payoff, n, 1.0)[0, 1] == pytest.approx(log_expected, rel=1e-12)
    rho = fixation_probability(payoff, n, 1.0)
    assert 0 < rho < 1e-230
    assert rho == pytest.approx(math.exp(log_expected), rel=1e-10)
    # and the reverse invasion (r' = 1/0.7) is the finite-N Moran value 1 − 0.7, no overflow
    assert fixation_matrix(payoff, n, 1.0)[1, 0] == pytest.approx(1 - r, rel=1e-12)


def test_matches_direct_products_on_random_games():
    rng = np.random.default_rng(11)
    payoffs = rng.uniform(0, 5, size=(6, 6))
    for n, w in [(2, 1.0), (7, 0.3), (25, 0.9)]:
        rho = fixation_matrix(payoffs, n, w)
        for i in range(6):
            for j in range(6):
                if i != j:
                    sub = payoffs[np.ix_([i, j], [i, j])]
                    assert rho[i, j] == pytest.approx(naive_rho(sub, n, w), rel=1e-11)
        np.testing.assert_array_equal(np.diag(rho), 1 / n)


def test_resident_fitness_read_from_the_mirror_is_the_computed_one(monkeypatch):
    """With whole matrices in a block the residents' log fitness is read off the mutants'
    (π_res(i, j, m) = π_mut(j, i, N − m)); with a block of one mutant row it is computed: the
    same bits, under both rules, for a single matrix and a stack."""
    from tournaments.analysis import evolution

    payoffs = np.random.default_rng(12).uniform(-0.5, 5, size=(3, 5, 5))
    cases = [(payoffs, 15, 0.4, "moran"), (payoffs[1] + 0.5, 9, 1.0, "moran"),
             (payoffs, 15, 2.5, "fermi")]
    mirrored = [(fixation_matrix(p, n, w, rule=r), log_fixation_matrix(p, n, w, rule=r))
                for p, n, w, r in cases]
    monkeypatch.setattr(evolution, "_BLOCK_CELLS", 1)  # one mutant row a block
    for (p, n, w, r), (rho, log_rho) in zip(cases, mirrored, strict=True):
        np.testing.assert_array_equal(fixation_matrix(p, n, w, rule=r), rho)
        np.testing.assert_array_equal(log_fixation_matrix(p, n, w, rule=r), log_rho)


def test_row_sum_adds_as_numpy_adds_a_row():
    """The fixations' sums over mutant counts, taken along the first axis, give each column
    the bits NumPy's sum gives the same values laid out as a contiguous row."""
    from tournaments.analysis.evolution import _row_sum

    rng = np.random.default_rng(8)
    for n in [*range(1, 40), 64, 127, 128, 129, 200, 257, 999]:
        values = rng.normal(size=(n, 3, 5)) * 10.0 ** rng.integers(-8, 8, (n, 3, 5))
        values[:, 0, 0] = -0.0  # a sum of −0.0 is 0.0
        mine = _row_sum(values)
        numpys = np.ascontiguousarray(np.moveaxis(values, 0, -1)).sum(-1)
        assert np.array_equal(mine.view(np.int64), numpys.view(np.int64)), n


def test_ecology_without_history_is_the_last_generation():
    payoffs = np.random.default_rng(4).uniform(0, 5, size=(6, 4, 4))
    counts = np.arange(24, dtype=float).reshape(6, 4) % 5 + 1
    for stack, sizes in ((payoffs, counts), (payoffs[2], counts[2])):
        full = ecological_dynamics(stack, sizes, 30, fitness=lambda u: 0.7 + 0.3 * u)
        last = ecological_dynamics(stack, sizes, 30, fitness=lambda u: 0.7 + 0.3 * u,
                                   history=False)
        np.testing.assert_array_equal(last, full[..., -1, :])


def test_tft_against_defector_by_hand():
    # N = 2: one of each, π_mut = a_ij, π_res = a_ji: ρ = f_mut / (f_mut + f_res).
    # w = 1: D invading TFT: 1.8 / (1.8 + 0.8) = 9/13.
    rho = fixation_matrix(FIVE_TURNS[:2, :2], 2, 1.0)
    assert rho[ALLD, TFT] == pytest.approx(9 / 13, rel=1e-14)
    assert rho[TFT, ALLD] == pytest.approx(4 / 13, rel=1e-14)
    # N = 3, w = 1, D invading TFT: m = 1: π_D = 1.8, π_TFT = (0.8 + 3)/2 = 1.9;
    # m = 2: π_D = (1 + 1.8)/2 = 1.4, π_TFT = 0.8. ρ = 1/(1 + 1.9/1.8 + 1.9·0.8/(1.8·1.4)).
    expected = 1 / (1 + 1.9 / 1.8 + (1.9 * 0.8) / (1.8 * 1.4))
    assert fixation_matrix(FIVE_TURNS[:2, :2], 3, 1.0)[ALLD, TFT] == pytest.approx(expected)


def test_non_positive_fitness_is_an_error():
    with pytest.raises(ValueError, match=r"1 − w \+ w·π must be positive"):
        fixation_matrix([[3.0, -5.0], [5.0, 1.0]], 10, 0.5)
    # w = 1 and a payoff of 0 makes a fitness of exactly 0
    with pytest.raises(ValueError, match="mutant fitness is 0"):
        fixation_probability([[3.0, 0.0], [5.0, 1.0]], 10, 1.0)
    with pytest.raises(ValueError, match="selection_intensity"):
        fixation_probability([[3.0, 0.0], [5.0, 1.0]], 10, 1.5)
    with pytest.raises(ValueError, match="population_size"):
        fixation_probability([[3.0, 0.0], [5.0, 1.0]], 1, 0.5)


def test_fermi_rule_closed_form():
    # pairwise comparison: T−/T+ = exp(−β(π_mut − π_res)); constant payoff gap d gives the
    # Moran form with r = exp(β·d).
    beta, d, n = 0.7, 1.3, 12
    r = math.exp(beta * d)
    rho = fixation_matrix([[1 + d, 1 + d], [1.0, 1.0]], n, beta, rule="fermi")[0, 1]
    assert rho == pytest.approx((1 - 1 / r) / (1 - 1 / r**n), rel=1e-12)
    with pytest.raises(ValueError, match="rule"):
        fixation_matrix([[1.0]], 5, 0.1, rule="wright-fisher")


# ------------------------------------------------------------------ small-mutation chain


def test_two_strategy_stationary_balance():
    # π_0 ρ_10 = π_1 ρ_01 (flow out of 0 equals flow into 0): π_0 = ρ_01 / (ρ_01 + ρ_10).
    rho = fixation_matrix(FIVE_TURNS[:2, :2], 6, 1.0)
    weight = stationary_ranking(rho, 6)
    expected_tft = rho[TFT, ALLD] / (rho[TFT, ALLD] + rho[ALLD, TFT])
    np.testing.assert_allclose(weight, [expected_tft, 1 - expected_tft], rtol=1e-13)


def test_three_state_chain_tree_formula_with_tiny_rates():
    # Markov chain tree theorem: π_i ∝ Σ over spanning trees into i of the product of rates.
    # q[a, b] = rate a → b = ρ[b, a]; rates spanning 300 orders of magnitude.
    rho = np.array([
        [0.0, 1e-250, 3e-4],
        [2e-3, 0.0, 1e-120],
        [5e-200, 0.4, 0.0],
    ])
    q = rho.T
    trees = np.array([
        q[1, 0] * q[2, 0] + q[1, 2] * q[2, 0] + q[2, 1] * q[1, 0],
        q[0, 1] * q[2, 1] + q[0, 2] * q[2, 1] + q[2, 0] * q[0, 1],
        q[0, 2] * q[1, 2] + q[0, 1] * q[1, 2] + q[1, 0] * q[0, 2],
    ])
    expected = trees / trees.sum()
    np.testing.assert_allclose(stationary_ranking(rho), expected, rtol=1e-12)
    assert stationary_ranking(rho)[1] > 0  # ~1e-120: kept, not rounded to 0


def test_stationary_is_left_eigenvector_at_k_100():
    rng = np.random.default_rng(5)
    payoffs = rng.uniform(0, 5, size=(100, 100))
    rho = fixation_matrix(payoffs, 100, 1.0)
    assert rho[rho > 0].min() < 1e-100  # plenty of tiny probabilities
    weight = stationary_ranking(rho, 100)
    p = transition_matrix(rho)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    assert weight.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(weight @ p, weight, atol=1e-15)


def test_log_path_equals_plain_path_and_survives_underflow():
    rng = np.random.default_rng(8)
    payoffs = rng.uniform(0, 5, size=(12, 12))
    np.testing.assert_allclose(
        stationary_ranking(log_fixation_matrix(payoffs, 50, 0.7), 50, log=True),
        stationary_ranking(fixation_matrix(payoffs, 50, 0.7), 50), rtol=1e-12)
    # r = 0.5, N = 2000: ρ ≈ 0.5^2000 ≈ 1e-602 underflows float64, its log does not
    payoff = np.array([[0.5, 0.5], [1.0, 1.0]])
    assert fixation_matrix(payoff, 2000, 1.0)[0, 1] == 0.0
    log_rho = log_fixation_matrix(payoff, 2000, 1.0)
    assert log_rho[0, 1] == pytest.approx(2000 * math.log(0.5), rel=1e-12)
    with pytest.raises(ValueError, match="log=True"):
        stationary_ranking(fixation_matrix(payoff, 2000, 1.0))
    np.testing.assert_array_equal(stationary_ranking(log_rho, log=True), [0.0, 1.0])


def test_reducible_chain_is_an_error():
    rho = np.array([[0.1, 0.0], [0.0, 0.1]])  # neither strategy can ever invade the other
    with pytest.raises(ValueError, match="reducible"):
        stationary_ranking(rho)


def test_invasion_summary_tft_defector_cooperator():
    # N = 6, w = 0.5 (ρ from the 5-turn payoffs): D invades Cooperator; D → TFT is 0.1209 and
    # TFT → D 0.1579, both below 1/6; TFT and Cooperator are neutral to each other (ρ = 1/6).
    # (At w = 1 a Cooperator among Defectors has fitness 1 − 1 + 1·0 = 0: an error.)
    rho = fixation_matrix(FIVE_TURNS, 6, 0.5)
    assert rho[ALLD, TFT] == pytest.approx(naive_rho(FIVE_TURNS[np.ix_([1, 0], [1, 0])], 6, 0.5))
    assert rho[ALLD, TFT] == pytest.approx(0.12088875052489235, rel=1e-12)
    assert rho[TFT, ALLD] == pytest.approx(0.1579393779610196, rel=1e-12)
    assert rho[TFT, ALLC] == pytest.approx(1 / 6, rel=1e-12)
    summary = invasion_summary(rho, 6, labels=["TFT", "Defector", "Cooperator"])
    assert list(summary.columns) == ["strategy", "invades", "resists", "stationary_weight",
                                     "stationary_rank"]
    assert summary["invades"].tolist() == [0, 1, 0]
    assert summary["resists"].tolist() == [2, 2, 1]
    assert summary["stationary_weight"].sum() == pytest.approx(1.0)
    np.testing.assert_allclose(summary["stationary_weight"], stationary_ranking(rho, 6))
    assert summary.loc[summary["stationary_rank"] == 1, "strategy"].tolist() == ["Defector"]


def test_ranking_sensitivity_is_tidy_and_neutral_at_zero():
    frame = ranking_sensitivity(FIVE_TURNS, 6, [0.0, 0.5, 0.9], labels=["TFT", "D", "C"])
    assert list(frame.columns) == ["selection_intensity", "strategy", "stationary_weight", "rank"]
    assert len(frame) == 9
    neutral = frame[frame["selection_intensity"] == 0.0]
    np.testing.assert_allclose(neutral["stationary_weight"], 1 / 3, rtol=1e-12)
    assert neutral["rank"].tolist() == [1, 1, 1]
    for w, group in frame.groupby("selection_intensity"):
        np.testing.assert_allclose(
            group["stationary_weight"], stationary_ranking(fixation_matrix(FIVE_TURNS, 6, w)),
            rtol=1e-10)
        assert group["stationary_weight"].sum() == pytest.approx(1.0)


# ------------------------------------------------------------------ ecological dynamics


def test_replicator_by_hand():
    # PD C vs D, shares (1/2, 1/2):
    # gen 1: u_C = 3·½ + 0·½ = 1.5, u_D = 5·½ + 1·½ = 3; x ∝ (0.75, 1.5) → (1/3, 2/3).
    # gen 2: u_C = 3·⅓ = 1, u_D = 5·⅓ + 1·⅔ = 7/3; x ∝ (1/3, 14/9) → (3/17, 14/17).
    history = ecological_dynamics(np.array([[3.0, 0.0], [5.0, 1.0]]), [1, 1], 2)
    np.testing.assert_allclose(history, [[0.5, 0.5], [1 / 3, 2 / 3], [3 / 17, 14 / 17]],
                               rtol=1e-14)


def test_replicator_three_strategies_by_hand():
    # TFT, D, Cooperator with the 5-turn payoffs from equal shares (⅓ each):
    # u_TFT = (3 + 0.8 + 3)/3 = 6.8/3, u_D = (1.8 + 1 + 5)/3 = 7.8/3, u_C = (3 + 0 + 3)/3 = 6/3;
    # x' ∝ (6.8, 7.8, 6) / 20.6.
    history = ecological_dynamics(FIVE_TURNS, None, 1)
    np.testing.assert_allclose(history[1], np.array([6.8, 7.8, 6.0]) / 20.6, rtol=1e-14)


def _ecosystem_history(axl, results, population, generations):
    ecosystem = axl.Ecosystem(results, population=population)
    ecosystem.reproduce(generations)
    return np.array(ecosystem.population_sizes)


def test_matches_axelrod_ecosystem_on_a_fake_result_set(axl):
    rng = np.random.default_rng(3)
    payoffs = rng.uniform(0, 5, size=(4, 4))
    fake = SimpleNamespace(num_players=4, payoff_matrix=payoffs.tolist(),
                           payoff_stddevs=np.zeros((4, 4)).tolist())
    population = [3, 1, 4, 1]
    expected = _ecosystem_history(axl, fake, population, 60)
    np.testing.assert_array_equal(ecological_dynamics(payoffs, population, 60), expected)


def test_matches_axelrod_ecosystem_on_a_real_tournament(axl):
    players = [axl.TitForTat(), axl.Defector(), axl.Cooperator(), axl.Grudger()]
    results = axl.Tournament(players, turns=5, repetitions=1, seed=1).play(progress_bar=False)
    payoffs = np.array(results.payoff_matrix)
    # the 5-turn values worked above, read back from axelrod (self-play on the diagonal)
    np.testing.assert_allclose(payoffs[:3, :3], FIVE_TURNS, rtol=1e-12)
    assert np.all(np.array(results.payoff_stddevs) == 0)
    expected = _ecosystem_history(axl, results, None, 40)
    np.testing.assert_array_equal(ecological_dynamics(payoffs, None, 40), expected)


def test_ecology_frame_is_tidy():
    history = ecological_dynamics(np.array([[3.0, 0.0], [5.0, 1.0]]), [1, 1], 2)
    frame = ecology_frame(history, ["C", "D"])
    assert list(frame.columns) == ["generation", "strategy", "share"]
    assert frame["generation"].tolist() == [0, 0, 1, 1, 2, 2]
    assert frame["strategy"].tolist() == ["C", "D"] * 3
    assert frame["share"].tolist() == history.ravel().tolist()
    pd.testing.assert_series_equal(frame.groupby("generation")["share"].sum(),
                                   pd.Series([1.0, 1.0, 1.0], name="share",
                                             index=pd.Index([0, 1, 2], name="generation")))


def test_ecological_errors():
    with pytest.raises(ValueError, match="non-negative"):
        ecological_dynamics(np.eye(2), [1, -1], 3)
    with pytest.raises(ValueError, match="fitness must be non-negative"):
        ecological_dynamics(np.array([[1.0, -3.0], [0.0, 1.0]]), [1, 1], 3)


# ------------------------------------------------------------------ properties


def _square_matrix(k, low, high):
    return arrays(np.float64, (k, k), elements=st.floats(low, high, allow_nan=False))


@st.composite
def games(draw, low=0.01, high=10.0, max_k=6):
    k = draw(st.integers(2, max_k))
    return draw(_square_matrix(k, low, high))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), payoffs=games(low=0.0, high=5.0), generations=st.integers(0, 40))
def test_shares_sum_to_one_every_generation(data, payoffs, generations):
    k = payoffs.shape[0]
    shares = data.draw(arrays(np.float64, k, elements=st.floats(0, 10)))
    shares[data.draw(st.integers(0, k - 1))] += 1.0  # at least one positive
    history = ecological_dynamics(payoffs + 0.01, shares, generations)
    assert history.shape == (generations + 1, k)
    assert np.all(history >= 0)
    np.testing.assert_allclose(history.sum(axis=1), 1.0, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), payoffs=games(), n=st.integers(2, 60), w=st.floats(0, 1))
def test_stationary_ranking_permutes_with_the_roster(data, payoffs, n, w):
    k = payoffs.shape[0]
    perm = np.array(data.draw(st.permutations(range(k))))
    weight = stationary_ranking(fixation_matrix(payoffs, n, w), n)
    permuted = stationary_ranking(fixation_matrix(payoffs[np.ix_(perm, perm)], n, w), n)
    np.testing.assert_allclose(permuted, weight[perm], rtol=1e-9, atol=1e-300)


@settings(max_examples=60, deadline=None)
@given(payoffs=games(high=50.0), n=st.integers(2, 500), w=st.floats(0, 1),
       rule=st.sampled_from(["moran", "fermi"]))
def test_fixation_matrix_entries_are_probabilities(payoffs, n, w, rule):
    rho = fixation_matrix(payoffs, n, w, rule=rule)
    assert rho.shape == payoffs.shape
    assert np.all(np.isfinite(rho))
    assert np.all((rho >= 0) & (rho <= 1))
    np.testing.assert_array_equal(np.diag(rho), 1 / n)


# ------------------------------------------------------------------ axelrod's MoranProcess

MORAN_N = 6
MORAN_W = 1.0
MORAN_RUNS = 600


@pytest.mark.slow
def test_tft_against_defector_matches_axelrod_moran_process(axl):
    """One Defector among 5 TFTs, 5-turn matches, axelrod's Moran process vs exact ρ.

    axelrod scores each player by Σ_{others} (match score / turns), i.e. (N − 1)·π with π the
    payoff per round against the others, and reproduces proportionally to
    ``fitness_transformation(score)`` with uniform death (parent included). Passing
    ``score ↦ 1 − w + w·score/(N − 1)`` gives exactly fitness 1 − w + w·π; which individual
    dies does not change T−/T+, so the fixation probability is the exact ρ.
    """
    n, w = MORAN_N, MORAN_W
    rho = fixation_matrix(FIVE_TURNS[:2, :2], n, w)[ALLD, TFT]
    assert rho == pytest.approx(0.10351851579924176, rel=1e-12)

    def transformation(score):
        return 1 - w + w * score / (n - 1)

    # one cache for all runs: both players are deterministic and distinctly named, so sharing
    # changes no outcome (checked: same winners, same lengths) and saves about a third
    cache = axl.DeterministicCache()
    wins = 0
    for seed in range(MORAN_RUNS):
        players = [axl.Defector()] + [axl.TitForTat() for _ in range(n - 1)]
        process = axl.MoranProcess(players, turns=5, seed=seed, deterministic_cache=cache,
                                   fitness_transformation=transformation)
        process.play()
        wins += process.winning_strategy_name == "Defector"
    p_hat = wins / MORAN_RUNS
    z = (p_hat - rho) / math.sqrt(rho * (1 - rho) / MORAN_RUNS)
    print(f"axelrod MoranProcess: p̂ = {p_hat:.4f} over {MORAN_RUNS} runs, ρ = {rho:.4f}, "
          f"z = {z:.2f}")
    assert abs(z) < 3.5, f"p̂ = {p_hat:.4f}, ρ = {rho:.4f}, z = {z:.2f}"
