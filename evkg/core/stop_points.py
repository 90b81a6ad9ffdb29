"""Work a caller can stop: a long loop passes stop points, and a caller that has given up (a time limit
passed, the client left) sets the event they look at, so the work ends there instead of running on.

`evkg serve` runs its light steps (a term search) in threads of its own process, which cannot be killed like a
worker process: without stop points a search cut by the time limit still ran to its end after the 504.
Outside `stoppable` (the command line) a stop point costs a lookup and does nothing.
"""
from __future__ import annotations

import contextlib
import threading
from contextvars import ContextVar

_STOP: ContextVar[threading.Event | None] = ContextVar("evkg_stop", default=None)


class WorkStopped(Exception):
    """The caller stopped the work at a stop point."""


def stop_point() -> None:
    event = _STOP.get()
    if event is not None and event.is_set():
        raise WorkStopped


def stopping(items, every: int = 256):
    """The items, passing a stop point before every ``every``-th of them."""
    for count, item in enumerate(items):
        if not count % every:
            stop_point()
        yield item


@contextlib.contextmanager
def stoppable(event: threading.Event):
    """Within: stop points end the work once ``event`` is set."""
    token = _STOP.set(event)
    try:
        stop_point()
        yield
    finally:
        _STOP.reset(token)
