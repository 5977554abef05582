"""``report.md``, ``report.html`` and the LaTeX tables: what a person reads first.

The report opens with its finding — two or three sentences a reader can quote (:func:`headline`):
what ranks first and with what payoff, whether cooperation survives under evolution and with
which strategies, and which strategies are self-enforcing — then says how every number was
obtained, then the tables and figures.

It is built once as a list of blocks (:class:`Heading`, :class:`Paragraph`, :class:`Bullets`,
:class:`Table`, :class:`Image`) and rendered twice: as Markdown (:func:`tournament_report`) and as
one self-contained HTML page (:func:`html_report`: figures embedded as PNG data URIs, styles
inline, no script, nothing fetched, so it opens offline). Both depend on the result alone —
no date, no run time, no path — so a re-run writes them byte for byte. :func:`latex_tables`
writes the ranking and survival tables as booktabs LaTeX with the numbers of the CSVs.
"""

from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass

import pandas as pd

from tournaments.model.accounting import MONEY, NET

#: A strategy, or a population, cooperates when its cooperation rate is at least this: the
#: rule by which the headline says whether cooperation survives, and with which strategies.
COOPERATIVE = 0.5
#: Decimals of the numbers in the report's and the LaTeX tables (the CSVs keep 12 digits).
DIGITS = 3


# --- blocks -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """Text with Markdown's inline ``**bold**`` and ```code``` (the only inline marks used);
    ``lead``: the finding a page opens with (set apart in HTML)."""

    text: str
    lead: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class Table:
    frame: pd.DataFrame
    digits: int = DIGITS


@dataclass(frozen=True)
class Image:
    """A figure: its file stem, a short title and a caption saying what every mark means."""

    stem: str
    title: str
    caption: str


# --- numbers as text --------------------------------------------------------------------------


def cell(value, digits: int = DIGITS) -> str:
    """One table cell: floats to ``digits`` decimals, missing values empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def markdown_table(frame: pd.DataFrame, digits: int = DIGITS) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency)."""
    lines = ["| " + " | ".join(frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(cell(v, digits).replace("|", "\\|") for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


#: The most names a headline's list gives; past it the rest are counted and their table named.
NAMED = 8


def _join(names: list[str], table: str | None = None) -> str:
    """``A``, ``A and B``, ``A, B and C``; with ``table``, a list longer than :data:`NAMED` ends
    ``… H and 92 more (in TABLE)`` (a 236-strategy run named a hundred carriers)."""
    if table is not None and len(names) > NAMED:
        names = [*names[:NAMED], f"{len(names) - NAMED} more (in {table})"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _bold(names) -> list[str]:
    return [f"**{n}**" for n in names]


def interval_text(low, high, engine: str) -> str:
    """A 95 % interval as ``[low, high]``; ``exact`` for a value with no sampling error (every
    pair exact), empty where there is no interval (a single repetition)."""
    if engine == "exact":
        return "exact"
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"[{low:.{DIGITS}f}, {high:.{DIGITS}f}]"


def money_columns(summary: pd.DataFrame) -> list[str]:
    """The money columns worth showing: every transfer or sanction column that is non-zero for
    some state, with ``gross_payoff`` before them (net = gross − paid + received − …); none when
    all are zero (net = gross)."""
    shown = [c for c in MONEY if c != "gross_payoff" and summary[c].abs().sum() > 0]
    return ["gross_payoff", *shown] if shown else []


def _ranking_tables(result) -> list:
    """The ranking as one table, or one per role (two populations: their payoffs come from
    different matrices and are ranked apart)."""
    table = ranking_table(result)
    if not result.config.two_populations:
        return [Table(table)]
    return [block for role, part in table.groupby("role", sort=False) for block in (
        Paragraph(f"**{role}** states:"), Table(part.drop(columns="role")))]


def ranking_table(result, *, compact: bool = False) -> pd.DataFrame:
    """The ranking as the report, the terminal and ``summary.tex`` show it: rank, strategy, net
    payoff, its interval (``exact`` where there is no sampling error), the cooperation rates,
    wins where there are any, every non-zero money column, club and role where some state has
    one, and the self-enforcement verdict. ``compact`` (the terminal's and a notebook's view):
    rank, strategy, payoff, interval, cooperation rate and the non-zero money columns."""
    summary = result.summary  # in rank order (within each role, with two populations)
    if not result.config.two_populations:
        summary = summary.sort_values("rank", kind="stable")
    summary = summary.reset_index(drop=True)
    first = ["role", "rank"] if result.config.two_populations else ["rank"]
    frame = summary[[*first, "strategy", NET]].assign(interval=[
        interval_text(lo, hi, engine) for lo, hi, engine in
        zip(summary["ci_low"], summary["ci_high"], summary["engine"], strict=True)])
    if compact:
        return pd.concat([frame, summary[["cooperation_rate", *money_columns(summary)]]],
                         axis=1)
    extra = [c for c in ("discounted_payoff",) if c in summary]
    extra += ["cooperation_rate", "mutual_cooperation_rate"]
    extra += [c for c in ("wins",) if summary[c].notna().any()]
    extra += money_columns(summary)
    extra += [c for c in ("club", "role") if c in summary and summary[c].astype(bool).any()
              and c not in first]
    frame = pd.concat([frame, summary[extra]], axis=1)
    if result.self_enforcement is not None:
        verdict = {row.strategy: "" if row.not_analysable else
                   ("yes" if row.self_enforcing else "no")
                   for row in result.self_enforcement.itertuples(index=False)}
        frame["self_enforcing"] = summary["strategy"].map(verdict).fillna("")
    return frame


# --- the finding ------------------------------------------------------------------------------


def headline(result) -> str:
    """Two or three sentences a reader can quote: the top of the ranking with its payoffs;
    whether cooperation survives under evolution (the small-mutation-limit population
    cooperates at a rate of at least :data:`COOPERATIVE`) and which strategies carry it
    (selected above the uniform weight 1/k and cooperating with their own kind); and which
    strategies are self-enforcing."""
    sentences = [_tournament_sentence(result.summary)]
    if result.survival is not None:
        sentences.append(_survival_sentence(result.survival))
    if result.self_enforcement is not None:
        sentences.append(_self_enforcement_sentence(result))
    return " ".join(s for s in sentences if s)


def _firsts(table: pd.DataFrame, value: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows that share the first rank, and the rest, in rank order."""
    ranked = table.dropna(subset=[value]).sort_values("rank", kind="stable")
    top = ranked["rank"].min()
    return ranked[ranked["rank"] == top], ranked[ranked["rank"] != top]


