"""Figures for print: formats and resolution from the config or the command line, byte-
reproducible SVG and PDF, colour scales that say what the numbers say, no unlabelled band."""

from __future__ import annotations

import base64
import re
import time

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.collections import PolyCollection
from matplotlib.container import ErrorbarContainer

from tournaments import api
from tournaments.cli import cli
from tournaments.errors import ConfigError
from tournaments.model.config import load_config
from tournaments.output import figures, store

ROSTER = [{"strategy": "Cooperator"}, {"strategy": "Defector"}, {"strategy": "Tit For Tat"}]
HAND = {"name": "figures", "roster": ROSTER, "match": {"turns": 10}}


@pytest.fixture(scope="module")
def hand():
    return api.run(HAND, progress=False)


def test_the_output_key_is_validated_and_recorded():
    config = load_config({**HAND, "output": {"figure_formats": "svg", "dpi": 300}})
    assert config.output.figure_formats == ("svg",) and config.output.dpi == 300
    assert config.resolved()["output"] == {"figure_formats": ["svg"], "dpi": 300}
    assert load_config(HAND).resolved()["output"] == {"figure_formats": ["png"], "dpi": 120}
    for bad, key in (({"figure_formats": ["jpg"]}, "output.figure_formats[0]"),
                     ({"figure_formats": ["png", "png"]}, "output.figure_formats"),
                     ({"figure_formats": []}, "output.figure_formats"),
                     ({"dpi": 10}, "output.dpi"), ({"colour": "red"}, "output.colour")):
        with pytest.raises(ConfigError) as caught:
            load_config({**HAND, "output": bad})
        assert caught.value.key == key


def test_svg_and_pdf_are_byte_identical_across_runs(hand):
    def make():  # a bar chart and a heatmap with a colour bar
        return {stem: figure for stem, figure in hand.figures().items()
                if stem in ("ranking", "invasion")}

    first = store.render_figures(make, ("svg", "pdf"))
    time.sleep(1.1)  # a date or a random id would change now
    second = store.render_figures(make, ("svg", "pdf"))
    assert set(first) == {"ranking", "invasion"}
    for stem in first:
        assert first[stem]["svg"] == second[stem]["svg"], stem
        assert first[stem]["pdf"] == second[stem]["pdf"], stem
        assert b"<dc:date>" not in first[stem]["svg"]
        assert b"/CreationDate" not in first[stem]["pdf"]
        assert first[stem]["pdf"].startswith(b"%PDF")


