"""Coercive engineered migration: a weak sender pushes people to extract concessions, and the
targets that give in or hold firm."""

from __future__ import annotations

from strategies._automata import START, reactive_cooperation, streak
from tournaments.strategy import (
    AutomatonStrategy,
    check_int,
    check_range,
    parameterised_name,
    state_classifier,
)


class CoerciveEngineeredMigration(AutomatonStrategy):
    """A weaker sending state that engineers migration flows to extract concessions.

    Behaviour: it opens by pushing migrants towards the target (D) and keeps pushing until the
    target accommodates (a realised C while under pressure). It then rewards the concession by
    standing down (C) for ``respite`` rounds, as long as the target keeps accommodating; if the
    target stops (D) it resumes pressure at once. When the respite is over it pushes again to
    press a new demand, since giving in "would only invite repetition". Its state depends only
    on the target's realised actions.

    Against an accommodating Cooperator with ``respite = 3``: D, C, C, C, D, C, C, C, …; against
    a target that never gives in: D forever.

    Parameters
    ----------
    respite : int, in [1, 100]
        Rounds it stands down after each concession before pressing a new demand.

    Automaton: ``respite + 1`` states (0 = pushing; j = standing down for the j-th round).
    Memory is unbounded (the position in the push/reward cycle depends on the whole run of
    concessions) but finite-state.

    Source: Walt (2021), on Greenhill's "coercive engineered migrations": states "have
    exploited displaced peoples and refugees in order to extract concessions from others", the
    coercer got at least part of its demands in 73 % of 56 cases; "for weak states that lack
    other means of exerting pressure ... exploiting refugees can be a tempting ploy"; giving in
    "would only invite repetition" (docs/sources.md).
    """

    key = "coercive_migration"
    name = "Coercive Engineered Migration"
    family = "coercion"
    source = "Walt 2021: coercive engineered migration (Greenhill), concessions invite repetition"
    classifier = state_classifier(float("inf"))

    def __init__(self, respite: int = 3) -> None:
        super().__init__()
        self.respite = check_int("respite", respite, 1, 100)
        self.name = parameterised_name("Coercive Engineered Migration", {"respite": 3},
                                       {"respite": self.respite})

    def initial_state(self, partner):
        return 0

    def cooperation(self, state):
        return 0.0 if state == 0 else 1.0

    def transition(self, state, own, other):
        if other == 1:
            return 0
        return state + 1 if state < self.respite else 0


class DividedTarget(AutomatonStrategy):
    """A target state whose domestic divisions make it give in under pressure.

    Behaviour: it cooperates in the first round and whenever the partner cooperated in the last
    round. Under pressure (the partner defected in the last round) its sympathetic and hostile
    domestic camps fight it out afresh each round: with probability ``division`` the
    accommodating camp wins and the state gives in (C), otherwise it holds (D). Random draws come
    from ``self._random``. ``division = 0`` is Tit For Tat, ``division = 1`` never resists.

    Parameters
    ----------
    division : float, in [0, 1]
        Probability of giving in to pressure in a round.

    Automaton: the partner's last realised action; C with probability 1, 1, ``division`` in the
    first round, after a C, after a D.

    Source: Walt (2021) — "coercing states often succeed by exploiting political divisions
    within the target states ... Internal divisions such as these ... give leaders in the target
    state an incentive to make the problem go away by accommodating the coercing state's
    demands" (docs/sources.md).
    """

    key = "divided_target"
    name = "Divided Target"
    family = "coercion"
    source = "Walt 2021: coercers succeed by exploiting political divisions within the target"
    classifier = state_classifier(1, stochastic=True)

    def __init__(self, division: float = 0.5) -> None:
        super().__init__()
        self.division = check_range("division", division, 0.0, 1.0)
        self.name = parameterised_name("Divided Target", {"division": 0.5},
                                       {"division": self.division})

    def initial_state(self, partner):
        return START

    def cooperation(self, state):
        return reactive_cooperation(state, 1.0, 1.0, self.division)

    def transition(self, state, own, other):
        return other


class ResoluteTarget(AutomatonStrategy):
    """A target state that refuses to cave and does not reward a coercer's first gesture.

    Behaviour: it cooperates until pressured. Pressure (a partner's realised D) is met by holding
    firm (D), and it returns to cooperation only after the partner has refrained from pressure
    for ``vigilance`` consecutive rounds: it cooperates iff the partner cooperated in each of the
    last ``vigilance`` rounds (or in all rounds so far, at the start). ``vigilance = 1`` is Tit
    For Tat. Against Coercive Engineered Migration the standoff never ends: a coercer stands
    down only after a concession, and this target never concedes.

    Parameters
    ----------
    vigilance : int, in [1, 20]
        Consecutive rounds without pressure it needs before cooperating again (its memory
        depth).

    Automaton: the partner's run of consecutive realised cooperations, capped at
    ``vigilance``, starting at the top (cooperative) state.

    Source: Walt (2021) — "Instead of caving, therefore, EU officials have framed the conflict
    not as a 'migration crisis' but as an 'attempt of an authoritarian regime to try to
    destabilize its democratic neighbors'"; giving in "would only invite repetition"
    (docs/sources.md).
    """

    key = "resolute_target"
    name = "Resolute Target"
    family = "coercion"
    source = "Walt 2021: the EU's refusal to cave to Belarus; giving in would invite repetition"
    classifier = state_classifier(2)

    def __init__(self, vigilance: int = 2) -> None:
        super().__init__()
        self.vigilance = check_int("vigilance", vigilance, 1, 20)
        self.classifier["memory_depth"] = self.vigilance
        self.name = parameterised_name("Resolute Target", {"vigilance": 2},
                                       {"vigilance": self.vigilance})

    def initial_state(self, partner):
        return self.vigilance

    def cooperation(self, state):
        return 1.0 if state == self.vigilance else 0.0

    def transition(self, state, own, other):
        return streak(state, other, self.vigilance)
