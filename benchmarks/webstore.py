"""Large stores for the web benchmarks, built fast with bulk inserts (no crawl).

``build(url, n)`` fills an empty, migrated database with ``n`` items over five sites, one version
and one "new" change each (5 % of them a second version and its "updated" change, 1 % removed),
bodies of ~150 words drawn from a Zipf-like vocabulary, plus marker words in known shares of the
items: ``academy`` (90 %), ``hydrogen`` (30 %), ``fusion`` (0.5 %). The SQLite FTS5 triggers and
PostgreSQL's generated search column index them as a crawl would. On PostgreSQL the rows are loaded
with COPY and the secondary indexes built after the load (the same indexes, built in one pass).

``bench_store(backend, n)`` returns the URL of such a store, built once and kept (SQLite under
``/tmp/newswatch-bench/``, PostgreSQL in its own schema ``nwbench_<n>``) so reruns skip the build.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import sqlalchemy as sa  # noqa: E402

from storage import open_store  # noqa: E402
from storage import tables as t  # noqa: E402

PG_URL = os.environ.get("NEWSWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SQLITE_DIR = Path(os.environ.get("NEWSWATCH_BENCH_DIR", "/tmp/newswatch-bench"))
SITES = ("cae", "anso", "cas", "cast", "isc")
MARKERS = (("academy", 0.9), ("hydrogen", 0.3), ("fusion", 0.005))
T0 = datetime(2025, 1, 1, tzinfo=UTC)
CHUNK = 2000
#: One item in UPDATED_EVERY has a second version ("updated"), one in REMOVED_EVERY is removed.
UPDATED_EVERY = 20
REMOVED_EVERY = 100


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "do", "gu", "sha", "tin", "mor", "bel", "quo"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _rows(n: int, rng: random.Random, vocab: list[str], runs: dict[str, int]):
    # Cumulative weights computed once: the same draws as ``weights=``, without summing 6,000 weights per call.
    cum_weights = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    for i in range(n):
        site = SITES[i % len(SITES)]
        words = rng.choices(vocab, cum_weights=cum_weights, k=150)
        for marker, share in MARKERS:
            if rng.random() < share:
                words.insert(rng.randrange(len(words)), marker)
        body = "\n\n".join(" ".join(words[k : k + 50]).capitalize() + "." for k in range(0, len(words), 50))
        title = " ".join(rng.choices(vocab, cum_weights=cum_weights, k=8)).capitalize()
        at = T0 + timedelta(minutes=10 * i)
        item_id = f"{site}-{i:08d}"
        data = {
            "id": item_id,
            "site": site,
            "url": f"https://{site}.example/news/{i}.html",
            "canonical_url": None,
            "title": title,
            "published": at.date().isoformat(),
            "published_raw": at.date().isoformat(),
            "source": site.upper(),
            "section": ["News"],
            "language": "en",
            "summary": None,
            "body": body,
            "images": [],
            "fetched_at": at.isoformat(),
            "content_hash": f"{i:064x}",
            "extractor_version": "1",
            "event": None,
        }
        item = {
            "id": item_id,
            "site": site,
            "url": data["url"],
            "canonical_url": None,
            "title": title,
            "published": data["published"],
            "status": "active",
            "content_hash": data["content_hash"],
            "extractor_version": "1",
            "version": 1,
            "listing": None,
            "page": None,
            "first_seen_at": at,
            "last_seen_at": at,
            "last_run_id": runs[site],
            "data": data,
        }
        version = {
            "item_id": item_id,
            "version": 1,
            "content_hash": data["content_hash"],
            "extractor_version": "1",
            "title": title,
            "fetched_at": at,
            "run_id": runs[site],
            "data": data,
        }
        new = {
            "run_id": runs[site],
            "item_id": item_id,
            "site": site,
            "kind": "new",
            "detected_at": at,
            "changed_fields": [],
            "diff": None,
            "version": 1,
        }
        versions, changes = [version], [new]
        if i % UPDATED_EVERY == 3:  # a second version, its title revised two days later
            later = at + timedelta(days=2)
            revised = f"{title} (revised)"
            data2 = {**data, "title": revised, "content_hash": f"{i:063x}f", "fetched_at": later.isoformat()}
            item.update(title=revised, content_hash=data2["content_hash"], version=2, last_seen_at=later, data=data2)
            versions.append(
                {
                    **version,
                    "version": 2,
                    "content_hash": data2["content_hash"],
                    "title": revised,
                    "fetched_at": later,
                    "data": data2,
                }
            )
            diff = {"title": {"words": [["=", title], ["+", " (revised)"]]}}
            changes.append(
                {
                    **new,
                    "kind": "updated",
                    "detected_at": later,
                    "changed_fields": ["title"],
                    "diff": diff,
                    "version": 2,
                }
            )
        elif i % REMOVED_EVERY == 7:  # gone from its listing a day later
            item["status"] = "removed"
            changes.append({**new, "kind": "removed", "detected_at": at + timedelta(days=1)})
        yield item, versions, changes


def build(url: str, n: int, seed: int = 7) -> None:
    """Fill the (empty) database at ``url`` with ``n`` items, their versions and changes."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    with open_store(url) as store:
        runs = {site: store.begin_run(site, T0) for site in SITES}
        rows = _rows(n, rng, vocab, runs)
        if store.dialect == "postgresql":
            _copy_pg(store.engine, rows)
        else:
            _insert(store.engine, rows)
        end = T0 + timedelta(minutes=10 * n)
        for run in runs.values():
            store.finish_run(run, finished_at=end, status="ok", finish_reason="finished", items=n // len(SITES))
        if store.dialect == "postgresql":  # as autovacuum would: visibility map and statistics
            with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                for table in ("items", "item_versions", "changes", "runs"):  # this schema's, not the database's
                    conn.exec_driver_sql(f"VACUUM ANALYZE {table}")
        else:
            with store.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")


def _insert(engine: sa.Engine, rows) -> None:
    """Bulk INSERTs of CHUNK rows per table and transaction."""
    batch: list[tuple] = []

    def flush() -> None:
        with engine.begin() as conn:
            conn.execute(sa.insert(t.items), [b[0] for b in batch])
            conn.execute(sa.insert(t.item_versions), [v for b in batch for v in b[1]])
            conn.execute(sa.insert(t.changes), [c for b in batch for c in b[2]])
        batch.clear()

    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()


#: Tables PostgreSQL loads with COPY, and the columns given (ids of versions and changes from their sequences).
COPIED = {
    "items": [c.name for c in t.items.columns if c.name != "last_checked_at"],
    "item_versions": [c.name for c in t.item_versions.columns if c.name != "id"],
    "changes": [c.name for c in t.changes.columns if c.name != "id"],
}
JSON_COLUMNS = {"data", "changed_fields", "diff"}
COPY_CHUNK = 20_000


def _batched(rows, size: int):
    """Lists of ``size`` consecutive rows (the last shorter)."""
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _copy_pg(engine: sa.Engine, rows) -> None:
    """COPY the rows into the three tables, their secondary indexes dropped during the load and
    built again after (same indexes, built in one pass: minutes rather than hours at 1M items)."""
    with engine.connect() as conn:
        conn.exec_driver_sql("SET maintenance_work_mem = '1GB'")
        indexes = conn.exec_driver_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema()"
            " AND i.tablename IN ('items', 'item_versions', 'changes')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        ).all()
        for name, _ in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        conn.commit()
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur:
            # The rows are consistent by construction: no foreign-key trigger per row.
            cur.execute("SET session_replication_role = replica")
            for chunk in _batched(rows, COPY_CHUNK):
                for position, (table, columns) in enumerate(COPIED.items()):
                    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in chunk:
                            for values in [row[0]] if position == 0 else row[position]:
                                copy.write_row(
                                    [json.dumps(values[k]) if k in JSON_COLUMNS else values[k] for k in columns]
                                )
            cur.execute("SET session_replication_role = DEFAULT")
        raw.commit()
        for _, definition in indexes:
            conn.exec_driver_sql(definition)
        conn.commit()


def expected_changes(n: int) -> int:
    """Changes a store of ``n`` items holds: one "new" each, plus the "updated" and "removed" ones."""
    return n + sum(1 for i in range(n) if i % UPDATED_EVERY == 3 or i % REMOVED_EVERY == 7)


def _count(url: str) -> tuple[int, int]:
    """(items, changes) in the store at ``url``; (-1, -1) when it cannot be read."""
    try:
        with open_store(url) as store, store.engine.connect() as conn:
            items = conn.execute(sa.select(sa.func.count()).select_from(t.items)).scalar()
            changes = conn.execute(sa.select(sa.func.count()).select_from(t.changes)).scalar()
            return int(items or 0), int(changes or 0)
    except Exception:
        return -1, -1


def bench_store(backend: str, n: int, fresh: bool = False) -> str:
    """URL of a benchmark store of ``n`` items on ``backend`` (sqlite or postgresql), built if missing."""
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        path = SQLITE_DIR / f"web-{n}.db"
        url = f"sqlite:///{path}"
        if fresh or not path.exists() or _count(url) != (n, expected_changes(n)):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            _timed_build(url, n, backend)
        return url
    from sqlalchemy.engine import make_url

    from storage.engine import normalise_url

    schema = f"nwbench_{n}"
    url = make_url(normalise_url(PG_URL)).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    admin = sa.create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (schema,)
        ).first()
    if fresh or not exists or _count(url_text) != (n, expected_changes(n)):
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        _timed_build(url_text, n, backend)
    admin.dispose()
    return url_text


def _timed_build(url: str, n: int, backend: str) -> None:
    start = time.perf_counter()
    build(url, n)
    print(f"built a {n:,}-item {backend} store in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def drop_pg_stores() -> None:
    """Drop every PostgreSQL benchmark schema (nwbench_*)."""
    from storage.engine import normalise_url

    admin = sa.create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        names = [r[0] for r in conn.exec_driver_sql("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'nwbench_%'")]
        for name in names:
            conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
    admin.dispose()


if __name__ == "__main__":
    for backend in sys.argv[2:] or ["sqlite", "postgresql"]:
        print(bench_store(backend, int(sys.argv[1])))