def test_a_run_writes_the_formats_and_resolution_asked_for(tmp_path):
    config = tmp_path / "vector.yaml"
    config.write_text("name: vector\nroster: [{strategy: Cooperator}, {strategy: Defector}]\n"
                      "match: {turns: 10}\n")
    result = CliRunner().invoke(cli, ["run", str(config), "--out", str(tmp_path / "out"),
                                      "--figure-format", "svg", "--dpi", "200"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    stems = {"ranking", "payoff_heatmap", "ecology", "invasion", "ranking_sensitivity"}
    assert {p.stem for p in out.glob("*.svg")} == stems
    assert not list(out.glob("*.png")) and not list(out.glob("*.pdf"))
    assert "output:\n  figure_formats:\n  - svg\n  dpi: 200\n" in (
        out / "config.yaml").read_text()
    assert "![ranking](ranking.svg)" in (out / "report.md").read_text()
    # the HTML report embeds PNG at the asked resolution: the ranking is 7 inches wide
    html = (out / "report.html").read_text()
    assert html.count('src="data:image/png;base64,') == len(stems)
    png = base64.b64decode(re.search(r'alt="ranking" src="data:image/png;base64,([^"]+)"',
                                     html)[1])
    assert int.from_bytes(png[16:20], "big") == 7 * 200  # the IHDR width
    # verify re-runs the formats the config records
    assert CliRunner().invoke(cli, ["verify", str(out)]).exit_code == 0


def test_bad_figure_flags_are_refused_naming_the_flag(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("name: c\nroster: [{strategy: Cooperator}, {strategy: Defector}]\n")
    for flags, named in ((["--figure-format", "jpg"], "--figure-format: 'jpg'"),
                         (["--dpi", "5"], "--dpi: 5")):
        result = CliRunner().invoke(cli, ["run", str(config), "--out", str(tmp_path / "o"),
                                          *flags])
        assert result.exit_code == 2
        assert f"error: command line: {named} is not allowed" in result.output
        assert not (tmp_path / "o").exists()


def test_figures_are_every_figure_a_results_directory_holds(tmp_path):
    config = {"name": "moran", "kind": "moran", "roster": [
        {"strategy": "Cooperator", "count": 3}, {"strategy": "Defector", "count": 2}],
        "match": {"turns": 5}, "evolution": {"population_size": 5, "runs": 4,
                                             "generations": 50}}
    result = api.run(config, progress=False)
    out = api.save(result, tmp_path / "run")
    assert set(result.figures()) == {p.stem for p in out.glob("*.png")} == {
        "ranking", "payoff_heatmap", "ecology", "invasion", "ranking_sensitivity", "moran"}
    assert set(api.load_result(out).figures()) == set(result.figures())


def test_invasion_colours_and_numbers_say_the_same_thing(hand):
    invasion = hand.survival.invasion
    labels = list(hand.entries["strategy"])
    figure = figures.invasion_heatmap(invasion, labels)
    ax = figure.axes[0]
    mesh = ax.collections[0]
    ratio = (invasion.pivot(index="mutant", columns="resident",
                            values="fixation_probability").reindex(index=labels, columns=labels)
             / invasion["neutral"].iloc[0]).to_numpy()
    # the colour is log10 of the ratio the cells print ...
    coloured = np.ma.filled(mesh.get_array(), np.nan).reshape(len(labels), len(labels))
    np.testing.assert_allclose(coloured, np.log10(ratio), equal_nan=True)
    printed = sorted(t.get_text() for t in ax.texts if t.get_text())
    assert printed == sorted(f"{r:.2g}" for r in ratio[~np.isnan(ratio)])
    # ... on a scale symmetric about neutral, whose ticks are labelled as ratios
    low, high = mesh.get_clim()
    assert low == pytest.approx(-high)
    colorbar = mesh.colorbar
    for tick, label in zip(colorbar.get_ticks(), colorbar.ax.get_yticklabels(), strict=True):
        assert 10 ** tick == pytest.approx(float(label.get_text()))
    assert "1" in [label.get_text() for label in colorbar.ax.get_yticklabels()]
    assert colorbar.ax.get_ylabel() == "fixation probability / neutral 1/N (log scale)"


def test_the_ranking_draws_intervals_only_where_there_are_some(hand):
    exact = figures.ranking(hand.summary).axes[0]
    assert not [c for c in exact.containers if isinstance(c, ErrorbarContainer)]
    assert "every pair exact" in exact.get_xlabel()
    simulated = api.run({**HAND, "match": {"turns": 10, "noise": 0.1, "repetitions": 3,
                                           "engine": "simulate"}}, progress=False)
    ax = figures.ranking(simulated.summary).axes[0]
    bars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(bars) == 1 and "whiskers: 95 % intervals" in ax.get_xlabel()


def sweep_frame() -> pd.DataFrame:
    """Two strategies with the same cooperation everywhere, over δ and noise; in the cell
    (0.9, 0.1) they tie for the first rank."""
    rows = []
    for delta in (0.5, 0.9):
        for noise in (0.0, 0.1):
            cell = f"{delta}-{noise}"
            tie = (delta, noise) == (0.9, 0.1)
            for strategy, rank in (("A", 1), ("B", 1 if tie else 2), ("C", 3)):
                rows.append({"cell": cell, "match.continuation": delta, "match.noise": noise,
                             "rank": rank, "strategy": strategy,
                             "cooperation_rate": 0.2 if strategy == "C" else delta - noise})
    return pd.DataFrame(rows)


def test_sweep_lines_have_no_band_and_identical_lines_stay_apart():
    made = figures.sweep_figures(sweep_frame(), ["match.continuation", "match.noise"])
    ax = made["cooperation_vs_continuation"].axes[0]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]  # no band
    a, b, _ = (line for line in ax.get_lines() if len(line.get_ydata()))  # in hue order
    np.testing.assert_allclose(a.get_ydata(), b.get_ydata())  # the same values ...
    np.testing.assert_allclose(a.get_ydata(), [0.45, 0.85])  # mean over noise
    assert a.get_marker() != b.get_marker()  # ... drawn apart
    assert ax.get_ylabel() == "cooperation rate (mean over match.noise)"


def test_the_winner_map_shows_a_tie_as_a_tie():
    made = figures.sweep_figures(sweep_frame(), ["match.continuation", "match.noise"])
    legend = made["heatmap_winner"].axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["A", "A = B"]
    assert legend.get_title().get_text() == "first (A = B: a tie)"


def test_the_sensitivity_figure_marks_the_configured_intensity_and_draws_no_band(hand):
    ax = figures.sensitivity_lines(hand.survival.sensitivity, 0.1).axes[0]
    assert not [c for c in ax.collections if isinstance(c, PolyCollection)]
    markers = {line.get_label(): line.get_marker() for line in ax.get_lines()}
    assert len({markers[s] for s in hand.entries["strategy"]}) == 3
    assert "configured w = 0.1" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_a_large_heatmap_labels_every_row_and_column_without_seaborns_trial_drawing(
        monkeypatch):
    """Beyond LEGIBLE strategies every row and column keeps its label, columns vertical, in a
    font that fits, and seaborn is not asked for tick labels (it draws the whole figure to test
    them for overlap: 6 GB and 10 s at 236 a side)."""
    import seaborn as sns

    k = figures.LEGIBLE + 10
    labels = [f"S{i:02d}" for i in range(k)]
    pairwise = pd.DataFrame([(a, b, float(i * k + j)) for i, a in enumerate(labels)
                             for j, b in enumerate(labels)],
                            columns=["player", "opponent", "mean_payoff"])
    asked = []
    real = sns.heatmap
    monkeypatch.setattr(sns, "heatmap", lambda data, **kw: asked.append(
        (kw["xticklabels"], kw["yticklabels"])) or real(data, **kw))
    ax = figures.payoff_heatmap(pairwise, labels, labels).axes[0]
    assert asked == [(False, False)]
    assert [t.get_text() for t in ax.get_xticklabels()] == labels
    assert [t.get_text() for t in ax.get_yticklabels()] == labels
    assert {t.get_rotation() for t in ax.get_xticklabels()} == {90.0}
    # row 3 is drawn at y 3..4: its label sits at its middle
    assert ax.get_yticks()[3] == 3.5
    size = ax.get_xticklabels()[0].get_fontsize()
    assert size == pytest.approx(max(2.5, min(9.0, 0.8 * 72 * figures.MAX_INCHES / k)))
