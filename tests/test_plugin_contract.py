"""The plug-in contract: payments and sanctions that depend on the partner's public information
(club, role), the same in play and in the exact form — on the worked example
``examples/plugins/targeted_sanctions.py`` (sanctions only on sending states outside its club)."""

from __future__ import annotations

import itertools

import axelrod as axl
import numpy as np
import pytest

from tests.conftest import ROOT
from tournaments import api
from tournaments.conformance import check_player_class, form_mismatch, partner_kinds
from tournaments.engines.exact import finite_state_form, solve_pair
from tournaments.model.automaton import Partner
from tournaments.model.games import builtin
from tournaments.model.roster import resolve

PLUGIN = ROOT / "examples" / "plugins" / "targeted_sanctions.py"
TARGET = f"{PLUGIN}:TargetedSanctions"
INSIDER = Partner(club="EU", role="sending")  # a sending state in its own club: exempt
OUTSIDER = Partner(club=None, role="sending")  # a sending state outside it: a target
RECEIVING = Partner(club=None, role="receiving")  # not a sending state: exempt
PD = builtin("prisoners_dilemma")
TargetedSanctions, ORIGIN = resolve(TARGET)


class NegativeSanctions(TargetedSanctions):
    """A faulty variant: its 'sanction cost' is negative (a hidden gain)."""

    name = "Negative Sanctions"

    def adjustment(self, state, own, other):
        return (0.0, -1.0, 0.0) if other == 1 else None


def play(player, partner: Partner, opponent, turns: int, noise: float = 0.0, seed: int = 1):
    """Realised actions (own, other) of a match against an opponent carrying ``partner``'s
    public information, as the runner attaches it."""
    opponent.club, opponent.role = partner.club, partner.role
    rounds = axl.Match((player, opponent), turns=turns, noise=noise, seed=seed).play()
    return (np.array([a.value for a, _ in rounds], dtype=np.int8),
            np.array([b.value for _, b in rounds], dtype=np.int8))


def test_payments_in_play_equal_the_exact_form_against_insider_and_outsider():
    assert ORIGIN == "plug-in"
    # Tit For Tat against Alternator (C D C D): it plays C C D C; the partner defects in rounds
    # 2 and 4, where a target is sanctioned: cost 0.5 to the sanctioner, harm 2 to the target.
    expected_rounds = {
        INSIDER: None,
        OUTSIDER: np.array([[0, 0, 0], [0, 0.5, 2], [0, 0, 0], [0, 0.5, 2]], dtype=float),
        RECEIVING: None,
    }
    per_round = {INSIDER: (0.0, 0.0), OUTSIDER: (0.25, 1.0), RECEIVING: (0.0, 0.0)}
    alternator_form = finite_state_form(axl.Alternator())
    for partner, rows in expected_rounds.items():
        player = TargetedSanctions(club="EU")
        own, other = play(player, partner, axl.Alternator(), turns=4)
        assert own.tolist() == [0, 0, 1, 0] and other.tolist() == [0, 1, 0, 1]
        made = player.adjustments(own, other, partner)  # the accounting's call after play
        if rows is None:
            assert made is None
        else:
            np.testing.assert_array_equal(made, rows)
        form = player.automaton(partner)  # the exact solver's form against this partner
        assert form.n_states == 3
        assert form_mismatch(form, list(zip(own.tolist(), other.tolist(), strict=True)),
                             made) is None
        exact = solve_pair(form, alternator_form, PD, turns=4)
        cost, harm = per_round[partner]
        assert exact["sanction_cost"][0] == pytest.approx(cost, abs=1e-12)
        assert exact["sanction_suffered"][1] == pytest.approx(harm, abs=1e-12)
        assert exact["paid"][0] == 0.0
    # the partner's information changes the form's adjustments, nothing else
    insider, outsider = (TargetedSanctions(club="EU").automaton(p) for p in (INSIDER, OUTSIDER))
    assert insider.adjustments is None and outsider.adjustments is not None
    np.testing.assert_array_equal(insider.coop_prob, outsider.coop_prob)
    np.testing.assert_array_equal(insider.transition, outsider.transition)


