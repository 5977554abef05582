"""The tables of a run: pairwise and summary, from the engines' per-match totals.

Pure functions from data frames to data frames (no I/O, no axelrod). The quantities and their
net identity are the accounting's (:mod:`tournaments.model.accounting`); this module only
aggregates them.

* **payoff per round** of a player against an opponent is the ratio estimator over
  repetitions, Σ_reps Σ_t net_t / Σ_reps rounds. Under continuation δ it converges to
  expected total / expected rounds = (1−δ)·Σ δ^t E[net_t], unlike the mean of per-match averages
  that axelrod reports. Every quantity is per round the same way, so the net identity holds for
  the reported means too. Net is what ranks.
* ``discounted_payoff`` (present when some entry has a discount γ < 1) is the player's own
  valuation Σ γ^t net_t / Σ γ^t, reported beside the net payoff, never ranked.
* the **95 % interval** of a ratio estimate is the delta-method interval over repetitions,
  R ± t_{0.975, n−1}·se with se² = Σ_r (x_r − R·w_r)² / (n (n−1) w̄²); a strategy's tournament
  payoff is the mean of its pairwise payoffs, its se the root of the summed squared pairwise
  se's over the number of opponents (matches against different opponents are independent).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tournaments.model.accounting import DISCOUNTED, NAMES, NET

#: Significant digits kept in every table: below the last bits that a different BLAS kernel or
#: summation order may change, so tables compare equal byte for byte across machines.
DIGITS = 12

#: Columns of ``pairwise.csv`` (``discounted_payoff`` only when some entry discounts).
PAIRWISE_COLUMNS = ["player", "opponent", "counted", "engine", "repetitions", "rounds", NET,
                    "ci_low", "ci_high", "se", DISCOUNTED, *NAMES, "wins"]


def round_floats(frame: pd.DataFrame, digits: int = DIGITS) -> pd.DataFrame:
    """``frame`` with every float column rounded to ``digits`` significant digits
    (:func:`round_significant`)."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = round_significant(out[column].to_numpy(dtype=float, na_value=np.nan),
                                            digits)
    return out


#: Powers of ten that are exact doubles (10**22 is the largest).
_POWERS = 10.0 ** np.arange(23)


