"""A term identifier with too few or too many digits for its ontology (MONDO:005178 for MONDO:0005178,
CL:000134 for CL:0000134), or the number alone (indication 5178): the finding names the term the digits stand
for, when the term index knows it, instead of only saying that the value has the wrong form."""
from __future__ import annotations

import functools
import re

from rdflib import Literal, URIRef


def padded_term(prop, value) -> str | None:
    """The IRI of the known term of an ID space the property takes whose number is the value's, or None."""
    from evkg.terms.index import default_index

    if not isinstance(prop, URIRef):
        return None
    if isinstance(value, URIRef):
        found = re.fullmatch(r"(.*_)([A-Z]?)([0-9]+)", str(value))
        if not found:
            return None
        stems = [(stem, letter) for stem, letter in _stems(str(prop)) if stem == found.group(1)]
        digits = found.group(3)
    elif isinstance(value, Literal) and re.fullmatch(r"[0-9]+", str(value).strip()):
        stems, digits = _stems(str(prop)), str(value).strip()
    else:
        return None
    patterns, index = property_patterns(str(prop)), default_index()
    number = digits.lstrip("0") or "0"
    for stem, letter in stems:
        for width in range(len(number), 11):
            iri = stem + letter + number.zfill(width)
            if iri != str(value) and any(p.search(iri) for p in patterns) and index.label(iri):
                return iri
    return None


def id_digits_hint(prop, value) -> str:
    """' Did you mean MONDO:0005178 (osteoarthritis)? MONDO identifiers have 7 digits.' or ''."""
    from evkg.terms.index import default_index

    if not isinstance(value, URIRef):
        return ""
    iri = padded_term(prop, value)
    if iri is None:
        return ""
    written, meant = _curie(str(value)), _curie(iri)
    said = f" Did you mean {meant} ({default_index().label(iri)})?"
    given, wanted = (re.fullmatch(r"(.*?)([0-9]+)", curie).groups() for curie in (written, meant))
    if given[0] == wanted[0] and len(given[1]) != len(wanted[1]):
        space = meant.partition(":")[0]
        said += (f" {written} has {len(given[1])} digits after '{given[0]}', where {space} identifiers have"
                 f" {len(wanted[1])}.")
    return said


@functools.lru_cache(maxsize=None)
def _stems(prop: str) -> tuple:
    """(IRI stem, letter) of each numbered ID space the property's patterns take: (…/obo/NCIT_, C)."""
    found = []
    for pattern in property_patterns(prop):
        text = pattern.pattern.replace("\\.", ".")
        found += re.findall(r"(https?://[A-Za-z0-9./#-]+_)([A-Z]?)\[0-9\]", text)
    return tuple(dict.fromkeys(found))


@functools.cache
def property_patterns(prop: str) -> tuple:
    """The patterns the shapes require of the property's values (sh:pattern on a shape with that path)."""
    from rdflib.namespace import SH

    from evkg.core import resources

    shapes = resources.shapes_graph()
    return tuple(re.compile(str(p)) for shape in shapes.subjects(SH.path, URIRef(prop))
                 for p in shapes.objects(shape, SH.pattern))


@functools.cache
def _compactor():
    from evkg.io.write import Compactor

    return Compactor()


def _curie(iri: str) -> str:
    return _compactor().curie(iri)


def padded_identifier(text: str) -> str | None:
    """The known term an identifier typed with its digits miscounted or its separator changed stands for
    (MONDO:005178, MONDO 0005178, mondo_0005178 for MONDO:0005178), as its IRI, or None."""
    from evkg.core.identifiers import identifier_stems
    from evkg.terms.index import default_index

    found = re.fullmatch(r"\s*([A-Za-z][A-Za-z0-9]*)\s*[:_ ]\s*([A-Za-z]?)([0-9]+)\s*", text)
    if not found:
        return None
    stems = {space.lower(): stem for space, stem in identifier_stems().items()}
    stem = stems.get(found.group(1).lower())
    if stem is None:
        return None
    index, number = default_index(), found.group(3).lstrip("0") or "0"
    for width in range(len(number), 11):
        iri = stem + found.group(2).upper() + number.zfill(width)
        if index.label(iri):
            return iri
    return None
