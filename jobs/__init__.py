"""RQ entry points: thin, take ids, idempotent. Durable delivery (outbox → clock → workers) lands here."""
