"""Read descriptions written as YAML, JSON or JSON-LD through the evkg context, remembering where each fact is.

A YAML or plain JSON description uses the keys and value names of the evkg JSON-LD context
(evkg.io.context), which is applied when the document names no context of its own or names the context's
public address (the bundled copy is used: nothing is fetched); with no context named, a value of a closed list
may be written in any case and spacing (`No Cells`), else JSON-LD reads names exactly. Nested facts without an
``id`` get one from their place (``product:my-ev/hasEVComponent``), so every finding has a stable node to point
to; the SourceMap turns a finding's node and property back into the line and key path the person wrote.

Safety. YAML is read from its event stream (PyYAML's parser, libyaml where installed), never with a constructing
loader: anchors and aliases are refused outright (they are the vehicle of "billion laughs" bombs, and a description
never needs them), as are merge keys (<<), tags, several documents in one file, duplicate keys, nesting deeper than
MAX_DEPTH and more than MAX_NODES values. JSON is depth-checked before json.loads. The scalar rules are YAML 1.2's
core schema (``no``, ``on`` and dates stay text), so a result "no growth" or a batch "2024-01" is never turned into
a boolean or a date behind the writer's back; an infinite or not-a-number value (1e400, .inf, .nan) is refused at
its line. The ids blocks give are checked by evkg.io.ids. The module is longer than 500 lines because the YAML and
JSON readers share this position bookkeeping and these refusals.
"""
from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field

import yaml

from evkg.core.errors import InputError
from evkg.io.context import CONTEXT_URL, bundled_context, loosely_named_value
from evkg.io.ids import BlockIds
from evkg.io.jsonld_terms import refuse_term_loops, refuse_unreadable_ids
from evkg.io.numbers import (TOO_SMALL_HINT, NumberTooLong, WrittenNumber, finite_number_reader, refuse_long_integer,
                              shown_number, vanishes, whole_number_reader)
from evkg.io.yaml_errors import MAX_DEPTH, yaml_error_place

MAX_NODES = 200_000
DEFAULT_BASE = "https://w3id.org/evkg/data/product/"
EMPTY_DESCRIPTION = ("is empty: it holds no description.",)
EMPTY_DESCRIPTION_HINT = "Start from `evkg new`, which writes a commented description to fill in."

_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOAT = {".inf", "-.inf", "+.inf", ".nan", ".Inf", ".NaN", ".INF", ".NAN"}
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
# what no IRI holds (RFC 3987): white space, < > " { } | \ ^ `, control characters, a % without two hex digits
_NOT_IN_AN_IRI = re.compile(r'[\s<>"{}|\\^`\x00-\x1f\x7f]|%(?![0-9A-Fa-f]{2})')
_NUMERIC_TYPES = {"xsd:decimal", "xsd:integer", "xsd:double", "xsd:float", "xsd:nonNegativeInteger",
                  "xsd:positiveInteger"}


# --------------------------------------------------------------------------------------------- positions

@dataclass
class Located:
    line: int
    column: int
    pointer: str           # "/hasEVComponent/markerResult/1/detected": the key path written

    def __str__(self) -> str:
        return f"line {self.line}: {self.words}"

    @property
    def words(self) -> str:
        """The key path as a person reads it: hasEVComponent › markerResult #2 › detected."""
        parts: list[str] = []
        for part in self.pointer.strip("/").split("/"):
            if part.isdigit() and parts:
                parts[-1] += f" #{int(part) + 1}"
            elif part:
                parts.append(part)
        return " › ".join(parts) or "(top)"


