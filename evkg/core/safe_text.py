"""Text from a description made safe to show: every control or invisible formatting character as a visible escape.

A label, IRI, file name or value can hold characters a terminal or a page acts on instead of showing: ESC
sequences (clear a line, move the cursor, recolour), a carriage return (overwrite the line), a newline (start
a line that looks like the report's own, "Verdict: conforms"), right-to-left overrides and isolates
(U+202E, U+2066–2069: show text in another order than it is stored) and zero-width characters (U+200B: two
names that look the same but differ). Shown as ``\\x1b``, ``\\r``, ``\\n``, ``\\u202e``, ``\\u200b``, the
text cannot make a report say something it does not. JSON reports keep the exact value: JSON escapes it.
"""
from __future__ import annotations

import functools
import re
import unicodedata

# Categories escaped: controls (C0, DEL, C1), formatting characters (bidi controls, zero-width characters,
# the byte-order mark), line and paragraph separators, and lone surrogates (undecodable bytes).
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
# (str.isprintable() is False for every character of these categories: printable text needs no look at all.)
# Everything outside printable ASCII may need escaping; its category decides. What json.dumps(ensure_ascii=False)
# leaves raw starts at DEL (it escapes C0 itself, and a newline outside a string is the layout of the JSON text).
_CANDIDATES_FROM, _JSON_CANDIDATES_FROM = 0x00, 0x7F
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(character: str) -> str:
    if character in _SHORT:
        return _SHORT[character]
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _unsafe(character: str) -> bool:
    return unicodedata.category(character) in _ESCAPED_CATEGORIES


@functools.cache
def _escaped_ranges() -> tuple:
    """(first, last) code points of the runs of Basic Multilingual Plane characters whose category is escaped."""
    ranges, start = [], None
    for code in range(0x10001):
        unsafe = code < 0x10000 and unicodedata.category(chr(code)) in _ESCAPED_CATEGORIES
        if unsafe and start is None:
            start = code
        elif not unsafe and start is not None:
            ranges.append((start, code - 1))
            start = None
    return tuple(ranges)


@functools.cache
def _candidates(lowest: int) -> re.Pattern:
    """The characters from `lowest` up that may need escaping: those of the Basic Multilingual Plane whose
    category is escaped (listed once, in a few milliseconds) and every character past it (rare; its category
    is looked up when met). A report line is tens of kilobytes with dashes and accented names in it: matching
    only these spares a look-up for every other character outside ASCII."""
    runs = "".join(f"\\u{max(first, lowest):04x}-\\u{last:04x}" for first, last in _escaped_ranges()
                   if last >= lowest)
    return re.compile("[" + runs + "\\U00010000-\\U0010ffff]")


def visible(text) -> str:
    """One value on one line: every control and formatting character, newlines included, as an escape."""
    text = str(text)
    if text.isprintable():
        return text
    return _candidates(_CANDIDATES_FROM).sub(lambda m: _escape(m.group()) if _unsafe(m.group()) else m.group(),
                                             text)


def visible_lines(text) -> str:
    """A message that may span lines: as `visible`, but its newlines and tabs kept."""
    text = str(text)
    if text.isprintable():
        return text
    return _candidates(_CANDIDATES_FROM).sub(lambda m: m.group() if m.group() in "\n\t" or not _unsafe(m.group())
                          else _escape(m.group()), text)


_TAG_OPENER = re.compile(r"<(?!https?://[^\s<>]*>)")


def markdown_inert(text: str) -> str:
    """Text for a Markdown report that a renderer shows, never obeys: a '<' that does not open an http(s)
    link is written &lt; (a description's label "<script>…" or "<img onerror=…>" is no HTML; neither is
    <javascript:…> a link), and "](" is escaped so that "[see](javascript:…)" or "![](http://tracker)" is no
    link or image."""
    return _TAG_OPENER.sub("&lt;", text).replace("](", "\\](")


def markdown_code_span(text: str) -> str:
    """Text as a Markdown code span that a backtick in it cannot close early."""
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if len(fence) > 1 else f"`{text}`"


def shortened(text: str, limit: int = 80) -> str:
    """Text to quote back in a message, cut to `limit` characters: a pasted page is not echoed back whole."""
    return text if len(text) <= limit else text[:limit - 3] + "..."


def json_visible(json_text: str) -> str:
    """JSON text with the characters `json.dumps(ensure_ascii=False)` leaves raw (formatting characters, C1
    controls, separators) written as \\u escapes: the same values when read, nothing invisible when shown."""
    def escape(match) -> str:
        character = match.group()
        if not _unsafe(character):
            return character
        code = ord(character)
        if code < 0x10000:
            return f"\\u{code:04x}"
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"

    if json_text.isprintable():         # nothing escaped is printable: skip the scan (a product line is ~45 KB)
        return json_text
    return _candidates(_JSON_CANDIDATES_FROM).sub(escape, json_text)


def ascii_name(name: str) -> str:
    """A name of the vocabulary as written, with every character outside ASCII as an escape (\\u043e): evkg's
    names are ASCII, so a letter of another script that looks like a Latin one shows as what it is."""
    return re.sub(r"[^\x20-\x7e]", lambda m: _escape(m.group()), name)


def look_alike_note(name: str) -> str:
    """For a name holding characters outside ASCII, a sentence naming them; '' for an ASCII name."""
    foreign = sorted({c for c in name if not " " <= c <= "~"})
    if not foreign:
        return ""
    named = ", ".join(f"{_escape(c)} ({unicodedata.name(c, 'an unnamed character')})" for c in foreign)
    kinds = {unicodedata.category(c) for c in foreign}
    looks = {frozenset({"Zs"}): "an ordinary space", frozenset({"Cf"}): "nothing",
             frozenset({"Zs", "Cf"}): "a space or nothing"}.get(frozenset(kinds), "a Latin letter")
    return (f" The name written, {ascii_name(name)}, holds {named}, which may look like {looks} but is "
            "not one; evkg names are written in Latin letters and digits only.")


# characters that look like a space (or like nothing) but are not one to YAML or JSON: pasted from a word
# processor or a web page
LOOK_ALIKE_SPACES = {"\u00a0": "a non-breaking space (U+00A0)", "\u202f": "a narrow non-breaking space (U+202F)",
                     "\u2007": "a figure space (U+2007)", "\u2009": "a thin space (U+2009)",
                     "\u3000": "an ideographic space (U+3000)", "\u200b": "a zero-width space (U+200B)",
                     "\ufeff": "a zero-width no-break space (U+FEFF)"}
