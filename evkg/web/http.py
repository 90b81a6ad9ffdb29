"""HTTP helpers of `evkg serve`: content negotiation, upload formats, the request-body limit, the watch on
clients that leave, page templates and the trailing-slash redirect."""
from __future__ import annotations

import re

from evkg.core.errors import InputError
from evkg.web.service import CLIENT_GONE, FORM_FORMATS, ServiceError
from evkg.web.templating import templates

# ------------------------------------------------------------------------------------------- HTTP helpers

def _accept(request, offers: list[str]) -> str:
    """The offered media type the client prefers (q-values, exact before wildcard); the first on a tie."""
    ranges = []
    for part in request.headers.get("accept", "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))

    def score(offer):
        kind = offer.split("/")[0]
        best = None
        for media, q in ranges:
            rank = 3 if media == offer else 2 if media == f"{kind}/*" else 1 if media == "*/*" else 0
            if rank and (best is None or rank > best[1]):
                best = (q, rank)
        return best or (0.0, 0)

    scored = [(score(o), -i, o) for i, o in enumerate(offers)]
    (q, rank), _, offer = max(scored, key=lambda s: (s[0][0], s[0][1] if s[0][0] > 0 else 0, s[1]))
    return offer if q > 0 else offers[0]


# a catalogue query's CSV with the cells a spreadsheet would run as formulas written as text (evkg.core.spreadsheet)
SPREADSHEET_SAFE = "spreadsheet-safe"


def yes_or_no(value: str | None, name: str) -> bool:
    """A yes-or-no query parameter: absent, 0, false or no is no; 1, true or yes is yes; anything else is refused."""
    if value is None or value.lower() in ("0", "false", "no"):
        return False
    if value.lower() in ("1", "true", "yes"):
        return True
    from evkg.core.safe_text import shortened, visible

    raise ServiceError(400, "bad-parameter", f"{name}={shortened(visible(value), 40)!r} is not a yes or no; give "
                       f"{name}=true or leave it out.")


def single_values(request, formats=None, *, known=None, repeatable=()) -> dict:
    """The query parameters, each given once and not empty, and `format` one of `formats` when given: a
    repeated, empty or unknown value is refused rather than quietly replaced by another. ``known``: the only
    names taken (a misspelt one is refused, not ignored); ``repeatable``: names that may come more than once
    (left out of the answer: read them with getlist)."""
    from evkg.core.safe_text import shortened, visible

    values: dict = {}
    for key, value in request.query_params.multi_items():
        said = shortened(visible(key), 60)          # a pasted page as a name is not echoed whole
        if known is not None and key not in known:
            raise ServiceError(400, "bad-parameter", f"the parameter {said!r} is not one "
                               f"this address takes; it takes {', '.join(known)}.")
        if key in repeatable:
            continue
        if key in values:
            raise ServiceError(400, "bad-parameter", f"the parameter {said} is given more than once; give it once.")
        if not value.strip():
            raise ServiceError(400, "bad-parameter", f"the parameter {said} is empty; give a value or leave it out.")
        values[key] = value.strip()
    if formats is not None and values.get("format", next(iter(formats))) not in formats:
        raise ServiceError(400, "bad-format", f"format={shortened(visible(values['format']), 60)} is not offered "
                                              f"here; use one of {', '.join(formats)}.")
    return values


def protocol_dataset(*sources):
    """The graphs named by default-graph-uri and named-graph-uri (in the URL or the form), which the
    protocol says take precedence over the query's FROM and FROM NAMED; None when neither is given."""
    from evkg.graph.store import Dataset

    default = [v for source in sources for v in source.getlist("default-graph-uri")]
    named = [v for source in sources for v in source.getlist("named-graph-uri")]
    if not default and not named:
        return None
    for name, value in [("default-graph-uri", v) for v in default] + [("named-graph-uri", v) for v in named]:
        if not isinstance(value, str) or not value.strip() or any(c in value for c in ' <>"{}|\\^`'):
            from evkg.core.safe_text import visible

            raise ServiceError(400, "bad-parameter", f"{name}={visible(value)[:300]!r} is not the IRI of a "
                               "graph; give a full IRI such as https://w3id.org/evkg/graph/curated.")
    return Dataset(tuple(v.strip() for v in default), tuple(v.strip() for v in named))


def _wants_html(request) -> bool:
    """A page or its data: ?format=json or ?format=html decides, else the Accept header."""
    chosen = request.query_params.get("format")
    if chosen in ("json", "html"):
        return chosen == "html"
    return _accept(request, ["application/json", "text/html"]) == "text/html"


def _media_type(request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_form(request, max_part_size: int):
    """The request's form fields and files; a multipart body that ends before its closing boundary (an upload
    cut short by a dropped connection or a client that stopped sending) is refused, not read as a short form."""
    if _media_type(request) == "multipart/form-data":
        body = await request.body()
        boundary = _multipart_boundary(request)
        if body and boundary and not _multipart_complete(body, boundary):
            raise ServiceError(400, "bad-request", f"the upload was cut short: the form data stopped after "
                               f"{len(body):,} bytes, before its closing boundary (--{boundary.decode('latin-1')}--)"
                               ". Nothing was checked. Send the file again.")
    return await request.form(max_part_size=max_part_size)


def _multipart_boundary(request) -> bytes | None:
    from python_multipart.multipart import parse_options_header

    _, options = parse_options_header(request.headers.get("content-type", ""))
    return options.get(b"boundary") or None


def _multipart_complete(body: bytes, boundary: bytes) -> bool:
    """Whether the body reaches its closing boundary (read by the parser Starlette uses, without keeping data)."""
    from python_multipart.exceptions import MultipartParseError
    from python_multipart.multipart import MultipartParser, MultipartState

    parser = MultipartParser(boundary, {})
    try:
        parser.write(body)
    except MultipartParseError:     # malformed, not truncated: Starlette's own reading reports it
        return True
    return parser.state == MultipartState.END


def _format_for_upload(filename: str, chosen: str | None) -> str:
    from evkg.io.load import guess_format

    if chosen:
        for value, _, fmt, _ in FORM_FORMATS:
            if chosen == value:
                return fmt
        from evkg.core.safe_text import shortened, visible

        raise ServiceError(415, "unsupported-format", f"unknown format {shortened(visible(repr(chosen)), 60)}; "
                           "choose one of " + ", ".join(v for v, *_ in FORM_FORMATS) + ".")
    try:
        return guess_format(filename or "upload")
    except InputError as exc:
        # the command line's hint names --input-format; a form names the format in its field `format` (the
        # other hints, to unpack a compressed file or to start from `evkg new`, hold for a form too)
        field = "field `format` (" + ", ".join(v for v, *_ in FORM_FORMATS) + ")"
        if "--input-format" in (exc.hint or ""):
            hint = f"Name the file with an RDF or YAML extension (.ttl, .yaml, .jsonld, …), or choose its format in the {field}."
        elif "compressed" in exc.reason:
            hint = exc.hint
        else:
            hint = f"{exc.hint} If it is a description under another name, choose its format in the {field}."
        raise ServiceError(415, "unsupported-format", exc.reason, hint=hint) from None


def pasted_format(text: str) -> str:
    """The form format of text pasted without a chosen format: YAML when its first statement is a plain
    `key:` or a list item, JSON-LD when it opens with a brace, else Turtle (a pasted YAML file read as Turtle
    fails on its first line with 'Prefix "id:" not bound')."""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line == "---":
            continue
        if line.startswith(("{", "[")):
            return "json-ld"
        return "yaml" if re.match(r"(?:[A-Za-z_][\w-]*:(?:\s|$)|- )", line) else "turtle"
    return "turtle"


class UploadBudget:
    """The bytes of request bodies held at once, from their first byte until their answer is sent, and their
    limit: past it a body is refused (503), so that many uploads at once, each under --max-bytes, cannot take
    all the server's memory. One event loop updates it: no lock."""

    def __init__(self, limit: int):
        self.limit, self.held = limit, 0
        self._by_request: dict = {}

    def hold(self, request, size: int) -> bool:
        """Count `size` bytes for `request` (what it declared, then what arrived); False, and nothing more
        counted, when that would pass the limit."""
        more = size - self._by_request.get(request, 0)
        if more <= 0:
            return True
        if self.held + more > self.limit:
            return False
        self.held += more
        self._by_request[request] = size
        return True

    def release(self, request) -> None:
        self.held -= self._by_request.pop(request, 0)


class BodyLimit:
    """ASGI middleware: refuse a request body over max_bytes with 413, whether or not it declares its length,
    one that trickles in slower than ``read_timeout`` seconds per part (or in total) with 408, one whose
    length is ambiguous with 400, one sent compressed (Content-Encoding) with 415, and one that would take the
    bodies held at once past their ``budget`` with 503 and Retry-After."""

    def __init__(self, app, max_bytes: int, read_timeout: float = 20.0, budget: UploadBudget | None = None):
        self.app, self.max_bytes, self.read_timeout = app, max_bytes, read_timeout
        self.budget = budget if budget is not None else UploadBudget(4 * max_bytes)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _ambiguous_length(scope["headers"]):
            return await self._ambiguous(scope, receive, send)
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        coding = headers.get(b"content-encoding", b"identity").strip().lower()
        if coding not in (b"", b"identity"):
            return await self._compressed(scope, receive, send, coding.decode("latin-1"))
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._too_large(scope, receive, send, int(declared))
        request = object()                   # this request's share of the budget
        try:
            if not self.budget.hold(request, int(declared) if declared is not None and declared.isdigit() else 0):
                return await self._busy(scope, receive, send)
            return await self._buffered(scope, receive, send, request)
        finally:
            self.budget.release(request)

    async def _buffered(self, scope, receive, send, request):
        import asyncio
        import time

        chunks, size = [], 0
        deadline = time.monotonic() + self.read_timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), timeout=max(deadline - time.monotonic(), 0.001))
            except (TimeoutError, asyncio.TimeoutError):
                return await self._too_slow(scope, receive, send)
            if message["type"] == "http.disconnect":
                return                       # the client left mid-body: nobody to answer, nothing to check
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                return await self._too_large(scope, receive, send, size)
            if not self.budget.hold(request, size):
                return await self._busy(scope, receive, send, body_left=message.get("more_body", False))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        del chunks
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    async def _compressed(self, scope, receive, send, coding: str):
        from starlette.requests import Request

        from evkg.core.safe_text import visible

        error = ServiceError(415, "unsupported-encoding", f"the request body is compressed (Content-Encoding: "
                             f"{visible(coding)[:100]}); evkg serve reads descriptions and queries as they are. "
                             "Send the file uncompressed.", headers={"Accept-Encoding": "identity"})
        response = _error_response(Request(scope), error)
        response.headers["Connection"] = "close"
        await self._drain(receive)
        await response(scope, receive, send)

    async def _busy(self, scope, receive, send, body_left: bool = True):
        from starlette.requests import Request

        from evkg.web.service import RETRY_AFTER_SECONDS

        error = ServiceError(503, "busy", f"the server is receiving other uploads ({self.budget.held:,} bytes at "
                             f"once; it holds up to {self.budget.limit:,}); send the description again in a few "
                             "seconds.", headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                             retry_after_seconds=RETRY_AFTER_SECONDS)
        response = _error_response(Request(scope), error)
        response.headers["Connection"] = "close"
        if body_left:
            await self._drain(receive)
        await response(scope, receive, send)

    async def _drain(self, receive) -> None:
        """Read and drop what is left of a refused body (at most --max-bytes, within --read-timeout): a server
        that closes the connection with unread bytes resets it, and the client, still sending, then gets a
        reset connection instead of the refusal and its Retry-After."""
        import asyncio
        import time

        deadline, dropped = time.monotonic() + self.read_timeout, 0
        while dropped <= self.max_bytes:
            try:
                message = await asyncio.wait_for(receive(), timeout=max(deadline - time.monotonic(), 0.001))
            except (TimeoutError, asyncio.TimeoutError):
                return
            if message["type"] != "http.request" or not message.get("more_body", False):
                return
            dropped += len(message.get("body", b""))

    async def _ambiguous(self, scope, receive, send):
        """Both Content-Length and Transfer-Encoding: a proxy in front may have read the body
        by the other one, so what follows it could be a request smuggled past the proxy. Refused, and the
        connection closed so that nothing after it is read (RFC 9112, section 6.1)."""
        from starlette.requests import Request

        error = ServiceError(400, "ambiguous-length", "the request gives its body length twice, as Content-Length "
                             "and as Transfer-Encoding. Send one of them.")
        response = _error_response(Request(scope), error)
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    async def _too_slow(self, scope, receive, send):
        from starlette.requests import Request

        error = ServiceError(408, "too-slow", f"the request body did not arrive within {self.read_timeout:g} s. "
                             "Send it in one go.")
        response = _error_response(Request(scope), error)
        response.headers["Connection"] = "close"
        await response(scope, receive, send)

    async def _too_large(self, scope, receive, send, size):
        from starlette.requests import Request

        error = ServiceError(413, "too-large", f"the request is larger than the limit of {self.max_bytes:,} "
                             "bytes. Split the description into several submissions, or ask the operator to "
                             "raise the limit (evkg serve --max-bytes).", max_bytes=self.max_bytes)
        response = _error_response(Request(scope), error)
        await response(scope, receive, send)


