"""Hostile and careless input to the real commands: every attack ends in exit 2 (or 1 where a file is simply not
a bibliography) with a message naming the file — never exit 3, a traceback, a hang or unbounded memory.

Each test starts `evkg` as a child process with a memory ceiling and a time limit, so a parser that expanded
entities or read a device without end would fail here instead of taking the machine down.
"""
from __future__ import annotations

import http.server
import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD = ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl"
MEMORY_CEILING = 3 * 1024 ** 3


def _ceiling():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CEILING, MEMORY_CEILING))


def evkg(*args, stdin=None, input_bytes=None, timeout=120, env=None, pass_fds=()):
    """Run the real command line in a child process under a memory ceiling."""
    return subprocess.run([sys.executable, "-m", "evkg.cli", *map(str, args)], stdin=stdin, input=input_bytes,
                          capture_output=True, timeout=timeout, preexec_fn=_ceiling, pass_fds=pass_fds,
                          env={**os.environ, **(env or {})})


def assert_refused(done, *words, code=2):
    err = done.stderr.decode("utf-8", "replace")
    out = done.stdout.decode("utf-8", "replace")
    assert done.returncode == code, (done.returncode, out[-2000:], err[-2000:])
    assert "Traceback" not in err and "internal error" not in err, err[-3000:]
    for word in words:
        assert word in out + err, (word, out[-2000:], err[-2000:])


LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n <!ENTITY a "' + "a" * 40 + '">\n'
          + "".join(f' <!ENTITY {n} "{("&" + p + ";") * 10}">\n' for p, n in zip("abcdefgh", "bcdefghi"))
          + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
          'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n <rdf:Description rdf:about="http://e.org/x">'
          '<rdfs:label>&i;</rdfs:label></rdf:Description>\n</rdf:RDF>\n')
# one plain entity referenced very often: no nesting, but the expansion would still be ~100 MB
FLAT_LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY a "' + "a" * 1000 + '"> ]>\n'
               '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n <rdf:Description rdf:about="http://e.org/x">'
               '<rdfs:label>' + "&a;" * 100_000 + '</rdfs:label></rdf:Description>\n</rdf:RDF>\n')
EXTERNAL = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY x SYSTEM "file:///etc/passwd"> ]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n <rdf:Description rdf:about="http://e.org/x">'
            '<rdfs:label>&x;</rdfs:label></rdf:Description>\n</rdf:RDF>\n')
PREFIXES = "@prefix evkg: <https://w3id.org/evkg#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"

