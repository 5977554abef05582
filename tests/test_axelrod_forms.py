"""Finite-state forms of axelrod's strategies (tournaments.engines.axelrod_forms).

Each family of forms is checked against play: the form's exact mean payoff per round and
cooperation rate in a noisy fixed-length match against simulated matches of the real axelrod
players (``play_matches``, which plays as axelrod's ``Match`` does), by a z-test. Payoffs are the
Prisoner's Dilemma's (R, S, T, P) = (3, 0, 5, 1).
"""

from __future__ import annotations

import numpy as np
import pytest

from tournaments._axelrod import load
from tournaments.engines import axelrod_forms
from tournaments.engines.axelrod_forms import (
    compare_with_play,
    finite_state_form,
    form_family,
    play_matches,
    recognised,
)
from tournaments.engines.exact import solve_pair
from tournaments.model.games import builtin

axl = load()
C, D = axl.Action.C, axl.Action.D
PD = builtin("prisoners_dilemma")
#: |z| above which a form disagrees with play (each test is seeded: it cannot flake).
Z_MAX = 4.0


def agrees(player, partner, *, turns=30, noise=0.05, repetitions=400, seed=1) -> None:
    """The form of ``player`` agrees with play against ``partner`` (z-test, both columns)."""
    result = compare_with_play(player, partner, PD, turns=turns, noise=noise,
                               repetitions=repetitions, seed=seed)
    assert result is not None, f"{player} or {partner} has no form"
    for column, (gap, z) in result.items():
        assert abs(z) < Z_MAX, f"{player} vs {partner}: {column} off by {gap:+.4f} (z = {z:+.1f})"


def family(player) -> str | None:
    return form_family(player, game=PD)


# --- play_matches plays as axelrod's Match ---------------------------------------------------

def test_play_matches_is_axelrods_match():
    # deterministic players without noise: the same actions as axelrod's Match, round by round
    for a, b in ((axl.Prober(), axl.TitForTat()), (axl.EvolvedFSM4(), axl.Alternator())):
        match = axl.Match((a.clone(), b.clone()), turns=25)
        expected = [[x.value, y.value] for x, y in match.play()]
        actions = play_matches(a, b, turns=25, noise=0.0, repetitions=2, seed=3)
        np.testing.assert_array_equal(actions[0], expected)
        np.testing.assert_array_equal(actions[1], expected)
    # with noise ε Tit For Tat against Defector realises C with probability 1 − ε in the first
    # round and 2ε(1 − ε) afterwards; the defector realises C with probability ε
    eps, reps = 0.2, 4000
    actions = play_matches(axl.TitForTat(), axl.Defector(), turns=3, noise=eps,
                           repetitions=reps, seed=5)
    cooperated = (actions == 0).mean(axis=0)  # (turn, seat)
    expected = np.array([[1 - eps, eps], [2 * eps * (1 - eps), eps], [2 * eps * (1 - eps), eps]])
    se = np.sqrt(expected * (1 - expected) / reps)
    assert np.all(np.abs(cooperated - expected) < Z_MAX * se)


# --- one statistical test per family ---------------------------------------------------------

def test_finite_state_machines_agree_with_play():
    assert family(axl.TF1()) == "finite-state machine"
    agrees(axl.TF1(), axl.WinStayLoseShift())
    agrees(axl.Fortress4(), axl.Random())


def test_hidden_markov_player_agrees_with_play():
    # the hidden state moves at random on the partner's realised action: the form's state is
    # the hidden state (plus the first round), its transitions random
    player = axl.EvolvedHMM5()
    form = finite_state_form(player)
    assert family(player) == "hidden Markov" and form.n_states == 6
    assert not np.all((form.transition == 0) | (form.transition == 1))
    agrees(player, axl.TitForTat(), turns=40)
    # a two-state machine that mixes its emissions
    mixed = axl.HMMPlayer(transitions_C=[[0.7, 0.3], [0.2, 0.8]],
                          transitions_D=[[0.1, 0.9], [0.5, 0.5]],
                          emission_probabilities=[0.9, 0.2], initial_state=1, initial_action=D)
    agrees(mixed, axl.Alternator(), seed=2)


