"""A reusable conformance test base, after axelrod's ``TestPlayer``.

Subclass :class:`StrategyConformance` and set ``cases`` to a list of ``(class, params)`` pairs;
``conftest.py`` parametrises every test method that takes ``case`` over them. Each case goes
through :func:`tournaments.conformance.check_player_class` (clone, pickle, reset, seeded play
under noise, classifier honesty, pure adjustments, exact finite-state form), the same checks
``tournaments check-strategy`` runs on plug-ins.
"""

from __future__ import annotations

import pytest

from tournaments.conformance import CheckResult, check_player_class

_RESULTS: dict[tuple, list[CheckResult]] = {}


class StrategyConformance:
    """Conformance checks shared by every strategy test class."""

    #: (strategy class, __init__ parameters) pairs to check; set by subclasses.
    cases: list[tuple[type, dict]] = []

    @staticmethod
    def _results(case):
        cls, params = case
        key = (cls, tuple(sorted(params.items())))
        if key not in _RESULTS:  # one run of the checks per case, shared by the tests below
            _RESULTS[key] = check_player_class(cls, params)
        return {r.name: r for r in _RESULTS[key]}

    def test_instantiates(self, case):
        results = self._results(case)
        assert results["is an axelrod.Player"].passed
        assert results["instantiates"].passed, results["instantiates"].detail

    @pytest.mark.parametrize("check", [
        "classifier complete",
        "clone plays equally",
        "pickle round-trip plays equally",
        "reset plays equally",
        "seeded reproducibility under noise",
        "classifier honesty: stochastic",
        "classifier honesty: memory depth",
    ])
    def test_axelrod_contract(self, case, check):
        result = self._results(case)[check]
        assert result.passed, result.detail

    def test_project_contract(self, case):
        results = self._results(case)
        for name in ("adjustments", "finite-state form exact"):
            if name in results:
                assert results[name].passed, f"{name}: {results[name].detail}"

    def test_every_check_passes(self, case):
        failed = [r for r in self._results(case).values() if not r.passed]
        assert failed == []