# file name -> (content, words the error must contain)
HOSTILE = {
    "laughs.rdf": (LAUGHS, ["laughs.rdf", "other entities"]),
    "flat-laughs.rdf": (FLAT_LAUGHS, ["flat-laughs.rdf", "expand"]),
    "external.rdf": (EXTERNAL, ["external.rdf", "external XML entity"]),
    "deep.jsonld": ('{"@id": "http://e.org/a", "http://e.org/p": ' + "[" * 5000 + "1" + "]" * 5000 + "}",
                    ["deep.jsonld", "levels deep"]),
    "deep-objects.jsonld": ('{"@id": "http://e.org/a", "http://e.org/p": ' + '{"http://e.org/p": ' * 3000 + "1"
                            + "}" * 3000 + "}", ["deep-objects.jsonld", "levels deep"]),
    "deep-collections.ttl": ("<http://e.org/a> <http://e.org/p> " + "(" * 100_000 + ")" * 100_000 + " .\n",
                             ["deep-collections.ttl", "levels deep"]),
    "space-iri.ttl": (PREFIXES + "<http://e.org/a b> a evkg:EVProduct .\n", ["space-iri.ttl", "line 3", "IRI"]),
    "brace-iri.ttl": (PREFIXES + "<http://e.org/{x}> a evkg:EVProduct .\n", ["brace-iri.ttl", "IRI"]),
    "nul-iri.nt": ("<http://e.org/a\\u0000b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                   "<https://w3id.org/evkg#EVProduct> .\n", ["nul-iri.nt", "NUL"]),
    "formula.n3": (PREFIXES + "{ ?x a evkg:EVProduct } => { ?x a evkg:Thing } .\n", ["formula.n3", "Notation3"]),
    "variable.n3": (PREFIXES + "?y a evkg:EVProduct .\n", ["variable.n3", "Notation3"]),
    "nul-escaped.ttl": (PREFIXES + '<http://e.org/a> a evkg:EVProduct ; rdfs:label "a\\u0000b" .\n',
                        ["nul-escaped.ttl", "NUL"]),
    "nul-raw.ttl": (PREFIXES + '<http://e.org/a> a evkg:EVProduct ; rdfs:label "a\x00b" .\n',
                    ["nul-raw.ttl", "NUL"]),
    "surrogate.ttl": (PREFIXES + '<http://e.org/a> a evkg:EVProduct ; rdfs:label "a\\uD800b" .\n',
                      ["surrogate.ttl", "not valid Unicode"]),
}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, (content, _) in HOSTILE.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def test_a_batch_of_hostile_files_costs_the_good_file_nothing(hostile_folder):
    """Oxigraph's parser path (`evkg check`): every hostile file gets its own located refusal, the good file in
    the same batch its full report."""
    names = list(HOSTILE)
    done = evkg("check", "-q", "--format", "json", *(hostile_folder / n for n in names[:6]), GOOD,
                *(hostile_folder / n for n in names[6:]))
    assert_refused(done)
    report = json.loads(done.stdout)
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    for name, (_, words) in HOSTILE.items():
        error = by_name[name]["error"]
        assert error, name
        for word in words:
            assert word in error, (name, word, error)
    good = by_name[GOOD.name]
    assert not good["error"] and good["products"] and good["products"][0]["classifications"]


@pytest.mark.parametrize("name", ["laughs.rdf", "flat-laughs.rdf", "external.rdf", "deep.jsonld",
                                  "space-iri.ttl", "formula.n3"])
def test_rdflib_parser_path_refuses_the_same_files(hostile_folder, name):
    """`evkg explain` reads through rdflib (as the web service does): the same refusals, before expansion."""
    done = evkg("explain", hostile_folder / name)
    assert_refused(done, *HOSTILE[name][1])


def test_devices_pipes_and_fifos_are_refused_and_stdin_counts_bytes_read(tmp_path):
    fifo = tmp_path / "no-writer.ttl"
    os.mkfifo(fifo)
    for target, word in (("/dev/zero", "device"), (fifo, "FIFO")):
        assert_refused(evkg("check", "-q", target, timeout=60), str(target), word)
    read_end, write_end = os.pipe()       # what `evkg check <(yes)` hands over: /dev/fd/N, a pipe
    writer = subprocess.Popen(["yes"], stdout=write_end)
    os.close(write_end)
    try:
        assert_refused(evkg("check", "-q", f"/dev/fd/{read_end}", pass_fds=(read_end,), timeout=60), "pipe")
    finally:
        writer.kill()
        writer.wait()
        os.close(read_end)
    # `-` reads standard input on purpose: an endless stream stops at the limit, counting bytes read
    with subprocess.Popen(["yes"], stdout=subprocess.PIPE) as endless:
        done = evkg("check", "-q", "--max-bytes", "100000", "-", stdin=endless.stdout, timeout=60)
        endless.kill()
    assert_refused(done, "standard input", "100,000 bytes")
    done = evkg("check", "-q", "-", input_bytes=GOOD.read_bytes())
    assert done.returncode in (0, 1) and b"1 product(s)" in done.stdout


def test_report_into_a_missing_folder_a_read_only_place_or_a_full_disk(tmp_path):
    fast = ("check", "-q", "--no-classify", GOOD)          # the report is written the same either way
    assert_refused(evkg(*fast, "-o", tmp_path / "missing" / "report.md"), "does not exist")
    assert_refused(evkg(*fast, "-o", "/dev/full"), "/dev/full", "disk is full")
    if os.geteuid() == 0:
        read_only = Path("/sys/evkg-report.md")        # sysfs refuses new files even to root
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o555)
        read_only = locked / "report.md"
    assert_refused(evkg(*fast, "-o", read_only), "cannot write the output", "permission denied")
    done = subprocess.run([sys.executable, "-m", "evkg.cli", *map(str, fast)],
                          stdout=open("/dev/full", "wb"), stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 2 and b"disk is full" in done.stderr and b"Traceback" not in done.stderr


def test_literature_files_that_are_not_bibliographies(tmp_path):
    notes = tmp_path / "notes.bib"
    notes.write_text("Shopping list: milk, eggs.\n", encoding="utf-8")
    assert_refused(evkg("literature", "import", notes, "--into", tmp_path / "refs.ttl"),
                   f"no references found in {notes}", code=1)
    text = tmp_path / "notes.txt"
    text.write_text("Meeting at noon.\n", encoding="utf-8")
    assert_refused(evkg("literature", "import", text, "--into", tmp_path / "refs.ttl"),
                   f"no references found in {text}", code=1)
    fifo = tmp_path / "refs.bib"
    os.mkfifo(fifo)
    assert_refused(evkg("literature", "import", "/dev/zero", "--into", tmp_path / "refs.ttl", timeout=60),
                   "/dev/zero", "device")
    assert_refused(evkg("literature", "import", fifo, "--into", tmp_path / "refs.ttl", timeout=60), "FIFO")
    good = tmp_path / "good.bib"
    good.write_text("@article{nguyen2020,\n author = {Nguyen, K and others},\n title = {IL-12},\n"
                    " year = {2020},\n doi = {10.3389/fimmu.2020.575597}\n}\n", encoding="utf-8")
    assert_refused(evkg("literature", "import", good, "--into", "/dev/full"), "/dev/full", "regular file")
    assert not (tmp_path / "refs.ttl").exists()


class _EndlessResults(http.server.BaseHTTPRequestHandler):
    """A SPARQL endpoint that never stops sending SPARQL JSON results."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.end_headers()
        row = b'{"product": {"type": "uri", "value": "http://e.org/p"}},'
        try:
            self.wfile.write(b'{"head": {"vars": ["product"]}, "results": {"bindings": [')
            while True:
                self.wfile.write(row * 1000)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


def test_an_endpoint_streaming_an_endless_answer_is_cut_at_the_byte_cap():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _EndlessResults)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/query"
        done = evkg("query", "products-by-category", "--endpoint", url, timeout=60,
                    env={"EVKG_MAX_RESPONSE_BYTES": str(2_000_000)})
        assert_refused(done, "more than 2,000,000 bytes", url)
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("text", ["SELECT * WHERE " + "{" * 100_000 + "}" * 100_000,
                                  "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }"])
def test_a_query_nested_100000_deep_is_refused_not_a_crash(tmp_path, text):
    """Oxigraph's query parser recurses per level and would overflow the stack (a segmentation fault)."""
    path = tmp_path / "deep.rq"
    path.write_text(text, encoding="utf-8")
    assert_refused(evkg("query", path, "--store", tmp_path / "store", timeout=120), "levels deep")


@pytest.mark.parametrize("link", ["||", "&&", "+"])
def test_a_query_chaining_12000_operators_is_refused_not_a_crash(tmp_path, link):
    """Oxigraph recurses once per link of an operator chain: the command died of a segmentation fault (exit
    139) with no word of why."""
    path = tmp_path / "long.rq"
    path.write_text("SELECT * WHERE { ?s ?p ?o FILTER(" + link.join(["?o"] * 12_000) + ") }", encoding="utf-8")
    assert_refused(evkg("query", path, "--store", tmp_path / "store", timeout=120),
                   "joins 11,999 patterns, conditions, alternatives or terms", "VALUES or IN")
    union = tmp_path / "union.rq"
    union.write_text("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 12_000) + " }", encoding="utf-8")
    assert_refused(evkg("query", union, "--store", tmp_path / "store", timeout=120), "UNION")


def test_a_query_of_10000_triple_patterns_is_refused_not_a_crash(tmp_path):
    path = tmp_path / "wide.rq"
    path.write_text("SELECT * WHERE { " + " ".join(f"?s <http://e.org/p{i}> ?v{i} ." for i in range(10_000)) + " }",
                    encoding="utf-8")
    assert_refused(evkg("query", path, "--store", tmp_path / "store", timeout=120), "joins 10,000 patterns")


def test_a_rule_file_nested_thousands_deep_is_refused_not_a_crash(tmp_path):
    """A rule file is the user's SPARQL too: a rule nested 3,000 deep took the process down with a
    segmentation fault in Oxigraph's parser; it is refused with the file and the rule named."""
    deep = "{ " * 3000 + "$this evkg:evRole ?r " + "} " * 3000
    rules = tmp_path / "deep-rules.ttl"
    rules.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix evkg: <https://w3id.org/evkg#> .\n@prefix evsh: <https://w3id.org/evkg/shapes#> .\n"
        'evsh:X-01 a sh:SPARQLRule , evkg:ClassificationRule ; evkg:ruleId "X-01" ; rdfs:label "deep" ;\n'
        "  evkg:concludes evkg:EVIsActiveSubstance ; evkg:answersQuestion evkg:Q_ActiveSubstance ; sh:order 5 ;\n"
        '  sh:construct """CONSTRUCT { ?o evkg:ofProduct $this } WHERE { ' + deep + ' BIND(IRI(STR($this)) AS ?o) }""" .\n',
        encoding="utf-8")
    assert_refused(evkg("check", "--rules", rules, GOOD), "deep-rules.ttl", "rule X-01", "levels deep")


