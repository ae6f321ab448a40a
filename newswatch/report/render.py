"""Plain-text renderings of a report: Markdown for reading, JSON and CSV for other tools.

Scraped text is untrusted everywhere: Markdown escapes it (no raw HTML, no stray links), links only
http(s) URLs and puts diffs in fenced blocks; CSV neutralises cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from typing import Any

from newswatch.changes import FLAG_KINDS, render_word_diff
from newswatch.report import Entry, EventEntry, FieldChange, Report, SiteReport, web_url

#: CSV columns, one row per change.
CSV_COLUMNS = ["site", "kind", "detected_at", "item_id", "url", "title", "published", "changed_fields"]
KIND_TITLES = {"new": "New", "updated": "Updated", "removed": "Removed", "reappeared": "Reappeared"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#~&])")
_MD_LEADING = re.compile(r"^(\d+(?=[.)])|(?=[-+=]))(.)")  # would start a list item or underline a heading
_URL_UNSAFE = re.compile(r"[\s()<>\\\x00-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def when(value: datetime | None) -> str:
    """A datetime for people: 2026-11-23 15:11 UTC."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "the beginning"


def plain(value: Any) -> str:
    """A stored value as one line of text (lists and dicts as compact JSON)."""
    if value is None:
        return "—"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return " ".join(str(value).split())


def heading(report: Report) -> str:
    """What the report covers, in one line."""
    n_sites = len(report.sites)
    return (
        f"Changes detected since {when(report.since)} · generated {when(report.generated_at)} · "
        f"{report.total} change{'s' if report.total != 1 else ''} on {n_sites} site{'s' if n_sites != 1 else ''}"
    )


def counts_line(site: SiteReport) -> str:
    """2 new · 1 updated · 0 removed · 0 reappeared."""
    return " · ".join(f"{site.counts.get(kind, 0)} {kind}" for kind in FLAG_KINDS)


# -- Markdown ------------------------------------------------------------------


def md_text(value: Any) -> str:
    """Untrusted text as Markdown that shows exactly that text: one line, punctuation backslash-escaped."""
    return _MD_LEADING.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", plain(value)))


def md_link(text: Any, url: str | None) -> str:
    """A link for http(s) URLs; any other URL is shown, not linked."""
    label = md_text(text or "(untitled)")
    href = web_url(url)
    if href is None:
        return f"{label} ({md_code(url or '')})" if url else label
    return f"[{label}]({_URL_UNSAFE.sub(lambda m: f'%{ord(m[0]):02X}', href)})"


def md_code(value: str) -> str:
    """An inline code span that holds any text, backticks included."""
    text = " ".join(str(value).split())
    ticks = "`" * (max((len(r) for r in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def md_fence(text: str, indent: str = "  ") -> list[str]:
    """A fenced block (longer than any backtick run inside) holding ``text`` verbatim."""
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`{3,}", text)), default=0) + 1)
    return [
        f"{indent}{fence}text",
        *(f"{indent}{line}" if line else "" for line in text.splitlines()),
        f"{indent}{fence}",
    ]


def _md_change(change: FieldChange) -> list[str]:
    if change.words is not None:
        return [f"  - {md_text(change.field)}:", "", *md_fence(render_word_diff(change.words), "    ")]
    if change.old is None and change.new is None:
        return [f"  - {md_text(change.field)} changed"]
    return [f"  - {md_text(change.field)}: {md_text(plain(change.old))} → {md_text(plain(change.new))}"]


def _md_entry(entry: Entry) -> list[str]:
    facts = [
        f"published {md_text(entry.published)}" if entry.published else "no publication date",
        f"detected {when(entry.detected_at)}",
    ]
    if entry.changed_fields:
        facts.append("changed: " + md_text(", ".join(entry.changed_fields)))
    lines = [f"- **{md_link(entry.title, entry.url)}** · " + " · ".join(facts)]
    if entry.summary:
        lines.append(f"  {md_text(entry.summary)}")
    for change in entry.diff:
        lines.extend(_md_change(change))
    return lines


def _md_event(event: EventEntry) -> list[str]:
    name = md_text(event.name) + (f" ({md_text(event.acronym)})" if event.acronym else "")
    dates = " – ".join(dict.fromkeys(d for d in (event.start, event.end) if d))
    place = ", ".join(p for p in (event.venue, event.city, event.country) if p)
    facts = [md_text(f) for f in (event.type, dates, place, (event.mode or "").replace("_", " ")) if f]
    lines = [f"- **{name}** · " + " · ".join(facts)]
    if event.organisers:
        lines.append("  organisers: " + md_text(", ".join(event.organisers)))
    for s in event.sources:
        how = "its own report" if s.linked_by == "self" else f"linked by {md_text(s.linked_by)}"
        lines.append(
            f"  - {md_text(s.site)}: {md_link(s.title, s.url)}"
            + (f" · published {md_text(s.published)}" if s.published else "")
            + f" · {how}"
        )
    return lines


def to_markdown(report: Report) -> str:
    """Headings per site, its counts, a list per kind; word diffs in fenced blocks; then the events."""
    out = ["# newswatch report", "", heading(report)]
    if not report.sites:
        out += ["", "No changes."]
    for site in report.sites:
        title = md_text(site.site) + (f" — {md_text(site.institution)}" if site.institution else "")
        out += ["", f"## {title}", "", counts_line(site)]
        for kind in FLAG_KINDS:
            entries = site.entries(kind)
            if entries:
                out += ["", f"### {KIND_TITLES[kind]} ({len(entries)})", ""]
                for entry in entries:
                    out += _md_entry(entry)
    out += ["", f"## Events ({len(report.events)})", ""]
    if not report.events:
        out.append("No events updated in this period.")
    for event in report.events:
        out += _md_event(event)
    return "\n".join(out) + "\n"


# -- JSON and CSV ----------------------------------------------------------------


def to_json(report: Report) -> str:
    """``{"generated_at", "since", "site", "sites": [{"site", "institution", "counts", "new", "updated",
    "removed", "reappeared"}], "events": [...]}``; datetimes in ISO 8601, diffs as [op, text] runs."""
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula (=, +, -, @) gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(report: Report) -> str:
    """One row per change, site by site, kinds in order; changed fields joined by ';'."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for site in report.sites:
        for kind in FLAG_KINDS:
            for e in site.entries(kind):
                writer.writerow(
                    [
                        csv_cell(v)
                        for v in (
                            site.site,
                            e.kind,
                            e.detected_at.isoformat(timespec="seconds"),
                            e.item_id,
                            e.url,
                            plain(e.title) if e.title else "",
                            e.published,
                            ";".join(e.changed_fields),
                        )
                    ]
                )
    return out.getvalue()
