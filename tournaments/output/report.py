"""``report.md``: what a person reads first."""

from __future__ import annotations

import math

import pandas as pd


def markdown_table(frame: pd.DataFrame, digits: int = 3) -> str:
    """A GitHub-flavoured Markdown table (no extra dependency)."""

    def cell(value) -> str:
        if isinstance(value, float):
            return "" if math.isnan(value) else f"{value:.{digits}f}"
        return str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(frame.columns) + " |",
             "|" + "|".join("---" for _ in frame.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |"
              for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def describe_match(config) -> str:
    m = config.match
    if m.continuation < 1:
        expected = 1 / (1 - m.continuation)
        length = f"continuation δ = {m.continuation} (expected length {expected:.1f} rounds"
        length += f", capped at {m.turns})" if m.turns else ")"
    else:
        length = f"{m.turns} rounds per match"
    return (f"{length}; noise ε = {m.noise}; {m.repetitions} repetitions per pair; "
            f"self-play {'on' if m.self_play else 'off'}; transfer efficiency η = "
            f"{config.transfer_efficiency}")


def describe_game(config) -> str:
    game = config.game.build()
    if game.symmetric:
        r, s, t, p = game.rstp
        return f"`{game.name}`, symmetric: R = {r:g}, S = {s:g}, T = {t:g}, P = {p:g}"
    return (f"`{game.name}`, asymmetric (receiving state = row): A = {game.A.tolist()}, "
            f"B = {game.B.tolist()}")


def describe_engines(pairwise: pd.DataFrame) -> str:
    counts = pairwise["engine"].value_counts()
    parts = []
    if counts.get("exact", 0):
        parts.append(f"{counts['exact']} ordered pairs solved exactly (Markov chain of the "
                     "pair's finite-state forms: no sampling error)")
    if counts.get("simulate", 0):
        parts.append(f"{counts['simulate']} ordered pairs simulated with axelrod")
    return "; ".join(parts)


def survival_section(result) -> list[str]:
    """Which states' cooperation survives under evolution, and why."""
    s = result.survival
    if s is None:
        return ["## Survival", "",
                "No evolutionary analysis: the game is asymmetric (receiving and sending states "
                "form two populations, which the single-population analysis does not cover).", ""]
    evo = result.config.evolution
    population = dict(zip(s.population["measure"], s.population["value"], strict=True))
    top = s.survival.iloc[0]
    lines = [
        "## Survival",
        "",
        f"Does cooperation survive when states imitate what pays? In a population of N = "
        f"{evo.population_size} with selection intensity w = {evo.selection_intensity} (fitness "
        "1 − w + w·π, π the net payoff per round), the small-mutation-limit ranking puts "
        f"**{top['strategy']}** first (stationary weight {top['stationary_weight']:.3f}). "
        "`invades`: residents a single mutant of the strategy takes over with more than the "
        "neutral probability 1/N; `invaded_by`: mutants that take it over so; "
        f"`ecological_share`: its share after {evo.generations} generations of the ecological "
        "dynamics, starting from the roster's counts.",
        "",
        markdown_table(s.survival),
        "",
        f"- Cooperation rate of the surviving population, small-mutation limit (a population is "
        f"almost always of one strategy, which meets itself): "
        f"**{population['stationary_cooperation_rate']:.3f}**.",
        f"- Cooperation rate of the population at the end of the ecological dynamics: "
        f"**{population['ecological_cooperation_rate']:.3f}**.",
        *[f"- {note}" for note in s.notes],
        "",
        "![ecological dynamics](ecology.png)",
        "",
        "![invasion](invasion.png)",
        "",
        "![ranking sensitivity](ranking_sensitivity.png)",
        "",
    ]
    if result.moran_runs is not None:
        runs = result.moran_runs
        fixed = runs[runs["fixated"].astype(str) == "True"]
        counts = fixed["winner"].value_counts()
        lines += [
            "## Moran process",
            "",
            f"{len(runs)} seeded runs of axelrod's `MoranProcess` from the roster's counts "
            f"(mutation rate {evo.mutation_rate}, topology `{result.config.topology.kind}`); "
            f"{len(fixed)} fixated within {evo.generations} steps.",
            "",
            markdown_table(pd.DataFrame({"strategy": counts.index, "fixations": counts.values,
                                         "share_of_runs": counts.values / len(runs)})),
            "",
            "![Moran process](moran.png)",
            "",
        ]
    return lines


def self_enforcement_section(result) -> list[str]:
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
        "## Self-enforcement",
        "",
        f"Is cooperation self-enforcing — would a state gain by deviating from its strategy "
        f"against a copy of it? The best response to each strategy is solved exactly as a "
        f"decision problem over the strategy's states, {horizon} and noise ε = {m.noise}; the "
        "deviator may play any sequence of actions and makes no payments or sanctions of its "
        "own. Self-enforcing here: "
        + (", ".join(f"**{s}**" for s in held) if held else "**none**") + ". "
        "`best_response`: the deviator's action in each of the strategy's states, written "
        "`state(probability the strategy cooperates there)→action`. "
        "`tournaments equilibria CONFIG --repeated` adds the critical δ of each.",
        "",
        markdown_table(table, digits=4),
        "",
    ]


