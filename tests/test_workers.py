"""evkg.core.workers: a call that overruns is really stopped, and no worker outlives the process that started it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from evkg.core.workers import GONE_GRACE_SECONDS, WorkerCancelled, WorkerPool, WorkerTimeout

SCRIPT = """
import sys, time
from evkg.core.workers import WorkerPool
pool = WorkerPool(1)
pool.start(wait=True)
print(*pool.pids(), flush=True)
pool.call(time.sleep, 3600, timeout=3600)
"""


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_an_overrunning_call_kills_its_worker_and_the_next_call_is_served():
    pool = WorkerPool(1)
    pool.start(wait=True)
    try:
        (first,) = pool.pids()
        with pytest.raises(WorkerTimeout):
            pool.call(time.sleep, 60, timeout=0.5)
        assert not alive(first) and pool.killed == 1
        assert pool.call(sum, [1, 2, 3], timeout=120) == 6          # served by the replacement
    finally:
        pool.close()


def test_a_call_whose_caller_gives_up_kills_its_worker_long_before_its_time_limit():
    pool = WorkerPool(1)
    pool.start(wait=True)
    try:
        (first,) = pool.pids()
        cancelled = threading.Event()
        threading.Timer(0.5, cancelled.set).start()
        started = time.monotonic()
        with pytest.raises(WorkerCancelled):
            pool.call(time.sleep, 60, timeout=60, cancelled=cancelled)
        assert time.monotonic() - started < 5
        assert not alive(first) and pool.cancelled == 1 and pool.killed == 0
        assert pool.call(sum, [1, 2], timeout=120, cancelled=threading.Event()) == 3   # the replacement serves
    finally:
        pool.close()


def test_a_call_waiting_for_a_worker_stops_waiting_when_its_caller_gives_up():
    pool = WorkerPool(1)
    pool.start(wait=True)
    busy = threading.Thread(target=lambda: pool.call(time.sleep, 3, timeout=60))
    busy.start()
    try:
        time.sleep(0.3)
        cancelled = threading.Event()
        threading.Timer(0.3, cancelled.set).start()
        started = time.monotonic()
        with pytest.raises(WorkerCancelled):
            pool.call(sum, [1], timeout=60, cancelled=cancelled)
        assert time.monotonic() - started < 2.5             # did not wait for the busy worker (3 s)
        assert pool.cancelled == 0                          # it never had a worker to kill
    finally:
        busy.join()
        pool.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_workers_die_with_the_process_that_started_them():
    owner = subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(owner.stdout.readline())
        assert alive(worker)
        os.kill(owner.pid, signal.SIGKILL)                          # the server dies mid-call
        owner.wait()
        deadline = time.monotonic() + 10
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker)
    finally:
        if owner.poll() is None:
            owner.kill()


def test_a_call_given_up_before_it_has_a_worker_leaves_the_idle_worker_warm():
    """A call that reached the pool after its caller had gone (queued behind others) took the idle worker, sent
    it the work and killed it at once: each such call cost a worker's restart."""
    pool = WorkerPool(1)
    pool.start(wait=True)
    try:
        (first,) = pool.pids()
        gone = threading.Event()
        gone.set()
        with pytest.raises(WorkerCancelled):
            pool.call(time.sleep, 60, timeout=60, cancelled=gone)
        assert pool.pids() == [first] and alive(first) and pool.cancelled == 0
        assert pool.call(sum, [1, 2], timeout=60, wait=0) == 3           # at once: the worker is idle, not claimed
    finally:
        pool.close()


def test_a_call_that_ends_soon_after_its_caller_gives_up_keeps_its_worker():
    """A client that hung up during a short check had its worker killed a moment before the check would have
    ended, and every such hang-up cost a worker's restart (about a second of CPU)."""
    pool = WorkerPool(1)
    pool.start(wait=True)
    try:
        (first,) = pool.pids()
        cancelled = threading.Event()
        threading.Timer(0.2, cancelled.set).start()
        with pytest.raises(WorkerCancelled):
            pool.call(time.sleep, 0.2 + GONE_GRACE_SECONDS / 2, timeout=60, cancelled=cancelled)
        assert pool.pids() == [first] and alive(first) and pool.cancelled == 0
        assert pool.call(sum, [1, 2], timeout=60, wait=0) == 3           # at once: the worker is idle, not claimed
    finally:
        pool.close()


def _fault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def _abort() -> None:
    os.abort()


def test_a_worker_killed_by_a_fault_is_told_apart_from_one_that_ran_out_of_memory():
    """A crash in native code (SIGSEGV) was reported as "needed more memory"; an allocation failure under the
    memory limit ends in SIGABRT (native code) or SIGKILL (the kernel's out-of-memory killer)."""
    from evkg.core.workers import WorkerCrashed

    pool = WorkerPool(1)
    pool.start(wait=True)
    try:
        with pytest.raises(WorkerCrashed) as crash:
            pool.call(_fault, timeout=60)
        assert not crash.value.out_of_memory and crash.value.signal_name == "SIGSEGV"
        with pytest.raises(WorkerCrashed) as crash:
            pool.call(_abort, timeout=60)
        assert crash.value.out_of_memory and crash.value.signal_name == "SIGABRT"
        assert pool.call(sum, [1, 2], timeout=120) == 3            # served by the replacement
    finally:
        pool.close()


def test_the_server_tells_a_crashed_check_from_one_that_needed_more_memory():
    import asyncio

    from evkg.web.errors import ServiceError
    from evkg.web.service import Service

    service = Service(None, max_bytes=1000, timeout=60, progress=lambda message: None)
    service.check_pool = WorkerPool(1)
    service.check_pool.start(wait=True)
    try:
        told = {}
        for function in (_fault, _abort):
            with pytest.raises(ServiceError) as error:
                asyncio.run(service.in_check_worker("check", function))
            told[function.__name__] = (error.value.status, error.value.code, str(error.value))
        assert told["_fault"][:2] == (500, "worker-crashed") and "SIGSEGV" in told["_fault"][2], told
        assert told["_abort"][:2] == (413, "too-complex") and "more memory" in told["_abort"][2], told
    finally:
        service.close()
