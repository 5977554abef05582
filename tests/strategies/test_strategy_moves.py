"""Hand-worked move scripts: each strategy against fixed opponents, exact actions and payments."""

from __future__ import annotations

import axelrod as axl
import numpy as np
import pytest

from strategies.centralisation import PooledSovereignty
from strategies.clubs import ClubReciprocity
from strategies.coercion import CoerciveEngineeredMigration, DividedTarget, ResoluteTarget
from strategies.horizon import ShortHorizonState, reciprocity_sustainable
from strategies.linkage import TacticalIssueLinkage
from strategies.multilateral import Multilateralist, generosity
from strategies.stag_hunt import AssuranceSeekingPublic, LeaderWhoLeads
from strategies.suasion import Suasion
from strategies.two_level import TwoLevelLeader
from strategies.unilateral import BeggarThyNeighbour, UnilateralClosure
from tournaments.model.automaton import Partner

C, D = axl.Action.C, axl.Action.D
STAG_HUNT = axl.Game(r=3, s=1, t=2, p=2)


def play(player, opponent, turns, *, seed=0, game=None, opponent_club=None):
    """Both sides' realised actions as strings, e.g. ("DDCC", "CDDC")."""
    opponent.club = opponent_club
    match = axl.Match((player, opponent), turns=turns, seed=seed, game=game)
    result = match.play()
    return "".join(a.name for a, _ in result), "".join(b.name for _, b in result)


def mock(actions: str):
    return axl.MockPlayer(actions=[C if a == "C" else D for a in actions])


def codes(actions: str) -> np.ndarray:
    return np.array([0 if a == "C" else 1 for a in actions], dtype=np.int8)


@pytest.mark.parametrize("opponent, own", [
    (axl.Cooperator(), "DDDDD"), (axl.TitForTat(), "DDDDD"), (axl.Alternator(), "DDDDD"),
])
def test_unilateral_closure_always_defects(opponent, own):
    assert play(UnilateralClosure(), opponent, 5)[0] == own


def test_beggar_thy_neighbour_exploits_tit_for_tat_between_punishments():
    # free-rides (D, D); TFT punishes in rounds 2 and 3; it appeases until TFT has cooperated
    # twice running (rounds 4, 5), then free-rides again (6, 7), and so on.
    own, other = play(BeggarThyNeighbour(), axl.TitForTat(), 10)
    assert own == "DDCCCDDCCC"
    assert other == "CDDCCCDDCC"


@pytest.mark.parametrize("opponent, probation, own", [
    (axl.Cooperator(), 2, "DDDDDD"),    # never punished: free-rides throughout
    (axl.Defector(), 2, "DCCCCC"),      # punished every round: appeases forever
    (axl.TitForTat(), 1, "DDCCDDCC"),   # probation 1: one TFT cooperation is enough
])
def test_beggar_thy_neighbour_scripts(opponent, probation, own):
    assert play(BeggarThyNeighbour(probation=probation), opponent, len(own))[0] == own


def test_suasion_pays_for_each_cooperation():
    own, other = play(Suasion(payment=2.0), axl.Alternator(), 4)
    assert (own, other) == ("CCDC", "CDCD")
    adjustments = Suasion(payment=2.0).adjustments(codes(own), codes(other), Partner())
    np.testing.assert_array_equal(adjustments, [[2, 0, 0], [0, 0, 0], [2, 0, 0], [0, 0, 0]])


def test_issue_linkage_reciprocates_and_sanctions_each_defection():
    linker = TacticalIssueLinkage(sanction=2.0, cost=0.5)
    own, other = play(linker, mock("CDDCC"), 5)
    assert own == "CCDDC"
    np.testing.assert_array_equal(
        linker.adjustments(codes(own), codes(other), Partner()),
        [[0, 0, 0], [0, 0.5, 2.0], [0, 0.5, 2.0], [0, 0, 0], [0, 0, 0]])


@pytest.mark.parametrize("outsiders, opponent_club, own", [
    ("exclude", "EU", "CCDDC"),       # a member: Tit For Tat
    ("exclude", None, "DDDDD"),       # an outsider is excluded
    ("exclude", "ASEAN", "DDDDD"),    # so is a member of another club
    ("reciprocate", None, "CCDDC"),
    ("cooperate", "ASEAN", "CCCCC"),
])
def test_club_reciprocity_members_and_outsiders(outsiders, opponent_club, own):
    player = ClubReciprocity(outsiders=outsiders, club="EU")
    assert play(player, mock("CDDCC"), 5, opponent_club=opponent_club)[0] == own


def test_club_comes_from_the_public_attribute_and_survives_reset():
    player = ClubReciprocity()
    player.club = "EU"  # what the runner does after construction
    player.reset()
    assert play(player, mock("CDDCC"), 5, opponent_club="EU")[0] == "CCDDC"
    assert player.club == "EU"
    # the parameter overrides the attribute
    overriding = ClubReciprocity(club="AU")
    overriding.club = "EU"
    assert play(overriding, mock("CDDCC"), 5, opponent_club="EU")[0] == "DDDDD"


