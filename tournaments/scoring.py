"""The scoring layer: from realised actions to the numbers every table reports.

Pure functions from arrays and data frames to arrays and data frames (no I/O, no axelrod).

Definitions (../shared/DESIGN.md):

* **payoff per round** of a player against an opponent is the ratio estimator
  Σ_reps Σ_t γ^t x_t / Σ_reps Σ_t γ^t, with γ the player's discount (γ = 1: total payoff over
  total rounds). Under continuation δ it converges to (1−δ)·Σ δ^t E[x_t] (for γ = 1), unlike the
  mean of per-match averages that axelrod reports.
* **net = gross − paid + received − sanction_cost − sanction_suffered**, where ``received`` is
  the partner's payment times the transfer efficiency η and ``sanction_suffered`` the harm the
  partner's sanctions impose. Every money column uses the same weights γ^t, so the identity holds
  for the reported means too. Net is what ranks.
* the **95 % interval** of a ratio estimate is the delta-method interval over repetitions,
  R ± t_{0.975, n−1}·se with se² = Σ_r (x_r − R·w_r)² / (n (n−1) w̄²); a strategy's tournament
  payoff is the mean of its pairwise payoffs, its se the root of the summed squared pairwise
  se's over the number of opponents (matches against different opponents are independent).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tournaments.games import StageGame

#: Per-match, per-seat quantities returned by :func:`score_match`, in this order.
MATCH_FIELDS = (
    "rounds", "weight", "gross", "paid", "received", "sanction_cost", "sanction_suffered",
    "net", "net_total", "cooperations", "mutual_cooperations",
)
#: Quantities reported per round (weighted) in the tables.
MONEY = ("gross", "paid", "received", "sanction_cost", "sanction_suffered")


#: Significant digits kept in every table: below the last bits that a different BLAS kernel or
#: summation order may change, so tables compare equal byte for byte across machines.
DIGITS = 12


def round_floats(frame: pd.DataFrame, digits: int = DIGITS) -> pd.DataFrame:
    """``frame`` with every float column rounded to ``digits`` significant digits."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = [float(f"{x:.{digits}g}") for x in out[column]]
    return out


def score_match(
    game: StageGame,
    actions: np.ndarray,
    adjustments: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
    discounts: tuple[float, float] = (1.0, 1.0),
    transfer_efficiency: float = 1.0,
) -> np.ndarray:
    """Score one finished match for both seats.

    Parameters
    ----------
    game : StageGame
        Seat 0 is the row player.
    actions : ndarray of int, shape (n, 2)
        Realised actions per round (0 = C, 1 = D) of seat 0 and seat 1.
    adjustments : pair of ndarray (n, 3) or None
        Each seat's ``paid, sanction_cost, sanction_imposed`` per round
        (:meth:`strategies.base.StateStrategy.adjustments`).
    discounts : pair of float
        Each seat's discount γ in (0, 1].
    transfer_efficiency : float
        η: a payment p costs the payer p and gives the partner p·η.

    Returns
    -------
    ndarray, shape (2, len(MATCH_FIELDS))
        One row per seat, columns as :data:`MATCH_FIELDS`; money columns are γ-weighted sums.
    """
    actions = np.asarray(actions, dtype=np.int8)
    n = len(actions)
    stage = game.payoffs(actions[:, 0], actions[:, 1])
    zero = np.zeros((n, 3))
    adj = [zero if a is None else np.asarray(a, dtype=float) for a in adjustments]
    out = np.empty((2, len(MATCH_FIELDS)))
    mutual = float(np.sum((actions[:, 0] == 0) & (actions[:, 1] == 0)))
    for seat in (0, 1):
        other = 1 - seat
        per_round = np.stack([
            stage[seat],
            adj[seat][:, 0],
            transfer_efficiency * adj[other][:, 0],
            adj[seat][:, 1],
            adj[other][:, 2],
        ])
        net_per_round = per_round[0] - per_round[1] + per_round[2] - per_round[3] - per_round[4]
        weights = discounts[seat] ** np.arange(n, dtype=float)
        money = per_round @ weights
        out[seat] = (
            n, weights.sum(), *money, net_per_round @ weights, net_per_round.sum(),
            float(np.sum(actions[:, seat] == 0)), mutual,
        )
    return out


