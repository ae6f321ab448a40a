"""The `report` command: a change report for analysts, grouped by site, as Markdown, HTML, JSON or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from newswatch.cli import cli, open_db, parse_since

FORMATS = ("md", "html", "json", "csv")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}


def _known_sites(store) -> list[str]:
    """Sites a report can cover: those with a spider and those the database has seen."""
    from newswatch.crawling.runner import site_names

    return sorted({*site_names(), *(s.name for s in store.sites())})


def _check_site(store, site: str) -> None:
    """A site is known when it was crawled, has changes or has a spider; else one line naming the known ones."""
    if any(s.name == site for s in store.sites()) or store.changes(site=site, limit=1):
        return
    known = _known_sites(store)
    if site not in known:
        raise click.BadParameter(f"unknown site {site!r}; known sites: {', '.join(known)}", param_hint="--site")


def _render(report, fmt: str) -> str:
    if fmt == "html":
        from newswatch.report.html import to_html

        return to_html(report)
    from newswatch.report import render

    return {"md": render.to_markdown, "json": render.to_json, "csv": render.to_csv}[fmt](report)


def _write(path: Path, text: str) -> None:
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            out.write(text)
    except OSError as exc:
        raise click.ClickException(f"cannot write the report to {path}: {exc.strerror or exc}")


@cli.command()
@click.option(
    "--since",
    default="7d",
    show_default=True,
    metavar="ISO-TIME|AGE",
    help="Changes detected since then (7d, 12h, 2026-11-01).",
)
@click.option("--site", metavar="SITE", help="Only this site.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="md, html (one self-contained page), json or csv (one row per change); "
    "default: from the -o file's extension, else md.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Write the report to FILE instead of printing it.",
)
@click.pass_context
def report(ctx, since, site, fmt, output):
    """Report the changes since a time, grouped by site: counts, new items with summaries,
    updated items with word diffs, removed and reappeared items, and the events reported."""
    from newswatch.report import build_report

    when = parse_since(since)
    fmt = fmt or _SUFFIXES.get(output.suffix.lower() if output else "", "md")
    store = open_db(ctx)
    try:
        if site is not None:
            _check_site(store, site)
        data = build_report(store, since=when, site=site)
    finally:
        store.close()
    text = _render(data, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    _write(output, text)
    click.echo(
        f"Wrote the {fmt} report ({data.total} change{'s' if data.total != 1 else ''}, "
        f"{len(data.events)} event{'s' if len(data.events) != 1 else ''}) to {output}"
    )
