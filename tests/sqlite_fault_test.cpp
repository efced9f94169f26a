// The SQLite adapter under I/O faults: a VFS shim wrapping the default VFS
// makes the Nth write or sync (and, when sticky, every one after it) fail with
// SQLITE_IOERR. For every point at which a booking's write transaction can be
// hit, the call must fail — with commit_in_doubt when the fault struck the
// COMMIT, storage_error before it — and the file, closed and reopened without
// faults, must pass `PRAGMA integrity_check` and hold exactly what it held
// before. A copy taken right after the failure (what a crash would leave) must
// hold the transaction entirely or not at all, and entirely only after a
// commit_in_doubt. The first shim can also stall a sync (a checkpoint's) on a
// slow disk, while every writer must go on. A second
// shim holds every write back until its file's
// next sync and cuts the power at a chosen write or sync: the image left
// must be intact, hold every acknowledged booking under synchronous FULL,
// and under NORMAL lose at most those acknowledged since the WAL was last
// synced (by a checkpoint).
#include "support/race_fixture.hpp"
#include "support/temp_dir.hpp"
#include "store_conformance.hpp"

#include <slotwise/sqlite.hpp>

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

using namespace slotwise;
using namespace std::chrono_literals;
using slotwise::conformance::detail::at;
using slotwise::conformance::detail::booking;
using slotwise::conformance::detail::confirmation_of;

namespace {

// --- the fault-injecting VFS ---------------------------------------------------

// When armed, counts xWrite and xSync calls on every file of the VFS and fails
// call number `fail_at` (and, if `sticky`, every later one).
struct Faults {
    std::atomic<bool> armed{false};
    std::atomic<bool> sticky{false};
    std::atomic<int> fail_at{0};
    std::atomic<int> calls{0};
    std::atomic<int> injected{0};

    void arm(int nth, bool keep_failing) {
        calls = 0;
        injected = 0;
        fail_at = nth;
        sticky = keep_failing;
        armed = true;
    }
    void disarm() { armed = false; }
    bool hit() {
        if (!armed) return false;
        const int n = ++calls;
        if (n == fail_at || (sticky && n > fail_at)) {
            ++injected;
            return true;
        }
        return false;
    }
};

Faults faults;

// When armed, the next sync of any file made off the test's writing threads
// (a checkpoint's, on the store's checkpointer) waits until released, as on
// a disk that stalls. A writing thread may sync the WAL's header itself when
// it starts the WAL over: SQLite's, not a checkpoint.
class SyncStall {
public:
    void arm() {
        std::lock_guard lock(mutex_);
        armed_ = true;
        stalled_ = released_ = false;
    }
    static inline thread_local bool writing_thread = false;

    void at_sync() {
        if (writing_thread) return;
        std::unique_lock lock(mutex_);
        if (!armed_) return;
        armed_ = false;
        stalled_ = true;
        changed_.notify_all();
        changed_.wait(lock, [&] { return released_; });
    }
    bool stalled() {
        std::lock_guard lock(mutex_);
        return stalled_;
    }
    bool wait_until_stalled(std::chrono::seconds limit) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, limit, [&] { return stalled_; });
    }
    void release() {
        std::lock_guard lock(mutex_);
        armed_ = false;
        released_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool armed_ = false;
    bool stalled_ = false;
    bool released_ = false;
};

SyncStall sync_stall;

constexpr const char* kFaultVfs = "slotwise-fault";

sqlite3_vfs* real_vfs() { return sqlite3_vfs_find(nullptr); }

// Our file wraps the real VFS's file, which lives right after it.
struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;
    bool database;  // the main database file, not its WAL or a journal
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }
const sqlite3_io_methods* real_methods(sqlite3_file* f) { return real(f)->pMethods; }

