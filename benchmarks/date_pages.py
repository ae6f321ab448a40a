"""Small news pages in the styles real sites use, each with its known publication date (or none).

Three splits: ``tuned`` (the styles the date reading was developed on), ``heldout`` (styles kept
apart; its one miss, Drupal's "Submitted by … on <date>", was then fixed, so it is seen now) and
``unseen`` (styles written after that fix and scored as they came out; nothing was changed for them).
The text is written for this benchmark and reports no real events. Used by bench_dates.py.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Page:
    split: str
    style: str
    url: str
    html: str
    gold: str | None  # ISO date, or None: the page states no publication date
    day_first: bool | None = None  # the site's known order of numeric dates, as a site spider declares it


TOPICS = [
    (
        "Academies Discuss Water Security in Dry Regions",
        "Experts from nine countries compared how irrigation, groundwater monitoring and crop choice can keep"
        " farms productive when rainfall becomes less reliable.",
        "The organisers will publish a summary of the recommendations for ministries and universities.",
    ),
    (
        "Training Course on Seismic Engineering Opens",
        "Thirty young engineers began a course on the design of buildings that withstand strong earthquakes,"
        " with lectures in the morning and laboratory sessions in the afternoon.",
        "Participants will present small projects at the end of the course to a panel of senior engineers.",
    ),
    (
        "New Fellowship Supports Women in Physics",
        "The fellowship will fund two years of research for early-career physicists and provide mentoring"
        " from senior members of the academy.",
        "Applications are reviewed by a committee that includes members from several partner institutions.",
    ),
    (
        "Observatory Shares Data on Solar Activity",
        "Researchers released a decade of measurements of sunspots and solar flares so that other groups can"
        " test their forecasting models on the same records.",
        "The data set is accompanied by notes that explain how the instruments were calibrated over time.",
    ),
    (
        "Delegation Visits Research Institutes in the South",
        "The delegation toured laboratories working on marine biology, renewable energy and food safety, and"
        " met students who take part in exchange programmes.",
        "Both sides agreed to prepare a joint call for proposals before the end of the year.",
    ),
    (
        "Report Examines the Future of Urban Transport",
        "The report looks at how cities can reduce congestion and emissions through better public transport,"
        " safer cycling routes and smarter traffic management.",
        "Its authors recommend pilot projects in medium-sized cities before any national programme.",
    ),
    (
        "Forum on Artificial Intelligence in Medicine",
        "Doctors, engineers and ethicists debated how diagnostic software should be tested before it is used"
        " in hospitals and who should be accountable when it fails.",
        "A working group will draft guidance for hospitals that want to adopt such tools.",
    ),
    (
        "Academy Honours Outstanding Teachers of Science",
        "Twelve secondary school teachers received awards for lessons that brought experiments and fieldwork"
        " into classrooms with very limited equipment.",
        "The winners will share their lesson plans with other schools through an online library.",
    ),
    (
        "Workshop Maps Biodiversity of Mountain Forests",
        "Botanists and zoologists combined survey records from several decades to map where rare species of"
        " plants and birds still survive in the mountain forests.",
        "The maps will help park managers decide where to restrict access during breeding seasons.",
    ),
    (
        "Joint Laboratory for Battery Research Inaugurated",
        "The new laboratory will study materials for batteries that last longer and rely less on scarce metals,"
        " bringing together chemists and engineers from two universities.",
        "Its first projects focus on recycling and on safer electrolytes for large storage systems.",
    ),
    (
        "Conference Reviews Progress on Clean Cooking",
        "Speakers presented results from villages where new stoves have reduced smoke in homes and cut the"
        " time families spend collecting firewood.",
        "Participants called for more long-term studies of the health effects of cleaner stoves.",
    ),
    (
        "Council Publishes Guidelines on Open Access",
        "The guidelines describe how publicly funded research articles and data should be made freely"
        " available, and how authors can meet the costs of doing so.",
        "Member organisations are invited to comment on the guidelines during the coming months.",
    ),
]
MONTHS = calendar.month_name
ABBR = calendar.month_abbr
FR = [
    "",
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
DE = [
    "",
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
ES = [
    "",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


def paragraphs(topic, lead: str = "") -> str:
    _, first, second = topic
    return f"<p>{lead}{first}</p><p>{second}</p>"


def doc(title: str, body: str, head: str = "", lang: str = "en") -> str:
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


NAV = "<div class='nav'><a href='/'>Home</a> <a href='/news/'>News</a> <a href='/about/'>About</a></div>"
FOOT = "<div class='footer'>Copyright © 2008-2026 All rights reserved | visits: 93114 | updated 2026-11-20 08:00</div>"


# --- tuned styles -----------------------------------------------------------------------------------


def cae_like(t, d: date) -> tuple[str, str]:
    info = (
        f"<ul><li>Published: {ABBR[d.month]} {d.day}, {d.year}</li><li>•</li><li>Source: CAE</li>"
        "<li>Font size: Big Medium Small</li></ul>"
    )
    body = (
        f"{NAV}<div class='article'><h1>{t[0]}</h1><div class='info'>{info}</div>"
        f"<div id='zoom'>{paragraphs(t)}</div></div>{FOOT}"
    )
    return doc(t[0] + "-Academy", body), f"/cae/html/en/col2003/2011-03/22/{d:%Y%m%d}0845_1.html"


def wordpress(t, d: date) -> tuple[str, str]:
    side = (
        "<aside class='widget'><h3>Recent posts</h3><ul><li><a href='/a/'>Annual meeting</a> 2026-10-01</li>"
        "<li><a href='/b/'>Call for papers</a> 2026-09-12</li></ul></aside>"
    )
    body = (
        f"{NAV}<article><header><h1 class='entry-title'>{t[0]}</h1><div class='entry-meta'>Posted on "
        f"<span>{MONTHS[d.month]} {d.day}, {d.year}</span> by Communications</div></header>"
        f"<div class='entry-content'>{paragraphs(t)}</div></article>{side}{FOOT}"
    )
    return doc(t[0], body), f"/{t[0].lower().replace(' ', '-')}/"


def trs_chinese(t, d: date) -> tuple[str, str]:
    info = f"<div class='xl-info'><span>发布时间：{d:%Y-%m-%d} 09:30</span> <span>来源：综合新闻</span></div>"
    body = (
        f"{NAV}<div class='xl-main'><h2 class='xl-title'>{t[0]}</h2>{info}"
        f"<div class='TRS_Editor'>{paragraphs(t)}</div></div>{FOOT}"
    )
    return doc(t[0], body, lang="zh-CN"), f"/xwzx/{d:%Y%m}/t{d:%Y%m%d}_4{d.day:02d}.html"


def press_dateline(t, d: date) -> tuple[str, str]:
    lead = f"Nairobi, {d.day} {MONTHS[d.month]} {d.year} – "
    body = f"{NAV}<main><h1>{t[0]}</h1><div class='text'>{paragraphs(t, lead)}</div></main>{FOOT}"
    return doc(t[0], body), f"/press/{t[0].split()[0].lower()}-release.html"


def table_layout(t, d: date) -> tuple[str, str]:
    meta = (
        f"<table class='meta'><tr><td>Date:</td><td>{d:%Y-%m-%d}</td><td>Author:</td><td>Secretariat</td></tr></table>"
    )
    body = f"{NAV}<table><tr><td><h1>{t[0]}</h1>{meta}{paragraphs(t)}</td></tr></table>{FOOT}"
    return doc(t[0], body), f"/news/show.php?id={d.day}{d.month}"


def jsonld_updated(t, d: date) -> tuple[str, str]:
    ld = (
        f'<script type="application/ld+json">{{"@context":"https://schema.org","@type":"NewsArticle",'
        f'"headline":"{t[0]}","datePublished":"{d:%Y-%m-%d}T08:00:00Z","dateModified":"2026-11-01T08:00:00Z"}}'
        "</script>"
    )
    body = f"{NAV}<article><h1>{t[0]}</h1><p class='upd'>Updated: 1 November 2026</p>{paragraphs(t)}</article>{FOOT}"
    return doc(t[0], body, ld), f"/stories/{t[0].split()[1].lower()}"


def no_date(t, d: date | None) -> tuple[str, str]:
    body = (
        f"{NAV}<div class='content'><h1>{t[0]}</h1>{paragraphs(t)}</div>"
        "<div class='footer'>Copyright © 2026 The Academy. Contact: info@academy.example</div>"
    )
    return doc(t[0], body), f"/programmes/{t[0].split()[0].lower()}.html"


def dotted_numeric(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<div class='news'><h1>{t[0]}</h1><span class='datum'>{d:%d.%m.%Y}</span>"
        f"<div class='body'>{paragraphs(t)}</div></div>{FOOT}"
    )
    return doc(t[0], body, lang="en"), f"/en/news/{d:%Y}/item{d.day}.html"


def date_above_title(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<div class='post'><span class='date'>{d.day} {ABBR[d.month]} {d.year}</span><h1>{t[0]}</h1>"
        f"{paragraphs(t)}</div>{FOOT}"
    )
    return doc(t[0], body), f"/news/{t[0].split()[0].lower()}"


def event_page(t, d: date) -> tuple[str, str]:
    ev = date(d.year + 1, (d.month % 12) + 1, 14)
    info = (
        f"<p>Event date: {ev.day} {MONTHS[ev.month]} {ev.year} | Venue: Conference Hall</p>"
        f"<p>Posted: {d.day} {MONTHS[d.month]} {d.year}</p>"
    )
    body = f"{NAV}<div class='event'><h1>{t[0]}</h1>{info}{paragraphs(t)}</div>{FOOT}"
    return doc(t[0], body), f"/events/{t[0].split()[0].lower()}.html"


def xinhua_dateline(t, d: date) -> tuple[str, str]:
    lead = f"新华社北京{d.year}年{d.month}月{d.day}日电 "
    body = f"{NAV}<div class='main'><h1>{t[0]}</h1><div class='con'>{paragraphs(t, lead)}</div></div>{FOOT}"
    return doc(t[0], body, lang="zh-CN"), f"/c/{t[0].split()[0].lower()}.htm"


def anso_day_first(t, d: date) -> tuple[str, str]:
    info = f"<div class='detail-info'><span>Date: {d:%d %m}, {d.year}</span><span>Source: ANSO</span></div>"
    body = (
        f"{NAV}<div class='detail'><h2 class='detail-title'>{t[0]}</h2>{info}"
        f"<div class='TRS_Editor'>{paragraphs(t)}</div></div>{FOOT}"
    )
    return doc(t[0], body), f"/news/anso/{d:%Y%m}/t{d:%Y%m%d}_6{d.day:02d}.html"


# --- held-out styles --------------------------------------------------------------------------------


def drupal_submitted(t, d: date) -> tuple[str, str]:
    sub = (
        f"<div class='submitted'>Submitted by Press Team on {calendar.day_abbr[d.weekday()]}, "
        f"{d:%m/%d/%Y} - 10:15</div>"
    )
    body = (
        f"{NAV}<div class='node'><h1 class='page-title'>{t[0]}</h1>{sub}<div class='field-body'>"
        f"{paragraphs(t)}</div></div>{FOOT}"
    )
    return doc(t[0], body), f"/node/{d.day * 37}"


def french(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<main><h1>{t[0]}</h1><p class='chapo'>Publié le {d.day} {FR[d.month]} {d.year}</p>"
        f"{paragraphs(t)}</main>{FOOT}"
    )
    return doc(t[0], body, lang="fr"), f"/fr/actualites/{t[0].split()[0].lower()}"


def german(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<main><h1>{t[0]}</h1><div class='meta'>Veröffentlicht am {d.day}. {DE[d.month]} {d.year}</div>"
        f"{paragraphs(t)}</main>{FOOT}"
    )
    return doc(t[0], body, lang="de"), f"/de/aktuelles/{t[0].split()[0].lower()}"


def spanish(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<div class='nota'><h1>{t[0]}</h1><p><strong>Fecha:</strong> {d.day} de {ES[d.month]} de {d.year}"
        f"</p>{paragraphs(t)}</div>{FOOT}"
    )
    return doc(t[0], body, lang="es"), f"/noticias/{t[0].split()[0].lower()}.html"


def release_date(t, d: date) -> tuple[str, str]:
    body = f"{NAV}<div class='pr'><h1>{t[0]}</h1><p><b>Release Date:</b> {d:%Y/%m/%d}</p>{paragraphs(t)}</div>{FOOT}"
    return doc(t[0], body), f"/pr/{d.day}{d.month}.aspx"


def meta_only(t, d: date) -> tuple[str, str]:
    head = f"<meta property='article:published_time' content='{d:%Y-%m-%d}T06:30:00+01:00'>"
    side = "<div class='sidebar'><h3>Archive</h3><p>12 May 2019</p><p>3 March 2020</p></div>"
    body = f"{NAV}<article><h1>{t[0]}</h1>{paragraphs(t)}</article>{side}{FOOT}"
    return doc(t[0], body, head), f"/articles/{t[0].split()[1].lower()}"


def future_event_no_date(t, d: date | None) -> tuple[str, str]:
    lead = "The symposium will take place on 12 June 2027 in the main auditorium. "
    body = (
        f"{NAV}<div class='content'><h1>{t[0]}</h1>{paragraphs(t, lead)}</div>"
        "<div class='footer'>© The Academy. All rights reserved.</div>"
    )
    return doc(t[0], body), f"/symposium/{t[0].split()[0].lower()}"


def updated_then_published(t, d: date) -> tuple[str, str]:
    line = f"<p class='dates'>Last updated: 2 October 2026 | Published on: {MONTHS[d.month]} {d.day}, {d.year}</p>"
    body = f"{NAV}<main><h1>{t[0]}</h1>{line}{paragraphs(t)}</main>{FOOT}"
    return doc(t[0], body), f"/media/{t[0].split()[0].lower()}"


def time_byline(t, d: date) -> tuple[str, str]:
    byline = (
        f"<p class='byline'>By Staff Writer · <time datetime='{d:%Y-%m-%d}T08:00:00+02:00'>"
        f"{d.day} {MONTHS[d.month]} {d.year}</time></p>"
    )
    body = f"{NAV}<article><h1>{t[0]}</h1>{byline}{paragraphs(t)}</article>{FOOT}"
    return doc(t[0], body), f"/blog/{t[0].split()[0].lower()}"


def japanese(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<div id='main'><h1>{t[0]}</h1><p class='date'>{d.year}年{d.month}月{d.day}日</p>"
        f"{paragraphs(t)}</div>{FOOT}"
    )
    return doc(t[0], body, lang="ja"), f"/ja/news/{d:%Y%m%d}.html"


def geneva_dateline(t, d: date) -> tuple[str, str]:
    lead = f"GENEVA, {d.day} {MONTHS[d.month]} {d.year} – "
    body = f"{NAV}<div class='release'><h1>{t[0]}</h1>{paragraphs(t, lead)}</div>{FOOT}"
    return doc(t[0], body), f"/releases/{t[0].split()[0].lower()}"


# --- unseen styles: written after the held-out fix, scored as they came out -------------------------

IT = [
    "",
    "gennaio",
    "febbraio",
    "marzo",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "agosto",
    "settembre",
    "ottobre",
    "novembre",
    "dicembre",
]


def blog_time_no_year(t, d: date) -> tuple[str, str]:
    head = f"<time class='dt-published' datetime='{d:%Y-%m-%d}'>{ABBR[d.month]} {d.day}</time>"
    body = (
        f"{NAV}<article class='post'><h1 class='p-name'>{t[0]}</h1><div class='byline'>{head}</div>"
        f"{paragraphs(t)}</article>{FOOT}"
    )
    return doc(t[0], body), f"/blog/{t[0].split()[2].lower()}"


def italian(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<div class='articolo'><h1>{t[0]}</h1><p class='data'>Pubblicato il {d.day} {IT[d.month]} {d.year}"
        f"</p>{paragraphs(t)}</div>{FOOT}"
    )
    return doc(t[0], body, lang="it"), f"/it/notizie/{t[0].split()[0].lower()}"


def event_and_news_lines(t, d: date) -> tuple[str, str]:
    lines = (
        f"<p class='ev'>Event: 12–14 June {d.year + 1}, Vienna</p>"
        f"<p class='kicker'>News | {d.day} {MONTHS[d.month]} {d.year}</p>"
    )
    body = f"{NAV}<main><h1>{t[0]}</h1>{lines}{paragraphs(t)}</main>{FOOT}"
    return doc(t[0], body), f"/news-and-events/{t[0].split()[1].lower()}"


def korean_dotted(t, d: date) -> tuple[str, str]:
    body = (
        f"{NAV}<div class='board_view'><h3 class='tit'>{t[0]}</h3><ul class='info'><li>등록일 {d:%Y.%m.%d}</li>"
        f"<li>조회수 1532</li></ul><div class='view_cont'>{paragraphs(t)}</div></div>{FOOT}"
    )
    return doc(t[0], body, lang="ko"), f"/board/view.do?idx={d.day * 13}"


def washington_paren(t, d: date) -> tuple[str, str]:
    lead = f"WASHINGTON ({MONTHS[d.month]} {d.day}, {d.year}) — "
    body = f"{NAV}<div class='release'><p>FOR IMMEDIATE RELEASE</p><h1>{t[0]}</h1>{paragraphs(t, lead)}</div>{FOOT}"
    return doc(t[0], body), f"/news/releases/{t[0].split()[0].lower()}"


def last_modified_only(t, d: date | None) -> tuple[str, str]:
    body = (
        f"{NAV}<div class='page'><h1>{t[0]}</h1>{paragraphs(t)}</div>"
        "<div class='footer'>Last modified: 2024-02-02 · Privacy · Accessibility</div>"
    )
    return doc(t[0], body), f"/about/{t[0].split()[0].lower()}"


def category_slash_dmy(t, d: date) -> tuple[str, str]:
    day = 13 + d.day % 15
    body = (
        f"{NAV}<div class='item'><h1>{t[0]}</h1><div class='cat'>Science policy | {day:02d}/{d.month:02d}/{d.year}"
        f"</div>{paragraphs(t)}</div>{FOOT}"
    )
    return doc(t[0], body), f"/item/{t[0].split()[0].lower()}-{day}"


def un_weekday_label(t, d: date) -> tuple[str, str]:
    label = f"<p><span>Date:</span> {calendar.day_name[d.weekday()]}, {d.day} {MONTHS[d.month]} {d.year}</p>"
    body = f"{NAV}<div class='story'><h1>{t[0]}</h1>{label}{paragraphs(t)}</div>{FOOT}"
    return doc(t[0], body), f"/en/story/{d:%Y/%m}/{t[0].split()[0].lower()}"


UNSEEN = [
    blog_time_no_year,
    italian,
    event_and_news_lines,
    korean_dotted,
    washington_paren,
    last_modified_only,
    category_slash_dmy,
    un_weekday_label,
]
TUNED = [
    cae_like,
    wordpress,
    trs_chinese,
    press_dateline,
    table_layout,
    jsonld_updated,
    no_date,
    dotted_numeric,
    date_above_title,
    event_page,
    xinhua_dateline,
    anso_day_first,
]
HELDOUT = [
    drupal_submitted,
    french,
    german,
    spanish,
    release_date,
    meta_only,
    future_event_no_date,
    updated_then_published,
    time_byline,
    japanese,
    geneva_dateline,
]
NO_DATE = {no_date, future_event_no_date, last_modified_only}
DAY_FIRST = {anso_day_first}


def pages() -> list[Page]:
    """Every page of both splits: three of each style, with different topics and dates."""
    out = []
    for split, styles, offset in (("tuned", TUNED, 0), ("heldout", HELDOUT, 5), ("unseen", UNSEEN, 9)):
        for s, style in enumerate(styles):
            for k in range(3):
                topic = TOPICS[(s + 4 * k + offset) % len(TOPICS)]
                d = date(2018 + (s + k) % 8, 1 + (3 * s + 5 * k) % 12, 1 + (7 * s + 11 * k) % 28)
                html, path = style(topic, d)
                gold = None if style in NO_DATE else d.isoformat()
                if style is category_slash_dmy:
                    gold = d.replace(day=13 + d.day % 15).isoformat()
                day_first = True if style in DAY_FIRST else None
                out.append(Page(split, style.__name__, "https://site.example" + path, html, gold, day_first))
    return out
