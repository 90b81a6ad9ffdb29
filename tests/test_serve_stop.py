"""Ctrl+C on `evkg serve` while a query runs: the server stops within seconds, stops the query, leaves no
process behind and prints no Python traceback. A real server in its own process group, interrupted as a
terminal does (SIGINT to the whole group)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import httpx

from evkg.graph.oxigraph_server import free_port

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 120


def group_members(group: int) -> list[int]:
    members = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            members.append(int(pid))
    return members


def wait_until_serving(server: subprocess.Popen, port: int, said=lambda: "the server did not start") -> None:
    """Return once `evkg serve` answers /health; fail, with `said()`, if it stops or takes over 300 s."""
    deadline = time.monotonic() + 300
    while True:
        assert server.poll() is None and time.monotonic() < deadline, said()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                if json.loads(answer.read())["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)


def test_ctrl_c_stops_the_server_and_its_running_query_at_once():
    """The server waited for the runaway query to reach --timeout before it stopped, and the idle check worker,
    interrupted too, printed 'Traceback … KeyboardInterrupt'."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen([sys.executable, "-m", "evkg.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--timeout", str(TIMEOUT), "--workers", "1"], stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)
    try:
        wait_until_serving(server, port)

        answers = []

        def runaway():
            answers.append(httpx.post(f"http://127.0.0.1:{port}/sparql", content=RUNAWAY, timeout=TIMEOUT + 30,
                                      headers={"Content-Type": "application/sparql-query"}))

        client = threading.Thread(target=runaway)
        client.start()
        time.sleep(1.5)                                   # the query is running in its worker
        assert len(group_members(server.pid)) >= 3        # the server and its check and query workers
        os.killpg(server.pid, signal.SIGINT)
        server.wait(timeout=TIMEOUT / 4)                  # well before the query's own limit
        stopped = time.monotonic() + 10
        while group_members(server.pid) and time.monotonic() < stopped:
            time.sleep(0.1)
        assert group_members(server.pid) == []
        client.join(30)
        log.seek(0)
        output = log.read()
        assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-3000:]
        assert output.rstrip().endswith("evkg serve: stopped.") and server.returncode == 0, output[-1000:]
        assert answers and answers[0].status_code == 503 and answers[0].json()["error"] == "stopping"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
