"""Long-lived objects kept out of Python's cyclic garbage collector while a sweep runs.

A sweep holds every cell's validated config until it ends: tens of objects per cell, about
1.9 million for a 200 × 200 grid. CPython's collector traverses all of them at each full
collection, and triggers one whenever the objects that survived have grown by a quarter since
the last: 13 of them while :func:`tournaments.sweep.expand` built that grid's cells (2.1 s of
its 7.4 s; ``benchmarks/exact_sweep.py`` prints both ways), and one now and then while they were
computed. Inside :func:`frozen`, :func:`gc.freeze` moves the objects that exist into the
collector's permanent generation, which it never traverses, once on entry and again at each
:func:`keep`; reference counting still frees them as usual. Leaving the outermost
:func:`frozen` gives them back to the collector. Building cells makes almost no cyclic garbage
(10 objects for those 40,000 cells), which stays frozen until then.

Nothing is done when the collector is disabled or something else froze objects first.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_depth = 0  # nesting of frozen(); 0 also when the outermost call found it was not ours to do


@contextmanager
def frozen() -> Iterator[None]:
    """Freeze the objects that exist now (and at each :func:`keep` inside) until the outermost
    ``frozen()`` ends."""
    global _depth
    if _depth == 0 and (not gc.isenabled() or gc.get_freeze_count()):
        yield  # not ours to manage
        return
    _depth += 1
    gc.freeze()
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            gc.unfreeze()


def keep() -> None:
    """Inside :func:`frozen`, freeze the objects made since (long-lived ones, such as the cells
    built so far); elsewhere nothing."""
    if _depth:
        gc.freeze()
