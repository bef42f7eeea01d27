"""`/points`: the balance and the ledger, newest first, paged by keyset (a "more" button carries the cursor)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from core.ports import UnitOfWorkFactory
from core.products.points import POINTS_EXTRA_WORRY, POINTS_FIRST_OF_DAY, POINTS_STREAK, STREAK_DAYS
from core.products.points.commands import ShowPoints
from core.products.points.domain import PointEntry
from core.replies import Button, Reply, Section
from core.routing import encode_action
from core.usecases.context import Context

PAGE = 10
KNOWN_REASONS = frozenset({"diary.first_of_day", "diary.streak_7", "spend.worry"})


class PointsService:
    def __init__(self, *, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def show(self, command: ShowPoints, ctx: Context) -> None:
        async with self._uow() as uow:
            balance = await uow.points.balance(ctx.user.id)
            entries = await uow.points.log(ctx.user.id, before_id=command.before_id, limit=PAGE + 1)
        if not entries:
            if command.before_id is not None:
                await ctx.say("points.end")
                return
            await ctx.responder.send(
                Reply(
                    sections=(
                        Section(
                            title=ctx.t("points.title"),
                            body=ctx.t("points.balance", balance=balance),
                            note=ctx.t(
                                "points.none",
                                first=POINTS_FIRST_OF_DAY,
                                days=STREAK_DAYS,
                                streak=POINTS_STREAK,
                                cost=POINTS_EXTRA_WORRY,
                            ),
                        ),
                    )
                )
            )
            return
        shown, more = entries[:PAGE], len(entries) > PAGE
        buttons = (
            (Button(label=ctx.t("diaries.more"), action=encode_action("points", str(shown[-1].id))),) if more else ()
        )
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(
                        title=ctx.t("points.title"),
                        body=ctx.t("points.balance", balance=balance)
                        + "\n\n"
                        + "\n".join(self._line(e, ctx) for e in shown),
                        buttons=buttons,
                    ),
                )
            )
        )

    @staticmethod
    def _line(entry: PointEntry, ctx: Context) -> str:
        when = entry.created_at.astimezone(ZoneInfo(ctx.user.timezone)).strftime("%m-%d %H:%M")
        reason = entry.reason if entry.reason in KNOWN_REASONS else "other"
        return f"{when}  {entry.delta:+d}  {ctx.t(f'points.reason.{reason}')}  → {entry.balance_after}"
