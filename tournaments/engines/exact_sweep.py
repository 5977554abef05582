"""Exact sweeps: the cells of a sweep that the exact solver covers, in vectorised passes.

A sweep cell is a whole tournament. When every pair of a cell has a finite-state form (the
rules of :func:`tournaments.engines.exact.roster_forms`), nothing in the cell needs simulation,
and its row of ``sweep.csv`` — the summary columns and the survival columns — follows from the
pairs' exact values. This module computes those rows for many cells at once, with the same
functions the pipeline runs cell by cell, each generalised to a batch of tournaments:

1. **forms**: each roster entry's form against each partner is built once per distinct
   (strategy parameters, partner, game, match length) — not once per cell and pair — from the
   cell's own validated config (runner parameters such as ``continuation`` included); a form
   that reads the match's noise (it may: ``match_attributes``) is rebuilt per noise;
2. **payoffs**: :func:`tournaments.engines.exact.solve_grid` over the cells' pairs at once, each
   pair at its cell's δ (a pair of forms shared by cells of several δ is one chain, its
   transition matrices built once) and at every ε of the cells — or, for scattered points (the
   root-finding of thresholds), each at its own ε; the seats' values become ``pairwise.csv``
   rows in the layout of :func:`tournaments.engines.exact.pairwise_frame`, read from the
   solver's array in one gather;
3. **tables**: :func:`tournaments.analysis.tables.pairwise_table` (its branch for exact pairs
   alone) and :func:`~tournaments.analysis.tables.summary_table` with the cell as batch key;
4. **survival**: :func:`tournaments.analysis.survival.survival_table` on the stack of the
   cells' payoff matrices (fixation, stationary ranking, ecological dynamics).

Cells are taken :data:`CHUNK_CELLS` at a time: the time per cell is flat from about 1,500 to
6,000 cells a chunk (the baseline's 8 strategies), and a chunk's arrays stay within a few
hundred MB.

Every step gives each cell the numbers the per-cell pipeline gives it, bit for bit, so
``sweep.csv`` is byte-identical whichever path computed a cell. Where batching could change the
last bits it is not done: the exact solver's linear solves (no cap on the number of rounds) are
independent of what else is in the batch, but its round-by-round sums (fixed or capped match
lengths) are not, so such cells are solved one call per cell, exactly as the pipeline calls
it, and only the tables and the survival analysis are batched. Pairs are batched only with
pairs whose automata have the same structure (the solver keeps the joint states a group of
pairs can reach) and cells only with cells of the same discounts, game and transfer efficiency.

What is left to the pipeline (:func:`split` says which cells): ``kind: moran`` (seeded Moran
runs), ``engine: simulate``, two populations (roles: their survival analysis runs per cell),
``topology: clubs`` whose cross-club links are random draws (``0 < cross_club_probability < 1``:
the links depend on the cell's seed), swept values that are not scalars, any pair without a form
or with a joint chain above :data:`~tournaments.engines.exact.MAX_JOINT_STATES`, and any cell
whose survival analysis raises (it then fails in the pipeline, with the pipeline's message). The
pipeline's other outputs that a sweep row does not hold — ``pairwise.csv``, the invasion,
ecology and sensitivity tables, the self-enforcement step — are not computed here.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tournaments import heap
from tournaments.engines import exact
from tournaments.model.automaton import Partner

#: Cells whose tables and survival analysis are computed in one batch (bounds memory).
CHUNK_CELLS = 2000
#: Batches of cells computed at once, in threads: the usable cores, at most 4 (measured with 1
#: and 2: benchmarks/exact_sweep.py).
THREADS = min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
              else os.cpu_count() or 1)
#: A solver call computes every row (a form set at a δ) of its batch at every ε of it, unless
#: that is more than this many times the cells it serves: then each row at its own ε alone.
_MAX_WASTE = 4
_SCALARS = (bool, int, float, str, type(None))
_NOISY = object()  # a form-cache entry: this form reads the match's noise


@dataclass
class ExactSweep:
    """The rows of the cells computed here, and the cells left to the pipeline.

    ``rows`` holds each computed cell's rows exactly as :func:`tournaments.sweep.run_cell`
    returns them (cell id, the cell's parameters, the summary columns, the survival columns),
    concatenated in the cells' order; ``columns`` gives each computed cell's own columns, in its
    own order (cells may differ: ``discounted_payoff``, explicit cells' parameters).
    """

    cells: list = field(default_factory=list)
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    rest: list = field(default_factory=list)


def split(cells: list) -> tuple[list, list]:
    """The cells this module may compute (by their configs alone), and the others."""
    fast, rest = [], []
    for cell in cells:
        (fast if _eligible(cell) else rest).append(cell)
    return fast, rest


def _eligible(cell) -> bool:
    config = cell.config
    topology = config.topology
    return (config.kind == "tournament" and config.match.engine != "simulate"
            and not config.two_populations
            and (topology.kind == "round_robin" or topology.cross_club_probability in (0.0, 1.0))
            and all(isinstance(value, _SCALARS) and (not isinstance(value, str)
                                                      or _reads_back(value))
                    for _, value in cell.params))


@functools.cache
def _reads_back(text: str) -> bool:
    """Whether a swept string comes back from a CSV file as the same string. One that reads
    as a number, a boolean or a missing value ("007", "TRUE", "NA") would come back from its
    own cell file otherwise than from a file of many cells: such cells take the pipeline."""
    from tournaments.output import store

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "value.csv"
        store.write_csv(pd.DataFrame({"value": [text, text]}), path)
        inferred = pd.read_csv(path)["value"].iloc[0]
        literal = pd.read_csv(path, dtype=str, keep_default_na=False)["value"].iloc[0]
    return isinstance(inferred, str) and inferred == literal


@heap.frozen()  # the cells (and what a sweep holds): not traversed by full collections
def solve_cells(cells: list, source: str, *, chunk: int = CHUNK_CELLS, threads: int = THREADS,
                each: Callable[[list, pd.DataFrame, dict], None] | None = None) -> ExactSweep:
    """Compute the rows of every cell that :func:`split` accepts and whose pairs all have exact
    forms; return them with the cells left to the pipeline (in the sweep's order).

    Cells are computed ``chunk`` at a time, ``threads`` chunks at once (the same numbers with
    any number); ``each(cells, rows, columns)`` is called after each chunk, in order, with its
    cells, their rows (``run_cell``'s frames, concatenated) and each cell's columns.
    """
    from tournaments.analysis.survival import survival_table
    from tournaments.analysis.tables import pairwise_table, summary_table

    fast, rest = split(cells)
    context = _Context(source)
    tournaments, left = [], {c.id for c in rest}
    for cell in fast:
        try:
            found = context.tournament(cell)
        except Exception:  # noqa: BLE001 - the pipeline runs the cell and reports its error
            found = None
        if found is None:
            left.add(cell.id)
        else:
            tournaments.append(found)
    groups: dict[Hashable, list[_Tournament]] = {}
    for t in tournaments:
        groups.setdefault(t.table_key, []).append(t)
    order = {cell.id: n for n, cell in enumerate(cells)}
    frames, columns, places = [], {}, []
    batches = [group[lo:lo + chunk] for group in groups.values()
               for lo in range(0, len(group), chunk)]

    def compute(batch: list[_Tournament]) -> tuple[list, list]:
        """The batch's rows and columns (one or more frames), and the cells it leaves."""
        _solve(batch)
        done = _tables(batch, pairwise_table, summary_table, survival_table)
        if done is not None:
            return [done], []
        # some cell's survival analysis raises: one at a time
        alone = [_tables([t], pairwise_table, summary_table, survival_table) for t in batch]
        return ([d for d in alone if d is not None],
                [t.cell.id for t, d in zip(batch, alone, strict=True) if d is None])

    # batches in threads (NumPy's work releases the GIL), their results taken in order; an
    # error or an interrupt cancels the batches not started
    with ThreadPoolExecutor(threads) as pool:
        for batch, (done, failed) in zip(batches, pool.map(compute, batches), strict=True):
            left.update(failed)
            k = len(batch[0].roster.labels)
            for frame, cols in done:  # each cell's k rows, in the batch's order
                frames.append(frame)
                columns.update(cols)
                places.append(np.repeat([order[ident] for ident in cols], k))
                if each is not None:
                    each([t.cell for t in batch if t.cell.id in cols], frame, cols)
    rows = pd.DataFrame()
    if frames:
        rows = pd.concat(frames, ignore_index=True)
        position = np.concatenate(places)
        if (np.diff(position) < 0).any():  # in the sweep's order
            rows = rows.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)
    return ExactSweep(cells=[cell for cell in cells if cell.id in columns], rows=rows,
                      columns=columns, rest=[cell for cell in cells if cell.id in left])


class CooperationRates:
    """Every strategy's cooperation rate in a cell's tournament at other values of the cell's
    continuation δ or noise ε, from the exact solver and the summary table (the quantity a sweep
    row reports), for root-finding between swept values
    (:func:`tournaments.analysis.thresholds.thresholds`). Forms and rosters are cached across
    calls."""

    def __init__(self, cells: list, source: str) -> None:
        self.cells = {cell.id: cell for cell in cells}
        self.context = _Context(source)

    def __call__(self, points: list[tuple[str, str, float]]) -> list[dict[str, float] | None]:
        """For each point — (cell id, ``match.continuation`` or ``match.noise``, a value) — the
        cooperation rate of each strategy of the cell's tournament with that value, or ``None``
        when the tournament is not exact (:func:`split`, forms)."""
        from tournaments.analysis.tables import pairwise_table, summary_table
        from tournaments.sweep import Cell

        out: list[dict[str, float] | None] = [None] * len(points)
        groups: dict[Hashable, list[tuple[int, _Tournament]]] = {}
        for n, (ident, path, value) in enumerate(points):
            cell = self.cells[ident]
            match = cell.config.match.model_copy(update={path.removeprefix("match."): value})
            moved = Cell(params=((path, value),),
                         config=cell.config.model_copy(update={"match": match}))
            if not split([moved])[0]:
                continue
            try:
                found = self.context.tournament(moved)
            except Exception:  # noqa: BLE001 - not computable here: the caller keeps the grid
                found = None
            if found is not None:
                groups.setdefault(found.table_key, []).append((n, found))
        for group in groups.values():
            for lo in range(0, len(group), CHUNK_CELLS):
                batch = [t for _, t in group[lo:lo + CHUNK_CELLS]]
                _solve(batch)
                _, summary, _ = _summaries(batch, pairwise_table, summary_table)
                rates = summary.groupby("_cell", sort=True)
                for (n, _), (_, rows) in zip(group[lo:lo + CHUNK_CELLS], rates, strict=True):
                    out[n] = dict(zip(rows["strategy"], rows["cooperation_rate"], strict=True))
        return out


def cell_frame(rows: pd.DataFrame, cell, columns: tuple[str, ...]) -> pd.DataFrame:
    """One cell's rows as :func:`tournaments.sweep.run_cell` returns them: its own columns,
    its parameters inserted as it inserts them (so with the types its values give)."""
    own = rows[rows["cell"] == cell.id]
    frame = own[[c for c in columns if c != "cell" and c not in dict(cell.params)]]
    frame = frame.reset_index(drop=True)
    for position, (path, value) in enumerate(cell.params):
        frame.insert(position, path, value)
    frame.insert(0, "cell", cell.id)
    return frame


# --------------------------------------------------------------------------------------------
# one cell's tournament


@dataclass(frozen=True)
class _Roster:
    """What the cells with one roster, δ (a runner parameter), game, match length and
    topology share: their players' forms and the layout of their tables."""

    labels: tuple[str, ...]
    entries: pd.DataFrame
    layout: tuple  # (player, opponent, pair, seat) per pairwise row; seat -1: both seats' mean
    counted: frozenset
    discounted: bool
    forms: tuple  # per pair: (seat-0 form, seat-1 form)
    discounts: tuple  # per pair: the two seats' discounts
    selves: tuple  # per pair: whether it is an entry against itself (one form, as the solver)
    forms_key: int  # the forms' identities (a token: see _Context.token)
    game: Any  # StageGame
    solve_key: int  # game, discounts and the automata's structure (a token)
    table_key: int  # labels, counted pairs and discounting (a token)


@dataclass
class _Tournament:
    """One cell: its roster's shared parts, and then its pairs' values."""

    cell: Any
    roster: _Roster
    table_key: Hashable
    solve_key: Hashable
    row: tuple  # its form set and δ: the pairs a solver call solves for it, at its δ
    #: its pairs' values: (array of a solver call, its noise's index, its first pair); the
    #: values, shape (pairs, 2, len(exact.COLUMNS)), are ``array[noise, first:first + pairs]``
    origin: tuple | None = None

    @property
    def values(self) -> np.ndarray:
        array, noise, first = self.origin
        return array[noise, first:first + len(self.roster.forms)]


class _Context:
    """Caches shared by the cells of one sweep: rosters (specs, forms, layouts) and forms."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.rosters: dict[Hashable, Any] = {}
        self.forms: dict[Hashable, Any] = {}
        self.structures: dict[int, Hashable] = {}
        self.layouts: dict[Hashable, tuple] = {}
        #: per roster (its key without δ): whether some entry takes δ as a parameter
        self.reads_continuation: dict[Hashable, bool] = {}
        self.tokens: dict[Hashable, int] = {}
        #: per roster (without δ) and names: the entries frame and whether it is discounted
        self.entries: dict[Hashable, tuple] = {}

    def token(self, key: Hashable) -> int:
        """A small number for a large key (equal keys, equal numbers): cells are grouped by
        such keys, and a number hashes at once."""
        return self.tokens.setdefault(key, len(self.tokens))

    def tournament(self, cell) -> _Tournament | None:
        """The cell's tournament, or ``None`` if some pair has no exact form."""
        config = cell.config
        match, topology, game = config.match, config.topology, config.game
        length = exact.match_length(match)
        players = cell.players  # what build_specs reads (tournaments.sweep.roster_key)
        if not self.reads_continuation.get(players[:1] + players[2:], True):
            players = (players[0], None, *players[2:])  # no entry takes δ as a parameter
        key = (players, topology.kind, topology.cross_club_probability,
               match.self_play, game.kind, game.R, game.S, game.T, game.P,
               repr(game.A), repr(game.B), length)
        roster = self.rosters.get(key)
        noisy = roster is _NOISY  # some form reads the noise: one roster per noise
        if noisy:
            key = (*key, match.noise)
            roster = self.rosters.get(key)
        if roster is None and key not in self.rosters:
            roster, reads_noise = self._roster(config)
            if reads_noise and not noisy:
                self.rosters[key] = _NOISY
                key = (*key, match.noise)
            self.rosters[key] = roster
        if roster is None:
            return None
        evolution = config.evolution
        return _Tournament(
            cell=cell, roster=roster,
            table_key=(roster.table_key, evolution.population_size,
                       evolution.selection_intensity, evolution.generations),
            solve_key=(roster.solve_key, match.turns, config.transfer_efficiency),
            row=(roster.forms_key, match.continuation))

    def _roster(self, config) -> tuple[_Roster | None, bool]:
        """A roster's shared parts (``None`` if some pair has no exact form, as
        :func:`tournaments.engines.exact.roster_forms` decides it), and whether some form
        read the match's noise."""
        from tournaments.model.roster import build_specs
        from tournaments.pipeline import entries_frame, plan
        from tournaments.sweep import roster_key

        specs = build_specs(config, source=self.source)
        players = roster_key(config)
        self.reads_continuation[players[:1] + players[2:]] = any(
            "continuation" in spec.params for spec in specs)
        the_plan = plan(config, specs)
        game = the_plan.game
        forms, discounts, noisy, known = [], [], False, {}
        for i, j in the_plan.pairs:
            seats = []
            for me, other in ((i, j), (j, i)) if i != j else ((i, i),):
                partner = Partner(specs[other].club, specs[other].role)
                if (me, partner) not in known:  # once per entry and kind of partner
                    known[me, partner] = self._form(specs[me], partner, game, config.match)
                form, reads_noise = known[me, partner]
                noisy |= reads_noise
                seats.append(form)
            a, b = seats[0], seats[-1]
            if a is None or b is None or a.n_states * b.n_states > exact.MAX_JOINT_STATES:
                return None, noisy
            forms.append((a, b))
            discounts.append((specs[i].discount, specs[j].discount))
        # the entries frame reads the roster as resolved() writes it and the specs' labels and
        # strategy names, which δ changes only through the names a player takes from its
        # parameters: one frame per roster and names (the cells of many δ share it)
        names = tuple((s.label, s.strategy_name) for s in specs)
        key = (players[:1] + players[2:], names)
        if key not in self.entries:
            frame = entries_frame(_Resolved(config, config.resolved()["roster"]), specs)
            self.entries[key] = frame, bool((frame["discount"] != 1).any())  # as tables()
        entries, discounted = self.entries[key]
        labels = [s.label for s in specs]
        structure = tuple((self._structure(a), self._structure(b)) for a, b in forms)
        layout_key = (tuple(the_plan.pairs), tuple(labels))
        if layout_key not in self.layouts:
            self.layouts[layout_key] = _layout(the_plan.pairs, labels)
        return _Roster(
            labels=tuple(labels), entries=entries, layout=self.layouts[layout_key],
            counted=the_plan.counted, discounted=discounted,
            forms=tuple(forms), discounts=tuple(discounts),
            selves=tuple(i == j for i, j in the_plan.pairs),
            forms_key=self.token(tuple(id(f) for pair in forms for f in pair)), game=game,
            solve_key=self.token((game.name, game.A.tobytes(), game.B.tobytes(),
                                  tuple(discounts), structure)),
            table_key=self.token((tuple(labels), the_plan.counted, discounted))), noisy

    def _form(self, spec, partner: Partner, game, match) -> tuple:
        """(form, whether it reads the noise) of ``spec``'s player against a partner with this
        public information, as :func:`tournaments.engines.exact.roster_forms` builds it; built
        once per distinct player, partner, game and match length (and noise, if it reads it)."""
        key = (spec.cls, repr(spec.params), spec.club, spec.role, spec.discount,
               spec.class_state != (), partner.club, partner.role, game.name,
               game.A.tobytes(), game.B.tobytes(), exact.match_length(match))
        noise = match.noise
        known_noisy = self.forms.get(key) is _NOISY
        if known_noisy:
            key = (*key, noise)
        if key in self.forms:
            return self.forms[key], known_noisy
        form, noisy = _build_form(spec, partner, game, match)
        if noisy and not known_noisy:
            self.forms[key] = _NOISY
            key = (*key, noise)
        self.forms[key] = form
        return form, noisy

    def _structure(self, form) -> Hashable:
        """What the exact solver's grouping and reachable joint states depend on."""
        if id(form) not in self.structures:
            self.structures[id(form)] = (form.n_states, form.initial.tobytes(),
                                         form.transition.tobytes())
        return self.structures[id(form)]


class _Resolved:
    """A config whose ``resolved()`` is its roster alone, given (the rest of the config is read
    through): for :func:`tournaments.pipeline.entries_frame`, which reads only the roster."""

    def __init__(self, config, roster: list) -> None:
        self._config, self._roster = config, roster

    def resolved(self) -> dict:
        return {"roster": self._roster}

    def __getattr__(self, name: str):
        return getattr(self._config, name)


class _Reads(dict):
    """A player's ``match_attributes`` that notes which keys its code reads."""

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.read: set = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __iter__(self):
        self.read.update(self.keys())
        return super().__iter__()

    def items(self):
        self.read.update(self.keys())
        return super().items()

    def values(self):
        self.read.update(self.keys())
        return super().values()

    def copy(self):
        self.read.update(self.keys())
        return super().copy()


def _build_form(spec, partner: Partner, game, match) -> tuple:
    """(form or None, whether building it may have read the match's noise)."""
    from tournaments._axelrod import load

    axl = load()
    player = exact.match_player(spec, game, match)
    cls = type(player)
    # a class that reacts to its match attributes may have read the noise already; a
    # memory-one player's form is taken from a clone given noise 0 (finite_state_form)
    noisy = (cls.receive_match_attributes is not axl.Player.receive_match_attributes
             and not isinstance(player, axl.MemoryOnePlayer))
    player.match_attributes = reads = _Reads(player.match_attributes)
    form = exact.finite_state_form(player, partner=partner, game=game)
    return form, noisy or "noise" in reads.read


def _layout(pairs: list[tuple[int, int]], labels: list[str]) -> tuple:
    """The rows :func:`tournaments.engines.exact.pairwise_frame` makes of these pairs: per row,
    (player, opponent, pair, seat), seat −1 for a self-play pair's mean over both seats, in the
    order of :func:`tournaments.analysis.tables.pairwise_table`'s rows. Read off
    ``pairwise_frame`` itself, from values that name their pair and seat."""
    n = len(pairs)
    marks = np.arange(2 * n, dtype=float).reshape(n, 2) * 2  # 4p + 2s: exact small integers
    values = np.repeat(marks[:, :, None], len(exact.COLUMNS), axis=2)
    rows = exact.pairwise_frame(exact.ExactResult(values), pairs, labels)
    mark = rows[exact.COLUMNS[0]].to_numpy()
    pair = (mark // 4).astype(int)
    seat = np.where(mark % 4 == 1, -1, (mark % 4 // 2)).astype(int)  # a mean is 4p + 1
    # in the order pairwise_table puts them (player, then opponent, in roster order)
    where = {label: n for n, label in enumerate(labels)}
    order = np.lexsort(([where[o] for o in rows["opponent"]],
                        [where[p] for p in rows["player"]]))
    return tuple(zip(rows["player"].to_numpy()[order], rows["opponent"].to_numpy()[order],
                     pair[order].tolist(), seat[order].tolist(), strict=True))


# --------------------------------------------------------------------------------------------
# payoffs


def _solve(batch: list[_Tournament]) -> None:
    """Set every tournament's ``values``: its pairs' exact quantities at its δ and ε."""
    groups: dict[Hashable, list[_Tournament]] = {}
    for t in batch:
        groups.setdefault(t.solve_key, []).append(t)
    for group in groups.values():
        match = group[0].cell.config.match
        if match.turns is not None:  # round-by-round sums: one call per cell, as the pipeline
            for t in group:
                _solve_calls([t])
            continue
        # a call solves each of its rows (form set and δ: the pairs, each at its own δ) at each
        # of its noises; when that is far more than the cells it serves (scattered points, as
        # the root-finding of thresholds asks for), each row at its own ε alone
        rows = {t.row for t in group}
        noises = {t.cell.config.match.noise for t in group}
        _solve_calls(group, each_noise=len(rows) * len(noises) > _MAX_WASTE * len(group))


def _solve_calls(members: list[_Tournament], each_noise: bool = False) -> None:
    """One solver call for these tournaments' pairs, deduplicated by form set and δ (and ε
    with ``each_noise``), each pair at its tournament's δ, at all their ε values (at its own
    ε with ``each_noise``); with a cap on the rounds, the tournaments are one cell (and one
    call)."""
    forms: list = []
    index: dict[tuple, int] = {}
    discounts: list[float] = []
    pairs: list[tuple[int, int]] = []
    deltas: list[float] = []
    own_noises: list[float] = []
    rows: dict[tuple, int] = {}  # each row's first pair
    for t in members:
        r, noise = t.roster, t.cell.config.match.noise
        row = (*t.row, noise) if each_noise else t.row
        if row in rows:
            continue
        start = len(pairs)
        for (a, b), (da, db), alone in zip(r.forms, r.discounts, r.selves, strict=True):
            ids = []
            for form, discount in [(a, da)] if alone else [(a, da), (b, db)]:
                k = index.get((id(form), discount))
                if k is None:
                    k = index[(id(form), discount)] = len(forms)
                    forms.append(form)
                    discounts.append(discount)
                ids.append(k)
            pairs.append((ids[0], ids[-1]))
        deltas.extend([t.cell.config.match.continuation] * (len(pairs) - start))
        own_noises.extend([noise] * (len(pairs) - start))
        rows[row] = start
    config = members[0].cell.config
    game, match = members[0].roster.game, config.match
    noises = sorted({t.cell.config.match.noise for t in members})
    if match.turns is not None:
        values = exact.solve_tournament(
            forms, game, pairs, noise=match.noise, continuation=match.continuation,
            turns=match.turns, discounts=discounts,
            transfer_efficiency=config.transfer_efficiency).values[None]
    else:
        values = exact.solve_grid(forms, game, pairs, continuations=[deltas],
                                  noises=[own_noises] if each_noise else noises, turns=None,
                                  discounts=discounts,
                                  transfer_efficiency=config.transfer_efficiency).values[0]
    e_of = {e: n for n, e in enumerate(noises)}
    for t in members:
        noise = t.cell.config.match.noise
        t.origin = ((values, 0, rows[(*t.row, noise)]) if each_noise
                    else (values, e_of[noise], rows[t.row]))


# --------------------------------------------------------------------------------------------
# tables and survival


def _summaries(batch: list[_Tournament], pairwise_table, summary_table) -> tuple:
    """The pairwise and summary tables of a batch of cells with one roster layout, and their
    entries, each keyed by ``_cell`` (a cell's place in the batch)."""
    first = batch[0].roster
    k = len(first.labels)
    layout = first.layout
    pair = np.array([row[2] for row in layout])
    seat = np.array([row[3] for row in layout])
    # pairwise_frame's values: a seat's own, or a self-play pair's mean over both (v.mean()
    # of two values: their sum from 0.0, halved), read from the solver's arrays
    mean = np.flatnonzero(seat < 0)
    if len({id(t.origin[0]) for t in batch}) == 1:  # one solver call: read in place
        array = batch[0].origin[0]
        noise = np.array([t.origin[1] for t in batch])[:, None]
        offset = np.array([t.origin[2] for t in batch])[:, None]
        quantities = array[noise, offset + pair, np.maximum(seat, 0)]  # (cells, rows, columns)
        both = array[noise[:, :, None], (offset + pair[mean])[:, :, None], [0, 1]]
    else:
        values = np.stack([t.values for t in batch])  # (cells, pairs, 2, columns)
        quantities = values[:, pair, np.maximum(seat, 0)]
        both = values[:, pair[mean]]
    quantities[:, mean] = (0.0 + (both[:, :, 0] + both[:, :, 1])) / 2
    member = np.arange(len(batch))  # the batch key: a cell's place in the batch
    rows = np.tile(np.arange(len(layout)), len(batch))
    exact_rows = pd.DataFrame(quantities.reshape(-1, len(exact.COLUMNS)),
                              columns=list(exact.COLUMNS), copy=False)  # one block, no copy
    exact_rows.insert(0, "_cell", np.repeat(member, len(layout)))
    places = {label: n for n, label in enumerate(first.labels)}  # labels as categories: the
    for position, name in ((1, "player"), (2, "opponent")):  # tables look them up by code
        codes = np.array([places[row[position - 1]] for row in layout])[rows]
        exact_rows.insert(position, name, pd.Categorical.from_codes(codes, first.labels))
    distinct: dict[int, pd.DataFrame] = {}
    for t in batch:
        distinct.setdefault(id(t.roster.entries), t.roster.entries)
    start = dict(zip(distinct, range(0, k * len(distinct), k), strict=True))
    entries = pd.concat(distinct.values(), ignore_index=True).take(
        np.repeat([start[id(t.roster.entries)] for t in batch], k) + np.tile(np.arange(k),
                                                                              len(batch)))
    entries = entries.reset_index(drop=True)
    entries.insert(0, "_cell", np.repeat(member, k))
    pairwise = pairwise_table(pd.DataFrame(), list(first.labels), exact=exact_rows,
                              counted=set(first.counted), discounted=first.discounted,
                              keys=["_cell"])
    return pairwise, summary_table(pairwise, entries, keys=["_cell"]), entries


def _tables(batch: list[_Tournament], pairwise_table, summary_table, survival_table):
    """The rows of a batch of cells with one roster layout: ``run_cell``'s frame for each,
    concatenated, and each cell's columns; ``None`` if the survival analysis raises for some
    cell of the batch."""
    from tournaments.analysis.tables import round_significant, row_codes
    from tournaments.sweep import SURVIVAL_COLUMNS

    k = len(batch[0].roster.labels)
    pairwise, summary, entries = _summaries(batch, pairwise_table, summary_table)
    try:
        survival = survival_table(summary, pairwise, entries, batch[0].cell.config.evolution,
                                  keys=["_cell"])
    except ValueError:
        return None
    kept = [c for c in SURVIVAL_COLUMNS if c in survival]
    # run_cell's merge of the survival columns into the summary (every row has its match)
    where, place = row_codes([survival["_cell"], survival["strategy"]],
                             [summary["_cell"], summary["strategy"]])
    row = np.full(int(where.max(initial=-1)) + 2, -1)
    row[where] = np.arange(len(survival))
    frame = summary.assign(**{c: survival[c].array.take(row[place], allow_fill=True)
                              for c in kept})  # −1 (none): missing, as the merge leaves it
    ids = pd.array([t.cell.id for t in batch], dtype="str")
    frame.insert(0, "cell", ids.take(frame.pop("_cell").to_numpy()))
    body = tuple(c for c in frame.columns if c != "cell")
    columns, paths, params, made = {}, {}, [], {}
    for t in batch:
        params.append(values := dict(t.cell.params))
        names = tuple(values)
        if names not in made:  # cells of a grid share their columns
            made[names] = ("cell", *names, *body)
            paths.update(dict.fromkeys(names))
        columns[t.cell.id] = made[names]
    for position, path in enumerate(paths, start=1):
        # each cell's value, a float rounded as the cell's own (float) column is written
        cell_values = np.array([p.get(path) for p in params], dtype=object)
        floats = np.array([isinstance(v, float) for v in cell_values], dtype=bool)
        if floats.all():  # a float column, as a list of floats makes it
            value = pd.Series(np.repeat(round_significant(cell_values.astype(float)), k))
        else:
            if floats.any():
                cell_values[floats] = round_significant(
                    cell_values[floats].astype(float)).tolist()
            value = pd.Series(np.repeat(cell_values, k).tolist())
        frame.insert(position, path, value)
    return frame, columns
