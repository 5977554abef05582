"""Example plug-in: externalisation of border control (a strategy outside the project's packages).

Name it in a config as ``examples/plugins/externalisation.py:Externalisation`` (a path relative
to the config file's folder, or absolute), and check it with
``tournaments check-strategy examples/plugins/externalisation.py:Externalisation``.
"""

from __future__ import annotations

import axelrod as axl
import numpy as np

from strategies.base import FiniteStateForm, StateStrategy, parameterised_name

C, D = axl.Action.C, axl.Action.D


class Externalisation(StateStrategy):
    """A receiving state that pays a transit state to hold migrants on its behalf.

    Behaviour: it keeps its own border regime cooperative (C) while the deal holds and pays the
    partner (the transit state) ``fee`` in every round in which the partner holds migrants (a
    realised C). When the partner lets people through (D) it withholds the fee that round and
    closes its own border (D) next round; it resumes the deal as soon as the partner holds again.
    In the first round it offers the deal (C).

    Parameters
    ----------
    fee : float, in [0, 100]
        Payment per round in which the transit state holds migrants.

    Finite-state form: three states (first round, partner last held, partner last let through),
    with the fee as an adjustment.

    Source: ../shared/seeds/000 — "International cooperation is required, and this often entails
    externalization of border controls"; migration management in "negotiations between the
    European Union and neighbouring states, especially ... Turkey".
    """

    name = "Externalisation"
    family = "plug-in example"
    source = "000: externalization of border controls (EU–Turkey)"
    classifier = {
        "memory_depth": 1,
        "stochastic": False,
        "makes_use_of": set(),
        "long_run_time": False,
        "inspects_source": False,
        "manipulates_source": False,
        "manipulates_state": False,
    }

    def __init__(self, fee: float = 1.5) -> None:
        super().__init__()
        self.fee = self._check_range("fee", float(fee), 0.0, 100.0)
        self.name = parameterised_name("Externalisation", {"fee": 1.5}, {"fee": self.fee})

    def strategy(self, opponent: axl.Player) -> axl.Action:
        return opponent.history[-1] if opponent.history else C

    def adjustments(self, own: np.ndarray, other: np.ndarray) -> np.ndarray:
        out = np.zeros((len(own), 3))
        out[:, 0] = np.where(np.asarray(other) == 0, self.fee, 0.0)
        return out

    def finite_state_form(self) -> FiniteStateForm:
        transition = np.zeros((3, 2, 2, 3))
        transition[:, :, 0, 1] = 1.0
        transition[:, :, 1, 2] = 1.0
        adjustments = np.zeros((3, 2, 2, 3))
        adjustments[:, :, 0, 0] = self.fee
        return FiniteStateForm(initial=np.array([1.0, 0.0, 0.0]),
                               coop_prob=np.array([1.0, 1.0, 0.0]),
                               transition=transition, adjustments=adjustments)
