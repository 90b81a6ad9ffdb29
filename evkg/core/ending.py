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
    removed = remove_partial_files()
    note = "; its half-written output was removed, an earlier file of that name is unchanged" if removed else ""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    os.write(2, f"\nevkg: {what}: the command was stopped before it finished{note}.\n".encode())
    os._exit(code)
