"""Worker of the multi-process race (imported by spawned processes, so kept
free of pytest): opens its own Engine on the shared file and tries to book
every slot, in its own order."""

import datetime as dt
import random

import slotwise


def book_all(path, tenant_id, service_id, resource_id, starts, now_iso, seed):
    now = dt.datetime.fromisoformat(now_iso)
    eng = slotwise.Engine.open_sqlite(path, clock=lambda: now)
    t = eng.scope(tenant_id, role="customer", subject=f"process-{seed}")
    order = list(range(len(starts)))
    random.Random(seed).shuffle(order)
    outcomes = []
    for i in order:
        try:
            b = t.book(service_id, start=starts[i], resource_id=resource_id,
                       customer={"name": f"P{seed}"})
            outcomes.append((i, "won", b.id))
        except slotwise.SlotUnavailable:
            outcomes.append((i, "lost", None))
        except slotwise.Error as e:  # reported, so the parent can say what went wrong
            outcomes.append((i, f"{type(e).__name__}:{e.code}:{e}", None))
    return outcomes
