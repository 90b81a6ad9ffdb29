"""Read whole ontology files (OBO, OWL in RDF/XML, OBO-Graph JSON) into the local term index.

pronto does the parsing: it reads all three formats behind one API (OBO through fastobo, a validating parser
written in Rust; OWL through its RDF/XML reader; OBO-Graph JSON natively), gives each term's label,
synonyms, obsolete flag, replacements and direct superclasses, and is maintained and released
regularly. oaklib covers more back ends but pulls in a far larger dependency tree for the same
three answers; fastobo alone reads only OBO.
"""
from __future__ import annotations

import os
import warnings
from collections import Counter
from pathlib import Path

from evkg.core.errors import InputError
from evkg.core.files import regular_file_status
from evkg.terms.index import OBO_PURL, PREFIX_STEMS, LocalOntology, Term, id_prefix, save_local_ontology
from evkg.terms.reader_process import read_in_child

SUFFIXES = (".obo", ".owl", ".rdf", ".xml", ".json")


def iri_of(identifier: str) -> str:
    """A pronto term id (a CURIE such as CL:0000134, or a full IRI) as an IRI."""
    if identifier.startswith(("http://", "https://")):
        return identifier
    prefix, sep, local = identifier.partition(":")
    if not sep:
        return identifier
    if prefix in PREFIX_STEMS:
        return PREFIX_STEMS[prefix] + local
    return f"{OBO_PURL}{prefix}_{local}"


