"""Errors a user can act on. Each carries a message written for a person, never a traceback."""
from __future__ import annotations


class EvkgError(Exception):
    """Base class: bad input or usage (CLI exit code 2)."""

    exit_code = 2


class InputError(EvkgError):
    """A file could not be read as RDF: missing, unreadable, too large, malformed, or reaching outside."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None):
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        where = path or "input"
        if line is not None:
            where += f", line {line}" + (f", column {column}" if column is not None else "")
        text = f"{where}: {message}"
        if hint:
            text += f" {hint}"
        super().__init__(text)
        self.reason = message

    def __reduce__(self):                   # rebuilt the same in a worker process's caller
        return (_input_error, (type(self), self.reason, self.path, self.line, self.column, self.hint))


def _input_error(cls, message, path, line, column, hint):
    return cls(message, path=path, line=line, column=column, hint=hint)


class UsageError(EvkgError):
    """A command was called with values it cannot use (unknown format, query, parameter …)."""


class UnknownTermError(UsageError):
    """A term, product or trial name that evkg does not know (HTTP 404 in `evkg serve`)."""


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """The line and column (both from 1) of the character at `offset`, for messages that say where."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


VALUE_OVER_PARSER_LIMIT = ("holds a single value (a text, name or number) longer than 16 MB, far more than any "
                           "description needs. Shorten it, or give the long text as a document link "
                           "(rdfs:seeAlso) instead.")


def value_over_parser_limit(exc: BaseException) -> bool:
    """Oxigraph's parser holds one term in a buffer of at most 16 MB and raises MemoryError beyond it: the
    description is not too large, one of its values is."""
    return isinstance(exc, MemoryError) and "buffer maximal size" in str(exc)


def import_extra(module: str, needed_for: str, extra: str):
    """Import a package of an optional extra, or say which extra to install (exit code 2).
    `needed_for` completes "… needs …", e.g. "`evkg reason` needs the OWL reasoner package owlready2"."""
    import importlib

    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as missing:
        raise UsageError(f"{needed_for}; {missing.name} is not installed. "
                         f"Install it with: {install_command(extra)}") from None


def install_command(extra: str) -> str:
    """The command that adds an extra to the evkg this interpreter runs: its own pip (a bare `pip` may belong to
    another environment), from the folder evkg was installed from when it was (evkg is not on PyPI)."""
    import json
    import shlex
    import sys
    from importlib import metadata
    from urllib.parse import unquote, urlparse

    target, editable = f"evkg[{extra}]", False
    try:
        origin = json.loads(metadata.distribution("evkg").read_text("direct_url.json") or "{}")
    except (metadata.PackageNotFoundError, ValueError):
        origin = {}
    url = urlparse(origin.get("url", ""))
    if url.scheme == "file" and "dir_info" in origin:
        target, editable = f"{unquote(url.path)}[{extra}]", bool(origin["dir_info"].get("editable"))
    return f"{shlex.quote(sys.executable)} -m pip install {'-e ' if editable else ''}{shlex.quote(target)}"