def test_unterminated_strings_cannot_hang_the_checks_before_parsing(tmp_path):
    """'"\\' repeated: every quote opens a string that never closes. A scanner that retried from each quote
    did quadratic work (about an hour for these 400 kB); the real command must refuse or read it at once."""
    for name, text in (("open.ttl", '"\\' * 200_000), ("open.jsonld", '"\\' * 200_000),
                       ("open.rq", 'SELECT * WHERE { ?s ?p "' + '\\"' * 200_000 + " }")):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        if name.endswith(".rq"):
            done = evkg("query", path, "--store", tmp_path / "store", timeout=60)
        else:
            done = evkg("check", "-q", path, timeout=60)
        assert_refused(done, name)


def _long_label(tmp_path, name: str, characters: int) -> Path:
    path = tmp_path / name
    text = GOOD.read_text(encoding="utf-8")
    path.write_text(text.replace('rdfs:label "', 'rdfs:label "' + "Y" * characters, 1), encoding="utf-8")
    return path


def test_a_long_text_is_checked_in_the_memory_of_a_normal_file_and_shown_shortened(tmp_path):
    """A 10 MB label: scanning it before parsing once took 120 bytes of memory per character, and each of the
    product's findings repeated it whole (tens of MB of report)."""
    path = _long_label(tmp_path, "long-label.ttl", 10_000_000)

    def one_gigabyte():
        resource.setrlimit(resource.RLIMIT_AS, (1024 ** 3, 1024 ** 3))

    done = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "-f", "json", str(path)],
                          capture_output=True, timeout=120, preexec_fn=one_gigabyte)
    assert done.returncode in (0, 1), done.stderr.decode()[-2000:]
    report = json.loads(done.stdout)
    product = report["files"][0]["products"][0]
    assert product["label"].startswith("Y" * 200 + "… (10,000,") and product["label"].endswith(" characters)")
    assert len(done.stdout) < 200_000
    assert all(len(r["focus_label"]) < 300 for r in product["results"])