@dataclass
class SourceMap:
    """Where each node and each of its keys was written, by node IRI and property IRI."""

    nodes: dict[str, Located] = field(default_factory=dict)
    keys: dict[tuple[str, str], Located] = field(default_factory=dict)
    form: bool = True      # written as a YAML/JSON form (findings then quote values in the form's words)

    def locate(self, focus: str | None, path: str | None, value: str | None = None) -> Located | None:
        if focus is None:
            return None
        for key in (path, value):
            if key is not None and (focus, key) in self.keys:
                return self.keys[(focus, key)]
        node = self.nodes.get(focus)
        if node is None:
            return None
        if path is not None:                 # the key is missing: point to the node it belongs to
            key = path.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            return Located(node.line, node.column, f"{node.pointer}/{key}")
        return node


class _Tree:
    """Values built from YAML events, with the position of every mapping and key."""

    def __init__(self):
        self.positions: dict[int, tuple[int, int]] = {}      # id(dict) -> position of the mapping
        self.key_positions: dict[tuple[int, str], tuple[int, int]] = {}


# --------------------------------------------------------------------------------------------- YAML

def _scalar(event) -> object:
    if event.tag not in (None, "!"):
        raise _refuse(event, f"uses the YAML tag {event.tag!r}; descriptions use plain values only.",
                      "Remove the tag.")
    if event.style or not event.implicit[0]:
        return event.value                       # quoted or block text stays text
    try:
        value = plain_scalar_value(event.value)
    except NumberTooLong as exc:
        raise _refuse(event, exc.reason, exc.hint) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise _refuse(event, f"holds the number {shown_number(event.value)}, a number out of range (infinite or not a number), "
                      "which no fact can take.", "Write a finite number, e.g. 200 or 2.4e11; to keep it as "
                      "text, put it in quotes" + (f" ('{event.value}')." if len(event.value) <= 40 else "."))
    if isinstance(value, float):
        value = WrittenNumber(event.value)
        if vanishes(event.value, value):
            raise _refuse(event, f"holds the number {shown_number(event.value)}, too close to zero for evkg to hold (it would be "
                          "recorded as 0).", TOO_SMALL_HINT)
    return value


def plain_scalar_value(text: str) -> object:
    """The value a plain (unquoted) YAML scalar stands for, by YAML 1.2's core schema (or NumberTooLong)."""
    if text in _NULLS:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if _INT.match(text):
        refuse_long_integer(text)
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if text in _SPECIAL_FLOAT:
        return float(text.replace(".", ""))
    return text


class _Refusal(Exception):
    def __init__(self, message: str, line: int | None, column: int | None, hint: str = ""):
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint


def _refuse(event, message: str, hint: str = "") -> _Refusal:
    mark = getattr(event, "start_mark", None)
    return _Refusal(message, mark.line + 1 if mark else None, mark.column + 1 if mark else None, hint)