int f_close(sqlite3_file* f) { return real_methods(f)->xClose(real(f)); }
int f_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
    return real_methods(f)->xRead(real(f), buf, n, off);
}
int f_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    if (faults.hit()) return SQLITE_IOERR_WRITE;
    return real_methods(f)->xWrite(real(f), buf, n, off);
}
int f_truncate(sqlite3_file* f, sqlite3_int64 size) {
    return real_methods(f)->xTruncate(real(f), size);
}
int f_sync(sqlite3_file* f, int flags) {
    sync_stall.at_sync();
    if (faults.hit()) return SQLITE_IOERR_FSYNC;
    return real_methods(f)->xSync(real(f), flags);
}
int f_file_size(sqlite3_file* f, sqlite3_int64* size) {
    return real_methods(f)->xFileSize(real(f), size);
}
int f_lock(sqlite3_file* f, int level) { return real_methods(f)->xLock(real(f), level); }
int f_unlock(sqlite3_file* f, int level) { return real_methods(f)->xUnlock(real(f), level); }
int f_check_reserved_lock(sqlite3_file* f, int* out) {
    return real_methods(f)->xCheckReservedLock(real(f), out);
}
int f_file_control(sqlite3_file* f, int op, void* arg) {
    return real_methods(f)->xFileControl(real(f), op, arg);
}
int f_sector_size(sqlite3_file* f) { return real_methods(f)->xSectorSize(real(f)); }
int f_device_characteristics(sqlite3_file* f) {
    return real_methods(f)->xDeviceCharacteristics(real(f));
}
int f_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    const auto* m = real_methods(f);
    return m->iVersion >= 2 && m->xShmMap ? m->xShmMap(real(f), page, size, extend, out)
                                          : SQLITE_IOERR;
}
int f_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    const auto* m = real_methods(f);
    return m->iVersion >= 2 && m->xShmLock ? m->xShmLock(real(f), offset, n, flags) : SQLITE_IOERR;
}
void f_shm_barrier(sqlite3_file* f) {
    const auto* m = real_methods(f);
    if (m->iVersion >= 2 && m->xShmBarrier) m->xShmBarrier(real(f));
}
int f_shm_unmap(sqlite3_file* f, int delete_flag) {
    const auto* m = real_methods(f);
    return m->iVersion >= 2 && m->xShmUnmap ? m->xShmUnmap(real(f), delete_flag) : SQLITE_OK;
}
int f_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
    const auto* m = real_methods(f);
    if (m->iVersion >= 3 && m->xFetch) return m->xFetch(real(f), off, n, out);
    *out = nullptr;
    return SQLITE_OK;
}
int f_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
    const auto* m = real_methods(f);
    return m->iVersion >= 3 && m->xUnfetch ? m->xUnfetch(real(f), off, p) : SQLITE_OK;
}

const sqlite3_io_methods fault_methods = {
    3,
    f_close,
    f_read,
    f_write,
    f_truncate,
    f_sync,
    f_file_size,
    f_lock,
    f_unlock,
    f_check_reserved_lock,
    f_file_control,
    f_sector_size,
    f_device_characteristics,
    f_shm_map,
    f_shm_lock,
    f_shm_barrier,
    f_shm_unmap,
    f_fetch,
    f_unfetch,
};

int v_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    auto* f = reinterpret_cast<FaultFile*>(file);
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->database = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    std::memset(f->real, 0, static_cast<std::size_t>(real_vfs()->szOsFile));
    const int rc = real_vfs()->xOpen(real_vfs(), name, f->real, flags, out_flags);
    // SQLite calls xClose whenever pMethods is set, even after a failed open.
    f->base.pMethods = f->real->pMethods ? &fault_methods : nullptr;
    return rc;
}
int v_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    return real_vfs()->xDelete(real_vfs(), name, sync_dir);
}
int v_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return real_vfs()->xAccess(real_vfs(), name, flags, out);
}
int v_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
    return real_vfs()->xFullPathname(real_vfs(), name, n, out);
}
void* v_dl_open(sqlite3_vfs*, const char* name) { return real_vfs()->xDlOpen(real_vfs(), name); }
void v_dl_error(sqlite3_vfs*, int n, char* out) { real_vfs()->xDlError(real_vfs(), n, out); }
void (*v_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void) {
    return real_vfs()->xDlSym(real_vfs(), handle, symbol);
}
void v_dl_close(sqlite3_vfs*, void* handle) { real_vfs()->xDlClose(real_vfs(), handle); }
int v_randomness(sqlite3_vfs*, int n, char* out) {
    return real_vfs()->xRandomness(real_vfs(), n, out);
}
int v_sleep(sqlite3_vfs*, int us) { return real_vfs()->xSleep(real_vfs(), us); }
int v_current_time(sqlite3_vfs*, double* out) { return real_vfs()->xCurrentTime(real_vfs(), out); }
int v_get_last_error(sqlite3_vfs*, int n, char* out) {
    return real_vfs()->xGetLastError(real_vfs(), n, out);
}
int v_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) {
    return real_vfs()->xCurrentTimeInt64(real_vfs(), out);
}

