"""RQ entry point for delivering a batch of outbox rows (thin: takes ids, idempotent)."""

from __future__ import annotations

import asyncio

from jobs.runtime import summary, with_app


def deliver_batch(ids: list[int], job_id: str | None = None) -> dict[str, int]:
    """Deliver these rows. Safe to run twice: each row is taken under a lease and sent at most once."""

    async def run() -> dict[str, int]:
        return summary(await with_app(lambda app: app.delivery.deliver(ids, job_id)))

    return asyncio.run(run())
