"""RQ entry point for delivering a batch of outbox rows (thin: takes ids, idempotent)."""

from __future__ import annotations

from jobs.runtime import summary, worker_runtime


def deliver_batch(ids: list[int], job_id: str | None = None) -> dict[str, int]:
    """Deliver these rows on the worker's long-lived runtime. Safe to run twice: each row is taken once."""
    return summary(worker_runtime().run(lambda app: app.delivery.deliver(ids, job_id)))