def _tournament_sentence(summary: pd.DataFrame) -> str:
    """Who ranks first, with the payoffs; in an asymmetric game, within each role (the two
    sides' payoffs come from different matrices and are not compared)."""
    if "role" not in summary or not summary["role"].astype(bool).any():
        return _ranking_clause(summary) + "."
    clauses = [_ranking_clause(group, f"among the {role} states, ")
               for role, group in summary.groupby("role", sort=False)]
    text = "; ".join(clauses) + "."
    return text[0].upper() + text[1:]


def _ranking_clause(summary: pd.DataFrame, among: str = "") -> str:
    first, rest = _firsts(summary, NET)
    if first.empty:
        return f"{among}no state played a counted match"
    payoffs = [f"{p:.{DIGITS}f}" for p in first[NET]]
    if len(first) == 1:
        text = (f"{among}**{first['strategy'].iloc[0]}** ranks first with a net payoff of "
                f"{payoffs[0]} per round")
    elif len(set(payoffs)) == 1:
        text = (f"{among}{_join(_bold(first['strategy']))} share the first rank with a net "
                f"payoff of {payoffs[0]} per round each")
    else:
        named = [f"**{s}** ({p})" for s, p in zip(first["strategy"], payoffs, strict=True)]
        text = f"{among}{_join(named)} share the first rank (net payoff per round)"
    behind = rest.head(2)
    if len(behind):
        text += ", ahead of " + _join([f"{s} ({p:.{DIGITS}f})" for s, p in
                                       zip(behind["strategy"], behind[NET], strict=True)])
    return text


