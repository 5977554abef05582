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
    (:func:`round_significant`); the other columns are shared (copy-on-write), not copied."""
    out = frame.copy(deep=False)
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = _rounded(out[column], digits)
    return out


def _rounded(column, digits: int = DIGITS):
    """A column's values (a Series or an array) as a table holds them: floats rounded to
    ``digits`` significant digits, other values as they are."""
    values = column.array if isinstance(column, pd.Series) else column
    if not pd.api.types.is_float_dtype(values.dtype):
        return values
    if isinstance(values.dtype, np.dtype):  # NumPy's floats (missing values are NaN)
        values = np.asarray(values)
    else:  # a nullable float array
        values = values.to_numpy(dtype=float, na_value=np.nan)
    return round_significant(values, digits)


#: Powers of ten that are exact doubles (10**22 is the largest).
_POWERS = 10.0 ** np.arange(23)
#: Elements rounded at a time by :func:`round_significant` (its temporaries stay in cache).
_ROUND_BLOCK = 1 << 14


def round_significant(values, digits: int = DIGITS, *, out: np.ndarray | None = None
                      ) -> np.ndarray:
    """``float(f"{x:.{digits}g}")`` of every element: the double nearest to ``x`` rounded to
    ``digits`` significant decimal digits (the rule of every table).

    Vectorised and exact: ``|x|·10^k`` (``k`` putting ``digits`` digits before the point, an
    exact power of ten, one rounding) is within ``10^digits·2^-53`` of the exact product (1e-4
    for 12 digits), so farther than twice that from a half-integer its nearest integer ``m``
    is the correctly rounded decimal, and ``m / 10^k`` (or ``m·10^−k``) is one correctly
    rounded operation on exact operands: the double Python's
    formatting and parsing give. The rest — near a tie (dyadic values such as 1001/8192 are
    exact ties), ``|k| > 22``, zeros, NaN and infinities — is formatted by Python itself.
    Elements are taken :data:`_ROUND_BLOCK` at a time (each element's arithmetic is the same).
    ``out``: a contiguous float array of the values' shape to write the result in.
    """
    if out is None:
        x = np.array(values, dtype=float, copy=True)
    else:
        x = out
        np.copyto(x, values)
    flat = x.reshape(-1)  # a view: x is contiguous
    tie = 10.0 ** digits * 2.0 ** -52  # twice the product's largest rounding error
    low, high = 10.0 ** (digits - 1), 10.0 ** digits - 1
    hard = []
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for start in range(0, flat.size, _ROUND_BLOCK):
            block = flat[start:start + _ROUND_BLOCK]
            magnitude = np.abs(block)
            todo = (magnitude > 0) & (magnitude < np.inf)  # finite, non-zero
            if not todo.any():
                continue
            k = (digits - 1) - np.floor(np.log10(np.where(todo, magnitude, 1.0)))
            power = _POWERS[np.clip(k, 0, 22).astype(np.intp)]
            scaled = magnitude * power
            whole = np.rint(scaled)
            usable = todo & (k >= 0) & (k <= 22)
            down = todo & (k < 0) & (k >= -22)  # |x| ≥ 10^digits: divided by 10^−k
            if down.any():
                power_down = _POWERS[(-k[down]).astype(np.intp)]
                scaled[down] = magnitude[down] / power_down
                whole[down] = np.rint(scaled[down])
                usable |= down
            # |scaled − nearest integer| is exact, and so is 0.5 minus it: the distance to the
            # nearest half-integer
            easy = (usable & (0.5 - np.abs(scaled - whole) > tie) & (scaled >= low)
                    & (scaled < high))
            rounded = whole / power
            if down.any():
                rounded[down] = whole[down] * power_down
            np.copyto(block, np.copysign(rounded, block, out=rounded), where=easy)
            left = todo & ~easy
            if left.any():
                hard.append(start + np.flatnonzero(left))
    if hard:
        where = np.concatenate(hard)
        flat[where] = [float(f"{v:.{digits}g}") for v in flat[where]]
    return x


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
    columns = [*keys, *(c for c in PAIRWISE_COLUMNS if discounted or c != DISCOUNTED)]
    if not len(simulated) and exact is not None and len(exact):
        return _exact_pairs(exact, order, counted, keys, columns)
    return _all_pairs(simulated, order, exact, counted, keys, columns)


def _all_pairs(simulated: pd.DataFrame, order: list[str], exact: pd.DataFrame | None,
               counted: set | None, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """:func:`pairwise_table` of simulated and exact pairs."""
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
    table["ci_low"], table["ci_high"] = _bounds(table)
    table["counted"], rows = _place(table, order, counted, keys)
    if rows is not None:
        table = table.take(rows)
    return round_floats(table[columns].reset_index(drop=True))


def _exact_pairs(exact: pd.DataFrame, order: list[str], counted: set | None,
                 keys: list[str], columns: list[str]) -> pd.DataFrame:
    """:func:`pairwise_table` of exact pairs alone (no sampling, no matches to count): the
    frame the general path makes of them (tests/test_tables.py compares the two), built in one
    pass instead of through its intermediate tables."""
    flags, rows = _place(exact, order, counted, keys)
    if rows is not None:
        exact, flags = exact.take(rows), flags[rows]
    made = {"counted": flags, "engine": "exact", "repetitions": pd.NA, "rounds": pd.NA,
            "wins": pd.NA}
    empty = {"ci_low", "ci_high", "se", "skewness", "dof"}  # NaN: no sampling
    # the float columns, rounded into one block (a frame holds it as it is), then the others
    floats = [c for c in columns if c in empty or (
        c not in made and isinstance(exact[c].dtype, np.dtype) and exact[c].dtype.kind == "f")]
    block = np.empty((len(floats), len(exact)))
    for row, column in zip(block, floats, strict=True):
        if column in empty:
            row[:] = np.nan
        else:
            round_significant(exact[column].to_numpy(), out=row)
    table = pd.DataFrame(block.T, columns=floats, copy=False)
    for position, column in enumerate(columns):
        if column not in floats:
            table.insert(position, column, made[column] if column in made
                         else _rounded(exact[column]))
    return table


def _place(table: pd.DataFrame, order: list[str], counted: set | None,
           keys: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
    """Whether each row is counted, and the order of the rows (``None``: as they are): by
    tournament (as they first appear), then the roster's order of players and of opponents, a
    label not in it last."""
    player, opponent = positions(order, table["player"]), positions(order, table["opponent"])
    if counted is None:
        flags = (table["player"] != table["opponent"]).to_numpy(dtype=bool)
    else:
        flags = _counted(table, counted, order, player, opponent)
    k = len(order)
    by = [np.where(opponent < 0, k, opponent), np.where(player < 0, k, player)]
    if keys:
        by.append(batch_index(table, keys))
    return flags, None if _ascending(by) else np.lexsort(by)  # in order: a stable sort keeps it


def _ascending(keys: list[np.ndarray]) -> bool:
    """Whether rows are in lexicographic order of ``keys`` (:func:`numpy.lexsort`'s: the last
    key first)."""
    later = np.zeros(max(len(keys[0]) - 1, 0), dtype=bool)  # decided: strictly after
    for key in reversed(keys):
        step = np.diff(key)
        if (~later & (step < 0)).any():
            return False
        later |= step > 0
    return True


def _bounds(table) -> tuple[np.ndarray, np.ndarray]:
    """:func:`tournaments.analysis.intervals.bounds` of a table's rows (NET and its sampling
    statistics; a frame or a mapping of columns), computed for the rows with a standard error
    only: the others' are NaN."""
    estimate, se, skewness, dof = (np.asarray(table[c], dtype=float)
                                   for c in (NET, "se", "skewness", "dof"))
    low, high = np.full(len(se), np.nan), np.full(len(se), np.nan)
    sampled = np.isfinite(se)
    if sampled.any():
        low[sampled], high[sampled] = intervals.bounds(estimate[sampled], se[sampled],
                                                       skewness[sampled], dof[sampled])
    return low, high


