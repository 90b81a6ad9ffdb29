"""Blank nodes stay whole on machines with many cores.

On four or more cores Oxigraph's bulk loader cuts N-Triples and N-Quads text into pieces parsed in parallel and
renames blank nodes piece by piece, so a blank node whose statements fall into two pieces became two nodes:
products lost measurements (a conforming product was reported non-conforming) and the built graph's OWL
restrictions and lists fell apart. These tests imitate an eight-core machine on any machine by answering the
processor-affinity call from a small shared library (tests/fixtures/many_cores.c) and compare with the
machine's own answer.
"""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIM_SOURCE = ROOT / "tests" / "fixtures" / "many_cores.c"
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_products import make_products  # noqa: E402

BLANK = re.compile(r"\b[0-9a-f]{24,32}\b")
COUNT_BLANK_NODES = ("SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH ?g { { ?b ?p ?o } UNION { ?s ?p ?b } "
                     "FILTER(isBlank(?b)) } }")


@pytest.fixture(scope="module")
def eight_cores(tmp_path_factory) -> dict:
    """An environment in which every process sees eight processors."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    assert compiler, "imitating an eight-core machine needs a C compiler: apt-get install gcc (tests/run.sh does)"
    library = tmp_path_factory.mktemp("many-cores") / "many_cores.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(library), str(SHIM_SOURCE)], check=True)
    env = dict(os.environ, LD_PRELOAD=str(library))
    seen = subprocess.run([sys.executable, "-c", "import os; print(len(os.sched_getaffinity(0)))"],
                          env=env, capture_output=True, text=True, check=True)
    assert seen.stdout.strip() == "8", seen.stderr
    return env


LOAD_SCRIPT = r"""
import json, sys, tempfile
import pyoxigraph as ox
from evkg.core.store_loading import load_serialized

# one blank node whose two statements are 300 KB apart, far beyond the size Oxigraph parses in one piece
filler = "".join(f'<http://example.org/s{i}> <http://example.org/p> "{"x" * 80}" .\n' for i in range(3000))
text = '_:node <http://example.org/first> "a" .\n' + filler + '_:node <http://example.org/second> "b" .\n'
graph = ox.NamedNode("http://example.org/g")
quads = text.replace(" .\n", " <http://example.org/g> .\n")

def nodes(store):
    return {str(q.subject) for p in ("first", "second")
            for q in store.quads_for_pattern(None, ox.NamedNode("http://example.org/" + p), None)}

found = {}
raw = ox.Store()
raw.bulk_load(text.encode(), format=ox.RdfFormat.N_TRIPLES)
found["oxigraph bytes"] = len(nodes(raw))
memory = ox.Store()
load_serialized(memory, text.encode(), ox.RdfFormat.N_TRIPLES, to_graph=graph)
found["in memory, N-Triples"] = len(nodes(memory))
with tempfile.TemporaryDirectory() as folder:
    disk = ox.Store(folder)
    load_serialized(disk, quads, ox.RdfFormat.N_QUADS)
    found["on disk, N-Quads"] = len(nodes(disk))
    del disk
print(json.dumps(found))
"""


def test_a_blank_node_stays_one_node_in_memory_and_on_disk(eight_cores):
    answer = subprocess.run([sys.executable, "-c", LOAD_SCRIPT], env=eight_cores, capture_output=True, text=True,
                            cwd=ROOT, check=True)
    found = json.loads(answer.stdout)
    assert found["in memory, N-Triples"] == 1, found
    assert found["on disk, N-Quads"] == 1, found


def canonical_lines(jsonl: str) -> list[str]:
    return [BLANK.sub("_:b", json.dumps(json.loads(line), sort_keys=True)) for line in jsonl.splitlines()]


def test_a_batch_check_gives_the_same_report_on_eight_cores(eight_cores, tmp_path):
    corpus = tmp_path / "products.ttl"
    make_products(60, seed=5).serialize(corpus, format="turtle")
    command = [sys.executable, "-m", "evkg.cli", "check", str(corpus), "--jobs", "1", "--format", "jsonl", "-q"]
    here = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    there = subprocess.run(command, env=eight_cores, capture_output=True, text=True, cwd=ROOT)
    assert here.returncode == there.returncode, there.stderr
    assert sum("product" in json.loads(line) for line in here.stdout.splitlines()) == 60
    assert canonical_lines(there.stdout) == canonical_lines(here.stdout)


def test_the_built_graph_keeps_its_blank_nodes_on_eight_cores(eight_cores, built_store, tmp_path):
    import pyoxigraph as ox

    store_path = tmp_path / "store"
    subprocess.run([sys.executable, "-m", "evkg.cli", "build", "--store", str(store_path), "-q"],
                   env=eight_cores, check=True, cwd=ROOT, capture_output=True)
    there = ox.Store.read_only(str(store_path))
    count_there = int(next(iter(there.query(COUNT_BLANK_NODES)))["n"].value)
    count_here = int(next(iter(built_store.store.query(COUNT_BLANK_NODES)))["n"].value)
    assert count_there == count_here > 1000


def test_serialized_rdf_reaches_a_store_only_through_load_serialized():
    """Oxigraph's bulk_load given bytes or text splits blank nodes on many cores; only load_serialized may call it."""
    callers = []
    for path in sorted((ROOT / "evkg").rglob("*.py")):
        if path.name == "store_loading.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "bulk_load":
                callers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert callers == []
