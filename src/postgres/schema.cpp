// The PostgreSQL schema and its migrations. Each entry of kMigrations takes
// the schema from version i to i + 1; slotwise_schema records the version.
// open_postgres migrates under a session advisory lock, so of several servers
// starting at once one migrates and the others wait, then find it current.
//
// Layout: the same logical schema as the SQLite adapter, every user string as
// bytea (NUL bytes and any encoding are data; bytea sorts bytewise, as SQLite
// compares text), instants as timestamptz. Every primary key, unique key,
// index and foreign key leads with tenant_id, the column a Citus deployment
// distributes by (docs/storage.md). A booking's occupancy of each resource it
// holds is a row of booking_resources, which carries the exclusion
// constraint (postgres.hpp explains `exclusive` and `active`).
#include "internal.hpp"

namespace slotwise::postgres {
namespace {

// Any 64-bit number nobody else uses: the migration's session lock.
constexpr const char* kMigrationLock = "7310593858486744832";

constexpr const char* kMigrations[] = {
    R"sql(
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE tenants (
    tenant_id  bytea       NOT NULL,
    name       bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id)
);

CREATE TABLE resources (
    tenant_id   bytea   NOT NULL,
    resource_id bytea   NOT NULL,
    name        bytea   NOT NULL,
    kind        text    NOT NULL,
    timezone    bytea   NOT NULL,
    capacity    integer NOT NULL,
    PRIMARY KEY (tenant_id, resource_id)
);

CREATE TABLE weekly_hours (
    tenant_id   bytea    NOT NULL,
    resource_id bytea    NOT NULL,
    weekday     smallint NOT NULL,  -- ISO: 1 = Monday ... 7 = Sunday; no row = closed
    windows     text     NOT NULL,  -- "540-780,840-1080": minutes from local midnight
    PRIMARY KEY (tenant_id, resource_id, weekday)
);

CREATE TABLE date_overrides (
    tenant_id   bytea   NOT NULL,
    resource_id bytea   NOT NULL,
    day         integer NOT NULL,  -- days since 1970-01-01
    windows     text    NOT NULL,  -- '' = closed that day
    PRIMARY KEY (tenant_id, resource_id, day)
);

CREATE TABLE blocks (
    tenant_id   bytea       NOT NULL,
    block_id    bytea       NOT NULL,
    resource_id bytea       NOT NULL,
    start_at    timestamptz NOT NULL,
    end_at      timestamptz NOT NULL,
    reason      bytea       NOT NULL,
    PRIMARY KEY (tenant_id, block_id)
);
CREATE INDEX blocks_by_resource ON blocks (tenant_id, resource_id, start_at);

CREATE TABLE services (
    tenant_id         bytea   NOT NULL,
    service_id        bytea   NOT NULL,
    name              bytea   NOT NULL,
    duration_min      bigint  NOT NULL,
    step_min          bigint  NOT NULL,
    buffer_before_min bigint  NOT NULL,
    buffer_after_min  bigint  NOT NULL,
    price             bigint  NOT NULL,
    currency          bytea   NOT NULL,
    min_notice_min    bigint  NOT NULL,
    horizon_min       bigint  NOT NULL,
    hold_min          bigint  NOT NULL,
    cancel_notice_min bigint  NOT NULL,
    segments          text    NOT NULL,  -- "busy:30,free:45,busy:20"; '' = busy throughout
    limit_day         integer,           -- NULL = no limit
    limit_week        integer,
    limit_month       integer,
    PRIMARY KEY (tenant_id, service_id)
);

CREATE TABLE service_resources (
    tenant_id   bytea   NOT NULL,
    service_id  bytea   NOT NULL,
    position    integer NOT NULL,  -- display order, across groups
    resource_id bytea   NOT NULL,
    grp         integer NOT NULL,  -- index in Service::resource_groups
    PRIMARY KEY (tenant_id, service_id, position)
);

CREATE TABLE bookings (
    tenant_id           bytea       NOT NULL,
    booking_id          bytea       NOT NULL,
    service_id          bytea       NOT NULL,
    resource_id         bytea       NOT NULL,
    start_at            timestamptz NOT NULL,
    end_at              timestamptz NOT NULL,
    seats               integer     NOT NULL,
    buffer_before_min   bigint      NOT NULL,
    buffer_after_min    bigint      NOT NULL,
    customer_name       bytea       NOT NULL,
    customer_email      bytea       NOT NULL,
    customer_phone      bytea       NOT NULL,
    customer_locale     bytea       NOT NULL,
    status              text        NOT NULL,
    payment_status      text        NOT NULL,
    hold_expires_at     timestamptz,           -- NULL = no hold
    idempotency_key     bytea,                 -- NULL = none
    request_fingerprint bytea       NOT NULL,
    created_by          bytea       NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    checkout_id         bytea       NOT NULL,  -- '' = none
    payment_reference   bytea       NOT NULL,  -- '' = none
    amount_due          bigint      NOT NULL,
    currency_due        bytea       NOT NULL,
    other_resources     bytea       NOT NULL,  -- each "<bytes>:<id>"; '' = none
    segments            text        NOT NULL,  -- as services.segments, when it was booked
    PRIMARY KEY (tenant_id, booking_id)
);
CREATE INDEX bookings_by_start ON bookings (tenant_id, start_at, booking_id);
CREATE UNIQUE INDEX bookings_by_idempotency_key ON bookings (tenant_id, created_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
CREATE INDEX bookings_by_payment_reference ON bookings (tenant_id, payment_reference)
    WHERE payment_reference <> ''::bytea;
CREATE INDEX bookings_by_creator ON bookings (tenant_id, created_by, status, start_at);

-- What each booking occupies of each resource it holds, one row per entry
-- of Booking::holds(): of its first resource each busy part of its segments
-- (part 0 begins at the booking's start), of every other resource the whole
-- appointment; occupied = [start - buffer before, end + buffer after). The
-- exclusion constraint is the database's own refusal of double booking for
-- capacity-1 resources (a booking's own rows never conflict with each other).
CREATE TABLE booking_resources (
    tenant_id         bytea       NOT NULL,
    booking_id        bytea       NOT NULL,
    part              integer     NOT NULL,  -- position in Booking::holds()
    resource_id       bytea       NOT NULL,
    occupied          tstzrange   NOT NULL,
    start_at          timestamptz NOT NULL,  -- the hold's, without buffers
    end_at            timestamptz NOT NULL,
    buffer_before_min bigint      NOT NULL,
    buffer_after_min  bigint      NOT NULL,
    hold_expires_at   timestamptz,           -- the booking's, while pending
    exclusive         boolean     NOT NULL,  -- the resource had capacity 1
    active            boolean     NOT NULL,  -- confirmed, or a hold not yet found lapsed
    PRIMARY KEY (tenant_id, booking_id, part),
    FOREIGN KEY (tenant_id, booking_id) REFERENCES bookings (tenant_id, booking_id) ON DELETE CASCADE,
    CONSTRAINT booking_resources_no_overlap
        EXCLUDE USING gist (tenant_id WITH =, resource_id WITH =, occupied WITH &&, booking_id WITH <>)
        WHERE (exclusive AND active)
);
CREATE INDEX booking_resources_by_range ON booking_resources USING gist (tenant_id, resource_id, occupied);

CREATE TABLE payment_settings (
    tenant_id      bytea NOT NULL,
    provider       bytea NOT NULL,
    secret_key     bytea NOT NULL,
    webhook_secret bytea NOT NULL,
    PRIMARY KEY (tenant_id)
);
CREATE TABLE payment_events (
    tenant_id   bytea       NOT NULL,
    provider    bytea       NOT NULL,
    event_id    bytea       NOT NULL,
    type        bytea       NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, provider, event_id)
);
CREATE TABLE checkout_sessions (
    tenant_id  bytea       NOT NULL,
    session_id bytea       NOT NULL,
    booking_id bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    close_by   timestamptz,           -- NULL = the provider closes it
    closed_at  timestamptz,           -- NULL = open
    PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX checkout_sessions_by_booking ON checkout_sessions (tenant_id, booking_id, created_at);
CREATE INDEX checkout_sessions_to_close ON checkout_sessions (tenant_id, close_by)
    WHERE closed_at IS NULL AND close_by IS NOT NULL;
CREATE TABLE unmatched_payments (
    tenant_id   bytea       NOT NULL,
    provider    bytea       NOT NULL,
    event_id    bytea       NOT NULL,
    reference   bytea       NOT NULL,  -- '' = none
    amount      bigint,                -- NULL = the event said none
    currency    bytea       NOT NULL,  -- '' = none
    booking_id  bytea,                 -- NULL = no booking of this tenant
    reason      bytea       NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, provider, event_id)
);
CREATE INDEX unmatched_payments_by_time ON unmatched_payments (tenant_id, received_at, event_id);

CREATE TABLE tenant_policies (
    tenant_id                      bytea   NOT NULL,
    max_pending_per_customer       integer NOT NULL,
    max_active_per_customer        integer,           -- NULL = unlimited
    customer_horizon_days          bigint  NOT NULL,
    max_seats_per_customer_booking integer,           -- NULL = the resource's capacity
    max_notifications_per_customer_hour integer NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- The outbox: row_no keeps the order rows were written in.
CREATE TABLE outbox (
    tenant_id       bytea       NOT NULL,
    notification_id bytea       NOT NULL,
    row_no          bigint      GENERATED ALWAYS AS IDENTITY,
    kind            text        NOT NULL,
    booking_id      bytea       NOT NULL,
    locale          bytea       NOT NULL,
    recipient       bytea       NOT NULL,
    subject         bytea       NOT NULL,
    body            bytea       NOT NULL,
    ics             bytea       NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    sent_at         timestamptz,
    resource_id     bytea       NOT NULL,
    start_at        timestamptz NOT NULL,
    end_at          timestamptz NOT NULL,
    sequence        integer     NOT NULL,
    created_by      bytea       NOT NULL,  -- who made the booking ('' = no such booking)
    PRIMARY KEY (tenant_id, notification_id)
);
CREATE INDEX outbox_by_booking ON outbox (tenant_id, booking_id, row_no);
CREATE INDEX outbox_due ON outbox (tenant_id, next_attempt_at) WHERE sent_at IS NULL;
CREATE INDEX outbox_by_creator ON outbox (tenant_id, created_by, created_at);
)sql",
    // Version 2. Approval and the waitlist (as SQLite's version 8). A
    // requested or offered booking's occupancy rows are active, and switched
    // off when found lapsed, exactly as a pending hold's (postgres.hpp). The
    // lapse scan's cursor is one row keyed by the empty tenant, so that every
    // table still leads with tenant_id.
    R"sql(
ALTER TABLE services ADD COLUMN requires_confirmation boolean NOT NULL DEFAULT false;
ALTER TABLE services ADD COLUMN request_expiry_min bigint NOT NULL DEFAULT 1440;
ALTER TABLE services ADD COLUMN offer_time_min bigint NOT NULL DEFAULT 60;
ALTER TABLE tenant_policies ADD COLUMN max_waitlist_per_customer integer NOT NULL DEFAULT 5;
CREATE INDEX bookings_holding_by_creator ON bookings (tenant_id, created_by, hold_expires_at, start_at)
    WHERE status IN ('pending', 'requested', 'offered');
CREATE INDEX bookings_lapsing ON bookings (tenant_id, hold_expires_at, booking_id)
    WHERE status IN ('pending', 'requested', 'offered');
CREATE TABLE waitlist (
    tenant_id        bytea       NOT NULL,
    entry_id         bytea       NOT NULL,
    seq              bigint      GENERATED ALWAYS AS IDENTITY,  -- join order
    service_id       bytea       NOT NULL,
    start_at         timestamptz NOT NULL,
    seats            integer     NOT NULL,
    resources        bytea       NOT NULL,  -- pinned, each "<bytes>:<id>"; '' = any
    customer_name    bytea       NOT NULL,
    customer_email   bytea       NOT NULL,
    customer_phone   bytea       NOT NULL,
    customer_locale  bytea       NOT NULL,
    created_by       bytea       NOT NULL,
    created_at       timestamptz NOT NULL,
    status           text        NOT NULL,  -- waiting, offered, left
    offer_booking_id bytea,                 -- NULL = no offer yet
    PRIMARY KEY (tenant_id, entry_id)
);
CREATE INDEX waitlist_waiting ON waitlist (tenant_id, start_at, seq) WHERE status = 'waiting';
CREATE INDEX waitlist_waiting_by_service ON waitlist (tenant_id, service_id, start_at, seq) WHERE status = 'waiting';
CREATE INDEX waitlist_waiting_by_creator ON waitlist (tenant_id, created_by) WHERE status = 'waiting';
CREATE TABLE waitlist_sweep (
    tenant_id     bytea       NOT NULL,  -- always '': one row for the whole database
    at            timestamptz NOT NULL,
    lapsed_tenant bytea       NOT NULL,
    booking_id    bytea       NOT NULL,
    PRIMARY KEY (tenant_id)
);
)sql",
    // Version 3. Series and administration: a booking names its series ('' =
    // none); a resource or service may be deactivated.
    R"sql(
ALTER TABLE resources ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE services ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE bookings ADD COLUMN series_id bytea NOT NULL DEFAULT ''::bytea;
CREATE INDEX bookings_by_series ON bookings (tenant_id, series_id, start_at, booking_id) WHERE series_id <> ''::bytea;
)sql",
    // Version 4. Party size (restaurants): a resource's size (guests it
    // seats, NULL = not sized), a service that books parties (0/1), a
    // booking's party size (0 = not a party), and the table combinations a
    // tenant declares for a group of a party service (tables as a booking's
    // other_resources).
    R"sql(
ALTER TABLE resources ADD COLUMN size integer;
ALTER TABLE services ADD COLUMN party integer NOT NULL DEFAULT 0;
ALTER TABLE bookings ADD COLUMN party_size integer NOT NULL DEFAULT 0;
CREATE TABLE table_combinations (
    tenant_id      bytea   NOT NULL,
    combination_id bytea   NOT NULL,
    service_id     bytea   NOT NULL,
    grp            integer NOT NULL,
    tables         bytea   NOT NULL,
    size           integer NOT NULL,
    PRIMARY KEY (tenant_id, combination_id)
);
CREATE INDEX table_combinations_by_service ON table_combinations (tenant_id, service_id, combination_id);
)sql",
    // Version 5. API keys (api_keys.hpp), only the SHA-256 of each secret.
    // Authentication learns the tenant from the key, so the hash → tenant
    // directory is the one table not keyed by tenant (a reference table on
    // Citus, docs/storage.md); the key itself is a tenant's row.
    R"sql(
CREATE TABLE api_keys (
    tenant_id  bytea       NOT NULL,
    key_id     bytea       NOT NULL,
    role       text        NOT NULL,
    subject    bytea       NOT NULL,
    label      bytea       NOT NULL,
    key_hash   bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    PRIMARY KEY (tenant_id, key_id),
    UNIQUE (tenant_id, key_hash)
);
CREATE TABLE api_key_directory (
    key_hash  bytea NOT NULL PRIMARY KEY,
    tenant_id bytea NOT NULL
);
)sql",
    // Version 6: each tenant's catalogue_version, moved on by triggers on
    // every change of its resources, hours, overrides, blocks, services and
    // their links, whoever makes it (the adapter, another server, plain SQL),
    // and for every tenant by a TRUNCATE of any of them: what a connection's
    // catalogue cache is keyed by (catalogue_cache.cpp). Versions come from
    // one sequence, so a tenant deleted and made again under its old id never
    // meets a version its earlier self had.
    R"sql(
