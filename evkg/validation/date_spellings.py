"""A date written as people write it (12/03/2025, 12 March 2025, 2025/03/12) where YYYY-MM-DD is needed: the
finding on it gives the date to write, or both readings when the day and the month could be either."""
from __future__ import annotations

import datetime
import re

from rdflib import Literal
from rdflib.namespace import XSD

_MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for name in names}


def date_hint(prop, value) -> str:
    """' Write it as 2025-03-12.' or the two readings of an ambiguous date, or ''."""
    if not (isinstance(value, Literal) and value.datatype == XSD.date):
        return ""
    text = str(value).strip()
    readings = _readings(text)
    if len(readings) == 1:
        return f" Write it as {readings[0]}."
    if len(readings) == 2:
        return (f" {text} is {readings[0]} if the day comes first and {readings[1]} if the month does: write the "
                "one you mean as YYYY-MM-DD.")
    if re.fullmatch(r"(?i)[a-z]+\.? \d{4}|\d{4}[-/.]\d{1,2}", text):
        return " A date needs the day as well as the month and the year (YYYY-MM-DD)."
    return ""


def _readings(text: str) -> list[str]:
    """The dates (YYYY-MM-DD) the text can stand for, day-first reading first."""
    found = []
    if m := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text):
        found = [(m[1], m[2], m[3])]
    elif m := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        found = [(m[3], m[2], m[1]), (m[3], m[1], m[2])]
    elif m := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?\.? ([A-Za-z]+)\.?,? (\d{4})", text):
        found = [(m[3], _MONTHS.get(m[2].lower()), m[1])]
    elif m := re.fullmatch(r"([A-Za-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})", text):
        found = [(m[3], _MONTHS.get(m[1].lower()), m[2])]
    dates = []
    for year, month, day in found:
        try:
            written = datetime.date(int(year), int(month or 0), int(day)).isoformat()
        except ValueError:
            continue
        if written not in dates:
            dates.append(written)
    return dates
