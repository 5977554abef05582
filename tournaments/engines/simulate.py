"""Simulating pairs with axelrod: every repetition of a pair, seeded by what it is.

Each match is an ``axelrod.Match`` between fresh players carrying their entry's public
information; its seed is derived from the root seed, the two labels and the repetition
(:mod:`tournaments.model.seeds`). The realised actions and each player's payoff adjustments go
through the accounting (:mod:`tournaments.model.accounting`). Results come back in pair order
whatever the number of processes, so the tables are byte-identical with 1 or N processes.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tournaments.model import accounting
from tournaments.model.automaton import Partner
from tournaments.model.games import StageGame
from tournaments.model.roster import PlayerSpec
from tournaments.model.seeds import derive_seed


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
    for rep in range(task.repetitions):
        players = (task.row.make(), task.col.make())
        seed = derive_seed(task.root_seed, "match", task.row.label, task.col.label, rep)
        match = axl.Match(players, turns=task.turns, prob_end=prob_end, game=axl_game,
                          noise=task.noise, seed=seed)
        match.play()
        out[rep] = score(task.game, match.result, players, (task.row, task.col),
                         task.transfer_efficiency)
        if rep == 0 and prob_end is None and not match._stochastic:
            out[1:] = out[0]
            break
    return out


def score(game: StageGame, result, players, specs, transfer_efficiency: float) -> np.ndarray:
    """The accounting's match totals of both seats, shape (2, len(MATCH_FIELDS))."""
    actions = np.array([[a.value, b.value] for a, b in result], dtype=np.int8).reshape(-1, 2)
    adjustments = tuple(adjustments_of(p, actions[:, k], actions[:, 1 - k], Partner.of(o))
                        for k, (p, o) in enumerate((players, players[::-1])))
    return accounting.score_actions(game, actions, adjustments,
                                    (specs[0].discount, specs[1].discount), transfer_efficiency)


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


def play_pairs(pairs: list[tuple[int, int]], config, source: str) -> list[np.ndarray]:
    """A dask task: :func:`play_pair` on these pairs, the roster rebuilt from the config (which
    carries its plug-ins' code, so a worker needs no file of the client's)."""
    from tournaments.model.roster import build_specs

    specs = build_specs(config, source=source)
    return [play_pair(task) for task in pair_tasks(config, specs, config.game.build(), pairs)]


def simulate(config, specs: list[PlayerSpec], game: StageGame, pairs: list[tuple[int, int]], *,
             source: str = "<dict>", progress: bool = True, scheduler: str | None = None,
             workers: int | None = None) -> pd.DataFrame:
    """Every repetition of these pairs of roster entries, as :func:`match_frame` rows in pair
    order: in this process; with forked workers if ``config.processes > 1``; or on
    dask.distributed with a ``scheduler`` address or a number of ``workers`` for an embedded
    cluster (:mod:`tournaments.engines.cluster`).

    Forked workers inherit the imported axelrod (a spawned worker would re-import it for
    several seconds). On dask the pairs go out in batches, each rebuilt by its worker from the
    config (:func:`play_pairs`), and their results are put back in pair order as batches
    finish: the same rows whatever ran them.
    """
    from tqdm import tqdm

    tasks = pair_tasks(config, specs, game, pairs)
    bar = tqdm(total=len(tasks), desc="matches", unit="pair",
               disable=True if not progress else None, leave=False)
    try:
        if not tasks:
            results = []
        elif scheduler or workers:
            results = _on_dask(config, source, pairs, bar, scheduler, workers)
        elif config.processes <= 1 or len(tasks) < 2:
            results = []
            for task in tasks:
                results.append(play_pair(task))
                bar.update()
        else:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=config.processes, mp_context=context) as pool:
                results = []
                chunksize = max(1, len(tasks) // (8 * config.processes))
                for result in pool.map(play_pair, tasks, chunksize=chunksize):
                    results.append(result)
                    bar.update()
    finally:
        bar.close()
    return match_frame(tasks, results)


def _on_dask(config, source: str, pairs: list[tuple[int, int]], bar, scheduler: str | None,
             workers: int | None) -> list[np.ndarray]:
    from tournaments.engines import cluster

    where = {pair: n for n, pair in enumerate(pairs)}
    results: list[np.ndarray | None] = [None] * len(pairs)

    def record(played: list[np.ndarray], batch: list[tuple[int, int]]) -> None:
        for pair, totals in zip(batch, played, strict=True):
            results[where[pair]] = totals
        bar.update(len(batch))

    with cluster.client(scheduler, workers) as client:
        cluster.run(play_pairs, cluster.batches(pairs, None, workers), config, source,
                    client=client, record=record)
    return results


def match_frame(tasks: list[PairTask], results: list[np.ndarray]) -> pd.DataFrame:
    """One row per match and seat: ``player, opponent, repetition``, the match totals and
    ``won`` (1 if the seat's net total beat its partner's)."""
    net = accounting.MATCH_FIELDS.index("net")
    frames = []
    for task, totals in zip(tasks, results, strict=True):
        for seat, (me, other) in enumerate(((task.row, task.col), (task.col, task.row))):
            frame = pd.DataFrame(totals[:, seat, :], columns=accounting.MATCH_FIELDS)
            frame.insert(0, "repetition", np.arange(task.repetitions))
            frame.insert(0, "opponent", other.label)
            frame.insert(0, "player", me.label)
            frame["won"] = (totals[:, seat, net] > totals[:, 1 - seat, net]).astype(int)
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["player", "opponent", "repetition",
                                     *accounting.MATCH_FIELDS, "won"])
    return pd.concat(frames, ignore_index=True)
