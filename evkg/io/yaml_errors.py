"""Where a YAML syntax error is fixed, and what to do, in the words of someone who writes YAML by hand."""
from __future__ import annotations

from evkg.core.safe_text import LOOK_ALIKE_SPACES

MAX_DEPTH = 64          # levels of lists and objects a description (YAML or JSON) may nest


class _Place:
    def __init__(self, line: int, column: int):
        self.line, self.column = line, column


def _odd_space(exc, text: str):
    """(mark, reason, hint) when a line the error names holds a space YAML does not take for one."""
    lines = text.splitlines()
    for mark in (exc.problem_mark, exc.context_mark):
        if mark is None:
            continue
        for number in (mark.line,):
            if 0 <= number < len(lines):
                found = next(((i, c) for i, c in enumerate(lines[number]) if c in LOOK_ALIKE_SPACES), None)
                if found:
                    return _Place(number, found[0]), f"this line holds {LOOK_ALIKE_SPACES[found[1]]}, which looks like a " \
                        "space but is not one to YAML", ("Replace it with an ordinary space (text copied from a "
                                                         "word processor or a web page often brings them).")
    return None


def yaml_error_place(exc, text: str = "") -> tuple:
    """(mark, reason, hint) of a YAML error: a quote or bracket left open runs on to the end of the file, so
    its place is where it opens, not the end; the parser's words for a misplaced line are told as the
    indentation or spacing that causes them; a pasted space that is not one is named as such."""
    odd = _odd_space(exc, text) if text else None
    if odd:
        return odd
    reason = (exc.problem or exc.context or "syntax error").strip().rstrip(".")
    context = (exc.context or "").strip()
    opened = _OPENED.get(context)
    if opened and exc.context_mark and ("end of stream" in reason or "did not find expected ','" in reason):
        return exc.context_mark, f"the {opened[0]} that starts here is never closed", opened[1]
    if reason == "could not find expected ':'" and context == "while scanning a simple key" and exc.context_mark:
        # the parser stops on the next line; the key without ': ' is where it started
        return exc.context_mark, "this line is neither a key with its value nor part of the value above", \
            "Write a key, a colon and a space before the value (`cellContent: NoCells`, not `cellContent:NoCells`)."
    if reason == "mapping values are not allowed in this context":
        return exc.problem_mark or exc.context_mark, "this ':' cannot start a key here", \
            ("Line the key up with the other keys of its block (the same number of spaces before it); a line "
             "indented further than the key above it is read as part of that key's value. If the value itself "
             "holds ': ', put the value in quotes.")
    if reason == "did not find expected '-' indicator" and exc.context_mark:
        start = exc.context_mark.line + 1
        return exc.problem_mark or exc.context_mark, f"this line does not line up with the list that starts at " \
            f"line {start}", \
            ("A line of a list item is indented as far as the item's first key (the text after '- '); a new "
             "item starts with '- ' in the same column as the others; a key of the block that holds the list "
             "is indented as far as the list's own key.")
    if "maximum nesting depth" in reason:
        # the reader's own limit (1,000 levels of [ or {), met before evkg's (64) in a flow written on one line
        return exc.problem_mark or exc.context_mark, f"its lists and blocks are nested more than {MAX_DEPTH} " \
            "levels deep", "A description needs only a few levels; check the [ and { brackets of this line."
    return exc.problem_mark or exc.context_mark, reason, "Check the indentation (spaces, not tabs) and that each key ends with ':'."


_OPENED = {"while scanning a quoted scalar": ("quoted text", "End it with the same quote mark it starts with."),
           "while parsing a flow sequence": ("list in [ ]", "End the list with ]."),
           "while parsing a flow mapping": ("block in { }", "End the block with }.")}
