"""Large batches: chunks of whole products, worker processes and JSON Lines give the results of one whole run.

Blank nodes get fresh labels each time a file is read, so runs are compared with blank-node labels replaced
by one placeholder; everything else (products, order, findings, classifications, summaries) must match.
"""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from evkg.cli.group import main as cli_main
from evkg.cli.progress import Progress
from evkg.pipeline import check_files
from evkg.pipeline import batch
from evkg.pipeline.chunks import split
from evkg.report.render import to_dict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_products import make_products  # noqa: E402

VALID = sorted((ROOT / "examples" / "valid").glob("*.ttl"))
BLANK = re.compile(r"\b[0-9a-f]{24,32}\b")


def canonical(value) -> str:
    return BLANK.sub("_:b", json.dumps(value, sort_keys=True, ensure_ascii=False))


def product_lines(run, lines: bool = True) -> list[str]:
    """Each product's report, in run order, findings sorted after blank-node labels are replaced (without the
    line and key path they point to when `lines` is False)."""
    out = []
    for entry in to_dict(run)["files"]:
        for product in entry["products"]:
            results = [r if lines else dict(r, line=None, field=None) for r in product["results"]]
            product = dict(product, results=sorted(canonical(r) for r in results))
            out.append(canonical(product))
        out.append(canonical({"file": entry["path"], "error": entry["error"], "conforms": entry["conforms"],
                              "others": sorted(canonical(r) for r in entry["other_results"])}))
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    make_products(60, seed=11).serialize(folder / "sixty.ttl", format="turtle")
    return folder / "sixty.ttl"


def test_chunks_hold_every_statement_once_and_whole_products(corpus):
    from evkg.pipeline.batch import Options, _load

    store = _load(str(corpus), Options())
    chunks = list(split(store, 7))
    assert sum(c.products for c in chunks) == 60
    assert all(c.products >= 7 for c in chunks[:-1]) and chunks[-1].products > 0
    lines = [line for c in chunks for line in c.ntriples.splitlines()]
    assert len(lines) == len(set(lines)) == len(store) - len(store_ontology(store))


def store_ontology(store):
    from evkg.validation.store import ONTOLOGY_GRAPH

    return list(store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH))


def test_chunked_run_equals_the_whole_file(corpus):
    whole = check_files([corpus], chunk_products=10_000)
    chunked = check_files([corpus], chunk_products=7)
    assert whole.summary() == chunked.summary()
    # a file checked whole points its findings to lines; one checked in chunks does not (a large register)
    assert any(r["line"] for p in to_dict(whole)["files"][0]["products"] for r in p["results"])
    assert not any(r["line"] for p in to_dict(chunked)["files"][0]["products"] for r in p["results"])
    assert product_lines(whole, lines=False) == product_lines(chunked, lines=False)
    assert [p.iri for p in chunked.files[0].products] == sorted(p.iri for p in chunked.files[0].products)


def test_a_large_file_split_from_its_text_gives_the_store_split_and_the_whole_file(corpus, monkeypatch):
    """A file over SPLIT_HERE_BYTES is parsed as a stream into N-Triples lines and split without a store: the
    same chunks (statements and product counts) as splitting the loaded store, and the same reports as the
    whole file checked at once."""
    from evkg.io.load import ntriples_lines
    from evkg.pipeline.batch import Options, _load
    from evkg.pipeline.chunks import split_lines

    store = _load(str(corpus), Options())
    from_store = [(c.products, len(c.ntriples.splitlines())) for c in split(store, 7)]
    products, chunks = split_lines(ntriples_lines(corpus), 7)
    assert products == 60
    assert [(c.products, len(c.ntriples.splitlines())) for c in chunks] == from_store
    whole = check_files([corpus], chunk_products=10_000)
    monkeypatch.setattr(batch, "SPLIT_HERE_BYTES", 1000)
    streamed = check_files([corpus], chunk_products=7)
    assert whole.summary() == streamed.summary()
    assert product_lines(whole, lines=False) == product_lines(streamed, lines=False)


