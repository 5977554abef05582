"""Simulating pairs with axelrod: every repetition of a pair, seeded by what it is.

Each match is an ``axelrod.Match`` between fresh players carrying their entry's public
information; its seed is derived from the root seed, the two labels and the repetition
(:mod:`tournaments.model.seeds`). The realised actions and each player's payoff adjustments go
through the accounting (:mod:`tournaments.model.accounting`).

A pair's repetitions are reduced to its records (:func:`aggregate`) by whatever played them, as
soon as they are played: only one pair's matches are ever held, so a run's memory does not grow
with its repetitions. Records come back in pair order whatever the number of processes or dask
workers, so the tables are byte-identical with any of them.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from tournaments.analysis import intervals
from tournaments.model import accounting
from tournaments.model.automaton import Partner
from tournaments.model.games import StageGame
from tournaments.model.roster import PlayerSpec
from tournaments.model.seeds import derive_seed

#: Columns of a simulated pair's records (:func:`aggregate`).
RECORD_COLUMNS = ["player", "opponent", "repetitions", *accounting.MATCH_FIELDS, "wins",
                  accounting.NET, "se", "skewness", "dof"]


@dataclass(frozen=True)
class PairTask:
    """All repetitions of one pair: what a worker needs, picklable."""

    row: PlayerSpec
    col: PlayerSpec
    game: StageGame
    turns: int | None
    continuation: float
    noise: float
    repetitions: int
    root_seed: int
    transfer_efficiency: float


def play_pair(task: PairTask) -> np.ndarray:
    """Play every repetition of a pair.

    Returns
    -------
    ndarray, shape (repetitions, 2, len(MATCH_FIELDS))
        Per repetition and seat, the accounting's match totals.

    A deterministic pair (no noise, fixed length, deterministic players) is played once and the
    result reused for every repetition, as axelrod's own cache would.
    """
    from tournaments._axelrod import load

    axl = load()
    axl_game = task.game.to_axelrod()
    prob_end = None if task.continuation >= 1.0 else 1.0 - task.continuation
    out = np.empty((task.repetitions, 2, len(accounting.MATCH_FIELDS)))
    fresh = (task.row.factory(), task.col.factory())
    for rep in range(task.repetitions):
        players = (fresh[0](), fresh[1]())
        seed = derive_seed(task.root_seed, "match", task.row.label, task.col.label, rep)
        # the players are fresh: axelrod's reset would build each a second time (its __init__)
        match = axl.Match(players, turns=task.turns, prob_end=prob_end, game=axl_game,
                          noise=task.noise, seed=seed, reset=False)
        match.play()
        out[rep] = score(task.game, match.result, players, (task.row, task.col),
                         task.transfer_efficiency)
        if rep == 0 and prob_end is None and not match._stochastic:
            out[1:] = out[0]
            break
    return out


def score(game: StageGame, result, players, specs, transfer_efficiency: float) -> np.ndarray:
    """The accounting's match totals of both seats, shape (2, len(MATCH_FIELDS))."""
    defect = _defect()  # an identity test: axelrod's Action.value and hash are Python code
    actions = np.fromiter([a is defect for round_ in result for a in round_], dtype=np.int8,
                          count=2 * len(result)).reshape(-1, 2)
    adjustments = tuple(adjustments_of(p, actions[:, k], actions[:, 1 - k], Partner.of(o))
                        for k, (p, o) in enumerate((players, players[::-1])))
    return accounting.score_actions(game, actions, adjustments,
                                    (specs[0].discount, specs[1].discount), transfer_efficiency)


@cache
def _defect():
    """axelrod's ``Action.D`` (1 in the accounting's actions; ``Action.C`` is 0)."""
    from tournaments._axelrod import load

    return load().Action.D


def adjustments_of(player, own: np.ndarray, other: np.ndarray,
                   partner: Partner) -> np.ndarray | None:
    """A player's payoff adjustments in a finished match, checked."""
    method = getattr(player, "adjustments", None)
    result = None if method is None else method(own, other, partner)
    if result is None:
        return None
    result = np.asarray(result, dtype=float)
    if result.shape != (len(own), 3) or not np.all(np.isfinite(result)) or np.any(result < 0):
        raise ValueError(f"{player.name}: adjustments() must return finite, non-negative values "
                         f"of shape ({len(own)}, 3), got shape {result.shape}")
    return result


def pair_tasks(config, specs: list[PlayerSpec], game: StageGame,
               pairs: list[tuple[int, int]]) -> list[PairTask]:
    """The task of each pair of roster entries ``(i, j)`` (row seat first) under the config's
    match settings."""
    m = config.match
    return [PairTask(specs[i], specs[j], game, m.turns, m.continuation, m.noise, m.repetitions,
                     config.seed, config.transfer_efficiency) for i, j in pairs]