def test_lookup_tables_agree_with_play():
    # own and partner's last plays and the partner's openings (memory is infinite: the openings)
    player = axl.EvolvedLookerUp2_2_2()
    assert family(player) == "lookup table"
    assert player.classifier["memory_depth"] == float("inf")
    agrees(player, axl.Random(0.6), turns=25)
    # Tit For Tat as a lookup table is Tit For Tat
    tft = axl.LookerUp()
    a = solve_pair(finite_state_form(tft), finite_state_form(axl.Grudger()), PD, noise=0.1,
                   turns=20)
    b = solve_pair(finite_state_form(axl.TitForTat()), finite_state_form(axl.Grudger()), PD,
                   noise=0.1, turns=20)
    np.testing.assert_allclose(a.mean_payoff, b.mean_payoff, atol=1e-12)


def test_gamblers_agree_with_play():
    player = axl.PSOGambler2_2_2()
    assert family(player) == "lookup table (Gambler)"
    agrees(player, axl.TitForTat(), turns=25)
    agrees(axl.ZDMem2(), axl.Alternator(), seed=3)


def test_memory_two_players_agree_with_play():
    assert family(axl.AON2()) == "memory-two"
    agrees(axl.DelayedAON1(), axl.Random(0.3))
    sixteen = tuple(np.linspace(0.05, 0.95, 16))
    agrees(axl.MemoryTwoPlayer(sixteen_vector=sixteen, initial=(D, C)), axl.WinStayLoseShift(),
           seed=4)


def test_cyclers_agree_with_play():
    player = axl.CyclerCCCDCD()
    assert family(player) == "cycler" and finite_state_form(player).n_states == 6
    agrees(player, axl.Grudger())
    # a cycle that repeats itself is minimised to its period
    assert finite_state_form(axl.Cycler("CDCD")).n_states == 2


def test_hand_written_classics_agree_with_play():
    for player in (axl.ForgetfulFoolMeOnce(0.2), axl.RemorsefulProber(0.3), axl.Michaelos(),
                   axl.FirstByAnonymous()):
        assert family(player) == "classic"
    agrees(axl.ForgetfulFoolMeOnce(0.2), axl.Random(0.4))
    agrees(axl.RemorsefulProber(0.3), axl.TitForTat(), seed=2)
    # Michaelos defects in the last round of a match of known length: it has a form only when
    # the length is unknown (continuation); checked there against axelrod's Match
    assert compare_with_play(axl.Michaelos(), axl.TitForTat(), PD, turns=10, noise=0.0,
                             repetitions=2, seed=1) is None
    delta, eps = 0.9, 0.05
    exact = solve_pair(finite_state_form(axl.Michaelos()), finite_state_form(axl.TitForTat()),
                       PD, noise=eps, continuation=delta)
    totals, rounds = [], []
    for seed in range(800):
        match = axl.Match((axl.Michaelos(), axl.TitForTat()), prob_end=1 - delta, noise=eps,
                          seed=seed)
        actions = np.array([[a.value, b.value] for a, b in match.play()])
        totals.append(PD.A[actions[:, 0], actions[:, 1]].sum())
        rounds.append(len(actions))
    # the ratio estimator Σ payoff / Σ rounds and its delta-method standard error
    totals, rounds = np.array(totals, dtype=float), np.array(rounds, dtype=float)
    ratio = totals.sum() / rounds.sum()
    se = np.std(totals - ratio * rounds, ddof=1) / (rounds.mean() * np.sqrt(len(rounds)))
    assert abs(ratio - exact.mean_payoff[0]) < Z_MAX * se