def _loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str, source_name: str) -> tuple[object, _Tree]:
    """The single YAML document in ``text`` as plain values, and the positions of its mappings and keys."""
    tree = _Tree()
    stack: list[list] = []          # frames: [container, pending key or None, key event]
    root: list = []
    documents = 0
    nodes = 0
    try:
        for event in yaml.parse(text, Loader=_loader()):
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _refuse(event, "holds more than one YAML document ('---').",
                                  "Describe one product per file, or list several under 'graph:'.")
                continue
            if isinstance(event, yaml.AliasEvent):
                raise _refuse(event, "uses a YAML alias (*name), which evkg does not read.",
                              "Write the value out in full where it is needed.")
            if getattr(event, "anchor", None):
                raise _refuse(event, f"uses a YAML anchor (&{event.anchor}), which evkg does not read.",
                              "Remove the anchor and write each value out in full.")
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                nodes += 1
                if nodes > MAX_NODES:
                    raise _refuse(event, f"holds more than {MAX_NODES:,} values, more than any description needs.",
                                  "Split the file.")
            if isinstance(event, yaml.ScalarEvent):
                _add(stack, root, _scalar(event), event, tree)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                    raise _refuse(event, f"uses the YAML tag {event.tag!r}; descriptions use plain values only.",
                                  "Remove the tag.")
                if len(stack) >= MAX_DEPTH:
                    raise _refuse(event, f"is nested more than {MAX_DEPTH} levels deep.",
                                  "A description needs only a few levels; check the indentation.")
                container: object = {} if isinstance(event, yaml.MappingStartEvent) else []
                if isinstance(container, dict):
                    tree.positions[id(container)] = (event.start_mark.line + 1, event.start_mark.column + 1)
                _add(stack, root, container, event, tree)
                stack.append([container, None, None])
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except _Refusal as exc:
        raise InputError(exc.message, path=source_name, line=exc.line, column=exc.column, hint=exc.hint) from None
    except yaml.MarkedYAMLError as exc:
        mark, reason, hint = yaml_error_place(exc, text)
        raise InputError(f"is not valid YAML: {reason}.", path=source_name,
                         line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                         hint=hint) from None
    except yaml.reader.ReaderError as exc:        # a control character: PyYAML gives only an offset
        before = text[:exc.position]
        raise InputError(f"holds the control character code {exc.character}, which YAML does not allow in text.",
                         path=source_name, line=before.count("\n") + 1, column=len(before.rsplit("\n", 1)[-1]) + 1,
                         hint="Remove it (it is often pasted from a word processor or a PDF along with the text)."
                         ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"is not valid YAML: {exc}.", path=source_name) from None
    if not root:
        raise InputError(*EMPTY_DESCRIPTION, path=source_name, hint=EMPTY_DESCRIPTION_HINT)
    return root[0], tree


def _add(stack: list, root: list, value, event, tree: _Tree) -> None:
    if not stack:
        root.append(value)
        return
    frame = stack[-1]
    container = frame[0]
    if isinstance(container, list):
        container.append(value)
        return
    if frame[1] is None:                              # this value is a key
        if not isinstance(value, str):
            if isinstance(value, (dict, list)) or value is None:
                raise _refuse(event, "has a key that is not a plain name.", "Write each key as a name followed by ':'.")
            value = str(value)
        if value == "<<" and not getattr(event, "style", None):          # plain, not quoted
            raise _refuse(event, "uses a YAML merge key (<<), which evkg does not read.", "Write its keys out here.")
        if value in container:
            raise _refuse(event, f"repeats the key '{value}' in one block.", _repeated_key_hint(container, tree))
        frame[1] = value
        tree.key_positions[(id(container), value)] = (event.start_mark.line + 1, event.start_mark.column + 1)
        return
    container[frame[1]] = value
    frame[1] = None


def _repeated_key_hint(container: dict, tree: _Tree) -> str:
    """A key given twice right after a key left without a value is, as a rule, a line of that key's block not
    indented under it (`hasSource:` then `type:` in the same column)."""
    last = next(reversed(container), None)
    if last is not None and container[last] is None:
        line = tree.key_positions.get((id(container), last), (None,))[0]
        return (f"The key '{last}'{f' at line {line}' if line else ''} has no value, so the lines after it are "
                f"read as keys of the block around it: indent the lines that belong to '{last}' further than "
                f"'{last}' itself (two more spaces).")
    return "Give each key once; list several values under it as '- value' lines."


# --------------------------------------------------------------------------------------------- JSON

# the closing quote is optional, so an unterminated string is consumed once instead of being tried again from
# every later quote (which would make the scan quadratic)
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*+"?', re.DOTALL)   # possessive: no memory per character


