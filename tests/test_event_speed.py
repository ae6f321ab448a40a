"""Event extraction stays cheap: the costly steps run a bounded number of times per article (calls are
counted, never timed), and each fast path gives exactly what the plain form it replaces gives."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from newswatch.event import people, sentences, when
from newswatch.event.extract import extract_event
from newswatch.event.linking import signature, signature_values
from newswatch.event.worker import signature_text

ROOT = Path(__file__).resolve().parent.parent
LABELLED = sorted((ROOT / "tests" / "fixtures" / "events").glob("*/*.json"))


@pytest.fixture(scope="module")
def labels() -> list[dict]:
    found = [json.loads(path.read_text(encoding="utf-8")) for path in LABELLED]
    assert len(found) >= 90  # both splits
    return found


def _extract(label: dict) -> dict | None:
    return extract_event(label["title"], label["body"], label.get("published"), label.get("language"))


def test_sentences_are_split_at_most_three_times_per_article(labels):
    """The body, the event's own sentences and the name's lead; organisers, participants and attendance reuse them."""
    for label in labels:
        sentences._split.cache_clear()
        _extract(label)
        assert sentences._split.cache_info().misses <= 3, label["title"]


def test_dates_are_looked_for_a_bounded_number_of_times(labels):
    """Dates are parsed per distinct sentence, not per sentence per question asked of it."""
    misses = []
    for label in labels:
        when._find_dates.cache_clear()
        _extract(label)
        misses.append(when._find_dates.cache_info().misses)
    assert max(misses) <= 12
    assert sum(misses) <= 5 * len(labels)


def test_roles_are_looked_up_only_for_sentences_that_name_people(labels, monkeypatch):
    calls: Counter[str] = Counter()
    original = people.role_of

    def counting(*args, **kwargs):
        calls["role_of"] += 1
        return original(*args, **kwargs)

    monkeypatch.setattr(people, "role_of", counting)
    for label in labels:
        _extract(label)
    assert calls["role_of"] <= 10 * len(labels)
    calls.clear()
    # prose that names nobody asks for no role at all
    extract_event(
        "Workshop on water held in Nairobi",
        "The Water Security Workshop was held in Nairobi on 3 May 2024. The Kenya National Academy of Sciences "
        "hosted it. More than 40 experts from Eastern Africa attended.",
        "2024-05-06",
        "en",
    )
    assert calls["role_of"] == 0


def test_extraction_and_signature_import_neither_datasketch_nor_scipy():
    """SciPy (through datasketch) costs a worker most of a second of start-up: the worker never imports it."""
    code = (
        "import sys\n"
        "from newswatch.event.worker import warm\n"
        "warm()\n"
        "print(sorted(m for m in ('datasketch', 'scipy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_signature_values_are_datasketchs(labels):
    texts = [signature_text(label["title"], label["body"]) for label in labels]
    texts += ["", "one", "two words", "中国工程院 论坛 在 北京 举行"]
    for text in texts:
        assert signature_values(text).tolist() == signature(text).hashvalues.tolist()


def test_permutations_are_datasketchs():
    from datasketch import MinHash

    from newswatch.event.linking import NUM_PERM, _permutations

    assert _permutations().tolist() == MinHash(num_perm=NUM_PERM, seed=1).permutations.tolist()


#: The sentence-end pattern as first written: a look-behind at every character (slow, plain).
_PLAIN_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9\u4e00-\u9fff])|(?<=[。！？；])")


def test_sentence_cuts_are_the_plain_patterns(labels):
    lines = [line for label in labels for line in label["body"].splitlines()]
    rng = random.Random(3)
    alphabet = list('.!?"”’)“‘( \t\xa0aA1。！？；中x')
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    for line in lines:
        assert sentences._pieces(line) == _PLAIN_SPLIT.split(line), repr(line)


def test_two_token_look_is_the_plain_patterns(labels):
    plain = re.compile(rf"{people._NAME_TOKEN}\s+(?:(?:van|von|de|da|del|di|bin|al|le|la)\s*)?{people._NAME_TOKEN}")
    texts = [s for label in labels for s in sentences.split_sentences(label["body"])]
    rng = random.Random(5)
    alphabet = list("AaBbÖöZz. -\tvandel'’")
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(5000)]
    for text in texts:
        assert bool(people._TWO_TOKENS.search(text)) == bool(plain.search(text)), repr(text)


def test_number_look_is_the_plain_patterns(labels):
    from newswatch.event.attendance import _FIRST_NUMBER, _has_number

    texts = [label["body"].lower() for label in labels]
    texts += [s.lower() for label in labels for s in sentences.split_sentences(label["body"])]
    rng = random.Random(1)
    alphabet = list("0١ twoteenfouxsvenh-_.étnéşi")
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    texts += ["often fifteen", "seventeen", "a seventy", "x-ten", "_ten", "hundreds", "teen", "ateen"]
    for text in texts:
        assert _has_number(text) == (_FIRST_NUMBER.search(text) is not None), repr(text)


def test_tail_name_look_is_the_plain_patterns(labels):
    chunks = [
        chunk
        for label in labels
        for sentence in sentences.split_sentences(label["body"])
        for chunk in people._split_top(sentence)
    ]
    rng = random.Random(2)
    alphabet = list("AaBbPrDr.ofMs H\n-ÖöZ van")
    chunks += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 18))) for _ in range(5000)]
    for chunk in chunks:
        plain = people._TAIL_NAME.search(chunk)
        people._tail_name.cache_clear()
        expected = (
            plain[0]
            if plain and (plain.start() == 0 or people._BEFORE_TAIL_NAME.search(chunk[: plain.start()]))
            else chunk
        )
        assert people._tail_name(chunk) == expected, repr(chunk)
