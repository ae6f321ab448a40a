"""Tests for generic article extraction and listing-page link discovery."""

from __future__ import annotations

from pathlib import Path

import pytest
from parsel import Selector

from newswatch.generic import extract_article
from newswatch.listing import article_links, next_page

FIXTURES = Path(__file__).parent / "fixtures" / "generic"

ITEM_KEYS = {
    "url",
    "canonical_url",
    "title",
    "published_raw",
    "source",
    "section",
    "language",
    "summary",
    "body",
    "images",
}

# Text that sits around the article on the fixture pages and must never reach the body.
BOILERPLATE = [
    "Most read",
    "热点排行",
    "Les plus lus",
    "cookie",
    "Cookie",
    "Accept",
    "Share on",
    "Partager",
    "Font size",
    "字号",
    "Views",
    "Viewed",
    "浏览次数",
    "Visitors",
    "Visit counter",
    "Number of visits",
    "访问者",
    "Visiteurs",
    "Last update",
    "Last modified",
    "Page last updated",
    "Page generated",
    "All rights reserved",
    "版权所有",
    "About the Academy",
    "Members",
    "Contacts",
    "Privacy",
    "Back to",
    "Print",
    "打印",
    "Tags:",
    "Upcoming events",
    "Sitemap",
    "Site map",
]


def load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def paragraphs(body: str) -> list[str]:
    return body.split("\n\n")


# --- articles ---------------------------------------------------------------------------

