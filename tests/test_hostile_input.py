"""Hostile and oversized input: each is refused quickly with exit code 2 and one line naming the
file, the key, the value and what is allowed, before it costs time or memory."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, small_config
from tournaments.engines.exact import pairs_per_pass
from tournaments.errors import ConfigError
from tournaments.model import budget
from tournaments.model.config import MAX_CONFIG_BYTES, load_config


def write(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(cli, path: Path, tmp_path: Path) -> str:
    """Run ``tournaments run PATH``; check exit code 2 and one line without a traceback."""
    result = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"error: {path}: ")
    assert not (tmp_path / "out").exists()
    return lines[0]


# --------------------------------------------------------------------------------------------
# YAML bounds


def alias_bomb(levels: int = 11, fan_out: int = 9) -> str:
    """Anchors referring to the one before ``fan_out`` times, ``levels`` deep: 2·9^11 ≈ 6e10
    nodes once expanded, from a file of a few hundred bytes."""
    lines = ["name: bomb", "roster: [{strategy: Cooperator}, {strategy: Defector}]",
             "sweep:", "  grid:", '    a0: &a0 ["x"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * fan_out)
        lines.append(f"    a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_within_seconds(cli, tmp_path):
    path = write(tmp_path, alias_bomb())
    start = time.perf_counter()
    line = refused(cli, path, tmp_path)
    assert time.perf_counter() - start < 5
    # a6 is the first anchor that alone expands beyond the bound: 2·9^6 + ... > 1,000,000
    assert ": sweep.grid.a6: " in line
    assert "at most 1,000,000 YAML nodes once anchors and aliases" in line
    assert "this expands to 75,020,345,653" in line


def test_deep_nesting_is_refused(cli, tmp_path):
    path = write(tmp_path, "name: deep\nroster: " + "[" * 20_000 + "]" * 20_000 + "\n")
    line = refused(cli, path, tmp_path)
    assert ": roster[0][0]" in line and "allowed: nesting at most 64 levels deep" in line


def test_nesting_built_from_aliases_is_refused(cli, tmp_path):
    # every anchor nests the one before: shallow in the file, 5,000 levels once expanded
    lines = ["name: deep", "roster: [{strategy: Cooperator}, {strategy: Defector}]", "sweep:",
             "  a0: &a0 [x]"]
    lines += [f"  a{i}: &a{i} [*a{i - 1}]" for i in range(1, 5_000)]
    line = refused(cli, write(tmp_path, "\n".join(lines) + "\n"), tmp_path)
    assert "nesting at most 64 levels deep once aliases are expanded" in line
    assert ": sweep.a61[0]: " in line  # a61 [a60 [... [x]]]: 63 levels below sweep


def test_an_anchor_inside_itself_is_refused(cli, tmp_path):
    text = "name: loop\nroster: [{strategy: Cooperator}, {strategy: Defector}]\nsweep: &s {a: *s}\n"
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert ": sweep.a: " in line and "a structure that does not contain itself" in line


def test_nesting_within_the_bound_still_loads(tmp_path):
    value = "[" * 55 + "1" + "]" * 55
    text = ("name: ok\nroster: [{strategy: Cooperator}, {strategy: Defector}]\n"
            f"sweep: {{x: {value}}}\n")
    config = load_config(write(tmp_path, text))
    inner = config.sweep["x"]
    for _ in range(54):
        inner = inner[0]
    assert inner == [1]


def test_oversize_file_is_refused_before_it_is_read(cli, tmp_path, monkeypatch):
    description = "x" * (2 * MAX_CONFIG_BYTES)
    path = write(tmp_path, f"name: big\ndescription: {description}\n"
                           "roster: [{strategy: Cooperator}, {strategy: Defector}]\n")

    def no_open(self, *args, **kwargs):
        raise AssertionError(f"{self} was opened")

    monkeypatch.setattr(Path, "open", no_open)
    line = refused(cli, path, tmp_path)
    assert f"'a file of {path.stat().st_size:,} bytes' is not allowed" in line
    assert "allowed: a config file of at most 1,048,576 bytes (1 MiB)" in line


def test_a_file_at_the_bound_is_read(tmp_path):
    head = "name: edge\nroster: [{strategy: Cooperator}, {strategy: Defector}]\ndescription: "
    path = write(tmp_path, head + "y" * (MAX_CONFIG_BYTES - len(head) - 1) + "\n")
    assert path.stat().st_size == MAX_CONFIG_BYTES
    assert len(load_config(path).description) == MAX_CONFIG_BYTES - len(head) - 1


def test_an_integer_python_cannot_read_is_exit_2(cli, tmp_path):
    text = ("name: big\nroster: [{strategy: Cooperator, params: {x: " + "9" * 5000 + "}}, "
            "{strategy: Defector}]\n")
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert "value has 5000 digits" in line and "integers of at most 4300 digits" in line


def test_python_tags_stay_refused(cli, tmp_path):
    text = "name: x\nroster: !!python/object/apply:os.system ['true']\n"
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert "could not determine a constructor for the tag" in line


# --------------------------------------------------------------------------------------------
# bounded messages


def test_messages_never_format_a_huge_value():
    nested: list = []
    for _ in range(100_000):
        nested = [nested]
    for value in (nested, "v" * 10_000_000, 10**6000, {"k" * 1000: list(range(10**6))}):
        start = time.perf_counter()
        message = str(ConfigError("f.yaml", "a" * 10_000 + "\nb", value, "z" * 10_000))
        assert time.perf_counter() - start < 0.1
        assert "\n" not in message and len(message) < 1_000
    assert "<an integer of 19932 bits>" in str(ConfigError("f.yaml", "k", 10**6000, "x"))


def test_a_huge_bad_value_gives_a_short_message(cli, tmp_path):
    # pydantic's error carries the whole input: the message shows a bounded repr of it
    text = "name: x\nroster: [" + ", ".join(["{strategy: Cooperator}"] * 20_000) + "]\nmatch: " \
        + "[" + ", ".join(["1"] * 100_000) + "]\n"
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert line.startswith(f"error: {tmp_path / 'config.yaml'}: match: [1, 1, 1, 1, 1, 1, ...]")
    assert len(line) < 400


# --------------------------------------------------------------------------------------------
# numbers


@pytest.mark.parametrize("params, key, shown", [
    ("{payment: .nan}", "roster[0].params.payment", "nan"),
    ("{payment: 0.5, extra: [1, {deep: -.inf}]}", "roster[0].params.extra[1].deep", "-inf"),
])
def test_non_finite_params_name_the_key(cli, tmp_path, params, key, shown):
    text = f"name: x\nroster: [{{strategy: suasion, params: {params}}}, {{strategy: Defector}}]\n"
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert f": {key}: {shown} is not allowed; allowed: a finite number" in line


def test_non_finite_sweep_value_names_the_key(tmp_path):
    config = small_config(sweep={"grid": {"match.noise": [0.1, float("nan")]}})
    with pytest.raises(ConfigError, match=r"sweep\.grid\.match\.noise\[1\]: nan"):
        load_config(config)


def test_huge_payoff_names_the_payoff(cli, tmp_path):
    text = ("name: x\ngame: {kind: prisoners_dilemma, T: 1.0e+308}\n"
            "roster: [{strategy: Cooperator}, {strategy: Defector}]\n")
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert ": game.T: 1e+308 is not allowed; allowed: a payoff of magnitude at most 1e+12" in line
    assert "selection_intensity" not in line


def test_huge_asymmetric_payoff_and_efficiency(tmp_path):
    roster = [{"strategy": "Cooperator", "role": "receiving"},
              {"strategy": "Defector", "role": "sending"}]
    game = {"A": [[3, 0], [5, -2e12]], "B": [[3, 5], [0, 1]]}
    with pytest.raises(ConfigError, match=r"game\.A\[1\]\[1\]: -2000000000000\.0 is not allowed"):
        load_config(small_config(game=game, roster=roster))
    with pytest.raises(ConfigError, match=r"transfer_efficiency: 10000000000000\.0 is not "
                                          r"allowed; allowed: "
                                          r"an efficiency of magnitude at most 1e\+12"):
        load_config(small_config(transfer_efficiency=1e13))
    assert load_config(small_config(game={"R": 1e12, "S": -1e12, "T": 0, "P": 0})).game.R == 1e12


# --------------------------------------------------------------------------------------------
# text that a spreadsheet would run


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
@pytest.mark.parametrize("key", ["label", "club"])
def test_formula_labels_and_clubs_are_refused(tmp_path, start, key):
    roster = [{"strategy": "Cooperator", key: f"{start}HYPERLINK(\"http://x\")"},
              {"strategy": "Defector"}]
    with pytest.raises(ConfigError) as err:
        load_config(small_config(roster=roster))
    assert err.value.key == f"roster[0].{key}"
    assert "a spreadsheet opening the CSV tables would run it as a formula" in str(err.value)


def test_formula_label_exit_2(cli, tmp_path):
    text = "name: x\nroster: [{strategy: Cooperator, label: '=1+1'}, {strategy: Defector}]\n"
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert ": roster[0].label: '=1+1' is not allowed; allowed: text that does not start with =" \
        in line


def test_formula_club_in_params_is_refused():
    roster = [{"strategy": "club_reciprocity", "params": {"club": "@cmd"}},
              {"strategy": "Defector"}]
    with pytest.raises(ConfigError, match=r"roster\[0\]\.params\.club: '@cmd'"):
        load_config(small_config(roster=roster))


def test_labels_that_merely_contain_formula_characters_load():
    roster = [{"strategy": "Cooperator", "label": "EU-27 = bloc"},
              {"strategy": "Defector", "club": "G7+"}]
    assert load_config(small_config(roster=roster)).roster[0].label == "EU-27 = bloc"


# --------------------------------------------------------------------------------------------
# limits: what a run costs is estimated and refused before any play


@pytest.fixture
def no_play(monkeypatch):
    """Fail the test if a pair is solved or played."""
    from tournaments import pipeline

    def played(*args, **kwargs):
        raise AssertionError("a pair was solved or played")

    monkeypatch.setattr(pipeline, "exact_forms", played)
    monkeypatch.setattr(pipeline, "simulate", played)


def test_ten_million_repetitions_are_refused_before_play(cli, tmp_path, no_play):
    text = textwrap.dedent("""\
        name: reps
        roster: [{strategy: Tit For Tat}, {strategy: Defector}]
        match: {repetitions: 10000000, engine: simulate}
        """)
    start = time.perf_counter()
    line = refused(cli, write(tmp_path, text), tmp_path)
    assert time.perf_counter() - start < 10
    # 3 pairs (self-play included) × 1e7 repetitions × 200 turns
    assert ": match.repetitions: 10000000 is not allowed; allowed: a run within limits " \
           "(estimated 6.0e+09 rounds, 4.0 GB; limits.max_rounds 5e+09, " in line


def test_a_2000_entry_roster_is_refused_before_play(cli, tmp_path, monkeypatch, no_play):
    monkeypatch.setattr(budget, "available_memory", lambda: 4e9)
    roster = [{"strategy": "Random", "label": f"S{i}"} for i in range(2000)]
    path = write(tmp_path, yaml.safe_dump({"name": "many", "roster": roster,
                                           "match": {"engine": "simulate"}}))
    line = refused(cli, path, tmp_path)
    # 2,001,000 simulated pairs: 4,000,000 records and ordered pairs of the tables, 1.8 KB each
    assert ": roster: '2000 entries (2001000 pairs)' is not allowed; allowed: a run within " \
           "limits (estimated 4.0e+09 rounds, 7.1 GB; limits.max_rounds 5e+09, available " \
           "memory 4.0 GB)" in line


def test_exact_pairs_of_large_forms_are_refused_before_solving(cli, tmp_path, no_play):
    # TF1 has 33 states: a pair's joint chain has 1,089. Without a cap on the rounds the solver
    # holds it dense, ~107 MB a pair (one pair a pass: exact.pairs_per_pass)
    roster = [{"strategy": "TF1", "label": f"S{i}"} for i in range(20)]
    study = {"name": "fsm", "roster": roster, "match": {"continuation": 0.99},
             "limits": {"max_memory_mb": 100}}
    line = refused(cli, write(tmp_path, yaml.safe_dump(study)), tmp_path)
    assert ": roster: '20 entries (210 pairs)' is not allowed; allowed: a run within limits " \
           "(estimated 0.0e+00 rounds, 0.1 GB; limits.max_rounds 5e+09, limits.max_memory_mb " \
           "0.1 GB)" in line
    assert pairs_per_pass(33 * 33, 210) == 1 and pairs_per_pass(64, 210) == 210
    # at a fixed length of 200 rounds they are propagated sparse, 1,089 × (8 × 200 + 700) bytes
    # a pass: the run is within the limit (its peak is another step's)
    from tournaments import pipeline
    from tournaments.model.roster import build_specs

    fixed = pipeline.load({**study, "match": {"turns": 200}})
    memory = budget.estimate(fixed, pipeline.plan(fixed, build_specs(fixed))).memory
    assert memory < 40e6


def test_max_rounds_refuses_long_matches(tmp_path):
    from tournaments import api

    config = small_config(match={"turns": 10**9, "repetitions": 3},
                          limits={"max_rounds": 1e9, "max_memory_mb": 1e6})
    with pytest.raises(ConfigError) as err:
        api.run(config, progress=False)
    assert (err.value.key, err.value.value) == ("match.turns", 10**9)
    assert "estimated 9.0e+09 rounds" in str(err.value)


@pytest.mark.parametrize("limits, key, fragment", [
    ({"max_rounds": 0}, "limits.max_rounds", "greater than 0"),
    ({"max_rounds": float("nan")}, "limits.max_rounds", "finite"),
    ({"max_rounds": 1e16}, "limits.max_rounds", "less than or equal to 1000000000000000"),
    ({"max_memory_mb": -5}, "limits.max_memory_mb", "greater than 0"),
    ({"max_memory_mb": float("inf")}, "limits.max_memory_mb", "finite"),
    ({"max_time": 5}, "limits.max_time", "known keys only: max_rounds, max_memory_mb"),
])
def test_limits_are_validated(limits, key, fragment):
    with pytest.raises(ConfigError) as err:
        load_config(small_config(limits=limits))
    assert err.value.key == key and fragment in err.value.allowed


def test_limits_are_resolved_and_reload(tmp_path):
    config = load_config(small_config())
    assert config.resolved()["limits"] == {"max_rounds": 5e9, "max_memory_mb": None}
    path = write(tmp_path, config.resolved_yaml())
    assert load_config(path) == config
    tight = load_config(small_config(limits={"max_rounds": 1000, "max_memory_mb": 50}))
    assert load_config(write(tmp_path, tight.resolved_yaml(), "tight.yaml")).limits == \
        tight.limits


def test_a_run_within_limits_plays(tmp_path):
    from tournaments import api

    result = api.run(small_config(limits={"max_rounds": 180, "max_memory_mb": 100}),
                     progress=False)
    played = result.pairwise.query("player <= opponent")["rounds"].sum()  # each pair once
    assert int(played) == 3 * 3 * 10  # 3 pairs, 3 repetitions of 10 rounds
    with pytest.raises(ConfigError, match=r"estimated 9\.0e\+01 rounds"):
        api.run(small_config(limits={"max_rounds": 89}), progress=False)


def test_expected_rounds_of_a_random_length():
    assert budget.expected_match_rounds(1.0, 200) == 200
    assert budget.expected_match_rounds(0.95, None) == pytest.approx(20)
    assert budget.expected_match_rounds(0.5, 3) == pytest.approx(1 + 0.5 + 0.25)
    # 1,000 matches of mean length 100: one exceeds ~1,375 rounds with probability 1e-3
    assert budget.longest_match_rounds(0.99, None, 1000) == pytest.approx(1374.5, abs=0.5)


def test_shipped_configs_are_within_the_default_limits():
    from tournaments import pipeline
    from tournaments.model.roster import build_specs

    for path in sorted((ROOT / "configs").glob("*.yaml")):
        if path.stem == "full_library":  # the benchmark-sized reference: checked below
            continue
        config = load_config(path)
        plan = pipeline.plan(config, build_specs(config, source=str(path)))
        found = budget.check(config, plan, source=str(path))
        assert found.rounds <= 1e6 and found.memory < 50e6, path


def test_the_full_library_config_is_the_benchmarks_roster_and_within_the_default_limits():
    """configs/full_library.yaml: every axelrod strategy the benchmark plays, and a run that the
    default limits allow (about 1.9e7 rounds, some 500 MB)."""
    import importlib.util

    from tournaments import pipeline
    from tournaments.model.roster import build_specs

    spec = importlib.util.spec_from_file_location("full_library",
                                                  ROOT / "benchmarks" / "full_library.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = ROOT / "configs" / "full_library.yaml"
    config = load_config(path)
    assert [entry.strategy for entry in config.roster] == module.roster(None)
    plan = pipeline.plan(config, build_specs(config, source=str(path)))
    found = budget.check(config, plan, source=str(path))
    assert len(plan.pairs) == 236 * 237 // 2 and 1e7 < found.rounds < 1e8, found
    assert found.memory < 1e9, found


_MEASURE = """
import json, sys
from tournaments import pipeline
from tournaments.model import budget
from tournaments.model.roster import build_specs

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) * 1024

