"""The exact fast path of sweeps (tournaments.engines.exact_sweep) against the per-cell path:
the same sweep.csv and thresholds.csv bytes, which cells take it, and the batched functions it
is made of (each giving every member of a batch the numbers it gets alone)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import yaml

from tournaments import sweep as sweep_module
from tournaments.analysis import evolution
from tournaments.analysis.tables import round_significant
from tournaments.engines import exact_sweep
from tournaments.sweep import expand, run_sweep

BASE = {
    "name": "exactsweep",
    "seed": 3,
    "roster": [{"strategy": "Tit For Tat"}, {"strategy": "Defector"},
               {"strategy": "suasion", "label": "Persuader", "params": {"payment": 0.5}},
               {"strategy": "multilateralist", "label": "Multilateralist"},
               {"strategy": "Grudger"}],
    "match": {"continuation": 0.9, "noise": 0.01},
}


def write(tmp_path, sweep: dict, **overrides):
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({**BASE, **overrides, "sweep": sweep}, sort_keys=False))
    return path


@pytest.fixture
def pipeline_calls(monkeypatch):
    """The cells the per-cell pipeline runs (``run_cell``), by id."""
    calls = []
    original = sweep_module.run_cell

    def counted(cell, source):
        calls.append(cell.id)
        return original(cell, source)

    monkeypatch.setattr(sweep_module, "run_cell", counted)
    return calls


def both_paths(tmp_path, config, pipeline_calls):
    """Run a sweep both ways (the per-cell path first); assert equal bytes; return the fast
    run's outcome and the cells the pipeline ran in it."""
    old = run_sweep(config, tmp_path / "per_cell", executor="loop", progress=False,
                    exact_fast_path=False)
    assert len(pipeline_calls) == old.cells  # the switch turns the fast path off
    pipeline_calls.clear()
    new = run_sweep(config, tmp_path / "fast", executor="loop", progress=False)
    for name in ("sweep.csv", "thresholds.csv"):
        assert (old.out / name).read_bytes() == (new.out / name).read_bytes(), name
    assert new.failed == old.failed
    return new, list(pipeline_calls)


@pytest.fixture(params=["journaled", "in memory"])
def journal(request, monkeypatch):
    """Both ways the fast path hands its cells over: as cell files, or in memory."""
    if request.param == "in memory":
        monkeypatch.setattr(sweep_module, "JOURNAL_CELLS", 0)
    return request.param


@pytest.mark.parametrize("sweep", [
    {"grid": {"match.continuation": [0.5, 0.7, 0.95], "match.noise": [0.0, 0.02, 0.1]}},
    {"grid": {"game.T": [3.5, 4.0, 6.0], "match.noise": [0.0, 0.05]}},
    {"grid": {"roster[Persuader].params.payment": [0, 0.25, 1.5, 3.0]},
     "cells": [{"match.noise": 0.04}, {"roster[Persuader].params.payment": 2}]},
    {"grid": {"match.turns": [1, 7, 60], "match.noise": [0.0, 0.03]}},
], ids=["delta-noise", "payoff", "strategy-parameter", "fixed-turns"])
def test_fast_path_gives_the_per_cell_bytes(tmp_path, sweep, journal, pipeline_calls):
    overrides = {"match": {"continuation": 1.0, "noise": 0.01}} if "match.turns" in str(
        sweep) else {}
    outcome, calls = both_paths(tmp_path, write(tmp_path, sweep, **overrides), pipeline_calls)
    assert calls == [] and outcome.failed == []  # every cell took the fast path
    journaled = sorted(p.stem for p in (outcome.out / "cells").glob("*.csv"))
    ids = sorted(c.id for c in expand(outcome.out / "config.yaml")[1])
    assert journaled == (ids if journal == "journaled" else [])
    table = pd.read_csv(outcome.out / "sweep.csv")
    assert len(table) == 5 * len(ids) and set(table["engine"]) == {"exact"}


