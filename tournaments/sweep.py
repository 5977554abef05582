"""Parameter sweeps on dask.distributed: where in parameter space cooperation survives.

A config's ``sweep`` section names cells: a ``grid`` (cartesian product of value lists) and/or an
explicit list of ``cells``, each a mapping from a key path to a value. Key paths address any
config key: ``match.continuation``, ``game.T``, ``transfer_efficiency``, ``roster[0].discount``,
``roster[Persuader].params.payment`` (an entry by index, by label or by strategy name).

Each cell is the base config with the cell's values applied and its own seed, derived from the
root seed and the cell's parameters (never from its place in a work queue). Cells run in batches
on dask workers — an embedded ``LocalCluster`` by default, or an existing scheduler; a cell
carries its config, plug-in code included, so a worker needs no file of the client's. Each
finished cell is written atomically to ``cells/<id>.csv`` by the client as soon as it arrives,
followed by its record ``cells/<id>.done`` (the CSV's SHA-256 and row count): a cell counts as
finished only when its record exists and its CSV checks out against it, so a sweep killed at
any moment — or a cell file truncated or emptied later — resumes (``--resume``) by recomputing
exactly the cells that do not check out. The sweep holds its directory's lock
(:func:`tournaments.output.store.writer_lock`) while it runs. ``sweep.csv`` is assembled from the
cell files in the config's cell order: byte-identical whatever the number of workers, worker
threads, the scheduler, or interruptions.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import re
import threading
import time
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tournaments import heap
from tournaments.engines import cluster
from tournaments.engines.exact_sweep import ExactSweep
from tournaments.errors import ConfigError, ConfigErrors, UserError
from tournaments.model.config import Config, _read_yaml, load_config
from tournaments.model.plugins import is_plugin
from tournaments.model.seeds import derive_seed
from tournaments.output import store

#: The game a config without a ``game`` key plays: a sweep's ``game.T`` overrides its payoff.
DEFAULT_GAME = Config.model_fields["game"].default_factory().kind
_INDEX = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\[(?P<selector>[^\]]+)\]$")


@dataclass(frozen=True)
class Cell:
    """One point of the sweep: its parameters, id and the validated config it runs."""

    params: tuple[tuple[str, Any], ...]
    config: Config

    @functools.cached_property
    def id(self) -> str:
        return cell_id(dict(self.params))

    @functools.cached_property
    def players(self) -> tuple:
        """:func:`roster_key` of the cell's config (:func:`expand` reads it for every cell)."""
        return roster_key(self.config)


def cell_id(params: dict) -> str:
    """A stable id from the cell's parameters (sorted, JSON-encoded)."""
    text = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def set_path(data: dict, path: str, value: Any, *, copy: bool = False) -> None:
    """Set ``value`` at a dotted key path in a raw config dict (``roster[X]`` selects an entry).
    With ``copy``, every mapping and list on the way is replaced by a shallow copy first, so
    that what ``data`` shares with another config is left as it was.

    Raises
    ------
    KeyError
        With a message saying which part of the path matches nothing.
    """
    parts = _split_path(path)
    node: Any = data
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        match = _INDEX.match(part)
        if match:
            items = node.get(match["name"])
            if not isinstance(items, list):
                raise KeyError(f"{match['name']!r} is not a list")
            index = _select(items, match["selector"])
            if copy:
                items = node[match["name"]] = list(items)
                if isinstance(items[index], dict):
                    items[index] = dict(items[index])
            node = items[index]
            if last:
                raise KeyError("a path must end in a key, not a list entry")
            continue
        if part == "game" and isinstance(node.get("game", DEFAULT_GAME), str):
            node["game"] = {"kind": node.get("game", DEFAULT_GAME)}
        if last:
            node[part] = value
        else:
            child = node.setdefault(part, {})
            if copy and isinstance(child, dict):
                child = node[part] = dict(child)
            node = child
            if not isinstance(node, dict):
                raise KeyError(f"{part!r} does not hold keys")


@functools.cache
def _split_path(path: str) -> tuple[str, ...]:
    """Split a key path at the dots outside brackets: ``roster[A. B].params.x`` has 3 parts."""
    parts, depth, current = [], 0, ""
    for char in path:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return (*parts, current)