def read_json(text: str, source_name: str) -> tuple[object, _Tree]:
    """A JSON document, depth-checked first, with the positions YAML's reader finds (JSON is YAML flow)."""
    skeleton = _JSON_STRING.sub('""', text)
    if skeleton.count(",") + skeleton.count(":") > 2 * MAX_NODES:
        raise InputError(f"holds more than {MAX_NODES:,} values, more than any description needs.",
                         path=source_name, hint="Split the file.")
    depth = deepest = 0
    for char in re.findall(r"[\[\]{}]", skeleton):
        depth += 1 if char in "[{" else -1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                raise InputError(f"is nested more than {MAX_DEPTH} levels deep.", path=source_name,
                                 hint="A description needs only a few levels.")

    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                line, column = _repeated_key_place(text, key)
                raise InputError(f"repeats the key '{key}' in one object.", path=source_name, line=line,
                                 column=column, hint="Give each key once; put several values in a list.")
            seen[key] = value
        return seen

    try:
        finite = finite_number_reader(text, source_name)
        value = json.loads(text, object_pairs_hook=no_duplicates, parse_float=finite, parse_constant=finite,
                           parse_int=whole_number_reader(text, source_name))
    except json.JSONDecodeError as exc:
        from evkg.core.json_reasons import json_problem

        reason, line, column = json_problem(exc)
        raise InputError(f"is not valid JSON: {reason}.", path=source_name, line=line, column=column) from None
    except RecursionError:
        raise InputError("is nested too deeply to read.", path=source_name) from None
    try:
        positioned, tree = read_yaml(text, source_name)
        if positioned == value:
            return positioned, tree
    except InputError:
        pass
    return value, _Tree()


def _repeated_key_place(text: str, key: str) -> tuple[int | None, int | None]:
    """(line, column) of a repeated JSON key, as YAML's reader finds it (JSON is YAML flow); (None, None) when
    that reader cannot follow the text or stops first at another problem."""
    try:
        read_yaml(text, "")
    except InputError as exc:
        if exc.reason == f"repeats the key '{key}' in one block.":
            return exc.line, exc.column
    except Exception:                           # noqa: BLE001  (only a position is lost)
        pass
    return None, None


# --------------------------------------------------------------------------------------------- to JSON-LD

def _uses_evkg_context(document: dict) -> bool | None:
    """True: no context or the evkg one; False: only the document's own inline contexts; None: a remote one."""
    context = document.get("@context")
    if context is None:
        return True
    items = context if isinstance(context, list) else [context]
    remote = [c for c in items if isinstance(c, str)]
    if any(c == CONTEXT_URL or c.rstrip("/") == CONTEXT_URL for c in remote):
        return True
    return None if remote else False


def to_jsonld(document, tree: _Tree, source_name: str, *, allow_remote: bool = False,
              base: str = DEFAULT_BASE, json_ld: bool = False) -> tuple[dict | list, SourceMap | None]:
    """The JSON-LD document to parse, with the evkg context in place and ids given to unnamed nodes.

    A list of node objects at the top is a graph: in a JSON(-LD) file whose nodes use JSON-LD keywords (@id,
    @type, @context) it is read as plain JSON-LD (the form RDF tools write); otherwise, as in YAML, as the nodes
    of a 'graph:' in the evkg context (a JSON list of products written with the keys `evkg new` uses)."""
    if isinstance(document, list) and document and all(isinstance(item, dict) for item in document):
        if json_ld and any(str(key).startswith("@") for item in document for key in item):
            _resolve_evkg_contexts(document)
            _refuse_remote_imports(document, source_name, allow_remote)
            refuse_term_loops(document, source_name, tree.key_positions)
            refuse_unreadable_ids(document, source_name, tree.key_positions)
            return document, None
        document = {"graph": document}
    if document is None or document == {}:               # '---' alone, 'null', '{}'
        raise InputError(*EMPTY_DESCRIPTION, path=source_name, hint=EMPTY_DESCRIPTION_HINT)
    if not isinstance(document, dict):
        kind = "a list of plain values" if isinstance(document, list) else "a single value"
        raise InputError(f"holds {kind} at the top, not a description.", path=source_name,
                         hint="A description is a set of 'key: value' lines for one product "
                              "(see `evkg new`), or a 'graph:' list of such blocks.")
    _resolve_evkg_contexts(document)
    uses = _uses_evkg_context(document)
    if uses is None and not allow_remote:
        remote = next(c for c in (document["@context"] if isinstance(document["@context"], list)
                                  else [document["@context"]]) if isinstance(c, str))
        raise InputError(f"refers to a remote JSON-LD context ({remote}), which evkg does not fetch.",
                         path=source_name,
                         hint=f"Use the evkg context ({CONTEXT_URL}, read from the copy evkg ships), inline "
                              "your context, or pass --allow-remote if you trust that address.")
    _refuse_remote_imports(document, source_name, allow_remote)
    refuse_term_loops(document, source_name, tree.key_positions)
    refuse_unreadable_ids(document, source_name, tree.key_positions)
    if not uses:
        return document, None
    context = bundled_context()["@context"]
    own = document.get("@context")
    extra = [c for c in (own if isinstance(own, list) else [own]) if isinstance(c, dict)] if own else []
    prepared = _Preparer(context, tree, base, source_name, loose_values="@context" not in document)  # JSON-LD: exact
    result = prepared.node(document, None, "")
    result.pop("@context", None)
    result["@context"] = [context, *extra, {"@base": base}]
    return result, prepared.map