CREATE SEQUENCE slotwise_catalogue_versions;
ALTER TABLE tenants ADD COLUMN catalogue_version bigint NOT NULL DEFAULT nextval('slotwise_catalogue_versions');

CREATE FUNCTION slotwise_catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE tenants SET catalogue_version = nextval('slotwise_catalogue_versions');
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE tenants SET catalogue_version = nextval('slotwise_catalogue_versions')
        WHERE tenant_id = OLD.tenant_id;
    END IF;
    IF TG_OP = 'INSERT' OR NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        UPDATE tenants SET catalogue_version = nextval('slotwise_catalogue_versions')
        WHERE tenant_id = NEW.tenant_id;
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['resources', 'weekly_hours', 'date_overrides', 'blocks', 'services',
                             'service_resources'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I'
                       ' FOR EACH ROW EXECUTE FUNCTION slotwise_catalogue_changed()', t || '_catalogue', t);
        EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION slotwise_catalogue_changed()', t || '_truncated', t);
    END LOOP;
END
$$;
)sql",
    // Version 7. A tenant's own notification texts (message_texts.hpp): at
    // most one per kind and locale; the built-in texts are not stored.
    R"sql(
CREATE TABLE message_texts (
    tenant_id bytea NOT NULL,
    kind      bytea NOT NULL,
    locale    bytea NOT NULL,
    subject   bytea NOT NULL,
    body      bytea NOT NULL,
    PRIMARY KEY (tenant_id, kind, locale)
);
)sql",
    // Version 8. A resource's holds in a range are read by one B-tree range
    // scan that answers from the index alone, instead of a GiST probe that
    // visits every row and then its booking: a hold carries its booking's
    // seats and status, and resource_spans keeps each resource's longest
    // occupied range, so that every hold overlapping [lo, hi) starts in
    // [lo - longest, hi). Spans only grow, widened by a statement trigger on
    // every insert (the adapter moves a booking by a delete and an insert),
    // and only when a hold is longer: one no longer than the longest takes no
    // lock on the span row; and by a row trigger on an update of a hold's
    // range or resource (plain SQL).
    R"sql(
