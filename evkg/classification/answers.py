"""Answers the rules did not give: undecided questions with the facts that could decide them, products out
of scope, and contradictions between settled answers."""
from __future__ import annotations

import functools
import re

from rdflib.namespace import DCTERMS, RDF

from evkg.classification.counterfactual import WhatCouldDecide
from evkg.classification.knowledge import Rule, _local, label_of, source_info
from evkg.classification.outcomes import (
    _IN_SCOPE,
    EVKG_NS,
    JURISDICTION_NS,
    RANK_STATUS,
    ConsistencyError,
    Outcome,
    _nt,
    _outcome_iri,
    _value,
)
from evkg.core.intended_use import DISEASE_CLAIM, INTENDED_USE
from evkg.core.lexical import XSD as _XSD
from evkg.core.namespaces import EVD


def _asked_questions(run, in_scope: list[str], answered: dict) -> dict[str, set | None]:
    """question -> products it is asked for (None: every product). For a question every product has
    answered, who it is asked for is not looked up."""
    asked: dict[str, set | None] = {}
    for q in run.kb.questions.values():
        if q.jurisdiction not in run.jurisdictions:
            continue
        if q.asked_when is None:
            asked[q.iri] = None
        elif all(q.iri in answered.get(product, ()) for product in in_scope):
            asked[q.iri] = set()
        else:
            rows = run.store.query(_asked_when_query(run.kb.prefixes, q.asked_when))
            asked[q.iri] = {this.value for (this,) in rows}
    return asked


@functools.lru_cache(maxsize=64)
def _asked_when_query(prefixes: str, asked_when: str) -> str:
    """The products a question is asked for, in the form Oxigraph evaluates fastest (evkg.core.sparql_rewrite:
    negations that start from the product become MINUS; same rows)."""
    from evkg.core.sparql_rewrite import rewrite_for_oxigraph

    return rewrite_for_oxigraph(prefixes + f"SELECT DISTINCT ?this WHERE {{ ?this <{_IN_SCOPE.value}> true . "
                                           f"{asked_when} }}")


# Who answers a question the rules leave open, per jurisdiction.
_AUTHORITY = {
    "EU": "the competent authority (for ATMP questions, a CAT classification under Art. 17 of Regulation (EC) "
          "No 1394/2007)",
    "US": "FDA (a request for designation under 21 CFR 3.7)",
    "KR": "the Ministry of Food and Drug Safety (MFDS)",
}


