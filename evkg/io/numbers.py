"""Numbers no fact can take, refused at their line by the YAML and JSON readers: infinite or not a number (1e400,
NaN), and whole numbers with more digits than Python converts (sys.get_int_max_str_digits, 4,300 by default, a
guard against conversions that take quadratic time), which failed inside int(). The writers keep a typed one
of those as written."""
from __future__ import annotations

import math
import re
import sys

from evkg.core.errors import InputError, line_and_column

_WHOLE = re.compile(r"^[-+]?[0-9]+$")


class NumberTooLong(ValueError):
    """A whole number with more digits than int() converts."""

    hint = "No amount, count or measurement needs that many; check the value, or put it in quotes to keep it as text."

    def __init__(self, digits: int, limit: int):
        self.reason = f"holds a whole number of {digits:,} digits; evkg reads whole numbers of up to {limit:,} digits."
        super().__init__(self.reason)


def refuse_long_integer(text: str) -> None:
    """Raise NumberTooLong for the digits of a whole number that int() would refuse."""
    limit = sys.get_int_max_str_digits()
    digits = len(text) - (text[:1] in "+-")
    if limit and digits > limit and _WHOLE.match(text):
        raise NumberTooLong(digits, limit)


def whole_number_reader(text: str, source_name: str):
    """json.loads' parse_int for ``text``: a too-long whole number is an InputError at its line."""
    def whole(number: str) -> int:
        try:
            refuse_long_integer(number)
        except NumberTooLong as exc:
            line, column = line_and_column(text, max(text.find(number), 0))
            raise InputError(exc.reason, path=source_name, line=line, column=column, hint=exc.hint) from None
        return int(number)

    return whole


def finite_number_reader(text: str, source_name: str):
    """json.loads' parse_float and parse_constant for ``text``: an infinite number is an InputError at its line."""
    def finite(number: str) -> float:
        if not math.isfinite(float(number)):
            where = text.find(number)
            line = text.count("\n", 0, where) + 1 if where >= 0 else None
            raise InputError(f"holds the number {number}, a number out of range (infinite or not a number), "
                             "which no fact can take.", path=source_name, line=line,
                             hint="Write a finite number, e.g. 200 or 2.4e11.")
        return float(number)

    return finite
