"""The Immigration Stag Hunt between a political Leader and the Public."""

from __future__ import annotations

from strategies._automata import streak
from tournaments.strategy import (
    AutomatonStrategy,
    check_int,
    parameterised_name,
    state_classifier,
)


class LeaderWhoLeads(AutomatonStrategy):
    """A political leader who supports immigration whatever the public does.

    Behaviour: supports (C) in every round. In the Immigration Stag Hunt "if the Leader leads"
    (the ``leader_leads`` game, Figure 5 of the rationalist-approach paper) supporting is the
    Leader's dominant strategy, because its unilateral support is enough to carry
    pro-immigration policy; by leading it assures the Public of the policy.

    Automaton: one state that always intends C.

    Source: the rationalist-approach paper, Figure 5 — "the Leader can assure the Public that
    pro-immigration policy will be implemented because the Leader's unilateral support for
    immigration is sufficient for the Leader to reach higher payoffs—creating a dominant
    strategy"; and "the domestic political debate on immigration policy will not converge
    unless a political leader leads the policy debate in a liberal direction"
    (docs/sources.md).
    """

    key = "leading_leader"
    name = "Leader Who Leads"
    family = "stag_hunt"
    source = "Rationalist approach, Figure 5: the Stag Hunt if the Leader leads"
    classifier = state_classifier(0)

    def initial_state(self, partner):
        return 0

    def cooperation(self, state):
        return 1.0

    def transition(self, state, own, other):
        return 0


class AssuranceSeekingPublic(AutomatonStrategy):
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

    Automaton: the partner's run of consecutive realised supports, capped at ``assurance``,
    starting at 0.

    Source: the rationalist-approach paper, Figure 4 (the Immigration Stag Hunt) — "if each
    expects that the other will be tempted to scapegoat immigrants ... the player will also bash
    immigrants and secure the psychological benefit. Lacking a dominant strategy, each can do no
    better than what one expects the other to do"; the assurance dilemma (docs/sources.md).
    """

    key = "assurance_public"
    name = "Assurance-Seeking Public"
    family = "stag_hunt"
    source = "Rationalist approach, Figure 4: the Stag Hunt's assurance dilemma"
    classifier = state_classifier(2)

    def __init__(self, assurance: int = 2) -> None:
        super().__init__()
        self.assurance = check_int("assurance", assurance, 1, 20)
        self.classifier["memory_depth"] = self.assurance
        self.name = parameterised_name("Assurance-Seeking Public", {"assurance": 2},
                                       {"assurance": self.assurance})

    def initial_state(self, partner):
        return 0

    def cooperation(self, state):
        return 1.0 if state == self.assurance else 0.0

    def transition(self, state, own, other):
        return streak(state, other, self.assurance)
