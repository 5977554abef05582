"""The exact solver (tournaments.engines.exact): closed forms, the literature, and axelrod
simulation.

Payoffs are those of the migration Prisoner's Dilemma, (R, S, T, P) = (3, 0, 5, 1), unless a test
says otherwise. "Per round" is the limit of the ratio estimator: Σ δ^t E[x_t] / Σ δ^t over the
rounds t < T; a seat's own valuation ``discounted_payoff`` weights round t by (δγ)^t.
"""

from __future__ import annotations

import numpy as np
import pytest

from strategies.suasion import Suasion
from tournaments._axelrod import load
from tournaments.analysis.intervals import ratio_sampling
from tournaments.engines import exact
from tournaments.engines.exact import (
    finite_state_form,
    memory_one_form,
    pairwise_frame,
    solve_grid,
    solve_pair,
    solve_tournament,
)
from tournaments.model.accounting import MATCH_FIELDS, score_actions
from tournaments.model.automaton import FiniteStateForm, Partner
from tournaments.model.games import builtin, symmetric_game

axl = load()
C, D = axl.Action.C, axl.Action.D
PD = builtin("prisoners_dilemma")
R, S, T, P = 3.0, 0.0, 5.0, 1.0


def form(player, **kw):
    f = finite_state_form(player, **kw)
    assert f is not None
    return f


TFT, ALLD, GRIM = form(axl.TitForTat()), form(axl.Defector()), form(axl.Grudger())
ALT, WSLS = form(axl.Alternator()), form(axl.WinStayLoseShift())


# --- hand-computed matches -------------------------------------------------------------------

def test_tft_vs_defector_fixed_turns():
    # TFT: (C, D) once, then (D, D): seat 0 gets S + (n-1)P, the defector T + (n-1)P.
    res = solve_pair(TFT, ALLD, PD, turns=10)
    np.testing.assert_allclose(res.mean_payoff, [(S + 9 * P) / 10, (T + 9 * P) / 10])
    np.testing.assert_allclose(res.cooperation_rate, [0.1, 0.0])
    np.testing.assert_allclose(res.mutual_cooperation_rate, [0.0, 0.0])
    np.testing.assert_allclose(res.gross_payoff, res.mean_payoff)
    np.testing.assert_allclose(res.paid, [0.0, 0.0])


def test_tft_vs_defector_discounted_fixed_turns():
    # δ = 1, n = 10 turns, TFT discounts by γ = 0.8: (S + P Σ_{t=1}^{9} γ^t) / Σ_{t<10} γ^t.
    g, n = 0.8, 10
    res = solve_pair(TFT, ALLD, PD, turns=n, discounts=(g, 1.0))
    weights = g ** np.arange(n)
    expected = (S + P * weights[1:].sum()) / weights.sum()
    np.testing.assert_allclose(res.discounted_payoff, [expected, (T + 9 * P) / 10])
    # the common yardstick is undiscounted: γ changes only the state's own valuation
    np.testing.assert_allclose(res.mean_payoff, [(S + 9 * P) / 10, (T + 9 * P) / 10])
    np.testing.assert_allclose(res.gross_payoff, res.mean_payoff)
    np.testing.assert_allclose(res.cooperation_rate, [0.1, 0.0])


def test_tft_vs_defector_continuation_and_noise():
    # With noise ε, TFT realises C with prob 1-ε in round 0 and 2ε(1-ε) afterwards (it
    # intends C iff the defector's last realised action was C, prob ε), independently of the
    # defector's realised action (C with prob ε). Per round: (1-δ) u_0 + δ u_1.
    delta, eps = 0.9, 0.05
    u_c = (1 - eps) * S + eps * R  # TFT realises C
    u_d = (1 - eps) * P + eps * T  # TFT realises D
    q0, q1 = 1 - eps, 2 * eps * (1 - eps)
    u0, u1 = q0 * u_c + (1 - q0) * u_d, q1 * u_c + (1 - q1) * u_d
    res = solve_pair(TFT, ALLD, PD, continuation=delta, noise=eps)
    assert res.mean_payoff[0] == pytest.approx((1 - delta) * u0 + delta * u1, abs=1e-12)
    assert res.mean_payoff[0] == pytest.approx(1.0105, abs=5e-5)  # axelrod's mean: 0.871
    assert res.cooperation_rate[0] == pytest.approx((1 - delta) * q0 + delta * q1)
    assert res.cooperation_rate[1] == pytest.approx(eps)


