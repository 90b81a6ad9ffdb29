"""The lexical spaces of the XSD datatypes SPARQL 1.1 knows: a literal outside its datatype's space is
ill-typed (SHACL 4.1.1), and no rule can read it ("no"^^xsd:boolean is neither true nor false).

Shared by the validator, which reports such a value, and the classifier, which must not take it for a stated
fact. The patterns have no look-ahead: Oxigraph's regex() has none, and the validator runs them in SPARQL.
"""
from __future__ import annotations

import functools
import re

XSD = "http://www.w3.org/2001/XMLSchema#"

LEXICAL_SPACES = {
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "nonNegativeInteger": r"^(\+?[0-9]+|-0+)$",
    XSD + "positiveInteger": r"^\+?0*[1-9][0-9]*$",
    XSD + "int": r"^[+-]?[0-9]+$",
    XSD + "long": r"^[+-]?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD + "double": r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD + "float": r"^([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?|[+-]?INF|NaN)$",
    XSD + "date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "dateTime": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "duration": r"^-?P(([0-9]+Y([0-9]+M)?([0-9]+D)?|[0-9]+M([0-9]+D)?|[0-9]+D)(T([0-9]+H([0-9]+M)?([0-9]+(\.[0-9]+)?S)?"
                      r"|[0-9]+M([0-9]+(\.[0-9]+)?S)?|[0-9]+(\.[0-9]+)?S))?|T([0-9]+H([0-9]+M)?([0-9]+(\.[0-9]+)?S)?"
                      r"|[0-9]+M([0-9]+(\.[0-9]+)?S)?|[0-9]+(\.[0-9]+)?S))$",
}


@functools.lru_cache(maxsize=None)
def _pattern(datatype: str):
    lexical = LEXICAL_SPACES.get(datatype)
    return re.compile(lexical) if lexical else None


def well_formed(datatype: str, text: str) -> bool:
    """Whether `text` is in the lexical space of `datatype` (an IRI); True for a datatype not listed here."""
    pattern = _pattern(datatype)
    return pattern is None or pattern.search(text) is not None
