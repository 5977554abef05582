"""The Immigration Stag Hunt between a political Leader and the Public (source 004)."""

from __future__ import annotations

import axelrod as axl

from strategies._automata import check_int, constant_form, streak_form
from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D


class LeaderWhoLeads(StateStrategy):
    """A political leader who supports immigration whatever the public does.

    Behaviour: supports (C) in every round. In the Immigration Stag Hunt "if the Leader leads"
    (the ``leader_leads`` game, Figure 5 of source 004) supporting is the Leader's dominant
    strategy, because its unilateral support is enough to carry pro-immigration policy; by
    leading it assures the Public of the policy.

    Finite-state form: one state that always intends C.

    Source: ../shared/seeds/004, Figure 5 — "the Leader can assure the Public that
    pro-immigration policy will be implemented because the Leader's unilateral support for
    immigration is sufficient for the Leader to reach higher payoffs—creating a dominant
    strategy"; and "the domestic political debate on immigration policy will not converge
    unless a political leader leads the policy debate in a liberal direction".
    """

    key = "leading_leader"
    name = "Leader Who Leads"
    family = "stag_hunt"
    source = "004, Figure 5: the Immigration Stag Hunt if the Leader leads"
    classifier = state_classifier(0)

    def strategy(self, opponent: axl.Player) -> axl.Action:
        return C

    def finite_state_form(self) -> FiniteStateForm:
        return constant_form(1.0)


class AssuranceSeekingPublic(StateStrategy):
    """A public that bashes immigrants unless assured that the other side supports them.

    Behaviour: bashes (D) until assured, and supports (C) only once the partner has supported in
    each of the last ``assurance`` rounds; a single bash by the partner withdraws the assurance.
    In the first ``assurance`` rounds it therefore bashes. ``assurance = 1`` is Suspicious Tit
    For Tat; larger values model a public that needs a sustained signal before it believes the
    leader. Against the Leader Who Leads (``assurance = 2``): D, D, C, C, …

    Parameters
    ----------
    assurance : int, in [1, 20]
        Consecutive rounds of partner support needed before it supports (its memory depth).

    Finite-state form: ``assurance + 1`` states counting the partner's consecutive realised
    supports (capped), starting at 0.

    Source: ../shared/seeds/004, Figure 4 (the Immigration Stag Hunt) — "if each expects that the
    other will be tempted to scapegoat immigrants ... the player will also bash immigrants and
    secure the psychological benefit. Lacking a dominant strategy, each can do no better than
    what one expects the other to do"; the assurance dilemma.
    """

    key = "assurance_public"
    name = "Assurance-Seeking Public"
    family = "stag_hunt"
    source = "004, Figure 4: the Immigration Stag Hunt, the assurance dilemma"
    classifier = state_classifier(2)

    def __init__(self, assurance: int = 2) -> None:
        super().__init__()
        self.assurance = check_int("assurance", assurance, 1, 20)
        self.classifier["memory_depth"] = self.assurance
        self.name = parameterised_name("Assurance-Seeking Public", {"assurance": 2},
                                       {"assurance": self.assurance})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        recent = opponent.history[-self.assurance:]
        assured = len(recent) == self.assurance and D not in recent
        return C if assured else D

    def finite_state_form(self) -> FiniteStateForm:
        k = self.assurance
        return streak_form(k, initial=0, cooperate_at={k})
