"""A crawl fed what a hostile or broken site sends: oversized pages, a gzip bomb, resets, loops, empty pages.

The crawl must finish, store the other items, and account for every page once, with a reason.
"""

from __future__ import annotations

import gzip
import json
import subprocess

from newswatch.health import classify, explain
from storage import open_store
from tests.test_crawl_faults import article_files, crawl_args, demo_site, runs


def _url(server, root, path) -> str:
    return server.url + "/" + str(path.relative_to(root / "v1"))


def test_a_huge_article_and_a_gzip_bomb_are_cut_off_and_the_other_items_stored(tmp_path, site_server):
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    root = demo_site(tmp_path)
    huge, bomb, *others = article_files(root)
    html = huge.read_text("utf-8")
    filler = "<p>" + "A very long article paragraph that goes on. " * 20 + "</p>\n"
    huge.write_text(html.replace("</body>", filler * (60 * 1024 * 1024 // len(filler)) + "</body>"), "utf-8")
    with gzip.open(bomb, "wb", compresslevel=6) as out:  # 256 MiB of spaces in a few hundred kB
        chunk = b" " * (1 << 20)
        for _ in range(256):
            out.write(chunk)
    path = "/" + str(bomb.relative_to(root / "v1"))
    (root / "v1" / "_responses.json").write_text(f'{{"{path}": {{"headers": {{"Content-Encoding": "gzip"}}}}}}')
    server = site_server(root)
    done = subprocess.run(crawl_args(db, tmp_path / "cache", server.url), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]  # partial: the two pages failed, the rest is in
    [run] = runs(db)
    assert (run.status, run.new, run.errors) == ("partial", len(others), 2)
    assert run.stats["newswatch/article/failed"] == 2 and "newswatch/article/blocked" not in run.stats
    with open_store(db) as store:
        assert store.find_item(_url(server, root, huge)) is None
        assert store.find_item(_url(server, root, bomb)) is None
        assert all(store.find_item(_url(server, root, p)) is not None for p in others)
    assert "larger than download max size" in done.stderr or "exceeded DOWNLOAD_MAXSIZE" in done.stderr
    assert sum(1 for method, p, _ in server.requests if p == path) == 1  # a bomb is not fetched again


def test_each_broken_page_is_counted_once_with_its_reason_and_a_redirect_loop_is_not_blocked(tmp_path, site_server):
    db = f"sqlite:///{tmp_path / 'nw.db'}"
    root = demo_site(tmp_path)
    reset, loop, empty, broken, *others = article_files(root)
    paths = {name: "/" + str(p.relative_to(root / "v1")) for name, p in (("reset", reset), ("loop", loop))}
    paths["broken"] = "/" + str(broken.relative_to(root / "v1"))
    empty.write_text("<html><head></head><body></body></html>", "utf-8")
    responses = {
        paths["reset"]: {"reset": True},
        paths["loop"]: {"status": 302, "headers": {"Location": paths["loop"]}},
        paths["broken"]: {"status": 500},
    }
    (root / "v1" / "_responses.json").write_text(json.dumps(responses), "utf-8")
    server = site_server(root)
    done = subprocess.run(crawl_args(db, tmp_path / "cache", server.url), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    [run] = runs(db)
    stats = run.stats
    # reset, loop and 500 failed once each; the empty page was dropped as invalid: four errors, not more
    assert (stats["newswatch/article/failed"], stats["newswatch/validate/invalid"]) == (3, 1)
    assert "newswatch/article/blocked" not in stats
    assert (run.status, run.errors, run.new, run.items) == ("partial", 4, len(others), len(others))
    assert classify(run) != "blocked", explain(run)
    ours = [line for line in done.stderr.splitlines() if " failed: " in line and "retry" not in line]
    reset_line = next(line for line in ours if paths["reset"] in line)
    assert "connection" in reset_line.split(" failed: ", 1)[1].lower(), reset_line  # a reason, not ""
    loop_line = next(line for line in ours if paths["loop"] in line)
    assert "redirect" in loop_line.lower(), loop_line
