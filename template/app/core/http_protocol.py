"""uvicorn's httptools protocol with a bounded request head: 431 for headers too large or too many.

httptools (llhttp) sets no limit of its own: it buffers a header of any size until its line ends,
so a client streaming one 64 MB header made the process read and hold all of it (+123 MB RSS)
and then served the request. Here the bytes of a head are counted as they arrive, and the head is
refused as soon as it is over MAX_REQUEST_HEADER_BYTES, without reading the rest; once it is whole,
its target and headers are counted exactly against that limit and MAX_REQUEST_HEADER_COUNT.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from app.core.logging import get_logger
from app.core.problems import PROBLEM_MEDIA_TYPE, status_phrase

HEADER_FIELDS_TOO_LARGE = 431
# Per header: the ": " between name and value and the CRLF that ends the line.
HEADER_LINE_OVERHEAD = 4
# After a refusal, input is read and dropped this long before closing (RFC 9112, 9.6): closing
# with unread input sends a reset, which can destroy the 431 before the client reads it.
LINGER_SECONDS = 1.0
logger = get_logger("app.server")


class RequestHeadRefused(Exception):
    """Raised from a parser callback to stop parsing; the protocol answers 431."""


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """Counts each request head (target, header names and values) while httptools parses it."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        max_header_bytes: int,
        max_header_count: int,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.max_header_bytes = max_header_bytes
        self.max_header_count = max_header_count
        # Raw bytes received while a head is still incomplete (a header being buffered inside
        # httptools reaches no callback until it ends); the exact count is taken once it is whole.
        self._in_head = True
        self._received_in_head = 0
        self._refusal: str | None = None
        self._lingering = False

    def data_received(self, data: bytes) -> None:
        if self._lingering:
            return  # the rest of a refused request: dropped unread
        if self._in_head:
            self._received_in_head += len(data)
        super().data_received(data)
        if self._in_head and self._received_in_head > self.max_header_bytes:
            self._refuse(self._too_large())

    # Parser callbacks (httptools calls them by name). The head is counted once it is complete,
    # from the target and headers uvicorn collected, not in on_url and on_header: a request of
    # 12 headers cost 19-21 CPU us with those overridden, 16 us this way and 14-15 us under
    # uvicorn's own protocol (benchmarks/request_head.py). The raw count in data_received
    # already stops a head that grows past the limit before it ends.
    def on_headers_complete(self) -> None:
        self._in_head = False
        if len(self.headers) > self.max_header_count:
            self._stop(f"A request may carry at most {self.max_header_count} header fields.")
        head_bytes = len(self.url) + sum(
            len(name) + len(value) + HEADER_LINE_OVERHEAD for name, value in self.headers
        )
        if head_bytes > self.max_header_bytes:
            self._stop(self._too_large())
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._received_in_head = 0

    def on_response_complete(self) -> None:
        if self._refusal is not None:
            # A refusal that waited for the response in progress (a pipelined request).
            self._send_refusal()
            return
        super().on_response_complete()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers every parser error with 400, including the one our callbacks raise.
        if self._refusal is not None:
            self._refuse(self._refusal)
            return
        super().send_400_response(msg)

    def _too_large(self) -> str:
        return f"Request headers exceed the limit of {self.max_header_bytes} bytes."

    def _stop(self, detail: str) -> None:
        self._refusal = detail
        raise RequestHeadRefused(detail)

    def _refuse(self, detail: str) -> None:
        self._refusal = detail
        if self.transport.is_closing():
            return
        if self.cycle is not None and not self.cycle.response_complete:
            # Writing now would cut into the response being sent: stop reading, answer after it.
            self.flow.pause_reading()
            return
        self._send_refusal()

    def _send_refusal(self) -> None:
        if self._lingering or self.transport.is_closing():
            return
        detail = self._refusal or self._too_large()
        status = HEADER_FIELDS_TOO_LARGE
        problem = {"title": status_phrase(status), "status": status, "detail": detail}
        body = json.dumps({"type": "about:blank", **problem}, separators=(",", ":")).encode()
        default_headers = b"".join(
            name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers
        )
        head = b"content-type: %s\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % (
            PROBLEM_MEDIA_TYPE.encode(),
            len(body),
        )
        self.transport.write(STATUS_LINE[status] + default_headers + head + body)
        self._lingering = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.flow.resume_reading()
        self.loop.call_later(LINGER_SECONDS, self.transport.close)
        client = self.client[0] if self.client else None
        logger.warning("request refused", status=status, detail=detail, client=client)
