"""Chinese event names: '第五届世界科技与发展论坛' out of '由……共同主办的第五届世界科技与发展论坛在北京开幕'.

Chinese has no capitals: the name is the stretch between clause words (的, 在, 举行, 主办 …) that
ends in a head noun (论坛, 研讨会, 大会 …), not a generic '视频会议'.
"""

from __future__ import annotations

import re

#: The clause around a Chinese name: '由……主办的', '在北京举行', '近日，'; the name lies between.
_CJK_CLAUSE = re.compile(
    r"的|举行|举办|召开|主办|承办|开幕|闭幕|在|于|将|由|为|是|近日|日前|今天|昨天|出席|参加|参与|与会|围绕|开展|进行|"
    r"[，。、：；！？,.:;!?\s《》（）()]"
)
_CJK_DATE = re.compile(r"^(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?")
#: '国际科学组织联盟（ANSO）2025年全体大会': the bracketed acronym is not part of the name.
_LATIN_ACRONYM = re.compile(r"[（(][A-Za-z][A-Za-z0-9&-]{1,15}[）)]")
_CJK_NAME = re.compile(
    r"^[\u4e00-\u9fff“”\d—–·-]{2,30}?"
    r"(?:论坛|研讨会|会议|大会|讲座|培训班|工作坊|年会|峰会|会谈|座谈会|交流会|报告会|开幕式|颁奖典礼|仪式)"
)


#: '视频会议', '工作会谈', '双边研讨会': a kind of meeting, not its name.
_CJK_GENERIC = re.compile(
    r"(?:视频|线上|网络|工作|双边|多边|专题|学术|国际|年度|全体|闭幕|开幕|座谈|交流|视频工作|线上线下)+"
    r"(?:论坛|研讨会|会议|大会|讲座|培训班|工作坊|年会|峰会|会谈|座谈会|交流会|报告会|开幕式|颁奖典礼|仪式)"
)


def cjk_name(text: str) -> str | None:
    """The first Chinese event name: a stretch between clause words that ends in a head noun."""
    for segment in _CJK_CLAUSE.split(_LATIN_ACRONYM.sub("", text)):
        segment = _CJK_DATE.sub("", segment)
        m = _CJK_NAME.match(segment)
        if m and not _CJK_GENERIC.fullmatch(m[0]):
            name = m[0]
            if name.count("“") != name.count("”"):
                name = name.strip("“”")
            return name
    return None


__all__ = ["cjk_name"]
