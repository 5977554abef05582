"""Finite-state forms of players: the automata the exact solver (:mod:`.exact`) reads.

A form (:class:`tournaments.model.automaton.FiniteStateForm`) is a player written as an automaton
over *realised* actions: in each state it intends C with some probability, and after the realised
(own, partner) actions of a round it moves, possibly at random, to the next state. axelrod's
``Match`` shows every player the realised history (noise flips an intended action before either
history records it), so a form reproduces a player's play exactly when its state carries
everything the player's next decisions depend on; ``Match`` resets its players before a match, so
every form starts from the first round. Forms come from three places, tried in order:

1. **Written as automata**: the project's strategies and plug-ins
   (:class:`tournaments.strategy.AutomatonStrategy`), whose automaton is enumerated.
2. **Read from parameters** — families of axelrod players that are finite automata by
   construction: memory-one players (four-vector), finite-state machines (transition table),
   hidden-Markov players (transition matrices and emission probabilities), lookup tables over
   own and partner plays and the partner's openings (``LookerUp``; ``Gambler`` with
   probabilities), memory-two players (sixteen-vector), cyclers (the cycle), and a few classics
   written out by hand (:func:`_classic_forms`).
3. **Extracted from play** (:func:`_extracted_form`): for a strategy whose next action depends
   on a finite summary of the history — the last ``d`` rounds for a strategy with finite declared
   memory ``d`` (``classifier["memory_depth"]``), or a sufficient statistic reviewed for one
   class (:data:`_STATISTICS`: a grudge flag, a counter, the partner's openings) — the automaton
   is tabulated by running the strategy itself on every history, one state per value of the
   summary (the first rounds being their own states), and then *checked against play*: the
   tabulated automaton must predict the player's intended action (its probability, for a
   stochastic player) in every round of matches against a panel of opponents, with and without
   noise, and along random histories. A form that fails any check is refused: declared memory is
   not always honest (Random Tit For Tat declares memory one and alternates; Contrite Tit For Tat
   declares three and remembers its own intentions — both fail the checks of a window, and have
   a reviewed statistic instead). Extracted forms are cached per class, parameters and match
   length.

Public API
----------
:func:`finite_state_form`
    The form of a player, or ``None``.
:func:`form_family`
    Where a player's form comes from (for reports and the catalogue).
:func:`recognised`
    Whether players of a class may have a form, without building one (cheap).
:func:`memory_one_form`
    The five-state form of a four-vector.
:func:`play_matches`, :func:`compare_with_play`
    Fixed-length matches played as axelrod plays them, fast; a form's exact values against
    them (a z-test), for checks of the forms.

References
----------
Nowak, M. A. & Sigmund, K. (1993). A strategy of win-stay, lose-shift that outperforms
tit-for-tat in the Prisoner's Dilemma game. *Nature* 364, 56–58.
Hilbe, C., Martinez-Vaquero, L. A., Chatterjee, K. & Nowak, M. A. (2017). Memory-n strategies of
direct reciprocity. *PNAS* 114(18), 4715–4720.
Moore, E. F. (1956). Gedanken-experiments on sequential machines. In *Automata Studies*,
Princeton University Press, 129–153 (the minimisation of :func:`_minimise`).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from tournaments._axelrod import copy_history, copy_player
from tournaments.model.automaton import MAX_FORM_STATES, FiniteStateForm, Partner, tabulate
from tournaments.model.games import StageGame

#: Largest declared memory whose every window of joint histories is tabulated (Σ_{k≤d} 4^k
#: states before minimisation: 341 for d = 4); a longer memory needs a reviewed statistic.
WINDOW_MAX_DEPTH = 4
#: Rounds of each check of an extracted form against play (or the match length, when the
#: strategy reads a finite one), the noise of the checks against the panel, the probability
#: that a random history flips the player's own intended action, and the checks' seed.
CHECK_TURNS, CHECK_NOISE, CHECK_FLIP, CHECK_SEED = 64, 0.05, 0.2, 20_150
#: The panel of opponents an extracted form is checked against (axelrod class names), beside a
#: copy of the player itself and random histories.
CHECK_PANEL = ("Cooperator", "Defector", "TitForTat", "Alternator", "Random", "Grudger",
               "WinStayLoseShift", "SuspiciousTitForTat")
#: Random histories of each check: the partner defects with these probabilities.
CHECK_RANDOM = (0.1, 0.3, 0.5, 0.5, 0.7, 0.9)
#: Tolerance on a probability of cooperating when an extracted form is compared with play.
_TOLERANCE = 1e-12
#: Difference between an exact and a simulated mean below which they agree (round-off).
_AGREEMENT = 1e-9


# --------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------

def _form(initial, coop_prob, transition, adjustments=None) -> FiniteStateForm:
    return FiniteStateForm(
        initial=np.asarray(initial, dtype=float),
        coop_prob=np.asarray(coop_prob, dtype=float),
        transition=np.asarray(transition, dtype=float),
        adjustments=None if adjustments is None else np.asarray(adjustments, dtype=float),
    )


def _deterministic_form(coop: Sequence[float], next_state, initial: int = 0) -> FiniteStateForm:
    """A form whose state moves deterministically: ``next_state(s, own, opp) -> s'``."""
    n = len(coop)
    transition = np.zeros((n, 2, 2, n))
    for s in range(n):
        for a in (0, 1):
            for b in (0, 1):
                transition[s, a, b, next_state(s, a, b)] = 1.0
    init = np.zeros(n)
    init[initial] = 1.0
    return _form(init, coop, transition)


