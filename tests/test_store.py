"""Results directories as a small, honest store: what --force may delete, one writer at a time,
replacements that survive a kill, clean-up on SIGINT/SIGTERM, CSV cells that cannot run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest
import yaml

from tests.conftest import ROOT, small_config
from tournaments import api
from tournaments.errors import UserError
from tournaments.output import store


def _config(tmp_path, **overrides):
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(small_config(**overrides)))
    return path


def _one_line_error(result, *fragments):
    assert result.returncode == 2, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_force_never_deletes_a_directory_this_tool_did_not_write(tmp_path, cli):
    chapter = tmp_path / "thesis" / "chapters" / "ch1.tex"
    chapter.parent.mkdir(parents=True)
    chapter.write_text("work")
    config = _config(tmp_path)
    result = cli("run", str(config), "--out", str(tmp_path / "thesis"), "--force")
    _one_line_error(result, "--force replaces only a results directory", "nothing was deleted")
    assert chapter.read_text() == "work"


def test_force_refuses_a_results_directory_holding_files_no_run_wrote(tmp_path, cli):
    config = _config(tmp_path)
    out = tmp_path / "out"
    assert cli("run", str(config), "--out", str(out)).returncode == 0
    (out / "notes.md").write_text("my reading of the results")
    _one_line_error(cli("run", str(config), "--out", str(out), "--force"), "notes.md")
    assert (out / "notes.md").read_text() == "my reading of the results"
    (out / "notes.md").unlink()
    assert cli("run", str(config), "--out", str(out), "--force").returncode == 0


@pytest.mark.parametrize("out", ["/", "."])
def test_force_refuses_the_root_and_the_working_directory(tmp_path, cli, out):
    config = _config(tmp_path)
    (tmp_path / "keep.txt").write_text("keep")
    result = cli("run", str(config), "--out", out, "--force", cwd=tmp_path)
    _one_line_error(result)
    assert (tmp_path / "keep.txt").read_text() == "keep"


def _hold_lock(out):
    """A second process holding ``out``'s lock until killed."""
    code = textwrap.dedent(f"""
        import time
        from tournaments.output.store import writer_lock
        with writer_lock({str(out)!r}):
            print("held", flush=True)
            time.sleep(60)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_one_writer_at_a_time_and_a_dead_writer_does_not_block(tmp_path, cli):
    config = _config(tmp_path)
    out = tmp_path / "out"
    holder = _hold_lock(out)
    try:
        _one_line_error(cli("run", str(config), "--out", str(out)),
                        "another tournaments command is writing it", f"pid {holder.pid}")
        with pytest.raises(UserError, match=f"pid {holder.pid}"):
            api.save(api.run(small_config(), progress=False), out)
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    # the kernel released the killed holder's lock: the next writer proceeds
    assert cli("run", str(config), "--out", str(out)).returncode == 0
    assert not store.lock_path(out).exists()


def test_a_replacement_killed_between_its_renames_is_recovered(tmp_path, cli):
    config = _config(tmp_path)
    out = tmp_path / "out"
    assert cli("run", str(config), "--out", str(out)).returncode == 0
    before = (out / "summary.csv").read_bytes()
    # SIGKILL after the old directory was moved aside and before the new one took its place
    code = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from tournaments import api
        from tournaments.output import store
        def killed(tmp, out):
            out.rename(out.parent / f".{{out.name}}.old-{{os.getpid()}}")
            os.kill(os.getpid(), 9)
        store._replace = killed
        api.save(api.run({str(config)!r}, seed=99, progress=False), Path({str(out)!r}),
                 force=True)
    """)
    killed = subprocess.run([sys.executable, "-c", code], env=dict(os.environ,
                            PYTHONPATH=str(ROOT)), capture_output=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL
    assert not out.exists()
    # the old results aside, the complete new ones not yet in place (and the dead lock's file)
    left = {p.name.rsplit("-", 1)[0] for p in tmp_path.glob(".out.*")}
    assert {".out.old", ".out.tmp"} <= left <= {".out.old", ".out.tmp", ".out.lock"}
    # the next command that takes the lock puts the intact old results back, then refuses
    result = cli("run", str(config), "--out", str(out))
    assert result.returncode == 2 and "restored the results directory" in result.stderr
    assert (out / "summary.csv").read_bytes() == before
    assert list(tmp_path.glob(".out.*")) == []


def _wait_for(predicate, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_sigterm_during_a_run_cleans_up_and_exits_143(tmp_path):
    config = _config(tmp_path, roster=[{"strategy": s} for s in
                                       ("Tit For Tat", "Defector", "Random", "Grudger")],
                     match={"turns": 200, "repetitions": 3000})
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "tournaments", "run", str(config),
                                "--out", str(out)], stderr=subprocess.PIPE, text=True,
                               env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=tmp_path)
    assert _wait_for(lambda: store.lock_path(out).exists())
    time.sleep(1.0)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert not out.exists() and list(tmp_path.glob(".out*")) == []


