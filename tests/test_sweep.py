"""Sweeps: key paths, cell seeds, byte-identical aggregation across executors, workers,
an external scheduler, kill -9 and resume, failing cells."""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.conftest import ROOT, free_port, loopback_dask, run_cli
from tournaments.analysis import thresholds as sweep_analysis
from tournaments.engines import cluster
from tournaments.errors import ConfigError
from tournaments.sweep import expand, run_sweep, set_path

BASE = {
    "name": "sweeptest",
    "seed": 11,
    "roster": [{"strategy": "Tit For Tat"}, {"strategy": "Defector"},
               {"strategy": "suasion", "label": "Persuader"}],
    "match": {"continuation": 0.9, "noise": 0.01, "repetitions": 3},
    "sweep": {"grid": {"match.continuation": [0.5, 0.9], "match.noise": [0.0, 0.05]},
              "cells": [{"roster[Persuader].params.payment": 2.0}]},
}


def write_config(tmp_path: Path, config: dict = BASE) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def test_set_path_addresses_any_key():
    data = {"game": "prisoners_dilemma", "roster": [{"strategy": "a", "label": "X"},
                                                     {"strategy": "suasion"}]}
    set_path(data, "game.T", 6)
    set_path(data, "roster[X].discount", 0.5)
    set_path(data, "roster[suasion].params.payment", 2)
    set_path(data, "match.noise", 0.1)
    assert data["game"] == {"kind": "prisoners_dilemma", "T": 6}
    assert data["roster"][0]["discount"] == 0.5
    assert data["roster"][1]["params"] == {"payment": 2}
    assert data["match"] == {"noise": 0.1}
    with pytest.raises(KeyError, match="no entry"):
        set_path(data, "roster[Y].discount", 1)


def test_set_path_with_copy_leaves_what_it_shares_as_it_was():
    shared = {"game": {"kind": "prisoners_dilemma"}, "match": {"noise": 0.0, "turns": 5},
              "roster": [{"strategy": "a", "label": "X", "params": {"p": 1}},
                         {"strategy": "b"}]}
    before = copy.deepcopy(shared)
    data = dict(shared)
    for path, value in (("game.T", 6), ("match.noise", 0.1), ("roster[X].params.p", 2),
                        ("roster[X].params.q", 3), ("roster[b].discount", 0.5)):
        set_path(data, path, value, copy=True)
    assert shared == before  # nothing shared was changed
    assert data == {"game": {"kind": "prisoners_dilemma", "T": 6},
                    "match": {"noise": 0.1, "turns": 5},
                    "roster": [{"strategy": "a", "label": "X", "params": {"p": 2, "q": 3}},
                               {"strategy": "b", "discount": 0.5}]}
    assert data["roster"][0]["params"] is not shared["roster"][0]["params"]


def test_cells_in_order_with_seeds_from_their_parameters(tmp_path):
    base, cells, _ = expand(write_config(tmp_path))
    assert [dict(c.params) for c in cells][:2] == [
        {"match.continuation": 0.5, "match.noise": 0.0},
        {"match.continuation": 0.5, "match.noise": 0.05}]
    assert len(cells) == 5 and cells[4].config.roster[2].params == {"payment": 2.0}
    # a cell's seed depends on what it is, not on where it stands in the sweep
    reordered = dict(BASE, sweep={"grid": {"match.noise": [0.05, 0.0],
                                           "match.continuation": [0.9, 0.5]}})
    _, other, _ = expand(write_config(tmp_path, reordered))
    seeds = {c.id: c.config.seed for c in cells}
    assert all(seeds[c.id] == c.config.seed for c in other)
    assert len(set(seeds.values())) == 5


def test_bad_cell_value_names_the_sweep_key(tmp_path):
    bad = dict(BASE, sweep={"grid": {"match.noise": [0.0, 1.5]}})
    with pytest.raises(ConfigError) as err:
        expand(write_config(tmp_path, bad))
    assert "sweep.grid → match.noise" in str(err.value) and "1.5" in str(err.value)


