"""The notebook API: sweeps, equilibria, results that show themselves, exact matches, and the
tutorial notebook, executed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tournaments import api
from tournaments.errors import ConfigError, UserError

ROOT = Path(__file__).resolve().parent.parent
ROSTER = [{"strategy": "Cooperator"}, {"strategy": "Defector"}, {"strategy": "Tit For Tat"}]


def test_sweep_of_a_dict_gives_the_hand_computed_payoffs(tmp_path):
    """Without noise, under continuation δ: Defector gets 5 from Cooperator and 5(1 − δ) + δ
    from Tit For Tat, Tit For Tat 3 and δ, Cooperator 3 and 0 (per round, means over the two
    opponents)."""
    config = {"name": "shadow", "roster": ROSTER, "match": {"continuation": 0.5},
              "sweep": {"grid": {"match.continuation": [0.8, 0.9]}}}
    grid = api.sweep(config, progress=False, executor="loop")
    assert grid.parameters == ["match.continuation"] and grid.cells == 2 and not grid.failed
    assert grid.out is None and grid.config.name == "shadow"
    for delta in (0.8, 0.9):
        cell = grid.frame[grid.frame["match.continuation"] == delta].set_index("strategy")
        expected = {"Defector": (5 + 5 * (1 - delta) + delta) / 2,
                    "Tit For Tat": (3 + delta) / 2, "Cooperator": 1.5}
        for strategy, payoff in expected.items():
            assert cell.loc[strategy, "mean_payoff"] == pytest.approx(payoff, abs=1e-9)
    assert set(grid.thresholds["measure"]) >= {"critical_continuation"}
    assert set(grid.thresholds["strategy"]) == {"Cooperator", "Defector", "Tit For Tat"}
    assert set(grid.figures()) == {"cooperation_vs_continuation"}
    assert repr(grid) == "SweepResult('shadow': 2 cells over match.continuation, 0 failed)"
    assert "<table>" in grid._repr_html_()

    kept = api.sweep(config, tmp_path / "kept", progress=False, executor="loop")
    assert kept.out == tmp_path / "kept"
    pd.testing.assert_frame_equal(kept.frame, grid.frame)
    assert (tmp_path / "kept" / "sweep.csv").is_file()


def test_sweep_of_a_bad_dict_names_the_dict():
    config = {"name": "bad", "roster": ROSTER, "match": {"noise": 2},
              "sweep": {"grid": {"match.continuation": [0.8]}}}
    with pytest.raises(ConfigError, match=r"^<dict>: match.noise: 2 is not allowed"):
        api.sweep(config, progress=False, executor="loop")


def test_equilibria_of_a_stage_game():
    pd_game = api.equilibria("prisoners_dilemma")
    assert pd_game.config is None and pd_game.self_enforcement is None
    assert pd_game.table[["row_cooperates", "column_cooperates", "row_payoff",
                          "column_payoff", "pure"]].to_dict("records") == [
        {"row_cooperates": 0.0, "column_cooperates": 0.0, "row_payoff": 1.0,
         "column_payoff": 1.0, "pure": True}]
    # the Stag Hunt (R 3, S 1, T 2, P 2): two pure equilibria and the mixed one at
    # q* = (P − S) / (R − T + P − S) = 1/2, where each player earns 2
    stag = api.equilibria("stag_hunt").table
    assert len(stag) == 3
    mixed = stag[~stag["pure"]].iloc[0]
    assert mixed["row_cooperates"] == pytest.approx(0.5)
    assert mixed["row_payoff"] == pytest.approx(2.0)
    assert repr(api.equilibria("prisoners_dilemma")) == "Equilibria('prisoners_dilemma': (D, D))"


def test_equilibria_of_the_repeated_game(tmp_path):
    """Over 10 fixed rounds without noise: a deviation from Cooperator defects throughout
    (5 − 3 = 2 per round), from Tit For Tat it defects in the last round ((9·3 + 5)/10 − 3 =
    0.2); nothing gains against Defector."""
    path = tmp_path / "hand.yaml"
    path.write_text("name: hand\nroster: [{strategy: Cooperator}, {strategy: Defector}, "
                    "{strategy: Tit For Tat}]\nmatch: {turns: 10}\n")
    found = api.equilibria(path, repeated=True)
    table = found.self_enforcement.set_index("strategy")
    assert table["deviation_gain"].to_dict() == pytest.approx(
        {"Cooperator": 2.0, "Defector": 0.0, "Tit For Tat": 0.2})
    assert table["self_enforcing"].to_dict() == {"Cooperator": False, "Defector": True,
                                                 "Tit For Tat": False}
    assert found.config.match.turns == 10
    assert repr(found).endswith("; self-enforcing: Defector)")
    same = api.equilibria({"name": "hand", "roster": ROSTER, "match": {"turns": 10}},
                          repeated=True)
    pd.testing.assert_frame_equal(same.self_enforcement, found.self_enforcement)
    with pytest.raises(UserError, match="needs a config"):
        api.equilibria("prisoners_dilemma", repeated=True)


def test_matches_hold_the_exact_expectation_of_a_match_when_every_pair_is_exact(tmp_path):
    config = {"name": "expect", "roster": [{"strategy": "Cooperator"},
                                           {"strategy": "Tit For Tat", "discount": 0.5}],
              "match": {"continuation": 0.9, "noise": 0.1}}
    result = api.run(config, progress=False)
    matches = result.matches
    assert len(matches) == len(result.pairwise) == 4 and set(matches["engine"]) == {"exact"}
    assert matches["repetitions"].isna().all()
    np.testing.assert_allclose(matches["rounds"], 10.0)  # 1 / (1 − δ)
    merged = matches.merge(result.pairwise, on=["player", "opponent"], suffixes=("", "_table"))
    np.testing.assert_allclose(merged["net"] / merged["rounds"], merged["mean_payoff"])
    np.testing.assert_allclose(merged["cooperation_rate"] / merged["rounds"],
                               merged["cooperation_rate_table"])
    # a discount γ weighs the stream by Σ (δγ)^t = 1 / (1 − 0.45) for Tit For Tat
    weight = dict(zip(merged["player"], merged["discount_weight"], strict=False))
    assert weight["Tit For Tat"] == pytest.approx(1 / (1 - 0.45))
    assert weight["Cooperator"] == pytest.approx(10.0)
    np.testing.assert_allclose(merged["discounted_net"] / merged["discount_weight"],
                               merged["discounted_payoff"])
    # read back from disk, the exact rows are the same
    loaded = api.load_result(api.save(result, tmp_path / "run"))
    pd.testing.assert_frame_equal(loaded.matches, matches, check_exact=False, rtol=1e-11)


def test_a_capped_match_expects_the_capped_length():
    result = api.run({"name": "cap", "roster": ROSTER,
                      "match": {"continuation": 0.5, "turns": 3}}, progress=False)
    np.testing.assert_allclose(result.matches["rounds"], 1 + 0.5 + 0.25)


def test_simulated_matches_hold_the_average_match():
    result = api.run({"name": "sim", "roster": ROSTER,
                      "match": {"turns": 5, "repetitions": 3, "engine": "simulate"}},
                     progress=False)
    matches = result.matches
    assert set(matches["engine"]) == {"simulate"}
    assert len(matches) == 3 * 2 + 3  # 3 pairs × 2 seats, and 3 self-plays (one row each)
    assert (matches["repetitions"] == 3).all() and (matches["rounds"] == 5).all()
    merged = matches.merge(result.pairwise, on=["player", "opponent"], suffixes=("", "_table"))
    np.testing.assert_allclose(merged["net"] / merged["rounds"], merged["mean_payoff"])
    # Defector against Cooperator: 5 a round in every match
    defector = matches.set_index(["player", "opponent"]).loc[("Defector", "Cooperator")]
    assert defector["net"] == 25 and defector["gross_payoff"] == 25


def test_a_result_shows_itself_briefly():
    result = api.run({"name": "brief", "roster": ROSTER, "match": {"turns": 10}},
                     progress=False)
    assert repr(result) == ("TournamentResult('brief': 3 states, 9 pairs exact, 0 simulated; "
                            "first 'Defector' 3.200)")
    page = result._repr_html_()
    assert page.startswith("<h3>brief</h3>")
    assert "<strong>Defector</strong> ranks first with a net payoff of 3.200" in page
    assert page.count("<tr>") == 1 + 3 and "<td class=\"text\">exact</td>" in page
    assert len(page) < 5000


def test_the_tutorial_notebook_runs():
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "examples" / "tutorial.ipynb", as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    texts = [o.get("data", {}).get("text/plain", "") for o in outputs]
    assert ("['ecology', 'invasion', 'payoff_heatmap', 'ranking', 'ranking_sensitivity']"
            in texts)
    assert any("image/png" in o.get("data", {}) for o in outputs)  # a figure is drawn
    assert any("report.html" in text and "summary.tex" in text for text in texts)
