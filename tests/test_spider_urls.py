"""Every URL shape seen on the institutions' published pages is accepted by its spider; other shapes are not.

The accepted URLs are those recorded as evidence in each spider's docstring (or their shape with
other numbers); the rejected ones are listing pages, section pages and near misses.
"""

from __future__ import annotations

import pytest

from newswatch.crawling.runner import spider_classes
from spiders.anso import AnsoSpider
from spiders.cae import CaeSpider
from spiders.cas import CasSpider
from spiders.cast import CastSpider
from spiders.cast_zh import CastZhSpider

ACCEPTED = [
    # ANSO: both hosts, camelCase sections, headline slides
    (AnsoSpider, "http://www.anso.org.cn/news/anso/201911/t20191118_525656.html"),
    (AnsoSpider, "http://anso.org.cn/news/anso/201911/t20191118_525656.html"),
    (AnsoSpider, "http://www.anso.org.cn/events/boardMeeting/202110/t20211025_666936.html"),
    (AnsoSpider, "http://anso.org.cn/events/groupMeeting/201904/t20190430_485981.html"),
    (AnsoSpider, "http://anso.org.cn/index/slide/202406/t20240621_790599.html"),
    (AnsoSpider, "http://www.anso.org.cn/index/slide/202011/t20201113_593067.html"),
    # CAE: news columns, event column, /main/ pages, 23-digit ids, the pre-2021 shape
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2002/2024-10/22/20241022133411257534748_1.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2003/2023-09/05/20230905100056420951546_1.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2004/2025-09/18/20250918101530246813579_1.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2010/2025-08/25/20250825090011223344556_1.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2065/2026-01/09/20260109150203040506070_1.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2070/2021-11/12/20211112207011111110357_1.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/main/col296/2023-07/24/20230724190725867466548_1.html"),
    (CaeSpider, "http://en.cae.cn/en/Sci-tech%20Advances/2018-06-13/12219.html"),
    # CAS: hyphens, underscores, nesting, archives, a page suffix, old /news/ paths, the .ac.cn host
    (CasSpider, "https://english.cas.cn/newsroom/research-news/202608/t20260819_1188615.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/cas-in-media/202604/t20260429_1158251.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/headlines/202605/t20260514_1159331.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/cas_media/202501/t20250121_899052.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/life/202504/t20250411_1040967.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/research_news/life/202412/t20241202_893028.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/news--archives/2024/research-news/202406/t20240626_1129640.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/cas_media/202406/t20240628_666011_2.shtml"),
    (CasSpider, "https://english.cas.cn/news/ric/201805/t20180516_189005.shtml"),
    (CasSpider, "http://english.cas.ac.cn/newsroom/china_research/201706/t20170627_178001.shtml"),
    # CAST: the older column articles and the 2023+ hex articles
    (CastSpider, "http://english.cast.org.cn/art/2020/8/12/art_1441_130443.html"),
    (CastSpider, "http://english.cast.org.cn/art/2019/7/2/art_1249_97880.html"),
    (CastSpider, "http://english.cast.org.cn/fzlm/syzsxx/art/2023/art_d392d598f87149acad43d44ff651aff2.html"),
    (CastSpider, "http://english.cast.org.cn/fzlm/syzsxx/art/2024/art_98fe0e8f980c460ca5945d2e01bbce89.html"),
    # CAST's Chinese site
    (CastZhSpider, "https://www.cast.org.cn/xw/MTBD/art/2024/art_fc467c326e0d4983907ad612c00102b4.html"),
    (CastZhSpider, "https://www.cast.org.cn/xw/tzgg/ZH/art/2025/art_5c1e2f3a4b5d46e7a8b9c0d1e2f3a4b5.html"),
]

REJECTED = [
    (AnsoSpider, "http://www.anso.org.cn/events/boardMeeting/index.html"),
    (AnsoSpider, "http://www.anso.org.cn/index/slide/index_1.html"),
    (AnsoSpider, "http://www.anso.org.cn/programmes/talent/scholarship/"),
    (AnsoSpider, "http://www.anso.org.cn/news/anso/202009/t20200922_586411.shtml"),
    (AnsoSpider, "http://www.anso.cn/news/anso/201911/t20191118_525656.html"),  # another host
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2014/column_2014_1.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/en/col2003/2023-09/05/20230905100056420951546_2.html"),
    (CaeSpider, "https://en.cae.cn/cae/html/en/index.html"),
    (CaeSpider, "https://en.cae.ac.cn/sycd/about/cae/"),  # the Chinese Aeronautical Establishment
    (CasSpider, "https://english.cas.cn/newsroom/cas_media/"),
    (CasSpider, "https://english.cas.cn/newsroom/research-news/index_2.shtml"),
    (CasSpider, "http://english.cas.ac.cn/newsroom/china_research/index_80.shtml"),
    (CasSpider, "https://english.cas.cn/head/index.shtml"),
    (CasSpider, "https://english.cas.cn/newsroom/research-news/202608/t20260819_1188615.html"),
    (CastSpider, "http://english.cast.org.cn/col/col471/index.html"),
    (CastSpider, "http://english.cast.org.cn/fzlm/syzsxx/index.html"),
    (CastSpider, "http://english.cast.org.cn/fzlm/syzsxx/art/2023/art_d392d598.html"),
    (CastSpider, "http://english.cast.org.cn/api/unit/list.json"),
    (CastSpider, "https://www.cast.org.cn/xw/MTBD/art/2024/art_fc467c326e0d4983907ad612c00102b4.html"),  # other site
    (CastZhSpider, "https://www.cast.org.cn/xw/tzgg/ZH/index.html"),
    (CastZhSpider, "https://www.cast.org.cn/art/2020/8/12/art_1441_130443.html"),
]


