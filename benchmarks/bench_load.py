"""Load benchmark: 50 concurrent clients against a real `newswatch serve` on a 5,000-item store.

For each backend a store of ``--items`` items is built once (benchmarks/webstore.py), then
``newswatch serve`` runs in its own process on a free loopback port and ``--clients`` clients (one
asyncio task each, keep-alive connections) request, round-robin, the feed (``/changes`` at a random
page), an item page, a search page (a word drawn from a list) and the Atom feed, ``--requests``
requests each, after a warm-up. A request counts when its whole body has been read; any answer but
200 is an error. Prints p50/p95/p99 per page and overall, with the throughput, the error count and
the CPU spent per request by the server and by the clients; the last line is JSON. Traffic goes to
127.0.0.1 only and stops by itself (a bounded number of requests, each with a timeout).

The clients share the machine's cores with the server, so their own CPU counts: they use aiohttp
(about a fifth of httpx's CPU per request); ``--client httpx`` measures the same requests with httpx.

    python benchmarks/bench_load.py [--backends sqlite postgresql] [--items 5000] [--clients 50] [--requests 20]
                                    [--workers N] [--client aiohttp|httpx]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from webstore import SITES, bench_store  # noqa: E402

WORDS = ("academy", "hydrogen", "fusion", '"hydrogen academy"', "hydrogen -academy", "kalo", "mine")
KINDS = ("feed", "item", "search", "atom")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def target(kind: str, rng: random.Random, items: int) -> str:
    if kind == "feed":
        return f"/changes?page={rng.randint(1, max(1, items // 50))}"
    if kind == "item":
        i = rng.randrange(items)
        return f"/items/{SITES[i % len(SITES)]}-{i:08d}"
    if kind == "search":
        return "/search?" + urlencode({"q": rng.choice(WORDS)})
    return "/feed.atom"


async def aiohttp_client(
    base: str, n: int, seed: int, items: int, out: dict[str, list[float]], errors: list[str]
) -> None:
    import aiohttp

    rng = random.Random(seed)
    connector = aiohttp.TCPConnector(limit=1)  # one keep-alive connection per client
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as http:
        for i in range(n):
            kind = KINDS[(seed + i) % len(KINDS)]
            path = target(kind, rng, items)
            start = time.perf_counter()
            try:
                async with http.get(path) as r:
                    await r.read()
                    if r.status != 200:
                        errors.append(f"{r.status} {path}")
            except (aiohttp.ClientError, TimeoutError) as exc:
                errors.append(f"{type(exc).__name__} {path}")
                continue
            out[kind].append((time.perf_counter() - start) * 1000)


async def httpx_client(
    base: str, n: int, seed: int, items: int, out: dict[str, list[float]], errors: list[str]
) -> None:
    import httpx

    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        for i in range(n):
            kind = KINDS[(seed + i) % len(KINDS)]
            path = target(kind, rng, items)
            start = time.perf_counter()
            try:
                r = await http.get(path)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {path}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__} {path}")
                continue
            out[kind].append((time.perf_counter() - start) * 1000)


CLIENTS = {"aiohttp": aiohttp_client, "httpx": httpx_client}


async def load(
    base: str, clients: int, requests: int, items: int, kind: str = "aiohttp"
) -> tuple[dict[str, list[float]], list[str], float]:
    out: dict[str, list[float]] = {k: [] for k in KINDS}
    errors: list[str] = []
    client = CLIENTS[kind]
    start = time.perf_counter()
    await asyncio.gather(*(client(base, requests, seed, items, out, errors) for seed in range(clients)))
    return out, errors, time.perf_counter() - start


def cpu_seconds(root: int) -> float:
    """CPU time (user + system) used so far by process ``root`` and its descendants, from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, used = {}, {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += used.get(pid, 0.0)
        todo += [child for child, parent in parents.items() if parent == pid]
    return total


def wait_ready(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"newswatch serve exited with {server.returncode}")
        try:
            with urllib.request.urlopen(base + "/api/csrf", timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("newswatch serve did not start")


def run_backend(backend: str, args) -> dict[str, float]:
    url = bench_store(backend, args.items)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "NEWSWATCH_TOKEN"}
    command = [sys.executable, "-m", "newswatch", "--db", url, "serve", "--port", str(port)]
    server = subprocess.Popen(
        command + (["--workers", str(args.workers)] if args.workers else []),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        wait_ready(base, server)
        asyncio.run(load(base, args.clients, 2, args.items, args.client))  # warm-up
        cpu_before, client_before = cpu_seconds(server.pid), time.process_time()
        out, errors, elapsed = asyncio.run(load(base, args.clients, args.requests, args.items, args.client))
        server_cpu, client_cpu = cpu_seconds(server.pid) - cpu_before, time.process_time() - client_before
    finally:
        server.terminate()
        server.wait(timeout=60)
    every = [ms for values in out.values() for ms in values]
    print(
        f"\n{backend} · {args.items:,} items · {args.workers or 'default'} workers · "
        f"{args.clients} {args.client} clients · {len(every)} requests in {elapsed:.1f} s"
    )
    print(f"  {'page':<8}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    result = {}
    for kind in (*KINDS, "all"):
        values = every if kind == "all" else out[kind]
        p50, p95, p99 = (percentile(values, p) for p in (50, 95, 99))
        print(f"  {kind:<8}{len(values):>6}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}")
        result.update({f"{backend}_{kind}_p50_ms": round(p50), f"{backend}_{kind}_p95_ms": round(p95)})
        result[f"{backend}_{kind}_p99_ms"] = round(p99)
    print(
        f"  throughput {len(every) / elapsed:.1f} requests/s, errors {len(errors)}"
        + (f": {errors[:3]}" if errors else "")
    )
    per_request = server_cpu / max(len(every), 1) * 1000
    print(
        f"  server CPU {per_request:.1f} ms per request (this process tree; PostgreSQL's own not counted): "
        f"{1000 / per_request:.0f} requests/s per free core; clients' CPU "
        f"{client_cpu / max(len(every), 1) * 1000:.1f} ms per request"
    )
    result[f"{backend}_errors"] = len(errors)
    result[f"{backend}_server_cpu_ms_per_request"] = round(per_request, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    parser.add_argument("--workers", type=int, help="newswatch serve --workers (default: serve's own, one per core)")
    parser.add_argument("--client", choices=sorted(CLIENTS), default="aiohttp", help="HTTP client of the load")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    result = {}
    for backend in args.backends:
        result.update(run_backend(backend, args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
