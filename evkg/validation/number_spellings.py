"""Numbers and durations written as people write them: a decimal comma (1,5) where a number is needed, and a
duration in words (12 months, 1 year) where ISO 8601 (P12M, P1Y) is: the finding gives the value to write."""
from __future__ import annotations

import functools
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


# a number as a lab writes it: 2 x 10^9, 2×10⁹, 2*10**9, 2E9, 1.5e10; then perhaps its unit (120 nm, 5 µg)
_NUMBER_AND_UNIT = re.compile(r"\s*(?P<mantissa>[-+]?\d+(?:[.,]\d+)?)"
                              r"(?:\s*[x×X*·]\s*10\s*(?:\^|\*\*)\s*(?P<power>[-−+]?\d+)|[eE](?P<e>[-+]?\d+))?"
                              r"(?:\s*(?P<unit>[^\d\s].*?))?\s*")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
# evkg units by the symbols and words a lab writes for them (the other scales are in evkg.validation.unit_spellings)
_UNIT_WORDS = {"nm": "Nanometre", "nanometre": "Nanometre", "nanometer": "Nanometre", "ml": "Millilitre",
               "millilitre": "Millilitre", "milliliter": "Millilitre", "ug": "Microgram", "microgram": "Microgram",
               "particle": "Particles", "particles": "Particles", "p": "Particles", "cell": "Cells", "cells": "Cells",
               "ev": "Particles", "evs": "Particles", "vesicles": "Particles"}


def number_with_unit_hint(prop, value) -> str:
    """' Write the number alone (120) and the unit on its own (evkg:unit evkg:Nanometre).' for a number written
    with its unit, ' Write it as 2.0e9.' for a power of ten written as people write it, or ''."""
    if not isinstance(value, Literal) or not (value.datatype in _NUMERIC or _takes_a_number(prop)):
        return ""
    text = re.sub(r"[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "^" + m.group(0).translate(_SUPERSCRIPTS), str(value))
    found = _NUMBER_AND_UNIT.fullmatch(text)
    if not found:
        return ""
    exponent = (found["power"] or found["e"] or "").replace("−", "-").lstrip("+")
    mantissa = found["mantissa"].lstrip("+")
    if "," in mantissa:        # a decimal comma (1,5 nm), not a number followed by a unit ",5 nm"
        if len(mantissa.partition(",")[2]) == 3 or not (exponent or found["unit"]):
            return ""          # 1,000 may be a thousand: number_hint asks which; 1,5 alone: number_hint says 1.5
        mantissa = mantissa.replace(",", ".")
    written = f"{mantissa if '.' in mantissa else mantissa + '.0'}e{exponent}" if exponent else mantissa
    unit = (found["unit"] or "").strip()
    if not unit:
        return f" Write it as {written}." if exponent else ""
    if (local := str(prop).rpartition("#")[2]) in _COUNTED_IN:
        return _counted_in_hint(local, mantissa, exponent, written, unit)
    evkg_unit, factor = _evkg_unit(unit)
    if evkg_unit is None:
        return f" Write the number alone ({written}) and give its unit on its own, in evkg:unit."
    if factor == 1:
        return f" Write the number alone ({written}) and the unit on its own (evkg:unit evkg:{evkg_unit})."
    from decimal import Decimal

    scaled = _as_written(Decimal(mantissa) * Decimal(10) ** int(exponent or 0) * Decimal(str(factor)))
    return (f" Write the number alone and the unit on its own, in an evkg unit: {str(value).strip()} is {scaled} in "
            f"evkg:{evkg_unit} (evkg:value {scaled}, evkg:unit evkg:{evkg_unit}).")


# numbers whose unit is fixed by their property, which has no unit beside it: a cut-off in nanometres, a length in
# amino acids, a loading efficiency in percent, the place of a step
_COUNTED_IN = {"sizeCutoffNm": ("Nanometre", "is in nanometres"), "lengthAminoAcids": (None, "counts amino acids"),
               "minimumLengthAminoAcids": (None, "counts amino acids"), "loadingEfficiency": (None, "is in percent"),
               "stepOrder": (None, "is a place in the order of steps")}


def _counted_in_hint(local: str, mantissa: str, exponent: str, written: str, unit: str) -> str:
    """What to write for a number given with a unit where the property itself fixes the unit: the number alone, in
    the property's unit (0.2 µm for a cut-off in nanometres is 200), never a unit beside it."""
    evkg_unit, counts = _COUNTED_IN[local]
    if evkg_unit is not None:
        unit_found, factor = _evkg_unit(unit)
        if unit_found == evkg_unit and factor != 1:
            from decimal import Decimal

            scaled = _as_written(Decimal(mantissa) * Decimal(10) ** int(exponent or 0) * Decimal(str(factor)))
            return (f" evkg:{local} {counts}: {mantissa}{'e' + exponent if exponent else ''} {unit} is {scaled}, so"
                    f" write the number alone ({scaled}), with no unit beside it.")
        if unit_found != evkg_unit:
            return f" evkg:{local} {counts}: write the number alone, converted to them, with no unit beside it."
    return f" Write the number alone ({written}): evkg:{local} {counts} and takes no unit beside it."


def _evkg_unit(written: str) -> tuple[str | None, float]:
    from evkg.validation.unit_spellings import _SCALES

    key = re.sub(r"\s+", "", written.replace("µ", "u").replace("μ", "u").casefold()).rstrip(".")
    key = key.replace("per", "/") if key.startswith(("particles", "p")) and "per" in key else key
    if key in _UNIT_WORDS:
        return _UNIT_WORDS[key], 1
    if key.rstrip("s") in _UNIT_WORDS:
        return _UNIT_WORDS[key.rstrip("s")], 1
    if key in _SCALES:
        return _SCALES[key][0], _SCALES[key][2]
    return None, 1


def _as_written(number) -> str:
    """A Decimal as a description writes it: 150000, 0.5, or 2.0e12 for a large or small one."""
    if number == number.to_integral_value() and abs(number) < 10 ** 7:
        return str(int(number))
    if 10 ** -3 <= abs(number) < 10 ** 7:
        return format(number.normalize(), "f")
    mantissa, _, exponent = f"{float(number):.6e}".partition("e")
    mantissa = mantissa.rstrip("0")
    return f"{mantissa}0e{int(exponent)}" if mantissa.endswith(".") else f"{mantissa}e{int(exponent)}"


@functools.cache
def _numeric_properties() -> frozenset:
    """The properties the shapes give a numeric datatype (evkg:value, evkg:sizeCutoffNm …)."""
    from rdflib.namespace import SH

    from evkg.core import resources

    shapes = resources.shapes_graph()
    found = set()
    for shape, prop in shapes.subject_objects(SH.path):
        types = {shapes.value(shape, SH.datatype)}
        for options in shapes.objects(shape, SH["or"]):
            types.update(shapes.value(o, SH.datatype) for o in shapes.items(options))
        if types & _NUMERIC:
            found.add(prop)
    return frozenset(found)


def _takes_a_number(prop) -> bool:
    return prop in _numeric_properties()
