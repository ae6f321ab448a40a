"""Apprise notifications (newswatch.notify), delivered to webhook receivers on 127.0.0.1."""

from __future__ import annotations

import base64
import logging
import socket
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import apprise
import pytest

from newswatch.alerts import Alert
from newswatch.notify import Notifier, digest_text
from storage import ItemWrite, open_store

T0 = datetime(2026, 11, 2, 6, 0, tzinfo=UTC)
SECRET = "s3cr3t"


@pytest.fixture
def closed_port() -> int:
    """A local port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_item(site: str, n: int, content_hash: str | None = None, **extra) -> dict:
    return {
        "id": f"{site}{n:014d}",
        "site": site,
        "url": f"https://{site}.example/news/{n}.html",
        "canonical_url": None,
        "title": f"{site.upper()} article {n}",
        "published": "2026-10-01",
        "content_hash": content_hash or f"{n:064x}",
        "extractor_version": "1",
        "fetched_at": T0.isoformat(),
        "body": f"Body {n}",
        **extra,
    }


@pytest.fixture
def changes(tmp_path):
    """Real change records: cae 2 new, 1 updated (title, body), 1 removed; anso 1 new."""
    with open_store(f"sqlite:///{tmp_path / 'notify.db'}") as store:
        cae = store.begin_run("cae", T0)
        store.save_items(cae, [ItemWrite(make_item("cae", i), "new", T0) for i in (1, 2, 3)])
        anso = store.begin_run("anso", T0)
        store.save_items(anso, [ItemWrite(make_item("anso", 1), "new", T0)])
        later = store.begin_run("cae", T0 + timedelta(hours=1))
        edited = make_item("cae", 2, "f" * 64, title="CAE article 2, corrected", body="New body")
        store.save_items(later, [ItemWrite(edited, "updated", T0 + timedelta(hours=1), ["title", "body"])])
        store.mark_removed(later, [make_item("cae", 3)["id"]], T0 + timedelta(hours=1))
        records = store.changes(since=T0)
    # The digest covers cae's second run and anso's first: the cae article 1 "new" is left out.
    return [c for c in records if not (c.site == "cae" and c.kind == "new" and c.url.endswith("/1.html"))]


def test_digest_text_groups_by_site_with_counts_and_lines(changes):
    text = digest_text(changes)
    assert text.splitlines()[0] == "5 changes on 2 sites"
    anso, cae = text.split("\n\n")[1:]
    assert anso.splitlines() == ["## anso: 1 new", "- new: ANSO article 1 <https://anso.example/news/1.html>"]
    assert cae.splitlines() == [
        "## cae: 2 new, 1 updated, 1 removed",
        "- new: CAE article 3 <https://cae.example/news/3.html>",
        "- new: CAE article 2 <https://cae.example/news/2.html>",
        "- updated: CAE article 2, corrected <https://cae.example/news/2.html> (changed: title, body)",
        "- removed: CAE article 3 <https://cae.example/news/3.html>",
    ]


def test_digest_text_of_an_untitled_change(changes):
    untitled = next(c for c in changes if c.site == "anso")
    assert (
        digest_text([replace(untitled, title=None)]).splitlines()[-1]
        == "- new: (untitled) <https://anso.example/news/1.html>"
    )


def test_one_digest_arrives_with_every_change_grouped_by_site(changes, receivers):
    digest, ops = receivers(), receivers()
    notifier = Notifier([digest.url("digest")], [ops.url("alerts")])
    assert notifier.send_digest(changes, "newswatch: 5 changes") is True
    assert len(digest.received) == 1 and ops.received == []
    path, body = digest.received[0]
    assert path == "/digest"
    assert body["title"] == "newswatch: 5 changes"
    assert body["type"] == "info"
    assert body["message"] == digest_text(changes)
    assert body["message"].index("## anso") < body["message"].index("## cae")


def test_every_analyst_channel_gets_the_digest(changes, receivers):
    first, second = receivers(), receivers()
    assert Notifier([first.url("a"), second.url("b")], []).send_digest(changes, "digest")
    assert [p for p, _ in first.received] == ["/a"] and [p for p, _ in second.received] == ["/b"]


def test_nothing_is_sent_without_changes(receivers, caplog):
    digest, ops = receivers(), receivers()
    caplog.set_level(logging.INFO, logger="newswatch.notify")
    assert Notifier([digest.url("digest")], [ops.url("alerts")]).send_digest([], "newswatch: changes") is False
    assert digest.received == [] and ops.received == []
    assert "no changes: digest not sent" in caplog.text


def test_alerts_go_to_the_operators_only(receivers):
    digest, ops = receivers(), receivers()
    notifier = Notifier([digest.url("digest")], [ops.url("alerts")])
    alert = Alert("alert", "cae", "site_down", 3, "cae: site_down for 3 runs in a row: 1 listing page answered 503")
    assert notifier.send_alert(alert) is True
    assert notifier.send_alert(Alert("recovered", "cae", "quiet", 3, "cae: recovered (quiet) after 3 failing runs"))
    assert digest.received == []
    assert [(p, b["type"], b["title"]) for p, b in ops.received] == [
        ("/alerts", "failure", "newswatch alert: cae site_down"),
        ("/alerts", "success", "newswatch recovered: cae quiet"),
    ]
    assert ops.received[0][1]["message"] == alert.message


def test_no_operator_channel_sends_nothing_and_says_false(changes, receivers):
    digest = receivers()
    notifier = Notifier([digest.url("digest")], [])
    assert notifier.send_alert(Alert("alert", "cae", "blocked", 3, "cae: blocked")) is False
    assert digest.received == []


def test_a_failing_channel_does_not_raise(changes, receivers, closed_port, caplog):
    working = receivers()
    caplog.set_level(logging.WARNING)
    notifier = Notifier(
        [f"json://127.0.0.1:{closed_port}/digest", working.url("digest")], [f"json://127.0.0.1:{closed_port}/alerts"]
    )
    assert notifier.send_digest(changes, "digest") is False  # not every channel took it...
    assert len(working.received) == 1  # ...but the working one did
    assert notifier.send_alert(Alert("alert", "cae", "site_down", 3, "down")) is False
    ours = [r for r in caplog.records if r.name == "newswatch.notify"]
    assert len(ours) == 2 and all("\n" not in r.getMessage() for r in ours)
    assert f"127.0.0.1:{closed_port}/alerts" in ours[1].getMessage()


def test_an_exception_inside_apprise_is_logged_not_raised(changes, receivers, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError(f"plugin bug posting to json://user:{SECRET}@127.0.0.1/x")

    monkeypatch.setattr(apprise.Apprise, "notify", explode)
    caplog.set_level(logging.WARNING, logger="newswatch.notify")
    assert Notifier([receivers().url("digest")], []).send_digest(changes, "digest") is False
    assert caplog.text.count("\n") == 1 and "failed: RuntimeError" in caplog.text
    assert SECRET not in caplog.text


def test_secrets_in_channel_urls_never_reach_the_logs(changes, receivers, closed_port, caplog):
    digest, ops = receivers(), receivers()
    caplog.set_level(1)  # everything, Apprise's own TRACE level included
    notifier = Notifier(
        [digest.url("digest", auth=f"user:{SECRET}@"), f"notaservice://user:{SECRET}@example.org/x"],
        [ops.url("alerts", auth=f"user:{SECRET}@"), f"json://user:{SECRET}@127.0.0.1:{closed_port}/alerts"],
    )
    assert notifier.send_digest(changes, "digest") is True
    assert notifier.send_alert(Alert("alert", "cae", "site_down", 3, "down")) is False  # one channel is closed
    assert len(digest.received) == 1 and len(ops.received) == 1
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert SECRET not in logged
    assert base64.b64encode(f"user:{SECRET}".encode()).decode() not in logged
    assert f"json://user:****@127.0.0.1:{digest.port}/digest" in logged  # channels appear masked
    assert "notaservice://… is not a valid Apprise URL" in logged
    assert SECRET not in " ".join(notifier.analysts.masked + notifier.operators.masked)
