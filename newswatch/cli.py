"""The `newswatch` command: crawl sites, list changes, show items, extract saved pages."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime, timedelta

import click

from newswatch.errors import NewswatchError
from newswatch.inputs import shown

_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str | None) -> datetime | None:
    """'7d', '12h', '30m' or an ISO time → an aware UTC datetime."""
    if not value:
        return None
    m = _RELATIVE.fullmatch(value.strip())
    if m:
        try:
            return datetime.now(UTC) - timedelta(**{_UNITS[m[2]]: int(m[1])})
        except OverflowError:
            raise click.BadParameter(
                f"{shown(value)} reaches back before the year 1; give a shorter age", param_hint="--since"
            ) from None
    try:
        when = datetime.fromisoformat(value.strip())
        return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # not a time, or one that is out of range in UTC
        raise click.BadParameter(
            f"{shown(value)} is neither an ISO time (2026-11-01T08:00) nor an age (7d, 12h, 30m)", param_hint="--since"
        ) from None


def open_db(ctx: click.Context):
    """The store for --db / NEWSWATCH_DB, or one clean error line."""
    from sqlalchemy.exc import SQLAlchemyError

    from storage import StoreError, open_store, resolve_url
    from storage.engine import normalise_url, open_error

    try:
        return open_store(ctx.obj["db"])
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except (SQLAlchemyError, ValueError, OSError) as exc:  # a file that is no database, a NUL in a path...
        raise click.ClickException(str(open_error(normalise_url(resolve_url(ctx.obj["db"])), exc))) from None


def check_site(store, site: str, option: str = "--site") -> None:
    """Refuse a site that has no spider and that this database has never seen, naming the known ones."""
    from newswatch.crawling.runner import site_names

    if any(s.name == site for s in store.sites()) or site in site_names() or store.changes(site=site, limit=1):
        return
    known = sorted({*site_names(), *(s.name for s in store.sites())})
    raise click.BadParameter(f"unknown site {shown(site)}; known sites: {', '.join(known)}", param_hint=option)


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


def main(args: list[str] | None = None) -> None:
    """Entry point: user mistakes end in one line and a non-zero exit, never a traceback."""
    try:
        code = cli.main(args, prog_name="newswatch", standalone_mode=False)
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