ARTICLES = {
    "article_jsonld.html": {
        "url": "https://www.baltic-academy.example/news/2023/06/regional-forum-climate-resilient-agriculture",
        "expected": {
            "canonical_url": "https://www.baltic-academy.example/news/2023/06/regional-forum-climate-resilient-agriculture",
            "title": "Academy hosts regional forum on climate-resilient agriculture",
            "published_raw": "2023-06-25T09:30:00+03:00",
            "source": "Baltic Academy of Sciences",
            "section": ["Home", "News", "Forums and conferences"],
            "language": "en",
            "summary": "More than 140 researchers and policy makers from eight countries met in Riga to "
            "discuss how plant science can help farms adapt to drier summers.",
            "images": [
                {
                    "url": "https://www.baltic-academy.example/media/2023/06/forum-plenary.jpg",
                    "caption": "The plenary session of the forum in the Academy's Great Hall",
                }
            ],
        },
        "openings": [
            "More than 140 researchers, farmers' representatives and policy makers",
            "Opening the forum, the President of the Academy",
            "The first day was devoted to drought tolerance",
            "On the second day participants split into working groups",
            "The forum closed with the adoption of a joint statement",
        ],
    },
    "article_og.html": {
        "url": "https://asmn.example.org/en/news/two-academies-sign-agreement-on-joint-doctoral-training",
        "expected": {
            "canonical_url": "https://asmn.example.org/en/news/two-academies-sign-agreement-on-joint-doctoral-training",
            "title": "Two academies sign agreement on joint doctoral training",
            "published_raw": "2024-02-14T11:00:00+02:00",
            "source": "Academy of Sciences of Moldavia Nova",
            "section": [],
            "language": "en-GB",
            "summary": "The agreement creates up to twelve co-supervised doctoral positions a year in "
            "physics, chemistry and the life sciences.",
            "images": [
                {
                    "url": "https://asmn.example.org/uploads/2024/02/signing-ceremony.jpg",
                    "caption": "The presidents of both academies at the signing ceremony",
                }
            ],
        },
        "openings": [
            "The Academy of Sciences of Moldavia Nova and the Danube Academy of Sciences signed",
            "Under the agreement, the two academies will open up to twelve",
            '"Our young researchers need access to large instruments',
            "The first call for candidates will open in April",
            "The agreement also foresees a yearly summer school",
        ],
    },
    "article_graph_fr.html": {
        "url": "https://www.academie-outreloire.example.fr/actualites/atelier-franco-africain-sante-publique/",
        "expected": {
            "canonical_url": "https://www.academie-outreloire.example.fr/actualites/atelier-franco-africain-sante-publique/",
            "title": "L’Académie accueille un atelier franco-africain sur la santé publique",
            "published_raw": "2024-03-08T08:15:42+00:00",
            "source": "Académie des sciences d'Outre-Loire",
            "section": ["Accueil", "Actualités"],
            "language": "fr-FR",
            "summary": "Trente chercheurs de France, du Sénégal, de Côte d'Ivoire et du Cameroun ont "
            "travaillé trois jours sur la surveillance des maladies émergentes.",
            "images": [
                {
                    "url": "https://www.academie-outreloire.example.fr/wp-content/uploads/2024/03/atelier-sante-publique.jpg",
                    "caption": "Les participants de l'atelier devant l'Institut de biologie",
                },
                {
                    "url": "https://www.academie-outreloire.example.fr/wp-content/uploads/2024/03/atelier-travaux-groupes.jpg",
                    "caption": "Travaux en groupes lors de la deuxième journée",
                },
            ],
        },
        "openings": [
            "Du 4 au 6 mars, l’Académie a accueilli trente chercheurs",
            "Les participants ont d’abord dressé un état des lieux",
            "La deuxième journée a été consacrée à la formation",
            "À l’issue de l’atelier, les deux académies ont convenu",
        ],
    },
    "article_plain.html": {
        "url": "http://www.research-council.example.lt/en/news/2023/workshop-on-open-research-data",
        "expected": {
            "canonical_url": None,
            "title": "Workshop on open research data held in Vilnius",
            "published_raw": "Jun 25, 2023",
            "source": None,
            "section": [],
            "language": "en",
            "summary": None,
            "images": [],
        },
        "openings": [
            "On 21 June the Research Council, together with the Academy of Sciences",
            "In the opening session, representatives of the Research Council",
            "Practical sessions in the afternoon showed how to prepare datasets",
            "The organisers plan to repeat the workshop in Kaunas",
        ],
    },
    "article_divsoup.html": {
        "url": "http://www.caspian-academy.example.az/index.php?section=news&id=1203",
        "expected": {
            "canonical_url": None,
            "title": "Caspian Academy of Sciences :: News :: Agreement signed with the Academy of "
            "Sciences of the Steppe Republic",
            "published_raw": "12.09.2022",
            "source": None,
            "section": [],
            "language": None,
            "summary": None,
            "images": [],
        },
        "openings": [
            "On 9 September 2022 the President of the Caspian Academy of Sciences",
            "The agreement provides for joint research projects in geology",
            "During the meeting the delegations discussed the results",
            "A working group of four members from each academy",
        ],
    },
    "article_nodate.html": {
        "url": "https://www.eastern-academies.example.org/calls/young-scientist-award",
        "expected": {
            "canonical_url": None,
            "title": "Call for nominations: Young Scientist Award",
            "published_raw": None,
            "source": None,
            "section": [],
            "language": None,
            "summary": None,
            "images": [],
        },
        "openings": [
            "The Alliance of Eastern Academies invites its member academies",
            "Each member academy may nominate up to two candidates",
            "The nominations will be reviewed by an independent jury",
            "Questions about the call may be sent to the Alliance secretariat",
        ],
    },
    "article_zh.html": {
        "url": "http://www.donghai-academy.example.cn/yw/202405/t20240512_123456.shtml",
        "expected": {
            "canonical_url": None,
            "title": "两院联合举办青年科学家论坛----东海科学院",
            "published_raw": "2024-05-12",
            "source": None,
            "section": [],
            "language": "zh-CN",
            "summary": "两院联合举办青年科学家论坛，来自两国的八十余名青年学者参加。",
            "images": [],
        },
        "openings": [
            "5月10日至11日，东海科学院与北岸科学院在青岛联合举办",
            "东海科学院副院长在开幕式上致辞时表示",
            "论坛期间，十二位青年学者作了大会报告",
            "闭幕式上，两院宣布将设立青年科学家联合研究基金",
        ],
    },
}


@pytest.fixture(scope="module", params=sorted(ARTICLES))
def case(request):
    spec = ARTICLES[request.param]
    return spec, extract_article(load(request.param), spec["url"])


def test_article_metadata(case):
    spec, item = case
    assert set(item) == ITEM_KEYS
    assert item["url"] == spec["url"]
    for key, value in spec["expected"].items():
        assert item[key] == value, key


def test_article_body_has_each_paragraph_in_order(case):
    spec, item = case
    found = paragraphs(item["body"])
    assert len(found) == len(spec["openings"]), found
    for paragraph, opening in zip(found, spec["openings"]):
        assert paragraph.startswith(opening)
        assert "\n" not in paragraph


