"""What a run will cost, estimated before any play, and refused when it is over the limits.

This module is the one home of the estimate. :func:`check` runs in the pipeline once the plan is
known and before any pair is solved or played; a run whose estimate is over the config's
``limits`` (the estimated rounds above ``limits.max_rounds``, or the estimated peak memory above
``limits.max_memory_mb`` or, by default, above the memory the machine has available) is refused
with a :class:`~tournaments.errors.ConfigError` (exit code 2) giving the estimate.

**Work** is counted in rounds: simulated pairs × repetitions × the expected rounds of a match
(``turns``; with continuation δ < 1 the expected length of axelrod's geometric match, capped at
``turns``, (1 − δ^turns)/(1 − δ)). Pairs the exact solver covers play no rounds. Every repetition
is counted, although a deterministic pair is played once (an upper bound).

**Memory** is the peak of the memory the run allocates on top of what the process holds when
the check runs, the largest of its steps (each holds what the earlier ones kept; the exact pairs
are solved while the simulated ones are played, so their terms add):

* exact: :data:`EXACT_PAIR_BYTES` per pair the exact solver covers (its players, forms,
  solution and rows), and the largest pass of the solver: :data:`JOINT_CELL_BYTES` per (joint
  state)² of each pair's Markov chain in it (all pairs of one size of small chains, a few of
  larger ones: :func:`tournaments.engines.exact.pairs_per_pass`), or for a chain above 256 joint
  states at a fixed length up to 2,048 turns, solved alone with sparse matrices,
  :data:`ROUND_STATE_BYTES` per (round, joint state) and :data:`SPARSE_STATE_BYTES` per joint
  state; the forms' sizes come from :func:`exact_pairs`;
* simulate: :data:`RECORD_BYTES` per record of a simulated ordered pair (a pair's repetitions
  are reduced to its records as soon as they are played:
  :func:`tournaments.engines.simulate.aggregate`; the frame of records then keeps
  :data:`RECORD_KEPT_BYTES` each), the matches of the pair in play
  (:data:`REPETITION_BYTES` per repetition, in each worker process), the longest match in play
  (:data:`ROUND_BYTES` per round, in each worker process) and :data:`WORKER_BYTES` per worker
  process;
* tables: the records, and :data:`PAIRWISE_ROW_BYTES` per ordered pair;
* survival analysis (a symmetric game): :data:`SURVIVAL_CELL_BYTES` per cell of the k×k
  matrices (payoffs, fixation, the invasion and sensitivity tables), :data:`FIXATION_CELL_BYTES`
  per (mutant, resident, mutant count) cell of the largest block of the fixation computation,
  and :data:`ECOLOGY_CELL_BYTES` per (generation, strategy) of the ecological dynamics;
* Moran runs (``kind: moran``): :data:`MORAN_ROW_BYTES` per (run, step, strategy) row and
  :data:`EDGE_BYTES` per edge of the population's interaction graph. With mutation a run takes
  every one of ``evolution.generations`` steps; without, it stops at fixation, taken to come
  after N² steps for a population of N members (the mean fixation time of a neutral mutant is
  N(N − 1)); a population that selection holds in coexistence runs to the cap instead, which
  this does not foresee.

Every step adds :data:`FIXED_BYTES`. The byte counts were measured as the peak resident memory
(``VmHWM``, reset before the step) above the resident memory before it, on Python 3.11,
numpy 2.4, pandas 3.0 with pyarrow strings and axelrod 4.13, on runs where one term dominates
(simulated runs of 3 pairs × 150,000 to 1,000,000 repetitions and of 45,150 pairs, exact runs of
300 to 2,000 entries, pairs of 33-state machines, ecological dynamics of 200,001 generations,
Moran runs, survival analyses of 300 to 2,000 strategies). On those runs the estimate lay between
1.0 and 1.6 times the measured peak; ``tests/test_hostile_input.py`` checks it against a real
run. Not estimated: the time the exact solver, the survival analysis and Moran runs take (they
play no rounds), and writing the results.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tournaments.errors import ConfigError
from tournaments.model.automaton import Partner

if TYPE_CHECKING:
    from tournaments.model.config import Config
    from tournaments.pipeline import Plan

#: Per repetition of the pair in play: its match totals (float64, two seats, every field of
#: MATCH_FIELDS) and the reduction's per-repetition arrays (measured: 362 bytes; 3 pairs ×
#: 1,000,000 repetitions).
REPETITION_BYTES = 400
#: Per record of a simulated ordered pair, while simulating and until their frame is built
#: (measured: 1,523 bytes; 90,300 records).
RECORD_BYTES = 1_600
#: Per record of a simulated ordered pair, in the frame kept for the tables (measured: 501
#: bytes).
RECORD_KEPT_BYTES = 520
#: Per ordered pair while the pairwise table is built (measured: 1.2 KB; 600 entries).
PAIRWISE_ROW_BYTES = 1_250
#: Per ordered pair of the pairwise table, kept (measured: 318 bytes).
PAIRWISE_KEPT_BYTES = 320
#: Per pair solved exactly, while solving: players, forms, stacked arrays and rows (measured:
#: 4.6–8.6 KB, from 300 to 2,000 entries of one- and two-state forms).
EXACT_PAIR_BYTES = 8_700
#: Per (joint state)² of a pair's Markov chain, for the largest group of pairs the solver stacks
#: at once (pairs whose forms have the same sizes): its transition arrays (measured: 91 bytes;
#: pairs of 33-state forms, 1,089 joint states, 107 MB a pair).
JOINT_CELL_BYTES = 95
#: A chain above 256 joint states at a fixed length up to 2,048 turns is solved on its own with
#: sparse matrices (:func:`tournaments.engines.exact.sparse_rounds`): per (round, joint state),
#: its distributions, and per joint state the rest (measured on a pair of 33-state machines,
#: 1,089 joint states: 2.5 MB at 200 turns, 17.6 MB at 2,048; 107 MB solved dense). Without a
#: fixed length (a linear solve) or beyond 2,048 turns (doubling) it is dense again: at most
#: JOINT_CELL_BYTES per (joint state)² (measured: 26 MB for the same pair, an upper bound).
ROUND_STATE_BYTES = 8
SPARSE_STATE_BYTES = 700
#: Per pair solved exactly, its rows kept for the tables (measured: 190 bytes).
EXACT_ROWS_BYTES = 200
#: Per round of the longest match in play (axelrod's history and the accounting's arrays;
#: measured: 250–280 bytes, one match of 1,000,000 rounds).
ROUND_BYTES = 300
#: Private memory of one forked worker process (measured: 61.5 MB with 2 workers).
WORKER_BYTES = 64e6
#: Per cell of the k×k matrices and tables of the survival analysis (fitted: 98–109 bytes;
#: k = 300 to 2,000, population 2 to 1,000).
SURVIVAL_CELL_BYTES = 115
#: Per (mutant, resident, mutant count) cell of one block of the fixation computation (fitted
#: on the same runs: 63 bytes).
FIXATION_CELL_BYTES = 70
#: Per (generation, strategy) of the ecological dynamics (measured: 58 bytes; 200,001 × 20).
ECOLOGY_CELL_BYTES = 65
#: Per (run, step, strategy) row of the Moran runs (measured: 224 bytes; 100 runs × 2,001 × 10).
MORAN_ROW_BYTES = 230
#: Per edge of a Moran population's interaction graph (measured: ~730 bytes; 300 members).
EDGE_BYTES = 750
#: Every step's fixed cost: pandas' and numpy's first allocations, the allocator's arenas
#: (measured: 10–20 MB on runs of a few MB of data).
FIXED_BYTES = 25e6
#: A 1-in-1000 chance that some match of a run is longer than the length assumed for the
#: longest match in play.
_TAIL = 1e-3


@dataclass(frozen=True)
class Estimate:
    """What a run will cost: its work and its peak memory.

    Attributes
    ----------
    pairs, exact_pairs, simulated_pairs : int
        Pairs in the plan; those the exact solver covers; those simulated.
    matches : int
        Simulated matches (simulated pairs × repetitions).
    rounds : float
        Expected rounds played.
    memory : float
        Estimated peak bytes allocated by the run.
    steps : dict
        Estimated bytes held at each step's peak (the largest is ``memory``).
    culprit : tuple
        The config key that drives the largest term, and its value (for messages).
    """

    pairs: int
    exact_pairs: int
    simulated_pairs: int
    matches: int
    rounds: float
    memory: float
    steps: dict[str, float] = field(default_factory=dict)
    culprit: tuple[str, object] = ("roster", None)


def expected_match_rounds(continuation: float, turns: int | None) -> float:
    """Expected rounds of one match: ``turns``, or under continuation δ < 1 the mean of
    axelrod's geometric length (P(L ≥ t + 1) = δ^t) capped at ``turns``."""
    if continuation >= 1.0:
        return float(turns)
    if turns is None:
        return 1.0 / (1.0 - continuation)
    return -math.expm1(turns * math.log(continuation)) / (1.0 - continuation)


