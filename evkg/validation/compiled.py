"""SHACL validation compiled to set-based SPARQL on pyoxigraph.

pySHACL evaluates every constraint per focus node and re-parses SPARQL as it goes; a batch of products costs
seconds per product. Here each shape is compiled once per process into one SPARQL query per constraint that
finds every violation among all focus nodes at once. Constraint components outside the supported set make the
whole shape fall back to pySHACL, so the results are always those of the SHACL specification; a test compares
both engines on every example and on a generated corpus.

Longer than 500 lines because the translation of each supported constraint component sits beside the
others: they share the focus and path patterns, and splitting them would scatter one translation table.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from evkg.core import resources
from evkg.core.lexical import LEXICAL_SPACES
from evkg.core.sparql_patterns import needs_of
from evkg.io.rdf import RdflibTerms

# The named graph that holds a submitted description inside a validation store.
DATA_GRAPH = ox.NamedNode("urn:evkg:graph:submitted")

XSD_NS = str(XSD)

# Lexical forms of the XSD datatypes SPARQL 1.1 knows; a literal outside them is ill-typed (SHACL 4.1.1).
_LEXICAL = {URIRef(datatype): lexical for datatype, lexical in LEXICAL_SPACES.items()}

_VALUE_COMPONENTS = {SH.datatype, SH["in"], SH.nodeKind, SH.pattern, SH.flags, SH["class"], SH["or"],
                     SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength,
                     SH.maxLength, SH.hasValue}
_SUPPORTED = _VALUE_COMPONENTS | {SH.minCount, SH.maxCount, SH.sparql}
_NON_CONSTRAINT = {RDF.type, SH.path, SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                   SH.targetObjectsOf, SH.severity, SH.message, SH.name, SH.description, SH.order, SH.group,
                   SH.deactivated, SH.rule, SH.defaultValue, SH.prefixes}


@dataclass(frozen=True)
class RawResult:
    """One validation result, engine-neutral (rdflib terms)."""
    focus: object
    path: object
    value: object
    shape: object
    severity: object
    messages: frozenset
    component: object

    def key(self) -> tuple:
        return (self.focus.n3(), self.path.n3() if self.path is not None else "",
                self.value.n3() if self.value is not None else "", self.shape.n3(), str(self.severity),
                tuple(sorted(self.messages)))


@dataclass
class CompiledCheck:
    shape: URIRef
    component: URIRef
    query: ox.Query | str
    path: URIRef | None
    severity: URIRef
    messages: tuple[str, ...]
    value_is_focus: bool = False       # node-shape SPARQL constraints report the focus as value
    substitute: bool = False           # message templates with {?var}
    needs: object = None               # evkg.core.sparql_patterns.Needs of a SPARQL constraint's query
    # Checks of one focus that can be asked in one query (run_compiled): "count" with (operator, bound), or
    # "value" with the filter that finds a bad ?value.
    family: str | None = None
    merge: object = None


@dataclass
class CompiledShapes:
    checks: list[CompiledCheck]
    fallback: list[URIRef]             # shapes validated by pySHACL instead
    focus: dict                        # shape -> SPARQL pattern binding ?this to its focus nodes
    targets: dict = None               # shape -> Targets (what the pattern says, for focus_nodes_by_shape)


@dataclass(frozen=True)
class Targets:
    """A shape's targets: classes (with their subclasses), subjects and objects of properties, nodes."""
    classes: tuple = ()
    subjects_of: tuple = ()
    objects_of: tuple = ()
    nodes: tuple = ()


def _targets(shapes: Graph, shape) -> Targets:
    classes = list(shapes.objects(shape, SH.targetClass))
    if (shape, RDF.type, RDFS.Class) in shapes:
        classes.append(shape)
    return Targets(tuple(classes), tuple(shapes.objects(shape, SH.targetSubjectsOf)),
                   tuple(shapes.objects(shape, SH.targetObjectsOf)), tuple(shapes.objects(shape, SH.targetNode)))