def _two_population_sentence(survival) -> str:
    """Which profile the small-mutation limit favours, and whether each role cooperates."""
    profiles = survival.profiles
    top = profiles[profiles["survives"]]
    named = _join([f"(**{r}**, **{c}**)" for r, c in zip(top["row_strategy"],
                                                           top["column_strategy"], strict=True)])
    weight = top["stationary_weight"].iloc[0]
    population = survival.population
    rates = {role: population.loc[(population["role"] == role) & (
        population["measure"] == "stationary_cooperation_rate"), "value"].iloc[0]
        for role in survival.roles}
    kept = [f"the {role} population ({rate:.{DIGITS}f})" for role, rate in rates.items()
            if rate >= COOPERATIVE]
    lost = [f"the {role} population ({rate:.{DIGITS}f})" for role, rate in rates.items()
            if rate < COOPERATIVE]
    profile = "profile" if len(top) == 1 else "profiles"
    text = (f"Under evolution of the two populations, the small-mutation limit favours the "
            f"{profile} {named} (stationary weight {weight:.{DIGITS}f}"
            f"{' each' if len(top) > 1 else ''}); ")
    if not lost:
        return text + f"cooperation survives in both: {_join(kept)}."
    if not kept:
        return text + f"cooperation survives in neither: {_join(lost)}."
    return text + f"cooperation survives in {_join(kept)} but not in {_join(lost)}."


def _survival_sentence(survival) -> str:
    if survival.roles is not None:
        return _two_population_sentence(survival)
    table = survival.survival
    population = dict(zip(survival.population["measure"], survival.population["value"],
                          strict=True))
    rate = population["stationary_cooperation_rate"]
    first, _ = _firsts(table, "stationary_weight")
    weight = first["stationary_weight"].iloc[0]
    leaders = _join(_bold(first["strategy"]))
    text = (f"the small-mutation-limit ranking puts {leaders} first (stationary weight "
            f"{weight:.{DIGITS}f}{' each' if len(first) > 1 else ''}) and the surviving "
            f"population cooperates at a rate of {rate:.{DIGITS}f}")
    # selected above the uniform weight (beyond rounding: a neutral population favours none)
    favoured = table[table["stationary_weight"] > 1 / len(table) + 1e-9].sort_values(
        "rank", kind="stable")
    carriers = favoured[favoured["self_cooperation_rate"] >= COOPERATIVE]["strategy"].tolist()
    if rate >= COOPERATIVE:
        return ("Under evolution cooperation survives: " + text
                + (f", carried by {_join(carriers, 'survival.csv')}" if carriers else "") + ".")
    return "Under evolution cooperation does not survive: " + text + "."


def _self_enforcement_sentence(result) -> str:
    table = result.self_enforcement
    analysable = table[table["not_analysable"].fillna("") == ""]
    if analysable.empty:
        return ""
    m = result.config.match
    horizon = f"at δ = {m.continuation:g}" if m.continuation < 1 else f"over {m.turns} rounds"
    where = f"{horizon} and ε = {m.noise:g}"
    held = analysable[analysable["self_enforcing"].astype(str) == "True"]["strategy"].tolist()
    if not held:
        return (f"No strategy is self-enforcing {where}: against a copy of itself, each would "
                "gain by deviating.")
    text = f"Self-enforcing {where} (no deviation gains against a copy of itself): "
    text += ("only " if len(held) == 1 and len(analysable) > 1 else "") + _join(
        _bold(held), "self_enforcement.csv")
    if result.survival is None or result.survival.roles is not None:
        return text + "."  # two populations: a strategy never meets a copy of itself there
    rates = dict(zip(result.survival.survival["strategy"],
                     result.survival.survival["self_cooperation_rate"], strict=True))
    cooperating = [s for s in held if rates.get(s, 0.0) >= COOPERATIVE]
    if len(held) == 1:
        return text + (", which cooperates with itself." if cooperating else
                       ", which does not cooperate with itself.")
    if not cooperating:
        return text + ", none of which cooperates with itself."
    if len(cooperating) == len(held):
        return text + ", each cooperating with itself."
    verb = "cooperates with itself" if len(cooperating) == 1 else "cooperate with their own kind"
    return text + f"; of these, {_join(cooperating)} {verb}."


# --- how the numbers were obtained ------------------------------------------------------------


