"""`newswatch schedule`: the configured sites, their triggers and when each is crawled next."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from newswatch.cli import cli
from newswatch.schedule import schedule_rows


@cli.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Config file (default: ./newswatch.toml, else the packaged default).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def schedule(ctx, config_path, fmt):
    """Show each configured site's trigger and next run.

    The next run comes from the running scheduler's job store in the database ("scheduled") when
    there is one, else it is computed from the trigger ("estimated").
    """
    from newswatch.config import ConfigError, find_config, load_config
    from newswatch.crawling.runner import site_names
    from storage import resolve_url

    try:
        config = load_config(find_config(config_path), site_names())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    url = resolve_url(ctx.obj["db"] or config.storage_url)
    rows = schedule_rows(config, url, datetime.now(UTC))
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    _print_table(config.path, rows)


def _print_table(path: Path, rows: list[dict]) -> None:
    """The rows as a Rich table; long listing URLs wrap, the other columns keep one line."""
    import sys

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(f"Schedule ({path})"), title_justify="left")  # Text: a "[" in a path is not markup
    for col in ("site", "crawls", "trigger", "enabled", "next run (UTC)", "source"):
        table.add_column(col, overflow="fold", no_wrap=col != "crawls")
    for r in rows:
        cells = (
            r["site"],
            f"spider {r['spider']}" if r["spider"] else r["url"],
            r["trigger"],
            "yes" if r["enabled"] else "no",
            (r["next_run"] or "—")[:16].replace("T", " "),
            r["source"],
        )
        table.add_row(*map(Text, cells))
    Console(width=None if sys.stdout.isatty() else 120).print(table)
