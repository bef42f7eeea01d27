"""Telegram Update → IncomingMessage. Translation only: what the bot should do is decided by the core."""

from __future__ import annotations

from telegram import CallbackQuery, Chat, Message, MessageEntity, Update, User
from telegram.constants import ChatType

from core.domain.values import ChatKind, Platform
from core.inbound import ChatRef, IncomingMessage, Invocation, Sender

PLATFORM = Platform.TELEGRAM


def _chat(chat: Chat) -> ChatRef:
    kind = ChatKind.DIRECT if chat.type == ChatType.PRIVATE else ChatKind.GROUP
    return ChatRef(id=str(chat.id), kind=kind, title=chat.title)


def _sender(user: User) -> Sender:
    return Sender(external_id=str(user.id), name=user.full_name, locale=user.language_code, is_bot=user.is_bot)


def _command(message: Message, bot_username: str) -> Invocation | bool | None:
    """The command at the start of the text as an Invocation; False when it is addressed to another bot;
    None when the text is not a command."""
    text = message.text or ""
    entities = [e for e in message.entities if e.type == MessageEntity.BOT_COMMAND and e.offset == 0]
    if not entities:
        return None
    command = message.parse_entity(entities[0])  # handles Telegram's UTF-16 offsets
    verb, _, addressee = command.lstrip("/").partition("@")
    if addressee and addressee.lower() != bot_username.lower():
        return False
    rest = text[len(command) :].strip()
    return Invocation(verb=verb.lower(), args=tuple(rest.split()), rest=rest)


def translate(update: Update, *, bot_username: str) -> IncomingMessage | None:
    """None for updates that are not for maeum: edited messages, joins, commands for other bots."""
    if update.callback_query is not None:
        return _from_button(update.callback_query)
    if update.message is not None and update.message.from_user is not None:
        return _from_message(update.message, update.message.from_user, bot_username)
    return None  # edited messages, channel posts, other service updates


def _from_button(query: CallbackQuery) -> IncomingMessage | None:
    if query.message is None or query.data is None:
        return None
    return IncomingMessage(
        platform=PLATFORM,
        chat=_chat(query.message.chat),
        sender=_sender(query.from_user),
        action=query.data,
        message_id=str(query.message.message_id),
    )


def _from_message(message: Message, user: User, bot_username: str) -> IncomingMessage | None:
    if message.new_chat_members or message.left_chat_member or message.group_chat_created:
        return None
    chat, sender, message_id = _chat(message.chat), _sender(user), str(message.message_id)
    if message.text is None:
        return IncomingMessage(platform=PLATFORM, chat=chat, sender=sender, non_text=True, message_id=message_id)
    command = _command(message, bot_username)
    if command is False:
        return None
    if isinstance(command, Invocation):
        return IncomingMessage(platform=PLATFORM, chat=chat, sender=sender, invocation=command, message_id=message_id)
    return IncomingMessage(platform=PLATFORM, chat=chat, sender=sender, text=message.text, message_id=message_id)