def _select(items: list, selector: str) -> int:
    if selector.isdigit():
        index = int(selector)
        if index >= len(items):
            raise KeyError(f"index {index} is past the end ({len(items)} entries)")
        return index
    for key in ("label", "strategy"):
        hits = [i for i, item in enumerate(items) if isinstance(item, dict)
                and item.get(key) == selector]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise KeyError(f"{selector!r} matches several entries by {key}; use an index")
    raise KeyError(f"no entry with label or strategy {selector!r}")


#: :func:`expand` hands the cells built so far to :func:`tournaments.heap.keep` every this many.
KEEP_CELLS = 1000


def expand(source: str | Path | dict, *, check_strategies: bool = True
           ) -> tuple[Config, list[Cell], dict]:
    """The base config, the sweep's cells in order, and the sweep settings.

    Every cell's config is validated here — its values and, with ``check_strategies``, its
    strategies and their parameters (which imports axelrod) — so bad input fails before any
    work starts.
    """
    origin = "<dict>" if isinstance(source, dict) else str(source)
    raw = dict(source) if isinstance(source, dict) else _read_yaml(Path(source))
    sweep = raw.pop("sweep", None)
    base = load_config(raw, origin=origin)
    if base.processes != 1:
        raise ConfigError(origin, "processes", base.processes,
                          "1 in a sweep: its cells run one per dask worker (use --workers N or "
                          "a scheduler with more workers)")
    if not isinstance(sweep, dict):
        raise ConfigError(origin, "sweep", sweep, "a mapping with 'grid' and/or 'cells'")
    settings = {"grid": {}, "cells": [], "batch_size": None, "cooperation_threshold": 0.5,
                "scheduler": None}
    unknown = set(sweep) - set(settings)
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(origin, f"sweep.{key}", sweep[key],
                          f"known keys only: {', '.join(settings)}")
    settings.update(sweep)
    grid, explicit = settings["grid"], settings["cells"]
    if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
        raise ConfigError(origin, "sweep.grid", grid, "a mapping of key path → non-empty list")
    if not isinstance(explicit, list) or not all(isinstance(c, dict) for c in explicit):
        raise ConfigError(origin, "sweep.cells", explicit, "a list of mappings key path → value")
    threshold = settings["cooperation_threshold"]
    if not isinstance(threshold, int | float) or not 0 <= threshold <= 1:
        raise ConfigError(origin, "sweep.cooperation_threshold", threshold, "a number in [0, 1]")
    batch = settings["batch_size"]
    if batch is not None and (not isinstance(batch, int) or batch < 1):
        raise ConfigError(origin, "sweep.batch_size", batch, "a whole number ≥ 1")
    points = [dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())]
    points += explicit
    if not points:
        raise ConfigError(origin, "sweep", sweep, "at least one cell (grid or cells)")
    cells, seen, checked = [], set(), set()
    with heap.frozen():  # the cells live as long as the sweep: kept out of the collector
        for n, point in enumerate(points):
            if n % KEEP_CELLS == KEEP_CELLS - 1:
                heap.keep()
            where = "sweep.grid" if n < len(points) - len(explicit) else \
                f"sweep.cells[{n - len(points) + len(explicit)}]"
            data = dict(raw)  # what a cell sets is copied on its way, the rest shared
            for path, value in point.items():
                try:
                    set_path(data, path, value, copy=True)
                except (KeyError, AttributeError, TypeError) as err:
                    raise ConfigError(origin, f"{where}.{path}", value,
                                      f"a key path into the config ({err})") from None
            data["seed"] = _cell_seed(base.seed, point)
            try:
                config = load_config(data, origin=origin)
                if config.processes != 1:
                    raise ConfigError(origin, "processes", config.processes,
                                      "1 in a sweep: its cells run one per dask worker")
                cell = Cell(params=tuple(point.items()), config=config)
                if check_strategies and (key := cell.players) not in checked:
                    from tournaments.model.roster import build_specs

                    build_specs(config, source=origin)
                    checked.add(key)  # the same roster, δ and plug-ins check out the same
            except ConfigError as err:
                raise ConfigErrors.of([ConfigError(origin, f"{where} → {e.key}", e.value,
                                                   e.allowed)
                                       for e in getattr(err, "errors", [err])]) from None
            if cell.id not in seen:
                seen.add(cell.id)
                cells.append(cell)
    return base, cells, settings


