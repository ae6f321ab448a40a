"""Fingerprints and the comparison of an item with its stored copy."""

from newswatch.changes import compare, render_word_diff, word_diff
from newswatch.fingerprint import canonical_url, content_hash, item_id


def _item(**kw):
    item = {
        "title": "Forum held",
        "published": "2020-11-09",
        "source": "CAE",
        "section": ["News"],
        "summary": None,
        "body": "First paragraph.\n\nSecond paragraph.",
        "images": [],
        "extractor_version": "cae-1.core-1",
    }
    item.update(kw)
    item["content_hash"] = content_hash(item)
    return item


def test_id_is_stable_across_scheme_tracking_and_fragments():
    a = canonical_url("http://en.cae.cn/cae/html/en/col2003/2023-06/25/1_1.html?utm_source=x#top")
    b = canonical_url("https://en.cae.cn/cae/html/en/col2003/2023-06/25/1_1.html")
    assert item_id(a) == item_id(b) and len(item_id(a)) == 16
    assert item_id(canonical_url("https://en.cae.cn/a_1.html")) != item_id(canonical_url("https://en.cae.cn/b_1.html"))


def test_same_site_rel_canonical_wins_but_a_foreign_one_does_not():
    assert canonical_url("https://x.org/a?id=1&from=list", "https://x.org/a?id=1") == "https://x.org/a?id=1"
    assert canonical_url("https://x.org/a", "https://evil.example/other") == "https://x.org/a"


def test_whitespace_only_change_is_no_change():
    assert content_hash(_item()) == content_hash(_item(body="First   paragraph.\n\n Second\u00a0paragraph. "))
    assert compare(_item(), "active", _item(body="First  paragraph.\n\nSecond paragraph.")).kind == "unchanged"


def test_kinds():
    old = _item()
    assert compare(None, None, old).kind == "new"
    edited = compare(old, "active", _item(body="First paragraph.\n\nSecond paragraph, revised."))
    assert edited.kind == "updated" and edited.changed_fields == ["body"]
    assert edited.diff["body"]["words"] == [
        ["=", "First paragraph. ¶ Second"],
        ["-", "paragraph."],
        ["+", "paragraph, revised."],
    ]
    retitled = compare(old, "active", _item(title="Forum held in Beijing"))
    assert retitled.changed_fields == ["title"] and retitled.diff["title"]["words"] == [
        ["=", "Forum held"],
        ["+", "in Beijing"],
    ]
    assert compare(old, "removed", _item()).kind == "reappeared"
    assert compare(old, "active", _item(extractor_version="cae-2.core-1", body="Different")).kind == "rebaselined"
    assert compare(old, "active", _item(extractor_version="cae-2.core-1")).kind == "unchanged"


def test_word_diff_rendering_marks_removed_and_added_words():
    ops = word_diff("The forum was held in Beijing.", "The forum was held online.")
    assert render_word_diff(ops) == "The forum was held [-in Beijing.-] {+online.+}"