def longest_match_rounds(continuation: float, turns: int | None, matches: int) -> float:
    """A length that no match of the run exceeds but with probability :data:`_TAIL`."""
    if continuation >= 1.0:
        return float(turns)
    longest = math.log(max(matches, 1) / _TAIL) / -math.log(continuation)
    return min(float(turns), longest) if turns is not None else longest


def exact_pairs(config: Config, plan: Plan) -> dict[tuple[int, int], tuple[int, int]]:
    """The plan's pairs the exact solver will cover (an estimate under ``engine: auto``), each
    with the numbers of states of its two forms.

    ``exact`` covers every pair (a pair without a form is refused when solving) and
    ``simulate`` none. Under ``auto`` a pair is solved when both players have a finite-state
    form and the joint chain is within ``MAX_JOINT_STATES`` (the rule of
    :func:`tournaments.engines.exact.roster_forms`). Each entry's form is probed once, against a
    partner with no club (a form that depends on its partner's club may differ in size); an
    entry whose probe fails counts as having no form.
    """
    engine = config.match.engine
    if engine == "simulate":
        return {}
    from tournaments.engines.exact import MAX_JOINT_STATES, finite_state_form, match_player

    states: dict[int, int | None] = {}
    row, column = plan.game.roles
    for spec in plan.specs:
        opposite = {row: column, column: row}.get(spec.role)
        try:
            player = match_player(spec, plan.game, config.match)
            form = finite_state_form(player, partner=Partner(role=opposite), game=plan.game)
        except Exception:  # noqa: BLE001 - a probe only: the entry then counts as formless
            form = None
        states[spec.index] = None if form is None else form.n_states
    if engine == "exact":
        return {(i, j): (states[i] or 1, states[j] or 1) for i, j in plan.pairs}
    return {(i, j): (states[i], states[j]) for i, j in plan.pairs
            if states[i] is not None and states[j] is not None
            and states[i] * states[j] <= MAX_JOINT_STATES}


