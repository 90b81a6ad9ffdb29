"""Running the app under uvicorn with the limits a public service needs.

uvicorn's own limits are used where they exist: `limit_concurrency` (503 past that many open connections and
tasks), `h11_max_incomplete_event_size` (request line and headers size) and `timeout_keep_alive`. uvicorn has
no deadline for a request's headers, so a client sending one header byte at a time could hold a connection
for ever: HeaderDeadline adds one (408, then the connection is closed). Slow bodies are cut by the
BodyLimit middleware (evkg.web.http). A client that stops reading its answer is dropped too: the answer waits
in the server's memory until it is read, so one who read nothing held up to --max-answer-bytes for ever. Within the deadline one address could still open every connection the
server takes and leave their headers unfinished, so that everyone else got 503: each address may hold
MAX_CONNECTIONS_PER_CLIENT connections, and one past that is answered 503 and closed without counting. An IPv6
client is counted by its /64 network, the block one subscriber is usually given, so that changing the
address within it does not lift the cap (a link-local address, fe80::/10, is counted alone: every host of the
server's own link shares fe80::/64); every loopback address (127.0.0.0/8, ::1, and these written as
IPv4-mapped IPv6) is this machine, one client, so that a local user cannot lift it by connecting from
127.0.0.2, 127.0.0.3 …
"""
from __future__ import annotations

import collections
import errno
import ipaddress
import json
import signal
import socket
import threading

from uvicorn.protocols.http.h11_impl import H11Protocol

from evkg.web import MAX_CONNECTIONS, MAX_CONNECTIONS_PER_CLIENT  # noqa: F401  (the serve command shows them)

HEADER_TIMEOUT = 10.0
# while an answer is sent, a client must read at least this much of it (or the rest) in every HEADER_TIMEOUT
# seconds: one that stops reading held its answer (up to --max-answer-bytes) in the server's memory for ever
MIN_READ_BYTES = 64 * 1024
# on Ctrl+C or SIGTERM, seconds that running requests may take to finish; then they are cancelled and their
# checks and queries stopped (uvicorn waited for them without end: up to --timeout for a runaway query)
SHUTDOWN_GRACE = 3.0
MAX_HEADER_BYTES = 64 * 1024
# refused connections kept open for a moment, so that the refusal is read rather than lost to a reset
REFUSED_LINGERING = 32


# the client every loopback address stands for
THIS_MACHINE = "this machine"