def memory_one_form(four_vector: Sequence[float], initial_coop: float) -> FiniteStateForm:
    """The five-state form of a memory-one strategy.

    Parameters
    ----------
    four_vector : sequence of 4 floats
        ``(P(C|CC), P(C|CD), P(C|DC), P(C|DD))`` given the last round's realised (own, partner)
        actions (Nowak & Sigmund 1993; Press & Dyson 2012).
    initial_coop : float
        Probability of intending C in the first round.

    Returns
    -------
    FiniteStateForm
        State 0 is the first round; state ``1 + 2a + b`` follows realised actions ``(a, b)``.
    """
    coop = np.concatenate([[float(initial_coop)], np.asarray(four_vector, dtype=float)])
    return _deterministic_form(coop, lambda s, a, b: 1 + 2 * a + b)


def _memory_zero(p: float) -> FiniteStateForm:
    return _form([1.0], [float(p)], np.ones((1, 2, 2, 1)))


def _prune(form: FiniteStateForm) -> FiniteStateForm:
    """Drop the states no sequence of realised actions can reach from the initial states."""
    reach = form.initial > 0
    step = form.transition.sum(axis=(1, 2)) > 0
    while True:
        new = reach | step[reach].any(axis=0)
        if (new == reach).all():
            break
        reach = new
    if reach.all():
        return form
    keep = np.flatnonzero(reach)
    adj = None if form.adjustments is None else form.adjustments[keep]
    return _form(form.initial[keep], form.coop_prob[keep],
                 form.transition[keep][..., keep], adj)


def _minimise(form: FiniteStateForm) -> FiniteStateForm:
    """Merge the states no sequence of realised actions can tell apart (Moore 1956).

    Only for a form without adjustments whose transitions are deterministic (others are
    returned as they are). States are split by their probability of cooperating, then by the
    blocks their four successors fall in, until the partition is stable; blocks are numbered by
    their first state, so the initial state stays first.
    """
    T = form.transition
    n = form.n_states
    if form.adjustments is not None or not np.all((T == 0) | (T == 1)):
        return form
    successor = T.argmax(axis=-1).reshape(n, 4)
    block = np.unique(form.coop_prob, return_inverse=True)[1].ravel()
    while True:
        signature = np.column_stack([block, block[successor]])
        new = np.unique(signature, axis=0, return_inverse=True)[1].ravel()
        if new.max() == block.max():
            break
        block = new
    first = {}  # block → its number, in order of first state
    for b in block.tolist():
        first.setdefault(b, len(first))
    block = np.array([first[b] for b in block.tolist()])
    m = len(first)
    if m == n:
        return form
    representative = np.zeros(m, dtype=int)
    for s in range(n - 1, -1, -1):
        representative[block[s]] = s
    transition = np.zeros((m, 4, m))
    transition[np.arange(m)[:, None], np.arange(4)[None, :],
               block[successor[representative]]] = 1.0
    initial = np.zeros(m)
    np.add.at(initial, block, form.initial)
    return _form(initial, form.coop_prob[representative], transition.reshape(m, 2, 2, m))


def _axelrod():
    from tournaments._axelrod import load

    return load()


def _action_index(action) -> int:
    """0 for C, 1 for D (axelrod's ``Action.value``)."""
    return int(action.value)


# --------------------------------------------------------------------------------------------
# Families read from their parameters
# --------------------------------------------------------------------------------------------

def _fsm_form(player) -> FiniteStateForm:
    """The form of an axelrod ``FSMPlayer``.

    axelrod's machine emits the action of round t ≥ 1 from the transition taken on (its state,
    the partner's realised action of round t − 1), and its state follows its *intended* output:
    noise on its own action never moves it (``SimpleFSM.move``). The form's state is therefore
    (machine state, partner's last realised action), plus one state for the first round.
    """
    axl = _axelrod()
    table = player.fsm.state_transitions  # {(state, opp action): (next state, action)}
    states = sorted({s for s, _ in table} | {player.initial_state}, key=repr)
    index = {s: k for k, s in enumerate(states)}
    action = {axl.Action.C: 0, axl.Action.D: 1}
    n = 1 + 2 * len(states)  # 0: first round; 1 + 2 q + b: machine state q, partner's last b
    coop = np.zeros(n)
    coop[0] = float(player.initial_action == axl.Action.C)
    transition = np.zeros((n, 2, 2, n))
    q0 = index[player.initial_state]
    for b in (0, 1):
        transition[0, :, b, 1 + 2 * q0 + b] = 1.0
    for (state, opp), (nxt, act) in table.items():
        s = 1 + 2 * index[state] + action[opp]
        coop[s] = float(act == axl.Action.C)
        for b in (0, 1):
            transition[s, :, b, 1 + 2 * index[nxt] + b] = 1.0
    missing = transition.sum(axis=-1) == 0  # (state, opp) pairs absent from the table
    transition[missing] = np.eye(n)[np.nonzero(missing)[0]]  # unreachable: any valid row
    init = np.zeros(n)
    init[0] = 1.0
    return _prune(_form(init, coop, transition))


def _hmm_form(player) -> FiniteStateForm:
    """The form of an axelrod ``HMMPlayer`` (a hidden-Markov machine).

    In the first round the player plays ``initial_action``. In every later round its hidden
    state first moves, at random, by the row of ``transitions_C`` or ``transitions_D`` chosen by
    the partner's last *realised* action (``SimpleHMM.move``), and then it cooperates with the
    new state's emission probability. Neither step reads its own action, so the hidden state
    itself is the form's state: state 0 is the first round, state ``1 + h`` hidden state ``h``,
    with the same random transitions.
    """
    axl = _axelrod()
    hmm = player.hmm
    moves = np.stack([np.asarray(hmm.transitions_C, dtype=float),
                      np.asarray(hmm.transitions_D, dtype=float)])  # (partner's b, h, h')
    emission = np.asarray(hmm.emission_probabilities, dtype=float)
    n = 1 + len(emission)
    transition = np.zeros((n, 2, 2, n))
    rows = np.concatenate([moves[:, [player.initial_state]], moves], axis=1)  # (b, s, h')
    transition[:, :, :, 1:] = rows.transpose(1, 0, 2)[:, None, :, :]
    coop = np.concatenate([[float(player.initial_action == axl.Action.C)], emission])
    init = np.zeros(n)
    init[0] = 1.0
    return _prune(_form(init, coop, transition))


