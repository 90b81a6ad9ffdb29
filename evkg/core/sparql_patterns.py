"""What a SPARQL query's WHERE clause cannot match without: the predicates (and predicate–IRI pairs) of the
triple patterns that every solution must satisfy, and the choices of pairs of which one must be stated (a
pattern `?x p ?v` whose value the group limits to a few IRIs: `FILTER(?v IN (…))`, `FILTER(?v = …)`,
`VALUES ?v { … }`).

Oxigraph parses and plans a query on every call, which costs more than evaluating a rule on one product; a
rule or check whose required predicate no statement has cannot have a solution and need not be sent at all.
The analysis reads the WHERE clause's group and the groups joined into it (of a UNION, only what every
branch needs) and leaves out everything that may not have to match (OPTIONAL, MINUS, EXISTS, GRAPH,
SERVICE, subqueries) and every property path, so it can only ever under-state what a query needs. A query
it cannot read needs nothing.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

# one token and the space or comments before it (one match per token; possessive, so a long run of space
# before something unreadable is not tried again and again)
_TOKEN = re.compile(r"""
  (?:\s+|\#[^\n]*)*+
  (?:
    (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w%-]|\.(?=[\w%:-]))*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|[{}()\[\];,./|*+?!^=<>-])
  )
""", re.VERBOSE)
_TRAILING = re.compile(r"(?:\s+|\#[^\n]*)*+")

_SKIPPED_GROUPS = {"OPTIONAL", "MINUS", "GRAPH", "SERVICE", "EXISTS"}
# words that end a triples block written without a closing '.'
BLOCK_ENDS = {"FILTER", "BIND", "VALUES", "OPTIONAL", "MINUS", "GRAPH", "SERVICE", "UNION"}


def ends_block(token) -> bool:
    """Whether a triples block ends before this token (its '.', the group's '}', a keyword, a group)."""
    kind, value = token
    return (kind == "punct" and value in (".", "}", "{")) or (kind == "word" and value.upper() in BLOCK_ENDS)


@dataclass(frozen=True)
class Needs:
    predicates: frozenset = frozenset()    # predicate IRIs
    pairs: frozenset = frozenset()         # (predicate IRI, object IRI)
    choices: frozenset = frozenset()       # frozensets of (predicate IRI, object IRI): one of each is needed

    def met_by(self, predicates, pairs, written: "Needs | None" = None) -> bool:
        """Whether statements with these predicates and (predicate, IRI object) pairs, plus what may be
        `written` meanwhile (its predicates take any value, its pairs just those), could satisfy them."""
        written = written or Needs()

        def stated(pair) -> bool:
            return pair in pairs or pair[0] in written.predicates or pair in written.pairs

        return all(p in predicates or p in written.predicates or p in written.pair_predicates
                   for p in self.predicates) and all(map(stated, self.pairs)) and all(
            any(map(stated, choice)) for choice in self.choices)

    @functools.cached_property
    def pair_predicates(self) -> frozenset:
        return frozenset(p for p, _ in self.pairs)

    def __or__(self, other: "Needs") -> "Needs":
        return Needs(self.predicates | other.predicates, self.pairs | other.pairs, self.choices | other.choices)


class Unreadable(Exception):
    """SPARQL text this reader does not follow (its callers then assume nothing about it)."""


def tokens_of(text: str, spans: list | None = None) -> list[tuple[str, str]]:
    """(kind, text) of every token but space and comments; `spans` gets each one's (start, end)."""
    out, position, end = [], 0, len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None:
            if _TRAILING.fullmatch(text, position) is not None:
                break
            raise Unreadable(text[position:position + 20])
        position = match.end()
        kind = match.lastgroup
        out.append((kind, match.group(kind)))
        if spans is not None:
            spans.append(match.span(kind))
    return out


def _prefixes(tokens) -> dict:
    found = {}
    for i, (kind, value) in enumerate(tokens[:-2]):
        if kind == "word" and value.upper() == "PREFIX" and tokens[i + 1][0] == "pname" and tokens[i + 2][0] == "iri":
            found[tokens[i + 1][1][:-1]] = tokens[i + 2][1][1:-1]
    return found


def skip_balanced(tokens, i: int) -> int:
    """The index after the bracket group that opens at tokens[i]."""
    pairs = {"{": "}", "(": ")", "[": "]"}
    stack = [pairs[tokens[i][1]]]
    i += 1
    while stack:
        if i >= len(tokens):
            raise Unreadable("unbalanced")
        value = tokens[i][1] if tokens[i][0] == "punct" else None
        if value in pairs:
            stack.append(pairs[value])
        elif value == stack[-1]:
            stack.pop()
        i += 1
    return i


