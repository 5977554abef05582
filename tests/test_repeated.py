"""Self-enforcing cooperation: the closed forms of the repeated Prisoner's Dilemma, and the exact
best response against a brute-force search over small automata under noise."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tournaments._axelrod import load
from tournaments.analysis.repeated import (
    best_response,
    critical_continuation,
    self_enforcement,
)
from tournaments.engines.exact import finite_state_form, solve_tournament
from tournaments.model.automaton import FiniteStateForm
from tournaments.model.games import symmetric_game

axl = load()

#: Prisoner's Dilemmas (R, S, T, P) with T > R > P > S.
GAMES = [(3, 0, 5, 1), (4, 0, 5, 2), (3, 0, 4, 1), (5, 0, 8, 1), (6, 1, 7, 2)]


def closed_forms(R, S, T, P):
    """Critical δ of self-enforcement without noise (Axelrod 1981; Fudenberg & Tirole 1991)."""
    wsls = (T - R) / (R - P) if 2 * R > T + P else None  # never when 2R <= T + P
    return {axl.Grudger: (T - R) / (T - P),
            axl.TitForTat: max((T - R) / (T - P), (T - R) / (R - S)),
            axl.WinStayLoseShift: wsls}


@pytest.mark.parametrize("payoffs", GAMES)
def test_critical_continuation_equals_the_closed_forms(payoffs):
    game = symmetric_game("prisoners_dilemma", *payoffs)
    for cls, closed in closed_forms(*payoffs).items():
        found = critical_continuation(finite_state_form(cls()), game, low=0.001, high=0.999)
        if closed is None or closed >= 0.999:
            assert found.censored == ">", (cls, payoffs, found)
        else:
            assert not found.censored and found.value == pytest.approx(closed, abs=1e-6)
            assert found.bracket[0] <= closed <= found.bracket[1] + 1e-12


@pytest.mark.parametrize("payoffs", GAMES)
def test_always_defect_always_and_always_cooperate_never(payoffs):
    game = symmetric_game("prisoners_dilemma", *payoffs)
    R, S, T, P = payoffs
    for delta in (0.05, 0.5, 0.9, 0.99):
        alld = self_enforcement(finite_state_form(axl.Defector()), game, continuation=delta)
        allc = self_enforcement(finite_state_form(axl.Cooperator()), game, continuation=delta)
        assert alld.self_enforcing and alld.self_payoff == pytest.approx(P)
        assert not allc.self_enforcing
        assert allc.best_response.value == pytest.approx(T)  # defect against a sucker
        assert allc.gain == pytest.approx(T - R)


def test_grim_at_and_around_its_threshold():
    game = symmetric_game("prisoners_dilemma", 3, 0, 5, 1)
    grim = finite_state_form(axl.Grudger())
    below = self_enforcement(grim, game, continuation=0.45)
    # the best deviation defects at once: (1 − δ) T + δ P
    assert below.best_response.value == pytest.approx(0.55 * 5 + 0.45 * 1)
    assert below.gain == pytest.approx(0.55 * 5 + 0.45 - 3)
    assert below.best_response.actions[0] == 1
    assert self_enforcement(grim, game, continuation=0.55).self_enforcing


def _automata(n_states: int):
    """Every deterministic automaton with ``n_states`` states (initial state 0) whose next state
    depends on its own and its partner's realised actions."""
    for actions in itertools.product((0.0, 1.0), repeat=n_states):
        for moves in itertools.product(range(n_states), repeat=4 * n_states):
            transition = np.zeros((n_states, 2, 2, n_states))
            for k, target in enumerate(moves):
                s, rest = divmod(k, 4)
                transition[s, rest // 2, rest % 2, target] = 1.0
            initial = np.zeros(n_states)
            initial[0] = 1.0
            yield FiniteStateForm(initial=initial, coop_prob=np.array(actions),
                                  transition=transition)


@pytest.mark.parametrize("strategy", [axl.TitForTat, axl.Grudger, axl.WinStayLoseShift,
                                      axl.GTFT])
@pytest.mark.parametrize(("delta", "noise"), [(0.9, 0.05), (0.7, 0.1)])
def test_best_response_is_the_best_of_all_two_state_automata_under_noise(strategy, delta, noise):
    """An independent oracle: every deterministic automaton of up to two states, evaluated by
    the exact solver (a Markov chain, not a decision problem). Each X's play depends on one bit
    of the history (the last realised actions), so the best response — a function of X's
    state — is one of them: the maximum equals it, and no automaton does better."""
    game = symmetric_game("prisoners_dilemma", 3, 0, 5, 1)
    target = finite_state_form(strategy())
    rivals = [*_automata(1), *_automata(2)]
    assert len(rivals) == 2 + 4 * 256
    forms = [target, *rivals]
    pairs = [(0, k) for k in range(1, len(forms))]
    values = solve_tournament(forms, game, pairs, noise=noise, continuation=delta)
    searched = values["mean_payoff"][:, 1]
    best = best_response(target, game, continuation=delta, noise=noise)
    assert best.value == pytest.approx(searched.max(), abs=1e-9)
    assert np.all(searched <= best.value + 1e-9)


def test_finite_horizon_best_response_defects_at_the_end():
    """Over a fixed number of rounds Tit For Tat is never self-enforcing: the best response
    defects in the last round (backward induction)."""
    game = symmetric_game("prisoners_dilemma", 3, 0, 5, 1)
    tft = self_enforcement(finite_state_form(axl.TitForTat()), game, continuation=1.0,
                           turns=10)
    assert tft.self_payoff == pytest.approx(3.0)
    # cooperate for 9 rounds and defect in the last: (9 R + T) / 10
    assert tft.best_response.value == pytest.approx((9 * 3 + 5) / 10)
    assert not tft.self_enforcing and not tft.best_response.stationary


def test_random_transitions_are_not_analysable():
    with pytest.raises(ValueError, match="random"):
        form = finite_state_form(axl.TitForTat())
        noisy = FiniteStateForm(initial=form.initial, coop_prob=form.coop_prob,
                                transition=np.full_like(form.transition, 1 / form.n_states))
        best_response(noisy, symmetric_game("prisoners_dilemma", 3, 0, 5, 1),
                      continuation=0.9)


def test_equilibria_repeated_on_a_config(tmp_path, cli):
    import json

    config = tmp_path / "c.yaml"
    config.write_text("name: se\nroster: [{strategy: Grudger}, {strategy: Defector}, "
                      "{strategy: Random}, {strategy: Adaptive}]\nmatch: {continuation: 0.6}\n")
    result = cli("equilibria", str(config), "--repeated", "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["strategy"]: r for r in json.loads(result.stdout)}
    grim = rows["Grudger"]
    assert grim["self_enforcing"] and grim["self_payoff"] == pytest.approx(3.0)
    assert grim["critical_continuation"] == pytest.approx(0.5, abs=1e-6)
    assert grim["critical_continuation_low"] <= 0.5 <= grim["critical_continuation_high"]
    assert rows["Defector"]["self_enforcing"] and rows["Defector"]["censored"] == "<"
    assert rows["Random"]["deviation_gain"] == pytest.approx(0.75)  # defect: 0.5 T + 0.5 P
    assert rows["Adaptive"]["not_analysable"] == "no finite-state form"
    text = cli("equilibria", str(config), "--repeated")
    assert text.returncode == 0 and "0.500000" in text.stdout
    assert cli("equilibria", "prisoners_dilemma", "--repeated").returncode == 2


def test_every_run_reports_self_enforcement_at_its_delta_and_noise(tmp_path):
    import pandas as pd

    from tournaments import api

    config = {"name": "se", "roster": [{"strategy": "Grudger"}, {"strategy": "Defector"},
                                       {"strategy": "Cooperator"}],
              "match": {"continuation": 0.6}}
    out = api.save(api.run(config, progress=False), tmp_path / "run")
    table = pd.read_csv(out / "self_enforcement.csv").set_index("strategy")
    assert table["self_enforcing"].to_dict() == {"Grudger": True, "Defector": True,
                                                 "Cooperator": False}
    assert table.loc["Cooperator", "deviation_gain"] == pytest.approx(5 - 3)
    report = (out / "report.md").read_text()
    assert "## Self-enforcement" in report
    assert "Self-enforcing here: **Grudger**, **Defector**." in report
    # below Grim's threshold (T − R)/(T − P) = 0.5 only defection is self-enforcing
    low = api.run(dict(config, match={"continuation": 0.45}), progress=False)
    assert low.self_enforcement.set_index("strategy")["self_enforcing"].to_dict() == {
        "Grudger": False, "Defector": True, "Cooperator": False}


def test_a_grim_against_always_defect_sweep_reports_the_self_enforcement_threshold(tmp_path):
    import pandas as pd
    import yaml

    from tournaments.sweep import run_sweep

    config = tmp_path / "grim.yaml"
    deltas = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    config.write_text(yaml.safe_dump({
        "name": "grim", "roster": [{"strategy": "Grudger"}, {"strategy": "Defector"},
                                   {"strategy": "Tit For Tat"}],
        "match": {"continuation": 0.9},
        "sweep": {"grid": {"match.continuation": deltas}}}))
    out = run_sweep(config, tmp_path / "out", executor="loop", progress=False).out
    table = pd.read_csv(out / "thresholds.csv")
    table["censored"] = table["censored"].fillna("")
    rows = table.set_index(["measure", "strategy"])
    grim = rows.loc[("self_enforcing_continuation", "Grudger")]
    assert grim["method"] == "exact" and not grim["censored"]
    assert grim["value"] == pytest.approx(0.5, abs=1e-6)  # (T − R)/(T − P)
    assert grim["bracket_low"] <= 0.5 <= grim["bracket_high"]
    tft = rows.loc[("self_enforcing_continuation", "Tit For Tat")]
    assert tft["value"] == pytest.approx(2 / 3, abs=1e-6)  # max((T−R)/(T−P), (T−R)/(R−S))
    alld = rows.loc[("self_enforcing_continuation", "Defector")]
    assert (alld["value"], alld["censored"]) == (0.1, "<")  # at most the smallest swept δ
    # grid thresholds at the edge are flagged, never reported as findings
    grid = table[table["measure"] == "critical_continuation"]
    at_edge = grid[grid["value"].isin([min(deltas), max(deltas)])]
    assert len(at_edge) and (at_edge["censored"] != "").all()
