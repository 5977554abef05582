"""report.md, report.html, the LaTeX tables and the terminal ranking: what they say and that they
say it from the numbers of the run."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from tournaments import api
from tournaments.cli import cli
from tournaments.output import report

#: Cooperator, Defector and Tit For Tat over 10 fixed rounds without noise: every number is a
#: fraction of the PD's payoffs (R 3, S 0, T 5, P 1).
HAND = {"name": "hand", "roster": [{"strategy": "Cooperator"}, {"strategy": "Defector"},
                                   {"strategy": "Tit For Tat"}], "match": {"turns": 10}}
#: Row player's payoff per round against the column player, by hand: Tit For Tat against
#: Defector is exploited once and then punishes, (0 + 9·1)/10, and Defector gets (5 + 9·1)/10.
HAND_PAYOFFS = np.array([[3.0, 0.0, 3.0],
                         [5.0, 1.0, 1.4],
                         [3.0, 0.9, 3.0]])
HAND_SELF_COOPERATION = np.array([1.0, 0.0, 1.0])


def stationary_oracle(payoffs: np.ndarray, n: int, w: float) -> np.ndarray:
    """The small-mutation-limit stationary distribution, computed independently: fixation
    probabilities of the frequency-dependent Moran process (Nowak et al. 2004) by the product
    formula in plain floats, the embedded chain over monomorphic states and its left
    eigenvector."""
    k = len(payoffs)

    def rho(mutant: int, resident: int) -> float:
        total, product = 1.0, 1.0
        for i in range(1, n):  # i mutants among n
            f_mut = 1 - w + w * ((i - 1) * payoffs[mutant, mutant]
                                 + (n - i) * payoffs[mutant, resident]) / (n - 1)
            f_res = 1 - w + w * (i * payoffs[resident, mutant]
                                 + (n - i - 1) * payoffs[resident, resident]) / (n - 1)
            product *= f_res / f_mut
            total += product
        return 1 / total

    chain = np.zeros((k, k))
    for resident in range(k):
        for mutant in range(k):
            if mutant != resident:
                chain[resident, mutant] = rho(mutant, resident) / (k - 1)
        chain[resident, resident] = 1 - chain[resident].sum()
    values, vectors = np.linalg.eig(chain.T)
    weights = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    return weights / weights.sum()


@pytest.fixture(scope="module")
def hand():
    return api.run(HAND, progress=False)


def test_the_headline_says_what_ranks_first_whether_cooperation_survives_and_who_enforces(hand):
    labels = ["Cooperator", "Defector", "Tit For Tat"]
    # the tournament: means over the two opponents, by hand
    assert hand.headline().startswith(
        "**Defector** ranks first with a net payoff of 3.200 per round, ahead of Tit For Tat "
        "(1.950) and Cooperator (1.500).")
    # evolution: an independent oracle of the stationary ranking on the hand-made matrix
    weights = stationary_oracle(HAND_PAYOFFS, n=20, w=0.1)
    rate = float(weights @ HAND_SELF_COOPERATION)
    first = labels[int(np.argmax(weights))]
    carriers = [labels[i] for i in np.argsort(-weights)
                if weights[i] > 1 / 3 and HAND_SELF_COOPERATION[i] >= 0.5]
    assert rate >= 0.5 and first == "Tit For Tat" and carriers == ["Tit For Tat"]
    assert (f"Under evolution cooperation survives: the small-mutation-limit ranking puts "
            f"**{first}** first (stationary weight {weights.max():.3f}) and the surviving "
            f"population cooperates at a rate of {rate:.3f}, carried by Tit For Tat.") \
        in hand.headline()
    # self-enforcement: over 10 fixed rounds only always-defect is a best response to itself
    # (a deviation from Tit For Tat defects in the last round: (9·3 + 5)/10 − 3 = 0.2)
    assert hand.headline().endswith(
        "Self-enforcing over 10 rounds and ε = 0 (no deviation gains against a copy of itself): "
        "only **Defector**, which does not cooperate with itself.")
    text = hand.report()
    assert text.startswith("# hand\n\n" + hand.headline() + "\n")


def test_a_population_of_defectors_is_reported_as_cooperation_not_surviving():
    run = api.run({"name": "defect", "roster": [{"strategy": "Cooperator"},
                                                {"strategy": "Defector"}],
                   "match": {"turns": 10}}, progress=False)
    payoffs = np.array([[3.0, 0.0], [5.0, 1.0]])
    weights = stationary_oracle(payoffs, n=20, w=0.1)
    assert weights[1] > 0.5
    assert (f"Under evolution cooperation does not survive: the small-mutation-limit ranking "
            f"puts **Defector** first (stationary weight {weights[1]:.3f}) and the surviving "
            f"population cooperates at a rate of {weights[0]:.3f}.") in run.headline()


def test_tied_states_share_the_first_rank_in_the_headline():
    summary = pd.DataFrame({"rank": [1, 1, 3], "strategy": ["A", "B", "C"],
                            "mean_payoff": [3.0, 3.0, 1.25]})
    assert report._tournament_sentence(summary) == (
        "**A** and **B** share the first rank with a net payoff of 3.000 per round each, ahead "
        "of C (1.250).")


def test_an_asymmetric_game_is_ranked_within_each_role():
    summary = pd.DataFrame({"rank": [1, 2, 3, 4], "strategy": ["L1", "P1", "P2", "L2"],
                            "mean_payoff": [2.95, 2.7, 2.5, 2.05],
                            "role": ["leader", "public", "public", "leader"]})
    assert report._tournament_sentence(summary) == (
        "Among the leader states, **L1** ranks first with a net payoff of 2.950 per round, "
        "ahead of L2 (2.050); among the public states, **P1** ranks first with a net payoff "
        "of 2.700 per round, ahead of P2 (2.500).")


def test_the_report_says_how_every_number_was_obtained(hand):
    text = hand.report()
    assert "all 9 ordered pairs of states solved exactly" in text
    assert "repetition" not in text.split("## Ranking")[0]  # no sampling, no repetitions
    assert "Intervals (simulated pairs only)" not in text
    assert "| 1 | Defector | 3.200 | exact |" in text

    simulated = api.run({**HAND, "match": {"turns": 10, "noise": 0.1, "repetitions": 4,
                                           "engine": "simulate"}}, progress=False)
    text = simulated.report()
    assert "9 simulated with axelrod's `Match`, 4 repetitions each" in text
    # the interval method is quoted from the tables module, whatever it is
    method = report.interval_method()
    assert f"Intervals (simulated pairs only): {method}" in text
    from tournaments.analysis import tables

    quoted, source = (re.findall(r"\w+", text.lower()) for text in (method, tables.__doc__))
    position = source.index(quoted[0])  # every word of it, in the docstring's order
    for word in quoted[1:]:
        position = source.index(word, position + 1)
    # each interval is the summary's, to three decimals
    for row in simulated.summary.itertuples():
        assert f"| {row.rank} | {row.strategy} | {row.mean_payoff:.3f} | " \
               f"[{row.ci_low:.3f}, {row.ci_high:.3f}] |" in text


def test_report_html_is_the_report_offline_with_the_figures_it_embeds(tmp_path):
    first = api.save(api.run(HAND, progress=False), tmp_path / "a")
    second = api.save(api.run(HAND, progress=False), tmp_path / "b")
    page = (first / "report.html").read_bytes()
    assert page == (second / "report.html").read_bytes()
    assert (first / "report.md").read_bytes() == (second / "report.md").read_bytes()
    text = page.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?:|<script|<link|@import|url\(", text)
    sources = re.findall(r'<img alt="[^"]*" src="([^"]*)">', text)
    pngs = sorted(p.name for p in first.glob("*.png"))
    assert len(sources) == len(pngs) == 5
    embedded = {base64.b64decode(s.removeprefix("data:image/png;base64,")) for s in sources}
    assert embedded == {(first / name).read_bytes() for name in pngs}
    # the same headline and tables as report.md
    assert "<strong>Defector</strong> ranks first with a net payoff of 3.200 per round" in text
    assert "<td>3.200</td>" in text


def latex_rows(text: str) -> tuple[list[str], list[list[str]]]:
    body = text.split("\\midrule\n")[1].split("\\bottomrule")[0]
    header = text.split("\\toprule\n")[1].split(" \\\\")[0]

    def unescape(cell: str) -> str:
        return (cell.replace("\\_", "_").replace("\\&", "&").replace("\\%", "%")
                .replace("$-$", "-"))

    columns = [unescape(c.strip()) for c in header.split(" & ")]
    rows = [[unescape(c.strip()) for c in line.removesuffix(" \\\\").split(" & ")]
            for line in body.strip().splitlines()]
    return columns, rows


def test_latex_tables_hold_the_numbers_of_the_csvs(tmp_path):
    config = {"name": "latex", "roster": [
        {"strategy": "suasion", "params": {"payment": 0.5}, "label": "Pays_50% & more"},
        {"strategy": "Defector"}, {"strategy": "Tit For Tat"}],
        "match": {"continuation": 0.9, "noise": 0.02}}
    out = api.save(api.run(config, progress=False), tmp_path / "run")
    for tex, csv, key in (("summary.tex", "summary.csv", "strategy"),
                          ("survival.tex", "survival.csv", "strategy")):
        text = (out / tex).read_text()
        assert "\\toprule" in text and "\\midrule" in text and "\\bottomrule" in text
        assert "Pays\\_50\\% \\& more" in text  # escaped in one pass
        columns, rows = latex_rows(text)
        table = pd.read_csv(out / csv).set_index(key)
        compared = 0
        for row in rows:
            cells = dict(zip(columns, row, strict=True))
            source = table.loc[cells[key]]
            for column, value in cells.items():
                if column in table.columns and pd.api.types.is_float_dtype(table[column]):
                    assert value == f"{source[column]:.3f}", (tex, column, cells[key])
                    compared += 1
                elif column in table.columns and pd.api.types.is_integer_dtype(table[column]):
                    assert int(value) == source[column]
        assert compared >= 3 * len(rows)


def test_latex_escapes_every_special_character():
    assert report.latex_escape("a_b & 5% $x #1 {y} ~z ^w \\v") == (
        "a\\_b \\& 5\\% \\$x \\#1 \\{y\\} \\textasciitilde{}z \\textasciicircum{}w "
        "\\textbackslash{}v")


def test_the_terminal_ranking_shows_every_non_zero_money_column(tmp_path):
    config = tmp_path / "linkage.yaml"
    config.write_text("name: linkage\nroster:\n"
                      "  - {strategy: issue_linkage, params: {sanction: 2.0, cost: 0.5}}\n"
                      "  - {strategy: Defector}\n  - {strategy: Cooperator}\n"
                      "match: {turns: 10}\n")
    result = CliRunner().invoke(cli, ["run", str(config), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if "payoff/round" in line)
    assert "sanction_cost" in header and "sanction_suffered" in header
    assert "gross_payoff" in header and " paid" not in header  # nobody pays
    assert "not counting the one-off import of axelrod" in result.output

    plain = tmp_path / "plain.yaml"
    plain.write_text("name: plain\nroster: [{strategy: Defector}, {strategy: Cooperator}]\n"
                     "match: {turns: 10}\n")
    result = CliRunner().invoke(cli, ["run", str(plain), "--out", str(tmp_path / "plain")])
    header = next(line for line in result.output.splitlines() if "payoff/round" in line)
    assert header.split() == ["rank", "strategy", "payoff/round", "95", "%", "interval",
                              "coop", "rate"]


def test_run_time_leaves_out_the_one_off_import_of_axelrod(monkeypatch):
    import time

    from tournaments import _axelrod

    real, imported = _axelrod.load, []

    def slow_first_import():
        if not imported:  # what a cold import costs, once
            time.sleep(1.0)
            imported.append(True)
        return real()

    monkeypatch.setattr(_axelrod, "load", slow_first_import)
    result = api.run(HAND, progress=False)
    assert imported and result.wall_time < 1.0


def test_a_headline_list_past_eight_names_counts_the_rest_and_names_their_table():
    _join = report._join
    names = [f"S{i}" for i in range(11)]
    assert _join(names[:8], "survival.csv") == "S0, S1, S2, S3, S4, S5, S6 and S7"
    assert _join(names, "survival.csv") == ("S0, S1, S2, S3, S4, S5, S6, S7 and 3 more "
                                            "(in survival.csv)")
    assert _join(names) == ", ".join(names[:-1]) + " and S10"  # no table: every name