// A shim VFS named `name` whose files are `File` wrappers: opening and
// deleting are its own, everything else goes to the real VFS.
template <class File>
sqlite3_vfs shim_vfs(const char* name, decltype(sqlite3_vfs::xOpen) open, decltype(sqlite3_vfs::xDelete) remove) {
    sqlite3_vfs v{};
    v.iVersion = 2;
    v.szOsFile = static_cast<int>(sizeof(File)) + real_vfs()->szOsFile;
    v.mxPathname = real_vfs()->mxPathname;
    v.zName = name;
    v.xOpen = open;
    v.xDelete = remove;
    v.xAccess = v_access;
    v.xFullPathname = v_full_pathname;
    v.xDlOpen = v_dl_open;
    v.xDlError = v_dl_error;
    v.xDlSym = v_dl_sym;
    v.xDlClose = v_dl_close;
    v.xRandomness = v_randomness;
    v.xSleep = v_sleep;
    v.xCurrentTime = v_current_time;
    v.xGetLastError = v_get_last_error;
    v.xCurrentTimeInt64 = v_current_time_int64;
    return v;
}

// Registers the shim once (not as the default VFS).
void register_fault_vfs() {
    static sqlite3_vfs vfs = shim_vfs<FaultFile>(kFaultVfs, v_open, v_delete);
    static const int registered = sqlite3_vfs_register(&vfs, 0);
    REQUIRE(registered == SQLITE_OK);
}

// --- looking at the file from outside ------------------------------------------


std::string cell(sqlite3_stmt* s, int col) {
    switch (sqlite3_column_type(s, col)) {
        case SQLITE_NULL:
            return "NULL";
        case SQLITE_INTEGER:
            return "i" + std::to_string(sqlite3_column_int64(s, col));
        case SQLITE_FLOAT:
            return "f" + std::to_string(sqlite3_column_double(s, col));
        default: {
            const auto* p = static_cast<const char*>(sqlite3_column_blob(s, col));
            const int n = sqlite3_column_bytes(s, col);
            return "s" + std::to_string(n) + ":" +
                   std::string(p ? p : "", static_cast<std::size_t>(n));
        }
    }
}

std::vector<std::string> rows(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK);
    std::vector<std::string> out;
    int rc = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(s); ++c) row += cell(s, c) + "|";
        out.push_back(row);
    }
    sqlite3_finalize(s);
    REQUIRE(rc == SQLITE_DONE);
    return out;
}

struct Inspection {
    std::string integrity;
    std::string dump;  // schema, user_version and every row of every table
};

