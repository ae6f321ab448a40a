"""Publication dates: formats, languages, time zones, and no invented dates."""

import pytest

from newswatch.dates import parse_date


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Nov 9, 2020", "2020-11-09"),
        ("Published: Jun 25, 2023", "2023-06-25"),
        ("2020-09-22", "2020-09-22"),
        ("28 April 2025", "2025-04-28"),
        ("2024年5月25日", "2024-05-25"),
        ("25 mai 2024", "2024-05-25"),
        ("Date: 2021/03/04", "2021-03-04"),
    ],
)
def test_dates_in_many_formats_and_languages(raw, expected):
    assert parse_date(raw) == expected


def test_a_time_keeps_the_sites_offset():
    assert parse_date("2020-09-22 10:31", "+08:00") == "2020-09-22T10:31:00+08:00"
    assert parse_date("2020-09-22 10:31") == "2020-09-22T10:31:00"


@pytest.mark.parametrize("raw", ["", None, "yesterday", "June 2023", "Font size: BigMediumSmall", "n/a", "2 days ago"])
def test_no_date_is_invented(raw):
    assert parse_date(raw) is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Sept 7, 2021", "2021-09-07"),
        ("September 7th, 2021", "2021-09-07"),
        ("Dec 01, 2022", "2022-12-01"),
        ("7 Sept. 2021", "2021-09-07"),
        ("June 25, 2023", "2023-06-25"),
        ("31 June 2023", None),
        ("2023-02-30", None),
    ],
)
def test_fast_path_forms_and_impossible_dates(raw, expected):
    assert parse_date(raw) == expected


def test_iso_times_keep_their_own_offset_over_the_sites():
    assert parse_date("2024-02-14T11:00:00+02:00", "+08:00") == "2024-02-14T11:00:00+02:00"
    assert parse_date("2024-02-14T09:00:00Z") == "2024-02-14T09:00:00+00:00"


@pytest.mark.parametrize("languages", [("en-gb",), ("en_GB", "en"), ("xx-unknown",), ("zh-cn",)])
def test_regional_or_unknown_page_languages_never_break_parsing(languages):
    assert parse_date("14 February 2024", None, languages) == "2024-02-14"
    assert parse_date("2024年2月14日", None, languages) == "2024-02-14"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Nov 19, 2019, 10:31 pm", "2019-11-19T22:31:00"),
        ("18 Nov 2019 at 9:38 a.m.", "2019-11-18T09:38:00"),
        ("November 18th, 2019 at 12:04AM", "2019-11-18T00:04:00"),
        ("20 November 2019 12:01 PM", "2019-11-20T12:01:00"),
        ("Nov. 20, 2019 13:42", "2019-11-20T13:42:00"),
        ("3 Sept 2021, 07:05:09", "2021-09-03T07:05:09"),
    ],
)
def test_english_dates_with_a_time_take_the_fast_path(monkeypatch, raw, expected):
    """The times news pages print after an English date are read without dateparser (slow on first use)."""

    def no_dateparser(*args, **kwargs):
        raise AssertionError(f"dateparser called for {args[0]!r}")

    monkeypatch.setattr("newswatch.dates._search", no_dateparser)
    parse_date.cache_clear()
    assert parse_date(raw) == expected


def test_a_24_hour_time_with_pm_is_left_to_dateparser():
    parse_date.cache_clear()
    assert parse_date("Nov 20 2019, 15:24pm") == "2019-11-20T15:24:00"