config = pipeline.load(json.loads(sys.argv[1]))
plan = pipeline.plan(config, build_specs(config))
estimate = budget.estimate(config, plan)
with open("/proc/self/clear_refs", "w") as file:
    file.write("5")  # the peak resident memory is now the current one
before = status("VmRSS:")
pipeline.run(config, progress=False)
print(json.dumps({"estimate": estimate.memory, "measured": status("VmHWM:") - before}))
"""


def measured_run(config: dict) -> dict:
    """The estimate and the measured peak resident memory a run adds, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _MEASURE, json.dumps(config)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux /proc")
def test_memory_does_not_grow_with_repetitions_and_the_estimate_bounds_it():
    """A pair's repetitions are reduced as soon as they are played: going from 1,000 to 150,000
    repetitions of 6 pairs adds the matches of one pair (~54 MB), not of all six (~330 MB as
    totals alone). The estimate bounds the peak within 1.6× (the factor the calibration runs in
    tournaments/model/budget.py stay within)."""
    def config(repetitions):
        return small_config(roster=[{"strategy": "Tit For Tat"}, {"strategy": "Defector"},
                                    {"strategy": "Cooperator"}],
                            match={"turns": 5, "repetitions": repetitions})

    few, many = measured_run(config(1_000)), measured_run(config(150_000))
    one_pair = 150_000 * budget.REPETITION_BYTES
    assert many["measured"] - few["measured"] < 1.5 * one_pair, (few, many)
    assert many["measured"] <= many["estimate"] <= 1.6 * many["measured"], many
