"""dask.distributed for sweeps and tournaments: one way to reach a cluster and to run work on it.

A run either connects to a running scheduler (``--scheduler tcp://host:8786``; one line, exit 2,
when it cannot be reached within 10 s) or starts an embedded ``LocalCluster`` of ``workers``
single-threaded processes, closed when the work is done. Work goes out in batches (a few per
worker, so that progress and load balance stay fine) and its results are handed back as
batches finish; callers put them in their own order, so results never depend on which worker
ran what, nor when.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from tournaments.errors import UserError

#: Seconds to wait for a scheduler before saying it cannot be reached.
CONNECT_TIMEOUT = 10

#: dask settings of an embedded cluster's workers. Its statistical profiler (a stack sample every
#: 10 ms) and the event loop's health checks and monitors (every 20 to 500 ms) wake a second
#: thread of each worker that takes the interpreter's lock from the one playing matches: the
#: same batch of 574 of the full library's pairs took 19.8 s of CPU in one process, 23.4 s on a
#: default worker and 20.6 s on a worker with these settings (``benchmarks/full_library.py
#: --batch 3``, each the second time a worker played it).
#: A cluster you start yourself keeps its own configuration (``dask worker`` reads it from
#: ``~/.config/dask`` or ``DASK_*`` variables, where these keys can be set the same way).
QUIET_WORKERS = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "1s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
}


def connect(scheduler: str):
    """A client of a running dask scheduler, or a one-line error saying it cannot be reached."""
    from dask.distributed import Client

    try:
        return Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s")
    except (OSError, TimeoutError) as err:
        raise UserError(f"cannot reach the dask scheduler at {scheduler} ({type(err).__name__}"
                        f": {str(err)[:120]}); start one (dask scheduler) and its workers, or "
                        "leave out --scheduler to use an embedded cluster") from None


@contextmanager
def client(scheduler: str | None = None, workers: int | None = None,
           connected=None) -> Iterator[Any]:
    """A client to run work on: ``connected`` if given (it stays open), else one of the
    scheduler at ``scheduler``, else one of an embedded cluster of ``workers`` processes (default:
    the machine's cores); what is opened here is closed on leaving."""
    import dask
    from dask.distributed import Client, LocalCluster

    if connected is not None:
        yield connected
        return
    if scheduler:
        opened = connect(scheduler)
        try:
            yield opened
        finally:
            opened.close()
        return
    with dask.config.set(QUIET_WORKERS):  # each worker's nanny passes it on to its process
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None)
    opened = Client(cluster)
    try:
        yield opened
    finally:
        opened.close()
        cluster.close()


def batches(items: Sequence, size: int | None, workers: int | None, *, per_worker: int = 4,
            interleave: bool = False) -> list[list]:
    """``items`` in batches of ``size`` (default: about ``per_worker`` per worker): consecutive
    items, or with ``interleave`` every n-th item of n batches, so that each batch samples the
    whole sequence (a tournament's costly strategies then spread over every batch, where
    consecutive pairs would give one batch all of a strategy's matches)."""
    if size is None:
        size = max(1, len(items) // (per_worker * (workers or os.cpu_count() or 1)))
    if interleave:
        count = -(-len(items) // size)
        return [list(items[k::count]) for k in range(count)]
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def run(function: Callable, work: list[list], *args, client, record: Callable,
        meanwhile: Callable[[], None] | None = None) -> None:
    """``record(function(batch, *args), batch)`` for every batch of ``work``, run on ``client``,
    in the order batches finish; ``meanwhile()`` is called here once the work is submitted."""
    from dask.distributed import as_completed

    futures = {client.submit(function, batch, *args, pure=False): batch for batch in work}
    if meanwhile is not None:
        meanwhile()
    for future in as_completed(futures):
        record(future.result(), futures[future])