def interval_method() -> str:
    """How :mod:`tournaments.analysis.tables` computes its 95 % intervals, in its own words: the
    bullet of its docstring that defines them (the report quotes it rather than restating a
    method that may change)."""
    from tournaments.analysis import tables

    bullets = re.split(r"\n\s*\* ", tables.__doc__ or "")[1:]
    found = [b for b in bullets if "interval" in b.split(".")[0]]
    if not found:
        return "as `tournaments/analysis/tables.py` computes them."
    text = " ".join(found[0].split())
    text = text.replace("**", "").replace("``", "`")
    text = re.sub(r":\w+:`~?([^`]+)`", r"`\1`", text)  # reST roles as code
    return text[0].upper() + text[1:]


def describe_game(config) -> str:
    game = config.game.build()
    row, column = game.roles
    populations = (f"; two populations, {row} (row) against {column} (column)"
                   if config.two_populations else "")
    if game.symmetric:
        r, s, t, p = game.rstp
        return (f"`{game.name}`, symmetric: R = {r:g}, S = {s:g}, T = {t:g}, P = {p:g}"
                + populations)
    return (f"`{game.name}`, asymmetric: A (the {row} row player's payoffs) = "
            f"{game.A.tolist()}, B (the {column} column player's) = {game.B.tolist()}"
            + populations)


def describe_match(config) -> str:
    m = config.match
    if m.continuation < 1:
        expected = 1 / (1 - m.continuation)
        length = f"continuation δ = {m.continuation} (expected length {expected:.1f} rounds"
        length += f", capped at {m.turns})" if m.turns else ")"
    else:
        length = f"{m.turns} rounds per match"
    return (f"{length}; noise ε = {m.noise}; self-play {'on' if m.self_play else 'off'}; "
            f"transfer efficiency η = {config.transfer_efficiency}")


def describe_pairs(result) -> list[str]:
    """How each pairwise number was obtained: how many ordered pairs exactly, how many
    simulated (with their repetitions), and the interval method where there is sampling."""
    pairwise, m = result.pairwise, result.config.match
    total = len(pairwise)
    exact = int((pairwise["engine"] == "exact").sum())
    simulated = total - exact
    solved = ("solved exactly (the limit of the estimator, from the Markov chain of the pair's "
              "finite-state forms: no sampling error, so no interval — `exact` in the tables)")
    if not simulated:
        return [f"Pairs: all {total} ordered pairs of states {solved}."]
    lines = [f"Pairs: {exact} of the {total} ordered pairs of states {solved}; " if exact else
             f"Pairs: all {total} ordered pairs of states "]
    lines[0] += (f"{simulated} simulated with axelrod's `Match`, {m.repetitions} repetition"
                 f"{'s' if m.repetitions != 1 else ''} each (engine `{m.engine}`), their payoff "
                 "per round estimated over the repetitions as total payoff / total rounds.")
    lines.append(f"Intervals (simulated pairs only): {interval_method()}")
    return lines


def how_obtained(result) -> list:
    config = result.config
    counted = result.summary["opponents"]
    opponents = (f"{int(counted.iloc[0])} opponents" if counted.nunique() == 1
                 else f"{int(counted.min())}–{int(counted.max())} opponents")
    return [
        Heading(2, "How the numbers were obtained"),
        Bullets((
            f"Game: {describe_game(config)}.",
            f"Matches: {describe_match(config)}.",
            f"Roster: {len(result.entries)} states; root seed {config.seed}.",
            *describe_pairs(result),
            "Payoffs are net per round (stage payoff − payments made + payments received − "
            "sanction costs − sanctions suffered); a state's ranking payoff is the mean of its "
            f"pairwise payoffs over its {opponents} (itself "
            f"{'included' if config.match.self_play else 'excluded'}, only pairs the topology "
            "links)" + ("; `discounted_payoff` is each state's own γ-weighted valuation, "
                        "never ranked" if "discounted_payoff" in result.summary else "") + ".",
        )),
    ]


# --- sections ---------------------------------------------------------------------------------


