"""The per-round accounting: what one round of a match is worth to each state, by name.

This is the one definition of the quantities every table reports. The simulation evaluates it on
the realised actions of each round of a played match; the exact solver on the four possible
realised outcomes of each state of a pair's Markov chain. Column lists, result fields and table
columns all derive from :data:`QUANTITIES`.

In a round in which a state realises ``own`` and its partner ``other`` (0 = C, 1 = D):

* ``gross_payoff``: its stage-game payoff;
* ``paid``: the side payment it makes to the partner;
* ``received``: the partner's side payment times the transfer efficiency η (a payment p costs the
  payer p and gives the partner p·η);
* ``sanction_cost``: what imposing a sanction on the partner costs it;
* ``sanction_suffered``: the harm the partner's sanction does to it;
* ``cooperation_rate``: 1 if it cooperated; ``mutual_cooperation_rate``: 1 if both did.

The **net payoff** of the round is gross − paid + received − sanction_cost − sanction_suffered
(:data:`NET_SIGNS`); it is the ``mean_payoff`` of every table, the yardstick of rankings and of
evolutionary fitness. Per round means: summed over rounds and divided by the number of rounds
(the ratio estimator over repetitions, whose limit is expected total / expected rounds).

A state's own discount γ enters only one quantity, ``discounted_payoff``: its own valuation
Σ_t γ^t net_t / Σ_t γ^t. It is reported, never compared across states.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Quantity:
    """One per-round quantity: its column name, its sign in the net payoff and its meaning."""

    name: str
    net_sign: int
    meaning: str


QUANTITIES: tuple[Quantity, ...] = (
    Quantity("gross_payoff", +1, "stage-game payoff per round"),
    Quantity("paid", -1, "side payments made per round"),
    Quantity("received", +1, "side payments received per round, after transfer efficiency"),
    Quantity("sanction_cost", -1, "cost of imposing sanctions per round"),
    Quantity("sanction_suffered", -1, "harm of the partner's sanctions per round"),
    Quantity("cooperation_rate", 0, "share of rounds in which the state cooperated"),
    Quantity("mutual_cooperation_rate", 0, "share of rounds in which both cooperated"),
)
NAMES: tuple[str, ...] = tuple(q.name for q in QUANTITIES)
#: The money quantities (those in the net identity), in :data:`NAMES` order.
MONEY: tuple[str, ...] = tuple(q.name for q in QUANTITIES if q.net_sign)
#: Sign of every quantity in the net payoff, aligned with :data:`NAMES`.
NET_SIGNS = np.array([q.net_sign for q in QUANTITIES], dtype=float)
#: The net payoff per round's column name, and the discounted valuation's.
NET, DISCOUNTED = "mean_payoff", "discounted_payoff"
#: Columns of an adjustment array (what a strategy's rule returns per round).
ADJUSTMENT_COLUMNS = ("paid", "sanction_cost", "sanction_imposed")


def round_values(stage: np.ndarray, own: np.ndarray, other: np.ndarray,
                 own_adjustment: np.ndarray | None, other_adjustment: np.ndarray | None,
                 transfer_efficiency: float) -> np.ndarray:
    """The quantities of rounds, from one state's point of view.

    Parameters
    ----------
    stage : ndarray, shape (...)
        The state's stage payoff in each round.
    own, other : ndarray of int, shape (...)
        Realised actions of the state and of its partner (0 = C, 1 = D).
    own_adjustment, other_adjustment : ndarray, shape (..., 3), or None
        Each side's ``paid, sanction_cost, sanction_imposed`` (:data:`ADJUSTMENT_COLUMNS`).
    transfer_efficiency : float
        η.

    Returns
    -------
    ndarray, shape (..., len(NAMES))
        The quantities in :data:`NAMES` order.
    """
    shape = np.shape(stage)
    zero = 0.0  # no adjustments: nothing paid, received or sanctioned
    mine = zero if own_adjustment is None else np.broadcast_to(own_adjustment, (*shape, 3))
    theirs = zero if other_adjustment is None else np.broadcast_to(other_adjustment,
                                                                   (*shape, 3))
    own, other = np.asarray(own), np.asarray(other)
    columns = {
        "gross_payoff": stage,
        "paid": zero if own_adjustment is None else mine[..., 0],
        "received": transfer_efficiency * (zero if other_adjustment is None else theirs[..., 0]),
        "sanction_cost": zero if own_adjustment is None else mine[..., 1],
        "sanction_suffered": zero if other_adjustment is None else theirs[..., 2],
        "cooperation_rate": own == 0,
        "mutual_cooperation_rate": (own == 0) & (other == 0),
    }
    values = np.empty((*shape, len(NAMES)))
    for k, name in enumerate(NAMES):  # each broadcast over the rounds, as a float
        values[..., k] = columns[name]
    return values


def net(values: np.ndarray) -> np.ndarray:
    """Net payoff from quantities in :data:`NAMES` order (last axis)."""
    return values @ NET_SIGNS


#: Per-match totals of one seat, as :func:`match_totals` returns them: the number of rounds,
#: the sum over rounds of each quantity, the net sum, and the seat's γ-weighted net sum and
#: weight sum (Σ γ^t net_t, Σ γ^t).
MATCH_FIELDS: tuple[str, ...] = ("rounds", *NAMES, "net", "discounted_net", "discount_weight")


def match_totals(values: np.ndarray, discount: float) -> np.ndarray:
    """Per-match totals (:data:`MATCH_FIELDS`) from one seat's :func:`round_values` (n, Q)."""
    n = len(values)
    per_round_net = net(values)
    weights = discount ** np.arange(n, dtype=float)
    return np.concatenate([[n], values.sum(axis=0),
                           [per_round_net.sum(), per_round_net @ weights, weights.sum()]])


def score_actions(game, actions: np.ndarray,
                  adjustments: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
                  discounts: tuple[float, float] = (1.0, 1.0),
                  transfer_efficiency: float = 1.0) -> np.ndarray:
    """Both seats' match totals (:data:`MATCH_FIELDS`) of a finished match.

    Parameters
    ----------
    game : StageGame
        Seat 0 is its row player.
    actions : ndarray of int, shape (n, 2)
        Realised actions per round (0 = C, 1 = D) of seat 0 and seat 1.
    adjustments : pair of ndarray (n, 3) or None
        Each seat's ``paid, sanction_cost, sanction_imposed`` per round.
    discounts : pair of float
        Each seat's discount γ, for its ``discounted_net`` only.
    transfer_efficiency : float
        η.

    Returns
    -------
    ndarray, shape (2, len(MATCH_FIELDS))
    """
    actions = np.asarray(actions, dtype=np.int8).reshape(-1, 2)
    stage = game.payoffs(actions[:, 0], actions[:, 1])
    return np.stack([
        match_totals(round_values(stage[k], actions[:, k], actions[:, 1 - k], adjustments[k],
                                  adjustments[1 - k], transfer_efficiency), discounts[k])
        for k in (0, 1)])