def roster_key(config: Config) -> tuple:
    """What :func:`tournaments.model.roster.build_specs` reads from a config: equal keys give
    the same players."""
    roster = tuple([(e.strategy, repr(e.params), e.label, e.count, e.club, e.role, e.discount)
                    for e in config.roster])
    code = (tuple(sorted((name, c.sha256) for name, c in config.plugins.items()))
            if any(is_plugin(entry[0]) for entry in roster) else ())
    return roster, config.match.continuation, config.allow_cheating, code


def _cell_seed(root: int, point: dict) -> int:
    return derive_seed(root, "cell", json.dumps(point, sort_keys=True, default=str))


#: The survival table's columns a sweep row keeps (``moran_fixations`` for ``kind: moran``).
SURVIVAL_COLUMNS = ("stationary_weight", "ecological_share", "invades", "invaded_by",
                    "moran_fixations")


def run_cell(cell: Cell, source: str) -> tuple[str, Any, str | None]:
    """Run one cell; return (cell id, its summary frame with parameter columns, error text)."""
    from tournaments.pipeline import run

    try:
        result = run(cell.config, progress=False, source=source)
    except Exception as err:  # a failing cell is recorded and the sweep goes on
        detail = "".join(traceback.format_exception_only(type(err), err)).strip()
        return cell.id, None, detail
    frame = result.summary.copy()
    if result.survival is not None:
        kept = [c for c in SURVIVAL_COLUMNS if c in result.survival.survival]
        frame = frame.merge(result.survival.survival[["strategy", *kept]], on="strategy",
                            how="left")
    for position, (path, value) in enumerate(cell.params):
        frame.insert(position, path, value)
    frame.insert(0, "cell", cell.id)
    return cell.id, frame, None


def run_batch(cells: list[Cell], source: str) -> list[tuple[str, Any, str | None]]:
    """Run a batch of cells in one worker task (amortises scheduling overhead)."""
    return [run_cell(cell, source) for cell in cells]


@dataclass
class SweepOutcome:
    out: Path
    cells: int
    done: int
    failed: list[tuple[str, str]]
    wall_time: float


