"""Equivalent forms of a query that Oxigraph plans better.

Oxigraph joins the parts of a group in the order they are written and does not pass the bindings it already
has into a UNION or a FILTER NOT EXISTS: a rule whose premises are followed by `{ A } UNION { B }` evaluates
both branches over every product for every premise. Two rewrites, each an identity of the SPARQL algebra,
give it forms it evaluates from the bound side:

- a join distributes over a union: `P { A } UNION { B } Q` is `{ P { A } Q } UNION { P { B } Q }` (each branch
  stays a group of its own, so its FILTERs keep their scope; filters of the outer group apply to every copy);
- `FILTER NOT EXISTS { P }` is `MINUS { P }` at the end of the group when P is a basic graph pattern that
  shares a variable every solution binds (`?this`): then a solution has a compatible match of P exactly when
  P matches with its bindings substituted.

A query these cannot read, or that would grow more than MAX_GROWTH times (unions nested in unions), is returned
as it is.
"""
from __future__ import annotations

from evkg.core.sparql_patterns import Unreadable, ends_block, skip_balanced, tokens_of

MAX_BRANCHES = 8                 # distributing k unions multiplies the group: stop before it grows large
MAX_GROWTH = 8                   # nor may the whole query grow beyond this many times its length


def _elements(tokens, start: int) -> tuple[list, int]:
    """The parts of the group whose content starts at tokens[start]: (kind, first, end) token ranges, and the
    index of the group's closing brace. Kinds: triples, filter, not-exists, union, group, other (a subquery,
    BIND, VALUES, OPTIONAL, MINUS, GRAPH, SERVICE: kept as written)."""
    parts, i = [], start
    while tokens[i][1] != "}" or tokens[i][0] != "punct":
        kind, value = tokens[i]
        word = value.upper() if kind == "word" else None
        first = i
        if kind == "punct" and value == ".":
            i += 1
            continue
        if kind == "punct" and value == "{" and tokens[i + 1][0] == "word" and tokens[i + 1][1].upper() == "SELECT":
            i = skip_balanced(tokens, i)                            # a subquery: left as it is
            parts.append(("other", first, i))
        elif kind == "punct" and value == "{":
            i = skip_balanced(tokens, i)
            branches = 1
            while tokens[i][0] == "word" and tokens[i][1].upper() == "UNION":
                i = skip_balanced(tokens, i + 1)
                branches += 1
            parts.append(("union" if branches > 1 else "group", first, i))
        elif word == "FILTER":
            j = i + 1
            negated = tokens[j][0] == "word" and tokens[j][1].upper() == "NOT" and tokens[j + 1][0] == "word" \
                and tokens[j + 1][1].upper() == "EXISTS"
            while tokens[j][1] not in ("(", "{"):
                j += 1
            i = skip_balanced(tokens, j)
            parts.append(("not-exists" if negated and tokens[j][1] == "{" else "filter", first, i))
        elif word in ("BIND", "VALUES", "OPTIONAL", "MINUS", "GRAPH", "SERVICE"):
            j = i + 1
            while tokens[j][1] not in ("(", "{"):
                j += 1
            i = skip_balanced(tokens, j)
            if word == "VALUES" and tokens[j][1] == "(":          # VALUES (?a ?b) { … }
                i = skip_balanced(tokens, i)
            parts.append(("other", first, i))
        else:                                                    # a triples block, up to its '.' or the '}'
            depth = 0
            while depth or not ends_block(tokens[i]):
                if tokens[i][0] == "punct" and tokens[i][1] in ("(", "[", "{"):
                    depth += 1
                elif tokens[i][0] == "punct" and tokens[i][1] in (")", "]", "}"):
                    depth -= 1
                i += 1
            parts.append(("triples", first, i))
    return parts, i


def _union_branches(tokens, first: int, end: int) -> list[tuple[int, int]]:
    branches, i = [], first
    while i < end:
        close = skip_balanced(tokens, i)
        branches.append((i, close))
        i = close + 1 if close < end else close
    return branches


def _is_plain_bgp(tokens, first: int, end: int) -> bool:
    """Whether tokens[first:end] (a group's inside) holds triple patterns only."""
    for kind, value in tokens[first:end]:
        if kind == "word" and value.upper() in ("FILTER", "BIND", "VALUES", "OPTIONAL", "MINUS", "GRAPH",
                                                "SERVICE", "UNION", "EXISTS", "NOT", "SELECT"):
            return False
        if kind == "punct" and value in ("{", "}"):
            return False
    return True