ALTER TABLE booking_resources ADD COLUMN seats integer, ADD COLUMN status text;
UPDATE booking_resources o SET seats = b.seats, status = b.status
FROM bookings b WHERE b.tenant_id = o.tenant_id AND b.booking_id = o.booking_id;
ALTER TABLE booking_resources ALTER COLUMN seats SET NOT NULL, ALTER COLUMN status SET NOT NULL;

CREATE TABLE resource_spans (
    tenant_id   bytea    NOT NULL,
    resource_id bytea    NOT NULL,
    longest     interval NOT NULL,  -- no occupied range of the resource is longer
    PRIMARY KEY (tenant_id, resource_id)
);
INSERT INTO resource_spans (tenant_id, resource_id, longest)
SELECT tenant_id, resource_id, max(upper(occupied) - lower(occupied)) FROM booking_resources
WHERE NOT isempty(occupied) GROUP BY tenant_id, resource_id;

CREATE FUNCTION slotwise_widen_spans() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- In (tenant, resource) order, so that two writers widening the same
    -- spans lock them in one order.
    INSERT INTO resource_spans (tenant_id, resource_id, longest)
    SELECT a.tenant_id, a.resource_id, a.longest
    FROM (SELECT tenant_id, resource_id, max(upper(occupied) - lower(occupied)) AS longest FROM added
          WHERE NOT isempty(occupied) GROUP BY tenant_id, resource_id) a
    WHERE NOT EXISTS (SELECT 1 FROM resource_spans s WHERE s.tenant_id = a.tenant_id
                      AND s.resource_id = a.resource_id AND s.longest >= a.longest)
    ORDER BY a.tenant_id, a.resource_id
    ON CONFLICT (tenant_id, resource_id) DO UPDATE SET longest = greatest(resource_spans.longest, excluded.longest);
    RETURN NULL;