def _iri(token, prefixes: dict) -> str | None:
    kind, value = token
    if kind == "iri":
        return value[1:-1]
    if kind == "pname":
        prefix, _, local = value.partition(":")
        if prefix not in prefixes:
            raise Unreadable(value)
        return prefixes[prefix] + local
    if kind == "word" and value == "a":
        return RDF_TYPE
    return None


def _is_term_start(token) -> bool:
    return token[0] in ("iri", "string", "var", "pname", "number", "word") or token[1] in ("[", "(")


def _term_end(tokens, i: int) -> int:
    """The index after the RDF term (or blank-node list, or collection) starting at tokens[i]."""
    if tokens[i][1] in ("[", "(") and tokens[i][0] == "punct":
        return skip_balanced(tokens, i)
    i += 1
    while i < len(tokens) and (tokens[i][0] == "lang" or tokens[i][1] == "^^"):
        i += 2 if tokens[i][1] == "^^" else 1
    return i


def _path_end(tokens, i: int) -> int:
    """The index after the predicate (an IRI, a variable or a property path) starting at tokens[i]."""
    while True:
        while tokens[i] in (("punct", "^"), ("punct", "!")):
            i += 1
        i = skip_balanced(tokens, i) if tokens[i] == ("punct", "(") else i + 1
        while tokens[i][0] == "punct" and tokens[i][1] in ("*", "+", "?"):
            i += 1
        if not (tokens[i][0] == "punct" and tokens[i][1] in ("/", "|")):
            return i
        i += 1


def _triples_block(tokens, i: int, prefixes: dict, predicates: set, pairs: set, open_ended: set | None = None,
                   objects: dict | None = None) -> int:
    """Read `subject predicate object (, object)* (; predicate object …)*` and note what it needs (a variable
    predicate is noted as None; `open_ended` gets the predicates with an object that is not an IRI, `objects`
    the predicates of each variable object); return the index of the token after it (its '.' or the closing
    '}')."""
    i = _term_end(tokens, i)
    while True:
        if ends_block(tokens[i]):
            return i
        if tokens[i][1] == ";":
            i += 1
            continue
        start, i = i, _path_end(tokens, i)
        if i != start + 1:
            predicate = None                       # a property path: not judged
        elif tokens[start][0] == "var":
            predicate = None
            predicates.add(None)
        else:
            predicate = _iri(tokens[start], prefixes)
        while True:
            if not _is_term_start(tokens[i]):
                raise Unreadable(tokens[i][1])
            object_end = _term_end(tokens, i)
            if predicate is not None:
                predicates.add(predicate)
                obj = _iri(tokens[i], prefixes) if object_end == i + 1 else None
                if obj is not None:
                    pairs.add((predicate, obj))
                elif open_ended is not None:
                    open_ended.add(predicate)
                if objects is not None and tokens[i][0] == "var" and object_end == i + 1:
                    objects.setdefault(tokens[i][1][1:], set()).add(predicate)
            i = object_end
            if tokens[i][1] != ",":
                break
            i += 1


def _advanced(before: int, after: int) -> int:
    if after <= before:
        raise Unreadable("no progress")
    return after


def _where_start(tokens) -> int:
    for i, (kind, value) in enumerate(tokens):
        if kind == "word" and value.upper() == "WHERE" and tokens[i + 1][1] == "{":
            return i + 2
    raise Unreadable("no WHERE")


