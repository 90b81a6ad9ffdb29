"""The ids a YAML or JSON description gives its blocks: which ones can name a node, and that each names one.

An id names the node a block describes. It is refused, at its line and with a hint, when the JSON-LD reader
would drop it or make it name something else than the writer meant:

- an empty id, or one that is not text (a number, true/false, null, a list or a block): the reader drops it
  and the block becomes an anonymous node with a new random name on every run. A number is refused rather
  than read as text, because YAML has already turned what was written into a value (``007`` is 7, ``1e3`` is
  1000.0), so the name would silently differ from the file;
- an id with spaces or characters an IRI cannot hold, or one that leaves the product namespace ('..', a
  leading '/');
- an id that expands into the evkg vocabulary (``evkg:Treatment``) or into an ontology or other vocabulary the
  context has a prefix for (``CL:0002570``, ``uniprot:P08962``), on a block that states facts: those facts
  would be said of the term itself. A bare reference (``{id: CL:0002570}``, nothing else) stays allowed;
- the same id on two blocks that both state facts: the reader would merge them into one node.
"""
from __future__ import annotations

import re

from evkg.core.errors import InputError
from evkg.core.namespaces import EVD

_NOT_IN_IRI = re.compile(r'[\s<>"{}|\\^`]')
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_NOT_BLOCK_KEYS = {"@id", "@context"}


def _kind_of(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"the true/false value {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "a block of keys"


class BlockIds:
    """Checks each written id and remembers which block stated facts about which node."""

    def __init__(self, context: dict, tree, base: str, source_name: str):
        self.tree = tree
        self.base = base
        self.source_name = source_name
        self.aliases = {k for k, v in context.items() if v == "@id"}
        self.blocks: dict[str, tuple[str | None, int | None]] = {}     # IRI -> (id as written, line)
        self.vocabularies = sorted(
            ((prefix, target) for prefix, target in _prefixes(context) if not target.startswith(str(EVD))),
            key=lambda item: -len(item[1]))

    def _where(self, node: dict, key: str | None) -> tuple[int | None, int | None]:
        if key is not None and (id(node), key) in self.tree.key_positions:
            return self.tree.key_positions[(id(node), key)]
        return self.tree.positions.get(id(node), (None, None))

    def _refuse(self, node: dict, id_key: str, message: str, hint: str) -> InputError:
        line, column = self._where(node, id_key)
        return InputError(message, path=self.source_name, line=line, column=column, hint=hint)

    def describes(self, node: dict) -> bool:
        """Whether a block states facts (has keys besides its id), rather than only referring to a node."""
        return any(key not in _NOT_BLOCK_KEYS and key not in self.aliases for key in node)

    def check(self, node: dict, id_key: str, expand) -> str:
        """The IRI a written id names, after refusing one that cannot name the block's node."""
        written = node[id_key]
        if not isinstance(written, str) or not written.strip():
            kind = "empty" if written is None or isinstance(written, str) else _kind_of(written)
            if kind == "empty":
                message = "has an empty id, so the block has no name of its own."
            else:
                message = f"has {kind} as its id; an id must be a name written as text."
            hint = ("Give the block a name made of letters, digits and '-', e.g. 'id: my-product'"
                    + (f" or 'id: batch-{written}'" if kind.startswith("the number") else "")
                    + "; a nested block may also leave 'id' out, and evkg names it by its place.")
            raise self._refuse(node, id_key, message, hint)
        absolute = bool(_ABSOLUTE.match(written))
        suggestion = re.sub(r"[^A-Za-z0-9._~/-]+", "-", written.strip()).strip("-./") or "my-product"
        if written != written.strip() or _NOT_IN_IRI.search(written):
            what = "spaces" if re.search(r"\s", written) else "characters an identifier may not hold"
            raise self._refuse(node, id_key, f"has the id {written!r}, which contains {what}.",
                               f"Use letters, digits and '-' only, e.g. 'id: {suggestion}'.")
        if not absolute and (written.startswith("/") or {".", ".."} & set(written.split("/"))):
            raise self._refuse(node, id_key, f"has the id {written!r}, which points outside the product "
                               f"namespace ({self.base}).",
                               f"Give a plain name such as 'id: {suggestion.replace('/', '-')}', or a full "
                               "IRI such as 'id: http://example.org/my-product'.")
        iri = expand(written)
        if self.describes(node):
            vocabulary = next(((p, t) for p, t in self.vocabularies if iri.startswith(t)), None)
            if vocabulary is not None:
                prefix, target = vocabulary
                what = ("a term of the evkg vocabulary" if prefix == "evkg"
                        else f"a term of an ontology or vocabulary ({prefix}: {target})")
                raise self._refuse(
                    node, id_key, f"has the id {written!r}, which names {what}, not your product or one of "
                    "its parts: every fact of this block would be said of that term.",
                    "Use a plain name of your own, e.g. 'id: my-product' (a nested block may leave 'id' out); "
                    "to refer to the term, give it as the value of a key (e.g. 'intendedUse: Treatment' or "
                    "'producerCellType: CL:0002570').")
        return iri

    def claim(self, node: dict, id_key: str | None, iri: str | None) -> None:
        """Remember a block that states facts about `iri`; refuse a second such block with the same id."""
        if iri is None or not self.describes(node):
            return
        written = node[id_key] if id_key is not None else None
        line = self._where(node, id_key)[0]
        if iri not in self.blocks:
            self.blocks[iri] = (written, line)
            return
        first_written, first_line = self.blocks[iri]
        shown = written or first_written or iri
        lines = (f", at lines {first_line} and {line}" if first_line is not None and line is not None else "")
        raise self._refuse(
            node, id_key, f"gives the id {shown!r} to two blocks{lines}; their facts would be merged into one "
            "node.", "Give each block its own id, or leave the nested ones without an id (evkg names them by "
            "their place); to point to a block described elsewhere, write only its id (e.g. "
            f"'{{id: {shown}}}').")


def _prefixes(context: dict):
    """(prefix, namespace IRI) for every prefix the context defines."""
    for key, value in context.items():
        if key.startswith("@"):
            continue
        if isinstance(value, str) and _ABSOLUTE.match(value):
            yield key, value
        elif isinstance(value, dict) and value.get("@prefix") and isinstance(value.get("@id"), str) \
                and _ABSOLUTE.match(value["@id"]):
            yield key, value["@id"]