def _probability(value) -> float:
    """A table entry as a probability of C: an ``Action`` or a float (``Gambler``)."""
    axl = _axelrod()
    if isinstance(value, axl.Action):
        return float(value == axl.Action.C)
    return float(value)


def _lookup_form(player) -> FiniteStateForm | None:
    """The form of an axelrod ``LookerUp`` or ``Gambler``.

    In its first ``table_depth`` rounds the player plays its ``initial_actions``; afterwards it
    looks up its own last ``p`` and the partner's last ``q`` realised plays and the partner's
    first ``k`` plays in its table (an action, or for a ``Gambler`` the probability of C). The
    form's state is (round, capped at the table depth; own last ``p``; partner's last ``q``;
    partner's first ``k``), minimised.
    """
    axl = _axelrod()
    table = player._lookup
    p, q, k = table.player_depth, table.op_depth, table.op_openings_depth
    openings = tuple(player.initial_actions)
    depth = table.table_depth
    plays = (axl.Action.C, axl.Action.D)

    def cooperation(state):
        t, own, other, first = state
        if t < len(openings):
            return _probability(openings[t])
        return _probability(table.get(own, other, first))

    def transition(state, a, b):
        t, own, other, first = state
        return (min(t + 1, depth), (own + (plays[a],))[-p:] if p else (),
                (other + (plays[b],))[-q:] if q else (),
                first + (plays[b],) if len(first) < k else first)

    form = tabulate((0, (), (), ()), cooperation, transition)
    return None if form is None else _minimise(form)


def _memory_two_form(player) -> FiniteStateForm | None:
    """The form of an axelrod ``MemoryTwoPlayer``: its two opening actions, then the
    probability of C given both players' last two realised actions (the sixteen-vector;
    Hilbe et al. 2017). State: (round, capped at 2; own last two; partner's last two)."""
    axl = _axelrod()
    plays = (axl.Action.C, axl.Action.D)
    vector = player._sixteen_vector  # {((own_-2, own_-1), (opp_-2, opp_-1)): P(C)}

    def cooperation(state):
        t, own, other = state
        return _probability(player._initial[t]) if t < 2 else float(vector[(own, other)])

    def transition(state, a, b):
        t, own, other = state
        return min(t + 1, 2), (own + (plays[a],))[-2:], (other + (plays[b],))[-2:]

    form = tabulate((0, (), ()), cooperation, transition)
    return None if form is None else _minimise(form)


def _cycler_form(player) -> FiniteStateForm | None:
    """The form of an axelrod ``Cycler``: its position in the cycle, whatever is played."""
    cycle = player.cycle
    form = tabulate(0, lambda i: float(cycle[i] == "C"), lambda i, a, b: (i + 1) % len(cycle))
    return None if form is None else _minimise(form)


def _forgetful_fool_me_once(player) -> FiniteStateForm:
    """Forgetful Fool Me Once: in every round after the first it counts the partner's last
    realised defection, forgets the count with probability ``forget_probability`` (a fresh draw
    each round) and defects while the count exceeds one. State 0 is the first round, state
    ``1 + c`` the count ``c`` after this round's update (capped at 2); the forgetting makes the
    transitions random."""
    f = float(player.forget_probability)
    transition = np.zeros((4, 2, 2, 4))
    for s in range(4):
        count = max(s - 1, 0)
        for b in (0, 1):
            transition[s, :, b, 1 + min(count + b, 2)] += 1 - f
            transition[s, :, b, 1] += f
    coop = [float(player._initial == _axelrod().Action.C), 1.0, 1.0, 0.0]
    return _prune(_form([1, 0, 0, 0], coop, transition))


def _remorseful_prober(player) -> FiniteStateForm:
    """Remorseful Prober(p): Tit For Tat that, after a partner's C, defects with probability p
    (a probe), and after a partner's D that answers its own probe cooperates (remorse).

    Whether it is probing is decided by its *intended* action, which noise hides from the
    realised history; the form therefore draws the intention when it enters a state: states
    0 first round; 1, 2 after a partner's D (not probing, probing); 3, 4 after a partner's C,
    intending C, resp. the probe D.
    """
    p = float(player.p)
    transition = np.zeros((5, 2, 2, 5))
    for s in range(5):
        transition[s, :, 1, 2 if s == 4 else 1] = 1.0  # the probe is remembered until answered
        transition[s, :, 0, 3] = 1 - p
        transition[s, :, 0, 4] += p
    return _form([1, 0, 0, 0, 0], [1.0, 0.0, 1.0, 1.0, 0.0], transition)


def _michaelos(player) -> FiniteStateForm | None:
    """Michaelos: Tit For Tat, except that after its own realised D met a partner's C it tosses
    a fair coin — cooperating, or defecting for the rest of the match. It also defects in the
    last round of a match of known length; only matches of unknown length (continuation, or no
    length given) have a form. The coin is its intention, drawn when entering a state: 0 first
    round, 1 defector, 2 and 3 copy the partner's C and D, 4 and 5 the coin's C and D."""
    length = player.match_attributes["length"]
    if 0 <= length < math.inf:
        return None
    transition = np.zeros((6, 2, 2, 6))
    for s in (0, 2, 3, 4):
        transition[s, :, 0, 2] = transition[s, :, 1, 3] = 1.0
        transition[s, 1, 0] = 0.0
        transition[s, 1, 0, [4, 5]] = 0.5
    transition[[1, 5], :, :, 1] = 1.0
    return _form([1, 0, 0, 0, 0, 0], [1.0, 0.0, 1.0, 0.0, 1.0, 0.0], transition)