def _resolve_evkg_contexts(document) -> None:
    """Replace every mention of the evkg context's public address below the top with the bundled copy."""
    stack = [(document, not isinstance(document, list))]
    while stack:
        node, top = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@context" and not top:
                    items = value if isinstance(value, list) else [value]
                    resolved = [bundled_context()["@context"] if isinstance(i, str) and i.rstrip("/") == CONTEXT_URL
                                else i for i in items]
                    node[key] = resolved if isinstance(value, list) else resolved[0]
                else:
                    stack.append((value, False))
        elif isinstance(node, list):
            stack.extend((item, False) for item in node)


def _refuse_remote_imports(document, source_name: str, allow_remote: bool) -> None:
    if allow_remote:
        return
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "@import" and isinstance(value, str):
                    raise InputError(f"imports a remote JSON-LD context ({value}), which evkg does not fetch.",
                                     path=source_name, hint="Inline that context in the file.")
                if key == "@context" and node is not document:
                    items = value if isinstance(value, list) else [value]
                    for item in items:
                        if isinstance(item, str):
                            raise InputError(f"refers to a remote JSON-LD context ({item}), which evkg does not "
                                             "fetch.", path=source_name, hint="Inline that context in the file.")
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


class _Preparer:
    """Walks a description in the evkg context: numbers to lexical form, ids for unnamed nodes, positions."""

    def __init__(self, context: dict, tree: _Tree, base: str, source_name: str = "input", *, loose_values=False):
        self.context, self.loose_values = context, loose_values
        self.tree = tree
        self.base = base
        self.source_name = source_name
        self.map = SourceMap()
        self.unnamed = 0
        self.aliases = {k for k, v in context.items() if v == "@id"}
        self.ids = BlockIds(context, tree, base, source_name)

    def expand(self, value: str, vocab: bool = False) -> str:
        if value.startswith("_:"):
            return value
        prefix, sep, rest = value.partition(":")
        if sep and rest.startswith("//"):
            return value                                  # an absolute IRI
        if sep:
            entry = self.context.get(prefix)
            target = entry.get("@id") if isinstance(entry, dict) else entry
            if isinstance(target, str) and not target.startswith("@"):
                return self.expand(target, vocab) + rest if ":" in target else target + rest
            return value                                  # an absolute IRI
        if vocab:
            entry = self.context.get(value)
            target = entry.get("@id") if isinstance(entry, dict) else entry
            if isinstance(target, str) and not target.startswith("@"):
                return self.expand(target, False)
            return self.context["@vocab"] + value
        return self.base + value

    def vocab_value(self, key: str, text: str):
        """A string value of an IRI-valued key as the context reads it, except an ontology ID written OBO-style
        (CL_0002570) or in other case (cl:0002570): that term; and text with spaces, or with a character no IRI
        holds: text, for the checks."""
        entry = self.context.get(key)
        scoped = entry.get("@context") if isinstance(entry, dict) else None
        if text in (scoped or {}) or text in self.context:
            return text
        if scoped and self.loose_values and ":" not in text:       # `No Cells`: the one value so named
            if found := loosely_named_value(self.expand(key, vocab=True), text, scoped):
                return found
        prefix, sep, rest = text.partition(":")
        if not (sep and (prefix in self.context or rest.startswith("//"))):
            from evkg.core.identifiers import iri_for_identifier

            iri = iri_for_identifier(text)
            if iri is not None:
                return iri
        if _NOT_IN_AN_IRI.search(text):     # `IL-6>10`, `50%`: text, not a name that would make the file unreadable
            return {"@value": text}
        return text

    def key_iri(self, key: str) -> str:
        if key == "@type" or self.context.get(key) == "@type":
            return "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
        return self.expand(key, vocab=True)

    def node(self, node: dict, parent_iri: str | None, pointer: str, segment: str = "") -> dict:
        out: dict = {}
        id_key = next((k for k in ("@id", *sorted(self.aliases)) if k in node), None)
        if id_key is not None:
            iri = self.ids.check(node, id_key, self.expand)
        elif parent_iri is not None:
            iri = f"{parent_iri}/{segment}"
            out["@id"] = iri
        else:
            self.unnamed += 1
            iri = f"{self.base}unnamed-{self.unnamed}" if not _only_graph(node) else None
            if iri:
                out["@id"] = iri
        self.ids.claim(node, id_key, iri)
        position = self._own_line(node, id_key)
        if iri and iri not in self.map.nodes:
            self.map.nodes[iri] = Located(position[0], position[1], pointer)
        for key, value in node.items():
            key_pointer = f"{pointer}/{key}"
            if not key.startswith("@") and key not in self.context and _NOT_IN_AN_IRI.search(key):
                self._refuse_key_in_words(node, key)
            if key == "@type" or self.context.get(key) == "@type":
                for written in (value if isinstance(value, list) else [value]):
                    if isinstance(written, str) and _NOT_IN_AN_IRI.search(written):
                        self._refuse_key_in_words(node, key, written)
            if iri:
                where = self.tree.key_positions.get((id(node), key), position)
                self.map.keys.setdefault((iri, self.key_iri(key)), Located(where[0], where[1], key_pointer))
            out[key] = self.value(key, value, iri, key_pointer)
        return out

    def _refuse_key_in_words(self, node: dict, key: str, type_written: str | None = None) -> None:
        """A key written in words (`intended use:`), or a type (`type: EV preparation`), names no property or
        class and makes no IRI: said at its line, with the name it stands for, instead of the whole file being
        refused as holding an invalid IRI (a key) or the type being dropped without a word."""
        from difflib import get_close_matches

        from evkg.core.safe_text import shortened, visible
        from evkg.io.context import loose_name

        written = key if type_written is None else type_written
        if type_written is None:
            names = [k for k in self.context if k[:1].isalpha() and k[:1].islower()]
            what, hint = "key", ("Keys are single words in camelCase, as `evkg new` writes them (intendedUse, "
                                 "particleKind); docs/vocabulary.md lists them all.")
        else:
            names = _class_names()
            what, hint = "type", ("Types are evkg class names, written as one word (EVProduct, EVPreparation, "
                                  "CellCultureSource, MarkerResult); docs/vocabulary.md lists them all.")
        loose = {loose_name(n): n for n in names}
        local = loose_name(written if type_written is None else written.removeprefix("evkg:"))
        meant = loose.get(local) or next(iter(get_close_matches(local, loose, 1, 0.8)), None)
        meant = loose.get(meant, meant)
        line, column = self.tree.key_positions.get((id(node), key), (None, None))
        raise InputError(f"has the {what} {shortened(visible(repr(written)), 60)}, which holds a space or a "
                         f"character no {what} of a description has." + (f" Did you mean {meant}?" if meant else ""),
                         path=self.source_name, line=line, column=column, hint=hint)

    def _own_line(self, node: dict, id_key: str | None) -> tuple[int, int]:
        """Where a block names itself (its id, type or label key, the first written): a fact missing from it is
        placed there, not at the '{' of a JSON object, which is line 1 for the product of a JSON file."""
        named = [self.tree.key_positions[(id(node), k)] for k in (id_key, "@type", "type", "label")
                 if k is not None and (id(node), k) in self.tree.key_positions]
        return min(named) if named else self.tree.positions.get(id(node), (1, 1))

    def value(self, key: str, value, iri: str | None, pointer: str, index: int | None = None):
        if key in ("@context",) or (key.startswith("@") and key not in ("@graph",)) or key in self.aliases:
            return value
        if key in ("@graph", "graph") or self.context.get(key) == "@graph":
            items = value if isinstance(value, list) else [value]
            return [self.node(item, None, f"{pointer}/{i}") if isinstance(item, dict) else item
                    for i, item in enumerate(items)]
        if isinstance(value, list):
            return [self.value(key, item, iri, f"{pointer}/{i}", i + 1) for i, item in enumerate(value)]
        if isinstance(value, dict):
            if any(k in value for k in ("@value", "@list", "@set", "@language")):
                return value
            return self.node(value, iri, pointer, key if index is None else f"{key}-{index}")
        coerced = self.context.get(key, {}).get("@type") if isinstance(self.context.get(key), dict) else None
        if coerced == "@vocab" and isinstance(value, str):
            return self.vocab_value(key, value)
        if coerced == "@vocab" and isinstance(value, (bool, int, float)):
            # a number or true/false where a term or block belongs (`organism: 9606`) is no IRI: kept as the text
            # it reads as, so the checks say at its line what the key takes, instead of the file being unreadable
            return {"@value": _written_number(value)}
        if coerced in _NUMERIC_TYPES and isinstance(value, (int, float)) and not isinstance(value, bool):
            return lexical_form(value, coerced)
        return value


