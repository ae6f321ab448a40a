"""Generate a large CAE-style site for crawl benchmarks, served by ``newswatch.fixtureserver``.

The site has one section (col2003) with listing pages ``column_2003_<p>.html`` and article
pages in the CAE article markup, newest first. Output is a function of the arguments only,
so runs with the same seed crawl byte-identical pages.

    python benchmarks/sitegen.py OUT --articles 1500
    python -m newswatch.fixtureserver OUT
"""

from __future__ import annotations

import argparse
import html
import json
import math
import random
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path

SECTION_ID = "2003"
SECTION_TITLE = "International Efforts"
BASE = "/cae/html/en"
DEFAULT_END = date(2026, 11, 1)
YEARS = 6

WORDS = [
    "academy",
    "academies",
    "engineering",
    "engineer",
    "engineers",
    "research",
    "researchers",
    "science",
    "scientific",
    "technology",
    "technological",
    "innovation",
    "cooperation",
    "international",
    "delegation",
    "forum",
    "symposium",
    "workshop",
    "seminar",
    "conference",
    "dialogue",
    "exchange",
    "exchanges",
    "partnership",
    "partners",
    "agreement",
    "memorandum",
    "understanding",
    "signed",
    "members",
    "member",
    "president",
    "vice",
    "leaders",
    "experts",
    "specialists",
    "universities",
    "institutes",
    "industry",
    "industrial",
    "companies",
    "government",
    "policy",
    "strategy",
    "strategic",
    "consultation",
    "report",
    "study",
    "studies",
    "project",
    "projects",
    "programme",
    "programmes",
    "training",
    "education",
    "young",
    "talent",
    "talents",
    "capacity",
    "building",
    "infrastructure",
    "energy",
    "renewable",
    "solar",
    "wind",
    "hydrogen",
    "nuclear",
    "grid",
    "storage",
    "carbon",
    "emissions",
    "neutral",
    "climate",
    "change",
    "adaptation",
    "water",
    "resources",
    "irrigation",
    "agriculture",
    "food",
    "security",
    "health",
    "public",
    "medical",
    "manufacturing",
    "digital",
    "intelligent",
    "artificial",
    "intelligence",
    "data",
    "networks",
    "communication",
    "satellite",
    "space",
    "aviation",
    "railway",
    "bridges",
    "tunnels",
    "roads",
    "ports",
    "cities",
    "urban",
    "rural",
    "environment",
    "ecological",
    "protection",
    "biodiversity",
    "oceans",
    "marine",
    "materials",
    "chemical",
    "mining",
    "geology",
    "earthquake",
    "disaster",
    "risk",
    "reduction",
    "resilience",
    "safety",
    "quality",
    "standards",
    "sustainable",
    "development",
    "goals",
    "global",
    "regional",
    "national",
    "local",
    "shared",
    "common",
    "future",
    "joint",
    "mutual",
    "benefit",
    "open",
    "inclusive",
    "frontier",
    "frontiers",
    "challenges",
    "opportunities",
    "progress",
    "achievements",
    "results",
    "practice",
    "experience",
    "lessons",
    "knowledge",
    "solutions",
    "technologies",
    "systems",
    "platforms",
    "facilities",
    "laboratories",
    "centres",
    "stations",
    "field",
    "visit",
    "visited",
    "discussed",
    "agreed",
    "stressed",
    "noted",
    "said",
    "expressed",
    "presented",
    "introduced",
    "reviewed",
    "launched",
    "held",
    "hosted",
    "organized",
    "attended",
    "participated",
    "addressed",
    "delivered",
    "keynote",
    "speech",
    "speeches",
    "session",
    "sessions",
    "panel",
    "discussion",
    "online",
    "offline",
    "Beijing",
    "Shanghai",
    "Hangzhou",
    "Shenzhen",
    "Wuhan",
    "Xi'an",
    "Chengdu",
    "Guangzhou",
    "Qingdao",
    "Tianjin",
    "countries",
    "world",
    "Asia",
    "Africa",
    "Europe",
    "America",
    "Latin",
    "Pacific",
    "Arctic",
    "Belt",
    "Road",
    "long-term",
    "short-term",
    "next",
    "year",
    "decade",
    "years",
    "months",
    "further",
    "closer",
    "stronger",
    "wider",
    "deeper",
    "better",
    "new",
    "major",
    "key",
    "important",
    "essential",
    "practical",
    "concrete",
    "effective",
    "efficient",
    "advanced",
    "modern",
    "smart",
    "green",
    "low-carbon",
    "clean",
    "safe",
    "reliable",
    "affordable",
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
    "with",
    "on",
    "by",
    "at",
    "from",
    "as",
    "an",
    "a",
    "that",
    "which",
    "this",
    "these",
    "their",
    "its",
    "both",
    "all",
    "more",
    "most",
    "many",
    "several",
]

