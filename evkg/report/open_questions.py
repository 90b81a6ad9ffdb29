"""The questions a description leaves open, told once per missing fact: a template with most facts still empty
leaves a dozen questions waiting for the same few facts, and repeating each fact's sentence under every question
made a report of hundreds of lines that hid what to do."""
from __future__ import annotations


def missing_line(missing: dict) -> str:
    """One missing fact in a user's words: the sentence asking for it, or that the source did not report it."""
    if missing.get("not_reported"):
        whose = f" (of {'; '.join(missing['of'])})" if missing.get("of") else ""
        return f"not reported by the source: {missing.get('label')}{whose}"
    return f"add: {missing.get('prompt') or missing.get('label')}"


def waiting_for_facts(outcomes) -> list:
    """The undecided questions that name the facts they wait for."""
    return [o for o in outcomes if o.status == "undecided" and o.missing]


def open_question_lines(waiting: list, indent: str) -> list[str]:
    """The questions, numbered, then each fact they wait for once, with the questions it decides and the rules that
    read it."""
    questions = list(dict.fromkeys(_question_text(o) for o in waiting))
    number = {question: n for n, question in enumerate(questions, 1)}
    lines = [f"{indent}? {len(questions)} questions undecided: " +
             "; ".join(f"({n}) {question}" for question, n in number.items())]
    facts: dict = {}
    for outcome in waiting:
        for missing in outcome.missing:
            fact = facts.setdefault(missing_line(missing), {"questions": set(), "rules": {}})
            fact["questions"].add(number[_question_text(outcome)])
            fact["rules"].update(dict.fromkeys(missing.get("rules") or []))
    for text, fact in sorted(facts.items(), key=lambda kv: (-len(kv[1]["questions"]), sorted(kv[1]["questions"]))):
        decided = sorted(fact["questions"])
        decides = "all of them" if len(decided) == len(questions) else ", ".join(f"({n})" for n in decided)
        rules = f" (rules {', '.join(sorted(fact['rules']))})" if fact["rules"] else ""
        lines.append(f"{indent}    {text.removesuffix('.')}; needed for {decides}{rules}")
    return lines


def _question_text(outcome) -> str:
    """The question without its jurisdiction's prefix ("EU: is it …?"): the report's heading already names it."""
    label = str(outcome.question_label or outcome.question)
    prefix, _, rest = label.partition(": ")
    return rest if rest and len(prefix) <= 3 and prefix.isupper() else label