def _counted(table: pd.DataFrame, counted: set, order: list[str], player: np.ndarray,
             opponent: np.ndarray) -> np.ndarray:
    """Whether each row's (player, opponent) is in ``counted``; ``player`` and ``opponent``
    are the labels' positions in ``order`` (−1: not in it)."""
    where = {label: n for n, label in enumerate(order)}
    linked = np.zeros((len(order) + 1, len(order) + 1), dtype=bool)  # last: not in order
    for a, b in counted:
        if a in where and b in where:
            linked[where[a], where[b]] = True
    flags = linked[player, opponent]
    outside = (player < 0) | (opponent < 0)
    if outside.any():
        flags[outside] = pd.MultiIndex.from_arrays(
            [table["player"][outside], table["opponent"][outside]]).isin(list(counted))
    return flags


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
    if groups is None:
        codes = np.zeros(n, dtype=np.int64)
    else:  # numbers as they are, anything else as objects (equal values: one group)
        groups = np.asarray(groups)
        codes = pd.factorize(groups if groups.dtype.kind in "iuf"
                             else pd.Series(groups.astype(object)))[0]
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
    means = [c for c in (NET, DISCOUNTED, *NAMES) if c in pairwise]
    # each row's group (its tournament and player; −1 with a missing key, which a groupby
    # drops) and each entry's (−1: no row of the pairwise table), then the counted rows'
    group, place = row_codes([pairwise[c] for c in (*keys, "player")],
                             [entries[c] for c in (*keys, "strategy")])
    size = int(group.max(initial=-1)) + 1
    rows = np.flatnonzero(pairwise["counted"].astype(bool).to_numpy() & (group >= 0))
    group = group[rows]
    contest = (pairwise["player"] != pairwise["opponent"]).to_numpy(dtype=bool)[rows]
    simulated = (pairwise["engine"] == "simulate").to_numpy(dtype=bool)[rows]  # self-play:
    scored = contest & pairwise["wins"].notna().to_numpy(dtype=bool)[rows]  # no wins
    wins = np.bincount(group[scored],
                       pairwise["wins"].take(rows[scored]).to_numpy(dtype=float),
                       minlength=size).astype(np.int64)

    def per_entry(values: np.ndarray, missing) -> np.ndarray:  # per group → per entry
        return np.concatenate([values, np.full(size + 1 - len(values), missing)])[place]

    def any_of(flags: np.ndarray) -> np.ndarray:  # per entry: whether a row of its group has
        return per_entry(np.bincount(group[flags], minlength=size) > 0, False)

    averaged = group_means(pairwise[means].take(rows), group).reindex(place)
    table = {c: averaged[c].to_numpy() if averaged[c].dtype == float else averaged[c].array
             for c in means}
    table["opponents"] = per_entry(np.bincount(group, minlength=size), 0)
    se, skewness, dof = (pairwise[c].to_numpy(dtype=float)[rows]
                         for c in ("se", "skewness", "dof"))
    sampling = (intervals.mean_sampling(se, skewness, dof, group) if np.isfinite(se).any()
                else [np.full(size, np.nan)] * 3)  # no sampling error at all
    table["se"], table["skewness"], table["dof"] = (per_entry(v, np.nan) for v in sampling)
    sim, ex = any_of(simulated), any_of(~simulated)
    complete = any_of(contest) & ~any_of(contest & ~simulated)
    table["wins"] = pd.arrays.IntegerArray(per_entry(wins, 0), ~complete)
    table["engine"] = pd.array(["mixed", "simulate", "exact"], dtype="str").take(
        np.select([sim & ex, sim, ex], [0, 1, 2], -1), allow_fill=True)  # −1: none
    table["ci_low"], table["ci_high"] = _bounds(table)
    # tournaments in the entries' order, each ranked by net payoff (two populations each on
    # its own, roles in the order they first appear), tied rows in the labels' order
    batch = batch_index(entries, keys) if keys else np.zeros(len(entries), dtype=np.int64)
    if "role" in entries:
        roles = {r: n for n, r in enumerate(pd.unique(entries["role"]))}
        named, found = pd.factorize(entries["role"].fillna(""))
        role = np.append(pd.Series(found).map(roles).to_numpy(dtype=float), np.nan)[named]
    else:
        roles, role = {"": 0}, np.zeros(len(entries))
    net = np.asarray(table[NET], dtype=float)
    order = np.lexsort((sort_key(entries["strategy"]), -net, role, batch))
    rates = ["cooperation_rate", "mutual_cooperation_rate"]
    money = [c for c in NAMES if c not in rates]
    columns = [*keys, "rank", "strategy", NET, *SAMPLING_COLUMNS,
               *[c for c in (DISCOUNTED,) if c in means], *rates, "wins", *money,
               "opponents", "engine"]
    extra = [c for c in entries.columns if c not in columns]
    table["rank"] = tie_ranks(net[order], batch[order] * len(roles) + role[order])
    return pd.DataFrame({  # the entries' own columns, then the table's, in ranking order
        c: _rounded(entries[c].take(order)) if c in (*keys, "strategy", *extra)
        else table[c] if c == "rank" else _rounded(table[c][order]) for c in columns + extra})