ORGS = [
    "the Royal Academy of Engineering",
    "the National Academy of Engineering",
    "acatech",
    "the Swiss Academy of Engineering Sciences",
    "the Engineering Academy of Japan",
    "the National Academy of Engineering of Korea",
    "the Australian Academy of Technological Sciences and Engineering",
    "the Hungarian Academy of Engineering",
    "the Academy of Engineering of Mexico",
    "the Russian Academy of Engineering",
    "the World Federation of Engineering Organizations",
    "the International Council of Academies of Engineering and Technological Sciences",
    "the African Academy of Sciences",
    "the Egyptian Academy of Scientific Research and Technology",
    "the Pakistan Academy of Sciences",
    "the Malaysian Academy of Engineering",
]
TOPICS = [
    "Smart Manufacturing",
    "Hydrogen Energy",
    "Carbon Capture",
    "Offshore Wind",
    "Urban Flood Resilience",
    "Deep-Sea Engineering",
    "High-Speed Railways",
    "Bridge Safety",
    "Water Security",
    "Digital Twins",
    "Engineering Education",
    "Sustainable Aviation Fuels",
    "Space Engineering",
    "Public Health Engineering",
    "Intelligent Transport",
    "Green Buildings",
    "Nuclear Safety",
    "Precision Agriculture",
    "New Materials",
    "Disaster Risk Reduction",
    "Energy Storage",
    "Artificial Intelligence in Industry",
]
CITIES = [
    "Beijing",
    "Shanghai",
    "Hangzhou",
    "Shenzhen",
    "Wuhan",
    "Xi'an",
    "Chengdu",
    "Guangzhou",
    "Qingdao",
    "Tianjin",
    "London",
    "Berlin",
    "Tokyo",
    "Seoul",
    "Cairo",
    "Nairobi",
    "Budapest",
    "Canberra",
]
COUNTRIES = [
    "the United Kingdom",
    "Germany",
    "Japan",
    "Korea",
    "Egypt",
    "Kenya",
    "Hungary",
    "Australia",
    "Mexico",
    "Brazil",
    "Pakistan",
    "Malaysia",
    "Switzerland",
    "Italy",
    "Serbia",
    "Chile",
]
TEMPLATES = [
    "CAE and {org} Sign Memorandum of Understanding on {topic}",
    "International Forum on {topic} Held in {city}",
    "CAE Delegation Visits {country} to Discuss Cooperation on {topic}",
    "Delegation of {org} Visits CAE",
    "Joint Symposium on {topic} Held by CAE and {org}",
    "CAE Leaders Meet Representatives of {org}",
    "International Training Programme on {topic} Opens in {city}",
    "Experts Discuss {topic} at Global Engineering Conference in {city}",
    "Joint Report on {topic} Released in {city}",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]