def estimate(config: Config, plan: Plan) -> Estimate:
    """The work and peak memory of running ``config`` by ``plan`` (module docstring)."""
    from tournaments.analysis.evolution import _BLOCK_CELLS
    from tournaments.engines.exact import pairs_per_pass, sparse_rounds

    match, evo = config.match, config.evolution
    k = len(plan.specs)
    solved = exact_pairs(config, plan)
    n_exact = len(solved)
    # the solver stacks the pairs of one size of forms in passes: its largest pass's chains
    groups: dict[tuple[int, int], int] = {}
    for sizes in solved.values():
        groups[sizes] = groups.get(sizes, 0) + 1
    solver = max((a * b * (ROUND_STATE_BYTES * match.turns + SPARSE_STATE_BYTES)
                  if sparse_rounds(a * b, match.turns)
                  else pairs_per_pass(a * b, count) * (a * b) ** 2 * JOINT_CELL_BYTES
                  for (a, b), count in groups.items()), default=0)
    n_sim = len(plan.pairs) - n_exact
    reps = match.repetitions
    matches = n_sim * reps
    rounds = matches * expected_match_rounds(match.continuation, match.turns)
    ordered = sum(1 if i == j else 2 for i, j in plan.pairs)
    records = sum(1 if i == j else 2 for i, j in plan.pairs if (i, j) not in solved)
    workers = config.processes if config.processes > 1 and n_sim > 1 else 1
    longest = longest_match_rounds(match.continuation, match.turns, matches) if n_sim else 0.0

    roster = ("roster", f"{k} entries ({len(plan.pairs)} pairs)")
    length = (("match.turns", match.turns) if match.continuation >= 1.0
              or (match.turns is not None and longest >= match.turns)
              else ("match.continuation", match.continuation))
    # each step: (bytes, the key that drives them) of everything held at its peak
    exact_rows = (n_exact * EXACT_ROWS_BYTES, roster)
    simulated = (records * RECORD_KEPT_BYTES, roster)
    steps = {  # the exact pairs are solved while the simulated ones are played
        "exact and simulate": [(n_exact * EXACT_PAIR_BYTES + solver, roster),
                               (records * RECORD_BYTES, roster),
                               (min(n_sim, workers) * reps * REPETITION_BYTES,
                                ("match.repetitions", reps)),
                               (workers * longest * ROUND_BYTES, length),
                               ((workers > 1) * workers * WORKER_BYTES,
                                ("processes", workers))],
        "tables": [exact_rows, simulated, (ordered * PAIRWISE_ROW_BYTES, roster)],
    }
    kept = [simulated, (ordered * PAIRWISE_KEPT_BYTES, roster)]
    if plan.game.symmetric:
        n = evo.population_size
        block = min(k * k * (n - 1), max(_BLOCK_CELLS, k * (n - 1)))
        steps["survival"] = [*kept, (k * k * SURVIVAL_CELL_BYTES + block * FIXATION_CELL_BYTES,
                                     roster),
                             ((evo.generations + 1) * k * ECOLOGY_CELL_BYTES,
                              ("evolution.generations", evo.generations))]
    if config.kind == "moran":
        members = sum(spec.count for spec in plan.specs)
        per_run = evo.generations + 1 if evo.mutation_rate > 0 else min(evo.generations + 1,
                                                                         members**2 + 1)
        steps["moran"] = [*kept, (evo.runs * per_run * k * MORAN_ROW_BYTES,
                                  ("evolution.runs", evo.runs) if evo.runs >= evo.generations
                                  else ("evolution.generations", evo.generations)),
                          (members * (members - 1) / 2 * EDGE_BYTES,
                           ("roster", f"a population of {members} members"))]
    held = {step: FIXED_BYTES + sum(b for b, _ in terms) for step, terms in steps.items()}
    peak = max(held, key=held.get)
    culprit = max(steps[peak], key=lambda term: term[0])[1]
    return Estimate(pairs=len(plan.pairs), exact_pairs=n_exact, simulated_pairs=n_sim,
                    matches=matches, rounds=rounds, memory=held[peak], steps=held,
                    culprit=culprit)