// Opens the file with the default VFS (no faults), checks and dumps it.
Inspection inspect(const std::string& path) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    Inspection out;
    const auto integrity = rows(db, "PRAGMA integrity_check");
    for (const auto& r : integrity) out.integrity += r;
    out.dump = "user_version " + rows(db, "PRAGMA user_version").at(0) + "\n";
    for (const auto& r :
         rows(db, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")) {
        out.dump += r + "\n";
    }
    for (const auto& table :
         rows(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
        const auto name = table.substr(table.find(':') + 1, table.size() - table.find(':') - 2);
        auto content = rows(db, "SELECT * FROM \"" + name + "\"");
        std::sort(content.begin(), content.end());
        out.dump += "table " + name + " (" + std::to_string(content.size()) + " rows)\n";
        for (const auto& r : content) out.dump += r + "\n";
    }
    sqlite3_close(db);
    return out;
}

const TenantId tenant{"tenant_a"};

// A database with some rows in every table, written without faults.
void seed(const std::string& path) {
    auto store = open_sqlite({.path = path});
    auto tx = store->write();
    tx->insert_tenant({.id = tenant, .name = "Salon", .created_at = at("2026-01-01T00:00:00Z")});
    tx->put_resource(tenant, {.id = {"res_1"}, .name = "Anna", .timezone = "Europe/Rome"});
    WeeklyHours week;
    week[date::Monday] = {{9h, 13h}};
    tx->put_weekly_hours(tenant, {"res_1"}, week);
    tx->put_override(tenant, {"res_1"}, parse_date("2026-06-02", "d"), {});
    tx->insert_block(tenant,
                     {.id = {"blk_1"},
                      .resource = {"res_1"},
                      .interval = {at("2026-06-01T12:00:00Z"), at("2026-06-01T13:00:00Z")}});
    tx->put_service(
        tenant, {.id = {"svc_cut"}, .name = "Cut", .duration = 30min, .resource_groups = {{{"res_1"}}}});
    for (int i = 0; i < 20; ++i) {
        // Every other booking still owes its confirmation (kept on its row).
        const auto b = booking("bkg_" + std::to_string(i), "res_1", at("2026-06-01T08:00:00Z") + i * 30min);
        const auto confirmation = confirmation_of(tenant, b);
        tx->insert_booking(tenant, b, i % 2 == 0 ? &confirmation : nullptr);
    }
    tx->commit();
}

// The write transaction under test: a booking with its confirmation, a
// change to a booking that owes one (moved to the outbox first), a catalogue
// change, and a take of the outbox (the sweep of owed confirmations).
// `committing`, when given, is set once every call but commit() has returned.
void book(Store& store, int n, bool* committing = nullptr) {
    auto tx = store.write();
    Booking b = booking("new_" + std::to_string(n), "res_1", at("2026-06-03T09:00:00Z"));
    b.customer.name = std::string(6000, 'n');  // spans several pages
    b.idempotency_key = "key-" + std::to_string(n);
    const auto confirmation = confirmation_of(tenant, b);
    tx->insert_booking(tenant, b, &confirmation);
    Booking moved = booking("bkg_4", "res_1", at("2026-06-04T09:00:00Z"));
    tx->update_booking(tenant, moved);
    tx->delete_block(tenant, {"blk_1"});
    CHECK(tx->take_notifications(at("2026-07-01T00:00:00Z"), 5).size() == 5);
    if (committing) *committing = true;
    tx->commit();
}

struct Outcome {
    int points = 0;    // injection points that made the transaction fail
    int at_commit = 0; // of those, how many struck the COMMIT
    int in_doubt = 0;  // of those, how many a crash would have committed
    bool finally_committed = false;
};

namespace fs = std::filesystem;

// What the file would hold had the process died right now: a copy of the
// database and its WAL (the shared-memory index is rebuilt on recovery).
std::string crash_image(const std::string& path, const fs::path& dir) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto copy = dir / "crash.db";
    fs::copy_file(path, copy);
    if (fs::exists(path + "-wal")) fs::copy_file(path + "-wal", copy.string() + "-wal");
    return copy.string();
}

// The file's content had booking `nth` committed without faults.
std::string committed_dump(const std::string& pristine, const fs::path& dir, int nth) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto copy = (dir / "ok.db").string();
    fs::copy_file(pristine, copy);
    book(*open_sqlite({.path = copy}), nth);
    return inspect(copy).dump;
}

// Fails the 1st, 2nd, … write/sync of the transaction until one run gets
// through without reaching the fault; checks the file after each failure.
Outcome sweep(const fs::path& dir, bool synchronous_full, bool sticky) {
    const auto path = (dir / "faults.db").string();
    const auto pristine = (dir / "pristine.db").string();
    seed(path);
    fs::copy_file(path, pristine);  // seed() closed cleanly: no WAL to copy
    const auto before = inspect(path);
    REQUIRE(before.integrity == "s2:ok|");
    Outcome out;
    for (int nth = 1; nth <= 200; ++nth) {
        CAPTURE(nth);
        auto store =
            open_sqlite({.path = path, .synchronous_full = synchronous_full, .vfs = kFaultVfs});
        faults.arm(nth, sticky);
        bool failed = false;
        bool committing = false;
        Errc code{};
        try {
            book(*store, nth, &committing);
        } catch (const Error& e) {
            failed = true;
            code = e.code();
            CHECK_MESSAGE(e.code() == (committing ? Errc::commit_in_doubt : Errc::storage_error), e.what());
        }
        const bool reached = faults.injected > 0;
        faults.disarm();
        if (!failed) {
            // The fault lay beyond the transaction's last write or sync.
            CHECK_FALSE(reached);
            store.reset();
            CHECK(inspect(path).integrity == "s2:ok|");
            CHECK(inspect(path).dump == committed_dump(pristine, dir / "ok", nth));
            out.finally_committed = true;
            break;
        }
        CHECK(reached);
        ++out.points;
        if (committing) ++out.at_commit;

        // Had the process crashed right after the failed call, recovery must
        // find the transaction all there or not there at all. (When the
        // failure was the fsync of a complete commit, it may be there: such a
        // commit failure is in doubt.)
        const auto crashed = inspect(crash_image(path, dir / "crash"));
        CHECK(crashed.integrity == "s2:ok|");
        if (crashed.dump != before.dump) {
            CHECK(crashed.dump == committed_dump(pristine, dir / "ok", nth));
            // Whoever may find it committed was told it might be.
            CHECK(code == Errc::commit_in_doubt);
            ++out.in_doubt;
        }

        // Closed and reopened normally, the file is exactly as it was.
        store.reset();
        const auto after = inspect(path);
        CHECK(after.integrity == "s2:ok|");
        CHECK(after.dump == before.dump);
        // The store recovers: the same file opens and works.
        auto again = open_sqlite({.path = path});
        CHECK_FALSE(again->read()->booking(tenant, {"new_" + std::to_string(nth)}));
    }
    return out;
}

}  // namespace

