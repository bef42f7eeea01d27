"""The conversation on Slack: Block Kit messages, streamed by chat.update; usage notes only to the asker."""

from __future__ import annotations

from typing import Any

from bots.slack.messenger import fallback_text, render_blocks
from core.ports import MessageRef
from core.replies import Reply


class SlackResponder:
    """Replies in one channel or DM. Ephemeral replies (usage errors) are shown only to `user` in channels."""

    def __init__(self, client: Any, channel: str, *, user: str | None = None) -> None:
        self._client = client
        self._channel = channel
        self._user = user

    async def send(self, reply: Reply) -> MessageRef:
        if reply.ephemeral and self._user and not self._channel.startswith("D"):
            answer = await self._client.chat_postEphemeral(
                channel=self._channel, user=self._user, text=fallback_text(reply), blocks=render_blocks(reply)
            )
            return MessageRef(id=f"ephemeral:{answer.get('message_ts', '')}")
        answer = await self._client.chat_postMessage(
            channel=self._channel, text=fallback_text(reply), blocks=render_blocks(reply)
        )
        for attachment in reply.attachments:
            await self._client.files_upload_v2(
                channel=answer.get("channel") or self._channel,
                filename=attachment.filename,
                title=attachment.filename,
                content=attachment.content,
            )
        return MessageRef(id=f"{answer.get('channel') or self._channel}:{answer['ts']}")

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        if ref.id.startswith("ephemeral:"):
            return  # Slack cannot edit an ephemeral message through the Web API
        channel, _, ts = ref.id.rpartition(":")
        await self._client.chat_update(channel=channel, ts=ts, text=fallback_text(reply), blocks=render_blocks(reply))

    async def show_typing(self) -> None:
        return None  # the Web API has no typing indicator for bots; the placeholder message shows work


class HomeResponder:
    """Publishes what the core says as the user's App Home tab instead of posting it."""

    def __init__(self, client: Any, user: str) -> None:
        self._client = client
        self._user = user

    async def send(self, reply: Reply) -> MessageRef:
        await self._client.views_publish(user_id=self._user, view={"type": "home", "blocks": render_blocks(reply)})
        return MessageRef(id=f"home:{self._user}")

    async def edit(self, ref: MessageRef, reply: Reply, *, final: bool = False) -> None:
        await self.send(reply)

    async def show_typing(self) -> None:
        return None
