"""Changes per day as an inline SVG bar chart, drawn on the server: no script, no chart library."""

from __future__ import annotations

from markupsafe import Markup, escape

from storage.records import DailyChanges

KINDS = ("new", "updated", "removed", "reappeared")
BAR, GAP, HEIGHT, AXIS = 12, 3, 64, 14


def bar_chart(days: list[str], counts: list[DailyChanges], label: str) -> Markup:
    """One stacked bar per day (kinds coloured by CSS class), a tooltip per bar, the peak on the axis."""
    by_day = {c.day: c for c in counts}
    peak = max((c.total for c in counts), default=0)
    width = len(days) * (BAR + GAP)
    parts = [
        Markup(
            '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'xmlns="http://www.w3.org/2000/svg"><title>{t}</title>'
        ).format(w=width, h=HEIGHT + AXIS, t=label)
    ]
    parts.append(Markup('<line class="axis" x1="0" y1="{y}" x2="{w}" y2="{y}"/>').format(y=HEIGHT + 0.5, w=width))
    for i, day in enumerate(days):
        x = i * (BAR + GAP)
        count = by_day.get(day)
        total = count.total if count else 0
        tip = f"{day}: {total} change{'' if total == 1 else 's'}"
        if count:
            tip += " (" + ", ".join(f"{getattr(count, k)} {k}" for k in KINDS if getattr(count, k)) + ")"
        parts.append(Markup('<g class="day"><title>{}</title>').format(tip))
        parts.append(Markup('<rect class="slot" x="{x}" y="0" width="{b}" height="{h}"/>').format(x=x, b=BAR, h=HEIGHT))
        y = float(HEIGHT)
        for kind in KINDS:
            value = getattr(count, kind) if count else 0
            if not value:
                continue
            height = max(HEIGHT * value / peak, 1.5)
            y -= height
            parts.append(
                Markup('<rect class="bar {k}" x="{x}" y="{y:.1f}" width="{b}" height="{hh:.1f}"/>').format(
                    k=kind, x=x, y=y, b=BAR, hh=height
                )
            )
        parts.append(Markup("</g>"))
    for i in (0, len(days) - 1):
        if days:
            anchor = "start" if i == 0 else "end"
            x = 0 if i == 0 else width - GAP
            parts.append(
                Markup('<text class="tick" x="{x}" y="{y}" text-anchor="{a}">{d}</text>').format(
                    x=x, y=HEIGHT + AXIS - 2, a=anchor, d=escape(days[i][5:])
                )
            )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


__all__ = ["bar_chart"]