def test_scattered_points_at_their_own_noise_are_the_grid_bit_for_bit(tmp_path):
    """Cells solved as rows at each one's own ε (what thresholds' root-finding asks for:
    scattered (δ, ε) points) get the bits one call over the grid of their δ and ε gives."""
    config = write(tmp_path, {"grid": {"match.continuation": [0.6, 0.9],
                                       "match.noise": [0.0, 0.02, 0.07]}})
    _, cells, _ = expand(config)
    context = exact_sweep._Context(str(config))
    grid = [context.tournament(cell) for cell in cells]
    exact_sweep._solve_calls(grid)
    expected = [t.values.copy() for t in grid]
    apart = [context.tournament(cell) for cell in cells[::-1]]
    exact_sweep._solve_calls(apart, each_noise=True)
    for t, values in zip(apart[::-1], expected, strict=True):
        assert np.array_equal(t.values.view(np.int64), values.view(np.int64))


def test_values_are_the_solvers(tmp_path, pipeline_calls):
    """Not only equal to the pipeline's: right. Tit For Tat against Always Defect over 7
    fixed rounds without noise gets (S + 6P)/7, the defector (T + 6P)/7 (R, S, T, P = 3, 0,
    5, 1), each its only opponent."""
    config = write(tmp_path, {"grid": {"match.turns": [7]}},
                   roster=[{"strategy": "Tit For Tat"}, {"strategy": "Defector"}],
                   match={"continuation": 1.0, "noise": 0.0})
    outcome, calls = both_paths(tmp_path, config, pipeline_calls)
    assert calls == []
    table = pd.read_csv(outcome.out / "sweep.csv").set_index("strategy")
    assert table.loc["Tit For Tat", "mean_payoff"] == pytest.approx(6 / 7, rel=1e-12)
    assert table.loc["Defector", "mean_payoff"] == pytest.approx(11 / 7, rel=1e-12)
    assert table.loc["Defector", "rank"] == 1 and table.loc["Tit For Tat", "rank"] == 2


def test_discounts_and_explicit_cells_keep_each_cells_columns(tmp_path, journal,
                                                             pipeline_calls):
    """A discount below 1 adds discounted_payoff to its cells only; explicit cells set other
    parameters; cells differ in their columns and sweep.csv still matches byte for byte."""
    sweep = {"grid": {"roster[Tit For Tat].discount": [1.0, 0.8]},
             "cells": [{"match.noise": 0.05}, {"roster[0].discount": 0.6, "match.noise": 0.0}]}
    outcome, calls = both_paths(tmp_path, write(tmp_path, sweep), pipeline_calls)
    assert calls == []
    table = pd.read_csv(outcome.out / "sweep.csv")
    assert table["discounted_payoff"].isna().sum() == 2 * 5  # the cells without a discount


def test_cells_without_forms_fall_back_and_mix(tmp_path, journal, pipeline_calls):
    """Adaptive (unbounded memory) has no finite-state form: its cells run through the pipeline
    (simulated), the others take the fast path, and sweep.csv interleaves them in the config's
    order."""
    sweep = {"grid": {"roster[1].strategy": ["Defector", "Adaptive", "Cooperator"],
                      "match.noise": [0.0, 0.05]}}
    config = write(tmp_path, sweep, match={"continuation": 0.9, "noise": 0.01,
                                           "repetitions": 2})
    outcome, calls = both_paths(tmp_path, config, pipeline_calls)
    _, cells, _ = expand(config)
    adaptive = [c.id for c in cells if dict(c.params)["roster[1].strategy"] == "Adaptive"]
    assert sorted(calls) == sorted(adaptive)
    table = pd.read_csv(outcome.out / "sweep.csv")
    assert list(dict.fromkeys(table["cell"])) == [c.id for c in cells]
    assert set(table[table["cell"].isin(adaptive)]["engine"]) == {"simulate", "mixed"}
    assert set(table[~table["cell"].isin(adaptive)]["engine"]) == {"exact"}


