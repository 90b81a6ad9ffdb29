"""A check run as JSON Lines: one JSON object per line, written as each product is checked (for pipelines).

Lines: {"file", "product"[, "explanation"]} per product, {"file", "error", "error_detail", "conforms",
"other_results"} when a file is done, and {"summary"} last.
"""
from __future__ import annotations

import json

from evkg.core.safe_text import json_visible
from evkg.report.render import _product_dict, _result_dict

STREAM_FORMATS = ("jsonl",)


def product_line(path: str, product, file=None) -> str:
    """One product's full report as one line of JSON: {"file", "product"}; with the FileCheck that knows where
    its facts were written, each finding names its line and key as in --format json."""
    entry = {"file": path, "product": _product_dict(product, file)}
    if getattr(product, "explanation", None):
        entry["explanation"] = product.explanation
    return json_visible(json.dumps(entry, ensure_ascii=False)) + "\n"


def file_line(entry) -> str:
    """The end of one file: its verdict, any error, and results that concern no product."""
    return json_visible(json.dumps({"file": entry.path, "error": entry.error, "error_detail": entry.error_detail,
                       "conforms": entry.conforms,
                       "other_results": [_result_dict(r, entry) for r in entry.other_results]}, ensure_ascii=False)) + "\n"


def summary_line(summary: dict) -> str:
    return json_visible(json.dumps({"summary": summary}, ensure_ascii=False)) + "\n"


def to_jsonl(run) -> str:
    """Each product as it is checked, then a line closing its file, then the summary: what `evkg check
    --format jsonl` streams."""
    lines = []
    for entry in run.files:
        lines.extend(product_line(entry.path, p, entry) for p in entry.products)
        lines.append(file_line(entry))
    lines.append(summary_line(run.summary()))
    return "".join(lines)
