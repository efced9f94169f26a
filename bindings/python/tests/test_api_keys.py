"""API keys from Python: minted once with their secret, stored hashed,
authenticated to their own tenant only, and dead once revoked."""
import pytest

import slotwise


def test_a_key_authenticates_to_its_own_tenant_until_revoked(tmp_path):
    eng = slotwise.Engine.open_sqlite(str(tmp_path / "k.db"))
    a = eng.create_tenant("A")
    b = eng.create_tenant("B")
    key = eng.create_api_key(a, "customer", subject="user-7", label="phone")
    assert key["secret"].startswith("swk_") and len(key["secret"]) == 68
    who = eng.authenticate_api_key(key["secret"])
    assert who["tenant_id"] == a and who["role"] == "customer" and who["subject"] == "user-7"
    assert "secret" not in who
    assert [k["id"] for k in eng.api_keys(a)] == [key["id"]]
    assert eng.api_keys(b) == []
    with pytest.raises(slotwise.NotFound):
        eng.revoke_api_key(b, key["id"])  # another tenant's key reads as unknown
    assert eng.authenticate_api_key(key["secret"]) is not None
    eng.revoke_api_key(a, key["id"])
    assert eng.authenticate_api_key(key["secret"]) is None
    assert eng.authenticate_api_key("swk_" + "0" * 64) is None
    with pytest.raises(slotwise.ValidationError) as e:
        eng.create_api_key(a, "customer")
    assert e.value.field == "subject"


def test_the_secret_is_not_in_the_database_file(tmp_path):
    path = tmp_path / "k.db"
    eng = slotwise.Engine.open_sqlite(str(path))
    t = eng.create_tenant("A")
    key = eng.create_api_key(t, "admin")
    del eng
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert key["secret"].encode() not in data
    assert key["secret"][4:].encode() not in data