def test_extracted_forms_agree_with_play():
    # declared memory, tabulated over every window of both histories
    for player in (axl.Capri(), axl.FirstByNydegger(), axl.SecondByLeyvraz(), axl.Willing()):
        assert family(player) == "extracted (declared memory)", player
    agrees(axl.Capri(), axl.Random(0.2))
    agrees(axl.SecondByLeyvraz(), axl.TitForTat(), seed=2)
    # reviewed statistics: counters, flags, openings, the intention Contrite Tit For Tat keeps
    for player in (axl.OnceBitten(), axl.MEM2(), axl.ContriteTitForTat(), axl.Detective()):
        assert family(player) == "extracted (reviewed statistic)", player
    agrees(axl.OnceBitten(), axl.Random(0.3), turns=40, seed=3)
    agrees(axl.ContriteTitForTat(), axl.TitForTat(), noise=0.1, seed=4)
    agrees(axl.MEM2(), axl.Random(0.5), turns=40, seed=5)


def test_a_strategy_that_reads_the_match_length_is_formed_for_that_length():
    # Alexei is Tit For Tat that defects in the last round of a match of known length
    agrees(axl.Alexei(), axl.Random(0.5), turns=12, seed=6)
    told = axl.Alexei()
    told.set_match_attributes(length=12)
    unknown = axl.Alexei()
    assert finite_state_form(told).n_states > finite_state_form(unknown).n_states == 2


# --- the extraction refuses what it cannot follow --------------------------------------------

class Dishonest(axl.Player):
    """Declares memory one: Tit For Tat that, after 40 rounds, defects for good."""

    name = "Dishonest"
    classifier = {"memory_depth": 1, "stochastic": False, "long_run_time": False,
                  "inspects_source": False, "manipulates_source": False,
                  "manipulates_state": False}

    def strategy(self, opponent):
        if len(self.history) >= 40:
            return D
        return opponent.history[-1] if opponent.history else C


class Honest(Dishonest):
    """The same without the late defection: Tit For Tat, memory one."""

    name = "Honest"

    def strategy(self, opponent):
        return opponent.history[-1] if opponent.history else C


class Resentful(Dishonest):
    """Declares memory two and holds a grudge: defects for good after two partner D's in a row."""

    name = "Resentful"
    classifier = {**Dishonest.classifier, "memory_depth": 2}

    def strategy(self, opponent):
        history = list(opponent.history)
        return D if any(history[k:k + 2] == [D, D] for k in range(len(history))) else C


def test_extraction_refuses_a_strategy_whose_declared_memory_is_dishonest():
    assert recognised(Dishonest) and recognised(Honest)
    assert finite_state_form(Dishonest()) is None and form_family(Dishonest()) is None
    assert finite_state_form(Resentful()) is None
    # the honest one is extracted, and is Tit For Tat
    honest = finite_state_form(Honest())
    assert form_family(Honest()) == "extracted (declared memory)"
    other = finite_state_form(axl.Random(0.3))
    a = solve_pair(honest, other, PD, noise=0.05, turns=30)
    b = solve_pair(finite_state_form(axl.TitForTat()), other, PD, noise=0.05, turns=30)
    np.testing.assert_allclose(a.mean_payoff, b.mean_payoff, atol=1e-12)
    assert honest.n_states == 2  # the windows of both histories, minimised
    # Contrite Tit For Tat declares memory three, but remembers its own intentions: the
    # window of realised actions fails the checks; its reviewed statistic passes them
    contrite = axl.ContriteTitForTat()
    window = axelrod_forms._window(3)
    assert axelrod_forms._extract(contrite, window, -1) is None
    assert finite_state_form(contrite) is not None


class Fragile(Honest):
    """Declares memory zero and cooperates, or raises in play when ``fail`` is set."""

    name = "Fragile"
    classifier = {**Dishonest.classifier, "memory_depth": 0}

    def __init__(self, fail: bool = False):
        super().__init__()
        self.fail = fail

    def strategy(self, opponent):
        if self.fail:
            raise RuntimeError("this strategy breaks")
        return C


