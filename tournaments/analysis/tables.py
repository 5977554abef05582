"""The tables of a run: pairwise and summary, from the engines' per-match totals.

Pure functions from data frames to data frames (no I/O, no axelrod). The quantities and their
net identity are the accounting's (:mod:`tournaments.model.accounting`); this module only
aggregates them.

* **payoff per round** of a player against an opponent is the ratio estimator over
  repetitions, Σ_reps Σ_t net_t / Σ_reps rounds. Under continuation δ it converges to
  expected total / expected rounds = (1−δ)·Σ δ^t E[net_t], unlike the mean of per-match averages
  that axelrod reports. Every quantity is per round the same way, so the net identity holds for
  the reported means too. Net is what ranks. A strategy against its own copy (self-play) holds
  both seats of each match: its values are the mean over the two seats.
* ``discounted_payoff`` (present when some entry has a discount γ < 1) is the player's own
  valuation Σ γ^t net_t / Σ γ^t, reported beside the net payoff, never ranked.
* the **95 % interval** of a simulated pair's payoff is a skewness-corrected Student-t interval
  over its repetitions: Hall's (1992) transformation of the studentised ratio, a jackknife
  standard error and Satterthwaite degrees of freedom for unequal match lengths
  (``tournaments/analysis/intervals.py``), so it is asymmetric where rare events skew the
  repetitions; a strategy's interval combines its simulated pairs' sampling errors (variances
  and third cumulants add, Welch–Satterthwaite degrees of freedom). Exact pairs have no sampling
  error and no interval: ``ci_low``, ``ci_high``, ``se``, ``skewness`` and ``dof`` are empty, as
  they are for a strategy whose counted pairs are all exact; a strategy mixing exact and
  simulated pairs gets the interval of its simulated part's sampling error only.
* **rounds** are the rounds played, summed over repetitions (a self-play match counts its rounds
  once). **wins** count the matches in which the player's net total beat its opponent's; they
  are empty for self-play (a state against its own copy is not a contest: one seat's win is the
  other's loss) and for exact pairs (:data:`NO_EXACT_WINS`); a strategy's wins are the sum over
  its counted opponents, empty when some of those pairs are exact (a partial count would not
  compare with a full one).
* **ranks** (1 = highest net payoff) are shared by ties: values within a relative
  :data:`TIE_RTOL` of each other rank equal (:func:`tie_ranks`, the one rule of every rank).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tournaments.analysis import intervals
from tournaments.model.accounting import DISCOUNTED, NAMES, NET

#: Significant digits kept in every table: below the last bits that a different BLAS kernel or
#: summation order may change, so tables compare equal byte for byte across machines.
DIGITS = 12

#: The sampling statistics of an estimate (:mod:`tournaments.analysis.intervals`): its 95 %
#: interval, standard error, skewness and effective degrees of freedom; empty without sampling.
SAMPLING_COLUMNS = ["ci_low", "ci_high", "se", "skewness", "dof"]

#: Columns of ``pairwise.csv`` (``discounted_payoff`` only when some entry discounts).
PAIRWISE_COLUMNS = ["player", "opponent", "counted", "engine", "repetitions", "rounds", NET,
                    *SAMPLING_COLUMNS, DISCOUNTED, *NAMES, "wins"]

#: Why an exact pair reports no wins.
NO_EXACT_WINS = ("the exact solver computes expected payoffs per round, not the distribution "
                 "of match totals that the probability of a win needs")

#: Relative difference up to which two values are tied in a ranking. Tables keep 12 significant
#: digits, and values that are equal in exact arithmetic differ by float round-off far below
#: that (a few units in the 13th–16th digit: the same stationary weight reached by two paths
#: of the elimination, the same payoff by two linear solves); real differences are far above
#: it (one round of difference in a million simulated rounds is 1e-6 relative). 1e-9 sits
#: between the two with three orders of magnitude on either side.
TIE_RTOL = 1e-9


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


def pairwise_table(simulated: pd.DataFrame, order: list[str],
                   exact: pd.DataFrame | None = None,
                   counted: set[tuple[str, str]] | None = None,
                   discounted: bool = False, *, keys: Sequence[str] = ()) -> pd.DataFrame:
    """One row per ordered pair (player, opponent) that played.

    Parameters
    ----------
    simulated : DataFrame
        One record per simulated ordered pair, its repetitions reduced as they were played
        (:func:`tournaments.engines.simulate.aggregate`): sums over repetitions of the
        accounting's ``MATCH_FIELDS``, ``repetitions``, ``wins`` and the net payoff's ratio
        estimate with its sampling statistics.
    order : list of str
        Player labels in roster order; rows follow it.
    exact : DataFrame, optional
        Rows of pairs solved exactly (:func:`tournaments.engines.exact.pairwise_frame`): their
        values are the limits of the estimators, with no sampling error: their
        :data:`SAMPLING_COLUMNS`, ``repetitions``, ``rounds`` and ``wins`` are empty.
    counted : set of (player, opponent), optional
        The ordered pairs that enter the tournament's means (default: all but self-play).
    discounted : bool
        Keep the ``discounted_payoff`` column.
    keys : sequence of str
        A batch of tournaments with the same roster order and counted pairs (a sweep's cells):
        the columns of ``simulated`` and ``exact`` that tell them apart. Each tournament's rows
        are those it would have alone; the key columns come first and tournaments follow in
        the order they first appear (``simulated``, then ``exact``).

    Returns
    -------
    DataFrame
        :data:`PAIRWISE_COLUMNS`: quantities per round; engine ``simulate`` or ``exact``;
        ``wins`` empty for self-play and exact pairs (module docstring).
    """
    keys = list(keys)
    parts = []
    if len(simulated):
        s = simulated
        rounds = s["rounds"].to_numpy(dtype=float)
        parts.append(s[[*keys, "player", "opponent", "repetitions", NET, "se", "skewness", "dof",
                        "wins"]].assign(
            rounds=np.rint(rounds),
            **{DISCOUNTED: s["discounted_net"] / s["discount_weight"]},
            **{name: s[name] / rounds for name in NAMES}, engine="simulate"))
    if exact is not None and len(exact):
        parts.append(exact.assign(engine="exact", se=np.nan, skewness=np.nan, dof=np.nan))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    for column in ("repetitions", "rounds", "wins"):
        table[column] = table[column].astype("Int64") if column in table else pd.NA
    table["ci_low"], table["ci_high"] = intervals.bounds(
        table[NET].to_numpy(dtype=float), table["se"].to_numpy(dtype=float),
        table["skewness"].to_numpy(dtype=float), table["dof"].to_numpy(dtype=float))
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


def tie_ranks(values, groups=None, *, rtol: float = TIE_RTOL) -> np.ndarray:
    """Competition ranks (1 = largest value) in which ties share the best rank.

    Parameters
    ----------
    values : array-like of float, shape (n,)
        What is ranked (a net payoff, a stationary weight...).
    groups : array-like, shape (n,), optional
        Rank within each group separately (a sweep's cells, a batch's tournaments); any
        hashable labels.
    rtol : float
        Two values are tied when they differ by at most ``rtol`` times the larger magnitude
        (:data:`TIE_RTOL`: float round-off, not a real difference). Values are sorted and a run
        of neighbours each tied to the next shares one rank. NaNs come last, tied with each
        other.

    Returns
    -------
    ndarray of int, shape (n,)
        Each value's rank, in the input order: one plus the number of values of its group
        that are larger and not tied with it (1, 1, 3 for two tied leaders).
    """
    v = np.asarray(values, dtype=float)
    n = len(v)
    codes = (np.zeros(n, dtype=np.int64) if groups is None
             else pd.factorize(pd.Series(np.asarray(groups, dtype=object)))[0])
    order = np.lexsort((np.where(np.isnan(v), np.inf, -v), codes))
    ordered, owner = v[order], codes[order]
    first = np.r_[True, owner[1:] != owner[:-1]]
    before, after = ordered[:-1], ordered[1:]
    with np.errstate(invalid="ignore"):
        close = (np.abs(after - before) <= rtol * np.maximum(np.abs(after), np.abs(before)))
    tied = np.r_[False, close | (after == before) | (np.isnan(after) & np.isnan(before))]
    index = np.arange(n)
    group_start = np.maximum.accumulate(np.where(first, index, 0))
    block_start = np.maximum.accumulate(np.where(first | ~tied, index, 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = block_start - group_start + 1
    return ranks


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
        ``rank, strategy, mean_payoff``, the :data:`SAMPLING_COLUMNS` (and
        ``discounted_payoff`` where the pairwise table has it), the cooperation rates,
        ``wins``, the money quantities, ``opponents, engine`` and the descriptive columns. A
        strategy's value of each quantity is the mean over its opponents of its pairwise
        values per round; its sampling statistics those of that mean over its simulated pairs
        (:func:`tournaments.analysis.intervals.mean_sampling`), empty when all are exact; its
        wins the sum over its counted opponents other than itself, empty when some of those
        pairs are exact. Ties share a rank (:func:`tie_ranks`); tied rows follow the labels'
        order. With roles (two populations) each role is ranked on its own, roles in the
        order they first appear in ``entries``.
    """
    keys = list(keys)
    counted = pairwise[pairwise["counted"].astype(bool)].reset_index(drop=True)
    simulated = counted["engine"] == "simulate"
    contest = counted["player"] != counted["opponent"]  # wins are not defined for self-play
    means = [c for c in (NET, DISCOUNTED, *NAMES) if c in pairwise]
    grouped = counted.assign(
        # nullable integers (all missing when every pair is exact) aggregate in compiled code
        contest_wins=counted["wins"].astype("Int64").where(contest),
        uncounted_wins=contest & ~simulated, contest=contest,
        simulated=simulated, exact=~simulated,
    ).groupby([*keys, "player"], sort=False)
    table = grouped.agg(
        **{c: (c, "mean") for c in means}, opponents=("player", "size"),
        wins=("contest_wins", "sum"), uncounted_wins=("uncounted_wins", "any"),
        contest=("contest", "any"), simulated=("simulated", "any"), exact=("exact", "any"))
    sampling = intervals.mean_sampling(*(counted[c].to_numpy(dtype=float)
                                         for c in ("se", "skewness", "dof")),
                                       grouped.ngroup().to_numpy())
    table["se"], table["skewness"], table["dof"] = sampling
    rows = (pd.MultiIndex.from_frame(entries[[*keys, "strategy"]]) if keys
            else entries["strategy"])
    table = table.reindex(rows).rename_axis([*keys, "strategy"] if keys else "strategy")
    table = table.reset_index()
    table["opponents"] = table["opponents"].fillna(0).astype(int)
    sim, ex, whole = (table[c].fillna(False).astype(bool)
                      for c in ("simulated", "exact", "contest"))
    complete = whole & ~table["uncounted_wins"].fillna(False).astype(bool)
    table["wins"] = table["wins"].where(complete).astype("Int64")
    table["engine"] = np.select([sim & ex, sim, ex], ["mixed", "simulate", "exact"], None)
    table["ci_low"], table["ci_high"] = intervals.bounds(
        *(table[c].to_numpy(dtype=float) for c in (NET, "se", "skewness", "dof")))
    table = table.merge(entries, on=[*keys, "strategy"], how="left")
    batch = batch_index(table, keys) if keys else np.zeros(len(table), dtype=np.int64)
    # two populations are ranked each on its own (their payoffs come from different
    # matrices), roles in the order they first appear in the roster
    role = (table["role"].fillna("") if "role" in table
            else pd.Series("", index=table.index))
    order = {r: n for n, r in enumerate(dict.fromkeys(entries["role"]))} if (
        "role" in entries) else {"": 0}
    table = table.assign(_batch=batch, _role=role.map(order).to_numpy()).sort_values(
        ["_batch", "_role", NET, "strategy"], ascending=[True, True, False, True],
        kind="stable")
    table.insert(0, "rank", tie_ranks(table[NET], table["_batch"] * len(order)
                                      + table["_role"]))
    rates = ["cooperation_rate", "mutual_cooperation_rate"]
    money = [c for c in NAMES if c not in rates]
    columns = [*keys, "rank", "strategy", NET, *SAMPLING_COLUMNS,
               *[c for c in (DISCOUNTED,) if c in means], *rates, "wins", *money,
               "opponents", "engine"]
    extra = [c for c in entries.columns if c not in columns]
    return round_floats(table[columns + extra].reset_index(drop=True))
