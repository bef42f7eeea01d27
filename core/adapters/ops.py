"""Operator alerts. Until the ops Slack channel lands, alerts are WARNING log records."""

from __future__ import annotations

import logging

logger = logging.getLogger("maeum.ops")


class LoggingOpsAlerts:
    async def alert(self, event: str, **fields: str | int) -> None:
        detail = " ".join(f"{k}={v}" for k, v in sorted(fields.items()))
        logger.warning("ops alert: %s %s", event, detail)