def test_article_body_has_no_boilerplate(case):
    _, item = case
    leaked = [text for text in BOILERPLATE if text in item["body"]]
    assert leaked == []


def test_body_does_not_repeat_the_title(case):
    _, item = case
    assert not paragraphs(item["body"])[0].startswith(item["title"])


def test_footer_update_stamp_is_not_taken_for_publication_date():
    html = load("article_nodate.html")
    assert "Page last updated: 2024-11-02" in html
    item = extract_article(html, ARTICLES["article_nodate.html"]["url"])
    assert item["published_raw"] is None


def test_structured_date_wins_over_visible_date():
    item = extract_article(load("article_jsonld.html"), ARTICLES["article_jsonld.html"]["url"])
    assert item["published_raw"] == "2023-06-25T09:30:00+03:00"


def test_page_without_article_gives_empty_item():
    url = "https://www.baltic-academy.example/news/missing"
    item = extract_article(load("page_no_article.html"), url)
    assert item == {
        "url": url,
        "canonical_url": None,
        "title": None,
        "published_raw": None,
        "source": None,
        "section": [],
        "language": None,
        "summary": None,
        "body": "",
        "images": [],
    }


ARTICLE_TEXT = "<p>" + "The two academies agreed to organise a joint workshop next spring. " * 6 + "</p>"


def test_relative_canonical_is_ignored_and_og_url_used():
    html = (
        "<html><head><link rel='canonical' href='/news/x'>"
        "<meta property='og:url' content='https://academy.example/news/x'></head>"
        f"<body><article>{ARTICLE_TEXT}</article></body></html>"
    )
    item = extract_article(html, "https://academy.example/news/x?utm_source=feed")
    assert item["canonical_url"] == "https://academy.example/news/x"


def test_broken_json_ld_falls_back_to_opengraph():
    html = (
        '<html><head><script type=\'application/ld+json\'>{"@type": "NewsArticle", broken</script>'
        "<meta property='og:title' content='Academies sign a memorandum'>"
        "<meta property='og:image' content='/img/signing.jpg'></head>"
        f"<body><article>{ARTICLE_TEXT}</article></body></html>"
    )
    item = extract_article(html, "https://academy.example/news/memorandum")
    assert item["title"] == "Academies sign a memorandum"
    assert item["images"] == [{"url": "https://academy.example/img/signing.jpg", "caption": None}]
    assert item["body"].startswith("The two academies agreed")


def test_json_ld_in_graph_with_references():
    html = (
        "<html lang='de'><head><script type='application/ld+json'>"
        '{"@context": "https://schema.org", "@graph": ['
        '{"@type": "Organization", "@id": "#org", "name": "Akademie der Wissenschaften"},'
        '{"@type": ["NewsArticle"], "headline": "Gemeinsamer Workshop", "datePublished": "2024-01-09",'
        ' "publisher": {"@id": "#org"}, "image": ["https://academy.example/a.jpg", {"@type": "ImageObject",'
        ' "url": "https://academy.example/b.jpg", "caption": "Plenum"}]}]}'
        f"</script></head><body><article>{ARTICLE_TEXT}</article></body></html>"
    )
    item = extract_article(html, "https://academy.example/news/workshop")
    assert item["title"] == "Gemeinsamer Workshop"
    assert item["published_raw"] == "2024-01-09"
    assert item["source"] == "Akademie der Wissenschaften"
    assert item["language"] == "de"
    assert item["images"] == [
        {"url": "https://academy.example/a.jpg", "caption": None},
        {"url": "https://academy.example/b.jpg", "caption": "Plenum"},
    ]


@pytest.mark.parametrize(
    "junk",
    [
        "",
        "   \n\t ",
        "just some plain text, not a web page",
        "<html></html>",
        "<html><head></head><body></body></html>",
        "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>",
        '{"items": [1, 2, 3]}',
        "\x00\x01\x02binary\xff",
        "https://academy.example/news/some-page",
        "<?xml version='1.0'?><rss><channel><item><title>x</title></item></channel></rss>",
        "<html><head><script type='application/ld+json'>[1, null, {\"@type\": 5}]</script></head></html>",
    ],
)
def test_junk_input_does_not_crash(junk):
    item = extract_article(junk, "https://academy.example/news/a")
    assert set(item) == ITEM_KEYS
    assert item["body"] == ""
    assert item["title"] is None and item["published_raw"] is None
    assert item["section"] == [] and item["images"] == []