def test_a_swept_string_that_reads_back_as_a_number_falls_back(tmp_path, journal,
                                                               pipeline_calls):
    """A cell file turns the swept label "007" into the number 7 when read back; a file of
    many cells would keep the string: that cell takes the pipeline, the other the fast path."""
    config = write(tmp_path, {"grid": {"roster[0].label": ["Alpha", "007"]}})
    _, cells, _ = expand(config)
    outcome, calls = both_paths(tmp_path, config, pipeline_calls)
    assert calls == [cells[1].id]
    assert "\n" + cells[1].id + ",7," in (outcome.out / "sweep.csv").read_text()


NOISE_AWARE = '''
from tournaments.strategy import AutomatonStrategy, state_classifier


class NoiseAware(AutomatonStrategy):
    """Tit For Tat that forgives every defection when the match's noise exceeds 2 %."""

    name = "Noise Aware"
    classifier = state_classifier(1)

    def initial_state(self, partner):
        return "first"

    def cooperation(self, state):
        forgiving = self.match_attributes["noise"] > 0.02
        return 1.0 if state in ("first", 0) or forgiving else 0.0

    def transition(self, state, own, other):
        return other
'''


def test_a_form_that_reads_the_noise_is_built_per_noise(tmp_path, journal, pipeline_calls):
    """A plug-in automaton may read its match attributes: its form at ε = 0.05 forgives and
    at ε = 0.01 does not, so reusing one form across the noise values would change the
    numbers (and the bytes)."""
    (tmp_path / "noise_aware.py").write_text(NOISE_AWARE)
    config = write(tmp_path, {"grid": {"match.noise": [0.0, 0.01, 0.05]}},
                   roster=[{"strategy": "noise_aware.py:NoiseAware"}, {"strategy": "Defector"},
                           {"strategy": "Tit For Tat"}])
    outcome, calls = both_paths(tmp_path, config, pipeline_calls)
    assert calls == []
    table = pd.read_csv(outcome.out / "sweep.csv").set_index(["match.noise", "strategy"])
    assert table.loc[(0.05, "Noise Aware"), "cooperation_rate"] > 0.9
    assert table.loc[(0.01, "Noise Aware"), "cooperation_rate"] < 0.6


def test_a_strategy_without_a_form_falls_back_entirely(tmp_path, pipeline_calls):
    config = write(tmp_path, {"grid": {"match.noise": [0.0, 0.05]}},
                   roster=[{"strategy": "Adaptive"}, {"strategy": "Tit For Tat"}],
                   match={"continuation": 0.8, "repetitions": 2})
    outcome, calls = both_paths(tmp_path, config, pipeline_calls)
    assert len(calls) == outcome.cells == 2


@pytest.mark.parametrize(("overrides", "fast"), [
    ({"kind": "moran", "evolution": {"population_size": 5, "runs": 4}}, False),
    ({"match": {"continuation": 0.9, "engine": "simulate", "repetitions": 2}}, False),
    ({"topology": {"kind": "clubs", "cross_club_probability": 0.5}}, False),
    ({"topology": {"kind": "clubs", "cross_club_probability": 0.0}}, True),
])
def test_which_configs_take_the_fast_path(tmp_path, overrides, fast, pipeline_calls):
    roster = [dict(entry, club="EU" if n < 2 else "AU") for n, entry in
              enumerate(BASE["roster"])]
    config = write(tmp_path, {"grid": {"match.noise": [0.0, 0.05]}}, roster=roster, **overrides)
    assert bool(exact_sweep.split(expand(config)[1])[0]) == fast
    outcome, calls = both_paths(tmp_path, config, pipeline_calls)
    assert len(calls) == (0 if fast else outcome.cells)


