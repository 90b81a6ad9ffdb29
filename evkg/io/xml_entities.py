"""The defences of the RDF/XML reader against XML entities: an external entity or DTD is never read (it would
fetch a file or an address), and internal entities, allowed as abbreviations, may not be built of other entities or
expand to more text than the file holds ("billion laughs")."""
from __future__ import annotations

import re

from evkg.core.errors import InputError, line_and_column

_ENTITY = re.compile(r"<!ENTITY\s+%?\s*[\w.-]+\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_DOCTYPE_EXTERNAL = re.compile(r"<!DOCTYPE\s+[\w:.-]+\s+(SYSTEM|PUBLIC)\b", re.IGNORECASE)
_ANY_ENTITY = re.compile(r"<!ENTITY\s+(%\s*)?([\w.:-]+)\s*(\"[^\"]*\"|'[^']*')?", re.IGNORECASE)


def refuse_external_entities(text: str, source_name: str) -> None:
    match = _ENTITY.search(text)
    if match:
        line = text.count("\n", 0, match.start()) + 1
        raise InputError("declares an external XML entity, which evkg never resolves.", path=source_name,
                         line=line, hint="Remove the <!ENTITY … SYSTEM/PUBLIC …> declaration.")
    match = _DOCTYPE_EXTERNAL.search(text)
    if match:
        raise InputError("refers to an external DTD, which evkg never reads.", path=source_name,
                         line=line_and_column(text, match.start())[0],
                         hint="Remove the SYSTEM/PUBLIC part of the <!DOCTYPE …> line.")


def refuse_entity_expansion(text: str, source_name: str, size: int) -> None:
    """Internal entities are allowed as plain abbreviations (as ontology editors write namespace IRIs), but
    never one made of other entities ("billion laughs"), never parameter entities, and never more expanded
    text than the file itself holds: the total is computed here, before any parser expands anything."""
    values: dict[str, str] = {}
    for match in _ANY_ENTITY.finditer(text):
        line = line_and_column(text, match.start())[0]
        percent, name, quoted = match.groups()
        if percent or quoted is None:
            raise InputError("declares a parameter or unreadable XML entity, which evkg does not expand.",
                             path=source_name, line=line, hint="Write the values out in full instead.")
        value = quoted[1:-1]
        if "&" in value or "%" in value:
            raise InputError(f"declares the XML entity {name!r} in terms of other entities; nested entities "
                             "can expand without bound, so evkg refuses them.", path=source_name, line=line,
                             hint="Write the value out in full instead of referring to other entities.")
        values[name] = value
    if not values:
        return
    expanded = 0
    for match in re.finditer(r"&([\w.:-]+);", text):
        expanded += len(values.get(match.group(1), ""))
    if expanded > max(size, 1 << 20):
        raise InputError(f"would expand its XML entities to {expanded:,} characters, far more than the file "
                         f"holds ({size:,} bytes); evkg refuses such files.", path=source_name,
                         hint="Write the values out in full instead of using entities.")
