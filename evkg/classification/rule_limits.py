"""Time and memory limits on the rules of a user's own rule file (`evkg check|whatif --rules FILE`).

Oxigraph cannot cancel a query and does not look at signals, so a rule whose WHERE explodes combinatorially
ran until the machine gave out. While a rule of a rule file runs, a watcher thread looks at the clock and at
this process's memory; past a limit it says which rule of which file, and the whole command ends (its worker
processes with it; a worker asks the command's process to end). The rules of the law in force are not watched.
Only the command line sets limits: the web service kills its own workers (evkg.core.workers).
"""
from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 3072            # the ceiling `evkg serve` gives each worker
EXIT_RULE_LIMIT = 2
# the signal a worker sends the command's process when one of its rules overran (it has said which)
WORKER_STOPPED = signal.SIGUSR1
_POLL_SECONDS = 0.1

_limits: tuple | None = None        # (seconds, memory bytes, pid of the command's process) once set
_running: tuple | None = None       # (rule id, file, started, planning) of the watched rule running now
_watcher_of: int | None = None      # the process whose watcher thread runs


def set_limits(seconds: float | None, memory_mb: int | None) -> None:
    """Watch user rules from now on, in this process and the worker processes it forks; 0 or None: no limit."""
    global _limits
    _limits = (seconds or None, (memory_mb or 0) * 1024 * 1024 or None, os.getpid())


@contextlib.contextmanager
def watched(rule, planning: bool = False):
    """Run the body under the limits when ``rule`` comes from a rule file (``planning``: its query is being
    read and planned, which for a few hundred patterns in one group takes Oxigraph minutes)."""
    global _running
    if _limits is None or getattr(rule, "origin", None) is None:
        yield
        return
    _start_watcher()
    _running = (rule.id, rule.origin, time.monotonic(), planning)
    try:
        yield
    finally:
        _running = None


def _start_watcher() -> None:
    global _watcher_of
    if _watcher_of == os.getpid():       # a forked worker has no thread of its parent's
        return
    _watcher_of = os.getpid()
    threading.Thread(target=_watch, daemon=True, name="evkg-rule-limits").start()


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0                          # not Linux: the time limit still holds


def _watch() -> None:
    while True:
        time.sleep(_POLL_SECONDS)
        running, limits = _running, _limits
        if running is None or limits is None:
            continue
        rule_id, origin, started, planning = running
        seconds, memory, _ = limits
        if seconds and time.monotonic() - started > seconds:
            doing = ("took more than {} s to read and plan its query" if planning else
                     "ran for more than {} s on one batch of descriptions")
            _stop(origin, f"rule {rule_id} {doing.format(f'{seconds:g}')} and was stopped, with the command",
                  "--rule-timeout SECONDS")
        elif memory and _resident_bytes() > memory:
            _stop(origin, f"rule {rule_id} took more than {memory // 1024 // 1024:,} MB of memory and was "
                          "stopped, with the command", "--rule-memory MB")


def _stop(origin: str, what: str, option: str) -> None:
    from evkg.core.safe_text import visible_lines

    text = (f"error: {origin}: {what}. A rule that joins patterns not tied to $this (?a ?b ?c . ?d ?e ?f) "
            "compares every statement with every other: join each pattern of its WHERE to $this; a group of "
            "hundreds of patterns takes minutes to plan: split the rule. If the rule "
            f"is right, allow more with {option} (0: no limit).\n")
    os.write(2, visible_lines(text).encode("utf-8", "replace"))
    owner = _limits[2]
    if os.getpid() != owner:
        try:
            os.kill(owner, WORKER_STOPPED)    # the command's process kills the other workers and ends
        except OSError:
            pass
        time.sleep(5)                          # killed by it meanwhile
        os._exit(EXIT_RULE_LIMIT)
    from evkg.core.ending import end_now

    end_now("a rule overran its limit", EXIT_RULE_LIMIT)
