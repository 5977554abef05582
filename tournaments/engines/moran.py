"""Moran processes of the roster's population with axelrod's ``MoranProcess``, run by run.

The process simulated is the one whose fixation probabilities ``invasion.csv`` computes: the
frequency-dependent Moran birth–death process with fitness ``1 − w + w·π``
(:func:`tournaments.analysis.evolution.fitness`), ``π`` a member's mean net payoff per round
against its neighbours in the interaction graph (no self-interaction). ``π`` is read from the
tournament's payoff matrix — the exact value where the pair was solved exactly, the ratio
estimate otherwise — so selection acts on the same yardstick as every other analysis (the net
payoff per round), not on one random-length match's per-match average.

axelrod's ``MoranProcess`` runs the population: its seeded generator picks who reproduces
(proportionally to fitness), who dies and who mutates. A subclass replaces ``score_all`` (which
would play matches) by reading the payoff matrix. Everything a run needs lives on its own
process object, so runs in concurrent threads never share state.

The roster's ``count``s make the initial population; the interaction graph is the topology's
(:mod:`tournaments.model.topology`) over the population's members. Each run's seed is derived
from the root seed and the run's number. A run stops at fixation or after
``evolution.generations`` steps (with mutation it never fixates).
"""

from __future__ import annotations

from functools import cache, partial

import numpy as np
import pandas as pd

from tournaments.analysis.evolution import fitness
from tournaments.errors import ConfigError
from tournaments.model import topology
from tournaments.model.config import Config
from tournaments.model.roster import PlayerSpec
from tournaments.model.seeds import derive_seed


@cache
def _process_class():
    """The ``MoranProcess`` subclass that scores members from a payoff matrix."""
    from tournaments._axelrod import load

    axl = load()

    class PayoffMatrixMoran(axl.MoranProcess):
        """A Moran process whose members' scores are mean payoffs over their neighbours."""

        def __init__(self, players, *, payoffs: np.ndarray, types: dict[str, int], **kwargs):
            self.payoffs, self.types = payoffs, types
            super().__init__(players, **kwargs)

        def score_all(self) -> list:
            kind = [None if p is None else self.types[str(p)] for p in self.players]
            totals, degree = np.zeros(len(kind)), np.zeros(len(kind))
            for i, j in self._matchup_indices():
                totals[i] += self.payoffs[kind[i], kind[j]]
                totals[j] += self.payoffs[kind[j], kind[i]]
                degree[i] += 1
                degree[j] += 1
            scores = np.divide(totals, degree, out=np.zeros_like(totals),
                               where=degree > 0).tolist()
            self.score_history.append(scores)
            return scores

    return PayoffMatrixMoran


def _graph(n: int, edges: list[tuple[int, int]]):
    """An axelrod ``Graph`` on vertices 0..n−1 in order, isolated members included (axelrod's
    ``Graph`` knows only vertices that have an edge, so the vertices are registered first)."""
    from tournaments._axelrod import load

    graph = load().graph.Graph(directed=False)
    for v in range(n):
        graph.out_mapping[v]  # noqa: B018 - creates the vertex in the defaultdict, in order
    graph._add_edges(edges)
    return graph


