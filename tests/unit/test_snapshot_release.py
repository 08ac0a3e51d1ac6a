"""Snapshots made while the collector is paused are emptied when the pause ends (their records
point at one another, so only the collector could otherwise free them), and only those: a
snapshot made outside a pause, or in another thread, is left alone."""

from __future__ import annotations

import threading

from compliance.services import snapshot


def _snapshot_with_one_record() -> tuple[snapshot.Snapshot, snapshot.Record]:
    snap = snapshot.Snapshot()
    record = snapshot.Record()
    record.__dict__.update(id=1, ref="DF-1", parent=record)  # a cycle, as a record and its child make
    snap.by_id[snapshot.Record] = {1: record}
    snap.records["things"] = [record]
    return snap, record


def test_a_snapshot_made_in_a_pause_is_emptied_when_the_outermost_pause_ends() -> None:
    with snapshot.gc_paused():
        with snapshot.gc_paused():
            snap, record = _snapshot_with_one_record()
        assert record.ref == "DF-1"  # an inner pause ending keeps it
    assert record.__dict__ == {}
    assert snap.records == {} and snap.by_id == {}


def test_a_snapshot_made_outside_a_pause_is_kept() -> None:
    snap, record = _snapshot_with_one_record()
    with snapshot.gc_paused():
        pass
    assert record.ref == "DF-1" and snap.records["things"] == [record]


def test_a_pause_in_another_thread_keeps_this_threads_snapshot() -> None:
    inside, release = threading.Event(), threading.Event()

    def pause() -> None:
        with snapshot.gc_paused():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=pause)
    other.start()
    inside.wait(5)
    snap, record = _snapshot_with_one_record()  # made while the other thread is paused
    release.set()
    other.join(5)
    assert record.ref == "DF-1" and snap.by_id[snapshot.Record] == {1: record}
