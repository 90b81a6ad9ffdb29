"""Text in a description that a terminal or a page would obey instead of showing: ESC sequences, carriage
returns, newlines inside a label, right-to-left overrides, zero-width characters. Every text report and every
message shows them as escapes (\\x1b, \\r, \\n, \\u202e, \\u200b), so a description cannot make its own report
lie; JSON keeps the exact value (escaped by JSON)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INVALID = ROOT / "examples" / "invalid" / "missing-producer-cell-type.ttl"
GOOD_YAML = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.yaml"
REAL_LABEL = "Nebulised adipose-MSC small EVs for severe COVID-19 pneumonia"
# clears the line, returns to its start, reverses what follows, hides a zero-width space, then starts a line
# that reads like the report's own verdict
HOSTILE_LABEL = "Safe product\x1b[2K\r\u202eevil\u200b\nVerdict: conforms"
HOSTILE_TURTLE_LABEL = "Safe product\\u001b[2K\\r\\u202eevil\\u200b\\nVerdict: conforms"
OBEYED = ("\x1b", "\r", "\u202e", "\u200b", "\u2066", "\u2069")


def evkg(*args):
    return subprocess.run([sys.executable, "-m", "evkg.cli", *map(str, args)], capture_output=True, timeout=300)


@pytest.fixture(scope="module")
def hostile_file(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-text")
    text = INVALID.read_text(encoding="utf-8").replace(f'"{REAL_LABEL}"', f'"{HOSTILE_TURTLE_LABEL}"')
    assert HOSTILE_TURTLE_LABEL in text
    path = folder / "report\u202egpj.ttl"             # shows as "reportltt.jpg" where the override is obeyed
    path.write_text(text, encoding="utf-8")
    return path


def _nothing_obeyed(text: str) -> None:
    for character in OBEYED:
        assert character not in text, (repr(character), text[:3000])


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_a_label_and_file_name_that_would_rewrite_the_report_are_shown_escaped(hostile_file, fmt):
    done = evkg("check", "-q", "--explain", "-f", fmt, hostile_file)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 1, done.stderr.decode()[-2000:]     # its violation still counts
    _nothing_obeyed(out)
    assert "Safe product\\x1b[2K\\r\\u202eevil\\u200b\\nVerdict: conforms" in out
    assert "report\\u202egpj.ttl" in out
    if fmt == "text":
        lines = out.splitlines()
        assert not any(line.startswith("Verdict: conforms") for line in lines), out[:2000]
        assert "  Verdict: does NOT conform" in out and "    VIOLATION  F-producerCellType" in out


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_reports_keep_the_exact_value_with_nothing_invisible_in_the_text(hostile_file, fmt):
    done = evkg("check", "-q", "-f", fmt, hostile_file)
    out = done.stdout.decode("utf-8")
    _nothing_obeyed(out)
    entries = [json.loads(line) for line in out.splitlines()] if fmt == "jsonl" else [json.loads(out)]
    if fmt == "jsonl":
        label, path = entries[0]["product"]["label"], entries[0]["file"]
    else:
        label, path = entries[0]["files"][0]["products"][0]["label"], entries[0]["files"][0]["path"]
    assert label == HOSTILE_LABEL
    assert path == str(hostile_file)


def test_an_error_message_shows_the_characters_of_a_hostile_value_escaped(tmp_path):
    """A YAML value with ESC and an override where a listed name is needed: the finding at its line names it,
    escaped (it made the whole file unreadable, as an invalid IRI)."""
    text = GOOD_YAML.read_text(encoding="utf-8").replace(
        "routeOfAdministration: Intravenous", 'routeOfAdministration: "Intra\\u202evenous\\e[2K"')
    path = tmp_path / "route.yaml"
    path.write_text(text, encoding="utf-8")
    for fmt in ("text", "json"):
        done = evkg("check", "-q", "-f", fmt, path)
        shown = done.stdout.decode("utf-8")
        assert done.returncode == 1, shown          # told at its line as a finding; the file stays readable
        _nothing_obeyed(done.stdout.decode("utf-8") + done.stderr.decode("utf-8"))
        assert "Intra\\u202evenous\\x1b[2K" in shown or "Intra\\u202evenous\\u001b[2K" in shown, shown


def test_explain_and_text_escapes_are_visible_for_every_kind_of_invisible_character():
    from evkg.core.safe_text import json_visible, visible, visible_lines

    assert visible("a\x00b\x7fc\x85d\u2066e\u2069f\u2028g\U000e0001h") == \
        "a\\x00b\\x7fc\\x85d\\u2066e\\u2069f\\u2028g\\U000e0001h"
    assert visible_lines("one\n\ttwo\x1b[0m\r") == "one\n\ttwo\\x1b[0m\\r"
    assert visible("Zellkultur — 細胞 ü") == "Zellkultur — 細胞 ü"          # ordinary text is left alone
    value = {"label": "x\u202ey\x85\U000e0001\udc80"}
    dumped = json_visible(json.dumps(value, ensure_ascii=False, indent=1))
    assert json.loads(dumped) == value and dumped.isascii()



def test_every_character_is_escaped_exactly_when_its_category_is_one_shown_as_an_escape():
    """Checked one code point at a time over all of Unicode, against the rule itself: controls, formatting
    characters, line and paragraph separators and lone surrogates are escapes, every other character is itself
    (the escapes are found from a precomputed list; one missed range would leave a character raw)."""
    import unicodedata

    from evkg.core.safe_text import json_visible, visible, visible_lines

    escaped = {"Cc", "Cf", "Zl", "Zp", "Cs"}
    wrong = []
    for code in range(0x110000):
        character = chr(code)
        is_escaped = unicodedata.category(character) in escaped
        shown = visible(character)
        if (shown != character) != is_escaped or (visible_lines(character) != character) != (
                is_escaped and character not in "\n\t"):
            wrong.append(f"U+{code:04X} as text")
        if code >= 0x7F and (json_visible(character) != character) != is_escaped:
            wrong.append(f"U+{code:04X} in JSON")
    assert not wrong, wrong[:10]

class _HostileEndpoint:
    """A SPARQL endpoint whose answer holds a literal that clears the line and reverses the rest of it."""

    @staticmethod
    def handler():
        import http.server

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                import urllib.parse

                sent = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                if sent.get("query", [""])[0].lstrip().upper().startswith("ASK"):   # evkg's graphs are loaded
                    body = json.dumps({"head": {}, "boolean": True}).encode()
                else:
                    body = json.dumps({"head": {"vars": ["product", "label"]}, "results": {"bindings": [{
                        "product": {"type": "uri", "value": "https://w3id.org/evkg/data/product/x"},
                        "label": {"type": "literal", "value": "ok\x1b[2K\r\u202eSTOP"}}]}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler


def test_a_table_of_an_endpoint_s_answer_shows_its_control_characters_escaped(tmp_path):
    import http.server
    import threading

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HostileEndpoint.handler())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        query = tmp_path / "labels.rq"
        query.write_text("SELECT ?product ?label WHERE { ?product <http://www.w3.org/2000/01/rdf-schema#label> "
                         "?label }", encoding="utf-8")
        done = evkg("query", query, "--endpoint", f"http://127.0.0.1:{server.server_address[1]}/query")
        out = done.stdout.decode("utf-8")
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        _nothing_obeyed(out)
        assert "ok\\x1b[2K \\u202eSTOP" in out, out          # line breaks in a cell become spaces
    finally:
        server.shutdown()
        server.server_close()


E1 = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"


def test_a_name_with_a_look_alike_letter_is_shown_with_that_letter_named(tmp_path):
    """evkg:ActiveSubstanceRоle with a Cyrillic о reads exactly like the name it is not; the finding shows the
    letter as an escape and names it, instead of 'found X, did you mean X?'."""
    text = E1.read_text(encoding="utf-8").replace("evkg:evRole evkg:ActiveSubstanceRole",
                                                   "evkg:evRole evkg:ActiveSubstanceR\u043ele")
    path = tmp_path / "look-alike.ttl"
    path.write_text(text, encoding="utf-8")
    answer = evkg("check", path)
    out = answer.stdout.decode("utf-8")
    assert answer.returncode == 1, out
    assert "ActiveSubstanceR\u043ele" not in out
    assert "found: evkg:ActiveSubstanceR\\u043ele" in out
    assert "\\u043e (CYRILLIC SMALL LETTER O)" in out and "Did you mean evkg:ActiveSubstanceRole?" in out


def test_a_property_with_a_pasted_space_says_it_looks_like_a_space_not_a_letter(tmp_path):
    """`evkg:label` followed by a non-breaking space (pasted from a web page) was said to hold a character that
    'may look like a Latin letter'."""
    text = E1.read_text(encoding="utf-8").replace("rdfs:label", "evkg:label\u00a0", 1)
    path = tmp_path / "pasted-space.ttl"
    path.write_text(text, encoding="utf-8")
    out = evkg("check", path).stdout.decode("utf-8")
    assert "holds \\xa0 (NO-BREAK SPACE), which may look like an ordinary space but is not one" in out, out
    assert "look like a Latin letter" not in out


def test_a_product_typed_with_a_look_alike_letter_is_told_which_letter(tmp_path):
    path = tmp_path / "look-alike-type.ttl"
    path.write_text(E1.read_text(encoding="utf-8").replace("    a evkg:EVProduct ;", "    a evkg:EV\u03a1roduct ;", 1),
                    encoding="utf-8")
    answer = evkg("check", path)
    out = answer.stdout.decode("utf-8") + answer.stderr.decode("utf-8")
    assert answer.returncode == 2, out
    assert "evkg:EV\\u03a1roduct is not an evkg class (did you mean evkg:EVProduct" in out
    assert "GREEK CAPITAL LETTER RHO" in out and "EV\u03a1roduct" not in out


MARKUP_LABEL = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ![t](http://tracker.example/p.gif)"
E6 = ROOT / "examples" / "valid" / "e6-msc-ev-sirna-ibd.ttl"


@pytest.mark.parametrize("args", [("check", "-q", "-f", "markdown"), ("check", "-q", "--explain", "-f", "markdown"),
                                  ("explain", "-f", "markdown"),
                                  ("whatif", "--rules", "eu-reform-proposal-2023", "--no-curated", "--no-examples",
                                   "-f", "markdown")])
def test_a_label_written_as_html_or_a_link_is_shown_not_obeyed_in_markdown(tmp_path, args):
    """A Markdown report carried a description's label as it was written: rendered, "<img onerror=…>" ran and
    "[click](javascript:…)" became a link in the reviewer's page."""
    text = E6.read_text(encoding="utf-8")
    real = "Example E6: immortalised MSC-line EVs loaded with synthetic TNF siRNA for inflammatory bowel disease"
    assert f'"{real}"' in text
    path = tmp_path / "e6<b>.ttl"
    path.write_text(text.replace(f'"{real}"', json.dumps(MARKUP_LABEL)), encoding="utf-8")
    done = evkg(*args, path)
    out = done.stdout.decode("utf-8")
    assert done.returncode in (0, 1), done.stderr.decode()[-2000:]
    assert "&lt;img src=x onerror=alert(1)>" in out, out[:3000]
    out = re.sub(r"(?ms)^(`{3,})text\n.*?^\1$", "", out)        # in a fenced block nothing is markup
    assert "<img" not in out, out[:3000]
    assert not re.search(r"(?<!\\)\]\(", out), out[:3000]          # no "](" left to close a link or image
    # the file name is shown as written only inside a code span, where nothing is markup
    assert not [line for line in out.splitlines() if "<b>" in line and not re.match("#+ `", line)], out[:3000]