# --- listings ---------------------------------------------------------------------------

BALTIC = "https://www.baltic-academy.example"
DANUBE = "https://www.danube-academy.example"
ALLIANCE = "https://www.euro-alliance.example"
YOUNG = "https://www.young-adriatic-academy.example"
DONGHAI = "http://www.donghai-academy.example.cn"

LISTINGS = {
    "listing_relnext.html": (
        f"{BALTIC}/news/",
        [
            f"{BALTIC}/news/2023/06/regional-forum-climate-resilient-agriculture",
            f"{BALTIC}/news/2023/06/new-members-elected-general-assembly",
            f"{BALTIC}/news/2023/06/agreement-with-nordic-council-of-academies",
            f"{BALTIC}/news/2023/05/young-scientists-prize-winners-announced",
            f"{BALTIC}/news/2023/05/workshop-research-ethics-committees",
            f"{BALTIC}/news/2023/05/academy-library-opens-digital-archive",
        ],
        f"{BALTIC}/news/?start=10",
    ),
    "listing_nexttext.html": (
        f"{DANUBE}/en/news/index.html",
        [
            f"{DANUBE}/en/news/detail/4830.html",
            f"{DANUBE}/en/news/detail/4826.html",
            f"{DANUBE}/en/news/detail/4821.html",
            f"{DANUBE}/en/news/detail/4815.html",
            f"{DANUBE}/en/news/detail/4809.html",
            f"{DANUBE}/en/news/detail/4802.html",
        ],
        f"{DANUBE}/en/news/index_2.html",
    ),
    "listing_page_query.html": (
        f"{ALLIANCE}/news",
        [
            f"{ALLIANCE}/news/joint-statement-on-research-security",
            f"{ALLIANCE}/news/academies-call-for-stable-framework-programme-funding",
            f"{ALLIANCE}/news/workshop-on-science-advice-in-crisis-situations",
            f"{ALLIANCE}/news/montenegrin-academy-joins-the-alliance",
            f"{ALLIANCE}/news/report-on-open-access-publishing-costs",
        ],
        f"{ALLIANCE}/news?page=2",
    ),
    "listing_page_query_last.html": (
        f"{ALLIANCE}/news?page=12",
        [
            f"{ALLIANCE}/news/alliance-general-assembly-2019-in-lisbon",
            f"{ALLIANCE}/news/statement-on-vaccine-hesitancy",
            f"{ALLIANCE}/news/alliance-website-launched",
        ],
        None,
    ),
    "listing_page_path.html": (
        f"{YOUNG}/category/news/",
        [
            f"{YOUNG}/2024/05/12/summer-school-on-marine-biodiversity-in-split/",
            f"{YOUNG}/2024/04/26/young-academies-meet-in-ljubljana/",
            f"{YOUNG}/2024/04/08/statement-on-early-career-researcher-contracts/",
            f"{YOUNG}/2024/03/21/new-members-2024/",
        ],
        f"{YOUNG}/category/news/page/2/",
    ),
    "listing_page_path_last.html": (
        f"{YOUNG}/category/news/page/3/",
        [
            f"{YOUNG}/2021/06/03/young-academy-founded/",
            f"{YOUNG}/2021/05/17/founding-assembly-announced/",
        ],
        None,
    ),
    "listing_zh.html": (
        f"{DONGHAI}/yw/index.shtml",
        [
            f"{DONGHAI}/yw/202405/t20240512_123456.shtml",
            f"{DONGHAI}/yw/202405/t20240508_123401.shtml",
            f"{DONGHAI}/yw/202404/t20240429_123377.shtml",
            f"{DONGHAI}/yw/202404/t20240422_123350.shtml",
            f"{DONGHAI}/yw/202404/t20240415_123318.shtml",
        ],
        f"{DONGHAI}/yw/index_1.shtml",
    ),
}


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_article_links(name):
    page_url, expected, _ = LISTINGS[name]
    assert article_links(Selector(text=load(name)), page_url) == expected


@pytest.mark.parametrize("name", sorted(LISTINGS))
def test_next_page(name):
    page_url, _, expected = LISTINGS[name]
    assert next_page(Selector(text=load(name)), page_url) == expected


def _page(body: str, head: str = "") -> Selector:
    return Selector(text=f"<html><head>{head}</head><body>{body}</body></html>")


LIST_URL = "https://academy.example/news/"