@cache
def _classic_forms() -> dict[type, object]:
    """Classics written out by hand, keyed by class (exact class, never a subclass)."""
    axl = _axelrod()
    on_opp = lambda s, a, b: b  # noqa: E731 - state = partner's last realised action
    return {
        axl.Cooperator: lambda p: _memory_zero(1.0),
        axl.Defector: lambda p: _memory_zero(0.0),
        axl.Random: lambda p: _memory_zero(p.p),
        # C with probability r ~ U(0.3, 0.7), drawn afresh each round: C with probability 1/2,
        # independently across rounds
        axl.FirstByAnonymous: lambda p: _memory_zero(0.5),
        # state = partner's last realised action (0 = C, 1 = D)
        axl.TitForTat: lambda p: _deterministic_form([1.0, 0.0], on_opp, 0),
        axl.SuspiciousTitForTat: lambda p: _deterministic_form([1.0, 0.0], on_opp, 1),
        axl.AntiTitForTat: lambda p: _deterministic_form([0.0, 1.0], on_opp, 1),
        axl.Bully: lambda p: _deterministic_form([0.0, 1.0], on_opp, 0),
        # state 1 = grudge (the partner has defected), absorbing
        axl.Grudger: lambda p: _deterministic_form([1.0, 0.0], lambda s, a, b: max(s, b)),
        # state = own intended next action: the opposite of own last realised action
        axl.Alternator: lambda p: _deterministic_form([1.0, 0.0], lambda s, a, b: 1 - a),
        # cooperate iff last round's realised actions agreed (Nowak & Sigmund 1993)
        axl.WinStayLoseShift: lambda p: _deterministic_form(
            [1.0, 0.0], lambda s, a, b: int(a != b)),
        # state = run of partner defections, capped at 2; defect after two in a row
        axl.TitFor2Tats: lambda p: _deterministic_form(
            [1.0, 1.0, 0.0], lambda s, a, b: min(s + 1, 2) if b else 0),
        # state = rounds since the partner's last defection, capped at 2 (2 = none recent)
        axl.TwoTitsForTat: lambda p: _deterministic_form(
            [0.0, 0.0, 1.0], lambda s, a, b: 0 if b else min(s + 1, 2), 2),
        # first round C with probability 0.6, then repeat own last realised action
        axl.ALLCorALLD: lambda p: _form(
            [1.0, 0.0, 0.0], [0.6, 1.0, 0.0],
            np.array([[[[0, 1, 0]] * 2, [[0, 0, 1]] * 2]] * 3, dtype=float)),
        axl.ForgetfulFoolMeOnce: _forgetful_fool_me_once,
        axl.RemorsefulProber: _remorseful_prober,
        axl.Michaelos: _michaelos,
    }


# --------------------------------------------------------------------------------------------
# Forms extracted from play
# --------------------------------------------------------------------------------------------

class _Refused(Exception):
    """The strategy does something an extracted form cannot follow."""


class _Probe:
    """Stands in for a stochastic player's random generator while its automaton is read.

    ``random_choice(p)`` is the one draw an extracted form can follow: it records ``p`` and
    returns the outcome the reader chose. Any other use of the generator refuses the form.
    """

    def __init__(self) -> None:
        self.outcome = None
        self.draws: list[float] = []

    def random_choice(self, p: float = 0.5):
        axl = _axelrod()
        if p == 0 or p == 1:  # axelrod draws nothing then
            return axl.Action.C if p == 1 else axl.Action.D
        self.draws.append(float(p))
        return self.outcome

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise _Refused(f"draws with {name}")

    def __deepcopy__(self, memo):
        return self


def _tail(history, k: int) -> tuple:
    """The last ``k`` entries of a history, as a tuple (all of them while fewer were played)."""
    return tuple(history[-k:]) if k > 0 else ()


def _rounds_since_defection(history, window: int):
    """Rounds since the partner's last D within the last ``window`` rounds (None if none)."""
    recent = list(history[-window:])
    D = _axelrod().Action.D
    return next((k for k, action in enumerate(reversed(recent)) if action == D), None)


def _remaining(player):
    """Rounds left in a match of known length (None when the length is unknown or infinite)."""
    length = player.match_attributes["length"]
    return max(length - len(player.history), 0) if 0 <= length < math.inf else None


def _window(depth: int) -> Callable:
    """The summary of a strategy with memory ``depth``: the round (capped at ``depth``, so the
    first rounds are their own states) and both players' last ``depth`` realised actions."""
    def statistic(p, o):
        return min(len(p.history), depth), _tail(p.history, depth), _tail(o.history, depth)
    return statistic


