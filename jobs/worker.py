"""`maeum worker`: an RQ worker on REDIS_URL running delivery and ops-alert jobs on one long-lived runtime."""

from __future__ import annotations

from typing import Any

from rq import SimpleWorker

from core.adapters.queue import OPS_QUEUE_NAME, QUEUE_NAME
from core.settings import Settings
from jobs.alerts import warm_alerts
from jobs.runtime import close_worker_runtime, worker_runtime


class MaeumWorker(SimpleWorker):
    """RQ's SimpleWorker (each job runs in this process: ~340 jobs/s here instead of ~60 with a fork per job) whose
    jobs share the process's runtime (`jobs.runtime.worker_runtime`: one event loop, engine pool, Redis and platform
    clients), built when the worker starts and closed when it stops. A job that crashes the process is recovered by
    the outbox leases, not by RQ.

    Any RQ worker runs maeum's jobs correctly (they build the runtime on first use); this one also builds it before
    the first job and closes it cleanly. Elsewhere: `rq worker -w jobs.worker.MaeumWorker maeum-ops maeum`, in a
    process that called `bots.cli.assemble_jobs()` first."""

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        runtime = worker_runtime()
        runtime.warm()  # before registering: a worker RQ lists is ready for its first job
        warm_alerts(runtime)
        super().bootstrap(*args, **kwargs)

    def teardown(self) -> None:
        try:
            close_worker_runtime()
        finally:
            super().teardown()  # type: ignore[no-untyped-call]


def serve_worker(settings: Settings, *, burst: bool = False, name: str | None = None) -> bool:
    """Run until stopped (or, with `burst`, until the queues are empty). Ops alerts have a queue of their own, read
    first, so an alert never waits behind a fan-out of thousands of pushes (and a burst of them keeps its order)."""
    from redis import Redis
    from rq import Queue

    assert settings.redis_url is not None
    connection = Redis.from_url(settings.redis_url)
    queues = [Queue(OPS_QUEUE_NAME, connection=connection), Queue(QUEUE_NAME, connection=connection)]
    worker = MaeumWorker(queues, connection=connection, name=name)
    return bool(worker.work(burst=burst, with_scheduler=False, logging_level="WARNING"))