def test_exact_sanctions_under_noise_have_the_closed_form():
    # Against Defector every realised partner action is D with probability 1 − ε, independently
    # of the past, so a target is sanctioned in a share 1 − ε of the rounds whatever δ is; Tit
    # For Tat's realised cooperation is (1 − ε) in round 1 and 2ε(1 − ε) after, i.e.
    # (1 − δ)(1 − ε) + δ·2ε(1 − ε) per round = 0.252 at δ = 0.9, ε = 0.1.
    delta, eps = 0.9, 0.1
    defector = finite_state_form(axl.Defector())
    for partner, share in ((INSIDER, 0.0), (OUTSIDER, 1 - eps), (RECEIVING, 0.0)):
        form = TargetedSanctions(sanction=3.0, cost=1.0, club="EU").automaton(partner)
        exact = solve_pair(form, defector, PD, noise=eps, continuation=delta)
        assert exact["sanction_cost"][0] == pytest.approx(1.0 * share, abs=1e-12)
        assert exact["sanction_suffered"][1] == pytest.approx(3.0 * share, abs=1e-12)
        assert exact["cooperation_rate"][0] == pytest.approx(0.252, abs=1e-12)
        # net of the target: P = 1 when both defect, T = 5 when the sanctioner cooperates,
        # minus the harm of the sanctions
        c = exact["cooperation_rate"][0]
        d_own = 1 - eps  # the defector's realised D
        gross = c * (d_own * 5 + eps * 3) + (1 - c) * (d_own * 1 + eps * 0)
        assert exact["gross_payoff"][1] == pytest.approx(gross, abs=1e-12)
        assert exact["mean_payoff"][1] == pytest.approx(gross - 3.0 * share, abs=1e-12)


def test_play_and_form_agree_on_every_short_history_against_every_kind_of_partner():
    """Exhaustive: the adjustments of play are the form's, walked along its arrays, for all 256
    pairs of four-round histories and every kind of partner the checks know."""
    player = TargetedSanctions(sanction=2.0, cost=0.5, club="EU")
    kinds = partner_kinds(player)
    assert INSIDER in kinds and OUTSIDER in kinds and RECEIVING in kinds
    targets = 0
    for partner in kinds:
        form = player.automaton(partner)
        table = np.zeros((form.n_states, 2, 2, 3)) if form.adjustments is None \
            else form.adjustments
        targets += form.adjustments is not None
        for own, other in itertools.product(itertools.product((0, 1), repeat=4), repeat=2):
            own, other = np.array(own, dtype=np.int8), np.array(other, dtype=np.int8)
            made = player.adjustments(own, other, partner)
            state, walked = int(np.argmax(form.initial)), []
            for a, b in zip(own, other, strict=True):
                walked.append(table[state, a, b])
                state = int(np.argmax(form.transition[state, a, b]))
            expected = np.zeros((4, 3)) if made is None else made
            np.testing.assert_array_equal(np.array(walked), expected)
    # sending states in another club and in none are the targets: 2 of the 21 kinds
    assert len(kinds) == 21 and targets == 2


TOURNAMENT = [  # the migration PD's two populations: receiving states meet sending states
    {"strategy": TARGET, "club": "EU", "role": "receiving", "label": "EU state"},
    {"strategy": "Alternator", "club": "EU", "role": "sending", "label": "member"},
    {"strategy": "Alternator", "role": "sending", "label": "outsider"},
]


