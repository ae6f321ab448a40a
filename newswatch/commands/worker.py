"""`newswatch worker` (crawl on several machines over one PostgreSQL) and `newswatch workers` (who works)."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from newswatch.cli import cli
from newswatch.cluster import HEARTBEAT, STALLED_AFTER, TICK
from newswatch.cluster.hosts import HostLimits


def _cluster_db(ctx, config, queue: bool = True) -> str:
    """The database URL, which must be PostgreSQL, migrated (with the queue's schema): else one line."""
    from newswatch.cluster.queue import ClusterError, conninfo, ensure_schema
    from storage import StoreError, open_store, resolve_url

    db = ctx.obj["db"] or (config.storage_url if config else None) or resolve_url(None)
    try:
        conninfo(db)
        open_store(db).close()
        if queue:
            ensure_schema(db)
    except (ClusterError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    return db


@cli.command("worker")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Sites and schedules (default: ./newswatch.toml, else the packaged default); the same on every machine.",
)
@click.option("--concurrency", type=click.IntRange(min=1), default=1, show_default=True, help="Crawls at once.")
@click.option(
    "--heartbeat",
    type=click.FloatRange(min=0.5),
    default=HEARTBEAT,
    show_default=True,
    help="Seconds between heartbeats.",
)
@click.option(
    "--stalled-after",
    type=click.FloatRange(min=2),
    default=STALLED_AFTER,
    show_default=True,
    help="Seconds without a heartbeat after which a worker is taken for dead and its crawls queued again "
    "(one whose process died is found at once, by its lifeline connection).",
)
@click.option(
    "--tick",
    type=click.IntRange(min=1, max=60),
    default=TICK,
    show_default=True,
    help="Seconds between dispatches of due sites (dead workers are looked for every second).",
)
@click.option(
    "--max-crawls-per-host",
    type=click.IntRange(min=1),
    default=HostLimits.max_crawls,
    show_default=True,
    help="Crawls a crawl host runs before a fresh one replaces it (1: every crawl in a fresh process).",
)
@click.option(
    "--max-memory-per-host",
    type=click.IntRange(min=64),
    default=HostLimits.max_memory >> 20,
    show_default=True,
    metavar="MIB",
    help="Memory after a crawl above which its crawl host is replaced by a fresh one.",
)
@click.option("--init", "init_only", is_flag=True, help="Only prepare the database (tables, task queue) and exit.")
@click.pass_context
def worker_command(
    ctx, config_path, concurrency, heartbeat, stalled_after, tick, max_crawls_per_host, max_memory_per_host, init_only
):
    """Crawl the configured sites on their schedules, together with every other worker on the same database.

    Start it on any number of machines with the same config and the same PostgreSQL database
    (--db / NEWSWATCH_DB, else the config's [storage] url). Each site is crawled by one worker at a
    time; a worker that dies mid-crawl has its crawl redone by another. Stop with SIGTERM or Ctrl-C.
    """
    from newswatch.config import ConfigError, find_config, load_config
    from newswatch.crawling.runner import site_names
    from storage.engine import mask_url

    path = find_config(config_path)
    try:
        config = load_config(path, site_names())
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    if stalled_after < 2 * heartbeat:
        raise click.BadParameter(
            f"{stalled_after:g}s is under two heartbeats ({2 * heartbeat:g}s); a live worker would be taken for dead",
            param_hint="--stalled-after",
        )
    db = _cluster_db(ctx, config)
    if init_only:
        click.echo(f"{mask_url(db)}: newswatch tables and task queue ready")
        return
    from newswatch.cluster import tasks
    from newswatch.cluster.worker import run

    tasks.HOSTS.limits = HostLimits(max_crawls_per_host, max_memory_per_host << 20)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    logging.getLogger("procrastinate").setLevel(logging.WARNING)
    enabled = [s.name for s in config.sites.values() if s.enabled]
    click.echo(
        f"newswatch worker: {len(enabled)} site(s) from {path} with {mask_url(db)}, {concurrency} crawl(s) at once; "
        "stop with Ctrl-C or SIGTERM",
        err=True,
    )
    sys.exit(run(config, db, concurrency=concurrency, heartbeat=heartbeat, stalled_after=stalled_after, tick=tick))


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    seconds = max(0, int((now - when).total_seconds()))
    return f"{seconds}s ago" if seconds < 120 else f"{seconds // 60}m ago"


@cli.command("workers")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def workers_command(ctx, fmt):
    """List the live workers on the database: their crawls now and their last heartbeat."""
    import json

    from newswatch.cluster import registry
    from newswatch.commands.inspect import _table

    db = _cluster_db(ctx, None, queue=False)
    from storage.engine import create_engine

    engine = create_engine(db)
    try:
        views = registry.workers(engine)
        counts = registry.queue_counts(engine) if views is not None else {}
    finally:
        engine.dispose()
    now = datetime.now(UTC)
    rows = [
        {
            "id": v.id,
            "name": v.name,
            "queue": v.queue,
            "concurrency": v.concurrency,
            "started_at": v.started_at.isoformat(timespec="seconds") if v.started_at else None,
            "last_heartbeat": v.last_heartbeat.isoformat(timespec="seconds"),
            "jobs": [{"site": site, "since": s.isoformat(timespec="seconds") if s else None} for site, s in v.jobs],
        }
        for v in views or []
    ]
    if fmt == "json":
        click.echo(json.dumps({"workers": rows, "crawls": counts}, indent=2))
        return
    if views is None:
        click.echo("No workers have run on this database (start one with: newswatch worker).")
        return
    if not rows:
        click.echo("No live workers.")
    else:
        _table(
            None,
            ["id", "worker", "queue", "slots", "heartbeat", "running"],
            [
                [
                    v.id,
                    v.name or "?",
                    v.queue or "?",
                    v.concurrency or "",
                    _ago(v.last_heartbeat, now),
                    ", ".join(f"{site} ({_ago(s, now)})" for site, s in v.jobs) or "-",
                ]
                for v in views
            ],
            wrap=("running",),
        )
    click.echo(f"Crawls waiting: {counts.get('todo', 0)}, running: {counts.get('doing', 0)}")
