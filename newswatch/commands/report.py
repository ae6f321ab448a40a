"""The `report` command: a change report for analysts, grouped by site, as Markdown, HTML, JSON or CSV."""

from __future__ import annotations

from pathlib import Path

import click

from newswatch.cli import check_site, cli, open_db, parse_since
from newswatch.text import safe_json, strip_controls

FORMATS = ("md", "html", "json", "csv")
_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}


def _format_for(output: Path | None) -> str:
    """The format an -o file's extension names (md without one); one line for an extension we cannot write."""
    if output is None or not output.suffix:
        return "md"
    if output.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[output.suffix.lower()]
    raise click.BadParameter(
        f"cannot tell the format of {output.name!r} from its extension: use {', '.join(_SUFFIXES)} "
        "or give --format md|html|json|csv",
        param_hint="-o",
    )


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
        raise click.ClickException(f"cannot write the report to {path}: {exc.strerror or exc}") from None


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
    fmt = fmt or _format_for(output)
    store = open_db(ctx)
    try:
        if site is not None:
            check_site(store, site)
        data = build_report(store, since=when, site=site)
    finally:
        store.close()
    # Stored text is written as text: nothing in a title may act on the terminal that shows the report.
    text = safe_json(_render(data, fmt)) if fmt == "json" else strip_controls(_render(data, fmt))
    if output is None:
        click.echo(text, nl=False)
        return
    _write(output, text)
    click.echo(
        f"Wrote the {fmt} report ({data.total} change{'s' if data.total != 1 else ''}, "
        f"{len(data.events)} event{'s' if len(data.events) != 1 else ''}) to {output}"
    )