def test_grim_vs_alternator():
    # Rounds: (C,C), (C,D), then Grim defects for ever while Alternator plays C, D, C, ...:
    # Grim gets R, S, T, P, T, P, ...; Alternator R, T, S, P, S, P, ...
    res = solve_pair(GRIM, ALT, PD, turns=10)
    np.testing.assert_allclose(res.mean_payoff, [(R + S + 4 * T + 4 * P) / 10,
                                                 (R + T + 4 * S + 4 * P) / 10])
    np.testing.assert_allclose(res.cooperation_rate, [0.2, 0.5])
    np.testing.assert_allclose(res.mutual_cooperation_rate, [0.1, 0.1])
    # Continuation δ: (1-δ)[R + δS + Σ_{k≥1} (δ^{2k} T + δ^{2k+1} P)]
    #               = (1-δ)(R + δS) + (δ²T + δ³P) / (1+δ), and symmetrically for Alternator.
    d = 0.9
    res = solve_pair(GRIM, ALT, PD, continuation=d)
    grim = (1 - d) * (R + d * S) + (d**2 * T + d**3 * P) / (1 + d)
    alt = (1 - d) * (R + d * T) + (d**2 * S + d**3 * P) / (1 + d)
    np.testing.assert_allclose(res.mean_payoff, [grim, alt], rtol=1e-12)
    # Alternator cooperates in even rounds: (1-δ) Σ δ^{2k} = 1/(1+δ)
    assert res.cooperation_rate[1] == pytest.approx(1 / (1 + d))


def test_asymmetric_game_seats():
    # leader_leads: row Leader A = [[3,3],[2,2]], column Public B = [[3,4],[1,2]]
    game = builtin("leader_leads")
    res = solve_pair(form(axl.Cooperator()), form(axl.Defector()), game, turns=5)
    np.testing.assert_allclose(res.mean_payoff, [3.0, 4.0])


# --- the shadow of the future ----------------------------------------------------------------

def one_shot_deviation(k: int) -> FiniteStateForm:
    """Grim trigger (punishes any realised defection, own or partner's) that defects once, in
    round ``k``. States 0..k-1 count cooperative rounds, k is the deviation, k+1 punishment."""
    n = k + 2
    coop = np.ones(n)
    coop[k] = coop[k + 1] = 0.0
    transition = np.zeros((n, 2, 2, n))
    transition[:, :, :, k + 1] = 1.0  # any defection, and the deviation itself: punish
    for s in range(k):
        transition[s, 0, 0] = np.eye(n)[s + 1]
    initial = np.eye(n)[0]
    return FiniteStateForm(initial=initial, coop_prob=coop, transition=transition)


@pytest.mark.parametrize("payoffs", [(3, 0, 5, 1), (3, 0, 6, 1), (4, 1, 5, 0)])
@pytest.mark.parametrize("k", [0, 3])
def test_critical_continuation_of_grim(payoffs, k):
    # Against Grim, cooperating for ever gives R per round; deviating once in round k gives the
    # same until k, then T, then P for ever. Equal weights before k, so the deviation pays iff
    # (1-δ)T + δP > R, i.e. iff δ < δ* = (T-R)/(T-P) (Fudenberg & Tirole 1991, ch. 5).
    r, s, t, p = payoffs
    game = symmetric_game("pd", r, s, t, p)
    critical = (t - r) / (t - p)
    deviator = one_shot_deviation(k)
    for delta, stable in ((critical + 1e-3, True), (critical - 1e-3, False)):
        stay = solve_pair(GRIM, GRIM, game, continuation=delta).mean_payoff[0]
        deviate = solve_pair(deviator, GRIM, game, continuation=delta).mean_payoff[0]
        assert stay == pytest.approx(r)
        assert bool(stay >= deviate) is stable
        if k == 0:
            assert deviate == pytest.approx((1 - delta) * t + delta * p)
    at = solve_pair(deviator, GRIM, game, continuation=critical).mean_payoff[0]
    assert at == pytest.approx(r, abs=1e-12)


