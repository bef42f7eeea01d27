"""The slash commands: one per listed verb of the registered products (the words it takes: `Verb.words`),
named and described in English with Korean localizations.

Discord shows a user the names and descriptions in their client's language: a Korean client sees `/고민 내용:…`,
others `/worry text:…`. The texts come from the message catalogs through discord.py's `app_commands.Translator`,
applied when the tree is synced (`tree.sync()` sends `name_localizations` / `description_localizations`).
Whatever the client's language, Discord sends the command's default (English) name back, which is the verb.

Commands only declare options here; what a command means is read from the interaction payload by
`bots.discord.translate` (the same for the gateway and HTTP interactions).
"""

# No `from __future__ import annotations`: discord.py reads the option types from the callbacks' annotations,
# which here depend on each command (the longest text it takes).

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import locale_str

from core.domain.values import ChatKind, Locale
from core.i18n import Catalog
from core.registration import Words
from core.routing import VerbTable

logger = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 100
Receive = Callable[[discord.Interaction], Awaitable[None]]


class CatalogTranslator(app_commands.Translator):
    """Korean names and descriptions from the catalog; every other locale sees the English defaults."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog

    async def translate(
        self, string: locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        key = string.extras.get("key")
        if not key or locale is not discord.Locale.korean:
            return None
        text = self._catalog.text(Locale.KO, key)
        limit = string.extras.get("limit")
        return text[:limit] if limit else text


def _callback(spec: Words | None, receive: Receive) -> Callable[..., Awaitable[None]]:
    if spec is None:

        async def plain(interaction: discord.Interaction) -> None:
            await receive(interaction)

        return plain
    text: Any = app_commands.Range[str, 1, spec.max_length] if spec.max_length else str
    if spec.required:

        async def with_value(interaction: discord.Interaction, value: text) -> None:
            await receive(interaction)

        return with_value

    async def with_optional_value(
        interaction: discord.Interaction,
        value: text | None = None,
    ) -> None:
        await receive(interaction)

    return with_optional_value


def _with_option(callback: Callable[..., Awaitable[None]], spec: Words, catalog: Catalog) -> Any:
    name_key = f"discord.option.{spec.key}"
    description_key = f"{name_key}.description"
    described: Any = app_commands.rename(value=locale_str(catalog.text(Locale.EN, name_key), key=name_key))(callback)
    described = app_commands.describe(
        value=locale_str(
            catalog.text(Locale.EN, description_key)[:DESCRIPTION_LIMIT], key=description_key, limit=DESCRIPTION_LIMIT
        )
    )(described)
    if spec.choices:
        choices = [app_commands.Choice(name=name, value=value) for name, value in spec.choices]
        described = app_commands.choices(value=choices)(described)
    return described


def build_commands(verbs: VerbTable, catalog: Catalog, receive: Receive) -> list[app_commands.Command[Any, ..., None]]:
    """A command for every listed verb; each hands its interaction to `receive`."""
    commands = []
    for verb in verbs.listed():
        spec = verb.words
        callback: Any = _callback(spec, receive)
        if spec is not None:
            callback = _with_option(callback, spec, catalog)
        name_key = f"discord.name.{verb.name}"
        command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name=locale_str(verb.name, key=name_key),
            description=locale_str(
                catalog.text(Locale.EN, verb.summary_key)[:DESCRIPTION_LIMIT],
                key=verb.summary_key,
                limit=DESCRIPTION_LIMIT,
            ),
            callback=callback,
            # /export and /forget work only in a DM with the bot: Discord hides them elsewhere
            allowed_contexts=None
            if ChatKind.GROUP in verb.where
            else app_commands.AppCommandContext(guild=False, dm_channel=True, private_channel=False),
        )
        commands.append(command)
    return commands


def build_tree(
    client: discord.Client, verbs: VerbTable, catalog: Catalog, receive: Receive
) -> app_commands.CommandTree[Any]:
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    for command in build_commands(verbs, catalog, receive):
        tree.add_command(command)

    @tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        if not interaction.response.is_done():
            # A command an earlier version synced (unknown, or with other options) that discord.py cannot match:
            # the core reads the raw payload and answers (or says it does not know the command).
            # the command's name only: its options are what the person typed
            command = interaction.data.get("name") if interaction.data else None
            logger.info("discord: %s for /%s; handed to the core", type(error).__name__, command)
            await receive(interaction)
            return
        logger.error("discord: command %s failed", interaction.command and interaction.command.name, exc_info=error)

    return tree
