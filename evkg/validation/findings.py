"""One finding for one mistake: where several checks fail the same value of a submission, the report keeps the
check that says most, and a check made of several shapes reports one value once."""
from __future__ import annotations

import dataclasses
import re

from evkg.validation.literals import ILL_TYPED_SHAPE
from evkg.validation.terms import NOT_INDEXED, TERM_CHECK_SHAPES, UNKNOWN_TERM_SHAPE


def one_finding_per_mistake(results: list) -> list:
    """One finding for one wrong value: a term check that knows the term is wrong (TERM-03..06) says more than
    the shape that only sees a bad pattern or node kind on the same value, so it stands alone; a term the index
    does not hold (TERM-02, a warning that it cannot be verified) gives way to a shape that rejects the value
    (a disease written as a DOID term is still a violation); an unknown evkg term (TERM-01) on a value another
    check already rejects lends that finding its did-you-mean instead of being a second finding; and a shape
    that fails one value by two of its constraints reports it once."""
    results = list(dict.fromkeys(results))
    by_value: dict = {}
    for result in results:
        if result.value is not None and result.path is not None:
            by_value.setdefault((result.focus, result.path, result.value), []).append(result)
    dropped, replaced = set(), {}
    decisive = {str(s) for s in TERM_CHECK_SHAPES - {NOT_INDEXED}}
    term_shapes = {str(s) for s in TERM_CHECK_SHAPES}
    for group in by_value.values():
        if len(group) < 2:
            continue
        shape_checks = [r for r in group if r.shape not in term_shapes and r.shape != str(UNKNOWN_TERM_SHAPE)]
        if any(r.shape != str(ILL_TYPED_SHAPE) for r in shape_checks):   # the property's own check says more
            dropped.update(r for r in shape_checks if r.shape == str(ILL_TYPED_SHAPE))
            shape_checks = [r for r in shape_checks if r.shape != str(ILL_TYPED_SHAPE)]
        if any(r.shape in decisive for r in group):
            dropped.update(shape_checks)
            dropped.update(r for r in group if r.shape == str(NOT_INDEXED))
        elif shape_checks:
            dropped.update(r for r in group if r.shape == str(NOT_INDEXED))
        unknown = [r for r in group if r.shape == str(UNKNOWN_TERM_SHAPE)]
        others = [r for r in group if r.shape != str(UNKNOWN_TERM_SHAPE) and r not in dropped]
        if unknown and others:
            hint = unknown[0].message.partition("Did you mean")[2]
            dropped.update(unknown)
            for other in others:
                if hint and "Did you mean" not in other.message:
                    # a sentence both messages carry (how a unit is written in evkg) is said once
                    told = [s for s in re.split(r"(?<=[.?!])\s+", f"Did you mean{hint}".strip())
                            if s and s not in other.message]
                    replaced[other] = dataclasses.replace(other, message=" ".join([other.message, *told]))
    kept, seen = [], set()
    for result in (replaced.get(r, r) for r in results if r not in dropped):
        key = (result.focus, result.path, result.value, result.shape)
        if result.value is not None and key in seen:
            continue                  # one shape failing a value twice (its datatype and its range): said once
        seen.add(key)
        kept.append(result)
    return _missing_fact_beside_its_misspelt_key(_one_per_check(kept))


def _missing_fact_beside_its_misspelt_key(results: list) -> list:
    """A required fact reported missing on a node that carries a misspelt key close to it (`lable:` beside a
    missing name) says so: the two findings are one mistake, told apart by severity and line."""
    from evkg.core.namespaces import EVKG
    from evkg.validation.terms import closest_evkg_names

    meant: dict = {}                         # (focus, property IRI) -> the misspelt keys that may mean it
    for typo in results:
        if typo.shape != str(UNKNOWN_TERM_SHAPE) or typo.path is not None or typo.value_term is None:
            continue
        local = str(typo.value_term)[len(str(EVKG)):]
        for name in closest_evkg_names(local, None, as_property=True):
            meant.setdefault((typo.focus, _expanded(name)), []).append(f"evkg:{local}")
    if not meant:
        return results
    told = []
    for result in results:
        keys = meant.get((result.focus, result.path)) if result.value is None else None
        if keys:
            result = dataclasses.replace(result, message=f"{result.message} The key {' or '.join(keys)} given "
                                         f"here is not part of the vocabulary: if it is meant as this fact, "
                                         f"correct its spelling.")
        told.append(result)
    return told


def _expanded(prefixed: str) -> str:
    from evkg.core.namespaces import EVKG
    from evkg.io.context import bundled_context

    prefix, _, local = prefixed.partition(":")
    base = str(EVKG) if prefix == "evkg" else bundled_context()["@context"].get(prefix)
    return f"{base}{local}" if isinstance(base, str) else prefixed


def _one_per_check(results: list) -> list:
    """Two shapes of one check (same id and severity) failing the same value, such as S-unit's form and its
    declared-unit test on `unit: µm`, are one mistake: the finding that says more (the longer message) stays."""
    best: dict = {}
    for result in results:
        if result.value is not None and result.constraint_id:
            key = (result.focus, result.path, result.value, result.constraint_id, result.severity)
            if key not in best or len(result.message) > len(best[key].message):
                best[key] = result
    return [r for r in results if r.value is None or not r.constraint_id
            or best[(r.focus, r.path, r.value, r.constraint_id, r.severity)] is r]
