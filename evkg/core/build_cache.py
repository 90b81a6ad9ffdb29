"""The cache of builds made from bundled files (parsed graphs, compiled shapes and rules), kept between runs.

Unpickling runs code, so the cache is kept only in a folder this user owns and nobody else may write in
(a shared or team folder, or one planted in the temporary folder, is not used: evkg then builds without a
cache), a cache file is opened without following links and loaded only if it is a plain file this user wrote,
and each file is written under a fresh unguessable name and renamed into place, so a link planted in the folder
can neither be written through nor read."""
from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
import time
from pathlib import Path

# Cached builds kept per kind: each edit of a bundled file (or upgrade) makes a new one, and the old ones would
# otherwise pile up.
CACHE_KEPT_PER_KIND = 24

_PRIVATE = 0o700
_OTHERS_MAY_WRITE = 0o022


def cached_build(kind: str, paths: list[Path], build, *, code_files: list[Path] | None = None, key: str = ""):
    """build(), or the pickled result of an earlier build from the same files (and evkg source files).

    The cache key covers every file's path, size and modification time (and the content of a file written in
    the last seconds), the evkg version and ``key`` (what else the build depends on), so an edited file builds
    again. A cache that cannot be used (no safe folder, a damaged or foreign file, a full disk) only
    means the build is made again."""
    cache = cache_file(kind, paths + (code_files or []), key)
    folder = private_cache_folder()
    if folder is None:
        return build()
    loaded = _load(cache)
    if loaded is not _MISSING:
        return loaded
    result = build()
    _store(result, cache)
    _prune(folder, kind)
    return result


def cache_folder() -> Path:
    """evkg's cache folder: EVKG_CACHE_DIR, else the user's cache folder (or one of this user's in the temporary
    folder, for a user with no home folder)."""
    chosen = os.environ.get("EVKG_CACHE_DIR")
    if chosen:
        return Path(chosen)
    try:
        import platformdirs

        return Path(platformdirs.user_cache_dir("evkg"))
    except Exception:               # no home folder (e.g. a container user with no account)
        user = os.getuid() if hasattr(os, "getuid") else "user"
        return Path(tempfile.gettempdir()) / f"evkg-cache-{user}"


def private_cache_folder() -> Path | None:
    """The cache folder, made if missing, when only this user may write in it; else None (build without cache).

    evkg's own default folder, if an earlier version made it writable by the user's group, is made private.
    A folder the user chose (EVKG_CACHE_DIR) that cannot be used is named once on stderr, with the fix."""
    folder = cache_folder()
    try:
        folder.mkdir(mode=_PRIVATE, parents=True, exist_ok=True)
        status = folder.stat()
        if not hasattr(os, "getuid"):
            return folder if stat.S_ISDIR(status.st_mode) else _unusable(folder, "it is not a folder")
        if not stat.S_ISDIR(status.st_mode):
            return _unusable(folder, "it is not a folder")
        if status.st_uid != os.getuid():
            return _unusable(folder, "it belongs to another user")
        if status.st_mode & _OTHERS_MAY_WRITE and not os.environ.get("EVKG_CACHE_DIR"):
            folder.chmod(_PRIVATE)
            status = folder.stat()
    except OSError as exc:
        return _unusable(folder, f"it cannot be made or read ({exc.strerror or exc})")
    if status.st_mode & _OTHERS_MAY_WRITE:
        return _unusable(folder, f"others may write in it (chmod 700 {folder} makes it private)")
    return folder


_told_unusable: set = set()


def _unusable(folder: Path, why: str) -> None:
    """None, after telling the user once why the cache folder they chose is not used (evkg still works, only
    slower: every bundled file is read again on each run)."""
    if os.environ.get("EVKG_CACHE_DIR") and str(folder) not in _told_unusable:
        _told_unusable.add(str(folder))
        print(f"evkg: the cache folder EVKG_CACHE_DIR={folder} is not used because {why}; evkg works without it, "
              "but reads its bundled files again on every run. Choose a folder only you may write in.",
              file=sys.stderr)
    return None


def cache_file(kind: str, paths: list[Path], key: str = "") -> Path:
    from evkg import __version__

    digest = hashlib.sha1(f"{__version__}|{key}\n".encode() if key else __version__.encode())
    now = time.time_ns()
    for path in paths:
        status = path.stat()
        digest.update(f"{path}|{status.st_size}|{status.st_mtime_ns}\n".encode())
        if now - status.st_mtime_ns < RECENT_NS and stat.S_ISREG(status.st_mode):
            # a file written this recently may be written again within the same tick of the file clock, with
            # the same size: its content decides the key (the key of a build made later differs from this one)
            digest.update(hashlib.sha1(path.read_bytes()).digest())
    return cache_folder() / f"{kind}-{digest.hexdigest()}.pickle"


# File modification times move in steps (a few milliseconds here, up to two seconds on some file systems).
RECENT_NS = 3_000_000_000


_MISSING = object()


def _load(cache: Path):
    """The object pickled in a cache file this user wrote and nobody else may change, else _MISSING."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)   # a pipe must not hang
    try:
        descriptor = os.open(cache, flags)
    except OSError:
        return _MISSING
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_nlink != 1:
            return _MISSING
        if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & _OTHERS_MAY_WRITE):
            return _MISSING
        try:
            return pickle.load(handle)
        except Exception:             # a truncated or damaged file: built again and replaced
            return _MISSING


def _store(result, cache: Path) -> None:
    """Write the result under a fresh private name and rename it into place; on any failure leave nothing."""
    try:
        descriptor, name = tempfile.mkstemp(prefix=f".{cache.stem}-", suffix=".tmp", dir=cache.parent)
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(name, cache)
    except Exception:                 # a full disk, a folder made read-only, a result that cannot be pickled
        try:
            os.unlink(name)
        except OSError:
            pass


# A half-written file older than this was left by a process that was killed while writing it.
_ABANDONED_AFTER_SECONDS = 3600


def _prune(folder: Path, kind: str) -> None:
    """Remove all but the most recently written cached builds of one kind, and abandoned half-written ones."""
    built = sorted(folder.glob(f"{kind}-*.pickle"), key=_modified, reverse=True)
    abandoned = [p for p in folder.glob(f".{kind}-*.tmp") if _modified(p) < time.time() - _ABANDONED_AFTER_SECONDS]
    for old in built[CACHE_KEPT_PER_KIND:] + abandoned:
        try:
            old.unlink()
        except OSError:
            pass


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
