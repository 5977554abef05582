"""tournaments verify: a saved run re-runs byte for byte; a tampered one does not."""

from __future__ import annotations

import sys

from tests.conftest import small_config
from tournaments import api
from tournaments.verify import verify


def test_verify_reproduces_and_detects_tampering(tmp_path, cli):
    config = small_config(match={"continuation": 0.8, "noise": 0.05, "repetitions": 4})
    out = api.save(api.run(config, progress=False), tmp_path / "run")
    outcome = verify(out)
    assert outcome.identical
    assert {"summary.csv", "pairwise.csv", "survival.csv"} <= set(outcome.files)
    result = cli("verify", str(out))
    assert result.returncode == 0 and "reproduced byte for byte" in result.stdout
    pairwise = out / "pairwise.csv"
    pairwise.write_text(pairwise.read_text().replace("0.", "0.9", 1))
    assert not verify(out).identical
    result = cli("verify", str(out))
    assert result.returncode == 3 and "DIFFERS" in result.stdout


def test_verify_needs_a_results_directory(tmp_path, cli):
    result = cli("verify", str(tmp_path))
    assert result.returncode == 2 and "not a results directory" in result.stderr


def _saved(tmp_path, **overrides):
    return api.save(api.run(small_config(**overrides), progress=False), tmp_path / "run")


def test_verify_checks_the_config_against_its_recorded_hash_and_names_the_key(tmp_path, cli):
    out = _saved(tmp_path, description="first reading")
    config = out / "config.yaml"
    config.write_text(config.read_text().replace("first reading", "second reading"))
    outcome = verify(out)  # the re-run reproduces every table: only the hash can tell
    assert not outcome.identical
    assert "description: 'first reading' → 'second reading'" in outcome.differences[0]
    result = cli("verify", str(out))
    assert result.returncode == 3 and "config.yaml: not the config of the run" in result.stderr


def test_verify_compares_the_files_on_disk_not_the_manifests_list(tmp_path):
    import json

    out = _saved(tmp_path)
    summary = out / "summary.csv"
    summary.write_text(summary.read_text().replace("Defector", "Defector!", 1))
    manifest = json.loads((out / "manifest.json").read_text())
    del manifest["files"]["summary.csv"]
    (out / "manifest.json").write_text(json.dumps(manifest))
    outcome = verify(out)
    assert not outcome.identical
    assert "summary.csv: not in the manifest" in outcome.differences[0]
    assert any("summary.csv: differs from the re-run (first in column 'strategy'" in d
               for d in outcome.differences)


def test_verify_covers_figures_and_report(tmp_path):
    out = _saved(tmp_path)
    assert {"report.md", "ranking.png", "payoff_heatmap.png"} <= set(verify(out).files)
    (out / "report.md").write_text((out / "report.md").read_text() + "\nan added claim\n")
    (out / "ranking.png").unlink()
    differences = verify(out).differences
    assert any(d.startswith("report.md: edited after the run") for d in differences)
    assert "ranking.png: in the manifest, missing on disk" in differences


def test_verify_runs_plugin_code_only_when_allowed_and_anywhere(tmp_path, cli):
    import shutil

    folder = tmp_path / "study"
    folder.mkdir()
    marker = tmp_path / "marker"
    (folder / "helper.py").write_text(
        f"import pathlib\npathlib.Path({str(marker)!r}).write_text('ran')\n"
        "from axelrod import TitForTat\nclass Mine(TitForTat):\n    name = 'Mine'\n")
    (folder / "c.yaml").write_text(
        "name: p\nroster: [{strategy: 'helper.py:Mine'}, {strategy: Defector}]\n"
        "match: {turns: 5, repetitions: 2, engine: simulate}\n")
    out = tmp_path / "out"
    assert cli("run", str(folder / "c.yaml"), "--out", str(out)).returncode == 0
    (stored,) = (out / "plugins").iterdir()
    assert stored.read_text() == (folder / "helper.py").read_text()
    assert f"plugins/{stored.name}:Mine" in (out / "config.yaml").read_text()
    shutil.rmtree(folder)  # the results directory verifies without the original files
    marker.unlink()
    refused = cli("verify", str(out))
    assert refused.returncode == 2 and "--allow-plugins" in refused.stderr
    assert not marker.exists()  # nothing ran
    for name in [m for m in sys.modules if m.startswith("_tournaments_plugin_")]:
        del sys.modules[name]  # as in a new process: the module must come from plugins/
    allowed = cli("verify", str(out), "--allow-plugins")
    assert allowed.returncode == 0, allowed.stderr
    assert marker.read_text() == "ran"


