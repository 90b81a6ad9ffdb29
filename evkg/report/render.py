"""Render a CheckRun as text, JSON, Markdown, HTML or Turtle (JSON Lines: evkg.report.lines). Rendering only: no validation logic here."""
from __future__ import annotations

import functools
import html
import json

from evkg.classification.outcomes import (JURISDICTION_NAMES, decision_rank, jurisdiction_rank, outcome_dict,
                                           standing)
from evkg.core.namespaces import EVD, EVKG
from evkg.core.safe_text import json_visible, markdown_code_span, markdown_inert, visible
from evkg.report.open_questions import missing_line, open_question_lines, waiting_for_facts

REPORT_FORMATS = ("text", "json", "markdown", "html", "ttl")
_STATUS_MARK = {"settled": "settled", "provisional": "provisional — confirm with the regulator",
                "contested": "contested", "undecided": "undecided",
                "superseded": "superseded by an agency decision", "out-of-scope": "out of scope"}
NO_RULE_APPLIES = ("not concluded: no rule applies to the facts as stated and no missing fact could change "
                   "that (see `evkg explain` for the rules that were considered)")


def render(run, fmt: str = "text") -> str:
    if fmt not in REPORT_FORMATS:
        from evkg.core.errors import UsageError

        raise UsageError(f"unknown report format {fmt!r}; use one of: {', '.join(REPORT_FORMATS)}")
    return {"text": to_text, "json": to_json, "markdown": to_markdown, "html": to_html, "ttl": to_turtle}[fmt](run)


# ---------------------------------------------------------------- sources

@functools.cache
def source_info(iri: str) -> dict:
    """Label and URL of a paper or legal act from the curated graph; the IRI itself when unknown."""
    from evkg.core.source_table import source_table

    table = source_table()
    entry = table.get(iri, {})
    url = entry.get("official_url") or entry.get("foaf_page")
    if url is None and entry.get("doi") is not None:
        url = f"https://doi.org/{entry['doi']}"
    if url is None and iri.startswith(str(EVD) + "paper/doi/"):
        url = "https://doi.org/" + iri[len(str(EVD) + "paper/doi/"):]
    act = table.get(entry.get("provision_of") or "", {})
    if url is None and act:
        url = act.get("official_url") or act.get("foaf_page")
    return {"iri": iri, "label": entry.get("label") or _short(iri), "url": url or None}


def _short(iri: str) -> str:
    for prefix, base in (("evkg:", str(EVKG)), ("evd:", str(EVD))):
        if iri.startswith(base):
            return prefix + iri[len(base):]
    return iri


def _source_text(info: dict) -> str:
    return info["label"] + (f" <{info['url']}>" if info.get("url") else "")


# ---------------------------------------------------------------- JSON

def _result_dict(result, file=None) -> dict:
    located = file.locate(result) if file is not None else None
    return {
        "severity": result.severity,
        "constraint": result.constraint_id,
        "focus": result.focus,
        "focus_label": result.focus_label,
        "path": result.path,
        "path_label": result.path_label,
        "value": result.value,
        "message": result.message,
        "shape": result.shape,
        "source": result.sources[0] if result.sources else None,
        "sources": [source_info(s) for s in result.sources],
        "line": located.line if located else None,
        "field": located.pointer if located else None,
    }


def reported_outcomes(product) -> list:
    return standing(product.classifications)


def _product_dict(product, file=None) -> dict:
    return {
        "iri": product.iri,
        "label": product.label,
        "conforms": product.conforms,
        "completeness": product.completeness,
        "completeness_by_section": dict(product.completeness_by_section),
        "counts": product.counts(),
        "results": [_result_dict(r, file) for r in product.results],
        "classifications": [outcome_dict(o) for o in reported_outcomes(product)],
        "consistency_errors": [str(e) for e in product.consistency_errors],
    }


