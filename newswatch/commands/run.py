"""`newswatch run`: the long-running scheduler."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from newswatch.cli import cli


@cli.command("run")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Sites and schedules (default: ./newswatch.toml, else the packaged default).",
)
@click.pass_context
def run_command(ctx, config_path):
    """Crawl every configured site on its schedule until stopped (SIGTERM or Ctrl-C).

    The database is --db / NEWSWATCH_DB, else the config's [storage] url, else ./newswatch.db.
    """
    from newswatch.config import ConfigError, find_config, load_config
    from newswatch.crawling.runner import site_names
    from newswatch.scheduler import run
    from storage import StoreError, open_store, resolve_url
    from storage.engine import mask_url

    path = find_config(config_path)
    try:
        config = load_config(path, site_names())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    db = ctx.obj["db"] or config.storage_url or resolve_url(None)
    try:
        open_store(db).close()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    enabled = [s.name for s in config.sites.values() if s.enabled]
    click.echo(
        f"newswatch run: {len(enabled)} site(s) from {path} into {mask_url(db)}; stop with Ctrl-C or SIGTERM", err=True
    )
    sys.exit(run(config, db))
