"""Correct with any number of threads: axelrod's players are built safely in threads, and a
sweep gives the same bytes on a dask worker with 1 or 2 threads."""

from __future__ import annotations

import inspect
import threading
import time

from tournaments import _axelrod


def test_source_reading_for_transformed_players_is_serialised(monkeypatch):
    axl = _axelrod.load()
    transformed = [c for c in axl.strategies if getattr(c, "_reclassifiers", None)]
    assert len(transformed) >= 5  # BackStabber, Alexei, ...: reclassified at construction
    active, peak, guard = [0], [0], threading.Lock()
    original = _axelrod._ORIGINAL_GETSOURCE

    def slow_getsource(obj):  # what ast.parse-ing a module looks like to another thread
        with guard:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.002)
        try:
            return original(obj)
        finally:
            with guard:
                active[0] -= 1

    monkeypatch.setattr(_axelrod, "_ORIGINAL_GETSOURCE", slow_getsource)
    monkeypatch.setattr(inspect, "getsource", slow_getsource)
    _axelrod._memoised.cache_clear()
    built, errors = [], []

    def build():
        try:
            built.extend(cls() for cls in transformed for _ in range(3))
        except Exception as err:  # pragma: no cover - the failure being tested for
            errors.append(err)

    threads = [threading.Thread(target=build) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _axelrod._memoised.cache_clear()
    assert not errors and len(built) == 4 * 3 * len(transformed)
    assert peak[0] == 1  # one thread reads a source at a time
    assert {p.name for p in built} == {cls().name for cls in transformed}
