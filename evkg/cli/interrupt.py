"""Ctrl+C and SIGTERM stop a command at once, even in the middle of a query or a classification rule.

Oxigraph does not look at signals and cannot be cancelled: Python runs a signal handler only when the engine
hands control back, which a runaway rule or query (a cartesian product) never does, so Ctrl+C used to be
ignored until the work ended, and SIGTERM left half-written files behind. The C-level handler still notes the
signal at once on a wake-up pipe; a watcher thread reads it, kills the worker processes, removes the partial
files of an unfinished write and ends the process (130 for Ctrl+C, 143 for SIGTERM, as shells report them).
The command itself keeps running in the main thread, where Oxigraph's objects must stay.
"""
from __future__ import annotations

import os
import signal
import threading

EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143
_STOPPING = {signal.SIGINT: ("interrupted (Ctrl+C)", EXIT_INTERRUPTED),
             signal.SIGTERM: ("stopped (SIGTERM)", EXIT_TERMINATED),
             # a worker process whose rule overran its limit (evkg.classification.rule_limits); it said which
             signal.SIGUSR1: ("a rule overran its limit", 2)}
_DONE = b"\0"                         # written by the command's end to let the watcher go


def _noted(signum, frame) -> None:
    """The Python-level handler: nothing to do, the watcher thread acts on the wake-up pipe."""


def run_stoppable(call):
    """The result of ``call()``; Ctrl+C or SIGTERM during it end the process with a message."""
    if threading.current_thread() is not threading.main_thread():
        return call()                     # only the main thread may set signal handlers
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    previous = {signum: signal.signal(signum, _noted) for signum in _STOPPING}
    watcher = threading.Thread(target=_watch, args=(read_end,), daemon=True, name="evkg-signals")
    watcher.start()
    try:
        return call()
    finally:
        signal.set_wakeup_fd(previous_fd)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        os.write(write_end, _DONE)
        watcher.join(5)
        os.close(write_end)
        os.close(read_end)


def _watch(read_end: int) -> None:
    while True:
        try:
            data = os.read(read_end, 64)
        except OSError:
            return
        for signum in data:
            if signum in _STOPPING:
                _stop(*_STOPPING[signum])
        if not data or _DONE in data:
            return


def _stop(what: str, code: int) -> None:
    from evkg.core.ending import end_now

    end_now(what, code)