def test_a_cell_whose_survival_analysis_fails_fails_as_in_the_pipeline(tmp_path,
                                                                       pipeline_calls):
    """At selection intensity 1 a payoff of 0 makes a fitness of 0: the survival analysis
    raises. That cell is handed to the pipeline, which records it as failed with its message;
    the other cells of the batch are computed exactly."""
    config = write(tmp_path, {"grid": {"game.S": [0.0, 0.5]}},
                   roster=[{"strategy": "Cooperator"}, {"strategy": "Defector"}],
                   match={"continuation": 0.9, "noise": 0.0},
                   evolution={"selection_intensity": 1.0})
    outcome, calls = both_paths(tmp_path, config, pipeline_calls)
    assert len(calls) == 1 and [ident for ident, _ in outcome.failed] == calls
    assert "selection_intensity" in outcome.failed[0][1]


def test_resume_after_a_damaged_cell_file(tmp_path, pipeline_calls):
    """Journaled fast cells are finished cells: a resume keeps them and recomputes (with the
    fast path) only the one whose file no longer checks out."""
    config = write(tmp_path, {"grid": {"match.noise": [0.0, 0.01, 0.02]}})
    reference = run_sweep(config, tmp_path / "ref", executor="loop", progress=False)
    victim = sorted((reference.out / "cells").glob("*.csv"))[1]
    victim.write_text(victim.read_text()[:-40])
    computed = []
    original = exact_sweep.solve_cells

    def spy(cells, source, **kwargs):
        computed.extend(c.id for c in cells)
        return original(cells, source, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(exact_sweep, "solve_cells", spy)
        with pytest.warns(UserWarning, match="recomputing 1 cell"):
            run_sweep(config, reference.out, resume=True, executor="loop", progress=False)
    assert computed == [victim.stem] and pipeline_calls == []
    fresh = run_sweep(config, tmp_path / "fresh", executor="loop", progress=False,
                      exact_fast_path=False)
    assert (fresh.out / "sweep.csv").read_bytes() == (reference.out / "sweep.csv").read_bytes()


def test_batch_size_sets_the_fast_paths_batches(tmp_path):
    config = write(tmp_path, {"grid": {"match.noise": [0.0, 0.01, 0.02, 0.03, 0.04]},
                              "batch_size": 2})
    _, cells, _ = expand(config)
    sizes = []
    exact_sweep.solve_cells(cells, str(config), chunk=2,
                            each=lambda done, rows, columns: sizes.append(len(done)))
    assert sizes == [2, 2, 1]


def test_threads_give_the_same_rows_in_the_same_order(tmp_path):
    """Batches computed in threads: the rows, columns, cells left over (here the noiseless
    S = 0 cell, whose survival analysis fails) and the calls of ``each`` are those of one
    thread."""
    config = write(tmp_path, {"grid": {"game.S": [0.0, 0.5], "match.noise": [0.0, 0.02, 0.1]},
                              "cells": [{"match.continuation": 0.5}]},
                   roster=[{"strategy": s} for s in ("Cooperator", "Defector", "Tit For Tat",
                                                      "Grudger")],
                   evolution={"selection_intensity": 1.0})
    _, cells, _ = expand(config)
    runs = []
    for threads in (1, 3):
        calls = []
        found = exact_sweep.solve_cells(
            cells, str(config), chunk=2, threads=threads,
            each=lambda done, rows, columns, calls=calls: calls.append(
                ([c.id for c in done], rows)))
        runs.append((found, calls))
    (one, one_calls), (three, three_calls) = runs
    assert len(one.rest) == 1 and len(one.cells) == 6  # payoff 0 at w = 1: fitness 0
    pd.testing.assert_frame_equal(one.rows, three.rows)
    assert one.columns == three.columns
    assert [c.id for c in one.rest] == [c.id for c in three.rest]
    assert [ids for ids, _ in one_calls] == [ids for ids, _ in three_calls]
    for (_, a), (_, b) in zip(one_calls, three_calls, strict=True):
        pd.testing.assert_frame_equal(a, b)


# --------------------------------------------------------------------------------------------
# the batched functions the fast path is made of


def test_round_significant_is_pythons_formatting():
    rng = np.random.default_rng(4)
    values = np.concatenate([
        rng.uniform(-5, 5, 20_000), np.exp(rng.uniform(-50, 50, 20_000)),
        rng.integers(0, 2**20, 5_000) / 2.0 ** rng.integers(0, 30, 5_000),  # dyadic: ties
        [0.0, -0.0, np.nan, np.inf, -np.inf, 1001 / 8192, 0.5, 1e-11, 1e22, 1e23, 5e-324,
         999999999999.5, 0.1 + 0.2]])
    for digits in (12, 6, 15):
        expected = np.array([float(f"{x:.{digits}g}") for x in values])
        got = round_significant(values, digits)
        same = (got.view(np.int64) == expected.view(np.int64)) | (
            np.isnan(got) & np.isnan(expected))
        assert same.all(), values[~same][:5]
    # 1001/8192 = 0.1221923828125 is an exact tie at 12 digits: half to even
    assert round_significant([1001 / 8192])[0] == 0.122192382812


def _stack(seed: int, batch: int = 6, k: int = 5) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0.0, 5.0, size=(batch, k, k))


