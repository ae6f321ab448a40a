"""What the scheduler will run when: its persistent job store read without starting a scheduler."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from newswatch.errors import JobStoreError

JOBS_TABLE = "apscheduler_jobs"
JOB_PREFIX = "crawl:"


def job_id(site: str) -> str:
    """The scheduler's job id for a site's crawl."""
    return JOB_PREFIX + site


def scheduled_runs(url: str, sites: list[str]) -> dict[str, datetime | None] | None:
    """Next run time per site from the scheduler's persistent job store at ``url``.

    None when the database has no job store (no scheduler has run there); a site the store does not
    know is left out, and a paused job maps to None. Nothing is created in the database.
    """
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from sqlalchemy import inspect, select
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from storage import StoreError
    from storage.engine import describe_error, mask_url, normalise_url

    try:
        url = normalise_url(url)
        parsed = make_url(url)
        if (
            parsed.get_backend_name() == "sqlite"
            and parsed.database not in (None, "", ":memory:")
            and not Path(parsed.database).exists()
        ):
            return None  # opening it would create an empty database file
        store = SQLAlchemyJobStore(url=url, tablename=JOBS_TABLE)
    except StoreError as exc:
        raise JobStoreError(str(exc)) from None
    except (SQLAlchemyError, ImportError) as exc:
        raise JobStoreError(
            f"cannot open database {mask_url(url)}: {describe_error(exc)}; check [storage] url, --db or NEWSWATCH_DB"
        ) from None
    ids = {job_id(site): site for site in sites}
    try:
        if not inspect(store.engine).has_table(JOBS_TABLE):
            return None
        table = store.jobs_t
        with store.engine.connect() as conn:
            stamps = dict(conn.execute(select(table.c.id, table.c.next_run_time).where(table.c.id.in_(ids))).all())
        runs: dict[str, datetime | None] = {}
        for jid, stamp in stamps.items():
            try:
                job = store.lookup_job(jid)
                when = job.next_run_time if job else None
            except Exception:
                when = datetime.fromtimestamp(stamp, UTC) if stamp is not None else None
            runs[ids[jid]] = when.astimezone(UTC) if when else None
        return runs
    except SQLAlchemyError as exc:
        raise JobStoreError(
            f"cannot read the scheduler's jobs from {mask_url(url)}: {describe_error(exc)}; "
            "check [storage] url, --db or NEWSWATCH_DB"
        ) from None
    finally:
        store.engine.dispose()


def schedule_rows(config, url: str, now: datetime) -> list[dict]:
    """One row per configured site: what it crawls, its trigger, and its next run with where that came from."""
    from newswatch.triggers import describe, next_run

    stored = scheduled_runs(url, list(config.sites)) or {}
    rows = []
    for site in config.sites.values():
        if not site.enabled:
            when, source = None, "disabled"
        elif site.name in stored:
            when = stored[site.name]
            source = "scheduled" if when else "paused"
        else:
            when, source = next_run(site, now), "estimated"
        rows.append(
            {
                "site": site.name,
                "spider": site.spider,
                "url": site.url,
                "trigger": describe(site),
                "enabled": site.enabled,
                "next_run": when.isoformat(timespec="seconds") if when else None,
                "source": source,
            }
        )
    return rows
