"""What a JSON-LD reader would fail on or drop without a word, refused first and named.

Term definitions of a @context that refer to one another: a loop ("a": "b", "b": "a", or "a": "a:x") never
reaches an IRI, and a chain of hundreds of terms exhausts the reader's recursion ("maximum recursion depth
exceeded" was all it said). An @id or @type holding a space ("evkg:EV Preparation") is no IRI: the reader
dropped the node's type, or the whole node, silently.
"""
from __future__ import annotations

import re

from evkg.core.errors import InputError

MAX_TERM_CHAIN = 64       # terms defined through other terms, one after another (as many as nesting levels)


def refuse_term_loops(document, source_name: str, positions=None) -> None:
    """Raise InputError for a context in `document` whose terms refer to one another in a loop or in a chain
    longer than MAX_TERM_CHAIN. `positions`: (id(dict), key) -> (line, column), to say where."""
    for context in _contexts(document):
        for term in context:
            if term.startswith("@"):
                continue
            chain = [term]
            while True:
                following = _refers_to(context, chain[-1])
                if following is None:
                    break
                if following in chain:
                    loop = chain[chain.index(following):] + [following]
                    shown = " → ".join(repr(t) for t in loop)
                    raise InputError(f"defines terms of its JSON-LD @context through one another in a loop "
                                     f"({shown}), so none of them stands for an IRI.", path=source_name,
                                     **_where(positions, context, term),
                                     hint=f"Give {loop[0]!r} a full IRI (\"{loop[0]}\": \"https://example.org/"
                                          f"{loop[0]}\") or a CURIE whose prefix is defined by an IRI.")
                chain.append(following)
                if len(chain) > MAX_TERM_CHAIN:
                    raise InputError(f"defines the JSON-LD term {term!r} through a chain of more than "
                                     f"{MAX_TERM_CHAIN} other terms ({chain[0]!r} → {chain[1]!r} → … → "
                                     f"{chain[-1]!r}), more than evkg follows.", path=source_name,
                                     **_where(positions, context, term),
                                     hint="Define each term by its full IRI, or by a CURIE whose prefix is "
                                          "defined by an IRI.")


def _refers_to(context: dict, term: str) -> str | None:
    """The other term of `context` that `term`'s definition is written with: its value or @id as a term, or
    the prefix of its CURIE; None when it is an IRI, a keyword or not a term of this context."""
    definition = context.get(term)
    if isinstance(definition, dict):
        definition = definition.get("@id", definition.get("@reverse"))
    if not isinstance(definition, str) or definition.startswith("@"):
        return None
    if definition in context and definition != term:
        return definition
    prefix, colon, rest = definition.partition(":")
    if colon and not rest.startswith("//") and prefix in context:
        return prefix
    return None


def _contexts(document):
    """Every @context object in the document (the items of an array merged, later ones winning), scoped
    contexts inside term definitions included."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context":
                    items = value if isinstance(value, list) else [value]
                    merged = {}
                    for item in items:
                        if isinstance(item, dict):
                            merged.update(item)
                    if merged:
                        yield _Context(merged, items)
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


class _Context(dict):
    """A merged context that remembers the objects it was merged from, to find where a term was written."""

    def __init__(self, merged: dict, items: list):
        super().__init__(merged)
        self.items = [i for i in items if isinstance(i, dict)]


def _where(positions, context: _Context, term: str) -> dict:
    if not positions:
        return {}
    for item in reversed(context.items):
        place = positions.get((id(item), term))
        if place:
            return {"line": place[0], "column": place[1]}
    return {}


_NOT_IN_AN_IRI = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]')


def refuse_unreadable_ids(document, source_name: str, positions=None) -> None:
    """Raise InputError for an @id or @type value holding a space or a character no IRI holds."""
    from evkg.core.safe_text import shortened, visible

    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                written = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
                bad = next((v for v in written if _NOT_IN_AN_IRI.search(v)), None) if key in ("@id", "@type") \
                    else None
                if bad is not None:
                    place = (positions or {}).get((id(node), key))
                    what = "node name (@id)" if key == "@id" else "type (@type)"
                    raise InputError(f"gives a {what} the value {shortened(visible(repr(bad)), 80)}, which holds a "
                                     "space or a character no IRI holds, so a JSON-LD reader would drop it without "
                                     "a word.", path=source_name,
                                     **({"line": place[0], "column": place[1]} if place else {}),
                                     hint="Write it as one name without spaces (evkg:EVPreparation, "
                                          "product:knee-ev), or percent-encode the character (%20 for a space).")
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
