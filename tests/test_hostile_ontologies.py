"""An ontology file from elsewhere (`evkg terms add FILE`) is untrusted: adding it must not reach the network
nor take the machine's memory, and what it cannot be is said in plain words."""
from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evkg.cli import main
from process_tree import alive, children, end_all

ONTOLOGIES = Path(__file__).resolve().parent / "fixtures" / "ontologies"


@pytest.fixture()
def terms_dir(tmp_path, monkeypatch):
    folder = tmp_path / "terms"
    monkeypatch.setenv("EVKG_TERMS_DIR", str(folder))
    return folder


@pytest.mark.parametrize("name, text", [
    ("imports.obo", "format-version: 1.2\nontology: mondo\nimport: {url}\n\n[Term]\nid: MONDO:0000001\nname: disease\n"),
    ("imports.owl", (ONTOLOGIES / "mondo-excerpt.owl").read_text(encoding="utf-8").replace(
        '<owl:Ontology rdf:about="http://purl.obolibrary.org/obo/mondo.owl"/>',
        '<owl:Ontology rdf:about="http://purl.obolibrary.org/obo/mondo.owl"><owl:imports rdf:resource="{url}"/>'
        '</owl:Ontology>')),
], ids=["obo-import", "owl-imports"])
def test_an_ontology_that_imports_another_is_read_without_reaching_the_network(tmp_path, terms_dir, capsys,
                                                                               listener, name, text):
    """The imported ontology was fetched from the address the file named."""
    path = tmp_path / name
    path.write_text(text.replace("{url}", f"http://127.0.0.1:{listener.port}/other.obo"), encoding="utf-8")
    assert main(["terms", "add", str(path)]) == 0, capsys.readouterr().err
    assert "MONDO" in capsys.readouterr().out
    time.sleep(0.5)
    assert not listener.connected