def ranking_section(result) -> list:
    summary = result.summary
    simulated = (summary["engine"] != "exact").any()
    whiskers = ("whiskers: 95 % intervals of simulated payoffs" + (
        "; exact payoffs have none" if (summary["engine"] == "exact").any() else "")
        if simulated else "every pair exact, so no interval")
    text = ("States by net payoff per round, averaged over their opponents. `interval`: the 95 % "
            "interval, or `exact` for a state whose pairs were all solved exactly.")
    if money_columns(summary):
        text += (" Money columns (per round) are shown where some state's is non-zero; "
                 "`mean_payoff` = `gross_payoff` − `paid` + `received` − `sanction_cost` − "
                 "`sanction_suffered`.")
    if result.self_enforcement is not None:
        text += (" `self_enforcing`: whether the strategy is an equilibrium of the repeated game "
                 "at this δ and ε — no deviation from it gains against a copy of it (see "
                 "Self-enforcement).")
    return [
        Heading(2, "Ranking"), Paragraph(text), *_ranking_tables(result),
        Image("ranking", "ranking", f"Net payoff per round of each state; {whiskers}."),
        Heading(2, "Pairwise payoffs"),
        Image("payoff_heatmap", "pairwise payoffs",
              "The row state's net payoff per round against the column state (`pairwise.csv`); "
              "the diagonal is a state against a copy of itself, played for the survival "
              "analysis and counted in the ranking only with `match.self_play`."),
    ]


def survival_section(result) -> list:
    """Which states' cooperation survives under evolution, and why."""
    s = result.survival
    if s is None:
        return []
    if s.roles is not None:
        return two_population_section(result)
    evo = result.config.evolution
    population = dict(zip(s.population["measure"], s.population["value"], strict=True))
    k = len(s.survival)
    blocks = [
        Heading(2, "Survival"),
        Paragraph(
            "Does cooperation survive when states imitate what pays? In a population of N = "
            f"{evo.population_size} with selection intensity w = {evo.selection_intensity} "
            "(fitness 1 − w + w·π, π the net payoff per round of the pairwise table, exact "
            "where the pair is), `stationary_weight` is the share of time the population spends "
            "as each strategy in the small-mutation limit. `invades`: residents a single mutant "
            "of the strategy takes over with more than the neutral probability 1/N; "
            "`invaded_by`: mutants that take it over so; `ecological_share`: its share after "
            f"{evo.generations} generations of the ecological dynamics, starting from the "
            "roster's counts. Cooperation counts as surviving when the surviving population "
            f"cooperates at a rate of at least {COOPERATIVE}; the strategies that carry it are "
            f"those selected above the uniform weight 1/{k} whose `self_cooperation_rate` is at "
            f"least {COOPERATIVE}."),
        Table(s.survival),
        Bullets((
            "Cooperation rate of the surviving population, small-mutation limit (a population "
            "is almost always of one strategy, which meets itself): "
            f"**{population['stationary_cooperation_rate']:.{DIGITS}f}**.",
            "Cooperation rate of the population at the end of the ecological dynamics: "
            f"**{population['ecological_cooperation_rate']:.{DIGITS}f}**.",
            *s.notes)),
        Image("ecology", "ecological dynamics",
              "Population shares over the generations of the ecological dynamics (axelrod's "
              "`Ecosystem`, fitness 1 − w + w·π) from the roster's counts, stacked in the "
              "legend's order."),
        Image("invasion", "invasion",
              "Fixation probability of a single mutant (row) among N − 1 residents (column), "
              "as a multiple of the neutral 1/N: the cells print it, the colour shows it on a "
              "log scale (red: above neutral, the mutant invades; blue: below; beyond "
              "100× or 1/100× the colour saturates). The diagonal is empty."),
        Image("ranking_sensitivity", "ranking sensitivity",
              "Stationary weight of each strategy in the small-mutation limit against the "
              "selection intensity w (log scale); the dotted line marks the configured w. "
              "Exact values, no band; each strategy has its own marker and dashes, so lines "
              "that coincide stay visible."),
    ]
    return blocks + moran_section(result)