def _explained(entry: dict, product) -> dict:
    """The product's entry with its derivation (`check --explain`), when it was asked for."""
    if getattr(product, "explanation", None):
        entry["explanation"] = product.explanation
    return entry


def to_dict(run) -> dict:
    return {
        "files": [
            {
                "path": f.path,
                "error": f.error,
                "error_detail": f.error_detail,
                "conforms": f.conforms,
                "products": [_explained(_product_dict(p, f), p) for p in f.products],
                "other_results": [_result_dict(r, f) for r in f.other_results],
            }
            for f in run.files
        ],
        "summary": run.summary(),
        **({"rule_set": run.rule_set} if getattr(run, "rule_set", None) else {}),
    }


def to_json(run) -> str:
    return json_visible(json.dumps(to_dict(run), indent=2, ensure_ascii=False)) + "\n"


# ---------------------------------------------------------------- text

def _verdict(product) -> str:
    counts = product.counts()
    word = "conforms" if product.conforms else "does NOT conform"
    return (f"{word} — {counts['Violation']} violation(s), {counts['Warning']} warning(s), "
            f"{counts['Info']} note(s); completeness {product.completeness:.1f} %")


def _reading_order(outcome) -> tuple:
    """The decision order of the rule table (classification.outcomes.DECISION_ORDER), the same in every format."""
    return (decision_rank(outcome.question), str(outcome.question or ""), outcome.status == "undecided",
            str(outcome.category or ""))


@functools.cache
def _negative_answers() -> frozenset:
    """Categories that answer a question with no (not an ATMP, no GMO question, procedure optional ...)."""
    from evkg.classification.knowledge import knowledge

    return frozenset(c for q in knowledge().questions.values() for c in q.negative)


def _is_positive(outcome) -> bool:
    local = str(outcome.category or "").rsplit("#", 1)[-1]
    return outcome.status not in ("undecided", "superseded", "out-of-scope") and "_Not" not in local \
        and str(outcome.category) not in _negative_answers() and local not in ("Undecided", "OutOfScope")


def _grouped_outcomes(product) -> dict:
    groups: dict = {}
    for outcome in sorted(reported_outcomes(product), key=_reading_order):
        groups.setdefault(outcome.jurisdiction, []).append(outcome)
    return dict(sorted(groups.items(), key=lambda kv: jurisdiction_rank(kv[0])))


def _rule_text(outcome) -> str:
    """The rule id, or what the engine's own subsumption step means in words."""
    return "follows from a narrower category" if outcome.rule == "HIERARCHY" else f"rule {outcome.rule}"


def _open_text(outcome) -> str:
    """Why an undecided question has nothing to add: the engine's words, naming whom to ask."""
    return outcome.rationale or NO_RULE_APPLIES


def _missing_text(outcome) -> str:
    if not outcome.missing:
        return _open_text(outcome)
    parts = [missing_line(m) for m in outcome.missing]         # "… (intendedUse); add: …", not ".; add:"
    return "; ".join([p.removesuffix(".") for p in parts[:-1]] + parts[-1:])


def contested_reason(outcome, outcomes) -> str | None:
    """What makes a contested answer without alternatives contested: the contested answers it rests on
    (the weakest link), else the rule's own reasoning. None when alternatives are listed or it is not contested."""
    if outcome.status != "contested" or outcome.alternatives:
        return None
    by_iri = {o.iri: o for o in outcomes}
    contested = [by_iri[i] for i in outcome.premise_outcomes if i in by_iri and by_iri[i].status == "contested"]
    if contested:
        return "it rests on a contested answer: " + "; ".join(
            f"{o.category_label} ({o.rule})" for o in contested)
    return outcome.rationale or "the sources diverge without naming an alternative answer"


def _status_text(outcome) -> str:
    if outcome.status == "contested" and outcome.alternatives:
        return "contested — alternatives below"
    return _STATUS_MARK.get(outcome.status, outcome.status or "")