def _undecided(run, in_scope: list[str], answered: dict, triples: set) -> list[Outcome]:
    kb = run.kb
    rules_by_question: dict[str, list[Rule]] = {}
    for rule in run.active_rules():
        if rule.agency:
            continue
        for q in rule.questions:
            rules_by_question.setdefault(q, []).append(rule)
    concluded_categories: dict[str, set] = {}
    for o in run.index.outcomes():
        concluded_categories.setdefault(run.index.product[o], set()).add(run.index.category[o])

    def assumed_categories(product: str, rule: Rule) -> set | None:
        """Categories the rule needs that a later answer could still bring; None if a gate answered otherwise."""
        have = concluded_categories.get(product, set())
        open_, closed = set(), 0
        for category in rule.needs_categories:
            if category in have:
                continue
            if any(q in answered.get(product, set()) for q in kb.category_questions.get(category, ())):
                closed += 1
            else:
                open_.add(category)
        if rule.any_premise:
            if any(c in have for c in rule.needs_categories):
                return set()
            return open_ if open_ else None
        return None if closed else open_

    def gates(product: str, rule: Rule, assumed: set, visiting: frozenset):
        for category in sorted(assumed):
            for q in sorted(kb.category_questions.get(category, ())):
                if q not in visiting and q not in answered.get(product, set()):
                    yield q

    # 1. every rule that waits, directly or through an open gate, for each undecided question
    asked = _asked_questions(run, in_scope, answered)
    wanted = [(product, q) for product in in_scope for q in sorted(asked)
              if (asked[q] is None or product in asked[q]) and q not in answered.get(product, set())]
    pairs: dict[tuple, tuple] = {}

    def collect(product: str, question: str, visiting: frozenset) -> None:
        for rule in rules_by_question.get(question, []):
            if (product, rule.iri) in pairs:
                continue
            assumed = assumed_categories(product, rule)
            if assumed is None:
                continue
            lacking = [f for f in rule.needs_facts if run.stated.lacks(product, f)]
            pairs[(product, rule.iri)] = (product, rule, lacking, assumed)
            for q in gates(product, rule, assumed, visiting):
                collect(product, q, visiting | {q})

    for product, q in wanted:
        collect(product, q, frozenset({q}))
    # 2. try them on copies of the descriptions: which could fire, and on which missing facts
    deciders = WhatCouldDecide(run)
    deciders.evaluate(list(pairs.values()))

    # 3. a fact is missing for a question when stating it could let a rule for it (or for an open gate) fire
    remembered: dict = {}

    def missing_for(product: str, question: str, visiting: frozenset) -> dict[str, set]:
        key = (product, question, visiting)
        if key not in remembered:
            remembered[key] = _missing_for(product, question, visiting)
        return {prop: set(rules) for prop, rules in remembered[key].items()}

    def _missing_for(product: str, question: str, visiting: frozenset) -> dict[str, set]:
        missing: dict[str, set] = {}
        for rule in rules_by_question.get(question, []):
            if (product, rule.iri) not in pairs:
                continue
            possible, relevant = deciders.result(product, rule)
            if not possible:
                continue
            for prop in relevant:
                missing.setdefault(prop, set()).add(rule.id)
            for q in gates(product, rule, pairs[(product, rule.iri)][3], visiting):
                for prop, waiting in missing_for(product, q, visiting | {q}).items():
                    missing.setdefault(prop, set()).update(waiting | {rule.id})
        return missing

    # each product's own undecided and contested outcomes, looked up once instead of per question
    undecided_by_product: dict[str, list] = {}
    contested_by_product: dict[str, list] = {}
    index = run.index
    for o in sorted(index.outcomes()):
        if index.category[o] == EVKG_NS + "Undecided":
            undecided_by_product.setdefault(index.product[o], []).append(o)
    for o in sorted(index.alternatives):
        if o in index.product and RANK_STATUS.get(run.effective.get(o)) == "contested":
            contested_by_product.setdefault(index.product[o], []).append(o)
    outcomes = []
    for product, q_iri in wanted:
        question = kb.questions[q_iri]
        missing = missing_for(product, q_iri, frozenset({q_iri}))
        not_reported = run.stated.not_reported(product)
        iri = _outcome_iri(product, "UNDECIDED", _local(q_iri))
        node = _nt(iri)
        triples.update({
            (node, _nt(str(RDF.type)), _nt(EVKG_NS + "ClassificationOutcome")),
            (node, _nt(EVKG_NS + "ofProduct"), _nt(product)),
            (node, _nt(EVKG_NS + "jurisdiction"), _nt(JURISDICTION_NS + question.jurisdiction)),
            (node, _nt(EVKG_NS + "category"), _nt(EVKG_NS + "Undecided")),
            (node, _nt(EVKG_NS + "question"), _nt(q_iri)),
        })
        for prop in missing:
            triples.add((node, _nt(EVKG_NS + "missingFact"), _nt(prop)))
        gate = (_contested_gate(run, product, rules_by_question.get(q_iri, []), contested_by_product.get(product, ()))
                or _open_gate(run, product, rules_by_question.get(q_iri, []), undecided_by_product.get(product, ())))
        sources: list = []
        if not missing and gate:
            # a rule records that the law leaves the answer open (contested, or left to the authority): say so
            # with that rule's sources
            why, sources = gate
            rationale = f"{why} Ask {_AUTHORITY.get(question.jurisdiction, 'the competent authority')}."
        elif not missing:
            # nothing recorded says the law is silent: it is evkg's rules (or an overlay's) that do not decide
            rules = "the rules of this rule set" if kb.changes else "evkg's rules"
            limit = (f"that is a limit of {rules}, not a finding that the law is silent: the authority decides. Ask "
                     f"{_AUTHORITY.get(question.jurisdiction, 'the competent authority')}.")
            needed = [f for rule in rules_by_question.get(q_iri, []) for f in rule.needs_facts]
            vague = run.stated.catch_all_words(product, needed)
            length = _protein_length_hint(run, product, needed, not_reported) if vague else ""
            if vague:       # the description, not the rules, may be what is silent
                alone = " on its own" if length else ""
                # a length the rules would read is a fact that could change it
                unchangeable = "" if length else ", and no missing fact could change that"
                rationale = (f"No rule answers this question for the facts as stated{unchangeable}: the description "
                             f"gives {'; '.join(vague)}, which no rule can place{alone}. If a more specific value "
                             f"fits, give it{length}; if none does, {limit}")
            else:
                rationale = (f"No rule answers this question for the facts as stated, and no missing fact could "
                             f"change that; {limit}")
        elif set(missing) <= not_reported:
            rationale = ("The sources consulted do not report the facts listed, so no rule can answer this "
                         "question yet.")
        elif any(run.stated.undefined_values(product, prop) or run.stated.ill_typed_values(product, prop)
                 for prop in missing):
            rationale = ("No rule could answer this question because the description lacks the facts listed, "
                         "or states them with values no rule can read (a name the evkg vocabulary does not "
                         "define, or text where a term, true or false, or a number is needed).")
        else:
            rationale = "No rule could answer this question because the description lacks the facts listed."
        outcomes.append(Outcome(
            iri=iri, product=product, jurisdiction=question.jurisdiction, question=q_iri,
            question_label=question.label, category=EVKG_NS + "Undecided",
            category_label=label_of(EVKG_NS + "Undecided") or "undecided", status="undecided",
            rationale=rationale,
            missing=[_missing_entry(run, kb, product, prop, not_reported, missing[prop])
                     for prop in sorted(missing, key=lambda p: label_of(p) or p)],
            other_derivations=[], premises=[], sources=sources,
        ))
    return outcomes