def test_a_strategy_that_raises_has_no_form_and_raises_in_play_instead():
    assert finite_state_form(Fragile(fail=True)) is None  # extraction does not raise
    np.testing.assert_array_equal(finite_state_form(Fragile()).coop_prob, [1.0])
    with pytest.raises(RuntimeError, match="breaks"):
        play_matches(Fragile(fail=True), axl.TitForTat(), turns=2, noise=0.0, repetitions=1,
                     seed=1)


def test_a_state_strategy_that_is_not_an_automaton_is_never_extracted():
    # its payments are known only to an automaton: a form extracted from its play would miss
    # them, so it is simulated
    from tournaments.strategy import StateStrategy, state_classifier

    class Paying(StateStrategy):
        name = "Paying"
        classifier = state_classifier(1)

        def strategy(self, opponent):
            return opponent.history[-1] if opponent.history else C

        def adjustments(self, own, other, partner):
            return np.tile([1.0, 0.0, 0.0], (len(own), 1))

    assert finite_state_form(Paying()) is None
    assert finite_state_form(Honest()) is not None  # the same play, without payments


# --- coverage ----------------------------------------------------------------------------------

def test_coverage_of_axelrods_non_cheating_strategies():
    # axelrod.strategies: every strategy whose classifier says it does not cheat (240 of 241)
    covered = {cls.__name__: form_family(cls()) for cls in axl.strategies if recognised(cls)}
    covered = {name: f for name, f in covered.items() if f is not None}
    assert len(axl.strategies) == 240
    assert len(covered) == 124
    counts = {f: sum(1 for v in covered.values() if v == f) for f in set(covered.values())}
    assert counts == {"extracted (reviewed statistic)": 41, "finite-state machine": 19,
                      "classic": 17, "memory-one": 16, "extracted (declared memory)": 13,
                      "cycler": 6, "lookup table (Gambler)": 5, "lookup table": 4,
                      "memory-two": 2, "hidden Markov": 1}


@pytest.mark.slow
def test_a_representative_sweep_agrees_with_play():
    # one or two strategies of each family against three classics at noise 0.01
    strategies = [axl.Predator(), axl.EvolvedHMM5(), axl.Winner21(), axl.PSOGambler1_1_1(),
                  axl.AON2(), axl.CyclerCCCCCD(), axl.RemorsefulProber(), axl.HardTitForTat(),
                  axl.SecondByGrofman(), axl.FirstByFeld(), axl.GradualKiller(),
                  axl.SecondByBlack()]
    for k, player in enumerate(strategies):
        for j, partner in enumerate((axl.TitForTat(), axl.Grudger(), axl.Alternator())):
            agrees(player, partner, turns=60, noise=0.01, repetitions=300,
                   seed=100 + 3 * k + j)


def test_catalogue_says_which_strategies_are_exact_and_which_cheat():
    from tournaments.catalogue import strategy_records

    records = {(r["origin"], r["key"]): r for r in strategy_records()}
    assert records[("axelrod", "TitForTat")]["exact"] is True
    assert records[("axelrod", "EvolvedHMM5")]["exact"] is True
    assert records[("axelrod", "Adaptive")]["exact"] is False  # reads the game: simulated
    darwin = records[("axelrod", "Darwin")]
    assert darwin["cheats"] is True and darwin["exact"] is False
    honest = [r for (origin, _), r in records.items() if origin == "axelrod" and not r["cheats"]]
    assert len(honest) == 240 and sum(r["exact"] for r in honest) == 124
    # the project's strategies are automata: exact (the two-level leader's window of 4 rounds
    # is 341 states), and none cheats
    project = [r for (origin, _), r in records.items() if origin == "project"]
    assert all(r["exact"] and r["cheats"] is False for r in project)