def _statistics() -> dict[str, Callable]:
    """Sufficient statistics reviewed for one class each: ``statistic(player, partner)`` is a
    finite summary of the player's state (its attributes and both histories) from which its next
    actions follow, read off the class's ``strategy``: ``t(p)`` is the round, ``ever(o, "D")``
    whether the partner has defected, ``_remaining(p)`` the rounds left of a known match length.
    Each is checked against play like a window (:func:`_extracted_form`)."""
    def t(p):
        return len(p.history)

    def ever(o, action):
        return (o.defections if action == "D" else o.cooperations) > 0

    D = _axelrod().Action.D
    return {
        "Aggravater": lambda p, o: (min(t(p), 3), ever(o, "D")),
        "SpitefulCC": lambda p, o: (min(t(p), 2), ever(o, "D")),
        "OppositeGrudger": lambda p, o: (ever(o, "C"),),
        "GrudgerAlternator": lambda p, o: (ever(o, "D"), _tail(p.history, 1)),
        "EasyGo": lambda p, o: (ever(o, "D"),),
        "Appeaser": lambda p, o: (_tail(p.history, 1), _tail(o.history, 1)),
        "FoolMeOnce": lambda p, o: (t(p) > 0, min(o.defections, 2)),
        "Prober": lambda p, o: (min(t(p), 3), tuple(o.history[1:3]), _tail(o.history, 1)),
        "Prober2": lambda p, o: (min(t(p), 3), tuple(o.history[1:3]), _tail(o.history, 1)),
        "Prober3": lambda p, o: (min(t(p), 2), tuple(o.history[1:2]), _tail(o.history, 1)),
        "HardProber": lambda p, o: (min(t(p), 4), tuple(o.history[1:3]), _tail(o.history, 1)),
        "Detective": lambda p, o: (min(t(p), len(p.initial_actions)),
                                   D in o.history[:len(p.initial_actions)], _tail(o.history, 1)),
        "Handshake": lambda p, o: (min(t(p), len(p.initial_plays)),
                                   tuple(o.history[:len(p.initial_plays)])),
        "CollectiveStrategy": lambda p, o: (min(t(p), 2), tuple(o.history[:2]),
                                            min(o.defections, 2)),
        "SpitefulTitForTat": lambda p, o: (t(p) > 0, p.retaliating, _tail(o.history, 2)),
        "FirstByDavis": lambda p, o: (min(t(p), p._rounds_to_cooperate), ever(o, "D")),
        "GradualKiller": lambda p, o: (min(t(p), 7), tuple(o.history[5:7])),
        "GeneralSoftGrudger": lambda p, o: (p.grudged, p.grudge_memory, _tail(o.history, p.n)),
        "SoftGrudger": lambda p, o: (p.grudged, p.grudge_memory, _tail(o.history, 1)),
        "DefectorHunter": lambda p, o: (min(t(p), 4), o.defections == t(p)),
        "CooperatorHunter": lambda p, o: (min(t(p), 4), o.cooperations == t(p)),
        "AlternatorHunter": lambda p, o: (min(t(p), 7), p.is_alt,
                                          tuple(o.history) if t(p) <= 6 else ()),
        "SneakyTitForTat": lambda p, o: (min(t(p), 2), ever(o, "D"), _tail(p.history, 2),
                                         _tail(o.history, 1)),
        "ContriteTitForTat": lambda p, o: (t(p) > 0, p.contrite,
                                           tuple(p._recorded_history[-1:]),
                                           _tail(p.history, 1), _tail(o.history, 1)),
        "OnceBitten": lambda p, o: (p.grudged, p.grudge_memory, min(t(p), 2),
                                    _tail(o.history, 2)),
        "ForgetfulGrudger": lambda p, o: (p.grudged, p.grudge_memory, _tail(o.history, 1)),
        "TrickyCooperator": lambda p, o: (min(t(p), 3), _rounds_since_defection(o.history, 10)),
        "TrickyDefector": lambda p, o: (ever(o, "C"), _tail(o.history, 3)),
        "MEM2": lambda p, o: (p.play_as, p.shift_counter if p.alld_counter < 2 else None,
                              min(p.alld_counter, 2), _tail(p.history, 2), _tail(o.history, 2)),
        "RandomTitForTat": lambda p, o: (t(p) > 0, p.act_random, _tail(o.history, 1)),
        "SecondByBlack": lambda p, o: (_tail(o.history, 5),),
        "FirstByFeld": lambda p, o: (min(t(p), p._rounds_of_decay), _tail(o.history, 1)),
        "SecondByGrofman": lambda p, o: (min(t(p), 8), _tail(p.history, 1), _tail(o.history, 8)),
        "GoByMajority5": lambda p, o: (_tail(o.history, 5),),
        "HardGoByMajority5": lambda p, o: (_tail(o.history, 5),),
        "Resurrection": lambda p, o: (min(t(p), 5), _tail(p.history, 5), _tail(o.history, 1)),
        "DoubleResurrection": lambda p, o: (min(t(p), 5), _tail(p.history, 5),
                                            _tail(o.history, 1)),
        "NTitsForMTats": lambda p, o: (p.retaliate_count, _tail(o.history, p.M)),
        "BackStabber": lambda p, o: (t(p) > 0, min(o.defections, 4), _remaining(p)),
        "Alexei": lambda p, o: (t(p) > 0, _tail(o.history, 1), _remaining(p)),
        "EugineNier": lambda p, o: (t(p) > 0, p.is_defector, min(o.defections, 5),
                                    _tail(o.history, 1), _remaining(p)),
    }


#: Class name → reviewed sufficient statistic (built on first use).
_STATISTICS: dict[str, Callable] = {}


def _statistic_of(cls) -> Callable | None:
    """The reviewed statistic of exactly this class (a subclass may behave otherwise)."""
    if not _STATISTICS:
        _STATISTICS.update(_statistics())
    axl = _axelrod()
    name = cls.__name__
    return _STATISTICS[name] if getattr(axl, name, None) is cls and name in _STATISTICS else None


def _declared_memory(player) -> float:
    depth = player.classifier.get("memory_depth", math.inf)
    return depth if depth is not None else math.inf