def _gate_sources(rule) -> tuple[str, list]:
    """The legal sources of the rule that leaves an answer open: in words for the rationale, and as entries."""
    sources = [source_info(s) for s in (rule.sources if rule else ())]
    return "; ".join(s["label"] for s in sources), sources


def _contested_gate(run, product: str, rules: list, contested: list) -> tuple[str, list] | None:
    """Why a question no missing fact can decide is open when the answer it waits for is only the alternative
    reading of a contested answer (EU-31 waits for a biological medicinal product, which EU-06 offers only as
    an alternative): that contested answer in words, with the contested rule's sources, or None. `contested`:
    the product's contested outcomes with alternatives, in IRI order."""
    index = run.index
    needed: dict[str, set] = {}
    for rule in rules:
        for c in rule.needs_categories:
            needed.setdefault(c, set()).add(rule.id)
    ancestors = run.kb.category_ancestors or {}

    def brings(reading: str) -> set:       # a non-biologic drug is also not a biological product
        return set(needed) & ({reading} | ancestors.get(reading, frozenset()))

    for o in contested:
        for category in sorted(a for a in index.alternatives[o] if brings(a)):
            contested_rule = run.kb.rules_by_iri.get(index.rule.get(o, ""))
            asked = sorted(label_of(q) for q in index.questions.get(o, ()))
            readings = " or ".join([label_of(index.category[o])] +
                                   sorted(label_of(a) for a in index.alternatives[o]))
            waiting = sorted(set().union(*(needed[c] for c in brings(category))))
            cited, sources = _gate_sources(contested_rule)
            return (f"It turns on a contested answer{' to ' + repr(asked[0]) if asked else ''}: {readings} "
                    f"({contested_rule.id if contested_rule else '?'}, contested{': ' + cited if cited else ''}), the "
                    f"law being read both ways. Only under the reading '{label_of(category)}' would "
                    f"{', '.join(waiting)} answer this question.", sources)
    return None


def _protein_length_hint(run, product: str, needed: list, not_reported: set) -> str:
    """An extracted protein is written 'other substance' with its length: the rules read the length of such a
    substance (above 40 amino acids a protein, 21 CFR 600.3(h)(6)), so without one the catch-all alone is not
    what leaves the question open. A polysaccharide given to raise immunity has a kind of its own."""
    length, at_least = EVKG_NS + "lengthAminoAcids", EVKG_NS + "minimumLengthAminoAcids"
    stated = run.stated.facts.get(product, {})
    kinds = {getattr(v, "value", None) for v in stated.get(EVKG_NS + "cargoKind", ())}
    if (EVKG_NS + "OtherSubstanceKind" not in kinds or length not in needed
            or stated.get(length) or stated.get(at_least)):
        return ""
    unknown = ", which the sources consulted do not report" if length in not_reported else ""
    return (f"; if it is a protein or peptide, give its length in amino acids (lengthAminoAcids, or "
            f"minimumLengthAminoAcids for a lower bound){unknown}: above 40 the rules place it as a protein; a "
            f"polysaccharide given to raise an immune response, such as a capsular polysaccharide in a vaccine, is "
            f"the kind PolysaccharideAntigen")


