"""Event extraction: the labelled set's floors, the seed articles in full, hard cases, linking, re-posts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from newswatch.event import extract_event
from newswatch.event.entities import canonical_organisation, person_key
from newswatch.event.scoring import evaluate, load_labels

HERE = Path(__file__).parent
SEEDS = HERE / "fixtures" / "seeds"
LABELLED = HERE / "fixtures" / "events"
DEV = LABELLED / "dev"
TEST = LABELLED / "test"
#: Floors on the dev split (the rules are tuned on it) and on the blind test split (never tuned on).
DEV_FLOORS = {
    "event": 0.95,
    "dates": 0.95,
    "place": 0.95,
    "mode": 0.95,
    "organisers": 0.9,
    "participants": 0.9,
    "attendance": 0.95,
    "name": 0.6,
}
TEST_FLOORS = {
    "dates": 0.9,
    "place": 0.9,
    "mode": 0.9,
    "organisers": 0.8,
    "participants": 0.85,
    "attendance": 0.85,
    "name": 0.75,
}


@pytest.fixture(scope="module")
def dev_scores():
    labels = load_labels(DEV)
    assert len(labels) >= 40 and sum(1 for label in labels if label["expected"] is None) >= 3
    return evaluate(labels)


@pytest.fixture(scope="module")
def test_scores():
    labels = load_labels(TEST) if TEST.is_dir() else []
    assert len(labels) >= 40, f"the blind test split {TEST} holds {len(labels)} labelled articles, fewer than 40"
    return evaluate(labels)


@pytest.mark.parametrize("field", sorted(DEV_FLOORS))
def test_dev_split_meets_its_floor(dev_scores, field):
    score = dev_scores.scores[field]
    assert score.f1 >= DEV_FLOORS[field], (field, score, [m for m in dev_scores.misses if f": {field}:" in m])


@pytest.mark.parametrize("field", sorted(TEST_FLOORS))
def test_blind_test_split_meets_its_floor(test_scores, field):
    """Scores only: the test split's misses are not shown, so no rule is tuned on them."""
    score = test_scores.scores[field]
    assert score.f1 >= TEST_FLOORS[field], (field, round(score.f1, 3))


SEED_CAE = {
    "name": "2nd World Science and Technology Development Forum",
    "acronym": "WSTDF 2020",
    "type": "forum",
    "start": "2020-11-08",
    "end": "2020-11-09",
    "location": {"venue": None, "city": "Beijing", "country": "CN"},
    "mode": "hybrid",
    "organisers": [
        {"name": "China Association for Science and Technology", "role": "host"},
        {"name": "Chinese Academy of Sciences", "role": "host"},
        {"name": "Chinese Academy of Engineering", "role": "host"},
    ],
    "participants": [
        {
            "name": "Wan Gang",
            "title": "Vice Chairman",
            "organisation": "National Committee of the Chinese People's Political Consultative Conference",
            "role": "speaker",
        },
        {
            "name": "Li Xiaohong",
            "title": "President",
            "organisation": "Chinese Academy of Engineering",
            "role": "speaker",
        },
        {
            "name": "Shamila Nair-Bedouelle",
            "title": "Assistant Director-General for Natural Sciences",
            "organisation": "United Nations Educational, Scientific and Cultural Organization",
            "role": "speaker",
        },
        {
            "name": "Daya Reddy",
            "title": "President",
            "organisation": "International Science Council",
            "role": "speaker",
        },
        {
            "name": "Gong Ke",
            "title": "President",
            "organisation": "World Federation of Engineering Organizations",
            "role": "speaker",
        },
        {
            "name": "Kazuki Qkimura",
            "title": "former Chairman",
            "organisation": "Japan Science and Technology Agency",
            "role": "speaker",
        },
        {"name": "Bai Chunli", "title": "President", "organisation": "Chinese Academy of Sciences", "role": "speaker"},
        {
            "name": "Paul Romer",
            "title": "co-recipient of the 2018 Nobel Prize in Economics Sciences",
            "organisation": None,
            "role": "speaker",
        },
        {
            "name": "Huai Jinpeng",
            "title": "Executive Vice President",
            "organisation": "China Association for Science and Technology",
            "role": "host",
        },
        *(
            {"name": n, "title": None, "organisation": None, "role": "attendee"}
            for n in ("Hou Jianguo", "Zhang Bo", "Qiao Jie", "Pu Muming", "Guo Huadong")
        ),
    ],
    "attendance": {"participants": 200, "countries": 21},
}
SEED_ANSO = {
    "name": "High-Level Workshop of International Research Institutions in the Zhongguancun Forum 2020",
    "acronym": None,
    "type": "workshop",
    "start": "2020-09-18",
    "end": "2020-09-18",
    "location": None,
    "mode": "online",
    "organisers": [
        {"name": "Alliance of International Science Organizations", "role": "co-host"},
        {"name": "Beijing Municipal Government", "role": "co-organiser"},
        {"name": "Chinese Academy of Sciences", "role": "co-organiser"},
    ],
    "participants": [
        {"name": "Chunli Bai", "title": "President", "organisation": "Chinese Academy of Sciences", "role": "host"},
        {
            "name": "Alexander Sergeev",
            "title": "President",
            "organisation": "Russian Academy of Sciences",
            "role": "speaker",
        },
        {
            "name": "Marco Krieger",
            "title": "Vice President",
            "organisation": "Oswaldo Cruz Foundation",
            "role": "speaker",
        },
        {
            "name": "Prasit Palittapingarnpim",
            "title": "Acting Executive Vice President",
            "organisation": "National Science and Technology Development Agency",
            "role": "speaker",
        },
        {"name": "Ennio Vivaldi", "title": "Rector", "organisation": "University of Chile", "role": "speaker"},
        {
            "name": "Hasan Mandal",
            "title": "President",
            "organisation": "Scientific and Technological Research Council of Türkiye",
            "role": "speaker",
        },
        {
            "name": "Yoshiko Shirokizawa",
            "title": "Vice President",
            "organisation": "Japan Science and Technology Agency",
            "role": "speaker",
        },
        {
            "name": "Marcia Mcnutt",
            "title": "President",
            "organisation": "National Academy of Sciences",
            "role": "speaker",
        },
        {
            "name": "Anton Zeilinger",
            "title": "President",
            "organisation": "Austrian Academy of Sciences",
            "role": "speaker",
        },
        {"name": "Jinghua Cao", "title": "Executive Director", "organisation": "ANSO Secretariat", "role": "host"},
        {
            "name": "Yin Li",
            "title": "Director General",
            "organisation": "Bureau of International Cooperation of CAS",
            "role": "host",
        },
    ],
    "attendance": {"participants": 1000, "countries": None},
}


