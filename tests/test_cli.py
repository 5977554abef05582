"""The command line as a user meets it: exit codes, messages, files."""

from __future__ import annotations

import yaml

from tests.conftest import run_cli, small_config


def write(tmp_path, config, name="config.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config) if isinstance(config, dict) else config)
    return path


def assert_bad_input(result, *fragments):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.returncode == 0 and "run" in result.stdout


def test_run_prints_a_ranking_and_writes_the_contract(tmp_path):
    """The one smoke test of the command line as a real process (python -m tournaments)."""
    config = write(tmp_path, small_config())
    result = run_cli("run", str(config), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "Defector" in result.stdout and "payoff/round" in result.stdout
    assert {"config.yaml", "manifest.json", "summary.csv", "pairwise.csv", "report.md"} <= {
        p.name for p in (tmp_path / "out").iterdir()}


def test_bad_yaml(cli, tmp_path):
    config = write(tmp_path, "name: x\nroster: [\n")
    assert_bad_input(cli("run", str(config)), str(config), "YAML error at line")


def test_unknown_key(cli, tmp_path):
    config = write(tmp_path, small_config(match={"turns": 5, "nosie": 0.1}))
    assert_bad_input(cli("run", str(config)), f"{config}: match.nosie: 0.1", "known keys only")


def test_probability_out_of_range(cli, tmp_path):
    config = write(tmp_path, small_config(match={"turns": 5, "noise": 1.5}))
    assert_bad_input(cli("run", str(config)), f"{config}: match.noise: 1.5", "less than or equal")


def test_not_a_prisoners_dilemma(cli, tmp_path):
    config = write(tmp_path, small_config(game={"kind": "prisoners_dilemma", "R": 6}))
    assert_bad_input(cli("run", str(config)), f"{config}: game:", "T > R > P > S")


def test_unknown_strategy(cli, tmp_path):
    roster = [{"strategy": "Grudgr"}, {"strategy": "Defector"}]
    config = write(tmp_path, small_config(roster=roster))
    assert_bad_input(cli("run", str(config)), f"{config}: roster[0].strategy: 'Grudgr'",
                     "did you mean 'Grudger'")


def test_missing_file(cli, tmp_path):
    assert_bad_input(cli("run", str(tmp_path / "nope.yaml")), "nope.yaml: no such config file")


def test_existing_output_directory_is_not_touched(cli, tmp_path):
    config = write(tmp_path, small_config())
    out = tmp_path / "out"
    out.mkdir()
    (out / "precious.txt").write_text("keep me")
    assert_bad_input(cli("run", str(config), "--out", str(out)), "exists", "--force")
    assert (out / "precious.txt").read_text() == "keep me"