TEST_CASE(
    "a booking transaction hit by an I/O fault fails, in doubt only when the COMMIT was hit, and leaves "
    "the file as it was or, after a crash in doubt, as the whole transaction left it") {
    register_fault_vfs();
    slotwise::test::TempDir dir;
    Outcome outcome;
    SUBCASE("synchronous NORMAL, one failing write") { outcome = sweep(dir.path, false, false); }
    SUBCASE("synchronous NORMAL, the disk fails for good") {
        outcome = sweep(dir.path, false, true);
    }
    SUBCASE("synchronous FULL, one failing write or sync") {
        outcome = sweep(dir.path, true, false);
    }
    SUBCASE("synchronous FULL, the disk fails for good") { outcome = sweep(dir.path, true, true); }
    MESSAGE("injection points exercised: ", outcome.points, ", of which at COMMIT: ", outcome.at_commit,
            ", in doubt after a crash: ", outcome.in_doubt);
    CHECK(outcome.points >= 3);
    CHECK(outcome.at_commit >= 1);
    CHECK(outcome.finally_committed);
}

TEST_CASE("a checkpoint stalled on a slow disk holds back no writer, not even the one whose commit called for it") {
    register_fault_vfs();
    slotwise::test::TempDir dir;
    auto store = open_sqlite({.path = (dir.path / "stall.db").string(), .vfs = kFaultVfs});
    const auto write_tenant = [&](const std::string& id) {
        auto tx = store->write();
        tx->insert_tenant({.id = {id}, .name = std::string(6000, 'x')});
        tx->commit();
    };
    sync_stall.arm();
    // Writes until a commit passes the WAL's checkpoint mark and the
    // checkpoint it calls for stalls in its first sync; then goes on writing.
    auto writing = std::async(std::launch::async, [&] {
        SyncStall::writing_thread = true;
        for (int i = 0; i < 5000 && !sync_stall.stalled(); ++i) write_tenant("ten_" + std::to_string(i));
        for (int i = 0; i < 20; ++i) write_tenant("ten_after_" + std::to_string(i));
    });
    const bool stalled = sync_stall.wait_until_stalled(std::chrono::seconds(120));
    auto other = std::async(std::launch::async, [&] {
        SyncStall::writing_thread = true;
        write_tenant("ten_other");
    });
    const auto done = [&](std::future<void>& f) {
        return stalled && f.wait_for(std::chrono::seconds(20)) == std::future_status::ready;
    };
    const bool writer_done = done(writing);
    const bool other_done = done(other);
    sync_stall.release();
    CHECK(stalled);
    CHECK(writer_done);
    CHECK(other_done);
    CHECK_NOTHROW(writing.get());
    CHECK_NOTHROW(other.get());
    auto tx = store->read();
    CHECK(tx->tenant({"ten_other"}).has_value());
    CHECK(tx->tenant({"ten_after_19"}).has_value());
}