def test_seed_cae_extracts_completely():
    text = (SEEDS / "000_1062c61787469447.txt").read_text("utf-8")
    body = text.split("Font size: BigMediumSmall", 1)[1]
    title = "The 2nd World Science and Technology Development Forum Held in Beijing"
    assert extract_event(title, body, "2020-11-09", "en") == SEED_CAE


def test_seed_anso_extracts_completely():
    title, body = (SEEDS / "004_3c1a6b0e167ca351.txt").read_text("utf-8").split("\n", 1)
    assert extract_event(title, body, "2020-09-21", "en") == SEED_ANSO


@pytest.mark.parametrize(
    "published, text, start, end",
    [
        ("2021-01-06", "On December 28, the symposium was held in Beijing.", "2020-12-28", "2020-12-28"),
        ("2020-11-06", "On 4 November, the workshop was held in Nairobi, Kenya.", "2020-11-04", "2020-11-04"),
        ("2019-05-20", "The workshop took place on 13-14 May 2019 in Vienna.", "2019-05-13", "2019-05-14"),
        ("2020-10-02", "The forum was held September 29-30 in Beijing.", "2020-09-29", "2020-09-30"),
        ("2022-12-05", "The workshop was held from 30 November to 2 December 2022.", "2022-11-30", "2022-12-02"),
        ("2024-06-01", "The conference will be held in Shanghai from September 8 to 10.", "2024-09-08", "2024-09-10"),
        ("2024-12-20", "The conference will be held on January 12 in Paris.", "2025-01-12", "2025-01-12"),
        ("2025-03-04", "Vienna, 3 March 2025 – The academy today hosted a lecture.", "2025-03-03", "2025-03-03"),
        ("2024-05-26", "2024年5月25日至26日，论坛在北京举行。", "2024-05-25", "2024-05-26"),
    ],
)
def test_event_dates_resolve_against_publication(published, text, start, end):
    event = extract_event("International Forum on Engineering", text, published, None)
    assert (event["start"], event["end"]) == (start, end)


def test_chinese_page_gets_dates_place_and_mode():
    event = extract_event(
        "第三届国际工程科技发展战略高端论坛在京举行",
        "2024年5月25日，第三届国际工程科技发展战略高端论坛在北京举行。论坛以线上线下相结合的方式举行。",
        "2024-05-26",
        "zh",
    )
    assert (event["type"], event["start"], event["location"]["city"], event["location"]["country"], event["mode"]) == (
        "forum",
        "2024-05-25",
        "Beijing",
        "CN",
        "hybrid",
    )


@pytest.mark.parametrize(
    "text, mode",
    [
        ("The meeting was held online.", "online"),
        ("The workshop took place in the form of video conference.", "online"),
        ("The lecture was given via Zoom.", "online"),
        ("The forum was held both online and offline in Beijing.", "hybrid"),
        ("The forum was held in Beijing.", "in_person"),
    ],
)
def test_mode(text, mode):
    assert extract_event("Workshop on Soil Science", text, "2024-01-01", "en")["mode"] == mode


FILLER = "The delegates toured the laboratories. They discussed water and food. Talks went on. Lunch followed. "


