"""Payment secrets at rest, from Python: a master key seals them, a wrong key
never reads them, live keys need a key, and a bad key is a ValidationError."""

import os

import pytest

import slotwise


def admin_of(engine):
    tid = engine.create_tenant("Salon")
    return engine.scope(tid, role="admin", subject="owner")


def db_bytes(path):
    out = b""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(str(path) + suffix):
            with open(str(path) + suffix, "rb") as f:
                out += f.read()
    return out


def test_a_master_key_keeps_secrets_out_of_the_file(tmp_path):
    path = tmp_path / "bookings.db"
    key = os.urandom(32)
    engine = slotwise.Engine.open_sqlite(path, master_key=key)
    admin = admin_of(engine)
    admin.configure_stripe(secret_key="sk_live_51Hq0123456789abcd", webhook_secret="whsec_py_secret")
    assert admin.payment_settings().live
    data = db_bytes(path)
    assert b"sk_live_" not in data and b"whsec_" not in data
    # The same file with another key refuses to read them.
    other = slotwise.Engine.open_sqlite(path, master_key=os.urandom(32))
    tid = other.create_tenant("x")  # the file still works otherwise
    assert tid
    scope = other.scope(admin_tenant(path), role="admin", subject="owner")
    with pytest.raises(slotwise.StorageError):
        scope.payment_settings()


def admin_tenant(path):
    import sqlite3

    with sqlite3.connect(str(path)) as db:
        return db.execute("SELECT tenant_id FROM payment_settings").fetchone()[0]


def test_a_live_key_without_a_master_key_is_not_configured(tmp_path):
    admin = admin_of(slotwise.Engine.open_sqlite(tmp_path / "b.db"))
    with pytest.raises(slotwise.NotConfigured):
        admin.configure_stripe(secret_key="sk_live_51Hq0123456789abcd", webhook_secret="whsec_x")
    admin.configure_stripe(secret_key="sk_test_ok", webhook_secret="whsec_x")


@pytest.mark.parametrize("key", [b"short", b"x" * 33, "a" * 32, 42, bytearray(32)])
def test_a_master_key_must_be_32_bytes(tmp_path, key):
    with pytest.raises(slotwise.ValidationError) as e:
        slotwise.Engine.open_sqlite(tmp_path / "b.db", master_key=key)
    assert e.value.field == "master_key"