TEST_CASE(
    "a schema migration hit by an I/O fault fails with storage_error and a later open succeeds") {
    register_fault_vfs();
    slotwise::test::TempDir dir;
    int points = 0;
    for (int nth = 1; nth <= 200; ++nth) {
        CAPTURE(nth);
        const auto path = (dir.path / ("migrate" + std::to_string(nth) + ".db")).string();
        faults.arm(nth, true);
        bool failed = false;
        try {
            open_sqlite({.path = path, .vfs = kFaultVfs});
        } catch (const Error& e) {
            failed = true;
            CHECK_MESSAGE(e.code() == Errc::storage_error, e.what());
        }
        faults.disarm();
        if (!failed) break;
        ++points;
        // Either nothing was migrated or everything was; the file opens now.
        const auto inspection = inspect(path);
        CHECK(inspection.integrity == "s2:ok|");
        auto store = open_sqlite({.path = path});
        auto tx = store->write();
        tx->insert_tenant({.id = tenant, .name = "Salon"});
        tx->commit();
    }
    MESSAGE("injection points exercised: ", points);
    CHECK(points >= 2);
}

// --- power loss ------------------------------------------------------------------

// A second shim: every write and truncate is held back until the file's next
// sync, as a disk cache holds it, and a power cut at the Nth write or sync
// leaves on "disk" only what was synced before it. The files' synced contents
// are kept beside the real ones (which stay whole, so the process carries on
// as if nothing happened); the image of a cut is those synced contents.
namespace {

constexpr const char* kPowerVfs = "slotwise-power-loss";

struct Durable {
    struct Op {
        sqlite3_int64 offset = 0;
        std::string data;    // a write, or
        bool truncate = false;  // a truncation to `offset`
    };
    bool exists = false;
    std::string bytes;
    std::vector<Op> pending;
};

struct PowerLoss {
    std::mutex mutex;
    std::map<std::string, Durable> files;  // by path; entries never erased (open files point at their keys)
    int cut_at = 0;                        // 0: no cut planned
    int calls = 0;                         // writes and syncs so far
    int syncs = 0;                         // of them, syncs
    std::optional<std::map<std::string, std::string>> image;  // taken at the cut: path → synced bytes

    // Counts one write or sync; takes the image when it is the planned cut
    // (before the call has any effect).
    void tick() {
        if (++calls != cut_at || image) return;
        image.emplace();
        for (const auto& [path, f] : files) {
            if (f.exists) (*image)[path] = f.bytes;
        }
    }
};

PowerLoss power;

struct PowerFile {
    sqlite3_file base;
    sqlite3_file* real;
    const std::string* path;  // null: a file without a name (not tracked)
};

sqlite3_file* p_real(sqlite3_file* f) { return reinterpret_cast<PowerFile*>(f)->real; }
const std::string* p_path(sqlite3_file* f) { return reinterpret_cast<PowerFile*>(f)->path; }

int p_close(sqlite3_file* f) { return p_real(f)->pMethods->xClose(p_real(f)); }
int p_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) { return p_real(f)->pMethods->xRead(p_real(f), buf, n, off); }
int p_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
    if (const auto* path = p_path(f)) {
        std::lock_guard lock(power.mutex);
        power.tick();
        power.files[*path].pending.push_back({.offset = off, .data = std::string(static_cast<const char*>(buf), static_cast<std::size_t>(n)), .truncate = false});
    }
    return p_real(f)->pMethods->xWrite(p_real(f), buf, n, off);
}
int p_truncate(sqlite3_file* f, sqlite3_int64 size) {
    if (const auto* path = p_path(f)) {
        std::lock_guard lock(power.mutex);
        power.files[*path].pending.push_back({.offset = size, .data = {}, .truncate = true});
    }
    return p_real(f)->pMethods->xTruncate(p_real(f), size);
}
int p_sync(sqlite3_file* f, int flags) {
    const int rc = p_real(f)->pMethods->xSync(p_real(f), flags);
    if (const auto* path = p_path(f); path && rc == SQLITE_OK) {
        std::lock_guard lock(power.mutex);
        power.tick();
        ++power.syncs;
        auto& d = power.files[*path];
        for (const auto& op : d.pending) {
            const auto at = static_cast<std::size_t>(op.offset);
            if (op.truncate) {
                d.bytes.resize(at);
                continue;
            }
            if (d.bytes.size() < at + op.data.size()) d.bytes.resize(at + op.data.size());
            std::memcpy(d.bytes.data() + at, op.data.data(), op.data.size());
        }
        d.pending.clear();
        d.exists = true;
    }
    return rc;
}
int p_file_size(sqlite3_file* f, sqlite3_int64* size) { return p_real(f)->pMethods->xFileSize(p_real(f), size); }
int p_lock(sqlite3_file* f, int level) { return p_real(f)->pMethods->xLock(p_real(f), level); }
int p_unlock(sqlite3_file* f, int level) { return p_real(f)->pMethods->xUnlock(p_real(f), level); }
int p_check_reserved_lock(sqlite3_file* f, int* out) { return p_real(f)->pMethods->xCheckReservedLock(p_real(f), out); }
int p_file_control(sqlite3_file* f, int op, void* arg) { return p_real(f)->pMethods->xFileControl(p_real(f), op, arg); }
int p_sector_size(sqlite3_file* f) { return p_real(f)->pMethods->xSectorSize(p_real(f)); }
// No powersafe-overwrite or atomic-write promises: this disk keeps nothing
// unsynced.
int p_device_characteristics(sqlite3_file*) { return 0; }
int p_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return p_real(f)->pMethods->xShmMap(p_real(f), page, size, extend, out);
}
int p_shm_lock(sqlite3_file* f, int offset, int n, int flags) { return p_real(f)->pMethods->xShmLock(p_real(f), offset, n, flags); }
void p_shm_barrier(sqlite3_file* f) { p_real(f)->pMethods->xShmBarrier(p_real(f)); }
int p_shm_unmap(sqlite3_file* f, int delete_flag) { return p_real(f)->pMethods->xShmUnmap(p_real(f), delete_flag); }