def _nt(term) -> str:
    return term.n3()


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _focus_pattern(shapes: Graph, shape) -> str | None:
    parts = []
    for cls in shapes.objects(shape, SH.targetClass):
        parts.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_nt(cls)} .")
    if (shape, RDF.type, RDFS.Class) in shapes:
        parts.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_nt(shape)} .")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("VALUES ?this { " + " ".join(_nt(n) for n in nodes) + " }")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"?this {_nt(prop)} ?targetAny .")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"?targetAny {_nt(prop)} ?this .")
    if not parts:
        return None
    union = " UNION ".join("{ " + p + " }" for p in parts)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _light_focus(focus: str) -> str:
    """The target patterns without DISTINCT: cheap to join inside nested groups (duplicates are harmless there,
    because the outer group already holds each focus node once and results are sets)."""
    inner = focus[len("{ SELECT DISTINCT ?this WHERE { "):-len(" } }")]
    return "{ " + inner.replace("?targetAny", "?targetAnyNested") + " }"


def _conforms_expr(shapes: Graph, component, argument, var: str = "?value") -> str | None:
    """A SPARQL expression true when `var` meets one value-level constraint; None when unsupported."""
    if component == SH.datatype:
        if argument == RDFS.Literal:
            return f"isLiteral({var})"
        expr = f"(isLiteral({var}) && datatype({var}) = {_nt(argument)}"
        lexical = _LEXICAL.get(argument)
        if lexical:
            expr += f" && regex(str({var}), {_string(lexical)})"
        return expr + ")"
    if component == SH["in"]:
        members = list(Collection(shapes, argument))
        if not members:
            return "false"
        return "(" + " || ".join(f"sameTerm({var}, {_nt(m)})" for m in members) + ")"
    if component == SH.nodeKind:
        return {SH.IRI: f"isIRI({var})", SH.Literal: f"isLiteral({var})", SH.BlankNode: f"isBlank({var})",
                SH.BlankNodeOrIRI: f"!isLiteral({var})", SH.BlankNodeOrLiteral: f"!isIRI({var})",
                SH.IRIOrLiteral: f"!isBlank({var})"}.get(argument)
    if component == SH["class"]:
        return f"EXISTS {{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* {_nt(argument)} }}"
    if component in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
        op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[component]
        return f"COALESCE(({var} {op} {_nt(argument)}), false)"
    if component in (SH.minLength, SH.maxLength):
        op = ">=" if component == SH.minLength else "<="
        return f"(!isBlank({var}) && COALESCE((STRLEN(STR({var})) {op} {int(argument)}), false))"
    if component == SH["or"]:
        members = []
        for member in Collection(shapes, argument):
            predicates = {p for p in shapes.predicates(member) if str(p).startswith(str(SH))}
            if not predicates or not predicates <= (_VALUE_COMPONENTS - {SH["or"], SH.flags, SH.hasValue}):
                return None
            exprs = [_conforms_expr(shapes, p, shapes.value(member, p), var) for p in predicates]
            if any(e is None for e in exprs):
                return None
            members.append("(" + " && ".join(exprs) + ")")
        return "(" + " || ".join(members) + ")" if members else "false"
    return None


def _pattern_expr(shapes: Graph, shape, var: str = "?value") -> str:
    pattern = str(shapes.value(shape, SH.pattern))
    flags = shapes.value(shape, SH.flags)
    flag_arg = f", {_string(str(flags))}" if flags else ""
    return f"(!isBlank({var}) && regex(str({var}), {_string(pattern)}{flag_arg}))"


