"""Intervals, exact pairs, ties, wins and rounds of the tables, against hand-computed values and
closed forms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import t as student_t

from tests.conftest import small_config
from tournaments import api
from tournaments.analysis import evolution, intervals
from tournaments.analysis.tables import (
    SAMPLING_COLUMNS,
    TIE_RTOL,
    pairwise_table,
    summary_table,
    tie_ranks,
)
from tournaments.engines.simulate import aggregate, pair_tasks, play_pair
from tournaments.model.accounting import MATCH_FIELDS
from tournaments.model.roster import build_specs


def pair(table, player, opponent):
    return table[(table.player == player) & (table.opponent == opponent)].iloc[0]


# --- the interval ------------------------------------------------------------------------------


def switch_matches(rng, delta: float, p: float, replicates: int, n: int):
    """A pair whose payoff per round is 3 until a rare event (probability ``p`` per round)
    switches it to 5 for the rest of the match (Grudger against Cooperator, in miniature);
    lengths geometric with continuation δ. Per replicate and repetition: total and rounds."""
    length = rng.geometric(1 - delta, size=(replicates, n))
    event = rng.geometric(p, size=(replicates, n))  # the round of the first event
    before = np.minimum(length, event - 1)
    return 3.0 * before + 5.0 * (length - before), length.astype(float)


def switch_value(delta: float, p: float) -> float:
    """E[total] / E[rounds]: P(min(L, E − 1) ≥ t) = δ^(t−1) (1 − p)^t, so
    E[rounds before the event] = (1 − p) / (1 − δ(1 − p)) and E[L] = 1 / (1 − δ)."""
    return 5.0 - 2.0 * (1 - delta) * (1 - p) / (1 - delta * (1 - p))


def test_switch_value_is_the_limit_of_the_ratio_estimator():
    x, w = switch_matches(np.random.default_rng(1), 0.9, 0.1, 1, 400_000)
    assert x.sum() / w.sum() == pytest.approx(switch_value(0.9, 0.1), abs=0.005)


def coverage(low, high, value) -> tuple[float, float]:
    hits = (low <= value) & (value <= high)
    return hits.mean(), np.sqrt(hits.mean() * (1 - hits.mean()) / hits.size)


@pytest.mark.parametrize("delta, p", [(0.9, 0.1), (0.95, 0.05), (0.8, 0.3)])
def test_pairwise_interval_covers_at_ten_repetitions(delta, p):
    """20,000 runs of ten repetitions: the interval covers the exact value at least 94 % of the
    time (a one-sided z-test at 3 standard errors), where the delta-method interval does not."""
    n, runs = 10, 20_000
    x, w = switch_matches(np.random.default_rng(7), delta, p, runs, n)
    value = switch_value(delta, p)
    estimate, se, skewness, dof = intervals.ratio_sampling(x, w)
    share, error = coverage(*intervals.bounds(estimate, se, skewness, dof), value)
    assert (share - 0.94) / error > -3, share
    # the interval the tables used before: R ± t(n − 1)·se, with the delta-method se
    residual = x - estimate[:, None] * w
    delta_se = np.sqrt((residual**2).sum(1) / (n * (n - 1))) / w.mean(1)
    half = student_t.ppf(0.975, n - 1) * delta_se
    old, old_error = coverage(estimate - half, estimate + half, value)
    assert (old - 0.94) / old_error < -3, old


def test_strategy_interval_covers_a_mean_of_pairs():
    """A strategy's mean over three independent pairs, one of them exact: coverage of the mean
    of the exact values at least 94 % (z-test), the exact pair adding no sampling error."""
    rng = np.random.default_rng(11)
    n, runs = 10, 20_000
    settings = [(0.9, 0.1), (0.95, 0.05)]
    stats = [intervals.ratio_sampling(*switch_matches(rng, d, p, runs, n)) for d, p in settings]
    exact = 2.5
    value = (sum(switch_value(d, p) for d, p in settings) + exact) / 3
    estimate = (stats[0][0] + stats[1][0] + exact) / 3
    columns = [np.stack([s[k] for s in stats] + [np.full(runs, np.nan)], axis=1).ravel()
               for k in (1, 2, 3)]
    groups = np.repeat(np.arange(runs), 3)
    se, skewness, dof = intervals.mean_sampling(*columns, groups)
    np.testing.assert_allclose(se, np.hypot(stats[0][1], stats[1][1]) / 3)
    share, error = coverage(*intervals.bounds(estimate, se, skewness, dof), value)
    assert (share - 0.94) / error > -3, share


def test_ratio_sampling_by_hand():
    x, w = np.array([4.0, 9.0, 2.0]), np.array([5.0, 10.0, 2.0])
    estimate, se, skewness, dof = intervals.ratio_sampling(x, w)
    assert estimate == pytest.approx(15 / 17)
    # leave-one-out ratios 11/12, 6/7, 13/15; pseudo-values 3·R − 2·R₋ᵣ
    pseudo = 3 * 15 / 17 - 2 * np.array([11 / 12, 6 / 7, 13 / 15])
    centred = pseudo - pseudo.mean()
    assert se == pytest.approx(np.sqrt(np.sum(centred**2) / 6))
    m2, m3 = np.mean(centred**2), np.mean(centred**3)
    assert skewness == pytest.approx(m3 / m2**1.5 / np.sqrt(3))
    assert dof == pytest.approx(17**2 / (25 + 100 + 4) - 1)  # Kish's effective n, less one
    assert all(np.isnan(v) for v in intervals.ratio_sampling(x[:1], w[:1])[1:])


def test_equal_lengths_and_no_skew_give_the_student_t_interval():
    # fixed-length matches: ν = n − 1; symmetric totals: skewness 0, so R ± t(n − 1)·se
    x, w = np.array([10.0, 20.0, 30.0, 40.0, 50.0]), np.full(5, 10.0)
    estimate, se, skewness, dof = intervals.ratio_sampling(x, w)
    assert dof == pytest.approx(4) and skewness == pytest.approx(0, abs=1e-12)
    low, high = intervals.bounds(estimate, se, skewness, dof)
    half = student_t.ppf(0.975, 4) * np.std(x / 10, ddof=1) / np.sqrt(5)
    assert (low, high) == (pytest.approx(3 - half), pytest.approx(3 + half))


def test_a_skewed_sample_gets_the_longer_side_towards_its_tail():
    # one long low repetition among high ones: the tail (and the interval) reach down
    x, w = np.array([30.0, 30.0, 30.0, 30.0, 20.0]), np.array([10.0, 10.0, 10.0, 10.0, 20.0])
    estimate, se, skewness, dof = intervals.ratio_sampling(x, w)
    low, high = intervals.bounds(estimate, se, skewness, dof)
    assert skewness < 0 and estimate - low > high - estimate


def test_hall_inverse_is_the_inverse_and_continuous_at_zero():
    v = np.linspace(-4, 4, 17)
    for a in (-0.4, -1e-9, 1e-9, 0.2):
        u = intervals._inverse_cubic(v, a)
        np.testing.assert_allclose(u + a * u**2 + a**2 * u**3 / 3 + a / 2, v, atol=1e-12)
    np.testing.assert_allclose(intervals._inverse_cubic(v, 1e-12), v, atol=1e-11)


# --- exact pairs: no interval ------------------------------------------------------------------


def exact_rows(values: dict) -> pd.DataFrame:
    rows = [{"player": a, "opponent": b, "mean_payoff": v, "discounted_payoff": v,
             **{name: 0.0 for name in ("gross_payoff", "paid", "received", "sanction_cost",
                                       "sanction_suffered", "cooperation_rate",
                                       "mutual_cooperation_rate")}}
            for (a, b), v in values.items()]
    return pd.DataFrame(rows)


def test_exact_pairs_and_all_exact_strategies_have_no_interval():
    result = api.run(small_config(match={"continuation": 0.8, "engine": "exact"}),
                     progress=False)
    for table in (result.pairwise, result.summary):
        assert table[SAMPLING_COLUMNS + ["wins"]].isna().all().all()
    assert result.pairwise[["repetitions", "rounds"]].isna().all().all()
    assert set(result.summary["engine"]) == {"exact"}


def test_a_mixed_strategy_interval_is_its_simulated_part_only():
    """A's mean over B (simulated) and C (exact): (R_AB + v_AC)/2, whose interval is the
    simulated pair's moved and halved, and whose wins are missing (a partial count)."""
    x, w = np.array([10.0, 14.0, 9.0, 30.0]), np.array([5.0, 6.0, 4.0, 12.0])
    totals = np.zeros((4, 2, len(MATCH_FIELDS)))  # per repetition and seat
    for name, a_seat, b_seat in (("rounds", w, w), ("net", x, 2 * w - x),
                                 ("discounted_net", x, 2 * w - x),
                                 ("discount_weight", w, w)):
        totals[:, 0, MATCH_FIELDS.index(name)] = a_seat
        totals[:, 1, MATCH_FIELDS.index(name)] = b_seat
    simulated = pd.DataFrame(aggregate("A", "B", totals))
    exact = exact_rows({("A", "C"): 1.5, ("C", "A"): 2.0, ("B", "C"): 1.0, ("C", "B"): 3.0})
    pairwise = pairwise_table(simulated, ["A", "B", "C"], exact=exact)
    summary = summary_table(pairwise, pd.DataFrame({"strategy": ["A", "B", "C"]}))
    ab = pair(pairwise, "A", "B")
    estimate, se, skewness, dof = intervals.ratio_sampling(x, w)
    low, high = intervals.bounds(estimate, se, skewness, dof)
    assert (ab.mean_payoff, ab.ci_low, ab.ci_high, ab.se, ab.dof) == pytest.approx(
        (estimate, low, high, se, dof))
    a = summary.set_index("strategy").loc["A"]
    assert a.mean_payoff == pytest.approx((estimate + 1.5) / 2)
    assert (a.ci_low, a.ci_high) == (pytest.approx((low + 1.5) / 2),
                                     pytest.approx((high + 1.5) / 2))
    assert (a.se, a.skewness, a.dof) == pytest.approx((se / 2, skewness, dof))
    assert a.engine == "mixed" and pd.isna(a.wins) and ab.wins == 4  # x > w in every match
    c = summary.set_index("strategy").loc["C"]
    assert c.engine == "exact" and c[SAMPLING_COLUMNS].isna().all()