def aggregate(row: str, col: str, totals: np.ndarray) -> list[dict]:
    """A pair's records: one per ordered pair (one for a self-play pair), its repetitions
    reduced to what the tables need.

    Parameters
    ----------
    row, col : str
        The labels of the row and column seats (equal for self-play).
    totals : ndarray, shape (repetitions, 2, len(MATCH_FIELDS))
        :func:`play_pair`'s match totals.

    Returns
    -------
    list of dict
        ``player, opponent, repetitions``, the sum over repetitions of every match total
        (``rounds``, each quantity, ``net``, ``discounted_net``, ``discount_weight``), ``wins``
        (the matches whose net total beat the partner's; ``None`` for self-play) and the ratio
        estimate of the net payoff per round with its sampling statistics
        (:func:`tournaments.analysis.intervals.ratio_sampling`: ``mean_payoff, se, skewness,
        dof``). A self-play match holds both seats: its record is the seats' mean in each
        repetition (its rounds counted once).
    """
    fields = accounting.MATCH_FIELDS
    net = fields.index("net")
    if row == col:
        seats = [(row, col, totals.mean(axis=1), None)]
    else:
        won = totals[:, 0, net] > totals[:, 1, net]
        lost = totals[:, 1, net] > totals[:, 0, net]
        seats = [(row, col, totals[:, 0], int(won.sum())),
                 (col, row, totals[:, 1], int(lost.sum()))]
    records = []
    for player, opponent, per_rep, wins in seats:
        columns = np.ascontiguousarray(per_rep.T)  # each total's repetitions, contiguous
        mean, se, skewness, dof = intervals.ratio_sampling(columns[net],
                                                           columns[fields.index("rounds")])
        records.append({"player": player, "opponent": opponent, "repetitions": len(per_rep),
                        **{f: float(columns[k].sum()) for k, f in enumerate(fields)},
                        "wins": wins, accounting.NET: mean, "se": se, "skewness": skewness,
                        "dof": dof})
    return records


def play_and_aggregate(task: PairTask) -> list[dict]:
    """:func:`aggregate` of :func:`play_pair`: what a worker sends back for a pair."""
    return aggregate(task.row.label, task.col.label, play_pair(task))


def play_pairs(pairs: list[tuple[int, int]], config, source: str) -> list[list[dict]]:
    """A dask task: :func:`play_and_aggregate` on these pairs, the roster rebuilt from the
    config (which carries its plug-ins' code, so a worker needs no file of the client's)."""
    from tournaments.model.roster import build_specs

    specs = build_specs(config, source=source)
    return [play_and_aggregate(task)
            for task in pair_tasks(config, specs, config.game.build(), pairs)]


def simulate(config, specs: list[PlayerSpec], game: StageGame, pairs: list[tuple[int, int]], *,
             source: str = "<dict>", progress: bool = True, scheduler: str | None = None,
             workers: int | None = None,
             meanwhile: Callable[[], None] | None = None) -> pd.DataFrame:
    """Every repetition of these pairs of roster entries, reduced to their records
    (:func:`aggregate`; :data:`RECORD_COLUMNS`) in pair order: played in this process; with
    forked workers if ``config.processes > 1``; or on dask.distributed with a ``scheduler``
    address or a number of ``workers`` for an embedded cluster
    (:mod:`tournaments.engines.cluster`).

    Forked workers inherit the imported axelrod (a spawned worker would re-import it for
    several seconds). On dask the pairs go out in batches, each rebuilt by its worker from the
    config (:func:`play_pairs`): about sixteen per worker, each taking every n-th pair so that
    costly strategies spread over all of them. Their records are put back in pair order as
    batches finish: the same rows whatever ran them.

    ``meanwhile()`` is called in this process once the pairs are handed to the workers (the
    pipeline solves the exact pairs while the workers play), or before play without workers.
    """
    from tqdm import tqdm

    tasks = pair_tasks(config, specs, game, pairs)
    bar = tqdm(total=len(tasks), desc="matches", unit="pair",
               disable=True if not progress else None, leave=False)
    try:
        if tasks and (scheduler or workers):
            records = _on_dask(config, source, pairs, bar, scheduler, workers, meanwhile)
        elif config.processes <= 1 or len(tasks) < 2:
            _call(meanwhile)
            records = []
            for task in tasks:
                records.append(play_and_aggregate(task))
                bar.update()
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=config.processes, mp_context=context) as pool:
                records = []
                chunksize = max(1, len(tasks) // (8 * config.processes))
                played = pool.map(play_and_aggregate, tasks, chunksize=chunksize)  # forks now
                try:
                    _call(meanwhile)
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
                for found in played:
                    records.append(found)
                    bar.update()
    finally:
        bar.close()
    return pd.DataFrame([r for pair in records for r in pair], columns=RECORD_COLUMNS)


def _call(function: Callable[[], None] | None) -> None:
    if function is not None:
        function()


def _on_dask(config, source: str, pairs: list[tuple[int, int]], bar, scheduler: str | None,
             workers: int | None, meanwhile: Callable[[], None] | None) -> list[list[dict]]:
    from tournaments.engines import cluster

    where = {pair: n for n, pair in enumerate(pairs)}
    results: list[list[dict] | None] = [None] * len(pairs)

    def record(played: list[list[dict]], batch: list[tuple[int, int]]) -> None:
        for pair, records in zip(batch, played, strict=True):
            results[where[pair]] = records
        bar.update(len(batch))

    with cluster.client(scheduler, workers) as client:
        work = cluster.batches(pairs, None, workers or _workers(client), per_worker=16,
                               interleave=True)
        cluster.run(play_pairs, work, config, source, client=client, record=record,
                    meanwhile=meanwhile)
    return results


def _workers(client) -> int:
    """The number of workers a connected scheduler has (at least one)."""
    return max(1, len(client.scheduler_info().get("workers", {})))
