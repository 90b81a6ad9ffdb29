"""The memory that answers take while they wait for their clients to read them, across all connections.

An answer is written to its connection at once; what the client has not read yet stays in the server's memory
(the connection's send buffer). A client may take up to --read-timeout for each 64 KB, so twenty clients that
each asked for a 50 MB answer and read it slowly held a gigabyte between them. AnswerBudget counts the bytes
every connection still holds, and AnswerLimit refuses an answer that would take the total past the limit
(503 `answers-waiting` with Retry-After) instead of adding it to the pile.
"""
from __future__ import annotations

from evkg.web.errors import ServiceError


class AnswerBudget:
    """Bytes of answers held for their clients: what each registered connection has not sent yet, plus the
    answers being handed to their connections now. Connections are registered by the server's protocol
    (evkg.web.server); one event loop updates it: no lock."""

    def __init__(self, limit: int):
        self.limit = limit
        self.transports: set = set()
        self.in_hand = 0                    # answers passed to their connection, not yet in its buffer

    @property
    def held(self) -> int:
        return self.in_hand + sum(_unsent(transport) for transport in self.transports)

    def take(self, size: int) -> bool:
        """Count `size` bytes as handed over; False, and nothing counted, when the total would pass the limit.
        An empty answer always fits."""
        if size and self.held + size > self.limit:
            return False
        self.in_hand += size
        return True

    def give_back(self, size: int) -> None:
        self.in_hand -= size


def _unsent(transport) -> int:
    try:
        return transport.get_write_buffer_size()
    except Exception:                     # noqa: BLE001  (a transport torn down under us holds nothing)
        return 0


class AnswerLimit:
    """ASGI middleware: an answer whose first part would take the bytes held past the budget is replaced by a
    503 (its work is done by then: its size is known only once it is made). The parts after
    the first of a streamed answer wait for their connection to drain (the server's flow control), so the
    first part is the one that counts."""

    def __init__(self, app, budget: AnswerBudget):
        self.app, self.budget = app, budget

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        budget = self.budget
        waiting: dict | None = None            # the start of the answer, sent with its first part
        refused = False

        async def guarded(message):
            nonlocal waiting, refused
            if refused:
                return                         # the rest of an answer replaced by the 503
            if message["type"] == "http.response.start":
                waiting = message
                return
            if message["type"] == "http.response.body" and waiting is not None:
                start, waiting = waiting, None
                # the server sends no body for HEAD
                size = 0 if scope["method"] == "HEAD" else len(message.get("body", b""))
                if not budget.take(size):
                    refused = True
                    return await self._refuse(scope, receive, send, size)
                try:
                    await send(start)
                    return await send(message)
                finally:
                    budget.give_back(size)
            return await send(message)

        return await self.app(scope, receive, guarded)

    async def _refuse(self, scope, receive, send, size: int):
        from starlette.requests import Request

        from evkg.web.http import _error_response
        from evkg.web.service import RETRY_AFTER_SECONDS

        held, limit = self.budget.held, self.budget.limit
        message = (f"this answer is {size:,} bytes, and the server is already holding {held:,} bytes of answers that "
                   f"their clients have not read yet, of at most {limit:,} at once: there is room for "
                   f"{max(limit - held, 0):,} more, so it was not sent.")
        error = ServiceError(503, "answers-waiting", f"{message} Try again in {RETRY_AFTER_SECONDS} seconds, when "
                             "other clients have read theirs, or ask for a smaller answer (a query with a LIMIT). "
                             "The operator sets this limit with evkg serve --max-held-answer-bytes.",
                             headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
                             retry_after_seconds=RETRY_AFTER_SECONDS, bytes_held=held, max_bytes_held=limit)
        await _error_response(Request(scope), error)(scope, receive, send)
