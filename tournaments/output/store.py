"""Results directories and every file the project writes: atomically, with provenance.

The one home of writing, and of the guarantees a results directory gives
(``docs/reference/outputs.md``, "Guarantees"):

- A file is written under a hidden temporary name in its own folder and renamed into place
  (:func:`atomic_write`), so a reader never sees half a file.
- A run's directory is filled under a hidden temporary name beside the target
  (``.<name>.tmp-<pid>``) and renamed into place only when complete. With ``force`` an existing
  directory is first moved aside (``.<name>.old-<pid>``) and removed only once the new one is in
  place; a process killed between the two renames leaves the old directory aside, and the next
  command that takes the directory's lock puts it back (:func:`recover`).
- ``force`` replaces only a results directory of this tool: one whose ``manifest.json`` says so
  and which holds nothing but the files that manifest lists (:func:`check_target`).
- One writer at a time: every command that writes a results directory holds its lock
  (:func:`writer_lock`), a lock file beside it that names the holder; a second writer gets exit
  code 2 naming the first. The lock is an advisory ``flock``, released by the kernel when its
  holder dies, so a lock left by a killed process is never mistaken for a live one.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import io
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from tournaments.analysis.tables import round_floats
from tournaments.errors import UserError
from tournaments.model.config import FORMULA_START, OutputConfig

#: What a manifest says wrote it: ``--force`` replaces only directories carrying this mark.
TOOL = "migration-tournaments"
MANIFEST = "manifest.json"
#: Temporary files :func:`atomic_write` leaves only if killed mid-write.
_PARTIAL = re.compile(r"^\..+\.tmp-\d+-\d+$")


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a hidden temporary path beside ``path``, then rename it into
    place; on any failure the temporary file is removed and ``path`` is left as it was."""
    path = Path(path)
    tmp = path.parent / f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        write(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(path: Path, text: str) -> None:
    """A UTF-8 text file, atomically."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """One CSV format for every table, atomically: floats rounded to
    :data:`~tournaments.analysis.tables.DIGITS` significant digits and written as Python's
    shortest repr (reading a table back gives the numbers the run held in memory), ``\\n`` line
    endings."""
    safe = round_floats(frame).rename(columns=_inert)
    text = [c for c in safe.columns if safe[c].dtype == object or pd.api.types.is_string_dtype(
        safe[c].dtype)]
    if text:
        safe = safe.assign(**{c: safe[c].map(_inert) for c in text})
    atomic_write(path, lambda tmp: safe.to_csv(tmp, index=False, lineterminator="\n"))


def _inert(value):
    """A text cell a spreadsheet cannot run: one starting with ``=``, ``+``, ``-``, ``@``, a tab or
    a carriage return gets a leading apostrophe (configs refuse such labels and clubs; this guards
    names that come from plug-in code)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


#: matplotlib's text layout (mathtext's parser) is not thread-safe: two threads drawing at once
#: fail on tick labels such as 10^{-3}. Figures are built and drawn one set at a time.
_DRAWING = threading.Lock()

#: How each figure format is saved so that its bytes depend on the figure alone: no software
#: name or version, no date (SVG element ids come from the fixed ``svg.hashsalt``).
_SAVE_OPTIONS = {
    "png": {"metadata": {"Software": None}},
    "svg": {"metadata": {"Date": None, "Creator": None}},
    "pdf": {"metadata": {"CreationDate": None, "Creator": None, "Producer": None}},
}


def render_figures(make: Callable[[], dict], formats: Iterable[str] = ("png",),
                   dpi: int = 120) -> dict[str, dict[str, bytes]]:
    """Build the figures ``make()`` returns (stem → Figure) and render each in every format
    (``png``, ``svg``, ``pdf``; ``dpi`` sets the resolution of PNG): stem → format → bytes,
    the same bytes on every run."""
    from matplotlib import rc_context

    rendered: dict[str, dict[str, bytes]] = {}
    with _DRAWING, rc_context({"svg.hashsalt": TOOL}):
        for stem, figure in make().items():
            rendered[stem] = {}
            for fmt in dict.fromkeys(formats):
                buffer = io.BytesIO()
                figure.savefig(buffer, format=fmt, dpi=dpi, **_SAVE_OPTIONS[fmt])
                rendered[stem][fmt] = buffer.getvalue()
    return rendered


def write_images(rendered: dict[str, dict[str, bytes]], directory: Path,
                 formats: Iterable[str]) -> list[str]:
    """Write ``<stem>.<format>`` of every rendered figure in each of ``formats``, atomically;
    return the file names."""
    written = []
    for stem, images in rendered.items():
        for fmt in formats:
            atomic_write(Path(directory) / f"{stem}.{fmt}",
                         lambda tmp, data=images[fmt]: tmp.write_bytes(data))
            written.append(f"{stem}.{fmt}")
    return written


def write_figures(make: Callable[[], dict], directory: Path, output=None) -> list[str]:
    """Build the figures ``make()`` returns and write each in the formats and resolution of
    ``output`` (a config's :class:`~tournaments.model.config.OutputConfig`; default PNG at
    120 dpi), atomically; return the file names."""
    output = output or OutputConfig()
    formats = output.figure_formats
    return write_images(render_figures(make, formats, output.dpi), directory, formats)


def write_run(result, out: Path, *, force: bool = False) -> Path:
    """Write ``config.yaml``, the CSVs, figures, LaTeX tables, ``report.md``, ``report.html`` and
    ``manifest.json`` to ``out``, under its lock, whole or not at all (see the module's
    docstring)."""
    out = Path(out)
    with writer_lock(out):
        check_target(out, force=force)
        tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            write_text(tmp / "config.yaml", result.config.resolved_yaml())
            write_plugins(result.config, tmp)
            write_csv(summary_for_csv(result.summary), tmp / "summary.csv")
            write_csv(result.pairwise, tmp / "pairwise.csv")
            write_analysis(result, tmp)
            write_manifest(tmp, name=result.config.name, seed=result.config.seed,
                           wall_time=result.wall_time)
            _replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return out


def write_plugins(config, directory: Path) -> None:
    """A copy of every plug-in file the config names, where its ``config.yaml`` points
    (``plugins/<stem>-<sha12>.py``): the results directory re-runs without the original files."""
    for code in config.plugins.values():
        (Path(directory) / code.stored).parent.mkdir(exist_ok=True)
        write_text(Path(directory) / code.stored, code.text)


def write_analysis(result, directory: Path) -> list[str]:
    """Write the survival analysis's tables, the Moran runs, every figure (in the config's
    ``output`` formats), the LaTeX tables, ``report.md`` and ``report.html``."""
    from tournaments.output import report

    tables = {}
    if result.survival is not None:
        s = result.survival
        tables.update({"survival.csv": s.survival, "invasion.csv": s.invasion,
                       "ecology.csv": s.ecology, "ranking_sensitivity.csv": s.sensitivity,
                       "population.csv": s.population})
        if s.profiles is not None:
            tables["profiles.csv"] = s.profiles
    if result.moran_runs is not None:
        tables["moran.csv"] = result.moran_runs
    if result.moran_populations is not None:
        tables["moran_populations.csv"] = result.moran_populations
    if result.self_enforcement is not None:
        tables["self_enforcement.csv"] = result.self_enforcement
    for name, frame in tables.items():
        write_csv(frame, directory / name)
    output = result.config.output
    # report.html embeds every figure as PNG, whichever formats are written as files
    rendered = render_figures(result.figures, (*output.figure_formats, "png"), output.dpi)
    written = [*tables, *write_images(rendered, directory, output.figure_formats)]
    texts = {**report.latex_tables(result), "report.md": result.report(),
             "report.html": report.html_report(
                 result, {stem: images["png"] for stem, images in rendered.items()})}
    for name, text in texts.items():
        write_text(directory / name, text)
    return [*written, *texts]


def rewrite_analysis(result, directory: Path) -> list[str]:
    """``tournaments analyze``: (re)write the analysis files of an existing results directory,
    each replaced atomically, then its manifest (the tables of the run are not touched)."""
    directory = Path(directory)
    with writer_lock(directory):
        manifest = read_manifest(directory)
        written = write_analysis(result, directory)
        write_manifest(directory, name=manifest.get("name", result.config.name),
                       seed=manifest.get("seed", result.config.seed),
                       wall_time=manifest.get("wall_time_seconds", result.wall_time))
    return written


def summary_for_csv(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as written: ``club`` and ``role`` only where some entry has one."""
    drop = [c for c in ("club", "role") if c in summary and not summary[c].astype(bool).any()]
    return summary.drop(columns=drop)


def _replace(tmp: Path, out: Path) -> None:
    if not out.exists():
        tmp.rename(out)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    out.rename(old)
    try:
        tmp.rename(out)
    except BaseException:
        old.rename(out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def check_target(out: Path, *, force: bool) -> None:
    """Refuse (exit 2) to write ``out`` unless it is new, or ``force`` and ``out`` is a results
    directory of this tool holding only the files its manifest lists."""
    out = Path(out)
    resolved = out.resolve()
    if resolved.parent == resolved:
        raise UserError(f"{out}: not a place for a results directory (it is the filesystem's "
                        "root); choose --out DIR inside a writable folder")
    if not out.exists() and not out.is_symlink():
        return
    if not force:
        raise UserError(f"{out}: the results directory exists; choose another --out, or pass "
                        "--force to replace it (the old one is kept until the new one is "
                        "complete)")
    foreign = _not_ours(out)
    if foreign:
        raise UserError(f"{out}: --force replaces only a results directory written by this tool, "
                        f"and {foreign}; nothing was deleted (choose another --out)")


def _not_ours(directory: Path) -> str | None:
    """Why ``directory`` is not a results directory of this tool, or None if it is one."""
    if directory.is_symlink() or not directory.is_dir():
        return "this is not a directory"
    try:
        manifest = read_manifest(directory)
    except UserError:
        return f"it has no readable {MANIFEST} of this tool"
    listed = set(manifest["files"]) | {MANIFEST}
    for path in directory.rglob("*"):
        name = path.relative_to(directory).as_posix()
        if path.is_dir() and not path.is_symlink():
            if not any(f.startswith(name + "/") for f in listed):
                return f"it holds {name}/, which no run wrote"
        elif name not in listed and not _PARTIAL.match(path.name):
            return f"it holds {name}, which no run wrote"
    return None


def read_manifest(directory: Path) -> dict:
    """A results directory's manifest, checked to be this tool's.

    Raises
    ------
    UserError
        If ``manifest.json`` is missing, unreadable, not JSON or not written by this tool.
    """
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise UserError(f"{directory}: not a results directory of this tool (no {MANIFEST})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise UserError(f"{path}: unreadable ({type(err).__name__}: {str(err)[:200]}); "
                        "the directory's results cannot be trusted") from None
    if (not isinstance(manifest, dict) or manifest.get("tool", TOOL) != TOOL
            or not isinstance(manifest.get("files"), dict)
            or not isinstance(manifest.get("config_sha256"), str)):
        raise UserError(f"{path}: not a manifest of this tool (it needs tool: {TOOL}, "
                        "config_sha256 and files)")
    return manifest


#: Locks this process holds: (lock path, thread) → [file descriptor, depth]. A lock is
#: re-entrant within a thread; another thread of the process is another writer.
_HELD: dict[tuple[Path, int], list[int]] = {}
_HELD_GUARD = threading.Lock()


def lock_path(out: Path) -> Path:
    """The lock file of results directory ``out``: ``.<name>.lock`` beside it."""
    out = Path(out)
    return out.parent / f".{out.name}.lock"


@contextmanager
def writer_lock(out: Path) -> Iterator[None]:
    """Hold the lock of results directory ``out`` (re-entrant within a thread); on first
    taking it, recover what a killed writer left (:func:`recover`).

    Raises
    ------
    UserError
        If another process holds it (the message names that process).
    """
    path = lock_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = (path.resolve(), threading.get_ident())
    with _HELD_GUARD:
        if key in _HELD:
            _HELD[key][1] += 1
            fd = None
        else:
            fd = _acquire(path, out)
            _HELD[key] = [fd, 1]
    try:
        if fd is not None:
            for note in recover(out):
                warnings.warn(note, stacklevel=3)
        yield
    finally:
        with _HELD_GUARD:
            _HELD[key][1] -= 1
            if _HELD[key][1] == 0:
                fd = _HELD.pop(key)[0]
                path.unlink(missing_ok=True)
                os.close(fd)


def _acquire(path: Path, out: Path) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            raise UserError(f"{out}: another tournaments command is writing it ({holder}); "
                            f"wait for it to finish, or choose another --out (lock: {path})"
                            ) from None
        try:  # the file may have been unlinked by its last holder between open and flock
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(fd).st_ino:
            break
        os.close(fd)
    holder = (f"pid {os.getpid()} on {socket.gethostname()}, "
              f"{' '.join(Path(a).name if i == 0 else a for i, a in enumerate(sys.argv))[:200]}, "
              f"since {datetime.now(UTC).isoformat(timespec='seconds')}")
    os.ftruncate(fd, 0)
    os.write(fd, holder.encode("utf-8"))
    return fd


def recover(out: Path) -> list[str]:
    """Undo what a killed writer of ``out`` left beside it (call only with its lock held, when
    every such leftover belongs to a dead process): a directory an interrupted ``--force``
    replacement had moved aside is put back if ``out`` is missing, and partial directories are
    removed. Returns one note per action."""
    out = Path(out)
    pattern = glob.escape(f".{out.name}")
    olds = sorted(out.parent.glob(f"{pattern}.old-*"), key=lambda p: p.stat().st_mtime)
    partial = list(out.parent.glob(f"{pattern}.tmp-*"))
    notes = []
    if olds and not out.exists():
        olds.pop().rename(out)
        notes.append(f"{out}: restored the results directory that an interrupted --force "
                     "replacement had moved aside")
    for leftover in [*olds, *partial]:
        shutil.rmtree(leftover, ignore_errors=True)
        notes.append(f"{out}: removed {leftover.name}, left by a writer that was killed")
    return notes


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def versions() -> dict[str, str]:
    """Versions of Python and of the packages that determine the numbers."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for package in ("axelrod", "numpy", "pandas", "scipy", "matplotlib",
                    "migration-tournaments"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def git_commit() -> str | None:
    """The project's git commit (with ``-dirty`` if the work tree differs), where there is one."""
    root = Path(__file__).resolve().parent.parent
    if not (root / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], check=True, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty else "")


def write_manifest(directory: Path, *, name: str, seed: int, wall_time: float) -> None:
    """``manifest.json`` for the files now in ``directory``: the mark of a results directory."""
    write_text(Path(directory) / MANIFEST,
               json.dumps(build_manifest(directory, name=name, seed=seed, wall_time=wall_time),
                          indent=2) + "\n")


#: A sweep's work journal (``cells/``): not one of its results, never in its manifest.
JOURNAL = "cells"


def result_files(directory: Path) -> list[str]:
    """The files a results directory holds as its results, as relative paths: every file but
    the manifest, hidden files and a sweep's :data:`JOURNAL`."""
    directory = Path(directory)
    return [p.relative_to(directory).as_posix() for p in sorted(directory.rglob("*"))
            if p.is_file() and p.name != MANIFEST and not any(
                part.startswith(".") or part == JOURNAL
                for part in p.relative_to(directory).parts)]


def build_manifest(directory: Path, *, name: str, seed: int, wall_time: float) -> dict:
    """The manifest of ``directory``: provenance, the config (its hash and its keys, so that
    ``verify`` can name a changed key) and the SHA-256 of every file in it."""
    import yaml

    directory = Path(directory)
    config_text = (directory / "config.yaml").read_text(encoding="utf-8")
    files = {name: sha256_file(directory / name) for name in result_files(directory)}
    return {
        "tool": TOOL,
        "name": name,
        "seed": seed,
        "config_sha256": sha256_text(config_text),
        "config": yaml.safe_load(config_text),
        "versions": versions(),
        "git_commit": git_commit(),
        "files": files,
        "wall_time_seconds": round(wall_time, 3),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
