"""Settings of the background worker, its queue, retries, outbox relay and schedules (JOBS_*)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from app.core.settings import ServiceSettings
from app.features.jobs.broker import DEFAULT_BROKER_URL, BrokerUrl
from app.features.jobs.cron import check_cron


class JobsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="JOBS_")

    broker_url: BrokerUrl = DEFAULT_BROKER_URL
    queue: str = Field(default="jobs", pattern=r"^[A-Za-z0-9_-]{1,100}$")
    concurrency: int = Field(default=10, ge=1, le=1000)
    max_attempts: int = Field(default=3, ge=1, le=100)
    retry_backoff_seconds: float = Field(default=1.0, ge=0)
    retry_backoff_max_seconds: float = Field(default=60.0, ge=0)
    task_timeout_seconds: float = Field(default=300.0, gt=0)
    redelivery_seconds: float = Field(default=600.0, gt=0)
    shutdown_timeout_seconds: float = Field(default=30.0, ge=0)
    outbox_poll_seconds: float = Field(default=1.0, gt=0)
    outbox_batch_size: int = Field(default=100, ge=1, le=10000)
    outbox_max_lag_seconds: float = Field(default=300.0, gt=0)
    purge_cron: str = "0 3 * * *"
    purge_retention_days: float = Field(default=30.0, ge=0)
    health_port: int = Field(default=8081, ge=0, le=65535)

    @field_validator("purge_cron")
    @classmethod
    def _purge_cron(cls, value: str) -> str:
        return check_cron(value)