def test_tft_and_wsls_under_noise_in_the_long_run():
    # TFT vs TFT with noise: the realised outcome is swapped and flipped each round, a doubly
    # stochastic chain: uniform in the long run, (R+S+T+P)/4 = 2.25 per round.
    eps = 0.01
    for kw in ({"continuation": 1 - 1e-8}, {"continuation": 1.0, "turns": 10**7}):
        res = solve_pair(TFT, TFT, PD, noise=eps, **kw)
        np.testing.assert_allclose(res.mean_payoff, 2.25, atol=1e-4)
    # WSLS vs WSLS (Nowak & Sigmund 1993): both intend C after CC or DD, D after CD or DC, so
    # the next outcome is "mixed" (CD/DC) with probability b = 2ε(1-ε) from every state and the
    # long-run shares are CC (1-b)(1-ε)² + bε², DD (1-b)ε² + b(1-ε)², CD = DC = b/2.
    b = 2 * eps * (1 - eps)
    cc = (1 - b) * (1 - eps) ** 2 + b * eps**2
    dd = (1 - b) * eps**2 + b * (1 - eps) ** 2
    expected = R * cc + P * dd + (S + T) * b / 2
    res = solve_pair(WSLS, WSLS, PD, noise=eps, continuation=1 - 1e-9)
    np.testing.assert_allclose(res.mean_payoff, expected, atol=1e-6)
    assert expected > R - 0.06  # stays close to R, while TFT falls to 2.25
    np.testing.assert_allclose(res.mutual_cooperation_rate, cc, atol=1e-6)


# --- payments ----------------------------------------------------------------------------

def test_suasion_pays_for_cooperation():
    pay, eta = 1.5, 0.5
    suasion = form(Suasion(payment=pay))
    res = solve_pair(suasion, TFT, PD, turns=20, transfer_efficiency=eta)
    np.testing.assert_allclose(res.paid, [pay, 0.0])
    np.testing.assert_allclose(res.received, [0.0, eta * pay])
    np.testing.assert_allclose(res.mean_payoff, [R - pay, R + eta * pay])
    # With noise both play TFT: x_t = P(a seat realises C in round t) solves
    # x_{t+1} = ε + (1-2ε) x_t, x_0 = 1-ε, so x_t = 1/2 + (1/2-ε)(1-2ε)^t and with weights c^t
    # f(c) = (1-c) Σ c^t x_t = 1/2 + (1/2-ε)(1-c)/(1-c(1-2ε)). Suasion pays pay·x_t each round
    # (c = δ: rounds weigh equally whatever the states' γ); TFT receives η times that.
    eps, delta, g0, g1 = 0.05, 0.9, 0.95, 0.8

    def f(c):
        return 0.5 + (0.5 - eps) * (1 - c) / (1 - c * (1 - 2 * eps))

    res = solve_pair(suasion, TFT, PD, noise=eps, continuation=delta, discounts=(g0, g1),
                     transfer_efficiency=eta)
    assert res.paid[0] == pytest.approx(pay * f(delta), abs=1e-12)
    assert res.received[1] == pytest.approx(eta * pay * f(delta), abs=1e-12)
    np.testing.assert_allclose(res.cooperation_rate, f(delta), atol=1e-12)
    # a state's own valuation weights round t by (δγ)^t; the chain of play does not depend on
    # δ, so it equals the net payoff per round of the same pair at continuation δγ
    same = solve_pair(suasion, TFT, PD, noise=eps, continuation=delta * g1,
                      transfer_efficiency=eta)
    assert res.discounted_payoff[1] == pytest.approx(same.mean_payoff[1], abs=1e-12)
    net = res.gross_payoff - res.paid + res.received - res.sanction_cost - res.sanction_suffered
    np.testing.assert_allclose(res.mean_payoff, net)


