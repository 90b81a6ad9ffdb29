"""Numbers and durations written as people write them: a decimal comma (1,5) where a number is needed, and a
duration in words (12 months, 1 year) where ISO 8601 (P12M, P1Y) is: the finding gives the value to write."""
from __future__ import annotations

import re

from rdflib import Literal
from rdflib.namespace import XSD

_NUMERIC = {XSD.decimal, XSD.double, XSD.float, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger}
_UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y"}


def number_hint(prop, value) -> str:
    """' Write it as P12M.' for a duration in words, ' Write it as 1.5 …' for a decimal comma, or ''."""
    if not isinstance(value, Literal):
        return ""
    text = str(value).strip()
    if value.datatype == XSD.duration:
        found = re.match(r"(\d+)\s*(day|week|month|year)s?\b", text, re.IGNORECASE)
        if found:
            written = f"P{found[1]}{_UNITS[found[2].lower()]}"
            rest = text[found.end():].strip(" ,;")
            if not rest:
                return f" Write it as {written}."
            cold = re.search(r"-?\d+\s*°?\s*C\b|°|froz|refrig", rest, re.IGNORECASE)  # a temperature: how it is kept
            return f" Write it as {written}, and give the rest ({rest}) " + (
                "as the storage condition (storageCondition)." if cold else "in a note of its own.")
        return ""
    if value.datatype in _NUMERIC and (found := re.fullmatch(r"(\d+),(\d+)", text)):
        if len(found[2]) == 3:
            return (f" Write {found[1]}{found[2]} if the comma separates thousands, or {found[1]}.{found[2]} if it"
                    " is a decimal comma: numbers take no thousands separator and a decimal point.")
        return f" Write it as {found[1]}.{found[2]}, with a decimal point."
    return ""