@pytest.mark.parametrize("game", [
    # the migration PD (R, S, T, P = 3, 0, 5, 1): rounds (C,C) (C,D) (D,C) (C,D) give the
    # receiving state 3+0+5+0 = 8 and the sending state 3+5+0+5 = 13 over 4 rounds
    ("prisoners_dilemma", (2.0, 3.25)),
    # an asymmetric game with its roles named: receiving A, sending B, 3+0+4+0 = 7 and 2+4+0+4
    ({"A": [[3, 0], [4, 1]], "B": [[2, 4], [0, 1]], "roles": ["receiving", "sending"]},
     (1.75, 2.5)),
], ids=["prisoners_dilemma", "asymmetric"])
def test_a_tournament_sanctions_the_outsider_only_by_either_engine(game):
    # The EU state (Tit For Tat) meets a sending member of the EU and a sending outsider, both
    # Alternators, over 4 rounds; it sanctions the outsider in rounds 2 and 4: cost 2·0.5, harm
    # 2·2, i.e. 0.25 and 1.0 per round.
    spec, (receiving, sending) = game
    expected = {  # (player, opponent): gross, sanction cost, sanction suffered, net
        ("EU state", "member"): (receiving, 0.0, 0.0, receiving),
        ("EU state", "outsider"): (receiving, 0.25, 0.0, receiving - 0.25),
        ("member", "EU state"): (sending, 0.0, 0.0, sending),
        ("outsider", "EU state"): (sending, 0.0, 1.0, sending - 1.0),
    }
    for match in ({"turns": 4, "engine": "exact"},
                  {"turns": 4, "engine": "simulate", "repetitions": 1}):
        config = {"name": "targeted", "seed": 3, "roster": TOURNAMENT, "match": match,
                  "game": spec}
        pairwise = api.run(config, progress=False).pairwise.set_index(["player", "opponent"])
        assert set(pairwise.engine) == {match["engine"]}
        for pair, values in expected.items():
            row = pairwise.loc[pair]
            got = (row.gross_payoff, row.sanction_cost, row.sanction_suffered, row.mean_payoff)
            assert got == pytest.approx(values, abs=1e-12), (match["engine"], pair)


def test_check_strategy_passes_the_worked_example(cli):
    for extra in ((), ("--param", "club=EU")):
        result = cli("check-strategy", TARGET, *extra)
        assert result.returncode == 0, result.stdout
        assert "TargetedSanctions (plug-in): 12 passed, 0 failed" in result.stdout
        # its form tells targets from everyone else: two kinds of partner, checked in play
        assert "finite-state form agrees with play: 2 kind(s) of partner" in result.stdout


def test_checks_field_a_clubless_plugin_in_a_club_and_refuse_negative_adjustments():
    externalisation, _ = resolve(f"{ROOT / 'examples' / 'plugins' / 'externalisation.py'}"
                                 ":Externalisation")
    # without a club parameter Externalisation pays everyone; fielded in a club (as the runner
    # attaches an entry's club) it exempts members: the check covers both kinds of partner
    form_check = {r.name: r for r in check_player_class(externalisation)}[
        "finite-state form agrees with play"]
    assert form_check.passed and "own club/no role" in form_check.detail

    failed = {r.name: r for r in check_player_class(NegativeSanctions) if not r.passed}
    assert set(failed) == {"adjustments", "finite-state form agrees with play"}
    assert "negative adjustments" in failed["adjustments"].detail
    assert "non-negative" in failed["finite-state form agrees with play"].detail


def test_the_how_to_shows_the_example_as_it_is():
    """Every code line of the how-to's worked example is a line of the plug-in (comments aside)."""
    howto = (ROOT / "docs" / "howto" / "write-a-plugin.md").read_text()
    section = howto.split("## A worked example", 1)[1]
    block = section.split("```python\n", 1)[1].split("```", 1)[0]
    source = {line.strip() for line in PLUGIN.read_text().splitlines()}
    shown = [line.split("  #", 1)[0].strip() for line in block.splitlines()]
    missing = [line for line in shown if line and line not in source]
    assert not missing, f"the how-to shows lines the plug-in does not have: {missing}"
    assert len([line for line in shown if line]) >= 20