def _open_gate(run, product: str, rules: list, undecided: list) -> tuple[str, list] | None:
    """Why a question no missing fact can decide is open when the answer it waits for was left open by a rule
    (KR-02 waits for an EV therapy product, which KR-03 leaves open for plant vesicles): that rule, its reason
    and its sources, or None. `undecided`: the product's undecided outcomes, in IRI order."""
    index = run.index
    for rule in rules:
        for category in rule.needs_categories:
            gate_questions = set(run.kb.category_questions.get(category, ()))
            for o in undecided:
                if not index.questions.get(o, set()) & gate_questions:
                    continue
                leaving = run.kb.rules_by_iri.get(index.rule[o])
                asked = sorted(label_of(q) for q in index.questions[o] & gate_questions)
                waiting = sorted({r.id for r in rules if category in r.needs_categories}, key=_rule_sort_key)
                why = f"{leaving.label[:1].lower()}{leaving.label[1:]}" if leaving and leaving.label else ""
                cited, sources = _gate_sources(leaving)
                said = "; ".join(filter(None, [why, f"source: {cited}" if cited else ""]))
                return (f"It waits for the answer to {asked[0]!r}, which {leaving.id if leaving else 'a rule'} "
                        f"leaves open{f' ({said})' if said else ''}. Only if that answer were "
                        f"'{label_of(category)}' would {', '.join(waiting)} answer this question.", sources)
    return None


def _parts_not_reporting(run, product: str, prop: str) -> list[str]:
    """The named parts of the product (a cargo item, a vesicle preparation or its source) that mark `prop` as
    not reported: with two cargo items, 'manufacture' alone does not say whose is unknown."""
    rows = run.store.query(f"""
        SELECT DISTINCT ?label WHERE {{
          {{ <{product}> ?a ?part }} UNION {{ <{product}> ?a ?step . ?step ?b ?part }}
          ?part <{EVKG_NS}notReported> <{prop}> ; <http://www.w3.org/2000/01/rdf-schema#label> ?label .
          FILTER(?part != <{product}>)
        }}""", use_default_graph_as_union=True)
    return sorted(row[0].value for row in rows)


def _missing_entry(run, kb, product: str, prop: str, not_reported: set, rules) -> dict:
    parts = _parts_not_reporting(run, product, prop) if prop in not_reported else []
    return {"property": prop, "label": label_of(prop),
            "prompt": _missing_prompt(run, kb, product, prop, not_reported, parts),
            "not_reported": prop in not_reported, "of": parts, "rules": sorted(rules, key=_rule_sort_key)}


_DATATYPE_WORDS = {_XSD + "boolean": "true or false", _XSD + "decimal": "a number", _XSD + "double": "a number",
                   _XSD + "float": "a number", _XSD + "integer": "a whole number",
                   _XSD + "nonNegativeInteger": "a whole number", _XSD + "positiveInteger": "a whole number",
                   _XSD + "int": "a whole number", _XSD + "long": "a whole number",
                   _XSD + "date": "a date (2024-05-31)", _XSD + "dateTime": "a date and time", _XSD + "gYear": "a year"}


def _missing_prompt(run, kb, product: str, prop: str, not_reported: set, parts=()) -> str:
    if prop in not_reported:
        whose = f" (of {'; '.join(parts)})" if parts else ""
        return f"Not reported by the source: {label_of(prop)}{whose}."
    prompt = kb.prompts.get(prop) or f"State {label_of(prop)}."
    undefined = run.stated.undefined_values(product, prop)
    if undefined:
        from evkg.core.safe_text import ascii_name

        stated = ", ".join(map(ascii_name, undefined))          # a look-alike letter shown as an escape
        return (f"The value stated ({stated}) is not a term of the evkg vocabulary, so no rule "
                f"can read it (see the validation finding on {_local(prop)}). {prompt}")
    unreadable = run.stated.ill_typed_values(product, prop)
    if unreadable:
        from evkg.core.safe_text import ascii_name, shortened

        stated = " and ".join(f'"{ascii_name(shortened(text, 60))}", is not '
                              f'{_DATATYPE_WORDS.get(datatype, "a value of its datatype")}'
                              for text, datatype in unreadable)
        return (f"The value stated, {stated}, so no rule can read it (see the validation finding on "
                f"{_local(prop)}). {prompt}")
    stated = run.stated.facts.get(product, {})
    if prop == INTENDED_USE and stated.get(prop):
        # a use is stated, but only non-medical ones, and a disease claim (V-13) or the route (V-14) makes it a medicine
        claimed = any(_value(v) in ("true", "1") for v in stated.get(DISEASE_CLAIM, ()))
        why = "a disease claim (finding V-13)" if claimed else "the route (finding V-14)"
        return (f"The uses stated are all non-medical, yet {why} makes the product a medicine all the same: add the "
                f"medical use it is given for. {prompt}")
    return prompt