NAV_LABELS = [
    "Home",
    "Home Updates",
    "International Efforts",
    "About CAE",
    "Brief Introduction",
    "Charter",
    "Leadership",
    "Presidium",
    "Organization",
    "Divisions",
    "Members",
    "Member List",
    "Foreign Members",
    "Election",
    "Consultation",
    "Strategic Studies",
    "Think Tank",
    "Reports",
    "Academic Activities",
    "Forums",
    "Conferences",
    "Lectures",
    "International Cooperation",
    "Networking / Partnership",
    "Bilateral Cooperation",
    "Multilateral Collaboration",
    "International Organizations",
    "Publications",
    "Engineering",
    "Frontiers",
    "Strategic Study of CAE",
    "Media Center",
    "News",
    "Photos",
    "Videos",
    "Awards",
    "Guanghua Engineering Science and Technology Award",
    "Events",
    "Contact Us",
    "Sitemap",
]
HEAD_SCRIPT = (
    "var _hmt=_hmt||[];(function(){var hm=document.createElement('script');"
    "hm.src='/cae/html/en/js/stat.js?v=20240101';var s=document.getElementsByTagName('script')[0];"
    "s.parentNode.insertBefore(hm,s);})();function doZoom(size){var el=document.getElementById('zoom');"
    "if(!el){return;}el.style.fontSize=size+'px';var ps=el.getElementsByTagName('p');"
    "for(var i=0;i<ps.length;i++){ps[i].style.fontSize=size+'px';}}"
)


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def published_raw(day: date) -> str:
    """Format a date as the site does: ``Nov 9, 2020``."""
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def head(title: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}-Chinese Academy of '
        'Engineering</title><meta name="keywords" content="Chinese Academy of Engineering,CAE,engineering">'
        '<link rel="stylesheet" href="/cae/html/en/css/style.css"><link rel="stylesheet" '
        f'href="/cae/html/en/css/list.css"><script>{HEAD_SCRIPT}</script></head><body>\n'
    )


def header() -> str:
    links = " ".join(
        f'<a href="{BASE}/col{1990 + i}/column_{1990 + i}_1.html">{esc(label)}</a>'
        for i, label in enumerate(NAV_LABELS)
    )
    return f'<div class="header"><div class="nav">{links}</div></div>\n'


def footer(rng: random.Random, updated: str) -> str:
    return (
        '<div class="footer"><a href="/cae/html/en/about.html">About Us</a> | <a href="/cae/html/en/contact.html">'
        'Contact Us</a> | <a href="/cae/html/en/sitemap.html">Sitemap</a><br>Copyright © Chinese Academy of '
        f"Engineering. All Rights Reserved. | Address: Beijing, China | visits: {rng.randint(100000, 999999)} "
        f"| updated {updated}</div>\n</body></html>\n"
    )


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return words[0][0].upper() + words[0][1:] + " " + " ".join(words[1:]) + "."


def body_paragraphs(rng: random.Random, target_words: int = 400) -> list[str]:
    paras, count = [], 0
    while count < target_words:
        para = " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))
        paras.append(para)
        count += len(para.split())
    return paras


def make_articles(n: int, rng: random.Random, end: date) -> list[dict]:
    """Draw n articles with dates over the last YEARS years, newest first."""
    start = datetime.combine(end - timedelta(days=365 * YEARS), time(8, 0))
    span = (datetime.combine(end, time(18, 0)) - start).total_seconds()
    moments = sorted((start + timedelta(seconds=int(rng.random() * span)) for _ in range(n)), reverse=True)
    articles, used = [], set()
    for moment in moments:
        posted = moment + timedelta(days=rng.choice([0, 0, 0, 1, 2, 3]))
        stamp = int(posted.strftime("%Y%m%d%H%M%S")) * 1000 + rng.randint(0, 999)
        while stamp in used:
            stamp += 1
        used.add(stamp)
        title = rng.choice(TEMPLATES).format(
            org=rng.choice(ORGS), topic=rng.choice(TOPICS), city=rng.choice(CITIES), country=rng.choice(COUNTRIES)
        )
        path = f"{BASE}/col{SECTION_ID}/{posted:%Y-%m}/{posted:%d}/{stamp}_1.html"
        articles.append(
            {
                "path": path,
                "title": title,
                "published": moment.date().isoformat(),
                "published_raw": published_raw(moment.date()),
            }
        )
    return articles


def article_page(article: dict, rng: random.Random, updated: str) -> str:
    blocks = [f"<p>{esc(p)}</p>" for p in body_paragraphs(rng)]
    if rng.random() < 0.4:
        year_month, day = article["path"].split("/")[-3:-1]
        image = f"{BASE}/images/{year_month}/{day}/{rng.getrandbits(96):024x}.jpg"
        blocks.insert(1, f'<p style="text-align:center"><img src="{image}" /></p>')
    content = "".join(blocks)
    title = article["title"]
    return (
        head(title) + header() + f'<div class="position"><a href="{BASE}/index.html">Home</a> &gt; '
        f'<a href="{BASE}/col{SECTION_ID}/column_{SECTION_ID}_1.html">{SECTION_TITLE}</a></div>\n'
        + f'<div class="article">\n  <h1 class="title">{esc(title)}</h1>\n'
        f'  <div class="info"><ul><li>Published: {article["published_raw"]}</li><li>•</li>'
        '<li>Source: CAE</li><li>•</li><li class="fontsize">Font size: <a href="javascript:doZoom(16)">Big</a>'
        '<a href="javascript:doZoom(14)">Medium</a><a href="javascript:doZoom(12)">Small</a></li></ul></div>\n'
        f'  <div class="content" id="zoom">{content}</div>\n'
        '  <div class="share">Share to: WeChat Weibo</div>\n</div>\n' + footer(rng, updated)
    )