def test_thresholds_by_hand():
    sweep = pd.DataFrame({
        "strategy": ["A"] * 4 + ["B"] * 4,
        "match.continuation": [0.2, 0.5, 0.8, 0.95] * 2,
        "cooperation_rate": [0.6, 0.1, 0.7, 0.9, 0.9, 0.8, 0.2, 0.1],
    })
    table = sweep_analysis.thresholds(sweep, ["match.continuation"], 0.5).set_index("strategy")
    # A holds from 0.8 up and collapses at 0.5: the crossing lies in (0.5, 0.8]
    assert table.loc["A", ["value", "censored", "bracket_low", "bracket_high", "method"]
                     ].tolist() == [0.8, "", 0.5, 0.8, "grid"]
    # B does not hold even at the largest δ: censored above 0.95, not a finding at the edge
    assert table.loc["B", ["value", "censored"]].tolist() == [0.95, ">"]
    assert pd.isna(table.loc["B", "bracket_high"])
    noise = pd.DataFrame({"strategy": ["C"] * 3, "match.noise": [0.0, 0.05, 0.1],
                          "cooperation_rate": [0.9, 0.8, 0.7]})
    tolerance = sweep_analysis.thresholds(noise, ["match.noise"], 0.5).iloc[0]
    assert (tolerance["value"], tolerance["censored"]) == (0.1, ">")  # holds everywhere


def _exact_thresholds(tmp_path, config: dict) -> pd.DataFrame:
    outcome = run_sweep(write_config(tmp_path, config), tmp_path / "out", executor="loop",
                        progress=False)
    assert not outcome.failed
    table = pd.read_csv(tmp_path / "out" / "thresholds.csv")
    table["censored"] = table["censored"].fillna("")
    return table[table["measure"] != "self_enforcing_continuation"]


def test_critical_continuation_by_root_finding_equals_the_closed_form(tmp_path):
    # Suspicious Tit For Tat defects first, then copies: against Cooperator it cooperates in
    # all rounds but the first (δ of them, in expectation, per round), against Defector never.
    # Its cooperation rate is δ/2: with threshold 0.4, δ* = 0.8, between the swept 0.7 and 0.9.
    config = {"name": "closed", "seed": 1,
              "roster": [{"strategy": "Suspicious Tit For Tat"}, {"strategy": "Cooperator"},
                         {"strategy": "Defector"}],
              "match": {"continuation": 0.9, "noise": 0.0, "self_play": False},
              "sweep": {"cooperation_threshold": 0.4,
                        "grid": {"match.continuation": [0.5, 0.7, 0.9, 0.95]}}}
    table = _exact_thresholds(tmp_path, config).set_index("strategy")
    stft = table.loc["Suspicious Tit For Tat"]
    assert stft["method"] == "exact" and stft["censored"] == ""
    assert stft["value"] == pytest.approx(0.8, abs=1e-6)
    assert stft["bracket_low"] <= 0.8 <= stft["bracket_high"]
    assert stft["bracket_high"] - stft["bracket_low"] <= 1e-6
    # the others hold everywhere (Cooperator) or nowhere (Defector): censored, from the grid
    assert table.loc["Cooperator", ["value", "censored", "method"]].tolist() == [0.5, "<", "grid"]
    assert table.loc["Defector", ["value", "censored", "method"]].tolist() == [0.95, ">", "grid"]


def test_noise_tolerance_by_root_finding_agrees_with_the_pipeline(tmp_path):
    # an independent check: full runs of the pipeline (exact engine) just inside and just
    # outside the tolerance found; the rate is a rational function of ε, not a line
    config = {"name": "noisy", "seed": 1,
              "roster": [{"strategy": "Grudger"}, {"strategy": "Tit For Tat"},
                         {"strategy": "Defector"}],
              "match": {"continuation": 0.9, "noise": 0.0},
              "sweep": {"grid": {"match.noise": [0.0, 0.05, 0.1]}}}
    table = _exact_thresholds(tmp_path, config).set_index("strategy")
    from tournaments.pipeline import run

    for strategy in ("Grudger", "Tit For Tat"):
        row = table.loc[strategy]
        assert row["method"] == "exact" and 0.0 < row["value"] < 0.05
        assert row["bracket_high"] - row["bracket_low"] <= 1e-6
        rates = []
        for noise in (row["bracket_low"], row["bracket_high"]):
            single = {k: v for k, v in config.items() if k != "sweep"}
            single["match"] = {**config["match"], "noise": noise, "engine": "exact"}
            summary = run(single, progress=False).summary.set_index("strategy")
            rates.append(summary.loc[strategy, "cooperation_rate"])
        assert rates[0] >= 0.5 > rates[1]


