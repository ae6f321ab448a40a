"""`newswatch serve`: the analyst dashboard, Atom feeds and JSON API over the database (uvicorn)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import click

from newswatch.cli import cli

#: The most server processes started by default: their pools (one PostgreSQL connection per request
#: thread each) then stay well under PostgreSQL's default of 100 connections, beside the crawlers.
MAX_DEFAULT_WORKERS = 4


def default_workers() -> int:
    """One server process per core this process may run on (Python renders pages on one core per
    process), at most MAX_DEFAULT_WORKERS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_DEFAULT_WORKERS))


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but loopback needs NEWSWATCH_TOKEN.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Scheduler config whose next run times the sites page shows (default: none).",
)
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this Host name (repeatable); on loopback only loopback names are answered.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=default_workers,
    show_default=f"one per core, at most {MAX_DEFAULT_WORKERS}",
    help="Server processes: each renders pages on one core, with its own threads and database connections.",
)
@click.pass_context
def serve(ctx, host, port, config_path, allow_hosts, workers):
    """Serve the dashboard: change feed with reviews, item diffs, events, sites, search, Atom feeds, /api.

    Listens on 127.0.0.1 unless --host says otherwise; on any other address every request must carry
    the token in NEWSWATCH_TOKEN (Authorization: Bearer TOKEN, or ?token=TOKEN once in a browser).
    """
    from newswatch.web.security import TOKEN_ENV, allowed_hosts, is_local

    token = os.environ.get(TOKEN_ENV) or None
    if not is_local(host) and not token:
        raise click.ClickException(
            f"refusing to listen on {host} without an access token: "
            f"set {TOKEN_ENV} (every request must then carry it), or use --host 127.0.0.1"
        )
    config = None
    if config_path is not None:
        from newswatch.config import ConfigError, load_config
        from newswatch.crawling.runner import site_names

        if not config_path.exists():
            raise click.ClickException(f"{config_path}: no such file")
        try:
            config = load_config(config_path, site_names())
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
    import uvicorn

    from newswatch.web import create_app
    from storage import StoreError, resolve_url

    url = resolve_url(ctx.obj["db"] or (config.storage_url if config else None))
    hosts = allowed_hosts(host, allow_hosts)
    secret = secrets.token_bytes(32)
    try:
        app = create_app(url, token=token, config=config, hosts=hosts, secret=secret)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    if workers > 1:  # each worker builds its own app (and store) from these settings
        from newswatch.web.app import SERVE_ENV

        app.state.store.close()
        os.environ[SERVE_ENV] = json.dumps(
            {
                "db": url,
                "config": str(config_path.resolve()) if config_path else None,
                "hosts": sorted(hosts) if hosts is not None else None,
                "secret": secret.hex(),
            }
        )
        app = "newswatch.web.app:app_from_environment"
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"newswatch dashboard on http://{shown}:{port}/ (Ctrl-C stops it)", err=True)
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="info",
            proxy_headers=False,
            server_header=False,
            workers=workers,
            factory=workers > 1,
        )
    except OSError as exc:  # port taken, address not available
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