def test_a_single_value_longer_than_the_parser_holds_is_named_as_such(tmp_path):
    path = _long_label(tmp_path, "huge-label.ttl", 20_000_000)
    assert_refused(evkg("check", "-q", path), "huge-label.ttl", "longer than 16 MB")


def test_a_literal_outside_its_datatype_is_a_finding_not_a_traceback(tmp_path):
    """rdflib logged a traceback (decimal.InvalidOperation) on stderr for each use of such a literal."""
    text = GOOD.read_text(encoding="utf-8")
    assert 'evkg:sizeCutoffNm "200.0"^^xsd:decimal' in text
    path = tmp_path / "cutoff.ttl"
    path.write_text(text.replace('evkg:sizeCutoffNm "200.0"^^xsd:decimal', 'evkg:sizeCutoffNm "abc"^^xsd:decimal'),
                    encoding="utf-8")
    done = evkg("check", "--format", "json", "--no-classify", path)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 1, err[-2000:]
    assert err == "", err[-3000:]
    findings = [r for p in json.loads(done.stdout)["files"][0]["products"] for r in p["results"]]
    assert any(r["constraint"] == "S-sizeCutoffNm" and r["value"] == "abc" for r in findings), findings
    done = evkg("convert", path, "--to", "ttl")
    assert done.returncode == 0 and b'"abc"^^xsd:decimal' in done.stdout
    # nothing on stderr but the note that the file's comments are not carried over
    assert [line[:24] for line in done.stderr.decode().splitlines()] in ([], ["note: the comments (# …)"])