_SCOPE_SOURCES = {"EU": str(EVD) + "act/eu-dir-2001-83/art-1-2",
                  "US": str(EVD) + "act/us-fdca/201-g-1",
                  "KR": str(EVD) + "act/kr-mfds-ev-guideline-2024"}


_HUMAN_ORIGIN_BANNED_IN_COSMETICS = str(EVD) + "act/eu-reg-1223-2009/annex-ii-416"


def _of_human_origin(run, products: list[str]) -> set[str]:
    """The products with vesicles of human origin."""
    if not products:
        return set()
    values = " ".join(f"<{p}>" for p in products)
    rows = run.store.query(f"SELECT DISTINCT ?p WHERE {{ VALUES ?p {{ {values} }} "
                           f"?p <{EVKG_NS}hasEVComponent>/<{EVKG_NS}evOriginKind> <{EVKG_NS}HumanOrigin> }}")
    return {row[0].value for row in rows}


_COSMETIC_BOUNDARY = {
    "US": ("If it is a cosmetic (put on the body to clean or beautify it or alter its appearance): one also meant to "
           "affect the structure or a function of the body, for example to reduce melanin or build collagen, is a "
           "drug as well, so state such a claim as a medical intended use.", str(EVD) + "act/us-fdca/201-i"),
    "KR": ("If it is a cosmetic: a cosmetic has only a mild action on the skin or hair; an article that is a drug "
           "(used against disease, or meant to act pharmacologically on the body's structure or function) is not "
           "a cosmetic, so state such a claim as a medical intended use.", str(EVD) + "act/kr-cosmetics-act/art-2-1"),
}


# a product meant only for animals: human medicinal-product law does not apply, veterinary law does
_VETERINARY_SOURCES = {"EU": (str(EVD) + "act/eu-dir-2001-83/art-1-2", str(EVD) + "act/eu-reg-2019-6/art-4-1"),
                       "US": (str(EVD) + "act/us-phs-act-351/351-i", str(EVD) + "act/us-fdca/201-v",
                              str(EVD) + "act/us-virus-serum-toxin-act"),
                       "KR": (str(EVD) + "act/kr-pharmaceutical-affairs-act/art-85",)}
_VETERINARY_LAW = {
    "EU": "Medicinal products for human use are those for human beings; a product meant for animals is a veterinary "
          "medicinal product under Regulation (EU) 2019/6.",
    "US": "A biological product under PHS Act 351 is one for a human disease or condition; a product meant for "
          "animals is a new animal drug needing FDA approval (Center for Veterinary Medicine), or, as a vaccine or "
          "other virus, serum, toxin or analogous product, a veterinary biologic licensed by the Department of "
          "Agriculture.",
    "KR": "Drugs for animal use (veterinary drugs) fall under the Minister of Agriculture, Food and Rural Affairs (Animal and Plant "
          "Quarantine Agency), not under the Ministry of Food and Drug Safety, whose EV guideline is for medicines "
          "for people.",
}


def _out_of_scope(run, products: list[str], triples: set) -> list[Outcome]:
    outcomes = []
    human = _of_human_origin(run, products) if "EU" in run.jurisdictions else set()
    veterinary = run.for_animals
    for product in products:
        for jurisdiction in run.jurisdictions:
            rule_id = f"SCOPE-{jurisdiction}"
            iri = _outcome_iri(product, rule_id, "OutOfScope")
            node = _nt(iri)
            if product in veterinary:
                outcomes.append(_veterinary(product, jurisdiction, rule_id, iri, triples))
                continue
            source = _SCOPE_SOURCES[jurisdiction]
            sources = [source_info(source)]
            rationale = ("Every intended use stated is non-medical (cosmetic, food, research), no disease claim is "
                         "made and the product is put on the skin or taken by mouth, if a route is given, so no "
                         "medicinal-product question is asked, nor the facts and tests only a medicinal product "
                         "needs. Add a medical intended use if the product is presented or studied for a disease.")
            if jurisdiction == "EU" and product in human:
                # the non-medical use a reader most likely means is closed to these vesicles
                rationale += (" Note that vesicles of human origin cannot be a cosmetic in the EU: products of "
                              "human origin are on the list of substances banned from cosmetic products.")
                sources.append(source_info(_HUMAN_ORIGIN_BANNED_IN_COSMETICS))
                triples.add((node, _nt(str(DCTERMS.source)), _nt(_HUMAN_ORIGIN_BANNED_IN_COSMETICS)))
            if jurisdiction in _COSMETIC_BOUNDARY:
                # where a cosmetic claim stops and a drug begins is what a cosmetic's maker asks next
                boundary_note, boundary_source = _COSMETIC_BOUNDARY[jurisdiction]
                rationale += " " + boundary_note
                sources.append(source_info(boundary_source))
                triples.add((node, _nt(str(DCTERMS.source)), _nt(boundary_source)))
            _add_out_of_scope_triples(triples, node, product, jurisdiction, [source])
            outcomes.append(Outcome(
                iri=iri, product=product, jurisdiction=jurisdiction, question=None, question_label=None,
                category=EVKG_NS + "OutOfScope", category_label=label_of(EVKG_NS + "OutOfScope") or "out of scope",
                status="out-of-scope", rule=rule_id,
                rule_label="Only a non-medical use is stated", rationale=rationale,
                premises=["intended use: non-medical only"], sources=sources))
    return outcomes