def tournament_report(result) -> str:
    config = result.config
    shown = ["rank", "strategy", "mean_payoff", "ci_low", "ci_high", "cooperation_rate",
             "mutual_cooperation_rate", "wins", "gross_payoff", "paid", "received"]
    summary = result.summary
    shown += [c for c in ("sanction_cost", "sanction_suffered") if summary[c].abs().sum() > 0]
    shown += [c for c in ("club", "role") if summary[c].astype(bool).any()]
    if result.self_enforcement is not None:
        verdict = {row.strategy: "" if row.not_analysable else
                   ("yes" if row.self_enforcing else "no")
                   for row in result.self_enforcement.itertuples(index=False)}
        summary = summary.assign(self_enforcing=summary["strategy"].map(verdict).fillna(""))
        shown.append("self_enforcing")
    lines = [
        f"# {config.name}",
        "",
        config.description.strip() or "A migration tournament.",
        "",
        "## What ran",
        "",
        f"- Game: {describe_game(config)}.",
        f"- Matches: {describe_match(config)}.",
        f"- Roster: {len(result.entries)} states; root seed {config.seed}.",
        f"- Engine `{config.match.engine}`: {describe_engines(result.pairwise)}.",
        "",
        "## Ranking",
        "",
        "Net payoff per round (stage payoff − payments made + payments received − sanction "
        "costs − sanctions suffered), estimated over repetitions as total payoff / total rounds "
        "(γ-weighted for states with a discount), averaged over each state's opponents; 95 % "
        "intervals by the delta method over repetitions."
        + (" `self_enforcing`: whether the strategy is an equilibrium of the repeated game at "
           "this δ and ε — no deviation from it gains against a copy of it (see Self-"
           "enforcement)." if result.self_enforcement is not None else ""),
        "",
        markdown_table(summary[shown]),
        "",
        "![ranking](ranking.png)",
        "",
        "## Pairwise payoffs",
        "",
        "Row state's net payoff per round against the column state (`pairwise.csv`).",
        "",
        "![pairwise payoffs](payoff_heatmap.png)",
        "",
    ]
    lines += survival_section(result)
    lines += self_enforcement_section(result)
    if result.warnings:
        lines += ["## Warnings", "", *[f"- {w}" for w in result.warnings], ""]
    lines += ["## Files", "",
              "`config.yaml` (resolved config), `summary.csv`, `pairwise.csv`, "
              + ("`survival.csv`, `invasion.csv`, `ecology.csv`, `ranking_sensitivity.csv`, "
                 "`population.csv`, " if result.survival is not None else "")
              + ("`moran.csv`, `moran_populations.csv`, " if result.moran_runs is not None
                 else "")
              + ("`self_enforcement.csv`, " if result.self_enforcement is not None else "")
              + "figures, `manifest.json` (seed, versions, git commit, file hashes).", ""]
    return "\n".join(lines)
