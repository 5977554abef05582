"""The pairwise and summary tables (tournaments.analysis.tables) against hand-computed values, and
a batch of tournaments against each tournament alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tournaments.analysis import tables
from tournaments.analysis.tables import pairwise_table, summary_table, tie_ranks
from tournaments.engines.simulate import aggregate
from tournaments.model.accounting import MATCH_FIELDS, NAMES

LABELS = ["A", "B", "C", "D"]


def exact_rows(values: dict, cooperation: float = 0.5) -> pd.DataFrame:
    """Exact pairs with these net payoffs per round (and a money-free accounting)."""
    return pd.DataFrame([{"player": a, "opponent": b, "mean_payoff": v, "discounted_payoff": v,
                          **{name: 0.0 for name in NAMES}, "gross_payoff": v,
                          "cooperation_rate": cooperation}
                         for (a, b), v in values.items()])


def simulated_pair(a: str, b: str, nets: list[tuple[float, float]], rounds: float = 4.0):
    """A simulated pair's records: per repetition, each seat's net total over ``rounds``."""
    totals = np.zeros((len(nets), 2, len(MATCH_FIELDS)))
    for name in ("rounds", "discount_weight"):
        totals[:, :, MATCH_FIELDS.index(name)] = rounds
    for name in ("net", "discounted_net", "gross_payoff"):
        totals[:, :, MATCH_FIELDS.index(name)] = nets
    return pd.DataFrame(aggregate(a, b, totals))


#: A tournament of A, B, C (and D, which played no counted pair): net payoffs per round.
#: A: (3 + 1)/2 = 2, B: (2 + 2)/2 = 2 (tied with A), C: (0.5 + 2.5)/2 = 1.5.
HAND = {("A", "B"): 3.0, ("A", "C"): 1.0, ("B", "A"): 2.0, ("B", "C"): 2.0,
        ("C", "A"): 0.5, ("C", "B"): 2.5, ("A", "A"): 9.0}


def test_summary_by_hand_ties_share_a_rank_and_an_idle_entry_comes_last():
    """D played only itself (not counted)."""
    pairwise = pairwise_table(pd.DataFrame(), LABELS, exact=exact_rows({**HAND, ("D", "D"): 1}))
    assert list(pairwise["player"] + pairwise["opponent"]) == ["AA", "AB", "AC", "BA", "BC",
                                                               "CA", "CB", "DD"]  # roster order
    assert list(pairwise["counted"]) == [False, True, True, True, True, True, True, False]
    summary = summary_table(pairwise, pd.DataFrame({"strategy": LABELS, "count": [1, 2, 3, 4]}))
    assert list(summary["strategy"]) == ["A", "B", "C", "D"]
    assert list(summary["rank"]) == [1, 1, 3, 4]
    np.testing.assert_array_equal(summary["mean_payoff"], [2.0, 2.0, 1.5, np.nan])
    assert list(summary["opponents"]) == [2, 2, 2, 0]
    assert list(summary["engine"].fillna("none")) == ["exact", "exact", "exact", "none"]
    assert summary["wins"].isna().all() and summary["se"].isna().all()
    assert list(summary["count"]) == [1, 2, 3, 4]  # the entries' columns come along


def test_wins_count_only_complete_simulated_opponents():
    """A against B is simulated (A wins 2 of 3 matches), A against C exact: A's wins are
    missing (a partial count) and its engine mixed; B's only counted opponent is A, simulated:
    B's wins are its 1."""
    simulated = simulated_pair("A", "B", [(6.0, 2.0), (5.0, 3.0), (1.0, 7.0)])
    pairwise = pairwise_table(simulated, ["A", "B", "C"],
                              exact=exact_rows({("A", "C"): 1.0, ("C", "A"): 0.5}),
                              counted={("A", "B"), ("B", "A"), ("A", "C"), ("C", "A")})
    summary = summary_table(pairwise, pd.DataFrame({"strategy": ["A", "B", "C"]}))
    table = summary.set_index("strategy")
    assert table.loc["A", "mean_payoff"] == pytest.approx((12 / 12 + 1.0) / 2)
    assert table.loc["A", "engine"] == "mixed" and pd.isna(table.loc["A", "wins"])
    assert table.loc["B", "engine"] == "simulate" and table.loc["B", "wins"] == 1
    assert table.loc["B", "mean_payoff"] == pytest.approx(12 / 12)
    assert table.loc["C", "engine"] == "exact" and table.loc["C", "opponents"] == 1


def test_roles_are_ranked_each_on_their_own():
    pairwise = pairwise_table(pd.DataFrame(), ["A", "B", "C"], exact=exact_rows(HAND))
    entries = pd.DataFrame({"strategy": ["A", "B", "C"], "role": ["x", "y", "x"]})
    summary = summary_table(pairwise, entries)
    assert list(summary["strategy"]) == ["A", "C", "B"]  # role x (A 2.0, C 1.5), then y
    assert list(summary["rank"]) == [1, 2, 1]


def test_a_label_outside_the_roster_order_is_counted_by_the_set_and_comes_last():
    rows = exact_rows({("A", "Z"): 1.0, ("A", "B"): 2.0, ("B", "A"): 0.0})
    pairwise = pairwise_table(pd.DataFrame(), ["A", "B"], exact=rows,
                              counted={("A", "Z"), ("B", "A")})
    assert list(pairwise["opponent"]) == ["B", "Z", "A"]
    assert list(pairwise["counted"]) == [False, True, True]


