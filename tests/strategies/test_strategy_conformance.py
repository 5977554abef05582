"""Every registered project strategy, with defaults and a non-default parameterisation, through
the conformance base."""

from __future__ import annotations

from conformance_base import StrategyConformance
from strategy_cases import NON_DEFAULT

from strategies.registry import project_strategies

CASES = [(cls, {}) for cls in project_strategies().values()] + [
    (project_strategies()[key], params) for key, params in NON_DEFAULT.items() if params
]


class TestProjectStrategies(StrategyConformance):
    cases = CASES
