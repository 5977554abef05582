"""Running tournaments through the Python API: hand-computed payoffs, discounting, transfers,
reproducibility, and the results directory."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.conftest import small_config
from tournaments import api
from tournaments.errors import ConfigError, UserError
from tournaments.output import store as outputs


def pair(result, player, opponent):
    p = result.pairwise
    return p[(p.player == player) & (p.opponent == opponent)].iloc[0]


def test_tft_vs_defector_fixed_turns():
    result = api.run(small_config(), progress=False)
    # 10 rounds: TFT gets S then 9 x P = 9 -> 0.9; Defector T + 9 x P = 14 -> 1.4
    tft, defector = pair(result, "Tit For Tat", "Defector"), pair(result, "Defector", "Tit For Tat")
    assert tft.mean_payoff == pytest.approx(0.9) and defector.mean_payoff == pytest.approx(1.4)
    assert tft.ci_low == pytest.approx(0.9) and tft.ci_high == pytest.approx(0.9)
    assert tft.cooperation_rate == pytest.approx(0.1) and defector.wins == 3
    assert list(result.summary.strategy) == ["Defector", "Tit For Tat"]
    assert list(result.summary["rank"]) == [1, 2]


def test_tft_vs_defector_under_continuation():
    delta, reps = 0.8, 600
    config = small_config(match={"continuation": delta, "repetitions": reps})
    result = api.run(config, progress=False)
    tft, defector = pair(result, "Tit For Tat", "Defector"), pair(result, "Defector", "Tit For Tat")
    # exactly, given the realised lengths: TFT scores 0 then 1 per round -> (rounds - reps)/rounds
    assert tft.mean_payoff == pytest.approx((tft.rounds - reps) / tft.rounds)
    assert defector.mean_payoff == pytest.approx((tft.rounds - reps + 5 * reps) / tft.rounds)
    # and in expectation: (1 - d) * S + d * P = 0.8 ; (1 - d) * T + d * P = 1.8
    for row, expected in ((tft, delta), (defector, (1 - delta) * 5 + delta)):
        assert row.ci_low < expected < row.ci_high
        assert abs(row.mean_payoff - expected) < 4 * row.se


def test_discounted_player_against_a_known_sequence():
    config = small_config(roster=[{"strategy": "Tit For Tat", "discount": 0.5},
                                  {"strategy": "Alternator"}],
                          match={"turns": 4, "repetitions": 2})
    result = api.run(config, progress=False)
    # (C,C) (C,D) (D,C) (C,D): TFT's own valuation (3 + 0.5*0 + 0.25*5 + 0.125*0) / 1.875 ...
    tft = pair(result, "Tit For Tat", "Alternator")
    assert tft.discounted_payoff == pytest.approx(4.25 / 1.875)
    # ... but its payoff per round, the common yardstick, is undiscounted: (3 + 0 + 5 + 0) / 4
    assert tft.mean_payoff == pytest.approx(8 / 4) and tft.gross_payoff == pytest.approx(2.0)
    assert pair(result, "Alternator", "Tit For Tat").mean_payoff == pytest.approx(13 / 4)
    assert pair(result, "Alternator", "Tit For Tat").discounted_payoff == pytest.approx(13 / 4)


def test_side_payments_through_the_runner():
    config = small_config(roster=[{"strategy": "suasion", "params": {"payment": 1.0}},
                                  {"strategy": "Alternator"}],
                          match={"turns": 4, "repetitions": 2}, transfer_efficiency=0.5)
    result = api.run(config, progress=False)
    # Suasion plays TFT: C C D C against C D C D and pays 1 in rounds 1 and 3.
    payer, partner = pair(result, "Suasion", "Alternator"), pair(result, "Alternator", "Suasion")
    assert (payer.gross_payoff, payer.paid, payer.received) == pytest.approx((2.0, 0.5, 0.0))
    assert payer.mean_payoff == pytest.approx(1.5)
    assert (partner.gross_payoff, partner.paid, partner.received) == pytest.approx((3.25, 0, 0.25))
    assert partner.mean_payoff == pytest.approx(3.5)
    row = result.summary.set_index("strategy").loc["Suasion"]
    assert row.mean_payoff == pytest.approx(row.gross_payoff - row.paid + row.received)


def test_self_play_and_labels_made_unique():
    config = small_config(roster=[{"strategy": "Cooperator"}, {"strategy": "Cooperator"},
                                  {"strategy": "Defector", "label": "Closure"}],
                          match={"turns": 5, "repetitions": 1, "self_play": True})
    result = api.run(config, progress=False)
    assert list(result.entries.strategy) == ["Cooperator", "Cooperator (2)", "Closure"]
    assert pair(result, "Cooperator", "Cooperator").mean_payoff == pytest.approx(3)
    # with self-play: Cooperator meets itself (3), Cooperator (2) (3) and Closure (0)
    row = result.summary.set_index("strategy").loc["Cooperator"]
    assert row.mean_payoff == pytest.approx(2.0) and row.opponents == 3


def test_roles_make_any_game_two_populations_that_meet_only_across():
    # the symmetric Prisoner's Dilemma with roles: receiving states meet sending states only
    roster = [{"strategy": "Cooperator", "role": "receiving", "label": "Open"},
              {"strategy": "Defector", "role": "receiving", "label": "Closed"},
              {"strategy": "Tit For Tat", "role": "sending", "label": "Reciprocal"}]
    result = api.run(small_config(roster=roster), progress=False)
    assert set(zip(result.pairwise.player, result.pairwise.opponent, strict=True)) == {
        ("Open", "Reciprocal"), ("Reciprocal", "Open"), ("Closed", "Reciprocal"),
        ("Reciprocal", "Closed")}
    # 10 rounds: Tit For Tat against Defector is (S, then P) = 0 + 9 for it, 5 + 9 for Defector
    assert pair(result, "Closed", "Reciprocal").mean_payoff == pytest.approx(1.4)
    assert pair(result, "Reciprocal", "Closed").mean_payoff == pytest.approx(0.9)
    # each population is ranked on its own: Reciprocal is first among the sending states
    ranks = result.summary.set_index("strategy")["rank"].to_dict()
    assert ranks == {"Open": 1, "Closed": 2, "Reciprocal": 1}
    assert list(result.summary["role"]) == ["receiving", "receiving", "sending"]


def test_asymmetric_game_pairs_roles_across():
    roster = [{"strategy": "Cooperator", "role": "leader", "label": "Leader"},
              {"strategy": "Defector", "role": "public", "label": "Public"},
              {"strategy": "Cooperator", "role": "public", "label": "Assured public"}]
    result = api.run(small_config(game="leader_leads", roster=roster), progress=False)
    assert set(zip(result.pairwise.player, result.pairwise.opponent, strict=True)) == {
        ("Leader", "Public"), ("Public", "Leader"), ("Leader", "Assured public"),
        ("Assured public", "Leader")}
    # Figure 5: (Support, Bash) pays (3, 4); (Support, Support) pays (3, 3)
    assert pair(result, "Public", "Leader").mean_payoff == 4
    assert pair(result, "Assured public", "Leader").mean_payoff == 3
    assert pair(result, "Leader", "Public").mean_payoff == 3


def test_unknown_strategy_suggests_close_matches():
    with pytest.raises(ConfigError) as err:
        api.run(small_config(roster=[{"strategy": "Tit For Tatt"}, {"strategy": "Defector"}]))
    assert err.value.key == "roster[0].strategy" and "'Tit For Tat'" in str(err.value)


def test_bad_strategy_parameter_names_the_range():
    roster = [{"strategy": "suasion", "params": {"payment": -1}}, {"strategy": "Defector"}]
    with pytest.raises(ConfigError, match=r"roster\[0\]\.params.*'payment' = -1 must lie in"):
        api.run(small_config(roster=roster))


NOISY = small_config(roster=[{"strategy": "Tit For Tat"}, {"strategy": "Random"},
                             {"strategy": "suasion"}, {"strategy": "Grudger"}],
                     match={"continuation": 0.9, "noise": 0.05, "repetitions": 8})


def test_same_seed_same_bytes_whatever_the_processes(tmp_path):
    one = api.save(api.run(NOISY, processes=1, progress=False), tmp_path / "one")
    two = api.save(api.run(NOISY, processes=2, progress=False), tmp_path / "two")
    for name in ("summary.csv", "pairwise.csv"):
        assert (one / name).read_bytes() == (two / name).read_bytes()
    other = api.run(NOISY, seed=8, progress=False)
    assert not other.pairwise.equals(api.run(NOISY, progress=False).pairwise)


def test_match_seeds_do_not_depend_on_roster_order():
    reordered = dict(NOISY, roster=list(reversed(NOISY["roster"])))
    a = api.run(NOISY, progress=False).pairwise.set_index(["player", "opponent"]).sort_index()
    b = api.run(reordered, progress=False).pairwise.set_index(["player", "opponent"]).sort_index()
    pd.testing.assert_frame_equal(a, b)


def test_results_directory_contract(tmp_path):
    result = api.run(small_config(), progress=False)
    out = api.save(result, tmp_path / "run")
    names = {p.name for p in out.iterdir()}
    assert {"config.yaml", "manifest.json", "summary.csv", "pairwise.csv", "report.md",
            "ranking.png", "payoff_heatmap.png"} <= names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["config_sha256"] == result.config.sha256()
    assert {"python", "axelrod", "numpy", "pandas"} <= set(manifest["versions"])
    assert manifest["files"]["summary.csv"] == outputs.sha256_file(out / "summary.csv")
    summary = pd.read_csv(out / "summary.csv")
    assert {"rank", "strategy", "mean_payoff", "ci_low", "ci_high", "cooperation_rate", "paid",
            "received", "gross_payoff"} <= set(summary.columns)
    pairwise = pd.read_csv(out / "pairwise.csv")
    assert set(pairwise.player) == set(summary.strategy)
    assert "Ranking" in (out / "report.md").read_text()


def test_existing_directory_is_kept_and_failures_leave_nothing(tmp_path, monkeypatch):
    result = api.run(small_config(), progress=False)
    out = api.save(result, tmp_path / "run")
    before = (out / "summary.csv").read_bytes()
    with pytest.raises(UserError, match="exists"):
        api.save(result, out)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tournaments.output.report.tournament_report", broken)
    with pytest.raises(RuntimeError):
        api.save(result, out, force=True)
    assert (out / "summary.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    monkeypatch.undo()
    api.save(result, out, force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert (out / "summary.csv").read_bytes() == before


def test_engine_auto_solves_finite_state_pairs_exactly():
    delta = 0.8
    config = small_config(roster=[{"strategy": "Tit For Tat"}, {"strategy": "Defector"},
                                  {"strategy": "Random"}, {"strategy": "Adaptive"}],
                          match={"continuation": delta, "repetitions": 3, "engine": "auto"})
    result = api.run(config, progress=False)
    tft, defector = pair(result, "Tit For Tat", "Defector"), pair(result, "Defector", "Tit For Tat")
    # the limits of the ratio estimator: (1 - d) S + d P and (1 - d) T + d P
    assert tft.engine == "exact" and tft.mean_payoff == pytest.approx(delta, abs=1e-12)
    assert defector.mean_payoff == pytest.approx((1 - delta) * 5 + delta, abs=1e-12)
    # no sampling error, so no interval (never a zero-width one) and no repetitions or wins
    assert tft[["ci_low", "ci_high", "se", "skewness", "dof", "repetitions", "rounds",
                "wins"]].isna().all()
    # Adaptive keeps unbounded memory: its pairs are simulated
    engines = result.pairwise.groupby("player")["engine"].agg(set)
    assert engines["Adaptive"] == {"simulate"} and engines["Random"] == {"exact", "simulate"}
    assert result.summary.set_index("strategy")["engine"].to_dict() == {
        "Tit For Tat": "mixed", "Defector": "mixed", "Random": "mixed", "Adaptive": "simulate"}


def test_engine_exact_refuses_a_pair_without_finite_state_form():
    config = small_config(roster=[{"strategy": "Tit For Tat"}, {"strategy": "Adaptive"}],
                          match={"continuation": 0.9, "engine": "exact"})
    with pytest.raises(ConfigError, match=r"match.engine.*Adaptive vs Tit For Tat"):
        api.run(config, progress=False)


def test_exact_and_simulated_runs_agree_with_payments():
    roster = [{"strategy": "suasion", "params": {"payment": 1.0}},
              {"strategy": "issue_linkage"}, {"strategy": "Random"}, {"strategy": "Defector"}]
    match = {"continuation": 0.9, "noise": 0.05, "repetitions": 400}
    exact = api.run(small_config(roster=roster, match={"continuation": 0.9, "noise": 0.05,
                                                       "engine": "exact"}),
                    progress=False).pairwise.set_index(["player", "opponent"])
    simulated = api.run(small_config(roster=roster, match=match),
                        progress=False).pairwise.set_index(["player", "opponent"])
    z = (simulated.mean_payoff - exact.mean_payoff) / simulated.se
    assert (z.abs() < 4.5).all(), z
    for column in ("paid", "received", "sanction_cost", "sanction_suffered"):
        assert ((simulated[column] - exact[column]).abs() < 0.15).all(), column


def test_a_pair_too_large_for_the_exact_solver_is_simulated():
    # a window-5 two-level game leader has 4**5 + ... states: against itself, simulated
    roster = [{"strategy": "two_level_game", "params": {"window": 5}},
              {"strategy": "Tit For Tat"}]
    result = api.run(small_config(roster=roster, match={"continuation": 0.9, "engine": "auto",
                                                        "repetitions": 2}), progress=False)
    engines = result.pairwise.set_index(["player", "opponent"])["engine"]
    leader = result.entries.strategy[0]
    assert engines[leader, leader] == "simulate"
    assert engines["Tit For Tat", "Tit For Tat"] == "exact"


def test_a_strategy_that_cannot_play_the_game_is_bad_input(tmp_path, cli):
    # GTFT reads R, S, T, P from the game, which an asymmetric game does not have
    path = tmp_path / "gtft.yaml"
    path.write_text("name: gtft\ngame: leader_leads\nroster:\n"
                    "  - {strategy: Tit For Tat, role: leader}\n"
                    "  - {strategy: GTFT, role: public}\n")
    result = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "roster[1].strategy: 'GTFT'" in result.stderr and "RPST" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("processes", [1, 2])
def test_the_exact_solve_runs_once_beside_the_simulated_pairs_and_its_error_surfaces(processes):
    """simulate(meanwhile=...): called once, in this process, with the same records either way;
    an error it raises is the run's error (the forked workers' queue is cancelled)."""
    from tournaments import pipeline
    from tournaments.engines.simulate import simulate
    from tournaments.model.roster import build_specs

    config = pipeline.load(small_config(processes=processes,
                                        match={"turns": 20, "repetitions": 4, "noise": 0.1}))
    specs = build_specs(config)
    plan = pipeline.plan(config, specs)
    calls = []
    records = simulate(config, specs, plan.game, plan.pairs, progress=False,
                       meanwhile=lambda: calls.append(processes))
    assert calls == [processes] and len(records) == 4  # two pairs and two self-plays
    serial = pipeline.load(small_config(match={"turns": 20, "repetitions": 4, "noise": 0.1}))
    pd.testing.assert_frame_equal(records, simulate(serial, specs, plan.game, plan.pairs,
                                                    progress=False))

    def fails():
        raise ValueError("the exact solve failed")

    with pytest.raises(ValueError, match="the exact solve failed"):
        simulate(config, specs, plan.game, plan.pairs, progress=False, meanwhile=fails)
