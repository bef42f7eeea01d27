"""The `maeum` command. Each subcommand builds the App once for its process."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click

from core.errors import SettingsError
from core.settings import Settings, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        click.echo(str(error), err=True)
        sys.exit(2)


CHAT_LOG = Path("maeum-chat.log")
# httpx (and openai's httpx2) log every request URL at INFO: Telegram's carry the bot token, others keys in query
# strings. slack_bolt logs a request that fails verification, body and all, at INFO.
# alembic lists its plugins at INFO whenever it is imported.
QUIET_LOGGERS = (
    "httpx",
    "httpx2",
    "httpcore",
    "httpcore2",
    "telegram.ext.ExtBot",
    "slack_bolt",
    "alembic.runtime.plugins",
)


def _logging(
    level: int, *, settings: Settings | None = None, component: str = "cli", to_file: Path | None = None
) -> None:
    """Structured-enough logs on stderr (or in `to_file`, so that the terminal bot shows only the conversation);
    with an ops channel configured, ERROR records also become alerts."""
    log_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if to_file is not None:
        logging.basicConfig(level=level, format=log_format, filename=to_file, encoding="utf-8")
    else:
        logging.basicConfig(level=level, format=log_format, stream=sys.stderr)
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if settings is not None:
        from jobs.alerts import install_alert_handler

        install_alert_handler(settings, component=component)


def _ready_schema(settings: Settings, *, migrate: bool | None = None, stay_up: bool = False) -> None:
    """Before a process touches the database: on SQLite (or with `migrate`) bring the schema to the code's;
    elsewhere a schema behind the code ends the process with one line naming `maeum migrate` (exit 1) — or, with
    `stay_up` (`maeum serve`), only says so: the web process keeps answering /healthz and tells in /readyz.

    A schema newer than the code (a newer release migrated it) is named and the process goes on: during a rolling
    deploy the old processes keep serving until the new ones are up. An unreachable database is left to the
    process, as before (it has its own way of meeting an outage)."""
    from core.adapters.db.migrate import migrates_on_start, schema_state, upgrade

    logger = logging.getLogger("bots.cli")
    url = settings.database_url
    try:
        state = schema_state(url)
    except Exception as error:  # noqa: BLE001 — not reachable now: the process meets that on its own terms
        logger.warning("database schema not checked at start: %s", type(error).__name__)
        return
    if state.behind and (migrates_on_start(url) if migrate is None else migrate):
        upgrade(url=url)
        state = schema_state(url)
    if state.current:
        return
    if state.unknown:
        logger.warning("the database schema is at an %s; carrying on", state.describe())
        return
    line = f"the database schema is {state.describe()} — run `maeum migrate`"
    if stay_up:
        logger.warning("%s; /readyz answers 503 until then", line)
        return
    click.echo(f"maeum: {line}", err=True)
    sys.exit(1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """마음 maeum — one worry, two answers (💗 공감 F · 🧠 조언 T)."""
    assemble_jobs()


def assemble_jobs() -> None:
    """The jobs this process may run (deliveries, alerts) reach the platforms through these adapters. Every
    `maeum` command does this; a process that runs maeum's RQ jobs without `maeum worker` must call it first."""
    from bots.messengers import build_messengers
    from bots.slack.ops import slack_ops_poster
    from jobs.alerts import use_ops_poster
    from jobs.runtime import use_messengers

    use_messengers(build_messengers)
    use_ops_poster(slack_ops_poster)


@main.command()
def migrate() -> None:
    """Upgrade the database to the latest schema (alembic upgrade head)."""
    from core.adapters.db.migrate import upgrade

    settings = _settings()
    _logging(logging.INFO)
    upgrade(url=settings.database_url)
    click.echo("database is up to date")


@main.command()
@click.option("--as", "speaker", default=None, help="Start speaking as this user (default: your login name).")
@click.option(
    "--files-dir",
    type=click.Path(path_type=Path),
    default=Path("maeum-files"),
    show_default=True,
    help="Where files the bot sends (such as /export) are saved.",
)
def chat(speaker: str | None, files_dir: Path) -> None:
    """Talk to maeum in this terminal (offline counselor and SQLite by default).

    Reads one message per line when standard input is not a terminal, so conversations can be scripted.
    Inside: /as NAME switches the speaker, /group NAME enters a group chat, /dm leaves it,
    and a number presses the button shown with it.
    """
    from bots.terminal.app import run_terminal, stdout_writer

    settings = _settings()
    _logging(logging.WARNING, settings=settings, component="chat", to_file=CHAT_LOG)
    _ready_schema(settings, migrate=True)  # a new user's first run just works; a no-op at head
    name = speaker or os.environ.get("USER") or "me"
    try:
        asyncio.run(
            run_terminal(
                settings,
                speaker=name,
                stdin=sys.stdin,
                write=stdout_writer(),
                interactive=sys.stdin.isatty(),
                files_dir=files_dir,
            )
        )
    except KeyboardInterrupt:
        click.echo()


