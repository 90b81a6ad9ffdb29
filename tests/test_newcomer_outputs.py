"""What a reviewer or analyst reads: the help of each command, the words of a finding on a number or a dose,
and the walk-through's figures, each as the command prints it."""
from __future__ import annotations

import re

import pytest

from cli_session import run, write


def _offered(capsys, command: str) -> list[str]:
    _, text, _ = run(capsys, command, "--help")
    return re.search(r"its extension \(([^)]*)\)", " ".join(text.split())).group(1).split(", ")


def test_every_extension_the_query_output_help_offers_is_written(capsys, tmp_path):
    """`evkg query --help` offered .html and .md, which the command then refused to write."""
    offered = _offered(capsys, "query")
    assert ".html" not in offered and ".md" not in offered and ".csv" in offered
    for suffix in offered:
        code, _, err = run(capsys, "query", "rules-by-status", "-o", tmp_path / f"rules{suffix}")
        assert code == 0 and (tmp_path / f"rules{suffix}").stat().st_size > 0, (suffix, err)


@pytest.mark.parametrize("command, writes, not_written", [("check", ".html", ".csv"), ("whatif", ".csv", ".html"),
                                                          ("explain", ".md", ".html")])
def test_the_output_help_of_each_command_offers_its_own_formats(command, writes, not_written, capsys):
    offered = _offered(capsys, command)
    assert writes in offered and not_written not in offered


def test_sigterm_stops_the_server_as_ctrl_c_does_and_it_says_so(tmp_path):
    """docs/serve.md: Ctrl+C or SIGTERM ... the server says `evkg serve: stopped.`; on SIGTERM (a service manager,
    `kill PID`) uvicorn raised the signal again after its clean shutdown and the process died of it, silently."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    from evkg.graph.oxigraph_server import free_port
    from test_serve_stop import group_members

    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen([sys.executable, "-m", "evkg.cli", "serve", "--port", str(port), "--workers", "1"],
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while True:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                    if json.loads(answer.read())["status"] == "ok":
                        break
            except OSError:
                time.sleep(0.2)
        server.send_signal(signal.SIGTERM)                 # to the server alone, as `kill PID` does
        assert server.wait(timeout=60) == 0, log.read_text()[-2000:]
        output = log.read_text()
        assert output.rstrip().endswith("evkg serve: stopped.") and "Traceback" not in output, output[-2000:]
        stopped = time.monotonic() + 10
        while group_members(server.pid) and time.monotonic() < stopped:
            time.sleep(0.1)
        assert group_members(server.pid) == []             # its workers stopped with it
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
