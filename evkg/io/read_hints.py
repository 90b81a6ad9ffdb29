"""What to tell a person whose file could not be read: the prefix line a Turtle file lacks, and that a
spreadsheet or document is not a description."""
from __future__ import annotations

import re

# files people keep product facts in that are not descriptions: said so, rather than "rename the file"
NOT_DESCRIPTIONS = {".csv": "a table (CSV)", ".tsv": "a table (TSV)", ".xlsx": "a spreadsheet",
                    ".xls": "a spreadsheet", ".ods": "a spreadsheet", ".docx": "a word-processor document",
                    ".doc": "a word-processor document", ".pdf": "a PDF document", ".txt": "plain text"}


def prefix_hint(reason: str) -> str:
    """For a prefix evkg knows but the file does not declare, the line that declares it."""
    found = re.search(r'Prefix "([A-Za-z][\w.-]*):" not bound', reason)
    if not found:
        return ""
    from evkg.core.namespaces import PREFIXES
    from evkg.io.context import bundled_context

    known = {**{k: v for k, v in bundled_context()["@context"].items() if isinstance(v, str) and k[:1] != "@"},
             **{k: v["@id"] for k, v in bundled_context()["@context"].items()
                if isinstance(v, dict) and v.get("@prefix") and isinstance(v.get("@id"), str)}, **PREFIXES}
    iri = known.get(found.group(1))
    if not iri or iri.startswith("@"):             # `id:`, `type:`: keywords of the YAML form, not prefixes
        return ""
    return f"Declare the prefix at the top of the file: @prefix {found.group(1)}: <{iri}> ."


def too_deep_to_read(format_name: str) -> tuple[str, str]:
    """(reason, hint) for a file whose reader went deeper than Python allows; in JSON-LD, after the nesting
    check, that is terms of @context objects defined through one another (across nested contexts)."""
    if format_name == "JSON-LD":
        return ("could not be read as JSON-LD: its @context terms are defined through one another more deeply "
                "than evkg follows (a loop, or a long chain, across nested @context objects).",
                "Define each term of your @context by its full IRI, or by a CURIE whose prefix is defined by "
                "an IRI.")
    return (f"is structured too deeply to read as {format_name}.",
            "Describe deep structures with named nodes instead of nesting them.")