PRODUCT = {"@id": "http://example.org/p", "@type": "https://w3id.org/evkg#EVProduct"}


@pytest.mark.parametrize("name, document, words", [
    ("loop.jsonld", {"@context": {"a": "b", "b": "a"}, **PRODUCT, "a": "v"},
     ["line 1, column 15", "in a loop ('a' \u2192 'b' \u2192 'a')", "Give 'a' a full IRI"]),
    ("prefix-loop.jsonld", {"@context": {"a": "a:x"}, **PRODUCT, "a": "v"}, ["in a loop ('a' \u2192 'a')"]),
    ("chain.jsonld", {"@context": {**{f"t{i}": f"t{i + 1}" for i in range(3000)}, "t3000": "http://e/p"},
                      **PRODUCT, "t0": "v"}, ["through a chain of more than 64 other terms"]),
    ("nested.jsonld", {"@context": [{"b": "a:y"}, {"a": "http://e/"}], **PRODUCT,
                       "http://e/q": {"@context": {"a": "b:z"}, "@id": "http://e/q", "b": 1}},
     ["its @context terms are defined through one another", "Define each term of your @context by its full IRI"]),
])
def test_json_ld_terms_defined_through_one_another_are_named_not_a_recursion_error(tmp_path, name, document, words):
    """Such a context was refused with "is not valid JSON-LD: maximum recursion depth exceeded" and no hint."""
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    done = evkg("check", path)
    assert_refused(done, name, *words)
    assert "recursion" not in done.stdout.decode() + done.stderr.decode()


@pytest.mark.parametrize("node, words", [
    ({"evkg:hasEVComponent": {"@id": "http://example.org/q", "@type": "evkg:EV Preparation"}},
     "gives a type (@type) the value 'evkg:EV Preparation'"),
    ({"evkg:hasEVComponent": {"@id": "http://example.org/q r", "evkg:particleKind": {"@id": "evkg:SmallEV"}}},
     "gives a node name (@id) the value 'http://example.org/q r'")])
def test_a_json_ld_name_with_a_space_is_named_not_dropped(tmp_path, node, words):
    """rdflib dropped such a type, or the whole node it names, without a word."""
    path = tmp_path / "spaced.jsonld"
    path.write_text(json.dumps({"@context": {"evkg": "https://w3id.org/evkg#"}, **PRODUCT, **node}), encoding="utf-8")
    for command in (("check",), ("convert", "--to", "ttl")):
        done = evkg(command[0], path, *command[1:])
        assert_refused(done, "spaced.jsonld, line 1, column ", words, "so a JSON-LD reader would drop it")


LONG_NUMBER = "9" * 5000        # more digits than Python's int() converts (4,300 by default)


def test_a_whole_number_too_long_to_convert_is_refused_at_its_line(tmp_path):
    """It was an internal error (exit 3) in YAML and JSON-LD, a Turtle syntax error quoting Python in rdflib's
    path, and a traceback in `evkg convert`."""
    yaml_file = tmp_path / "count.yaml"
    yaml_file.write_text(f"type: EVProduct\nid: x\nlabel: a\nparticleCount: {LONG_NUMBER}\n", encoding="utf-8")
    jsonld_file = tmp_path / "count.jsonld"
    jsonld_file.write_text('{"@id": "http://e.org/a",\n "http://e.org/n": %s}' % LONG_NUMBER, encoding="utf-8")
    turtle_file = tmp_path / "count.ttl"
    turtle_file.write_text(f"{PREFIXES}<http://e.org/a> a evkg:EVProduct ;\n  evkg:particleCount {LONG_NUMBER} .\n",
                           encoding="utf-8")
    for command, path, line in (("check", yaml_file, "line 4"), ("convert", yaml_file, "line 4"),
                                ("check", jsonld_file, "line 2"), ("explain", turtle_file, "line 4")):
        extra = ("--to", "ttl") if command == "convert" else ()
        assert_refused(evkg(command, path, *extra), path.name, line, "5,000 digits")