def test_jobs_give_the_same_results_in_the_same_order(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "SPLIT_HERE_BYTES", 1000)       # the corpus file is split here, chunks shared out
    paths = [VALID[0], corpus, *VALID[1:3], tmp_path / "missing.ttl"]
    one = check_files(paths, jobs=1, chunk_products=9, explain=True)
    two = check_files(paths, jobs=2, chunk_products=9, explain=True)
    assert [f.path for f in two.files] == [str(p) for p in paths]
    assert one.summary() == two.summary() and one.exit_code == two.exit_code == 2
    assert product_lines(one) == product_lines(two)
    assert [BLANK.sub("", p.explanation) for f in one.files for p in f.products] == \
        [BLANK.sub("", p.explanation) for f in two.files for p in f.products]
    assert two.files[-1].error and "missing.ttl" in two.files[-1].error


def test_the_pool_is_no_larger_than_the_work_it_will_get(monkeypatch):
    """On a machine with many cores, checking two small files starts two workers, not one per core."""
    started = []
    real_init = batch.CheckPool.__init__

    def recording_init(self, jobs, **kwargs):
        started.append(jobs)
        real_init(self, jobs, **kwargs)

    monkeypatch.setattr(batch.CheckPool, "__init__", recording_init)
    run = check_files(VALID[:2], jobs=32)
    assert started == [2]
    assert [p.iri for f in run.files for p in f.products] == \
        [p.iri for f in check_files(VALID[:2], jobs=1).files for p in f.products]
    check_files(VALID[:1], jobs=32)
    assert started == [2]                                       # one small file: checked here, no pool


def test_jsonl_streams_one_line_per_product_then_the_file_then_the_summary(corpus, capsys):
    code = cli_main(["check", str(VALID[0]), str(corpus), "--format", "jsonl", "--jobs", "1"])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    products = [line for line in lines if "product" in line]
    assert len(products) == 61
    assert [line["file"] for line in lines[:2]] == [str(VALID[0])] * 2 and "conforms" in lines[1]
    assert lines[-1]["summary"]["products"] == 61 and lines[-1]["summary"]["exit_code"] == code
    whole = to_dict(check_files([VALID[0], corpus]))
    assert sorted(canonical(line["product"]["iri"]) for line in products) == \
        sorted(canonical(p["iri"]) for f in whole["files"] for p in f["products"])
    assert lines[-1]["summary"] == whole["summary"]


def test_a_folder_stands_for_its_descriptions_and_says_what_it_left_out(tmp_path, capsys):
    for path in VALID[:2]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
        (tmp_path / path.with_suffix(".yaml").name).write_bytes(path.with_suffix(".yaml").read_bytes())
    (tmp_path / "notes.json").write_text("{}")                  # not taken for a description inside a folder
    (tmp_path / "more").mkdir()
    only_yaml = tmp_path / "more" / VALID[2].with_suffix(".yaml").name
    only_yaml.write_bytes(VALID[2].with_suffix(".yaml").read_bytes())
    run = check_files([tmp_path])
    assert [Path(f.path).name for f in run.files] == [p.name for p in VALID[:2]] + [only_yaml.name]
    assert [p.iri for f in run.files for p in f.products] == \
        [p.iri for f in check_files(VALID[:3]).files for p in f.products]
    code = cli_main(["check", str(tmp_path), "--format", "json", "--jobs", "1"])
    note = capsys.readouterr().err
    assert code == 0
    assert f"left out of {tmp_path}: 2 YAML twin(s)" in note and VALID[0].with_suffix(".yaml").name in note
    assert "1 file(s) that are not descriptions (.json)" in note


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal_and_never_when_quiet():
    pipe, terminal, quiet = io.StringIO(), Terminal(), Terminal()
    for stream, flag in ((pipe, False), (terminal, False), (quiet, True)):
        bar = Progress("evkg check", quiet=flag, stream=stream)
        bar.update(3, 10, items=120, unit="products", force=True)
        bar.clear()
    assert pipe.getvalue() == "" and quiet.getvalue() == ""
    shown = terminal.getvalue()
    assert "3/10" in shown and "120 products" in shown and "ETA" in shown and shown.endswith("\r")