def read_ontology_file(path: str | Path) -> LocalOntology:
    """Every term of one ontology file, with the identifier prefixes the file covers."""
    import pronto

    path = Path(path)
    regular_file_status(path)               # a device or a pipe named like an ontology would never end
    if path.suffix.lower() not in SUFFIXES:
        raise InputError(f"not an ontology file this command reads ({', '.join(SUFFIXES)}).", path=str(path),
                         hint="Give an OBO file, an OWL file in RDF/XML, or an OBO-Graph JSON file.")
    _refuse_compressed(path)
    if path.suffix.lower() == ".json":
        _refuse_deep_json(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # import_depth=0: an `import:` or owl:imports line was fetched from the network, unasked
            ontology = pronto.Ontology(str(path), import_depth=0)
            terms = {}
            for term in ontology.terms():
                iri = iri_of(term.id)
                if id_prefix(iri) is None:
                    continue
                # direct superclasses only: every term's full ancestry made a deep chain quadratic
                parents = sorted({iri_of(a.id) for a in term.superclasses(distance=1, with_self=False)})
                terms[iri] = Term(iri=iri, label=term.name or term.id,
                                  synonyms=tuple(sorted({s.description for s in term.synonyms})),
                                  parents=tuple(parents), obsolete=bool(term.obsolete),
                                  replaced_by=tuple(sorted(iri_of(r.id) for r in term.replaced_by)),
                                  source=path.name)
            declared = ontology.metadata.ontology or ""
    except (InputError, MemoryError):
        raise
    except Exception as exc:                     # pronto raises several exception types on a malformed file
        raise InputError(f"could not be read as an ontology: {exc}", path=str(path),
                         hint="Check that the file is a complete OBO, OWL (RDF/XML) or OBO-Graph JSON file.") from exc
    if not terms:
        raise InputError("contains no ontology terms with identifiers evkg recognises.", path=str(path))
    return LocalOntology(name=path.name, path=str(path.resolve()), prefixes=_covered_prefixes(declared, terms),
                         terms={iri: Term(**{**t.__dict__, "source": path.name}) for iri, t in terms.items()})


_COMPRESSED = {b"\x1f\x8b": "gzip", b"\xfd7zXZ\x00": "xz", b"BZh": "bzip2"}


def _refuse_compressed(path: Path) -> None:
    """pronto unpacks a compressed file behind its name: 3.6 MB named .obo grew past 5 GB of memory."""
    try:
        with path.open("rb") as handle:
            head = handle.read(6)
    except OSError as exc:
        from evkg.core.files import unreadable

        raise unreadable(exc, str(path)) from None
    for magic, kind in _COMPRESSED.items():
        if head.startswith(magic):
            raise InputError(f"is a compressed ({kind}) file, not an ontology file as such.", path=str(path),
                             hint=f"Unpack it first (e.g. {'gunzip' if kind == 'gzip' else 'unxz' if kind == 'xz' else 'bunzip2'} "
                                  "-c FILE > ontology.obo), check that its size is what you expect, and add the "
                                  "unpacked file.")


MAX_JSON_DEPTH = 100      # an OBO-Graph JSON file is nested about 8 levels deep


def _refuse_deep_json(path: Path) -> None:
    """The OBO-Graph reader takes time growing with the square of the nesting, holding the interpreter so that
    Ctrl+C waits (100,000 levels in 200 kB: 40 s); the nesting is measured first, outside the strings."""
    import re
    from itertools import accumulate

    text = path.read_bytes()
    brackets = re.sub(rb"[^\[\]{}]", b"", re.sub(rb'"(?:[^"\\]|\\.)*+"?', b'""', text, flags=re.DOTALL))
    step = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
    if brackets and max(accumulate(step[b] for b in brackets)) > MAX_JSON_DEPTH:
        raise InputError(f"is nested more than {MAX_JSON_DEPTH} levels deep, which no OBO-Graph JSON file is.",
                         path=str(path), hint="Check that the file is the ontology's OBO-Graph JSON export (or add "
                                              "its OBO or OWL file instead).")


def _covered_prefixes(declared: str, terms: dict) -> tuple[str, ...]:
    """The prefix the ontology mints: its declared id (mondo → MONDO), else the prefix most of its terms use."""
    counts = Counter(id_prefix(iri) for iri in terms)
    stem = declared.rsplit("/", 1)[-1].split(".", 1)[0].lower()
    named = [p for p in counts if p and p.lower() == stem]
    if named:
        return tuple(named)
    prefix, count = counts.most_common(1)[0]
    return (prefix,) if prefix and count * 2 > len(terms) else ()


# pronto holds about 45 times an OBO file's size in memory while it parses (43 MB took 2 GB), inside native code
# that Ctrl+C cannot reach; the file is refused over MAX_BYTES and parsed in a child process under a memory
# ceiling, which Ctrl+C, SIGTERM or the ceiling kill
MAX_BYTES = 200 * 1024 * 1024
MAX_MEMORY_MB = 8192


def _limit_from_environment(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise InputError(f"{name}={value[:40]!r} is not a positive whole number.", path=name,
                         hint=f"Give a number, e.g. {name}={default}, or unset it.")
    return int(value)


def add_ontology_files(paths, folder: Path | None = None, *, max_bytes: int | None = None,
                       max_memory_mb: int | None = None) -> list[tuple[LocalOntology, Path]]:
    """Read each file and store it in the local index (replacing an earlier file of the same name). A file over
    ``max_bytes`` is refused unread; each is parsed in a child process of at most ``max_memory_mb``."""
    max_bytes = max_bytes or _limit_from_environment("EVKG_TERMS_MAX_BYTES", MAX_BYTES)
    max_memory_mb = max_memory_mb or _limit_from_environment("EVKG_TERMS_MAX_MEMORY", MAX_MEMORY_MB)
    for path in paths:                       # every file is looked at before the first is parsed
        _refuse_oversized(Path(path), max_bytes)
    added = []
    for path in paths:
        ontology = read_in_child(read_ontology_file, path, max_memory_mb)
        added.append((ontology, save_local_ontology(ontology, folder)))
    return added


def _refuse_oversized(path: Path, max_bytes: int) -> None:
    size = regular_file_status(path).st_size
    if size > max_bytes:
        raise InputError(f"is {size:,} bytes, over the size limit of {max_bytes:,} bytes for an ontology file "
                         "(reading one takes about 45 times its size in memory).", path=str(path),
                         hint="Add the ontology's base or slim release, or its .obo file (smaller than its .owl), "
                              "or raise the limit with --max-bytes (or EVKG_TERMS_MAX_BYTES) if the machine has "
                              "the memory.")
