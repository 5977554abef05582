"""Playing a tournament: who meets whom, seeds, axelrod matches, parallel play.

The runner decides the pairs (round robin, or receiving × sending with an asymmetric game),
derives every match's seed from the root seed and what the match *is* (the two labels and the
repetition), plays each match with ``axelrod.Match`` and hands the realised actions and payoff
adjustments to :mod:`tournaments.scoring`. Results are ordered by pair and repetition before
they are aggregated, so the tables are byte-identical whatever the number of processes.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tournaments.config import Config
from tournaments.games import StageGame
from tournaments.players import PlayerSpec
from tournaments.scoring import MATCH_FIELDS, score_match


def derive_seed(root: int, *key: object) -> int:
    """A 32-bit seed from the root seed and a key naming what is seeded.

    ``numpy.random.SeedSequence`` mixes the root with a SHA-256 digest of the key, so a match's
    seed depends only on what the match is, never on the order in which matches run.
    """
    digest = hashlib.sha256("\x1f".join(map(str, key)).encode()).digest()
    words = np.frombuffer(digest, dtype=np.uint32)
    return int(np.random.SeedSequence([root, *words.tolist()]).generate_state(1)[0])


def plan_pairs(specs: list[PlayerSpec], game: StageGame) -> list[tuple[int, int]]:
    """The pairs to play, row player first.

    Symmetric game: every unordered pair once and each player against a copy of itself (the
    survival analysis needs the whole payoff matrix; :func:`counted` says which pairs enter the
    tournament's means), the smaller label in the row seat. Asymmetric game: every receiving
    state (row) against every sending state (column) — the bipartite tournament that axelrod's
    round robin lacks.
    """
    n = len(specs)
    if not game.symmetric:
        rows = [s.index for s in specs if s.role == "receiving"]
        cols = [s.index for s in specs if s.role == "sending"]
        return [(i, j) for i in rows for j in cols]
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    # seat the pair by label, so that a match (and its seed) is the same in any roster order
    return [(i, j) if specs[i].label <= specs[j].label else (j, i) for i, j in pairs]


def linked(config: Config, a: PlayerSpec, b: PlayerSpec) -> bool:
    """Whether the topology links two roster entries (or two members of a population).

    Within a club always; across clubs (or with a state in no club) with probability
    ``topology.cross_club_probability``, decided once per pair by a seed derived from the two
    labels (so the graph does not depend on roster order).
    """
    topology = config.topology
    if topology.kind == "round_robin":
        return True
    if a.club is not None and a.club == b.club:
        return True
    first, second = sorted((a.label, b.label))
    draw = derive_seed(config.seed, "topology", first, second) / 2**32
    return draw < topology.cross_club_probability


def counted(config: Config, a: PlayerSpec, b: PlayerSpec) -> bool:
    """Whether a pair enters the tournament's means: linked, and not self-play unless asked."""
    if a.index == b.index:
        return config.match.self_play
    return linked(config, a, b)


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
    """Play every repetition of a pair; return an array (repetitions, 2, len(MATCH_FIELDS)).

    A deterministic pair (no noise, fixed length, deterministic players) is played once and the
    result reused for every repetition, as axelrod's own cache would.
    """
    from tournaments._axelrod import load

    axl = load()
    axl_game = task.game.to_axelrod()
    prob_end = None if task.continuation >= 1.0 else 1.0 - task.continuation
    out = np.empty((task.repetitions, 2, len(MATCH_FIELDS)))
    deterministic = None
    for rep in range(task.repetitions):
        if deterministic is not None:
            out[rep] = deterministic
            continue
        players = (task.row.make(), task.col.make())
        seed = derive_seed(task.root_seed, "match", task.row.label, task.col.label, rep)
        match = axl.Match(players, turns=task.turns, prob_end=prob_end, game=axl_game,
                          noise=task.noise, seed=seed)
        match.play()
        actions = np.array([[a.value, b.value] for a, b in match.result], dtype=np.int8)
        adjustments = tuple(_adjustments(p, actions[:, k], actions[:, 1 - k])
                            for k, p in enumerate(players))
        out[rep] = score_match(task.game, actions, adjustments,
                               (task.row.discount, task.col.discount), task.transfer_efficiency)
        if rep == 0 and prob_end is None and not match._stochastic:
            deterministic = out[0]
    return out


def _adjustments(player, own: np.ndarray, other: np.ndarray) -> np.ndarray | None:
    method = getattr(player, "adjustments", None)
    if method is None:
        return None
    result = method(own, other)
    if result is None:
        return None
    result = np.asarray(result, dtype=float)
    if result.shape != (len(own), 3) or not np.all(np.isfinite(result)) or np.any(result < 0):
        raise ValueError(f"{player.name}: adjustments() must return finite, non-negative values "
                         f"of shape ({len(own)}, 3), got shape {result.shape}")
    return result


def play(config: Config, specs: list[PlayerSpec], game: StageGame,
         pairs: list[tuple[int, int]], *, processes: int = 1,
         progress: bool = True) -> pd.DataFrame:
    """Play ``pairs`` with axelrod; one row per match and seat (see scoring.pairwise_table)."""
    if not pairs:
        return pd.DataFrame(columns=["player", "opponent", "repetition", *MATCH_FIELDS, "won"])
    tasks = [
        PairTask(specs[i], specs[j], game, config.match.turns, config.match.continuation,
                 config.match.noise, config.match.repetitions, config.seed,
                 config.transfer_efficiency)
        for i, j in pairs
    ]
    results = _map(play_pair, tasks, processes, progress)
    frames = []
    for task, scores in zip(tasks, results, strict=True):
        reps = np.arange(task.repetitions)
        for seat, (me, other) in enumerate(((task.row, task.col), (task.col, task.row))):
            frame = pd.DataFrame(scores[:, seat, :], columns=MATCH_FIELDS)
            frame.insert(0, "repetition", reps)
            frame.insert(0, "opponent", other.label)
            frame.insert(0, "player", me.label)
            frame["won"] = (scores[:, seat, MATCH_FIELDS.index("net_total")]
                            > scores[:, 1 - seat, MATCH_FIELDS.index("net_total")]).astype(int)
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


#: Largest joint state space (states of one form × states of the other) solved exactly; a
#: larger pair (e.g. a two-level game leader with a long window against itself) is simulated.
MAX_JOINT_STATES = 2048


def solve_exact(config: Config, specs: list[PlayerSpec], game: StageGame,
                pairs: list[tuple[int, int]]) -> tuple[pd.DataFrame, list[tuple[int, int]]]:
    """Solve every pair whose two players have a finite-state form, exactly.

    Returns the exact pairs' rows (the columns of :func:`tournaments.exact.pairwise_frame`) and
    the pairs left for simulation (no form, or a joint chain above :data:`MAX_JOINT_STATES`).
    Each player is given the match attributes axelrod's ``Match`` would give it (some strategies
    derive their form from the game) and its partner (club strategies' forms depend on the
    partner's club).
    """
    from tournaments import exact
    from tournaments._axelrod import load

    axl_game = load() and game.to_axelrod()
    length = config.match.turns if config.match.continuation >= 1.0 else float("inf")
    forms, labels, discounts, solved, rest = [], [], [], [], []
    for i, j in pairs:
        players = (specs[i].make(), specs[j].make())
        for player in players:
            player.set_match_attributes(length=length, game=axl_game, noise=config.match.noise)
        seats = [exact.finite_state_form(p, opponent=o, game=game)
                 for p, o in (players, players[::-1])]
        if any(form is None for form in seats) or (
                seats[0].n_states * seats[1].n_states > MAX_JOINT_STATES):
            rest.append((i, j))
            continue
        if i == j:
            solved.append((len(forms), len(forms)))
            seats = seats[:1]
        else:
            solved.append((len(forms), len(forms) + 1))
        for form, index in zip(seats, (i, j), strict=False):
            forms.append(form)
            labels.append(specs[index].label)
            discounts.append(specs[index].discount)
    if not solved:
        return pd.DataFrame(), rest
    m = config.match
    result = exact.solve_tournament(
        forms, game, solved, noise=m.noise, continuation=m.continuation,
        turns=m.turns, discounts=discounts, transfer_efficiency=config.transfer_efficiency)
    return exact.pairwise_frame(result, solved, labels), rest


def _map(function, tasks: list, processes: int, progress: bool) -> list:
    """``map`` with an optional pool of forked workers and a progress bar; results in order."""
    from tqdm.auto import tqdm

    # disable=None: draw the bar only on a terminal
    bar = tqdm(total=len(tasks), desc="matches", unit="pair",
               disable=True if not progress else None, leave=False)
    try:
        if processes <= 1 or len(tasks) < 2:
            results = []
            for task in tasks:
                results.append(function(task))
                bar.update()
            return results
        # fork: workers inherit the imported axelrod (a spawned worker re-imports it for ~10 s)
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context) as pool:
            results = []
            chunksize = max(1, len(tasks) // (8 * processes))
            for result in pool.map(function, tasks, chunksize=chunksize):
                results.append(result)
                bar.update()
            return results
    finally:
        bar.close()
