"""Reading and writing a user's files without being fooled by what the path really is.

A path may name a device (/dev/zero), a pipe (`<(yes)`) or a FIFO with no writer: reading those never ends or
never starts. Only regular files are read, unless the user gives `-` for standard input on purpose; the size
limit counts the bytes actually read, not what the file system claims. Writing a report reports a missing
folder, a read-only place or a full disk as a plain error.
"""
from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from evkg.core.errors import EvkgError, InputError

STDIN = "-"
CHUNK = 1 << 20
DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def default_limit() -> int:
    """The largest input file read: 50 MB, or EVKG_MAX_BYTES."""
    env = os.environ.get("EVKG_MAX_BYTES")
    return int(env) if env and env.isdigit() else DEFAULT_MAX_BYTES


def _missing_file_hint(name: str) -> str:
    """Check the path; a curated product's id given where a file was expected is pointed to its file."""
    import re

    if re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        from evkg.core.resources import folder

        curated = folder("data") / "products" / f"{name}.ttl"
        if curated.is_file():
            return (f"{name} is the id of a curated product; its description is the file {curated}: give that "
                    f"path instead (evkg cite {name} lists its sources).")
    return "Check the path and spelling."


def _missing_what(path: Path) -> str:
    """'no such file', naming the first folder on the way that is missing, if one is (a mistyped folder)."""
    missing, folder = None, path.parent
    while folder != folder.parent and not folder.exists():
        missing, folder = folder, folder.parent
    return f"no such file: the folder {missing} does not exist." if missing else "no such file."


_UNREADABLE_HINTS = {
    errno.EACCES: "You have no permission to read it: ask its owner, or copy it to a folder of your own.",
    errno.EPERM: "You have no permission to read it: ask its owner, or copy it to a folder of your own.",
    errno.ELOOP: "It is a symbolic link that leads round in a circle (or through too many links): give the path "
                 "of the file itself.",
    errno.ENAMETOOLONG: "The path is longer than the system allows: move the file to a shorter path.",
    errno.ENOTDIR: "A part of the path that should be a folder is a file: check the path.",
    errno.EIO: "The disk or network drive reported an error: copy the file to a local disk and try again.",
}


def unreadable(exc: OSError, shown: str) -> InputError:
    """'cannot be read', with the system's reason and what to do about it."""
    return InputError(f"cannot be read ({exc.strerror or exc}).", path=shown,
                      hint=_UNREADABLE_HINTS.get(exc.errno, "Check the path, and that the file can be opened."))


