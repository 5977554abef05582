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


def tournament_report(result) -> str:
    config = result.config
    shown = ["rank", "strategy", "mean_payoff", "ci_low", "ci_high", "cooperation_rate",
             "mutual_cooperation_rate", "wins", "gross_payoff", "paid", "received"]
    summary = result.summary
    shown += [c for c in ("sanction_cost", "sanction_suffered") if summary[c].abs().sum() > 0]
    shown += [c for c in ("club", "role") if summary[c].astype(bool).any()]
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
        "intervals by the delta method over repetitions.",
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
    if result.warnings:
        lines += ["## Warnings", "", *[f"- {w}" for w in result.warnings], ""]
    lines += ["## Files", "",
              "`config.yaml` (resolved config), `summary.csv`, `pairwise.csv`, figures, "
              "`manifest.json` (seed, versions, git commit, file hashes).", ""]
    return "\n".join(lines)