@main.command()
@click.option("--burst", is_flag=True, help="Exit once the queue is empty.")
@click.option("--name", default=None, help="Worker name (default: RQ's own).")
def worker(burst: bool, name: str | None) -> None:
    """Deliver pushes: an RQ worker on REDIS_URL."""
    from jobs.worker import serve_worker

    settings = _settings()
    if not settings.redis_url:
        click.echo(
            "REDIS_URL is not set. Without Redis, `maeum clock` (or `maeum chat`) delivers in-process.", err=True
        )
        sys.exit(2)
    _logging(logging.INFO, settings=settings, component="worker")
    _ready_schema(settings)
    serve_worker(settings, burst=burst, name=name)


@main.command()
def clock() -> None:
    """Move due pushes to workers (in-process delivery without REDIS_URL). One clock leads at a time."""
    from jobs.clock import serve_clock

    settings = _settings()
    _logging(logging.INFO, settings=settings, component="clock")
    _ready_schema(settings)
    asyncio.run(serve_clock(settings))


@main.command()
@click.option("--port", type=int, default=None, help="Port (default: PORT, 8000).")
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 — a server process listens on all interfaces
def serve(port: int | None, host: str) -> None:
    """The web process: /healthz, /readyz, /metrics (platform webhooks arrive with their adapters)."""
    import uvicorn

    from bots.web import create_web_app
    from core.bootstrap import bootstrap

    settings = _settings()
    _logging(logging.INFO, settings=settings, component="web")
    _ready_schema(settings, stay_up=True)
    uvicorn.run(create_web_app(lambda: bootstrap(settings)), host=host, port=port or settings.port, log_config=None)


@main.command()
@click.argument("text")
@click.option("--id", "announcement_id", default=None, help="Dedupe id (default: a hash of the text).")
def announce(text: str, announcement_id: str | None) -> None:
    """Push TEXT to every known user (paced per platform by the workers). Running it twice sends once."""
    from jobs.runtime import with_app

    settings = _settings()
    _logging(logging.WARNING, settings=settings, component="announce")
    _ready_schema(settings)
    try:
        added = asyncio.run(with_app(lambda app: app.announcements.announce(text, announcement_id=announcement_id)))
    except ValueError as error:
        click.echo(str(error), err=True)
        sys.exit(2)
    where = "`maeum worker`s" if settings.redis_url else "`maeum clock` (in-process delivery, no REDIS_URL)"
    click.echo(f"pushes queued: {added} (delivered by {where})")


@main.group()
def deadletters() -> None:
    """Pushes, and platform updates, that failed every attempt (the operator was alerted for each)."""


@deadletters.command("list")
def deadletters_list() -> None:
    """One line per dead letter: id, kind, recipient, attempts, last error; then dead updates ("update ID")."""
    from jobs.runtime import with_app

    settings = _settings()
    _logging(logging.WARNING, settings=settings, component="deadletters")
    _ready_schema(settings)

    async def both(app: Any) -> tuple[list[Any], list[Any]]:
        return await app.dead_letters.letters(), await app.dead_letters.updates()

    letters, updates = asyncio.run(with_app(both))
    if not letters and not updates:
        click.echo("no dead letters")
        return
    for letter in letters:
        recipient = f"user {letter.user_id}" if letter.user_id is not None else f"{letter.platform} chat"
        click.echo(
            f"{letter.id}\t{letter.kind}\t{recipient}\tattempts {letter.attempts}\t"
            f"due {letter.due_at:%Y-%m-%d %H:%M}Z\t{letter.last_error or '-'}"
        )
    for update in updates:
        click.echo(
            f"update {update.id}\t{update.platform} {update.event_id}\tattempts {update.attempts}\t"
            f"received {update.received_at:%Y-%m-%d %H:%M}Z\t{update.last_error or '-'}"
        )


