"""Start and stop local server processes: an Oxigraph SPARQL server (PyPI package `oxigraph`) on 127.0.0.1.

Used by the tests and benchmarks that compare the embedded store with a real server, and handy for trying
`evkg load` locally: `with running_oxigraph(folder) as server: ...`.
"""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path


@dataclass
class OxigraphServer:
    base: str
    process: subprocess.Popen

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def update_url(self) -> str:
        return self.base + "/update"

    @property
    def store_url(self) -> str:
        return self.base + "/store"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_executable() -> str:
    beside_python = Path(sys.executable).with_name("oxigraph")
    found = str(beside_python) if beside_python.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` server (PyPI package oxigraph) is not installed in this environment")
    return found


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph server exited early with code {process.returncode}: "
                               f"{process.stderr.read().decode(errors='replace') if process.stderr else ''}")
        try:
            request = urllib.request.Request(base + "/query?query=ASK%7B%7D",
                                             headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"oxigraph server at {base} did not answer within {seconds:g} s")


@contextlib.contextmanager
def running_oxigraph(location: str | Path, *, extra_args: tuple[str, ...] = ()):
    """An Oxigraph server on a free 127.0.0.1 port over the store folder `location`; stopped on exit."""
    port = free_port()
    process = subprocess.Popen([oxigraph_executable(), "serve", "--location", str(location),
                                "--bind", f"127.0.0.1:{port}", *extra_args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield OxigraphServer(base=base, process=process)
    finally:
        stop_process(process)
        if process.stderr:
            process.stderr.close()


def stop_process(process: subprocess.Popen, grace: float = 15.0) -> None:
    """Ask a child server to stop; kill it if it has not stopped after `grace` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
