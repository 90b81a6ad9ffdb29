"""Several values of a closed list written as one text (`Treatment, Regenerative`, a bulleted list pasted from
a word processor, a list item indented too far): the finding on that text names the values it holds and how to
give each on its own."""
from __future__ import annotations

import functools
import re

from rdflib import Literal, URIRef
from rdflib.namespace import SH

# commas, semicolons, slashes, list bullets, line breaks, " - " (a misindented YAML list item), " and ", " + "
_SEPARATOR = re.compile(r"\s*(?:[,;/\n•·▪◦‣●]|\s-\s|\s\+\s|\band\b|&)\s*")


def several_values_hint(prop, value) -> str:
    """' The text names several values …' when `value` is text on a closed-list property and each part of it
    names exactly one value of the list; '' otherwise."""
    from evkg.core.namespaces import EVKG
    from evkg.io.context import closed_list_names, loosely_named

    if not isinstance(value, Literal) or not isinstance(prop, URIRef) or not str(prop).startswith(str(EVKG)):
        return ""
    names = closed_list_names(str(prop))
    if not names:
        return ""
    parts = [p.strip(" -*•") for p in _SEPARATOR.split(str(value).strip(" -*•\n"))]
    parts = [p for p in parts if p]
    if len(parts) < 2:
        return ""
    found = []
    for part in parts:
        matches = loosely_named(part, names)
        if len(matches) != 1:
            return ""
        found.append(matches[0])
    found = list(dict.fromkeys(found))
    key = str(prop)[len(str(EVKG)):]
    listed = ", ".join(found)
    if _takes_one(str(prop)):
        return (f" The text names several values ({listed}), but {key} takes one: keep the one that applies, "
                f"e.g. `{key}: {found[0]}`.")
    return (f" The text names several values in one ({listed}): give each on its own, as a list, "
            f"`{key}: [{listed}]` (or one per line under `{key}:`, each starting with '- ' at the same indentation).")


@functools.cache
def _takes_one(prop: str) -> bool:
    from evkg.core import resources

    shapes = resources.shapes_graph()
    return any(int(shapes.value(shape, SH.maxCount)) <= 1
               for shape in shapes.subjects(SH.path, URIRef(prop)) if shapes.value(shape, SH.maxCount) is not None)


def close_value_hint(prop, value, message: str) -> str:
    """' Did you mean evkg:SmallEV?' for text on a closed-list property that is close to one value of its list
    (`particleKind: small EVs`), when the message does not already offer one; '' otherwise."""
    from evkg.core.namespaces import EVKG
    from evkg.io.context import closed_list_names
    from evkg.validation.terms import closest_evkg_names

    if ("Did you mean" in message or not isinstance(value, Literal) or not isinstance(prop, URIRef)
            or not str(prop).startswith(str(EVKG)) or not closed_list_names(str(prop))):
        return ""
    close = closest_evkg_names(str(value).strip(), prop)
    return (" Did you mean " + " or ".join(close) + "?") if close else ""


_YES, _NO = {"yes", "y", "on"}, {"no", "n", "off"}


def yes_no_hint(prop, value) -> str:
    """' For "no", write false.' for a yes/no word on a true/false property: YAML 1.2 reads `no` as a word, and the
    message of the check speaks only of "text such as \"yes\""."""
    from rdflib.namespace import RDFS, XSD

    from evkg.core import resources

    word = str(value).strip().lower() if isinstance(value, Literal) else ""
    if word not in _YES | _NO or not isinstance(prop, URIRef):
        return ""
    if resources.ontology_graph().value(prop, RDFS.range) != XSD.boolean:
        return ""
    return f' For "{str(value).strip()}", write {"true" if word in _YES else "false"}.'


def listed_values_hint(predicate, term) -> str:
    """The values a property takes when they are evkg's data rather than terms of its vocabulary (a jurisdiction:
    EU, KR or US), named all, for a value written in their place; empty for any other property."""
    from evkg.io.context import listed_data_names

    listed = listed_data_names(str(predicate)) if term != predicate else ()
    if not listed:
        return ""
    return f" {str(predicate).rsplit('#', 1)[-1]} takes {', '.join(listed[:-1])} or {listed[-1]}."