def round_significant(values, digits: int = DIGITS) -> np.ndarray:
    """``float(f"{x:.{digits}g}")`` of every element: the double nearest to ``x`` rounded to
    ``digits`` significant decimal digits (the rule of every table).

    Vectorised and exact: ``|x|·10^k`` (``k`` putting ``digits`` digits before the point, an
    exact power of ten, one rounding) is within ``10^digits·2^-53`` of the exact product (1e-4
    for 12 digits), so farther than ``max(1e-3, 8·10^digits·2^-53)`` from a
    half-integer its nearest integer ``m`` is the correctly rounded decimal, and ``m / 10^k``
    (or ``m·10^−k``) is one correctly rounded operation on exact operands: the double Python's
    formatting and parsing give. The rest — near a tie (dyadic values such as 1001/8192 are
    exact ties), ``|k| > 22``, zeros, NaN and infinities — is formatted by Python itself.
    """
    x = np.array(values, dtype=float, copy=True)
    magnitude = np.abs(x)
    todo = np.isfinite(x) & (x != 0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        exponent = np.floor(np.log10(np.where(todo, magnitude, 1.0))).astype(np.int64)
        k = digits - 1 - exponent
        power = _POWERS[np.clip(np.abs(k), 0, 22)]
        up = k >= 0
        scaled = np.where(up, magnitude * power, magnitude / power)
        near = np.abs(scaled - np.floor(scaled) - 0.5) <= max(1e-3, 10.0 ** digits * 2.0 ** -50)
        easy = (todo & (np.abs(k) <= 22) & ~near & (scaled >= 10.0 ** (digits - 1))
                & (scaled < 10.0 ** digits - 1))
        whole = np.rint(scaled)
        rounded = np.copysign(np.where(up, whole / power, whole * power), x)
    out = np.where(easy, rounded, x)
    hard = todo & ~easy
    if hard.any():
        out[hard] = [float(f"{v:.{digits}g}") for v in x[hard]]
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


def pairwise_table(matches: pd.DataFrame, order: list[str],
                   exact: pd.DataFrame | None = None,
                   counted: set[tuple[str, str]] | None = None,
                   discounted: bool = False, *, keys: Sequence[str] = ()) -> pd.DataFrame:
    """One row per ordered pair (player, opponent) that played.

    Parameters
    ----------
    matches : DataFrame
        One row per simulated match and seat: ``player, opponent, repetition``, the
        accounting's ``MATCH_FIELDS`` and ``won``
        (:func:`tournaments.engines.simulate.match_frame`).
    order : list of str
        Player labels in roster order; rows follow it.
    exact : DataFrame, optional
        Rows of pairs solved exactly (:func:`tournaments.engines.exact.pairwise_frame`): their
        values are the limits of the estimators, with no sampling error (se 0, the interval a
        point); ``repetitions``, ``rounds`` and ``wins`` are empty for them.
    counted : set of (player, opponent), optional
        The ordered pairs that enter the tournament's means (default: all but self-play).
    discounted : bool
        Keep the ``discounted_payoff`` column.
    keys : sequence of str
        A batch of tournaments with the same roster order and counted pairs (a sweep's cells):
        the columns of ``matches`` and ``exact`` that tell them apart. Each tournament's rows
        are those it would have alone; the key columns come first and tournaments follow in
        the order they first appear (``matches``, then ``exact``).

    Returns
    -------
    DataFrame
        :data:`PAIRWISE_COLUMNS`: quantities per round; engine ``simulate`` or ``exact``.
    """
    keys = list(keys)
    rows = []
    if len(matches):
        per_rep = (
            matches.groupby([*keys, "player", "opponent", "repetition"], sort=False)
            .sum(numeric_only=True)
            .reset_index()
        )
        for group, g in per_rep.groupby([*keys, "player", "opponent"], sort=False):
            *batch, player, opponent = group
            mean, se = ratio_estimate(g["net"].to_numpy(), g["rounds"].to_numpy())
            rounds = g["rounds"].sum()
            row = {**dict(zip(keys, batch, strict=True)), "player": player,
                   "opponent": opponent, "repetitions": len(g), "rounds": int(rounds),
                   NET: mean, "se": se,
                   DISCOUNTED: g["discounted_net"].sum() / g["discount_weight"].sum(),
                   "wins": int(g["won"].sum()), "engine": "simulate"}
            # self-play rows hold both seats: these ratios are then the mean over the seats
            row.update({name: g[name].sum() / rounds for name in NAMES})
            rows.append(row)
    parts = [pd.DataFrame(rows)] if rows else []
    if exact is not None and len(exact):
        parts.append(exact.assign(engine="exact", se=0.0))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    for column in ("repetitions", "rounds", "wins"):
        table[column] = table[column].astype("Int64") if column in table else pd.NA
    _add_interval(table, table["repetitions"].to_numpy(dtype=float, na_value=np.nan) - 1)
    table["counted"] = (
        pd.MultiIndex.from_arrays([table["player"], table["opponent"]]).isin(list(counted))
        if counted is not None else list(table["player"] != table["opponent"]))
    def position(column: pd.Series) -> pd.Series:  # roster rank; NaN for a label not in it
        if column.name == "_batch":
            return column
        found = positions(order, column)
        return pd.Series(np.where(found < 0, np.nan, found), index=column.index)

    by = ["player", "opponent"]
    if keys:
        table["_batch"] = batch_index(table, keys)
        by.insert(0, "_batch")
    table = table.sort_values(by, key=position, kind="stable").reset_index(drop=True)
    columns = [*keys, *(c for c in PAIRWISE_COLUMNS if discounted or c != DISCOUNTED)]
    return round_floats(table[columns])


def positions(labels: Sequence[str], column: pd.Series) -> np.ndarray:
    """Each value's position in ``labels`` (−1 if it is not one), looked up once per distinct
    value."""
    codes, values = pd.factorize(column)
    return np.append(pd.Index(labels).get_indexer(values), -1)[codes]


def batch_index(table: pd.DataFrame, keys: Sequence[str]) -> np.ndarray:
    """Each row's tournament in a batch told apart by the ``keys`` columns, numbered from 0 in
    the order the key values first appear."""
    keys = list(keys)
    if len(keys) == 1:
        codes, _ = pd.factorize(table[keys[0]])
    else:
        codes, _ = pd.MultiIndex.from_frame(table[keys]).factorize()
    return codes


def _add_interval(table: pd.DataFrame, dof: np.ndarray) -> None:
    se = table["se"].to_numpy(dtype=float)
    half = np.zeros(len(se))
    sampled = se != 0  # an exact value's interval is the point itself
    with np.errstate(invalid="ignore"):
        half[sampled] = _t975(np.nan_to_num(dof[sampled], nan=1.0)) * se[sampled]
    table["ci_low"] = table[NET] - half
    table["ci_high"] = table[NET] + half


def summary_table(pairwise: pd.DataFrame, entries: pd.DataFrame, *,
                  keys: Sequence[str] = ()) -> pd.DataFrame:
    """One row per roster entry, ranked by net payoff per round.

    Parameters
    ----------
    pairwise : DataFrame
        From :func:`pairwise_table`, with a boolean ``counted`` column: the pairs that enter a
        strategy's mean (self-play only when asked for, only pairs the topology links).
    entries : DataFrame
        ``strategy`` (the label), plus descriptive columns copied through (``club``, ``role``,
        ``discount``, ``class``...), in roster order.
    keys : sequence of str
        A batch of tournaments (:func:`pairwise_table`'s ``keys``): ``pairwise`` and
        ``entries`` both carry these columns, each tournament is summarised as it would be
        alone, and tournaments follow ``entries``' order, key columns first.

    Returns
    -------
    DataFrame
        ``rank, strategy, mean_payoff, ci_low, ci_high, se`` (and ``discounted_payoff`` where
        the pairwise table has it), the cooperation rates, ``wins``, the money quantities,
        ``opponents, engine`` and the descriptive columns. A strategy's value of each quantity
        is the mean over its opponents of its pairwise values per round.
    """
    keys = list(keys)
    counted = pairwise[pairwise["counted"].astype(bool)]
    simulated = counted["engine"] == "simulate"
    means = [c for c in (NET, DISCOUNTED, *NAMES) if c in pairwise]
    table = counted.assign(
        se2=counted["se"] ** 2,
        # nullable integers (all missing when every pair is exact) aggregate in compiled code
        sim_wins=counted["wins"].astype("Int64").where(simulated),
        sim_reps=counted["repetitions"].astype("Int64").where(simulated),
        simulated=simulated, exact=~simulated,
    ).groupby([*keys, "player"], sort=False).agg(
        **{c: (c, "mean") for c in means}, se2=("se2", "sum"), opponents=("player", "size"),
        wins=("sim_wins", "sum"), reps=("sim_reps", "min"), simulated=("simulated", "any"),
        exact=("exact", "any"))
    rows = (pd.MultiIndex.from_frame(entries[[*keys, "strategy"]]) if keys
            else entries["strategy"])
    table = table.reindex(rows).rename_axis([*keys, "strategy"] if keys else "strategy")
    table = table.reset_index()
    table["opponents"] = table["opponents"].fillna(0).astype(int)
    table["se"] = np.sqrt(table["se2"]) / table["opponents"].where(table["opponents"] > 0)
    sim, ex = (table[c].fillna(False).astype(bool) for c in ("simulated", "exact"))
    table["wins"] = table["wins"].where(sim).astype("Int64")  # simulated matches only
    table["engine"] = np.select([sim & ex, sim, ex], ["mixed", "simulate", "exact"], None)
    _add_interval(table, table["reps"].to_numpy(dtype=float, na_value=np.nan) - 1)
    table = table.merge(entries, on=[*keys, "strategy"], how="left")
    if keys:
        table["_batch"] = batch_index(table, keys)
        table = table.sort_values(["_batch", NET, "strategy"], ascending=[True, False, True],
                                  kind="stable")
        table.insert(0, "rank", table.groupby("_batch").cumcount().to_numpy() + 1)
    else:
        table = table.sort_values([NET, "strategy"], ascending=[False, True], kind="stable")
        table.insert(0, "rank", np.arange(1, len(table) + 1))
    rates = ["cooperation_rate", "mutual_cooperation_rate"]
    money = [c for c in NAMES if c not in rates]
    columns = [*keys, "rank", "strategy", NET, "ci_low", "ci_high", "se",
               *[c for c in (DISCOUNTED,) if c in means], *rates, "wins", *money,
               "opponents", "engine"]
    extra = [c for c in entries.columns if c not in columns]
    return round_floats(table[columns + extra].reset_index(drop=True))
