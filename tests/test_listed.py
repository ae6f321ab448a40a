"""What a listing shows of each article (title, date), and when it differs from the stored copy."""

from pathlib import Path

from parsel import Selector

from newswatch.listed import Listed, listed_entries, listing_differs, titles_agree

SITES = Path(__file__).parent / "fixtures" / "sites"


def entries(path: Path, url: str, links: list[str]) -> dict[str, Listed]:
    return listed_entries(Selector(text=path.read_text("utf-8")), url, links)


def test_cae_listing_shows_title_and_date_of_each_article():
    base = "http://127.0.0.1:8000/cae/html/en/col2003/column_2003_1.html"
    first = "http://127.0.0.1:8000/cae/html/en/col2003/2025-10/16/20251016101522347_1.html"
    second = "http://127.0.0.1:8000/cae/html/en/col2003/2024-05/20/20240520143318056_1.html"
    shown = entries(SITES / "cae/v1/cae/html/en/col2003/column_2003_1.html", base, [first, second])
    assert shown[first] == Listed(
        "CAE Delegation Visits Egypt and Kenya to Advance Engineering Education Cooperation", "2025-10-14"
    )
    assert shown[second].date == "2024-05-18"


def test_anso_listing_cuts_titles_but_gives_them_whole_in_the_title_attribute():
    base = "http://127.0.0.1:8000/news/anso/index.html"
    url = "http://127.0.0.1:8000/news/anso/202504/t20250428_651203.html"
    shown = entries(SITES / "anso/v1/news/anso/index.html", base, [url])
    assert shown[url] == Listed(
        "ANSO Launches Joint Research Programme on Climate-Resilient Agriculture in Arid Regions", "2025-04-28"
    )


def test_teasers_with_image_link_title_link_summary_and_date_line():
    html = """<main>
      <div class="teaser"><a href="/n/1"><img src="a.jpg"></a><h3><a href="/n/1">Forum on Ocean Science Held</a></h3>
        <p>A long summary of the forum that mentions 2024 and many other things in passing, far too long.</p>
        <p class="meta">Posted 12 March 2024</p></div>
      <div class="teaser"><h3><a href="/n/2">Academy Elects New Members</a></h3><a href="/n/2">Read more</a></div>
    </main><footer>updated 2026-10-28</footer>"""
    shown = listed_entries(
        Selector(text=html), "https://example.org/news/", ["https://example.org/n/1", "https://example.org/n/2"]
    )
    assert shown["https://example.org/n/1"] == Listed("Forum on Ocean Science Held", "2024-03-12")
    assert shown["https://example.org/n/2"] == Listed("Academy Elects New Members", None)  # no date beside it


def test_links_resolved_against_the_pages_base_href():
    html = (
        '<head><base href="https://cdn.example.org/site/"></head><ul><li><a href="n/1">Forum on Ocean Science Held</a>'
    )
    html += '<span>2024-03-12</span></li><li><a href="n/2">Academy Elects New Members</a></li></ul>'
    urls = ["https://cdn.example.org/site/n/1", "https://cdn.example.org/site/n/2"]
    shown = listed_entries(Selector(text=html), "https://example.org/news/", urls)
    assert shown == {
        urls[0]: Listed("Forum on Ocean Science Held", "2024-03-12"),
        urls[1]: Listed("Academy Elects New Members", None),
    }  # not the date of the entry before


def test_link_texts_that_say_nothing_are_no_title():
    html = '<ul><li><a href="/n/1">More</a></li><li><a href="/n/2">详细</a></li></ul>'
    shown = listed_entries(Selector(text=html), "https://example.org/", ["https://example.org/n/1"])
    assert shown == {"https://example.org/n/1": Listed(None, None)}


def test_titles_agree_despite_case_width_spacing_and_truncation():
    stored = "Global Engineering Education Summit 2026 Opens in Hangzhou"
    assert titles_agree("Global  Engineering Education Summit 2026 Opens in Hangzhou", stored)
    assert titles_agree("GLOBAL ENGINEERING EDUCATION SUMMIT 2026 OPENS IN HANGZHOU", stored)
    assert titles_agree("Global Engineering Education Summit 2026 Op...", stored)
    assert titles_agree("Global Engineering Education Summit 2026 Op…", stored)
    assert titles_agree("Ｇｌｏｂａｌ Engineering Education Summit 2026 Opens in Hangzhou", stored)
    assert not titles_agree("Global Engineering Education Summit 2025 Opens in Hangzhou", stored)
    assert not titles_agree("Global Engineering Education Summit 2025...", stored)
    assert not titles_agree("Global Engineering Education Summit 2026", stored)  # cut without saying so


def test_listing_differs_names_the_fields_and_ignores_what_is_not_shown():
    stored = ("Forum on Ocean Science Held", "2024-03-12")
    assert listing_differs(Listed("Forum on Ocean Science Held", "2024-03-12"), *stored) == []
    assert listing_differs(Listed("Forum on Ocean Sciences Held", "2024-03-12"), *stored) == ["title"]
    assert listing_differs(Listed("Forum on Ocean Science Held", "2024-03-13"), *stored) == ["published"]
    assert listing_differs(Listed("Forum on Ocean Science Held", "2024-03-12"), "x", "2024-03-12T10:00:00+08:00") == [
        "title"
    ]
    assert (
        listing_differs(Listed("Forum on Ocean Science Held", "2024-03-12"), stored[0], "2024-03-12T10:00:00+08:00")
        == []
    )
    assert listing_differs(Listed(None, None), *stored) == []
    assert listing_differs(None, *stored) == []
    assert listing_differs(Listed("Forum on Ocean Science Held", "2024-03-12"), None, None) == []