@heap.frozen()  # the cells and what is computed of them live until the sweep ends
def run_sweep(source: str | Path | dict, out: Path | None = None, *, scheduler: str | None = None,
              workers: int | None = None, resume: bool = False, progress: bool = True,
              executor: str = "dask", exact_fast_path: bool = True) -> SweepOutcome:
    """Run (or resume) a sweep and aggregate it into ``sweep.csv``, ``thresholds.csv`` and figures.

    Parameters
    ----------
    source : path or dict
        A config with a ``sweep`` section (a dict's plug-in files are read relative to the
        working directory).
    out : path, optional
        Results directory; default ``results/<name>``.
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``); overrides ``sweep.scheduler``.
        Without one an embedded ``LocalCluster`` with ``workers`` processes (default: cores) runs.
    resume : bool
        Continue a sweep in ``out``, skipping the cells already written.
    executor : {"dask", "loop"}
        ``loop`` runs the cells in this process, without dask (the baseline for benchmarks).
    exact_fast_path : bool
        Compute the cells whose pairs the exact solver covers in vectorised passes in this
        process (:mod:`tournaments.engines.exact_sweep`), before and instead of running them
        one by one; ``False`` runs every cell through the pipeline. ``sweep.csv`` is the same
        either way. Such cells leave no cell files: a resumed sweep computes them again.
    """
    from tqdm import tqdm

    from tournaments import _axelrod

    base, cells, settings = expand(source)
    source = "<dict>" if isinstance(source, dict) else str(source)
    _axelrod.load()  # the one-off import (seconds on a cold start): not part of the run time
    start = time.perf_counter()
    out = Path(out) if out else Path("results") / base.name
    with store.writer_lock(out):
        resolved = _resolved_yaml(base, settings)
        if out.exists():
            if not resume:
                raise UserError(f"{out}: exists; pass --resume to continue that sweep, or choose "
                                "another --out")
            _check_same_config(out, resolved)
        cell_dir = out / "cells"
        cell_dir.mkdir(parents=True, exist_ok=True)
        for stale in cell_dir.glob(".*.tmp-*"):  # half-written by a killed run: never counted
            stale.unlink()
        store.write_text(out / "config.yaml", resolved)
        store.write_plugins(base, out)
        todo = [c for c in cells if not finished(cell_dir, c.id)]
        broken = [c.id for c in todo if (cell_dir / f"{c.id}.csv").exists()]
        if broken:
            warnings.warn(f"{out}: recomputing {len(broken)} cell(s) whose files do not check "
                          f"out against their records ({', '.join(broken[:3])}"
                          f"{', ...' if len(broken) > 3 else ''})", stacklevel=2)
        for cell in todo:  # a failure recorded in an earlier attempt is tried again
            for suffix in (".done", ".error.txt"):
                (cell_dir / f"{cell.id}{suffix}").unlink(missing_ok=True)
        bar = tqdm(total=len(cells), initial=len(cells) - len(todo), desc="cells", unit="cell",
                   disable=True if not progress else None)
        failed: list[tuple[str, str]] = []

        def record(results: list) -> None:
            for ident, frame, error in results:
                if error is None:
                    write_cell(cell_dir, ident, frame)
                else:
                    store.write_text(cell_dir / f"{ident}.error.txt", error + "\n")
                    failed.append((ident, error))
                bar.update()
                bar.set_postfix(failed=len(failed))

        computed, connected = ExactSweep(rest=todo), None
        try:
            address = scheduler or settings["scheduler"]
            if executor != "loop" and address:  # a wrong address is an error even when no
                connected = cluster.connect(address)  # cell turns out to need the scheduler
            if exact_fast_path:
                computed = _solve_exactly(todo, source, settings, record, bar)
            batches = cluster.batches(computed.rest, settings["batch_size"], workers)
            if executor == "loop":
                for batch in batches:
                    record(run_batch(batch, source))
            elif batches:
                with cluster.client(workers=workers, connected=connected) as client:
                    cluster.run(run_batch, batches, source, client=client,
                                record=lambda results, _: record(results))
        except KeyboardInterrupt as err:
            kept = sum(finished(cell_dir, c.id) for c in cells)
            err.hint = (f"{kept} of {len(cells)} cells are kept; continue with: "
                        f"tournaments sweep {source} --out {out} --resume")
            raise
        finally:
            bar.close()
            if connected is not None:
                connected.close()
        write_aggregates(out, cells, settings, computed, source=source)
        wall_time = time.perf_counter() - start
        store.write_manifest(out, name=base.name, seed=base.seed, wall_time=wall_time)
    return SweepOutcome(out=out, cells=len(cells), done=len(cells) - len(failed), failed=failed,
                        wall_time=wall_time)


#: A sweep with at most this many cells for the exact fast path journals them like the
#: per-cell path (``cells/<id>.csv`` and ``.done``, written by :func:`write_cell` as each batch
#: is computed), so that an interrupted sweep keeps them; a larger one keeps them in memory and
#: a resumed sweep computes them again, as writing and reading a cell file (~7 ms) costs far
#: more than computing the cell (about 0.1 ms).
JOURNAL_CELLS = 100


def _solve_exactly(todo: list[Cell], source: str, settings: dict, record, bar) -> ExactSweep:
    """The exact fast path (:mod:`tournaments.engines.exact_sweep`) on the cells to do, in
    batches of ``sweep.batch_size`` cells when it is set; what it cannot compute is left."""
    from tournaments.engines.exact_sweep import CHUNK_CELLS, cell_frame, solve_cells, split

    journal = len(split(todo)[0]) <= JOURNAL_CELLS

    def each(cells: list[Cell], rows, columns: dict) -> None:
        if journal:
            record([(cell.id, cell_frame(rows, cell, columns[cell.id]), None) for cell in cells])
        else:
            bar.update(len(cells))

    computed = solve_cells(todo, source, chunk=settings["batch_size"] or CHUNK_CELLS,
                           each=each)
    if journal:  # collect reads them back from their files, as every other cell
        return ExactSweep(rest=computed.rest)
    return computed


def _check_same_config(out: Path, resolved: str) -> None:
    """Refuse to resume a sweep started from another config, naming the first changed key."""
    import yaml

    saved = out / "config.yaml"
    if not saved.exists():
        if any(out.iterdir()):
            raise UserError(f"{out}: not a sweep's directory (no config.yaml); choose another "
                            "--out")
        return
    text = saved.read_text(encoding="utf-8")
    if text != resolved:
        from tournaments.verify import first_difference

        changed = first_difference(yaml.safe_load(text), yaml.safe_load(resolved))
        raise UserError(f"{out}: was started from a different config ({changed or 'formatting'}"
                        "); --resume needs the same one (compare with its config.yaml)")


