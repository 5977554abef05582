"""tournaments.heap: objects frozen out of the cyclic collector while a sweep runs, given back
after the outermost scope, nothing done where it is not ours to do."""

from __future__ import annotations

import gc

import pytest

from tournaments import heap


@pytest.fixture(autouse=True)
def clean_heap():
    gc.unfreeze()
    yield
    gc.unfreeze()
    gc.enable()


def test_frozen_freezes_until_the_outermost_scope_ends():
    assert gc.get_freeze_count() == 0
    with heap.frozen():
        outer = gc.get_freeze_count()
        assert outer > 0
        made = [[] for _ in range(1000)]  # tracked containers made inside
        heap.keep()
        assert gc.get_freeze_count() >= outer + 1000
        with heap.frozen():
            pass
        assert gc.get_freeze_count() >= outer + 1000  # the inner scope gives nothing back
    assert gc.get_freeze_count() == 0
    assert len(made) == 1000


def test_keep_outside_a_scope_does_nothing():
    heap.keep()
    assert gc.get_freeze_count() == 0


@pytest.mark.parametrize("owner", ["disabled collector", "frozen by someone else"])
def test_nothing_is_done_when_it_is_not_ours(owner):
    if owner == "disabled collector":
        gc.disable()
    else:
        gc.freeze()
    before = gc.get_freeze_count()
    with heap.frozen():
        [[] for _ in range(100)]
        heap.keep()
        assert gc.get_freeze_count() == before
    assert gc.get_freeze_count() == before


def test_an_error_inside_still_gives_the_objects_back():
    with pytest.raises(RuntimeError), heap.frozen():
        raise RuntimeError
    assert gc.get_freeze_count() == 0
    with heap.frozen():  # and the next scope is ours again
        assert gc.get_freeze_count() > 0