def test_fixation_and_ranking_of_a_batch_are_each_matrix_alone():
    payoffs = _stack(1)
    for rule, w in (("moran", 0.3), ("fermi", 2.0)):
        batch = evolution.fixation_matrix(payoffs, 12, w, rule=rule)
        logs = evolution.log_fixation_matrix(payoffs, 12, w, rule=rule)
        for b in range(len(payoffs)):
            alone = evolution.fixation_matrix(payoffs[b], 12, w, rule=rule)
            np.testing.assert_array_equal(batch[b], alone)
            np.testing.assert_array_equal(logs[b],
                                          evolution.log_fixation_matrix(payoffs[b], 12, w,
                                                                        rule=rule))
    rho = evolution.fixation_matrix(payoffs, 12, 0.3)
    weights = evolution.stationary_ranking(rho, 12)
    table = evolution.invasion_summary(rho, 12, list("abcde"))
    assert list(table.columns) == ["batch", "strategy", "invades", "resists",
                                   "stationary_weight", "stationary_rank"]
    for b in range(len(payoffs)):
        np.testing.assert_array_equal(weights[b], evolution.stationary_ranking(rho[b], 12))
        alone = evolution.invasion_summary(rho[b], 12, list("abcde"))
        pd.testing.assert_frame_equal(
            table[table["batch"] == b].drop(columns="batch").reset_index(drop=True), alone)


def test_a_batch_with_one_bad_matrix_raises_as_that_matrix_does():
    payoffs = _stack(2)
    payoffs[3, 0, 1] = -10.0
    with pytest.raises(ValueError, match=r"must be positive.*\(matrix \(3,\)\)"):
        evolution.fixation_matrix(payoffs, 10, 0.5)


def test_ecology_of_a_batch_is_axelrods_ecosystem_for_each_matrix():
    from tournaments._axelrod import load

    axl = load()
    payoffs = _stack(3, batch=4, k=4)
    counts = np.array([[3, 1, 4, 1], [1, 1, 1, 1], [0, 2, 5, 1], [9, 1, 1, 0]], dtype=float)
    rate = lambda u: evolution.fitness(u, selection_intensity=0.4)  # noqa: E731
    history = evolution.ecological_dynamics(payoffs, counts, 50, fitness=rate)
    for b in range(len(payoffs)):
        fake = SimpleNamespace(num_players=4, payoff_matrix=payoffs[b].tolist(),
                               payoff_stddevs=np.zeros((4, 4)).tolist())
        ecosystem = axl.Ecosystem(fake, fitness=rate, population=counts[b].tolist())
        ecosystem.reproduce(50)
        np.testing.assert_array_equal(history[b], np.array(ecosystem.population_sizes))
