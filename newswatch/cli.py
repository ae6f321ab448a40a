"""The `newswatch` command: crawl sites, list changes, show items, extract saved pages."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta

import click

from newswatch.errors import NewswatchError

_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str | None) -> datetime | None:
    """'7d', '12h', '30m' or an ISO time → an aware UTC datetime."""
    if not value:
        return None
    m = _RELATIVE.match(value.strip())
    if m:
        return datetime.now(UTC) - timedelta(**{_UNITS[m[2]]: int(m[1])})
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is neither an ISO time (2026-11-01T08:00) nor an age (7d, 12h, 30m)")
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def open_db(ctx: click.Context):
    """The store for --db / NEWSWATCH_DB, or one clean error line."""
    from storage import StoreError, open_store

    try:
        return open_store(ctx.obj["db"])
    except StoreError as exc:
        raise click.ClickException(str(exc))


class _Group(click.Group):
    """The command group: a library error (NewswatchError) ends as one error line, like a click error."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewswatchError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="NEWSWATCH_DB",
    metavar="URL",
    help="Database URL (sqlite:///file.db or postgresql+psycopg://…); default ./newswatch.db.",
)
@click.version_option(package_name="newswatch")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """Watch the news of science academies and alliances, and flag what changed."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


from newswatch.commands import crawl as _crawl  # noqa: E402,F401  (commands register themselves on cli)
from newswatch.commands import develop as _develop  # noqa: E402,F401
from newswatch.commands import events as _events  # noqa: E402,F401
from newswatch.commands import inspect as _inspect  # noqa: E402,F401
from newswatch.commands import operate as _operate  # noqa: E402,F401
from newswatch.commands import report as _report  # noqa: E402,F401
from newswatch.commands import run as _run  # noqa: E402,F401
from newswatch.commands import schedule as _schedule  # noqa: E402,F401
from newswatch.commands import serve as _serve  # noqa: E402,F401
from newswatch.commands import worker as _worker  # noqa: E402,F401


def main() -> None:
    """Entry point: user mistakes end in one line and a non-zero exit, never a traceback."""
    try:
        code = cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        where = f"newswatch {exc.ctx.info_name} --help" if exc.ctx and exc.ctx.parent else "newswatch --help"
        click.echo(f"Error: {exc.format_message()} (see {where})", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)
