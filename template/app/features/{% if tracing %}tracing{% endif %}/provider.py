"""The process's tracer provider: resource, parent-based ratio sampler and a bounded OTLP export."""

from __future__ import annotations

import threading

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ParentBased, Sampler, TraceIdRatioBased

from app.core.about import about
from app.features.tracing.export_logs import limit_export_logs
from app.features.tracing.settings import TracingSettings

MAX_EXPORT_BATCH_SIZE = 512
# One provider per process: OpenTelemetry's global provider can be set only once, and the
# client instrumentations (httpx, redis) patch their libraries once.
_process_provider: list[TracerProvider] = []


def build_sampler(settings: TracingSettings, environment: str) -> Sampler:
    """Follow the caller's sampling decision; sample new traces at the configured ratio."""
    return ParentBased(TraceIdRatioBased(settings.ratio_for(environment)))


def build_tracer_provider(settings: TracingSettings, environment: str) -> TracerProvider:
    info = about()
    resource = Resource.create(
        {
            "service.name": info.name,
            "service.version": info.version,
            "deployment.environment": environment,
        }
    )
    # No exit handler: OpenTelemetry's would flush for up to 30 s, whatever the export timeout;
    # the app's shutdown flushes instead, bounded by TRACING_EXPORT_TIMEOUT_SECONDS (flush_within).
    provider = TracerProvider(
        resource=resource, sampler=build_sampler(settings, environment), shutdown_on_exit=False
    )
    limit_export_logs(settings.export_log_interval_seconds)
    exporter = OTLPSpanExporter(
        endpoint=settings.otlp_endpoint,
        headers=settings.headers,
        timeout=settings.export_timeout_seconds,
    )
    # Spans are queued and exported from a background thread: a slow or down collector costs
    # that thread its timeout, and a full queue drops new spans instead of making requests wait.
    provider.add_span_processor(
        BatchSpanProcessor(
            exporter,
            max_queue_size=settings.max_queue_size,
            max_export_batch_size=min(MAX_EXPORT_BATCH_SIZE, settings.max_queue_size),
            export_timeout_millis=int(settings.export_timeout_seconds * 1000),
        )
    )
    return provider


def process_tracer_provider(
    settings: TracingSettings, environment: str
) -> tuple[TracerProvider, bool]:
    """The provider of this process, built on first use; and whether this call built it."""
    if _process_provider:
        return _process_provider[0], False
    provider = build_tracer_provider(settings, environment)
    trace.set_tracer_provider(provider)
    _process_provider.append(provider)
    return provider, True


def flush_within(provider: TracerProvider, timeout_seconds: float) -> bool:
    """Export the queued spans, waiting at most `timeout_seconds`; False if some were left.

    The SDK's own flush ignores its timeout (it exports every queued batch, each one allowed the
    full export timeout), so it runs on a daemon thread that is abandoned when time is up: the
    process then exits without waiting for it, and the spans still queued are lost.
    """
    done = threading.Event()

    def flush() -> None:
        provider.force_flush()
        done.set()

    threading.Thread(target=flush, name="tracing-flush", daemon=True).start()
    return done.wait(timeout_seconds)