def moran_section(result) -> list:
    """The seeded Moran runs of ``kind: moran``: how often each strategy (with two populations,
    each profile) fixated."""
    if result.moran_runs is None:
        return []
    runs, evo = result.moran_runs, result.config.evolution
    fixed = runs[runs["fixated"].astype(str) == "True"]
    if "winner" in runs:
        process = (f"axelrod's `MoranProcess` from the roster's counts (mutation rate "
                   f"{evo.mutation_rate}, topology `{result.config.topology.kind}`)")
        counts = fixed["winner"].value_counts()
        table = pd.DataFrame({"strategy": counts.index, "fixations": counts.values})
    else:
        row, column = result.survival.roles
        process = ("the two-population Moran process from the roster's counts (every member "
                   "meets every member of the other population; a step replaces one member of "
                   "one population, chosen in proportion to its size; no mutation)")
        counts = fixed.groupby(["row_winner", "column_winner"], sort=False).size()
        counts = counts.sort_values(ascending=False, kind="stable")
        table = pd.DataFrame({row: counts.index.get_level_values(0),
                              column: counts.index.get_level_values(1),
                              "fixations": counts.values})
    table["share_of_runs"] = table["fixations"] / len(runs)
    return [
        Heading(2, "Moran process"),
        Paragraph(f"{len(runs)} seeded runs of {process}; {len(fixed)} fixated within "
                  f"{evo.generations} steps."),
        Table(table),
        Image("moran", "Moran process",
              "Left: mean share of each strategy over the runs at each step (a run that "
              "fixated keeps its final population). Right: the runs each strategy (or "
              "profile) fixated in."),
    ]


def self_enforcement_section(result) -> list:
    """Which strategies are equilibria of the repeated game at the run's δ and ε."""
    table = result.self_enforcement
    if table is None:
        return []
    m = result.config.match
    horizon = (f"over {m.turns} rounds (a fixed end: the best response plays an end game)"
               if m.continuation >= 1 else
               f"with continuation δ = {m.continuation}" + (f", capped at {m.turns} rounds"
                                                            if m.turns else ""))
    held = table[table["self_enforcing"].astype(str) == "True"]["strategy"].tolist()
    return [
        Heading(2, "Self-enforcement"),
        Paragraph(
            "Is cooperation self-enforcing — would a state gain by deviating from its strategy "
            "against a copy of it? The best response to each strategy is solved exactly as a "
            f"decision problem over the strategy's states, {horizon} and noise ε = {m.noise}; "
            "the deviator may play any sequence of actions and makes no payments or sanctions "
            "of its own. Self-enforcing here: "
            + (", ".join(_bold(held)) if held else "**none**") + ". "
            "`best_response`: the deviator's action in each of the strategy's states, written "
            "`state(probability the strategy cooperates there)→action`. "
            "`tournaments equilibria CONFIG --repeated` adds the critical δ of each."),
        Table(table, digits=4),
    ]


def two_population_section(result) -> list:
    """The survival analysis of two populations, one per role."""
    s, evo = result.survival, result.config.evolution
    row, column = s.roles
    population = s.population
    rates = {(m, r): v for m, r, v in zip(population["measure"], population["role"],
                                          population["value"], strict=True)}
    bullets = [f"The {role} population cooperates at a rate of "
               f"**{rates[('stationary_cooperation_rate', role)]:.{DIGITS}f}** in the "
               "small-mutation limit and "
               f"**{rates[('ecological_cooperation_rate', role)]:.{DIGITS}f}** at the end of "
               "the ecological dynamics." for role in s.roles]
    return [
        Heading(2, "Survival"),
        Paragraph(
            f"The roster is two populations that never trade places: {row} states (the row "
            f"player) and {column} states (the column player), each of N = "
            f"{evo.population_size} members who meet only the other population. A mutant "
            "arises in one population while the other is held at one strategy; it takes over "
            "with the fixation probability of the Moran process with fitness 1 − w + w·π "
            f"(w = {evo.selection_intensity}, π its net payoff per round against the other "
            "population's strategy, exact where the pair is). In the small-mutation limit "
            "both populations are almost always of one strategy each — a *profile* — and "
            "`profiles.csv` gives the share of time spent in each (the multi-population "
            "α-Rank chain, every single-population deviation equally likely). Within each "
            "role, `stationary_weight` is that role's marginal and `rank` ranks by it; "
            "`invades`: resident profiles in which a single mutant of the strategy fixes with "
            "more than the neutral 1/N; `invaded_by`: (mutant, other population's strategy) "
            "pairs that so take over its population; `ecological_share`: its share of its "
            f"population after {evo.generations} generations of the two-population replicator "
            "map from the roster's counts. Cooperation counts as surviving in a role when that "
            f"population cooperates at a rate of at least {COOPERATIVE}."),
        Table(s.survival),
        Bullets((*bullets, *s.notes)),
        Image("profiles", "profiles",
              f"Stationary weight of every profile ({row} strategy down, {column} strategy "
              "across) in the small-mutation limit; the surviving profile (largest weight) is "
              "framed and starred."),
        Image("response_graph", "response graph",
              "Profiles as dots (area: stationary weight); an arrow leads from a profile to "
              "the one a single mutant reaches where it fixes with more than the neutral "
              f"probability 1/N (solid: a {row} mutant, dashed: a {column} mutant); ringed: "
              "the surviving profiles."),
        Image("ecology", "ecological dynamics",
              "Each population's shares over the generations of the two-population replicator "
              "map (fitness 1 − w + w·π, both populations updated together) from the roster's "
              "counts, stacked in the legend's order."),
        Image("ranking_sensitivity", "ranking sensitivity",
              "Each role's marginal stationary weight of its strategies against the selection "
              "intensity w (log scale); the dotted line marks the configured w. Exact values, "
              "no band."),
        *moran_section(result),
    ]


