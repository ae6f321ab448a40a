"""Notifications through Apprise: change digests for analysts, run alerts for operators.

The two audiences have separate channels (one ``apprise.Apprise`` each), so an alert never lands in
the analysts' digest channel and the other way round. Channel URLs carry secrets (passwords,
tokens); they are only ever logged in Apprise's masked form. Sending never raises: a failure is one
log line and a False result, so a broken channel cannot stop a crawl schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import apprise

from newswatch.alerts import ALERT, RECOVERED, REMINDER, Alert
from newswatch.changes import FLAG_KINDS
from storage import ChangeRecord

logger = logging.getLogger(__name__)

_ALERT_TYPES = {
    ALERT: apprise.NotifyType.FAILURE,
    REMINDER: apprise.NotifyType.WARNING,
    RECOVERED: apprise.NotifyType.SUCCESS,
}


class _DropTrace(logging.Filter):
    """Apprise logs parsed channel URLs, password included, below DEBUG (its TRACE level)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.DEBUG


def _quiet_apprise_trace() -> None:
    apprise_logger = logging.getLogger("apprise")
    if not any(isinstance(f, _DropTrace) for f in apprise_logger.filters):
        apprise_logger.addFilter(_DropTrace())


_quiet_apprise_trace()


def _scheme_only(url: str) -> str:
    """A channel Apprise could not parse, shown without anything that could be a secret."""
    scheme, sep, _ = url.partition("://")
    return f"{scheme}://…" if sep and scheme.isascii() and scheme.isalnum() else "(unparseable URL)"


class Channels:
    """The Apprise channels of one audience and their masked names for the log."""

    def __init__(self, audience: str, urls: Sequence[str]):
        self.audience = audience
        self.apprise = apprise.Apprise()
        for url in urls:
            if not (url and url.strip()):
                continue
            if not self.apprise.add(url.strip()):
                logger.warning("%s channel %s is not a valid Apprise URL; ignored", audience, _scheme_only(url))
        # Apprise's privacy form masks passwords and tokens; its query only repeats plugin options.
        self.masked = [url.split("?", 1)[0] for url in self.apprise.urls(privacy=True)]

    def __len__(self) -> int:
        return len(self.apprise)

    def send(self, what: str, title: str, body: str, notify_type=apprise.NotifyType.INFO) -> bool:
        """Send to every channel; True only when all of them accepted it. Never raises."""
        if not len(self):
            logger.info("no %s channel configured: %s not sent", self.audience, what)
            return False
        try:
            sent = self.apprise.notify(
                body=body, title=title, notify_type=notify_type, body_format=apprise.NotifyFormat.MARKDOWN
            )
        except Exception as exc:
            # Only the type: a plugin's message may quote the raw channel URL, secrets and all.
            logger.warning("%s to %s failed: %s", what, ", ".join(self.masked), type(exc).__name__)
            return False
        if not sent:
            logger.warning("%s to %s failed (see apprise's messages above)", what, ", ".join(self.masked))
            return False
        logger.info("%s sent to %s", what, ", ".join(self.masked))
        return True


class Notifier:
    """Digests of changes to the analysts' channels, run alerts to the operators' channels."""

    def __init__(self, analysts: Sequence[str] = (), operators: Sequence[str] = ()):
        self.analysts = Channels("analysts", analysts)
        self.operators = Channels("operators", operators)

    def send_digest(self, changes: list[ChangeRecord], title: str = "newswatch: changes") -> bool:
        """Send one digest of ``changes``; nothing at all is sent (False) when there are none."""
        if not changes:
            logger.info("no changes: digest not sent")
            return False
        return self.analysts.send(f"digest of {len(changes)} change(s)", title, digest_text(changes))

    def send_alert(self, alert: Alert) -> bool:
        """Send a run alert, reminder or recovery notice to the operators only."""
        title = f"newswatch {alert.kind}: {alert.site} {alert.health}"
        return self.operators.send(
            f"{alert.kind} for {alert.site}",
            title,
            alert.message,
            _ALERT_TYPES.get(alert.kind, apprise.NotifyType.INFO),
        )


def _kind_order(kind: str) -> tuple[int, str]:
    return (FLAG_KINDS.index(kind) if kind in FLAG_KINDS else len(FLAG_KINDS), kind)


def _line(change: ChangeRecord) -> str:
    title = " ".join((change.title or "").split()) or "(untitled)"
    fields = f" (changed: {', '.join(change.changed_fields)})" if change.changed_fields else ""
    return f"- {change.kind}: {title} <{change.url}>{fields}"


def digest_text(changes: list[ChangeRecord]) -> str:
    """Changes as markdown: a section per site with its counts per kind, then one line per change."""
    by_site: dict[str, list[ChangeRecord]] = {}
    for change in changes:
        by_site.setdefault(change.site, []).append(change)
    sections = []
    for site, site_changes in sorted(by_site.items()):
        site_changes = sorted(site_changes, key=lambda c: _kind_order(c.kind))  # stable: keeps newest first
        counts: dict[str, int] = {}
        for change in site_changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        sections.append("\n".join([f"## {site}: {summary}", *map(_line, site_changes)]))
    total = (
        f"{len(changes)} change{'s' if len(changes) != 1 else ''} on {len(by_site)} "
        f"site{'s' if len(by_site) != 1 else ''}"
    )
    return "\n\n".join([total, *sections])