def _summary(player) -> tuple[str, Callable] | None:
    """(family, statistic) of a player whose form may be extracted, or None."""
    statistic = _statistic_of(type(player))
    if statistic is not None:
        return "extracted (reviewed statistic)", statistic
    depth = _declared_memory(player)
    if depth <= WINDOW_MAX_DEPTH and int(depth) == depth:
        return "extracted (declared memory)", _window(int(depth))
    return None


class _Opponent:
    """A partner that is only a history (what a strategy may read of a non-cheating partner)."""

    def __init__(self) -> None:
        from axelrod.history import History

        self.history = History()

    @property
    def cooperations(self) -> int:
        return self.history.cooperations

    @property
    def defections(self) -> int:
        return self.history.defections

    def update_history(self, play, coplay) -> None:
        self.history.append(play, coplay)


class _Reader:
    """Runs a fresh player (as a ``Match`` prepares it) with a :class:`_Probe` for its draws."""

    def __init__(self, player, length: float) -> None:
        axl = _axelrod()
        self.cls, self.kwargs, self.length = type(player), dict(player.init_kwargs), length
        self.stochastic = bool(axl.Classifiers["stochastic"](player))
        self.probe = _Probe()
        self.actions = (axl.Action.C, axl.Action.D)

    def fresh(self):
        player = self.cls(**self.kwargs)
        player.set_match_attributes(length=self.length)
        if self.stochastic:
            player._random = self.probe
        return player

    def copy(self, node):
        """A copy of (player, partner) to run on: histories and the player's own mutable
        attributes are copied, its parameters, classifier and match attributes shared."""
        player, opponent = node
        twin = _Opponent()
        twin.history = copy_history(opponent.history)
        return copy_player(player), twin

    def decide(self, player, opponent, outcome: int) -> tuple[float, int]:
        """(probability of intending C, intended action) with a draw's outcome forced."""
        self.probe.outcome = self.actions[outcome]
        self.probe.draws = []
        action = _action_index(player.strategy(opponent))
        draws = self.probe.draws
        if not draws:
            return float(action == 0), action
        if len(draws) > 1 or action != outcome:  # only "return random_choice(p)" is followed
            raise _Refused("more than one draw, or an action that is not the draw")
        return draws[0], action

    def record(self, player, opponent, a: int, b: int) -> None:
        """Both histories take the round's realised actions (own ``a``, partner's ``b``)."""
        player.update_history(self.actions[a], self.actions[b])
        opponent.update_history(self.actions[b], self.actions[a])


def _tabulate(reader: _Reader, statistic: Callable) -> FiniteStateForm | None:
    """The automaton whose states are the statistic's values, read by running the strategy.

    Breadth first from the first round: in each state (represented by the first history that
    reaches it) the probability of intending C is read from the strategy, and for each realised
    outcome (own, partner) of the round the successor's statistic is computed on a copy. A
    stochastic strategy is run with both outcomes of its draw: its successor must not depend on
    which (what it remembers must be visible in the realised history).
    """
    root = (reader.fresh(), _Opponent())
    index = {statistic(*root): 0}
    nodes, coop, successors = [root], [], []
    outcomes = (0, 1) if reader.stochastic else (0,)
    k = 0
    while k < len(nodes):
        node = nodes[k]
        row = [None] * 4
        probability = None
        for outcome in outcomes:
            for a in (0, 1):
                for b in (0, 1):
                    player, opponent = reader.copy(node)
                    p, _ = reader.decide(player, opponent, outcome)
                    if probability is None:
                        probability = p
                    elif p != probability:
                        raise _Refused("the probability of C depends on a forced draw")
                    if reader.stochastic and not 0 < p < 1 and outcome == 1:
                        continue  # no draw was made: the second outcome changes nothing
                    reader.record(player, opponent, a, b)
                    key = statistic(player, opponent)
                    if key not in index:
                        if len(index) >= MAX_FORM_STATES:
                            return None
                        index[key] = len(nodes)
                        nodes.append((player, opponent))
                    target = index[key]
                    if row[2 * a + b] is None:
                        row[2 * a + b] = target
                    elif row[2 * a + b] != target:
                        raise _Refused("what it remembers depends on its own intention")
        coop.append(probability)
        successors.append(row)
        k += 1
    n = len(nodes)
    transition = np.zeros((n, 4, n))
    transition[np.arange(n)[:, None], np.arange(4)[None, :], np.array(successors)] = 1.0
    initial = np.zeros(n)
    initial[0] = 1.0
    return _minimise(_form(initial, coop, transition.reshape(n, 2, 2, n)))


def _agrees(reader: _Reader, form: FiniteStateForm) -> bool:
    """Whether the form predicts the player's intended action in every round of the checks.

    Matches of ``CHECK_TURNS`` rounds (the match length when the player reads a finite one)
    against :data:`CHECK_PANEL` and a copy of the player, without noise and with noise
    ``CHECK_NOISE``, and random histories in which the partner defects with each probability of
    :data:`CHECK_RANDOM` and the player's own intention is flipped with probability
    ``CHECK_FLIP``. In each round the player's probability of intending C must equal the form's
    in the state the realised history has led it to; the player's draws are forced at random
    with that probability.
    """
    axl = _axelrod()
    rng = np.random.default_rng(CHECK_SEED)
    turns = int(reader.length) if 0 <= reader.length < math.inf else CHECK_TURNS
    successor = form.transition.argmax(axis=-1)
    rivals = [getattr(axl, name) for name in CHECK_PANEL] + [reader.cls]
    scenarios = [(rival, None, noise) for rival in rivals for noise in (0.0, CHECK_NOISE)]
    scenarios += [(None, defect, CHECK_FLIP) for defect in CHECK_RANDOM]
    for k, (make, defect, noise) in enumerate(scenarios):
        player, opponent = reader.fresh(), _Opponent()
        rival = None
        if make is not None:
            rival = make(**reader.kwargs) if make is reader.cls else make()
            rival.set_match_attributes(length=reader.length)
            rival.set_seed(CHECK_SEED + k)
        state = int(form.initial.argmax())
        for _ in range(turns):
            expected = form.coop_prob[state]
            p, x = reader.decide(player, opponent, int(rng.random() >= expected))
            if abs(p - expected) > _TOLERANCE:
                return False
            if rival is None:  # a random history: the partner's actions, own flips
                a, b = x ^ int(rng.random() < noise), int(rng.random() < defect)
            else:
                y = _action_index(rival.strategy(player))
                a, b = x ^ int(rng.random() < noise), y ^ int(rng.random() < noise)
                rival.update_history(reader.actions[b], reader.actions[a])
            reader.record(player, opponent, a, b)
            state = successor[state, a, b]
    return True