END
$$;
CREATE TRIGGER booking_resources_widen_spans AFTER INSERT ON booking_resources
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION slotwise_widen_spans();
-- A hold changed in place (plain SQL: the adapter only switches `active`,
-- which fires nothing).
CREATE FUNCTION slotwise_widen_span() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT isempty(NEW.occupied) THEN
        INSERT INTO resource_spans (tenant_id, resource_id, longest)
        VALUES (NEW.tenant_id, NEW.resource_id, upper(NEW.occupied) - lower(NEW.occupied))
        ON CONFLICT (tenant_id, resource_id) DO UPDATE SET longest = greatest(resource_spans.longest, excluded.longest);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER booking_resources_widen_span_on_update AFTER UPDATE OF occupied, resource_id ON booking_resources
    FOR EACH ROW EXECUTE FUNCTION slotwise_widen_span();

CREATE INDEX booking_resources_by_start ON booking_resources (tenant_id, resource_id, lower(occupied))
    INCLUDE (occupied, start_at, end_at, buffer_before_min, buffer_after_min, seats, status, hold_expires_at,
             booking_id, part);
DROP INDEX booking_resources_by_range;
)sql",
    // Version 9. A hold no longer references its booking by a foreign key,
    // as SQLite's booking_holds never did: the adapter writes a booking and
    // its holds in one round trip and never deletes a booking, so the key
    // refused nothing, while its check ran on every hold inserted, by a plan
    // each connection made once. Made while the table had no statistics,
    // that plan chose (tenant_id, created_by, ...) over the primary key and
    // read every booking of the tenant for each hold.
    //
    // (A booking deleted by hand in plain SQL no longer takes its holds with
    // it: delete its booking_resources rows too.)
    //
    // And resource_spans is widened only past a floor of 4 hours, by a row
    // trigger whose WHEN clause keeps a shorter hold from calling anything:
    // the statement trigger of step 8 cost a PL/pgSQL call and a query of
    // its transition table on every insert, about a fifth of a booking's time in
    // the server. Readers reach back at least 4 hours (SW_SPAN_FLOOR in
    // statements.hpp); the spans already stored stay (none is too short).
    // The trigger's function writes the span row only when the hold is
    // longer than the span, so a long hold no longer than the longest takes
    // no lock on it.
    R"sql(
