"""A rule file of someone else's (`evkg check --rules FILE`, `evkg whatif --rules FILE`) is untrusted: it must not
reach the network, pass its conclusions off as the law in force, change the facts it reads, run forever or
take the machine's memory; and Ctrl+C or SIGTERM stop a command stuck in such a rule at once."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evkg.cli import main
from process_tree import alive, children, end_all

ROOT = Path(__file__).resolve().parents[1]
E1 = str(ROOT / "examples" / "valid" / "e1-ucmsc-sev-neonatal-lung.ttl")
E6 = str(ROOT / "examples" / "valid" / "e6-msc-ev-sirna-ibd.ttl")

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix evkg: <https://w3id.org/evkg#> .
@prefix evsh: <https://w3id.org/evkg/shapes#> .
@prefix ex: <https://example.org/hostile#> .
"""
EU = "<https://w3id.org/evkg/data/jurisdiction/EU>"
OUTCOME = 'BIND(IRI(CONCAT("https://example.org/o/", SHA1(STR($this)))) AS ?new)'


def rule(rule_id: str, template: str, where: str, node: str | None = None, category: str = "EU_GTMP") -> str:
    return f"""
{node or 'ex:' + rule_id} a sh:SPARQLRule , evkg:ClassificationRule ; evkg:ruleId "{rule_id}" ;
    evkg:jurisdiction {EU} ; evkg:concludes evkg:{category} ;
    sh:construct \"\"\"CONSTRUCT {{ {template} }} WHERE {{ {where} }}\"\"\" .
"""


def outcome(rule_node: str, category: str = "EU_GTMP", extra: str = "") -> str:
    return (f"?new a evkg:ClassificationOutcome ; evkg:ofProduct $this ; evkg:category evkg:{category} ; "
            f"evkg:derivedByRule {rule_node} . {extra}")


def overlay(tmp_path, text: str, name: str = "hostile.ttl") -> str:
    path = tmp_path / name
    path.write_text(PREFIXES + text, encoding="utf-8")
    return str(path)


def whatif_refuses(path: str, capsys, *words) -> None:
    assert main(["whatif", "--rules", path, "--no-curated", "--no-examples", E1]) == 2
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err, err
    assert f"error: {path}: " in err, err
    for word in words:
        assert word in err, (word, err)


def test_a_rule_calling_a_remote_endpoint_is_refused_before_anything_is_sent(tmp_path, capsys, listener):
    """The rule's SERVICE call used to go out (when the rule was checked and again per file) and ended in an
    'internal error … fault in evkg' or 'cannot read or write: Connection refused'."""
    where = f"$this evkg:intendedUse ?u . SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?a ?b ?c }} {OUTCOME}"
    path = overlay(tmp_path, rule("X-01", outcome("ex:X-01"), where))
    whatif_refuses(path, capsys, "rule X-01: its sh:construct calls a remote SPARQL endpoint (SERVICE)",
                   "Remove the SERVICE block")
    assert main(["check", "--rules", path, E1]) == 2
    time.sleep(0.5)
    assert not listener.connected


@pytest.mark.parametrize("hiding", [
    # an escaped '#' in a prefixed name was read as the start of a comment that blanked the rest of the line
    "OPTIONAL {{ ?u ?b ex:a\\\\#b }} SERVICE <{url}> {{ ?a ?b ?c\n}}",
    # a comment ends at a carriage return for Oxigraph, but was read to the next line feed
    "# a note\\rSERVICE <{url}> {{ ?a ?b ?c }}\n",
    # a "." right before SERVICE ends the pattern before it, but was read as part of a prefixed name
    "OPTIONAL {{ ?u ?b ?c }}.SERVICE <{url}> {{ ?a ?b ?c }}",
], ids=["escaped-hash", "carriage-return", "dot-before"])
def test_a_remote_call_hidden_behind_a_comment_the_parser_does_not_see_is_refused(tmp_path, capsys, listener, hiding):
    where = f"$this evkg:intendedUse ?u . {hiding.format(url=f'http://127.0.0.1:{listener.port}/sparql')} {OUTCOME}"
    path = overlay(tmp_path, rule("X-01", outcome("ex:X-01"), where))
    whatif_refuses(path, capsys, "rule X-01: its sh:construct calls a remote SPARQL endpoint (SERVICE)")
    time.sleep(0.5)
    assert not listener.connected


