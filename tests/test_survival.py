"""The survival analysis and the evolutionary kinds through the engine."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.conftest import small_config
from tournaments import api
from tournaments.analysis import evolution
from tournaments.model import topology
from tournaments.model.config import load_config

# 10 fixed turns, no noise: payoff per round of row against column (hand-computed)
#            TFT   Defector  Cooperator
HAND = np.array([[3.0, 0.9, 3.0],    # TFT: (0 + 9 x 1)/10 against Defector
                 [1.4, 1.0, 5.0],    # Defector: (5 + 9 x 1)/10 against TFT
                 [3.0, 0.0, 3.0]])   # Cooperator
ROSTER = [{"strategy": "Tit For Tat", "count": 3}, {"strategy": "Defector"},
          {"strategy": "Cooperator", "count": 2}]
EVOLUTION = {"population_size": 10, "selection_intensity": 0.5, "generations": 30}


def run(**overrides):
    config = small_config(roster=ROSTER, evolution=EVOLUTION, **overrides)
    return api.run(config, progress=False)


def test_payoff_matrix_and_invasion_from_the_tournament():
    result = run()
    s = result.survival
    labels = ["Tit For Tat", "Defector", "Cooperator"]
    rho = evolution.fixation_matrix(HAND, 10, 0.5)
    invasion = s.invasion.set_index(["mutant", "resident"])["fixation_probability"]
    for i, mutant in enumerate(labels):
        for j, resident in enumerate(labels):
            if i != j:
                assert invasion[mutant, resident] == pytest.approx(rho[i, j], rel=1e-9)
    table = s.survival.set_index("strategy")
    # Defector invades Cooperator and only it; TFT is invaded by nobody
    assert table.loc["Defector", "invades"] == 1 and table.loc["Tit For Tat", "invaded_by"] == 0
    weights = evolution.stationary_ranking(rho, 10)
    assert table["stationary_weight"][labels].to_numpy() == pytest.approx(weights, rel=1e-9)
    assert table.loc["Tit For Tat", "self_cooperation_rate"] == 1.0
    population = dict(zip(s.population.measure, s.population.value, strict=True))
    assert population["stationary_cooperation_rate"] == pytest.approx(
        weights[0] + weights[2], rel=1e-9)


def test_ecology_starts_from_counts_and_follows_the_replicator_map():
    ecology = run().survival.ecology
    first = ecology[ecology.generation == 0].set_index("strategy")["share"]
    assert first.to_dict() == pytest.approx({"Tit For Tat": 0.5, "Defector": 1 / 6,
                                             "Cooperator": 1 / 3})
    # one hand step: u = HAND @ x, fitness 1 - w + w u, x' = x f / sum(x f)
    x = np.array([0.5, 1 / 6, 1 / 3])
    f = 1 - 0.5 + 0.5 * (HAND @ x)
    second = ecology[ecology.generation == 1]["share"].to_numpy()
    assert second == pytest.approx(x * f / (x * f).sum(), rel=1e-12)
    assert ecology.groupby("generation")["share"].sum().to_numpy() == pytest.approx(1.0)


def test_ranking_does_not_depend_on_roster_order():
    forward = run().survival.survival.set_index("strategy")
    backward = api.run(small_config(roster=ROSTER[::-1], evolution=EVOLUTION),
                       progress=False).survival.survival.set_index("strategy")
    pd.testing.assert_frame_equal(forward, backward.loc[forward.index], check_like=True)


def test_analyze_rewrites_the_same_files(tmp_path, cli):
    out = api.save(run(), tmp_path / "run")
    before = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    result = cli("analyze", str(out))
    assert result.returncode == 0, result.stderr
    assert "stationary cooperation rate" in result.stdout
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == before
    assert cli("verify", str(out)).returncode == 0


#: Source 004, Figure 5 as two populations: leaders support (C) or bash (D), publics too.
LEADERS_AND_PUBLICS = [
    {"strategy": "Cooperator", "role": "leader", "label": "Supporting leader"},
    {"strategy": "Defector", "role": "leader", "label": "Bashing leader"},
    {"strategy": "Cooperator", "role": "public", "label": "Supportive public"},
    {"strategy": "Defector", "role": "public", "label": "Bashing public"}]


def test_two_populations_of_leaders_and_publics_settle_on_support_and_bash():
    result = api.run(small_config(game="leader_leads", roster=LEADERS_AND_PUBLICS,
                                  evolution={"population_size": 20,
                                             "selection_intensity": 0.1}), progress=False)
    s = result.survival
    assert s.roles == ("leader", "public")
    # Figure 5: supporting pays the leader 3 whatever the public does, bashing 2; bashing pays
    # the public 4 against a supporting leader (3 if it supports), 2 against a bashing one (1)
    invasion = s.invasion.set_index(["role", "row_resident", "column_resident", "mutant"])
    f = [1 - 0.1 + 0.1 * pi for pi in (3, 2)]  # fitness of supporting and bashing leaders
    r, n = f[0] / f[1], 20
    closed = (1 - 1 / r) / (1 - r ** -n)  # constant-fitness Moran fixation
    for public in ("Supportive public", "Bashing public"):  # whatever the public plays
        rho = invasion.loc[("leader", "Bashing leader", public, "Supporting leader"),
                           "fixation_probability"]
        assert rho == pytest.approx(closed, rel=1e-12)
    # support and bash survive: (Supporting leader, Bashing public) has the largest weight
    top = s.profiles[s.profiles["survives"]]
    assert list(zip(top["row_strategy"], top["column_strategy"], strict=True)) == [
        ("Supporting leader", "Bashing public")]
    ranks = s.survival.set_index("strategy")["rank"]
    assert ranks["Supporting leader"] == 1 and ranks["Bashing public"] == 1
    rates = s.population.set_index(["measure", "role"])["value"]
    assert rates[("stationary_cooperation_rate", "leader")] > 0.5
    assert rates[("stationary_cooperation_rate", "public")] < 0.5
    assert ("cooperation survives in the leader population" in result.report()
            and "but not in the public population" in result.report())


def test_roles_in_a_symmetric_game_are_the_same_game_written_as_a_and_b():
    roster = [{"strategy": "Tit For Tat", "role": "receiving"},
              {"strategy": "Defector", "role": "receiving"},
              {"strategy": "Win-Stay Lose-Shift", "role": "sending"},
              {"strategy": "Cooperator", "role": "sending"}]
    match = {"continuation": 0.9, "noise": 0.05, "engine": "exact"}
    symmetric = api.run(small_config(roster=roster, match=match), progress=False)
    written = api.run(small_config(
        roster=roster, match=match, game={"A": [[3, 0], [5, 1]], "B": [[3, 5], [0, 1]],
                                          "roles": ["receiving", "sending"]}), progress=False)
    for name in ("survival", "invasion", "profiles", "ecology", "population"):
        pd.testing.assert_frame_equal(getattr(symmetric.survival, name),
                                      getattr(written.survival, name), check_exact=True)


def test_two_population_moran_runs(tmp_path, cli):
    roster = [{**entry, "count": 3} for entry in LEADERS_AND_PUBLICS]
    config = small_config(kind="moran", game="leader_leads", roster=roster,
                          evolution={"runs": 40, "generations": 5000,
                                     "selection_intensity": 0.5})
    result = api.run(config, progress=False)
    runs = result.moran_runs
    assert list(runs.columns) == ["run", "seed", "steps", "fixated", "row_winner",
                                  "column_winner"]
    assert runs["fixated"].all()  # populations of 6 fix quickly
    # each population fixated once per run: the fixations of each role add up to the runs
    table = result.survival.survival.groupby("role")["moran_fixations"].sum()
    assert table.to_dict() == {"leader": 40, "public": 40}
    # a leader's payoff does not depend on the public (Figure 5): the leader population is a
    # constant-fitness Moran process, r = f(3)/f(2) = 2.0/1.5 at w = 0.5, from 3 of 6 supporters
    r = 2.0 / 1.5
    closed = (1 - r ** -3) / (1 - r ** -6)
    share = (runs["row_winner"] == "Supporting leader").mean()
    assert abs(share - closed) / np.sqrt(closed * (1 - closed) / len(runs)) < 4
    populations = result.moran_populations
    sizes = populations.groupby(["run", "step", "role"])["count"].sum()
    assert (sizes == 6).all()
    path = tmp_path / "moran.yaml"
    path.write_text(yaml.safe_dump(config))
    assert cli("run", str(path), "--out", str(tmp_path / "out")).returncode == 0
    assert cli("verify", str(tmp_path / "out")).returncode == 0


def test_selection_too_strong_for_negative_payoffs_is_bad_input():
    roster = [{"strategy": "issue_linkage", "params": {"sanction": 6.0, "cost": 0.5}},
              {"strategy": "Defector"}]
    with pytest.raises(Exception, match="evolution.selection_intensity"):
        api.run(small_config(roster=roster, evolution={"selection_intensity": 1.0}),
                progress=False)


def test_moran_runs_are_seeded_and_fixate():
    config = small_config(kind="moran", roster=[{"strategy": "Tit For Tat", "count": 2},
                                                {"strategy": "Defector", "count": 2}],
                          match={"turns": 5}, evolution={"runs": 12, "generations": 500})
    first, second = api.run(config, progress=False), api.run(config, progress=False)
    pd.testing.assert_frame_equal(first.moran_runs, second.moran_runs)
    runs = first.moran_runs
    assert len(runs) == 12 and runs["fixated"].all()
    assert set(runs["winner"]) <= {"Tit For Tat", "Defector"}
    populations = first.moran_populations
    start = populations[(populations.run == 0) & (populations.step == 0)]
    assert start.set_index("strategy")["count"].to_dict() == {"Tit For Tat": 2, "Defector": 2}
    assert populations.groupby(["run", "step"])["count"].sum().eq(4).all()
    fixations = first.survival.survival.set_index("strategy")["moran_fixations"]
    assert fixations.sum() == 12


@pytest.mark.slow
def test_moran_fixation_agrees_with_the_exact_probability():
    """One Tit For Tat among three Defectors, 5-turn matches, w = 1: the project's Moran runs
    (axelrod's MoranProcess on the net payoff matrix) against the closed form."""
    runs = 600
    config = small_config(kind="moran", roster=[{"strategy": "Tit For Tat", "count": 1},
                                                {"strategy": "Defector", "count": 3}],
                          match={"turns": 5},
                          evolution={"runs": runs, "generations": 10_000,
                                     "selection_intensity": 1.0})
    result = api.run(config, progress=False)
    # TFT vs TFT 3, TFT vs D (0 + 4)/5 = 0.8, D vs TFT (5 + 4)/5 = 1.8, D vs D 1
    rho = evolution.fixation_probability(np.array([[3.0, 0.8], [1.8, 1.0]]), 4, 1.0)
    observed = (result.moran_runs["winner"] == "Tit For Tat").mean()
    z = (observed - rho) / np.sqrt(rho * (1 - rho) / runs)
    assert abs(z) < 4, (observed, rho, z)


def test_club_topology_links_members_and_draws_cross_links_once():
    roster = [{"strategy": "Tit For Tat", "club": "EU", "count": 2},
              {"strategy": "Cooperator", "club": "EU"}, {"strategy": "Defector", "count": 2}]
    config = load_config(small_config(roster=roster, topology={"kind": "clubs"}))
    members = [topology.Member("Tit For Tat", 0, "EU"), topology.Member("Tit For Tat", 1, "EU"),
               topology.Member("Cooperator", 0, "EU"), topology.Member("Defector", 0),
               topology.Member("Defector", 1)]
    assert topology.edges(config.topology, config.seed, members) == [(0, 1), (0, 2), (1, 2)]
    everyone = config.topology.model_copy(update={"cross_club_probability": 1.0})
    assert len(topology.edges(everyone, config.seed, members)) == 10
    # in the tournament, outsiders are linked to nobody: Defector's mean has no opponents
    result = api.run(config, progress=False)
    counted = result.pairwise[result.pairwise.counted]
    assert set(zip(counted.player, counted.opponent, strict=True)) == {
        ("Tit For Tat", "Cooperator"), ("Cooperator", "Tit For Tat")}