def test_a_compressed_file_named_like_an_ontology_is_refused_before_it_is_unpacked(tmp_path, terms_dir, capsys):
    """3.6 MB of gzip named .obo was unpacked behind its name and took more than 5 GB of memory."""
    path = tmp_path / "mondo.obo"
    with gzip.open(path, "wb") as handle:
        handle.write(b"format-version: 1.2\nontology: mondo\n\n[Term]\nid: MONDO:0000001\nname: disease\n")
    assert main(["terms", "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}: is a compressed (gzip) file" in err and "Unpack it first" in err, err
    assert not terms_dir.exists() or not any(terms_dir.iterdir())


def test_a_json_ontology_nested_deeper_than_any_obo_graph_is_refused_before_it_is_parsed(tmp_path, terms_dir, capsys):
    """100,000 levels of brackets in 200 kB took the OBO-Graph reader 40 s, during which Ctrl+C was not heard;
    the time grew with the square of the nesting."""
    path = tmp_path / "mondo.json"
    graph = ('{"graphs": [{"id": "http://purl.obolibrary.org/obo/mondo.owl", "nodes": [{"id": '
             '"http://purl.obolibrary.org/obo/MONDO_0000001", "lbl": "disease"}]}], "x": ')
    path.write_text(graph + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    assert main(["terms", "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"error: {path}: is nested more than 100 levels deep" in err and "Traceback" not in err, err


def _flat_obo(path: Path, terms: int) -> Path:
    """A plain OBO ontology of ``terms`` terms, each under one of a few broader ones (as real ones are)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("format-version: 1.2\nontology: mondo\n\n[Term]\nid: MONDO:0000001\nname: disease\n\n")
        for i in range(2, terms + 1):
            handle.write(f'[Term]\nid: MONDO:{i:07d}\nname: disease number {i}\nsynonym: "illness {i}" EXACT []\n'
                         f"is_a: MONDO:{max(i // 10, 1):07d}\n\n")
    return path


def test_an_ontology_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, terms_dir, capsys, monkeypatch):
    """Nothing bounded the file: reading takes about 45 times its size in memory (43 MB of OBO took 2.5 GB)."""
    path = tmp_path / "ncbitaxon.obo"
    with path.open("wb") as handle:         # sparse: refused from its size, nothing is read
        handle.truncate(201 * 1024 * 1024)
    assert main(["terms", "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert (f"error: {path}: is 210,763,776 bytes, over the size limit of 209,715,200 bytes" in err
            and "--max-bytes" in err and "Traceback" not in err), err
    small = _flat_obo(tmp_path / "small.obo", 50)
    monkeypatch.setenv("EVKG_TERMS_MAX_BYTES", "1000")
    assert main(["terms", "add", str(small)]) == 2
    assert "over the size limit of 1,000 bytes" in capsys.readouterr().err
    assert main(["terms", "add", "--max-bytes", "100000", str(small)]) == 0, capsys.readouterr().err
    assert not terms_dir.joinpath("ncbitaxon.obo.json").exists()


@pytest.mark.parametrize("ceiling", ["256", "800", "1000"])
def test_reading_an_ontology_past_its_memory_ceiling_is_stopped_with_a_plain_message(tmp_path, terms_dir, ceiling):
    """Where the ceiling was met decided what happened: a MemoryError, a Rust abort, a SystemError ('returned
    NULL without setting an exception', told as an unreadable file) or, at 800 MB, a parser thread pool that lost
    a thread and waited for ever, which held the whole test run until CI gave up. The command runs in a process
    of its own, as a user runs it: the reader is forked, and forking a test runner's threads is no user's case."""
    path = _flat_obo(tmp_path / "mondo.obo", 200_000)    # 21 MB: about 1 GB to read
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "terms", "add", "--max-memory", ceiling, str(path)],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 2, done.stderr
    err = done.stderr
    assert (f"error: {path}: reading it needed more than the {int(ceiling):,} MB of memory allowed and was stopped"
            in err and "--max-memory" in err), err
    assert "Traceback" not in err and "memory allocation" not in err and "leaked" not in err, err
    assert not terms_dir.exists() or not any(terms_dir.iterdir())


def test_the_memory_ceiling_counts_only_what_reading_adds(tmp_path, terms_dir, capsys):
    """The reader is forked from evkg's own process and inherits its address space: a ceiling on the whole of it
    was met at once by a process already holding more (in a long session a 50-term ontology 'needed more than
    512 MB'), so the ceiling now comes on top of what the process holds."""
    import mmap

    held = mmap.mmap(-1, 2 * 1024 ** 3)             # 2 GB of address space, never touched
    try:
        path = _flat_obo(tmp_path / "tiny.obo", 50)
        assert main(["terms", "add", "--max-memory", "512", str(path)]) == 0, capsys.readouterr().err
    finally:
        held.close()


def test_a_memory_ceiling_past_what_the_system_can_set_is_no_ceiling(tmp_path, terms_dir):
    """--max-memory 10^14 MB made the reader fail before reading: 'the ontology reader stopped unexpectedly'."""
    path = _flat_obo(tmp_path / "tiny.obo", 50)
    assert main(["terms", "add", "--max-memory", str(10 ** 14), str(path)]) == 0


@pytest.mark.parametrize("signal_number, code, words", [
    (signal.SIGINT, 130, "interrupted (Ctrl+C)"), (signal.SIGTERM, 143, "stopped (SIGTERM)")])
def test_a_signal_stops_the_reading_of_a_large_ontology_at_once(tmp_path, terms_dir, signal_number, code, words):
    """The native parser held the interpreter: Ctrl+C was heard only between its stages, seconds apart, and
    a real ontology of hundreds of MB would have been read to the end first."""
    path = _flat_obo(tmp_path / "mondo.obo", 400_000)            # 43 MB: about 30 s of parsing
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "terms", "add", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "EVKG_TERMS_DIR": str(terms_dir)})
    readers: set[int] = set()
    try:
        for _ in range(600):                                     # the parse runs in a child process
            readers = children(process.pid)
            if readers or process.poll() is not None:
                break
            time.sleep(0.1)
        assert readers, "no reader process"
        time.sleep(2)                                            # inside the parser
        assert process.poll() is None
        process.send_signal(signal_number)
        _, err = process.communicate(timeout=10)
        assert process.returncode == code and words in err.decode() and "Traceback" not in err.decode(), err
        time.sleep(0.5)
        assert not [pid for pid in readers if alive(pid)]
        assert not terms_dir.exists() or not any(terms_dir.iterdir())
    finally:
        end_all(process, readers)


def test_a_reader_that_stops_making_progress_is_stopped_and_said_so(tmp_path, terms_dir):
    """A reader that hung (a parser thread pool waiting for a thread that had died) was waited for without end."""
    path = _flat_obo(tmp_path / "mondo.obo", 400_000)
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "terms", "add", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "EVKG_TERMS_DIR": str(terms_dir)})
    readers: set[int] = set()
    try:
        for _ in range(600):
            readers = children(process.pid)
            if readers or process.poll() is not None:
                break
            time.sleep(0.1)
        assert readers, "no reader process"
        for pid in readers:
            os.kill(pid, signal.SIGSTOP)                         # uses no processor time from now on
        started = time.monotonic()
        _, err = process.communicate(timeout=60)
        assert process.returncode == 2, err
        assert (f"error: {path}: could not be read as an ontology: the ontology reader stopped making progress "
                "for 10 s and was stopped" in err.decode()), err
        assert 9 < time.monotonic() - started < 30
        time.sleep(0.5)
        assert not [pid for pid in readers if alive(pid)]
        assert not terms_dir.exists() or not any(terms_dir.iterdir())
    finally:
        end_all(process, readers)


def _fill_and_spin(path: str):
    """A reader pressed against its ceiling that keeps using the processor instead of failing."""
    import resource

    ceiling = resource.getrlimit(resource.RLIMIT_AS)[0]
    held = []
    try:
        while True:
            held.append(bytearray(8 * 1024 * 1024))
    except MemoryError:
        pass
    while True:                        # spins at the ceiling: neither stuck nor failing
        sum(range(1000))
    return ceiling, held


def test_a_reader_spinning_at_its_memory_ceiling_is_stopped_as_over_the_ceiling(tmp_path):
    """A reader whose allocations meet the ceiling may retry for ever instead of failing; only one that used no
    processor time was stopped, so this one held its caller until CI gave up."""
    from evkg.core.errors import InputError
    from evkg.terms.reader_process import STALL_SECONDS, read_in_child

    started = time.monotonic()
    with pytest.raises(InputError) as error:
        read_in_child(_fill_and_spin, tmp_path / "x.obo", 200)
    assert "needed more than the 200 MB of memory allowed and was stopped" in str(error.value), error.value
    assert STALL_SECONDS < time.monotonic() - started < STALL_SECONDS + 20