def rewrite_for_oxigraph(query: str, bound: str = "?this") -> str:
    """`query` with the unions of its WHERE group (and of the groups inside) distributed, and its top-level
    NOT EXISTS filters on `bound` turned into MINUS (see the module docstring); the query itself when it
    cannot be read."""
    try:
        spans: list = []
        tokens = tokens_of(query, spans)
        where = next(i for i, (kind, value) in enumerate(tokens)
                     if kind == "word" and value.upper() == "WHERE" and tokens[i + 1] == ("punct", "{"))
        alternatives, close = _Rewriter(query, tokens, spans, bound).group(where + 2, top=True)
    except (Unreadable, IndexError, StopIteration, RecursionError):    # (groups nested beyond reason)
        return query
    body = alternatives[0].text if len(alternatives) == 1 else " UNION ".join(a.braced() for a in alternatives)
    rewritten = query[:spans[where + 1][1]] + " " + body + " " + query[spans[close][0]:]
    return rewritten if len(rewritten) <= MAX_GROWTH * len(query) else query


class _Rewriter:
    def __init__(self, query: str, tokens: list, spans: list, bound: str):
        self.query, self.tokens, self.spans = query, tokens, spans
        self.bound = {bound, "$" + bound[1:]}

    def text(self, first: int, end: int) -> str:
        return self.query[self.spans[first][0]:self.spans[end - 1][1]] if end > first else ""

    def variables(self, first: int, end: int) -> set:
        return {value for kind, value in self.tokens[first:end] if kind == "var"}

    def group(self, start: int, top: bool = False) -> tuple[list, int]:
        """The alternatives the group whose content starts at tokens[start] rewrites to, and the index of its
        closing brace. A union inside it whose branches all hold patterns is lifted out: the group becomes one
        alternative per branch. Each alternative is an _Alternative."""
        tokens = self.tokens
        parts, close = _elements(tokens, start)
        copies = [_Alternative()]
        minus: list[str] = []
        for kind, first, end in parts:
            if kind == "not-exists" and top:
                open_brace = next(j for j in range(first, end) if tokens[j] == ("punct", "{"))
                inside = (open_brace + 1, end - 1)
                if _is_plain_bgp(tokens, *inside) and self.bound & self.variables(*inside):
                    minus.append("MINUS { " + self.text(*inside) + " }")
                    continue
            if kind in ("group", "union"):
                alternatives = [alternative for b_first, _ in _union_branches(tokens, first, end)
                                for alternative in self.group(b_first + 1)[0]]
                spread = len(alternatives) > 1 and all(a.patterns for a in alternatives)
                if len(alternatives) == 1 or (spread and len(copies) * len(alternatives) <= MAX_BRANCHES):
                    copies = [copy.joined(a) for copy in copies for a in alternatives]
                else:
                    whole = _Alternative(texts=[" UNION ".join(a.braced() for a in alternatives)],
                                         patterns=any(a.patterns for a in alternatives), inlinable=False)
                    copies = [copy.joined(whole) for copy in copies]
                continue
            text = self.text(first, end)
            if kind == "triples":
                piece = _Alternative([text + " ."], True, True, self.variables(first, end))
            elif kind == "filter" and not any(v.upper() == "EXISTS" for k, v in tokens[first:end] if k == "word"):
                piece = _Alternative([text], False, True, set(), self.variables(first, end))
            else:
                piece = _Alternative([text], False, False)
            copies = [copy.joined(piece, part=True) for copy in copies]
        for copy in copies:
            copy.texts.extend(minus)
        return copies, close


class _Alternative:
    """One conjunctive form of a group: its parts' texts; whether it holds triple patterns; whether it can be
    written into the enclosing group without braces (triple patterns and FILTERs whose variables they all
    bind, so the filters mean the same in the larger group); the variables its patterns bind."""

    def __init__(self, texts=None, patterns=False, inlinable=True, bound=None, filtered=None):
        self.texts = list(texts or [])
        self.patterns = patterns
        self.inlinable = inlinable
        self.bound = set(bound or ())
        self.filtered = set(filtered or ())

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    def braced(self) -> str:
        return "{ " + self.text + " }"

    def joined(self, other: "_Alternative", part: bool = False) -> "_Alternative":
        """This alternative followed by `other`: a part of the same group (a pattern, a filter) as it is; an
        alternative of an inner group inlined when it can be, else as a group of its own."""
        inline = part or (other.inlinable and other.filtered <= other.bound)
        texts = self.texts + (other.texts if inline else [other.braced()])
        return _Alternative(texts, self.patterns or other.patterns,
                            self.inlinable and (other.inlinable if part else True),
                            self.bound | (other.bound if inline else set()),
                            self.filtered | (other.filtered if inline else set()))