@deadletters.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "everything", is_flag=True, help="Retry every dead letter and every dead update.")
@click.option("--updates", "updates", is_flag=True, help="The IDs are dead updates (`update ID` in the list).")
def deadletters_retry(ids: tuple[int, ...], everything: bool, updates: bool) -> None:
    """Try dead letters again (by ID, or --all): back to pending with fresh attempts."""
    from jobs.runtime import with_app

    if bool(ids) == everything:
        click.echo("usage: maeum deadletters retry [--updates] ID [ID …] | --all", err=True)
        sys.exit(2)
    settings = _settings()
    _logging(logging.WARNING, settings=settings, component="deadletters")
    _ready_schema(settings)
    chosen = None if everything else list(ids)

    async def retry(app: Any) -> tuple[int, int]:
        pushes = 0 if updates and not everything else await app.dead_letters.retry(chosen)
        inbox = await app.dead_letters.retry_updates(chosen) if updates or everything else 0
        return pushes, inbox

    pushes, inbox = asyncio.run(with_app(retry))
    if not updates or everything:
        click.echo(f"dead letters sent back to the queue: {pushes}")
    if updates or everything:
        click.echo(f"dead updates sent back to the inbox: {inbox}")


@main.group(name="catalog")
def catalog_group() -> None:
    """The book clubs' catalog: the books recommendations are drawn from."""


@catalog_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def catalog_import(file: Path) -> None:
    """Add or update books from an Aladin-style bestseller list (JSON: {"item": [...]} or a list of items).

    Prints `added A, updated U, excluded E, bad B`; exits 1 only when FILE cannot be read as such a list."""
    from core.products.bookclub.catalog import UnreadableImport, import_books, read_aladin
    from jobs.runtime import with_app

    try:
        parsed = read_aladin(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, UnreadableImport) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        click.echo(f"maeum: cannot read {file}: {reason}", err=True)
        sys.exit(1)
    settings = _settings()
    _logging(logging.WARNING, settings=settings, component="catalog")
    _ready_schema(settings)
    with click.progressbar(length=len(parsed.books), label="importing books", file=sys.stderr) as bar:
        report = asyncio.run(
            with_app(lambda app: import_books(app.uow, app.clock, parsed, progress=bar.update), settings=settings)
        )
    click.echo(report.line())


@main.group(name="schedule")
def schedule_group() -> None:
    """Home-shopping broadcast schedules: what watches are matched against."""


@schedule_group.command("import")
@click.argument("source")
def schedule_import(source: str) -> None:
    """Upsert broadcasts from SOURCE, a file or an http(s) URL: CSV with the header channel,start,end,product,price,url
    or a JSON list of objects with those keys (ISO 8601 times; without an offset, Asia/Seoul).

    Prints `added A, changed C, withdrawn W, bad B` and `line N: reason` on stderr for each bad row; exits 0 when
    SOURCE was read (bad rows or not), 1 when it could not be read or held no valid row. Slots of an earlier import
    of the same SOURCE that are still to come and within the time this one covers, but no longer listed, are
    withdrawn with their pending alerts."""
    from core.products.shopping.ingest import ScheduleIngest
    from core.products.shopping.matcher import Matcher
    from core.products.shopping.schedule import UnreadableSchedule, parse_schedule
    from core.products.shopping.sources import UnreadableSource, read_source, source_name
    from jobs.runtime import with_app

    try:
        parsed = parse_schedule(read_source(source))
    except (UnreadableSource, UnreadableSchedule) as error:
        click.echo(f"maeum: cannot read {source}: {error}", err=True)
        sys.exit(1)
    for bad in parsed.bad:
        click.echo(f"line {bad.line}: {bad.reason}", err=True)
    if not parsed.slots:
        click.echo(f"added 0, changed 0, withdrawn 0, bad {len(parsed.bad)}")
        click.echo(f"maeum: no valid row in {source}", err=True)
        sys.exit(1)
    settings = _settings()
    _logging(logging.WARNING, settings=settings, component="schedule")
    _ready_schema(settings)

    async def run(app: Any, bar: Any) -> Any:
        ingest = ScheduleIngest(uow=app.uow, clock=app.clock, matcher=Matcher(app.embedder))
        return await ingest.import_parsed(parsed, source=source_name(source), progress=bar.update)

    with click.progressbar(length=len(parsed.slots), label="importing broadcasts", file=sys.stderr) as bar:
        report = asyncio.run(with_app(lambda app: run(app, bar), settings=settings))
    click.echo(report.line())


@main.group(name="recipes")
def recipes_group() -> None:
    """Recipes: the bundled Korean home recipes and imported ones, found with /recipe."""


