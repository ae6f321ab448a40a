"""Text cleaning, boilerplate, encodings, paragraphs from markup."""

from lxml import etree

from newswatch.cleaning import clean_item
from newswatch.htmltext import block_texts, images
from newswatch.text import clean_body, decode_html, is_boilerplate, normalize_space


def test_normalize_space_collapses_nbsp_tabs_and_invisibles():
    assert normalize_space("  The\u00a0forum\t\n was\u200b held ") == "The forum was held"
    assert normalize_space(None) == ""


def test_boilerplate_lines_are_recognised_but_content_is_not():
    for line in (
        "Font size: BigMediumSmall",
        "Font size:Big Medium Small",
        "Views: 1532",
        "Share to: WeChat Weibo",
        "Print",
    ):
        assert is_boilerplate(line), line
    for line in ("The font size of the forum programme was large.", "Printing technology forum held in Beijing"):
        assert not is_boilerplate(line), line


def test_clean_body_keeps_paragraphs_drops_boilerplate():
    body = clean_body(["  First  paragraph. ", "", "Font size: BigMediumSmall", "Second\nparagraph."])
    assert body == "First paragraph.\n\nSecond paragraph."


def test_decode_html_distrusts_a_wrong_declared_encoding():
    page = '<html><head><meta charset="gbk"></head><body>中国工程院 2024年5月25日</body></html>'.encode("gbk")
    text, encoding = decode_html(page, "utf-8")
    assert "中国工程院 2024年5月25日" in text
    assert encoding.lower() in ("gbk", "gb18030")
    assert decode_html("café".encode(), "utf-8") == ("café", "utf-8")


def test_block_texts_ignore_inline_markup_and_scripts():
    plain = etree.HTML("<div id=b><p>One two <b>three</b>.</p><p>Four</p><script>x()</script></div>").find(".//div")
    wrapped = etree.HTML(
        "<div id=b><div><p><span>One</span> two <b>three</b>.</p></div><p><span>Four</span></p></div>"
    ).find(".//div")
    assert block_texts(plain) == ["One two three.", "Four"] == block_texts(wrapped)
    assert block_texts(etree.HTML("<div>a<br>b</div>").find(".//div")) == ["a", "b"]


def test_images_are_absolute_and_deduplicated():
    root = etree.HTML(
        '<div><img src="/a.jpg" alt="Signing"><img src="/a.jpg"><img src="data:x"><img src="b.png"></div>'
    )
    assert images(root, "https://en.cae.cn/x/y.html") == [
        {"url": "https://en.cae.cn/a.jpg", "caption": "Signing"},
        {"url": "https://en.cae.cn/x/b.png", "caption": None},
    ]


def test_clean_item_fills_every_field_and_cleans_text():
    item = clean_item(
        {
            "url": "https://x.org/a",
            "title": " A\u00a0 title ",
            "body": ["p1", "Font size: BigMediumSmall"],
            "section": ["Home Updates", " "],
            "images": [{"url": "https://x.org/i.jpg"}] * 2,
            "language": "EN",
        }
    )
    assert item["title"] == "A title" and item["body"] == "p1" and item["section"] == ["Home Updates"]
    assert item["images"] == [{"url": "https://x.org/i.jpg", "caption": None}]
    assert item["event"] is None and item["summary"] is None and item["language"] == "en"
