"""Read-only commands: changes, show, extract, sites, schema."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from newswatch.changes import FLAG_KINDS, render_word_diff
from newswatch.cli import check_site, cli, open_db, parse_since
from newswatch.text import safe_json, strip_controls


def _echo_json(value) -> None:
    click.echo(safe_json(json.dumps(value, ensure_ascii=False, indent=2, default=str)))


def _echo_text(text: str) -> None:
    """Print stored text as text: escape sequences and control characters removed."""
    click.echo(strip_controls(text))


def _table(title: str | None, columns: list[str], rows: list[list], wrap: tuple[str, ...] = ("title",)) -> None:
    """A Rich table of stored values, shown as plain text (no markup) without control characters;
    only the ``wrap`` columns wrap, the others keep one line."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left")
    for col in columns:
        table.add_column(col, overflow="fold", no_wrap=col not in wrap, ratio=1 if col in wrap else None)
    for row in rows:
        table.add_row(*(Text(strip_controls("" if v is None else str(v))) for v in row))
    Console(width=None if sys.stdout.isatty() else 120).print(table)


@cli.command()
@click.option("--site", metavar="SITE", help="Only this site.")
@click.option("--since", metavar="ISO-TIME|AGE", help="Only changes detected since then (7d, 12h, 2026-11-01).")
@click.option("--kind", "kinds", metavar="KINDS", help="Comma-separated: new,updated,removed,reappeared.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many, newest first.")
@click.pass_context
def changes(ctx, site, since, kinds, fmt, limit):
    """List flagged changes, newest first."""
    when = parse_since(since)
    wanted = None
    if kinds:
        wanted = [k.strip() for k in kinds.split(",") if k.strip()]
        bad = [k for k in wanted if k not in FLAG_KINDS]
        if bad:
            raise click.BadParameter(f"unknown kind {', '.join(bad)}; use {','.join(FLAG_KINDS)}", param_hint="--kind")
    store = open_db(ctx)
    try:
        if site is not None:
            check_site(store, site)
        records = store.changes(site=site, since=when, kinds=wanted, limit=limit)
    finally:
        store.close()
    rows = [
        {
            "id": c.id,
            "kind": c.kind,
            "site": c.site,
            "url": c.url,
            "title": c.title,
            "detected_at": c.detected_at.isoformat(timespec="seconds"),
            "changed_fields": c.changed_fields,
            "item_id": c.item_id,
            "version": c.version,
            "run_id": c.run_id,
        }
        for c in records
    ]
    if fmt == "json":
        _echo_json(rows)
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(
            out,
            fieldnames=list(rows[0]) if rows else ["kind", "site", "url", "title", "detected_at", "changed_fields"],
            lineterminator="\n",
        )
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "changed_fields": ",".join(row["changed_fields"])})
        click.echo(strip_controls(out.getvalue()), nl=False)
    elif not rows:
        click.echo("No changes.")
    else:
        _table(
            None,
            ["detected", "kind", "site", "title", "changed", "item"],
            [
                [
                    r["detected_at"][:16].replace("T", " "),
                    r["kind"],
                    r["site"],
                    r["title"],
                    ", ".join(r["changed_fields"]),
                    r["item_id"],
                ]
                for r in rows
            ],
        )


@cli.command()
@click.argument("ref", metavar="ID-or-URL")
@click.pass_context
def show(ctx, ref):
    """Show an item's versions and the word diff between consecutive versions."""
    from newswatch.changes import changed_fields, field_diff

    store = open_db(ctx)
    try:
        item = store.find_item(ref)
        if item is None:
            raise click.ClickException(f"no stored item has id or URL {ref!r}; see `newswatch changes`")
        versions = store.versions(item.id)
    finally:
        store.close()
    _echo_text(
        f"{item.title}\n{item.url}\nid {item.id} · site {item.site} · {item.status} · "
        f"published {item.published or '?'} · first seen {item.first_seen_at:%Y-%m-%d %H:%M} · "
        f"last seen {item.last_seen_at:%Y-%m-%d %H:%M} · "
        f"last checked {item.last_checked_at or item.last_seen_at:%Y-%m-%d %H:%M}"
    )
    for prev, cur in zip([None, *versions], versions, strict=False):
        _echo_text(f"\n── version {cur.version} · fetched {cur.fetched_at:%Y-%m-%d %H:%M} · {cur.extractor_version}")
        if prev is None:
            continue
        fields = changed_fields(prev.data, cur.data)
        for field, diff in field_diff(prev.data, cur.data, fields).items():
            if "words" in diff:
                _echo_text(f"{field}: {render_word_diff(diff['words'])}")
            else:
                _echo_text(f"{field}: {diff['old']!r} → {diff['new']!r}")


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", metavar="URL", help="The pages' URL: picks the site's extraction (else the generic one).")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "jsonl"]), help="Default: json for one file, jsonl for several."
)
def extract(files, url, fmt):
    """Run a site's extraction on saved pages and print the items."""
    from newswatch.extraction import extract_file

    fmt = fmt or ("json" if len(files) == 1 else "jsonl")
    for path in files:
        item = extract_file(path, url)
        if not item.get("title") and not item.get("body"):
            raise click.ClickException(f"{path}: no title and no text found; is it a saved article page?")
        if fmt == "json":
            _echo_json(item)
        else:
            click.echo(json.dumps(item, ensure_ascii=False))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def sites(fmt):
    """List the sites newswatch has a spider for."""
    from newswatch.crawling.runner import spider_classes

    rows = []
    for name, cls in sorted(spider_classes().items()):
        if name == "generic":
            continue
        inst = cls.institution or {}
        rows.append(
            {
                "name": name,
                "institution": inst.get("name"),
                "acronym": inst.get("acronym"),
                "former_names": inst.get("former_names", []),
                "base_url": cls.base_url,
                "sections": list(cls.sections),
                "live_checked": cls.live_checked,
            }
        )
    if fmt == "json":
        _echo_json(rows)
    else:
        _table(
            None,
            ["site", "institution", "url", "sections", "live-checked"],
            [
                [
                    r["name"],
                    f"{r['institution']} ({r['acronym']})" + "".join(f"\nformerly {n}" for n in r["former_names"]),
                    r["base_url"],
                    ", ".join(r["sections"]),
                    r["live_checked"],
                ]
                for r in rows
            ],
            wrap=("institution", "sections", "live-checked"),
        )


@cli.command()
def schema():
    """Print the item schema (JSON Schema, draft 2020-12)."""
    from newswatch.schema import ITEM_SCHEMA

    _echo_json(ITEM_SCHEMA)
