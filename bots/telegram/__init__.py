"""Telegram adapter on python-telegram-bot: translation, rendering, responder, push messenger."""
