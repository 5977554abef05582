"""Import axelrod once, fast, and make building its players safe in threads.

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
"""

from __future__ import annotations

import functools
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


def load():
    """Return the ``axelrod`` module, importing it with memoised ``inspect.getsource``, with
    thread-safe source reading installed (whoever imported it first). Threads that call this
    at once wait for one complete import (a module half-imported by another thread is never
    returned)."""
    global _ready
    if not _ready:
        with _LOADING:
            if not _ready:
                inspect.getsource = getsource
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        import axelrod  # noqa: F401
                        import axelrod.makes_use_of
                finally:
                    inspect.getsource = _ORIGINAL_GETSOURCE
                axelrod.makes_use_of.inspect = _Inspect()
                _ready = True
    return sys.modules["axelrod"]