def _outcome_lines(outcome, indent: str, outcomes=()) -> list[str]:
    status = outcome.status or ""
    if status == "undecided":
        lines = [f"{indent}? {outcome.question_label or outcome.question} — undecided"]
        for missing in outcome.missing or []:
            waiting = ", ".join(missing.get("rules", []) or [])
            lines.append(f"{indent}    {missing_line(missing)}" + (f" (needed by {waiting})" if waiting else ""))
        if not outcome.missing:
            lines.append(f"{indent}    {_open_text(outcome)}")
        return lines
    if str(outcome.category).endswith("#Undecided"):
        # a rule that leaves its question open (KR-03): the question and the rule's reason, not a bare "undecided"
        lines = [f"{indent}? {outcome.question_label or outcome.question} — undecided "
                 f"[{_status_text(outcome)}; {_rule_text(outcome)}]"]
        if outcome.rationale:
            lines.append(f"{indent}    why: {outcome.rationale}")
    else:
        lines = [f"{indent}- {outcome.category_label} [{_status_text(outcome)}; {_rule_text(outcome)}]"]
    for alt_iri, alt_label in outcome.alternatives or []:
        lines.append(f"{indent}    or: {alt_label}")
    if reason := contested_reason(outcome, outcomes):
        lines.append(f"{indent}    contested because: {reason}")
    if outcome.premises:
        lines.append(f"{indent}    because: " + "; ".join(outcome.premises))
    for source in outcome.sources or []:
        lines.append(f"{indent}    source: {_source_text(source)}")
    return lines


def to_text(run) -> str:
    out: list[str] = []
    for file in run.files:
        out.append(f"{file.path}")
        if file.error:
            out.append(f"  ERROR: {file.error}")
            out.append("")
            continue
        for product in file.products:
            out.append(f"  Product: {product.label}  <{product.iri}>")
            out.append(f"  Verdict: {_verdict(product)}")
            if product.completeness_by_section:
                out.append("  Completeness by section: " + ", ".join(
                    f"{section} {score:.0f} %" for section, score in product.completeness_by_section.items()))
            if product.results:
                out.append("  Findings:")
                id_width = max(len(r.constraint_id or "") for r in product.results)
                body = " " * 6
                for result in product.results:
                    where = result.path_label or "description"
                    head = f"    {result.severity.upper():<9}  {(result.constraint_id or ''):<{id_width}}  {where}"
                    if result.focus != product.iri:
                        head += f" (on {result.focus_label})"
                    out.append(head)
                    out += [f"{body}at {located}"] if (located := file.locate(result)) else []
                    out.append(f"{body}{result.message}")
                    if result.value is not None:
                        out.append(f"{body}found: {_found(result.value)}")
                    for source in result.sources:
                        out.append(f"{body}source: {_source_text(source_info(source))}")
            for error in product.consistency_errors:
                out.append(f"  CONSISTENCY ERROR: {error}")
            if product.classifications:
                out.append("  Classification:")
                for jurisdiction, outcomes in _grouped_outcomes(product).items():
                    out.append(f"    {JURISDICTION_NAMES.get(jurisdiction, jurisdiction)}:")
                    short = [o.category_label + ("" if o.status == "settled" else f" ({o.status})")
                             for o in outcomes if _is_positive(o)]
                    if short and jurisdiction != "ALL":
                        out.append("      In short: " + "; ".join(dict.fromkeys(short)))
                    # one conclusion answering several questions (an in vitro diagnostic is no medicine of any
                    # kind) is told once, not once per question
                    shown: set = set()
                    waiting = waiting_for_facts(outcomes)
                    grouped = waiting if len(waiting) > 1 else []      # one open question is told as it is
                    for outcome in outcomes:
                        if outcome in grouped:
                            continue
                        lines = _outcome_lines(outcome, "      ", product.classifications)
                        if tuple(lines) not in shown:
                            shown.add(tuple(lines))
                            out.extend(lines)
                    if grouped:
                        out.extend(open_question_lines(grouped, "      "))
            out.append("")
        for result in file.other_results:
            out.append(f"  {result.severity.upper()} on {result.focus_label}: {result.message}")
    summary = run.summary()
    if getattr(run, "rule_set", None):
        out.append(f"Classified under the rule set {run.rule_set}, not the law in force.")
    out.append(f"Summary: {summary['products']} product(s) in {summary['files']} file(s); "
               f"{summary['products_conforming']} conform; {summary['violations']} violation(s), "
               f"{summary['warnings']} warning(s), {summary['infos']} note(s); "
               f"{summary['files_with_errors']} file(s) could not be read.")
    # each entry is one line: a newline, ESC or bidi override inside a label or value is shown, not obeyed
    return "\n".join(visible(line) for line in out) + "\n"