def available_memory() -> float | None:
    """Bytes the machine can give a new allocation without swapping: ``MemAvailable`` of
    ``/proc/meminfo`` (Linux), within the cgroup's limit when there is one; else the free
    physical pages (``os.sysconf``); ``None`` when unknown."""
    available = None
    try:
        with open("/proc/meminfo", encoding="ascii") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    available = float(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    if available is None:
        try:
            available = float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (AttributeError, ValueError, OSError):
            return None
    for limit_file, usage_file in (("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
                                   ("/sys/fs/cgroup/memory/memory.limit_in_bytes",
                                    "/sys/fs/cgroup/memory/memory.usage_in_bytes")):
        try:
            with open(limit_file, encoding="ascii") as file:
                limit = file.read().strip()
            with open(usage_file, encoding="ascii") as file:
                usage = float(file.read().strip())
        except (OSError, ValueError):
            continue
        if limit.isdigit() and float(limit) < 2**60:
            available = min(available, max(float(limit) - usage, 0.0))
        break
    return available


def check(config: Config, plan: Plan, *, source: str = "<dict>") -> Estimate:
    """Refuse, before any play, a run whose estimate is over its limits.

    Raises
    ------
    ConfigError
        Naming the key that drives the estimate, with the estimate and the limits.
    """
    found = estimate(config, plan)
    limits = config.limits
    if limits.max_memory_mb is not None:
        ceiling, ceiling_text = limits.max_memory_mb * 1e6, "limits.max_memory_mb"
    else:
        ceiling, ceiling_text = available_memory(), "available memory"
    over_rounds = found.rounds > limits.max_rounds
    over_memory = ceiling is not None and found.memory > ceiling
    if over_rounds or over_memory:
        key, value = found.culprit
        if over_rounds and not over_memory:
            key, value = _rounds_culprit(config, plan, found)
        memory = f"{ceiling_text} {ceiling / 1e9:.1f} GB" if ceiling is not None else (
            "available memory unknown")
        raise ConfigError(source, key, value,
                          f"a run within limits (estimated {found.rounds:.1e} rounds, "
                          f"{found.memory / 1e9:.1f} GB; limits.max_rounds "
                          f"{limits.max_rounds:.0e}, {memory})")
    return found


def _rounds_culprit(config: Config, plan: Plan, found: Estimate) -> tuple[str, object]:
    """The largest factor of the rounds: simulated pairs, repetitions or match length."""
    match = config.match
    per_match = expected_match_rounds(match.continuation, match.turns)
    length = (("match.turns", match.turns) if match.continuation >= 1.0
              or (match.turns is not None and per_match >= 0.5 * match.turns)
              else ("match.continuation", match.continuation))
    factors = [(found.simulated_pairs, ("roster", f"{len(plan.specs)} entries "
                                        f"({found.simulated_pairs} simulated pairs)")),
               (match.repetitions, ("match.repetitions", match.repetitions)),
               (per_match, length)]
    return max(factors, key=lambda f: f[0])[1]