def run_moran(config: Config, specs: list[PlayerSpec], payoffs: np.ndarray, *,
              progress: bool = True, source: str = "<dict>") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``evolution.runs`` seeded Moran processes on the payoff matrix.

    Parameters
    ----------
    payoffs : ndarray, shape (k, k)
        Net payoff per round of entry ``i`` against entry ``j``, roster order.

    Returns
    -------
    runs : DataFrame
        ``run, seed, steps, fixated, winner`` (the fixated strategy's label, empty if none).
    populations : DataFrame
        ``run, step, strategy, count``: the population after every step (step 0: the start).
    """
    from tqdm import tqdm

    types: dict[str, int] = {}
    for k, spec in enumerate(specs):
        kind = str(spec.make())
        if kind in types:
            raise ConfigError(source, f"roster[{spec.index}]", spec.label,
                              f"a strategy distinct from {specs[types[kind]].label!r}: a Moran "
                              "process tells types apart by strategy and parameters")
        types[kind] = k
    label_of = {kind: specs[k].label for kind, k in types.items()}
    # the initial population: each entry ``count`` times, in roster order
    members = [(spec, topology.Member(spec.label, copy, spec.club))
               for spec in specs for copy in range(spec.count)]
    edges = topology.edges(config.topology, config.seed, [m for _, m in members])
    n = len(members)
    interaction = _graph(n, edges)
    reproduction = _graph(n, edges + [(v, v) for v in range(n)])
    evo = config.evolution
    process_class = _process_class()
    runs, rows = [], []
    for run in tqdm(range(evo.runs), desc="moran runs", unit="run",
                    disable=True if not progress else None, leave=False):
        seed = derive_seed(config.seed, "moran", run)
        process = process_class(
            [spec.make() for spec, _ in members], payoffs=payoffs, types=types,
            mutation_rate=evo.mutation_rate, interaction_graph=interaction,
            reproduction_graph=reproduction,
            fitness_transformation=partial(fitness, selection_intensity=evo.selection_intensity),
            seed=seed, stop_on_fixation=evo.mutation_rate == 0)
        step = 0
        for step in range(evo.generations + 1):
            counts = process.population_distribution()
            rows += [(run, step, label_of[kind], counts.get(kind, 0)) for kind in label_of]
            if step == evo.generations:
                break
            try:
                next(process)
            except StopIteration:
                break
        fixated = process.fixation_check()
        winner = label_of[process.winning_strategy_name] if fixated else ""
        runs.append((run, seed, step, fixated, winner))
    return (pd.DataFrame(runs, columns=["run", "seed", "steps", "fixated", "winner"]),
            pd.DataFrame(rows, columns=["run", "step", "strategy", "count"]))


def run_two_population_moran(config: Config, payoffs: tuple[np.ndarray, np.ndarray],
                             labels: tuple[list[str], list[str]],
                             counts: tuple[np.ndarray, np.ndarray], roles: tuple[str, str], *,
                             progress: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``evolution.runs`` seeded two-population Moran processes
    (:func:`tournaments.analysis.two_population.moran`): the roster's row-role entries are one
    population, its column-role entries the other, each member's payoff its mean net payoff per
    round against the other population's members (read from the tournament's tables), the
    roster's ``count``s the start. Each run's seed is derived from the root seed and the run's
    number; a run stops when both populations are monomorphic or after
    ``evolution.generations`` steps.

    Returns
    -------
    runs : DataFrame
        ``run, seed, steps, fixated, row_winner, column_winner`` (each population's fixated
        strategy, empty where the run did not fixate).
    populations : DataFrame
        ``run, step, role, strategy, count``: both populations after every step.
    """
    from tqdm import tqdm

    from tournaments.analysis import two_population

    evo = config.evolution
    runs, frames = [], []
    for run in tqdm(range(evo.runs), desc="moran runs", unit="run",
                    disable=True if not progress else None, leave=False):
        seed = derive_seed(config.seed, "moran", run)
        found = two_population.moran(*payoffs, *counts, evo.selection_intensity,
                                     np.random.default_rng(seed), max_steps=evo.generations,
                                     record=True, roles=roles)
        steps, fixated = int(found.steps[0]), bool(found.fixated[0])
        winners = [names[int(np.argmax(final[0]))] if fixated else ""
                   for names, final in zip(labels, (found.counts_a, found.counts_b),
                                           strict=True)]
        runs.append((run, seed, steps, fixated, *winners))
        for role, names, history in zip(roles, labels, (found.history_a, found.history_b),
                                        strict=True):
            kept = history[:steps + 1, 0]  # (steps + 1, k)
            frames.append(pd.DataFrame({
                "run": run, "step": np.repeat(np.arange(steps + 1), len(names)), "role": role,
                "strategy": np.tile(np.asarray(names, dtype=object), steps + 1),
                "count": kept.ravel().astype(int)}))
    populations = pd.concat(frames, ignore_index=True).sort_values(
        ["run", "step"], kind="stable").reset_index(drop=True)
    return (pd.DataFrame(runs, columns=["run", "seed", "steps", "fixated", "row_winner",
                                        "column_winner"]), populations)
