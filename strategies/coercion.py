"""Coercive engineered migration: a weak sender pushes people to extract concessions, and the
targets that give in or hold firm."""

from __future__ import annotations

import axelrod as axl
import numpy as np

from strategies._automata import check_int, reactive_form, streak_form
from strategies.base import FiniteStateForm, StateStrategy, parameterised_name, state_classifier

C, D = axl.Action.C, axl.Action.D


class CoerciveEngineeredMigration(StateStrategy):
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

    Finite-state form: ``respite + 1`` states (pushing; standing down for the j-th round).
    Memory is unbounded (the position in the push/reward cycle depends on the whole run of
    concessions) but finite-state.

    Source: ../shared/seeds/002 — Greenhill's "coercive engineered migrations": states "have
    exploited displaced peoples and refugees in order to extract concessions from others", the
    coercer got at least part of its demands in 73 % of 56 cases; "for weak states that lack
    other means of exerting pressure ... exploiting refugees can be a tempting ploy"; giving in
    "would only invite repetition". 000 — migration "is increasingly 'weaponized'".
    """

    key = "coercive_migration"
    name = "Coercive Engineered Migration"
    family = "coercion"
    source = "002: coercive engineered migration (Greenhill), concessions invite repetition"
    classifier = state_classifier(float("inf"))

    def __init__(self, respite: int = 3) -> None:
        super().__init__()
        self.respite = check_int("respite", respite, 1, 100)
        self._state = 0  # 0 = pushing; j = 1..respite: standing down, j-th round
        self._seen = 0
        self.name = parameterised_name("Coercive Engineered Migration", {"respite": 3},
                                       {"respite": self.respite})

    def _next(self, state: int, target: axl.Action) -> int:
        if target == D:
            return 0
        return state + 1 if state < self.respite else 0

    def strategy(self, opponent: axl.Player) -> axl.Action:
        for action in opponent.history[self._seen:]:
            self._state = self._next(self._state, action)
        self._seen = len(opponent.history)
        return D if self._state == 0 else C

    def finite_state_form(self) -> FiniteStateForm:
        n = self.respite + 1
        transition = np.zeros((n, 2, 2, n))
        for s in range(n):
            for b, action in ((0, C), (1, D)):
                transition[s, :, b, self._next(s, action)] = 1.0
        initial = np.zeros(n)
        initial[0] = 1.0
        coop = np.array([0.0] + [1.0] * self.respite)
        return FiniteStateForm(initial=initial, coop_prob=coop, transition=transition)


class DividedTarget(StateStrategy):
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

    Finite-state form: three states (first round, partner last C, partner last D) intending C
    with probabilities 1, 1, ``division``.

    Source: ../shared/seeds/002 — "coercing states often succeed by exploiting political
    divisions within the target states ... Internal divisions such as these ... give leaders in
    the target state an incentive to make the problem go away by accommodating the coercing
    state's demands."
    """

    key = "divided_target"
    name = "Divided Target"
    family = "coercion"
    source = "002: coercers succeed by exploiting political divisions within the target"
    classifier = state_classifier(1, stochastic=True)

    def __init__(self, division: float = 0.5) -> None:
        super().__init__()
        self.division = self._check_range("division", float(division), 0.0, 1.0)
        self.name = parameterised_name("Divided Target", {"division": 0.5},
                                       {"division": self.division})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        if not opponent.history or opponent.history[-1] == C:
            return C
        return self._random.random_choice(self.division)

    def finite_state_form(self) -> FiniteStateForm:
        return reactive_form(1.0, self.division)


class ResoluteTarget(StateStrategy):
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

    Finite-state form: ``vigilance + 1`` states counting the partner's consecutive realised
    cooperations (capped), starting in the top (cooperative) state.

    Source: ../shared/seeds/002 — "Instead of caving, therefore, EU officials have framed the
    conflict not as a 'migration crisis' but as an 'attempt of an authoritarian regime to try to
    destabilize its democratic neighbors'"; giving in "would only invite repetition".
    """

    key = "resolute_target"
    name = "Resolute Target"
    family = "coercion"
    source = "002: the EU's refusal to cave to Belarus; giving in would invite repetition"
    classifier = state_classifier(2)

    def __init__(self, vigilance: int = 2) -> None:
        super().__init__()
        self.vigilance = check_int("vigilance", vigilance, 1, 20)
        self.classifier["memory_depth"] = self.vigilance
        self.name = parameterised_name("Resolute Target", {"vigilance": 2},
                                       {"vigilance": self.vigilance})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        return D if D in opponent.history[-self.vigilance:] else C

    def finite_state_form(self) -> FiniteStateForm:
        k = self.vigilance
        return streak_form(k, initial=k, cooperate_at={k})
