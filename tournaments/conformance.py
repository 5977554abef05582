"""Conformance checks for strategy classes: the project's own and plug-ins alike.

:func:`check_player_class` runs the checks of axelrod's reusable ``TestPlayer`` base that a
tournament relies on (clone, pickle, reset, seeded play under noise, honest classifier) plus
the project's contract (pure, finite, non-negative payoff adjustments against partners of every
kind; for an automaton strategy, play that is the automaton's and an exact form that agrees with
play against partners of every kind the automaton tells apart — club members and outsiders, each
role — noiselessly round by round and, under noise, statistically in its cooperation and in each
adjustment column). A strategy without a club is also fielded in one, as the runner attaches a
roster entry's ``club`` to its player. It plays real axelrod matches and returns one
:class:`CheckResult` per check; it never raises for a faulty strategy.
``tournaments check-strategy MODULE:CLASS`` prints these results; the test suite runs them on
every registered strategy.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tournaments._axelrod import load as load_axelrod
from tournaments.model.accounting import ADJUSTMENT_COLUMNS
from tournaments.model.automaton import Partner
from tournaments.model.games import ROLES
from tournaments.strategy import AutomatonStrategy

#: Classifier keys every strategy must declare (axelrod's core classifiers).
REQUIRED_CLASSIFIER_KEYS = ("memory_depth", "stochastic", "long_run_time", "inspects_source",
                            "manipulates_source", "manipulates_state")
#: Turns per checking match, noise of the noisy checks, and the seeds used.
TURNS = 40
NOISE = 0.05
SEEDS = (11, 2024)
#: The club a strategy without one is given (the runner attaches a roster entry's club to its
#: player), and the club of partners outside it.
OWN_CLUB, OTHER_CLUB = "own club", "another club"
#: The role names of partners: none, and every built-in game's two (a config may rename them).
ROLE_NAMES = (None, *dict.fromkeys(role for pair in ROLES.values() for role in pair))
#: What a column of a strategy's adjustments is in the exact solver's result of a pair in which
#: only the strategy (seat 0) adjusts: (result column, seat), as the accounting reads it.
EXACT_COLUMN = {"paid": ("paid", 0), "sanction_cost": ("sanction_cost", 0),
                "sanction_imposed": ("sanction_suffered", 1)}


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one conformance check."""

    name: str
    passed: bool
    detail: str


def _opponents(axl, *, deterministic_only: bool = False) -> list:
    """Fresh opponents: deterministic ones, then (unless excluded) a random one."""
    players = [axl.Cooperator(), axl.Defector(), axl.TitForTat(), axl.Alternator(),
               axl.Cycler("CCD"), axl.Grudger()]
    if not deterministic_only:
        players.append(axl.Random(0.5))
    return players


def _play(axl, player, opponent, *, seed: int, noise: float, turns: int = TURNS) -> list:
    match = axl.Match((player, opponent), turns=turns, seed=seed, noise=noise)
    return [(a.value, b.value) for a, b in match.play()]


def _play_all(axl, make: Callable[[], Any], *, noise: float, seeds=SEEDS,
              deterministic_only: bool = False) -> list:
    """Histories of fresh players from ``make()`` against every opponent for every seed."""
    out = []
    for seed in seeds:
        for opponent in _opponents(axl, deterministic_only=deterministic_only):
            out.append(_play(axl, make(), opponent, seed=seed, noise=noise))
    return out


def _first_difference(a: list, b: list) -> str:
    for m, (x, y) in enumerate(zip(a, b, strict=True)):
        if x != y:
            t = next(t for t, (u, v) in enumerate(zip(x, y, strict=False)) if u != v)
            return f"match {m} differs from round {t}"
    return "identical"


