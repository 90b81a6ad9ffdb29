"""Reading reference exports: recognise the format of a file and hand it to its reader (one module per format)."""
from __future__ import annotations

import contextlib
import re
from pathlib import Path

from evkg.core.errors import InputError
from evkg.literature.records import Notice, Problem, Reference

# ---------------------------------------------------------------------------------------------- readers


class NoReferences(InputError):
    """A readable file that holds no bibliographic entry at all (not a reference export)."""

READERS: dict[str, str] = {
    ".bib": "bibtex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csl-json", ".csl": "csl-json",
    ".nbib": "medline", ".medline": "medline", ".txt": "medline", ".xml": "pubmed-xml",
}


NAMES = {"bibtex": "BibTeX", "ris": "RIS", "csl-json": "CSL-JSON", "medline": "PubMed MEDLINE",
         "pubmed-xml": "PubMed XML"}
_EXTENSIONS = {"bibtex": ".bib", "ris": ".ris", "csl-json": ".json", "medline": ".nbib", "pubmed-xml": ".xml"}
# how each format's files begin, for a file whose name says one format and whose text another
_STARTS = {"bibtex": re.compile(r"@\s*[A-Za-z]+\s*[{(]"), "ris": re.compile(r"TY  - "),
           "medline": re.compile(r"PMID- ?\d"), "pubmed-xml": re.compile(r"<"),
           "csl-json": re.compile(r"\[\s*[{\]]|\{\s*\"")}     # not '[1] Smith J…', a numbered list of references


# text files that are no export, said so (an RTF bibliography was 'not valid JSON', its '{' taken for CSL-JSON)
_NOT_EXPORTS = ((re.compile(r"\{\\rtf"), "an RTF (rich text) document, such as a formatted bibliography"),
                (re.compile(r"@prefix\s|@base\s|(?i:prefix)\s+[\w-]*:\s*<"), "Turtle (RDF), evkg's own format"))


def detect_format(path: Path, text: str) -> str:
    fmt = READERS.get(path.suffix.lower())
    head = text.lstrip()[:200]
    for start, what in _NOT_EXPORTS:
        if start.match(head):
            raise NoReferences(f"no references found in {path}: it is {what}, not a reference export.",
                               path=str(path), hint="Export the library from the reference manager as BibTeX (.bib), "
                                                    "RIS, CSL-JSON or PubMed MEDLINE/XML and import that file.")
    if path.suffix.lower() == ".txt" and (_STARTS["ris"].match(head) or not re.match(r"PMID-|[A-Z]{2,4}\s*-", head)):
        fmt = None                      # a .txt file is MEDLINE or RIS (or anything): its text says which
    if fmt:
        held = next((other for other, start in _STARTS.items() if other != fmt and start.match(head)), None)
        if held and not _STARTS[fmt].match(head):     # read as its name says, it was 'text outside any record'
            what = "XML or HTML" if held == "pubmed-xml" else NAMES[held]
            raise InputError(f"holds {what}, not {NAMES[fmt]} as its name ({path.suffix}) says: it begins "
                             f"{head[:30]!r}.", path=str(path),
                             hint=f"Rename it to {path.stem}{_EXTENSIONS[held]} and import that, or export the "
                                  f"library again as {NAMES[fmt]}." if held != "pubmed-xml" else
                                  f"Export the library again as {NAMES[fmt]}, or as PubMed XML into a .xml file.")
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


# a file that is no text at all: said so, rather than 'text outside any record' for each of its lines
_BINARY = {b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive", b"\x1f\x8b": "a gzip archive",
           b"\xd0\xcf\x11\xe0": "a Microsoft Office document"}


def _decode(path: Path, raw: bytes) -> tuple[str, list[Problem]]:
    """The text of an export, and a warning when it had to be guessed. Some reference managers export UTF-16 with
    a byte order mark; one that is not UTF-8 is read as Windows-1252 (or Latin-1), said with the first byte that
    was not UTF-8 so that its letters can be checked."""
    utf16 = raw.startswith((b"\xff\xfe", b"\xfe\xff"))
    kind = next((name for magic, name in _BINARY.items() if raw.startswith(magic)), None)
    if kind is None and not utf16 and raw[:4096].count(0) > len(raw[:4096]) // 10:
        kind = "not text (a tenth of it is NUL bytes: UTF-16 without a byte order mark, or a binary file)"
    if kind:
        raise InputError(f"is {kind}, not a reference export.", path=str(path),
                         hint="Export the library as text (BibTeX, RIS, CSL-JSON, MEDLINE or PubMed XML, saved as "
                              "UTF-8) and import that file.")
    declared = re.match(rb"<\?xml[^>]*encoding=[\"']([\w.:-]{1,40})[\"']", raw)
    try:
        # an XML file in the encoding its declaration names, as XML is read (one that begins '<?xml' in ASCII is in
        # no UTF-16 or UTF-32, whatever it declares)
        if declared and not utf16 and not declared.group(1).lower().startswith((b"utf-16", b"utf-32", b"ucs")):
            with contextlib.suppress(LookupError, ValueError):    # no such encoding, or not in it
                return raw.decode(declared.group(1).decode("ascii")).removeprefix("\ufeff"), []
        return raw.decode("utf-16" if utf16 else "utf-8-sig"), []
    except UnicodeDecodeError as exc:
        if utf16:
            raise InputError("starts with the byte order mark of UTF-16 but is not UTF-16 text (it breaks off at "
                             f"byte {exc.start:,}).", path=str(path),
                             hint="Export the library again, saved as UTF-8.") from None
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start:exc.start + 1]
    encoding, codec = ("Windows-1252", "cp1252") if _decodes(raw, "cp1252") else ("Latin-1", "latin-1")
    return raw.decode(codec), [Notice(str(path), line, None,
                                      f"the file is not UTF-8 (byte 0x{bad.hex().upper()} on this line is not UTF-8 "
                                      f"text); it was read as {encoding}, which makes that byte "
                                      f"{bad.decode(codec)!r}. Check the accented letters of the imported records, "
                                      "or export the library again as UTF-8.")]


def _decodes(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def read_references(path) -> tuple[list[Reference], list[Problem]]:
    """Read every entry of one export. Raises InputError when the file as a whole cannot be read; a Notice among
    the problems is a warning about what was read, not an entry left out."""
    from evkg.core.files import default_limit, read_limited

    path = Path(path)
    raw = read_limited(path, default_limit(), what="reference file", stdin_ok=False,
                       limit_hint="Split the export into smaller files, or raise EVKG_MAX_BYTES.")
    text, notices = _decode(path, raw)
    # exports joined with `cat` keep each one's byte order mark at the start of a line, where it hid the first
    # record of the second ('text outside any record', 'not a MEDLINE record')
    text = re.sub("(^|[\r\n])\ufeff", r"\1", text)
    if not text.strip():
        raise NoReferences(f"no references found in {path}: the file is empty.", path=str(path),
                           hint="Check that the export finished and that this is the file it wrote.")
    fmt = detect_format(path, text)
    reader = _reader(fmt)
    try:
        refs, problems = reader(str(path), text)
    except InputError:
        raise
    except (RecursionError, ValueError, TypeError, LookupError, AttributeError, ArithmeticError):
        raise NoReferences(f"no references found in {path}: it could not be read as {NAMES[fmt]}, as its content "
                           f"is not laid out as a {NAMES[fmt]} export's is.", path=str(path),
                           hint=_FORMAT_HINT) from None
    if not refs and not problems:
        raise NoReferences(f"no references found in {path}.", path=str(path), hint=_FORMAT_HINT)
    return refs, notices + problems


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
