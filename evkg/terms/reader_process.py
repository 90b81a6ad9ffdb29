"""Parse an ontology file in a child process under a memory ceiling, so that a file too large for the machine is
stopped with a plain message and Ctrl+C or SIGTERM end the parse at once.

What happens when an allocation meets an address-space ceiling depends on where it fails: Python raises
MemoryError or a SystemError, Rust aborts the process, a thread cannot start, or a thread pool loses a worker
thread and its caller waits for ever. The parent therefore also watches the child: one that used no processor
time for STALL_SECONDS is stuck and is killed, and any failure of a child whose peak came close to the ceiling
is reported as the ceiling.
"""
from __future__ import annotations

import os
from pathlib import Path

from evkg.core.errors import InputError

_POLL_SECONDS = 0.2
STALL_SECONDS = 10.0


def _status_bytes(field: str, pid: int | str = "self") -> int:
    """A size from /proc/<pid>/status (VmSize, VmPeak, ...), 0 where the system does not say."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _processor_ticks(pid: int) -> int | None:
    """The processor time process ``pid`` has used, in clock ticks; None where the system does not say."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])            # utime + stime
    except (OSError, ValueError, IndexError):
        return None


def _near_ceiling(peak: int, ceiling: int | None, memory_bytes: int) -> bool:
    """Whether a peak of ``peak`` bytes came so close to ``ceiling`` that a failure was the ceiling's doing (a
    failed request can be large: a thread's stack, a memory arena, a table doubling)."""
    return ceiling is not None and peak >= ceiling - memory_bytes // 4


def _read_here(connection, read, path: str, memory_bytes: int, ceiling: int | None) -> None:
    """The child: parse under the address-space ``ceiling``, send back ("ok", ontology) or ("error", exception)."""
    import faulthandler
    import resource
    import signal

    from evkg.core.workers import _die_with_parent

    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent hears Ctrl+C and kills this process
    # the parent says what went wrong; Rust's own words on an allocation that met the ceiling would only puzzle
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    faulthandler.disable()                              # it writes its report to a copy of the old stderr
    if ceiling is not None:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        except (ValueError, OverflowError, OSError):
            ceiling = None                              # past what the system can set: no ceiling
    try:
        reply = ("ok", read(path))
    except BaseException as exc:
        if isinstance(exc, MemoryError) or _near_ceiling(_status_bytes("VmPeak"), ceiling, memory_bytes):
            exc = MemoryError()
        reply = ("error", exc if isinstance(exc, (InputError, MemoryError)) else RuntimeError(str(exc)))
    try:
        connection.send(reply)
    except MemoryError:
        connection.send(("error", MemoryError()))


def read_in_child(read, path: str | Path, max_memory_mb: int):
    """``read(path)`` (reading an ontology file) in a child process, so that it can be stopped and its memory is
    bounded."""
    import multiprocessing
    import time

    memory_bytes = max_memory_mb * 1024 * 1024
    # the ceiling comes on top of what this process holds: a forked child inherits its mappings
    ceiling = _status_bytes("VmSize") + memory_bytes
    # fork: the child's own helpers (the parser's thread pool registers semaphores) report to the child, whose
    # messages are silenced, not to the terminal when the ceiling stops it
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_read_here, args=(child, read, str(path), memory_bytes, ceiling),
                              name="evkg-ontology-reader", daemon=True)
    process.start()
    child.close()
    status, value, stuck_peak = None, None, None
    ticks, since, at_ceiling_since = None, time.monotonic(), None
    try:
        while not parent.poll(_POLL_SECONDS):
            if not process.is_alive() and not parent.poll(0):
                break
            now, now_ticks = time.monotonic(), _processor_ticks(process.pid)
            if now_ticks is None or now_ticks != ticks:
                ticks, since = now_ticks, now
            # a child pressed against the ceiling may spin instead of failing (a pool retrying a thread it
            # cannot start): held there for STALL_SECONDS, it is stopped as one that used no processor time is
            if _near_ceiling(_status_bytes("VmSize", process.pid), ceiling, memory_bytes // 2):
                at_ceiling_since = at_ceiling_since or now
            else:
                at_ceiling_since = None
            if now - since > STALL_SECONDS or (at_ceiling_since and now - at_ceiling_since > STALL_SECONDS):
                stuck_peak = _status_bytes("VmPeak", process.pid)
                process.kill()
                break
        if stuck_peak is None and parent.poll(0):
            status, value = parent.recv()
    except (EOFError, OSError):
        status, value = None, None
    finally:
        process.join(timeout=5 if process.exitcode is None else 0)
        if process.is_alive():
            process.kill()
            process.join()
        parent.close()
    if status == "ok":
        return value
    if isinstance(value, InputError):
        raise value
    # Rust aborts (SIGABRT) when an allocation meets the ceiling; the kernel's out-of-memory killer sends SIGKILL
    if (isinstance(value, MemoryError) or stuck_peak is not None and _near_ceiling(stuck_peak, ceiling, memory_bytes)
            or status is None and stuck_peak is None and process.exitcode in (-6, -9)):
        raise InputError(f"reading it needed more than the {max_memory_mb:,} MB of memory allowed and was stopped.",
                         path=str(path), hint="Add the ontology's base or slim release, or its .obo file (smaller "
                         "than its .owl), or allow more with --max-memory MB (or EVKG_TERMS_MAX_MEMORY).")
    if stuck_peak is not None:
        reason = f"the ontology reader stopped making progress for {STALL_SECONDS:g} s and was stopped"
    else:
        reason = value if status else f"the ontology reader stopped unexpectedly (exit code {process.exitcode})"
    raise InputError(f"could not be read as an ontology: {reason}", path=str(path),
                     hint="Check that the file is a complete OBO, OWL (RDF/XML) or OBO-Graph JSON file.")