def test_a_question_of_a_rule_file_calling_a_remote_endpoint_is_refused(tmp_path, capsys, listener):
    question = (f'evkg:Q_EU_GTMP evkg:askedWhen "SERVICE <http://127.0.0.1:{listener.port}/sparql> '
                '{ ?this ?b ?c }" .\n')
    path = overlay(tmp_path, question + rule("X-01", outcome("ex:X-01"), f"$this evkg:intendedUse ?u . {OUTCOME}"))
    whatif_refuses(path, capsys, "the question Q_EU_GTMP: its evkg:askedWhen calls a remote SPARQL endpoint")
    time.sleep(0.5)
    assert not listener.connected


PLAIN = "$this evkg:intendedUse ?u . " + OUTCOME


@pytest.mark.parametrize("text, words", [
    # the IRI of a rule in force under a new id: the run crashed (min() arg is an empty sequence)
    (rule("X-02", outcome("evsh:EU-01"), PLAIN, node="evsh:EU-01"), "the rule X-02 has the IRI of rule EU-01"),
    # two ids on one rule: one was kept at random, the other silently dropped
    (rule("X-03", outcome("ex:X-03"), PLAIN).replace('"X-03" ;', '"X-03" , "X-04" ;', 1),
     "has several evkg:ruleId values (X-03, X-04)"),
    # two rules with one id: the second silently replaced the first
    (rule("X-05", outcome("ex:X-05"), PLAIN) + rule("X-05", outcome("ex:X-06"), PLAIN, node="ex:X-06"),
     "two rules of the file have the evkg:ruleId X-05"),
    # the engine's own hierarchy step: the rule ran but was missing from the list of changed rules
    (rule("HIERARCHY", outcome("ex:HIERARCHY"), PLAIN), "takes the name HIERARCHY, which is reserved"),
])
def test_a_rule_must_say_unambiguously_which_rule_it_is(tmp_path, capsys, text, words):
    whatif_refuses(overlay(tmp_path, text), capsys, words, "Give each rule of the file its own IRI")


def test_a_rule_may_not_pass_its_conclusions_off_as_a_rule_in_force(tmp_path, capsys):
    """The conclusion was reported as EU-01's, settled, citing Directive 2001/83/EC, while the overlay said it
    only added X-01."""
    path = overlay(tmp_path, rule("X-01", outcome("evsh:EU-01", extra="?new evkg:status evkg:Settled ."), PLAIN))
    whatif_refuses(path, capsys, "rule X-01 attributes its conclusions to another rule "
                                 "(https://w3id.org/evkg/shapes#EU-01)", "evkg:derivedByRule <https://example.org/hostile#X-01>")


def test_a_rule_may_not_add_to_an_outcome_of_a_bundled_rule(tmp_path, capsys):
    """A rule minting EU-01's own outcome node and restating its rule would add a category to EU-01's
    conclusion; the triple it restates was already concluded by EU-01, and is checked all the same."""
    eu01 = ('BIND(IRI(CONCAT("https://w3id.org/evkg/data/outcome/", '
            'SHA1(CONCAT(STR($this), "|EU-01|EU_MedicinalProduct")))) AS ?new)')
    text = rule("X-01", "?new evkg:derivedByRule evsh:EU-01 ; evkg:category evkg:EU_GTMP .",
                f"$this evkg:intendedUse ?use . {eu01}") + "ex:X-01 sh:order 1000 .\n"
    whatif_refuses(overlay(tmp_path, text), capsys, "rule X-01 attributes its conclusions to another rule "
                                                    "(https://w3id.org/evkg/shapes#EU-01)")


def test_a_rule_may_not_change_the_facts_it_classifies(tmp_path, capsys):
    path = overlay(tmp_path, rule("X-01", outcome("ex:X-01", extra="$this evkg:intendedUse evkg:NonMedical ."),
                                  PLAIN))
    whatif_refuses(path, capsys, "rule X-01 states a fact instead of a conclusion",
                   "<https://w3id.org/evkg#intendedUse>")


