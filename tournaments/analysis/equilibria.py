"""Nash equilibria of a 2×2 stage game, checked and labelled.

The equilibria of the bimatrix game ``(A, B)`` of a :class:`~tournaments.games.StageGame` are
collected from four sources and every candidate is re-checked here:

``support_enumeration``
    nashpy's support enumeration (with ``non_degenerate=False``, so supports of unequal size are
    tried too).
``vertex_enumeration``
    nashpy's vertex enumeration, a cross-check (it may fail or miss points on degenerate games;
    a failure is recorded in :attr:`EquilibriumAnalysis.errors`, not raised).
``pure_cells``
    direct enumeration of the four pure profiles.
``indifference_grid``
    a closed form for 2×2 games: every profile ``(p, q)`` with ``p`` in ``{0, 1, p*}`` and ``q``
    in ``{0, 1, q*}``, where ``p*`` is the row mixture that makes the column player indifferent
    and ``q*`` the column mixture that makes the row player indifferent (when they exist in
    [0, 1]). The best-response correspondences of a 2×2 game only change at these values, so
    this grid contains every isolated equilibrium and both ends of every continuum of equilibria.

nashpy's output is cleaned (values within ``tol`` of 0 or 1 are snapped, tiny negatives such as
``-5.55e-17`` are clipped, the vector is renormalised) and then every candidate is verified as a
mutual best response within ``tol`` (scaled by the largest absolute payoff): a candidate that
fails is dropped and counted in :attr:`EquilibriumAnalysis.rejected`. It was measured that
nashpy's own check is exact to ``1e-16`` and misses equilibria on larger games; on degenerate
2×2 games it misses some too (see the tests), which the grid makes up for.

**Degenerate games.** A 2×2 game is degenerate when a pure strategy has two pure best responses,
i.e. some column of ``A`` or some row of ``B`` has two equal entries. Its equilibria may then form
continua (segments of the unit square). The list of equilibria reports the *points* found: every
endpoint of every continuum (and, possibly, a grid point lying inside one). The continua
themselves are reported as maximal segments in :attr:`EquilibriumAnalysis.continua`, each as its
two endpoint equilibria: every profile on the straight line between them is an equilibrium.
Source 004's two figures are not degenerate: in Figure 5 the Leader's payoff does not depend on
the Public's action, but the Leader is never indifferent between its own two actions (3 > 2).

This module is pure: nashpy is imported inside the functions that use it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tournaments.errors import UserError
from tournaments.model import games
from tournaments.model.games import StageGame

#: The algorithms, in the order their names appear in :attr:`Equilibrium.algorithm`.
ALGORITHMS = ("support_enumeration", "vertex_enumeration", "pure_cells", "indifference_grid")

#: Games of source 004 whose actions are named after the figures: support or bash immigrants.
_STAG_HUNT_GAMES = ("stag_hunt", "leader_leads")


@dataclass(frozen=True, eq=False)
class Equilibrium:
    """One Nash equilibrium of a 2×2 game.

    Attributes
    ----------
    row : ndarray, shape (2,)
        The row player's mixed strategy ``[pC, pD]`` (probabilities of C / Support and D / Bash).
    column : ndarray, shape (2,)
        The column player's mixed strategy ``[qC, qD]``.
    payoffs : tuple of float
        Expected payoffs ``(row, column)`` under the profile.
    pure : bool
        Whether both strategies put probability 1 on one action.
    algorithm : str
        The algorithms that found it, joined with ``+`` in the order of :data:`ALGORITHMS`.
    pareto_efficient : bool
        True when no other outcome gives both players at least as much and one of them strictly
        more (beyond the tolerance). The outcomes compared against are the game's four pure cells
        and the payoffs of its other equilibria (correlated or convex combinations of cells are
        not considered).
    label : str
        The profile in words, e.g. ``(Support, Bash)`` or
        ``(0.5 Support + 0.5 Bash, 0.5 Support + 0.5 Bash)``.
    """

    row: np.ndarray
    column: np.ndarray
    payoffs: tuple[float, float]
    pure: bool
    algorithm: str
    pareto_efficient: bool
    label: str

    def to_json(self) -> dict:
        """The ``tournaments equilibria --json`` form (docs/reference/cli.md), with extra keys.

        Returns
        -------
        dict
            ``row`` ``[pC, pD]``, ``column`` ``[qC, qD]``, ``payoffs`` ``[row, column]`` and
            ``pure`` (the contract), plus ``algorithm``, ``pareto_efficient`` and ``label``.
        """
        return {
            "row": [_plain(x) for x in self.row],
            "column": [_plain(x) for x in self.column],
            "payoffs": [_plain(x) for x in self.payoffs],
            "pure": bool(self.pure),
            "algorithm": self.algorithm,
            "pareto_efficient": bool(self.pareto_efficient),
            "label": self.label,
        }


@dataclass(frozen=True, eq=False)
class EquilibriumAnalysis:
    """Everything :func:`equilibrium_analysis` found out about a game's equilibria.

    Attributes
    ----------
    game : StageGame
        The game analysed.
    equilibria : tuple of Equilibrium
        Every verified equilibrium point, pure ones first, then by decreasing ``pC`` and ``qC``.
    continua : tuple of (Equilibrium, Equilibrium)
        Maximal segments of equilibria (empty unless the game is degenerate): every profile on the
        line between the two endpoints is an equilibrium.
    degenerate : bool
        Whether some pure strategy has two pure best responses.
    rejected : int
        nashpy candidates dropped because they failed the best-response check within ``tol``.
    errors : tuple of str
        Algorithms that raised, with their message (e.g. vertex enumeration on an all-zero game).
    tol : float
        The tolerance used.
    """

    game: StageGame
    equilibria: tuple[Equilibrium, ...]
    continua: tuple[tuple[Equilibrium, Equilibrium], ...] = field(default=())
    degenerate: bool = False
    rejected: int = 0
    errors: tuple[str, ...] = field(default=())
    tol: float = 1e-9

    @property
    def every_profile(self) -> bool:
        """Whether both players are indifferent everywhere, so every profile is an equilibrium."""
        eps = self.tol * _scale(self.game)
        a, b = self.game.A, self.game.B
        return bool(np.abs(a[0] - a[1]).max() <= eps and np.abs(b[:, 0] - b[:, 1]).max() <= eps)


def action_names(game: StageGame) -> tuple[str, str]:
    """Names of the two actions: ``("Support", "Bash")`` in source 004's games, else ``("C", "D")``.

    Parameters
    ----------
    game : StageGame

    Returns
    -------
    tuple of str
        Names of action 0 and action 1.
    """
    return ("Support", "Bash") if game.name in _STAG_HUNT_GAMES else ("C", "D")


def player_names(game: StageGame) -> tuple[str, str]:
    """Names of the players: ``("Leader", "Public")`` in source 004's games, else row / column.

    Parameters
    ----------
    game : StageGame

    Returns
    -------
    tuple of str
    """
    return ("Leader", "Public") if game.name in _STAG_HUNT_GAMES else ("row", "column")


def is_degenerate(game: StageGame, tol: float = 1e-9) -> bool:
    """Whether the 2×2 game is degenerate (some pure strategy has two pure best responses).

    Parameters
    ----------
    game : StageGame
    tol : float
        Payoffs closer than ``tol`` times the largest absolute payoff count as equal.

    Returns
    -------
    bool
        True when a column of ``A`` or a row of ``B`` has two equal entries.
    """
    eps = tol * _scale(game)
    return bool(np.abs(game.A[0] - game.A[1]).min() <= eps
                or np.abs(game.B[:, 0] - game.B[:, 1]).min() <= eps)


def nash_equilibria(game: StageGame, tol: float = 1e-9) -> list[Equilibrium]:
    """All Nash equilibrium points of a 2×2 stage game, each verified.

    Parameters
    ----------
    game : StageGame
        The bimatrix game ``(game.A, game.B)``; row player's action 0 is C / Support.
    tol : float, default 1e-9
        Tolerance (relative to the largest absolute payoff) for cleaning probabilities, for the
        best-response check and for merging the same point found by several algorithms.

    Returns
    -------
    list of Equilibrium
        Pure equilibria first. For a degenerate game with continua of equilibria, the endpoints
        of each continuum (see :func:`equilibrium_analysis` for the segments themselves).
    """
    return list(equilibrium_analysis(game, tol).equilibria)


def equilibrium_analysis(game: StageGame, tol: float = 1e-9) -> EquilibriumAnalysis:
    """Find, verify, merge and label the equilibria of a 2×2 game.

    Parameters
    ----------
    game : StageGame
    tol : float, default 1e-9
        See :func:`nash_equilibria`.

    Returns
    -------
    EquilibriumAnalysis
        The equilibria, the continua of a degenerate game, the number of nashpy candidates that
        failed verification and any algorithm that raised.
    """
    found: list[tuple[np.ndarray, np.ndarray, set[str]]] = []
    rejected = 0
    errors: list[str] = []

    def add(x: np.ndarray, y: np.ndarray, algorithm: str) -> None:
        for fx, fy, names in found:
            if np.abs(fx - x).max() <= tol and np.abs(fy - y).max() <= tol:
                names.add(algorithm)
                return
        found.append((x, y, {algorithm}))

    for algorithm, candidates, error in _nashpy_candidates(game):
        if error is not None:
            errors.append(f"{algorithm}: {error}")
        for x, y in candidates:
            cleaned = _clean(x, tol), _clean(y, tol)
            if cleaned[0] is None or cleaned[1] is None or not _is_ne(game, *cleaned, tol):
                rejected += 1
                continue
            add(*cleaned, algorithm)

    for i in range(2):
        for j in range(2):
            x, y = np.eye(2)[i], np.eye(2)[j]
            if _is_ne(game, x, y, tol):
                add(x, y, "pure_cells")

    ps, qs = _grid(game, tol)
    grid_ne = {(p, q): _is_ne(game, _mix(p), _mix(q), tol) for p in ps for q in qs}
    for (p, q), ok in grid_ne.items():
        if ok:
            add(_mix(p), _mix(q), "indifference_grid")

    found.sort(key=lambda f: (not _is_pure(f[0], f[1]), -f[0][0], -f[1][0]))
    cells = [(float(game.A[i, j]), float(game.B[i, j])) for i in range(2) for j in range(2)]
    all_payoffs = [_expected(game, x, y) for x, y, _ in found]
    equilibria = []
    for (x, y, names), payoffs in zip(found, all_payoffs, strict=True):
        others = cells + [u for u in all_payoffs if u is not payoffs]
        equilibria.append(Equilibrium(
            row=_frozen(x), column=_frozen(y), payoffs=payoffs, pure=_is_pure(x, y),
            algorithm="+".join(a for a in ALGORITHMS if a in names),
            pareto_efficient=not _dominators(payoffs, others, tol * _scale(game)),
            label=_label(game, x, y),
        ))

    continua = tuple(
        (_find(equilibria, a, tol), _find(equilibria, b, tol))
        for a, b in _segments(game, ps, qs, grid_ne, tol)
    )
    return EquilibriumAnalysis(game=game, equilibria=tuple(equilibria), continua=continua,
                               degenerate=is_degenerate(game, tol), rejected=rejected,
                               errors=tuple(errors), tol=tol)


def dominating_outcomes(game: StageGame, payoffs: tuple[float, float],
                        tol: float = 1e-9) -> list[tuple[str, tuple[float, float]]]:
    """The pure cells that Pareto-dominate a payoff pair.

    Parameters
    ----------
    game : StageGame
    payoffs : tuple of float
        ``(row, column)`` payoffs, e.g. an equilibrium's.
    tol : float
        Relative tolerance, as in :func:`nash_equilibria`.

    Returns
    -------
    list of (str, (float, float))
        Each dominating cell's label (e.g. ``(Support, Support)``) and its payoffs: both at least
        as large as ``payoffs`` and one strictly larger (by more than the tolerance).
    """
    names = action_names(game)
    eps = tol * _scale(game)
    out = []
    for i in range(2):
        for j in range(2):
            cell = (float(game.A[i, j]), float(game.B[i, j]))
            if _dominators(payoffs, [cell], eps):
                out.append((f"({names[i]}, {names[j]})", cell))
    return out


def payoff_dominant(equilibria: list[Equilibrium] | tuple[Equilibrium, ...],
                    tol: float = 1e-9) -> Equilibrium | None:
    """The payoff-dominant equilibrium (Harsanyi and Selten), if there is one.

    Parameters
    ----------
    equilibria : sequence of Equilibrium
    tol : float
        Absolute tolerance for comparing payoffs.

    Returns
    -------
    Equilibrium or None
        The equilibrium that Pareto-dominates every other equilibrium (gives both players at
        least as much and one strictly more than each of them); the only one when there is a
        single equilibrium; None when no equilibrium dominates all others.
    """
    for candidate in equilibria:
        others = [e for e in equilibria if e is not candidate]
        if all(_dominators(e.payoffs, [candidate.payoffs], tol) for e in others):
            return candidate
    return None


def risk_dominance(game: StageGame, equilibria: list[Equilibrium] | tuple[Equilibrium, ...],
                   tol: float = 1e-9) -> tuple[Equilibrium, Equilibrium, float, float] | None:
    """Harsanyi–Selten risk dominance between the two strict pure equilibria of a 2×2 game.

    Parameters
    ----------
    game : StageGame
    equilibria : sequence of Equilibrium
        The game's equilibria (from :func:`nash_equilibria`).
    tol : float
        Relative tolerance: a deviation loss must exceed it for an equilibrium to be strict.

    Returns
    -------
    tuple or None
        ``(first, second, product_first, product_second)``, the two strict pure equilibria and
        their Nash products (row's loss from deviating × column's loss from deviating); the one
        with the larger product is risk-dominant, equal products mean neither is. None unless the
        game has exactly two strict pure equilibria.
    """
    eps = tol * _scale(game)
    strict = []
    for e in equilibria:
        if not e.pure:
            continue
        i, j = int(np.argmax(e.row)), int(np.argmax(e.column))
        product_terms = (game.A[i, j] - game.A[1 - i, j], game.B[i, j] - game.B[i, 1 - j])
        if min(product_terms) > eps:
            strict.append((e, float(product_terms[0] * product_terms[1])))
    if len(strict) != 2:
        return None
    (first, p1), (second, p2) = strict
    return first, second, p1, p2


def equilibria_report(game: StageGame, tol: float = 1e-9) -> str:
    """A short text on a game's equilibria, for people.

    Parameters
    ----------
    game : StageGame
    tol : float, default 1e-9

    Returns
    -------
    str
        One line per equilibrium (profile, payoffs, pure or mixed, Pareto verdict and the
        algorithms that found it), then the continua of a degenerate game, the payoff-dominant
        equilibrium and, with two strict pure equilibria, the risk-dominance verdict.
    """
    analysis = equilibrium_analysis(game, tol)
    eqs = analysis.equilibria
    row_name, col_name = player_names(game)
    names = action_names(game)
    lines = [
        f"{game.name}: {len(eqs)} Nash equilibri{'um' if len(eqs) == 1 else 'a'} "
        f"(row = {row_name}, column = {col_name}; actions {names[0]} / {names[1]})",
        f"  A ({row_name}) = {game.A.tolist()}, B ({col_name}) = {game.B.tolist()}",
    ]
    for n, e in enumerate(eqs, start=1):
        if e.pareto_efficient:
            verdict = "Pareto-efficient"
        else:
            beaters = dominating_outcomes(game, e.payoffs, tol)
            if beaters:
                verdict = "Pareto-dominated by " + ", ".join(
                    f"{label} {_pair(p)}" for label, p in beaters)
            else:
                verdict = "Pareto-dominated by another equilibrium"
        lines.append(f"  {n}. {e.label}  payoffs {_pair(e.payoffs)}  "
                     f"{'pure' if e.pure else 'mixed'}  {verdict}  [{e.algorithm}]")
    if analysis.degenerate:
        if analysis.every_profile:
            lines.append("  Degenerate game: both players are indifferent everywhere, "
                         "so every profile is an equilibrium.")
        elif analysis.continua:
            lines.append("  Degenerate game: continua of equilibria (every profile between "
                         "the endpoints is an equilibrium):")
            lines.extend(f"    {a.label} -- {b.label}" for a, b in analysis.continua)
        else:
            lines.append("  Degenerate game (a pure strategy has two best responses), "
                         "but its equilibria are isolated.")
    best = payoff_dominant(eqs, tol * _scale(game))
    if len(eqs) == 1:
        lines.append(f"  Unique equilibrium: {eqs[0].label}.")
    elif best is not None:
        lines.append(f"  Payoff-dominant equilibrium: {best.label} {_pair(best.payoffs)}.")
    elif eqs:
        lines.append("  No equilibrium is payoff-dominant.")
    risk = risk_dominance(game, eqs, tol)
    if risk is not None:
        first, second, p1, p2 = risk
        if abs(p1 - p2) <= tol * _scale(game) ** 2:
            lines.append(f"  Risk dominance: neither {first.label} nor {second.label} "
                         f"(equal Nash products {p1:.4g} = {p2:.4g}).")
        else:
            winner = first if p1 > p2 else second
            lines.append(f"  Risk-dominant equilibrium: {winner.label} (Nash products "
                         f"{first.label} {p1:.4g}, {second.label} {p2:.4g}).")
    if analysis.rejected:
        lines.append(f"  {analysis.rejected} nashpy candidate(s) failed the best-response "
                     "check and were dropped.")
    lines.extend(f"  Note: {message}" for message in analysis.errors)
    return "\n".join(lines)


def load_game(arg: str) -> StageGame:
    """The game named on the command line: a built-in name or a YAML config's game.

    Parameters
    ----------
    arg : str
        One of :data:`tournaments.games.BUILTIN_NAMES`, or the path of a config file whose
        ``game`` section is used.

    Returns
    -------
    StageGame

    Raises
    ------
    UserError
        When ``arg`` is neither a built-in name nor an existing file (a
        :class:`~tournaments.errors.ConfigError`, also a UserError, for a config that does not
        validate).
    """
    if arg in games.BUILTIN_NAMES:
        return games.builtin(arg)
    path = Path(arg)
    if not path.is_file():
        raise UserError(
            f"{arg}: not a built-in game and no such config file; allowed: one of "
            f"{', '.join(games.BUILTIN_NAMES)}, or the path of a YAML config"
        )
    from tournaments.model.config import load_config

    return load_config(path).game.build()


# --- internals -------------------------------------------------------------------------------


def _nashpy_candidates(game: StageGame):
    """Yield ``(algorithm, candidates, error)`` for nashpy's two algorithms."""
    import nashpy

    nash_game = nashpy.Game(game.A, game.B)
    runs = {
        "support_enumeration": lambda: nash_game.support_enumeration(non_degenerate=False),
        "vertex_enumeration": nash_game.vertex_enumeration,
    }
    for algorithm, run in runs.items():
        candidates: list[tuple[np.ndarray, np.ndarray]] = []
        error = None
        with warnings.catch_warnings():
            # support enumeration warns on an even number of equilibria (a degenerate game):
            # degenerate games are handled here, by the indifference grid.
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                for x, y in run():
                    candidates.append((np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
            except Exception as err:  # a cross-check that fails is reported, not raised
                error = f"{type(err).__name__}: {err}"
        yield algorithm, candidates, error


def _scale(game: StageGame) -> float:
    return max(1.0, float(np.abs(game.A).max()), float(np.abs(game.B).max()))


def _clean(x: np.ndarray, tol: float) -> np.ndarray | None:
    """Snap values within ``tol`` of 0 or 1, renormalise; None if not a probability vector."""
    x = np.array(x, dtype=float)
    if x.shape != (2,) or not np.all(np.isfinite(x)) or x.min() < -tol \
            or abs(x.sum() - 1.0) > tol:
        return None
    x[np.abs(x) <= tol] = 0.0
    x[np.abs(x - 1.0) <= tol] = 1.0
    return x / x.sum()


def _is_ne(game: StageGame, x: np.ndarray, y: np.ndarray, tol: float) -> bool:
    """Whether ``(x, y)`` is a mutual best response within ``tol`` × the payoff scale."""
    eps = tol * _scale(game)
    row_values = game.A @ y
    col_values = x @ game.B
    return bool(x @ row_values >= row_values.max() - eps
                and col_values @ y >= col_values.max() - eps)


def _grid(game: StageGame, tol: float) -> tuple[list[float], list[float]]:
    """The critical values of ``p`` (row's probability of C) and ``q`` (column's)."""
    a, b = game.A, game.B
    eps = tol * _scale(game)
    ps, qs = [1.0, 0.0], [1.0, 0.0]
    # column indifferent: p (B00 - B01) + (1 - p) (B10 - B11) = 0
    denominator = (b[0, 0] - b[0, 1]) - (b[1, 0] - b[1, 1])
    if abs(denominator) > eps:
        p = float((b[1, 1] - b[1, 0]) / denominator)
        if tol < p < 1 - tol:
            ps.insert(1, p)
    # row indifferent: q (A00 - A10) + (1 - q) (A01 - A11) = 0
    denominator = (a[0, 0] - a[1, 0]) - (a[0, 1] - a[1, 1])
    if abs(denominator) > eps:
        q = float((a[1, 1] - a[0, 1]) / denominator)
        if tol < q < 1 - tol:
            qs.insert(1, q)
    return ps, qs


def _segments(game, ps, qs, grid_ne, tol):
    """Maximal segments of equilibria along the grid lines, as pairs of ``(p, q)`` ends."""
    pieces = []
    for q in qs:  # horizontal: p varies, q fixed
        line = sorted(ps)
        pieces.append([((lo, q), (hi, q)) for lo, hi in zip(line, line[1:], strict=False)
                       if grid_ne[lo, q] and grid_ne[hi, q]
                       and _is_ne(game, _mix((lo + hi) / 2), _mix(q), tol)])
    for p in ps:  # vertical: q varies, p fixed
        line = sorted(qs)
        pieces.append([((p, lo), (p, hi)) for lo, hi in zip(line, line[1:], strict=False)
                       if grid_ne[p, lo] and grid_ne[p, hi]
                       and _is_ne(game, _mix(p), _mix((lo + hi) / 2), tol)])
    merged = []
    for line in pieces:  # join consecutive pieces of one line into maximal segments
        segments: list = []
        for start, end in line:
            if segments and segments[-1][1] == start:
                segments[-1] = (segments[-1][0], end)
            else:
                segments.append((start, end))
        merged.extend(segments)
    return merged


def _find(equilibria: list[Equilibrium], point: tuple[float, float], tol: float) -> Equilibrium:
    p, q = point
    for e in equilibria:
        if abs(e.row[0] - p) <= tol and abs(e.column[0] - q) <= tol:
            return e
    raise AssertionError(f"grid point {point} missing from the equilibria")  # a bug


def _mix(p: float) -> np.ndarray:
    return np.array([p, 1.0 - p])


def _is_pure(x: np.ndarray, y: np.ndarray) -> bool:
    return bool(np.isin(x, (0.0, 1.0)).all() and np.isin(y, (0.0, 1.0)).all())


def _expected(game: StageGame, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    return float(x @ game.A @ y), float(x @ game.B @ y)


def _dominators(payoffs, others, eps: float) -> list:
    """The payoff pairs in ``others`` that Pareto-dominate ``payoffs`` beyond ``eps``."""
    u, v = payoffs
    return [o for o in others
            if o[0] >= u - eps and o[1] >= v - eps and (o[0] > u + eps or o[1] > v + eps)]


def _frozen(x: np.ndarray) -> np.ndarray:
    x = np.array(x, dtype=float)
    x.flags.writeable = False
    return x


def _strategy_label(x: np.ndarray, names: tuple[str, str]) -> str:
    if x[0] == 1.0:
        return names[0]
    if x[1] == 1.0:
        return names[1]
    return f"{x[0]:.4g} {names[0]} + {x[1]:.4g} {names[1]}"


def _label(game: StageGame, x: np.ndarray, y: np.ndarray) -> str:
    names = action_names(game)
    return f"({_strategy_label(x, names)}, {_strategy_label(y, names)})"


def _pair(payoffs: tuple[float, float]) -> str:
    return f"({payoffs[0]:.4g}, {payoffs[1]:.4g})"


def _plain(value) -> float:
    value = float(value)
    return 0.0 if value == 0.0 else value  # no -0.0 in the JSON