// Version 2: no memory-mapped reads (xFetch), which would bypass the shim.
const sqlite3_io_methods power_methods = {
    2,          p_close,         p_read,       p_write,       p_truncate,    p_sync,
    p_file_size, p_lock,         p_unlock,     p_check_reserved_lock, p_file_control, p_sector_size,
    p_device_characteristics, p_shm_map, p_shm_lock, p_shm_barrier, p_shm_unmap, nullptr, nullptr,
};

std::string whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

int p_open(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
    auto* f = reinterpret_cast<PowerFile*>(file);
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->path = nullptr;
    std::memset(f->real, 0, static_cast<std::size_t>(real_vfs()->szOsFile));
    if (name) {
        std::lock_guard lock(power.mutex);
        auto [it, fresh] = power.files.try_emplace(name);
        // A file met for the first time was closed cleanly before: on disk.
        if (fresh && std::filesystem::exists(name)) {
            it->second.exists = true;
            it->second.bytes = whole_file(name);
        }
        f->path = &it->first;
    }
    const int rc = real_vfs()->xOpen(real_vfs(), name, f->real, flags, out_flags);
    f->base.pMethods = f->real->pMethods ? &power_methods : nullptr;
    return rc;
}
int p_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    {
        std::lock_guard lock(power.mutex);
        auto& d = power.files[name];
        d = Durable{};
    }
    return real_vfs()->xDelete(real_vfs(), name, sync_dir);
}

void register_power_vfs() {
    static sqlite3_vfs vfs = shim_vfs<PowerFile>(kPowerVfs, p_open, p_delete);
    static const int registered = sqlite3_vfs_register(&vfs, 0);
    REQUIRE(registered == SQLITE_OK);
}

// What one run up to a cut saw.
struct PowerRun {
    std::vector<std::string> acknowledged;  // book() returned before the cut, in order
    std::string in_flight;                  // the booking being made at the cut ("" if none)
    std::size_t synced_through = 0;         // acknowledged bookings before the last sync ahead of the cut
    std::map<std::string, std::string> image;
};

constexpr int kPowerBookings = 20;

// Books kPowerBookings slots one after another through the shim; the power
// is cut at write-or-sync number `cut_at` (0: never; then `calls` says how
// many there were).
PowerRun run_until_cut(const fs::path& dir, bool synchronous_full, int cut_at, int* calls = nullptr) {
    using namespace slotwise::test;
    const auto s = make_race_setup((dir / "power.db").string(), 1, kPowerBookings, Minutes{30});
    {
        std::lock_guard lock(power.mutex);
        power.files.clear();
        power.image.reset();
        power.calls = 0;
        power.syncs = 0;
        power.cut_at = cut_at;
    }
    PowerRun run;
    {
        Engine engine(open_sqlite({.path = s.path, .synchronous_full = synchronous_full, .vfs = kPowerVfs}),
                      fixed_clock(slotwise::test::at(race_now)));
        auto customer = engine.scope({.tenant = s.tenant, .role = Role::customer, .subject = "ada"});
        int syncs_seen = 0;
        for (const auto& start : s.slots) {
            const auto b = customer.book({.service = s.service, .start = start, .resource = s.resource,
                                          .customer = {.name = "Ada"}});
            std::lock_guard lock(power.mutex);
            if (power.image) {
                if (run.in_flight.empty() && run.image.empty()) {
                    run.in_flight = b.id.value;
                    run.image = *power.image;
                }
                continue;
            }
            // A sync during this booking (a checkpoint's, under NORMAL) made
            // durable what was acknowledged before it began, at least.
            if (power.syncs > syncs_seen) run.synced_through = run.acknowledged.size();
            syncs_seen = power.syncs;
            run.acknowledged.push_back(b.id.value);
        }
        // A sync ahead of the cut during the in-flight booking covers nothing
        // acknowledged beyond what is counted above.
    }
    if (calls) *calls = power.calls;
    if (run.image.empty() && power.image) run.image = *power.image;
    return run;
}

