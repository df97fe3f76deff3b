"""Push stream numbers only grow: an open tab keeps every new message after a restart or an eviction."""

from __future__ import annotations

import asyncio

import pytest

from opastin.channels.hub import Hub

TAB = "t" * 16


class Clock:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __call__(self) -> float:
        return self.seconds


def test_after_a_restart_an_open_tab_still_gets_the_next_message() -> None:
    clock = Clock(1_800_000_000.0)
    before = Hub(clock)
    for n in range(120):  # more messages than milliseconds pass: numbers still only grow
        before.publish(TAB, {"text": f"m{n}"})
    seen = before.last_seq(TAB)  # what the open tab has shown

    clock.seconds += 50  # the Rasa server restarts (about 45 s)
    after = Hub(clock)
    answer = after.publish(TAB, {"text": "Soita heti 112."})

    assert answer > seen
    assert [m["text"] for _, m in after.since(TAB, seen)] == ["Soita heti 112."]


def test_an_evicted_stream_starts_above_what_it_had_given() -> None:
    clock = Clock(1_800_000_000.0)
    hub = Hub(clock)
    seen = hub.publish(TAB, {"text": "first"})
    hub._streams.clear()  # forgotten (idle, or the hub was full)
    clock.seconds += 1
    again = hub.publish(TAB, {"text": "again"})
    assert again > seen
    assert [m["text"] for _, m in hub.since(TAB, seen)] == ["again"]


def test_eviction_never_drops_a_stream_with_listeners(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Hub, "MAX_CONVERSATIONS", 3)
    hub = Hub()
    queue = hub.subscribe(TAB)  # the oldest stream, with an open tab
    for n in range(10):
        hub.publish(f"{n:016d}", {"text": "x"})
    assert TAB in hub._streams and len(hub._streams) <= 3
    hub.publish(TAB, {"text": "still here"})
    _, message = asyncio.run(asyncio.wait_for(queue.get(), 1))
    assert message == {"text": "still here"}
