"""One model: every concept has one definition, and the defects of second definitions stay fixed.

Each test here failed on the engine before the redesign: a discount used as fitness, a Moran
process selecting on a different quantity than the invasion analysis, run parameters shared
between concurrent Moran runs, keys accepted and ignored, cheating strategies making results
depend on the number of processes.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

from tests.conftest import small_config
from tournaments import api
from tournaments.errors import ConfigError
from tournaments.model.config import load_config


def test_a_discount_changes_a_states_valuation_not_its_fitness():
    """Two Always Defect entries, γ = 1 and γ = 0.6, play identically: they must tie in the
    tournament, in the stationary ranking and in the ecological dynamics (δ 0.95, ε 0.01,
    N 20, w 0.1). Before, the impatient copy topped all three."""
    config = {"name": "gamma", "seed": 3,
              "roster": [{"strategy": "Defector", "label": "patient"},
                         {"strategy": "Defector", "label": "impatient", "discount": 0.6},
                         {"strategy": "Tit For Tat"}, {"strategy": "Cooperator"}],
              "match": {"continuation": 0.95, "noise": 0.01},
              "evolution": {"population_size": 20, "selection_intensity": 0.1}}
    result = api.run(config, progress=False)
    summary = result.summary.set_index("strategy")
    assert summary.mean_payoff["impatient"] == summary.mean_payoff["patient"]
    # the state's own valuation is reported beside it, in a column of its own
    assert summary.discounted_payoff["impatient"] > summary.discounted_payoff["patient"]
    assert summary.discounted_payoff["patient"] == summary.mean_payoff["patient"]
    survival = result.survival.survival.set_index("strategy")
    for column in ("stationary_weight", "ecological_share", "tournament_payoff"):
        assert survival[column]["impatient"] == pytest.approx(survival[column]["patient"],
                                                              rel=1e-12), column


@pytest.mark.slow
def test_moran_process_is_the_process_invasion_csv_computes():
    """1 Tit For Tat (γ = 0.7) among 5 Always Defect, δ 0.9, ε 0.05, w 1: the fixation
    frequency of 1,500 seeded Moran runs agrees with the exact fixation probability of
    invasion.csv (before: 0.105 against 0.212, z = −10)."""
    runs = 1500
    config = {"name": "moran", "seed": 5, "kind": "moran",
              "roster": [{"strategy": "Tit For Tat", "count": 1, "discount": 0.7},
                         {"strategy": "Defector", "count": 5}],
              "match": {"continuation": 0.9, "noise": 0.05},
              "evolution": {"population_size": 6, "selection_intensity": 1.0, "runs": runs,
                            "generations": 100_000}}
    result = api.run(config, progress=False)
    invasion = result.survival.invasion.set_index(["mutant", "resident"])
    rho = invasion.fixation_probability["Tit For Tat", "Defector"]
    observed = (result.moran_runs.winner == "Tit For Tat").mean()
    z = (observed - rho) / np.sqrt(rho * (1 - rho) / runs)
    assert 0.15 < rho < 0.18 and abs(z) < 4, (observed, rho, z)


def _moran(seed: int, first: str, game: str) -> dict:
    return small_config(seed=seed, kind="moran", game=game,
                        roster=[{"strategy": first, "count": 2}, {"strategy": "Defector",
                                                                   "count": 3}],
                        match={"continuation": 0.8, "noise": 0.02, "engine": "simulate",
                               "repetitions": 5},
                        evolution={"runs": 30, "generations": 200, "selection_intensity": 0.8})


def test_two_runs_in_two_threads_give_what_each_gives_alone(tmp_path):
    """Run parameters once lived on a shared Match subclass: concurrent runs swapped them.
    Both runs simulate their matches, run Moran processes and write their results directory
    (figures included) at the same time as the other."""
    configs = [_moran(1, "Tit For Tat", "prisoners_dilemma"), _moran(2, "Cooperator", "stag_hunt")]
    alone = [api.save(api.run(c, progress=False), tmp_path / f"alone-{k}")
             for k, c in enumerate(configs)]
    barrier = threading.Barrier(2)
    errors: list = []

    def work(k: int) -> None:
        try:
            barrier.wait()
            api.save(api.run(configs[k], progress=False), tmp_path / f"together-{k}")
        except BaseException as err:  # reported below, not lost in the thread
            errors.append(err)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for k, directory in enumerate(alone):
        files = sorted(p.name for p in directory.iterdir() if p.name != "manifest.json")
        assert "moran.csv" in files and "moran.png" in files
        for name in files:
            together = tmp_path / f"together-{k}" / name
            assert together.read_bytes() == (directory / name).read_bytes(), name
    first, second = (pd.read_csv(d / "moran.csv") for d in alone)
    assert not first.equals(second)


@pytest.mark.parametrize("change, key", [
    ({"roster": [{"strategy": "Tit For Tat", "role": "leader"},
                 {"strategy": "Defector", "role": "sending"}]}, "roster[0].role"),
    ({"kind": "ecological"}, "kind"),
    ({"evolution": {"runs": 500}}, "evolution.runs"),
    ({"evolution": {"mutation_rate": 0.1}}, "evolution.mutation_rate"),
    ({"topology": {"kind": "round_robin", "cross_club_probability": 0.5}},
     "topology.cross_club_probability"),
    ({"match": {"engine": "exact", "repetitions": 50, "turns": 5}}, "match.repetitions"),
    ({"game": {"kind": "prisoners_dilemma", "T": float("inf")}}, "game.T"),
])
def test_keys_that_would_change_nothing_are_errors(change, key):
    with pytest.raises(ConfigError) as err:
        load_config(small_config(**change))
    assert err.value.key == key


def test_the_resolved_config_holds_only_keys_that_apply_and_loads_again():
    config = load_config(small_config())
    resolved = config.resolved()
    assert "runs" not in resolved["evolution"] and "mutation_rate" not in resolved["evolution"]
    assert "cross_club_probability" not in resolved["topology"]
    assert load_config(resolved) == config


def test_cheating_strategies_are_refused_unless_allowed():
    roster = [{"strategy": "Darwin"}, {"strategy": "Tit For Tat"}, {"strategy": "Random"}]
    with pytest.raises(ConfigError, match="manipulates_state.*allow_cheating"):
        api.run(small_config(roster=roster), progress=False)


def test_allowed_cheaters_give_the_same_results_with_one_or_two_processes():
    """Darwin keeps a class-level genome across matches: without restoring it before each
    match, 1 and 2 processes gave different results (27 pairs differed in a larger roster)."""
    roster = [{"strategy": "Darwin"}, {"strategy": "Tit For Tat"}, {"strategy": "Random"},
              {"strategy": "Grudger"}, {"strategy": "Alternator"}]
    config = small_config(roster=roster, allow_cheating=True,
                          match={"turns": 20, "noise": 0.05, "repetitions": 3})
    one = api.run(config, processes=1, progress=False)
    two = api.run(config, processes=2, progress=False)
    again = api.run(config, processes=1, progress=False)
    pd.testing.assert_frame_equal(one.pairwise, two.pairwise)
    pd.testing.assert_frame_equal(one.pairwise, again.pairwise)


def test_topology_is_one_graph_for_the_tournament_and_the_moran_process():
    """Clubs topology: the tournament's counted pairs are the edges among copy 0 of each
    entry of the graph the Moran process plays on (once two draws with different keys)."""
    from tournaments.model import topology
    from tournaments.model.roster import build_specs

    roster = [{"strategy": "Tit For Tat", "club": "EU"}, {"strategy": "Cooperator", "club": "EU"},
              {"strategy": "Defector"}, {"strategy": "Grudger", "club": "ASEAN"},
              {"strategy": "Alternator"}]
    config = load_config(small_config(roster=roster, topology={
        "kind": "clubs", "cross_club_probability": 0.5}))
    specs = build_specs(config)
    members = [topology.Member(s.label, 0, s.club) for s in specs]
    edges = {(members[i].label, members[j].label)
             for i, j in topology.edges(config.topology, config.seed, members)}
    result = api.run(config, progress=False)
    counted = result.pairwise[result.pairwise.counted]
    pairs = {tuple(sorted(p)) for p in zip(counted.player, counted.opponent, strict=True)}
    assert pairs == {tuple(sorted(e)) for e in edges}
    assert ("Tit For Tat", "Cooperator") in edges and 0 < len(edges) < 10