#: Extracted forms (or None, refused) per (class, parameters, match length), and its lock.
_EXTRACTED: dict[tuple, FiniteStateForm | None] = {}
_EXTRACTED_LOCK = threading.Lock()


def _extract(player, statistic: Callable, length: float) -> FiniteStateForm | None:
    reader = _Reader(player, length)
    try:
        form = _tabulate(reader, statistic)
        if form is None or not _agrees(reader, form):
            return None
    except Exception:  # noqa: BLE001 - whatever the strategy raises, or cannot be followed:
        return None  # it is simulated, where an error it raises in play is reported
    for array in (form.initial, form.coop_prob, form.transition):
        array.setflags(write=False)
    return form


def _extracted_form(player, statistic: Callable) -> FiniteStateForm | None:
    """The checked form of a player extracted from play (module docstring), or None; cached
    per class, parameters and (for a strategy that reads it) match length."""
    axl = _axelrod()
    uses = set(axl.Classifiers["makes_use_of"](player) or ())
    if uses - {"length"}:
        return None  # the game or the noise would enter the summary: not extracted
    length = player.match_attributes.get("length", -1) if "length" in uses else -1
    key = (type(player), repr(sorted(player.init_kwargs.items())), length)
    with _EXTRACTED_LOCK:
        if key not in _EXTRACTED:
            _EXTRACTED[key] = _extract(player, statistic, length)
        return _EXTRACTED[key]


def _told(player, turns: int, game: StageGame | None):
    """A fresh copy of a player told a fixed match length (and the game), as ``Match`` tells
    it before the first round."""
    fresh = type(player)(**player.init_kwargs)
    fresh.set_match_attributes(length=turns, game=None if game is None else game.to_axelrod(),
                               noise=0)
    return fresh


def play_matches(player, partner, *, turns: int, noise: float, repetitions: int, seed: int,
                 game: StageGame | None = None) -> np.ndarray:
    """The realised actions of repeated fixed-length matches, played as axelrod's ``Match``
    plays them — both players decide on the histories so far, noise flips each intended action
    independently, both histories record the realised actions — between fresh copies of two
    players, each told the match length and the game (axelrod's default game when ``game`` is
    None), as ``Match`` tells them; for checking forms against play.

    A stochastic player is seeded once and draws on across repetitions (one stream, the
    repetitions independent); the noise comes from a stream of its own.

    Returns
    -------
    ndarray of int8, shape (repetitions, turns, 2)
        Realised actions (0 = C, 1 = D) of ``player`` and ``partner``.
    """
    axl = _axelrod()
    rng = np.random.default_rng(seed)
    templates = [_told(p, turns, game) for p in (player, partner)]
    for fresh in templates:
        if axl.Classifiers["stochastic"](fresh):
            fresh.set_seed(int(rng.integers(2**31)))
    flips = rng.random((repetitions, turns, 2)) < noise
    out = np.empty((repetitions, turns, 2), dtype=np.int8)
    for r in range(repetitions):
        a, b = copy_player(templates[0]), copy_player(templates[1])
        played = []
        for flip_a, flip_b in flips[r].tolist():
            x, y = a.strategy(b), b.strategy(a)
            if flip_a:
                x = x.flip()
            if flip_b:
                y = y.flip()
            a.update_history(x, y)
            b.update_history(y, x)
            played.append((x.value, y.value))
        out[r] = played
    return out


def compare_with_play(player, partner, game: StageGame, *, turns: int, noise: float,
                      repetitions: int, seed: int) -> dict[str, tuple[float, float]] | None:
    """The exact mean payoff per round and cooperation rate of ``player`` (the row player of
    ``game``) against ``partner`` in a match of ``turns`` rounds with noise, against
    :func:`play_matches` of the same match.

    Returns
    -------
    dict or None
        ``{"mean_payoff": (gap, z), "cooperation_rate": (gap, z)}`` with gap = simulated mean
        − exact value and z = gap / its standard error (0 when they agree up to round-off,
        infinite when they differ and the simulation has no spread); None when either player
        has no form once told the match length.
    """
    from tournaments.engines.exact import solve_pair

    forms = [finite_state_form(_told(p, turns, game), game=game) for p in (player, partner)]
    if forms[0] is None or forms[1] is None:
        return None
    exact = solve_pair(forms[0], forms[1], game, noise=noise, turns=turns)
    actions = play_matches(player, partner, turns=turns, noise=noise, repetitions=repetitions,
                           seed=seed, game=game)
    simulated = {"mean_payoff": game.A[actions[..., 0], actions[..., 1]].mean(axis=1),
                 "cooperation_rate": (actions[..., 0] == 0).mean(axis=1)}
    out = {}
    for column, values in simulated.items():
        gap = float(values.mean()) - float(exact[column][0])
        se = float(values.std(ddof=1)) / math.sqrt(len(values)) if len(values) > 1 else 0.0
        if abs(gap) < _AGREEMENT:  # equal up to round-off (a spread of round-off is no se)
            out[column] = gap, 0.0
        else:
            out[column] = gap, (gap / se if se > 0 else math.inf)
    return out


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------

