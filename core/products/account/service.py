"""Start and consent, help, language and time zone, export and forget."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.domain.accounts import ACCOUNT_PUSH_KIND, LINK_TTL, PLATFORMS, linked_key, unlinked_key
from core.domain.codes import new_code, normalize_code, show_code
from core.domain.outbox import NewPush, PushDocument
from core.domain.quiet_hours import parse_quiet_hours
from core.domain.schedules import ScheduleKind, next_occurrence
from core.domain.timekeeping import start_of_local_day
from core.domain.users import Identity
from core.domain.values import Locale
from core.errors import LimitExceeded, UsageError
from core.i18n import counted
from core.ports import Clock, UnitOfWork, UnitOfWorkFactory
from core.products.account.commands import (
    ChoosePushAccount,
    ConfirmForget,
    ExportData,
    LinkAccount,
    ListLinkedAccounts,
    RequestForget,
    SetConsent,
    SetLanguage,
    SetQuietHours,
    SetTimezone,
    ShowHelp,
    ShowHome,
    Start,
    UnlinkAccount,
)
from core.registration import AccountPart, ConsentHook, Verb
from core.replies import Attachment, Button, Reply, Section
from core.routing import VerbTable, encode_action
from core.usecases.code_guard import CodeGuard
from core.usecases.context import Context

logger = logging.getLogger(__name__)

FORGET_CONFIRM_WINDOW = timedelta(minutes=10)


class AccountService:
    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        encrypted_at_rest: bool,
        guard: CodeGuard,
        verbs: VerbTable,
        parts: Sequence[AccountPart] = (),
        consent_hooks: Sequence[ConsentHook] = (),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._verbs = verbs
        self._parts = tuple(parts)  # the products' parts of an account: export, forget, link, home
        # Read when consent is answered, not copied: the products built after this one add theirs.
        self._consent_hooks = consent_hooks
        self._encrypted = encrypted_at_rest
        self._guard = guard
        self._limits = guard.limits

    async def start(self, command: Start, ctx: Context) -> None:
        consent_line = ctx.t("start.consented") if ctx.user.consented else ctx.t("start.not_consented")
        storage = ctx.t("start.encrypted") if self._encrypted else ctx.t("start.not_encrypted")
        body = "\n\n".join((ctx.t("start.welcome"), ctx.t("start.what_we_store"), storage, consent_line))
        if ctx.user.consented:
            buttons: tuple[Button, ...] = (
                Button(label=ctx.t("consent.withdraw_button"), action=encode_action("consent", "no")),
            )
        else:
            buttons = (
                Button(label=ctx.t("consent.agree_button"), action=encode_action("consent", "yes")),
                Button(label=ctx.t("consent.decline_button"), action=encode_action("consent", "no")),
            )
        await ctx.responder.send(Reply.text(body, buttons=buttons, title=ctx.t("start.title")))

    async def set_consent(self, command: SetConsent, ctx: Context) -> None:
        if command.agree and ctx.user.consented:
            await ctx.say("consent.kept")
            return
        if not command.agree and ctx.user.consented and not command.confirmed:
            # Withdrawing deletes the stored worries: one more press, as /forget asks.
            await ctx.say(
                "consent.withdraw_question",
                buttons=(
                    Button(label=ctx.t("consent.withdraw_confirm_button"), action=encode_action("consent", "withdraw")),
                    Button(label=ctx.t("consent.keep_button"), action=encode_action("consent", "keep")),
                ),
            )
            return
        async with self._uow() as uow:
            if command.agree:
                await uow.users.set_consent(ctx.user.id, ctx.user.consented_at or self._clock.now())
            else:
                await uow.users.set_consent(ctx.user.id, None)
                await uow.counseling.redact_texts(ctx.user.id)
            await uow.commit()
        await ctx.say("consent.agreed" if command.agree else "consent.declined")
        for hook in self._consent_hooks:  # what other products held for this answer
            await hook(command.agree, ctx)

    async def help(self, command: ShowHelp, ctx: Context) -> None:
        if command.lines_only:
            await ctx.responder.send(Reply.text(ctx.t("crisis.lines"), title=ctx.t("crisis.lines_title")))
            return
        lines = [f"/{verb.name}{self._aliases(verb, ctx)} — {ctx.t(verb.summary_key)}" for verb in self._verbs.listed()]
        body = "\n".join([*lines, "", ctx.t("help.plain_text"), "", ctx.t("crisis.lines_title"), ctx.t("crisis.lines")])
        await ctx.responder.send(Reply.text(body, title=ctx.t("help.title")))

    @staticmethod
    def _aliases(verb: Verb, ctx: Context) -> str:
        """The other names of a verb in the reader's language (`/help (/도움말)`), which work when typed."""
        korean = ctx.locale is Locale.KO
        own = [a for a in verb.aliases if any("가" <= ch <= "힣" for ch in a) == korean]
        return " (" + " · ".join(f"/{a}" for a in own) + ")" if own else ""

    async def home(self, command: ShowHome, ctx: Context) -> None:
        now = self._clock.now()
        week_start = start_of_local_day(now, ZoneInfo(ctx.user.timezone)) - timedelta(days=6)
        lines: list[str] = []
        async with self._uow() as uow:
            for part in self._parts:
                if part.home is not None:
                    lines.extend(ctx.t(key, **params) for key, params in await part.home(uow, ctx.user, week_start))
        body = ctx.t("home.summary", parts=" · ".join(lines))
        buttons = tuple(
            Button(label=ctx.t(f"home.button.{name}"), action=encode_action(*action))
            for name, action in (
                ("help", ("help",)),
                ("new", ("new",)),
                ("diaries", ("diaries",)),
                ("stats", ("stats",)),
                ("reminders", ("remind", "list")),
                ("export", ("export",)),
                ("start", ("start",)),
            )
            if self._verbs.lookup(action[0]) is not None  # a product not registered has no button
        )
        await ctx.responder.send(Reply.text(body, buttons=buttons, title=ctx.t("home.title")))

    async def set_language(self, command: SetLanguage, ctx: Context) -> None:
        if command.locale is None:
            await ctx.say("lang.current", current=ctx.user.locale.value)
            return
        async with self._uow() as uow:
            await uow.users.set_locale(ctx.user.id, command.locale)
            await uow.commit()
        switched = replace(ctx, user=replace(ctx.user, locale=command.locale))
        await switched.say("lang.changed")

    async def link(self, command: LinkAccount, ctx: Context) -> None:
        """`/link` makes a one-time code; `/link CODE` on another platform account joins that account to the
        user who made it (same diary, points and friends from then on), and the accounts already there are told."""
        now = self._clock.now()
        if command.code is None:
            await self._make_link_code(ctx, now)
            return
        typed = normalize_code(command.code)
        if typed is None:
            raise UsageError("link.usage")
        try_id = await self._guard.reserve(ctx.user.id, kind="link")
        refused = ""
        async with self._uow() as uow:
            target = await uow.users.take_link_code(typed, now=now)
            if target is None:
                raise UsageError("link.unknown")  # the try stays counted: a wrong guess
            if target == ctx.user.id:
                refused = "link.same"
            elif await uow.users.has_own_records(ctx.user.id):
                refused = "link.has_records"  # the code stays unused: nothing is committed
            else:
                await uow.code_tries.remove(try_id)
                mine = await uow.users.identities(ctx.user.id)
                joining = _speaking(mine, ctx) or mine[-1]
                told = await uow.users.identities(target)
                for part in reversed(self._parts):  # the account's own part (the user row) goes last
                    if part.fold is not None:
                        await part.fold(uow, ctx.user.id, target)
                for identity in told:  # every account already there hears which one joined, on its own platform
                    await uow.outbox.add(
                        NewPush(
                            dedupe_key=linked_key(typed, identity.id),
                            kind=ACCOUNT_PUSH_KIND,
                            document=PushDocument(
                                key="account.push.linked",
                                title_key="account.push.linked_title",
                                params={"platform_key": _platform_key(joining.platform), "name": joining.display_name},
                            ),
                            due_at=now,
                            user_id=target,
                            identity_id=identity.id,
                        ),
                        now=now,
                    )
                platforms = sorted({i.platform for i in await uow.users.identities(target)})
                await uow.users.set_push_identity(target, joining.id, pinned=False)  # the account used last
                await uow.commit()
        if refused:
            await self._guard.release(try_id)
            raise UsageError(refused)
        logger.info("user %s folded into %s by /link", ctx.user.id, target)
        await ctx.say("link.done", platforms=", ".join(ctx.t(_platform_key(p)) for p in platforms))

    async def _make_link_code(self, ctx: Context, now: datetime) -> None:
        code = new_code()
        today = start_of_local_day(now, ZoneInfo(ctx.user.timezone))
        async with self._uow() as uow:
            if await uow.users.link_codes_since(ctx.user.id, today) >= self._limits.codes_per_day:
                raise LimitExceeded("link.too_many_codes", limit=self._limits.codes_per_day)
            await uow.users.create_link_code(ctx.user.id, code=code, now=now, expires_at=now + LINK_TTL)
            await uow.commit()
        minutes = int(LINK_TTL.total_seconds() // 60)
        await ctx.say("link.code", code=show_code(code), minutes=minutes)

    async def list_linked(self, command: ListLinkedAccounts, ctx: Context) -> None:
        async with self._uow() as uow:
            identities = await uow.users.identities(ctx.user.id)
        if len(identities) <= 1:
            await ctx.say("link.list_only_one")
            return
        here = _speaking(identities, ctx)
        pushed = _push_account(identities, ctx.user.push_identity_id)
        lines = []
        for number, identity in enumerate(identities, start=1):
            line = ctx.t(
                "link.list_line",
                number=number,
                platform=ctx.t(_platform_key(identity.platform)),
                name=_shown_name(identity),
            )
            if here is not None and identity.id == here.id:
                line += " " + ctx.t("link.list_here")
            if identity.id == pushed.id:
                line += " " + ctx.t("link.list_push_pinned" if ctx.user.push_pinned else "link.list_push")
            lines.append(line)
        await ctx.responder.send(
            Reply(
                sections=(Section(title=ctx.t("link.list_title"), body="\n".join(lines), note=ctx.t("link.list_hint")),)
            )
        )

    async def choose_push_account(self, command: ChoosePushAccount, ctx: Context) -> None:
        async with self._uow() as uow:
            identities = await uow.users.identities(ctx.user.id)
            if len(identities) <= 1:
                raise UsageError("link.list_only_one")
            if command.position is None:
                current = _push_account(identities, ctx.user.push_identity_id)
                await uow.users.set_push_identity(ctx.user.id, current.id, pinned=False)
                await uow.commit()
                await ctx.say("link.primary_auto")
                return
            if command.position > len(identities):
                raise UsageError("link.primary_usage")
            chosen = identities[command.position - 1]
            await uow.users.set_push_identity(ctx.user.id, chosen.id, pinned=True)
            await uow.commit()
        await ctx.say("link.primary_set", platform=ctx.t(_platform_key(chosen.platform)), name=_shown_name(chosen))

    async def unlink(self, command: UnlinkAccount, ctx: Context) -> None:
        """Take one account out of this user: it starts as a new user of its own, the data stays here, and the
        accounts on both sides are told. Never the last one (that is /forget), and only after a confirm."""
        if command.answer == "no":
            await ctx.say("unlink.kept")
            return
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.users.get(ctx.user.id, for_update=True)  # two unlinks at once cannot leave nobody
            identities = await uow.users.identities(ctx.user.id)
            if len(identities) <= 1:
                raise UsageError("unlink.last")
            chosen = _choose(identities, command, ctx)
            speaking = _speaking(identities, ctx)
            here = speaking is not None and speaking.id == chosen.id
            if command.answer == "yes":
                await self._detach(uow, chosen=chosen, identities=identities, speaking=speaking, ctx=ctx, now=now)
                await uow.commit()
        platform, name = ctx.t(_platform_key(chosen.platform)), _shown_name(chosen)
        if command.answer == "yes":
            logger.info("identity %s of user %s unlinked", chosen.id, ctx.user.id)
            await ctx.say("unlink.done_here" if here else "unlink.done", platform=platform, name=name)
            return
        which = str(identities.index(chosen) + 1)
        await ctx.say(
            "unlink.question_here" if here else "unlink.question",
            platform=platform,
            name=name,
            buttons=(
                Button(label=ctx.t("unlink.confirm_button"), action=encode_action("unlink", which, "yes")),
                Button(label=ctx.t("unlink.keep_button"), action=encode_action("unlink", which, "no")),
            ),
        )

    async def _detach(
        self,
        uow: UnitOfWork,
        *,
        chosen: Identity,
        identities: list[Identity],
        speaking: Identity | None,
        ctx: Context,
        now: datetime,
    ) -> None:
        fresh = await uow.users.detach_identity(chosen.id, now=now)
        params = {"platform_key": _platform_key(chosen.platform), "name": chosen.display_name}
        told = [i for i in identities if i.id != chosen.id and (speaking is None or i.id != speaking.id)]
        for identity in told:  # the accounts that stay, except the one being answered right here
            await uow.outbox.add(
                NewPush(
                    dedupe_key=unlinked_key(chosen.id, now, identity.id),
                    kind=ACCOUNT_PUSH_KIND,
                    document=PushDocument(
                        key="account.push.unlinked", title_key="account.push.unlinked_title", params=params
                    ),
                    due_at=now,
                    user_id=ctx.user.id,
                    identity_id=identity.id,
                ),
                now=now,
            )
        if speaking is None or speaking.id != chosen.id:  # the account taken out hears it too, as its new user
            await uow.outbox.add(
                NewPush(
                    dedupe_key=unlinked_key(chosen.id, now, chosen.id),
                    kind=ACCOUNT_PUSH_KIND,
                    document=PushDocument(key="account.push.detached", title_key="account.push.unlinked_title"),
                    due_at=now,
                    user_id=fresh,
                    identity_id=chosen.id,
                ),
                now=now,
            )

    async def set_quiet_hours(self, command: SetQuietHours, ctx: Context) -> None:
        if command.window is None:
            current = ctx.user.quiet_hours
            if current is None:
                await ctx.say("quiet.none")
            else:
                await ctx.say("quiet.current", window=current.shown(), zone=ctx.user.timezone)
            return
        if command.window.lower() in {"off", "끄기", "해제"}:
            quiet = None
        else:
            quiet = parse_quiet_hours(command.window)
            if quiet is None:
                raise UsageError("quiet.usage")
        async with self._uow() as uow:
            await uow.users.set_quiet_hours(ctx.user.id, quiet)
            await uow.outbox.release_held(ctx.user.id, now=self._clock.now())  # under new hours, or none, they may go
            await uow.commit()
        if quiet is None:
            await ctx.say("quiet.off")
        else:
            await ctx.say("quiet.set", window=quiet.shown(), zone=ctx.user.timezone)

    async def set_timezone(self, command: SetTimezone, ctx: Context) -> None:
        if command.zone is None:
            local = self._clock.now().astimezone(ZoneInfo(ctx.user.timezone))
            await ctx.say("tz.current", zone=ctx.user.timezone, time=local.strftime("%Y-%m-%d %H:%M"))
            return
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.users.set_timezone(ctx.user.id, command.zone)
            for kind in ScheduleKind:  # "21:30 every day" now means 21:30 in the new zone, from the next one on
                found = await uow.schedules.get(user_id=ctx.user.id, kind=kind)
                if found is not None:
                    cron, _ = found
                    following = next_occurrence(cron, after=now, timezone=command.zone)
                    await uow.schedules.put(user_id=ctx.user.id, kind=kind, cron=cron, next_at=following, now=now)
            await uow.commit()
        local = now.astimezone(ZoneInfo(command.zone))
        await ctx.say("tz.changed", zone=command.zone, time=local.strftime("%Y-%m-%d %H:%M"))

    async def export(self, command: ExportData, ctx: Context) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            user = await uow.users.get(ctx.user.id)
            assert user is not None
            document: dict[str, Any] = {"format": "maeum-export/1", "exported_at": now.isoformat()}
            for part in self._parts:
                if part.export is not None:
                    document.update(await part.export(uow, user))
        content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        filename = f"maeum-export-{now.strftime('%Y%m%d-%H%M%S')}.json"
        worries = len(document["worries"])
        await ctx.responder.send(
            Reply(
                sections=(Section(body=ctx.t(counted("export.ready", worries), worries=worries)),),
                attachments=(Attachment(filename=filename, content=content, mime_type="application/json"),),
            )
        )

    async def request_forget(self, command: RequestForget, ctx: Context) -> None:
        async with self._uow() as uow:
            await uow.users.set_forget_requested(ctx.user.id, self._clock.now())
            await uow.commit()
        await ctx.say(
            "forget.confirm_question",
            buttons=(
                Button(label=ctx.t("forget.yes_button"), action=encode_action("forget_confirm", "yes")),
                Button(label=ctx.t("forget.no_button"), action=encode_action("forget_confirm", "no")),
            ),
        )

    async def confirm_forget(self, command: ConfirmForget, ctx: Context) -> None:
        requested = ctx.user.forget_requested_at
        if not command.confirmed:
            async with self._uow() as uow:
                await uow.users.set_forget_requested(ctx.user.id, None)
                await uow.commit()
            await ctx.say("forget.cancelled")
            return
        if requested is None or self._clock.now() - requested > FORGET_CONFIRM_WINDOW:
            await ctx.say("forget.expired")
            return
        async with self._uow() as uow:
            for part in reversed(self._parts):  # the account's own part (the user row) goes last
                if part.forget is not None:
                    await part.forget(uow, ctx.user.id)
            await uow.commit()
        logger.info("user %s forgotten", ctx.user.id)
        await ctx.say("forget.done")


def _push_account(identities: list[Identity], chosen: int | None) -> Identity:
    """The linked account pushes go to: the chosen or last used one while it is theirs, else the newest."""
    return next((i for i in identities if i.id == chosen), identities[-1])


def _platform_key(platform: str) -> str:
    return f"platform.{platform}" if platform in PLATFORMS else "platform.other"


def _shown_name(identity: Identity) -> str:
    """A name a person recognises, with the platform's id when that is something else (a number, U123…)."""
    if identity.external_id == identity.display_name:
        return identity.display_name
    return f"{identity.display_name} ({identity.external_id})"


def _speaking(identities: list[Identity], ctx: Context) -> Identity | None:
    """The account this message came from (None only if it was unlinked a moment ago)."""
    sender = (ctx.incoming.platform, ctx.incoming.sender.external_id)
    return next((i for i in identities if (i.platform, i.external_id) == sender), None)


def _choose(identities: list[Identity], command: UnlinkAccount, ctx: Context) -> Identity:
    if command.position is not None:
        if not 0 < command.position <= len(identities):
            raise UsageError("unlink.no_such", position=command.position)
        return identities[command.position - 1]
    platform = command.platform or ""
    on_platform = [i for i in identities if i.platform == platform]
    if len(on_platform) != 1:
        key = "unlink.ambiguous" if on_platform else "unlink.no_platform"
        raise UsageError(key, platform=ctx.t(_platform_key(platform)))
    return on_platform[0]
