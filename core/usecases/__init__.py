"""Async application services, one module per capability; they talk only to ports."""
