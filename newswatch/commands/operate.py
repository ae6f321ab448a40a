"""Operator commands: `newswatch runs` lists recorded crawls with their health."""

from __future__ import annotations

import click

from newswatch.cli import cli, open_db
from newswatch.commands.inspect import _echo_json, _table
from newswatch.health import classify, explain


def _time(value) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def run_row(run) -> dict:
    """A run as a flat dict: its counters plus its health and the reason for it."""
    # a run still going, or one whose crawl was killed before recording anything, has no health
    running = run.status == "running" or (not run.stats and run.finish_reason == "interrupted")
    return {
        "id": run.id,
        "site": run.site,
        "started_at": _time(run.started_at),
        "finished_at": _time(run.finished_at),
        "status": run.status,
        "finish_reason": run.finish_reason,
        "pages": run.pages,
        "items": run.items,
        "new": run.new,
        "updated": run.updated,
        "removed": run.removed,
        "reappeared": run.reappeared,
        "errors": run.errors,
        "fallback": _fallback(run.stats or {}),
        "health": None if running else classify(run),
        "explanation": explain(run),
        "worker": run.worker,
    }


def _fallback(stats: dict) -> dict:
    """Article pages the site's selectors read, and per field how many came from the generic extraction."""
    fields = {k.removeprefix("newswatch/fallback/"): v for k, v in stats.items() if k.startswith("newswatch/fallback/")}
    return {"pages": stats.get("newswatch/selectors/pages", 0), "fields": dict(sorted(fields.items()))}


@cli.command()
@click.option("--site", metavar="SITE", help="Only this site.")
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="At most this many, newest first."
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def runs(ctx, site, limit, fmt):
    """List recorded crawl runs, newest first, with each run's health and why."""
    store = open_db(ctx)
    try:
        gone = _reap(store, site)
        records = store.runs(site=site, limit=limit)
    finally:
        store.close()
    rows = [run_row(run) for run in records]
    for row in rows:
        if row["id"] in gone:  # could not be recorded (read-only database): shown as it is all the same
            row.update(status="failed", finish_reason="interrupted")
    if fmt == "json":
        _echo_json(rows)
    elif not rows:
        click.echo(f"No runs of {site}." if site else "No runs.")
    else:
        workers = any(r["worker"] for r in rows)  # the column only where a cluster worker ran crawls
        counters = ["pages", "items", "new", "upd", "rem", "err", "health"]
        _table(
            None,
            ["site", *(["worker"] if workers else []), "started", "finished", "status", *counters],
            [
                [
                    r["site"],
                    *([r["worker"] or "-"] if workers else []),
                    _short(r["started_at"]),
                    _finished(r),
                    _status(r),
                    r["pages"],
                    r["items"],
                    r["new"],
                    r["updated"],
                    r["removed"],
                    r["errors"],
                    f"{r['health']}: {r['explanation']}" if r["health"] else r["explanation"],
                ]
                for r in rows
            ],
            wrap=("health",),
        )


def _reap(store, site) -> set[int]:
    """Runs whose crawl process is gone are recorded as interrupted, so none shows "running" for ever.

    Returns the ids of such runs that could not be recorded (a read-only database).
    """
    try:
        store.reap_runs(site)
        return set()
    except Exception as exc:
        click.echo(f"Warning: could not record interrupted runs: {' '.join(str(exc).split())[:200]}", err=True)
        return set(store.dead_runs(site))


def _short(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else ""


def _finished(row: dict) -> str:
    """The finish time; only the time of day when the run finished on the day it started."""
    start, end = _short(row["started_at"]), _short(row["finished_at"])
    return end[11:] if end and end[:10] == start[:10] else end


def _status(row: dict) -> str:
    """The status, with the finish reason when the crawl did not simply finish."""
    reason = row["finish_reason"]
    return row["status"] if reason in (None, "finished") else f"{row['status']} ({reason})"