def test_simulated_sweeps_keep_grid_thresholds(tmp_path):
    config = {"name": "simulated", "seed": 1,
              "roster": [{"strategy": "Grudger"}, {"strategy": "Tit For Tat"},
                         {"strategy": "Defector"}],
              "match": {"continuation": 0.9, "noise": 0.0, "engine": "simulate",
                        "repetitions": 2},
              "sweep": {"grid": {"match.noise": [0.0, 0.05, 0.1]}}}
    table = _exact_thresholds(tmp_path, config)
    assert (table["method"] == "grid").all()


def test_loop_and_dask_give_identical_bytes(tmp_path):
    config = write_config(tmp_path)
    loop = run_sweep(config, tmp_path / "loop", executor="loop", progress=False)
    dask2 = run_sweep(config, tmp_path / "dask2", workers=2, progress=False)
    assert loop.failed == [] and dask2.done == 5
    for name in ("sweep.csv", "thresholds.csv"):
        assert (loop.out / name).read_bytes() == (dask2.out / name).read_bytes()
    sweep = pd.read_csv(loop.out / "sweep.csv")
    assert list(sweep.columns[:4]) == ["cell", "match.continuation", "match.noise",
                                       "roster[Persuader].params.payment"]
    assert len(sweep) == 5 * 3
    assert (loop.out / "heatmap_cooperation.png").exists()


def test_existing_sweep_needs_resume(tmp_path, cli):
    config = write_config(tmp_path, dict(BASE, sweep={"cells": [{"match.noise": 0.0}]}))
    run_sweep(config, tmp_path / "out", executor="loop", progress=False)
    result = cli("sweep", str(config), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "--resume" in result.stderr


FRAGILE = '''
import axelrod as axl


class Fragile(axl.Player):
    """Cooperates; raises in play when ``fail`` is set (a cell that breaks)."""

    name = "Fragile"
    classifier = {"memory_depth": 0, "stochastic": False, "long_run_time": False,
                  "inspects_source": False, "manipulates_source": False,
                  "manipulates_state": False}

    def __init__(self, fail: bool = False):
        super().__init__()
        self.fail = fail

    def strategy(self, opponent):
        if self.fail:
            raise RuntimeError("this cell breaks")
        return axl.Action.C
'''


def test_a_failing_cell_is_recorded_and_the_sweep_goes_on(tmp_path, cli):
    (tmp_path / "fragile.py").write_text(FRAGILE)
    config = dict(BASE, roster=[{"strategy": "fragile.py:Fragile"}, {"strategy": "Defector"}],
                  sweep={"grid": {"roster[0].params.fail": [False, True]}})
    result = cli("sweep", str(write_config(tmp_path, config)), "--out",
                     str(tmp_path / "out"), "--workers", "1")
    assert result.returncode == 3, result.stderr
    assert "1 cell(s) failed" in result.stderr and "this cell breaks" in result.stderr
    sweep = pd.read_csv(tmp_path / "out" / "sweep.csv")
    assert set(sweep["roster[0].params.fail"]) == {False}
    assert len(list((tmp_path / "out" / "cells").glob("*.error.txt"))) == 1


PLUGIN = """
import axelrod as axl


class Fixed(axl.Player):
    \"\"\"Plays one action for ever: {action}.\"\"\"

    name = "Fixed"
    classifier = {{"memory_depth": 0, "stochastic": False, "long_run_time": False,
                  "inspects_source": False, "manipulates_source": False,
                  "manipulates_state": False}}

    def strategy(self, opponent):
        return axl.Action.{action}
"""


@pytest.mark.slow
def test_external_scheduler_with_two_worker_threads_and_an_edited_plugin(tmp_path):
    """One long-lived worker with 2 threads (dask's default is one per core), in another
    working directory than the client's (which names the config by a relative path):
    transformed axelrod strategies are built in both threads, a relative plug-in path is
    shipped with the cell, and after the plug-in file is edited the worker runs the new code —
    the same bytes as the in-process loop each time."""
    study = tmp_path / "study"
    study.mkdir()
    (study / "fixed.py").write_text(PLUGIN.format(action="C"))
    grid = {"match.continuation": [0.5, 0.7, 0.9], "match.noise": [0.0, 0.05]}
    config = write_config(study, dict(
        BASE, roster=[{"strategy": "BackStabber"}, {"strategy": "Alexei"},
                      {"strategy": "fixed.py:Fixed"}, {"strategy": "Tit For Tat"}],
        sweep={"grid": grid, "batch_size": 1}))
    with loopback_dask(threads=2) as address:
        for action in ("C", "D"):
            (study / "fixed.py").write_text(PLUGIN.format(action=action))
            reference = run_sweep(config, tmp_path / f"loop{action}", executor="loop",
                                  progress=False)
            result = run_cli("sweep", "study/sweep.yaml", "--out", f"ext{action}",
                             "--scheduler", address, cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            for name in ("sweep.csv", "thresholds.csv"):
                assert (reference.out / name).read_bytes() == (
                    tmp_path / f"ext{action}" / name).read_bytes()
            sweep = pd.read_csv(tmp_path / f"ext{action}" / "sweep.csv")
            quiet = sweep[(sweep["strategy"] == "Fixed") & (sweep["match.noise"] == 0.0)]
            assert set(quiet["cooperation_rate"]) == {1.0 if action == "C" else 0.0}


#: Simulated cells (about 0.3 s each, journaled one by one), so that a signal lands mid-sweep
#: on any machine: the exact fast path would finish these sweeps in milliseconds.
SIMULATED = dict(BASE["match"], engine="simulate")


@pytest.mark.slow
def test_killed_and_resumed_sweep_gives_the_same_bytes(tmp_path):
    grid = {"match.continuation": [0.5, 0.7, 0.9, 0.95], "match.noise": [0.0, 0.02, 0.05]}
    # cells of a few tenths of a second, so that the kill comes before the last of the 12
    config = write_config(tmp_path, dict(BASE, match=dict(SIMULATED, repetitions=200),
                                         sweep={"grid": grid, "batch_size": 1}))
    reference = run_sweep(config, tmp_path / "loop", executor="loop", progress=False)
    out = tmp_path / "killed"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    process = subprocess.Popen([sys.executable, "-m", "tournaments", "sweep", str(config),
                                "--out", str(out), "--workers", "1"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "cells").glob("*.csv"))) < 3:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list((out / "cells").glob("*.csv")))
    assert 3 <= finished < 12, "the sweep should have been killed part-way"
    assert not (out / "sweep.csv").exists()
    result = run_cli("sweep", str(config), "--out", str(out), "--resume", "--workers", "1")
    assert result.returncode == 0, result.stderr
    for name in ("sweep.csv", "thresholds.csv"):
        assert (reference.out / name).read_bytes() == (out / name).read_bytes()


