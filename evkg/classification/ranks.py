"""Status ranks of outcomes: an outcome is as strong as the weakest link of its best-supported premises (the
strongest path), and never stronger than its own rule's status; an overridden outcome ranks as superseded.
"""
from __future__ import annotations

from evkg.classification.outcomes import STATUS_RANK, SUPERSEDED


def rank_plans(outcomes: list[str], index, kb) -> list[tuple]:
    """Per outcome: (outcome, its rule's own rank, its premises grouped by category, whether one premise
    suffices), what ranks() works from."""
    plans = []
    for o in outcomes:
        rule = kb.rules_by_iri.get(index.rule[o])
        own = STATUS_RANK[rule.status] if rule else STATUS_RANK["provisional"]
        groups: dict[str, list] = {}
        for premise in index.premises.get(o, ()):
            if premise in index.category:
                groups.setdefault(index.category[premise], []).append(premise)
        plans.append((o, own, list(groups.values()), bool(rule and rule.any_premise)))
    return plans


def ranks(plans: list[tuple], superseded: dict, count_superseded: bool) -> dict[str, int]:
    """Status rank of each outcome: the weakest link of its best-supported premises (strongest path); with
    `count_superseded`, an outcome in `superseded` ranks as SUPERSEDED.

    Computed as a least fixpoint so that premise links that loop back (a broader category used as a premise
    of the narrower one it came from) can never lend an outcome support it does not have: every rank starts
    below the lowest and only rises, and an outcome is looked at again only when one of its premises rose."""
    rank = {plan[0]: -1 for plan in plans}
    dependents: dict[str, list] = {}
    for plan in plans:
        for group in plan[2]:
            for premise in group:
                dependents.setdefault(premise, []).append(plan)
    waiting = list(reversed(plans))
    queued = {plan[0] for plan in plans}
    while waiting:
        o, own, groups, any_premise = waiting.pop()
        queued.discard(o)
        if count_superseded and o in superseded:
            own = SUPERSEDED
        if groups:
            best = [max(rank.get(p, -1) for p in group) for group in groups]
            support = max(best) if any_premise else min(best)
            value = min(own, support) if support >= 0 else -1
        else:
            value = own
        if value > rank[o]:
            rank[o] = value
            for dependent in dependents.get(o, ()):
                if dependent[0] not in queued:
                    queued.add(dependent[0])
                    waiting.append(dependent)
    return {o: (r if r >= 0 else STATUS_RANK["contested"]) for o, r in rank.items()}