@functools.cache
def _class_names() -> list[str]:
    """The local names of the evkg classes: what a `type:` is written as."""
    from rdflib import OWL, RDF

    from evkg.core import resources
    from evkg.core.namespaces import EVKG

    return sorted(str(c)[len(str(EVKG)):] for c in resources.ontology_graph().subjects(RDF.type, OWL.Class)
                  if str(c).startswith(str(EVKG)))


def _written_number(value: bool | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, WrittenNumber):
        return value.text
    return format(value, "g") if isinstance(value, float) else str(value)


def _only_graph(node: dict) -> bool:
    return all(k in ("@graph", "graph", "@context") for k in node)


def lexical_form(number: int | float, datatype: str) -> str:
    """The lexical form of a number for its datatype (xsd:decimal never has an exponent)."""
    if isinstance(number, int):
        return str(number) + (".0" if datatype == "xsd:decimal" else "")
    if datatype in ("xsd:double", "xsd:float"):
        return repr(number)
    from decimal import Decimal

    # every digit as written; a finite non-zero float bounds the exponent, so the form stays about as long as the
    # text (a zero is written 0.0, not with the zeros of 0e-999999)
    written = number.text if isinstance(number, WrittenNumber) and number != 0 else repr(number)
    text = format(Decimal(written), "f")
    return text if "." in text else text + ".0"


def read_structured(text: str, fmt: str, source_name: str, *, allow_remote: bool = False,
                    base: str = DEFAULT_BASE) -> tuple[dict, SourceMap | None]:
    """The JSON-LD document for a YAML, JSON or JSON-LD text, and where its facts were written."""
    document, tree = read_yaml(text, source_name) if fmt == "yaml" else read_json(text, source_name)
    return to_jsonld(document, tree, source_name, allow_remote=allow_remote, base=base, json_ld=fmt != "yaml")