def _prefix_block(shapes: Graph, constraint) -> str:
    lines = []
    for declaration_owner in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(declaration_owner, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


_THIS = re.compile(r"\$this\b")


def _compile_sparql(shapes: Graph, shape, constraint, focus: str, path) -> str | None:
    select = shapes.value(constraint, SH.select)
    if select is None or "$shapesGraph" in select or "$currentShape" in select:
        return None
    text = str(select)
    if path is not None:
        text = re.sub(r"\$PATH\b", _nt(path), text)
    if re.search(r"\$(?!this\b)[A-Za-z_]", text):
        return None                                # other pre-bound variables are not supported here
    projections = re.findall(r"\bSELECT\b(.*?)\bWHERE\b", text, flags=re.IGNORECASE | re.DOTALL)
    if not projections or any("$this" not in p and "*" not in p for p in projections[1:]):
        return None                                # a sub-select that hides $this would see it differently
    text = _bind_focus_in_every_group(_THIS.sub("?this", text), focus)
    if text is None:
        return None
    text = _not_exists_as_minus(text)
    return _prefix_block(shapes, constraint) + "\n" + text


_EXISTS_GROUP = re.compile(r"\bEXISTS\s*$", re.IGNORECASE)
_VALUES_BLOCK = re.compile(r"VALUES\s*(\?\w+|\([^)]*\))\s*$", re.IGNORECASE)


def _bind_focus_in_every_group(text: str, focus: str) -> str | None:
    """Join the focus nodes into every group that mentions ?this.

    Pre-binding $this (SHACL 5.3.1) substitutes the focus node everywhere, including groups nested in
    UNION or evaluated before the join; joining the focus pattern into each such group gives the same
    solutions for all focus nodes at once.
    """
    opens: list[int] = []
    groups: list[tuple[int, int]] = []
    in_string = None
    for index, char in enumerate(text):
        if in_string:
            if char == in_string and text[index - 1] != "\\":
                in_string = None
            continue
        if char in "\"'":
            in_string = char
        elif char == "{":
            opens.append(index)
        elif char == "}":
            if not opens:
                return None
            groups.append((opens.pop(), index))
    if opens or in_string:
        return None
    outermost = min((start for start, _ in groups), default=None)
    inserts = sorted((start for start, end in groups
                      if "?this" in text[start:end] and not _VALUES_BLOCK.search(text[:start])
                      and not _EXISTS_GROUP.search(text[:start])
                      and not re.match(r"\s*SELECT\b", text[start + 1:end], flags=re.IGNORECASE)), reverse=True)
    if not inserts:
        return None
    light = _light_focus(focus)
    for start in inserts:
        # The outermost group and every sub-select's WHERE get the exact focus set; nested groups (UNION
        # branches, OPTIONAL, MINUS) only need ?this bound. EXISTS groups see the outer ?this already.
        exact = start == outermost or re.search(r"\bWHERE\s*$", text[:start], flags=re.IGNORECASE)
        text = text[: start + 1] + f" {focus if exact else light} " + text[start + 1:]
    return text


_NOT_EXISTS = re.compile(r"FILTER\s*NOT\s+EXISTS\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


def _matching_brace(text: str, open_index: int) -> int | None:
    depth = 0
    for index in range(open_index, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    return None


def _not_exists_as_minus(text: str) -> str:
    """Rewrite FILTER NOT EXISTS {P} as MINUS {P} at the end of its group where both mean the same.

    They agree when P shares ?this with the rest of the query and no other variable of P occurs outside P
    (SPARQL 1.1, 8.3). Oxigraph evaluates MINUS as one anti-join but NOT EXISTS once per solution, so this
    turns the slowest checks from quadratic to linear in the batch size.
    """
    search_from = 0
    while True:
        match = _NOT_EXISTS.search(text, search_from)
        if match is None:
            return text
        inner_open = match.end() - 1
        inner_close = _matching_brace(text, inner_open)
        if inner_close is None:
            return text
        inner = text[inner_open + 1:inner_close]
        outside = text[:match.start()] + text[inner_close + 1:]
        inner_vars = set(_VARIABLE.findall(inner))
        outside_vars = set(_VARIABLE.findall(outside))
        enclosing_open = text.rfind("{", 0, match.start())
        depth = 0
        for index in range(match.start() - 1, -1, -1):   # the brace that opens the enclosing group
            if text[index] == "}":
                depth += 1
            elif text[index] == "{":
                if depth == 0:
                    enclosing_open = index
                    break
                depth -= 1
        enclosing_close = _matching_brace(text, enclosing_open) if enclosing_open >= 0 else None
        if "this" not in inner_vars or (inner_vars - {"this"}) & outside_vars or enclosing_close is None \
                or re.search(r"\b(EXISTS|BIND|VALUES|SELECT)\b", inner, flags=re.IGNORECASE):
            search_from = inner_close
            continue
        without = text[:match.start()] + text[inner_close + 1:]
        enclosing_close -= inner_close + 1 - match.start()
        text = without[:enclosing_close] + f" MINUS {{{inner}}} " + without[enclosing_close:]
        search_from = 0


def _severity(shapes: Graph, shape) -> URIRef:
    return shapes.value(shape, SH.severity) or SH.Violation


def _messages(shapes: Graph, node) -> tuple[str, ...]:
    return tuple(sorted(str(m) for m in shapes.objects(node, SH.message)))


def _shape_is_supported(shapes: Graph, shape) -> bool:
    predicates = {p for p in shapes.predicates(shape) if str(p).startswith(str(SH))} - _NON_CONSTRAINT
    if not predicates <= _SUPPORTED:
        return False
    path = shapes.value(shape, SH.path)
    if path is not None and not isinstance(path, URIRef):
        return False
    if not _messages(shapes, shape) and not all(_messages(shapes, c) for c in shapes.objects(shape, SH.sparql)):
        return False                               # pySHACL's generic messages are not reproduced here
    return True


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile every active shape with a target; shapes it cannot express go to the fallback list."""
    checks: list[CompiledCheck] = []
    fallback: list[URIRef] = []
    focus_of: dict = {}
    targets_of: dict = {}
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    shape_nodes |= set(shapes.subjects(SH.path, None))
    targeted = {s for s in shape_nodes if _focus_pattern(shapes, s) is not None}
    for shape in sorted(targeted, key=str):
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        focus = _focus_pattern(shapes, shape)
        focus_of[shape] = focus
        targets_of[shape] = _targets(shapes, shape)
        members = [shape] + list(shapes.objects(shape, SH.property))
        compiled: list[CompiledCheck] = []
        supported = True
        for member in members:
            if shapes.value(member, SH.deactivated) == Literal(True):
                continue
            if not _shape_is_supported(shapes, member):
                supported = False
                break
            focus_of[member] = focus
            targets_of[member] = targets_of[shape]
            member_checks = _compile_member(shapes, member, focus)
            if member_checks is None:
                supported = False
                break
            compiled.extend(member_checks)
        if supported:
            checks.extend(compiled)
        else:
            fallback.append(shape)
    return CompiledShapes(checks=checks, fallback=fallback, focus=focus_of, targets=targets_of)


def _compile_member(shapes: Graph, shape, focus: str) -> list[CompiledCheck] | None:
    path = shapes.value(shape, SH.path)
    severity = _severity(shapes, shape)
    messages = _messages(shapes, shape)
    out: list[CompiledCheck] = []

    def add(component, query, **extra):
        out.append(CompiledCheck(shape=shape, component=component, query=query, path=path, severity=severity,
                                 messages=messages, **extra))

    if path is not None:
        values = f"?this {_nt(path)} ?value ."
        for component, op in ((SH.minCount, "<"), (SH.maxCount, ">")):
            bound = shapes.value(shape, component)
            if bound is not None:
                add(component, f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {values} }} }} "
                               f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) {op} {int(bound)})",
                    family="count", merge=(op, int(bound)))
        has_value = shapes.value(shape, SH.hasValue)
        if has_value is not None:
            add(SH.hasValue, f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {_nt(path)} {_nt(has_value)} }} }}")
        for component in (_VALUE_COMPONENTS - {SH.flags, SH.hasValue, SH.pattern}):
            for argument in shapes.objects(shape, component):
                expr = _conforms_expr(shapes, component, argument)
                if expr is None:
                    return None
                add(component, f"SELECT ?this ?value WHERE {{ {focus} {values} FILTER(!({expr})) }}",
                    family="value", merge=f"!({expr})")
        if shapes.value(shape, SH.pattern) is not None:
            add(SH.PatternConstraintComponent,
                f"SELECT ?this ?value WHERE {{ {focus} {values} FILTER(!{_pattern_expr(shapes, shape)}) }}",
                family="value", merge=f"!{_pattern_expr(shapes, shape)}")
    else:
        for component in (_VALUE_COMPONENTS - {SH.flags}) | {SH.minCount, SH.maxCount}:
            if shapes.value(shape, component) is not None:
                return None                        # value constraints on node shapes: leave to pySHACL
    for constraint in shapes.objects(shape, SH.sparql):
        if shapes.value(constraint, SH.deactivated) == Literal(True):
            continue
        query = _compile_sparql(shapes, shape, constraint, focus, path)
        if query is None:
            return None
        out.append(CompiledCheck(shape=shape, component=SH.SPARQLConstraintComponent, query=query, path=path,
                                 severity=severity,
                                 messages=_messages(shapes, constraint) + messages,
                                 value_is_focus=path is None, substitute=True, needs=needs_of(query)))
    return out


@functools.cache
def bundled_compiled_shapes() -> CompiledShapes:
    """The bundled shapes compiled, through a cache: compiling them is most of a cold check's own work."""
    return resources.cached_build("compiled-shapes", resources.shape_files(),
                                  lambda: compile_shapes(resources.shapes_graph()), code=True)


def _format(message: str, bindings: dict) -> str:
    for var, value in bindings.items():
        message = _placeholder(var).sub(str(value).replace("\\", "\\\\"), message)
    return message


@functools.cache
def _placeholder(var: str) -> re.Pattern:
    """{?var} (or {$var}) in a message template."""
    return re.compile(r"\{[?$]" + re.escape(var) + r"\}")


# Checks that can only fail on a value reached by their path: skipped when no statement has that predicate.
_NEED_A_VALUE = _VALUE_COMPONENTS | {SH.PatternConstraintComponent, SH.maxCount}


class _Either:
    """Membership in either of two sets, without copying the large one (the ontology's) on every check."""

    def __init__(self, small: set, large: frozenset):
        self.small, self.large = small, large

    def __contains__(self, item) -> bool:
        return item in self.small or item in self.large


def _predicates(store: ox.Store) -> _Either:
    rows = store.query(f"SELECT DISTINCT ?p WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o }} }}")
    return _Either({p.value for (p,) in rows}, _ontology_predicates())


def _pairs(store: ox.Store) -> _Either:
    """(predicate, IRI object) of every statement in the data and the ontology."""
    rows = store.query(f"SELECT DISTINCT ?p ?o WHERE {{ GRAPH <{DATA_GRAPH.value}> {{ ?s ?p ?o FILTER(isIRI(?o)) }} }}")
    return _Either({(p.value, o.value) for p, o in rows}, _ontology_pairs())


@functools.cache
def _ontology_predicates() -> frozenset:
    return frozenset(str(p) for p in resources.ontology_graph().predicates())


@functools.cache
def _ontology_pairs() -> frozenset:
    return frozenset((str(p), str(o)) for _, p, o in resources.ontology_graph() if isinstance(o, URIRef))


def run_compiled(store: ox.Store, compiled: CompiledShapes, focus_nodes: dict | None = None,
                 as_rdflib: RdflibTerms | None = None) -> list[RawResult]:
    """Evaluate every compiled check on a store that holds the data and the ontology.

    A check is skipped when it cannot find anything: its shape has no focus node (given `focus_nodes`, from
    focus_nodes_by_shape), it looks only at values of a predicate that no statement uses, or its SPARQL
    query needs a statement that is not there (evkg.core.sparql_patterns). The count checks of one focus
    are asked in one query, and so are its value checks (_merged_query): Oxigraph plans each query anew,
    which costs more than evaluating a check on a few products. `as_rdflib` converts the store's terms
    (one memo for the whole check)."""
    as_rdflib = as_rdflib if as_rdflib is not None else RdflibTerms()
    results: list[RawResult] = []
    present = _predicates(store)
    pairs = None
    merged: dict[tuple, list] = {}
    for check in compiled.checks:
        if focus_nodes is not None and not focus_nodes.get(check.shape):
            continue
        if check.path is not None and check.component in _NEED_A_VALUE and str(check.path) not in present:
            continue
        if check.needs is not None and check.needs.predicates:
            if pairs is None:
                pairs = _pairs(store)
            if not check.needs.met_by(present, pairs):
                continue
        if check.family is not None:
            merged.setdefault((compiled.focus[check.shape], check.family), []).append(check)
            continue
        solutions = store.query(check.query, use_default_graph_as_union=True)
        results.extend(_raw_results(check, [v.value for v in solutions.variables], solutions, as_rdflib))
    for (focus, family), checks in merged.items():
        if len(checks) == 1:
            solutions = store.query(checks[0].query, use_default_graph_as_union=True)
            results.extend(_raw_results(checks[0], [v.value for v in solutions.variables], solutions, as_rdflib))
            continue
        solutions = store.query(_merged_query(focus, family, checks), use_default_graph_as_union=True)
        variables = [v.value for v in solutions.variables]
        rows_of: dict[int, list] = {}
        for solution in solutions:
            row = list(solution)
            rows_of.setdefault(int(row[0].value), []).append(row[1:])
        for index, rows in sorted(rows_of.items()):
            results.extend(_raw_results(checks[index], variables[1:], rows, as_rdflib))
    return results


def _merged_query(focus: str, family: str, checks: list) -> str:
    """One query for several count (or value) checks of one focus: a table of (check, path, argument) joined
    to the focus nodes; ?k says which check a row is a finding of."""
    if family == "count":
        rows = " ".join(f"({k} {_nt(c.path)} {c.merge[1] if c.merge[0] == '<' else 'UNDEF'} "
                        f"{c.merge[1] if c.merge[0] == '>' else 'UNDEF'})" for k, c in enumerate(checks))
        return (f"SELECT ?k ?this WHERE {{ {focus} VALUES (?k ?p ?min ?max) {{ {rows} }} "
                f"OPTIONAL {{ ?this ?p ?value }} }} GROUP BY ?k ?this ?min ?max "
                f"HAVING (COALESCE(COUNT(DISTINCT ?value) < ?min, false) || "
                f"COALESCE(COUNT(DISTINCT ?value) > ?max, false))")
    rows = " ".join(f"({k} {_nt(c.path)})" for k, c in enumerate(checks))
    # a false `?k = n` leaves the rest of its conjunct unevaluated; an error in a check's own filter drops
    # the row, as in the check's own query
    finding = " || ".join(f"(?k = {k} && {c.merge})" for k, c in enumerate(checks))
    return f"SELECT ?k ?this ?value WHERE {{ {focus} VALUES (?k ?p) {{ {rows} }} ?this ?p ?value . FILTER({finding}) }}"


def _raw_results(check: CompiledCheck, variables: list, solutions, as_rdflib: RdflibTerms) -> list[RawResult]:
    """The findings of one check from its solutions (rows of values in the order of `variables`)."""
    names = set(variables)
    out = []
    for solution in solutions:
        row = dict(zip(variables, solution))     # iterating a solution is far faster than asking by name
        focus = as_rdflib[row["this"]]
        if focus is None:
            continue
        value = as_rdflib[row["value"]] if "value" in names else None
        path = check.path
        if "path" in names and row["path"] is not None:
            path = as_rdflib[row["path"]]
        if value is None and check.value_is_focus:
            value = focus
        messages = check.messages
        if check.substitute:
            bindings = {name: as_rdflib[row[name]] for name in variables if row[name] is not None}
            messages = tuple(_format(m, bindings) for m in messages)
        out.append(RawResult(focus=focus, path=path, value=value, shape=check.shape, severity=check.severity,
                             messages=frozenset(messages), component=check.component))
    return out


def focus_nodes_by_shape(store: ox.Store, as_rdflib: RdflibTerms | None = None) -> dict:
    """For every shape with a target and at least one check, the focus nodes it applies to: one query for
    the instances of every target class, one for the subjects and one for the objects of every target
    property, shared out to the shapes by their targets."""
    as_rdflib = as_rdflib if as_rdflib is not None else RdflibTerms()
    compiled = bundled_compiled_shapes()
    shapes = [s for s in {c.shape for c in compiled.checks} | set(compiled.fallback) if s in compiled.targets]
    wanted = {kind: sorted({t for s in shapes for t in getattr(compiled.targets[s], kind)}, key=str)
              for kind in ("classes", "subjects_of", "objects_of")}
    patterns = {"classes": f"?this <{RDF.type}>/<{RDFS.subClassOf}>* ?t", "subjects_of": "?this ?t ?any",
                "objects_of": "?any ?t ?this"}
    found: dict = {}
    for kind, terms in wanted.items():
        if not terms:
            continue
        rows = store.query(f"SELECT DISTINCT ?t ?this WHERE {{ VALUES ?t {{ {' '.join(_nt(t) for t in terms)} }} "
                           f"{patterns[kind]} }}", use_default_graph_as_union=True)
        for target, this in rows:
            found.setdefault((kind, as_rdflib[target]), set()).add(as_rdflib[this])
    out: dict = {}
    for shape in shapes:
        targets = compiled.targets[shape]
        nodes = set(targets.nodes)
        for kind in ("classes", "subjects_of", "objects_of"):
            for target in getattr(targets, kind):
                nodes |= found.get((kind, target), set())
        out[shape] = nodes
    return out


def results_from_pyshacl(results_graph: Graph) -> list[RawResult]:
    out = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        out.append(RawResult(
            focus=results_graph.value(node, SH.focusNode),
            path=results_graph.value(node, SH.resultPath),
            value=results_graph.value(node, SH.value),
            shape=results_graph.value(node, SH.sourceShape),
            severity=results_graph.value(node, SH.resultSeverity),
            messages=frozenset(str(m) for m in results_graph.objects(node, SH.resultMessage)),
            component=results_graph.value(node, SH.sourceConstraintComponent),
        ))
    return out


def ill_typed(literal: Literal) -> bool:
    """Whether a literal is outside its XSD datatype's lexical space (the table both engines use)."""
    lexical = _LEXICAL.get(literal.datatype)
    if lexical is not None and not re.search(lexical, str(literal)):
        return True
    return literal.ill_typed is True


def with_xsd_lexical_spaces(data: Graph) -> Graph:
    """The data with every ill-typed literal marked as such for pySHACL.

    pySHACL judges sh:datatype by rdflib's Python converters, which accept forms outside the XSD lexical
    spaces ("2e8" as a decimal, " 5" or Arabic-Indic digits as an integer). Marking them makes the reference
    run apply the same lexical spaces as the compiled engine (SHACL 4.1.1: an ill-typed literal does not
    conform to its datatype). The data is copied only when a literal needs marking."""
    marked = []
    for s, p, o in data:
        if isinstance(o, Literal) and o.datatype is not None and o.ill_typed is not True and ill_typed(o):
            flagged = Literal(str(o), datatype=o.datatype, normalize=False)
            flagged._ill_typed = True
            marked.append(((s, p, o), (s, p, flagged)))
    if not marked:
        return data
    copy = Graph()
    for triple in data:
        copy.add(triple)
    for old, new in marked:
        copy.remove(old)
        copy.add(new)
    return copy


def with_ontology(data: Graph) -> Graph:
    """A new graph: the data (ill-typed literals marked) and the whole ontology.

    The same union the compiled engine's store holds. pySHACL's own `ont_graph` mixing is not used: it
    deep-copies every owl:NamedIndividual by following its links recursively, which on this ontology's
    linked individuals (term kinds, registries, route mappings) runs for many minutes on one description."""
    merged = Graph()
    for triple in with_xsd_lexical_spaces(data):
        merged.add(triple)
    for triple in resources.ontology_graph():
        merged.add(triple)
    return merged


@functools.cache
def _shapes_for_pyshacl() -> Graph:
    """A copy of the bundled shapes: pySHACL adds RDFS/OWL class axioms to the shapes graph it is given, and the
    bundled one is shared (and released) as it is."""
    copy = Graph()
    for triple in resources.shapes_graph():
        copy.add(triple)
    return copy


def run_pyshacl(data: Graph, shapes: Graph | None = None, use_shapes: list | None = None) -> list[RawResult]:
    """The reference engine: plain pySHACL with the bundled shapes, on the data with the ontology merged in."""
    from pyshacl import validate as shacl_validate

    kwargs = {"use_shapes": [str(s) for s in use_shapes]} if use_shapes else {}
    _, results_graph, _ = shacl_validate(
        with_ontology(data), shacl_graph=shapes if shapes is not None else _shapes_for_pyshacl(),
        inference="none", advanced=True, allow_warnings=True, allow_infos=True, inplace=True, **kwargs)
    return results_from_pyshacl(results_graph)


def validate_store(store: ox.Store, data: Graph | None = None, focus_nodes: dict | None = None,
                   as_rdflib: RdflibTerms | None = None) -> list[RawResult]:
    """All results for the data in `store` (which must also hold the ontology)."""
    compiled = bundled_compiled_shapes()
    results = run_compiled(store, compiled, focus_nodes, as_rdflib)
    if compiled.fallback:
        if data is None:
            from evkg.io.rdf import to_rdflib

            data = Graph()
            for quad in store.quads_for_pattern(None, None, None, DATA_GRAPH):
                data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        results.extend(run_pyshacl(data, use_shapes=compiled.fallback))
    return results

