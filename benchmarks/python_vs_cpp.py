#!/usr/bin/env python3
"""How much the Python module adds to an availability query.

The same query -- one week, a 30-minute service on a 15-minute grid, 10
resources (Europe/Rome, Monday to Friday 09:00-18:00) with bookings -- is
timed two ways on one engine and one SQLite file:

  C++     slotwise._core._time_availability runs TenantScope::availability in
          C++, with the same request, timing each call inside C++;
  Python  TenantScope.availability called from Python: argument conversion,
          GIL release and re-acquire, and a list of Slot objects built.

It prints the median (and best) per call of each and the overhead ratio
(Python / C++ - 1); the target is below 20 %. Rounds alternate between the
two so that a busy machine slows both alike. Both timings include freeing the
result; neither reads the slots' attributes (a datetime is made when read).
By default it runs twice: 6 bookings per resource and day (a busy salon),
then 1 (a nearly empty week: four times the slots, the worst case for the
per-slot cost of the Python objects).

Usage:
    PYTHONPATH=build-py/bindings/python /usr/bin/python3 benchmarks/python_vs_cpp.py \
        [--rounds 7] [--iterations 40] [--bookings-per-day 6 1] [--check]
--check exits 1 when the overhead is 20 % or more.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time

import slotwise
import slotwise._core as core

RESOURCES = 10
BOOKINGS_PER_DAY = 6  # per resource and day; --bookings-per-day changes it
TARGET = 0.20


def next_monday(today):
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def build(path, per_day):
    eng = slotwise.Engine.open_sqlite(path)
    t = eng.scope(eng.create_tenant("Bench salon"), role="admin", subject="bench")
    week = {day: [("09:00", "13:00"), ("14:00", "18:00")] for day in ("mon", "tue", "wed", "thu", "fri")}
    ids = []
    for n in range(RESOURCES):
        r = t.create_resource(name=f"Stylist {n}", timezone="Europe/Rome")
        t.set_weekly_hours(r.id, week)
        ids.append(r.id)
    svc = t.create_service(name="Cut", duration=30, step=15, buffer_after=10, resources=ids)
    monday = next_monday(dt.date.today())
    sunday = monday + dt.timedelta(days=6)
    rng = random.Random(7)
    booked = 0
    for day in range(5):
        d = monday + dt.timedelta(days=day)
        for rid in ids:
            for _ in range(per_day):
                free = t.availability(svc.id, d, d, resources=[rid])
                if free:
                    t.book(svc.id, start=rng.choice(free).start, resource_id=rid, customer={"name": "Bench"})
                    booked += 1
    return t, svc.id, monday, sunday, booked


def measure(per_day, rounds, iterations):
    with tempfile.TemporaryDirectory(prefix="slotwise-bench-") as tmp:
        t, svc, monday, sunday, booked = build(os.path.join(tmp, "bench.db"), per_day)
        slots = t.availability(svc, monday, sunday)
        # Warm both paths (statement caches, pages, allocator).
        core._time_availability(t, svc, monday, sunday, iterations=10)
        for _ in range(10):
            t.availability(svc, monday, sunday)

        cpp, py = [], []
        for _ in range(rounds):
            cpp += core._time_availability(t, svc, monday, sunday, iterations=iterations)
            for _ in range(iterations):
                t0 = time.perf_counter()
                t.availability(svc, monday, sunday)
                py.append(time.perf_counter() - t0)

    c_med, p_med = statistics.median(cpp), statistics.median(py)
    c_min, p_min = min(cpp), min(py)
    ratio = p_med / c_med - 1
    print(f"query: {monday} .. {sunday}, {RESOURCES} resources, {booked} bookings, {len(slots)} slots returned")
    print(f"  C++     median {c_med * 1e3:8.3f} ms   best {c_min * 1e3:8.3f} ms   ({len(cpp)} calls)")
    print(f"  Python  median {p_med * 1e3:8.3f} ms   best {p_min * 1e3:8.3f} ms   ({len(py)} calls)")
    print(f"  overhead: {ratio * 100:+.1f} % (median), {(p_min / c_min - 1) * 100:+.1f} % (best); "
          f"{(p_med - c_med) / max(len(slots), 1) * 1e9:.0f} ns per slot; target < {TARGET * 100:.0f} %")
    return ratio


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--iterations", type=int, default=40)
    ap.add_argument("--bookings-per-day", type=int, nargs="+", default=[BOOKINGS_PER_DAY, 1],
                    help="bookings per resource per day; one run each (default: 6, then a slot-heavy 1)")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    worst = max(measure(n, args.rounds, args.iterations) for n in args.bookings_per_day)
    if args.check and worst >= TARGET:
        print("FAIL: overhead above target", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