def test_pooled_sovereignty_stops_keeping_score_once_established():
    # two rounds of mutual cooperation establish the institution: the member's later
    # defections are not answered
    player = PooledSovereignty(establishment=2, club="EU")
    assert play(player, mock("CCDDD"), 5, opponent_club="EU")[0] == "CCCCC"
    # establishment 3: two mutual cooperations, then a defection restarts the count (Tit For
    # Tat answers it in round 4); three more (rounds 5-7) establish it, and the defections of
    # rounds 8 and 9 go unanswered
    player = PooledSovereignty(establishment=3, club="EU")
    assert play(player, mock("CCDCCCCDD"), 10, opponent_club="EU")[0] == "CCCDCCCCCC"


def test_pooled_sovereignty_with_outsiders():
    assert play(PooledSovereignty(club="EU"), mock("CDDCC"), 5)[0] == "CCDDC"
    assert play(PooledSovereignty(outsiders="exclude", club="EU"), mock("CC"), 2)[0] == "DD"
    assert play(PooledSovereignty(establishment=0, club="EU"), axl.Defector(), 4,
                opponent_club="EU")[0] == "CCCC"


def test_generosity_closed_forms():
    # Nowak & Sigmund at δ = 1: min(1 − 2/3, 2/4) = 1/3
    assert generosity(3, 0, 5, 1) == pytest.approx(1 / 3)
    # δ = 0.9: 1 − 2/(0.9·3) = 7/27 binds (the All-D bound is 2/3.6 − 1/9 = 4/9)
    assert generosity(3, 0, 5, 1, 0.9) == pytest.approx(7 / 27)
    # δ ≤ 2/3: no forgiveness is safe
    assert generosity(3, 0, 5, 1, 0.6) == 0.0
    # the Immigration Stag Hunt: forgiving never invites exploitation
    assert generosity(3, 1, 2, 2, 0.5) == 1.0


def test_multilateralist_is_tit_for_tat_with_a_short_shadow():
    assert play(Multilateralist(continuation=0.5), mock("CDDCD"), 5)[0] == "CCDDC"


def test_multilateralist_forgives_at_the_derived_rate():
    player = Multilateralist(continuation=1.0)
    own, _ = play(player, axl.Defector(), 3001, seed=5)
    assert own[0] == "C"
    assert player.forgiveness == pytest.approx(1 / 3)
    # 3000 draws with p = 1/3: standard deviation 0.0086
    assert own[1:].count("C") / 3000 == pytest.approx(1 / 3, abs=0.03)


def test_coercer_pushes_rewards_concessions_and_presses_again():
    assert play(CoerciveEngineeredMigration(respite=3), axl.Cooperator(), 10)[0] == "DCCCDCCCDC"
    assert play(CoerciveEngineeredMigration(), axl.Defector(), 5)[0] == "DDDDD"
    # the target stops accommodating in round 3: pressure resumes in round 4
    assert play(CoerciveEngineeredMigration(respite=3), mock("CCDCC"), 5)[0] == "DCCDC"


def test_targets_under_pressure():
    assert play(DividedTarget(division=1.0), axl.Defector(), 5)[0] == "CCCCC"
    assert play(DividedTarget(division=0.0), axl.Defector(), 5)[0] == "CDDDD"
    assert play(ResoluteTarget(vigilance=2), mock("DCCCC"), 5)[0] == "CDDCC"
    own, other = play(ResoluteTarget(), CoerciveEngineeredMigration(), 6)
    assert (own, other) == ("CDDDDD", "DCDDDD")


def test_two_level_leader_keeps_its_win_set():
    # against Alternator (PD, window 4, threshold 2): own payoffs 3, 0, 5, 0, 3, 0, 3, 1, 5;
    # means of the last four 3, 1.5, 2.67, 2, 2, 2, 1.5, 1.75, 2.25 → C C D C C C C D D C
    assert play(TwoLevelLeader(), axl.Alternator(), 10)[0] == "CCDCCCCDDC"
    assert play(TwoLevelLeader(), axl.Defector(), 5)[0] == "CDDDD"
    # in the Stag Hunt every payoff is at least 1: threshold 1 always holds
    assert play(TwoLevelLeader(threshold=1.0), axl.Defector(), 5, game=STAG_HUNT)[0] == "CCCCC"


def test_short_horizon_critical_discount():
    assert not reciprocity_sustainable(3, 0, 5, 1, 0.66)
    assert reciprocity_sustainable(3, 0, 5, 1, 2 / 3)
    assert play(ShortHorizonState(discount=0.6), axl.Cooperator(), 4)[0] == "DDDD"
    assert play(ShortHorizonState(discount=0.7), mock("CDCC"), 4)[0] == "CCDC"
    assert play(ShortHorizonState(discount=0.1), mock("CDCC"), 4, game=STAG_HUNT)[0] == "CCDC"


def test_stag_hunt_players():
    assert play(LeaderWhoLeads(), axl.Defector(), 4)[0] == "CCCC"
    own, other = play(AssuranceSeekingPublic(), LeaderWhoLeads(), 5)
    assert (own, other) == ("DDCCC", "CCCCC")
    assert play(AssuranceSeekingPublic(assurance=1), axl.Alternator(), 5)[0] == "DCDCD"
    assert play(AssuranceSeekingPublic(), axl.TitForTat(), 5)[0] == "DDDDD"