ALTER TABLE booking_resources DROP CONSTRAINT booking_resources_tenant_id_booking_id_fkey;

CREATE OR REPLACE FUNCTION slotwise_widen_span() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT isempty(NEW.occupied) AND NOT EXISTS (
        SELECT 1 FROM resource_spans s WHERE s.tenant_id = NEW.tenant_id AND s.resource_id = NEW.resource_id
        AND s.longest >= upper(NEW.occupied) - lower(NEW.occupied)) THEN
        INSERT INTO resource_spans (tenant_id, resource_id, longest)
        VALUES (NEW.tenant_id, NEW.resource_id, upper(NEW.occupied) - lower(NEW.occupied))
        ON CONFLICT (tenant_id, resource_id) DO UPDATE SET longest = greatest(resource_spans.longest, excluded.longest);
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER booking_resources_widen_spans ON booking_resources;
DROP FUNCTION slotwise_widen_spans();
DROP TRIGGER booking_resources_widen_span_on_update ON booking_resources;
CREATE TRIGGER booking_resources_widen_span AFTER INSERT OR UPDATE OF occupied, resource_id ON booking_resources
    FOR EACH ROW WHEN (upper(NEW.occupied) - lower(NEW.occupied) > interval '4 hours')
    EXECUTE FUNCTION slotwise_widen_span();
)sql",
    // Version 10. A change of a resource's capacity (and a resource made,
    // removed or moved to another id) takes the resource's advisory lock,
    // the one a booking's writer holds from its read to its end, whoever
    // makes it (the adapter, another server, plain SQL). So the capacity a
    // writer confirmed with its read stays the database's until it commits,
    // and its hold's `exclusive` flag is written from it without a lookup.
    // (A TRUNCATE fires no row trigger: it takes no lock, but leaves no
    // capacity to disagree with, and making the resource again takes it.)
    // slotwise_resource_lock_key() is the adapter's resource_key(): 64-bit
    // FNV-1a over "resource", the tenant and the resource, each followed by
    // a zero byte (numeric, as bigint arithmetic may not wrap).
    R"sql(
