"""Numeric dates on sites that declare day-first order (ANSO's "03 06, 2024" is 3 June 2024)."""

import pytest

from newswatch.dates import parse_date
from spiders.anso import AnsoSpider
from spiders.base import NewsSpider


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("03 06, 2024", "2024-06-03"),  # ANSO's 8th Governing Board meeting, held "On 3 June 2024"
        ("13 05, 2019", "2019-05-13"),  # ANSO's 1st Working Group Meeting, 13-14 May 2019
        ("Date: 03 06, 2024", "2024-06-03"),
        ("13.05.2019", "2019-05-13"),
        ("9 Oct 2021", "2021-10-09"),  # named months read the same either way
        ("2021-10-09", "2021-10-09"),  # the year first is never reordered
        ("03 06, 2024 10:30", "2024-06-03T10:30:00+08:00"),
    ],
)
def test_day_first_site_reads_the_day_before_the_month(raw, expected):
    assert parse_date(raw, "+08:00", ("en",), day_first=True) == expected


def test_the_default_order_is_unchanged():
    assert parse_date("03 06, 2024", None, ("en",)) == "2024-03-06"
    assert parse_date("03 06, 2024", None, ("en",), day_first=False) == "2024-03-06"


@pytest.mark.parametrize("raw", ["31 02, 2024", "13 13, 2019", "06, 2024", "03 06"])
def test_day_first_never_invents_a_date(raw):
    assert parse_date(raw, None, ("en",), day_first=True) is None


def test_sites_declare_their_date_order():
    assert AnsoSpider.day_first is True
    assert NewsSpider.day_first is None  # not declared
