"""Small tournaments whose outcome is argued from the strategies' definitions."""

from __future__ import annotations

import itertools

import axelrod as axl
import numpy as np
import pytest

from strategies.clubs import ClubReciprocity
from strategies.coercion import CoerciveEngineeredMigration, DividedTarget, ResoluteTarget

PD = axl.Game()  # R, S, T, P = 3, 0, 5, 1


def exact_mean_payoff(p1, p2, turns: int, game=PD) -> float:
    """Expected mean payoff per round of p1 against p2 over ``turns`` noiseless rounds, from the
    product of the two finite-state forms (forward propagation of the joint state)."""
    f1, f2 = p1.automaton(), p2.automaton()
    dist = np.outer(f1.initial, f2.initial)
    total = 0.0
    for _ in range(turns):
        new = np.zeros_like(dist)
        for a, b in itertools.product((0, 1), repeat=2):
            pa = f1.coop_prob if a == 0 else 1 - f1.coop_prob
            pb = f2.coop_prob if b == 0 else 1 - f2.coop_prob
            joint = dist * np.outer(pa, pb)
            total += joint.sum() * game.score((axl.Action(a), axl.Action(b)))[0]
            new += f1.transition[:, a, b, :].T @ joint @ f2.transition[:, b, a, :]
        dist = new
    return total / turns


def test_club_members_cooperate_and_exclude_outsiders():
    # Two EU members, one excluding outsiders and one open to them, and an outsider (Tit For
    # Tat, no club); 10 rounds. Members: all C with each other (R = 3 a round). The excluding
    # member defects throughout against the outsider; TFT cooperates once, then defects: the
    # member earns (5 + 9·1)/10 = 1.4, the outsider (0 + 9·1)/10 = 0.9. The open member and
    # TFT cooperate throughout (3). The Tournament clones players, so the club is passed as the
    # parameter (clone re-runs __init__ and would drop an attribute set afterwards).
    players = [ClubReciprocity(club="EU"), ClubReciprocity(club="EU", outsiders="reciprocate"),
               axl.TitForTat()]
    results = axl.Tournament(players, turns=10, repetitions=1, seed=1).play(
        progress_bar=False, processes=None)
    payoff = np.array(results.payoff_matrix)
    assert payoff[0, 1] == payoff[1, 0] == 3.0
    assert payoff[0, 2] == pytest.approx(1.4)
    assert payoff[2, 0] == pytest.approx(0.9)
    assert payoff[1, 2] == payoff[2, 1] == 3.0


def test_coercion_pays_against_a_divided_target_not_a_resolute_one():
    # Against a Resolute Target the coercer gets T once, S once, then mutual D: over 200
    # rounds (5 + 0 + 198·1)/200 = 1.015 exactly. Against a target that gives in to 90 % of
    # pushes it extracts T after each respite and R while standing down: far more.
    turns = 200
    resolute = exact_mean_payoff(CoerciveEngineeredMigration(), ResoluteTarget(), turns)
    divided = exact_mean_payoff(CoerciveEngineeredMigration(), DividedTarget(0.9), turns)
    assert resolute == pytest.approx(1.015)
    assert divided > 3.0
    # simulation agrees with the exact value
    simulated = []
    for seed in range(20):
        match = axl.Match((CoerciveEngineeredMigration(), DividedTarget(0.9)), turns=turns,
                          seed=seed)
        match.play()
        simulated.append(np.mean([s for s, _ in match.scores()]))
    assert np.mean(simulated) == pytest.approx(divided, abs=0.05)
    match = axl.Match((CoerciveEngineeredMigration(), ResoluteTarget()), turns=turns)
    match.play()
    assert np.mean([s for s, _ in match.scores()]) == pytest.approx(1.015)