# --- wins and rounds ---------------------------------------------------------------------------


def test_wins_and_rounds_by_hand_with_self_play():
    """Ten fixed turns, three repetitions, self-play counted: Defector beats Tit For Tat in all
    three matches (14 to 9); a state against its own copy has no wins; its rounds are the rounds
    played (30), not both seats' (60)."""
    result = api.run(small_config(match={"turns": 10, "repetitions": 3, "self_play": True}),
                     progress=False)
    p = result.pairwise
    assert pair(p, "Defector", "Tit For Tat").wins == 3
    assert pair(p, "Tit For Tat", "Defector").wins == 0
    for label in ("Tit For Tat", "Defector"):
        row = pair(p, label, label)
        assert row.counted and pd.isna(row.wins) and row.rounds == 30 and row.repetitions == 3
    assert pair(p, "Tit For Tat", "Tit For Tat").mean_payoff == pytest.approx(3.0)
    assert pair(p, "Tit For Tat", "Defector").rounds == 30
    summary = result.summary.set_index("strategy")
    # a strategy's wins: against its counted opponents other than itself
    assert summary.loc["Defector", "wins"] == 3 and summary.loc["Tit For Tat", "wins"] == 0
    # its payoff: the mean over both opponents, itself included (1.4 and 1, 0.9 and 3)
    assert summary.loc["Defector", "mean_payoff"] == pytest.approx((1.4 + 1.0) / 2)
    assert summary.loc["Tit For Tat", "mean_payoff"] == pytest.approx((0.9 + 3.0) / 2)


