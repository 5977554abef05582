"""The registry: every keyed StateStrategy in the package registered once, names unique and
distinct per parameterisation, invalid parameters rejected by name."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import axelrod as axl
import pytest
from strategy_cases import INVALID, NON_DEFAULT

import strategies
from strategies.registry import project_strategies
from tournaments.strategy import StateStrategy


def _keyed_classes() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(strategies.__path__):
        module = importlib.import_module(f"strategies.{info.name}")
        for obj in vars(module).values():
            if (isinstance(obj, type) and issubclass(obj, StateStrategy)
                    and obj.__module__ == module.__name__ and getattr(obj, "key", "")):
                found.append(obj)
    return found


def test_every_keyed_class_is_registered_exactly_once():
    registered = list(project_strategies().values())
    keyed = _keyed_classes()
    assert sorted(c.__name__ for c in keyed) == sorted(c.__name__ for c in registered)
    assert len(set(registered)) == len(registered)
    assert all(project_strategies()[c.key] is c for c in keyed)


def test_keys_and_names_are_unique_and_do_not_shadow_axelrod():
    registry = project_strategies()
    names = [cls.name for cls in registry.values()]
    assert len(set(names)) == len(names)
    axelrod_names = {c.name for c in axl.all_strategies} | {c.__name__ for c in axl.all_strategies}
    assert not (set(names) | set(registry)) & axelrod_names


def test_every_strategy_has_test_cases_and_documentation():
    assert set(NON_DEFAULT) == set(project_strategies()) == set(INVALID)
    for cls in project_strategies().values():
        doc = inspect.getdoc(cls)
        assert "Behaviour" in doc and "Source:" in doc and "Automaton:" in doc, cls
        assert cls.family and cls.source


@pytest.mark.parametrize("key", sorted(NON_DEFAULT))
def test_parameterisations_have_distinct_names(key):
    cls = project_strategies()[key]
    default, other = cls(), cls(**NON_DEFAULT[key])
    if NON_DEFAULT[key]:
        assert default.name != other.name
        assert default.name == cls.name
    else:
        assert [p for p in inspect.signature(cls.__init__).parameters if p != "self"] == []


@pytest.mark.parametrize("key, params, parameter",
                         [(k, p, n) for k, cases in sorted(INVALID.items()) for p, n in cases])
def test_invalid_parameters_are_rejected_by_name(key, params, parameter):
    with pytest.raises(ValueError, match=repr(parameter)):
        project_strategies()[key](**params)