def check_player_class(cls: type, params: dict | None = None) -> list[CheckResult]:
    """Run every conformance check on a strategy class with the given ``__init__`` parameters.

    Parameters
    ----------
    cls : type
        The strategy class (an ``axelrod.Player`` subclass).
    params : dict, optional
        Keyword arguments for ``cls``; defaults when omitted.

    Returns
    -------
    list of CheckResult
        One result per check, in the order run. Checks that cannot run because an earlier
        one failed (not a Player, fails to instantiate) are omitted.
    """
    axl = load_axelrod()
    params = dict(params or {})
    results: list[CheckResult] = []

    def run(name: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
        except AssertionError as err:
            results.append(CheckResult(name, False, str(err)))
        except Exception as err:  # a faulty strategy must give a failed check, not a crash
            results.append(CheckResult(name, False, f"{type(err).__name__}: {err}"))
        else:
            results.append(CheckResult(name, True, detail))

    is_player = isinstance(cls, type) and issubclass(cls, axl.Player)
    results.append(CheckResult("is an axelrod.Player", is_player,
                               "subclass of axelrod.Player" if is_player
                               else f"{cls!r} is not a subclass of axelrod.Player"))
    if not is_player:
        return results

    def classifier_complete() -> str:
        missing = [k for k in REQUIRED_CLASSIFIER_KEYS if k not in getattr(cls, "classifier", {})]
        assert not missing, f"classifier lacks {', '.join(missing)}"
        return "all of " + ", ".join(REQUIRED_CLASSIFIER_KEYS)

    run("classifier complete", classifier_complete)

    def make():
        return cls(**params)

    try:
        player = make()
    except Exception as err:
        results.append(CheckResult("instantiates", False,
                                   f"{cls.__name__}(**{params!r}) raised "
                                   f"{type(err).__name__}: {err}"))
        return results
    results.append(CheckResult("instantiates", True, f"{player.name}"))
    classifier = dict(getattr(player, "classifier", {}))

    try:
        reference = _play_all(axl, make, noise=NOISE)
    except Exception as err:  # a strategy that cannot play fails here, not with a traceback
        results.append(CheckResult("plays matches", False, f"{type(err).__name__}: {err}"))
        return results

    def same_as_reference(label: str, produce: Callable[[], Any]) -> Callable[[], str]:
        def check() -> str:
            other = _play_all(axl, produce, noise=NOISE)
            assert other == reference, f"{label}: {_first_difference(reference, other)}"
            return f"{len(reference)} noisy matches identical"
        return check

    run("clone plays equally", same_as_reference("clone", lambda: make().clone()))
    run("pickle round-trip plays equally",
        same_as_reference("unpickled", lambda: pickle.loads(pickle.dumps(make()))))

    def reset_check() -> str:
        # one player, used again and again: each Match resets it
        again = _play_all(axl, lambda: player, noise=NOISE)
        assert again == reference, f"after reset: {_first_difference(reference, again)}"
        player.reset()
        assert len(player.history) == 0, "reset() left a history"
        return "replaying after reset() gives the same matches"

    run("reset plays equally", reset_check)
    run("seeded reproducibility under noise",
        same_as_reference("same seed", make))

    def stochastic_honesty() -> str:
        if classifier.get("stochastic", True):
            return "claims stochastic: nothing to check"
        a = _play_all(axl, make, noise=0.0, seeds=(1,), deterministic_only=True)
        b = _play_all(axl, make, noise=0.0, seeds=(987654,), deterministic_only=True)
        assert a == b, f"claims stochastic=False but depends on the seed: {_first_difference(a, b)}"
        return "claims deterministic and plays identically under different seeds"

    run("classifier honesty: stochastic", stochastic_honesty)

    def memory_honesty() -> str:
        depth = classifier.get("memory_depth", float("inf"))
        if depth == float("inf"):
            return "claims unbounded memory: nothing to check"
        if classifier.get("stochastic", True):
            return "stochastic: memory depth not checked"
        k = int(depth)
        seen: dict[tuple, int] = {}
        for history in _play_all(axl, make, noise=0.0, seeds=(1, 2, 3)):
            for t, (own, _) in enumerate(history):
                key = tuple(history[max(0, t - k):t]) if k else ()
                key = (min(t, k),) + key
                if seen.setdefault(key, own) != own:
                    raise AssertionError(f"claims memory_depth={k} but two histories with the same "
                                         f"last {k} rounds got different actions")
        return f"actions are a function of the last {k} rounds in every checking match"

    run("classifier honesty: memory depth", memory_honesty)

    if callable(getattr(player, "adjustments", None)):
        run("adjustments", lambda: _adjustments_check(make))

    if callable(getattr(player, "finite_state_form", None)):
        results.append(CheckResult(
            "no stale form method", False,
            "finite_state_form() is not read by the engine: write the strategy as a "
            "tournaments.strategy.AutomatonStrategy, whose automaton drives its play and is "
            "solved exactly"))
    if isinstance(player, AutomatonStrategy):
        run("play is the automaton's", lambda: _driven_check(cls))
        run("finite-state form agrees with play", lambda: _form_check(axl, make))

    return results


def _driven_check(cls: type) -> str:
    overridden = [m for m in ("strategy", "adjustments", "automaton")
                  if getattr(cls, m) is not getattr(AutomatonStrategy, m)]
    assert not overridden, (f"overrides {', '.join(overridden)}: play, adjustments and the "
                            "exact form must all come from the automaton's methods")
    return "strategy(), adjustments() and the form all run the automaton"


def fieldings(make: Callable[[], Any]) -> list[Callable[[], Any]]:
    """Makers of the player as the runner may field it: as constructed and, when it has no club,
    in the club :data:`OWN_CLUB` (the runner attaches a roster entry's ``club`` to every
    player, whether or not its class takes a ``club`` parameter)."""
    if getattr(make(), "club", None) is not None:
        return [make]

    def in_a_club():
        player = make()
        player.club = OWN_CLUB
        return player

    return [make, in_a_club]


def partner_kinds(player) -> list[Partner]:
    """Partners of every kind a strategy could tell apart by their public information: the
    player's own club (when it has one), another club and none, each with no role and each of
    the built-in games' role names (:data:`ROLE_NAMES`)."""
    clubs = [c for c in (getattr(player, "club", None), OTHER_CLUB) if c is not None]
    return [Partner(club, role) for club in (*clubs, None) for role in ROLE_NAMES]


def partner_variants(player, seen: list | None = None) -> list[Partner]:
    """One partner per distinct form among :func:`partner_kinds` (an automaton that ignores
    public information gives one); forms in ``seen`` count as covered, and the new ones are
    appended to it."""
    seen = [] if seen is None else seen
    out = []
    for partner in partner_kinds(player):
        form = player.automaton(partner)
        if form is None or any(form.same_as(f) for f in seen):
            continue
        seen.append(form)
        out.append(partner)
    return out


def _adjustments_check(make: Callable[[], Any]) -> str:
    """Adjustments are (n, 3) finite non-negative arrays (or None), a pure function of the
    realised actions and the partner's public information, against partners of every kind."""
    rng = np.random.default_rng(7)
    histories = [(rng.integers(0, 2, n).astype(np.int8), rng.integers(0, 2, n).astype(np.int8))
                 for n in (0, 1, 25)]
    kinds = 0
    for field in fieldings(make):
        player = field()
        for partner in (Partner(), *partner_kinds(player)):
            kinds += 1
            for own, other in histories:
                n = len(own)
                first = player.adjustments(own.copy(), other.copy(), partner)
                second = player.adjustments(own.copy(), other.copy(), partner)
                if first is None:
                    assert second is None, "returns None once and an array once"
                    continue
                first = np.asarray(first, dtype=float)
                assert first.shape == (n, 3), f"shape {first.shape} for {n} rounds, not ({n}, 3)"
                assert np.all(np.isfinite(first)), f"non-finite adjustments against {partner}"
                assert np.all(first >= 0), (f"negative adjustments against {partner}: the columns "
                                            f"{', '.join(ADJUSTMENT_COLUMNS)} are amounts")
                assert np.array_equal(first, np.asarray(second, dtype=float)), \
                    f"not a pure function against {partner}: same input, different output"
    return (f"(n, 3) finite non-negative arrays, same input → same output, against {kinds} "
            "kinds of partner")


def _describe(partner: Partner) -> str:
    return f"{partner.club or 'no club'}/{partner.role or 'no role'}"


def form_mismatch(form, history: list, adjustments: np.ndarray | None = None) -> str | None:
    """Compare a finite-state form with a realised noiseless history.

    The automaton is run along the realised actions, its state distribution conditioned on each
    own action. A mismatch is an own action the form gives probability 0, or (when the state is
    known for certain) an adjustment row that differs from ``adjustments``.

    Returns
    -------
    str or None
        A description of the first mismatch, ``None`` when the history agrees.
    """
    dist = form.initial.astype(float).copy()
    for t, (a, b) in enumerate(history):
        p_coop = float(dist @ form.coop_prob)
        likelihood = form.coop_prob if a == 0 else 1.0 - form.coop_prob
        weight = dist * likelihood
        if weight.sum() <= 1e-12:
            return (f"round {t}: played {'CD'[a]} but the form intends C with probability "
                    f"{p_coop:.3g}")
        dist = weight / weight.sum()
        if adjustments is not None or form.adjustments is not None:
            known = np.isclose(dist.max(), 1.0)
            expected = (np.zeros(3) if form.adjustments is None
                        else dist @ form.adjustments[:, a, b, :])
            actual = np.zeros(3) if adjustments is None else adjustments[t]
            if known and not np.allclose(expected, actual):
                return f"round {t}: adjustments {actual} but the form pays {expected}"
        dist = dist @ form.transition[:, a, b, :]
    return None


#: Matches per (partner kind, opponent) of the statistical check, their length, its noise, and
#: the |z| above which a difference between simulation and the exact value fails it.
STAT_MATCHES, STAT_TURNS, STAT_NOISE, STAT_Z = 40, 15, 0.05, 5.0


def _form_check(axl, make) -> str:
    from tournaments.engines.exact import finite_state_form, solve_pair
    from tournaments.engines.simulate import adjustments_of
    from tournaments.model.games import builtin

    game = builtin("prisoners_dilemma")
    seen: list = []
    variants = [(field, partner) for field in fieldings(make)
                for partner in partner_variants(field(), seen)]
    if not variants:
        return "automaton too large for an exact form: nothing to check"
    noiseless = statistical = 0
    worst = 0.0
    for field, partner in variants:
        for k, opponent in enumerate(_opponents(axl)):
            opponent.club, opponent.role = partner.club, partner.role
            player = field()
            history = _play(axl, player, opponent, seed=1 + k, noise=0.0)
            form = player.automaton(partner)
            own = np.array([a for a, _ in history], dtype=np.int8)
            other = np.array([b for _, b in history], dtype=np.int8)
            adjustments = adjustments_of(player, own, other, partner)
            problem = form_mismatch(form, history, adjustments)
            assert problem is None, f"against {opponent.name} ({partner}): {problem}"
            noiseless += 1
            opponent_form = finite_state_form(opponent)
            if opponent_form is None:
                continue
            exact = solve_pair(form, opponent_form, game, noise=STAT_NOISE, turns=STAT_TURNS)
            samples = []
            for seed in range(STAT_MATCHES):
                player, rival = field(), opponent.clone()
                rival.club, rival.role = partner.club, partner.role
                rounds = _play(axl, player, rival, seed=10_000 + seed, noise=STAT_NOISE,
                               turns=STAT_TURNS)
                own = np.array([a for a, _ in rounds], dtype=np.int8)
                made = adjustments_of(player, own, np.array([b for _, b in rounds]), partner)
                samples.append((np.mean(own == 0),
                                *(np.zeros(3) if made is None else made.mean(axis=0))))
            targets = [("cooperation_rate", 0)] + [EXACT_COLUMN[c] for c in ADJUSTMENT_COLUMNS]
            for (column, seat), values in zip(targets, np.transpose(samples), strict=True):
                target = float(exact[column][seat])
                spread = values.std(ddof=1) / np.sqrt(len(values))
                gap = abs(values.mean() - target)
                z = gap / spread if spread > 0 else (0.0 if gap < 1e-9 else np.inf)
                worst = max(worst, z)
                assert z <= STAT_Z, (f"against {opponent.name} ({partner}), noise {STAT_NOISE}: "
                                     f"simulated {column} {values.mean():.4f} vs exact "
                                     f"{target:.4f} (|z| = {z:.1f})")
            statistical += 1
    kinds = ", ".join(_describe(partner) for _, partner in variants)
    return (f"{len(variants)} kind(s) of partner ({kinds}): {noiseless} noiseless matches agree "
            f"round by round; {statistical} noisy panels agree with the exact values (max |z| "
            f"{worst:.2f})")
