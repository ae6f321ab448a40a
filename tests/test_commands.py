"""The project from a developer's seat: scrapy list / crawl -O, newswatch sites / extract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from newswatch.schema import validation_errors

ROOT = Path(__file__).resolve().parents[1]
SITES = Path(__file__).parent / "fixtures" / "sites"
SEED_PAGE = SITES / "cae" / "v1" / "cae/html/en/col2061/2020-11/09/20201109153032987_1.html"
ANSO_PAGE = SITES / "anso" / "v1" / "news/anso/202009/t20200922_586411.html"


def run(*cmd: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})})


INSTITUTIONS = {
    "cae",
    "anso",
    "cas",
    "cast",
    "nas",
    "royalsociety",
    "ras",
    "oeaw",
    "tubitak",
    "jst",
    "nstda",
    "isc",
    "unesco",
    "wfeo",
}


def test_scrapy_list_and_newswatch_sites_list_every_institution():
    listed = run(sys.executable, "-m", "scrapy", "list")
    assert listed.returncode == 0, listed.stderr
    sites = {s["name"] for s in json.loads(run(sys.executable, "-m", "newswatch", "sites", "--format", "json").stdout)}
    assert set(listed.stdout.split()) == sites | {"generic"}
    assert sites >= INSTITUTIONS


def test_scrapy_crawl_writes_schema_valid_items(tmp_path, site_server):
    server = site_server("cae")
    out = tmp_path / "items.jsonl"
    done = run(
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "cae",
        "-O",
        str(out),
        "-s",
        f"NEWSWATCH_BASE_URL={server.url}",
        "-s",
        "NEWSWATCH_SECTIONS=col2003,col2061",
        "-s",
        f"HTTPCACHE_DIR={tmp_path / 'cache'}",
        "-s",
        "AUTOTHROTTLE_ENABLED=False",
        env={"NEWSWATCH_DB": f"sqlite:///{tmp_path / 'nw.db'}"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(items) == 9 and len({i["id"] for i in items}) == 9
    for item in items:
        assert validation_errors(item) == [], item["url"]
    seed = next(i for i in items if i["url"].endswith("20201109153032987_1.html"))
    assert seed["source"] == "CAE" and seed["published"] == "2020-11-09"
    assert (seed["event"]["acronym"], seed["event"]["start"], seed["event"]["mode"]) == (
        "WSTDF 2020",
        "2020-11-08",
        "hybrid",
    )


def test_sites_shows_institutions_and_former_names():
    done = run(sys.executable, "-m", "newswatch", "sites", "--format", "json")
    sites = {s["name"]: s for s in json.loads(done.stdout)}
    assert (
        sites["cae"]["institution"] == "Chinese Academy of Engineering"
        and sites["cae"]["base_url"] == "https://en.cae.cn"
    )
    assert sites["anso"]["former_names"] == ["Alliance of International Science Organizations"]
    assert sites["anso"]["institution"].startswith("Alliance of National and International Science Organizations")
    assert all(s["live_checked"] for s in sites.values())
    assert "generic" not in sites


def test_extract_one_file_is_a_json_object_with_the_sites_extraction():
    done = run(
        sys.executable,
        "-m",
        "newswatch",
        "extract",
        str(SEED_PAGE),
        "--url",
        "https://en.cae.cn/cae/html/en/col2061/2020-11/09/20201109153032987_1.html",
    )
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)
    assert item["title"] == "The 2nd World Science and Technology Development Forum Held in Beijing"
    assert item["extractor_version"].startswith("cae-") and item["source"] == "CAE"
    assert item["section"] == ["International Cooperation", "Networking / Partnership", "Multilateral Collaboration"]
    assert "Font size" not in item["body"]


def test_extract_several_files_is_json_lines_in_order_and_falls_back_to_generic():
    done = run(sys.executable, "-m", "newswatch", "extract", str(ANSO_PAGE), str(SEED_PAGE))
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [i["title"][:20] for i in lines] == ["ANSO Co-hosts the Hi", "The 2nd World Scienc"]
    assert all(i["extractor_version"].startswith("generic-") for i in lines)  # no --url: no site to match
    with_url = json.loads(
        run(
            sys.executable,
            "-m",
            "newswatch",
            "extract",
            str(ANSO_PAGE),
            "--url",
            "http://www.anso.org.cn/news/anso/202009/t20200922_586411.html",
        ).stdout
    )
    assert with_url["extractor_version"].startswith("anso-") and with_url["published"] == "2020-09-22T10:31:00+08:00"