def _group_needs(tokens, i: int, prefixes: dict) -> tuple[set, set, set, int]:
    """What the group whose content starts at tokens[i] needs (predicates, pairs, choices), and the index
    after its closing brace. A nested group is needed whole; of a UNION, what every branch needs."""
    predicates: set = set()
    pairs: set = set()
    choices: set = set()
    objects: dict = {}                 # variable -> predicates of the group's patterns that have it as object
    allowed: list = []                 # (variable, the IRIs the group allows it) from its FILTERs and VALUES
    while tokens[i] != ("punct", "}"):
        kind, value = tokens[i]
        word = value.upper() if kind == "word" else None
        if value in (".", ";") and kind == "punct":
            i += 1
        elif value == "{" and kind == "punct":
            branches = []
            while True:
                if tokens[i + 1][0] == "word" and tokens[i + 1][1].upper() == "SELECT":
                    branches.append((set(), set(), set()))        # a subquery may answer with no match
                    i = skip_balanced(tokens, i)
                else:
                    found_predicates, found_pairs, found_choices, i = _group_needs(tokens, i + 1, prefixes)
                    branches.append((found_predicates, found_pairs, found_choices))
                if not (tokens[i][0] == "word" and tokens[i][1].upper() == "UNION"):
                    break
                i += 1
            predicates |= set.intersection(*(b[0] for b in branches))
            pairs |= set.intersection(*(b[1] for b in branches))
            choices |= set.intersection(*(b[2] for b in branches))
        elif word in _SKIPPED_GROUPS or word == "NOT":
            while tokens[i][1] != "{":
                i += 1
            i = skip_balanced(tokens, i)
        elif word in ("FILTER", "BIND"):
            i += 1
            if tokens[i][0] == "word":                       # FILTER regex(…), FILTER NOT EXISTS {…}
                while tokens[i][1] not in ("(", "{"):
                    i += 1
            end = skip_balanced(tokens, i)
            if word == "FILTER" and tokens[i][1] == "(":
                allowed.extend(_filter_allows(tokens[i + 1:end - 1], prefixes))
            i = end
        elif word == "VALUES":
            start = i
            while tokens[i][1] != "{":
                i += 1
            i = skip_balanced(tokens, i)
            allowed.extend(_values_allow(tokens[start + 1:i], prefixes))
        elif _is_term_start(tokens[i]):
            i = _advanced(i, _triples_block(tokens, i, prefixes, predicates, pairs, objects=objects))
        else:
            raise Unreadable(value)
    for variable, iris in allowed:
        for predicate in objects.get(variable, ()):
            choices.add(frozenset((predicate, iri) for iri in iris))
    return predicates, pairs, choices, i + 1


def _is_word(token, word: str) -> bool:
    return token[0] == "word" and token[1].upper() == word


def _allowed(variable, listed, prefixes: dict, separator=None) -> list:
    """[(variable name, IRIs)] when `listed` is IRIs only (each followed by `separator` but the last), else []."""
    terms = listed[::2] if separator else listed
    if (variable[0] != "var" or not terms or any(t[0] not in ("iri", "pname") for t in terms)
            or (separator and (len(listed) % 2 == 0 or any(t != separator for t in listed[1::2])))):
        return []
    return [(variable[1][1:], frozenset(_iri(t, prefixes) for t in terms))]


def _filter_allows(tokens, prefixes: dict) -> list:
    """(variable, IRIs) when a FILTER's whole condition is `?v IN (IRIs)`, `?v = IRI` or `sameTerm(?v, IRI)`."""
    if len(tokens) >= 5 and _is_word(tokens[1], "IN") and tokens[2] == ("punct", "(") and tokens[-1] == ("punct", ")"):
        return _allowed(tokens[0], tokens[3:-1], prefixes, separator=("punct", ","))
    if len(tokens) == 3 and tokens[1] == ("punct", "="):
        return _allowed(tokens[0], tokens[2:], prefixes)
    if (len(tokens) == 6 and _is_word(tokens[0], "SAMETERM") and tokens[1] == ("punct", "(")
            and tokens[3] == ("punct", ",") and tokens[5] == ("punct", ")")):
        return _allowed(tokens[2], tokens[4:5], prefixes)
    return []


def _values_allow(tokens, prefixes: dict) -> list:
    """(variable, IRIs) for `VALUES ?v { IRIs }` (one variable, every value an IRI)."""
    if len(tokens) < 3 or tokens[1] != ("punct", "{") or tokens[-1] != ("punct", "}"):
        return []
    return _allowed(tokens[0], tokens[2:-1], prefixes)


def needs_of(query: str) -> Needs:
    """What every solution of `query`'s WHERE clause matches: predicates and (predicate, IRI object) pairs."""
    try:
        tokens = tokens_of(query)
        predicates, pairs, choices, _ = _group_needs(tokens, _where_start(tokens), _prefixes(tokens))
        return Needs(frozenset(predicates - {None}), frozenset(pairs), frozenset(choices))
    except (Unreadable, IndexError, RecursionError):         # (groups nested beyond reason: needs nothing)
        return Needs()


def template_writes(query: str) -> Needs | None:
    """What a CONSTRUCT template writes: predicates it writes any value of, and (predicate, IRI) pairs; None
    when a predicate is a variable (it may write anything) or the template cannot be read."""
    try:
        tokens = tokens_of(query)
        prefixes = _prefixes(tokens)
        i = next(i for i, (kind, value) in enumerate(tokens)
                 if kind == "word" and value.upper() == "CONSTRUCT") + 2
        predicates: set = set()
        pairs: set = set()
        open_ended: set = set()
        while tokens[i][1] != "}":
            i = i + 1 if tokens[i][1] == "." else _advanced(
                i, _triples_block(tokens, i, prefixes, predicates, pairs, open_ended))
        return None if None in predicates else Needs(frozenset(open_ended), frozenset(pairs))
    except (Unreadable, IndexError, StopIteration):
        return None