def listing_page(items: list[dict], page: int, pages: int, rng: random.Random, updated: str) -> str:
    lis = "\n".join(
        f'  <li><a href="{a["path"]}" target="_blank">{esc(a["title"])}</a>'
        f'<span class="time">{a["published"]}</span></li>'
        for a in items
    )
    name = lambda n: f"column_{SECTION_ID}_{n}.html"  # noqa: E731
    pager = (
        f'<div class="page"><a href="{name(1)}">First</a> <a href="{name(max(1, page - 1))}">Prev</a> '
        f'<a href="{name(min(pages, page + 1))}">Next</a> <a href="{name(pages)}">Last</a></div>'
    )
    return (
        head(SECTION_TITLE) + header() + f'<div class="position"><a href="{BASE}/index.html">Home</a> &gt; '
        f'<a href="{BASE}/col{SECTION_ID}/{name(1)}">{SECTION_TITLE}</a></div>\n'
        + f'<div class="list_con"><ul class="news_list">\n{lis}\n</ul>\n{pager}</div>\n'
        + footer(rng, updated)
    )


def generate(
    out_dir: Path,
    n_articles: int = 1500,
    per_page: int = 20,
    seed: int = 1,
    end: date = DEFAULT_END,
    overwrite: bool = False,
) -> None:
    """Write the site to ``out_dir/v1`` and a ``manifest.json`` of its articles beside it.

    Refuses to write into an existing ``v1`` folder unless ``overwrite`` is set, so a
    smaller run never leaves stale pages of a larger one behind.
    """
    if n_articles < 1 or per_page < 1:
        raise ValueError("n_articles and per_page must be positive")
    out_dir = Path(out_dir)
    root = out_dir / "v1"
    if root.exists():
        if not overwrite:
            raise FileExistsError(f"{root} exists; pass overwrite=True (--overwrite) to replace it")
        shutil.rmtree(root)
    rng = random.Random(seed)
    updated = f"{end:%Y-%m-%d} 08:00"
    articles = make_articles(n_articles, rng, end)
    for article in articles:
        target = root / article["path"].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(article_page(article, rng, updated), encoding="utf-8")
    pages = math.ceil(n_articles / per_page)
    listing_dir = root / BASE.lstrip("/") / f"col{SECTION_ID}"
    for page in range(1, pages + 1):
        chunk = articles[(page - 1) * per_page : page * per_page]
        (listing_dir / f"column_{SECTION_ID}_{page}.html").write_text(
            listing_page(chunk, page, pages, rng, updated), encoding="utf-8"
        )
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /cae/admin/\n", encoding="utf-8")
    manifest = {
        "seed": seed,
        "articles": n_articles,
        "per_page": per_page,
        "pages": pages,
        "start_url": f"{BASE}/col{SECTION_ID}/column_{SECTION_ID}_1.html",
        "items": articles,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line: write a benchmark site to OUT."""
    parser = argparse.ArgumentParser(description="Write a CAE-style benchmark site (OUT/v1, OUT/manifest.json).")
    parser.add_argument("out", type=Path, help="site root to write")
    parser.add_argument("--articles", type=int, default=1500, help="number of articles (default: 1500)")
    parser.add_argument("--per-page", type=int, default=20, help="items per listing page (default: 20)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default: 1)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing OUT/v1")
    args = parser.parse_args(argv)
    try:
        generate(args.out, n_articles=args.articles, per_page=args.per_page, seed=args.seed, overwrite=args.overwrite)
    except (FileExistsError, ValueError) as exc:
        parser.error(str(exc))
    pages = math.ceil(args.articles / args.per_page)
    print(f"Wrote {args.articles} articles on {pages} listing pages to {args.out / 'v1'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