// The bookings the image of a cut holds, in order of start, after SQLite's
// recovery; checks the image is an intact database.
std::vector<std::string> bookings_after_power_loss(const PowerRun& run, const std::string& db_path, const fs::path& dir) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto copy = (dir / "after.db").string();
    for (const auto& suffix : {std::string(), std::string("-wal")}) {
        const auto it = run.image.find(db_path + suffix);
        if (it == run.image.end()) continue;
        std::ofstream(copy + suffix, std::ios::binary) << it->second;
    }
    REQUIRE(fs::exists(copy));
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(copy.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    std::string integrity;
    for (const auto& r : rows(db, "PRAGMA integrity_check")) integrity += r;
    CHECK(integrity == "s2:ok|");
    std::vector<std::string> out;
    for (const auto& r : rows(db, "SELECT booking_id FROM bookings ORDER BY start_at")) {
        out.push_back(r.substr(r.find(':') + 1, r.size() - r.find(':') - 2));
    }
    sqlite3_close(db);
    return out;
}

}  // namespace

TEST_CASE(
    "power lost at any write or sync: under synchronous FULL every acknowledged booking survives; under NORMAL "
    "only those acknowledged since the WAL was last synced may be lost, and the file is never corrupt") {
    register_power_vfs();
    slotwise::test::TempDir dir;
    const auto db_path = (dir.path / "power.db").string();
    for (const bool full : {true, false}) {
        CAPTURE(full);
        int calls = 0;
        (void)run_until_cut(dir.path, full, 0, &calls);
        fs::remove(db_path);
        REQUIRE(calls > kPowerBookings);
        std::mt19937 rng(static_cast<unsigned>(calls));
        constexpr int cuts = 12;
        int lost_under_normal = 0;
        for (int i = 0; i < cuts; ++i) {
            // Spread over the run, each at a random write or sync of its stretch.
            const int cut = 1 + (i * calls) / cuts + static_cast<int>(rng() % static_cast<unsigned>(std::max(1, calls / cuts)));
            CAPTURE(cut);
            const auto run = run_until_cut(dir.path, full, cut);
            REQUIRE(!run.image.empty());
            const auto kept = bookings_after_power_loss(run, db_path, dir.path / "image");
            fs::remove(db_path);
            // What survives is always a prefix of what was acknowledged, plus
            // perhaps the booking in flight at the cut.
            std::vector<std::string> expected_prefix(run.acknowledged.begin(),
                                                     run.acknowledged.begin() + static_cast<std::ptrdiff_t>(std::min(kept.size(), run.acknowledged.size())));
            CHECK(std::vector<std::string>(kept.begin(), kept.begin() + static_cast<std::ptrdiff_t>(expected_prefix.size())) == expected_prefix);
            CHECK(kept.size() <= run.acknowledged.size() + 1);
            if (kept.size() > run.acknowledged.size()) CHECK(kept.back() == run.in_flight);
            if (full) {
                // FULL syncs the WAL at every commit: nothing acknowledged is lost.
                CHECK(kept.size() >= run.acknowledged.size());
            } else {
                // NORMAL syncs the WAL only at a checkpoint: what was
                // acknowledged since may be lost, never what came before.
                CHECK(kept.size() >= run.synced_through);
                lost_under_normal += static_cast<int>(run.acknowledged.size() - std::min(kept.size(), run.acknowledged.size()));
            }
        }
        if (!full) MESSAGE("under NORMAL, " << lost_under_normal << " acknowledged bookings lost over " << cuts << " power cuts");
    }
}