def test_rules_that_feed_each_other_forever_are_stopped_naming_them(tmp_path, capsys):
    """The run ended after 100 passes in 'internal error: RuntimeError … This is a fault in evkg'."""
    from_other = 'BIND(IRI(CONCAT("https://example.org/o/", SHA1(STR(?o)))) AS ?new)'
    ping = rule("X-01", outcome("ex:X-01", "EU_Ping"),
                f"{{ {PLAIN} }} UNION {{ ?o evkg:ofProduct $this ; evkg:category evkg:EU_Pong . {from_other} }}",
                category="EU_Ping")
    pong = rule("X-02", outcome("ex:X-02", "EU_Pong"), f"?o evkg:ofProduct $this ; evkg:category evkg:EU_Ping . "
                f"{from_other}", category="EU_Pong")
    whatif_refuses(overlay(tmp_path, ping + pong), capsys, "kept concluding new outcomes after 100 passes",
                   "rules still firing: X-0")


def test_a_rule_whose_conclusions_explode_is_stopped_early(tmp_path):
    """A cartesian product in the WHERE filled memory with conclusions until the machine gave out."""
    every = 'BIND(IRI(CONCAT("https://example.org/o/", SHA1(CONCAT(STR(?a), STR(?c), STR(?d), STR(?f))))) AS ?new)'
    path = overlay(tmp_path, rule("X-01", outcome("ex:X-01"), f"$this evkg:intendedUse ?u . ?a ?b ?c . ?d ?e ?f . "
                                  f"{every}"))
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "whatif", "--rules", path, "--no-curated",
                           "--no-examples", E1], capture_output=True, timeout=120, preexec_fn=_memory_ceiling)
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err, err[-2000:]
    assert ("rule X-01 concluded more than 1,000 statements about 1 product(s) in one run and was stopped" in err
            and "join every pattern of its WHERE to $this" in err), err


def _memory_ceiling():
    resource.setrlimit(resource.RLIMIT_AS, (3 * 1024 ** 3, 3 * 1024 ** 3))


# a rule that never yields a conclusion and never ends: only killing the process stops Oxigraph
RUNAWAY = rule("X-01", outcome("ex:X-01"), "$this evkg:intendedUse ?u . ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
               'FILTER(CONCAT(STR(?c), STR(?f), STR(?i)) = "never") ' + OUTCOME)


@pytest.mark.parametrize("signal_number, code, words, jobs", [
    (signal.SIGINT, 130, "interrupted (Ctrl+C)", "1"),
    (signal.SIGTERM, 143, "stopped (SIGTERM)", "2"),
])
def test_a_signal_stops_a_command_stuck_in_a_runaway_rule_at_once(tmp_path, signal_number, code, words, jobs):
    """Ctrl+C was ignored while Oxigraph evaluated the rule (Python sees a signal only when the engine hands
    back control), and --jobs workers went on after their parent was gone."""
    path = overlay(tmp_path, RUNAWAY)
    report = tmp_path / "report.txt"
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "check", "-q", "--jobs", jobs, "--rules", path,
                                E1, E6, "-o", str(report)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers: set[int] = set()
    try:
        time.sleep(8)                                    # started, the rule file read, the rule running
        assert process.poll() is None
        workers = children(process.pid)
        assert len(workers) == int(jobs) - 1 or jobs == "2" and len(workers) >= 1
        process.send_signal(signal_number)
        _, err = process.communicate(timeout=10)
        assert process.returncode == code, err
        assert words in err.decode() and "Traceback" not in err.decode()
        assert not report.exists() and not list(tmp_path.glob(".report.txt.*"))
        time.sleep(0.5)
        assert not [pid for pid in workers if alive(pid)]
    finally:
        end_all(process, workers)


@pytest.mark.parametrize("statement, words", [
    # every EU medicinal product came out a GTMP and an ATMP, "settled; follows from a narrower category",
    # citing Directive 2009/120/EC, while the file listed no changed rule
    ("evkg:EU_MedicinalProduct rdfs:subClassOf evkg:EU_GTMP .",
     "evkg:EU_MedicinalProduct rdfs:subClassOf evkg:EU_GTMP"),
    ('evkg:Q_EU_ATMP evkg:positiveCategory evkg:EU_NotATMP .', "bundled term Q_EU_ATMP"),
    ('evkg:EU_ATMP rdfs:label "not an ATMP"@en .', "bundled term EU_ATMP"),
], ids=["hierarchy", "question", "label"])
def test_a_rule_file_may_not_change_the_bundled_vocabulary(tmp_path, capsys, statement, words):
    path = overlay(tmp_path, "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + statement
                   + rule("X-01", outcome("ex:X-01"), PLAIN))
    whatif_refuses(path, capsys, words, "cannot change the category hierarchy", "Remove that statement")
    assert main(["check", "--rules", path, E1]) == 2


