"""The processes a test started, read from /proc: a stopped command must leave none of them running."""
from __future__ import annotations

from pathlib import Path


def children(pid: int) -> set[int]:
    """The direct children of process `pid`."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def end_all(process, pids) -> None:
    """Kill `process` (a subprocess.Popen) if it still runs, and every one of `pids` still alive: a failed test
    leaves nothing running behind it."""
    import os
    import signal

    if process.poll() is None:
        process.kill()
        process.wait()
    for pid in pids:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