class ClientWatch:
    """ASGI middleware, outermost: tells the work a request starts (CLIENT_GONE) how to see that its client has
    closed the connection. It reads the connection's own messages, which past the body (read by BodyLimit
    beneath it) can only be the disconnect."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        from starlette.requests import Request

        import asyncio

        token = CLIENT_GONE.set(Request(scope, receive).is_disconnected)
        try:
            return await self.app(scope, receive, send)
        except asyncio.CancelledError:
            # the server is stopping (Ctrl+C) and cut the request short, its work stopped with it: the client
            # is told so, and uvicorn prints no traceback
            from evkg.web.service import RETRY_AFTER_SECONDS

            error = ServiceError(503, "stopping", "the server is stopping, and the work for this request was stopped "
                                 "with it. Send the request again once the server is back.",
                                 headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
            try:
                await _error_response(Request(scope), error)(scope, receive, send)
            except Exception:             # noqa: BLE001  (an answer had already begun, or the client is gone)
                pass
            return None
        finally:
            CLIENT_GONE.reset(token)


def _ambiguous_length(headers) -> bool:
    """Content-Length with Transfer-Encoding (two differing Content-Lengths are refused by h11 itself)."""
    names = {name.lower() for name, _ in headers}
    return b"content-length" in names and b"transfer-encoding" in names


# ------------------------------------------------------------------------------------------- the app

def _page(request, name: str, context: dict, status: int = 200):
    return templates().TemplateResponse(request, name, context, status_code=status)


def _error_response(request, error: ServiceError):
    from starlette.responses import JSONResponse

    if _wants_html(request):
        response = _page(request, "error.html", {"error": error}, status=error.status)
    else:
        response = JSONResponse(error.as_dict(), status_code=error.status)
    for name, value in getattr(error, "headers", {}).items():
        response.headers[name] = value
    return response


class TrailingSlashRedirect:
    """`/products/` → `/products`, with a Location built from the configured address, not the request's Host."""

    def __init__(self, app, base: str = ""):
        self.app = app
        self.base = base

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "/") if scope["type"] == "http" else "/"
        # the path as sent, still percent-encoded: the decoded one may hold a line break (%0d%0a), which no
        # header may carry (the server dropped the connection with a traceback)
        raw = scope.get("raw_path") or path.encode("utf-8")
        if not raw.startswith(b"/") and b"://" in raw:
            raw = b"/" + raw.split(b"://", 1)[1].partition(b"/")[2]      # absolute form: its path alone
        # one leading slash: '//host/…' after an empty base would be an address on another server
        raw = b"/" + raw.lstrip(b"/")
        if path != "/" and raw.endswith(b"/") and not path.startswith("/static/"):
            from urllib.parse import quote_from_bytes

            safe = "/%:@!$&'()*+,;=-._~"
            sent = quote_from_bytes(raw.rstrip(b"/"), safe=safe) or "/"
            query = quote_from_bytes(scope.get("query_string", b""), safe=safe + "?")
            location = self.base + sent + (f"?{query}" if query else "")
            await send({"type": "http.response.start", "status": 308,
                        "headers": [(b"location", location.encode("utf-8")), (b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)
