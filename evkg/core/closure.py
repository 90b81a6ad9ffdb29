"""The nodes reachable from some nodes along links (ancestors of a term, broader categories of a category)."""
from __future__ import annotations


def reachable(starts, links: dict) -> set:
    """`starts` and every node reachable from them through `links` (node -> nodes), cycles included once."""
    found: set = set()
    stack = list(starts)
    while stack:
        node = stack.pop()
        if node not in found:
            found.add(node)
            stack.extend(links.get(node, ()))
    return found
