"""Races: many threads on one Engine, many processes on one file. Each slot
has exactly one winner; every loser gets SlotUnavailable."""

import collections
import multiprocessing
import random
import threading

import pytest

import slotwise
from conftest import MONDAY, START, Salon, utc
from race_worker import book_all


def ten_slots(salon):
    slots = salon.admin.availability(salon.cut.id, MONDAY, "2026-06-02", resources=[salon.anna.id])[:10]
    assert len(slots) == 10
    return [s.start for s in slots]


def check_one_winner_per_slot(salon, outcomes, contenders):
    by_slot = collections.defaultdict(list)
    for i, outcome, _ in outcomes:
        by_slot[i].append(outcome)
    assert sorted(by_slot) == list(range(10))
    for i, results in by_slot.items():
        assert len(results) == contenders
        assert results.count("won") == 1, (i, results)
        assert results.count("lost") == contenders - 1, (i, results)
    booked = salon.admin.bookings(MONDAY, "2026-06-02", resource_id=salon.anna.id)
    assert len(booked) == 10
    assert sorted(b.id for b in booked) == sorted(b for _, o, b in outcomes if o == "won")


@pytest.mark.parametrize("where", ["file", "memory"])
def test_eight_threads_one_engine(where, db_path, clock):
    # ":memory:" is one connection serialised by a mutex, while the clock
    # needs the GIL: a thread must never wait on one while holding the other.
    salon = Salon(db_path if where == "file" else ":memory:", clock)
    starts = ten_slots(salon)
    barrier = threading.Barrier(8)
    outcomes, lock = [], threading.Lock()

    def worker(seed):
        t = salon.customer()  # each thread its own customer scope, all on one Engine
        order = list(range(10))
        random.Random(seed).shuffle(order)
        barrier.wait()
        for i in order:
            try:
                b = t.book(salon.cut.id, start=starts[i], resource_id=salon.anna.id,
                           customer={"name": f"T{seed}"})
                result = (i, "won", b.id)
            except slotwise.SlotUnavailable:
                result = (i, "lost", None)
            except Exception as e:  # noqa: BLE001 - reported below
                result = (i, repr(e), None)
            with lock:
                outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    check_one_winner_per_slot(salon, outcomes, 8)


def test_threads_run_while_another_waits_on_the_database(salon):
    """A thread blocked on the database lock does not hold the GIL."""
    import sqlite3
    import time

    other = sqlite3.connect(salon.path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    done = threading.Event()

    def writer():
        salon.admin.book(salon.cut.id, start=utc("2026-06-01T07:00"), customer={"name": "W"})
        done.set()

    th = threading.Thread(target=writer)
    th.start()
    ticks = 0
    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:  # pure Python work while the writer waits
        ticks += 1
    assert not done.is_set() and ticks > 1000
    other.execute("ROLLBACK")
    other.close()
    th.join(10)
    assert done.is_set()


def test_processes_each_with_their_own_engine_on_one_file(salon):
    starts = [s.isoformat() for s in ten_slots(salon)]
    ctx = multiprocessing.get_context("spawn")
    processes = 4
    args = [(salon.path, salon.tenant_id, salon.cut.id, salon.anna.id, starts, START.isoformat(), seed)
            for seed in range(processes)]
    with ctx.Pool(processes) as pool:
        results = pool.starmap(book_all, args)
    outcomes = [o for per_process in results for o in per_process]
    check_one_winner_per_slot(salon, outcomes, processes)
