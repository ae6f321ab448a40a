"""`newswatch events`: the events items report, each with its sources across sites."""

from __future__ import annotations

import click

from newswatch.cli import cli, open_db, parse_since
from newswatch.commands.inspect import _echo_json, _table

#: Events listed when --limit is not given: a store of 100k items must not print them all.
DEFAULT_LIMIT = 100


def _place(e) -> str:
    loc = e.data.get("location") or {}
    return ", ".join(v for v in (loc.get("venue"), e.city, e.country) if v)


def _when(e) -> str:
    if not e.start:
        return ""
    return e.start if e.end in (None, e.start) else f"{e.start} – {e.end}"


@cli.command()
@click.option(
    "--since", metavar="ISO-TIME|AGE", help="Only events first reported or updated since then (7d, 2026-11-01)."
)
@click.option("--site", metavar="SITE", help="Only events reported by this site.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=DEFAULT_LIMIT,
    show_default=True,
    help="At most this many, most recently updated first.",
)
@click.option("--all", "show_all", is_flag=True, help="Every event, however many (overrides --limit).")
@click.pass_context
def events(ctx, since, site, fmt, limit, show_all):
    """List events with the items (from one site or several) that report them, most recently updated first."""
    when = parse_since(since)
    store = open_db(ctx)
    try:
        if site is not None and site not in {s.name for s in store.sites()} and not store.events(site=site, limit=1):
            known = ", ".join(sorted(s.name for s in store.sites())) or "none yet"
            raise click.ClickException(f"no site named {site!r} in this database (known: {known})")
        records = store.events(since=when, site=site, limit=None if show_all else limit + 1)
    finally:
        store.close()
    more = not show_all and len(records) > limit
    if more:
        records = records[:limit]
        click.echo(f"Showing the {limit} most recently updated events; --limit N or --all for more.", err=True)
    if fmt == "json":
        _echo_json(
            [
                {
                    "id": e.id,
                    **e.data,
                    "first_seen_at": e.first_seen_at.isoformat(timespec="seconds"),
                    "updated_at": e.updated_at.isoformat(timespec="seconds"),
                    "sources": [
                        {
                            "site": s.site,
                            "item_id": s.item_id,
                            "url": s.url,
                            "title": s.title,
                            "published": s.published,
                            "linked_by": s.linked_by,
                            "similarity": s.similarity,
                        }
                        for s in e.sources
                    ],
                }
                for e in records
            ]
        )
    elif not records:
        click.echo("No events.")
    else:
        _table(
            None,
            ["when", "type", "event", "place", "mode", "sources"],
            [
                [
                    _when(e),
                    e.type,
                    e.name + (f" ({e.acronym})" if e.acronym else ""),
                    _place(e),
                    e.mode,
                    "; ".join(f"{s.site}: {s.item_id}" for s in e.sources),
                ]
                for e in records
            ],
            wrap=("event", "place", "sources"),
        )