def _id(case):
    cls, url = case
    return f"{cls.name}:{url.split('//', 1)[1]}"


@pytest.mark.parametrize("spider, url", ACCEPTED, ids=[_id(c) for c in ACCEPTED])
def test_real_article_url_is_accepted(spider, url):
    assert spider.matches(url)


@pytest.mark.parametrize("spider, url", REJECTED, ids=[_id(c) for c in REJECTED])
def test_other_url_is_rejected(spider, url):
    assert not spider.matches(url)


@pytest.mark.parametrize(
    "spider, section, first_listing",
    [
        (AnsoSpider, "events/boardMeeting", "http://www.anso.org.cn/events/boardMeeting/index.html"),
        (AnsoSpider, "events/groupMeeting", "http://www.anso.org.cn/events/groupMeeting/index.html"),
        (AnsoSpider, "index/slide", "http://www.anso.org.cn/index/slide/index.html"),
        (CaeSpider, "col2004", "https://en.cae.cn/cae/html/en/col2004/column_2004_1.html"),
        (CaeSpider, "col2010", "https://en.cae.cn/cae/html/en/col2010/column_2010_1.html"),
        (CaeSpider, "col2065", "https://en.cae.cn/cae/html/en/col2065/column_2065_1.html"),
        (CasSpider, "research-news", "https://english.cas.cn/newsroom/research-news/index.shtml"),
        (CasSpider, "cas-in-media", "https://english.cas.cn/newsroom/cas-in-media/index.shtml"),
        (CasSpider, "headlines", "https://english.cas.cn/newsroom/headlines/index.shtml"),
        (CastSpider, "fzlm/syzsxx", "https://english.cast.org.cn/fzlm/syzsxx/index.html"),
        (CastZhSpider, "xw/tzgg/ZH", "https://www.cast.org.cn/xw/tzgg/ZH/index.html"),
        (CastZhSpider, "xw/MTBD", "https://www.cast.org.cn/xw/MTBD/index.html"),
    ],
)
def test_every_news_section_is_crawled(spider, section, first_listing):
    assert section in spider.sections
    assert spider().listing_url(section, 1) == first_listing


def test_cas_listing_pages_go_past_index_1():
    assert CasSpider().listing_url("cas-in-media", 3) == "https://english.cas.cn/newsroom/cas-in-media/index_2.shtml"


# Generic institutions: a declared article shape is accepted (path and query), others are not.
GENERIC_ACCEPTED = [
    ("isc", "https://council.science/current/news/joint-letter-to-isc-members-from-isc-president-peter-gluckman/"),
    ("isc", "https://council.science/current/press/worlds-leading-bodies-of-social-and-natural-sciences-to-merge/"),
    ("isc", "https://council.science/current/blog/the-open-access-rising-tide/"),
    ("wfeo", "http://www.wfeo.org/wfeo-2022-costa-rica-general-assembly-meetings-and-celebrating-unesco/"),
    ("wfeo", "https://www.wfeo.org/?p=12345"),
    ("royalsociety", "https://royalsociety.org/news/2024/10/budget/"),
    ("royalsociety", "https://royalsociety.org/news/2013/early-egyptian-timeline/"),
    ("oeaw", "https://www.oeaw.ac.at/en/news/ai-speaks-ancient-greek-apollo-restores-2000-year-old-texts"),
    (
        "nstda",
        "https://www.nstda.or.th/en/news/news-years-2025/pathumma-llm-ai-technology-tailored-to-thai-context.html",
    ),
    ("unesco", "https://www.unesco.org/en/articles/guidance-generative-ai-education-and-research"),
    ("nas", "http://www.nasonline.org/news-and-multimedia/news/april-29-2014-NAS-Election.html"),
]
GENERIC_REJECTED = [
    ("isc", "https://council.science/current/category/press/page/12/"),
    ("isc", "https://council.science/current/category/news/"),
    ("isc", "https://council.science/about-us/"),
    ("wfeo", "https://www.wfeo.org/about-wfeo/"),
    ("wfeo", "https://wfeo.org/tag/sdgs/page/13"),
    ("wfeo", "https://www.wfeo.org/news/page/2/"),
    ("wfeo", "https://www.wfeo.org/?s=engineering"),
    ("royalsociety", "https://royalsociety.org/news/"),
    ("oeaw", "https://www.oeaw.ac.at/en/news"),
    ("nstda", "https://www.nstda.or.th/en/news/"),
    ("unesco", "https://www.unesco.org/en/natural-sciences/news"),
]


@pytest.fixture(scope="module")
def generic_spiders():
    classes = spider_classes()
    return {name: classes[name]() for name in {n for n, _ in GENERIC_ACCEPTED + GENERIC_REJECTED}}


@pytest.mark.parametrize("name, url", GENERIC_ACCEPTED)
def test_generic_institution_accepts_its_article_shapes(generic_spiders, name, url):
    assert generic_spiders[name].is_article_url(url)


@pytest.mark.parametrize("name, url", GENERIC_REJECTED)
def test_generic_institution_rejects_listings_and_pages(generic_spiders, name, url):
    assert not generic_spiders[name].is_article_url(url)


def test_isc_crawls_news_and_press_listings():
    spider = spider_classes()["isc"](base_url="http://127.0.0.1:8000")
    assert list(spider.sections) == ["news", "press"]
    assert spider.listing_url("press", 1) == "http://127.0.0.1:8000/current/category/press/"
