"""Hints for a description read in another format than it is written in: Turtle in a file named .yaml, YAML in a
file named .ttl, or standard input whose first lines were misread (it is read as YAML or JSON when it starts like
them, else as Turtle, unless --input-format says otherwise)."""
from __future__ import annotations

import os
import stat

from evkg.core.errors import InputError
from evkg.core.files import STDIN
from evkg.io.written_form import TURTLE_DECLARATION, looks_like_yaml


def with_format_hint(error: InputError, path: str, input_format: str | None) -> InputError:
    """The error, named after the file it came from (an error of the checks knows no path), with a hint when
    the text is likely in another format than it was read as."""
    if error.path is None:
        error = InputError(error.reason or "", line=error.line, column=error.column, hint=error.hint,
                           path=STDIN if path == STDIN else str(path))
    reason = error.reason or ""
    if reason.startswith("is not valid Turtle") and path == STDIN and input_format is None:
        guess = ("Standard input that does not start like YAML or JSON is read as Turtle: if this is YAML or JSON, "
                 "add --input-format yaml (json-ld for JSON).")
        hint = " ".join(h for h in (guess, error.hint) if h)
    elif reason.startswith("is not valid YAML") and path != STDIN and _looks_like_turtle(path):
        hint = ("It looks like Turtle (it has @prefix or PREFIX lines), not YAML: name the file .ttl, or add "
                "--input-format turtle.")          # the YAML advice on indentation would mislead here
    elif reason.startswith("is not valid Turtle") and path != STDIN and input_format is None and _looks_like_yaml(path):
        hint = ("It looks like YAML (it starts with 'key: value' lines), not Turtle: name the file .yaml, or add "
                "--input-format yaml.")            # the Turtle advice on prefixes would mislead here
    else:
        return error
    return InputError(reason, path=error.path, line=error.line, column=error.column, hint=hint)


def _looks_like_turtle(path: str) -> bool:
    """Whether the start of a regular file declares prefixes as Turtle does (never blocks on a FIFO)."""
    return bool(TURTLE_DECLARATION.search(_head(path)))


def _looks_like_yaml(path: str) -> bool:
    """Whether a regular file declares no prefix and its first statement is a YAML `key: value` line."""
    return looks_like_yaml(_head(path))


def _head(path: str) -> str:
    """The first 64 KiB of a regular file as text, or ''."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return ""
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return ""
        return handle.read(64 * 1024).decode("utf-8", "replace")
