"""Clock step: queue backlog, CPU and memory over their thresholds become ERROR records (and so alerts)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from core.settings import Settings

logger = logging.getLogger("maeum.thresholds")


def memory_in_use() -> float | None:
    """Share of memory in use, from /proc/meminfo (Linux); None elsewhere."""
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
        total = int(fields["MemTotal"].split()[0])
        available = int(fields["MemAvailable"].split()[0])
    except (OSError, KeyError, ValueError):
        return None
    return 1 - available / total if total else None


def check_thresholds(settings: Settings, *, queue_depth: int) -> list[str]:
    """Log one ERROR per threshold crossed; returns what was crossed (for tests)."""
    crossed = []
    if queue_depth > settings.ops_backlog_threshold:
        crossed.append("backlog")
        logger.error("queue backlog: %s jobs waiting (threshold %s)", queue_depth, settings.ops_backlog_threshold)
    load = os.getloadavg()[0] / (os.cpu_count() or 1)
    if load > settings.ops_cpu_threshold:
        crossed.append("cpu")
        logger.error("cpu load per core %s over threshold %s", round(load, 2), settings.ops_cpu_threshold)
    memory = memory_in_use()
    if memory is not None and memory > settings.ops_memory_threshold:
        crossed.append("memory")
        logger.error("memory in use %s over threshold %s", round(memory, 2), settings.ops_memory_threshold)
    return crossed