def _family_class(cls) -> str | None:
    """The family of a class read from parameters, or None (a subclass that overrides the
    family's ``strategy`` is not of the family)."""
    axl = _axelrod()
    from axelrod.strategies.cycler import Cycler
    from axelrod.strategies.finite_state_machines import FSMPlayer
    from axelrod.strategies.gambler import Gambler
    from axelrod.strategies.hmm import HMMPlayer
    from axelrod.strategies.lookerup import LookerUp
    from axelrod.strategies.memorytwo import MemoryTwoPlayer

    if cls in _classic_forms():
        return "classic"
    for base, family in ((axl.MemoryOnePlayer, "memory-one"), (FSMPlayer, "finite-state machine"),
                         (HMMPlayer, "hidden Markov"), (Gambler, "lookup table (Gambler)"),
                         (LookerUp, "lookup table"), (MemoryTwoPlayer, "memory-two"),
                         (Cycler, "cycler")):
        if issubclass(cls, base):
            return family if cls.strategy is base.strategy else None
    return None


def recognised(cls) -> bool:
    """Whether players of an axelrod class may have a form (read from their class only: a
    family, a classic, a reviewed statistic, or finite declared memory); cheap, builds nothing."""
    if _family_class(cls) is not None or _statistic_of(cls) is not None:
        return True
    depth = dict(getattr(cls, "classifier", {})).get("memory_depth", math.inf)
    return depth is not None and depth <= WINDOW_MAX_DEPTH


def _find(player, partner: Partner | None, game: StageGame | None):
    """(family, form) of a player; the form is None when none is known."""
    automaton = getattr(player, "automaton", None)
    if callable(automaton):
        return "automaton", automaton(partner or Partner())
    if callable(getattr(player, "adjustments", None)):
        return None, None  # payments and sanctions are in a form only when it is an automaton
    axl = _axelrod()
    cls = type(player)
    family = _family_class(cls)
    if family == "classic":
        return family, _classic_forms()[cls](player)
    if family == "memory-one":
        if game is not None and (cls.receive_match_attributes
                                 is not axl.Player.receive_match_attributes):
            player = player.clone()
            player.set_match_attributes(length=-1, game=game.to_axelrod(), noise=0)
        vector = player._four_vector
        C, D = axl.Action.C, axl.Action.D
        four = [vector[(C, C)], vector[(C, D)], vector[(D, C)], vector[(D, D)]]
        return family, _prune(memory_one_form(four, float(player._initial == C)))
    readers = {"finite-state machine": _fsm_form, "hidden Markov": _hmm_form,
               "lookup table": _lookup_form, "lookup table (Gambler)": _lookup_form,
               "memory-two": _memory_two_form, "cycler": _cycler_form}
    if family in readers:
        return family, readers[family](player)
    summary = _summary(player)
    if summary is not None:
        return summary[0], _extracted_form(player, summary[1])
    return None, None


def finite_state_form(player, *, partner: Partner | None = None,
                      game: StageGame | None = None) -> FiniteStateForm | None:
    """The finite-state form of a player, or ``None`` when none is known.

    Parameters
    ----------
    player : axelrod.Player
        Recognised, in this order (module docstring): an automaton strategy (the project's
        strategies and plug-ins written as :class:`tournaments.strategy.AutomatonStrategy`),
        whose automaton against ``partner`` is enumerated (a player of the project's protocol
        that is not an automaton — one with ``adjustments`` — has no form: its payments would
        be missing from it); an exact instance of a hand-written
        classic (Cooperator, Defector, Random(p), Tit For Tat, Grudger, Win-Stay Lose-Shift,
        ..., Forgetful Fool Me Once, Remorseful Prober, Michaelos in a match of unknown length);
        a member of a family read from its parameters — ``MemoryOnePlayer`` (GTFT, the
        zero-determinant strategies, ...), ``FSMPlayer``, ``HMMPlayer``, ``LookerUp``,
        ``Gambler``, ``MemoryTwoPlayer``, ``Cycler`` — that does not override the family's
        ``strategy``; a strategy whose form is extracted from play and passes the checks (a
        reviewed class, or finite declared memory up to :data:`WINDOW_MAX_DEPTH`).
    partner : Partner, optional
        The partner's public information (club, role), for automata that depend on it.
    game : StageGame, optional
        The stage game, for strategies whose four-vector axelrod derives from the game's payoffs
        (the zero-determinant strategies): a clone of the player receives it as axelrod's
        ``Match`` would. Without it the player's current four-vector is used. (axelrod's GTFT
        fixes its generosity from the *default* game when constructed, and keeps it in a match.)
        Automaton strategies read the game from their match attributes, which the caller sets.
        A strategy that reads the game is never extracted from play.

    Returns
    -------
    FiniteStateForm or None
        With unreachable states removed. An extracted form is shared between callers (its
        arrays are read-only).
    """
    return _find(player, partner, game)[1]


def form_family(player, *, partner: Partner | None = None,
                game: StageGame | None = None) -> str | None:
    """Where the player's form comes from — ``"automaton"``, ``"classic"``, ``"memory-one"``,
    ``"finite-state machine"``, ``"hidden Markov"``, ``"lookup table"``, ``"lookup table
    (Gambler)"``, ``"memory-two"``, ``"cycler"``, ``"extracted (reviewed statistic)"`` or
    ``"extracted (declared memory)"`` — or None when it has none (arguments as
    :func:`finite_state_form`)."""
    family, form = _find(player, partner, game)
    return family if form is not None else None
