"""`evkg query FILE.rq` with a path that is not a plain query file, and a query whose remote call fails: each is
one plain error line, saying what the path is, never a line of Python."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from evkg.cli import main


def query_error(capsys, *args) -> str:
    assert main(["query", *args]) == 2
    return capsys.readouterr().err


@pytest.mark.parametrize("make, words", [
    (lambda path: path.symlink_to("/dev/zero"), "is a device, not a regular query file"),
    (lambda path: os.mkfifo(path), "is a pipe (FIFO), not a regular query file"),
    (lambda path: path.mkdir(), "is a folder, not a file"),
    (lambda path: path.symlink_to(path), "Too many levels of symbolic links"),
    (lambda path: path.write_bytes(b"SELECT * WHERE { ?s ?p ?o }\n# caf\xe9\n"), "line 2: is not UTF-8 text"),
], ids=["device", "fifo", "folder", "symlink-loop", "latin-1"])
def test_a_query_file_that_is_not_a_plain_text_file_is_named_for_what_it_is(tmp_path, capsys, built_store_path,
                                                                            make, words):
    """Each was reported as a file that 'does not exist', or with Python's decoding message."""
    path = tmp_path / "question.rq"
    make(path)
    err = query_error(capsys, str(path), "--store", str(built_store_path))
    assert words in err and "does not exist" not in err and "codec" not in err, err


def test_a_remote_call_that_fails_is_one_error_line(tmp_path, built_store_path):
    """The error was followed by "RuntimeError: pyoxigraph::sparql::PyQuerySolutions is unsendable, but is being
    dropped on another thread"."""
    with socket.create_server(("127.0.0.1", 0)) as closed:
        port = closed.getsockname()[1]
    query = tmp_path / "remote.rq"
    query.write_text(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}\n")
    done = subprocess.run([sys.executable, "-m", "evkg.cli", "query", str(query), "--store", str(built_store_path),
                           "--timeout", "20"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert [line for line in done.stderr.splitlines() if line.strip()] == [done.stderr.strip()], done.stderr
    assert done.stderr.startswith("error: ") and "RuntimeError" not in done.stderr, done.stderr
    # it names the call that failed (it said "cannot read or write: Connection refused")
    assert f"SERVICE call to <http://127.0.0.1:{port}/sparql> failed" in done.stderr, done.stderr


FORMULAS = ('SELECT ?label ?n WHERE { VALUES (?label ?n) { ("=HYPERLINK(\\"http://example.org/x\\",\\"x\\")" -80) '
            '("@SUM(1+1)" "+1.5") ("plain" "-2+3") } }\n')


def test_query_csv_values_stay_exact_with_a_note_on_cells_a_spreadsheet_would_run(tmp_path, capsys, built_store_path):
    """Values beginning with =, +, -, @ went out raw with no word: a spreadsheet runs them as formulas when the
    file is opened. They stay exact (the SPARQL 1.1 CSV results format), and stderr says so and how to write
    the file for a spreadsheet."""
    import csv
    import io

    query = tmp_path / "formulas.rq"
    query.write_text(FORMULAS, encoding="utf-8")
    assert main(["query", str(query), "--store", str(built_store_path), "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert rows[1:] == [['=HYPERLINK("http://example.org/x","x")', "-80"], ["@SUM(1+1)", "+1.5"],
                        ["plain", "-2+3"]]
    assert "note: 3 values in this CSV begin with =, +, - or @, which a spreadsheet would run as a formula" in err
    assert "--spreadsheet-safe" in err
    # the TSV, JSON and XML results say nothing: no spreadsheet opens them as formulas by that name
    assert main(["query", str(query), "--store", str(built_store_path), "--format", "tsv"]) == 0
    assert "spreadsheet" not in capsys.readouterr().err


def test_query_csv_for_a_spreadsheet_writes_those_cells_as_text(tmp_path, capsys, built_store_path):
    import csv
    import io

    query = tmp_path / "formulas.rq"
    query.write_text(FORMULAS, encoding="utf-8")
    written = tmp_path / "answer.csv"
    assert main(["query", str(query), "--store", str(built_store_path), "--spreadsheet-safe", "-o", str(written)]) == 0
    assert "spreadsheet" not in capsys.readouterr().err
    data = written.read_bytes()
    assert data.count(b"\r\n") == 4                                # the results format's line endings are kept
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows == [["label", "n"], ['\'=HYPERLINK("http://example.org/x","x")', "-80"], ["'@SUM(1+1)", "+1.5"],
                    ["plain", "'-2+3"]]
    assert main(["query", str(query), "--store", str(built_store_path), "--format", "json",
                 "--spreadsheet-safe"]) == 2
    assert "--spreadsheet-safe changes CSV cells, and this answer is json; add --format csv" in capsys.readouterr().err


def test_an_endpoints_csv_that_is_not_utf8_is_written_as_sent(tmp_path):
    """The CSV of an endpoint that sends other bytes than UTF-8 (a Latin-1 é) stopped the command with
    Python's decoding error while it looked for cells a spreadsheet would run."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    answer = b"label\r\ncaf\xe9\r\n=1+2\r\n"

    class Endpoint(BaseHTTPRequestHandler):
        def do_GET(self):
            self._answer()

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self._answer()

        def _answer(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/csv")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        query = tmp_path / "labels.rq"
        query.write_text("SELECT ?label FROM <urn:x:g> WHERE { ?s <urn:x:label> ?label }\n", encoding="utf-8")
        done = subprocess.run([sys.executable, "-m", "evkg.cli", "query", str(query), "--endpoint",
                               f"http://127.0.0.1:{server.server_address[1]}/sparql", "--format", "csv"],
                              capture_output=True, timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout == answer
    assert b"1 value in this CSV begins with =" in done.stderr and b"Traceback" not in done.stderr