def test_a_rule_file_may_restate_the_bundled_vocabulary_and_add_terms_of_its_own(tmp_path, capsys):
    text = ("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "evkg:EU_GTMP rdfs:subClassOf evkg:EU_ATMP .\n"
            'evkg:EU_Narrow rdfs:subClassOf evkg:EU_GTMP ; rdfs:label "a narrower GTMP"@en .\n'
            + rule("X-01", outcome("ex:X-01", "EU_Narrow"), PLAIN, category="EU_Narrow"))
    assert main(["whatif", "--rules", overlay(tmp_path, text), "--no-curated", "--no-examples", E1]) == 0, \
        capsys.readouterr().err


def test_a_rule_file_far_larger_than_any_rule_set_is_refused_before_it_is_read(tmp_path, capsys):
    """A 40 MB file given as rules took 2 GB of memory while rdflib read it, before any rule was looked at."""
    path = tmp_path / "rules.ttl"
    with path.open("wb") as handle:         # sparse: the size is refused from the file system, nothing is read
        handle.truncate(6 * 1024 * 1024)
    whatif_refuses(str(path), capsys, "over the size limit of 5,242,880 bytes", "A rule file holds rules")


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_rule_path_that_is_no_regular_file_says_what_it_is(tmp_path, capsys, kind):
    """A FIFO or folder was said not to exist."""
    path = tmp_path / "rules.ttl"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    assert main(["whatif", "--rules", str(path), "--no-curated", "--no-examples", E1]) == 2
    err = capsys.readouterr().err
    assert ("is a pipe (FIFO)" if kind == "fifo" else "is a folder") in err and "does not exist" not in err, err


def test_a_rule_file_saved_with_a_byte_order_mark_or_in_another_encoding(tmp_path, capsys):
    """A UTF-8 file with a byte-order mark (as some Windows editors save) was 'not valid Turtle' at line 1; a
    Latin-1 file was 'not valid Turtle' with no place given."""
    text = PREFIXES + rule("X-01", outcome("ex:X-01"), PLAIN).replace("evkg:ruleId", 'rdfs:label "règle" ; evkg:ruleId')
    text = "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + text
    marked = tmp_path / "marked.ttl"
    marked.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert main(["whatif", "--rules", str(marked), "--no-curated", "--no-examples", E1]) == 0, capsys.readouterr().err
    latin = tmp_path / "latin.ttl"
    latin.write_bytes(text.encode("latin-1"))
    assert main(["whatif", "--rules", str(latin), "--no-curated", "--no-examples", E1]) == 2
    err = capsys.readouterr().err
    assert f"error: {latin}, line 7, column 66: is not UTF-8 text (byte 0xe8" in err and "Save the file as UTF-8" in err, err


