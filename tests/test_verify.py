"""tournaments verify: a saved run re-runs byte for byte; a tampered one does not."""

from __future__ import annotations

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
