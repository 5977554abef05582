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
