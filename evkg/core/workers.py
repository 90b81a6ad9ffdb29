"""Long-lived worker processes that can be killed: work that overruns its time is really stopped.

A thread cannot be stopped from outside, and neither pySHACL nor Oxigraph can be cancelled mid-query, so
work that may run away (a check of a hostile description, a cartesian-product query) runs in a worker process.
When a call overruns, its worker is killed (SIGKILL) and a fresh one is started in the background; the next
call is served by a warm worker. Workers are started with `spawn` (the parent may run threads), warmed up by
an initializer, and may get a memory ceiling and a lower CPU priority.

Used by `evkg serve` for checks and queries; any caller that needs "run this, but never longer than T" can
share it. Functions and arguments must be picklable (module-level functions).
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import threading
import time
from dataclasses import dataclass

STARTUP_TIMEOUT = 300.0
CANCEL_POLL_SECONDS = 0.1              # how often a cancellable call looks whether its caller gave up
# how long a call whose caller gave up may still run before its worker is killed: most checks end within it,
# and a worker killed costs a new one about a second of CPU to start and warm
GONE_GRACE_SECONDS = 0.5
EXIT_CODE_WAIT_SECONDS = 2.0           # for a worker whose connection broke to be reaped, so its exit code is known
MAX_FAILED_STARTS = 5                  # in a row; then the pool stops trying (calls wait, then WorkerBusy)


def usable_cores() -> int:
    """The processors this process may run on (its affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class WorkerError(Exception):
    """Base class of the pool's own failures."""


class WorkerTimeout(WorkerError):
    """The call did not finish in time; its worker was killed."""


class WorkerBusy(WorkerError):
    """No worker became free within the wait allowed."""


class WorkerCancelled(WorkerError):
    """The caller gave up (e.g. its client went away) before the call finished; its worker was killed."""


class WorkerCrashed(WorkerError):
    """The worker died during the call (out of memory, a crash in native code). ``out_of_memory`` is False
    when the worker was stopped by a fault signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE), which running out of
    memory does not raise: under the address-space limit an allocation fails, and native code aborts (SIGABRT)
    or Python exits; the kernel's out-of-memory killer sends SIGKILL."""

    def __init__(self, message: str, exitcode: int | None = None):
        super().__init__(message)
        self.exitcode = exitcode

    @property
    def out_of_memory(self) -> bool:
        return self.exitcode is None or -self.exitcode not in _FAULT_SIGNALS

    @property
    def signal_name(self) -> str | None:
        import signal

        if self.exitcode is None or self.exitcode >= 0:
            return None
        try:
            return signal.Signals(-self.exitcode).name
        except ValueError:
            return f"signal {-self.exitcode}"


_FAULT_SIGNALS = frozenset({11, 7, 4, 8})      # SIGSEGV, SIGBUS, SIGILL, SIGFPE (the same numbers on Linux)


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the process that started it dies (even by SIGKILL), so a runaway
    call never outlives its server."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)    # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass                                                       # not Linux: the pipe's EOF ends idle workers


def _serve(connection, initializer, initargs, memory_limit, nice) -> None:
    """The worker's loop: run each (function, args) received, send back ("ok", result) or ("error", exc)."""
    import signal

    _die_with_parent()
    # Ctrl+C in a terminal reaches the whole process group: the pool stops its workers, and an idle worker
    # interrupted in its wait printed a Python traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    if nice:
        try:
            os.nice(nice)
        except OSError:
            pass
    if initializer is not None:
        initializer(*initargs)
    connection.send(("ready", os.getpid()))
    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        function, args = message
        try:
            reply = ("ok", function(*args))
        except BaseException as exc:  # everything goes back to the caller, the worker lives on
            reply = ("error", _portable(exc))
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            connection.send(("error", RuntimeError(f"the worker's answer could not be sent back ({exc})")))


def _portable(exc: BaseException) -> BaseException:
    """The exception itself if it survives pickling, else a RuntimeError describing it."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError(f"{type(exc).__name__}: {exc}")


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.Process
    connection: object


class WorkerPool:
    """``size`` worker processes; ``call`` runs one function in a free worker under a time limit."""

    def __init__(self, size: int, *, initializer=None, initargs=(), memory_limit: int | None = None,
                 nice: int = 0, name: str = "evkg-worker"):
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size, self.name = size, name
        self._initializer, self._initargs = initializer, initargs
        self._memory_limit, self._nice = memory_limit, nice
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._failed_starts = 0
        self._claimed = 0                    # calls running or waiting for a worker right now
        self.killed = 0                      # workers killed for overrunning (for health and tests)
        self.cancelled = 0                   # workers killed because their caller gave up

    # --- life cycle ------------------------------------------------------------------------------------------
    def start(self, wait: bool = False) -> None:
        """Start every worker; with ``wait``, return once all are warm."""
        for _ in range(self.size):
            self._start_one()
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = STARTUP_TIMEOUT) -> None:
        """Return once every worker is warm and idle (at start-up)."""
        deadline = time.monotonic() + timeout
        while self._idle.qsize() < self.size:
            if time.monotonic() > deadline:
                raise WorkerError(f"{self.name}: workers did not start within {timeout:g} s")
            time.sleep(0.05)

    def _start_one(self) -> threading.Thread:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, name=self.name, daemon=True,
                                        args=(child, self._initializer, self._initargs, self._memory_limit,
                                              self._nice))
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)

        def await_ready():
            ok = False
            try:
                if parent.poll(STARTUP_TIMEOUT):
                    ok = parent.recv()[0] == "ready"
            except (EOFError, OSError):
                ok = False
            if ok and not self._closed:
                self._failed_starts = 0
                self._idle.put(worker)
            else:
                self._discard(worker)
                self._failed_starts += 1
                if not self._closed and self._failed_starts <= MAX_FAILED_STARTS:
                    time.sleep(1.0)           # do not spin if workers cannot start at all
                    self._start_one()

        starter = threading.Thread(target=await_ready, name=f"{self.name}-start", daemon=True)
        starter.start()
        return starter

    def _discard(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=5)
        try:
            worker.connection.close()
        except OSError:
            pass

    def _replace(self, worker: _Worker) -> None:
        self._discard(worker)
        if not self._closed:
            self._start_one()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
        for worker in workers:
            try:
                worker.connection.send(None)
            except OSError:
                pass
            self._discard(worker)

    @property
    def idle(self) -> int:
        return self._idle.qsize()

    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._all if w.process.pid)

    # --- calls -----------------------------------------------------------------------------------------------
    def call(self, function, *args, timeout: float, wait: float | None = None,
             cancelled: threading.Event | None = None):
        """Run ``function(*args)`` in a worker and return its result (or raise its exception).

        Waits up to ``wait`` seconds (default: ``timeout``) for a free worker, then WorkerBusy; with ``wait=0``
        it refuses at once when every worker is running a call, but waits (up to ``timeout``) for a worker
        that is still starting, e.g. the replacement of one killed a moment ago. A call that runs past
        ``timeout`` seconds kills its worker and raises WorkerTimeout. Once ``cancelled`` is set, a call still
        waiting for a worker stops waiting, and a running one gets GONE_GRACE_SECONDS to finish (its result is
        dropped and its worker kept) before its worker is killed: WorkerCancelled either way."""
        if self._closed:
            raise WorkerError(f"{self.name}: the pool is closed")
        with self._lock:
            if wait is not None and wait <= 0 and self._claimed >= self.size:
                raise WorkerBusy(f"{self.name}: every worker is busy")
            self._claimed += 1
        deadline = time.monotonic() + (timeout if wait is None or wait <= 0 else wait)
        while True:
            try:
                worker = self._idle.get(timeout=_slice(deadline, cancelled))
            except queue.Empty:
                given_up = cancelled is not None and cancelled.is_set()
                if not given_up and time.monotonic() < deadline:
                    continue
                with self._lock:
                    self._claimed -= 1
                if given_up:
                    raise WorkerCancelled(f"{self.name}: the caller gave up while waiting for a worker") from None
                raise WorkerBusy(f"{self.name}: every worker is busy") from None
            if cancelled is not None and cancelled.is_set():
                # given up before its work was sent: the warm worker goes back, nothing is killed (a call
                # queued behind others whose client had left took the next free worker only to kill it)
                self._idle.put(worker)
                with self._lock:
                    self._claimed -= 1
                raise WorkerCancelled(f"{self.name}: the caller gave up while waiting for a worker")
            if worker.process.is_alive():
                break
            self._replace(worker)             # died while idle (killed from outside): not this call's fault
        try:
            worker.connection.send((function, args))
            finished, gone_at = time.monotonic() + timeout, None
            while not worker.connection.poll(_slice(finished, cancelled)):
                if cancelled is not None and cancelled.is_set():
                    gone_at = gone_at or time.monotonic()
                if gone_at is not None and time.monotonic() - gone_at >= GONE_GRACE_SECONDS:
                    self.cancelled += 1
                    self._replace(worker)
                    worker = None
                    raise WorkerCancelled(f"{self.name}: the caller gave up; the call was stopped")
                if time.monotonic() >= finished:
                    self.killed += 1
                    self._replace(worker)
                    worker = None
                    raise WorkerTimeout(f"{self.name}: the call did not finish within {timeout:g} s")
            status, value = worker.connection.recv()
            if cancelled is not None and cancelled.is_set():
                raise WorkerCancelled(f"{self.name}: the caller gave up; the call had finished")
        except (EOFError, OSError, BrokenPipeError):
            exitcode = None
            if worker is not None:
                worker.process.join(EXIT_CODE_WAIT_SECONDS)       # why it died decides what the caller is told
                exitcode = worker.process.exitcode
                self._replace(worker)
                worker = None
            raise WorkerCrashed(f"{self.name}: the worker stopped during the call (exit code {exitcode})",
                                exitcode) from None
        finally:
            with self._lock:
                self._claimed -= 1
            if worker is not None and worker.process.is_alive():
                self._idle.put(worker)
            elif worker is not None:
                self._replace(worker)
        if status == "error":
            raise value
        return value


def _slice(deadline: float, cancelled: threading.Event | None) -> float:
    """How long to block before looking again: until the deadline, or a short slice when the call can be
    cancelled (never negative, never zero: a zero wait would spin)."""
    left = max(deadline - time.monotonic(), 0.001)
    return left if cancelled is None else min(left, CANCEL_POLL_SECONDS)
