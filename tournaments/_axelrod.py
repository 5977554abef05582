"""Import axelrod once, fast; hash its actions in C; make building its players safe in threads;
copy players fast.

``import axelrod`` classifies every strategy with ``inspect.getsource`` (~12,000 calls, most of the
~10 s import measured on a 2-core machine). Memoising ``inspect.getsource`` for the duration of the
import gives the same classifiers in about a third of the time.

Building a player of a transformed strategy (``BackStabber``, ``Alexei``, ...) reclassifies it,
and axelrod's ``makes_use_of`` then reads the class's source with ``inspect.getsource``, which
runs ``ast.parse`` on its whole module. ``ast.parse`` is not thread-safe on Python 3.11 (two
threads at once can raise ``SystemError: AST constructor recursion depth mismatch``), and a dask
worker runs one thread per core by default. :func:`load` therefore gives ``makes_use_of`` a
serialised, memoised ``getsource`` for good: one thread reads a source at a time, and each
source is read once per process. Only code that plays imports axelrod, through :func:`load`.

axelrod's ``Action`` is an ``Enum``, whose ``__hash__`` is Python code (``hash(self._name_)``),
and axelrod keys counters and payoff tables by actions: ``History.append`` alone hashes six actions
a round. When :func:`load` imports axelrod (not when something imported it before), it gives
``Action`` object's C-level identity hash first, before any table keyed by actions is built.
Actions are singletons compared by identity, so every lookup finds what it found before; only
the hash values change, and those were never the same from one process to the next (strings are
hashed with a random seed), so no play can have depended on them. Play stays byte for byte what
stock axelrod plays (``tests/test_players.py``).

:func:`copy_player` copies a player, fresh or in mid-match, without running its constructor:
axelrod's ``Player.__new__`` inspects the signature of ``__init__``, and a meta player builds its
whole team of players. ``benchmarks/full_library.py --play 10`` prints what each saves in
playing a sample of the full library's simulated pairs.
"""

from __future__ import annotations

import copy
import functools
import importlib.util
import inspect
import sys
import threading
import warnings

_ORIGINAL_GETSOURCE = inspect.getsource
_SOURCE_LOCK = threading.Lock()


@functools.cache
def _memoised(obj) -> str:
    return _ORIGINAL_GETSOURCE(obj)


def getsource(obj) -> str:
    """``inspect.getsource``, serialised across threads and memoised per function or class (a
    bound method is read as its function, so no player is kept alive by the memo)."""
    key = getattr(obj, "__func__", obj)
    with _SOURCE_LOCK:
        try:
            return _memoised(key)
        except TypeError:  # unhashable: read it without the memo
            return _ORIGINAL_GETSOURCE(key)


class _Inspect:
    """The ``inspect`` module as axelrod's ``makes_use_of`` sees it: :func:`getsource` replaced."""

    getsource = staticmethod(getsource)

    def __getattr__(self, name: str):
        return getattr(inspect, name)


_LOADING = threading.Lock()
_ready = False


def _hash_actions_in_c() -> None:
    """Run ``axelrod/action.py`` as ``axelrod.action`` ahead of the package and give ``Action``
    object's identity hash; the package's own import then finds the module already run."""
    path = importlib.util.find_spec("axelrod").submodule_search_locations[0]
    spec = importlib.util.spec_from_file_location("axelrod.action", f"{path}/action.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.Action.__hash__ = object.__hash__
    sys.modules["axelrod.action"] = module


def load():
    """Return the ``axelrod`` module, importing it with memoised ``inspect.getsource`` and
    actions hashed in C (unless it was imported before), with thread-safe source reading
    installed (whoever imported it first). Threads that call this at once wait for one complete
    import (a module half-imported by another thread is never returned)."""
    global _ready
    if not _ready:
        with _LOADING:
            if not _ready:
                inspect.getsource = getsource
                try:
                    if "axelrod" not in sys.modules:
                        _hash_actions_in_c()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        import axelrod  # noqa: F401
                        import axelrod.makes_use_of
                except BaseException:
                    if "axelrod" not in sys.modules:  # never leave the action module alone
                        sys.modules.pop("axelrod.action", None)
                    raise
                finally:
                    inspect.getsource = _ORIGINAL_GETSOURCE
                axelrod.action = sys.modules["axelrod.action"]  # as its own import binds it
                axelrod.makes_use_of.inspect = _Inspect()
                _ready = True
    return sys.modules["axelrod"]


def _copy_value(value, memo: dict):
    """A copy of one attribute of a player: immutable values and plain lists of them as they
    are (a list copied), histories and players (alone or in a list: a meta player's team) by
    their own copy, anything else deep-copied. ``memo`` is ``copy.deepcopy``'s: an object met
    twice is copied once."""
    from axelrod.history import History

    axl = load()
    if isinstance(value, int | float | str | bytes | axl.Action) or value is None:
        return value
    if isinstance(value, History):
        return copy_history(value)
    if isinstance(value, axl.Player):
        if id(value) not in memo:
            memo[id(value)] = copy_player(value)
        return memo[id(value)]
    if isinstance(value, list) and all(isinstance(v, int | float | str | axl.Action)
                                       for v in value):
        return list(value)
    if isinstance(value, list) and value and all(isinstance(v, axl.Player) for v in value):
        return [_copy_value(v, memo) for v in value]
    return copy.deepcopy(value, memo)


def copy_history(history):
    """A copy of an axelrod ``History``: its lists and counters copied as they are (rebuilding
    them play by play, as ``History.copy`` does, costs more than the rest of a copy)."""
    twin = object.__new__(type(history))
    twin.__dict__.update({name: value.copy() for name, value in history.__dict__.items()})
    return twin


def copy_player(player):
    """A copy of a player, without re-running its constructor and without deep-copying its
    history entry by entry (``copy.deepcopy`` of a long history dominates otherwise).

    The copy shares with the original what no play changes: its parameters (``init_kwargs``),
    its match attributes (``set_match_attributes`` replaces them), its classifier and its random
    generator (``set_seed`` replaces it; a ``Match`` seeds every stochastic player). Raises what
    ``copy.deepcopy`` raises for an attribute that cannot be copied (a generator).
    """
    shared = {"match_attributes", "classifier", "init_kwargs", "_random"}
    memo = {id(getattr(player, name)): getattr(player, name) for name in shared
            if hasattr(player, name)}
    twin = object.__new__(type(player))
    twin.__dict__.update({name: value if name in shared else _copy_value(value, memo)
                          for name, value in player.__dict__.items()})
    return twin
