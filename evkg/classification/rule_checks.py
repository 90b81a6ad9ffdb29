"""Rules from a user's rule file that no engine could run, or that would reach beyond the products checked, are
refused before any product is checked, naming the file and the rule: nested deeper than Oxigraph's parser
survives, not a readable SPARQL CONSTRUCT, or calling a remote endpoint (SERVICE)."""
from __future__ import annotations

import re


def refuse_deep_rule(construct: str, rule_id: str, origin: str | None) -> None:
    """A rule nested deeper than Oxigraph's parser survives is refused with the file and rule named."""
    from evkg.core.errors import InputError, UsageError
    from evkg.core.sparql_nesting import refuse_deep_nesting

    try:
        refuse_deep_nesting(construct)
    except UsageError as exc:
        raise InputError(f"rule {rule_id}: {exc}", path=origin or "the bundled rules",
                         hint="Split the rule's groups, or write its alternatives as separate rules.") from None


def refuse_unreadable_rule(construct: str, prefixes: str, rule_id: str, origin: str) -> None:
    """A rule of a user's rule file that is not a readable SPARQL CONSTRUCT with a WHERE clause is refused with
    the file, the rule and the place in its query, before any product is checked."""
    import pyoxigraph as ox

    from evkg.core.errors import InputError

    hint = "Write the rule's sh:construct as CONSTRUCT { … } WHERE { … } (see 'Rule sets' in docs/rules.md)."
    refuse_remote_pattern(construct, f"rule {rule_id}: its sh:construct", origin)
    try:
        answer = ox.Store().query(prefixes + construct.replace("$this", "?this"))
    except SyntaxError as exc:
        where = re.search(r"error at (\d+):(\d+)", str(exc))
        reason = str(exc).split(": ", 1)[-1] if where else str(exc)
        place = (f" at line {int(where.group(1)) - prefixes.count(chr(10))}, column {where.group(2)} of its query"
                 if where else "")
        raise InputError(f"rule {rule_id}: its sh:construct is not valid SPARQL{place} ({reason}).",
                         path=origin, hint=hint) from None
    if not isinstance(answer, ox.QueryTriples) or not re.search(r"\bWHERE\s*\{", construct, re.IGNORECASE):
        raise InputError(f"rule {rule_id}: its sh:construct is not a CONSTRUCT query with a WHERE clause.",
                         path=origin, hint=hint)


# SERVICE as a keyword, not as the local part of a prefixed name (ex:SERVICE)
_SERVICE = re.compile(r"(?i)(?<![\w:.?$-])SERVICE\b")


def refuse_remote_pattern(sparql: str, what: str, origin: str) -> None:
    """A SERVICE call in a user's rule or question would send the products' facts to another endpoint (and
    hang on a slow one) while checking local files; it is refused before anything is sent."""
    from evkg.core.errors import InputError
    from evkg.core.sparql_nesting import mask

    if _SERVICE.search(mask(sparql)):
        raise InputError(f"{what} calls a remote SPARQL endpoint (SERVICE); classification rules read only the "
                         "descriptions being checked and never reach the network.", path=origin,
                         hint="Remove the SERVICE block; to use data from elsewhere, add it to the description "
                              "files you check.")