def test_a_batch_gives_each_tournament_its_rows_alone():
    """Three tournaments with the same roster: one as above, one with a simulated pair, one in
    which D plays: summarised together (keys) and one by one."""
    tournaments = {
        7: (pd.DataFrame(), exact_rows(HAND)),
        3: (simulated_pair("A", "B", [(6.0, 2.0), (5.0, 3.0), (2.0, 2.0)]),
            exact_rows({("A", "C"): 1.0, ("C", "A"): 4.0, ("B", "C"): 2.0, ("C", "B"): 2.0})),
        5: (pd.DataFrame(),
            exact_rows({("D", "A"): 1.25, ("A", "D"): 1.25, ("B", "C"): 0.1, ("C", "B"): 0.3},
                       cooperation=0.25)),
    }
    entries = pd.DataFrame({"strategy": LABELS, "club": ["n", "s", "n", "s"]})
    alone, simulated, exact, listed = [], [], [], []
    for key, (sim, ex) in tournaments.items():
        pairwise = pairwise_table(sim, LABELS, exact=ex)
        alone.append((key, pairwise, summary_table(pairwise, entries)))
        simulated.append(sim.assign(t=key) if len(sim) else sim)
        exact.append(ex.assign(t=key))
        listed.append(entries.assign(t=key))
    pairwise = pairwise_table(pd.concat(simulated, ignore_index=True), LABELS,
                              exact=pd.concat(exact, ignore_index=True), keys=["t"])
    summary = summary_table(pairwise, pd.concat(listed, ignore_index=True), keys=["t"])
    assert list(pd.unique(pairwise["t"])) == [3, 7, 5]  # simulated first, then exact
    assert list(pd.unique(summary["t"])) == [7, 3, 5]  # the entries' order
    counts = ["repetitions", "rounds", "wins"]  # all missing alone: no Int64 part to keep
    for key, one_pairwise, one_summary in alone:
        for batch, one in ((pairwise, one_pairwise), (summary, one_summary)):
            mine = batch[batch["t"] == key].drop(columns="t").reset_index(drop=True)
            one = one.astype({c: "Int64" for c in counts if c in one})
            pd.testing.assert_frame_equal(mine, one, check_exact=True)


def test_tie_ranks_groups_numbers_as_their_values():
    values = [2.0, 1.0, 2.0, 3.0, np.nan, 1.0]
    expected = [1, 3, 1, 1, 2, 1]  # groups {0: 2, 1, 2}, {1: 3, nan}, {2: 1}
    for groups in ([0, 0, 0, 1, 1, 2], np.array([0.0, 0, 0, 1, 1, 2]),
                   ["a", "a", "a", "b", "b", "c"], np.array([0, 0, 0, 1, 1, 2], dtype=object)):
        assert list(tie_ranks(values, groups)) == expected


@pytest.mark.parametrize("keys, counted, discounted", [
    ([], None, False), (["t"], {("A", "B"), ("C", "A"), ("A", "Z")}, True)])
def test_exact_pairs_alone_make_the_general_paths_frame(keys, counted, discounted):
    """pairwise_table's branch for exact pairs alone against its general path (simulated and
    exact pairs) on the same rows: rows out of order, a label outside the roster, a batch."""
    rows = exact_rows({("C", "B"): 1.0 / 3, ("A", "B"): 2.5, ("B", "A"): np.pi, ("A", "A"): 1.0,
                       ("A", "Z"): 0.1})
    if keys:
        rows = pd.concat([rows.assign(t=9), rows.assign(t=2).iloc[::-1]], ignore_index=True)
    columns = [*keys, *(c for c in tables.PAIRWISE_COLUMNS
                        if discounted or c != "discounted_payoff")]
    branch = tables._exact_pairs(rows, LABELS, counted, keys, columns)
    general = tables._all_pairs(pd.DataFrame(), LABELS, rows, counted, keys, columns)
    pd.testing.assert_frame_equal(branch, general, check_exact=True)
    assert list(branch.columns) == columns and len(branch) == len(rows)


def test_group_means_in_one_pass_are_the_columns_means():
    """The groupby's mean of a frame without missing values in one pass against column by
    column, bit for bit, with groups in and out of order; a column with a missing value is
    averaged without it."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(3000, 4)) * 10.0 ** rng.integers(-3, 4, (3000, 4)),
                         columns=list("abcd"))
    for group in (np.repeat(np.arange(300), 10), rng.integers(0, 50, 3000)):
        one = tables.group_means(frame, group, by_column=False)
        each = tables.group_means(frame, group, by_column=True)
        assert tables.group_means(frame, group).equals(one)
        np.testing.assert_array_equal(one.to_numpy(), each.to_numpy())
        assert list(one.index) == list(pd.unique(group))
    frame.iloc[3, 1] = np.nan
    means = tables.group_means(frame, np.repeat(np.arange(300), 10))
    assert means.iloc[0, 1] == pytest.approx(frame.iloc[[0, 1, 2, 4, 5, 6, 7, 8, 9], 1].mean())
