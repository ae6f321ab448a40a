"""Publication dates read from the page's own words, one test per form, before any guess."""

from __future__ import annotations

import pytest

from newswatch.dates import parse_date
from newswatch.extraction import extract_item
from newswatch.generic import extract_article
from spiders.anso import AnsoSpider

BODY = (
    "<p>The meeting brought together delegates from eleven member organisations, who reviewed the"
    " progress of joint projects and agreed on a plan of work for the next two years.</p>"
    "<p>Participants also visited laboratories and discussed how young researchers could take part.</p>"
)


def page(line: str, *, above: bool = False, first_paragraph: str = "") -> str:
    info = f"<div class='meta'>{line}</div>" if line else ""
    head = (
        f"{info}<h1>Delegates Review Joint Projects</h1>"
        if above
        else f"<h1>Delegates Review Joint Projects</h1>{info}"
    )
    return (
        "<html><head><title>Delegates Review Joint Projects</title></head><body>"
        "<div class='nav'><a href='/'>Home</a> <a href='/news/'>News</a></div>"
        f"<div class='main'>{head}{first_paragraph}{BODY}</div>"
        "<div class='foot'>Copyright 2009-2026 · Last updated 2026-11-20</div></body></html>"
    )


def published(html: str, day_first: bool | None = None) -> str | None:
    raw = extract_article(html, "https://org.example/news/item.html", day_first=day_first)["published_raw"]
    return parse_date(raw, None, None, day_first)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Published: Jun 25, 2023 • Source: CAE • Font size: BigMediumSmall", "2023-06-25"),
        ("Date: 2019-07-02", "2019-07-02"),
        ("Release time: 2023-05-04 10:00", "2023-05-04T10:00:00"),
        ("发布时间：2024年5月25日 来源：中国工程院", "2024-05-25"),
        ("日期：2021-11-03", "2021-11-03"),
        ("Posted on March 3, 2021 by the Secretariat", "2021-03-03"),
        ("Submitted by Press Team on Tue, 06/12/2019 - 10:15", "2019-06-12"),
        ("Tuesday, 2 April 2026", "2026-04-02"),
        ("Date: 02 April 2026 | Press Office", "2026-04-02"),
    ],
)
def test_a_date_line_under_the_title(line, expected):
    assert published(page(line)) == expected


def test_a_date_line_over_the_title():
    assert published(page("12 January 2022", above=True)) == "2022-01-12"


def test_a_dateline_opening_the_body():
    opening = (
        "<p>Paris, 4 July 2018 – Ministers and academy presidents met today to launch a programme on ocean science.</p>"
    )
    assert published(page("", first_paragraph=opening)) == "2018-07-04"


def test_a_chinese_dateline():
    opening = (
        "<p>新华社北京2024年5月25日电 两院院士大会今天在北京开幕，来自全国各地的院士参加了会议并交流了研究进展。</p>"
    )
    assert published(page("", first_paragraph=opening)) == "2024-05-25"


def test_anso_day_first_date_line():
    assert published(page("Date: 03 06, 2024"), day_first=True) == "2024-06-03"
    assert published(page("Date: 13 05, 2019"), day_first=True) == "2019-05-13"


def test_anso_spider_reads_its_date_lines_day_first():
    html = (
        "<html><head><title>ANSO Holds Council Meeting</title></head><body>"
        "<h2 class='detail-title'>ANSO Holds Council Meeting</h2>"
        "<div class='detail-info'><span>Date: 03 06, 2024</span>"
        f"<span>Source: ANSO</span></div><div class='TRS_Editor'>{BODY}</div></body></html>"
    )
    item = extract_item(AnsoSpider, html, "http://www.anso.org.cn/news/anso/202406/t20240603_123456.html")
    assert item["published"] == "2024-06-03"


def test_a_date_line_wins_over_the_footers_dates():
    assert published(page("Published: 9 November 2020")) == "2020-11-09"


def test_an_update_line_or_an_event_date_is_not_the_publication_date():
    assert (
        extract_article(page("Updated: May 3, 2024<br>Published: May 1, 2024"), "https://o.example/a")["published_raw"]
        == "May 1, 2024"
    )
    assert (
        extract_article(page("Event date: 4 May 2024 | Published: 2 May 2024"), "https://o.example/a")["published_raw"]
        == "2 May 2024"
    )


def test_htmldate_searches_when_the_words_state_no_date():
    html = page("").replace("<head>", "<head><meta name='date' content='2020-02-03'>")
    assert published(html) == "2020-02-03"


def test_no_date_is_invented():
    html = page("").replace("Copyright 2009-2026 · Last updated 2026-11-20", "Contact us")
    assert extract_article(html, "https://org.example/news/item.html")["published_raw"] is None


def test_the_walk_stops_past_the_lines_after_the_title(monkeypatch):
    """A long page is read only as far as the lines after its title: the rest is never needed."""
    import newswatch.datelines as datelines

    walked = []
    lines = datelines._lines

    def counted(root, *args):
        for line in lines(root, *args):
            walked.append(line)
            yield line

    monkeypatch.setattr(datelines, "_lines", counted)
    filler = "".join(f"<p>Paragraph {i} of a long report on the work of the committee.</p>" for i in range(2000))
    html = page("Published: June 25, 2023").replace(BODY, BODY + filler)
    assert extract_article(html, "https://example.org/a")["published_raw"] == "June 25, 2023"
    assert 0 < len(walked) <= 4 + datelines._AFTER + 1  # the nav line, the title, its window


def test_dates_are_read_in_the_pages_language_first(monkeypatch):
    """The info line's date is searched in the language the page declares before any other."""
    import newswatch.dates as dates

    asked = []
    search = dates._search

    def spy(text, languages, day_first=None):
        asked.append(languages)
        return search(text, languages, day_first)

    monkeypatch.setattr(dates, "_search", spy)
    parse_date.cache_clear()
    html = page("Publicado: 22 de outubro de 2010").replace("<html>", "<html lang='pt'>")
    assert extract_article(html, "https://example.org/a")["published_raw"] == "22 de outubro de 2010"
    assert asked and asked[0] == ("pt",)