@pytest.mark.parametrize(
    ("body", "head", "expected"),
    [
        ("", '<link rel="next" href="/news/2/">', "https://academy.example/news/2/"),
        ('<a rel="nofollow next" href="/news/?from=20">more</a>', "", "https://academy.example/news/?from=20"),
        ('<a href="/news/?from=20">  Next page </a>', "", "https://academy.example/news/?from=20"),
        ('<a href="/news/?from=20">›</a>', "", "https://academy.example/news/?from=20"),
        ('<a href="/news/?from=20">»</a>', "", "https://academy.example/news/?from=20"),
        ('<a href="/news/?from=20">Suivant</a>', "", "https://academy.example/news/?from=20"),
        ('<a href="/news/?from=20">WEITER</a>', "", "https://academy.example/news/?from=20"),
        ('<a href="/news/?from=20">下一页</a>', "", "https://academy.example/news/?from=20"),
        (
            '<a href="/news/?from=20" aria-label="Next"><i class="icon"></i></a>',
            "",
            "https://academy.example/news/?from=20",
        ),
        ('<a href="#">Next</a><a href="/news/">Next</a>', "", None),
        ('<a href="javascript:void(0)">Next</a>', "", None),
        ('<a href="/news/?p=2">2</a>', "", "https://academy.example/news/?p=2"),
        ('<a href="/news/?pageNo=2">2</a>', "", "https://academy.example/news/?pageNo=2"),
        ('<a href="/news/page/2">2</a>', "", "https://academy.example/news/page/2"),
        ('<a href="/news/?page=3">3</a><a href="/events/">Events</a>', "", None),
        ('<a href="/news/2024/05/forum">Forum held</a>', "", None),
    ],
)
def test_next_page_variants(body, head, expected):
    assert next_page(_page(body, head), LIST_URL) == expected


def test_next_page_increments_existing_page_number():
    sel = _page('<a href="?pageNo=3">3</a><a href="?pageNo=5">5</a><a href="?pageNo=4">4</a>')
    assert next_page(sel, "https://academy.example/news?pageNo=3") == "https://academy.example/news?pageNo=4"


def test_next_page_never_returns_current_page():
    sel = _page("", '<link rel="next" href="https://academy.example/news/">')
    assert next_page(sel, LIST_URL) is None


def test_article_links_drop_non_article_links():
    body = """
    <div class="list">
      <a href="/news/2024/05/academies-sign-agreement#comments">Academies sign cooperation agreement</a>
      <a href="/news/2024/05/academies-sign-agreement">Academies sign cooperation agreement</a>
      <a href="/news/2024/04/workshop-on-open-data">Workshop on open data held in Riga</a>
      <a href="https://www.academy.example/news/2024/04/workshop-on-open-data/">Workshop on open data</a>
      <a href="/news/2024/04/report-2023.pdf">Annual report for the year 2023</a>
      <a href="mailto:press@academy.example">Write to the press office today</a>
      <a href="javascript:share()">Share this page with friends</a>
      <a href="https://other.example/news/2024/04/foreign-story">A story on another website</a>
      <a href="#top">Back to the top of page</a>
      <a href="/news/?page=2">Older news from the Academy</a>
      <a href="/news/">All news of the Academy</a>
    </div>
    <div class="share-bar"><a href="/news/2024/04/share-target">Share this on a network</a></div>
    """
    assert article_links(_page(body), LIST_URL) == [
        "https://academy.example/news/2024/05/academies-sign-agreement",
        "https://academy.example/news/2024/04/workshop-on-open-data",
    ]


def test_article_links_on_page_without_links():
    assert article_links(_page("<p>No news yet.</p>"), LIST_URL) == []


def test_article_links_survive_a_page_wide_sidebar_class():
    body = """
    <div class="layout with-sidebar">
      <div class="items">
        <h3><a href="/news/2024/05/forum-on-water-research">Forum on water research opens in Tartu</a></h3>
        <h3><a href="/news/2024/05/new-doctoral-programme">New joint doctoral programme announced</a></h3>
      </div>
      <aside><a href="/news/2024/01/most-read-story">A story everybody read in January</a></aside>
    </div>
    """
    assert article_links(_page(body), LIST_URL) == [
        "https://academy.example/news/2024/05/forum-on-water-research",
        "https://academy.example/news/2024/05/new-doctoral-programme",
    ]
