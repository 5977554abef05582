"""The one registry of the project's state strategies.

Every concrete :class:`~tournaments.strategy.StateStrategy` subclass defined in a module of this
package and carrying a non-empty ``key`` is registered, by discovery: there is no hand-kept list.
Configs name a project strategy by its key (``suasion``) or by its display name (``Suasion``).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from tournaments.strategy import StateStrategy

_NOT_STRATEGY_MODULES = {"base", "registry"}


@cache
def project_strategies() -> dict[str, type[StateStrategy]]:
    """Registry key → class, for every project strategy, in key order.

    Raises
    ------
    RuntimeError
        If two classes share a key or a display name (a packaging bug, caught by the tests).
    """
    import strategies

    found: dict[str, type[StateStrategy]] = {}
    names: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(strategies.__path__), key=lambda m: m.name):
        if info.name in _NOT_STRATEGY_MODULES or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"strategies.{info.name}")
        for obj in vars(module).values():
            if not (isinstance(obj, type) and issubclass(obj, StateStrategy)):
                continue
            if obj.__module__ != module.__name__ or not getattr(obj, "key", ""):
                continue
            if obj.key in found:
                raise RuntimeError(f"strategy key {obj.key!r} registered twice")
            if obj.name in names:
                raise RuntimeError(f"strategy name {obj.name!r} used by {names[obj.name]} too")
            found[obj.key] = obj
            names[obj.name] = obj.key
    return dict(sorted(found.items()))