def test_labels_with_dots_and_run_keeps_the_sweep_section(tmp_path):
    data = {"roster": [{"strategy": "divided_target", "label": "Target (division 0.5)"}]}
    set_path(data, "roster[Target (division 0.5)].params.division", 0.7)
    assert data["roster"][0]["params"] == {"division": 0.7}
    from tournaments.model.config import load_config

    assert load_config(BASE).sweep == BASE["sweep"]  # run plays the base, keeps the section


def test_a_bad_strategy_parameter_in_a_cell_fails_before_any_work(tmp_path):
    bad = dict(BASE, sweep={"grid": {"roster[Persuader].params.payment": [1.0, -2.0]}})
    with pytest.raises(ConfigError) as err:
        expand(write_config(tmp_path, bad))
    assert "sweep.grid → roster[2].params" in str(err.value) and "'payment'" in str(err.value)


def _cells(out):
    return sorted((out / "cells").glob("*.csv"))


@pytest.mark.parametrize("damage", ["line", "mid-line", "empty", "record"])
def test_resume_recomputes_every_cell_that_does_not_check_out(tmp_path, damage):
    config = write_config(tmp_path)
    reference = run_sweep(config, tmp_path / "ref", executor="loop", progress=False)
    out = tmp_path / "out"
    run_sweep(config, out, executor="loop", progress=False)
    victim = _cells(out)[1]
    text = victim.read_text()
    lines = text.splitlines(keepends=True)
    if damage == "line":  # cut at a line boundary: a well-formed CSV with fewer rows
        victim.write_text("".join(lines[:-1]))
    elif damage == "mid-line":
        victim.write_text(text[: len(text) - len(lines[-1]) // 2 - 1])
    elif damage == "empty":
        victim.write_text("")
    else:  # the CSV is intact but its record is gone (killed between the two writes)
        victim.with_suffix(".done").unlink()
    with pytest.warns(UserWarning, match="recomputing 1 cell"):
        run_sweep(config, out, resume=True, executor="loop", progress=False)
    for name in ("sweep.csv", "thresholds.csv"):
        assert (reference.out / name).read_bytes() == (out / name).read_bytes()


def test_one_sweep_at_a_time_in_a_directory(tmp_path, cli):
    from tests.test_store import _hold_lock

    config = write_config(tmp_path)
    holder = _hold_lock(tmp_path / "out")
    try:
        result = cli("sweep", str(config), "--out", str(tmp_path / "out"), "--resume")
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 2 and f"pid {holder.pid}" in result.stderr


def test_a_moran_sweep_keeps_its_moran_results(tmp_path):
    config = write_config(tmp_path, dict(
        BASE, kind="moran", evolution={"population_size": 6, "runs": 20},
        match={"continuation": 0.9, "repetitions": 2},
        sweep={"grid": {"match.noise": [0.0, 0.05]}}))
    out = run_sweep(config, tmp_path / "out", executor="loop", progress=False).out
    sweep = pd.read_csv(out / "sweep.csv")
    assert "moran_fixations" in sweep
    # every Moran run of a cell ends with one strategy fixated
    assert list(sweep.groupby("cell")["moran_fixations"].sum()) == [20, 20]


def test_sweep_config_mistakes_are_named(tmp_path, cli):
    two = write_config(tmp_path, dict(BASE, processes=2))
    result = cli("sweep", str(two), "--out", str(tmp_path / "a"))
    assert result.returncode == 2 and "processes: 2" in result.stderr
    assert "--workers" in result.stderr
    # game.T without a game key overrides the default game's temptation
    no_game = {k: v for k, v in BASE.items() if k != "game"}
    _, cells, _ = expand(dict(no_game, sweep={"grid": {"game.T": [4.0, 6.0]}}))
    assert [c.config.game.T for c in cells] == [4.0, 6.0]
    assert {c.config.game.kind for c in cells} == {"prisoners_dilemma"}


def test_a_refused_resume_names_the_changed_key(tmp_path, cli):
    config = write_config(tmp_path)
    run_sweep(config, tmp_path / "out", executor="loop", progress=False)
    write_config(tmp_path, dict(BASE, match=dict(BASE["match"], repetitions=4)))
    result = cli("sweep", str(config), "--out", str(tmp_path / "out"), "--resume")
    assert result.returncode == 2 and "match.repetitions: 3 → 4" in result.stderr


def test_an_unreachable_scheduler_is_one_line(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1)  # 10 s for a user; a second here
    config = write_config(tmp_path, dict(BASE, sweep={"cells": [{"match.noise": 0.0}]}))
    result = cli("sweep", str(config), "--out", str(tmp_path / "out"), "--scheduler",
                 f"tcp://127.0.0.1:{free_port()}")
    assert result.returncode == 2 and "cannot reach the dask scheduler" in result.stderr
    assert "Traceback" not in result.stderr


def test_verify_names_an_unfinished_sweep(tmp_path, cli):
    config = write_config(tmp_path, dict(BASE, sweep={"cells": [{"match.noise": 0.0}]}))
    out = run_sweep(config, tmp_path / "out", executor="loop", progress=False).out
    (out / "sweep.csv").unlink()
    (out / "manifest.json").unlink()
    result = cli("verify", str(out))
    assert result.returncode == 2 and "unfinished sweep" in result.stderr and "--resume" in (
        result.stderr)


@pytest.mark.slow
def test_ctrl_c_during_a_sweep_exits_130_and_says_how_to_resume(tmp_path):
    grid = {"match.continuation": [0.5, 0.7, 0.9, 0.95], "match.noise": [0.0, 0.02, 0.05]}
    # cells of about half a second, so that the interrupt comes before the last of the 12
    config = write_config(tmp_path, dict(BASE, match=dict(SIMULATED, repetitions=400),
                                         sweep={"grid": grid, "batch_size": 1}))
    out = tmp_path / "out"
    # a terminal's Ctrl-C: SIGINT at its default in the child, whatever an earlier test in this
    # worker process left it at (a child started with it ignored never sees the interrupt)
    process = subprocess.Popen([sys.executable, "-m", "tournaments", "sweep", str(config),
                                "--out", str(out), "--workers", "1"], stderr=subprocess.PIPE,
                               text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "cells").glob("*.done"))) < 2:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "--resume" in stderr and "Traceback" not in stderr
    assert list(tmp_path.glob(".out.*")) == []  # the lock is released