# --- finite-state forms ------------------------------------------------------------------

def test_forms_of_axelrod_players():
    four = (0.9, 0.1, 0.6, 0.3)
    f = form(axl.MemoryOnePlayer(four_vector=four, initial=D))
    np.testing.assert_allclose(f.coop_prob, [0.0, *four])
    assert form(axl.Random(0.3)).coop_prob.tolist() == [0.3]
    assert form(axl.TitFor2Tats()).n_states == 3
    assert form(axl.Fortress3()).n_states > 1
    # zero-determinant four-vectors come from the game the match passes to the player
    soft = symmetric_game("pd", 3.0, 0.0, 4.0, 1.0)
    zd = axl.ZDGTFT2()
    zd.set_match_attributes(game=soft.to_axelrod())
    expected = [zd._four_vector[k] for k in ((C, C), (C, D), (D, C), (D, D))]
    np.testing.assert_allclose(form(axl.ZDGTFT2(), game=soft).coop_prob[1:], expected)
    assert not np.allclose(form(axl.ZDGTFT2()).coop_prob[1:], expected)
    # GTFT's generosity min(1 - (T-R)/(R-S), (R-P)/(T-P)) is fixed from axelrod's default game
    # when the player is built, and a match does not change it
    assert form(axl.GTFT(), game=soft).coop_prob[2] == pytest.approx(1 / 3)
    # not finite-state (or overriding the machine's strategy): None
    assert finite_state_form(axl.SecondByMikkelson()) is None
    assert finite_state_form(axl.Adaptive()) is None
    # memory_one_form is the five-state chain of the literature
    np.testing.assert_allclose(memory_one_form((1, 0, 1, 0), 1.0).coop_prob, [1, 1, 0, 1, 0])


def test_memory_one_form_matches_classic_form():
    # TFT as a five-state memory-one form and as its two-state form: same numbers
    tft5 = memory_one_form((1, 0, 1, 0), 1.0)
    gtft = form(axl.GTFT())
    a = solve_pair(tft5, gtft, PD, noise=0.03, continuation=0.8, turns=30, discounts=(0.9, 1))
    b = solve_pair(TFT, gtft, PD, noise=0.03, continuation=0.8, turns=30, discounts=(0.9, 1))
    for col in exact.COLUMNS:
        np.testing.assert_allclose(a[col], b[col], atol=1e-12)


# --- vectorised paths --------------------------------------------------------------------

def test_tournament_and_grid_agree_with_pairs(monkeypatch):
    forms = [TFT, GRIM, form(axl.TitFor2Tats()), form(Suasion()), form(axl.GTFT()),
             form(axl.Fortress3())]
    discounts = [1.0, 0.9, 0.95, 1.0, 0.8, 1.0]
    pairs = [(i, j) for i in range(len(forms)) for j in range(len(forms))]
    deltas, noises = np.array([0.6, 0.95]), np.array([0.0, 0.02, 0.1])
    for turns in (None, 25):
        grid = solve_grid(forms, PD, pairs, continuations=deltas, noises=noises, turns=turns,
                          discounts=discounts, transfer_efficiency=0.7)
        assert grid.mean_payoff.shape == (2, 3, len(pairs), 2)
        for d, e in ((0, 1), (1, 2)):
            tour = solve_tournament(forms, PD, pairs, continuation=deltas[d], noise=noises[e],
                                    turns=turns, discounts=discounts, transfer_efficiency=0.7)
            for k in (1, 9, 20, 35):
                i, j = pairs[k]
                one = solve_pair(forms[i], forms[j], PD, continuation=deltas[d], noise=noises[e],
                                 turns=turns, discounts=(discounts[i], discounts[j]),
                                 transfer_efficiency=0.7)
                for col in exact.COLUMNS:
                    np.testing.assert_allclose(grid[col][d, e, k], one[col], atol=1e-12)
                    np.testing.assert_allclose(tour[col][k], one[col], atol=1e-12)
    # long fixed-length matches use binary doubling: same numbers as the round-by-round sum
    loop = solve_grid(forms, PD, pairs, continuations=[1.0, 0.97], noises=[0.05], turns=37,
                      discounts=discounts)
    monkeypatch.setattr(exact, "_LOOP_MAX_TURNS", 1)
    doubled = solve_grid(forms, PD, pairs, continuations=[1.0, 0.97], noises=[0.05], turns=37,
                         discounts=discounts)
    for col in exact.COLUMNS:
        np.testing.assert_allclose(doubled[col], loop[col], atol=1e-10)