def write_cell(cell_dir: Path, ident: str, frame) -> None:
    """A finished cell: its CSV, then its record (the CSV's SHA-256 and row count)."""
    path = cell_dir / f"{ident}.csv"
    store.write_csv(frame, path)
    store.write_text(cell_dir / f"{ident}.done",
                     json.dumps({"sha256": store.sha256_file(path), "rows": len(frame)}) + "\n")


def finished(cell_dir: Path, ident: str) -> bool:
    """Whether a cell's CSV exists and checks out against its record."""
    try:
        record = json.loads((cell_dir / f"{ident}.done").read_text(encoding="utf-8"))
        return record["sha256"] == store.sha256_file(cell_dir / f"{ident}.csv")
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _resolved_yaml(base: Config, settings: dict) -> str:
    """The base config with every default filled in, and the sweep section."""
    import yaml

    return yaml.safe_dump({**base.resolved(), "sweep": settings}, sort_keys=False,
                          allow_unicode=True)


def collect(out: Path, cells: list, computed: ExactSweep | None = None):
    """The finished cells' rows, in the config's cell order: from their cell files, or, for the
    cells of ``computed``, from its rows, passed once through the CSV write and read a cell file
    goes through (so that they have the values and types cell files give)."""
    import pandas as pd

    from tournaments.analysis.thresholds import swept_parameters

    rows, spans = pd.DataFrame(), {}
    if computed is not None and len(computed.rows):
        rows = _through_csv(computed.rows, out)
        ids = rows["cell"].to_numpy()
        starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
        spans = dict(zip(ids[starts], zip(starts, np.r_[starts[1:], len(ids)], strict=True),
                         strict=True))
    parts, columns = [], {}  # in cell order: a span (start, stop) of rows, or a file's frame
    for cell in cells:
        if cell.id in spans:
            start, stop = spans[cell.id]
            columns.update(dict.fromkeys(computed.columns[cell.id]))
            if parts and isinstance(parts[-1], tuple) and parts[-1][1] == start:
                parts[-1] = (parts[-1][0], stop)
            else:
                parts.append((start, stop))
        elif finished(out / "cells", cell.id):
            frame = pd.read_csv(out / "cells" / f"{cell.id}.csv", dtype={"cell": str})
            columns.update(dict.fromkeys(frame.columns))
            parts.append(frame)
    if not parts:
        return pd.DataFrame()
    sweep = pd.concat([rows.iloc[part[0]:part[1]] if isinstance(part, tuple) else part
                       for part in parts], ignore_index=True)
    first = ["cell", *swept_parameters(cells)]
    return sweep[first + [c for c in columns if c not in first]]


def _through_csv(frame, out: Path):
    """``frame`` written as a CSV file is (:func:`tournaments.output.store.write_csv`) and read
    back as :func:`collect` reads a cell file; the file is a temporary one beside the cells."""
    import pandas as pd

    tmp = out / "cells" / f".exact.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        store.write_csv(frame, tmp)
        return pd.read_csv(tmp, dtype={"cell": str})
    finally:
        tmp.unlink(missing_ok=True)


def write_aggregates(out: Path, cells: list, settings: dict,
                     computed: ExactSweep | None = None, *, source: str):
    """Write ``sweep.csv``, ``thresholds.csv`` and the figures from the finished cells (and the
    cells ``computed`` by the exact fast path). Thresholds between swept values are found on
    the exact solver where the cells' tournaments are exact."""
    from tournaments.analysis.repeated import sweep_thresholds
    from tournaments.analysis.thresholds import swept_parameters, table, thresholds
    from tournaments.engines.exact_sweep import CooperationRates
    from tournaments.output.figures import sweep_figures

    sweep = collect(out, cells, computed)
    parameters = swept_parameters(cells)
    store.write_csv(sweep, out / "sweep.csv")
    found = thresholds(sweep, parameters, settings["cooperation_threshold"],
                       rates=CooperationRates(cells, source))
    store.write_csv(table([*found.to_dict("records"), *sweep_thresholds(cells, parameters)]),
                    out / "thresholds.csv")
    if not sweep.empty:
        store.write_figures(lambda: sweep_figures(sweep, parameters), out,
                            cells[0].config.output)
    return sweep
