"""The service's Prometheus metrics, defined once per process in the default registry."""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter, Gauge, Histogram

# Gauges sum over live worker processes in multiprocess mode (each worker has its own pool).
LIVE_SUM: Final = "livesum"

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, route template and status code",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from receiving a request to sending the end of its response",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
HTTP_IN_PROGRESS = Gauge(
    "http_requests_in_progress",
    "HTTP requests being served right now",
    multiprocess_mode=LIVE_SUM,
)
DB_QUERY_DURATION = Histogram(
    "db_query_duration_seconds",
    "Time the database took to execute a statement, by SQL operation",
    ["operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0),
)
DB_POOL_SIZE = Gauge("db_pool_size", "Connections the pool keeps open", multiprocess_mode=LIVE_SUM)
DB_POOL_MAX_OVERFLOW = Gauge(
    "db_pool_max_overflow",
    "Connections the pool may open above its size under load",
    multiprocess_mode=LIVE_SUM,
)
DB_POOL_CHECKED_OUT = Gauge(
    "db_pool_checked_out", "Pooled connections in use", multiprocess_mode=LIVE_SUM
)
DB_POOL_OVERFLOW = Gauge(
    "db_pool_overflow",
    "Connections open above the pool size right now",
    multiprocess_mode=LIVE_SUM,
)
ITEMS_CREATED = Counter("items_created_total", "Items created")
ITEMS_DELETED = Counter("items_deleted_total", "Items deleted")
