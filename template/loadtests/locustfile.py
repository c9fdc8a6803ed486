"""Locust scenarios for the items API: a read-heavy mix, and writes that carry ETag/If-Match.

Run through make: `make loadtest PROFILE=smoke HOST=https://staging.example.com`. The profile
(users over time) and the thresholds come from profiles.json; a run that misses a threshold exits
non-zero with one line per miss, so CI can gate on it.
"""

from __future__ import annotations

import logging
import os
import random
import uuid
from typing import Any

from locust import FastHttpUser, LoadTestShape, between, events, task
from locust.runners import WorkerRunner
from thresholds import RunResult, load_profile, missed

PROFILE = load_profile(os.environ.get("PROFILE", "smoke"))
AUTHORIZATION = os.environ.get("LOADTEST_AUTHORIZATION", "")
logger = logging.getLogger("loadtest")


class ProfileShape(LoadTestShape):
    """Users over time as the profile's stages say; the run stops after the last stage."""

    def tick(self) -> tuple[int, float] | None:
        users = PROFILE.users_at(self.get_run_time())
        return None if users is None else (users, PROFILE.spawn_rate)


class ApiUser(FastHttpUser):
    """One client: mostly reads (pages, single items, conditional reads), some writes."""

    wait_time = between(0.05, 0.5)
    # A service with authentication needs a credential: LOADTEST_AUTHORIZATION is the whole
    # Authorization header value ("Bearer ..."), sent with every request.
    default_headers = {"Authorization": AUTHORIZATION} if AUTHORIZATION else None

    def on_start(self) -> None:
        # Items of this user only, with the ETag last seen: updates and deletes never race
        # another simulated user, so a 412 here is a real bug, not contention of our making.
        self.items: dict[int, str] = {}
        # Every user walks the conditional paths once (create, If-Match update, If-None-Match
        # read), so even a run of seconds proves each of them; the weighted mix follows.
        self.create_item()
        self.update_item()
        self.read_item_if_changed()

    @task(10)
    def list_items(self) -> None:
        self.client.get("/items?limit=20", name="GET /items")

    @task(10)
    def read_item(self) -> None:
        if self.items:
            item_id = random.choice(list(self.items))  # noqa: S311 - load mix, not crypto
            self.client.get(f"/items/{item_id}", name="GET /items/{id}")

    @task(4)
    def read_item_if_changed(self) -> None:
        if self.items:
            item_id, etag = random.choice(list(self.items.items()))  # noqa: S311
            with self.client.get(
                f"/items/{item_id}",
                headers={"If-None-Match": etag},
                name="GET /items/{id} If-None-Match",
                catch_response=True,
            ) as response:
                if response.status_code == 304:
                    response.success()
                else:
                    response.failure(f"expected 304 for a current ETag, got {response.status_code}")

    @task(2)
    def create_item(self) -> None:
        body: dict[str, Any] = {"name": f"load-{uuid.uuid4().hex}", "price": "9.99"}
        response = self.client.post("/items", json=body, name="POST /items")
        if response.status_code == 201:
            self.items[int(response.json()["id"])] = str(response.headers["ETag"])

    @task(2)
    def update_item(self) -> None:
        if self.items:
            item_id, etag = random.choice(list(self.items.items()))  # noqa: S311
            response = self.client.patch(
                f"/items/{item_id}",
                json={"price": f"{random.randint(1, 999)}.00"},  # noqa: S311
                headers={"If-Match": etag},
                name="PATCH /items/{id} If-Match",
            )
            if response.status_code == 200:
                self.items[item_id] = str(response.headers["ETag"])

    @task(1)
    def delete_item(self) -> None:
        if len(self.items) > 1:
            item_id, etag = self.items.popitem()
            self.client.delete(
                f"/items/{item_id}", headers={"If-Match": etag}, name="DELETE /items/{id} If-Match"
            )


@events.quitting.add_listener
def check_thresholds(environment: Any, **_: Any) -> None:
    if isinstance(environment.runner, WorkerRunner):
        return  # the master holds the aggregated numbers and judges the run
    total = environment.stats.total
    result = RunResult(
        requests=total.num_requests,
        failures=total.num_failures,
        p95_ms=total.get_response_time_percentile(0.95) or 0.0,
        rps=total.total_rps,
    )
    summary = (
        f"profile {PROFILE.name}: {result.requests} requests, {result.rps:.1f} req/s, "
        f"p95 {result.p95_ms:.0f} ms, errors {result.error_ratio:.4%}"
    )
    problems = missed(result, PROFILE.thresholds)
    if problems:
        logger.error("load test FAILED: %s; missed: %s", summary, "; ".join(problems))
        environment.process_exit_code = 1
    else:
        logger.info("load test passed: %s", summary)