def test_a_typed_whole_number_too_long_to_convert_survives_conversion(tmp_path):
    import pyoxigraph as ox

    turtle_file = tmp_path / "count.ttl"
    turtle_file.write_text(f'{PREFIXES}<http://e.org/a> a evkg:EVProduct ;\n  evkg:particleCount "{LONG_NUMBER}"^^'
                           '<http://www.w3.org/2001/XMLSchema#integer> ;\n  rdfs:comment "%s" .\n' % LONG_NUMBER,
                           encoding="utf-8")
    integer = ox.Literal(LONG_NUMBER, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    for to in ("yaml", "jsonld"):
        done = evkg("convert", turtle_file, "--to", to, "-o", tmp_path / f"count.{to}")
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        back = evkg("convert", tmp_path / f"count.{to}", "--to", "ttl")
        assert back.returncode == 0, back.stderr.decode()[-2000:]
        objects = {t.object for t in ox.parse(back.stdout, format=ox.RdfFormat.TURTLE)}
        assert integer in objects and ox.Literal(LONG_NUMBER) in objects, to


def test_an_empty_file_name_is_refused_not_read_as_the_current_folder(tmp_path):
    """`evkg check "$FILE"` with FILE unset checked every description in the current folder (and `--store ""`
    named the default store)."""
    (tmp_path / "e1.ttl").write_bytes(GOOD.read_bytes())
    for args in (["check", ""], ["check", "e1.ttl", " "], ["explain", ""], ["check", "e1.ttl", "--output", ""],
                 ["convert", "e1.ttl", "--to", "yaml", "-o", ""]):
        done = subprocess.run([sys.executable, "-m", "evkg.cli", *args], capture_output=True, cwd=tmp_path,
                              timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert_refused(done, "empty name")
        assert b"Product:" not in done.stdout, args


def test_convert_never_spoils_a_file_it_cannot_finish_nor_its_own_input(tmp_path):
    """`evkg convert -o` wrote in place: a write cut short (full disk, here a file-size limit) left a truncated
    file where a complete one had been. Writing over the input itself, or YAML into a .ttl file, is refused."""
    kept = tmp_path / "e1.yaml"
    kept.write_text("# my edited description\n", encoding="utf-8")
    source = tmp_path / "e1.ttl"
    source.write_bytes(GOOD.read_bytes())

    def small_files():
        _ceiling()
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    done = subprocess.run([sys.executable, "-m", "evkg.cli", "convert", source, "--to", "yaml", "-o", kept],
                          capture_output=True, timeout=120, preexec_fn=small_files)
    assert_refused(done, "e1.yaml")
    assert kept.read_text(encoding="utf-8") == "# my edited description\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e1.ttl", "e1.yaml"]
    assert_refused(evkg("convert", source, "--to", "ttl", "-o", source), "is the file being converted")
    assert_refused(evkg("convert", source, "--to", "yaml", "-o", tmp_path / "e1-copy.ttl"), "e1-copy.yaml")
    assert source.read_bytes() == GOOD.read_bytes()
    done = evkg("convert", source, "--to", "yaml", "-o", kept)
    assert done.returncode == 0 and kept.read_text(encoding="utf-8").startswith("id: product:example-e1")


RUNAWAY_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n"   # never finishes


@pytest.fixture(scope="module")
def own_store(tmp_path_factory):
    """A store of this module's own (a child command opens it, so it must not be held open here)."""
    from evkg.graph.build import build

    path = tmp_path_factory.mktemp("query-store") / "store"
    build(path, progress=lambda message: None)
    return path


def test_a_runaway_query_on_the_embedded_store_stops_at_the_time_limit(tmp_path, own_store):
    """Oxigraph cannot be cancelled: the query ran for hours whatever --timeout said."""
    import time

    runaway = tmp_path / "runaway.rq"
    runaway.write_text(RUNAWAY_QUERY, encoding="utf-8")
    started = time.monotonic()
    assert_refused(evkg("query", runaway, "--store", own_store, "--timeout", "1", timeout=60),
                   "did not finish within 1 s")
    assert time.monotonic() - started < 30


def test_ctrl_c_stops_a_runaway_query(tmp_path, own_store):
    """SIGINT was only seen when Oxigraph handed control back to Python, which a runaway query never does."""
    import signal
    import time

    runaway = tmp_path / "runaway.rq"
    runaway.write_text(RUNAWAY_QUERY, encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "query", runaway, "--store", own_store,
                                "--timeout", "600"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=_ceiling)
    try:
        time.sleep(4)                                   # the store is open and the query running
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        process.wait(timeout=5)
        assert process.returncode in (1, 130), process.returncode
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_absurd_jobs_are_capped_at_the_cores_the_process_may_use(tmp_path):
    """--jobs 5000 on a folder of 5000 files started 5000 worker processes, each holding the compiled shapes and
    rules (hundreds of MB): the machine ran out of memory. Here the process may use one core, so no worker
    process may start at all."""
    import shutil
    import time

    for i in range(4):
        shutil.copy(GOOD, tmp_path / f"product-{i}.ttl")
    # the report goes to files: a pipe nobody reads while the loop below watches would fill and stall the check
    out_file, err_file = (tmp_path.parent / f"{tmp_path.name}-{name}.txt" for name in ("out", "err"))
    with out_file.open("wb") as out_handle, err_file.open("wb") as err_handle:
        process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "check", "--jobs", "5000", str(tmp_path)],
                                   stdout=out_handle, stderr=err_handle,
                                   preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    most = 0
    while process.poll() is None:
        children = [entry for entry in Path("/proc").iterdir() if entry.name.isdigit()
                    and _parent_of(entry) == process.pid]
        most = max(most, len(children))
        time.sleep(0.05)
    process.wait(timeout=300)
    out, err = out_file.read_bytes(), err_file.read_bytes()
    assert process.returncode == 0, err.decode()[-2000:]
    assert "--jobs 5000 is more than the 1 core(s) this process may use; checking with 1 worker" in err.decode()
    assert most == 0 and out.decode().count("Verdict: conforms") == 4