def regular_file_status(path: str | Path, *, what: str = "file", stdin_ok: bool = False) -> os.stat_result:
    """The status of a regular file, else an InputError saying what the name is instead (nothing, a folder, a
    device, a pipe)."""
    shown = str(path)
    try:
        info = Path(path).stat()
    except FileNotFoundError:
        raise InputError(_missing_what(Path(path)), path=shown, hint=_missing_file_hint(shown)) from None
    except OSError as exc:
        raise unreadable(exc, shown) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError("is a folder, not a file.", path=shown, hint="Name the files inside it, e.g. folder/*.ttl.")
    if not stat.S_ISREG(info.st_mode):
        kind = ("a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode)
                else "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode)
                else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a regular file")
        raise InputError(f"is {kind}, not a regular {what}; evkg reads only regular files.", path=shown,
                         hint="Save the data to a file first" + (", or give - and send it on standard input."
                                                                 if stdin_ok else "."))
    return info


def read_limited(path: str | Path, limit: int, *, what: str = "file", stdin_ok: bool = True,
                 limit_hint: str = "Split the file, or raise the limit with --max-bytes (or EVKG_MAX_BYTES).") -> bytes:
    """The bytes of a regular file (or of standard input for `-`), refusing anything over ``limit`` bytes."""
    shown = str(path)
    if shown == STDIN:
        return _read_stream(sys.stdin.buffer, limit, "standard input", limit_hint)
    path = Path(path)
    info = regular_file_status(path, what=what, stdin_ok=stdin_ok)
    if info.st_size > limit:            # a regular file's size is known: no need to read it to refuse it
        raise InputError(f"is {info.st_size:,} bytes, over the size limit of {limit:,} bytes.", path=shown,
                         hint=limit_hint)
    try:
        # O_NONBLOCK: a file swapped for a FIFO after the check above still cannot block the open
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise unreadable(exc, shown) from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise InputError(f"is not a regular {what}; evkg reads only regular files.", path=shown)
        return _read_stream(handle, limit, shown, limit_hint, expected=info.st_size)


def _read_stream(handle, limit: int, shown: str, limit_hint: str, expected: int | None = None) -> bytes:
    """At most limit + 1 bytes of the stream (then the limit is refused). A regular file of known size is
    read in one piece, so a large file is held once in memory, not once in pieces and once joined."""
    chunks, size = [], 0
    try:
        if expected is not None:
            first = handle.read(min(limit, expected) + 1)
            if len(first) <= expected:
                return first
            chunks, size = [first], len(first)      # it grew since it was measured: read on
        while size <= limit:
            chunk = handle.read(min(CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise unreadable(exc, shown) from None
    if size > limit:
        raise InputError(f"is over the size limit of {limit:,} bytes (more than that was read).", path=shown,
                         hint=limit_hint)
    return b"".join(chunks)


class OutputError(EvkgError):
    """A report or data file could not be written (missing folder, read-only place, full disk)."""


def write_text_file(path: str | Path, text: str | bytes, *, what: str = "the report") -> None:
    """Write ``text`` (or bytes) to ``path`` completely (through a temporary file beside it for regular files),
    or raise OutputError saying why; a half-written file never replaces a complete one."""
    path = Path(path)
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {what} to {path}: the folder {path.parent} does not exist. "
                          "Create it first or choose another place.")
    special = path.exists() and not path.is_file()
    target = path if special else path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if not special:
        _PARTIAL.add(target)
    try:
        with open(target, "wb") as handle:
            handle.write(data)
            handle.flush()
            if not special:
                os.fsync(handle.fileno())
        if not special:
            os.replace(target, path)
    except OSError as exc:
        if not special:
            try:
                target.unlink()
            except OSError:
                pass
        reason = describe_os_error(exc)
        if exc.errno == errno.ENOENT and path.parent.is_dir():     # the folder is there but refuses new files
            reason = (f"the folder {path.parent} refuses new files (system folders such as /proc and /sys "
                      "do); choose another place")
        raise OutputError(f"cannot write {what} to {path}: {reason}") from None
    finally:
        _PARTIAL.discard(target)


def create_text_file(path: str | Path, text: str, *, what: str, never_overwrites: str) -> None:
    """Write ``text`` to a new file at ``path``, or raise OutputError. Anything already there under that name
    is refused, a link included even if it points nowhere: following it would create a file elsewhere.
    ``never_overwrites`` names the command in the message (`evkg new`)."""
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(path, flags, 0o666)
    except FileExistsError:
        what_is_there = (f"a link to {os.readlink(path)}" if path.is_symlink()
                         else "a folder" if path.is_dir() else "a file")
        raise OutputError(f"{path} already exists ({what_is_there}); choose another name ({never_overwrites} "
                          "never overwrites a file, nor writes through a link).") from None
    except OSError as exc:
        reason = describe_os_error(exc)
        if exc.errno == errno.ENOENT and path.parent.is_dir():
            reason = f"the folder {path.parent} refuses new files; choose another place"
        raise OutputError(f"cannot write {what} to {path}: {reason}") from None
    _PARTIAL.add(path)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        path.unlink(missing_ok=True)                     # no half-written description left behind
        raise OutputError(f"cannot write {what} to {path}: {describe_os_error(exc)}") from None
    finally:
        _PARTIAL.discard(path)


_PARTIAL: set = set()          # files being written right now, removed if the command is stopped


def remove_partial_files() -> bool:
    """Remove the temporary files of writes still under way (the process is being stopped); whether any was."""
    removed = False
    for partial in list(_PARTIAL):
        try:
            partial.unlink()
            removed = True
        except OSError:
            pass
    return removed


def describe_os_error(exc: OSError) -> str:
    """A plain reason for a failed write or read, with what to do."""
    reasons = {
        errno.ENOSPC: "the disk is full; free some space or choose another place",
        errno.EROFS: "the place is read-only; choose a writable folder",
        errno.EACCES: "permission denied; choose a folder you can write to",
        errno.EPERM: "permission denied; choose a folder you can write to",
        errno.ENOENT: "the folder does not exist; create it first or choose another place",
        errno.EISDIR: "that is a folder; give a file name",
        errno.ENAMETOOLONG: "the name is longer than the file system allows; give a shorter one",
    }
    if getattr(errno, "EDQUOT", None) is not None:
        reasons[errno.EDQUOT] = "the disk quota is exhausted; free some space or choose another place"
    if exc.errno in reasons:
        return reasons[exc.errno]
    # the store's engine reports I/O failures as text without an errno ("IO error: No space left on device")
    for code, reason in reasons.items():
        if os.strerror(code) in str(exc):
            return reason
    return exc.strerror or str(exc)
