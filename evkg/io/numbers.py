"""Numbers no fact can take, refused at their line by the YAML and JSON readers: infinite or not a number (1e400,
NaN), and whole numbers with more digits than Python converts (sys.get_int_max_str_digits, 4,300 by default, a
guard against conversions that take quadratic time), which failed inside int(). The writers keep a typed one
of those as written. A number with a fraction or an exponent keeps the text it was written as (WrittenNumber), so
a decimal fact is recorded with every digit written, and one a float rounds to zero (1e-400) is refused."""
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


class WrittenNumber(float):
    """A float that remembers its text: a float holds about 17 digits, so 12345678901234567.89 was recorded as
    12345678901234568.0 and 0.30000000000000000001 as 0.3."""

    __slots__ = ("text",)

    def __new__(cls, text: str):
        number = super().__new__(cls, text)
        number.text = text
        return number


def vanishes(text: str, number: float) -> bool:
    """Whether a number written with a non-zero digit before its exponent became 0.0 as a float (1e-400)."""
    return number == 0 and any(c in "123456789" for c in re.split(r"[eE]", text, maxsplit=1)[0])


TOO_SMALL_HINT = "Check the value, or write it in a larger unit."


def shown_number(text: str, limit: int = 40) -> str:
    """A number as quoted back in a message: a thousand digits are cut, with how many there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit - 12]}...{text[-6:]} ({len(text):,} characters)"


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
            raise InputError(f"holds the number {shown_number(number)}, a number out of range (infinite or not a number), "
                             "which no fact can take.", path=source_name, line=line,
                             hint="Write a finite number, e.g. 200 or 2.4e11.")
        written = WrittenNumber(number)
        if vanishes(number, written):
            line, column = line_and_column(text, max(text.find(number), 0))
            raise InputError(f"holds the number {shown_number(number)}, too close to zero for evkg to hold (it would be recorded "
                             "as 0).", path=source_name, line=line, column=column, hint=TOO_SMALL_HINT)
        return written

    return finite
