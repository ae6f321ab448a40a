"""An event worker process: batches of articles in on stdin, their events and signatures out on stdout.

Started by :class:`newswatch.event.workers.EventWorkers` as ``python -m newswatch.event.worker``.
A frame is an 8-byte big-endian length and a pickle: the batch is a list of (title, body, published,
language); the answer, in the same order, a list of (True, (event, signature)) or (False, exception).
The worker exits when its stdin closes (the crawl's process ended or closed it).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import struct
import sys
from typing import BinaryIO

HEADER = struct.Struct("!Q")


def analyse(title: str, body: str, published: str | None, language: str | None) -> tuple[dict | None, bytes | None]:
    """The item's event and, when it reports one, the stored form of its text signature (for linking)."""
    from newswatch.event.extract import extract_event

    event = extract_event(title, body, published, language)
    if event is None:
        return None, None
    from newswatch.event.linking import signature_values, to_bytes

    return event, to_bytes(signature_values(signature_text(title, body)))


def signature_text(title: str | None, body: str | None) -> str:
    """The text an item's signature is computed on (the same wherever it is computed)."""
    return f"{title or ''}\n{body or ''}"


def analyse_many(batch: list[tuple]) -> list[tuple[bool, object]]:
    """:func:`analyse` for each item of a batch: (True, result) or (False, the exception it raised)."""
    out: list[tuple[bool, object]] = []
    for args in batch:
        try:
            out.append((True, analyse(*args)))
        except Exception as exc:
            out.append((False, exc))
    return out


def warm() -> None:
    """Compile the rules and load the gazetteer before the first article arrives."""
    analyse(
        "Forum on Water Security held in Nairobi",
        "The forum was held in Nairobi, Kenya on 3 May 2024, attended by more than 100 experts from 12 countries.",
        "2024-05-04",
        "en",
    )


def frame(payload: object) -> bytes:
    data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def serve(inbox: BinaryIO, outbox: BinaryIO) -> None:
    """Answer batches until the inbox closes."""
    while True:
        header = _read_exactly(inbox, HEADER.size)
        if header is None:
            return
        body = _read_exactly(inbox, HEADER.unpack(header)[0])
        if body is None:
            return
        try:
            answer = frame(analyse_many(pickle.loads(body)))
        except Exception as exc:
            answer = frame([(False, RuntimeError(f"event worker: {exc}"))] * len(pickle.loads(body)))
        outbox.write(answer)
        outbox.flush()


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    # The crawl's process decides when a worker ends (by closing its input): Ctrl-C is for the crawl.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if args[:1] == ["--nice"]:
        os.nice(int(args[1]))
    # The answers own the original stdout; anything a library prints goes to stderr instead.
    outbox = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    warm()
    with contextlib.suppress(BrokenPipeError):  # the crawl's process went away
        serve(sys.stdin.buffer, outbox)


if __name__ == "__main__":
    main()
