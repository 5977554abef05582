"""Equilibria of the stage games: source 004's Figures 4 and 5 and textbook closed forms."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml

from tournaments.analysis import equilibria as eq
from tournaments.errors import ConfigError, UserError
from tournaments.model.games import asymmetric_game, builtin, symmetric_game


def profiles(equilibria):
    """Each equilibrium as ((pC, qC), (row payoff, column payoff), pure)."""
    return [((float(e.row[0]), float(e.column[0])), e.payoffs, e.pure) for e in equilibria]


# --- source 004, Figure 4: the Immigration Stag Hunt ------------------------------------------


def test_figure4_stag_hunt_has_two_pure_and_one_mixed_equilibrium():
    game = builtin("stag_hunt")
    found = eq.nash_equilibria(game)
    assert [e.label for e in found] == [
        "(Support, Support)", "(Bash, Bash)", "(0.5 Support + 0.5 Bash, 0.5 Support + 0.5 Bash)"]
    (ss, bb, mixed) = found
    assert ss.pure and bb.pure and not mixed.pure
    assert ss.payoffs == (3.0, 3.0) and bb.payoffs == (2.0, 2.0)
    # R=3, S=1, T=2, P=2: p = (P - S) / (R - S - T + P) = 1/2, payoff (RP - ST)/(R-S-T+P) = 2
    np.testing.assert_allclose(mixed.row, [0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(mixed.column, [0.5, 0.5], atol=1e-12)
    np.testing.assert_allclose(mixed.payoffs, (2.0, 2.0), atol=1e-12)
    # "(Support, Support) and (Bash, Bash)" (source 004): mutual support is the best outcome
    assert ss.pareto_efficient
    assert not bb.pareto_efficient and not mixed.pareto_efficient
    assert eq.dominating_outcomes(game, bb.payoffs) == [("(Support, Support)", (3.0, 3.0))]
    assert eq.payoff_dominant(found) is ss


def test_figure4_every_algorithm_agrees_and_nothing_is_rejected():
    analysis = eq.equilibrium_analysis(builtin("stag_hunt"))
    assert analysis.rejected == 0 and analysis.errors == ()
    assert not analysis.degenerate and analysis.continua == ()
    everything = "support_enumeration+vertex_enumeration+pure_cells+indifference_grid"
    assert [e.algorithm for e in analysis.equilibria] == [
        everything, everything, "support_enumeration+vertex_enumeration+indifference_grid"]


def test_figure4_risk_dominance_is_a_tie():
    # Nash products: (3 - 2)(3 - 2) = 1 at (Support, Support), (2 - 1)(2 - 1) = 1 at (Bash, Bash)
    game = builtin("stag_hunt")
    first, second, p1, p2 = eq.risk_dominance(game, eq.nash_equilibria(game))
    assert (first.label, second.label, p1, p2) == ("(Support, Support)", "(Bash, Bash)", 1.0, 1.0)
    text = eq.equilibria_report(game)
    assert "Payoff-dominant equilibrium: (Support, Support) (3, 3)" in text
    assert "Risk dominance: neither" in text
    assert "(Bash, Bash)  payoffs (2, 2)  pure  Pareto-dominated by (Support, Support) (3, 3)" \
        in text


@pytest.mark.parametrize("R, S, T, P", [(3, 1, 2, 2), (4, 0, 3, 2), (5, 0, 3, 1), (10, 1, 8, 5)])
def test_stag_hunt_mixed_equilibrium_closed_form(R, S, T, P):
    game = symmetric_game("symmetric", R, S, T, P)
    found = eq.nash_equilibria(game)
    assert [e.pure for e in found] == [True, True, False]
    p = (P - S) / (R - S - T + P)
    value = (R * P - S * T) / (R - S - T + P)
    mixed = found[2]
    np.testing.assert_allclose(mixed.row, [p, 1 - p], atol=1e-12)
    np.testing.assert_allclose(mixed.column, [p, 1 - p], atol=1e-12)
    np.testing.assert_allclose(mixed.payoffs, (value, value), atol=1e-12)
    first, second, p1, p2 = eq.risk_dominance(game, found)
    assert (p1, p2) == ((R - T) ** 2, (P - S) ** 2)


# --- source 004, Figure 5: the Leader leads ---------------------------------------------------


def test_figure5_leader_leads_unique_equilibrium():
    game = builtin("leader_leads")
    analysis = eq.equilibrium_analysis(game)
    # Support strictly dominates Bash for the Leader (3 > 2, 3 > 2); the Public's best reply to
    # Support is Bash (4 > 3): a unique equilibrium, also the Leader's best outcome.
    assert profiles(analysis.equilibria) == [((1.0, 0.0), (3.0, 4.0), True)]
    (only,) = analysis.equilibria
    assert only.label == "(Support, Bash)" and only.pareto_efficient
    # The Leader's payoff ignores the Public's action, yet the game is not degenerate.
    assert not analysis.degenerate and analysis.continua == ()
    assert "Unique equilibrium: (Support, Bash)." in eq.equilibria_report(game)
    assert eq.player_names(game) == ("Leader", "Public")


# --- textbook games ---------------------------------------------------------------------------


def test_prisoners_dilemma_unique_defection():
    game = builtin("prisoners_dilemma")
    found = eq.nash_equilibria(game)
    assert profiles(found) == [((0.0, 0.0), (1.0, 1.0), True)]
    assert found[0].label == "(D, D)" and not found[0].pareto_efficient
    assert eq.dominating_outcomes(game, (1.0, 1.0)) == [("(C, C)", (3.0, 3.0))]
    assert eq.action_names(game) == ("C", "D")


def test_asymmetric_matching_pennies_unique_mixed_equilibrium():
    # Row: A = [[2, 0], [0, 1]]; column: B = [[0, 3], [1, 0]].
    # Column indifferent: 0p + 1(1-p) = 3p -> p = 1/4; row indifferent: 2q = 1 - q -> q = 1/3.
    # Payoffs: row 2q = 2/3, column 3p = 3/4.
    game = asymmetric_game("asymmetric", [[2, 0], [0, 1]], [[0, 3], [1, 0]])
    (only,) = eq.nash_equilibria(game)
    assert not only.pure
    np.testing.assert_allclose(only.row, [1 / 4, 3 / 4], atol=1e-12)
    np.testing.assert_allclose(only.column, [1 / 3, 2 / 3], atol=1e-12)
    np.testing.assert_allclose(only.payoffs, (2 / 3, 3 / 4), atol=1e-12)
    # no pure cell, (2, 0), (0, 3), (0, 1), (1, 0), gives both at least as much
    assert only.pareto_efficient
    assert only.label == "(0.25 C + 0.75 D, 0.3333 C + 0.6667 D)"


# --- degenerate games: continua are reported by their endpoints -------------------------------


def test_degenerate_game_reports_the_ends_of_each_continuum():
    # The row player is indifferent everywhere; the column player matches the row's likelier
    # action. Equilibria: (p >= 1/2, C), (p <= 1/2, D) and (1/2, any q).
    game = asymmetric_game("asymmetric", [[1, 1], [1, 1]], [[1, 0], [0, 1]])
    analysis = eq.equilibrium_analysis(game)
    assert analysis.degenerate
    assert [e.row[0] for e in analysis.equilibria] == [1.0, 0.0, 0.5, 0.5]
    assert [e.column[0] for e in analysis.equilibria] == [1.0, 0.0, 1.0, 0.0]
    ends = {tuple(sorted((a.label, b.label))) for a, b in analysis.continua}
    assert ends == {("(0.5 C + 0.5 D, C)", "(C, C)"), ("(0.5 C + 0.5 D, D)", "(D, D)"),
                    ("(0.5 C + 0.5 D, C)", "(0.5 C + 0.5 D, D)")}
    # nashpy's support enumeration misses the two mixed ends; the grid and vertex enumeration
    # find them.
    assert [e.algorithm for e in analysis.equilibria[2:]] == [
        "vertex_enumeration+indifference_grid"] * 2
    for a, b in analysis.continua:  # every point on a reported segment is an equilibrium
        for t in np.linspace(0, 1, 11):
            x, y = (1 - t) * a.row + t * b.row, (1 - t) * a.column + t * b.column
            assert eq._is_ne(game, x, y, 1e-9)
    assert "Degenerate game: continua of equilibria" in eq.equilibria_report(game)


def test_all_zero_game_every_profile_and_a_failing_cross_check_is_reported():
    game = asymmetric_game("asymmetric", [[0, 0], [0, 0]], [[0, 0], [0, 0]])
    analysis = eq.equilibrium_analysis(game)
    assert analysis.every_profile and len(analysis.equilibria) == 4
    assert all(e.pure for e in analysis.equilibria)
    assert [m.split(":")[0] for m in analysis.errors] == ["vertex_enumeration"]
    assert "every profile is an equilibrium" in eq.equilibria_report(game)


# --- verification of nashpy's candidates ------------------------------------------------------


def test_candidates_are_cleaned_and_verified(monkeypatch):
    tiny = -1e-17
    candidates = [
        (np.array([tiny, 1.0]), np.array([tiny, 1.0])),  # (Bash, Bash) with rounding noise
        (np.array([1.0, 0.0]), np.array([0.0, 1.0])),  # (Support, Bash): not an equilibrium
        (np.array([1.2, -0.2]), np.array([1.0, 0.0])),  # not a probability vector
    ]
    monkeypatch.setattr(eq, "_nashpy_candidates",
                        lambda game: iter([("support_enumeration", candidates, None)]))
    analysis = eq.equilibrium_analysis(builtin("stag_hunt"))
    assert analysis.rejected == 2
    bash = analysis.equilibria[1]
    assert bash.label == "(Bash, Bash)" and bash.row.tolist() == [0.0, 1.0]
    assert bash.algorithm == "support_enumeration+pure_cells+indifference_grid"
    assert "2 nashpy candidate(s) failed" in eq.equilibria_report(builtin("stag_hunt"))


# --- JSON and loading -------------------------------------------------------------------------


def test_json_shape_matches_the_design_contract():
    data = json.loads(json.dumps([e.to_json() for e in eq.nash_equilibria(builtin("stag_hunt"))]))
    for item in data:
        assert {"row", "column", "payoffs", "pure"} <= set(item)
        assert len(item["row"]) == len(item["column"]) == len(item["payoffs"]) == 2
        assert isinstance(item["pure"], bool)
        assert all(isinstance(x, float) for x in item["row"] + item["column"] + item["payoffs"])
        assert abs(sum(item["row"]) - 1) < 1e-12 and abs(sum(item["column"]) - 1) < 1e-12
    assert data[0] == {
        "row": [1.0, 0.0], "column": [1.0, 0.0], "payoffs": [3.0, 3.0], "pure": True,
        "algorithm": "support_enumeration+vertex_enumeration+pure_cells+indifference_grid",
        "pareto_efficient": True, "label": "(Support, Support)",
    }
    assert [d["pure"] for d in data] == [True, True, False]


def test_load_game_by_name_and_from_a_config(tmp_path):
    assert eq.load_game("leader_leads").B.tolist() == [[3.0, 4.0], [1.0, 2.0]]
    path = tmp_path / "pd.yaml"
    path.write_text(yaml.safe_dump({
        "name": "pd55", "game": {"kind": "prisoners_dilemma", "T": 5.5},
        "roster": [{"strategy": "Tit For Tat"}, {"strategy": "Defector"}],
    }))
    game = eq.load_game(str(path))
    assert game.A.tolist() == [[3.0, 0.0], [5.5, 1.0]]
    assert profiles(eq.nash_equilibria(game)) == [((0.0, 0.0), (1.0, 1.0), True)]


def test_load_game_rejects_unknown_names_and_bad_configs(tmp_path):
    with pytest.raises(UserError, match="not a built-in game and no such config file.*stag_hunt"):
        eq.load_game("chicken")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({
        "name": "bad", "game": {"kind": "prisoners_dilemma", "T": 2},
        "roster": [{"strategy": "Tit For Tat"}, {"strategy": "Defector"}],
    }))
    with pytest.raises(ConfigError, match="T > R > P > S"):
        eq.load_game(str(bad))
