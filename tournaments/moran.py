"""Moran processes of the roster with axelrod's ``MoranProcess``, seeded run by run.

The roster's ``count``s make the initial population. Fitness is 1 − w + w·π with π the member's
mean *net* payoff per round over its neighbours: a :class:`Match` subclass scores each match
with the project's scoring layer (side payments and sanctions included), and a
``MoranProcess`` subclass divides each member's summed score by its number of neighbours (on
the complete graph, N − 1). ``topology: clubs`` gives the interaction graph: all members of one
club are linked, other pairs with ``cross_club_probability``.

Each run's seed is derived from the root seed and the run's number. A run stops at fixation or
after ``evolution.generations`` steps (with mutation it never fixates).
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from tournaments.config import Config
from tournaments.errors import ConfigError
from tournaments.players import PlayerSpec
from tournaments.runner import derive_seed
from tournaments.scoring import MATCH_FIELDS, score_match


@cache
def _classes():
    """The Match and MoranProcess subclasses (built once axelrod is imported)."""
    from tournaments._axelrod import load
    from tournaments.runner import _adjustments

    axl = load()

    class NetPayoffMatch(axl.Match):
        """A match scored by the project's scoring layer: net payoff per round."""

        stage_game = None
        transfer_efficiency = 1.0
        clubs: dict = {}

        def __init__(self, players, *args, **kwargs):
            for player in players:  # clones lose attributes set after construction
                if getattr(player, "club", None) is None:
                    player.club = self.clubs.get(repr(player))
            super().__init__(players, *args, **kwargs)

        def final_score_per_turn(self):
            actions = np.array([[a.value, b.value] for a, b in self.result], dtype=np.int8)
            players = self.players
            adjustments = tuple(_adjustments(p, actions[:, k], actions[:, 1 - k])
                                for k, p in enumerate(players))
            scores = score_match(self.stage_game, actions, adjustments, (1.0, 1.0),
                                 self.transfer_efficiency)
            net, rounds = MATCH_FIELDS.index("net"), MATCH_FIELDS.index("rounds")
            return scores[0, net] / scores[0, rounds], scores[1, net] / scores[1, rounds]

    class MeanScoreMoran(axl.MoranProcess):
        """Scores as the mean over a member's neighbours (π), not their sum."""

        def score_all(self):
            scores = super().score_all()
            graph = self.interaction_graph
            degree = [len(graph.out_vertices(v)) for v in sorted(graph.vertices)]
            scores[:] = [s / d if d else 0.0 for s, d in zip(scores, degree, strict=True)]
            return scores

    return axl, NetPayoffMatch, MeanScoreMoran


def population(specs: list[PlayerSpec]) -> list[PlayerSpec]:
    """The initial population: each entry repeated ``count`` times, in roster order."""
    return [spec for spec in specs for _ in range(spec.count)]


def interaction_edges(config: Config, members: list[PlayerSpec]) -> list[tuple[int, int]]:
    """Edges of the interaction graph among population members (see the module docstring)."""
    edges = []
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            a, b = members[i], members[j]
            if config.topology.kind == "round_robin" or (a.club is not None and a.club == b.club):
                edges.append((i, j))
            else:
                draw = derive_seed(config.seed, "moran-graph", i, j) / 2**32
                if draw < config.topology.cross_club_probability:
                    edges.append((i, j))
    return edges


def _graph(axl, n: int, edges: list[tuple[int, int]]):
    """An axelrod ``Graph`` on vertices 0..n−1 in order, isolated members included (axelrod's
    ``Graph`` knows only vertices that have an edge, so the vertices are registered first)."""
    graph = axl.graph.Graph(directed=False)
    for v in range(n):
        graph.out_mapping[v]  # noqa: B018 - creates the vertex in the defaultdict, in order
    graph._add_edges(edges)
    return graph


def run_moran(config: Config, specs: list[PlayerSpec], *, progress: bool = True,
              source: str = "<dict>") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run ``evolution.runs`` seeded Moran processes.

    Returns
    -------
    runs : DataFrame
        ``run, seed, steps, fixated, winner`` (the fixated strategy's label, empty if none).
    populations : DataFrame
        ``run, step, strategy, count``: the population after every step (step 0: the start).
    """
    from tqdm.auto import tqdm

    axl, match_class, moran_class = _classes()
    game = config.game.build()
    members = population(specs)
    by_type: dict[str, PlayerSpec] = {}
    for spec in specs:
        kind = repr(spec.make())
        if kind in by_type:
            raise ConfigError(source, f"roster[{spec.index}]", spec.label,
                              f"a strategy distinct from {by_type[kind].label!r}: a Moran process "
                              "tells types apart by strategy and parameters")
        by_type[kind] = spec
    label_of = {kind: spec.label for kind, spec in by_type.items()}
    match_class.stage_game = game
    match_class.transfer_efficiency = config.transfer_efficiency
    match_class.clubs = {kind: spec.club for kind, spec in by_type.items()}
    edges = interaction_edges(config, members)
    graph, reproduction = (_graph(axl, len(members), e) for e in (edges, edges + [
        (v, v) for v in range(len(members))]))
    w = config.evolution.selection_intensity
    m = config.match
    prob_end = None if m.continuation >= 1.0 else 1.0 - m.continuation
    runs, rows = [], []
    for run in tqdm(range(config.evolution.runs), desc="moran runs", unit="run",
                    disable=True if not progress else None, leave=False):
        seed = derive_seed(config.seed, "moran", run)
        process = moran_class(
            [spec.make() for spec in members], turns=m.turns, prob_end=prob_end, noise=m.noise,
            game=game.to_axelrod(), mutation_rate=config.evolution.mutation_rate,
            interaction_graph=graph, reproduction_graph=reproduction,
            fitness_transformation=lambda pi: 1 - w + w * pi,
            seed=seed, match_class=match_class,
            stop_on_fixation=config.evolution.mutation_rate == 0)
        step = 0
        for step in range(config.evolution.generations + 1):
            counts = process.population_distribution()
            rows += [(run, step, label_of[kind], counts.get(kind, 0)) for kind in label_of]
            if step == config.evolution.generations:
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