# ---------------------------------------------------------------- Markdown

def _found(value):
    """A value a finding quotes, as a Turtle author wrote it: a name evkg lacks as evkg:Treatement, which the
    message beside it offers to correct (evkg:Treatment), not as its whole IRI."""
    local = value[len(str(EVKG)):] if isinstance(value, str) and value.startswith(str(EVKG)) else ""
    return f"evkg:{local}" if local and not any(c.isspace() for c in local) else value


def _md(text) -> str:
    return markdown_inert(visible(str(text or "").replace("|", "\\|").replace("\n", " ")))


def to_markdown(run) -> str:
    out = ["# evkg check report", ""]
    for file in run.files:
        out.append(f"## {markdown_code_span(visible(file.path))}")
        out.append("")
        if file.error:
            out += [f"**Error:** {_md(file.error)}", ""]
            continue
        for product in file.products:
            out += [f"### {_md(product.label)}", "", f"<{_md(product.iri)}>", "", f"**Verdict:** {_verdict(product)}", ""]
            if product.results:
                out += ["| severity | check | property | on | found | what is expected | source |",
                        "|---|---|---|---|---|---|---|"]
                for r in product.results:
                    sources = "; ".join(_source_text(source_info(s)) for s in r.sources)
                    where = f"{r.path_label or ''} ({located})" if (located := file.locate(r)) else r.path_label
                    out.append(f"| {r.severity} | {_md(r.constraint_id)} | {_md(where)} | {_md(r.focus_label)} "
                               f"| {_md(_found(r.value))} | {_md(r.message)} | {_md(sources)} |")
                out.append("")
            if product.classifications:
                out += ["| jurisdiction | question | answer | status | rule | why | source |", "|---|---|---|---|---|---|---|"]
                for o in reported_outcomes(product):
                    answer = o.category_label if o.status != "undecided" else _missing_text(o)
                    if o.alternatives:
                        answer += " (or: " + "; ".join(label for _, label in o.alternatives) + ")"
                    if reason := contested_reason(o, product.classifications):
                        answer += f" (contested because {reason})"
                    sources = "; ".join(_source_text(s) for s in o.sources or [])
                    out.append(f"| {o.jurisdiction} | {_md(o.question_label)} | {_md(answer)} | {o.status} | "
                               f"{_md(_rule_text(o) if o.rule else '')} | {_md('; '.join(o.premises or []))} | {_md(sources)} |")
                out.append("")
    s = run.summary()
    if getattr(run, "rule_set", None):
        out.append(f"Classified under the rule set {_md(run.rule_set)}, not the law in force.\n")
    out.append(f"**Summary:** {s['products']} product(s) in {s['files']} file(s); {s['products_conforming']} "
               f"conform; {s['violations']} violation(s), {s['warnings']} warning(s), {s['infos']} note(s); "
               f"{s['files_with_errors']} file(s) could not be read.")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- HTML