def test_self_play_under_noise_is_the_mean_of_both_seats():
    result = api.run(small_config(roster=[{"strategy": "Tit For Tat"}, {"strategy": "Random"}],
                                  match={"turns": 8, "noise": 0.2, "repetitions": 4}),
                     progress=False)
    p = result.pairwise
    # the same matches again, both seats of each repetition
    config = result.config
    specs = build_specs(config)
    totals = play_pair(pair_tasks(config, specs, config.game.build(), [(1, 1)])[0])
    net, rounds = (totals[:, :, MATCH_FIELDS.index(f)] for f in ("net", "rounds"))
    assert (rounds[:, 0] == rounds[:, 1]).all() and rounds.sum() == 2 * 4 * 8
    row = pair(p, "Random", "Random")
    assert row.rounds == 4 * 8 and row.repetitions == 4  # rounds played once, not per seat
    assert row.mean_payoff == pytest.approx(net.sum() / rounds.sum())
    estimate, se, skewness, dof = intervals.ratio_sampling(net.mean(axis=1), rounds[:, 0])
    assert (row.se, row.skewness, row.dof) == pytest.approx((se, skewness, dof))
    assert se > 0


# --- ties --------------------------------------------------------------------------------------


def test_tie_ranks_by_hand():
    values = [3.0, 1.0, 3.0 * (1 + 1e-12), 2.0, np.nan]
    assert tie_ranks(values).tolist() == [1, 4, 1, 3, 5]
    # a real difference (twice the tolerance) is not a tie
    assert tie_ranks([1.0, 1.0 + 2 * TIE_RTOL]).tolist() == [2, 1]
    assert tie_ranks([1.0, 1.0 + TIE_RTOL / 2]).tolist() == [1, 1]
    # tiny values keep their relative precision: 1e-120 and 2e-120 differ
    assert tie_ranks([1e-120, 2e-120, 1.0]).tolist() == [3, 2, 1]
    # groups rank separately; order of the input is kept
    groups = ["b", "a", "b", "a", "a"]
    assert tie_ranks([5.0, 5.0, 4.0, 6.0, 5.0], groups).tolist() == [1, 2, 2, 1, 2]
    assert tie_ranks([]).tolist() == []


