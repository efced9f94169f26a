"""Shared fixtures: a settable clock, engines on real files, and a small salon.

The salon (Europe/Rome): Anna and Bruno work Monday to Friday 09:00-13:00; a
free 30-minute "Cut" (both) and a paid 60-minute "Colour" (Anna only, 45.00
EUR, 15-minute hold). The clock starts at Monday 2026-06-01 07:00 in Rome
(05:00Z), so the whole first week is bookable.
"""

import datetime as dt
import itertools
import os
import pathlib
import shutil
import subprocess

import pytest

import slotwise

UTC = dt.timezone.utc
MONDAY = dt.date(2026, 6, 1)
START = dt.datetime(2026, 6, 1, 5, 0, tzinfo=UTC)  # Monday 07:00 in Rome
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def utc(text):
    """An aware UTC datetime from "YYYY-MM-DDTHH:MM"."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


class FakeClock:
    """A clock the test moves by hand; the engine calls it with the GIL held."""

    def __init__(self, now=START):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, **delta):
        self.now += dt.timedelta(**delta)


# Which store the salon fixture runs on: "sqlite" (default), or "postgres"
# (SLOTWISE_PYTHON_STORE=postgres, against SLOTWISE_PG_DSN, a database the
# tests may wipe: scripts/test starts a throwaway one).
STORE = os.environ.get("SLOTWISE_PYTHON_STORE", "sqlite")


def pytest_configure(config):
    if STORE == "postgres" and not os.environ.get("SLOTWISE_PG_DSN"):
        pytest.exit("SKIPPED: SLOTWISE_PYTHON_STORE=postgres but no SLOTWISE_PG_DSN", returncode=77)
    if STORE == "postgres" and not hasattr(slotwise.Engine, "open_postgres"):
        pytest.exit("SKIPPED: this slotwise was built without the PostgreSQL adapter", returncode=77)


# Tests that open the salon's SQLite file themselves (sqlite3 locks, a second
# engine on the file, processes on one file): about SQLite, not the salon.
SQLITE_FILE_TESTS = {
    "test_threads_run_while_another_waits_on_the_database",
    "test_processes_each_with_their_own_engine_on_one_file",
    "test_a_locked_database_raises_storage_busy_and_a_retry_succeeds",
}


def pytest_collection_modifyitems(config, items):
    if STORE != "postgres":
        return
    skip = pytest.mark.skip(reason="opens the salon's SQLite file itself")
    for item in items:
        if item.name in SQLITE_FILE_TESTS:
            item.add_marker(skip)


def wipe_postgres():
    """Empties every table of the test database (psql, Debian's postgresql-client)."""
    psql = shutil.which("psql")
    if psql is None:
        pytest.exit("SKIPPED: psql not found (needed to empty the test database)", returncode=77)
    subprocess.run(
        [psql, "-q", "-v", "ON_ERROR_STOP=1", os.environ["SLOTWISE_PG_DSN"], "-c",
         "DO $$ DECLARE names text; BEGIN SELECT string_agg(quote_ident(tablename), ', ') INTO names"
         " FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'slotwise_schema';"
         " IF names IS NOT NULL THEN EXECUTE 'TRUNCATE ' || names; END IF; END $$"],
        check=True, capture_output=True)


def open_engine(path, clock=None, **options):
    """An engine on the store under test: a new SQLite file at path, or the emptied PostgreSQL database."""
    if STORE == "postgres":
        wipe_postgres()
        return slotwise.Engine.open_postgres(os.environ["SLOTWISE_PG_DSN"], clock=clock, **options)
    return slotwise.Engine.open_sqlite(path, clock=clock, **options)


def open_again(path, clock=None, **options):
    """A second engine on the store open_engine made, its data kept (a second server)."""
    if STORE == "postgres":
        return slotwise.Engine.open_postgres(os.environ["SLOTWISE_PG_DSN"], clock=clock, **options)
    return slotwise.Engine.open_sqlite(path, clock=clock, **options)


class Salon:
    def __init__(self, path, clock):
        self.path = str(path)
        self.clock = clock
        self.engine = open_engine(self.path, clock=clock)
        self.tenant_id = self.engine.create_tenant("Salon Bella")
        self.admin = self.engine.scope(self.tenant_id, role="admin", subject="owner")
        self.anna = self.admin.create_resource(name="Anna", timezone="Europe/Rome", capacity=1)
        self.bruno = self.admin.create_resource(name="Bruno", timezone="Europe/Rome")
        week = {day: [("09:00", "13:00")] for day in WEEKDAYS}
        self.admin.set_weekly_hours(self.anna.id, week)
        self.admin.set_weekly_hours(self.bruno.id, week)
        self.cut = self.admin.create_service(
            name="Cut", duration=30, resources=[self.anna.id, self.bruno.id]
        )
        self.colour = self.admin.create_service(
            name="Colour", duration=60, price=4500, currency="EUR", hold_minutes=15,
            resources=[self.anna.id],
        )

    _subjects = itertools.count(1)

    def customer(self, subject=None):
        """A customer scope; without a subject, a new signed-in user each time."""
        if subject is None:
            subject = f"customer-{next(self._subjects)}"
        return self.engine.scope(self.tenant_id, role="customer", subject=subject)

    def staff(self, subject="staff-1"):
        return self.engine.scope(self.tenant_id, role="staff", subject=subject)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "bookings.db"


@pytest.fixture
def salon(db_path, clock):
    return Salon(db_path, clock)


ADA = {"name": "Ada", "email": "ada@example.com", "phone": None, "locale": "en"}


def shared_dir():
    """shared/ beside the checkout (SLOTWISE_SHARED_DIR when ctest runs us)."""
    env = os.environ.get("SLOTWISE_SHARED_DIR")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[3] / ".." / "shared"


def source_dir():
    env = os.environ.get("SLOTWISE_SOURCE_DIR")
    if env:
        return pathlib.Path(env)
    return pathlib.Path(__file__).resolve().parents[3]