def test_csv_cells_cannot_become_formulas(tmp_path):
    frame = pd.DataFrame({"strategy": ["=HYPERLINK(\"x\")", "+1", "-cmd", "@SUM(A1)", "Tit"],
                          "value": [-1.5, 2.0, -3.0, 4.0, 5.0]})
    store.write_csv(frame, tmp_path / "t.csv")
    back = pd.read_csv(tmp_path / "t.csv")
    assert list(back["strategy"]) == ["'=HYPERLINK(\"x\")", "'+1", "'-cmd", "'@SUM(A1)", "Tit"]
    assert list(back["value"]) == [-1.5, 2.0, -3.0, 4.0, 5.0]  # numbers stay numbers


def test_a_broken_manifest_is_one_line(tmp_path, cli):
    out = api.save(api.run(small_config(), progress=False), tmp_path / "run")
    (out / "manifest.json").write_text("{not json")
    _one_line_error(cli("analyze", str(out)), "manifest.json", "unreadable")
    _one_line_error(cli("verify", str(out)), "manifest.json", "unreadable")
    (out / "manifest.json").write_text(json.dumps({"tool": "something-else", "files": {},
                                                    "config_sha256": ""}))
    _one_line_error(cli("run", str(_config(tmp_path)), "--out", str(out), "--force"),
                    "no readable manifest.json of this tool")


def test_environment_errors_are_one_line(tmp_path, cli):
    config = _config(tmp_path)
    _one_line_error(cli("run", str(config), "--out", "/proc/x"), "/proc")


def test_check_strategy_bad_param_is_one_line(cli):
    _one_line_error(cli("check-strategy", "TitForTat", "--param", "x=["), "--param", "YAML")


def test_two_threads_of_one_process_are_two_writers(tmp_path):
    import threading

    out = tmp_path / "out"
    entered, release, seen = threading.Event(), threading.Event(), []

    def first():
        with store.writer_lock(out):
            entered.set()
            release.wait(30)

    thread = threading.Thread(target=first)
    thread.start()
    entered.wait(30)
    try:
        with pytest.raises(UserError, match=f"pid {os.getpid()}"):
            with store.writer_lock(out):
                seen.append("entered")
        with store.writer_lock(tmp_path / "other"), store.writer_lock(tmp_path / "other"):
            seen.append("re-entrant")  # the same thread may take its own lock again
    finally:
        release.set()
        thread.join()
    assert seen == ["re-entrant"]


@pytest.mark.parametrize(("code", "message", "advice"), [
    ("ENOSPC", "No space left on device", "the disk is full"),
    ("EROFS", "Read-only file system", "the filesystem is read-only"),
    ("EACCES", "Permission denied", "choose a folder you can write to")])
def test_a_full_or_read_only_disk_is_one_line_and_loses_nothing(tmp_path, cli, monkeypatch,
                                                                  code, message, advice):
    import errno

    config = _config(tmp_path)
    out = tmp_path / "out"
    assert cli("run", str(config), "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail(frame, path):
        raise OSError(getattr(errno, code), message, str(path))

    monkeypatch.setattr(store, "write_csv", fail)
    _one_line_error(cli("run", str(config), "--out", str(out), "--force"),
                    message, advice, "nothing written before")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert list(tmp_path.glob(".out.*")) == []
