"""Import axelrod once, fast.

``import axelrod`` classifies every strategy with ``inspect.getsource`` (~12,000 calls, most of the
~10 s import measured on a 2-core machine). Memoising ``inspect.getsource`` for the duration of the
import gives the same classifiers in about a third of the time. Only code that plays imports
axelrod, through :func:`load`. """

from __future__ import annotations

import functools
import inspect
import sys
import warnings


def load():
    """Return the ``axelrod`` module, importing it with memoised ``inspect.getsource``."""
    if "axelrod" in sys.modules:
        return sys.modules["axelrod"]
    original = inspect.getsource
    memo = functools.lru_cache(maxsize=None)(original)

    def getsource(obj):
        try:
            return memo(obj)
        except TypeError:  # unhashable object: no memo
            return original(obj)

    inspect.getsource = getsource
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import axelrod
    finally:
        inspect.getsource = original
    return axelrod
