"""Parametrise conformance test classes over their ``cases`` (see conformance_base.py)."""

from __future__ import annotations

from tournaments._axelrod import load as load_axelrod

load_axelrod()  # before any test module's ``import axelrod``: the fast, memoised import


def pytest_generate_tests(metafunc):
    cases = getattr(metafunc.cls, "cases", None)
    if cases is not None and "case" in metafunc.fixturenames:
        ids = [f"{cls.__name__}-{'-'.join(f'{k}={v}' for k, v in params.items()) or 'defaults'}"
               for cls, params in cases]
        metafunc.parametrize("case", cases, ids=ids)