def client_key(address: str) -> str:
    """What the per-client cap counts by: THIS_MACHINE for every loopback address, an IPv4 address (also when
    written as IPv4-mapped IPv6), the /64 network of an IPv6 address except a link-local one (with its zone), anything
    else (a Unix socket) as it is."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if parsed.is_loopback:
        return THIS_MACHINE
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.is_link_local:
        # every host of a link shares fe80::/64: each is counted alone, as a private IPv4 address is
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class HeaderDeadline(H11Protocol):
    """uvicorn's h11 protocol, with a deadline for each request's line and headers and a cap on the
    connections each client address holds at once."""

    header_timeout = HEADER_TIMEOUT
    per_client = MAX_CONNECTIONS_PER_CLIENT
    open_by_client: collections.Counter = collections.Counter()   # each server gets its own (serve)
    lingering = [0]
    answers = None              # the AnswerBudget (evkg.web.answers) that counts what connections hold unsent

    def connection_made(self, transport) -> None:
        peer = transport.get_extra_info("peername")
        self._address = client_key(peer[0] if isinstance(peer, tuple) and peer else str(peer))
        if self.open_by_client[self._address] >= self.per_client:
            self._refuse(transport)
            return
        self.open_by_client[self._address] += 1
        if self.answers is not None:
            self.answers.transports.add(transport)
        super().connection_made(transport)
        self._header_timer = None
        self._arm()

    def _refuse(self, transport) -> None:
        """503 and close, outside uvicorn's count of connections: a refused one holds none of its slots."""
        self._refused = True
        whose = ("this machine (its loopback addresses, 127.0.0.0/8 and ::1, count as one client)"
                 if self._address == THIS_MACHINE else
                 f"your {'network' if '/' in self._address else 'address'} ({self._address})")
        body = json.dumps({"status": 503, "error": "too-many-connections",
                           "message": f"{whose} already has {self.per_client} connections "
                                      "open to this server, as many as one client may hold at once. Finish or close "
                                      f"some of them, then try again in {BUSY_RETRY_SECONDS} seconds.",
                           "retry_after_seconds": BUSY_RETRY_SECONDS}).encode()
        transport.write(b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: "
                        + str(BUSY_RETRY_SECONDS).encode() + b"\r\nconnection: close\r\ncontent-length: "
                        + str(len(body)).encode() + b"\r\n\r\n" + body)
        if self.lingering[0] < REFUSED_LINGERING and transport.can_write_eof():
            self.lingering[0] += 1
            self._lingers = True
            transport.write_eof()                       # what the client sends meanwhile is dropped unread
            self.loop.call_later(1.0, transport.close)
        else:
            transport.close()

    def _start_timer(self, name: str, callback) -> None:
        self._cancel_timer(name)
        setattr(self, name, self.loop.call_later(self.header_timeout, callback))

    def _cancel_timer(self, name: str) -> None:
        timer = getattr(self, name, None)
        if timer is not None:
            timer.cancel()
            setattr(self, name, None)

    def _arm(self) -> None:
        self._start_timer("_header_timer", self._headers_too_slow)

    def _disarm(self) -> None:
        self._cancel_timer("_header_timer")

    def data_received(self, data: bytes) -> None:
        if getattr(self, "_discarding", False) or getattr(self, "_refused", False):
            return
        super().data_received(data)
        if self.cycle is not None and not self.cycle.response_complete:
            self._disarm()                   # headers are in; the body has its own deadline

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport is not None and not self.transport.is_closing():
            self._arm()                      # the next request on this connection gets the same deadline

    def connection_lost(self, exc) -> None:
        if getattr(self, "_refused", False):
            self.lingering[0] -= getattr(self, "_lingers", False)
            return
        self.open_by_client[self._address] -= 1
        if self.open_by_client[self._address] <= 0:
            del self.open_by_client[self._address]
        if self.answers is not None:
            self.answers.transports.discard(self.transport)
        self._disarm()
        self._stop_watching_reads()
        super().connection_lost(exc)

    # an answer the client does not read: the transport holds all of it until it does
    def pause_writing(self) -> None:
        super().pause_writing()
        self._unread = self.transport.get_write_buffer_size()
        self._watch_reads()

    def resume_writing(self) -> None:
        super().resume_writing()
        self._stop_watching_reads()

    def _watch_reads(self) -> None:
        self._start_timer("_read_timer", self._reading_too_slow)

    def _stop_watching_reads(self) -> None:
        self._cancel_timer("_read_timer")

    def _reading_too_slow(self) -> None:
        """Drop the connection, and the answer it holds, when the client read less than MIN_READ_BYTES of it
        (and not the rest) since the last look."""
        self._read_timer = None
        if self.transport is None:       # closing still waits for the client to read what is buffered
            return
        unread = self.transport.get_write_buffer_size()
        if unread and self._unread - unread < min(MIN_READ_BYTES, self._unread):
            self.transport.abort()
            return
        self._unread = unread
        self._watch_reads()

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.cycle is not None and not self.cycle.response_complete:
            return
        body = json.dumps({"status": 408, "error": "too-slow",
                           "message": f"the request line and headers did not arrive within "
                                      f"{self.header_timeout:g} s."}).encode()
        try:
            self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                                 b"connection: close\r\ncontent-length: " + str(len(body)).encode()
                                 + b"\r\n\r\n" + body)
        finally:
            self.transport.close()


    def send_400_response(self, msg: str) -> None:
        """A request h11 cannot read (a line and headers over MAX_HEADER_BYTES, or not HTTP): said in JSON like
        every other refusal; uvicorn answered with the bare text 'Invalid HTTP request received.'"""
        body = json.dumps({"status": 400, "error": "bad-request",
                           "message": f"the request could not be read as HTTP: its line and headers are not "
                                      f"well formed or are larger than {MAX_HEADER_BYTES // 1024} KB. Send a long "
                                      "SPARQL query in the body of a POST to /sparql, not in the address."}).encode()
        self.transport.write(b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
                             b"connection: close\r\ncontent-length: " + str(len(body)).encode()
                             + b"\r\n\r\n" + body)
        # closed at once with the rest of the request unread, the connection was reset and the client lost
        # the answer: end the sending side, drop what still comes for a moment, then close
        self._discarding = True
        self._disarm()                                 # no 408 after this answer
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(1.0, self.transport.close)


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind the address before anything slow starts: a port in use is reported at once, in words, and port 0
    becomes the port the system chose, so the address printed is the one that answers."""
    from evkg.core.errors import UsageError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # named as TCP, so that asyncio turns Nagle's algorithm off on every connection accepted from it (it does so
    # only for sockets whose protocol says TCP): with it on, the second part of each answer on a kept-alive
    # connection waited for the client's delayed acknowledgement, about 40 ms per request
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            other = port + 1 if port < 65535 else 8080
            raise UsageError(f"port {port} on {host} is already in use (is another `evkg serve` running?). "
                             f"Stop that program, or choose another port, e.g. --port {other}.") from None
        if exc.errno == errno.EACCES:
            raise UsageError(f"listening on port {port} needs administrator rights; choose a port above 1023, "
                             f"e.g. --port 8000.") from None
        raise UsageError(f"cannot listen on {host}: {exc.strerror or exc}. Give an address of this machine "
                         f"with --host: 127.0.0.1 (this machine only) or 0.0.0.0 (every network).") from None
    sock.set_inheritable(True)
    return sock


BUSY_RETRY_SECONDS = 5


async def _too_many_connections(scope, receive, send) -> None:
    """uvicorn's answer past `limit_concurrency`, in JSON with Retry-After like evkg's other 503s; uvicorn's own
    was the bare text 'Service Unavailable'."""
    body = json.dumps({"status": 503, "error": "busy",
                       "message": f"the server has {MAX_CONNECTIONS} connections open, as many as it takes; try "
                                  f"again in {BUSY_RETRY_SECONDS} seconds.",
                       "retry_after_seconds": BUSY_RETRY_SECONDS}).encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"retry-after", str(BUSY_RETRY_SECONDS).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def serve(app, sock: socket.socket, *, header_timeout: float = HEADER_TIMEOUT,
          per_client: int = MAX_CONNECTIONS_PER_CLIENT, answers=None) -> None:
    """Serve `app` on a socket from `listening_socket` until interrupted. ``answers``: the app's AnswerBudget
    (evkg.web.answers; `create_app` puts it in ``app.state.answers``), to which every connection reports the
    bytes of answers it still holds."""
    import uvicorn
    from uvicorn.protocols.http import h11_impl

    h11_impl.service_unavailable = _too_many_connections      # the protocol answers past the limit with it

    protocol = type("EvkgHeaderDeadline", (HeaderDeadline,), {"header_timeout": header_timeout,
                                                              "per_client": per_client,
                                                              "open_by_client": collections.Counter(),
                                                              "lingering": [0], "answers": answers})
    config = uvicorn.Config(app, log_level="warning", access_log=False, http=protocol,
                            limit_concurrency=MAX_CONNECTIONS, h11_max_incomplete_event_size=MAX_HEADER_BYTES,
                            timeout_keep_alive=5, timeout_graceful_shutdown=SHUTDOWN_GRACE)
    # uvicorn raises the signal that stopped it again once it has shut down cleanly: Ctrl+C as KeyboardInterrupt,
    # and SIGTERM, left to its default, ended the process there, before `evkg serve` could say it had stopped
    previous = signal.signal(signal.SIGTERM, _terminated) if threading.current_thread() is threading.main_thread() \
        else None
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except (KeyboardInterrupt, _Terminated):
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(Exception):
    """SIGTERM, raised again by uvicorn after its clean shutdown."""


def _terminated(signum, frame) -> None:
    raise _Terminated
