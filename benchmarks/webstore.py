"""Large stores for the web benchmarks, built fast with bulk inserts (no crawl).

``build(url, n)`` fills an empty, migrated database with ``n`` items over five sites, one version
and one "new" change each, bodies of ~150 words drawn from a Zipf-like vocabulary, plus marker words
in known shares of the items: ``academy`` (90 %), ``hydrogen`` (30 %), ``fusion`` (0.5 %). The
SQLite FTS5 triggers and PostgreSQL's generated search column index them as a crawl would.

``bench_store(backend, n)`` returns the URL of such a store, built once and kept (SQLite under
``/tmp/newswatch-bench/``, PostgreSQL in its own schema ``nwbench_<n>``) so reruns skip the build.
"""

from __future__ import annotations

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


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "ve", "do", "gu", "sha", "tin", "mor", "bel", "quo"]
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _rows(n: int, rng: random.Random, vocab: list[str], runs: dict[str, int]):
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    for i in range(n):
        site = SITES[i % len(SITES)]
        words = rng.choices(vocab, weights=weights, k=150)
        for marker, share in MARKERS:
            if rng.random() < share:
                words.insert(rng.randrange(len(words)), marker)
        body = "\n\n".join(" ".join(words[k : k + 50]).capitalize() + "." for k in range(0, len(words), 50))
        title = " ".join(rng.choices(vocab, weights=weights, k=8)).capitalize()
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
        change = {
            "run_id": runs[site],
            "item_id": item_id,
            "site": site,
            "kind": "new",
            "detected_at": at,
            "changed_fields": [],
            "diff": None,
            "version": 1,
        }
        yield item, version, change


def build(url: str, n: int, seed: int = 7) -> None:
    """Fill the (empty) database at ``url`` with ``n`` items, their versions and changes."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    with open_store(url) as store:
        runs = {site: store.begin_run(site, T0) for site in SITES}
        engine = store.engine
        batch: list[tuple] = []

        def flush() -> None:
            with engine.begin() as conn:
                conn.execute(sa.insert(t.items), [b[0] for b in batch])
                conn.execute(sa.insert(t.item_versions), [b[1] for b in batch])
                conn.execute(sa.insert(t.changes), [b[2] for b in batch])
            batch.clear()

        for row in _rows(n, rng, vocab, runs):
            batch.append(row)
            if len(batch) >= CHUNK:
                flush()
        if batch:
            flush()
        end = T0 + timedelta(minutes=10 * n)
        for run in runs.values():
            store.finish_run(run, finished_at=end, status="ok", finish_reason="finished", items=n // len(SITES))
        if store.dialect == "postgresql":  # as autovacuum would: visibility map and statistics
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")


def _count(url: str) -> int:
    try:
        with open_store(url) as store, store.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(t.items)).scalar() or 0)
    except Exception:
        return -1


def bench_store(backend: str, n: int, fresh: bool = False) -> str:
    """URL of a benchmark store of ``n`` items on ``backend`` (sqlite or postgresql), built if missing."""
    if backend == "sqlite":
        SQLITE_DIR.mkdir(parents=True, exist_ok=True)
        path = SQLITE_DIR / f"web-{n}.db"
        url = f"sqlite:///{path}"
        if fresh or not path.exists() or _count(url) != n:
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
    if fresh or not exists or _count(url_text) != n:
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
