"""Stage games: the built-ins and games defined inline in a config.

A :class:`StageGame` is two 2×2 payoff matrices indexed ``[row action, column action]`` with
0 = C (cooperate / support) and 1 = D (defect / bash). This module is pure: axelrod is imported
only by :meth:`StageGame.to_axelrod`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Symmetric built-ins as (R, S, T, P): reward, sucker, temptation, punishment.
SYMMETRIC_BUILTINS: dict[str, dict[str, float]] = {
    # the migration Prisoner's Dilemma (Axelrod's payoffs)
    "prisoners_dilemma": {"R": 3.0, "S": 0.0, "T": 5.0, "P": 1.0},
    # source 004, Figure 4: the Immigration Stag Hunt, Leader (row) × Public (column)
    "stag_hunt": {"R": 3.0, "S": 1.0, "T": 2.0, "P": 2.0},
}

#: Asymmetric built-ins as (A, B): row player's and column player's payoffs.
ASYMMETRIC_BUILTINS: dict[str, dict[str, list[list[float]]]] = {
    # source 004, Figure 5: the Immigration Stag Hunt if the Leader leads
    "leader_leads": {"A": [[3.0, 3.0], [2.0, 2.0]], "B": [[3.0, 4.0], [1.0, 2.0]]},
}

BUILTIN_NAMES = tuple(SYMMETRIC_BUILTINS) + tuple(ASYMMETRIC_BUILTINS)

#: The two roles of each kind of game, row role first: who plays the row and who the column
#: when the roster's entries carry roles (a config's ``game.roles`` renames them).
ROLES: dict[str, tuple[str, str]] = {
    "prisoners_dilemma": ("receiving", "sending"),
    "stag_hunt": ("leader", "public"),
    "leader_leads": ("leader", "public"),
    "symmetric": ("row", "column"),
    "asymmetric": ("row", "column"),
}


@dataclass(frozen=True)
class StageGame:
    """A 2×2 stage game.

    Attributes
    ----------
    name : str
        ``prisoners_dilemma``, ``stag_hunt``, ``leader_leads``, ``symmetric`` or ``asymmetric``.
    A, B : ndarray, shape (2, 2)
        Payoffs of the row and column player; ``A[i, j]`` when row plays i and column plays j.
    roles : (str, str)
        Names of the row and the column role (:data:`ROLES`).
    """

    name: str
    A: np.ndarray
    B: np.ndarray
    roles: tuple[str, str] = ("row", "column")

    @property
    def symmetric(self) -> bool:
        return bool(np.array_equal(self.A, self.B.T))

    @property
    def rstp(self) -> tuple[float, float, float, float]:
        """(R, S, T, P) of a symmetric game, read from the row player's matrix."""
        a = self.A
        return float(a[0, 0]), float(a[0, 1]), float(a[1, 0]), float(a[1, 1])

    def payoffs(self, row: np.ndarray, col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stage payoffs of both players for arrays of realised actions (0 = C, 1 = D)."""
        return self.A[row, col], self.B[row, col]

    @property
    def bounds(self) -> tuple[float, float]:
        """Smallest and largest stage payoff of either player."""
        both = np.concatenate([self.A.ravel(), self.B.ravel()])
        return float(both.min()), float(both.max())

    def to_axelrod(self):
        """The equivalent ``axelrod.Game`` (symmetric) or ``axelrod.AsymmetricGame``."""
        import axelrod as axl

        if self.symmetric:
            r, s, t, p = self.rstp
            return axl.Game(r=r, s=s, t=t, p=p)
        return axl.AsymmetricGame(self.A.copy(), self.B.copy())

    def as_config(self) -> dict:
        """The fully resolved form written back into a run's ``config.yaml``."""
        roles = list(self.roles)
        if self.symmetric:
            r, s, t, p = self.rstp
            return {"kind": self.name, "R": r, "S": s, "T": t, "P": p, "roles": roles}
        return {"kind": self.name, "A": self.A.tolist(), "B": self.B.tolist(), "roles": roles}


def symmetric_game(name: str, R: float, S: float, T: float, P: float,
                   roles: tuple[str, str] | None = None) -> StageGame:
    a = np.array([[R, S], [T, P]], dtype=float)
    return StageGame(name=name, A=a, B=a.T.copy(),
                     roles=tuple(roles or ROLES.get(name, ROLES["symmetric"])))


def asymmetric_game(name: str, A, B, roles: tuple[str, str] | None = None) -> StageGame:
    return StageGame(name=name, A=np.array(A, dtype=float), B=np.array(B, dtype=float),
                     roles=tuple(roles or ROLES.get(name, ROLES["asymmetric"])))


def builtin(name: str) -> StageGame:
    """A built-in game by name (``prisoners_dilemma``, ``stag_hunt``, ``leader_leads``)."""
    if name in SYMMETRIC_BUILTINS:
        return symmetric_game(name, **SYMMETRIC_BUILTINS[name])
    if name in ASYMMETRIC_BUILTINS:
        return asymmetric_game(name, **ASYMMETRIC_BUILTINS[name])
    raise KeyError(name)
