"""Where a YAML syntax error is fixed, and what to do, in the words of someone who writes YAML by hand."""
from __future__ import annotations


def yaml_error_place(exc) -> tuple:
    """(mark, reason, hint) of a YAML error: a quote or bracket left open runs on to the end of the file, so
    its place is where it opens, not the end."""
    reason = (exc.problem or exc.context or "syntax error").strip().rstrip(".")
    opened = _OPENED.get((exc.context or "").strip())
    if opened and exc.context_mark and ("end of stream" in reason or "did not find expected ','" in reason):
        return exc.context_mark, f"the {opened[0]} that starts here is never closed", opened[1]
    return exc.problem_mark or exc.context_mark, reason, "Check the indentation (spaces, not tabs) and that each key ends with ':'."


_OPENED = {"while scanning a quoted scalar": ("quoted text", "End it with the same quote mark it starts with."),
           "while parsing a flow sequence": ("list in [ ]", "End the list with ]."),
           "while parsing a flow mapping": ("block in { }", "End the block with }.")}
