"""`evkg build` is atomic: `kill -9` at any stage leaves the previous store answering exactly as before (or, with
no previous store, a store built on first use) — never a partial store that answers "(0 rows)"."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evkg.graph.build import BUILD_INFO_FILE

# progress lines of `evkg build`, in order; the build is killed right after each one appears: while the new
# store is being filled, after it is complete and fingerprinted but not yet swapped in, and during the swap
KILL_POINTS = ["classifying the curated products",
               "triples in ", "replacing the previous store"]


def evkg(*args, timeout=180):
    return subprocess.run([sys.executable, "-m", "evkg.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


def query_rows(store: Path) -> subprocess.CompletedProcess:
    return evkg("query", "products-by-category", "--param", "jurisdiction=US", "--format", "csv",
                "--store", store)


def kill_build_at(store: Path, marker: str) -> str:
    """Start `evkg build`, SIGKILL it as soon as ``marker`` shows in its progress; return what it printed."""
    process = subprocess.Popen([sys.executable, "-m", "evkg.cli", "build", "--store", str(store)],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    seen = []
    deadline = time.monotonic() + 180
    try:
        for line in process.stderr:
            seen.append(line)
            if marker in line:
                os.kill(process.pid, signal.SIGKILL)
                break
            assert time.monotonic() < deadline, "build did not reach " + marker
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stderr.close()
    return "".join(seen)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    store = tmp_path_factory.mktemp("atomic") / "store"
    assert evkg("build", "--store", store).returncode == 0
    before = query_rows(store)
    assert before.returncode == 0 and before.stdout.count("\n") > 10
    return store, before.stdout


@pytest.mark.parametrize("marker", KILL_POINTS)
def test_a_build_killed_at_any_stage_leaves_the_previous_store_answering(built, marker):
    store, expected = built
    printed = kill_build_at(store, marker)
    assert marker in printed
    after = query_rows(store)
    assert after.returncode == 0, after.stderr
    assert after.stdout == expected
    assert "building the knowledge graph" not in after.stderr      # the previous store was used, not rebuilt
    # the killed build's folder is cleared; the build lock beside the store stays, as RocksDB's LOCK does
    leftovers = [p.name for p in store.parent.iterdir() if p.name not in (store.name, f".{store.name}.lock")]
    assert leftovers == [], leftovers


def test_a_kill_between_the_two_renames_puts_the_previous_store_back(built):
    """The one moment with no folder at the store's path: the previous store waits beside it under its
    temporary name and the next command renames it back."""
    store, expected = built
    aside = store.with_name(f".{store.name}.previous-999999999")
    os.rename(store, aside)
    half = store.with_name(f".{store.name}.building-999999999")
    half.mkdir()
    after = query_rows(store)
    assert after.returncode == 0 and after.stdout == expected, after.stderr
    assert not aside.exists() and not half.exists()


def test_a_first_build_killed_leaves_no_store_that_answers_nothing(tmp_path):
    store = tmp_path / "store"
    kill_build_at(store, "classifying the curated products")
    assert not (store / BUILD_INFO_FILE).exists()
    after = query_rows(store)             # no complete store: built on this first use, then answered
    assert after.returncode == 0 and "first use" in after.stderr
    assert after.stdout.count("\n") > 10


def test_a_folder_of_other_files_is_never_replaced(tmp_path):
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "thesis.docx").write_text("precious")
    done = evkg("build", "--store", folder)
    assert done.returncode == 2 and "not an evkg store" in done.stderr
    assert (folder / "thesis.docx").read_text() == "precious"


@pytest.mark.parametrize("command", ["build", "query"])
def test_a_store_that_is_a_device_is_named_as_such_before_any_build(command):
    """--store /dev/null announced a first build there, then said it 'holds other files'."""
    done = evkg(*(["build"] if command == "build" else ["query", "eu-us-kind-differs"]), "--store", "/dev/null")
    assert done.returncode == 2
    assert "the store /dev/null is a device, not a folder; give --store a folder" in done.stderr
    assert "building the knowledge graph" not in done.stderr and "other files" not in done.stderr


# Run inside a mount namespace of its own with a 12 MB file system at argv[1] (a built store takes about 8 MB,
# so a second build cannot fit): build, query, build again, query; what happened is printed as JSON.
SMALL_DISK_SCENARIO = """
import json, subprocess, sys
from pathlib import Path

disk = Path(sys.argv[1])
store = disk / "store"


