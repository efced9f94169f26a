"""slotwise.RateLimiter from Python, written as the floods it must stop."""

import datetime as dt
import threading

import pytest

import slotwise


class Monotonic:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_flood_from_one_address_is_refused_past_the_burst_with_a_retry_after():
    clock = Monotonic()
    limiter = slotwise.RateLimiter(burst=3, refill_every=2.0, clock=clock)
    assert [bool(limiter.try_acquire("10.0.0.1")) for _ in range(5)] == [True, True, True, False, False]
    refused = limiter.try_acquire("10.0.0.1")
    assert not refused.allowed
    assert refused.retry_after == dt.timedelta(seconds=2)
    assert refused.retry_after_seconds == 2
    # Another address has its own bucket.
    assert limiter.try_acquire("10.0.0.2")
    # One token back every refill_every, never above the burst.
    clock.now += 2.0
    assert limiter.try_acquire("10.0.0.1")
    assert not limiter.try_acquire("10.0.0.1")
    clock.now += 3600
    assert [bool(limiter.try_acquire("10.0.0.1")) for _ in range(4)] == [True, True, True, False]


def test_costly_calls_take_more_tokens_and_a_refused_call_takes_none():
    clock = Monotonic()
    limiter = slotwise.RateLimiter(burst=5, refill_every=dt.timedelta(seconds=1), clock=clock)
    assert limiter.try_acquire("tenant:ada", cost=4)
    assert not limiter.try_acquire("tenant:ada", cost=4)  # takes nothing
    assert limiter.try_acquire("tenant:ada", cost=1)
    assert not limiter.try_acquire("tenant:ada")


def test_spraying_keys_cannot_grow_the_limiter_past_max_keys():
    limiter = slotwise.RateLimiter(burst=1, max_keys=100)
    for i in range(5000):
        limiter.try_acquire(f"spoofed-{i}")
    assert len(limiter) <= 100


def test_bad_arguments_name_the_argument():
    for kwargs, field in [({"burst": 0}, "burst"), ({"refill_every": 0}, "refill_every"),
                          ({"refill_every": "1s"}, "refill_every"), ({"max_keys": 0}, "max_keys"),
                          ({"clock": 5}, "clock")]:
        with pytest.raises(slotwise.ValidationError) as e:
            slotwise.RateLimiter(**kwargs)
        assert e.value.field == field
    limiter = slotwise.RateLimiter(burst=2)
    with pytest.raises(slotwise.ValidationError) as e:
        limiter.try_acquire("k", cost=3)
    assert e.value.field == "cost"
    with pytest.raises(slotwise.ValidationError) as e:
        limiter.try_acquire("k" * 257)
    assert e.value.field == "key"


def test_threads_sharing_one_limiter_never_get_more_than_the_burst():
    limiter = slotwise.RateLimiter(burst=50, refill_every=86400)
    allowed = []
    lock = threading.Lock()

    def hammer():
        mine = sum(bool(limiter.try_acquire("shared")) for _ in range(100))
        with lock:
            allowed.append(mine)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 50