def random_form(rng, n: int, *, deterministic: bool) -> FiniteStateForm:
    """An n-state automaton: random cooperation probabilities, moves and adjustments."""
    if deterministic:
        transition = np.eye(n)[rng.integers(n, size=(n, 2, 2))]
    else:
        transition = rng.dirichlet(np.full(n, 0.05), size=(n, 2, 2))
    return FiniteStateForm(initial=np.eye(n)[0], coop_prob=rng.random(n), transition=transition,
                           adjustments=rng.random((n, 2, 2, 3)))


def dense_net(fa: FiniteStateForm, fb: FiniteStateForm, noise: float, delta: float,
              turns: int | None, eta: float) -> float:
    """Seat 0's net payoff per round, from the definitions: the joint chain built state by
    state and outcome by outcome as a dense matrix, summed round by round (or solved)."""
    n, m = fa.n_states, fb.n_states
    M, x = np.zeros((n * m, n * m)), np.zeros(n * m)
    for i in range(n):
        for j in range(m):
            ra = fa.coop_prob[i] * (1 - noise) + (1 - fa.coop_prob[i]) * noise
            rb = fb.coop_prob[j] * (1 - noise) + (1 - fb.coop_prob[j]) * noise
            for a in (0, 1):
                for b in (0, 1):
                    p = (ra if a == 0 else 1 - ra) * (rb if b == 0 else 1 - rb)
                    mine, theirs = fa.adjustments[i, a, b], fb.adjustments[j, b, a]
                    x[i * m + j] += p * (PD.A[a, b] - mine[0] + eta * theirs[0] - mine[1]
                                         - theirs[2])
                    M[i * m + j] += p * np.outer(fa.transition[i, a, b],
                                                 fb.transition[j, b, a]).ravel()
    pi = np.outer(fa.initial, fb.initial).ravel()
    if turns is None:
        return float((1 - delta) * np.linalg.solve(np.eye(n * m) - delta * M.T, pi) @ x)
    total = weight = 0.0
    for t in range(turns):
        total, weight = total + delta**t * (pi @ x), weight + delta**t
        pi = pi @ M
    return total / weight


@pytest.mark.parametrize("deterministic", [True, False])
def test_large_chains_solved_sparse_agree_with_the_dense_chain(monkeypatch, deterministic):
    """Joint chains above _SPARSE_JOINT_STATES states are built and propagated sparse (dense
    again for a linear solve or beyond _LOOP_MAX_TURNS): the net payoff of the chain built
    from the definitions."""
    rng = np.random.default_rng(7)
    fa, fb = (random_form(rng, n, deterministic=deterministic) for n in (19, 17))
    assert fa.n_states * fb.n_states > exact._SPARSE_JOINT_STATES
    chains = []

    class Counted(exact._SparseChain):
        def __init__(self, K, w):
            chains.append(len(w))
            super().__init__(K, w)

    monkeypatch.setattr(exact, "_SparseChain", Counted)
    for turns, delta in ((40, 1.0), (40, 0.9), (None, 0.9), (2100, 0.999)):
        if turns == 2100:
            monkeypatch.setattr(exact, "_LOOP_MAX_TURNS", 2000)  # the doubling path, dense
        got = solve_pair(fa, fb, PD, noise=0.03, continuation=delta, turns=turns,
                         transfer_efficiency=0.8)
        want = dense_net(fa, fb, 0.03, delta, turns, 0.8)
        np.testing.assert_allclose(got.mean_payoff[0], want, rtol=1e-10)
    assert chains == [1, 1, 1, 1]  # every one of them took the sparse path