CREATE FUNCTION slotwise_resource_lock_key(tenant bytea, resource bytea) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    zero constant bytea := decode('00', 'hex');
    bytes constant bytea := convert_to('resource', 'UTF8') || zero || tenant || zero || resource || zero;
    h numeric := 14695981039346656037;
    low integer;
BEGIN
    FOR i IN 0 .. length(bytes) - 1 LOOP
        low := (h % 256)::integer;
        h := ((h - low + (low # get_byte(bytes, i))) * 1099511628211) % 18446744073709551616;
    END LOOP;
    IF h >= 9223372036854775808 THEN
        h := h - 18446744073709551616;
    END IF;
    RETURN h::bigint;
END
$$;

CREATE FUNCTION slotwise_lock_resource() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pg_advisory_xact_lock(slotwise_resource_lock_key(OLD.tenant_id, OLD.resource_id));
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_advisory_xact_lock(slotwise_resource_lock_key(NEW.tenant_id, NEW.resource_id));
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER resources_lock_on_insert_or_delete AFTER INSERT OR DELETE ON resources
    FOR EACH ROW EXECUTE FUNCTION slotwise_lock_resource();
CREATE TRIGGER resources_lock_on_capacity AFTER UPDATE ON resources
    FOR EACH ROW WHEN (OLD.capacity IS DISTINCT FROM NEW.capacity OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id
                       OR OLD.resource_id IS DISTINCT FROM NEW.resource_id)
    EXECUTE FUNCTION slotwise_lock_resource();
)sql",
};

constexpr int kSchemaVersion = static_cast<int>(std::size(kMigrations));

}  // namespace