def test_the_split_path_keeps_the_checks_and_reads_a_bom(corpus, tmp_path, monkeypatch):
    """A large file is parsed from its bytes on the split path; the checks on its text still run (a NUL is
    refused where it is), and a UTF-8 byte-order mark is read as on the whole-file path."""
    monkeypatch.setattr(batch, "SPLIT_HERE_BYTES", 1000)
    text = corpus.read_bytes()
    with_bom = tmp_path / "with-bom.ttl"
    with_bom.write_bytes(b"\xef\xbb\xbf" + text)
    assert product_lines(check_files([with_bom], chunk_products=7))[:-1] == product_lines(
        check_files([corpus], chunk_products=7))[:-1]                  # all but the file's own line
    with_nul = tmp_path / "with-nul.ttl"
    with_nul.write_bytes(text[:500] + b"\x00" + text[500:])
    entry = check_files([with_nul], chunk_products=7).files[0]
    assert entry.error and "NUL" in entry.error


def test_names_in_a_folder_that_are_no_file_to_read_are_named_not_silently_skipped(tmp_path, capsys):
    """A link to a moved description, a link loop, a pipe or a device named like a description was dropped
    without a word: the summary counted the other files and the user never learnt one was not checked."""
    import os

    (tmp_path / "good.ttl").write_bytes(VALID[0].read_bytes())
    (tmp_path / "moved.yaml").symlink_to(tmp_path / "gone" / "moved.yaml")
    (tmp_path / "loop-a.ttl").symlink_to(tmp_path / "loop-b.ttl")
    (tmp_path / "loop-b.ttl").symlink_to(tmp_path / "loop-a.ttl")
    os.mkfifo(tmp_path / "pipe.ttl")
    (tmp_path / "zeros.ttl").symlink_to("/dev/zero")
    code = cli_main(["check", str(tmp_path), "--format", "jsonl", "--jobs", "1"])
    note = capsys.readouterr().err
    assert code == 0
    assert (f"left out of {tmp_path}: 5 name(s) of a description that are no file to read (loop-a.ttl, "
            "loop-b.ttl, moved.yaml …: a link to a missing file, a link loop, a pipe or a device; put the file "
            "itself there)") in note


def test_a_folder_holding_only_a_link_to_a_missing_description_says_so(tmp_path, capsys):
    (tmp_path / "moved.yaml").symlink_to(tmp_path / "gone" / "moved.yaml")
    code = cli_main(["check", str(tmp_path)])
    shown = capsys.readouterr()
    assert code == 2
    assert f"{tmp_path / 'moved.yaml'} is no file to read (a link to a missing file" in shown.out + shown.err


def test_an_ill_typed_true_or_false_checked_in_worker_processes_is_a_finding_not_a_python_warning(tmp_path):
    """Results read back from the workers rebuilt their literals, and rdflib printed its own warning with its
    file and line ('Parsing weird boolean') beside the finding that already says it in the user's words."""
    import subprocess

    for i in range(3):
        (tmp_path / f"w{i}.yaml").write_text(f"id: w{i}\ntype: EVProduct\nlabel: x\nintendedUse: [NonMedical]\n"
                                             "diseaseClaim: maybe\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "check", str(tmp_path), "--jobs", "2", "-q",
                           "--format", "jsonl"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "weird boolean" not in done.stderr and "Warning" not in done.stderr, done.stderr
    assert done.stdout.count('"constraint": "S-diseaseClaim"') == 3, done.stdout[:2000]
