"""Reading reference exports: recognise the format of a file and hand it to its reader (one module per format)."""
from __future__ import annotations

import re
from pathlib import Path

from evkg.core.errors import InputError
from evkg.literature.records import Problem, Reference

# ---------------------------------------------------------------------------------------------- readers


class NoReferences(InputError):
    """A readable file that holds no bibliographic entry at all (not a reference export)."""

READERS: dict[str, str] = {
    ".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".csl": "csl-json",
    ".nbib": "medline", ".medline": "medline", ".txt": "medline", ".xml": "pubmed-xml",
}


def detect_format(path: Path, text: str) -> str:
    fmt = READERS.get(path.suffix.lower())
    head = text.lstrip()[:200]
    if fmt == "medline" and path.suffix.lower() == ".txt" and not re.match(r"PMID-|[A-Z]{2,4}\s*-", head):
        fmt = None
    if fmt:
        return fmt
    if head.startswith("@"):
        return "bibtex"
    if re.match(r"TY  -", head):
        return "ris"
    if head[:1] in "[{":
        return "csl-json"
    if head.startswith("PMID-"):
        return "medline"
    if head.startswith("<"):
        return "pubmed-xml"
    raise NoReferences(f"no references found in {path}: the reference format could not be recognised.",
                       path=str(path),
                     hint="Use a .bib (BibTeX), .ris, .json (CSL-JSON), .nbib (PubMed MEDLINE) or .xml "
                          "(PubMed XML) export.")


def read_references(path) -> tuple[list[Reference], list[Problem]]:
    """Read every entry of one export. Raises InputError when the file as a whole cannot be read."""
    from evkg.core.files import default_limit, read_limited

    path = Path(path)
    raw = read_limited(path, default_limit(), what="reference file", stdin_ok=False,
                       limit_hint="Split the export into smaller files, or raise EVKG_MAX_BYTES.")
    try:   # some reference managers export UTF-16 with a byte order mark; read as Latin-1, nothing was found
        text = raw.decode("utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    fmt = detect_format(path, text)
    reader = _reader(fmt)
    try:
        refs, problems = reader(str(path), text)
    except NoReferences:
        raise
    except InputError:
        raise
    except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise NoReferences(f"no references found in {path}: it could not be read as {fmt} "
                           f"({type(exc).__name__}).", path=str(path), hint=_FORMAT_HINT) from None
    if not refs and not problems:
        raise NoReferences(f"no references found in {path}.", path=str(path), hint=_FORMAT_HINT)
    return refs, problems


_FORMAT_HINT = ("Is it a bibliography? Use a .bib (BibTeX), .ris, .json (CSL-JSON), .nbib (PubMed MEDLINE) or "
                ".xml (PubMed XML) export.")


def _clean(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _year(value) -> str | None:
    match = re.search(r"\b(1[6-9]\d\d|20\d\d)\b", str(value or ""))
    return match.group(1) if match else None


def _pmcid(value) -> str | None:
    match = re.search(r"PMC\d+", str(value or ""), re.IGNORECASE)
    return match.group(0).upper() if match else None


# BibTeX ---------------------------------------------------------------------------------------------




def _reader(fmt: str):
    import importlib

    module = importlib.import_module(f"evkg.literature.formats.{fmt.replace('-', '_')}")
    return getattr(module, "read_" + fmt.replace("-", "_"))