_CSS = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;color:#1d2733}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1.05rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}td,th{border:1px solid #d0d7de;padding:.35rem .5rem;
vertical-align:top;text-align:left;font-size:.9rem}th{background:#f3f5f7}.Violation{color:#b42318;font-weight:600}
.Warning{color:#a15c07;font-weight:600}.Info{color:#175cd3}.ok{color:#067647;font-weight:600}
.bad{color:#b42318;font-weight:600}.status-contested{color:#a15c07}.status-undecided{color:#667085}
code{font-size:.85rem}.check-id{white-space:nowrap}.chip{display:inline-block;padding:0 .4rem;border-radius:999px;
border:1px solid #d0d7de}.status-provisional,.status-contested{border-style:dashed}caption{text-align:left;color:#5b6675}"""


def _e(text) -> str:
    return html.escape(visible(text if text is not None else ""))


def _link(info: dict) -> str:
    if info.get("url"):
        return f'<a href="{_e(info["url"])}">{_e(info["label"])}</a>'
    return _e(info["label"])


_STATUS_LEGEND = (("settled", "follows from the legal text"), ("provisional", "a reasonable reading; confirm with the regulator"),
                  ("contested", "authorities or texts diverge (alternatives listed), or the answer rests on a contested one"),
                  ("undecided", "facts are missing"), ("superseded", "overridden by an agency decision"))
_SEVERITY_WORDS = {"Violation": "violations", "Warning": "warnings", "Info": "notes"}


def status_legend_html() -> str:
    """What each status chip means, in words as well as colour."""
    items = "".join(f'<li><span class="chip status-{s}">{s}</span> {_e(words)}</li>' for s, words in _STATUS_LEGEND)
    return f'<ul class="legend" aria-label="What the statuses mean">{items}</ul>'


def _in_short_html(product) -> str:
    rows = []
    for jurisdiction, outcomes in _grouped_outcomes(product).items():
        if jurisdiction == "ALL":
            continue
        chips = " ".join(f'<span class="chip status-{_e(o.status)}">{_e(o.category_label)}'
                         f'{"" if o.status == "settled" else f" <em>({_e(o.status)})</em>"}</span>'
                         for o in outcomes if _is_positive(o))
        chips = chips or '<span class="muted">no category concluded</span>'
        rows.append(f"<dt>{_e(JURISDICTION_NAMES.get(jurisdiction, jurisdiction))}</dt><dd>{chips}</dd>")
    return '<dl class="glance in-short">' + "".join(rows) + "</dl>" if rows else ""


def _node_heading(result, product) -> str:
    if result.focus == product.iri:
        return "the product"
    suffix = f" of {product.label}"
    label = result.focus_label or result.focus
    return label[: -len(suffix)] if label.endswith(suffix) else label


def _findings_html(product, level: int) -> str:
    """Findings grouped by the node they concern; within a node, one collapsible list per severity."""
    groups: dict[str, list] = {}
    for r in product.results:
        groups.setdefault(_node_heading(r, product), []).append(r)
    out = [f"<h{level}>Findings</h{level}>"]
    for node, results in groups.items():
        out.append(f'<div class="finding-group"><h{level + 1}>On {_e(node)}</h{level + 1}>')
        for severity in ("Violation", "Warning", "Info"):
            chosen = [r for r in results if r.severity == severity]
            if not chosen:
                continue
            opened = " open" if severity == "Violation" else ""
            out.append(f'<details class="severity-{severity}"{opened}><summary><span class="{severity}">'
                       f"{len(chosen)} {_SEVERITY_WORDS[severity] if len(chosen) != 1 else severity.lower()}</span>"
                       '</summary><ul class="findings">')
            for r in chosen:
                sources = "; ".join(_link(source_info(s)) for s in r.sources)
                found = f'<br><span class="small">found: {_e(_found(r.value))}</span>' if r.value is not None else ""
                out.append(f'<li><span class="check-id">{_e(r.constraint_id)}</span> '
                           f"<strong>{_e(r.path_label or 'description')}</strong>: {_e(r.message)}{found}"
                           f'{f"<br><span class=small>source: {sources}</span>" if sources else ""}</li>')
            out.append("</ul></details>")
        out.append("</div>")
    return "\n".join(out)


def product_html(product, level: int = 2, show_title: bool = True) -> str:
    """One product's verdict, classification at a glance, findings and full classification as an HTML
    fragment (also used by the web pages); `level` is the heading level of the product's title (its
    sections take the next level, or `level` itself when the page already shows the title)."""
    verdict_class = "ok" if product.conforms else "bad"
    sub = level + 1 if show_title else level
    out = ['<section class="product">']
    if show_title:
        out.append(f"<h{level}>{_e(product.label)}</h{level}><p><code>{_e(product.iri)}</code></p>")
    out.append(f'<p class="{verdict_class}">{_e(_verdict(product))}</p>')
    if product.classifications:
        out.append(f"<h{sub}>Classification at a glance</h{sub}>" + _in_short_html(product))
    if product.results:
        out.append(_findings_html(product, sub))
    for error in product.consistency_errors:
        out.append(f'<p class="bad">Consistency error: {_e(error)}</p>')
    if product.classifications:
        out.append(f"<h{sub}>Classification in full</h{sub}>" + status_legend_html())
        out.append('<table><caption>Every question, its answer, status, rule, reasons and legal sources</caption>'
                   '<thead><tr><th scope="col">jurisdiction</th><th scope="col">question</th><th scope="col">answer</th>'
                   '<th scope="col">status</th><th scope="col">rule</th><th scope="col">why</th>'
                   '<th scope="col">legal source</th></tr></thead><tbody>')
        for o in reported_outcomes(product):
            if o.status == "undecided":
                answer = _e(_missing_text(o))
            else:
                answer = _e(o.category_label)
                if o.alternatives:
                    answer += "<br>or: " + "; ".join(_e(label) for _, label in o.alternatives)
                if reason := contested_reason(o, product.classifications):
                    answer += f'<br><span class="small">contested because {_e(reason)}</span>'
            sources = "<br>".join(_link(s) for s in o.sources or [])
            out.append(f"<tr><td>{_e(JURISDICTION_NAMES.get(o.jurisdiction, o.jurisdiction))}</td>"
                       f"<td>{_e(o.question_label)}</td><td>{answer}</td>"
                       f'<td><span class="chip status-{_e(o.status)}">{_e(o.status)}</span></td>'
                       f'<td class="check-id">{_e(_rule_text(o) if o.rule else "")}</td>'
                       f"<td>{_e('; '.join(o.premises or []))}</td><td>{sources}</td></tr>")
        out.append("</tbody></table>")
    if getattr(product, "explanation", None):
        out.append(f'<details class="explanation" open><summary>How each answer was derived</summary>'
                   f"<pre>{html.escape(product.explanation)}</pre></details>")
    out.append("</section>")
    return "\n".join(out)


def to_html(run) -> str:
    body = ["<h1>evkg check report</h1>"]
    for file in run.files:
        body.append(f"<h2>{_e(file.path)}</h2>")
        if file.error:
            body.append(f'<p class="bad">Error: {_e(file.error)}</p>')
            continue
        body.extend(product_html(p, level=3) for p in file.products)
    s = run.summary()
    body.append(f"<p><strong>Summary:</strong> {s['products']} product(s) in {s['files']} file(s); "
                f"{s['products_conforming']} conform; {s['violations']} violation(s), {s['warnings']} warning(s), "
                f"{s['infos']} note(s); {s['files_with_errors']} file(s) could not be read.</p>")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>evkg check report</title>"
            f"<style>{_CSS}</style></head><body>" + "\n".join(body) + "</body></html>\n")


# ---------------------------------------------------------------- Turtle

def to_turtle(run) -> str:
    from evkg.report.results_graph import to_graph

    return to_graph(run).serialize(format="turtle")