def _veterinary(product: str, jurisdiction: str, rule_id: str, iri: str, triples: set) -> Outcome:
    sources = _VETERINARY_SOURCES[jurisdiction]
    _add_out_of_scope_triples(triples, _nt(iri), product, jurisdiction, sources)
    rationale = (f"The product is meant only for animals other than people. {_VETERINARY_LAW[jurisdiction]} evkg "
                 "applies human medicinal-product law, so no classification question is asked, nor the facts and "
                 "tests only a medicine for people needs; the quality characterisation of the vesicles is still "
                 "checked. State target species HumanPatients as well if the product is also meant for people.")
    return Outcome(
        iri=iri, product=product, jurisdiction=jurisdiction, question=None, question_label=None,
        category=EVKG_NS + "OutOfScope", category_label=label_of(EVKG_NS + "OutOfScope") or "out of scope",
        status="out-of-scope", rule=rule_id, rule_label="Meant only for animals: a veterinary product",
        rationale=rationale, premises=["target species: animals other than people only"],
        sources=[source_info(s) for s in sources])


def _add_out_of_scope_triples(triples: set, node, product: str, jurisdiction: str, sources) -> None:
    triples.update({
        (node, _nt(str(RDF.type)), _nt(EVKG_NS + "ClassificationOutcome")),
        (node, _nt(EVKG_NS + "ofProduct"), _nt(product)),
        (node, _nt(EVKG_NS + "jurisdiction"), _nt(JURISDICTION_NS + jurisdiction)),
        (node, _nt(EVKG_NS + "category"), _nt(EVKG_NS + "OutOfScope")),
        (_nt(product), _nt(str(RDF.type)), _nt(EVKG_NS + "OutOfScope")),
    } | {(node, _nt(str(DCTERMS.source)), _nt(source)) for source in sources})


def _contradictions(run, outcomes: list[Outcome]) -> list[ConsistencyError]:
    by_key = {(o.product, o.category): o for o in outcomes if o.status in ("settled", "provisional")}
    errors = []
    for question in sorted(run.kb.questions.values(), key=lambda q: q.iri):
        if question.jurisdiction not in run.jurisdictions:
            continue
        for positive in question.positive:
            for negative in question.negative:
                for product in sorted({p for p, _ in by_key}):
                    yes, no = by_key.get((product, positive)), by_key.get((product, negative))
                    if yes is None or no is None:
                        continue
                    derivations = [(o.rule, o.category_label, o.status, o.premises) for o in (yes, no)]
                    message = (f"{question.jurisdiction}: the description makes this product both "
                               f"'{yes.category_label}' (rule {yes.rule}, because {'; '.join(yes.premises) or '—'}) "
                               f"and '{no.category_label}' (rule {no.rule}, because "
                               f"{'; '.join(no.premises) or '—'}). The stated facts contradict each other or a "
                               f"rule is wrong: check the facts these rules read.")
                    errors.append(ConsistencyError(product=product, jurisdiction=question.jurisdiction,
                                                   question=question.iri, category=positive, opposite=negative,
                                                   derivations=derivations, message=message))
    return errors


@functools.cache
def _rule_sort_key(rule_id: str) -> tuple:
    parts = re.split(r"(\d+)", rule_id)
    return tuple(int(p) if p.isdigit() else p for p in parts)