def test_an_edited_plugin_is_a_new_config_and_a_new_module(tmp_path):
    from tournaments.model.config import load_config
    from tournaments.model.roster import build_specs

    plugin = tmp_path / "mine.py"
    config = tmp_path / "c.yaml"
    config.write_text("name: p\nroster: [{strategy: 'mine.py:Mine'}, {strategy: Defector}]\n")
    classes, hashes = [], []
    for reply in ("C", "D"):
        plugin.write_text("from axelrod import Player, Action\nclass Mine(Player):\n"
                          f"    name = 'Mine'\n    def strategy(self, opponent):\n"
                          f"        return Action.{reply}\n")
        loaded = load_config(config)
        hashes.append(loaded.sha256())
        classes.append(build_specs(loaded, source=str(config))[0].cls)
    assert hashes[0] != hashes[1]
    assert classes[0] is not classes[1]
    assert [c().strategy(None).name for c in classes] == ["C", "D"]


def test_module_plugins_come_only_from_installed_packages_or_the_config_folder(tmp_path, cli):
    (tmp_path / "local_states.py").write_text(
        "print('top-level code ran')\nfrom axelrod import TitForTat\n"
        "class Local(TitForTat):\n    name = 'Local'\n")
    # the working directory is not searched, however the tool was started
    result = cli("check-strategy", "local_states:Local", cwd=tmp_path / ".")
    assert result.returncode == 2 and "installed package" in result.stderr
    assert "top-level code ran" not in result.stdout
    # a module that does not define the class is refused before it runs (`this` prints a poem)
    result = cli("check-strategy", "this:Foo")
    assert result.returncode == 2 and "nothing was run" in result.stderr
    assert "Beautiful is better than ugly" not in result.stdout
    # a config's own folder is searched
    (tmp_path / "c.yaml").write_text("name: p\nroster: [{strategy: 'local_states:Local'}, "
                                     "{strategy: Defector}]\nmatch: {turns: 3}\n")
    assert api.run(tmp_path / "c.yaml", progress=False).entries.origin.tolist() == [
        "plug-in", "axelrod"]


def test_python_dash_m_does_not_import_from_the_working_directory(tmp_path):
    from tests.conftest import run_cli

    (tmp_path / "local_states.py").write_text("print('top-level code ran')\n")
    result = run_cli("check-strategy", "local_states:Local", cwd=tmp_path)
    assert result.returncode == 2 and "installed package" in result.stderr
    assert "top-level code ran" not in result.stdout


def test_a_sweep_verifies_without_its_cell_journal(tmp_path):
    import shutil

    import yaml

    from tournaments.sweep import run_sweep

    config = tmp_path / "s.yaml"
    config.write_text(yaml.safe_dump(dict(small_config(), sweep={
        "grid": {"match.noise": [0.0, 0.1]}})))
    out = run_sweep(config, tmp_path / "out", executor="loop", progress=False).out
    manifest = (out / "manifest.json").read_text()
    assert "cells/" not in manifest and '"sweep.csv"' in manifest
    shutil.rmtree(out / "cells")  # as make reproduce does
    outcome = verify(out)
    assert outcome.identical, outcome.differences
    assert {"sweep.csv", "thresholds.csv", "config.yaml"} <= set(outcome.files)