def test_each_pair_at_its_own_continuation_is_the_grid_bit_for_bit():
    """continuations of shape (n_δ, P): each pair at its own δ, pairs repeated at several δ
    (one chain each), and noises of shape (n_ε, P) as well, give each pair the grid's values
    at its δ and ε: bit for bit without a cap on
    the rounds (each value a linear solve of its own), to round-off with one (round-by-round
    sums, whose last bits depend on the batch)."""
    forms = [TFT, GRIM, form(axl.TitFor2Tats()), form(Suasion()), WSLS, ALLD]
    discounts = [1.0, 0.9, 1.0, 1.0, 0.8, 1.0]
    base = [(0, 1), (2, 3), (4, 4), (3, 0), (5, 2), (1, 1)]
    deltas, noises = [0.55, 0.8, 0.97], [0.0, 0.03]
    for turns in (None, 30):
        grid = solve_grid(forms, PD, base, continuations=deltas, noises=noises, turns=turns,
                          discounts=discounts, transfer_efficiency=0.6)
        # every pair at every δ (repeats), and a shuffled selection of (pair, δ) twice over
        rng = np.random.default_rng(5)
        chosen = [(k, d) for d in range(3) for k in range(len(base))]
        chosen += [chosen[i] for i in rng.permutation(len(chosen))[:10]]
        own = [[deltas[d] for k, d in chosen], [deltas[2 - d] for k, d in chosen]]
        mixed = solve_grid(forms, PD, [base[k] for k, _ in chosen], continuations=own,
                           noises=noises, turns=turns, discounts=discounts,
                           transfer_efficiency=0.6)
        assert mixed.values.shape == (2, 2, len(chosen), 2, len(exact.COLUMNS))
        same = (np.testing.assert_array_equal if turns is None else
                lambda a, b: np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15))
        for n, (k, d) in enumerate(chosen):
            same(mixed.values[0, :, n], grid.values[d, :, k])
            same(mixed.values[1, :, n], grid.values[2 - d, :, k])
        # each (pair, δ, ε) its own point: δ and ε of shape (1, P)
        points = [(k, d, e) for d in range(3) for e in range(2) for k in range(len(base))]
        points = [points[i] for i in rng.permutation(len(points))]
        alone = solve_grid(forms, PD, [base[k] for k, _, _ in points],
                           continuations=[[deltas[d] for _, d, _ in points]],
                           noises=[[noises[e] for _, _, e in points]], turns=turns,
                           discounts=discounts, transfer_efficiency=0.6)
        for n, (k, d, e) in enumerate(points):
            same(alone.values[0, 0, n], grid.values[d, e, k])
    with pytest.raises(ValueError, match="continuations"):
        solve_grid(forms, PD, base, continuations=[[0.5, 0.6]], noises=[0.0])
    with pytest.raises(ValueError, match="noises"):
        solve_grid(forms, PD, base, continuations=[0.5], noises=[[0.0, 0.1]])


def test_pairwise_frame_rows():
    forms = [TFT, ALLD]
    res = solve_tournament(forms, PD, turns=10)
    frame = pairwise_frame(res, None, ["TFT", "ALLD"])
    assert len(frame) == 4
    row = frame[(frame.player == "TFT") & (frame.opponent == "ALLD")].iloc[0]
    assert row.mean_payoff == pytest.approx(0.9)
    one_way = pairwise_frame(solve_tournament(forms, PD, [(0, 1)], turns=10), [(0, 1)],
                             ["TFT", "ALLD"])
    assert one_way[["player", "opponent"]].values.tolist() == [["TFT", "ALLD"], ["ALLD", "TFT"]]
    assert one_way.mean_payoff.tolist() == pytest.approx([0.9, 1.4])


def test_bad_parameters():
    with pytest.raises(ValueError, match="turns"):
        solve_pair(TFT, TFT, PD, continuation=1.0)
    with pytest.raises(ValueError, match="noise"):
        solve_pair(TFT, TFT, PD, noise=1.5, turns=3)
    with pytest.raises(ValueError, match="discounts"):
        solve_pair(TFT, TFT, PD, turns=3, discounts=(0.0, 1.0))