def report_blocks(result) -> list:
    """The report, block by block (rendered by :func:`tournament_report` and
    :func:`html_report`)."""
    config = result.config
    blocks = [Heading(1, config.name), Paragraph(headline(result), lead=True),
              Paragraph(" ".join(config.description.split()) or "A migration tournament."),
              *how_obtained(result), *ranking_section(result), *survival_section(result),
              *self_enforcement_section(result)]
    if result.warnings:
        blocks += [Heading(2, "Warnings"), Bullets(tuple(result.warnings))]
    formats = " and ".join(f".{f}" for f in config.output.figure_formats)
    files = ["`config.yaml` (resolved config)", "`summary.csv`", "`pairwise.csv`"]
    if result.survival is not None:
        files += [f"`{n}`" for n in ("survival.csv", "invasion.csv", "ecology.csv",
                                     "ranking_sensitivity.csv", "population.csv")]
        if result.survival.profiles is not None:
            files.append("`profiles.csv`")
    if result.moran_runs is not None:
        files += ["`moran.csv`", "`moran_populations.csv`"]
    if result.self_enforcement is not None:
        files.append("`self_enforcement.csv`")
    files += [f"`{n}` (booktabs LaTeX, {DIGITS} decimals)" for n in latex_names(result)]
    files += [f"figures ({formats}, {config.output.dpi} dpi for PNG)",
              "`report.md` and `report.html` (this report; the HTML embeds the figures)",
              "`manifest.json` (seed, versions, git commit, file hashes)"]
    blocks += [Heading(2, "Files"), Paragraph(", ".join(files) + ".")]
    return blocks


# --- Markdown ---------------------------------------------------------------------------------


def figure_file(config, stem: str) -> str:
    """The file a Markdown report shows for a figure: PNG if written, else SVG, else PDF."""
    formats = config.output.figure_formats
    return f"{stem}.{next(f for f in ('png', 'svg', 'pdf') if f in formats)}"


def tournament_report(result) -> str:
    """The text of ``report.md``."""
    lines = []
    for block in report_blocks(result):
        if isinstance(block, Heading):
            lines.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Bullets):
            lines.append("\n".join(f"- {item}" for item in block.items))
        elif isinstance(block, Table):
            lines.append(markdown_table(block.frame, block.digits))
        else:
            lines.append(f"![{block.title}]({figure_file(result.config, block.stem)})\n\n"
                         f"*Figure: {block.caption}*")
        lines.append("")
    return "\n".join(lines)


# --- HTML -------------------------------------------------------------------------------------

_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 64em;
       margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; }
