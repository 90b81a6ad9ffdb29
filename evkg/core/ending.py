"""End the command's process at once, from any thread: its worker processes killed, the half-written output of
an unfinished write removed, one line on standard error. Used by Ctrl+C and SIGTERM (evkg.cli.interrupt) and
by the limits on a user's rules (evkg.classification.rule_limits), whose work cannot be cancelled otherwise."""
from __future__ import annotations

import os
import sys


def end_now(what: str, code: int) -> None:
    import multiprocessing

    from evkg.core.files import remove_partial_files

    for child in multiprocessing.active_children():    # worker processes (--jobs) stuck in the same work
        child.kill()
    for pid in _child_pids():        # and any other program it runs: HermiT's Java went on reasoning alone
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    removed = remove_partial_files()
    note = "; its half-written output was removed, an earlier file of that name is unchanged" if removed else ""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os.write(2, f"\nevkg: {what}: the command was stopped before it finished{note}.\n".encode())
    os._exit(code)


def _child_pids() -> list[int]:
    """The processes this one started (Linux: from /proc; elsewhere none)."""
    found, me = [], os.getpid()
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for name in entries:
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == me:
                found.append(int(name))
    return found