def _parent_of(entry: Path) -> int | None:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_a_product_of_hundreds_of_alike_parts_is_checked_in_bounded_memory(tmp_path):
    """40 kB of alike vesicle preparations: to find which missing facts could decide each question, the rules
    ran on copies of the whole description, and 500 parts took 3.4 GB (a 6,500-part file was killed)."""
    parts = "".join(f' evkg:hasEVComponent [ a evkg:EVPreparation ; rdfs:label "part {i % 3}" ] ;\n'
                    for i in range(600))
    path = tmp_path / "alike-parts.ttl"
    path.write_text("@prefix evkg: <https://w3id.org/evkg#> .\n"
                    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                    f"<https://example.org/p> a evkg:EVProduct ;\n{parts} rdfs:label \"p\" .\n", encoding="utf-8")
    done = evkg("check", "-q", "--format", "json", path, timeout=300)
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")[-2000:]      # findings, no crash
    report = json.loads(done.stdout)
    assert {c["jurisdiction"] for c in report["files"][0]["products"][0]["classifications"]} >= {"EU", "US"}


def test_a_compressed_description_is_named_as_such_with_how_to_unpack_it(tmp_path):
    """A gzip file named .ttl was 'not UTF-8 text (byte 0x8b)', and one named .ttl.gz 'cannot tell the RDF
    format from the extension': neither said the file was packed."""
    import bz2
    import gzip

    packed = tmp_path / "product.ttl"
    packed.write_bytes(gzip.compress(GOOD.read_bytes()))
    named = tmp_path / "product.ttl.gz"
    named.write_bytes(packed.read_bytes())
    yaml = tmp_path / "product.yaml"
    yaml.write_bytes(bz2.compress(b"product:\n  label: x\n"))
    done = evkg("check", "-q", packed, named, yaml)
    assert_refused(done, f"{packed}: is a compressed (gzip) file", "gunzip -c FILE",
                   f"{named}: is a compressed (.gz) file", f"{yaml}: is a compressed (bzip2) file", "bunzip2 -c")
    assert "UTF-8" not in done.stdout.decode()
    from evkg.pipeline.check import check_text

    with pytest.raises(Exception) as caught:          # the web service's /check reads its body the same way
        check_text(packed.read_bytes(), "ttl", source_name="submission.ttl")
    assert "is a compressed (gzip) file" in str(caught.value)
