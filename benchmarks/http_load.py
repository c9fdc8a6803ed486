"""A small HTTP/1.1 load generator that keeps every answer's status and latency (wrk does not).

Two shapes, both bounded in time and in connections, on 127.0.0.1:
- `open_loop(url, rate, seconds)`: requests start at a fixed rate whatever the server does (as
  users keep arriving), each on an idle keep-alive connection or a new one; the way to offer a
  load above capacity, where a closed loop would slow down with the server;
- `closed_loop(url, concurrency, seconds)`: `concurrency` clients, each sending its next request
  when the last one is answered (the shape of wrk), for cost per request.
Written here on asyncio streams because the benchmark needs latency per status (admitted 2xx vs
shed 503) under load, which wrk and hey do not report; plain sockets keep the client cheap.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MAX_CONNECTIONS = 1024
REQUEST_TIMEOUT_SECONDS = 30.0


@dataclass
class Sample:
    latencies: dict[int, list[float]] = field(default_factory=dict)
    errors: int = 0
    not_sent: int = 0  # open loop: no connection free and the cap reached
    seconds: float = 0.0

    def add(self, status: int, latency: float) -> None:
        self.latencies.setdefault(status, []).append(latency)

    def summary(self) -> dict[str, Any]:
        total = sum(len(values) for values in self.latencies.values()) + self.errors
        by_status = {
            str(status): {"count": len(values), **percentiles(values)}
            for status, values in sorted(self.latencies.items())
        }
        return {
            "requests": total,
            "answered_per_second": round(total / max(self.seconds, 1e-9), 1),
            "errors": self.errors,
            "not_sent": self.not_sent,
            "by_status": by_status,
        }


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {}

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000, 2)

    return {
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


class Connections:
    """Keep-alive connections to one host: reused when idle, opened up to a cap."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.idle: deque[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = deque()
        self.open = 0

    async def take(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        if self.idle:
            return self.idle.popleft()
        if self.open >= MAX_CONNECTIONS:
            return None
        self.open += 1
        try:
            return await asyncio.open_connection(self.host, self.port)
        except OSError:
            self.open -= 1
            raise

    def give_back(self, pair: tuple[asyncio.StreamReader, asyncio.StreamWriter], keep: bool) -> None:
        if keep:
            self.idle.append(pair)
        else:
            self.open -= 1
            pair[1].close()

    def close(self) -> None:
        while self.idle:
            self.idle.popleft()[1].close()


async def exchange(
    pair: tuple[asyncio.StreamReader, asyncio.StreamWriter], request: bytes
) -> tuple[int, bool]:
    """Send one request, read the whole answer; (status, whether the connection may be reused)."""
    reader, writer = pair
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


def request_bytes(url: str) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n"
    return host, port, request.encode()


async def _one(pool: Connections, request: bytes, sample: Sample) -> None:
    started = time.perf_counter()
    pair = None
    try:
        pair = await pool.take()
        if pair is None:
            sample.not_sent += 1
            return
        async with asyncio.timeout(REQUEST_TIMEOUT_SECONDS):
            status, keep = await exchange(pair, request)
        sample.add(status, time.perf_counter() - started)
        pool.give_back(pair, keep)
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError, IndexError):
        sample.errors += 1
        if pair is not None:
            pool.give_back(pair, keep=False)


async def _open_loop(url: str, rate: float, seconds: float) -> Sample:
    host, port, request = request_bytes(url)
    pool, sample, tasks = Connections(host, port), Sample(), set()
    started = time.perf_counter()
    for number in range(int(rate * seconds)):
        delay = started + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(_one(pool, request, sample))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)
    sample.seconds = time.perf_counter() - started
    pool.close()
    return sample


async def _closed_loop(url: str, concurrency: int, seconds: float) -> Sample:
    host, port, request = request_bytes(url)
    pool, sample = Connections(host, port), Sample()
    started = time.perf_counter()
    until = started + seconds

    async def client() -> None:
        while time.perf_counter() < until:
            await _one(pool, request, sample)

    await asyncio.gather(*(client() for _ in range(concurrency)))
    sample.seconds = time.perf_counter() - started
    pool.close()
    return sample


def open_loop(url: str, rate: float, seconds: float) -> dict[str, Any]:
    return asyncio.run(_open_loop(url, rate, seconds)).summary()


def closed_loop(url: str, concurrency: int, seconds: float) -> dict[str, Any]:
    return asyncio.run(_closed_loop(url, concurrency, seconds)).summary()