def ratio_estimate(x: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """Ratio estimate Σx/Σw over repetitions and its delta-method standard error.

    The standard error is NaN for a single repetition (no spread to estimate from).
    """
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    estimate = x.sum() / w.sum()
    n = len(x)
    if n < 2:
        return float(estimate), float("nan")
    residual = x - estimate * w
    se = np.sqrt(np.sum(residual**2) / (n * (n - 1))) / w.mean()
    return float(estimate), float(se)


def _t975(dof: np.ndarray) -> np.ndarray:
    from scipy.stats import t

    return t.ppf(0.975, np.maximum(dof, 1))


PAIRWISE_COLUMNS = ["player", "opponent", "counted", "engine", "repetitions", "rounds",
                    "mean_payoff", "ci_low", "ci_high", "se", "gross_payoff", *MONEY[1:],
                    "cooperation_rate", "mutual_cooperation_rate", "wins"]


def pairwise_table(matches: pd.DataFrame, order: list[str],
                   exact: pd.DataFrame | None = None,
                   counted: set[tuple[str, str]] | None = None) -> pd.DataFrame:
    """One row per ordered pair (player, opponent) that played.

    Parameters
    ----------
    matches : DataFrame
        One row per simulated match and seat: ``player, opponent, repetition`` and
        :data:`MATCH_FIELDS`, plus ``won`` (1 if the seat's undiscounted net total beat the
        partner's).
    order : list of str
        Player labels in roster order; rows follow it.
    exact : DataFrame, optional
        Rows of pairs solved exactly (:func:`tournaments.exact.pairwise_frame`): their values
        are the limits of the estimators, with no sampling error (se 0, the interval a point);
        ``repetitions``, ``rounds`` and ``wins`` are empty for them.
    counted : set of (player, opponent), optional
        The ordered pairs that enter the tournament's means (default: all but self-play).

    Returns
    -------
    DataFrame
        ``player, opponent, engine, repetitions, rounds, mean_payoff, ci_low, ci_high, se,
        gross_payoff, paid, received, sanction_cost, sanction_suffered, cooperation_rate,
        mutual_cooperation_rate, wins``; money per (weighted) round, rates per round; engine
        ``simulate`` or ``exact``.
    """
    per_rep = (
        matches.groupby(["player", "opponent", "repetition"], sort=False)
        .sum(numeric_only=True)
        .reset_index()
    )
    rows = []
    for (player, opponent), g in per_rep.groupby(["player", "opponent"], sort=False):
        mean, se = ratio_estimate(g["net"].to_numpy(), g["weight"].to_numpy())
        weight, rounds = g["weight"].sum(), g["rounds"].sum()
        row = {
            "player": player, "opponent": opponent, "repetitions": len(g),
            "rounds": int(rounds), "mean_payoff": mean, "se": se,
            "gross_payoff": g["gross"].sum() / weight,
        }
        row.update({k: g[k].sum() / weight for k in MONEY[1:]})
        # self-play rows hold both seats: these ratios are then the mean over the seats
        row["cooperation_rate"] = g["cooperations"].sum() / rounds
        row["mutual_cooperation_rate"] = g["mutual_cooperations"].sum() / rounds
        row["wins"] = int(g["won"].sum())
        row["engine"] = "simulate"
        rows.append(row)
    if exact is not None and len(exact):
        solved = exact.assign(engine="exact", se=0.0)
        rows += solved.to_dict("records")
    table = pd.DataFrame(rows)
    for column in ("repetitions", "rounds", "wins"):
        table[column] = table[column].astype("Int64") if column in table else pd.NA
    _add_interval(table, table["repetitions"].to_numpy(dtype=float, na_value=np.nan) - 1)
    keys = zip(table["player"], table["opponent"], strict=True)
    table["counted"] = ([k in counted for k in keys] if counted is not None
                        else list(table["player"] != table["opponent"]))
    rank = {label: i for i, label in enumerate(order)}
    table = table.sort_values(
        ["player", "opponent"], key=lambda s: s.map(rank), kind="stable"
    ).reset_index(drop=True)
    return round_floats(table[PAIRWISE_COLUMNS])


def _add_interval(table: pd.DataFrame, dof: np.ndarray) -> None:
    se = table["se"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        half = np.where(se == 0, 0.0, _t975(np.nan_to_num(dof, nan=1.0)) * se)
    table["ci_low"] = table["mean_payoff"] - half
    table["ci_high"] = table["mean_payoff"] + half


def summary_table(pairwise: pd.DataFrame, entries: pd.DataFrame) -> pd.DataFrame:
    """One row per roster entry, ranked by net payoff per round.

    Parameters
    ----------
    pairwise : DataFrame
        From :func:`pairwise_table`, with a boolean ``counted`` column: the pairs that enter a
        strategy's mean (self-play only when asked for, only pairs the topology links).
    entries : DataFrame
        ``strategy`` (the label), plus descriptive columns copied through (``club``, ``role``,
        ``discount``, ``class``...), in roster order.

    Returns
    -------
    DataFrame
        ``rank, strategy, mean_payoff, ci_low, ci_high, se, cooperation_rate,
        mutual_cooperation_rate, wins, gross_payoff, paid, received, sanction_cost,
        sanction_suffered, opponents`` and the descriptive columns. A strategy's payoff is the
        mean over its opponents of its pairwise payoffs per round.
    """
    counted = pairwise[pairwise["counted"].astype(bool)]
    simulated = counted["engine"] == "simulate"
    means = ["mean_payoff", "cooperation_rate", "mutual_cooperation_rate", "gross_payoff",
             *MONEY[1:]]
    table = counted.assign(
        se2=counted["se"] ** 2,
        sim_wins=counted["wins"].where(simulated),
        sim_reps=counted["repetitions"].where(simulated),
        simulated=simulated, exact=~simulated,
    ).groupby("player", sort=False).agg(
        **{c: (c, "mean") for c in means}, se2=("se2", "sum"), opponents=("player", "size"),
        wins=("sim_wins", "sum"), reps=("sim_reps", "min"), simulated=("simulated", "any"),
        exact=("exact", "any"))
    table = table.reindex(entries["strategy"]).rename_axis("strategy").reset_index()
    table["opponents"] = table["opponents"].fillna(0).astype(int)
    table["se"] = np.sqrt(table["se2"]) / table["opponents"].where(table["opponents"] > 0)
    sim, ex = (table[c].fillna(False).astype(bool) for c in ("simulated", "exact"))
    table["wins"] = table["wins"].where(sim).astype("Int64")  # simulated matches only
    table["engine"] = np.select([sim & ex, sim, ex], ["mixed", "simulate", "exact"], None)
    _add_interval(table, table["reps"].to_numpy(dtype=float, na_value=np.nan) - 1)
    table = table.merge(entries, on="strategy", how="left")
    table = table.sort_values(["mean_payoff", "strategy"], ascending=[False, True], kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    money = ["gross_payoff", *MONEY[1:]]
    columns = ["rank", "strategy", "mean_payoff", "ci_low", "ci_high", "se", "cooperation_rate",
               "mutual_cooperation_rate", "wins", *money, "opponents", "engine"]
    extra = [c for c in entries.columns if c not in columns]
    return round_floats(table[columns + extra].reset_index(drop=True))
