"""Operator alerts derived from a site's run history: alert, remind, and say when it recovered.

Decisions are stateless: they depend only on the stored runs, so a restarted scheduler neither
repeats an alert already due earlier nor forgets a streak in progress. The streak is the number of
consecutive failing runs (health in ``health.FAILING``) ending at the newest run:

- ``alert`` when the streak reaches exactly ``alert_after``;
- ``reminder`` when it goes on, every ``remind_every`` runs past ``alert_after``;
- ``recovered`` when the newest run is healthy and the streak just before it had been alerted.

Runs that recorded nothing are ignored, neither extending nor breaking a streak: those still
"running", and those whose crawl process was killed (no stats; e.g. finished as "interrupted" when a
scheduler restarts); they say nothing about the site. The history handed in must reach back
past the streak (all runs of the site, or more than the longest streak of interest), otherwise a
streak as long as the history cannot be told apart from a longer one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from newswatch.health import FAILING, classify, explain
from storage import RunRecord

ALERT, REMINDER, RECOVERED = "alert", "reminder", "recovered"


@dataclass(frozen=True, slots=True)
class Alert:
    """A message for operators about one site; ``streak`` counts the failing runs it is about."""

    kind: str
    site: str
    health: str
    streak: int
    message: str


def _finished_newest_first(runs: Iterable[RunRecord]) -> list[RunRecord]:
    done = [run for run in runs if run.status != "running" and run.stats]
    return sorted(done, key=lambda run: (run.started_at, run.id), reverse=True)


def _streak(healths: list[str]) -> int:
    """How many leading entries (newest first) are failing."""
    count = 0
    for health in healths:
        if health not in FAILING:
            break
        count += 1
    return count


def _when(run: RunRecord) -> str:
    return run.started_at.strftime("%Y-%m-%d %H:%M %Z").strip()


def decide(runs: list[RunRecord], alert_after: int, remind_every: int) -> Alert | None:
    """The message due for the newest run of one site (runs newest first), or None.

    ``alert_after`` ≥ 1 failing runs in a row raise an alert; then a reminder every
    ``remind_every`` further failing runs (0 or less: no reminders).
    """
    if alert_after < 1:
        raise ValueError(f"alert_after must be at least 1, not {alert_after}")
    history = _finished_newest_first(runs)
    if not history:
        return None
    sites = {run.site for run in history}
    if len(sites) > 1:
        raise ValueError(f"decide() takes the runs of one site, got {', '.join(sorted(sites))}; see decide_all()")
    newest = history[0]
    healths = [classify(run) for run in history]
    health, site = healths[0], newest.site
    if health in FAILING:
        streak = _streak(healths)
        since = _when(history[streak - 1])
        if streak == alert_after:
            return Alert(
                ALERT,
                site,
                health,
                streak,
                f"{site}: {health} for {streak} run{'s' if streak > 1 else ''} in a row "
                f"(since {since}): {explain(newest)}",
            )
        past = streak - alert_after
        if past > 0 and remind_every > 0 and past % remind_every == 0:
            return Alert(
                REMINDER,
                site,
                health,
                streak,
                f"{site}: still {health} after {streak} runs (since {since}): {explain(newest)}",
            )
        return None
    before = _streak(healths[1:])
    if before >= alert_after:
        return Alert(
            RECOVERED,
            site,
            health,
            before,
            f"{site}: recovered ({health}) after {before} failing runs (last: {healths[1]}): {explain(newest)}",
        )
    return None


def decide_all(runs: Iterable[RunRecord], alert_after: int, remind_every: int) -> list[Alert]:
    """The messages due for every site in ``runs``, each site judged on its own history only."""
    by_site: dict[str, list[RunRecord]] = {}
    for run in runs:
        by_site.setdefault(run.site, []).append(run)
    alerts = (decide(site_runs, alert_after, remind_every) for _, site_runs in sorted(by_site.items()))
    return [alert for alert in alerts if alert is not None]