def test_a_rule_id_or_label_that_looks_like_a_formula_is_exact_in_the_csv_or_text_when_asked(tmp_path, capsys):
    """The what-if CSV wrote a rule id '=HYPERLINK("http://…","x")' as a cell that a spreadsheet runs as a
    formula when the file is opened. It is written exactly, as `evkg query --format csv` writes its values,
    with a note saying so; --spreadsheet-safe writes it as text for a spreadsheet."""
    import csv
    import io

    formula = '=HYPERLINK("http://example.org/x","x")'
    path = overlay(tmp_path, rule(formula.replace('"', '\\"'), outcome("ex:X-01"), PLAIN, node="ex:X-01"))
    assert main(["whatif", "--rules", path, "--no-curated", "--no-examples", E1, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert formula in {row["after_rules"] for row in rows}
    assert "a spreadsheet would run as a formula" in err and "--spreadsheet-safe" in err, err
    assert main(["whatif", "--rules", path, "--no-curated", "--no-examples", E1, "--format", "csv",
                 "--spreadsheet-safe"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(out)))
    assert "'" + formula in {row["after_rules"] for row in rows}
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())
    assert "formula" not in err
    assert main(["whatif", "--rules", path, "--no-curated", "--no-examples", E1, "--spreadsheet-safe"]) == 2
    assert "--spreadsheet-safe changes CSV cells, and this report is text; add --format csv" in capsys.readouterr().err


def _stopped_at_limit(done, path: str, words: str) -> str:
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err and "internal error" not in err, err[-2000:]
    assert f"error: {path}: rule X-01 {words} and was stopped, with the command" in err, err[-2000:]
    return err


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_runaway_rule_is_stopped_at_its_time_limit_naming_it(tmp_path, jobs):
    """A rule that never yields a conclusion ran until someone pressed Ctrl+C."""
    path = overlay(tmp_path, RUNAWAY)
    report = tmp_path / "report.txt"
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "check", "-q", "--jobs", jobs, "--rules", path,
                                "--rule-timeout", "2", E1, E6, "-o", str(report)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    done = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    assert "--rule-timeout SECONDS" in _stopped_at_limit(done, path, "ran for more than 2 s on one batch of descriptions")
    assert not report.exists() and not list(tmp_path.glob(".report.txt.*"))
    time.sleep(0.5)
    assert not children(process.pid)


def test_a_rule_that_fills_memory_is_stopped_at_its_memory_limit_naming_it(tmp_path):
    """A grouping over every triple three times over grew without end (no conclusion, so the cap on
    conclusions never spoke)."""
    everything = ("$this evkg:intendedUse ?u . { SELECT (GROUP_CONCAT(CONCAT(STR(?c), STR(?f), STR(?i))) AS ?all) "
                  "WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } } FILTER(STRLEN(?all) = 1) " + OUTCOME)
    path = overlay(tmp_path, rule("X-01", outcome("ex:X-01"), everything))
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "whatif", "--rules", path, "--no-curated",
                           "--no-examples", "--rule-memory", "600", "--rule-timeout", "0", E1],
                          capture_output=True, timeout=300, preexec_fn=_memory_ceiling)
    assert "--rule-memory MB" in _stopped_at_limit(done, path, "took more than 600 MB of memory")


@pytest.mark.parametrize("where, words", [
    (" ".join(f"$this evkg:p{i} ?v{i} ." for i in range(20_000)), "the query joins 20,00"),     # 480 kB
    ("$this evkg:intendedUse ?u . FILTER(" + " || ".join(f"?u = evkg:x{i}" for i in range(10_000)) + ")",
     "the query joins 10,00"),
    (" ".join(f"$this evkg:p{i} ?v{i} ." for i in range(1_000)), "more than the 2,000 a rule may hold"),
], ids=["patterns", "alternatives", "terms"])
def test_a_rule_too_large_for_the_query_engine_is_refused_not_a_crash(tmp_path, where, words):
    """Oxigraph plans a query recursively: the command died of a segmentation fault, with no word of why."""
    path = overlay(tmp_path, rule("X-01", outcome("ex:X-01"), where + " " + OUTCOME))
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "--rules", path, E1],
                          capture_output=True, timeout=120, preexec_fn=_memory_ceiling)
    err = done.stderr.decode()
    assert done.returncode == 2 and "Traceback" not in err, (done.returncode, err[-2000:])
    assert f"error: {path}: rule X-01: " in err and words in err, err[-2000:]


def test_a_rule_whose_query_takes_minutes_to_plan_is_stopped_at_its_time_limit(tmp_path):
    """150 patterns in one group took Oxigraph 15 s to plan (300 took minutes), before any limit applied."""
    where = " ".join(f"$this evkg:p{i} ?v{i} ." for i in range(150)) + " " + OUTCOME
    path = overlay(tmp_path, rule("X-01", outcome("ex:X-01"), where))
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "check", "-q", "--rules", path, "--rule-timeout", "2",
                           E1], capture_output=True, timeout=120, preexec_fn=_memory_ceiling)
    err = _stopped_at_limit(done, path, "took more than 2 s to read and plan its query")
    assert "split the rule" in err


def test_a_description_whatif_cannot_read_is_named_once_with_its_place(tmp_path, capsys):
    """The error line named the file twice: 'error: broken.yaml: broken.yaml, line 3, column 14: …'."""
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: knee-ev\ntype: EVProduct\nintendedUse: [Treatment\n", encoding="utf-8")
    assert main(["whatif", "--rules", "eu-reform-proposal-2023", "--no-curated", "--no-examples", str(broken)]) == 2
    out = capsys.readouterr().out
    line = next(text for text in out.splitlines() if text.startswith("error: "))
    assert line.startswith(f"error: {broken}, line 3, column 14: is not valid YAML: the list in [ ] that starts here "
                           "is never closed."), line
    assert line.count("broken.yaml") == 1
