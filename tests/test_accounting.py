"""The accounting against hand-computed numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tournaments.model import accounting, games
from tournaments.model.accounting import MATCH_FIELDS, score_actions

PD = games.builtin("prisoners_dilemma")
C, D = 0, 1


def field(scores, seat, name):
    return scores[seat, MATCH_FIELDS.index(name)]


def test_tft_vs_defector_five_rounds():
    # TFT: C then copies D: (C,D), (D,D) x4 -> TFT 0 + 4*1 = 4, Defector 5 + 4*1 = 9
    actions = np.array([[C, D]] + [[D, D]] * 4)
    scores = score_actions(PD, actions)
    assert field(scores, 0, "gross_payoff") == 4 and field(scores, 1, "gross_payoff") == 9
    assert field(scores, 0, "net") == 4 and field(scores, 0, "rounds") == 5
    assert field(scores, 0, "cooperation_rate") == 1 and field(scores, 1, "cooperation_rate") == 0
    assert field(scores, 0, "mutual_cooperation_rate") == 0


def test_discount_enters_only_the_states_own_valuation():
    # TFT vs Alternator, 4 rounds: (C,C) (C,D) (D,C) (C,D): TFT gets 3, 0, 5, 0.
    # gamma = 0.5: own valuation (3 + 0.25 * 5) / (1 + 0.5 + 0.25 + 0.125) = 4.25 / 1.875
    actions = np.array([[C, C], [C, D], [D, C], [C, D]])
    scores = score_actions(PD, actions, discounts=(0.5, 1.0))
    own = field(scores, 0, "discounted_net") / field(scores, 0, "discount_weight")
    assert own == pytest.approx(4.25 / 1.875)
    # the common yardstick is undiscounted whatever γ: (3 + 0 + 5 + 0) / 4
    assert field(scores, 0, "net") / field(scores, 0, "rounds") == pytest.approx(8 / 4)
    assert field(scores, 0, "gross_payoff") == 8
    # the undiscounted partner's own valuation is its payoff per round: (3 + 5 + 0 + 5) / 4
    assert field(scores, 1, "discounted_net") / field(scores, 1, "discount_weight") == 13 / 4


def test_transfer_accounting_gross_paid_received_net():
    # seat 0 pays 1 in the rounds its partner cooperates (1 and 3), efficiency 0.5,
    # and sanctions the partner in round 2 at cost 0.2 to itself, harm 2 to the partner.
    actions = np.array([[C, C], [C, D], [D, C], [C, D]])
    adj = np.array([[1, 0, 0], [0, 0.2, 2], [1, 0, 0], [0, 0, 0]], dtype=float)
    scores = score_actions(PD, actions, (adj, None), transfer_efficiency=0.5)
    assert field(scores, 0, "gross_payoff") == 8 and field(scores, 0, "paid") == 2
    assert field(scores, 0, "sanction_cost") == pytest.approx(0.2)
    assert field(scores, 0, "net") == pytest.approx(8 - 2 - 0.2)
    assert field(scores, 1, "gross_payoff") == 13 and field(scores, 1, "received") == 1
    assert field(scores, 1, "sanction_suffered") == 2
    assert field(scores, 1, "net") == pytest.approx(13 + 1 - 2)


def test_the_net_identity_is_declared_once_by_name():
    signs = dict(zip(accounting.NAMES, accounting.NET_SIGNS, strict=True))
    assert signs == {"gross_payoff": 1, "paid": -1, "received": 1, "sanction_cost": -1,
                     "sanction_suffered": -1, "cooperation_rate": 0,
                     "mutual_cooperation_rate": 0}
    assert accounting.MONEY == ("gross_payoff", "paid", "received", "sanction_cost",
                                "sanction_suffered")


actions_strategy = st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1,
                            max_size=40)


@given(actions_strategy, st.floats(0.1, 1.0))
def test_property_payoffs_within_bounds(pairs, gamma):
    scores = score_actions(PD, np.array(pairs), discounts=(gamma, gamma))
    low, high = PD.bounds
    for numerator, denominator in (("gross_payoff", "rounds"),
                                   ("discounted_net", "discount_weight")):
        per_round = (scores[:, MATCH_FIELDS.index(numerator)]
                     / scores[:, MATCH_FIELDS.index(denominator)])
        assert np.all(per_round >= low - 1e-12) and np.all(per_round <= high + 1e-12)


@given(actions_strategy)
def test_property_swapping_seats_swaps_scores(pairs):
    actions = np.array(pairs)
    assert np.allclose(score_actions(PD, actions), score_actions(PD, actions[:, ::-1])[::-1])