@recipes_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
def recipes_import(file: Path) -> None:
    """Add or update recipes, by name, from a JSON list of {"name", "ingredients": [{"name", "amount"}], "steps"}.

    Prints `added A, updated U, bad B` (and `item N: reason` on stderr for each bad item); exits 1 only when FILE
    cannot be read as such a list."""
    from core.products.shopping.recipes import UnreadableRecipes, import_recipes, read_recipes
    from jobs.runtime import with_app

    try:
        parsed = read_recipes(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, UnreadableRecipes) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        click.echo(f"maeum: cannot read {file}: {reason}", err=True)
        sys.exit(1)
    for number, why in parsed.bad:
        click.echo(f"item {number}: {why}", err=True)
    settings = _settings()
    _logging(logging.WARNING, settings=settings, component="recipes")
    _ready_schema(settings)
    report = asyncio.run(with_app(lambda app: import_recipes(app.uow, app.clock, parsed), settings=settings))
    click.echo(report.line())


def _run_until_signalled(settings: Settings, run: Callable[[Any, asyncio.Event], Awaitable[None]]) -> None:
    """Run a long-lived adapter (`run(app, stop)`) until SIGTERM or SIGINT sets `stop`."""
    from jobs.runtime import with_app

    async def main() -> None:
        import signal

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await with_app(lambda app: run(app, stop), settings=settings)

    asyncio.run(main())


@main.command()
@click.option(
    "--set-webhook",
    "webhook_url",
    default=None,
    metavar="URL",
    help="Register URL (…/telegram/webhook of `maeum serve`) as the webhook, and exit.",
)
def telegram(webhook_url: str | None) -> None:
    """Telegram long polling (or, with --set-webhook, switch the bot to the webhook of `maeum serve`)."""
    from bots.telegram.app import run_polling, set_webhook
    from jobs.runtime import with_app

    settings = _settings()
    if not settings.telegram_bot_token:
        click.echo("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and set it.", err=True)
        sys.exit(2)
    _logging(logging.INFO, settings=settings, component="telegram")
    if webhook_url:
        if not settings.telegram_webhook_secret:
            click.echo("TELEGRAM_WEBHOOK_SECRET is not set: the webhook would accept anyone's updates.", err=True)
            sys.exit(2)
        asyncio.run(with_app(lambda app: set_webhook(app, webhook_url), settings=settings))
        click.echo(f"webhook set to {webhook_url}")
        return
    _ready_schema(settings)
    _run_until_signalled(settings, lambda app, stop: run_polling(app, stop=stop))


@main.command()
@click.option("--sync-commands", is_flag=True, help="Register the slash commands (for HTTP interactions), and exit.")
def discord(sync_commands: bool) -> None:
    """Discord over the gateway: slash commands, buttons and DMs (DISCORD_BOT_TOKEN)."""
    from bots.discord.app import run_gateway
    from bots.discord.app import sync_commands as sync
    from jobs.runtime import with_app

    settings = _settings()
    if not settings.discord_bot_token:
        click.echo("DISCORD_BOT_TOKEN is not set: see the Discord section of the README.", err=True)
        sys.exit(2)
    _logging(logging.INFO, settings=settings, component="discord")
    if sync_commands:
        count = asyncio.run(with_app(sync, settings=settings))
        click.echo(f"{count} slash commands registered")
        return
    _ready_schema(settings)
    _run_until_signalled(settings, lambda app, stop: run_gateway(app, stop=stop))


@main.command(name="slack-socket")
def slack_socket() -> None:
    """Slack over Socket Mode: no public URL needed (SLACK_BOT_TOKEN and SLACK_APP_TOKEN)."""
    from bots.slack.app import run_socket_mode

    settings = _settings()
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", settings.slack_bot_token),
            ("SLACK_APP_TOKEN", settings.slack_app_token),
        )
        if not value
    ]
    if missing:
        click.echo(f"{' and '.join(missing)} not set: see the Slack section of the README.", err=True)
        sys.exit(2)
    _logging(logging.INFO, settings=settings, component="slack-socket")
    _ready_schema(settings)
    _run_until_signalled(settings, lambda app, stop: run_socket_mode(app, stop=stop))


@main.command()
def doctor() -> None:
    """Check configuration, database, Redis, the LLM endpoint and tokens; say what is wrong in plain words."""
    from core.adapters.health import Status, run_all

    try:
        settings = load_settings()
    except SettingsError as error:
        click.echo(f"✗ configuration: {error}")
        sys.exit(1)
    click.echo("✓ configuration: valid")
    checks = asyncio.run(run_all(settings))
    marks = {Status.OK: "✓", Status.OFF: "-", Status.FAIL: "✗"}
    for check in checks:
        click.echo(f"{marks[check.status]} {check.name}: {check.detail}")
    if any(check.status is Status.FAIL for check in checks):
        sys.exit(1)


@main.command()
def keygen() -> None:
    """Print a new MAEUM_ENCRYPTION_KEY."""
    from core.adapters.crypto import new_key

    click.echo(new_key())


if __name__ == "__main__":
    main()