def evkg(*args):
    done = subprocess.run([sys.executable, "-m", "evkg.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=180)
    return {"code": done.returncode, "out": done.stdout, "err": done.stderr}


query = ("query", "products-by-category", "--param", "jurisdiction=US", "--format", "csv", "--store", store)
steps = {"first": evkg("build", "--store", store), "expected": evkg(*query),
         "failed": evkg("build", "--store", store)}
steps["left"] = sorted(p.name for p in disk.iterdir())
steps["after"] = evkg(*query)
print(json.dumps(steps))
"""


def on_a_small_disk(tmp_path) -> dict:
    """The scenario's steps, run in a private mount namespace (as root, or as a user through a user namespace),
    so nothing stays mounted after the test."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    script = tmp_path / "scenario.py"
    script.write_text(SMALL_DISK_SCENARIO, encoding="utf-8")
    namespace = ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--map-root-user", "--mount"]
    done = subprocess.run([*namespace, "sh", "-c", 'mount -t tmpfs -o size=12m tmpfs "$1" && exec "$2" "$3" "$1"',
                           "sh", str(mount_point), sys.executable, str(script)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, "the small file system could not be set up: " + done.stderr
    return json.loads(done.stdout)


def test_a_build_that_fills_the_disk_fails_clearly_and_leaves_the_previous_store(tmp_path):
    steps = on_a_small_disk(tmp_path)
    assert steps["first"]["code"] == 0, steps["first"]["err"]
    expected = steps["expected"]
    assert expected["code"] == 0 and expected["out"].count("\n") > 10
    failed = steps["failed"]
    assert failed["code"] == 2, failed["err"]
    assert "the disk is full" in failed["err"] and "previous store" in failed["err"], failed["err"]
    assert "Traceback" not in failed["err"]
    assert steps["left"] == [".store.lock", "store"]                  # the half-built folder is removed
    assert steps["after"]["code"] == 0 and steps["after"]["out"] == expected["out"], steps["after"]["err"]


def test_a_damaged_store_is_rebuilt_not_a_traceback(tmp_path):
    """A store whose files contradict each other (here a table file is missing; seen after a rebuild swapped a
    store in while another process had the old one open) made every command fail with exit 3 and a RocksDB
    traceback. The store holds only what a build makes from the bundled data, so it is rebuilt."""
    store = tmp_path / "store"
    assert evkg("build", "--store", store).returncode == 0
    expected = query_rows(store).stdout
    tables = sorted(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    assert tables, "the built store holds no table files"
    tables[-1].unlink()
    after = query_rows(store)
    assert after.returncode == 0, after.stderr[-2000:]
    assert "is damaged" in after.stderr and "rebuilding" in after.stderr and "Traceback" not in after.stderr
    assert after.stdout == expected
    assert query_rows(store).stderr == ""                          # rebuilt once, then used as it is


def test_a_store_caught_mid_swap_is_asked_again_once_the_build_ends_not_rebuilt(tmp_path):
    """A query that opened the store while `evkg build` swapped its folders read files of both, took the store
    for damaged and rebuilt it (seconds, and a swap under every other reader). Seen damaged while a build holds
    the lock, the store is asked again once the build ends."""
    import fcntl
    import shutil

    good = tmp_path / "good"
    assert evkg("build", "--store", good).returncode == 0
    expected = query_rows(good).stdout
    store = tmp_path / "store"
    shutil.copytree(good, store)
    max(store.glob("*.sst"), key=lambda p: p.stat().st_size).unlink()     # what a reader mid-swap sees
    with open(tmp_path / ".store.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)                                    # the build under way
        query = subprocess.Popen([sys.executable, "-m", "evkg.cli", "query", "products-by-category", "--param",
                                  "jurisdiction=US", "--format", "csv", "--store", str(store)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        waited = []
        for line in query.stderr:
            waited.append(line)
            if "waiting for it" in line:
                break
        shutil.rmtree(store)                                                # the build's swap completes
        os.rename(good, store)
    out, err = query.communicate(timeout=120)
    err = "".join(waited) + err
    assert query.returncode == 0, err[-2000:]
    assert out == expected
    assert "damaged" not in err and "rebuilding" not in err, err


def test_a_current_store_is_read_where_its_build_lock_cannot_be_opened(tmp_path):
    """Reading needs no lock: a current store whose lock file cannot be opened (here a folder stands in its
    place; likewise a read-only disk or a shared install) was refused by every command that only reads."""
    store = tmp_path / "store"
    assert evkg("build", "--store", store).returncode == 0
    expected = query_rows(store).stdout
    (tmp_path / ".store.lock").unlink()
    (tmp_path / ".store.lock").mkdir()
    after = query_rows(store)
    assert after.returncode == 0, after.stderr
    assert after.stdout == expected and after.stderr == ""
