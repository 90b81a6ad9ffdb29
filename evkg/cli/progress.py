"""A one-line progress bar on stderr for long commands: shown only when stderr is a terminal and the user did
not ask for quiet, so pipes, logs and `-q` stay clean."""
from __future__ import annotations

import shutil
import sys
import time


class Progress:
    """Redraws one line at most ten times a second: a bar (when the total is known), counts, rate, ETA."""

    def __init__(self, what: str, *, quiet: bool = False, stream=None):
        self.stream = stream or sys.stderr
        self.what = what
        self.enabled = not quiet and _is_terminal(self.stream)
        self.started = time.monotonic()
        self.last_drawn = 0.0
        self.shown = False

    def update(self, done: int, total: int | None = None, *, items: int | None = None, unit: str = "",
               note: str = "", force: bool = False) -> None:
        """done of total steps (files, graphs, …); items: a second count (products, triples) with its rate."""
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self.last_drawn < 0.1:
            return
        self.last_drawn = now
        elapsed = max(now - self.started, 1e-9)
        width = shutil.get_terminal_size((80, 20)).columns
        parts = [self.what]
        if total:
            filled = int(20 * min(done, total) / total)
            parts.append("[" + "#" * filled + "." * (20 - filled) + f"] {done}/{total}")
        else:
            parts.append(str(done))
        if items is not None:
            parts.append(f"{items:,} {unit} ({items / elapsed:,.0f}/s)".strip())
        if total and 0 < done < total:
            parts.append(f"ETA {_duration(elapsed * (total - done) / done)}")
        if note:
            parts.append(note)
        line = "  ".join(parts)
        self.stream.write("\r" + line[: width - 1].ljust(min(width - 1, len(line) + 2)))
        self.stream.flush()
        self.shown = True

    def message(self, text: str) -> None:
        """A line of its own (a stage of a build, say), above the bar."""
        if not self.enabled:
            return
        self.clear()
        self.stream.write(text + "\n")
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self.shown:
            width = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.stream.flush()
            self.shown = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.clear()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"