def test_tied_strategies_share_their_rank_in_the_summary():
    # without noise Tit For Tat and Grudger play alike here: 3 with each other and with
    # Cooperator, (1 − δ)·0 + δ·1 = 0.8 against Defector; both (3 + 3 + 0.8)/3, one rank
    config = small_config(roster=[{"strategy": "Tit For Tat"}, {"strategy": "Grudger"},
                                  {"strategy": "Cooperator"}, {"strategy": "Defector"}],
                          match={"continuation": 0.8, "engine": "exact"})
    summary = api.run(config, progress=False).summary
    assert summary["strategy"].tolist() == ["Defector", "Grudger", "Tit For Tat", "Cooperator"]
    assert summary["rank"].tolist() == [1, 2, 2, 4]
    assert summary["mean_payoff"].tolist() == pytest.approx([8.6 / 3, 6.8 / 3, 6.8 / 3, 2.0])


def test_stationary_weights_equal_up_to_round_off_share_their_rank():
    # strategies 0 and 1 are the same strategy; a change in the 14th digit of one payoff stands
    # for the round-off of two computation paths (beggar_thy_neighbour's weights were ranked 1
    # and 2 though equal to 11 digits)
    payoffs = np.array([[3.0, 3.0, 0.5], [3.0, 3.0, 0.5], [4.0, 4.0, 1.0]])
    payoffs[1, 2] += 1e-14
    rho = evolution.fixation_matrix(payoffs, 10, 0.1)
    frame = evolution.invasion_summary(rho, 10, ["A", "B", "D"])
    weights = frame["stationary_weight"].to_numpy()
    assert weights[0] != weights[1] and weights[0] == pytest.approx(weights[1], rel=1e-12)
    ranks = frame.set_index("strategy")["stationary_rank"]
    assert ranks["A"] == ranks["B"]
    sensitivity = evolution.ranking_sensitivity(payoffs, 10, [0.1], ["A", "B", "D"])
    assert sensitivity.set_index("strategy")["rank"].to_dict() == ranks.to_dict()