# --- agreement with axelrod simulation -------------------------------------------------------

def simulate(pa, pb, *, reps, noise, continuation, turns, discounts, eta, seed):
    """Per-repetition score_match rows of axelrod matches: (reps, 2, fields)."""
    kw = {"prob_end": 1 - continuation} if continuation < 1 else {}
    if turns:
        kw["turns"] = turns
    out = []
    for r in range(reps):
        plays = axl.Match((pa, pb), game=PD.to_axelrod(), noise=noise, seed=seed + r,
                          **kw).play()
        acts = np.array([[x == D, y == D] for x, y in plays], dtype=np.int8).reshape(-1, 2)
        adj = tuple(p.adjustments(acts[:, k], acts[:, 1 - k], Partner())
                    if hasattr(p, "adjustments") else None for k, p in enumerate((pa, pb)))
        out.append(score_actions(PD, acts, adj, discounts, eta))
    return np.array(out)


@pytest.mark.parametrize("case", range(4))
def test_agrees_with_axelrod_simulation(case):
    rng = np.random.default_rng(100 + case)
    random_m1 = axl.MemoryOnePlayer(four_vector=tuple(rng.random(4)), initial=C)
    pa, pb, kw = [
        (axl.MemoryOnePlayer(four_vector=tuple(rng.random(4)), initial=D), random_m1,
         {"noise": 0.05, "continuation": 0.9, "turns": None, "discounts": (1.0, 1.0)}),
        (axl.Fortress3(), random_m1,
         {"noise": 0.1, "continuation": 0.9, "turns": 12, "discounts": (0.9, 1.0)}),
        (Suasion(payment=2.0), random_m1,
         {"noise": 0.05, "continuation": 0.85, "turns": None, "discounts": (1.0, 0.8)}),
        (axl.TitFor2Tats(), axl.Random(0.4),
         {"noise": 0.02, "continuation": 1.0, "turns": 8, "discounts": (1.0, 1.0)}),
    ][case]
    eta = 0.6
    sim = simulate(pa, pb, reps=500, eta=eta, seed=1000 * case, **kw)
    res = solve_pair(form(pa), form(pb), PD, transfer_efficiency=eta, **kw)
    k = MATCH_FIELDS.index
    fields = {"mean_payoff": ("net", "rounds"), "paid": ("paid", "rounds"),
              "received": ("received", "rounds"),
              "cooperation_rate": ("cooperation_rate", "rounds"),
              "discounted_payoff": ("discounted_net", "discount_weight")}
    for seat in (0, 1):
        for col, (x, w) in fields.items():
            est, se, _, _ = ratio_sampling(sim[:, seat, k(x)], sim[:, seat, k(w)])
            if se == 0:
                assert res[col][seat] == pytest.approx(est, abs=1e-12)
            else:
                assert abs(res[col][seat] - est) / se < 4, (col, seat, res[col][seat], est)


@pytest.mark.parametrize("payer", ["suasion", "issue_linkage"])
@pytest.mark.parametrize("partner", ["Cooperator", "Alternator", "Random"])
def test_property_swapping_seats_swaps_values_with_adjustments(payer, partner):
    """A symmetric game's values do not depend on which seat the paying state sits in (a
    regression: seat 1's adjustments were once read in the wrong layout)."""
    from tournaments.model.roster import resolve

    game = builtin("prisoners_dilemma")
    a = exact.finite_state_form(resolve(payer)[0]())
    b = exact.finite_state_form(resolve(partner)[0]())
    kwargs = {"noise": 0.02, "continuation": 0.9, "discounts": (0.95, 1.0)}
    forward = exact.solve_pair(a, b, game, **kwargs)
    backward = exact.solve_pair(b, a, game, **{**kwargs, "discounts": (1.0, 0.95)})
    for column in exact.COLUMNS:
        np.testing.assert_allclose(forward[column], backward[column][::-1], atol=1e-12)
    assert forward["paid"][1] == 0 and forward["sanction_cost"][1] == 0