h1, h2 { line-height: 1.2; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
p.headline { font-size: 1.1em; background: #f4f7fb; border-left: 4px solid #3a6ea5;
             padding: .6em 1em; }
table { border-collapse: collapse; margin: 1em 0; font-size: .9em; display: block;
        overflow-x: auto; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: right; }
th { background: #f0f0f0; } td.text { text-align: left; }
code { background: #f3f3f3; padding: 0 .2em; border-radius: 3px; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: .9em; color: #555; }
"""


def inline_html(text: str) -> str:
    """Markdown's inline ``**bold**`` and ```code``` as HTML, everything else escaped."""
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)


def html_table(frame: pd.DataFrame, digits: int = DIGITS) -> str:
    """A table as HTML: numbers right-aligned, text left-aligned."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False):
        cells = []
        for value in row:
            text = html.escape(cell(value, digits))
            numeric = pd.api.types.is_number(value) and not pd.api.types.is_bool(value)
            cells.append(f"<td>{text}</td>" if numeric else f'<td class="text">{text}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(rows)
            + "\n</tbody>\n</table>")


def html_blocks(blocks: list, images: dict[str, bytes]) -> list[str]:
    """HTML of blocks; an :class:`Image` is embedded from ``images`` (stem → PNG bytes) as a
    data URI, and left out if it has no image."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{inline_html(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            css = ' class="headline"' if block.lead else ""
            parts.append(f"<p{css}>{inline_html(block.text)}</p>")
        elif isinstance(block, Bullets):
            parts.append("<ul>\n" + "\n".join(f"<li>{inline_html(i)}</li>" for i in block.items)
                         + "\n</ul>")
        elif isinstance(block, Table):
            parts.append(html_table(block.frame, block.digits))
        elif block.stem in images:
            data = base64.b64encode(images[block.stem]).decode("ascii")
            parts.append(f'<figure>\n<img alt="{html.escape(block.title)}" '
                         f'src="data:image/png;base64,{data}">\n'
                         f"<figcaption>{inline_html(block.caption)}</figcaption>\n</figure>")
    return parts


def html_report(result, images: dict[str, bytes]) -> str:
    """The text of ``report.html``: the report of :func:`tournament_report` as one page with its
    figures (``images``: stem → PNG bytes) embedded, no external reference."""
    body = "\n".join(html_blocks(report_blocks(result), images))
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{html.escape(result.config.name)}</title>\n<style>{_STYLE}</style>\n"
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def summary_html(result) -> str:
    """A notebook's view of a result: its name, the headline, how the pairs were computed and
    the compact ranking."""
    blocks = [Heading(3, result.config.name), Paragraph(headline(result), lead=True),
              Paragraph(describe_pairs(result)[0]), Table(ranking_table(result, compact=True))]
    return "\n".join(html_blocks(blocks, {}))


# --- LaTeX ------------------------------------------------------------------------------------

_LATEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                  "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                  "^": r"\textasciicircum{}"}


def latex_escape(text: str) -> str:
    """Text with LaTeX's special characters escaped (in one pass)."""
    return "".join(_LATEX_SPECIAL.get(char, char) for char in str(text))


def latex_table(frame: pd.DataFrame, digits: int = DIGITS, *, source: str = "") -> str:
    """A booktabs ``tabular`` (``\\usepackage{booktabs}``): numbers right-aligned to
    ``digits`` decimals (a minus as ``$-$``), text left-aligned and escaped, headers as the
    CSV's column names."""
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(
        frame[c]) for c in frame.columns]

    def entry(value, is_number: bool) -> str:
        text = cell(value, digits)
        if is_number:
            return text.replace("-", "$-$", 1) if text.startswith("-") else text
        return latex_escape(text)

    lines = [f"% {source}: {DIGITS} decimals; needs \\usepackage{{booktabs}}" if source else
             "% needs \\usepackage{booktabs}",
             "\\begin{tabular}{" + "".join("r" if n else "l" for n in numeric) + "}",
             "\\toprule",
             " & ".join(latex_escape(c) for c in frame.columns) + " \\\\",
             "\\midrule"]
    lines += [" & ".join(entry(v, n) for v, n in zip(row, numeric, strict=True)) + " \\\\"
              for row in frame.itertuples(index=False)]
    lines += ["\\bottomrule", "\\end{tabular}", ""]
    return "\n".join(lines)


def latex_names(result) -> list[str]:
    return ["summary.tex", *(["survival.tex"] if result.survival is not None else [])]


def latex_tables(result) -> dict[str, str]:
    """``summary.tex`` (the report's ranking table) and, for a symmetric game, ``survival.tex``
    (``survival.csv``), as booktabs LaTeX."""
    tables = {"summary.tex": latex_table(ranking_table(result), source="summary.csv")}
    if result.survival is not None:
        tables["survival.tex"] = latex_table(result.survival.survival, source="survival.csv")
    return tables