namespace {

int checked_version(std::int64_t version) {
    if (version > kSchemaVersion) {
        throw Error(Errc::storage_error, "postgres: the database has schema version " + std::to_string(version) +
                                             ", newer than this build's " + std::to_string(kSchemaVersion) +
                                             "; upgrade slotwise to open it");
    }
    return static_cast<int>(version);
}

constexpr const char* kCreateSchemaTable =
    "CREATE TABLE IF NOT EXISTS slotwise_schema (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL);"
    "INSERT INTO slotwise_schema (id, version) VALUES (1, 0) ON CONFLICT DO NOTHING";
constexpr const char* kSelectSchemaVersion = "SELECT version FROM slotwise_schema WHERE id = 1";

}  // namespace

SchemaState schema_state(Connection& c) {
    // Reads only: a database slotwise never opened has no schema table.
    const auto exists = c.run("SELECT (to_regclass('slotwise_schema') IS NOT NULL)::int", Params{}).integer(0, 0);
    if (exists == 0) return {0, kSchemaVersion};
    const auto r = c.run(kSelectSchemaVersion, Params{});
    return {checked_version(r.rows() == 0 ? 0 : r.integer(0, 0)), kSchemaVersion};
}

SchemaState apply_migrations(Connection& c, bool dry_run, int target) {
    if (target < 0 || target > kSchemaVersion) {
        throw Error(Errc::invalid_argument, "target", "no schema version " + std::to_string(target));
    }
    // The lock is the session's: held across the migration's transactions,
    // let go by the unlock below, or by the server if this process dies.
    c.exec(std::string("SELECT pg_advisory_lock(") + kMigrationLock + ")");
    struct Unlock {
        Connection& c;
        ~Unlock() { (void)c.try_exec(std::string("SELECT pg_advisory_unlock(") + kMigrationLock + ")"); }
    } unlock{c};
    if (dry_run) {
        // PostgreSQL's DDL is transactional: every step runs on the data and
        // the whole is rolled back.
        const auto before = schema_state(c);
        c.exec("BEGIN");
        try {
            c.exec(kCreateSchemaTable);
            for (auto v = before.version; v < target; ++v) c.exec(kMigrations[v]);
        } catch (...) {
            (void)c.try_exec("ROLLBACK");
            throw;
        }
        c.exec("ROLLBACK");
        return before;
    }
    c.exec(kCreateSchemaTable);
    const int version = checked_version(c.run(kSelectSchemaVersion, Params{}).integer(0, 0));
    for (auto v = version; v < target; ++v) {
        c.exec("BEGIN");
        try {
            c.exec(kMigrations[v]);
            c.exec("UPDATE slotwise_schema SET version = " + std::to_string(v + 1) + " WHERE id = 1");
            c.exec("COMMIT");
        } catch (...) {
            (void)c.try_exec("ROLLBACK");
            throw;
        }
    }
    return {version, kSchemaVersion};
}

void migrate(Connection& c) { (void)apply_migrations(c, false); }

int schema_version() noexcept { return kSchemaVersion; }

}  // namespace slotwise::postgres
