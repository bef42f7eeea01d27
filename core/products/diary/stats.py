"""`/stats [this|last|YYYY-MM-DD]`: a week of the diary looked back on, as text and as a chart, and the Monday
digest that carries the same summary as a push."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.domain.emotion import Emotion
from core.domain.outbox import PushDocument
from core.domain.schedules import DueSchedule
from core.domain.values import Locale, Persona, UserId
from core.errors import UsageError
from core.i18n import Catalog, counted
from core.ports import ChartRenderer, Clock, UnitOfWork, UnitOfWorkFactory
from core.products.diary.commands import ShowStats
from core.products.diary.weekly_stats import ChartLabels, DayEntry, WeeklyStats, summarize
from core.products.diary.weeks import Week, english_name, korean_name, parse_week_arg, week_of, year_month_number
from core.replies import Attachment, Reply, Section
from core.usecases.context import Context

logger = logging.getLogger(__name__)

EARLIEST_WEEK = date(2000, 1, 3)  # a Monday
SPARK = "▁▂▃▄▅▆▇█"


def week_name(week: Week, locale: Locale, *, today: date | None = None) -> str:
    """ "11월 4주차"; with the year when it is not this year's."""
    with_year = today is not None and year_month_number(week)[0] != today.year
    return korean_name(week, with_year=with_year) if locale is Locale.KO else english_name(week, with_year=with_year)


def spark(value: float | None) -> str:
    """A mood score (−5…+5) as one block character; a gap for a day without entries."""
    if value is None:
        return "·"
    index = round((value + 5) / 10 * (len(SPARK) - 1))
    return SPARK[max(0, min(len(SPARK) - 1, index))]


def chart_labels(stats: WeeklyStats, catalog: Catalog, locale: Locale, name: str) -> ChartLabels:
    return ChartLabels(
        title=catalog.text(locale, "stats.chart_title", week=name),
        emotions=tuple(catalog.text(locale, f"emotion.{e.value}") for e in Emotion),
        weekdays=tuple(catalog.text(locale, "stats.weekdays").split(",")),
        distribution_label=catalog.text(locale, "stats.chart_distribution"),
        trend_label=catalog.text(locale, "stats.chart_trend"),
        no_entries=catalog.text(locale, "stats.chart_empty"),
    )


class StatsService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, catalog: Catalog, chart: ChartRenderer | None) -> None:
        self._uow = uow
        self._clock = clock
        self._catalog = catalog
        self._chart = chart

    async def week(self, uow: UnitOfWork, user_id: UserId, timezone: str, week: Week, today: date) -> WeeklyStats:
        zone = ZoneInfo(timezone)
        moods = await uow.diary.moods_between(user_id, week.monday, week.sunday)
        days = await uow.diary.days(user_id, since=date.min, kept_only=True)
        start = datetime.combine(week.monday, time(), zone)
        end = start + timedelta(days=7)
        shared = uow.counseling.count_worries_since  # every worry shared, answered by the model or offline
        worries = await shared(user_id, start, offline_too=True) - await shared(user_id, end, offline_too=True)
        marks = [f for f in await uow.counseling.feedback_of(user_id) if start <= f.created_at < end]
        return summarize(
            week,
            [DayEntry(local_date=d, emotion=e, intensity=i) for d, e, i in moods],
            today=today,
            worries_asked=worries,
            helpful_f=sum(1 for f in marks if f.persona is Persona.F),
            helpful_t=sum(1 for f in marks if f.persona is Persona.T),
            all_entry_days={d for d in days if d <= today},
        )

    async def show(self, command: ShowStats, ctx: Context) -> None:
        today = self._clock.now().astimezone(ZoneInfo(ctx.user.timezone)).date()
        week = parse_week_arg(command.week, today)
        if week is None or not EARLIEST_WEEK <= week.monday <= today + timedelta(days=366):
            raise UsageError("stats.usage")  # nobody kept this diary before 2000 or a year from now
        async with self._uow() as uow:
            stats = await self.week(uow, ctx.user.id, ctx.user.timezone, week, today)
        name = week_name(week, ctx.locale, today=today)
        span = f"{week.monday.strftime('%m/%d')}–{week.sunday.strftime('%m/%d')}"
        if stats.empty:
            await ctx.responder.send(
                Reply(
                    sections=(
                        Section(
                            title=ctx.t("stats.title", week=name, span=span),
                            body=ctx.t("stats.no_entries", worries=stats.worries_asked),
                        ),
                    )
                )
            )
            return
        attachments: tuple[Attachment, ...] = ()
        if self._chart is not None:
            labels = chart_labels(stats, ctx.catalog, ctx.locale, name)
            try:
                png = await asyncio.to_thread(self._chart.render_weekly, stats, labels)
            except Exception:  # the text is the answer; a chart that cannot be drawn must not take it down
                logger.exception("weekly chart failed; answering with text only")
            else:
                attachments = (
                    Attachment(
                        filename=f"maeum-week-{week.monday.isoformat()}.png",
                        content=png,
                        mime_type="image/png",
                        kind="image",
                    ),
                )
        await ctx.responder.send(
            Reply(
                sections=(
                    Section(title=ctx.t("stats.title", week=name, span=span), body=self.summary(stats, ctx.locale)),
                ),
                attachments=attachments,
            )
        )

    def summary(self, stats: WeeklyStats, locale: Locale) -> str:
        t = self._catalog.text
        distribution = " · ".join(
            f"{t(locale, f'emotion.{emotion.value}')} {count}" for emotion, count in stats.distribution.items() if count
        )
        weekdays = t(locale, "stats.weekdays").split(",")
        trend = " ".join(f"{day}{spark(score)}" for day, score in zip(weekdays, stats.trend, strict=True))
        lines = [
            t(locale, counted("stats.entries", stats.entries), entries=stats.entries),
            t(locale, "stats.distribution", distribution=distribution),
            t(locale, "stats.trend", trend=trend),
            t(locale, "stats.streak", streak=stats.streak),
            t(locale, counted("stats.worries", stats.worries_asked), worries=stats.worries_asked),
        ]
        preference = stats.preference
        if preference is not None:
            lines.append(t(locale, f"stats.preference.{preference}", f=stats.helpful_f, t=stats.helpful_t))
        return "\n".join(lines)

    async def digest(self, uow: UnitOfWork, schedule: DueSchedule, now: datetime) -> PushDocument | None:
        """The Monday push: last week's summary, or nothing when the week had no entries."""
        user = await uow.users.get(schedule.user_id)
        if user is None:
            return None
        today = now.astimezone(ZoneInfo(user.timezone)).date()
        week = week_of(today - timedelta(days=7))
        stats = await self.week(uow, user.id, user.timezone, week, today)
        if stats.empty:
            return None
        return PushDocument(
            key="stats.digest",
            title_key="stats.digest_title",
            params={"week": week_name(week, user.locale, today=today), "summary": self.summary(stats, user.locale)},
        )