@pytest.mark.parametrize(
    "sentence, mode",
    [
        ("The meeting was held online.", "online"),
        ("The workshop was conducted by videoconference.", "online"),
        ("It was held via Tencent Meeting.", "online"),
        ("The lectures were held in a virtual format.", "online"),
        ("The forum was held both online and offline.", "hybrid"),
        ("The meeting was held in person and virtually.", "hybrid"),
        ("Participants joined on-site and online.", "hybrid"),
        ("Next year's online meeting is planned.", "in_person"),
    ],
)
def test_mode_stated_later_in_the_article(sentence, mode):
    """How the event was held counts wherever the article says it, past the lead."""
    assert extract_event("Workshop on Soil Science", FILLER + sentence, "2024-01-01", "en")["mode"] == mode


@pytest.mark.parametrize(
    "phrase, role",
    [
        ("co-hosted by", "co-host"),
        ("jointly organized by", "co-organiser"),
        ("convened by", "host"),
        ("arranged by", "organiser"),
        ("run by", "organiser"),
        ("financed by", "sponsor"),
        ("held under the patronage of", "supporter"),
        ("held with the support of", "supporter"),
    ],
)
def test_organiser_phrases_later_in_the_article(phrase, role):
    event = extract_event(
        "Workshop on Soil Science",
        f"{FILLER}The workshop was {phrase} the Kenya National Academy of Sciences.",
        "2024-01-01",
        "en",
    )
    assert event["organisers"] == [{"name": "Kenya National Academy of Sciences", "role": role}]


def test_attendance_counted_after_a_long_text_without_numbers():
    event = extract_event(
        "Workshop on Soil Science",
        FILLER * 20 + "More than fifty trainees from twelve countries took part.",
        "2024-01-01",
        "en",
    )
    assert event["attendance"] == {"participants": 50, "countries": 12}


@pytest.mark.parametrize(
    "title, body",
    [
        ("Call for Nominations: 2025 Prize", "Nominations are now open until 30 June for the workshop prize."),
        (
            "Researchers find new soil microbe",
            "Scientists have discovered that soil microbes, first shown at a 2019 symposium, …",
        ),
        ("ISC statement on climate ahead of COP28", "The ISC issued a statement ahead of the conference in Dubai."),
    ],
)
def test_articles_without_an_event_get_none(title, body):
    assert extract_event(title, body, "2024-01-01", "en") is None


def test_entities_are_normalised():
    assert (
        person_key("Bai Chunli")
        == person_key("Chunli Bai")
        == person_key("BAI Chunli")
        == person_key("Prof. Chunli Bai")
    )
    assert canonical_organisation("CAS") == canonical_organisation("the Chinese Academy of Sciences (CAS)")
    names = {
        canonical_organisation(n)
        for n in ("ANSO", "Alliance of International Science Organizations in the Belt and Road Region")
    }
    assert names == {"Alliance of International Science Organizations"}
    assert canonical_organisation("TUBITAK") == canonical_organisation(
        "Scientific and Technological Research Council of Turkey"
    )
    assert canonical_organisation("ICSU") == "International Science Council"


def test_scoring_script_prints_both_splits_side_by_side(tmp_path):
    """Both splits' per-field P/R/F1 in adjacent columns; a missing or empty split is shown, not an error."""
    root = tmp_path / "events"
    (root / "dev").mkdir(parents=True)
    for path in sorted(DEV.glob("*.json"))[:3]:
        (root / "dev" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    script = str(HERE.parent / "benchmarks" / "score_events.py")
    done = subprocess.run([sys.executable, script, str(root)], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert "dev: 3 articles" in lines[1] and lines[2] == "test: missing"
    rows = {line.split()[0]: line.split("|") for line in lines[5:]}
    assert {"dates", "place", "mode", "organisers", "participants", "attendance", "name"} <= set(rows)
    dev_cells, test_cells = rows["mode"][1].split(), rows["mode"][2].split()
    assert len(dev_cells) == 3 and all(0 <= float(x) <= 1 for x in dev_cells) and test_cells == ["-", "-", "-"]
    (root / "test").mkdir()
    done = subprocess.run([sys.executable, script, str(root)], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[2] == "test: empty"
    done = subprocess.run([sys.executable, script, str(tmp_path / "nope")], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_scoring_script_scores_the_labelled_set():
    done = subprocess.run(
        [sys.executable, str(HERE.parent / "benchmarks" / "score_events.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = {line.split()[0]: line.split("|") for line in done.stdout.splitlines()[5:]}
    assert float(rows["mode"][1].split()[2]) >= 0.9


def test_extract_command_prints_the_event(tmp_path):
    page = HERE / "fixtures" / "pages" / "cae" / "offshore-wind-workshop" / "body.html"
    url = json.loads((page.parent / "meta.json").read_text())["url"]
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "extract", "--url", url, str(page)],
        capture_output=True,
        text=True,
        check=True,
    )
    event = json.loads(done.stdout)["event"]
    assert (event["type"], event["location"]["city"], event["start"]) == ("workshop", "Qingdao", "2025-03-01")
