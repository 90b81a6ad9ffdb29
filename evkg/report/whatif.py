"""Reports of `evkg whatif`: which answers change between two rule sets, in text, JSON, Markdown or CSV.

Each change shows the answer before and after, with the rules and legal sources on each side; answers that do
not change are not listed. The rules the chosen rule set adds, replaces or retires come first.
"""
from __future__ import annotations

import csv
import io
import json

from evkg.core.safe_text import markdown_inert, visible

WHATIF_FORMATS = ("text", "json", "markdown", "csv")


def _rules(side, words: bool = True) -> str:
    """The rules behind one side; for people, an answer implied by a narrower one is said so, not by the id of
    the engine's own hierarchy step (HIERARCHY), which names no rule of the law."""
    ids = [r["id"] for r in side.rules if not words or r["id"] != "HIERARCHY"]
    text = ", ".join(ids) or "none"
    if len(ids) < len(side.rules):
        text += " (also follows from a narrower category)" if ids else " (follows from a narrower category)"
    if side.waiting:
        text += " (waiting: " + ", ".join(side.waiting) + ")"
    return text


def _sources(side) -> str:
    return "; ".join(s["label"] for s in side.sources) or "none"


def _where(change) -> str:
    question = change.question_label or "role of the EVs"
    return f"{change.product_label} [{change.jurisdiction}] {question}"


def _header(run) -> list[str]:
    lines = [f"What if: {run.rule_set} instead of {run.baseline}"]
    declaration = run.declaration
    if declaration is not None:
        lines.append(f"  {declaration.label} — status of the text: {declaration.law_status}; "
                     f"version: {declaration.text_version}")
    curated = run.compared.get("curated", 0)
    examples = sum(1 for origin in run.compared if origin.startswith("examples/valid/"))
    files = len(run.compared) - examples - (1 if "curated" in run.compared else 0)
    parts = [f"{curated} curated products"] if "curated" in run.compared else []
    parts += [f"{examples} worked examples"] if examples else []
    parts += [f"{files} file(s) given"] if files else []
    lines.append(f"  compared: {'; '.join(parts) or 'nothing'}")
    return lines


def render_text(run) -> str:
    lines = _header(run)
    lines.append("")
    lines.append(f"Rules changed ({len(run.rule_changes)}):")
    for change in run.rule_changes:
        sources = "; ".join(s["label"] for s in change["sources"]) or "no source stated"
        lines.append(f"  {change['kind']:8} {change['rule_id']}: {change['label']}")
        lines.append(f"           source: {sources}")
    if not run.rule_changes:
        lines.append("  none: the two rule sets are the same")
    lines.append("")
    lines.append(f"Answers that change ({len(run.changes)}):")
    for change in run.changes:
        lines.append(f"  {_where(change)}")
        lines.append(f"    before: {change.before.summary}")
        lines.append(f"            rules {_rules(change.before)}; sources: {_sources(change.before)}")
        lines.append(f"    after:  {change.after.summary}")
        lines.append(f"            rules {_rules(change.after)}; sources: {_sources(change.after)}")
    if not run.changes:
        lines.append("  none: every answer stays the same")
    for path, message in run.errors.items():
        lines.append(error_line(path, message))
    return "\n".join(visible(line) for line in lines) + "\n"


def render_json(run) -> str:
    declaration = run.declaration
    return json.dumps({
        "rule_set": run.rule_set, "baseline": run.baseline,
        "declaration": None if declaration is None else {
            "name": declaration.name, "label": declaration.label, "law_status": declaration.law_status,
            "text_version": declaration.text_version, "legal_basis": list(declaration.legal_basis)},
        "compared": run.compared, "rule_changes": run.rule_changes,
        "changes": [c.as_dict() for c in run.changes], "errors": run.errors,
    }, indent=1, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return markdown_inert(str(text).replace("|", "\\|").replace("\n", " "))


def render_markdown(run) -> str:
    lines = [f"# {_cell(_header(run)[0])}", ""] + [f"- {_cell(line.strip())}" for line in _header(run)[1:]]
    lines += ["", "## Rules changed", "", "| change | rule | what it says | source |", "|---|---|---|---|"]
    for change in run.rule_changes:
        sources = "; ".join(f"[{s['label']}]({s['url']})" if s.get("url") else s["label"]
                            for s in change["sources"]) or "none"
        lines.append(f"| {change['kind']} | {change['rule_id']} | {_cell(change['label'])} | {_cell(sources)} |")
    lines += ["", "## Answers that change", "",
              "| product | jurisdiction | question | before | rules and sources before | after | "
              "rules and sources after |", "|---|---|---|---|---|---|---|"]
    for c in run.changes:
        lines.append(f"| {_cell(c.product_label)} | {c.jurisdiction} | {_cell(c.question_label or 'role of the EVs')} "
                     f"| {_cell(c.before.summary)} | {_cell(_rules(c.before))}: {_cell(_sources(c.before))} "
                     f"| {_cell(c.after.summary)} | {_cell(_rules(c.after))}: {_cell(_sources(c.after))} |")
    if not run.changes:
        lines.append("| none | | | | | | |")
    return "\n".join(lines) + "\n"


CSV_COLUMNS = ["origin", "product", "product_label", "jurisdiction", "question", "question_label",
               "before", "before_status", "before_rules", "before_sources",
               "after", "after_status", "after_rules", "after_sources"]


def render_csv(run, spreadsheet_safe: bool = False) -> str:
    """The changes, one per row, values as they are; ``spreadsheet_safe``: a label or rule id of someone else's
    file that a spreadsheet would run as a formula (=HYPERLINK(…), =cmd|…) begins with ' (evkg.core.spreadsheet)."""
    from evkg.core.spreadsheet import inert

    cell_of = inert if spreadsheet_safe else (lambda cell: cell)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for c in run.changes:
        writer.writerow([cell_of(str(cell)) for cell in [c.origin, c.product, c.product_label, c.jurisdiction, c.question or "",
                         c.question_label or "", c.before.summary, c.before.status, _rules(c.before, False),
                         " ".join(s["iri"] for s in c.before.sources), c.after.summary, c.after.status,
                         _rules(c.after, False), " ".join(s["iri"] for s in c.after.sources)]])
    return out.getvalue()


def error_line(path: str, message: str) -> str:
    """'error: FILE, line L, column C: reason' for a file that could not be read (its place leads the message)."""
    return f"error: {path}{', ' if message.startswith('line ') else ': '}{message}"


def render_whatif(run, fmt: str = "text") -> str:
    renderers = {"text": render_text, "json": render_json, "markdown": render_markdown, "csv": render_csv}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(WHATIF_FORMATS)}")
    return renderers[fmt](run)