def group_means(frame: pd.DataFrame, group: np.ndarray, *,
                by_column: bool | None = None) -> pd.DataFrame:
    """Each column's mean over the rows of each group (the groups as a groupby orders them,
    as it computes them: in its compiled code, with its order of summation). A frame without
    missing values is aggregated in one pass; with some, column by column, as the groupby's
    method for a column depends on whether that column has any (``by_column``: force one
    way; tests/test_tables.py shows the two agree)."""
    if by_column is None:
        by_column = bool(frame.isna().to_numpy().any())
    grouped = frame.groupby(group, sort=False)
    return grouped.agg(**{c: (c, "mean") for c in frame}) if by_column else grouped.mean()


def row_codes(left: Sequence[pd.Series],
              right: Sequence[pd.Series]) -> tuple[np.ndarray, np.ndarray]:
    """Rows of two frames identified by their values in matching columns (``left[i]`` with
    ``right[i]``): each left row's code, a small non-negative number, equal for equal rows (−1
    with a missing value, which a groupby drops), and each right row's code among them (−1: no
    equal left row)."""
    code_left = np.zeros(len(left[0]), dtype=np.int64)
    code_right = np.zeros(len(right[0]), dtype=np.int64)
    span = 1  # codes lie in [0, span)
    for a, b in zip(left, right, strict=True):
        part_left, values = pd.factorize(a)  # −1: missing
        part_right = positions(values, b)
        n = len(values)
        code_left = np.where((code_left < 0) | (part_left < 0), -1, code_left * n + part_left)
        code_right = np.where((code_right < 0) | (part_right < 0), -1,
                              code_right * n + part_right)
        span *= max(n, 1)
        if span > 4 * len(code_left) + 64:  # numbered afresh, before the products grow
            present = code_left >= 0
            joint_left, joint_right = code_left, code_right
            code_left = np.full(len(joint_left), -1, dtype=np.int64)
            code_left[present], uniques = pd.factorize(joint_left[present])
            code_right = pd.Index(uniques).get_indexer(joint_right)
            span = len(uniques)
    return code_left, code_right


def sort_key(column: pd.Series) -> np.ndarray:
    """Each value's place among the column's distinct values in ascending order (missing
    values last, tied): sorting by it sorts by the values (labels: in code-point order, as
    pandas sorts strings)."""
    codes, values = pd.factorize(column)
    rank = np.argsort(np.argsort(np.asarray(values, dtype=object), kind="stable"))
    return np.append(rank, len(values))[codes]
