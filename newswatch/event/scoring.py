"""Scoring event extraction against a labelled set: per-field precision, recall and F1.

The labelled set has two splits under one folder: ``dev`` (rules may be tuned on it) and
``test`` (labelled blind, scored only); both are scored and shown side by side.

Each field's predictions are counted as true positives (equal to the label), false positives
(given but wrong or unlabelled) and false negatives (labelled but missed or wrong). Lists
(organisers, participants) are compared as sets of normalised keys: organisations through the
entity table, people by order-insensitive name.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from newswatch.event.entities import _fold, organisation_key, person_key

FIELDS = (
    "event",
    "type",
    "name",
    "dates",
    "place",
    "venue",
    "mode",
    "organisers",
    "organiser roles",
    "participants",
    "participant titles",
    "participant organisations",
    "attendance",
)
#: Fields scored for an article whose label lists only some ("labelled": [...]).
_LABEL_OF = {
    "dates": ("start", "end"),
    "place": ("location",),
    "venue": ("location",),
    "name": ("name",),
    "type": ("type",),
    "mode": ("mode",),
    "organisers": ("organisers",),
    "organiser roles": ("organisers",),
    "participants": ("participants",),
    "participant titles": ("participants",),
    "participant organisations": ("participants",),
    "attendance": ("attendance",),
    "event": (),
}


@dataclass
class Score:
    """Counts for one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set, pred: set) -> None:
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Scores per field, and the articles where a field went wrong (for reading, not for scoring)."""

    scores: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    misses: list[str] = field(default_factory=list)
    articles: int = 0


def _name_key(name: str | None) -> str:
    words = re.findall(r"\w+", (name or "").lower())
    return " ".join(w for w in words if w not in ("the",) and not re.fullmatch(r"(19|20)\d\d", w))


def _city_key(name: str | None) -> str:
    """A city as the gazetteer names it ('Ulaanbaatar' and 'Ulan Bator' are one city), accents and case folded."""
    if not name:
        return ""
    from newswatch.event.where import city

    found = city(name)
    return _fold(found.name if found else name)


def _facts(event: dict | None) -> dict[str, set]:
    """Each scored field of an event as a set of comparable facts."""
    if not event:
        return {f: set() for f in FIELDS}
    loc = event.get("location") or {}
    people = event.get("participants") or []
    orgs = event.get("organisers") or []
    attendance = event.get("attendance") or {}
    return {
        "event": {"event"},
        "type": {event.get("type")} - {None},
        "name": {_name_key(event.get("name"))} - {""},
        "dates": {("start", event.get("start")), ("end", event.get("end"))} - {("start", None), ("end", None)},
        "place": {("city", _city_key(loc.get("city"))), ("country", loc.get("country"))}
        - {("city", ""), ("country", None)},
        "venue": {_name_key(loc.get("venue"))} - {""},
        "mode": {event.get("mode")} - {None},
        "organisers": {organisation_key(o["name"]) for o in orgs},
        "organiser roles": {(organisation_key(o["name"]), o.get("role")) for o in orgs},
        "participants": {person_key(p["name"]) for p in people},
        "participant titles": {
            (person_key(p["name"]), (p.get("title") or "").lower()) for p in people if p.get("title")
        },
        "participant organisations": {
            (person_key(p["name"]), organisation_key(p["organisation"])) for p in people if p.get("organisation")
        },
        "attendance": {(k, v) for k, v in attendance.items() if v is not None},
    }


def score_article(report: Report, label: dict, predicted: dict | None) -> None:
    """Add one article's comparison to the report."""
    gold = label.get("expected")
    labelled = label.get("labelled")
    g, p = _facts(gold), _facts(predicted)
    report.articles += 1
    for name in FIELDS:
        if labelled is not None and name != "event" and not set(_LABEL_OF[name]) & set(labelled):
            continue
        if name.startswith("participant ") and gold and predicted:
            # titles/organisations are scored only for people found by both sides
            both = g["participants"] & p["participants"]
            g_f = {x for x in g[name] if x[0] in both}
            p_f = {x for x in p[name] if x[0] in both}
        else:
            g_f, p_f = g[name], p[name]
        report.scores[name].add(g_f, p_f)
        if g_f != p_f:
            report.misses.append(
                f"{label.get('_file', '?')}: {name}: expected {sorted(map(str, g_f - p_f))} "
                f"got extra {sorted(map(str, p_f - g_f))}"
            )


def load_labels(directory: Path) -> list[dict]:
    """The labelled articles of a directory, sorted by file name."""
    labels = []
    for path in sorted(directory.glob("*.json")):
        label = json.loads(path.read_text("utf-8"))
        label["_file"] = path.name
        labels.append(label)
    return labels


def evaluate(labels: list[dict]) -> Report:
    """Extract every labelled article and score it."""
    from newswatch.event import extract_event

    report = Report()
    for label in labels:
        predicted = extract_event(label["title"], label["body"], label.get("published"), label.get("language"))
        score_article(report, label, predicted)
    return report


def table(report: Report) -> str:
    """The scores as a fixed-width table."""
    lines = [f"{'field':<26} {'P':>6} {'R':>6} {'F1':>6}   tp  fp  fn", "-" * 60]
    for name, s in report.scores.items():
        lines.append(f"{name:<26} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}  {s.tp:3d} {s.fp:3d} {s.fn:3d}")
    return "\n".join(lines)


SPLITS = ("dev", "test")


def load_splits(root: Path, splits: tuple[str, ...] = SPLITS) -> dict[str, list[dict] | None]:
    """Each split's labelled articles (``root/<split>/*.json``); None for a split whose folder is missing."""
    return {name: load_labels(root / name) if (root / name).is_dir() else None for name in splits}


def evaluate_splits(splits: dict[str, list[dict] | None]) -> dict[str, Report | None]:
    """A report per split that has articles; None for a missing or empty split."""
    return {name: evaluate(labels) if labels else None for name, labels in splits.items()}


def split_state(labels: list[dict] | None) -> str:
    """'missing', 'empty' or 'N articles (M with an event)'."""
    if labels is None:
        return "missing"
    if not labels:
        return "empty"
    return f"{len(labels)} articles ({sum(1 for label in labels if label.get('expected'))} with an event)"


def side_by_side(splits: dict[str, list[dict] | None], reports: dict[str, Report | None]) -> str:
    """Per-field P/R/F1 of every split in adjacent columns; a missing or empty split shows dashes."""
    names = list(splits)
    lines = [f"{name}: {split_state(splits[name])}" for name in names]
    lines.append(f"{'field':<26}" + "".join(f" | {name + ' P':>7} {'R':>6} {'F1':>6}" for name in names))
    lines.append("-" * (26 + 24 * len(names)))
    for f in FIELDS:
        row = f"{f:<26}"
        for name in names:
            report = reports.get(name)
            if report is None:
                row += f" | {'-':>7} {'-':>6} {'-':>6}"
            else:
                s = report.scores[f]
                row += f" | {s.precision:7.3f} {s.recall:6.3f} {s.f1:6.3f}"
        lines.append(row)
    return "\n".join(lines)


__all__ = [
    "FIELDS",
    "SPLITS",
    "Report",
    "Score",
    "evaluate",
    "evaluate_splits",
    "load_labels",
    "load_splits",
    "score_article",
    "side_by_side",
    "split_state",
    "table",
]
